"""The Excel workbook: "Innehåll" (the contents: a row per sheet, linked, with what it holds,
whether it has values and any remark), "Om uttaget" (municipality, time, filter, period, mode
and the disclosure rules), a sheet per indicator, a sheet of definitions, a sheet with the
load log.

Every sheet is one table, read as a screen reader reads it (issue 24, WCAG 2.1 AA): its header
row in row 1, an Excel table over it (`add_table`: a filter on each header; alternative text
on an indicator's table), the header row frozen, no merged cells, no title or note above or
below it. What a sheet's title, definition, population and remarks said stands in the tables
of "Innehåll", "Om uttaget" and "Definitioner".

An indicator without values says why in the contents' remark (`no_values_reason`: the extract
is not loaded, it lacks a column, no snapshot of the reference month, no snapshot a year
earlier for a comparison, the extract does not cover the snapshots, no one in the population,
or the filter), and so does one whose every figure is hidden. Sheet names are at most 31
characters (Excel's limit): an indicator whose title is longer has a short name of its own
(SHEET_NAMES), and the contents give every sheet's full title. Times are Swedish local time
(Europe/Stockholm).

Values are stored rounded to the decimals the metric is shown with (`disclosure.decimals`), and
the cells' number format shows the same decimals. Suppressed cells are written as "..". Every
string is written as a string cell (xlsxwriter with strings_to_formulas and strings_to_urls
off, and write_string), so no cell can become a formula or a link (stack-notes §4.1); the only
links are the contents' internal links to the workbook's own sheets.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

import duckdb
import polars as pl
import xlsxwriter

import settings
import store
from metrics import disclosure, registry
from metrics.compute import (
    available_columns,
    compute,
    missing_columns,
    reads_years,
    source_table,
)
from metrics.definition import BREAKDOWNS, PROTECTIONS, Metric
from metrics.disclosure import SUPPRESSED_MARK, decimals, round_as_shown
from pipelines import schema

TOTAL_LABEL = "Hela kommunen"
SUBSET_PREFIX = "Urval: "
CONTENTS_SHEET = "Innehåll"
ABOUT_SHEET = "Om uttaget"
DEFINITIONS_SHEET = "Definitioner"
LOAD_LOG_SHEET = "Inläsningslogg"
LOAD_SOURCES = {"upload": "uppladdning", "demo": "exempelkommun", "cli": "kommandorad",
                "inbox": "inkorg"}
"""How each load came in (load_log.source), as the load log's Källa column says it."""
DEMO_MUNICIPALITY = "Exempelkommun (exempeldata)"
UNNAMED_MUNICIPALITY = "Inte angivet i Personalpanelens inställningar"
# What "Om uttaget" says in the place of the municipality's name when none is set (settings.py
# PERSONALPANELEN_MUNICIPALITY) and the data is not the demo's: the truth, not a placeholder.
LOCAL_TIME = settings.LOCAL_TIME
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "{")
SHEET_NAME_MAX = 31
# A sheet name of its own for each indicator whose title is longer than Excel's 31
# characters; the contents ("Innehåll") give the full title beside it.
SHEET_NAMES = {
    "social_worker_salary_spread": "Socialsekr., lönespridning kvot",
    "social_worker_salary_spread_relative": "Socialsekr., lönespridning %",
    "social_worker_entry_salary": "Socialsekr., ingångslön median",
    "hourly_hours_share": "Timavlönades andel arbetad tid",
    "mean_contracted_rate": "Avtalad syss.grad, medelvärde",
    "mean_actual_rate": "Faktisk syss.grad, medelvärde",
    "full_time_share_tillsvidare": "Andel heltidsanst., tillsvidare",
    "preschool_men_fte_share": "Andel män i förskolan, årsarb.",
    "employees_per_manager_mean": "Medarbetare per chef (medel)",
    "turnover_excl_retirement": "Personalomsättning utom pension",
    "sick_leave_long_share": "Sjukfrånvaro, andel långtid",
    "education_pay_premium": "Utbildningspremie, eftergymn.",
    "education_pay_median_long": "Medianlön, eftergymnasial 3 år",
    "career_step_pay_difference": "Löneskillnad, karriärsteg",
    "development_plan_share": "Andel med utvecklingsplan",
    "dialogue_share": "Andel med medarbetarsamtal",
    "key_positions_successor_share": "Nyckelbefattn. med efterträdare",
    "training_coverage_licensed": "Fortbildning legitimationsyrken",
    "training_coverage_resident_facing": "Utbildning, möter invånare",
    "crisis_placement_share": "Andel med krisplacering",
    "crisis_weeks_per_person": "Krisplacering, veckor",
}
# Why a sheet has no values (no_values_reason), in Swedish.
NO_VALUES = "Inga värden: {reason}."
NOT_LOADED = {
    "employment": "inget anställningsuttag är inläst",
    "absence_year": "inget sjukfrånvarouttag är inläst",
    "hme_result": "ingen HME-sammanställning är inläst",
    "training": "inget utbildningsuttag är inläst",
    "crisis_placement": "inget krisplaceringsregister är inläst",
}
MISSING_ONE = "de inlästa uttagen saknar kolumnen {columns}, som nyckeltalet behöver"
MISSING_MANY = "de inlästa uttagen saknar kolumnerna {columns}, som nyckeltalet behöver"
NO_REFERENCE_MONTH = (
    "inget av de inlästa anställningsuttagen är ett {month}uttag, och värdena per år räknas på "
    "{month}uttagen (referensmånaden)"
)
NO_YEAR_BEFORE = (
    "nyckeltalet jämför ett {month}uttag med uttaget tolv månader tidigare, och de inlästa "
    "uttagen har inget sådant par (det behövs {month}uttag från två år i följd)"
)
FIRST_WITHOUT_YEAR_BEFORE = (
    "Inget värde för {dates}: det finns inget uttag tolv månader tidigare att jämföra med."
)
NOT_COVERED = {
    "training": (
        "utbildningsuttaget har kurser från {years}, och ett mätdatum får ett värde först när "
        "uttaget täcker hela kursfönstret före det (mätdatum: {dates})"
    ),
    "crisis_placement": (
        "krisplaceringsregistret gäller {years}, och ett mätdatum får ett värde bara för ett år "
        "som registret har (mätdatum: {dates})"
    ),
}
NO_POPULATION = (
    "de inlästa uttagen har ingen på något mätdatum som nyckeltalet kan räknas på (se "
    f'populationen på bladet "{DEFINITIONS_SHEET}")'
)
NOT_IN_SUBSET = "det finns inga värden för de valda förvaltningarna"
ALL_HIDDEN = (
    'Alla värden döljs ("{mark}"): varje uppgift vilar på för få personer eller kunde räknas '
    'fram ur andra visade uppgifter (reglerna står på bladet "{about}").'
)
HAS_VALUES, NO_VALUES_MARK = "Ja", "Nej"
TABLE_STYLE = "Table Style Light 1"
"""The tables' style: black text on white or light grey, so every cell keeps its contrast
(the coloured styles put white header text on a blue below WCAG's 4.5:1)."""
HEADER_FORMAT = {"bold": True, "bg_color": "#DCE6F1", "border": 1}
# Swedish alphabetical order: å, ä, ö after z (code points put ä before å).
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def swedish_sorted(names: Sequence[str]) -> list[str]:
    """Distinct names in Swedish alphabetical order (case-insensitive, å ä ö after z)."""
    return sorted(set(names), key=lambda name: (name.casefold().translate(_SWEDISH_ORDER), name))


def total_label(forvaltningar: Sequence[str] | None) -> str:
    """What the total row is: the whole municipality, or the chosen förvaltningar."""
    if forvaltningar is None:
        return TOTAL_LABEL
    return SUBSET_PREFIX + (", ".join(swedish_sorted(forvaltningar)) or "inga förvaltningar")


def metric_sheet_frame(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    *,
    forvaltningar: Sequence[str] | None = None,
    publication: bool = False,
) -> pl.DataFrame:
    """The table one indicator's sheet shows: the total per snapshot (the whole municipality,
    or the chosen förvaltningar together), then each (chosen) förvaltning where the metric can
    be broken down so. n is an integer and the value is rounded to the metric's decimals in
    this mode (an integer when that is 0)."""
    metric = registry.get(metric_id)
    options = {"forvaltningar": forvaltningar, "publication": publication}
    total = compute(con, metric_id, **options).select(
        "snapshot_date",
        pl.lit(total_label(forvaltningar)).alias("forvaltning"),
        "n",
        "value",
        "suppressed",
    )
    frame = total
    if "forvaltning" in metric.breakdowns:
        parts = compute(con, metric_id, by=["forvaltning"], **options)
        frame = pl.concat([total, parts.select(total.columns)], how="vertical_relaxed")
    value = pl.col("value")
    return round_as_shown(frame, metric, publication).with_columns(
        pl.col("n").cast(pl.Int64),
        value.cast(pl.Int64) if decimals(metric, publication) == 0 else value.cast(pl.Float64),
    )


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix string cells that a spreadsheet would run as a formula with an apostrophe."""
    pattern = "^[" + "".join("\\" + ch if ch in "-+{" else ch for ch in FORMULA_START) + "]"
    return frame.with_columns(
        pl.when(pl.col(pl.String).str.contains(pattern))
        .then(pl.lit("'") + pl.col(pl.String))
        .otherwise(pl.col(pl.String))
        .name.keep()
    )


def internal_link(sheet: str) -> str:
    """An xlsxwriter url to cell A1 of a sheet of the same workbook (quotes doubled)."""
    return "internal:'" + sheet.replace("'", "''") + "'!A1"


_ASCII = str.maketrans("åäöÅÄÖéÉüÜ", "aaoAAOeEuU")


def table_name(label: str, used: set[str]) -> str:
    """A valid Excel table name, unique in its workbook (case-insensitively, as Excel
    compares), made of a label's letters and digits: "Tabell_Antal_anstallda"."""
    words = re.findall(r"[A-Za-z0-9]+", label.translate(_ASCII))
    base = ("Tabell_" + "_".join(words))[:200]
    name, i = base, 2
    while name.casefold() in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name.casefold())
    return name


def add_table(ws, headers: Sequence[str], rows: int, name: str, header_format, *,
              title: str | None = None, description: str | None = None) -> None:
    """Make a sheet's data one Excel table: its header row in row 1 (A1 on), the `rows` rows
    written below it (Excel's table has one row at least, empty if need be), a filter on each
    header, the header row frozen. `header_format`: the workbook's format of HEADER_FORMAT.
    `title` and `description` are the table's alternative text, which a screen reader can
    read out. xlsxwriter refuses a bad table with a warning only; here it raises."""
    options: dict[str, object] = {
        "name": name, "style": TABLE_STYLE,
        "columns": [{"header": neutralise(text), "header_format": header_format}
                    for text in headers]}
    if title:
        options["title"] = neutralise(title)
    if description:
        options["description"] = neutralise(description)
    if ws.add_table(0, 0, max(rows, 1), len(headers) - 1, options) != 0:
        raise ValueError(f"no table {name!r} could be made on the sheet {ws.name!r}")
    ws.freeze_panes(1, 0)


def number_format(places: int) -> str:
    """A number format with thousands separators and exactly `places` decimals."""
    return "#,##0" + ("." + "0" * places if places else "")


def municipality_name(con: duckdb.DuckDBPyConnection) -> str | None:
    """The municipality's name: the setting, else the demo's name when only the demo is
    loaded, else None (no name is known)."""
    name = settings.get().municipality
    if name:
        return name
    sources = store.load_log(con)["source"]
    if len(sources) and (sources == "demo").all():
        return DEMO_MUNICIPALITY
    return None


def municipality(con: duckdb.DuckDBPyConnection) -> str:
    """What "Om uttaget" says of "Kommun": the name, or that no name is set."""
    return municipality_name(con) or UNNAMED_MUNICIPALITY


def _utc_now() -> datetime:
    return datetime.now(UTC)


def export_time() -> datetime:
    """Now, as a wall-clock time in Sweden to the minute (naive: Excel has no time zones)."""
    local = _utc_now().astimezone(LOCAL_TIME).replace(tzinfo=None)
    return local.replace(second=0, microsecond=0)


def load_log_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The load log as its sheet shows it: the time of each load in Swedish local time (the
    store writes the database session's wall clock, `now()::TIMESTAMP`, so it is read back in
    the session's time zone), the seconds to a tenth, the source in Swedish."""
    zone = store.read(con, "SELECT current_setting('TimeZone') AS zone")["zone"][0]
    return store.load_log(con).with_columns(
        pl.col("loaded_at").dt.replace_time_zone(zone, ambiguous="earliest",
                                                 non_existent="null")
        .dt.convert_time_zone(LOCAL_TIME.key).dt.replace_time_zone(None)
        .dt.truncate("1m"),
        pl.col("seconds").round(1),
        pl.col("source").replace(LOAD_SOURCES),
    )


def _sheet_name(label: str, used: set[str]) -> str:
    """A valid, unique (case-insensitively, as Excel compares) sheet name from a label."""
    name = "".join(ch for ch in label if ch not in "[]:*?/\\")[:SHEET_NAME_MAX]
    name = name.strip().strip("'").strip()
    if not name or name.casefold() == "history":  # "History" is reserved by Excel
        name = "Blad"
    base, i = name, 2
    while name.casefold() in used:
        suffix = f" {i}"
        name, i = base[: SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix, i + 1
    used.add(name.casefold())
    return name


def sheet_label(metric: Metric) -> str:
    """The name an indicator's sheet is given: its title, or its short name when the title is
    longer than a sheet name may be."""
    if len(metric.label_sv) <= SHEET_NAME_MAX:
        return metric.label_sv
    return SHEET_NAMES.get(metric.id, metric.label_sv)


def _columns_text(table: str, names: Sequence[str]) -> str:
    """The missing columns by their Swedish names ("a|b" reads "”A” eller ”B”")."""
    extract = next((e for e in schema.EXTRACTS if e.table == table), None)

    def one(name: str) -> str:
        return " eller ".join(f"”{schema.label(extract, part) if extract else part}”"
                              for part in name.split("|"))

    texts = [one(name) for name in names]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " och " + texts[-1]


def _dates_text(dates: Sequence[date]) -> str:
    return ", ".join(f"{d:%Y-%m-%d}" for d in sorted(dates))


def _years_text(years: Sequence[int]) -> str:
    years = sorted(set(years))
    if not years:
        return "inga år"
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def _reference_snapshots(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The employment snapshots of the reference month: those a yearly series counts."""
    month = settings.get().reference_month
    dates = store.read(con, "SELECT DISTINCT snapshot_date AS d FROM employment ORDER BY 1")["d"]
    return [d for d in dates.to_list() if d.month == month]


def _year_before(day: date, snapshots: Sequence[date]) -> bool:
    """Whether a snapshot has one of the same month a year earlier (store.py's transition
    view pairs snapshots so)."""
    return any((s.year, s.month) == (day.year - 1, day.month) for s in snapshots)


def no_values_reason(con: duckdb.DuckDBPyConnection, metric: Metric, *,
                     forvaltningar: Sequence[str] | None = None) -> str:
    """Why an indicator has no values at all in the export (its sheet and the contents say
    it): decided on the store, as the dashboard decides it (the table is loaded, it has the
    metric's columns), and then why the series came out empty."""
    table = source_table(metric)
    available = available_columns(con, table)
    if not available:
        reason = NOT_LOADED.get(table, "uppgifterna som nyckeltalet bygger på är inte inlästa")
        return NO_VALUES.format(reason=reason)
    missing = missing_columns(metric, available)
    if missing:
        template = MISSING_ONE if len(missing) == 1 else MISSING_MANY
        return NO_VALUES.format(reason=template.format(columns=_columns_text(table, missing)))
    if forvaltningar is not None and not compute(con, metric).is_empty():
        return NO_VALUES.format(reason=NOT_IN_SUBSET)
    month = settings.get().reference_month_name
    calendar_years = reads_years(metric)  # sick leave and HME: whole years, any month
    snapshots = [] if calendar_years else _reference_snapshots(con)
    if not calendar_years and not snapshots:
        return NO_VALUES.format(reason=NO_REFERENCE_MONTH.format(month=month))
    if metric.table == "employment_transition" and not any(
            _year_before(d, snapshots) for d in snapshots):
        return NO_VALUES.format(reason=NO_YEAR_BEFORE.format(month=month))
    if table in NOT_COVERED:
        years = store.read(con, f"SELECT DISTINCT year FROM {table}")["year"].to_list()
        return NO_VALUES.format(reason=NOT_COVERED[table].format(
            years=_years_text(years), dates=_dates_text(snapshots)))
    return NO_VALUES.format(reason=NO_POPULATION)


def sheet_note(con: duckdb.DuckDBPyConnection, metric: Metric, frame: pl.DataFrame, *,
               forvaltningar: Sequence[str] | None = None) -> str | None:
    """What the contents say of an indicator's sheet, when anything: why it has no values,
    that every value is hidden, or which snapshots a comparison with the year before lacks.
    None: it has values and needs no word."""
    if frame.is_empty():
        return no_values_reason(con, metric, forvaltningar=forvaltningar)
    if frame["suppressed"].all():
        return ALL_HIDDEN.format(mark=SUPPRESSED_MARK, about=ABOUT_SHEET)
    if metric.table == "employment_transition":
        snapshots = _reference_snapshots(con)
        shown = set(frame["snapshot_date"].to_list())
        lacking = [d for d in snapshots if d not in shown and not _year_before(d, snapshots)]
        if lacking:
            return FIRST_WITHOUT_YEAR_BEFORE.format(dates=_dates_text(lacking))
    return None


def _persons(k: int) -> str:
    return f"{k} person" if k == 1 else f"{k} personer"


def disclosure_rules(cfg: settings.Settings) -> list[tuple[str, str]]:
    """The disclosure rules in force, in plain Swedish, as (short title, text)."""
    k = cfg.min_cell_count
    others = "".join(f", {disclosure.class_threshold(p, cfg)} för {p.label_sv.lower()}"
                     for p in PROTECTIONS.values()
                     if p.setting not in ("min_cell_count", "min_n_percentiles",
                                          "min_n_sick_leave")
                     and disclosure.class_threshold(p, cfg) != k)
    return [
        (
            "Minsta antal personer",
            f'En uppgift som vilar på för få personer visas som "{SUPPRESSED_MARK}": färre än '
            f"{_persons(k)}{others}, {cfg.min_n_percentiles} för lönens median och percentiler "
            f"och {cfg.min_n_sick_leave} för sjukfrånvaro (lagen: aldrig för en grupp med högst "
            "tio anställda).",
        ),
        (
            "Små täljare",
            "En andel döljs också när dess täljare räknar färre personer än gränsen (men fler "
            "än 0) med något som inte är offentligt, som att ha slutat, vara sjuk eller "
            "ledig. Kön, ålder, anställningsform och chefskap är offentliga.",
        ),
        (
            "Ingen uträkning baklänges",
            "Fler uppgifter döljs, så att ingen dold uppgift, och ingen summa av dolda uppgifter "
            f"för färre än {_persons(k)}, kan räknas fram ur de visade: i någon tabell "
            "(förvaltning, kön, yrke, ålder), urval av förvaltningar eller mellan nyckeltal "
            "över samma personer (som sjukfrånvaron totalt, per kön och ålder). Mellan antalen "
            "anställda, timavlönade och lediga skyddar avrundningen.",
        ),
        (
            "Urval av förvaltningar",
            "Ett urval av förvaltningar visar bara uppgifter som redan följer av de uppgifter "
            "som visas, till exempel när var och en av förvaltningarna i urvalet visas för sig.",
        ),
    ]


def mode_text(publication: bool) -> str:
    if publication:
        return "Publiceringsläge. " + disclosure.ROUNDING_NOTE
    return "Analysläge: exakta antal, inte avrundade för publicering."


def workbook_bytes(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str] | None = None,
    *,
    forvaltningar: Sequence[str] | None = None,
    publication: bool = False,
    load_log: bool = True,
) -> bytes:
    """The whole export as .xlsx bytes (counts and salaries rounded as SCB publishes them when
    `publication` is on). Without `load_log`, the workbook holds protected figures and
    definitions only: no sheet of loaded files (names and checksums), for the committee."""
    cfg = settings.get()
    metric_ids = list(metric_ids or registry.METRICS)
    frames = {
        metric_id: metric_sheet_frame(
            con, metric_id, forvaltningar=forvaltningar, publication=publication
        )
        for metric_id in metric_ids
    }
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    )
    header = wb.add_format(HEADER_FORMAT)
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    label_fmt = wb.add_format({"bold": True, "valign": "top"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    about_time_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left",
                                    "valign": "top"})
    seconds_fmt = wb.add_format({"num_format": "0.0"})
    right = wb.add_format({"align": "right"})
    count_fmt = wb.add_format({"num_format": number_format(0)})
    used: set[str] = set()
    tables: set[str] = set()

    def write(ws, row: int, col: int, value, cell_format=None) -> None:
        if value is None:
            return
        if isinstance(value, str):
            ws.write_string(row, col, neutralise(value), cell_format)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, cell_format or datetime_fmt)
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                              cell_format or date_fmt)
        elif isinstance(value, bool):
            ws.write_string(row, col, "Ja" if value else "Nej", cell_format)
        elif isinstance(value, int | float):
            if value == value:  # NaN is no number a reader can use: left empty
                ws.write_number(row, col, value, cell_format)
        else:
            ws.write_string(row, col, neutralise(str(value)), cell_format)

    suppression_note = (
        f'"{SUPPRESSED_MARK}" = uppgiften visas inte: den vilar på för få personer, eller den '
        f'kunde räknas fram ur andra visade uppgifter. Reglerna står på bladet "{ABOUT_SHEET}".'
    )

    # The contents and the facts, written last (they describe the sheets) but placed first.
    contents_ws = wb.add_worksheet(_sheet_name(CONTENTS_SHEET, used))
    about_name = _sheet_name(ABOUT_SHEET, used)
    about_ws = wb.add_worksheet(about_name)
    # (sheet, full title or what it holds, has values, remark): a row of the contents each
    contents: list[tuple[str, str, str, str]] = [
        (about_name, "Kommun, tidpunkt, förvaltningar, period, läge och reglerna för skydd "
                     "mot röjande av enskilda personer", "", ""),
    ]

    for metric_id in metric_ids:
        metric = registry.get(metric_id)
        frame = frames[metric_id]
        name = _sheet_name(sheet_label(metric), used)
        remark = sheet_note(con, metric, frame, forvaltningar=forvaltningar)
        shown = not frame.is_empty() and not frame["suppressed"].all()
        contents.append((name, metric.label_sv, HAS_VALUES if shown else NO_VALUES_MARK,
                         remark or ""))
        ws = wb.add_worksheet(name)
        n_header = "Antal svarande" if metric.table == "hme" else "Antal personer"
        by_year = reads_years(metric)  # sick leave, HME: a calendar year, dated 31 December
        headers = ["År" if by_year else "Mätdatum", BREAKDOWNS["forvaltning"].label_sv, n_header,
                   f"Värde ({metric.unit})"]
        value_fmt = wb.add_format({"num_format": number_format(decimals(metric, publication))})
        for i, row in enumerate(frame.iter_rows(named=True), start=1):
            day = row["snapshot_date"]
            write(ws, i, 0, day.year if by_year and day else day)
            write(ws, i, 1, row["forvaltning"])
            if row["suppressed"]:
                ws.write_string(i, 2, SUPPRESSED_MARK, right)
                ws.write_string(i, 3, SUPPRESSED_MARK, right)
            else:
                write(ws, i, 2, row["n"], count_fmt)
                write(ws, i, 3, row["value"], value_fmt)
        # The table's alternative text: what the title, definition and notes around it said.
        some_hidden = frame["suppressed"].any() and shown
        described = [metric.definition_sv, f"Population: {metric.population_text}", remark,
                     suppression_note if some_hidden else None,
                     mode_text(publication) if publication else None]
        add_table(ws, headers, frame.height, table_name(name, tables), header,
                  title=metric.label_sv, description=" ".join(t for t in described if t))
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 28)
        ws.set_column(2, 3, 16)

    name = _sheet_name(DEFINITIONS_SHEET, used)
    contents.append((name, "Definition, population, enhet, minsta antal personer och källa för "
                           "varje nyckeltal", "", ""))
    ws = wb.add_worksheet(name)
    columns = ["Nyckeltal", "Blad", "Definition", "Population", "Enhet",
               "Minsta antal personer", "Skydd", "Källa", "Anmärkning"]
    if load_log:  # the analyst's workbook: the id the command line takes
        columns.append("Id (kommandoraden)")
    sheet_of = {title: sheet for sheet, title, _, _ in contents}
    for i, metric_id in enumerate(metric_ids, start=1):
        metric = registry.get(metric_id)
        values = [metric.label_sv, sheet_of[metric.label_sv], metric.definition_sv,
                  metric.population_text, metric.unit, disclosure.threshold(metric, cfg),
                  f"{metric.protection.label_sv}. {metric.protection.reason}",
                  metric.source, metric.note_sv]
        if load_log:
            values.append(metric.id)
        for col, value in enumerate(values):
            write(ws, i, col, value)
    add_table(ws, columns, len(metric_ids), table_name(name, tables), header)
    ws.set_column(0, 1, 34)
    ws.set_column(2, 3, 60, wrap)
    ws.set_column(4, 5, 14)
    ws.set_column(6, 7, 40, wrap)
    ws.set_column(8, 8, 34)

    if load_log:
        name = _sheet_name(LOAD_LOG_SHEET, used)
        contents.append((name, "Inlästa filer: tidpunkt (svensk tid), fil, mätdatum, antal rader "
                               "och källa", "", ""))
        ws = wb.add_worksheet(name)
        log_headers = ["Inläsning", "Tidpunkt (svensk tid)", "Fil", "Kontrollsumma (SHA-256)",
                       "Mätdatum", "Rader", "Sekunder", "Källa"]
        log = load_log_frame(con)
        for i, row in enumerate(log.iter_rows(), start=1):
            for col, value in enumerate(row):
                write(ws, i, col, value, seconds_fmt if col == 6 else None)
        add_table(ws, log_headers, log.height, table_name(name, tables), header)
        ws.set_column(0, 7, 18)
        ws.set_column(1, 1, 20)
        ws.set_column(2, 3, 36)

    # "Om uttaget": the facts of the export and the disclosure rules, a row each.
    dates = [d for frame in frames.values() for d in frame["snapshot_date"].drop_nulls()]
    if not dates:
        period = "Inga mätdatum"
    elif min(dates) == max(dates):
        period = f"{min(dates):%Y-%m-%d}"
    else:
        period = f"{min(dates):%Y-%m-%d} – {max(dates):%Y-%m-%d}"
    valued = sum(1 for _, _, held, _ in contents if held == HAS_VALUES)
    facts = [
        ("Kommun", municipality(con)),
        ("Uttaget skapat (svensk tid)", export_time()),
        ("Förvaltningar", total_label(forvaltningar)),
        ("Period", period),
        ("Mätmånad", f"Värdena per år avser {cfg.reference_month_name}uttagen "
                     "(referensmånaden); sjukfrånvaro och HME hela kalenderår."),
        ("Läge", mode_text(publication)),
        ("Nyckeltal med värden", f"{valued} av {len(metric_ids)} nyckeltal har värden i "
                                 f'uttaget; bladet "{CONTENTS_SHEET}" säger i kolumnen '
                                 '"Anmärkning" varför ett blad saknar dem.'),
        (f'Tecknet "{SUPPRESSED_MARK}"', suppression_note),
        *((f"Skydd mot röjande: {label[:1].lower()}{label[1:]}", text)
          for label, text in disclosure_rules(cfg)),
    ]
    for row, (label, value) in enumerate(facts, start=1):
        about_ws.write_string(row, 0, label, label_fmt)
        write(about_ws, row, 1, value,
              about_time_fmt if isinstance(value, datetime) else wrap)
    add_table(about_ws, ["Uppgift", "Värde"], len(facts), table_name(about_name, tables),
              header)
    about_ws.set_column(0, 0, 40)
    about_ws.set_column(1, 1, 100)

    # "Innehåll": a row per other sheet, its name a link to it.
    contents_headers = ["Blad", "Innehåll", "Värden", "Anmärkning"]
    for row, (sheet, description, held, remark) in enumerate(contents, start=1):
        contents_ws.write_url(row, 0, internal_link(sheet), string=neutralise(sheet))
        contents_ws.write_string(row, 1, neutralise(description), wrap)
        if held:
            contents_ws.write_string(row, 2, held, wrap)
        if remark:
            contents_ws.write_string(row, 3, neutralise(remark), wrap)
    add_table(contents_ws, contents_headers, len(contents),
              table_name(contents_ws.name, tables), header)
    contents_ws.set_column(0, 0, 34)
    contents_ws.set_column(1, 1, 60)
    contents_ws.set_column(2, 2, 10)
    contents_ws.set_column(3, 3, 70)
    contents_ws.activate()

    wb.close()
    return buffer.getvalue()
