"""The meeting pack: the committee's indicators as one PDF (issue 12).

`build(con, forvaltningar=...)` returns the PDF's bytes. It holds a cover (municipality,
period, filter, creation time, the disclosure rules) and a section per programme indicator
(ui.sitemap.OVERVIEW_CARDS: the five mission indicators, then headcount and sick leave when
their data is loaded): the dashboard's trend chart, the latest value, the change since the
previous year, a short table, the breakdown by förvaltning, the definition and the suppression
note.

- Publication mode is forced, as in a viewer's Excel export, and every figure comes from the
  Excel export's own frames (metrics.export.metric_sheet_frame), rounded as it rounds them.
- The charts are the dashboard's figures (ui.charts.trend) drawn to SVG by kaleido, which
  drives Debian's chromium (choreographer finds it through BROWSER_PATH or the PATH).
- The layout is a Typst template (pack.typ). The content goes in as one JSON document through
  `sys.inputs`; the template only places its strings as text, so a name from a file such as
  `#eval(...)` or `*fet*` prints as it is written and is never read as markup.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import json
import os
import shutil
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import polars as pl

import settings
import store
from metrics import disclosure, programme, registry, targets
from metrics.compute import available_columns, compute, missing_columns, source_table
from metrics.definition import Metric
from metrics.disclosure import SUPPRESSED_MARK, decimals
from metrics.export import (
    disclosure_rules,
    export_time,
    metric_sheet_frame,
    mode_text,
    municipality,
    municipality_name,
    swedish_sorted,
    total_label,
)
from pipelines import visible
from ui import charts, numbers, sitemap, texts
from ui.chart_text import chart_alt  # the web's captions say the same (issue 24)

TEMPLATE = Path(__file__).with_name("pack.typ")
PDF_STANDARDS = ["a-2a", "ua-1"]
"""The papers the archive keeps and every reader can read: PDF/A-2a and PDF/UA-1 (issue 24)."""
OPTIONAL = frozenset({"headcount", "sick_leave_total"})
"""Indicators in the pack only when their data is loaded (as on the overview)."""
TABLE_ROWS = 10
"""The table under a chart shows the latest this many years (the chart shows them all)."""
CHART_WIDTH = 760
"""Pixels of the chart's SVG; it is scaled to the text width (about 17 cm)."""
CHART_TEMPLATE = "plotly"
"""The Plotly template the charts are drawn on (see `_pinned`)."""
DEFAULT_BROWSER = "/usr/bin/chromium"
PUBLICATION = True
"""The pack is for the committee and may be published: always publication mode."""


class PackError(RuntimeError):
    """The pack could not be made (no browser for the charts, a layout error)."""


# --- content -----------------------------------------------------------------------------------


def indicator_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The indicators of the pack: the overview's cards, headcount and sick leave only when
    their data is loaded."""
    return [m for m in sitemap.OVERVIEW_CARDS
            if m not in OPTIONAL or unavailable(con, registry.get(m)) is None]


def unavailable(con: duckdb.DuckDBPyConnection, metric: Metric) -> str | None:
    """Why an indicator cannot be computed from what is loaded (None: it can)."""
    available = available_columns(con, source_table(metric))
    if not available:
        return texts.PACK_NO_DATA
    if missing_columns(metric, available):
        return texts.PACK_MISSING_COLUMNS
    return None


def _period_labels(dates: Sequence[date]) -> tuple[list[str], bool]:
    """A row's label: its year when every date is in a year of its own (the yearly series of
    the reference month or of calendar years), else the date."""
    years = [d.year for d in dates]
    if len(set(years)) == len(years):
        return [str(y) for y in years], True
    return [d.isoformat() for d in dates], False


def _cell(value: float | int | None, hidden: bool, places: int) -> str:
    return SUPPRESSED_MARK if hidden or value is None else numbers.number(value, places)


def _change(latest: dict, previous: dict | None, shown: Metric) -> str:
    """The change since the previous year as printed: the exact change rounded like the
    values (the rows' `change`, compute(publication=True)), never the difference of two
    rounded values (numbers.published_change)."""
    if previous is None:
        return texts.PACK_NO_PREVIOUS
    if latest["suppressed"] or previous["suppressed"]:
        return SUPPRESSED_MARK
    return numbers.published_change(latest, previous, shown)


def _suppression_note(hidden: int, metric: Metric) -> str:
    k = disclosure.threshold(metric)
    template = (texts.ABOUT_THRESHOLD_NUMERATOR if disclosure.numerator_rule(metric)
                else texts.ABOUT_THRESHOLD_VALUE)
    rule = texts.PACK_THRESHOLD.format(rule=template.format(n=k, mark=SUPPRESSED_MARK))
    if hidden == 0:
        return f"{texts.PACK_NONE_HIDDEN} {rule}"
    caption = texts.suppressed_caption(hidden, k, disclosure.numerator_rule(metric),
                                       metric.protection.secondary)
    return f"{caption} {rule}"


def _target(target: targets.Target, total: pl.DataFrame, metric: Metric,
            places: int) -> tuple[dict, targets.Assessment]:
    """The target of a section and its status, assessed (metrics.targets) on the series as
    the pack prints it: publication mode, the chosen förvaltningar."""
    assessment = targets.assess_series(total, target, places)
    part = {
        "text": charts.target_text(target, metric),
        "programme": target.programme,
        "status_label": texts.PACK_STATUS,
        "status": texts.TARGET_STATUS[assessment.status],
        "projected": "" if assessment.projected is None else texts.TARGET_PROJECTED.format(
            value=numbers.metric_value(assessment.projected,
                                         dataclasses.replace(metric, decimals=places)),
            year=target.target_year),
    }
    return part, assessment


def section(con: duckdb.DuckDBPyConnection, metric_id: str, *,
            forvaltningar: Sequence[str] | None = None,
            target: targets.Target | None = None) -> tuple[dict, go.Figure | None]:
    """One indicator's section of the pack (strings only) and its chart, from the Excel
    export's frame for the same filter in publication mode; with its programme target and
    the target's status when it has one."""
    metric = registry.get(metric_id)
    places = decimals(metric, PUBLICATION)
    shown = dataclasses.replace(metric, decimals=places)  # the unit and decimals as printed
    page = sitemap.page_of(metric_id)
    part = {
        "id": metric.id,
        "label": metric.label_sv,
        "group": page.section or "",
        "definition": metric.definition_sv,
        "population": metric.population_text,
        "unit": metric.unit,
        "note": unavailable(con, metric),
    }
    if part["note"]:
        return part, None
    frame = metric_sheet_frame(con, metric_id, forvaltningar=forvaltningar,
                               publication=PUBLICATION)
    label = total_label(forvaltningar)
    total = frame.filter(pl.col("forvaltning") == label).sort("snapshot_date")
    if total.is_empty():
        part["note"] = texts.PACK_NO_VALUES
        return part, None
    periods, yearly = _period_labels(total["snapshot_date"].to_list())
    # The sheet's frame has no change: each row's published change (worked out from exact
    # values, rounded like them) comes from compute() for the same filter, as on the page.
    changes = compute(con, metric_id, forvaltningar=forvaltningar, publication=PUBLICATION)
    if "change" in changes.columns:
        total = total.join(changes.select("snapshot_date", "change"), on="snapshot_date",
                           how="left", maintain_order="left")
    rows = total.to_dicts()
    latest, previous = rows[-1], (rows[-2] if len(rows) > 1 else None)
    n_header = texts.TABLE_N_HME if metric.table == "hme" else texts.TABLE_N
    part.update({
        "latest_label": texts.PACK_LATEST.format(period=periods[-1]),
        "latest": SUPPRESSED_MARK if latest["suppressed"]
        else numbers.metric_value(latest["value"], shown),
        "change_label": (texts.PACK_CHANGE.format(period=periods[-2]) if previous
                         else texts.PACK_CHANGE_NONE),
        "change": _change(latest, previous, shown),
        "table_title": texts.PACK_TABLE_TITLE.format(scope=label),
        "table": {
            "headers": [texts.TABLE_YEAR if yearly else texts.TABLE_DATE, n_header,
                        texts.TABLE_VALUE.format(unit=metric.unit)],
            "rows": [[period, _cell(row["n"], row["suppressed"], 0),
                      _cell(row["value"], row["suppressed"], places)]
                     for period, row in list(zip(periods, rows, strict=True))[-TABLE_ROWS:]],
        },
        "suppression": _suppression_note(int(total["suppressed"].sum()), metric),
        "span": [periods[0], periods[-1]],
    })
    parts = frame.filter((pl.col("forvaltning") != label)
                         & (pl.col("snapshot_date") == latest["snapshot_date"]))
    if parts.height:
        part["breakdown_title"] = texts.PACK_BREAKDOWN_TITLE.format(period=periods[-1])
        part["breakdown"] = {
            "headers": [texts.PACK_FORVALTNING, n_header,
                        texts.TABLE_VALUE.format(unit=metric.unit)],
            "rows": [[str(row["forvaltning"] or texts.UNKNOWN),
                      _cell(row["n"], row["suppressed"], 0),
                      _cell(row["value"], row["suppressed"], places)]
                     for row in parts.iter_rows(named=True)],
        }
    assessment = None
    if target is not None:
        part["target"], assessment = _target(target, total, metric, places)
    part["chart_alt"] = chart_alt(metric.label_sv, periods, rows, shown,
                                  part["target"]["text"] if target is not None else None)
    # The dashboard's chart of the same frame (its labels by year like the table's).
    figure = charts.trend(total.select("snapshot_date", "n", "value", "suppressed"), shown,
                          yearly=yearly, target=target, assessment=assessment)
    return part, figure


def _period(sections: Sequence[dict]) -> str:
    periods = [period for part in sections for period in part.get("span", [])]
    if not periods:
        return texts.PACK_NO_PERIOD
    first, last = min(periods), max(periods)
    return first if first == last else f"{first}–{last}"


def colours() -> dict[str, str]:
    """The dashboard's colours, as the templates' `colours` (style.typ's palette)."""
    return {"primary": charts.PRIMARY, "light": charts.PRIMARY_LIGHT, "text": charts.TEXT,
            "muted": charts.MUTED, "grid": charts.GRID, "target": charts.TARGET}


def content(con: duckdb.DuckDBPyConnection, *, forvaltningar: Sequence[str] | None = None,
            metric_ids: Sequence[str] | None = None,
            created: datetime | None = None) -> tuple[dict, list[go.Figure | None]]:
    """Everything the pack prints, as strings (the template's JSON), and each section's
    chart (None where an indicator has none)."""
    cfg = settings.get()
    created = created or export_time()
    sections, figures = [], []
    goals = targets.current(con)
    for metric_id in metric_ids or indicator_ids(con):
        part, figure = section(con, metric_id, forvaltningar=forvaltningar,
                               target=goals.get(metric_id))
        sections.append(part)
        figures.append(figure)
    scope = (texts.PACK_SCOPE_ALL if forvaltningar is None
             else ", ".join(swedish_sorted(forvaltningar)))
    document = {
        "title": texts.PACK_TITLE,
        "subtitle": texts.PACK_SUBTITLE,
        # The running header and the line above the title name the municipality only when
        # its name is known; the cover's "Kommun" says when it is not.
        "municipality": municipality_name(con) or "",
        "created": created.strftime("%Y-%m-%d %H:%M"),
        "created_day": created.strftime("%Y-%m-%d"),
        "facts": [
            [texts.PACK_FACT_MUNICIPALITY, municipality(con)],
            [texts.PACK_FACT_PERIOD, _period(sections)],
            [texts.PACK_FACT_SCOPE, scope],
            [texts.PACK_FACT_CREATED, created.strftime("%Y-%m-%d %H:%M")],
            [texts.PACK_FACT_MONTH, texts.PACK_MONTH.format(month=cfg.reference_month_name)],
            [texts.PACK_FACT_MODE, mode_text(PUBLICATION)],
        ],
        "rules_title": texts.PACK_RULES_TITLE,
        "mark": texts.PACK_MARK.format(mark=SUPPRESSED_MARK),
        "rules": [list(rule) for rule in disclosure_rules(cfg)],
        "contents_title": texts.PACK_CONTENTS,
        "labels": {
            "page": texts.PACK_PAGE,
            "of": texts.PACK_PAGE_OF,
            "definition": texts.PACK_DEFINITION,
            "population": texts.PACK_POPULATION,
            "protection": texts.PACK_PROTECTION,
        },
        "colours": colours(),
        "sections": sections,
        "target_rule": texts.TARGET_RULE.replace("**", "") if any(
            "target" in part for part in sections) else "",
        "target_rule_title": texts.TARGET_RULE_TITLE,
        "programme": programme_section(con, created.date()),
    }
    return document, figures


def programme_section(con: duckdb.DuckDBPyConnection, today: date) -> dict | None:
    """The action programme's status table (metrics.programme), the whole municipality's
    whatever the filter; None when no programme is saved."""
    version = programme.current(con)
    if version is None:
        return None
    points = programme.points(con, today)
    counts = programme.status_counts(con, today)
    return {
        "heading": texts.PACK_PROGRAMME,
        "title": version.title,
        "version": texts.PACK_PROGRAMME_VERSION.format(
            version=version.version, day=version.set_at.strftime("%Y-%m-%d"),
            today=today.isoformat()),
        "counts_headers": [texts.PACK_PROGRAMME_STATUS, texts.PACK_PROGRAMME_POINTS,
                           texts.PACK_PROGRAMME_OVERDUE],
        "counts": [[row["status"], str(row["n"]), str(row["overdue"])]
                   for row in counts.iter_rows(named=True)],
        "headers": [programme.HEADERS[key] for key in
                    ("nr", "text", "forvaltning", "deadline", "status")],
        "points": [{
            "nr": row["nr"],
            "text": row["text"],
            "comment": row["comment"] or "",
            "indicator": (texts.PACK_PROGRAMME_INDICATOR.format(label=row["indicator"])
                          if row["indicator"] else ""),
            "forvaltning": row["forvaltning"] or "",
            "deadline": row["deadline"].isoformat() if row["deadline"] else "",
            "status": row["status"],
            "overdue": texts.PACK_PROGRAMME_LATE if row["overdue"] else "",
        } for row in points.iter_rows(named=True)],
        "empty": texts.PACK_PROGRAMME_EMPTY,
    }


# --- charts ------------------------------------------------------------------------------------


def browser_path() -> str:
    """The Chrome/Chromium kaleido drives: BROWSER_PATH (choreographer's own variable), else
    chromium on the PATH, else Debian's."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium") or DEFAULT_BROWSER


async def _render(figures: Sequence[go.Figure]) -> list[str]:
    import kaleido

    # One browser for every chart; no MathJax (it would come from a CDN, and we have none).
    # choreographer starts it headless, without sandbox or GPU, extensions and sync off.
    options = {"path": browser_path(), "mathjax": False, "headless": True,
               "enable_sandbox": False, "enable_gpu": False, "timeout": 60}
    async with kaleido.Kaleido(**options) as k:
        return [
            (await k.calc_fig(_pinned(figure), opts={"format": "svg", "width": CHART_WIDTH,
                                                     "height": figure.layout.height or 340}))
            .decode("utf-8")
            for figure in figures
        ]


def _pinned(figure: go.Figure) -> go.Figure:
    """The figure on Plotly's own template, whatever the process's default: importing
    streamlit makes its template the default (the Exportera page's server, the tests), and
    the pack should look the same from there as from the command line."""
    return go.Figure(figure).update_layout(template=CHART_TEMPLATE)


def svg_charts(figures: Sequence[go.Figure]) -> list[str]:
    """The figures as SVG text, drawn by kaleido in one headless chromium. It runs on a
    thread of its own, so it works whether or not the caller's thread runs an event loop
    (Streamlit's download callables run on the server's threads)."""
    if not figures:
        return []
    if not Path(browser_path()).is_file():
        raise PackError(texts.PACK_NO_BROWSER.format(path=browser_path()))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _render(figures)).result()


# --- layout ------------------------------------------------------------------------------------


def compile_pdf(template: Path, document: dict) -> bytes:
    """`document` laid out by a Typst template of this folder (pack.typ, pay_survey.typ): the
    data only through sys.inputs (the template reads `sys.inputs.pack` as JSON and places its
    strings as text), without the hidden characters (pipelines/visible.py) a name loaded
    before they were removed may hold. The PDF is tagged, declares PDF/A-2a and PDF/UA-1
    (PDF_STANDARDS: Typst refuses to compile a figure without alternative text), is dated
    now, and its fonts are the system's (style.typ names them)."""
    import typst

    data = json.dumps(visible.within(document), ensure_ascii=False)
    try:
        return typst.compile(template, format="pdf", root=template.parent,
                             sys_inputs={"pack": data}, pdf_standards=PDF_STANDARDS,
                             timestamp=datetime.now(UTC).replace(microsecond=0))
    except typst.TypstError as exc:
        raise PackError(f"{exc.message} {exc.diagnostic}".strip()) from exc


def pdf(document: dict) -> bytes:
    """The meeting pack's document laid out by pack.typ."""
    return compile_pdf(TEMPLATE, document)


def build(con: duckdb.DuckDBPyConnection, *, forvaltningar: Sequence[str] | None = None,
          metric_ids: Sequence[str] | None = None, created: datetime | None = None) -> bytes:
    """The meeting pack as PDF bytes for the whole municipality, or for the chosen
    förvaltningar together (as the dashboard's filter and the Excel export)."""
    if forvaltningar is not None:
        unknown = sorted(set(forvaltningar) - set(store.filter_values(con)[0]))
        if unknown:
            raise PackError(texts.PACK_UNKNOWN_FORVALTNING.format(names=", ".join(unknown)))
    document, figures = content(con, forvaltningar=forvaltningar, metric_ids=metric_ids,
                                created=created)
    drawn = iter(svg_charts([f for f in figures if f is not None]))
    for part, figure in zip(document["sections"], figures, strict=True):
        if figure is not None:
            part["chart"] = next(drawn)
    return pdf(document)


def timed_build(con: duckdb.DuckDBPyConnection, *,
                forvaltningar: Sequence[str] | None = None) -> tuple[bytes, float]:
    """build() and the seconds it took (the Exportera page says how long)."""
    started = time.perf_counter()
    content = build(con, forvaltningar=forvaltningar)
    return content, time.perf_counter() - started
