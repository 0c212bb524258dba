"""A backfill of ten years of monthly extracts through the product's own load path (issue 14).

Run by hand:  uv run python bench/backfill.py [--snapshots 120] [--employees 50000]
                                              [--folder DIR]

1. Writes SNAPSHOTS monthly CSV extracts of about EMPLOYEES persons in a Swedish layout
   (Mätdatum, Personnummer, Anställningsnummer, Förvaltning, ..., semicolon-separated), from
   the same synthetic workforce as bench/scale.py (two employments for 3 % of the persons,
   hourly rows, managers, leave, turnover), each person with a valid and unique personnummer.
   The files are kept in --folder and reused when they are there.
2. Loads all of them but the last into a new store with one command, `python -m pipelines
   ingest FILE...`, as a whole fresh process; its wall time and peak RSS are the backfill's,
   the derived person tables (metrics/persons.py) included: the load builds them.
3. The baseline: a bare DuckDB read of the same files into a table (read_csv, in a fresh
   process).
4. The monthly load: the last file into that store, with its own command.
5. `python -m metrics compute --format csv` of the whole catalogue, and by förvaltning, each
   as a whole process, on the store as the command line left it; beside them the baseline of
   issue 14 (bench/scale.py): one hand-written query that groups every row into persons once
   and computes three indicators, with no breakdown and no disclosure, as a whole process.
Targets (issue 22): the backfill at most 10x the bare read, peak memory under 2 GB; one more
month under 5 s, derived tables included; the catalogue at most 2x the baseline (by
förvaltning 3x), under 1 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import (  # noqa: E402
    BASELINE,
    TURNOVER,
    Workforce,
    snapshot_dates,
    workforce_arguments,
)
from pipelines.schema import INPUT_BY_NAME  # noqa: E402
from tests.extracts import luhn_digit  # noqa: E402

COLUMNS = ("snapshot_date", "personnummer", "employment_id", "forvaltning", "org_unit",
           "job_title", "ssyk_code", "employment_form", "pay_form", "contracted_rate",
           "actual_rate", "on_full_leave", "monthly_salary_fte", "hourly_wage",
           "hours_worked_month", "is_manager", "employment_start", "first_hire_date")
HEADERS = {name: INPUT_BY_NAME[name].aliases[0] for name in COLUMNS}
"""Canonical column -> the header the extract uses: the schema's first Swedish alias."""
PAY_FORM = {"monthly": "Månadslön", "hourly": "Timlön"}
EMPLOYMENT_FORM = {"tillsvidare": "Tillsvidareanställning",
                   "visstid": "Allmän visstidsanställning", "timanstallning": "Timanställning"}
TARGET_RATIO, TARGET_PEAK_MB = 10.0, 2048
TARGET_MONTH_S, TARGET_COMPUTE_MB = 5.0, 1024
TARGET_COMPUTE_RATIOS = (2.0, 3.0)
"""The catalogue, and by förvaltning, at most this many times the hand-written pass."""


class Personnummer:
    """A valid personnummer per person key, unique: the i-th person born in a year gets the
    year's (i mod 365)-th day and serial i div 365, whose last digit says the gender."""

    def __init__(self) -> None:
        self.numbers: dict[str, str] = {}
        self.born: dict[int, int] = {}

    def of(self, key: str, birth_year: int, gender: str) -> str:
        if key not in self.numbers:
            i = self.born[birth_year] = self.born.get(birth_year, -1) + 1
            day = date(birth_year, 1, 1) + timedelta(days=i % 365)
            serial = (i // 365) % 500 * 2 + (1 if gender == "M" else 0)
            nine = f"{birth_year % 100:02d}{day:%m%d}{serial:03d}"
            self.numbers[key] = f"{day:%Y%m%d}-{nine[6:]}{luhn_digit(nine)}"
        return self.numbers[key]


def extract(frame: pl.DataFrame, numbers: Personnummer) -> pl.DataFrame:
    """A canonical snapshot as an HR system would export it."""
    pnr = [numbers.of(key, year, gender) for key, year, gender
           in zip(frame["person_key"], frame["birth_year"], frame["gender"], strict=True)]
    return frame.with_columns(
        pl.Series("personnummer", pnr),
        pl.col("pay_form").replace_strict(PAY_FORM),
        pl.col("employment_form").replace_strict(EMPLOYMENT_FORM),
        *(pl.when(pl.col(flag)).then(pl.lit("Ja")).otherwise(pl.lit("")).alias(flag)
          for flag in ("on_full_leave", "is_manager")),
    ).select(pl.col(name).alias(header) for name, header in HEADERS.items())


def write_files(folder: Path, snapshots: int, employees: int, seed: int) -> list[Path]:
    dates = snapshot_dates(snapshots)
    paths = [folder / f"uttag_{day:%Y_%m}.csv" for day in dates]
    if all(path.exists() for path in paths):
        print(f"reusing {len(paths)} extracts in {folder}")
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    workforce = Workforce(employees, rng, dates[0])
    numbers = Personnummer()
    for index, (day, path) in enumerate(zip(dates, paths, strict=True)):
        if index:
            workforce.replace(int(rng.poisson(employees * TURNOVER / 12)), day)
        extract(workforce.snapshot(day, 1), numbers).write_csv(path, separator=";")
    print(f"wrote {len(paths)} extracts in {time.perf_counter() - started:.0f} s")
    return paths


BARE_READ = """
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM read_csv($files, delim=';', header=true)",
            {"files": sys.argv[1:]})
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""


HAND_WRITTEN = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(sys.argv[2], {"month": None}).fetchall()
"""


MEASURED = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def timed(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the largest process of the command, and its stdout. A
    fresh wrapper process runs the command, so the peak is this command's alone."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", MEASURED, *command], capture_output=True,
                            text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"{' '.join(command[:4])} ... failed:\n{result.stdout[-2000:]}"
                 f"\n{result.stderr[-2000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, result.stdout


def main() -> None:
    parser = workforce_arguments(__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    folder = args.folder or Path(f"/tmp/personalpanelen_backfill_{args.snapshots}x"
                                 f"{args.employees}_s{args.seed}")
    *paths, next_month = write_files(folder, args.snapshots + 1, args.employees, args.seed)
    size = sum(p.stat().st_size for p in paths) / 1e6
    bare_s, bare_mb, rows = timed([sys.executable, "-c", BARE_READ, *map(str, paths)])
    print(f"{int(rows.split()[-1]):,} rows in {len(paths)} files, {size:.0f} MB; "
          f"{os.cpu_count()} cores")
    print(f"bare DuckDB read:          {bare_s:7.1f} s, peak {bare_mb:6.0f} MB")
    with tempfile.TemporaryDirectory() as work:
        env = {"PERSONALPANELEN_DATA_DIR": f"{work}/data",
               "PERSONALPANELEN_SECRET_FILE": f"{work}/key"}
        db = f"{work}/backfill.duckdb"
        ingest_s, ingest_mb, out = timed(
            [sys.executable, "-m", "pipelines", "ingest", "--db", db, *map(str, paths)], env)
        stored = os.path.getsize(db) / 1e6
        month_s, month_mb, _ = timed(
            [sys.executable, "-m", "pipelines", "ingest", "--db", db, str(next_month)], env)
        catalogue = [timed([sys.executable, "-m", "metrics", "compute", "--format", "csv",
                            "--db", db, *by], env) for by in ([], ["--by", "forvaltning"])]
        hand_s, hand_mb, _ = timed([sys.executable, "-c", HAND_WRITTEN, db, BASELINE])
    ratio = ingest_s / bare_s
    print(f"python -m pipelines ingest: {ingest_s:7.1f} s, peak {ingest_mb:6.0f} MB, "
          f"store {stored:.0f} MB")
    print(f"\nthe backfill is {ratio:.1f}x the bare read (target at most {TARGET_RATIO:g}x: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}); peak {ingest_mb:.0f} MB (target "
          f"under {TARGET_PEAK_MB} MB: {'met' if ingest_mb < TARGET_PEAK_MB else 'NOT met'})")
    print(out.strip().splitlines()[-1] if out.strip() else "")
    print(f"\none more month ({next_month.name}), derived tables included, as a whole "
          f"process: {month_s:.1f} s (target under {TARGET_MONTH_S:g} s: "
          f"{'met' if month_s < TARGET_MONTH_S else 'NOT met'}), peak {month_mb:.0f} MB")
    print(f"\nthe hand-written pass (3 indicators, every row), as a whole process: "
          f"{hand_s:.1f} s, peak {hand_mb:.0f} MB")
    for label, most, (seconds, peak, _) in zip(("the whole catalogue", "by förvaltning"),
                                               TARGET_COMPUTE_RATIOS, catalogue, strict=True):
        ratio = seconds / hand_s
        print(f"python -m metrics compute, {label}, as a whole process: {seconds:.1f} s "
              f"({ratio:.1f}x the hand-written pass; target at most {most:g}x: "
              f"{'met' if ratio <= most else 'NOT met'}), peak {peak:.0f} MB (target under "
              f"{TARGET_COMPUTE_MB} MB: {'met' if peak < TARGET_COMPUTE_MB else 'NOT met'})")


if __name__ == "__main__":
    main()
