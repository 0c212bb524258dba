"""Bytes -> grids of text: the first step of ingestion, and the only one that parses files.

A grid is a polars frame of String columns with no header: exactly the cells of one sheet (or
of a CSV file), so that later steps can find the header row wherever it is and name every row by
the number the user sees in Excel (`first_row` is the Excel row of the grid's first row).

Spreadsheets are parsed in a child process (sandbox.py); CSV is parsed in process by polars'
reader.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

import settings
from pipelines import sandbox, visible

SPREADSHEET_SUFFIXES = sandbox.SUFFIXES
TEXT_SUFFIXES = (".csv", ".txt")
ACCEPTED_SUFFIXES = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES

MAX_UNCOMPRESSED_BYTES = 1024**3
"""Summed uncompressed size of a workbook's parts: more is a zip bomb, not an HR extract."""
MAX_SHEET_COLUMNS = 500
MAX_SHEET_ROWS = 1_048_576
HEADER_SCAN_LINES = 30

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SEPARATORS = (";", "\t", ",")


class ReadError(ValueError):
    """A file that cannot be read; the message is Swedish and names the file."""


@dataclass(frozen=True)
class Grid:
    file: str
    sheet: str | None
    frame: pl.DataFrame
    """String columns col_0..col_n, no header row taken out."""
    first_row: int
    """The Excel row (or text line) number of the frame's first row."""
    note: str | None = None
    """Something the user should know about how the file was read (e.g. its encoding)."""
    hidden: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Grid column -> (cells, index of the first) that held characters visible.py removes."""


def _grid(file: str, sheet: str | None, frame: pl.DataFrame, first_row: int,
          note: str | None = None) -> Grid:
    """A grid of the cells as read: columns col_0..col_n, hidden characters removed (from the
    sheet name too), and where they were."""
    frame = frame.rename({c: f"col_{i}" for i, c in enumerate(frame.columns)})
    strings = [c for c, kind in frame.schema.items() if kind == pl.String]
    flags = frame.select(visible.has_hidden(pl.col(c)).fill_null(False) for c in strings)
    hidden = {c: (count, flags[c].arg_max()) for c in strings if (count := flags[c].sum())}
    frame = frame.with_columns(visible.expr(pl.col(c)) for c in hidden)
    return Grid(file, None if sheet is None else visible.text(sheet), frame, first_row, note,
                hidden)


def read(name: str, data: bytes) -> list[Grid]:
    """The grids of one file: every sheet of a workbook, or the one table of a text file."""
    outcome = read_many([(name, data)])[0]
    if isinstance(outcome, ReadError):
        raise outcome
    return outcome


def read_many(files: Sequence[tuple[str, bytes]]) -> list[list[Grid] | ReadError]:
    """The grids of several files, in order, or the ReadError that says why a file cannot be
    read. All spreadsheets of a batch are parsed in one child process (it starts once)."""
    outcomes: dict[int, list[Grid] | ReadError] = {}
    spreadsheets = []
    for index, (name, data) in enumerate(files):
        try:
            _check_kind(name, data)
            if _suffix(name) in SPREADSHEET_SUFFIXES:
                spreadsheets.append((index, name, data))
            else:
                outcomes[index] = [_read_text(name, data)]
        except ReadError as exc:
            outcomes[index] = exc
    outcomes.update(_parse_in_child(spreadsheets))
    return [outcomes[index] for index in range(len(files))]


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def _check_kind(name: str, data: bytes) -> None:
    """Refuse what is not a spreadsheet or text table before anything parses it."""
    suffix = _suffix(name)
    if suffix in (".xls", ".ods"):
        raise ReadError(
            f"filformatet {suffix} stöds inte. Öppna filen i Excel och spara den som "
            "Excel-arbetsbok (.xlsx), eller som CSV (semikolonavgränsad)."
        )
    limit = settings.get().max_upload_mb
    if len(data) > limit * 1024 * 1024:
        raise ReadError(f"filen är {len(data) / 1024 / 1024:.1f} MB; största tillåtna storlek "
                        f"är {limit} MB. Dela upp uttaget, t.ex. per förvaltning.")
    if suffix not in ACCEPTED_SUFFIXES:
        raise ReadError("bara .xlsx, .xlsm, .csv och .txt kan läsas in.")
    if not data.strip():
        raise ReadError("filen är tom.")
    if suffix in SPREADSHEET_SUFFIXES:
        if data.startswith(_OLE_MAGIC):
            raise ReadError(
                "arbetsboken är lösenordsskyddad (krypterad) eller en gammal .xls. "
                "Ta bort lösenordet och spara som .xlsx."
            )
        if not data.startswith(_ZIP_MAGIC):
            raise ReadError("filen är ingen Excel-arbetsbok (.xlsx) trots namnet.")
        _check_workbook(name, data)
    elif _ZIP_MAGIC in data[:4] or b"\x00" in data[:4096]:
        raise ReadError("filen är ingen textfil (CSV) trots namnet.")


def _check_workbook(name: str, data: bytes) -> None:
    """Cheap checks of the zip directory and declared sheet sizes (the child is the real guard)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
                raise ReadError("arbetsboken packas upp till orimligt mycket data.")
            names = {part.filename for part in parts}
            if "xl/workbook.xml" not in names:
                raise ReadError("filen är ingen Excel-arbetsbok (xl/workbook.xml saknas).")
            for part in parts:
                if part.filename.startswith("xl/worksheets/sheet"):
                    with archive.open(part) as stream:
                        head = stream.read(4096).decode("utf-8", "replace")
                    _check_dimension(name, head)
    except zipfile.BadZipFile as exc:
        raise ReadError("arbetsboken är skadad och kan inte öppnas.") from exc


def _check_dimension(name: str, sheet_head: str) -> None:
    match = re.search(r'<dimension ref="[A-Z]*\d*:?([A-Z]+)(\d+)"', sheet_head)
    if match is None:
        return
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    if column > MAX_SHEET_COLUMNS or int(match.group(2)) > MAX_SHEET_ROWS:
        raise ReadError(
            f"bladet sträcker sig till cell {match.group(1)}{match.group(2)}, långt "
            "utanför ett personaluttag. Kopiera bara tabellen till en ny arbetsbok."
        )


# --- text files -------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM), else Windows-1252, the encoding of Swedish Excel's CSV."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Filen lästes som Windows-1252 (ANSI)."


def _read_text(name: str, data: bytes) -> Grid:
    text, note = _decode(data)
    head = text.splitlines()[:HEADER_SCAN_LINES]
    # The separator that splits the head into the most fields; the header is the first line
    # with that many fields (title lines above it have fewer).
    widths = {sep: [len(fields) for fields in csv.reader(head, delimiter=sep)]
              for sep in _SEPARATORS}
    separator = max(_SEPARATORS, key=lambda sep: max(widths[sep], default=0))
    header_index = widths[separator].index(max(widths[separator])) if head else 0
    try:
        frame = pl.read_csv(
            io.StringIO(text), separator=separator, has_header=False, infer_schema=False,
            skip_rows=header_index, truncate_ragged_lines=True, quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        raise ReadError(f"filen kan inte läsas som CSV ({exc}).") from exc
    return _grid(name, None, frame, header_index + 1, note)


# --- spreadsheets, parsed in a child process --------------------------------------------------

def _parse_in_child(files: list[tuple[int, str, bytes]]) -> dict[int, list[Grid] | ReadError]:
    """The workbooks' grids. When the child dies on a file (calamine aborts on some hostile
    files), that file is refused and a new child reads the rest."""
    outcomes: dict[int, list[Grid] | ReadError] = {}
    while files:
        answers, timed_out = sandbox.parse([data for _, _, data in files])
        for (index, name, _), answer in zip(files, answers, strict=False):
            outcomes[index] = (
                ReadError(f"arbetsboken kunde inte läsas ({answer}).")
                if isinstance(answer, str)
                else [_grid(name, sheet, pl.read_ipc(ipc), first_row)
                      for sheet, ipc, first_row in answer]
            )
        if len(answers) < len(files):
            index, name, _ = files[len(answers)]
            outcomes[index] = ReadError(
                "det tog för lång tid att läsa arbetsboken." if timed_out else
                "arbetsboken kunde inte läsas (den kräver för mycket minne eller är "
                "skadad). Kopiera tabellen till en ny arbetsbok och försök igen."
            )
        files = files[len(answers) + 1:]
    return outcomes

