r"""How many cells each dashboard page hides (disclosure control), before and after a rule change.

Run by hand on a store built by `python -m pipelines ingest`:
    uv run python bench/hidden_cells.py --db PATH [--verbose] [--json OUT.json]
    uv run python bench/hidden_cells.py --db PATH --compare BEFORE.json   # before/after
    uv run python bench/hidden_cells.py --compare BEFORE.json AFTER.json  # two saved runs

For each page of figures (ui/sitemap.py: an indicator page's primary metrics and the ones its
selector offers; Översikt's cards; Mål's targeted metrics when the store has targets) and each
of its metrics, the views that page shows are computed through metrics.compute.compute, the
product's path, in analysis mode (publication=False), yearly series: the total trend, each
breakdown tab (metric.breakdowns: förvaltning, gender, occupation, ...) and förvaltning x each
other breakdown (the two-way tables of the CLI and the Excel export). A cell is one row of
compute()'s frame (one snapshot and category with at least one person); hidden is
`suppressed`. Counted for the metric's latest snapshot and over all its yearly snapshots (the
dashboard draws gender and förvaltning over time, the other tabs at the latest snapshot; every
view here is counted over all snapshots). A metric the store cannot show (its extract is not
loaded, or lacks a column: the page says why) counts no cells and is listed as such. Filter
subsets of förvaltningar are not counted.

Then, for managers_women_share and women_salary_share_of_men, how many förvaltningar show a
value at the latest snapshot, out of those with a cell and those in the store then.

The two stores of the first measurement (before the disclosure rules fitted per kind of
figure), built through the product's path, in a data folder and key of their own:
    export PERSONALPANELEN_DATA_DIR=/tmp/hb/data PERSONALPANELEN_SECRET_FILE=/tmp/hb/key
    uv run python pipelines/demo.py /tmp/hb/demofiles
    uv run python -m pipelines ingest /tmp/hb/demofiles/* --db /tmp/hb/demo.duckdb
    uv run python bench/hidden_cells.py --small-extract /tmp/hb/demofiles /tmp/hb/smallfiles
    uv run python -m pipelines ingest /tmp/hb/smallfiles/heroma_anstallningar_2023-2025.csv \
        --profile heroma --db /tmp/hb/small.duckdb
    uv run python -m pipelines ingest /tmp/hb/smallfiles/sjukfranvaro_2023-2025.csv \
        --db /tmp/hb/small.duckdb
- demo: the demo municipality's eleven November snapshots with sick leave, HME, training and
  crisis placements (about 2,700 persons in 7 förvaltningar);
- small: a first upload of a small municipality cut from the demo's files (--small-extract):
  the three November snapshots 2023-2025 of four förvaltningar (Kultur och fritid,
  Socialtjänst, Teknik och service whole; of Barn och utbildning its office, three preschools
  and a small school: SMALL_UNITS), about 730 persons a year, as a Heroma-shaped extract
  (managers known by job title, none of the optional issue-13 columns) and those persons'
  sick leave for 2023-2025 in the standard layout; no HME, training or crisis extracts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_FORVALTNING = ("managers_women_share", "women_salary_share_of_men")
SMALL_FORVALTNINGAR = ("Kultur och fritid", "Socialtjänst", "Teknik och service")
# and of Barn och utbildning, its office, three preschools and a small school
SMALL_UNITS = ("Förvaltningskontor barn och utbildning", "Förskolan Blåklockan",
               "Förskolan Ekorren", "Förskolan Myran", "Åsens skola F-3")
SMALL_YEARS = (2023, 2024, 2025)


# --- measuring ---------------------------------------------------------------------------------


def view_name(by: tuple[str, ...]) -> str:
    return " x ".join(by) if by else "total"


def page_specs(con) -> list[tuple[str, str, list[str]]]:
    """(url_path, title, metric ids) of every page that shows figures."""
    from metrics import targets
    from ui import sitemap

    pages = [("oversikt", "Översikt (cards)", list(sitemap.OVERVIEW_CARDS))]
    targeted = [m for m in targets.current(con) if m in _registry()]
    if targeted:
        pages.append(("mal", "Mål", targeted))
    pages += [(spec.url_path, spec.title, list(spec.metric_ids))
              for spec in sitemap.PAGES if spec.metric_ids]
    return pages


def _registry():
    from metrics import registry

    return registry.METRICS


def page_views(url_path: str, metric) -> list[tuple[str, ...]]:
    """The views of a metric a page shows: Översikt's and Mål's the total trend only, an
    indicator page's the total, each breakdown tab and förvaltning x each other breakdown."""
    from metrics.compute import _tables

    if url_path in ("oversikt", "mal"):
        return [()]
    return _tables(metric)


def unavailable(con, metric) -> str | None:
    """Why the dashboard cannot show the metric at all (ui.indicator.unavailable_reason)."""
    from metrics.compute import available_columns, missing_columns, source_table

    table = source_table(metric)
    columns = available_columns(con, table)
    if not columns:
        return f"no {table} data"
    missing = missing_columns(metric, columns)
    return f"missing {', '.join(missing)}" if missing else None


def measure_metric(con, metric) -> dict:
    """Cells and hidden cells of every view of one metric, latest snapshot and all years."""
    import polars as pl

    from metrics.compute import _tables, compute

    reason = unavailable(con, metric)
    if reason:
        return {"available": False, "reason": reason, "latest": None, "views": {}}
    total = compute(con, metric.id)
    if total.is_empty():
        return {"available": False, "reason": "no values", "latest": None, "views": {}}
    latest = total["snapshot_date"].max()
    views = {}
    for by in _tables(metric):
        frame = total if not by else compute(con, metric.id, by=list(by))
        at_latest = frame.filter(pl.col("snapshot_date") == latest)
        views[view_name(by)] = {
            "latest": [at_latest.height, int(at_latest["suppressed"].sum())],
            "all": [frame.height, int(frame["suppressed"].sum())],
        }
    return {"available": True, "reason": None, "latest": latest.isoformat(),
            "snapshots": total["snapshot_date"].n_unique(), "views": views}


def measure_forvaltningar(con, metric_id: str) -> dict | None:
    """How many förvaltningar show a value of the metric at its latest snapshot."""
    import polars as pl

    from metrics import registry
    from metrics.compute import compute

    metric = registry.get(metric_id)
    if unavailable(con, metric):
        return None
    frame = compute(con, metric_id, by=["forvaltning"])
    if frame.is_empty():
        return None
    latest = frame["snapshot_date"].max()
    at_latest = frame.filter(pl.col("snapshot_date") == latest)
    in_store = compute(con, "headcount", by=["forvaltning"]).filter(
        pl.col("snapshot_date") == latest).height
    return {"date": latest.isoformat(), "shown": int((~at_latest["suppressed"]).sum()),
            "cells": at_latest.height, "in_store": in_store}


def store_facts(con) -> dict:
    """What the store holds, so a comparison can tell that it ran on the same data."""
    import store

    facts = {}
    for table in ("employment", "absence_year", "hme_result"):
        facts[f"{table}_rows"] = store.read(con, f"SELECT count(*) AS n FROM {table}")["n"][0]
    dates = store.read(con, "SELECT DISTINCT snapshot_date FROM employment ORDER BY 1")
    facts["snapshots"] = [d.isoformat() for d in dates["snapshot_date"].to_list()]
    people = store.read(con, "SELECT count(DISTINCT person_key) AS n FROM employment "
                             "WHERE snapshot_date = (SELECT max(snapshot_date) FROM employment)")
    facts["persons_latest"] = people["n"][0]
    names, _ = store.filter_values(con)
    facts["forvaltningar"] = len(names)
    return facts


def measure(db: Path) -> dict:
    import settings
    import store
    from metrics import registry

    con = store.connect(db, read_only=True)
    started = time.perf_counter()
    metrics = {mid: measure_metric(con, metric) for mid, metric in registry.METRICS.items()}
    pages = []
    for url_path, title, ids in page_specs(con):
        sums = {"latest": [0, 0], "all": [0, 0]}
        for mid in ids:
            wanted = {view_name(by) for by in page_views(url_path, registry.get(mid))}
            for name, counts in metrics[mid]["views"].items():
                if name in wanted:
                    for period in sums:
                        sums[period] = [a + b for a, b in zip(sums[period], counts[period],
                                                              strict=True)]
        pages.append({"page": url_path, "title": title, "metrics": ids, **sums})
    # Every metric once, with every view (the indicator pages' views): the whole dashboard.
    every = {period: [sum(v[period][i] for m in metrics.values() for v in m["views"].values())
                      for i in (0, 1)] for period in ("latest", "all")}
    pages.append({"page": "all", "title": "All metrics, each once", "metrics": list(metrics),
                  **every})
    cfg = settings.get()
    result = {
        "db": str(db),
        "commit": _commit(),
        # Every threshold the settings have (a rule change may add or rename some).
        "thresholds": {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)
                       if f.name.startswith("min_")},
        "store": store_facts(con),
        "pages": pages,
        "metrics": metrics,
        "forvaltningar": {m: measure_forvaltningar(con, m) for m in PER_FORVALTNING},
        "seconds": round(time.perf_counter() - started, 1),
    }
    con.close()
    return result


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


# --- printing ----------------------------------------------------------------------------------


def share(hidden: int, cells: int) -> str:
    return f"{100 * hidden / cells:.1f} %" if cells else "–"


def print_result(result: dict, verbose: bool) -> None:
    facts = result["store"]
    print(f"Store {result['db']} (commit {result['commit']}): {facts['employment_rows']} "
          f"employment rows, {len(facts['snapshots'])} snapshots "
          f"({facts['snapshots'][0] if facts['snapshots'] else '–'} – "
          f"{facts['snapshots'][-1] if facts['snapshots'] else '–'}), "
          f"{facts['persons_latest']} persons at the latest, {facts['forvaltningar']} "
          f"förvaltningar, {facts['absence_year_rows']} sick-leave rows, "
          f"{facts['hme_result_rows']} HME rows; thresholds {result['thresholds']}; "
          f"{result['seconds']} s")
    for period, heading in (("latest", "Latest snapshot"), ("all", "All yearly snapshots")):
        print(f"\n{heading}\n\n| page | cells | hidden | hidden % |\n|---|---:|---:|---:|")
        for page in result["pages"]:
            cells, hidden = page[period]
            print(f"| {page['title']} | {cells} | {hidden} | {share(hidden, cells)} |")
    print("\nFörvaltningar showing a value at the latest snapshot\n")
    for mid, line in result["forvaltningar"].items():
        if line is None:
            print(f"- {mid}: not available")
        else:
            print(f"- {mid} ({line['date']}): {line['shown']} of {line['cells']} förvaltningar "
                  f"with a cell ({line['in_store']} in the store)")
    absent = [f"{mid} ({m['reason']})" for mid, m in result["metrics"].items()
              if not m["available"]]
    if absent:
        print(f"\nNot shown by this store (no cells): {', '.join(absent)}")
    if verbose:
        print_details(result)


def print_details(result: dict) -> None:
    from metrics import registry

    for page in result["pages"]:
        if page["page"] == "all":
            continue  # every metric is on one page above (ui/sitemap.py)
        print(f"\n### {page['title']}\n\n| metric | view | cells latest | hidden latest "
              "| cells all | hidden all | hidden % all |\n|---|---|---:|---:|---:|---:|---:|")
        for mid in page["metrics"]:
            measured = result["metrics"][mid]
            if not measured["available"]:
                print(f"| {mid} | ({measured['reason']}) | | | | | |")
                continue
            wanted = ({view_name(by) for by in page_views(page["page"], registry.get(mid))}
                      if mid in registry.METRICS else set(measured["views"]))
            for name, counts in measured["views"].items():
                if name in wanted:
                    (cl, hl), (ca, ha) = counts["latest"], counts["all"]
                    print(f"| {mid} | {name} | {cl} | {hl} | {ca} | {ha} | {share(ha, ca)} |")


def print_compare(before: dict, after: dict, verbose: bool) -> None:
    print(f"Before: {before['db']} (commit {before['commit']}); "
          f"after: {after['db']} (commit {after['commit']})")
    if before["store"] != after["store"]:
        print("WARNING: the stores differ (rows, snapshots or förvaltningar): "
              f"{before['store']} vs {after['store']}")
    if before["thresholds"] != after["thresholds"]:
        print(f"Thresholds: {before['thresholds']} -> {after['thresholds']}")
    old = {p["page"]: p for p in before["pages"]}
    for period, heading in (("latest", "Latest snapshot"), ("all", "All yearly snapshots")):
        print(f"\n{heading} (hidden / cells)\n\n| page | hidden before | hidden after | change |"
              "\n|---|---:|---:|---:|")
        for page in after["pages"]:
            was = old.get(page["page"])
            (ca, ha) = page[period]
            if was is None:
                print(f"| {page['title']} | – | {ha} / {ca} ({share(ha, ca)}) | new page |")
                continue
            cb, hb = was[period]
            print(f"| {page['title']} | {hb} / {cb} ({share(hb, cb)}) | {ha} / {ca} "
                  f"({share(ha, ca)}) | {ha - hb:+d} |")
        for gone in old.keys() - {p["page"] for p in after["pages"]}:
            print(f"| {old[gone]['title']} | {old[gone][period][1]} | – | page gone |")
    print("\nFörvaltningar showing a value at the latest snapshot (before -> after)\n")
    for mid in PER_FORVALTNING:
        was, now = before["forvaltningar"].get(mid), after["forvaltningar"].get(mid)
        text = [f"{x['shown']} of {x['cells']}" if x else "not available" for x in (was, now)]
        print(f"- {mid}: {text[0]} -> {text[1]}")
    if verbose:
        print("\nPer metric and view whose hidden cells changed, all yearly snapshots "
              "(hidden / cells)\n\n| metric | view | before | after | change |\n"
              "|---|---|---:|---:|---:|")
        changed = 0
        for mid, now in after["metrics"].items():
            was = before["metrics"].get(mid, {"views": {}})
            for name in dict.fromkeys([*was["views"], *now["views"]]):
                b, a = was["views"].get(name), now["views"].get(name)
                hb = f"{b['all'][1]} / {b['all'][0]}" if b else "–"
                ha = f"{a['all'][1]} / {a['all'][0]}" if a else "–"
                change = f"{a['all'][1] - b['all'][1]:+d}" if a and b else ""
                if hb != ha:
                    changed += 1
                    print(f"| {mid} | {name} | {hb} | {ha} | {change} |")
        if not changed:
            print("| (none) | | | | |")


# --- the small, real-shaped extract ------------------------------------------------------------


def write_small_extract(demo_dir: Path, out: Path) -> list[Path]:
    """A small municipality's first upload cut from the demo's files: SMALL_YEARS' November
    snapshots of SMALL_FORVALTNINGAR as one Heroma-shaped extract (pipelines/profiles/
    heroma.toml; the tests' fixture_heroma writes the same layout), and those persons' sick
    leave in the standard layout."""
    import polars as pl

    out.mkdir(parents=True, exist_ok=True)
    frames = [pl.read_excel(demo_dir / f"exempelkommun_anstallningar_{year}-11.xlsx",
                            infer_schema_length=None) for year in SMALL_YEARS]
    rows = pl.concat([f.select(frames[0].columns) for f in frames], how="vertical_relaxed")
    rows = rows.filter(pl.col("Förvaltning").is_in(SMALL_FORVALTNINGAR)
                       | ((pl.col("Förvaltning") == "Barn och utbildning")
                          & pl.col("Enhet").is_in(SMALL_UNITS)))
    monthly = pl.col("Löneform") == "Månadslön"
    # The ninth digit of a personnummer is odd for men.
    man = pl.col("Personnummer").str.slice(-2, 1).cast(pl.Int64) % 2 == 1

    def comma(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.String).str.replace(r"\.", ",")

    heroma = rows.select(
        pl.col("Mätdatum").dt.strftime("%Y%m").alias("Period"),
        pl.col("Personnummer").str.slice(2).alias("Personnr"),
        pl.col("Anställningsnummer").alias("Anst.id"),
        pl.when(man).then(pl.lit("Man")).otherwise(pl.lit("Kvinna")).alias("Kön"),
        "Förvaltning",
        pl.col("Enhet").alias("Arbetsställe"),
        pl.col("Befattning").alias("Befattningsbenämning"),
        pl.col("SSYK").cast(pl.String).alias("SSYK-kod"),
        pl.col("Anställningsform").replace_strict({
            "Tillsvidareanställning": "Tillsvidareanställd",
            "Visstidsanställning": "Allmän visstidsanställd", "Vikariat": "Vikarie",
            "Timanställning": "Timavlönad"}).alias("Anställningsform"),
        comma("Sysselsättningsgrad").alias("Omfattning %"),
        comma("Faktisk sysselsättningsgrad").alias("Faktisk omfattning %"),
        pl.when(monthly).then(pl.col("Månadslön (heltid)").cast(pl.String)).alias("Månadslön"),
        pl.when(~monthly).then(pl.col("Timlön").cast(pl.Float64).round(2).cast(pl.String)
                               .str.replace(r"\.", ",")).alias("Timlön"),
        pl.when(~monthly).then(comma("Arbetade timmar")).alias("Utbetalda timmar"),
        pl.col("Anställningsdatum").cast(pl.String).alias("Anst. from"),
        pl.col("Första anställningsdag").cast(pl.String).alias("Anställd sedan"),
        pl.col("Chefens anst.nr").alias("Chefens anst.id"),
    )
    employment = out / f"heroma_anstallningar_{SMALL_YEARS[0]}-{SMALL_YEARS[-1]}.csv"
    heroma.write_csv(employment, separator=";")
    absence_source = next(demo_dir.glob("exempelkommun_sjukfranvaro_*.csv"))
    absence = pl.read_csv(absence_source, separator=";", infer_schema=False)
    absence = absence.filter(pl.col("År").cast(pl.Int64).is_in(SMALL_YEARS),
                             pl.col("Personnummer").is_in(rows["Personnummer"].implode()),
                             pl.col("Förvaltning").is_in(rows["Förvaltning"].unique().implode()))
    absence_path = out / f"sjukfranvaro_{SMALL_YEARS[0]}-{SMALL_YEARS[-1]}.csv"
    absence.write_csv(absence_path, separator=";")
    persons = heroma.group_by("Period").agg(pl.col("Personnr").n_unique()).sort("Period")
    print(f"{employment}: {heroma.height} rows, persons per period "
          f"{dict(persons.iter_rows())}; {absence_path}: {absence.height} rows")
    return [employment, absence_path]


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a store built by `python -m pipelines ingest`")
    parser.add_argument("--verbose", action="store_true", help="details per metric and view")
    parser.add_argument("--json", type=Path, metavar="OUT", help="save the results")
    parser.add_argument("--compare", type=Path, nargs="+", metavar="JSON",
                        help="BEFORE.json (against this run on --db) or BEFORE.json AFTER.json")
    parser.add_argument("--small-extract", type=Path, nargs=2, metavar=("DEMO_DIR", "OUT_DIR"),
                        help="write the small real-shaped extract from the demo's files")
    args = parser.parse_args()
    if args.small_extract:
        write_small_extract(*args.small_extract)
        return
    if args.compare and len(args.compare) > 2:
        parser.error("--compare takes BEFORE.json and at most AFTER.json")
    if args.compare and len(args.compare) == 2:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        print_compare(before, after, args.verbose)
        return
    if args.db is None:
        parser.error("--db is needed (or --compare BEFORE.json AFTER.json)")
    if not args.db.exists():
        sys.exit(f"{args.db} is missing")
    result = measure(args.db)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    if args.compare:
        print_compare(json.loads(args.compare[0].read_text()), result, args.verbose)
    else:
        print_result(result, args.verbose)


if __name__ == "__main__":
    main()
