"""What a screen reader would stumble on in a workbook (issue 24, WCAG 2.1 AA): every sheet one
table, its header row in row 1, nothing outside the table, no merged cells, names that say
what a sheet holds. The tests of each workbook the product writes call `problems`."""

from __future__ import annotations

import io
import re
import zipfile
from posixpath import dirname, join, normpath
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

GENERIC_NAME = re.compile(r"^(sheet|blad|ark|feuil|tabelle|hoja|foglio)\s*\d*$", re.IGNORECASE)
"""A sheet name that says nothing of what the sheet holds (Excel's default in some languages)."""


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_problems(ws) -> list[str]:
    """What is wrong with one sheet, as lines "sheet: problem"."""
    found: list[str] = []

    def say(text: str) -> None:
        found.append(f"{ws.title}: {text}")

    if GENERIC_NAME.match(ws.title.strip()):
        say("the sheet's name says nothing of what it holds")
    for merged in ws.merged_cells.ranges:
        say(f"merged cells {merged.coord}")
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
             if not _empty(c.value)}
    header = {col: value for (row, col), value in cells.items() if row == 1}
    if not header:
        say("row 1 is empty: no header row in row 1")
        return found
    width = max(header)
    for col in range(1, width + 1):
        value = header.get(col)
        where = f"{get_column_letter(col)}1"
        if value is None:
            say(f"header cell {where} is blank")
        elif not isinstance(value, str):
            say(f"header cell {where} is not text: {value!r}")
    for row in sorted({r for r, _ in cells if r > 1}):
        line = {col: value for (r, col), value in cells.items() if r == row}
        if max(line) > width and all(isinstance(v, str) for v in line.values()):
            say(f"row {row} looks like the header row (all text, wider than row 1): the "
                "header row must be row 1")
            break
    names = [str(v).strip().casefold() for v in header.values()]
    for twice in sorted({n for n in names if names.count(n) > 1}):
        say(f"the header {twice!r} is there more than once")
    # The table's rectangle: the header's columns, down to the last row before an empty one
    # (or the Excel table's range, when the sheet has one).
    last_row = 1
    while any((last_row + 1, col) in cells for col in range(1, width + 1)):
        last_row += 1
    tables = list(ws.tables.values())
    if len(tables) > 1:
        say(f"{len(tables)} tables on one sheet")
    if tables:
        min_col, min_row, max_col, max_row = range_boundaries(tables[0].ref)
        if (min_col, min_row) != (1, 1) or max_col != width:
            say(f"the table {tables[0].ref} does not cover the header row A1:"
                f"{get_column_letter(width)}1")
        last_row = max(last_row, max_row)
    for (row, col), value in sorted(cells.items()):
        if row > last_row or col > width:
            say(f"text outside the table at {get_column_letter(col)}{row}: {value!r}")
    if ws.freeze_panes != "A2":
        say(f"the header row is not frozen (freeze panes: {ws.freeze_panes})")
    if not tables and not ws.auto_filter.ref:
        say("no filter on the header row (no Excel table, no autofilter)")
    return found


def problems(data: bytes) -> list[str]:
    """What is wrong with a workbook's sheets (see `sheet_problems`); empty: nothing."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [line for ws in book.worksheets for line in sheet_problems(ws)]


def table_alt_texts(data: bytes) -> dict[str, tuple[str | None, str | None]]:
    """Each sheet's Excel table's alternative text (title, description), read from the
    workbook's XML (openpyxl drops it): sheet name -> (title, description)."""
    rel_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

    def rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
        path = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
        if path not in archive.namelist():
            return {}
        root = ElementTree.fromstring(archive.read(path))
        return {r.get("Id"): normpath(join(dirname(part), r.get("Target")))
                for r in root.iter(f"{rel_ns}Relationship")}

    found: dict[str, tuple[str | None, str | None]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = "xl/workbook.xml"
        targets = rels(archive, book)
        for sheet in ElementTree.fromstring(archive.read(book)).iter(f"{main_ns}sheet"):
            part = targets[sheet.get(r_id)]
            for table in rels(archive, part).values():
                if "/tables/" not in table:
                    continue
                for element in ElementTree.fromstring(archive.read(table)).iter():
                    if element.tag.endswith("}table") and element.get("altText") is not None:
                        found[sheet.get("name")] = (element.get("altText"),
                                                    element.get("altTextSummary"))
    return found
