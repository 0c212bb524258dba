"""The Excel workbook: a sheet per indicator, a sheet of definitions, a sheet with the load log.

Suppressed cells are written as "..". Every string is written as a string cell (xlsxwriter with
strings_to_formulas off, and write_string), so no cell can become a formula (stack-notes §4.1).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

import duckdb
import polars as pl
import xlsxwriter

import settings
import store
from metrics import registry
from metrics.compute import compute
from metrics.definition import BREAKDOWNS
from metrics.disclosure import SUPPRESSED_MARK

TOTAL_LABEL = "Hela kommunen"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "{")


def metric_sheet_frame(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    *,
    forvaltningar: Sequence[str] | None = None,
    publication: bool = False,
) -> pl.DataFrame:
    """The table one indicator's sheet shows: the whole municipality per snapshot, then each
    förvaltning (where the metric can be broken down so)."""
    options = {"forvaltningar": forvaltningar, "publication": publication}
    total = compute(con, metric_id, **options).select(
        "snapshot_date", pl.lit(TOTAL_LABEL).alias("forvaltning"), "n", "value", "suppressed"
    )
    if "forvaltning" not in registry.get(metric_id).breakdowns:
        return total
    parts = compute(con, metric_id, by=["forvaltning"], **options)
    return pl.concat([total, parts.select(total.columns)], how="vertical_relaxed")


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


def _sheet_name(label: str, used: set[str]) -> str:
    name = "".join(ch for ch in label if ch not in "[]:*?/\\")[:31]
    base, i = name, 2
    while name in used:
        suffix = f" {i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name)
    return name


def workbook_bytes(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str] | None = None,
    *,
    forvaltningar: Sequence[str] | None = None,
    publication: bool = False,
) -> bytes:
    """The whole export as .xlsx bytes (counts and salaries rounded as SCB publishes them when
    `publication` is on)."""
    cfg = settings.get()
    metric_ids = list(metric_ids or registry.METRICS)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    )
    title = wb.add_format({"bold": True, "font_size": 14})
    header = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    note = wb.add_format({"italic": True, "font_color": "#595959"})
    right = wb.add_format({"align": "right"})
    used: set[str] = set()

    def write(ws, row: int, col: int, value, number_format=None) -> None:
        if value is None:
            return
        if isinstance(value, str):
            ws.write_string(row, col, neutralise(value))
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, datetime_fmt)
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), date_fmt)
        elif isinstance(value, bool):
            ws.write_string(row, col, "Ja" if value else "Nej")
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, number_format)
        else:
            ws.write_string(row, col, neutralise(str(value)))

    suppression_note = (
        f'".." = uppgiften visas inte eftersom den vilar på färre än {cfg.min_cell_count} '
        f"personer ({cfg.min_n_percentiles} för lönepercentiler), eller eftersom den annars "
        "kunde räknas fram ur totalen."
    )
    if publication:
        suppression_note += (
            " Publiceringsläge: antal avrundade till närmaste 10 (100 från 1 000), löner till "
            "närmaste 100 kr; andelar beräknade före avrundning."
        )

    for metric_id in metric_ids:
        metric = registry.get(metric_id)
        ws = wb.add_worksheet(_sheet_name(metric.label_sv, used))
        ws.write_string(0, 0, metric.label_sv, title)
        ws.write_string(1, 0, metric.definition_sv)
        ws.write_string(2, 0, f"Population: {metric.population_sv}")
        headers = ["Mätdatum", BREAKDOWNS["forvaltning"].label_sv, "Antal personer",
                   f"Värde ({metric.unit})"]
        for col, text in enumerate(headers):
            ws.write_string(4, col, text, header)
        value_format = wb.add_format({"num_format": "0" + ("." + "0" * metric.decimals
                                                          if metric.decimals else "")})
        frame = metric_sheet_frame(
            con, metric_id, forvaltningar=forvaltningar, publication=publication
        )
        for i, row in enumerate(frame.iter_rows(named=True), start=5):
            write(ws, i, 0, row["snapshot_date"])
            write(ws, i, 1, row["forvaltning"])
            if row["suppressed"]:
                ws.write_string(i, 2, SUPPRESSED_MARK, right)
                ws.write_string(i, 3, SUPPRESSED_MARK, right)
            else:
                write(ws, i, 2, row["n"])
                write(ws, i, 3, row["value"], value_format)
        ws.write_string(frame.height + 6, 0, suppression_note, note)
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 28)
        ws.set_column(2, 3, 16)
        ws.freeze_panes(5, 0)

    ws = wb.add_worksheet(_sheet_name("Definitioner", used))
    columns = ["Id", "Nyckeltal", "Definition", "Population", "Enhet", "Minsta antal personer",
               "Källa", "Anmärkning"]
    for col, text in enumerate(columns):
        ws.write_string(0, col, text, header)
    for i, metric_id in enumerate(metric_ids, start=1):
        metric = registry.get(metric_id)
        values = [metric.id, metric.label_sv, metric.definition_sv, metric.population_sv,
                  metric.unit, getattr(cfg, metric.threshold), metric.source, metric.note_sv]
        for col, value in enumerate(values):
            write(ws, i, col, value)
    ws.write_string(len(metric_ids) + 2, 0, suppression_note, note)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 3, 60, wrap)
    ws.set_column(4, 7, 18)

    ws = wb.add_worksheet(_sheet_name("Inläsningslogg", used))
    log = store.load_log(con)
    log_headers = ["Inläsning", "Tidpunkt", "Fil", "SHA-256", "Mätdatum", "Rader", "Sekunder",
                   "Källa"]
    for col, text in enumerate(log_headers):
        ws.write_string(0, col, text, header)
    for i, row in enumerate(log.iter_rows(), start=1):
        for col, value in enumerate(row):
            write(ws, i, col, value)
    ws.set_column(0, 7, 18)
    ws.set_column(2, 3, 36)

    wb.close()
    return buffer.getvalue()
