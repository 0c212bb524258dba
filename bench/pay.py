"""The pay report and the pay survey through the product's own path (issue 23).

Run by hand:
    uv run python bench/pay.py [--persons 50000] [--years 3] [--repeats 3]

Writes one yearly pay extract per year for --persons persons (a large municipality has about
15,000 employees; 50,000 is a region's size) in the demo's layout, loads them with one
`python -m pipelines ingest` into a fresh store, then times, as whole processes:
- `python -m metrics lonerapport --format json` (the report's figures),
- `python -m metrics lonerapport --format xlsx` (the Excel for DO),
- `python -m metrics lonekartlaggning --out FILE.pdf` (the survey's documentation),
each --repeats times (the median is printed), with the peak memory of the process.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.extracts import personnummer  # noqa: E402

CATEGORIES = [(f"Kategori {i}", 1 + i % 8) for i in range(120)]


def extract(persons: int, year: int, seed: int) -> pl.DataFrame:
    """A pay extract: women in the lower categories more often, supplements for a third."""
    rng = random.Random(seed)
    rows = []
    for i in range(persons):
        gender = "K" if rng.random() < 0.75 else "M"
        category, level = CATEGORIES[rng.randrange(len(CATEGORIES))]
        rate = rng.choice((1.0, 1.0, 0.75, 0.5))
        basic = (26_000 + 2_500 * level + rng.gauss(0, 2_000) + (900 if gender == "M" else 0))
        rows.append((year, personnummer(1960 + i % 45, i, gender), gender, category, level,
                     round(basic * 12 * rate), rng.choice((0, 0, 12_000, 25_000)),
                     round(1780 * rate)))
    return pl.DataFrame(rows, orient="row", schema=[
        "År", "Personnummer", "Kön", "Arbetstagarkategori", "Arbetsvärderingsnivå",
        "Utbetald grundlön", "OB-tillägg", "Betalda timmar"])


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak memory (GB) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="personalpanelen_pay_"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONALPANELEN_")}
    env |= {"PERSONALPANELEN_DATA_DIR": str(folder / "data"),
            "PERSONALPANELEN_DB": str(folder / "store.duckdb"),
            "PERSONALPANELEN_SECRET_FILE": str(folder / "key")}
    files = []
    last = 2025
    for year in range(last - options.years + 1, last + 1):
        path = folder / f"lon_{year}.csv"
        extract(options.persons, year, year).write_csv(path, separator=";")
        files.append(str(path))
    seconds, peak = timed(["-m", "pipelines", "ingest", *files], env)
    print(f"{options.persons} persons x {options.years} years: ingest {seconds:.1f} s, "
          f"peak {peak:.2f} GB")
    runs = {
        "lonerapport json": ["-m", "metrics", "lonerapport", "--format", "json", "--output",
                             str(folder / "r.json")],
        "lonerapport xlsx": ["-m", "metrics", "lonerapport", "--format", "xlsx", "--output",
                             str(folder / "r.xlsx")],
        "lonekartlaggning pdf": ["-m", "metrics", "lonekartlaggning", "--out",
                                 str(folder / "k.pdf")],
    }
    for name, args in runs.items():
        measured = [timed(args, env) for _ in range(options.repeats)]
        print(f"{name}: {statistics.median(s for s, _ in measured):.2f} s "
              f"(median of {options.repeats}), peak {max(p for _, p in measured):.2f} GB")


if __name__ == "__main__":
    main()
