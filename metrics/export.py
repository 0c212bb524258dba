"""The Excel workbook: a cover sheet "Om uttaget" (municipality, time, filter, period, mode, the
disclosure rules and a table of contents), a sheet per indicator, a sheet of definitions, a
sheet with the load log.

Values are stored rounded to the decimals the metric is shown with (`disclosure.decimals`), and
the cells' number format shows the same decimals. Suppressed cells are written as "..". Every
string is written as a string cell (xlsxwriter with strings_to_formulas and strings_to_urls
off, and write_string), so no cell can become a formula or a link (stack-notes §4.1); the only
links are the contents' internal links to the workbook's own sheets.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import xlsxwriter

import settings
import store
from metrics import registry
from metrics.compute import compute
from metrics.definition import BREAKDOWNS
from metrics.disclosure import SUPPRESSED_MARK, decimals, round_as_shown

TOTAL_LABEL = "Hela kommunen"
SUBSET_PREFIX = "Urval: "
COVER_SHEET = "Om uttaget"
DEFINITIONS_SHEET = "Definitioner"
LOAD_LOG_SHEET = "Inläsningslogg"
LOAD_SOURCES = {"upload": "uppladdning", "demo": "exempelkommun", "cli": "kommandorad"}
"""How each load came in (load_log.source), as the load log's Källa column says it."""
DEMO_MUNICIPALITY = "Exempelkommun (exempeldata)"
UNNAMED_MUNICIPALITY = "Kommunen"
LOCAL_TIME = ZoneInfo("Europe/Stockholm")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "{")
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


def number_format(places: int) -> str:
    """A number format with thousands separators and exactly `places` decimals."""
    return "#,##0" + ("." + "0" * places if places else "")


def municipality(con: duckdb.DuckDBPyConnection) -> str:
    """The municipality the cover sheet names: the setting, else the demo's name when only the
    demo is loaded, else a neutral word."""
    name = settings.get().municipality
    if name:
        return name
    sources = store.load_log(con)["source"]
    if len(sources) and (sources == "demo").all():
        return DEMO_MUNICIPALITY
    return UNNAMED_MUNICIPALITY


def _utc_now() -> datetime:
    return datetime.now(UTC)


def export_time() -> datetime:
    """Now, as a wall-clock time in Sweden (naive: Excel has no time zones)."""
    return _utc_now().astimezone(LOCAL_TIME).replace(tzinfo=None)


def _sheet_name(label: str, used: set[str]) -> str:
    """A valid, unique (case-insensitively, as Excel compares) sheet name from a label."""
    name = "".join(ch for ch in label if ch not in "[]:*?/\\")[:31].strip().strip("'").strip()
    if not name or name.casefold() == "history":  # "History" is reserved by Excel
        name = "Blad"
    base, i = name, 2
    while name.casefold() in used:
        suffix = f" {i}"
        name, i = base[: 31 - len(suffix)].rstrip("'") + suffix, i + 1
    used.add(name.casefold())
    return name


def _persons(k: int) -> str:
    return f"{k} person" if k == 1 else f"{k} personer"


def disclosure_rules(cfg: settings.Settings) -> list[tuple[str, str]]:
    """The disclosure rules in force, in plain Swedish, as (short title, text)."""
    k = cfg.min_cell_count
    return [
        (
            "Minsta antal personer",
            f'En uppgift som vilar på färre än k personer visas som "{SUPPRESSED_MARK}". '
            f"Gränsen k är {_persons(k)}, {cfg.min_n_percentiles} för lönepercentiler "
            f"och {cfg.min_n_sick_leave} för sjukfrånvaro.",
        ),
        (
            "Små täljare",
            "En andel vars täljare räknar personer med en viss egenskap (till exempel kvinnor "
            "bland chefer, personer som har slutat eller långtidssjuka) döljs när täljaren är "
            "mellan 1 och k - 1 personer" + (f" (1–{k - 1} personer när k är {k})." if k > 2
                                               else "."),
        ),
        (
            "Ingen uträkning baklänges",
            "Fler uppgifter döljs, så att ingen dold uppgift, och ingen summa av dolda uppgifter "
            f"för färre än {_persons(k)}, kan räknas fram ur de visade genom att addera eller "
            "subtrahera. Det gäller alla tabeller som Personalpanelen visar "
            "(per förvaltning, kön, yrke och ålder, och per förvaltning och kön, yrke eller "
            "ålder) och varje urval av förvaltningar.",
        ),
        (
            "Urval av förvaltningar",
            "Ett urval av förvaltningar visar bara uppgifter som redan följer av de uppgifter "
            "som visas, till exempel när var och en av förvaltningarna i urvalet visas för sig.",
        ),
    ]


def mode_text(publication: bool) -> str:
    if publication:
        return (
            "Publiceringsläge: antal avrundade till närmaste 10 (100 från 1 000), löner till "
            "närmaste 100 kr, andelar till hela procent (till jämna 5 procent i grupper under "
            "100 personer); andelar beräknade före avrundning."
        )
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
    title = wb.add_format({"bold": True, "font_size": 14})
    bold = wb.add_format({"bold": True})
    header = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    label_fmt = wb.add_format({"bold": True, "valign": "top"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    cover_time_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
    note = wb.add_format({"italic": True, "font_color": "#595959"})
    right = wb.add_format({"align": "right"})
    count_fmt = wb.add_format({"num_format": number_format(0)})
    used: set[str] = set()

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
            ws.write_number(row, col, value, cell_format)
        else:
            ws.write_string(row, col, neutralise(str(value)), cell_format)

    suppression_note = (
        f'"{SUPPRESSED_MARK}" = uppgiften visas inte: den vilar på för få personer, eller den '
        f'kunde räknas fram ur andra visade uppgifter. Reglerna står på bladet "{COVER_SHEET}".'
    )
    if publication:
        suppression_note += " " + mode_text(publication)

    cover = wb.add_worksheet(_sheet_name(COVER_SHEET, used))
    contents: list[tuple[str, str]] = []

    for metric_id in metric_ids:
        metric = registry.get(metric_id)
        name = _sheet_name(metric.label_sv, used)
        contents.append((name, metric.label_sv))
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, neutralise(metric.label_sv), title)
        ws.write_string(1, 0, neutralise(metric.definition_sv))
        ws.write_string(2, 0, neutralise(f"Population: {metric.population_text}"))
        headers = ["Mätdatum", BREAKDOWNS["forvaltning"].label_sv, "Antal personer",
                   f"Värde ({metric.unit})"]
        for col, text in enumerate(headers):
            ws.write_string(4, col, neutralise(text), header)
        value_fmt = wb.add_format({"num_format": number_format(decimals(metric, publication))})
        frame = frames[metric_id]
        for i, row in enumerate(frame.iter_rows(named=True), start=5):
            write(ws, i, 0, row["snapshot_date"])
            write(ws, i, 1, row["forvaltning"])
            if row["suppressed"]:
                ws.write_string(i, 2, SUPPRESSED_MARK, right)
                ws.write_string(i, 3, SUPPRESSED_MARK, right)
            else:
                write(ws, i, 2, row["n"], count_fmt)
                write(ws, i, 3, row["value"], value_fmt)
        ws.write_string(frame.height + 6, 0, suppression_note, note)
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 28)
        ws.set_column(2, 3, 16)
        ws.freeze_panes(5, 0)

    name = _sheet_name(DEFINITIONS_SHEET, used)
    contents.append((name, "Definition, population, enhet, minsta antal personer och källa för "
                           "varje nyckeltal"))
    ws = wb.add_worksheet(name)
    columns = ["Id", "Nyckeltal", "Definition", "Population", "Enhet", "Minsta antal personer",
               "Källa", "Anmärkning"]
    for col, text in enumerate(columns):
        ws.write_string(0, col, text, header)
    for i, metric_id in enumerate(metric_ids, start=1):
        metric = registry.get(metric_id)
        values = [metric.id, metric.label_sv, metric.definition_sv, metric.population_text,
                  metric.unit, getattr(cfg, metric.threshold), metric.source, metric.note_sv]
        for col, value in enumerate(values):
            write(ws, i, col, value)
    ws.write_string(len(metric_ids) + 2, 0, suppression_note, note)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 3, 60, wrap)
    ws.set_column(4, 7, 18)

    if load_log:
        name = _sheet_name(LOAD_LOG_SHEET, used)
        contents.append((name, "Inlästa filer: tidpunkt, fil, mätdatum, antal rader och källa"))
        ws = wb.add_worksheet(name)
        log_headers = ["Inläsning", "Tidpunkt", "Fil", "SHA-256", "Mätdatum", "Rader",
                       "Sekunder", "Källa"]
        for col, text in enumerate(log_headers):
            ws.write_string(0, col, text, header)
        log = store.load_log(con).with_columns(
            pl.col("source").replace(LOAD_SOURCES))
        for i, row in enumerate(log.iter_rows(), start=1):
            for col, value in enumerate(row):
                write(ws, i, col, value)
        ws.set_column(0, 7, 18)
        ws.set_column(2, 3, 36)

    # The cover, written last (it describes the sheets) but placed first.
    dates = [d for frame in frames.values() for d in frame["snapshot_date"].drop_nulls()]
    if not dates:
        period = "Inga mätdatum"
    elif min(dates) == max(dates):
        period = f"{min(dates):%Y-%m-%d}"
    else:
        period = f"{min(dates):%Y-%m-%d} – {max(dates):%Y-%m-%d}"
    cover.write_string(0, 0, COVER_SHEET, title)
    facts = [
        ("Kommun", municipality(con)),
        ("Uttaget skapat (svensk tid)", export_time()),
        ("Förvaltningar", total_label(forvaltningar)),
        ("Period", period),
        ("Mätmånad", f"Värdena per år avser {cfg.reference_month_name}uttagen "
                     "(referensmånaden); sjukfrånvaro och HME hela kalenderår."),
        ("Läge", mode_text(publication)),
    ]
    row = 2
    for label, value in facts:
        cover.write_string(row, 0, label, label_fmt)
        write(cover, row, 1, value, cover_time_fmt if isinstance(value, datetime) else wrap)
        row += 1
    row += 1
    cover.write_string(row, 0, "Skydd mot röjande av enskilda personer", bold)
    row += 1
    for label, text in disclosure_rules(cfg):
        cover.write_string(row, 0, label, label_fmt)
        cover.write_string(row, 1, text, wrap)
        row += 1
    row += 1
    cover.write_string(row, 0, "Innehåll", bold)
    row += 1
    cover.write_string(row, 0, "Blad", header)
    cover.write_string(row, 1, "Innehåll", header)
    for sheet, description in contents:
        row += 1
        cover.write_url(row, 0, internal_link(sheet), string=neutralise(sheet))
        cover.write_string(row, 1, neutralise(description), wrap)
    cover.set_column(0, 0, 34)
    cover.set_column(1, 1, 100)
    cover.activate()

    wb.close()
    return buffer.getvalue()
