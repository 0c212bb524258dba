"""Every page of the dashboard on a large store, as Streamlit's AppTest runs it (issue 14).

Run by hand, after bench/scale.py has built its store:
    uv run python bench/pages.py [--db PATH] [--repeats 3]

For each page (ui/sitemap.py), each run with st.cache_data cleared, so everything that depends
on the filter is computed afresh:
- cold: metrics.compute's store-level cache cleared too (the protected tables, the columns that
  hold data), the worst case;
- first view: as the dashboard is after a start or a load, which works out every metric's
  yearly tables at once (ui/data._warm; its time is printed);
- one förvaltning chosen in the sidebar, then a second added.
The store-level cache stays as the dashboard keeps it until the next load. Each figure is the
median of --repeats runs of the whole script, as AppTest times it; the target is 300 ms. The
store is opened as the dashboard opens it, so its derived person tables are read
(metrics/persons.py).
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
    from ui import data
    compute._CACHE.clear()
    started = time.perf_counter()
    data._warm(data.connection())
    print(f"working out every metric's yearly tables (ui/data._warm), done at start and after "
          f"a load: {time.perf_counter() - started:.2f} s")
    forvaltningar = at.multiselect(key=filters.KEY_FORVALTNINGAR).options
    columns = ("cold", "first", "one", "two")
    print(f"\n{'page':<28}{'cold s':>8}{'first s':>9}{'1 förv. s':>11}{'2 förv. s':>11}  "
          f"target {TARGET_S * 1000:.0f} ms (all but cold)")
    rows = []
    for spec in sitemap.PAGES:
        runs = {name: [] for name in columns}
        for _ in range(args.repeats):
            at.multiselect(key=filters.KEY_FORVALTNINGAR).set_value([])
            at.switch_page(spec.file)
            runs["cold"].append(cold_run(at))
            data._warm(data.connection())
            runs["first"].append(cold_run(at, store_level=False))
            at.multiselect(key=filters.KEY_FORVALTNINGAR).set_value(forvaltningar[:1])
            runs["one"].append(cold_run(at, store_level=False))
            at.multiselect(key=filters.KEY_FORVALTNINGAR).set_value(forvaltningar[:2])
            runs["two"].append(cold_run(at, store_level=False))
        medians = {name: statistics.median(values) for name, values in runs.items()}
        met = "met" if max(medians[c] for c in columns[1:]) <= TARGET_S else "NOT met"
        rows.append((spec.title, medians, met))
        print(f"{spec.title:<28}" + "".join(f"{medians[c]:>{w}.2f}" for c, w
                                            in zip(columns, (8, 9, 11, 11), strict=True))
              + f"  {met}", flush=True)
    print("\nFor README:")
    for title, medians, met in rows:
        print(f"| {title} | " + " | ".join(f"{medians[c] * 1000:.0f} ms" for c in columns)
              + f" | {met} |")

if __name__ == "__main__":
    main()
