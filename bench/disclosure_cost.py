"""What the disclosure model costs against the number of cells it decides over (issue 25).

Run by hand:  uv run python bench/disclosure_cost.py [--forvaltningar 10 25 50 100 200]
                                                     [--persons 3] [--metric headcount]

For each number of förvaltningar, a synthetic store of one snapshot with `--persons` persons
per förvaltning (3: nearly every förvaltning cell is hidden, the worst case, as in the upload
that took the server down; 100: a plausible municipality) with gender, five SSYK codes and
birth years, written straight into the store (tests/test_attack.py's store_of_rows). Then one
metric is computed cold through metrics.compute.compute, the product's path, which decides
disclosure over the metric and the metrics linked to it (metrics.linked). Each size runs in a
child process of its own: the printed memory is that child's peak RSS (VmHWM) during the
compute alone (reset before it), and the cells are the rows of the tables disclosure decides
over (the total, each förvaltning, each category of the other breakdowns, förvaltning x each).
Last, the exponent b of seconds ~ cells^b fitted over the sizes (least squares on the logs).

    uv run python bench/disclosure_cost.py --refusal
times instead the refusal of the upload that took the server down (15,500 rows in 5,000
förvaltningar, one snapshot) through pipelines.load.ingest, in a store of its own (a temporary
data folder and key), and checks that the store is unchanged.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = date(2025, 11, 1)
SSYK = ("2343", "5311", "5321", "2661", "1120")


def _rows(forvaltningar: int, persons: int, seed: int, occupations: int = 0) -> list[dict]:
    rng = random.Random(seed)
    codes = [f"{1000 + k}" for k in range(occupations)]
    rows = []
    for f in range(forvaltningar):
        for p in range(persons):
            i = f * persons + p
            rows.append({
                "snapshot_date": SNAPSHOT, "employment_id": f"e{i}", "person_key": f"p{i}",
                "birth_year": rng.randint(1958, 2003), "gender": rng.choice("KM"),
                "forvaltning": f"Förvaltning {f:05d}",
                "ssyk_code": codes[p % occupations] if codes else rng.choice(SSYK),
                "pay_form": "monthly", "employment_form": "tillsvidare",
                "contracted_rate": rng.choice((75.0, 100.0)), "actual_rate": 100.0,
                "is_manager": rng.random() < 0.07, "load_id": 1,
            })
    return rows


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(forvaltningar: int, persons: int, metric: str, occupations: int) -> None:
    """One size, in this process: build, compute, print a JSON line."""
    sys.path.insert(0, str(ROOT))
    from metrics import compute, registry
    from tests.test_attack import store_of_rows

    with tempfile.TemporaryDirectory() as folder:
        con = store_of_rows(Path(folder) / "store.duckdb",
                            _rows(forvaltningar, persons, forvaltningar, occupations), "bench")
        family = compute.linked.family(metric)
        cells = sum(compute._read(con, compute.tables_sql(registry.get(m)), {
            "month": None, "forvaltningar": None, "snapshots": None, "fte_hours": 1.0,
            "retirement_age": 67}).height for m in family)
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM from here on
        started = time.perf_counter()
        frame = compute.compute(con, metric, by=("forvaltning",))
        seconds = time.perf_counter() - started
        print(json.dumps({"forvaltningar": forvaltningar, "persons": persons,
                          "metrics": len(family), "cells": cells, "seconds": seconds,
                          "peak_mb": _peak_mb(), "hidden": int(frame["suppressed"].sum())}))
        con.close()


def refusal() -> None:
    """The 5,000-förvaltning upload through the product's load path: refused, and how fast."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PERSONALPANELEN_DATA_DIR"] = f"{folder}/data"
        os.environ["PERSONALPANELEN_SECRET_FILE"] = f"{folder}/key"
        sys.path.insert(0, str(ROOT))
        import store
        from pipelines.load import ingest
        from tests.extracts import csv_bytes
        from tests.test_limits import extract

        data = csv_bytes(extract(15_500, 5_000))
        con = store.connect(f"{folder}/store.duckdb")
        started = time.perf_counter()
        report = ingest(con, [("stor.csv", data)])
        seconds = time.perf_counter() - started
        rows = store.read(con, "SELECT count(*) AS n FROM employment")["n"][0]
        print(f"15 500 rader, 5 000 förvaltningar: {'inläst' if report.loaded else 'avvisad'} "
              f"på {seconds:.2f} s, {rows} rader i databasen efteråt, topp {_peak_mb():.0f} MB")
        for error in report.errors:
            print(f"  {error}")
        con.close()


def fitted_exponent(points: list[tuple[float, float]]) -> float:
    """b in y ~ x^b, least squares on the logs."""
    xs, ys = [math.log(x) for x, _ in points], [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            / sum((x - mx) ** 2 for x in xs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forvaltningar", type=int, nargs="+", default=[10, 25, 50, 100, 200])
    parser.add_argument("--persons", type=int, default=3)
    parser.add_argument("--occupations", type=int, default=0,
                        help="SSYK codes, the persons of a förvaltning taking them in turn "
                             "(0: five codes at random)")
    parser.add_argument("--metric", default="headcount")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--refusal", action="store_true",
                        help="time the refusal of 5,000 förvaltningar instead")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.refusal:
        refusal()
        return
    if args.child is not None:
        child(args.child, args.persons, args.metric, args.occupations)
        return
    codes = f"{args.occupations} yrkeskoder i tur" if args.occupations else "fem yrkeskoder"
    print(f"{args.metric}, {args.persons} personer per förvaltning, {codes}, ett mätdatum")
    print(f"{'förv.':>6} {'nyckeltal':>9} {'celler':>7} {'dolda':>6} {'sekunder':>9} "
          f"{'topp MB':>8}")
    points = []
    for size in args.forvaltningar:
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(size), "--persons", str(args.persons),
                 "--metric", args.metric, "--occupations", str(args.occupations)],
                capture_output=True, text=True, check=True, timeout=args.timeout, cwd=ROOT).stdout
        except subprocess.TimeoutExpired:
            print(f"{size:>6} längre än {args.timeout:.0f} s: avbruten")
            break
        result = json.loads(out.strip().splitlines()[-1])
        points.append((result["cells"], result["seconds"]))
        print(f"{size:>6} {result['metrics']:>9} {result['cells']:>7} {result['hidden']:>6} "
              f"{result['seconds']:>9.2f} {result['peak_mb']:>8.0f}")
    if len(points) > 1:
        print(f"sekunder ~ celler^{fitted_exponent(points):.2f}")


if __name__ == "__main__":
    main()
