"""Every page of the dashboard on a large store, as Streamlit's AppTest runs it (issue 14).

Run by hand, after bench/scale.py has built its store:
    uv run python bench/pages.py [--db PATH] [--repeats 3]

For each page (ui/sitemap.py): the page's first view after a load, with every cache cold
(st.cache_data and metrics.compute's store-level cache cleared); then a filter change (one
förvaltning chosen in the sidebar) and a second förvaltning added, each with st.cache_data
cleared, so everything that depends on the filter is computed afresh, while what depends on
the store alone (compute's protected tables, the columns that hold data) stays computed, as in
the running dashboard until the next load. Each figure is the median of --repeats runs of the
whole script, as AppTest times it; the target is 300 ms. The store is opened as the dashboard
opens it, so its derived person tables are read (metrics/persons.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path,
                        default=Path("/tmp/personalpanelen_scale_120x50000_s14.duckdb"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: run bench/scale.py first")
    os.environ["PERSONALPANELEN_DB"] = str(args.db)
    os.environ.setdefault("PERSONALPANELEN_DATA_DIR", "/tmp/personalpanelen_bench_data")

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from metrics import compute
    from ui import filters, sitemap

    def cold_run(at: AppTest, store_level: bool = True) -> float:
        st.cache_data.clear()
        if store_level:
            compute._CACHE.clear()
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        if at.exception:
            sys.exit(f"{at.exception[0].value}")
        return elapsed

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    started = time.perf_counter()
    at.run()  # opens the store (and builds derived tables a store from before them lacks)
    print(f"first start: {time.perf_counter() - started:.1f} s")
    forvaltningar = at.multiselect(key=filters.KEY_FORVALTNINGAR).options
    print(f"\n{'page':<28}{'first s':>8}{'1 förv. s':>11}{'2 förv. s':>11}  target "
          f"{TARGET_S * 1000:.0f} ms")
    rows = []
    for spec in sitemap.PAGES:
        runs = {"cold": [], "one": [], "two": []}
        for _ in range(args.repeats):
            at.multiselect(key=filters.KEY_FORVALTNINGAR).set_value([])
            at.switch_page(spec.file)
            runs["cold"].append(cold_run(at))
            at.multiselect(key=filters.KEY_FORVALTNINGAR).set_value(forvaltningar[:1])
            runs["one"].append(cold_run(at, store_level=False))
            at.multiselect(key=filters.KEY_FORVALTNINGAR).set_value(forvaltningar[:2])
            runs["two"].append(cold_run(at, store_level=False))
        medians = {name: statistics.median(values) for name, values in runs.items()}
        met = "met" if max(medians.values()) <= TARGET_S else "NOT met"
        rows.append((spec.title, medians, met))
        print(f"{spec.title:<28}{medians['cold']:>8.2f}{medians['one']:>11.2f}"
              f"{medians['two']:>11.2f}  {met}", flush=True)
    print("\nFor README:")
    for title, medians, met in rows:
        print(f"| {title} | {medians['cold'] * 1000:.0f} ms | {medians['one'] * 1000:.0f} ms | "
              f"{medians['two'] * 1000:.0f} ms | {met} |")


if __name__ == "__main__":
    main()
