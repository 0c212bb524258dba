"""Ingest speed and memory on a 100,000-row extract in a Swedish layout.

Run by hand:  uv run python bench/ingest.py [ROWS [REPEATS]]

Prints, each measured as a whole fresh process, REPEATS times (default 3), interleaved: the
median wall time and the peak RSS of the largest process, for
  - end-to-end ingest: python -m pipelines ingest (parse in the isolated child, map, validate,
    pseudonymise, load into a new DuckDB file);
  - a bare polars.read_excel (calamine) of the same file: the floor;
  - pandas.read_excel with openpyxl: what a spreadsheet-era script would do;
and the seconds of each step of the ingest, timed in this process.
Targets (issue 3): ingest <= 1.5 x the bare read, >= 10 x faster than pandas + openpyxl,
peak memory < 1 GB.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.extracts import personnummer  # noqa: E402

FORVALTNINGAR = ("Barn och utbildning", "Vård och omsorg", "Socialtjänst",
                 "Kommunledningskontoret", "Samhällsbyggnad", "Kultur och fritid")
JOBS = (("Förskollärare", "2343"), ("Barnskötare", "5311"), ("Undersköterska", "5321"),
        ("Socialsekreterare", "2661"), ("Grundskollärare", "2341"), ("Enhetschef", "1531"))


def extract(rows: int, seed: int = 1) -> pl.DataFrame:
    rng = random.Random(seed)
    records = []
    for i in range(rows):
        job, ssyk = JOBS[i % len(JOBS)]
        hourly = i % 9 == 0
        records.append((
            date(2025, 11, 1), personnummer(1960 + i % 45, i, "M" if i % 4 == 0 else "K"),
            f"A{i:06d}", FORVALTNINGAR[i % len(FORVALTNINGAR)], f"Enhet {i % 400}", job, ssyk,
            "Timanställning" if hourly else "Tillsvidareanställning",
            "Timlön" if hourly else "Månadslön",
            None if hourly else rng.choice((0.5, 0.75, 0.8, 1.0)),
            None if hourly else 25000 + rng.randint(0, 30000),
            rng.randint(0, 120) if hourly else None,
            "Ja" if ssyk == "1531" else None,
            date(2000, 1, 1) + timedelta(days=rng.randint(0, 9000)),
        ))
    return pl.DataFrame(records, orient="row", schema=[
        "Mätdatum", "Personnummer", "Anställningsnummer", "Förvaltning", "Enhet", "Befattning",
        "SSYK", "Anställningsform", "Löneform", "Sysselsättningsgrad", "Månadslön (heltid)",
        "Arbetade timmar", "Chef", "Anställningsdatum"])


def timed(code: str, *args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of `python -c code args`, run in a fresh process by a
    fresh wrapper (so the peak covers the process and the children it waits for)."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True)\n"
        "w = time.perf_counter() - t\n"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-c", code, *args],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    seconds, megabytes = result.stdout.split()[-2:]
    return float(seconds), float(megabytes)


def stages(path: Path, db: Path) -> dict[str, float]:
    """Seconds of each step of one ingest, timed in this process (the steps load.ingest runs,
    called one by one; the libraries are loaded and warm, unlike in a fresh process)."""
    import store
    from pipelines import load, normalise, read, validate
    from pipelines.findings import IngestReport

    data = path.read_bytes()
    con = store.connect(db)
    times, started = {}, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        times[name] = time.perf_counter() - started
        started = time.perf_counter()

    grids = read.read_many([(path.name, data)])[0]
    lap("parse in the child, hand-over")
    table = normalise.locate(grids)
    frame, _ = normalise.canonical(table)
    lap("recognise and parse values")
    frame = load._pseudonymised(frame, table)
    lap("pseudonymise")
    validate.validate(frame, table)
    lap("validate")
    batch = load._Batch(con, "bench", started, IngestReport(files=[path.name]))
    batch.add(path.name, data, table, frame)
    lap("check across files, stage in DuckDB")
    with store.transaction(con) as cur:
        batch.commit(cur, load.LOCAL_ACTOR)
    batch.drop()
    lap("insert, derived tables and commit in DuckDB")
    con.close()
    return times


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uttag.xlsx"
        started = time.perf_counter()
        with xlsxwriter.Workbook(path, {"strings_to_formulas": False}) as workbook:
            extract(rows).write_excel(workbook, worksheet="Anställningar",
                                      dtype_formats={pl.Date: "yyyy-mm-dd"})
        print(f"{rows} rows, {path.stat().st_size / 1e6:.1f} MB xlsx, written in "
              f"{time.perf_counter() - started:.1f} s; each read {repeats} times, interleaved")
        os.environ.update({"PERSONALPANELEN_DATA_DIR": folder,
                           "PERSONALPANELEN_SECRET_FILE": str(Path(folder) / "key")})
        commands = {
            "end-to-end ingest": lambda run: (
                "import sys; from pipelines.__main__ import main; sys.exit(main())",
                "ingest", str(path), "--db", str(Path(folder) / f"bench{run}.duckdb")),
            "bare polars.read_excel": lambda run: (
                "import sys, polars; polars.read_excel(sys.argv[1])", str(path)),
            "pandas + openpyxl": lambda run: (
                "import sys, pandas; pandas.read_excel(sys.argv[1], engine='openpyxl')",
                str(path)),
        }
        # Interleaved, so that a slow spell of a shared machine falls on all three alike.
        runs = {name: [] for name in commands}
        for run in range(repeats):
            for name, command in commands.items():
                runs[name].append(timed(*command(run)))
        steps = stages(path, Path(folder) / "stages.duckdb")
    medians = {}
    for name, results in runs.items():
        seconds = sorted(s for s, _ in results)
        medians[name] = statistics.median(seconds)
        each = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"{name:<24} median {medians[name]:6.2f} s (runs {each})   "
              f"peak {max(m for _, m in results):6.0f} MB")
    print("the ingest's steps, in one process:  " +
          ";  ".join(f"{name} {seconds:.2f} s" for name, seconds in steps.items()))
    ingest, bare, pandas = medians.values()
    print(f"ingest / bare read = {ingest / bare:.2f} (target <= 1.5); "
          f"pandas / ingest = {pandas / ingest:.1f} (target >= 10)")


if __name__ == "__main__":
    main()
