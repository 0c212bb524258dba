"""The action programme (handlingsprogram, issue 12): its points, their versions, validation,
Excel import and export. No Streamlit: the page (ui/pages/handlingsprogram.py) and the PDF
meeting pack call these functions.

A point has a number (Nr, text such as "3" or "2.1", unique in the programme), a text, a
deadline (a date; a year alone means 31 December of it, a month its last day; empty: none),
the responsible förvaltning, a status, a comment and the indicator that measures it (a metric
id of metrics/registry.py, optional, shown by its Swedish label).

Versions. The store never changes a saved point: every save (an edit on the page, an import or
the demo's seed) writes the whole programme again as a new version (`programme_version`: who,
when, how; `programme_point`: its points), inside one transaction with its audit entry. The
current programme is the newest version; `history()` lists what each version changed against
the one before it, so that the committee sees what changed and who changed it. A save that
changes nothing writes nothing.

Statuses (STATUSES): "Ej påbörjad", "Pågår", "Försenad" (the responsible says it will be late),
"Klar" and "Utgår" (struck from the programme). A point is overdue (`overdue`) when its deadline
has passed and it is neither Klar nor Utgår, whatever its status says.
"""

from __future__ import annotations

import calendar
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import polars as pl
import xlsxwriter

import store
from metrics import registry
from metrics.export import HEADER_FORMAT, add_table, export_time, neutralise, table_name
from pipelines.personnummer import mask_personnummer

STATUSES: dict[str, str] = {
    "not_started": "Ej påbörjad",
    "in_progress": "Pågår",
    "delayed": "Försenad",
    "done": "Klar",
    "cancelled": "Utgår",
}
"""Status code (stored) -> the Swedish word shown, in the order the committee reads them."""
DEFAULT_STATUS = "not_started"
"""The status of a point whose status cell is empty."""
CLOSED = frozenset({"done", "cancelled"})
"""Statuses of points that are never overdue."""
_STATUS_ALIASES = {
    "ej påbörjad": "not_started", "ej påbörjat": "not_started", "inte påbörjad": "not_started",
    "inte påbörjat": "not_started", "ej startad": "not_started", "ej startat": "not_started",
    "pågår": "in_progress", "pågående": "in_progress", "påbörjad": "in_progress",
    "påbörjat": "in_progress",
    "försenad": "delayed", "försenat": "delayed",
    "klar": "done", "klart": "done", "genomförd": "done", "genomfört": "done",
    "avslutad": "done", "avslutat": "done",
    "utgår": "cancelled", "utgått": "cancelled", "struken": "cancelled", "strukits": "cancelled",
}

COLUMNS = ("nr", "text", "deadline", "forvaltning", "status", "comment", "indicator")
"""The columns of a point as typed or imported (`indicator`: a metric id or Swedish label)."""
HEADERS: dict[str, str] = {
    "nr": "Nr", "text": "Åtgärd", "deadline": "Klart senast", "forvaltning": "Ansvarig",
    "status": "Status", "comment": "Kommentar", "indicator": "Nyckeltal",
    "overdue": "Passerat slutdatum",
}
"""Swedish headers: of the page's table and editor, of the export, and of error messages."""
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "nr": ("nr", "nummer", "punkt", "punkt nr", "punktnummer", "nr."),
    "text": ("åtgärd", "text", "aktivitet", "beskrivning", "åtgärder", "insats"),
    "deadline": ("klart senast", "deadline", "slutdatum", "klart", "tidplan", "datum",
                 "klar senast", "när"),
    "forvaltning": ("ansvarig", "förvaltning", "ansvarig förvaltning", "ansvar"),
    "status": ("status", "läge"),
    "comment": ("kommentar", "kommentarer", "anteckning", "uppföljning"),
    "indicator": ("nyckeltal", "indikator", "mått", "nyckeltal (id)"),
}
"""Accepted headers of an imported sheet (compared without case, extra spaces or a final
':'). Nr and Åtgärd are required; other columns may be missing (then empty)."""
REQUIRED = ("nr", "text")

MAX_POINTS = 500
MAX_LENGTH = {"nr": 20, "text": 1000, "forvaltning": 200, "comment": 2000}
HEADER_SCAN_ROWS = 20
"""How far down a sheet the header row is looked for (a title may stand above it)."""
_YEARS = (2000, 2100)
_EXCEL_EPOCH = date(1899, 12, 30)

SHEET = "Handlingsprogram"
HISTORY_SHEET = "Ändringar"
ABOUT_SHEET = "Om uttaget"

SOURCE_EDIT, SOURCE_IMPORT, SOURCE_DEMO = "edit", "import", "demo"
SOURCE_TEXT = {SOURCE_EDIT: "ändring på sidan", SOURCE_IMPORT: "import", SOURCE_DEMO: "exempel"}


# --- errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None
    """The row the user sees: the Excel row of an import, the editor's row (1 = first)."""
    column: str | None
    """The Swedish header of the column (HEADERS), None for the whole row or file."""
    message: str
    nr: str | None = None
    """The point's number, when the row has one."""

    def text(self, file: str | None = None) -> str:
        where = [file] if file else []
        if self.row is not None:
            row = f"rad {self.row}" + (f" (Nr {self.nr})" if self.nr else "")
            where.append(row)
        if self.column:
            where.append(f"kolumn ”{self.column}”")
        place = ", ".join(where)
        if not file:  # "Rad 2, ...": a sentence of its own
            place = place[:1].upper() + place[1:]
        return f"{place}: {self.message}" if place else self.message


@dataclass
class ProgrammeError(ValueError):
    """Input the programme refuses: every problem names its row and column, and the file of
    an import. Nothing was saved."""

    problems: list[Problem]
    file: str | None = None

    def lines(self) -> list[str]:
        return [problem.text(self.file) for problem in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class StaleVersionError(ValueError):
    """Someone saved the programme after the caller read it: nothing was saved."""

    def __init__(self, expected: int | None, found: int | None) -> None:
        super().__init__(
            f"Handlingsprogrammet har ändrats (version {found}) sedan du öppnade det (version "
            f"{expected}). Inget sparades; ladda om sidan och gör ändringen igen.")
        self.expected, self.found = expected, found


# --- reading cells ------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    """A cell as one trimmed text ('' for empty); whole floats without '.0'."""
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def _unprotect(text: str) -> str:
    """Text as it was before an export protected it (metrics.export.neutralise): the
    apostrophe before a formula character goes, so an export reads back unchanged."""
    return text[1:] if text.startswith("'") and text[1:2] in "=+-@\t\r{" and text[1:] else text


def parse_deadline(value: object) -> date | None:
    """A deadline: a date (or datetime), '2026-12-31' (a time of day after it is ignored),
    '31.12.2026' or '31/12/2026' (day first, as in Sweden), '20261231', an Excel date serial
    number, '2026-06' (the month's last day) or '2026' (31 December); empty gives None.
    ValueError (Swedish) for anything else."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return _in_range(value.date())
    if isinstance(value, date):
        return _in_range(value)
    text = _cell_text(value)
    if match := re.fullmatch(r"(\d{4})", text):
        return _in_range(date(int(match[1]), 12, 31))
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return _in_range(date(year, month, calendar.monthrange(year, month)[1]))
    patterns = ((r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
                 (1, 2, 3)),
                (r"(\d{1,2})[./](\d{1,2})[./](\d{4})", (3, 2, 1)),
                (r"(\d{4})(\d{2})(\d{2})", (1, 2, 3)))
    for pattern, (y, m, d) in patterns:
        if match := re.fullmatch(pattern, text):
            try:
                return _in_range(date(int(match[y]), int(match[m]), int(match[d])))
            except ValueError:
                raise ValueError(f"”{text}” är inget giltigt datum.") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a date cell the reader gave as its serial
        return _in_range(date.fromordinal(_EXCEL_EPOCH.toordinal() + int(float(text))))
    raise ValueError(f"”{text}” kan inte läsas som datum. Skriv t.ex. 2026-12-31, "
                     "31.12.2026 eller bara året, 2026 (läses som 31 december).")


def _in_range(day: date) -> date:
    if not _YEARS[0] <= day.year <= _YEARS[1]:
        raise ValueError(f"året {day.year} är orimligt för en åtgärd (tillåtet "
                         f"{_YEARS[0]}–{_YEARS[1]}).")
    return day


def parse_status(value: object) -> str:
    """A status code from its Swedish word (any case; a few synonyms such as 'Genomförd'
    for Klar, STATUS_ALIASES) or its code; empty gives DEFAULT_STATUS."""
    text = _cell_text(value)
    if not text:
        return DEFAULT_STATUS
    folded = " ".join(text.casefold().split())
    if folded in STATUSES:
        return folded
    if folded in _STATUS_ALIASES:
        return _STATUS_ALIASES[folded]
    raise ValueError(f"okänd status ”{text}”. Tillåtna: {', '.join(STATUSES.values())}.")


_LABELS = {m.label_sv.casefold(): m.id for m in registry.METRICS.values()}


def parse_indicator(value: object) -> str | None:
    """A metric id from its id or its Swedish label (any case); empty gives None."""
    text = _cell_text(value)
    if not text:
        return None
    if text in registry.METRICS:
        return text
    folded = " ".join(text.casefold().split())
    if folded in _LABELS:
        return _LABELS[folded]
    raise ValueError(f"okänt nyckeltal ”{text}”. Ange nyckeltalets namn som i "
                     "nyckeltalskatalogen (t.ex. ”Andel heltidsanställda”) eller dess id.")


def indicator_label(metric_id: str | None) -> str:
    """The Swedish label of a metric id ('' for none; the id itself if the registry no longer
    has it)."""
    if not metric_id:
        return ""
    metric = registry.METRICS.get(metric_id)
    return metric.label_sv if metric else metric_id


def indicator_options() -> list[str]:
    """The Swedish labels a point's indicator may be chosen from, in registry order."""
    return [m.label_sv for m in registry.METRICS.values()]


# --- validation ---------------------------------------------------------------------------------

POINT_SCHEMA = {"position": pl.Int32, "nr": pl.String, "text": pl.String, "deadline": pl.Date,
                "forvaltning": pl.String, "status": pl.String, "comment": pl.String,
                "metric_id": pl.String}
"""A programme's points as stored (without the version): one row per point, in order."""


def validate(rows: Sequence[Mapping[str, object]], row_numbers: Sequence[int] | None = None,
             *, file: str | None = None) -> pl.DataFrame:
    """The points of typed or imported rows (keys of COLUMNS; missing keys are empty cells),
    as POINT_SCHEMA. Rows whose every cell is empty are skipped. ProgrammeError lists every
    problem with its row (`row_numbers`, else 1, 2, ...) and column; nothing is returned
    then."""
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    problems: list[Problem] = []
    points: list[dict] = []
    seen: dict[str, int] = {}
    for row_number, row in zip(numbers, rows, strict=True):
        cells = {key: row.get(key) for key in COLUMNS}
        if all(_blank(value) for value in cells.values()):
            continue
        texts = {key: _unprotect(_cell_text(cells[key]))
                 for key in ("nr", "text", "forvaltning", "comment")}
        nr = texts["nr"] or None
        before = len(problems)

        def problem(key: str, message: str, row_number=row_number, nr=nr) -> None:
            problems.append(Problem(row_number, HEADERS[key], message, nr))

        for key in REQUIRED:
            if not texts[key]:
                problem(key, "får inte vara tom.")
        for key, limit in MAX_LENGTH.items():
            if len(texts[key]) > limit:
                problem(key, f"är {len(texts[key])} tecken lång; högst {limit} tecken.")
        if nr and nr in seen:
            problem("nr", f"numret {nr} finns redan på rad {seen[nr]}; varje punkt har ett "
                          "eget nummer.")
        elif nr:
            seen[nr] = row_number
        parsed = {}
        for key, parse in (("deadline", parse_deadline), ("status", parse_status),
                           ("indicator", parse_indicator)):
            try:
                parsed[key] = parse(cells[key])
            except ValueError as exc:
                problem(key, str(exc))
        if len(problems) == before:
            points.append({"position": len(points) + 1, "nr": nr, "text": texts["text"],
                           "deadline": parsed["deadline"],
                           "forvaltning": texts["forvaltning"] or None,
                           "status": parsed["status"], "comment": texts["comment"] or None,
                           "metric_id": parsed["indicator"]})
    if len(points) > MAX_POINTS:
        problems.append(Problem(None, None, f"programmet har {len(points)} punkter; högst "
                                            f"{MAX_POINTS}."))
    if problems:
        raise ProgrammeError(problems, file)
    return pl.DataFrame(points, schema=POINT_SCHEMA)


# --- the store ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    version: int
    title: str
    set_at: datetime
    set_by: str
    source: str
    file_name: str | None


def current(con: duckdb.DuckDBPyConnection) -> Version | None:
    """The newest version of the programme (None: none saved)."""
    frame = store.read(con, "SELECT version, title, set_at, set_by, source, file_name "
                            "FROM programme_version ORDER BY version DESC LIMIT 1")
    return Version(**frame.row(0, named=True)) if frame.height else None


def versions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every version, oldest first: version, title, set_at, set_by, source, file_name,
    points (how many)."""
    return store.read(con, "SELECT v.*, (SELECT count(*) FROM programme_point p WHERE "
                           "p.version = v.version) AS points FROM programme_version v "
                           "ORDER BY version")


def stored_points(con: duckdb.DuckDBPyConnection, version: int | None = None) -> pl.DataFrame:
    """The points of a version (None: the newest) as stored (POINT_SCHEMA)."""
    frame = store.read(
        con, "SELECT position, nr, text, deadline, forvaltning, status, comment, metric_id "
             "FROM programme_point WHERE version = coalesce($version, "
             "(SELECT max(version) FROM programme_version)) ORDER BY position",
        {"version": version})
    return frame.cast(POINT_SCHEMA) if frame.height else pl.DataFrame(schema=POINT_SCHEMA)


def _status_label() -> pl.Expr:
    return pl.col("status").replace_strict(STATUSES, default=pl.col("status"))


def points(con: duckdb.DuckDBPyConnection, today: date | None = None,
           version: int | None = None) -> pl.DataFrame:
    """The programme's status table, one row per point in the programme's order, ready to
    show in Swedish (the PDF meeting pack uses it; HEADERS names the columns in Swedish):

    - nr (String): the point's number, as written ("3", "2.1");
    - text (String): what is to be done;
    - deadline (Date, null: none): klart senast;
    - forvaltning (String, null): the responsible förvaltning, as written;
    - status (String): the Swedish status word (STATUSES: Ej påbörjad, Pågår, Försenad, Klar,
      Utgår);
    - status_code (String): its code (not_started, in_progress, delayed, done, cancelled);
    - comment (String, null);
    - metric_id (String, null): the indicator's id in metrics/registry.py;
    - indicator (String): its Swedish label ('' when none);
    - overdue (Boolean): the deadline is before `today` (default: today's date) and the
      point is neither Klar nor Utgår.

    `version`: an earlier version (None: the current one)."""
    day = today or date.today()
    frame = stored_points(con, version)
    return frame.select(
        "nr", "text", "deadline", "forvaltning",
        _status_label().alias("status"),
        pl.col("status").alias("status_code"),
        "comment", "metric_id",
        pl.col("metric_id").replace_strict(
            {m.id: m.label_sv for m in registry.METRICS.values()},
            default=pl.col("metric_id"), return_dtype=pl.String).fill_null("")
        .alias("indicator"),
        (pl.col("deadline").lt(day) & ~pl.col("status").is_in(list(CLOSED)))
        .fill_null(False).alias("overdue"),
    )


def table(con: duckdb.DuckDBPyConnection, today: date | None = None, *,
          only_overdue: bool = False) -> pl.DataFrame:
    """The status table as the page and the export show it: Swedish headers (HEADERS), the
    deadline as a date, 'Ja' where a point is overdue; `only_overdue`: those points only."""
    frame = points(con, today)
    if only_overdue:
        frame = frame.filter(pl.col("overdue"))
    return frame.select(
        *(pl.col(key).alias(HEADERS[key]) for key in
          ("nr", "text", "deadline", "forvaltning", "status", "comment", "indicator")),
        pl.when(pl.col("overdue")).then(pl.lit("Ja")).otherwise(pl.lit(""))
        .alias(HEADERS["overdue"]),
    )


def status_counts(con: duckdb.DuckDBPyConnection, today: date | None = None) -> pl.DataFrame:
    """Per status, in STATUSES order and with zeros: status (the Swedish word), status_code,
    n (points), overdue (of them, past their deadline and not done)."""
    frame = points(con, today)
    counts = frame.group_by("status_code").agg(pl.len().alias("n"),
                                               pl.col("overdue").sum().alias("overdue"))
    return (pl.DataFrame({"status": list(STATUSES.values()), "status_code": list(STATUSES)})
            .join(counts, on="status_code", how="left", maintain_order="left")
            .with_columns(pl.col("n", "overdue").fill_null(0).cast(pl.Int64)))


EDITOR_COLUMNS = ("nr", "text", "deadline", "forvaltning", "status", "comment", "indicator")


def editor_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The current points as the page's editor shows them: every cell text (the deadline as
    YYYY-MM-DD, the status as its Swedish word, the indicator as its label), Swedish headers."""
    frame = points(con)
    return frame.select(
        pl.col("nr"), pl.col("text"), pl.col("deadline").dt.strftime("%Y-%m-%d"),
        pl.col("forvaltning"), pl.col("status"), pl.col("comment"),
        pl.when(pl.col("indicator") != "").then(pl.col("indicator")).alias("indicator"),
    ).rename({key: HEADERS[key] for key in EDITOR_COLUMNS})


def editor_rows(edited) -> list[dict]:
    """The rows of the edited editor table (a polars or pandas frame with the Swedish headers
    of editor_frame) as validate() takes them."""
    records = edited.to_dicts() if isinstance(edited, pl.DataFrame) else edited.to_dict("records")
    return [{key: record.get(HEADERS[key]) for key in EDITOR_COLUMNS} for record in records]


# --- saving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    nr: str
    column: str | None
    """The Swedish header of the changed column; None: the point was added or removed."""
    before: str
    after: str


@dataclass
class Saved:
    version: int | None
    """The new version; None: nothing changed, nothing was written."""
    changes: list[Change] = field(default_factory=list)
    previous: int | None = None

    @property
    def added(self) -> int:
        return sum(c.column is None and not c.before for c in self.changes)

    @property
    def removed(self) -> int:
        return sum(c.column is None and not c.after for c in self.changes)

    @property
    def changed(self) -> int:
        return len({c.nr for c in self.changes if c.column is not None})


_SHOWN = ("text", "deadline", "forvaltning", "status", "comment", "metric_id")


def _shown(key: str, value: object) -> str:
    """A stored value as the history shows it."""
    if value is None:
        return ""
    if key == "status":
        return STATUSES.get(value, value)
    if key == "metric_id":
        return indicator_label(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def diff(old: pl.DataFrame, new: pl.DataFrame) -> list[Change]:
    """What changed from one version's points to the next's, point by point (matched by Nr),
    in the new version's order, then the removed points. A point's text in `before`/`after`
    of an added or removed point."""
    before = {row["nr"]: row for row in old.iter_rows(named=True)}
    after = {row["nr"]: row for row in new.iter_rows(named=True)}
    changes: list[Change] = []
    for nr, row in after.items():
        if nr not in before:
            changes.append(Change(nr, None, "", row["text"]))
            continue
        for key in _SHOWN:
            if before[nr][key] != row[key]:
                column = HEADERS["indicator" if key == "metric_id" else key]
                changes.append(Change(nr, column, _shown(key, before[nr][key]),
                                      _shown(key, row[key])))
    changes += [Change(nr, None, row["text"], "") for nr, row in before.items()
                if nr not in after]
    return changes


def save(con: duckdb.DuckDBPyConnection, new_points: pl.DataFrame, actor: tuple[str, str], *,
         title: str | None = None, base_version: int | None = None, check_base: bool = True,
         source: str = SOURCE_EDIT, file_name: str | None = None,
         set_at: datetime | None = None) -> Saved:
    """Save validated points (validate()) as the programme's new version, with its audit
    entry ("programme"), in one transaction. `title`: the programme's name (None: keep the
    current one). With `check_base`, StaleVersionError when the newest version is not
    `base_version` (another user saved meanwhile). A save that changes neither the points
    (nor their order) nor the title writes nothing and returns Saved(None)."""
    user_id, role = actor
    new_points = new_points.select(list(POINT_SCHEMA)).cast(POINT_SCHEMA)
    with store.transaction(con) as cur:
        found = cur.execute("SELECT version, title FROM programme_version "
                            "ORDER BY version DESC LIMIT 1").fetchall()
        previous, old_title = found[0] if found else (None, "")
        if check_base and previous != base_version:
            raise StaleVersionError(base_version, previous)
        title = " ".join((old_title if title is None else title).split())
        old = (cur.sql("SELECT position, nr, text, deadline, forvaltning, status, comment, "
                       "metric_id FROM programme_point WHERE version = $v ORDER BY position",
                       params={"v": previous}).pl().cast(POINT_SCHEMA)
               if previous is not None else pl.DataFrame(schema=POINT_SCHEMA))
        changes = diff(old, new_points)
        unchanged = (previous is not None and title == old_title
                     and old.drop("position").equals(new_points.drop("position")))
        if unchanged and source != SOURCE_IMPORT:
            return Saved(None, [], previous)
        version = (previous or 0) + 1
        cur.execute("INSERT INTO programme_version VALUES ($version, $title, "
                    "coalesce($at, now()::TIMESTAMP), $user, $source, $file)",
                    {"version": version, "title": title, "at": set_at, "user": user_id,
                     "source": source, "file": file_name})
        cur.register("programme_incoming", new_points)
        cur.execute("INSERT INTO programme_point SELECT $version, position, nr, text, deadline, "
                    "forvaltning, status, comment, metric_id FROM programme_incoming",
                    {"version": version})
        cur.unregister("programme_incoming")
        saved = Saved(version, changes, previous)
        store.audit(cur, user_id, role, "programme", _audit_detail(saved, new_points.height,
                                                                    source, file_name))
    return saved


def _audit_detail(saved: Saved, count: int, source: str, file_name: str | None) -> str:
    how = f"import av {file_name}" if source == SOURCE_IMPORT else SOURCE_TEXT[source]
    replaced = f", ersätter version {saved.previous}" if saved.previous else ""
    return (f"version {saved.version} ({how}{replaced}): {count} punkter; {saved.added} nya, "
            f"{saved.changed} ändrade, {saved.removed} borttagna")


def history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """What each version changed against the version before it, newest first: version,
    set_at, set_by, source (Swedish: ändring på sidan, import, exempel), file_name, nr,
    column (the Swedish header; 'Ny punkt' / 'Borttagen punkt' for a whole point), before,
    after. The first version has one row, 'Första versionen', with its number of points."""
    rows: list[dict] = []
    old = empty = pl.DataFrame(schema=POINT_SCHEMA)
    every = store.read(con, "SELECT version, position, nr, text, deadline, forvaltning, "
                            "status, comment, metric_id FROM programme_point "
                            "ORDER BY version, position")
    by_version = ({key[0]: part.drop("version").cast(POINT_SCHEMA) for key, part in
                   every.partition_by("version", as_dict=True, maintain_order=True).items()}
                  if every.height else {})
    for version in versions(con).iter_rows(named=True):
        new = by_version.get(version["version"], empty)
        about = {"version": version["version"], "set_at": version["set_at"],
                 "set_by": version["set_by"],
                 "source": SOURCE_TEXT.get(version["source"], version["source"]),
                 "file_name": version["file_name"]}
        if version["version"] == 1:
            rows.append({**about, "nr": "", "column": "Första versionen", "before": "",
                         "after": f"{new.height} punkter"})
        for change in diff(old, new) if version["version"] > 1 else ():
            column = change.column or ("Ny punkt" if not change.before else "Borttagen punkt")
            rows.append({**about, "nr": change.nr, "column": column, "before": change.before,
                         "after": change.after})
        old = new
    schema = {"version": pl.Int32, "set_at": pl.Datetime("us"), "set_by": pl.String,
              "source": pl.String, "file_name": pl.String, "nr": pl.String,
              "column": pl.String, "before": pl.String, "after": pl.String}
    frame = pl.DataFrame(rows, schema=schema)
    return frame.sort("version", descending=True, maintain_order=True)


# --- Excel --------------------------------------------------------------------------------------


def _header_key(cell: object) -> str | None:
    folded = " ".join(_cell_text(cell).casefold().rstrip(":").split())
    return next((key for key, aliases in HEADER_ALIASES.items() if folded in aliases), None)


def read_xlsx(name: str, data: bytes) -> pl.DataFrame:
    """The points of an Excel workbook (.xlsx): the first sheet with a header row that names
    at least Nr and Åtgärd (HEADER_ALIASES) in its first HEADER_SCAN_ROWS rows; rows until
    the sheet's end; columns with other headers are ignored. The workbook is parsed in a
    child process (pipelines/read.py), so no file can take the server down. ProgrammeError
    names the file, the Excel row and the column of every problem."""
    from pipelines import read

    if not name.lower().endswith(".xlsx"):
        raise ProgrammeError([Problem(None, None, "bara Excel-arbetsböcker (.xlsx) kan läsas "
                                                  "in som handlingsprogram.")], name)
    try:
        grids = read.read(name, data)
    except read.ReadError as exc:
        raise ProgrammeError([Problem(None, None, str(exc))], name) from None
    for grid in grids:
        head = grid.frame.head(HEADER_SCAN_ROWS)
        for offset, cells in enumerate(head.iter_rows()):
            keys = [_header_key(cell) for cell in cells]
            if not all(key in keys for key in REQUIRED):
                continue
            twice = sorted({HEADERS[k] for k in keys if k is not None and keys.count(k) > 1})
            header_row = grid.first_row + offset
            if twice:
                raise ProgrammeError([Problem(header_row, None, "kolumnen för "
                                              f"{', '.join(twice)} finns flera gånger i "
                                              "rubrikraden.")], name)
            body = grid.frame.slice(offset + 1)
            rows = [{key: cells[i] for i, key in enumerate(keys) if key is not None}
                    for cells in body.iter_rows()]
            numbers = list(range(header_row + 1, header_row + 1 + body.height))
            found = validate(rows, numbers, file=name)
            if found.is_empty():  # more likely a wrong file than a programme with no points
                _refuse(name, f"bladet ”{grid.sheet}” har inga punkter under rubrikraden "
                              f"(rad {header_row}).")
            return found
    expected = ", ".join(f"{HEADERS[k]} (eller {'/'.join(HEADER_ALIASES[k][1:3])})"
                         for k in REQUIRED)
    return _refuse(name, f"hittar ingen rubrikrad med {expected} bland de första "
                         f"{HEADER_SCAN_ROWS} raderna i något blad. Rubriker som kan läsas: "
                         + "; ".join(f"{HEADERS[k]}: {', '.join(v)}"
                                     for k, v in HEADER_ALIASES.items()) + ".")


def _refuse(name: str, message: str):
    raise ProgrammeError([Problem(None, None, message)], name)


def import_xlsx(con: duckdb.DuckDBPyConnection, name: str, data: bytes,
                actor: tuple[str, str], *, base_version: int | None = None,
                check_base: bool = True) -> Saved:
    """Replace the whole programme by the points of an Excel workbook (read_xlsx), as a new
    version with its audit entry. A refused file raises ProgrammeError and changes
    nothing. A personnummer in the file's name is masked wherever the name goes."""
    name = mask_personnummer(name)
    new_points = read_xlsx(name, data)
    return save(con, new_points, actor, base_version=base_version, check_base=check_base,
                source=SOURCE_IMPORT, file_name=name)


def export_xlsx(con: duckdb.DuckDBPyConnection, today: date | None = None) -> bytes:
    """The programme as .xlsx: the sheet "Handlingsprogram" (headers in row 1, so it reads
    back with import_xlsx), "Ändringar" (history()) and "Om uttaget" (Uppgift | Värde: name,
    version, who saved it, when exported). Each sheet is one Excel table with its header row
    in row 1, frozen, and nothing else (for screen readers, issue 24). Every text is a string
    cell, and text a spreadsheet would run as a formula (= + - @ ...) gets a leading
    apostrophe, as metrics/export.py does."""
    day = today or date.today()
    shown = table(con, day)
    changes = history(con)
    about = current(con)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    header = wb.add_format(HEADER_FORMAT)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    bold = wb.add_format({"bold": True, "valign": "top"})
    tables: set[str] = set()

    def write(ws, row: int, col: int, value, cell_format=None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, datetime):
            ws.write_datetime(row, col, value, datetime_fmt)
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), date_fmt)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            ws.write_number(row, col, value, cell_format)
        else:
            ws.write_string(row, col, neutralise(str(value)), cell_format or wrap)

    def sheet(name: str, headers: Sequence[str], rows: Sequence[Sequence],
              widths: Sequence[int], first=None) -> None:
        """One sheet, one table: `headers` its header row (`first`: the format of the first
        column's cells)."""
        ws = wb.add_worksheet(name)
        for r, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                write(ws, r, col, value, first if col == 0 else None)
        add_table(ws, headers, len(rows), table_name(name, tables), header)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

    sheet(SHEET, shown.columns, shown.rows(), (6, 60, 13, 24, 13, 40, 32, 12))
    changes = changes.select(
        pl.col("version").alias("Version"), pl.col("set_at").alias("Sparad"),
        pl.col("set_by").alias("Av"), pl.col("source").alias("Hur"),
        pl.col("file_name").alias("Fil"), pl.col("nr").alias("Nr"),
        pl.col("column").alias("Ändring"), pl.col("before").alias("Före"),
        pl.col("after").alias("Efter"))
    sheet(HISTORY_SHEET, changes.columns, changes.rows(), (8, 16, 24, 16, 20, 6, 18, 40, 40))
    lines = [("Handlingsprogram", about.title if about else ""),
             ("Version", about.version if about else ""),
             ("Senast sparad", about.set_at if about else ""),
             ("Sparad av", about.set_by if about else ""),
             ("Exporterad (svensk tid)", export_time()),
             ("Passerat slutdatum", f"slutdatum före {day.isoformat()} och status varken "
                                    "Klar eller Utgår")]
    sheet(ABOUT_SHEET, ["Uppgift", "Värde"], lines, (20, 60), first=bold)
    wb.close()
    return buffer.getvalue()


# --- the demo -----------------------------------------------------------------------------------


def seed_demo(con: duckdb.DuckDBPyConnection, actor: tuple[str, str]) -> Saved | None:
    """The demo's example programme (metrics/programme_demo.py) when the store has none: the
    version adopted in spring 2023 and the current one, so that the history shows changes.
    None when a programme is there already."""
    from metrics import programme_demo

    if current(con) is not None:
        return None
    first, last = programme_demo.versions()
    save(con, validate(first), actor, title=programme_demo.TITLE, base_version=None,
         source=SOURCE_DEMO, set_at=programme_demo.ADOPTED)
    return save(con, validate(last), actor, base_version=1, source=SOURCE_DEMO,
                set_at=programme_demo.FOLLOWED_UP)
