"""Grid of text -> canonical frame: find the header row, recognise the columns, parse values.

Pure functions. The grain of the result is that of the extract's table (for employment: one row
per employment per snapshot date), plus `row`, the Excel row number every finding names.
Values that cannot be parsed become findings, never silent nulls.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pipelines import profiles, schema
from pipelines.findings import ERROR, MAX_ROW_FINDINGS, WARNING, Finding, listed, row_findings
from pipelines.profiles import Profile
from pipelines.read import HEADER_SCAN_LINES, Grid
from pipelines.schema import Column, Extract

ROW = "row"
"""The Excel row number of each data row."""

_MONTHS = {name: number for number, names in enumerate(
    (("januari", "jan"), ("februari", "feb"), ("mars", "mar"), ("april", "apr"), ("maj",),
     ("juni", "jun"), ("juli", "jul"), ("augusti", "aug"), ("september", "sep", "sept"),
     ("oktober", "okt"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH_NAMES = {f"{name}{dot}": f" {number} " for name, number in
                sorted(_MONTHS.items(), key=lambda item: -len(item[0])) for dot in (".", "")}
"""Month names -> numbers, longest first (the first pattern that matches at a place wins)."""
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d.%m.%Y", "%Y/%m/%d", "%d %m %Y", "%Y.%m.%d")
"""Formats with one reading. '01/02/2020' and '01-02-2020' may be day or month first: see
_day_month()."""
_DAY_MONTH = r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$"
_EXCEL_EPOCH = date(1899, 12, 30)
_YEARS = (1900, 2100)
_TOTALS = ("summa", "totalt", "total", "sum")


def fold(text: str) -> str:
    """Lower case without diacritics, punctuation or spaces: 'Anst.nr' -> 'anstnr'."""
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """fold() for a column of values (the vocabularies of schema.py are keyed by it)."""
    return (
        expr.str.to_lowercase()
        .str.replace_all("[åäàáâã]", "a").str.replace_all("[öòóôõø]", "o")
        .str.replace_all("[éèêë]", "e").str.replace_all("[üúùû]", "u")
        .str.replace_all(r"[^a-z0-9]", "")
    )


@dataclass(frozen=True)
class Table:
    """Where an extract's table sits in a grid, and how each canonical column is read."""

    grid: Grid
    extract: Extract
    header_index: int
    """Index in grid.frame of the header row."""
    columns: dict[str, pl.Expr]
    """canonical column name -> text expression over the grid (a column, or a derivation)."""
    headers: dict[str, str]
    """canonical column name -> the header as written in the file (what findings name)."""
    profile: str | None = None
    """The mapping profile used, None for the alias table of schema.py."""
    used: int = 0
    """How many of the file's headers were recognised."""
    lookups: dict[str, frozenset[str]] = field(default_factory=dict)
    """Text or code column -> the values the profile's lookup table (`map`, `patterns`) gives
    it; a value the table lacks is reported and read as empty. (Other kinds' parsers report
    theirs.)"""
    numbers: dict[str, Numbers] = field(default_factory=dict)
    dates: dict[str, Dates] = field(default_factory=dict)
    """Canonical column -> the number or date format the profile declares for it."""
    inputs: dict[str, tuple[pl.Expr, Reader]] = field(default_factory=dict)
    """Header as written -> (its text, its reader): the numbers the profile's derivations
    read, reported where they are when they cannot be read."""
    generated: frozenset[str] = frozenset()
    """Columns made without reading a cell (row_number, constant): they do not tell a data row
    from a summary row."""

    def reader(self, column: Column) -> Reader:
        return reader_of(column.kind, self.numbers.get(column.name, Numbers()),
                      self.dates.get(column.name, Dates()))

    @property
    def header_row(self) -> int:
        return self.grid.first_row + self.header_index

    def missing(self) -> list[Column]:
        """The required columns the file lacks; when it has none of the identity columns
        (extract.one_of), one column standing for them all, named after each."""
        absent = [c for c in self.extract.columns if c.required and c.name not in self.columns]
        if self.extract.one_of and not self.has_identity():
            group = [c for c in self.extract.columns if c.name in self.extract.one_of]
            firsts = tuple(a for c in group for a in c.aliases[:2])
            rest = tuple(a for c in group for a in c.aliases[2:])
            absent.insert(0, Column("|".join(c.name for c in group), group[0].sql_type,
                                    group[0].kind, firsts + rest, True,
                                    " eller ".join(c.label_sv for c in group)))
        return absent

    def has_identity(self) -> bool:
        return any(name in self.columns for name in self.extract.one_of)

    def score(self) -> tuple[int, int]:
        """Required columns found, then headers recognised: the best reading of a file."""
        return (len([c for c in self.extract.columns if c.required and c.name in self.columns])
                + (1 if self.extract.one_of and self.has_identity() else 0), self.used)


@functools.cache
def _aliases(extract: Extract) -> dict[str, Column]:
    return {fold(alias): column for column in extract.columns
            for alias in (column.name, column.label_sv, *column.aliases)}


def recognised_headers(headers: list[str], extract: Extract) -> dict[str, str]:
    """canonical column -> the first header that is one of its aliases in `extract`."""
    aliases = _aliases(extract)
    found: dict[str, str] = {}
    for header in headers:
        column = aliases.get(fold(header))
        if column is not None:
            found.setdefault(column.name, header)
    return found


def _by_aliases(grid: Grid, index: int, header: dict[str, tuple[str, str]],
                extract: Extract) -> Table:
    """The table as the alias table of schema.py reads it. `header` maps a folded header to
    (grid column, header as written)."""
    aliases = _aliases(extract)
    columns, headers = {}, {}
    for folded, (grid_column, written) in header.items():
        column = aliases.get(folded)
        if column is not None and column.name not in columns:
            columns[column.name] = pl.col(grid_column)
            headers[column.name] = written
    return Table(grid, extract, index, columns, headers, None, len(columns))


def _by_profile(grid: Grid, index: int, header: dict[str, tuple[str, str]],
                profile: Profile) -> Table:
    """The table as a profile reads it; columns the profile does not name come from aliases."""
    extract = next(e for e in schema.EXTRACTS if e.table == profile.extract)
    named = {fold(h) for h in profile.headers()}
    table = _by_aliases(grid, index, {k: v for k, v in header.items() if k not in named},
                        extract)
    columns, headers = dict(table.columns), dict(table.headers)
    kinds = {c.name: c.kind for c in extract.columns}
    numbers = {name: Numbers.declared(profile.number_format(name), grid.sheet is not None)
               for name, kind in kinds.items() if kind in (schema.NUMBER, schema.RATE)}
    date_formats = {name: Dates(profile.date_format(name)) for name, kind in kinds.items()
                    if kind in (schema.DATE, schema.SNAPSHOT)}
    grid_columns = {folded: grid_column for folded, (grid_column, _) in header.items()}
    exprs, inputs = profile_columns(profile, grid_columns, numbers)
    for name, expr in exprs.items():
        columns[name] = expr
        spec = profile.derive.get(name, {})
        source = profile.columns.get(name) or spec.get("from")
        headers[name] = header[fold(source)][1] if source and fold(source) in header else (
            schema.label(extract, name))
    lookups = {name: _lookup_values(spec) for name, spec in profile.derive.items()
               if _lookup_values(spec) is not None and name in columns
               and kinds[name] in (schema.TEXT, schema.CODE)}
    generated = frozenset(name for name, spec in profile.derive.items()
                          if "row_number" in spec or "constant" in spec)
    return Table(grid, extract, index, columns, headers, profile.name,
                 table.used + len(named & header.keys()), lookups, numbers, date_formats,
                 {header[fold(h)][1]: read for h, read in inputs.items()}, generated)


def locate(grids: list[Grid], profile: Profile | None = None) -> Table:
    """The extract, sheet, header row and reading (the given profile; else the best of the
    alias table and the shipped profiles) that recognise the most: required columns first."""
    readings = [profile] if profile is not None else [None, *profiles.available()]
    known = {name for e in schema.EXTRACTS for name in _aliases(e)} | {
        fold(h) for reading in readings if reading is not None for h in reading.headers()}
    if profile is not None and profile.sheet is not None and not any(
            _on_sheet(grid, profile.sheet) for grid in grids):
        raise LocateError(f"Arbetsboken har inget blad som heter '{profile.sheet}'. Bladen: "
                          f"{', '.join(str(grid.sheet) for grid in grids)}.")
    best: Table | None = None
    for grid in grids:
        head = grid.frame.head(HEADER_SCAN_LINES)
        for index, cells in enumerate(head.iter_rows()):
            header: dict[str, tuple[str, str]] = {}
            for grid_column, cell in zip(head.columns, cells, strict=True):
                if cell and fold(cell) and fold(cell) not in header:
                    header[fold(cell)] = (grid_column, str(cell).strip())
            if len(header.keys() & known) < 2:
                continue  # a data or title row: nothing to recognise
            for reading in readings:
                if reading is not None and not _on_sheet(grid, reading.sheet):
                    continue
                tables = ([_by_aliases(grid, index, header, e) for e in schema.EXTRACTS]
                          if reading is None else [_by_profile(grid, index, header, reading)])
                for table in tables:
                    if best is None or table.score() > best.score():
                        best = table
    if best is None or best.used < 2:
        raise LocateError(
            "Hittar ingen rubrikrad med kända kolumnnamn (t.ex. Personnummer, "
            "Anställningsnummer, Löneform). Kontrollera att tabellen har rubriker."
        )
    return best


class LocateError(ValueError):
    pass


def _on_sheet(grid: Grid, sheet: str | None) -> bool:
    """Whether a reading of the named sheet may use the grid (a text file has no sheets)."""
    return sheet is None or grid.sheet is None or grid.sheet == sheet


@dataclass(frozen=True)
class Headers:
    """A file's header row as written, with sample values: what the mapping form shows."""

    extract: Extract
    """The extract the file most likely is (employment when nothing is recognised)."""
    samples: dict[str, list[str]]
    """header -> the first few non-empty values under it, in the file's column order."""
    recognised: dict[str, str]
    """canonical column -> header, as the best reading recognised them."""
    sheets: list[str]
    """The workbook's sheets (none for a text file)."""
    sheet: str | None
    """The sheet shown."""


def headers(grids: list[Grid], rows: int = 3, sheet: str | None = None) -> Headers:
    """The header row of the best reading (or, when nothing is recognised, the first row with
    the most cells) and a few values under each header; on the named sheet, if any."""
    sheets = [grid.sheet for grid in grids if grid.sheet is not None]
    grids = [grid for grid in grids if _on_sheet(grid, sheet)] or grids
    try:
        table = locate(grids)
        grid, index = table.grid, table.header_index
        extract, recognised = table.extract, dict(table.headers)
    except LocateError:
        grid = max(grids, key=lambda g: g.frame.height)
        counts = [sum(v is not None for v in row) for row in grid.frame.head(HEADER_SCAN_LINES)
                  .iter_rows()]
        index = counts.index(max(counts)) if counts else 0
        extract, recognised = schema.EXTRACTS[0], {}
    below = grid.frame.slice(index + 1)
    samples = {}
    for column, header in zip(grid.frame.columns, grid.frame.row(index), strict=True):
        if header is not None and str(header).strip() and str(header).strip() not in samples:
            values = below[column].drop_nulls().head(rows).to_list()
            samples[str(header).strip()] = [str(v) for v in values]
    return Headers(extract, samples, recognised, sheets, grid.sheet)


# --- value parsers: raw text column -> typed column (null where the text is not a value) ----

_SPACES = r"[\s\u00a0\u2007\u2009\u202f]"
_CURRENCY = r"[$€£]|sek|usd|eur|kr"
_CURRENCY_AFTER = r"kronor|kr\.?|:-"
"""The usual currencies a number may start or end with, and the ones it may only end with."""
_NUMBER_FORMS = {
    "plain": r"^-?\d+$",
    "exponent": r"^-?\d+(\.\d+)?e[+-]?\d+$",
    "us_both": r"^-?\d{1,3}(,\d{3})+\.\d+$",           # 69,222.18
    "sv_both": r"^-?\d{1,3}(\.\d{3})+,\d+$",           # 69.222,18
    "comma_groups": r"^-?\d{1,3}(,\d{3}){2,}$",         # 1,234,567
    "dot_groups": r"^-?\d{1,3}(\.\d{3}){2,}$",          # 1.234.567
    "comma_3": r"^-?[1-9]\d{0,2},\d{3}$",              # 23,751: thousands or decimals
    "dot_3": r"^-?[1-9]\d{0,2}\.\d{3}$",               # 1.508: thousands or decimals
    "comma_decimal": r"^-?\d*,\d+$",                   # 32500,5
    "dot_decimal": r"^-?\d*\.\d+$",                    # 32500.5 (and an Excel number)
}
"""The shapes a number may have once spaces, the sign and a currency are taken off. A value of
no shape is not a number; comma_3 and dot_3 are read as the rest of the column decides."""


def _number_text(raw: pl.Expr, currency: tuple[str, ...] | None = None) -> pl.Expr:
    """The text of a number without spaces, currency or percent sign: '$ 1,234' -> '1,234'.
    `currency`: the symbols a profile declares, instead of the usual ones."""
    before, after = _CURRENCY, f"{_CURRENCY}|{_CURRENCY_AFTER}"
    if currency is not None:
        symbols = sorted((re.sub(_SPACES, "", c.lower()) for c in currency), key=len,
                         reverse=True)
        before = after = "|".join(re.escape(c) for c in symbols) or "$^"
    text = (raw.str.to_lowercase().str.replace_all(_SPACES, "")
            .str.replace_all("\u2212", "-"))
    text = text.str.replace(f"^(-?)({before})", "${1}")
    return text.str.replace(f"({after}|%)$", "")


def _number_shapes(text: pl.Expr) -> dict[str, pl.Expr]:
    return {name: text.str.contains(pattern).fill_null(False)
            for name, pattern in _NUMBER_FORMS.items()}


def _separators(shape: dict[str, pl.Expr]) -> tuple[pl.Expr, pl.Expr]:
    """For the whole column: whether a comma followed by three digits ('23,751') is a
    thousands separator (True), a decimal comma (False) or cannot be told (null); the same for
    a point ('1.508'). Decided by the values whose shape allows one reading only."""
    comma_thousands = (shape["us_both"] | shape["comma_groups"]).any()
    comma_decimal = (shape["sv_both"] | (shape["comma_decimal"] & ~shape["comma_3"])).any()
    dot_thousands = (shape["sv_both"] | shape["dot_groups"]).any()
    dot_decimal = (shape["us_both"] | (shape["dot_decimal"] & ~shape["dot_3"])).any()

    def decide(thousands: pl.Expr, decimal: pl.Expr) -> pl.Expr:
        return (pl.when(thousands & ~decimal).then(True)
                .when(decimal & ~thousands).then(False).otherwise(None))
    return decide(comma_thousands, comma_decimal), decide(dot_thousands, dot_decimal)


def number(raw: pl.Expr, currency: tuple[str, ...] | None = None) -> pl.Expr:
    """'1 234,50', '1.234,50', '1,234.50', '$69,222.18', '12 %', '−5' -> floats. Whether a
    comma or a point followed by three digits separates thousands or decimals is decided for
    the whole column (see _separators); where the column does not tell, the value is null (and
    number_ambiguous() says so). A profile's [numbers] declares it instead: see Numbers."""
    text = _number_text(raw, currency)
    shape = _number_shapes(text)
    comma_thousands, dot_thousands = _separators(shape)
    no_commas, no_dots = text.str.replace_all(",", ""), text.str.replace_all(r"\.", "")
    cleaned = (
        pl.when(shape["plain"] | shape["exponent"] | (shape["dot_decimal"] & ~shape["dot_3"]))
        .then(text)
        .when(shape["us_both"] | shape["comma_groups"]).then(no_commas)
        .when(shape["sv_both"]).then(no_dots.str.replace(",", "."))
        .when(shape["dot_groups"]).then(no_dots)
        .when(shape["comma_decimal"] & ~shape["comma_3"]).then(text.str.replace(",", "."))
        .when(shape["comma_3"] & comma_thousands).then(no_commas)
        .when(shape["comma_3"] & ~comma_thousands).then(text.str.replace(",", "."))
        .when(shape["dot_3"] & dot_thousands).then(no_dots)
        .when(shape["dot_3"] & ~dot_thousands).then(text)
    )
    return cleaned.cast(pl.Float64, strict=False)


def number_ambiguous(raw: pl.Expr, currency: tuple[str, ...] | None = None) -> pl.Expr:
    """True where a value reads as two different numbers and its column does not tell which."""
    shape = _number_shapes(_number_text(raw, currency))
    comma_thousands, dot_thousands = _separators(shape)
    return ((shape["comma_3"] & comma_thousands.is_null())
            | (shape["dot_3"] & dot_thousands.is_null()))


def rate(raw: pl.Expr, read=number) -> pl.Expr:
    """Employment rate in percent. A column whose values all lie in 0-1 holds fractions (an
    Excel percent cell holds 0.75): decided for the whole column, not cell by cell. `read`
    reads the numbers (a profile's declared Numbers.read)."""
    value = read(raw)
    return pl.when(value.max() <= 1.0).then(value * 100).otherwise(value)


def _date_text(raw: pl.Expr) -> pl.Expr:
    """Lower case, without a time of day ('1/10/1999 0:00', '2020-03-15T08:30:00Z',
    '9/22/1986 12:00 AM'), month names as numbers."""
    clock = (r"[ t]([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?(\.\d+)?( ?[ap]\.?m\.?)?"
             r"(z|[+-]\d{2}:?\d{2})?$")
    text = raw.str.strip_chars().str.to_lowercase().str.replace(clock, "")
    return (text.str.replace_many(_MONTH_NAMES, leftmost=True)
            .str.replace_all(r"\s+", " ").str.strip_chars())


def _serial(text: pl.Expr) -> pl.Expr:
    """An Excel date serial (days since 1899-12-30) -> date."""
    is_serial = text.str.contains(r"^\d{4,5}(\.\d+)?$")
    days = pl.when(is_serial).then(text.cast(pl.Float64, strict=False))
    return pl.lit(_EXCEL_EPOCH) + pl.duration(days=days.floor().cast(pl.Int64))


def _day_month(text: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """For 'a/b/yyyy' (or 'a-b-yyyy'): the date read day first, the date read month first,
    and for the whole column whether the day comes first (True), the month (False) or the
    column does not tell (null). A first part over 12 is a day, a second part over 12 a day."""
    parts = text.str.extract_groups(_DAY_MONTH)
    first, second, year_ = (parts.struct.field(str(i)) for i in (1, 2, 3))

    def read(day: pl.Expr, month: pl.Expr) -> pl.Expr:
        return pl.format("{}-{}-{}", year_, month, day).str.to_date("%Y-%m-%d", strict=False)
    a, b = first.cast(pl.Int32, strict=False), second.cast(pl.Int32, strict=False)
    day_first, month_first = (a > 12) & (b <= 12), (b > 12) & (a <= 12)
    day_first_column = (pl.when(day_first.any() & ~month_first.any()).then(True)
                        .when(month_first.any() & ~day_first.any()).then(False)
                        .otherwise(None))
    return read(first, second), read(second, first), day_first_column, a == b


def _numeric_date(text: pl.Expr) -> pl.Expr:
    """'a/b/yyyy' as its column reads it; null where the column does not tell and the two
    readings differ."""
    by_day, by_month, day_first_column, same = _day_month(text)
    parts = text.str.extract_groups(_DAY_MONTH)
    a = parts.struct.field("1").cast(pl.Int32, strict=False)
    b = parts.struct.field("2").cast(pl.Int32, strict=False)
    return (pl.when(a > 12).then(by_day).when(b > 12).then(by_month).when(same).then(by_day)
            .when(day_first_column).then(by_day)
            .when(day_first_column.not_()).then(by_month))


def date_ambiguous(raw: pl.Expr) -> pl.Expr:
    """True where 'a/b/yyyy' is a different valid date day first and month first and the
    column does not tell which."""
    by_day, by_month, day_first_column, same = _day_month(_date_text(raw))
    return (by_day.is_not_null() & by_month.is_not_null() & ~same
            & day_first_column.is_null()).fill_null(False)


def dates(raw: pl.Expr) -> pl.Expr:
    """Excel serials, ISO dates, '1.11.2025', '1 november 2025', '09/22/1986',
    '1/10/1999 0:00' ... -> dates. Day or month first is decided for the whole column."""
    text = _date_text(raw)
    candidates = (_serial(text), _numeric_date(text),
                  *(text.str.to_date(fmt, strict=False) for fmt in _DATE_FORMATS))
    # chrono reads '200101' as 20 Jan of year 1 with '%d %m %Y': keep plausible years only.
    return pl.coalesce(
        pl.when(c.dt.year().is_between(*_YEARS)).then(c) for c in candidates
    )


def snapshot(raw: pl.Expr, read=dates) -> pl.Expr:
    """A date, or a month ('2025-11', '202511', 'november 2025') meaning its first day.
    `read` reads the dates (a profile's declared Dates.read)."""
    text = _date_text(raw)
    month = (text.str.replace(r"^(\d{4})[-/. ]?(\d{1,2})$", "${1}-${2}-01")
             .str.replace(r"^(\d{1,2}) (\d{4})$", "${2}-${1}-01"))
    return pl.coalesce(read(raw), month.str.to_date("%Y-%m-%d", strict=False))


def year(raw: pl.Expr) -> pl.Expr:
    text = raw.str.strip_chars().str.replace(r"\.0+$", "")
    by_day, by_month, _, _ = _day_month(_date_text(raw))
    return pl.coalesce(
        pl.when(text.str.contains(r"^\d{4}$")).then(text.cast(pl.Int32, strict=False)),
        dates(raw).dt.year().cast(pl.Int32),
        pl.coalesce(by_day, by_month).dt.year().cast(pl.Int32),  # the order does not matter
    )


def text_value(raw: pl.Expr) -> pl.Expr:
    text = raw.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def code(raw: pl.Expr) -> pl.Expr:
    """Ids and codes as text; a number cell '2343.0' reads as '2343'."""
    return text_value(raw).str.replace(r"^(\d+)\.0+$", "${1}")


def vocabulary(values: dict) -> callable:
    """A parser for the vocabulary, its keys folded as the values are (a key may be written
    with spaces and diacritics: 'Allmän visstid')."""
    folded: dict = {}
    for key, value in values.items():
        if folded.setdefault(fold(key), value) != value:
            raise ValueError(f"vocabulary keys clash once folded: {key!r}")

    def parse(raw: pl.Expr) -> pl.Expr:
        return fold_expr(raw).replace_strict(folded, default=None)
    return parse


PARSERS = {
    schema.TEXT: text_value,
    schema.CODE: code,
    schema.PNR: text_value,
    schema.PERSON_ID: code,
    schema.NUMBER: number,
    schema.RATE: rate,
    schema.DATE: dates,
    schema.SNAPSHOT: snapshot,
    schema.YEAR: year,
    schema.GENDER: vocabulary(schema.GENDER_VALUES),
    schema.FLAG: vocabulary(schema.FLAG_VALUES),
    schema.PAY_FORM: vocabulary(schema.PAY_FORM_VALUES),
    schema.EMPLOYMENT_FORM: vocabulary(schema.EMPLOYMENT_FORM_VALUES),
    schema.LEAVE_REASON: vocabulary(schema.LEAVE_REASON_VALUES),
}
# Issue 13: the education level, a vocabulary read after code() so that a SUN level digit in
# a number cell ('3.0') reads as its digit; an unknown value loads without the level.
_EDUCATION = vocabulary(schema.EDUCATION_LEVEL_VALUES)
PARSERS[schema.EDUCATION_LEVEL] = lambda raw: _EDUCATION(code(raw))
_VOCABULARIES = (schema.GENDER, schema.FLAG, schema.PAY_FORM, schema.EMPLOYMENT_FORM,
                 schema.LEAVE_REASON)
_LOADS_WITHOUT = (schema.EMPLOYMENT_FORM, schema.LEAVE_REASON)
"""Vocabularies whose unknown values are warnings: the row loads without the value."""
_VOCABULARIES += (schema.EDUCATION_LEVEL,)
_LOADS_WITHOUT += (schema.EDUCATION_LEVEL,)
_EXPECTED = {
    schema.NUMBER: "ett tal", schema.RATE: "en sysselsättningsgrad i procent",
    schema.DATE: "ett datum", schema.SNAPSHOT: "ett datum eller en månad (t.ex. 2025-11)",
    schema.YEAR: "ett årtal",
}
# Issue 13: the crisis register's week (an ISO week or a date: that week's Monday) and core
# service (an unknown value refuses the file: the placement would count nowhere).
PARSERS[schema.WEEK] = lambda raw: week(raw)
PARSERS[schema.CORE_SERVICE] = vocabulary(schema.CORE_SERVICE_VALUES)
_VOCABULARIES += (schema.CORE_SERVICE,)
_EXPECTED[schema.WEEK] = "en vecka (t.ex. 2024-W37 eller 2024 v37) eller ett datum"


# --- declared formats: a profile's [numbers] and [dates] --------------------------------------

_SEPARATOR_NAMES = {",": "komma", ".": "punkt", "'": "apostrof"}
_PLAIN_NUMBER = r"^-?\d+(\.\d+)?$"
"""A workbook's number cell as the reader writes it: '23751.5', '-0.25'."""
_DERIVED_NUMBER = r"^-?\d+e[+-]?\d+$"
"""A derived number as _as_text() writes it ('1733333e-4'): no separator to misread."""


@dataclass(frozen=True)
class Numbers:
    """How a column writes its numbers. Declared by a profile ([numbers]), or (decimal None)
    decided for the column by inspection, as number() does."""

    decimal: str | None = None
    thousands: str = ""
    """'.', ',' or "'"; '' or ' ': none but spaces (spaces between digit groups are always
    allowed)."""
    currency: tuple[str, ...] | None = None
    """The symbols a value may start or end with; None: the usual ones ($ € £ SEK USD EUR kr,
    and kronor, kr. or :- after the number)."""
    workbook: bool = False
    """A workbook's number cells reach the reader as plain numbers ('23751.5') whatever the
    locale: such a value is read as one when it does not fit the declared form."""

    @classmethod
    def declared(cls, keys: dict, workbook: bool) -> Numbers:
        """From a profile's number keys (Profile.number_format)."""
        currency = keys.get("currency")
        return cls(keys.get("decimal"), keys.get("thousands", "").strip(),
                   tuple(currency) if currency is not None else None, workbook)

    def _readings(self, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        """The value as the declared form reads it, and as a plain (or derived) number."""
        text = _number_text(raw, self.currency)
        point, grouping = re.escape(self.decimal), re.escape(self.thousands)
        whole = r"\d+" + (rf"|[1-9]\d{{0,2}}(?:{grouping}\d{{3}})+" if self.thousands else "")
        fits = text.str.contains(rf"^-?(?:(?:{whole})(?:{point}\d+)?|{point}\d+)$")
        digits = text.str.replace_all(self.thousands, "", literal=True) if self.thousands else text
        as_declared = pl.when(fits).then(digits.str.replace(self.decimal, ".", literal=True))
        plain = text.str.contains("|".join(
            (_DERIVED_NUMBER, _PLAIN_NUMBER) if self.workbook else (_DERIVED_NUMBER,)))
        return (as_declared.cast(pl.Float64, strict=False),
                pl.when(plain).then(text).cast(pl.Float64, strict=False))

    def read(self, raw: pl.Expr) -> pl.Expr:
        if self.decimal is None:
            return number(raw, self.currency)
        declared, plain = self._readings(raw)
        return pl.when(declared.is_null() | plain.is_null() | (declared == plain)).then(
            pl.coalesce(declared, plain))

    def ambiguous(self, raw: pl.Expr) -> pl.Expr:
        """A workbook value that the declared form and a number cell read differently."""
        if self.decimal is None:
            return number_ambiguous(raw, self.currency)
        declared, plain = self._readings(raw)
        return (declared != plain).fill_null(False)

    def explain(self, value: str) -> str:
        if self.decimal is None:
            return _two_readings(value, schema.NUMBER)
        text = re.sub(_SPACES, "", value)
        return (f"'{_quote(value)}' kan vara talet {text.replace('.', ',')} (en talcell) eller "
                f"{text.replace(self.thousands, '')} skrivet med profilens tusentalsavgränsare. "
                "Formatera kolumnen som tal eller som text, inte båda.")

    def described(self) -> str:
        """How the profile says the numbers are written, for a finding ('' when undeclared)."""
        if self.decimal is None:
            return ""
        name = _SEPARATOR_NAMES.get(self.thousands)
        grouping = f" och {name} mellan tusental" if name else ""
        return f" med decimal{_SEPARATOR_NAMES[self.decimal]}{grouping} (profilens talformat)"


@dataclass(frozen=True)
class Dates:
    """How a column writes its dates: a profile's declared format ([dates]), or (None) as
    dates() reads them, day or month first decided for the column."""

    format: str | None = None

    def read(self, raw: pl.Expr) -> pl.Expr:
        """The declared format, or an ISO date (how a workbook's date cells reach the reader,
        and how a profile's constant is written); a time of day is ignored."""
        if self.format is None:
            return dates(raw)
        text = _date_text(raw)
        declared = pl.when(text.str.contains(_format_pattern(self.format))).then(
            text.str.to_date(self.format, strict=False))
        read = pl.coalesce(declared, text.str.to_date("%Y-%m-%d", strict=False))
        return pl.when(read.dt.year().is_between(*_YEARS)).then(read)

    def ambiguous(self, raw: pl.Expr) -> pl.Expr:
        return date_ambiguous(raw) if self.format is None else pl.lit(False)

    def explain(self, value: str) -> str:
        return _two_readings(value, schema.DATE)

    def described(self) -> str:
        if self.format is None:
            return ""
        shown = self.format.replace("%d", "DD").replace("%m", "MM").replace("%Y", "ÅÅÅÅ")
        return f" i formatet {shown} (profilens datumformat)"


def _format_pattern(fmt: str) -> str:
    """A regex for the text a date format allows: a day or month beside another field (no
    separator, '%Y%m%d') has two digits; else one or two."""
    parts = re.split(r"(%[dmY])", fmt)
    pattern = []
    for i, part in enumerate(parts):
        if part in ("%d", "%m"):
            beside = parts[i - 1] == "" and i > 1 or i + 1 < len(parts) - 1 and parts[i + 1] == ""
            pattern.append(r"\d{2}" if beside else r"\d{1,2}")
        elif part == "%Y":
            pattern.append(r"\d{4}")
        else:
            pattern.append(re.escape(part))
    return f"^{''.join(pattern)}$"


@dataclass(frozen=True)
class Reader:
    """How one column's text is read: the parser, the values it leaves with two readings and
    why, and what a value should be (Swedish, for the finding)."""

    parse: Callable[[pl.Expr], pl.Expr]
    expected: str = ""
    ambiguous: Callable[[pl.Expr], pl.Expr] | None = None
    explain: Callable[[str], str] | None = None
    plain: tuple[str, Callable[[pl.Expr], pl.Expr]] | None = None
    """A shape (regex) and a quick parser that reads a value of that shape as `parse` does:
    used when all of a column's values have it (_parse_distinct). `parse` is dozens of regular
    expressions, whose set-up costs more than reading a file's few thousand distinct values."""


_PLAIN_NUMBER_TEXT = r"^-?(\d+|\d*\.(\d{1,2}|\d{4,})|(0\d*|\d{4,})?\.\d{3})$"
"""Digits with a decimal point where the point cannot separate thousands (not dot_3, '1.508'):
number() reads every such value as the text it is, whatever the rest of the column holds."""
_ISO_DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"


def _iso_date(raw: pl.Expr) -> pl.Expr:
    """An ISO date as dates() reads it: the other readings need other text."""
    day = raw.str.to_date("%Y-%m-%d", strict=False)
    return pl.when(day.dt.year().is_between(*_YEARS)).then(day)


def _plain_number(raw: pl.Expr) -> pl.Expr:
    return raw.cast(pl.Float64, strict=False)


def reader_of(kind: str, number_format: Numbers = Numbers(),
           date_format: Dates = Dates()) -> Reader:
    """The reader of a column of the kind, with the declared (or inspected) formats."""
    if kind in (schema.NUMBER, schema.RATE):
        parse, plain = number_format.read, _plain_number
        if kind == schema.RATE:
            parse, plain = (functools.partial(rate, read=parse),
                            functools.partial(rate, read=plain))
        return Reader(parse, _EXPECTED[kind] + number_format.described(),
                      number_format.ambiguous, number_format.explain,
                      None if number_format.decimal else (_PLAIN_NUMBER_TEXT, plain))
    if kind in (schema.DATE, schema.SNAPSHOT):
        parse = date_format.read if kind == schema.DATE else functools.partial(
            snapshot, read=date_format.read)
        return Reader(parse, _EXPECTED[kind] + date_format.described(), date_format.ambiguous,
                      date_format.explain,
                      None if date_format.format else (_ISO_DATE_TEXT, _iso_date))
    return Reader(PARSERS[kind], _EXPECTED.get(kind, ""))


def canonical(
    table: Table, snapshot_date: date | None = None
) -> tuple[pl.DataFrame, list[Finding]]:
    """The extract's rows as canonical columns (missing optional columns absent), `row`, and
    the findings about values that could not be read."""
    grid, extract = table.grid, table.extract
    first_data_row = table.header_row + 1
    rows = (
        grid.frame.slice(table.header_index + 1)
        .with_row_index(ROW, offset=first_data_row)
        .with_columns(pl.col(ROW).cast(pl.Int64))
        .filter(~pl.all_horizontal(pl.exclude(ROW).is_null()))
    )
    findings: list[Finding] = []
    rows, totals = _drop_totals(rows, table)
    findings += [Finding(WARNING, grid.file, row, None, "Summarad rad (t.ex. Summa/Totalt) "
                         "hoppades över.") for row in totals]
    by_name = {c.name: c for c in extract.columns}
    readers = {name: table.reader(by_name[name]) for name in table.columns}
    raw = rows.select(ROW, *(expr.alias(name) for name, expr in table.columns.items()))
    parsed = raw.select(ROW).with_columns(
        _parse_distinct(raw[name], readers[name]) for name in table.columns
    )
    for header, (expr, read) in table.inputs.items():
        given = rows.select(ROW, expr.alias("raw"))
        findings += _unreadable(given, _parse_distinct(given["raw"], read),
                                schema.NUMBER, read, header, grid.file)
    for name in table.columns:
        findings += _unreadable(raw.select(ROW, pl.col(name).alias("raw")), parsed[name],
                                by_name[name].kind, readers[name], table.headers[name],
                                grid.file)
    for name, known in table.lookups.items():
        missing = raw.select(_text_present(pl.col(name)) & ~pl.col(name).is_in(list(known)))
        missing = missing.to_series()
        findings += _unknown_values(
            raw.filter(missing).select(ROW, pl.col(name).alias("raw")), WARNING, grid.file,
            table.headers[name], f"Profilens tabell för {by_name[name].label_sv} saknar värdet; "
            f"raden läses in utan {by_name[name].label_sv}.")
        parsed = parsed.with_columns(pl.when(missing).then(None).otherwise(pl.col(name))
                                     .alias(name))
    findings += _blank_required(raw, table)
    findings += _mixed_rate_scales(raw, table, by_name)
    findings += _overlong(raw, table)
    parsed = full_leave(_present_defaults(parsed, raw))
    findings += _leave_without_extent(parsed, table)
    parsed, alone = leave_reason_alone(parsed, raw, table)
    findings += alone
    parsed, periods = readiness_periods(parsed, table)  # issue 13: training, crisis register
    findings += periods
    if "snapshot_date" in by_name and "snapshot_date" not in table.columns and snapshot_date:
        parsed = parsed.with_columns(pl.lit(snapshot_date).alias("snapshot_date"))
    return parsed, findings


def _parse_distinct(raw: pl.Series, reader: Reader) -> pl.Series:
    """The reader's parser applied to each distinct value once (an extract repeats its dates,
    codes and rates on thousands of rows), then spread back over the rows in their order. When
    every value has the reader's plain shape, its quick parser does it (Reader.plain)."""
    distinct = raw.unique()
    parser = _quick_parser(distinct, reader) or reader.parse
    if distinct.len() > raw.len() // 2:  # ids and personnummer: nothing to gain
        return raw.to_frame("raw").select(parser(pl.col("raw")).alias(raw.name)).to_series()
    lookup = distinct.to_frame("raw").with_columns(parser(pl.col("raw")).alias("value"))
    spread = raw.to_frame("raw").join(lookup, on="raw", how="left", nulls_equal=True,
                                      maintain_order="left")
    return spread["value"].alias(raw.name)


def _quick_parser(distinct: pl.Series, reader: Reader) -> Callable[[pl.Expr], pl.Expr] | None:
    """The reader's quick parser if every value has its plain shape and it reads them all (an
    ISO-shaped '2025-02-30' is left to the full parser)."""
    if reader.plain is None or distinct.dtype != pl.String:
        return None
    shape, quick = reader.plain
    given = distinct.drop_nulls()
    if not given.str.contains(shape).all():
        return None
    read = given.to_frame("raw").select(quick(pl.col("raw")))
    return quick if read.to_series().null_count() == 0 else None


def _drop_totals(rows: pl.DataFrame, table: Table) -> tuple[pl.DataFrame, list[int]]:
    """Rows without an id that say Summa/Totalt are sums the payroll report added."""
    ids = [table.columns[c.name] for c in table.extract.columns
           if (c.required or c.name in table.extract.one_of) and c.name in table.columns
           and c.name not in table.generated
           and c.kind in (schema.PNR, schema.PERSON_ID, schema.CODE, schema.TEXT)]
    if not ids:
        return rows, []
    without_id = rows.filter(pl.all_horizontal(expr.is_null() for expr in ids))
    totals = without_id.filter(pl.any_horizontal(
        fold_expr(pl.col(c)).str.contains(f"^({'|'.join(_TOTALS)})").fill_null(False)
        for c in rows.columns if c != ROW
    ))[ROW]
    return rows.filter(~pl.col(ROW).is_in(totals.implode())), totals.to_list()


def _present_defaults(parsed: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """A flag column the extract has: a blank cell means no. An hours or leave-rate column:
    blank means 0.
    (A column the extract lacks stays absent, i.e. NULL in the store: see schema.py.)"""
    defaults = {"is_manager": False, "on_full_leave": False, "hours_worked_month": 0.0,
                "leave_rate": 0.0, "key_position": False, "successor": False}
    return parsed.with_columns(
        pl.when(~_text_present(raw[name])).then(pl.lit(default))
        .otherwise(pl.col(name)).alias(name)
        for name, default in defaults.items() if name in parsed.columns
    )


_EXTENT = ("leave_rate", "on_full_leave", "actual_rate")
"""The columns that say how much of an employment is on leave."""


def full_leave(parsed: pl.DataFrame) -> pl.DataFrame:
    """Leave as the store keeps it (schema.py): the actual rate from a leave rate, where the
    extract gives no actual rate, and full leave from the flag, from a leave rate that reaches
    the contracted rate, or from an actual rate of 0 at a contracted rate above 0. Without any
    of these columns, on_full_leave stays absent (unknown: counted as at work)."""
    if not set(_EXTENT) & set(parsed.columns):
        return parsed
    if {"leave_rate", "contracted_rate"} <= set(parsed.columns):
        from_leave = (pl.col("contracted_rate") - pl.col("leave_rate")).clip(lower_bound=0)
        actual = (pl.coalesce("actual_rate", from_leave) if "actual_rate" in parsed.columns
                  else from_leave)
        parsed = parsed.with_columns(actual.alias("actual_rate"))
    signs = [pl.col(c).fill_null(False) for c in ("on_full_leave",) if c in parsed.columns]
    if {"actual_rate", "contracted_rate"} <= set(parsed.columns):
        signs.append(((pl.col("actual_rate") == 0) & (pl.col("contracted_rate") > 0))
                     .fill_null(False))
    return parsed.with_columns(pl.any_horizontal(signs).alias("on_full_leave")) if signs \
        else parsed


def _leave_without_extent(parsed: pl.DataFrame, table: Table) -> list[Finding]:
    """A leave reason with nothing that says how much leave: counted as at work, and said."""
    if "leave_reason" not in parsed.columns or set(_EXTENT) & set(table.columns):
        return []
    rows = parsed.filter(pl.col("leave_reason").is_not_null()).height
    if not rows:
        return []
    return [Finding(WARNING, table.grid.file, None, table.headers["leave_reason"],
                    f"{rows} rader har en ledighetsorsak men uttaget säger inte hur stor "
                    "ledigheten är (ledighetsgrad, Helt ledig eller faktisk "
                    "sysselsättningsgrad saknas). De räknas som i arbete.")]


_RATES = ("leave_rate", "actual_rate")
"""The columns that say how much of an employment is on leave, in percent."""


def leave_reason_alone(parsed: pl.DataFrame, raw: pl.DataFrame,
                       table: Table) -> tuple[pl.DataFrame, list[Finding]]:
    """Rows with a leave reason whose leave rate and actual rate cells are blank, in an
    extract that has one of those columns (it records how much leave, and says nothing here).

    Where the extract has a full-leave flag, the flag decides: flagged, full leave; not
    flagged, at work, but the actual rate is unknown (NULL: the blank leave rate does not
    make the person work their full contracted rate). Without a flag, the reason alone is
    read as full leave (actual rate 0), as an HR analyst reads "Föräldraledig" with no
    percentage. Either way the upload names the rows. Only employments with a contracted rate
    above 0 (monthly-paid) can be on leave from it; the rows of other employments are kept as
    they are."""
    rates = [name for name in _RATES if name in table.columns]
    if "leave_reason" not in table.columns or not rates:
        return parsed, []
    blank = raw.select(pl.all_horizontal(~_text_present(pl.col(name)) for name in rates))
    has_rate = (pl.col("contracted_rate") > 0).fill_null(False) \
        if "contracted_rate" in parsed.columns else pl.col("pay_form") == "monthly"
    alone = parsed.select(pl.col("leave_reason").is_not_null() & has_rate).to_series() \
        & blank.to_series()
    if not alone.any():
        return parsed, []
    flagged = "on_full_leave" in table.columns
    actual = "actual_rate" in parsed.columns  # absent without a contracted rate to take from
    if "on_full_leave" not in parsed.columns:
        parsed = parsed.with_columns(pl.lit(False).alias("on_full_leave"))
    reason = table.headers["leave_reason"]
    said = " eller ".join(table.headers[name] for name in rates)
    if flagged:
        at_work = alone & ~parsed["on_full_leave"]
        rows = parsed.filter(at_work)[ROW].to_list()
        if actual:
            parsed = parsed.with_columns(pl.when(at_work).then(None)
                                         .otherwise(pl.col("actual_rate")).alias("actual_rate"))
        message = (f"Raden har en ledighetsorsak men {said} är tom och "
                   f"{table.headers['on_full_leave']} är inte markerad. Den räknas som i arbete "
                   "med sin avtalade sysselsättningsgrad; den faktiska är okänd och räknas inte. "
                   f"Ange {said} om ledigheten är partiell.")
    else:
        rows = parsed.filter(alone)[ROW].to_list()
        parsed = parsed.with_columns((pl.col("on_full_leave") | alone).alias("on_full_leave"))
        if actual:
            parsed = parsed.with_columns(pl.when(alone).then(0.0).otherwise(pl.col("actual_rate"))
                                         .alias("actual_rate"))
        message = (f"Raden har en ledighetsorsak men {said} är tom. Den räknas som helt ledig; "
                   f"ange {said} om ledigheten är partiell.")
    return parsed, row_findings(rows, WARNING, table.grid.file, reason, message)


def _unreadable(given: pl.DataFrame, parsed: pl.Series, kind: str, read: Reader, header: str,
                file: str) -> list[Finding]:
    """Findings for cells (`given`: ROW and the text, "raw") that hold text which is not a
    value of the kind (`parsed`: the values read, in the same order)."""
    if kind in (schema.TEXT, schema.CODE, schema.PNR, schema.PERSON_ID):
        return []
    bad = given.filter(_text_present(pl.col("raw")), parsed.is_null())
    if bad.is_empty():
        return []
    if kind in _VOCABULARIES:
        severity = WARNING if kind in _LOADS_WITHOUT else ERROR
        return _unknown_values(bad, severity, file, header, _known(kind))
    two_readings = set(given.filter(read.ambiguous(pl.col("raw")))[ROW].to_list()
                       ) if read.ambiguous else set()
    shown = bad.head(MAX_ROW_FINDINGS)
    findings = [
        Finding(ERROR, file, row, header,
                read.explain(value) if row in two_readings
                else f"'{_quote(value)}' kan inte läsas som {read.expected}.")
        for row, value in shown.iter_rows()
    ]
    if bad.height > MAX_ROW_FINDINGS:
        findings.append(Finding(
            ERROR, file, bad[ROW][MAX_ROW_FINDINGS], header,
            f"... och {bad.height - MAX_ROW_FINDINGS} rader till i samma kolumn som inte "
            f"kan läsas som {read.expected}."))
    return findings


def _two_readings(value: str, kind: str) -> str:
    """The message for a value the column leaves with two readings."""
    text = value.strip()
    if kind in (schema.DATE, schema.SNAPSHOT):
        a, b, y = re.match(r"\s*(\d{1,2})[/-](\d{1,2})[/-](\d{4})", text).groups()
        return (f"'{_quote(value)}' kan vara {y}-{int(b):02}-{int(a):02} eller "
                f"{y}-{int(a):02}-{int(b):02}: inget datum i kolumnen visar om dagen eller "
                "månaden står först. Skriv datumen som ÅÅÅÅ-MM-DD.")
    digits = re.sub(r"[^\d.,\-\u2212]", "", text).replace("\u2212", "-")
    separator = "punkten" if "." in digits else "kommat"
    thousands = int(re.sub(r"[.,]", "", digits))
    decimal = f"{float(re.sub(r'[.,]', '.', digits)):g}".replace(".", ",")
    return (f"'{_quote(value)}' kan läsas både som {thousands} och som {decimal}: inget tal i "
            f"kolumnen visar om {separator} skiljer tusental eller decimaler. Skriv talen utan "
            "tusentalsavgränsare, med decimalkomma.")


def _text_present(text: pl.Expr | pl.Series) -> pl.Expr | pl.Series:
    """True where a cell holds something other than blanks."""
    return text.str.strip_chars().str.len_chars().fill_null(0) > 0


def _unknown_values(bad: pl.DataFrame, severity: str, file: str, header: str,
                    explanation: str) -> list[Finding]:
    """One finding per distinct unknown value in `bad` (ROW, raw), with its count."""
    counts = (bad.group_by("raw").agg(pl.len().alias("n"), pl.min(ROW).alias("first"))
              .sort("first"))
    return [Finding(severity, file, first, header,
                    f"Okänt värde '{_quote(value)}' ({n} rader, första på rad {first}). "
                    f"{explanation}")
            for value, n, first in counts.iter_rows()]


def _blank_required(raw: pl.DataFrame, table: Table) -> list[Finding]:
    """A required column the file has, with an empty cell."""
    findings = []
    for column in table.extract.columns:
        if column.required and column.name in raw.columns and column.kind != schema.PNR:
            blank = raw.filter(~_text_present(pl.col(column.name)))
            findings += row_findings(blank[ROW].to_list(), ERROR, table.grid.file,
                                     table.headers[column.name],
                                     f"{column.label_sv} saknas på raden.")
    return findings


MAX_TEXT_LENGTH = 200
"""Longer text in one cell is not an HR code or name but pasted content."""


def _overlong(raw: pl.DataFrame, table: Table) -> list[Finding]:
    findings = []
    for name in table.columns:
        long = raw.filter(pl.col(name).str.len_chars() > MAX_TEXT_LENGTH)
        findings += listed(
            (Finding(ERROR, table.grid.file, row, table.headers[name],
                     f"Cellen innehåller {length} tecken; högst {MAX_TEXT_LENGTH} väntas. "
                     "Kontrollera att rätt kolumn är vald.")
             for row, length in long.select(ROW, pl.col(name).str.len_chars()).iter_rows()),
            long.height)
    return findings


def _mixed_rate_scales(raw: pl.DataFrame, table: Table,
                       by_name: dict[str, Column]) -> list[Finding]:
    """A rate column with both fractions (0-1) and percentages (over 1) cannot be read: 0.5
    could be 50 % or 0.5 %."""
    findings = []
    for name in table.columns:
        if by_name[name].kind != schema.RATE:
            continue
        read = reader_of(schema.NUMBER, table.numbers.get(name, Numbers()))
        values = raw.select(ROW).with_columns(_parse_distinct(raw[name], read).alias("v"))
        fractions = values.filter((pl.col("v") > 0) & (pl.col("v") < 1))
        if not fractions.is_empty() and values["v"].max() > 1:
            findings.append(Finding(
                ERROR, table.grid.file, fractions[ROW][0], table.headers[name],
                f"Kolumnen blandar andelar (t.ex. {fractions['v'][0]:g}) och procent (t.ex. "
                f"{values['v'].max():g}). Skriv alla som procent (0-100) eller alla som "
                "andelar (0-1)."))
    return findings


def _quote(value: str, limit: int = 40) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    return value if len(value) <= limit else value[:limit] + "…"


def _known(kind: str) -> str:
    examples = {
        schema.GENDER: "Tillåtna värden: K/M, Kvinna/Man, F/M, 1/2.",
        schema.FLAG: "Tillåtna värden: Ja/Nej, J/N, X/tomt, 1/0.",
        schema.PAY_FORM: "Tillåtna värden: Månadslön/Timlön, Månadsavlönad/Timavlönad.",
        schema.EMPLOYMENT_FORM: "Kända värden: Tillsvidare, Visstid, Vikariat, Timanställning. "
                                "Raden läses in utan anställningsform.",
        schema.LEAVE_REASON: "Kända värden: Föräldraledig, Tjänstledig, Studieledig, "
                             "Sjukersättning, Annan ledighet. Raden läses in utan orsak.",
        schema.CORE_SERVICE: "Tillåtna värden: Skola, Vård och omsorg, Annan.",
        schema.EDUCATION_LEVEL: "Kända värden: Förgymnasial, Gymnasial, Eftergymnasial "
                                "kortare än 3 år, Eftergymnasial 3 år eller längre, eller "
                                "SUN-nivåns siffra 1-6. Raden läses in utan utbildningsnivå.",
    }
    return examples[kind]


# --- profiles: canonical columns as text expressions over the grid ------------------------------

def profile_columns(profile: Profile, grid_columns: dict[str, str],
                    numbers: dict[str, Numbers] | None = None,
                    ) -> tuple[dict[str, pl.Expr], dict[str, tuple[pl.Expr, Reader]]]:
    """Text expressions for each canonical column the profile names or derives and the file
    has the headers for (`grid_columns` maps a folded header to its grid column); and the
    numbers the derivations read: header -> (its text, its reader). `numbers`: the format of
    each number column (a derivation reads its sources in the format of the column it makes)."""
    def col(header: str) -> pl.Expr | None:
        name = grid_columns.get(fold(header))
        return pl.col(name) if name is not None else None

    numbers = numbers or {}
    exprs = {column: col(header) for column, header in profile.columns.items()}
    inputs: dict[str, tuple[pl.Expr, Reader]] = {}
    for column, spec in profile.derive.items():
        readers = _number_inputs(spec, numbers.get(column, Numbers()))
        sources = {header: col(header) for header in readers}
        if any(source is None for source in sources.values()):
            exprs[column] = None
            continue
        inputs |= {header: (sources[header], readers[header]) for header in readers}
        exprs[column] = _derived(spec, col, {h: readers[h].parse(sources[h]) for h in readers})
    for column, mapping in profile.values.items():
        if exprs.get(column) is not None:
            exprs[column] = _mapped(exprs[column], mapping)
    return {column: expr for column, expr in exprs.items() if expr is not None}, inputs


def _mapped(expr: pl.Expr, mapping: dict, default: str | None = None) -> pl.Expr:
    """Values the mapping names become the canonical value; others become the default, or
    pass through (and are reported by the column's vocabulary or lookup when it does not know
    them). A blank cell stays blank."""
    folded = {fold(k): str(v) for k, v in mapping.items()}
    return _or_else(fold_expr(expr).replace_strict(folded, default=None), expr, default)


def _or_else(matched: pl.Expr, source: pl.Expr, default: str | None) -> pl.Expr:
    """`matched` where it has a value; else the default (for a non-blank source) or the
    source itself."""
    unmatched = source if default is None else pl.when(_text_present(source)).then(
        pl.lit(default))
    return matched.fill_null(unmatched)


def _lookup_values(spec: dict) -> frozenset[str] | None:
    """The values a derivation's lookup table (`map`, `patterns`) and default give."""
    table = spec.get("map", spec.get("patterns"))
    if table is None:
        return None
    defaults = [spec["default"]] if "default" in spec else []
    return frozenset(str(v) for v in [*table.values(), *defaults])


def _number_inputs(spec: dict, numbers: Numbers) -> dict[str, Reader]:
    """The headers a derivation reads as numbers, each with its reader: the source of an
    arithmetic derivation, and a full-time column (which must be over 0)."""
    if not any(k in spec for k in ("multiply", "divide", "full_time", "weekly_to_monthly")):
        return {}
    readers = {spec["from"]: reader_of(schema.NUMBER, numbers)}
    if isinstance(spec.get("full_time"), str):
        readers[spec["full_time"]] = Reader(
            lambda raw: numbers.read(raw).pipe(lambda v: pl.when(v > 0).then(v)),
            "heltidens veckotimmar, ett tal över 0" + numbers.described(),
            numbers.ambiguous, numbers.explain)
    return readers


def _derived(spec: dict, col, values: dict[str, pl.Expr]) -> pl.Expr | None:
    """A derivation as a text expression over the grid; `values` holds the numbers it reads
    (header -> value), null where a value cannot be read (reported where it is)."""
    if "constant" in spec:
        return pl.lit(str(spec["constant"]))
    if "row_number" in spec:
        return pl.col(ROW).cast(pl.String)
    if "filled" in spec or "concat" in spec:
        sources = [col(header) for header in (spec.get("concat") or spec["filled"].values())]
        if any(expr is None for expr in sources):
            return None
        if "concat" in spec:
            return pl.concat_str([text_value(expr) for expr in sources],
                                 separator=spec.get("separator", "-"))
        result = pl.lit(None, dtype=pl.String)
        for value, expr in reversed(list(zip(spec["filled"], sources, strict=True))):
            result = pl.when(_text_present(expr)).then(pl.lit(value)).otherwise(result)
        return result
    source = col(spec["from"])
    if source is None:
        return None
    if "pattern" in spec:
        matches = source.str.contains(f"(?i){spec['pattern']}").fill_null(False)
        return pl.when(matches).then(pl.lit("Ja")).otherwise(pl.lit("Nej"))
    if "patterns" in spec:
        matched = pl.lit(None, dtype=pl.String)
        for pattern, value in reversed(spec["patterns"].items()):
            matched = (pl.when(source.str.contains(f"(?i){pattern}").fill_null(False))
                       .then(pl.lit(value)).otherwise(matched))
        return _or_else(matched, source, spec.get("default"))
    if "map" in spec:
        return _mapped(source, spec["map"], spec.get("default"))
    value = values[spec["from"]]
    if "full_time" in spec:
        full = spec["full_time"]
        value = value / (values[full] if isinstance(full, str) else full) * 100
    elif "weekly_to_monthly" in spec:
        value = value * profiles.WEEKS_PER_MONTH
    else:
        value = value * spec["multiply"] if "multiply" in spec else value / spec["divide"]
    return _as_text(value)


def _as_text(value: pl.Expr) -> pl.Expr:
    """A derived number as text an integer times 10^-4, a form with no separator to misread
    in any locale ('173.332' could be thousands)."""
    return (value * 10_000).round(0).cast(pl.Int64).cast(pl.String) + "e-4"


# --- issue 13: the crisis register's weeks, and the period of the training and crisis files ----

_ISO_WEEK = r"^(\d{4})\s*[-/]?\s*(?:w|v|vecka|vk|v\.)\s*(\d{1,2})(?:-[1-7])?$"
"""'2024-W37', '2024 v37', '2024v37', '2024 vecka 37', '2024-W37-1' (lower case)."""


def week(raw: pl.Expr) -> pl.Expr:
    """An ISO week ('2024-W37', '2024 v37') or a date -> the Monday of that week. A week
    number the year does not have (week 53 of most years) reads as nothing."""
    text = raw.str.strip_chars().str.to_lowercase()
    year_ = text.str.extract(_ISO_WEEK, 1).cast(pl.Int32, strict=False)
    number = text.str.extract(_ISO_WEEK, 2).cast(pl.Int32, strict=False)
    january_4 = pl.date(year_, 1, 4)  # always in week 1
    monday = (january_4 - pl.duration(days=january_4.dt.weekday() - 1)
              + pl.duration(weeks=number - 1))
    by_week = pl.when(year_.is_between(*_YEARS) & number.is_between(1, 53)
                      & (monday.dt.iso_year() == year_)).then(monday)
    day = dates(raw)
    return pl.coalesce(by_week, day - pl.duration(days=day.dt.weekday() - 1))


def readiness_periods(parsed: pl.DataFrame, table: Table) -> tuple[pl.DataFrame, list[Finding]]:
    """The `year` (the period a load replaces) of a training or crisis-register row
    (schema.PERIOD_FROM): the course date's year; the ISO year of the week served, else the
    file's År column, else the latest year of the file's weeks. The crisis register also gets
    `week`, the ISO week as text ('' for a placement without a week served: a key part).
    Other extracts are returned as they are."""
    source = schema.PERIOD_FROM.get(table.extract.table)
    if source is None:
        return parsed, []
    if source == "course_date":  # required: a file without it never gets here
        return parsed.with_columns(pl.col(source).dt.year().cast(pl.Int32).alias("year")), []
    if source not in parsed.columns:  # a register without the week column
        parsed = parsed.with_columns(pl.lit(None, pl.Date).alias(source))
    own = pl.col(source).dt.iso_year().cast(pl.Int32)
    given = pl.col("year") if "year" in parsed.columns else pl.lit(None, pl.Int32)
    dated = parsed.with_columns(
        pl.coalesce(own, given, own.max()).alias("year"),
        pl.col(source).dt.strftime("%G-W%V").fill_null("").alias("week"),
    )
    unplaced = dated.filter(pl.col("year").is_null())[ROW].to_list()
    header = table.headers.get(source, "Vecka")
    return dated, row_findings(
        unplaced, ERROR, table.grid.file, header,
        "Vecka saknas och filen har varken en kolumn År eller någon vecka som säger vilket år "
        "placeringen gäller. Ange veckan, eller lägg till kolumnen År.")
