"""Reads at the size of the largest municipality (issue 14): a synthetic store, then timings.

Run by hand:  uv run python bench/scale.py [--snapshots 120] [--employees 50000]
                                           [--db PATH] [--rebuild] [--repeats 3] [--steps ...]

1. Builds a synthetic store, or reuses it when the file is there (`--rebuild` builds afresh):
   SNAPSHOTS monthly snapshots (the first of each month, the last 2025-11-01) of about
   EMPLOYEES persons, written straight into the store's tables (not through the ingest
   pipeline, whose cost bench/ingest.py measures): 3 % of persons with two employments, about
   11 % hourly rows with hours, 8 förvaltningar with 50 units each, 60 SSYK codes, rates (most
   100, the others 50-90), salaries, gender, birth years, managers (about 1 in 15
   monthly-paid), tillsvidare / visstid / timanställning, a few persons on full leave, and
   turnover (about 8 % of the persons replaced each year, spread over the months). A sick-leave
   table per year and an HME table per unit and year come with it, so that every metric has
   data. Deterministic (--seed). Written snapshot by snapshot, each in one transaction that
   also refreshes the derived person tables as a load does (metrics/persons.py), so memory
   stays bounded and the build reports what the derived tables cost per snapshot.
2. Times each step (the median of --repeats runs), each step in a fresh child process whose
   peak RSS (VmHWM) is the step's peak memory. metrics.compute's LRU cache is cleared
   before every run, so each run is cold:
   - the baselines of issue 14: one hand-written query grouping the rows into persons once
     and computing three indicators, over the November rows (what a yearly catalogue reads)
     and over every row (what a monthly series reads);
   - catalogue: every registered metric's yearly series, total (compute_many);
   - catalogue by förvaltning (compute_many by=["forvaltning"]);
   - headcount monthly: compute(con, "headcount", monthly=True);
   - Excel export: metrics.export.workbook_bytes(con);
   - page Heltid cold: what ui/indicator.render computes for the page's primary metric and
     the secondary the page shows by default (the selector's first): the total, each
     breakdown over time (gender, förvaltning) and at the latest date (förvaltning),
     through compute() as ui/data.metric_frame calls it, without Streamlit;
   - the same page with one förvaltning chosen in the filter.
   Each step prints its target beside it (a ratio to its baseline, or seconds; peak memory).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
import store  # noqa: E402
from metrics import persons  # noqa: E402
from pipelines.schema import EMPLOYMENT_COLUMNS  # noqa: E402

LAST = date(2025, 11, 1)
FORVALTNINGAR = ("Barn och utbildning", "Vård och omsorg", "Socialtjänst", "Kultur och fritid",
                 "Kommunledningskontoret", "Samhällsbyggnad", "Teknik och service",
                 "Arbetsmarknad")
FORVALTNING_WEIGHTS = (0.34, 0.30, 0.10, 0.05, 0.05, 0.06, 0.07, 0.03)
UNITS_PER_FORVALTNING = 50
# 60 SSYK codes: the ones the metrics single out, with realistic weights, then 50 others.
SSYK_NAMED = (("5321", "Undersköterska", 0.16), ("2341", "Grundskollärare", 0.10),
              ("5311", "Barnskötare", 0.07), ("2343", "Förskollärare", 0.07),
              ("5312", "Elevassistent", 0.04), ("2661", "Socialsekreterare", 0.04),
              ("5322", "Personlig assistent", 0.06), ("5343", "Vårdbiträde", 0.04),
              ("1531", "Enhetschef", 0.0), ("1532", "Avdelningschef", 0.0))
SSYK_OTHER = tuple(f"{3000 + 97 * i:04d}" for i in range(50))
SSYK = tuple(code for code, _, _ in SSYK_NAMED) + SSYK_OTHER
TITLES = tuple(title for _, title, _ in SSYK_NAMED) + tuple(f"Befattning {c}" for c in SSYK_OTHER)
_named = np.array([w for _, _, w in SSYK_NAMED])
SSYK_WEIGHTS = np.concatenate([_named, np.full(50, (1 - _named.sum()) / 50)])
SALARY_BASE = np.concatenate([
    [29000, 38000, 28000, 36000, 25000, 37000, 26000, 26000, 48000, 56000],
    np.linspace(27000, 52000, 50)])  # 2025 level; earlier years 2.5 % lower per year
RATES = np.array([50, 60, 75, 80, 85, 90], dtype=float)

P_HOURLY_ONLY = 0.098      # persons paid by the hour only
P_SECOND = 0.03            # persons with two employments (half of the second ones hourly)
P_MANAGER = 1 / 15         # of the monthly-paid
P_FULL_TIME = 0.62         # of the monthly-paid
P_TILLSVIDARE = 0.86       # of the monthly-paid; the others visstid
P_FULL_LEAVE = 0.02        # monthly-paid persons on full leave on a snapshot date
P_PART_LEAVE = 0.08        # monthly-paid rows with an actual rate below the contracted one
TURNOVER = 0.08            # persons replaced per year


def snapshot_dates(count: int) -> list[date]:
    months = [LAST.year * 12 + LAST.month - 1 - i for i in range(count)][::-1]
    return [date(m // 12, m % 12 + 1, 1) for m in months]


class Workforce:
    """Per slot, the person who holds it now and the person's employments; a leaver's slot
    goes to a new person with a new key and new attributes."""

    def __init__(self, employees: int, rng: np.random.Generator, first: date):
        self.n, self.rng = employees, rng
        self.next_employment = 0
        self.columns: dict[str, np.ndarray] = {}
        self._fill(np.arange(employees), first, initial=True)

    def _ids(self, count: int) -> np.ndarray:
        ids = np.array([f"A{i:08d}" for i in range(self.next_employment,
                                                    self.next_employment + count)],
                       dtype=object)
        self.next_employment += count
        return ids

    def _fill(self, slots: np.ndarray, day: date, *, initial: bool = False) -> None:
        rng, k = self.rng, len(slots)
        raw = rng.integers(0, 256, size=(k, 32), dtype=np.uint8)
        new = {
            "person_key": np.array([row.tobytes().hex() for row in raw], dtype=object),
            "gender": np.where(rng.random(k) < 0.78, "K", "M").astype(object),
            "hourly": rng.random(k) < P_HOURLY_ONLY,
            "forv": rng.choice(len(FORVALTNINGAR), size=k, p=FORVALTNING_WEIGHTS),
            "unit": rng.integers(0, UNITS_PER_FORVALTNING, size=k),
            "ssyk": rng.choice(len(SSYK), size=k, p=SSYK_WEIGHTS),
            "full_time": rng.random(k) < P_FULL_TIME,
            "rate": rng.choice(RATES, size=k),
            "tillsvidare": rng.random(k) < P_TILLSVIDARE,
            "salary_2025": 0.0,
            "wage": rng.normal(170, 20, size=k).round(2),
            "second": rng.random(k) < P_SECOND,
            "second_hourly": rng.random(k) < 0.5,
            "second_forv": rng.choice(len(FORVALTNINGAR), size=k, p=FORVALTNING_WEIGHTS),
            "second_rate": rng.choice(np.array([10, 20, 25, 40]), size=k).astype(float),
            "employment_id": self._ids(k),
            "second_id": self._ids(k),
        }
        manager = ~new["hourly"] & (rng.random(k) < P_MANAGER)
        new["manager"] = manager
        new["ssyk"] = np.where(manager, np.where(rng.random(k) < 0.8, 8, 9), new["ssyk"])
        new["full_time"] |= manager
        new["salary_2025"] = (SALARY_BASE[new["ssyk"]] * rng.lognormal(0, 0.08, size=k)
                              ).round(-2)
        if initial:
            age = rng.integers(20, 66, size=k)
            hired_days = rng.integers(0, 365 * 25, size=k)
            hire = np.datetime64(day) - hired_days.astype("timedelta64[D]")
        else:
            age = np.clip(rng.normal(36, 11, size=k).round(), 19, 64).astype(int)
            hire = np.datetime64(day) - rng.integers(1, 28, size=k).astype("timedelta64[D]")
        new["birth_year"] = day.year - age
        new["first_hire"] = hire.astype("datetime64[D]")
        new["start"] = new["first_hire"]
        if not self.columns:
            self.columns = new
            return
        for name, values in new.items():
            self.columns[name][slots] = values

    def replace(self, count: int, day: date) -> None:
        slots = self.rng.choice(self.n, size=count, replace=False)
        self._fill(slots, day)

    def snapshot(self, day: date, load_id: int) -> pl.DataFrame:
        c, rng, n = self.columns, self.rng, self.n
        growth = 1.025 ** (day.year - 2025)
        hourly = c["hourly"]
        rate = np.where(c["full_time"], 100.0, c["rate"])
        second_monthly = c["second"] & ~c["second_hourly"] & ~hourly
        # Two monthly employments: the second takes part of the person's rate.
        rate = np.where(second_monthly, np.maximum(rate - c["second_rate"], 10.0), rate)
        leave = ~hourly & (rng.random(n) < P_FULL_LEAVE)
        part = ~hourly & ~leave & (rng.random(n) < P_PART_LEAVE)
        actual = np.where(leave, 0.0, np.where(part, np.maximum(rate - 25, 0), rate))
        hours = np.where(rng.random(n) < 0.12, 0.0, rng.gamma(2.0, 30.0, size=n).round(1))
        forv = np.array(FORVALTNINGAR, dtype=object)
        unit = np.array([f"Enhet {f + 1}.{u + 1:02d}" for f, u in zip(c["forv"], c["unit"],
                                                                      strict=True)],
                        dtype=object)
        primary = {
            "employment_id": c["employment_id"], "person_key": c["person_key"],
            "birth_year": c["birth_year"], "gender": c["gender"], "forvaltning": forv[c["forv"]],
            "org_unit": unit, "job_title": np.array(TITLES, dtype=object)[c["ssyk"]],
            "ssyk_code": np.array(SSYK, dtype=object)[c["ssyk"]],
            "employment_form": np.where(hourly, "timanstallning", np.where(
                c["tillsvidare"] | c["manager"], "tillsvidare", "visstid")).astype(object),
            "pay_form": np.where(hourly, "hourly", "monthly").astype(object),
            "contracted_rate": np.where(hourly, np.nan, rate),
            "actual_rate": np.where(hourly, np.nan, actual),
            "on_full_leave": leave,
            "monthly_salary_fte": np.where(hourly, np.nan, (c["salary_2025"] * growth).round(-1)),
            "hourly_wage": np.where(hourly, (c["wage"] * growth).round(2), np.nan),
            "hours_worked_month": np.where(hourly, hours, np.nan),
            "is_manager": c["manager"],
            "employment_start": c["start"], "first_hire_date": c["first_hire"],
        }
        two = c["second"] & ~hourly
        s_hourly = c["second_hourly"][two]
        s_hours = np.where(rng.random(int(two.sum())) < 0.2, 0.0,
                           rng.gamma(2.0, 10.0, size=int(two.sum())).round(1))
        second = {
            **{name: values[two] for name, values in primary.items()},
            "employment_id": c["second_id"][two],
            "forvaltning": forv[c["second_forv"][two]],
            "employment_form": np.where(s_hourly, "timanstallning", "visstid").astype(object),
            "pay_form": np.where(s_hourly, "hourly", "monthly").astype(object),
            "contracted_rate": np.where(s_hourly, np.nan, c["second_rate"][two]),
            "actual_rate": np.where(s_hourly, np.nan, c["second_rate"][two]),
            "monthly_salary_fte": np.where(s_hourly, np.nan,
                                           primary["monthly_salary_fte"][two]),
            "hourly_wage": np.where(s_hourly, (c["wage"][two] * growth).round(2), np.nan),
            "hours_worked_month": np.where(s_hourly, s_hours, np.nan),
            "is_manager": np.zeros(int(two.sum()), dtype=bool),
        }
        frame = pl.concat([pl.DataFrame(primary, nan_to_null=True),
                           pl.DataFrame(second, nan_to_null=True)])
        types = dict(EMPLOYMENT_COLUMNS)
        return frame.with_columns(
            pl.lit(day).alias("snapshot_date"), pl.lit(load_id).alias("load_id"),
            pl.col("birth_year").cast(pl.Int32),
        ).select([pl.col(name) if name in frame.columns or name in ("snapshot_date", "load_id")
                  else pl.lit(None, dtype=pl.String if types[name].startswith("VARCHAR")
                              else pl.Float64).alias(name)
                  for name, _ in EMPLOYMENT_COLUMNS])


def year_tables(frame: pl.DataFrame, year: int, rng: np.random.Generator,
                load_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sick-leave rows of the year's monthly-paid persons (from the November snapshot)
    and one HME row per unit."""
    persons = (frame.filter(pl.col("pay_form") == "monthly")
               .sort("contracted_rate", descending=True)
               .unique("person_key", keep="first", maintain_order=True))
    k = persons.height
    ordinary = (1700 * persons["contracted_rate"].to_numpy() / 100).round()
    sick = (ordinary * np.minimum(rng.gamma(0.6, 0.11, size=k), 1)).round()
    absence = persons.select(
        "person_key", "birth_year", "gender", "forvaltning",
        pl.Series("ordinary_hours", ordinary), pl.Series("sick_hours", sick),
        pl.Series("sick_hours_long", (sick * (rng.random(k) < 0.3)).round()),
    ).with_columns(year=pl.lit(year), load_id=pl.lit(load_id))
    units = frame.select("org_unit", "forvaltning").unique("org_unit").sort("org_unit")
    m = units.height
    scores = {name: np.clip(rng.normal(mean, 7, size=m), 0, 100).round(1)
              for name, mean in (("motivation", 80), ("ledarskap", 77), ("styrning", 73))}
    invited = rng.integers(6, 60, size=m)
    hme = units.select(pl.col("org_unit").alias("unit"), "forvaltning").with_columns(
        *(pl.Series(name, values) for name, values in scores.items()),
        pl.Series("hme_total", ((scores["motivation"] + scores["ledarskap"]
                                 + scores["styrning"]) / 3).round(1)),
        pl.Series("n_respondents", (invited * rng.uniform(0.6, 0.95, size=m)).astype(int)),
        pl.Series("n_invited", invited), year=pl.lit(year), load_id=pl.lit(load_id),
    )
    return absence, hme


def build(db: Path, snapshots: int, employees: int, seed: int) -> None:
    started = time.perf_counter()
    partial = db.with_name(db.name + ".building")
    for path in (partial, Path(f"{partial}.wal")):
        path.unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    dates = snapshot_dates(snapshots)
    workforce = Workforce(employees, rng, dates[0])
    leavers = employees * TURNOVER / 12
    con = store.connect(partial)
    persons.ready(con)  # the derived tables, empty: each snapshot's transaction fills its own
    rows, deriving = 0, 0.0
    for load_id, day in enumerate(dates, start=1):
        if load_id > 1:  # leavers spread over the months, whole persons on average
            workforce.replace(int(rng.poisson(leavers)), day)
        frame = workforce.snapshot(day, load_id)
        with store.transaction(con) as cur:
            cur.register("incoming", frame)
            cur.execute("INSERT INTO employment BY NAME SELECT * FROM incoming")
            cur.unregister("incoming")
            if day.month == 11:
                absence, hme = year_tables(frame, day.year, rng, load_id)
                cur.register("absence", absence)
                cur.execute("INSERT INTO absence_year BY NAME SELECT * FROM absence")
                cur.unregister("absence")
                cur.register("hme", hme)
                cur.execute("INSERT INTO hme_result BY NAME SELECT * FROM hme")
                cur.unregister("hme")
            cur.execute("INSERT INTO load_log VALUES ($id, now()::TIMESTAMP, $file, 'bench', "
                        "[$day], $rows, 0, 'bench/scale.py')",
                        {"id": load_id, "file": f"uttag_{day.isoformat()}.csv", "day": day,
                         "rows": frame.height})
            derive_started = time.perf_counter()
            store.refresh_derived(cur, [day])  # as pipelines/load.py does
            deriving += time.perf_counter() - derive_started
        rows += frame.height
        if load_id % 12 == 0 or load_id == len(dates):
            print(f"  {day}: {rows:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
    con.execute("CHECKPOINT")
    con.close()
    partial.rename(db)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"built {db} in {time.perf_counter() - started:.1f} s, {rows:,} rows, "
          f"peak {peak:.0f} MB; the derived tables took {deriving:.1f} s of it "
          f"({deriving / len(dates):.2f} s per snapshot)", flush=True)


# --- the steps, each run in its own child process -------------------------------------------


def _heltid(con, forvaltningar) -> None:
    from metrics import registry
    from metrics.compute import compute
    from ui.sitemap import PAGE_BY_PATH

    spec = PAGE_BY_PATH["heltid"]
    args = {"forvaltningar": forvaltningar, "start": None, "end": None, "publication": False,
            "retirement_age": 65, "monthly": False}
    for metric_id in (*spec.primary, *spec.secondary[:1]):  # the selector shows its first
        metric = registry.get(metric_id)
        total = compute(con, metric_id, **args)
        latest = total["snapshot_date"].to_list()[-1]
        for by in metric.breakdowns:
            if by == "gender":
                compute(con, metric_id, by=[by], **args)
                continue
            compute(con, metric_id, by=[by], **{**args, "start": latest, "end": latest})
            if by == "forvaltning":
                compute(con, metric_id, by=[by], **args)


# The baseline of issue 14: one hand-written query that groups the rows a catalogue reads into
# persons once and computes three indicators (headcount, full-time share, women's share of
# managers) per snapshot, with no breakdown and no disclosure.
BASELINE = """
WITH persons AS (
    SELECT snapshot_date, person_key,
           least(sum(contracted_rate) FILTER (pay_form = 'monthly'), 100) AS rate,
           bool_or(pay_form = 'monthly' AND is_manager) AS manager, first(gender) AS gender
    FROM employment
    WHERE $month::INTEGER IS NULL OR month(snapshot_date) = $month::INTEGER
    GROUP BY snapshot_date, person_key
)
SELECT snapshot_date, count(*) AS headcount,
       100.0 * avg(CASE WHEN rate >= 100 THEN 1 ELSE 0 END) FILTER (rate IS NOT NULL) AS full_time,
       100.0 * count(*) FILTER (manager AND gender = 'K')
             / count(*) FILTER (manager AND gender IN ('K', 'M')) AS managers_women
FROM persons GROUP BY snapshot_date ORDER BY snapshot_date
"""


def _step(name: str):
    from metrics import registry
    from metrics.compute import compute, compute_many
    from metrics.export import workbook_bytes

    ids = list(registry.METRICS)
    month = settings.get().reference_month
    return {
        "baseline: 3 indicators, November rows": lambda con: store.read(con, BASELINE,
                                                                        {"month": month}),
        "baseline: 3 indicators, every row": lambda con: store.read(con, BASELINE,
                                                                    {"month": None}),
        "catalogue, total": lambda con: compute_many(con, ids),
        "catalogue, by förvaltning": lambda con: compute_many(con, ids, by=["forvaltning"]),
        "headcount, monthly series": lambda con: compute(con, "headcount", monthly=True),
        "Excel export (all metrics)": lambda con: workbook_bytes(con),
        "page Heltid, cold": lambda con: _heltid(con, None),
        "page Heltid, cold, 1 förvaltning": lambda con: _heltid(con, (FORVALTNINGAR[0],)),
    }[name]


STEPS = ("baseline: 3 indicators, November rows", "baseline: 3 indicators, every row",
         "catalogue, total", "catalogue, by förvaltning", "headcount, monthly series",
         "Excel export (all metrics)", "page Heltid, cold", "page Heltid, cold, 1 förvaltning")
TARGETS = {  # step: (baseline step, at most this many times it) or (None, at most seconds)
    "catalogue, total": ("baseline: 3 indicators, November rows", 2.0),
    "catalogue, by förvaltning": ("baseline: 3 indicators, November rows", 3.0),
    "headcount, monthly series": ("baseline: 3 indicators, every row", 2.0),
    "Excel export (all metrics)": (None, 3.0),
    "page Heltid, cold": (None, 0.3),
    "page Heltid, cold, 1 förvaltning": (None, 0.3),
}
PEAK_TARGET_MB = 1024


def run_step(name: str, db: Path, repeats: int) -> None:
    """In the child: the step `repeats` times, cold each time; prints JSON."""
    from metrics import compute

    work = _step(name)
    con = store.connect(db, read_only=True)
    seconds = []
    for _ in range(repeats):
        compute._CACHE.clear()
        started = time.perf_counter()
        work(con)
        seconds.append(time.perf_counter() - started)
    con.close()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's peak resident memory since it started its program. Not ru_maxrss, which
    Linux carries over from the parent that forked it (the builder may have held gigabytes)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines()
                    if line.startswith("VmHWM:"))) / 1024


def measure(name: str, db: Path, repeats: int) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--db", str(db), "--step", name, "--repeats", str(repeats)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if result.returncode:
        sys.exit(f"{name} failed:\n{result.stderr}")
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["process"] = time.perf_counter() - started
    return out


def workforce_arguments(description: str) -> argparse.ArgumentParser:
    """The command line of a bench that generates the synthetic workforce."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--snapshots", type=int, default=120)
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=14)
    return parser


def main() -> None:
    parser = workforce_arguments(__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", help="a comma-separated subset, by number (1-8)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    db = args.db or Path(f"/tmp/personalpanelen_scale_{args.snapshots}x{args.employees}"
                         f"_s{args.seed}.duckdb")
    if args.step:
        run_step(args.step, db, args.repeats)
        return
    if args.rebuild or not db.exists():
        if args.rebuild:
            for path in (db, Path(f"{db}.wal")):
                path.unlink(missing_ok=True)
        print(f"building {args.snapshots} snapshots of {args.employees:,} persons ...")
        build(db, args.snapshots, args.employees, args.seed)
    else:
        print(f"reusing {db} (--rebuild builds it afresh)")
        con = store.connect(db)
        started = time.perf_counter()
        persons.ready(con)  # a store from before the derived tables, or a changed record
        print(f"derived tables ready in {time.perf_counter() - started:.1f} s")
        con.close()
    con = store.connect(db, read_only=True)
    facts = store.read(con, "SELECT count(*) AS rows, count(DISTINCT snapshot_date) AS dates, "
                            "count(DISTINCT person_key) AS persons, "
                            "avg((pay_form = 'hourly')::INT) AS hourly FROM employment")
    con.close()
    rows, dates, people, hourly = facts.row(0)
    print(f"{rows:,} employment rows, {dates} snapshots, {people:,} persons in all, "
          f"{hourly:.1%} hourly rows; {db.stat().st_size / 1e6:.0f} MB on disk; "
          f"{os.cpu_count()} cores")
    chosen = ([STEPS[int(i) - 1] for i in args.steps.split(",")] if args.steps else STEPS)
    print(f"\n{'step':<40}{'median s':>10}{'runs':>20}{'process s':>11}{'peak MB':>9}"
          "  target")
    results = {}
    for name in chosen:
        out = results[name] = measure(name, db, args.repeats)
        out["median"] = statistics.median(out["seconds"])
        runs = ", ".join(f"{s:.2f}" for s in out["seconds"])
        print(f"{name:<40}{out['median']:>10.2f}{runs:>20}{out['process']:>11.1f}"
              f"{out['peak_mb']:>9.0f}  {_target(name, results)}", flush=True)
    print(f"\nFor docs/performance.md ({rows / 1e6:.1f} M rows, {dates} snapshots, "
          f"{os.cpu_count()} cores, "
          f"median of {args.repeats}, each step in a fresh process):")
    for name, out in results.items():
        print(f"| {name} | {out['median']:.2f} s | {out['peak_mb']:.0f} MB | "
              f"{_target(name, results)} |")


def _target(name: str, results: dict) -> str:
    """The step's target beside its measure: a ratio to its baseline or seconds, and the
    peak memory."""
    if name not in TARGETS:
        return ""
    baseline, limit = TARGETS[name]
    out = results[name]
    memory = f"peak {'<' if out['peak_mb'] < PEAK_TARGET_MB else '>='} {PEAK_TARGET_MB} MB"
    if baseline is None:
        met = "met" if out["median"] <= limit else "NOT met"
        return f"at most {limit:g} s: {met}; {memory}"
    if baseline not in results:
        return f"at most {limit:g}x the baseline (not run)"
    ratio = out["median"] / results[baseline]["median"]
    met = "met" if ratio <= limit else "NOT met"
    return f"{ratio:.1f}x the baseline, at most {limit:g}x: {met}; {memory}"


if __name__ == "__main__":
    main()
