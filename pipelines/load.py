"""The only writer: a batch of files -> the store, all or nothing.

ingest() reads, recognises, normalises, pseudonymises and validates every file of a batch, and
loads the batch in one transaction. One error anywhere refuses the whole batch: the store and
the raw archive are left exactly as they were. Otherwise the transaction replaces the batch's
periods (a snapshot loaded again replaces, never doubles: the replaced rows move to the table's
`_replaced` table, so that deleting the load puts them back, pipelines/lifecycle.py), records
each file in the load log and the audit log, and works out the touched snapshots' derived
person tables (store.refresh_derived); each original is archived read-only (0400 in a 0700
folder) under data/raw/<sha256><suffix>.

The files stream in groups (_groups): each group is read and checked, and its rows are staged
in the batch's own tables (_Batch), before the next group is read. The one transaction comes
at the end and moves the staged rows in. So a backfill of many files needs the memory of one
group, not of all, and holds the write lock only for the move.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

import settings
import store
from pipelines import normalise, pseudonymise, read, schema, validate, visible
from pipelines.findings import (
    ERROR,
    MISSING_SNAPSHOT_DATE,
    WARNING,
    Finding,
    IngestReport,
    dates_text,
    row_findings,
)
from pipelines.normalise import Table
from pipelines.personnummer import mask_personnummer
from pipelines.profiles import Profile
from pipelines.schema import TABLES

Progress = Callable[[float, str], None]
FileInput = Path | str | tuple[str, bytes]
Actor = tuple[str, str]
"""Who acts, for the audit log: (user id, role)."""
LOCAL_ACTOR: Actor = ("lokal", "analyst")
"""The one local analyst of the embedded default (no login configured)."""


def _raw_name(file: FileInput) -> str:
    return file[0] if isinstance(file, tuple) else Path(file).name


def _given_name(file: FileInput) -> str:
    """The file's name without hidden characters (visible.py)."""
    return visible.text(_raw_name(file))


def _name(file: FileInput) -> str:
    """The file's name as the store, the audit log, the archive and every message know it: a
    personnummer in it is masked, so it is never stored or shown in clear, and hidden
    characters (a right-to-left override ...) are removed."""
    return mask_personnummer(_given_name(file))


def _named(file: FileInput) -> tuple[str, bytes]:
    data = file[1] if isinstance(file, tuple) else Path(file).read_bytes()
    return _name(file), data


NAME_WITH_PERSONNUMMER = ("Filnamnet innehåller något som liknar ett personnummer. Det sparas "
                          "och visas som [personnummer].")
NAME_WITH_HIDDEN = ("Filnamnet innehöll osynliga styrtecken (t.ex. ett som vänder textens "
                    "riktning). De togs bort; namnet sparas och visas utan dem.")
HIDDEN_CHARACTERS = ("Osynliga styrtecken (t.ex. ett som vänder textens riktning) togs bort ur "
                     "{cells}, den första på den här raden. Texten sparas och visas utan dem.")

GROUP_BYTES = 128 * 1024 * 1024
"""How much of a batch is read, checked and written at a time: a batch of ten years of monthly
extracts streams through the load in groups of about this size, so memory stays bounded."""


def _groups(files: Sequence[FileInput]) -> Iterator[list[FileInput]]:
    """The batch in consecutive groups of at most GROUP_BYTES (at least one file each); the
    spreadsheets of a group are parsed by one child process (read.read_many)."""
    group, size = [], 0
    for file in files:
        bytes_ = len(file[1]) if isinstance(file, tuple) else Path(file).stat().st_size
        if group and size + bytes_ > GROUP_BYTES:
            yield group
            group, size = [], 0
        group.append(file)
        size += bytes_
    if group:
        yield group


class _Refused(Exception):
    """Stops a batch when a file of it has an error."""


def ingest(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[FileInput],
    *,
    snapshot_date: date | None = None,
    source: str = "upload",
    progress: Progress | None = None,
    profile: Profile | None = None,
    actor: Actor = LOCAL_ACTOR,
) -> IngestReport:
    """Load a batch of extracts (paths or (name, bytes)); see the module docstring.

    `snapshot_date` is used for employment extracts without a snapshot column. `profile`
    forces a mapping profile; without it each file is read the way that recognises most.
    `actor` (user id, role) is who the audit log says loaded the files.

    The batch streams: each group of files (_groups) is read and checked, and its rows are
    staged, before the next is read; a file with an error anywhere refuses all of it. Every
    file is still checked, so the report names every error of the batch."""
    started = time.perf_counter()
    step = progress or (lambda fraction, text: None)
    report = IngestReport(files=[_name(f) for f in files])
    report.findings += [
        Finding(WARNING, _name(f), None, None, NAME_WITH_PERSONNUMMER)
        for f in files if _name(f) != _given_name(f)]
    report.findings += [Finding(WARNING, _name(f), None, None, NAME_WITH_HIDDEN)
                        for f in files if _given_name(f) != _raw_name(f)]
    step(0.05, "Läser filerna …")
    drop_abandoned_staging(con)
    batch = _Batch(con, source, started, report)
    try:
        done = 0
        for group in _groups(files):
            named = [_named(f) for f in group]
            for (name, data), grids in zip(named, read.read_many(named), strict=True):
                done += 1
                step(0.05 + 0.85 * done / len(files), f"Kontrollerar {name} …")
                if isinstance(grids, read.ReadError):
                    report.findings.append(Finding(ERROR, name, None, None, str(grids)))
                    continue
                outcome = _prepare(grids, snapshot_date, profile, report)
                if outcome is not None:
                    batch.add(name, data, *outcome)
        report.findings += _one_snapshot_per_month(batch.dates)
        if report.errors:
            raise _Refused
        step(0.9, "Sparar …")
        with store.transaction(con) as cur:
            batch.commit(cur, actor)
    except BaseException as exc:  # nothing was written: the archive too is as it was
        for path in batch.archived:
            path.unlink(missing_ok=True)
        if not isinstance(exc, _Refused):
            raise
        _forget_loaded(report)
        report.seconds = time.perf_counter() - started
        return report
    finally:
        batch.drop()
    report.loaded = True
    report.seconds = time.perf_counter() - started
    step(1.0, "Klart.")
    return report


def _forget_loaded(report: IngestReport) -> None:
    """A refused batch wrote nothing: the report says no rows and no dates."""
    report.rows, report.tables = 0, {}
    report.snapshot_dates, report.employment_dates, report.replaced_dates = [], [], []


def _prepare(grids: list[read.Grid], snapshot_date: date | None, profile: Profile | None,
             report: IngestReport) -> tuple[Table, pl.DataFrame] | None:
    """One file -> its table and canonical rows ready for the store, or None (with findings)."""
    file = grids[0].file if grids else "?"
    try:
        table = normalise.locate(grids, profile)
    except normalise.LocateError as exc:
        report.findings.append(Finding(ERROR, file, None, None, str(exc)))
        report.needs_mapping.append(file)
        return None
    if table.profile:
        report.profiles[file] = table.profile
    report.readings[file] = (f"profilen {table.profile}" if table.profile
                             else "standardrubrikerna") + (
        f", bladet {table.grid.sheet}" if table.grid.sheet else "")
    for grid in grids:
        if grid.note:
            report.findings.append(Finding("varning", file, None, None, grid.note))
    report.findings += _hidden_characters(table)
    missing = table.missing()
    for column in missing:
        report.findings.append(Finding(
            ERROR, file, table.header_row, column.label_sv,
            f"Kolumnen {column.label_sv} saknas i {table.extract.label_sv}et. Kända rubriker: "
            f"{', '.join(column.aliases[:4])}."))
    if missing:
        report.needs_mapping.append(file)
        return None
    frame, findings = normalise.canonical(table, snapshot_date)
    report.findings += findings
    if frame.is_empty():
        report.findings.append(Finding(ERROR, file, table.header_row, None,
                                       "Filen har rubriker men inga datarader."))
        return None
    if table.extract.table == "employment" and "snapshot_date" not in frame.columns:
        report.needs_snapshot_date.append(file)
        report.findings.append(Finding(
            ERROR, file, table.header_row, "Mätdatum", MISSING_SNAPSHOT_DATE))
        return None
    if pseudonymise.PNR in frame.columns and pseudonymise.PERSON_ID in frame.columns:
        frame = frame.drop(pseudonymise.PERSON_ID)  # the personnummer identifies the person
    report.findings += validate.stray_personnummer(frame, table)
    frame = _pseudonymised(frame, table)
    report.findings += validate.validate(frame, table)
    return table, _per_person(frame, table)


def _hidden_characters(table: Table) -> list[Finding]:
    """A warning per column of the table's grid from which read.py removed hidden characters,
    naming the column's header and the first row."""
    grid = table.grid
    findings = []
    for column, (cells, first) in grid.hidden.items():
        findings.append(Finding(
            WARNING, grid.file, grid.first_row + first, grid.frame[column][table.header_index],
            HIDDEN_CHARACTERS.format(cells="1 cell" if cells == 1 else f"{cells} celler")))
    return findings


def _pseudonymised(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The person's identity replaced by person_key. From a personnummer: birth year, and
    gender where the file has no gender column. From a person id: birth year and gender only
    from the file's own columns, else NULL (unknown), never guessed."""
    key = pseudonymise.secret(settings.get().secret_path)
    if pseudonymise.PNR in frame.columns:
        reference = (pl.col("snapshot_date").dt.year() if "snapshot_date" in frame.columns
                     else pl.col("year"))
        keyed = pseudonymise.keyed(pseudonymise.checked(frame, reference), key)
        gender = (pl.coalesce("gender", "pnr_gender") if "gender" in keyed.columns
                  else pl.col("pnr_gender"))
        keyed = keyed.with_columns(gender.alias("gender")).drop("pnr_gender")
    elif pseudonymise.PERSON_ID in frame.columns:
        keyed = pseudonymise.keyed(pseudonymise.identified(frame), key)
    else:
        return frame
    return keyed.drop("birth_date", strict=False)


def _per_person(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """One row per person and period where the extract may give several
    (schema.SUMMED_PER_PERSON, e.g. the pay extract's row per employment): the summed columns
    added up (blank where all of the person's rows are blank), every other column from the
    row with the most hours paid, and the first row's Excel row number."""
    summed = schema.SUMMED_PER_PERSON.get(table.extract.table)
    if summed is None or "person_key" not in frame.columns:
        return frame
    key = [table.extract.period, "person_key"]
    if frame.select(key).is_unique().all():
        return frame
    added = [c for c in summed if c in frame.columns]
    others = [c for c in frame.columns if c not in (*key, *added, normalise.ROW)]
    return (
        frame.sort("hours_paid", descending=True, nulls_last=True)
        .group_by(key, maintain_order=True)
        .agg(pl.col(normalise.ROW).min(),
             *(pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c)
               for c in added),
             *(pl.col(c).first() for c in others))
        .sort(normalise.ROW)
        .select(frame.columns)
    )


def _one_snapshot_per_month(dated: set[tuple[str, date]]) -> list[Finding]:
    """A batch holds at most one snapshot date per month: a month has one snapshot. `dated`
    holds (file name, snapshot date) for each employment extract of the batch."""
    months: dict[tuple[int, int], list[str]] = {}
    for _, day in sorted(dated, key=lambda pair: pair[1]):
        months.setdefault((day.year, day.month), []).append(day.isoformat())
    return [
        Finding(ERROR, name, None, "Mätdatum",
                f"Mätdatumen {', '.join(dict.fromkeys(months[day.year, day.month]))} ligger i "
                "samma månad. En månad har ett uttag: läs in ett av dem.")
        for name, day in sorted(dated)
        if len(set(months[day.year, day.month])) > 1
    ]


def period_key(period: str) -> str:
    """What a loaded period replaces: a snapshot replaces its whole month, a year its year."""
    return f"date_trunc('month', {period})" if period == "snapshot_date" else period


@dataclass(frozen=True)
class _Staged:
    """A file of the batch whose rows are staged, and what its load will record."""

    name: str
    digest: str
    target: str
    period: str
    periods: list
    """The distinct values of its period column (snapshot dates, or years), in order."""
    rows: int
    seconds: float

    @property
    def dates(self) -> list[date]:
        """Its periods as dates (a year as its 31 December), as the load log keeps them."""
        return _period_dates(self.periods, self.period)


class _Batch:
    """The files of one batch on their way into the store.

    While the files are read and checked, each accepted file's rows are staged: appended to the
    batch's own table per canonical table (STAGED_PREFIX, named by the batch), each append
    committed at once and read by nothing else. DuckDB keeps a transaction's appends in memory
    until it commits, outside its memory limit (about 25 MB per 50,000-row file), so a backfill
    of 120 files written in one transaction grew to 4.5 GB. commit() then moves the staged rows
    in with one statement per table, inside the batch's one transaction. The batch keeps only
    what the checks across files need (each table's keys, the snapshot dates), never a file's
    rows once staged."""

    def __init__(self, con, source: str, started: float, report: IngestReport) -> None:
        self.con, self.source, self.started, self.report = con, source, started, report
        self.prefix = f"{STAGED_PREFIX}{uuid.uuid4().hex[:12]}_"
        self.cur = None
        self.files: list[_Staged] = []
        self.keys: dict[str, dict[object, list[pl.DataFrame]]] = {}
        """Per table and period value, the keys of the files staged so far."""
        self.dates: set[tuple[str, date]] = set()
        self.distinct: dict[tuple, set] = {}
        """Per table, limited columns and period, the values the batch brings (validate.limits)."""
        self.archived: list[Path] = []
        """The originals this batch put in the raw archive: removed again if it is refused."""

    def add(self, name: str, data: bytes, table: Table, frame: pl.DataFrame) -> None:
        target = table.extract.table
        key = list(validate.KEYS[target])
        if set(key) <= set(frame.columns):
            period, seen = key[0], self.keys.setdefault(target, {})
            # A key starts with its period, so only earlier files of the same periods can
            # clash: a backfill of monthly files compares nothing (it compared every file
            # with all the keys before it, about a minute for 120 files).
            earlier = [keys for value in frame[period].unique().to_list()
                       for keys in seen.get(value, [])]
            if earlier:
                clash = frame.join(pl.concat(earlier), on=key, how="semi")
                self.report.findings += row_findings(
                    clash[normalise.ROW].to_list(), ERROR, name, key[1],
                    "Samma nyckel finns redan i en annan fil i samma inläsning (samma period).")
            for (value,), keys in frame.select(key).unique().partition_by(
                    period, as_dict=True).items():
                seen.setdefault(value, []).append(keys)
        self.report.findings += validate.limits(frame, table, self.distinct)
        if target == "employment":
            self.dates |= {(name, day) for day
                           in frame["snapshot_date"].drop_nulls().unique().to_list()}
        if not self.report.errors:
            self.stage(name, data, table, frame)

    def stage(self, name: str, data: bytes, table: Table, frame: pl.DataFrame) -> None:
        """The file's rows into the batch's table for its canonical table, with the file's
        number in the batch where its load id will go; its original into the archive."""
        target, period, report = table.extract.table, table.extract.period, self.report
        rows = _stored(frame, target, len(self.files))
        staged = self.prefix + target
        if self.cur is None:
            self.cur = self.con.cursor()
            _RUNNING.add(self.prefix)
        self.cur.register("incoming", rows)
        self.cur.execute(f"CREATE TABLE IF NOT EXISTS {staged} AS SELECT * FROM {target} "
                         "LIMIT 0")
        # By name: a store from before a column was added has it last (store._COLUMN_DDL).
        self.cur.execute(f"INSERT INTO {staged} BY NAME SELECT * FROM incoming")
        self.cur.unregister("incoming")
        file = _Staged(name, hashlib.sha256(data).hexdigest(), target, period,
                       frame[period].unique().sort().to_list(), rows.height,
                       time.perf_counter() - self.started)
        self.files.append(file)
        if self.source != "demo":  # generated files: nothing of a person's to keep
            archived = _archive(settings.get().raw_dir, name, file.digest, data)
            if archived is not None:
                self.archived.append(archived)
        report.rows += rows.height
        report.tables[target] = report.tables.get(target, 0) + rows.height
        report.snapshot_dates = sorted(set(report.snapshot_dates) | set(file.dates))
        if target == "employment":
            report.employment_dates = sorted(set(report.employment_dates) | set(file.dates))

    def commit(self, cur, actor: Actor) -> None:
        """Inside the batch's transaction: each file's load (its periods replaced, the load
        log, the audit log), its rows moved in from the staging tables, then the derived
        tables of the touched periods (a period replaces its whole month, period_key)."""
        first = int(cur.sql("SELECT coalesce(max(load_id), 0) FROM load_log")
                    .fetchall()[0][0]) + 1
        for index, file in enumerate(self.files):
            load_id = first + index
            _replace(cur, file, load_id, first, self.report, actor)
            cur.execute(
                "INSERT INTO load_log (load_id, loaded_at, file_name, sha256, snapshot_dates, "
                "rows, seconds, source) VALUES ($id, now()::TIMESTAMP, $file, $sha, $dates, "
                "$rows, $seconds, $source)",
                {"id": load_id, "file": file.name, "sha": file.digest, "dates": file.dates,
                 "rows": file.rows, "seconds": file.seconds, "source": self.source},
            )
            store.audit(cur, *actor, "load",
                        f"Inläsning {load_id}: {file.name}, {_period_label(file.period)} "
                        f"{dates_text(file.dates)}, {file.rows} rader")
        for target in dict.fromkeys(file.target for file in self.files):
            cur.execute(f"INSERT INTO {target} SELECT * REPLACE (load_id + $first AS load_id) "
                        f"FROM {self.prefix}{target}", {"first": first})
        # The derived person tables (metrics/persons.py), built where missing and refreshed
        # for the months the batch brings, in its transaction.
        from metrics import persons

        touched = {day for file in self.files for day in file.dates}
        persons.refresh(cur, sorted(touched), {file.target for file in self.files})

    def drop(self) -> None:
        """The staging tables go, whatever became of the batch."""
        if self.cur is None:
            return
        try:
            for target in dict.fromkeys(file.target for file in self.files):
                self.cur.execute(f"DROP TABLE IF EXISTS {self.prefix}{target}")
        finally:
            self.cur.close()
            _RUNNING.discard(self.prefix)


STAGED_PREFIX = "staged_"
"""The tables a batch stages its rows in while its files are read (_Batch)."""
_RUNNING: set[str] = set()
"""The staging prefixes of this process's running batches."""


def drop_abandoned_staging(con) -> None:
    """Staging tables no running batch of this process owns: left by a process that was
    killed while it read its files (the store itself was never touched)."""
    cur = con.cursor()
    try:
        names = [name for (name,) in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, $prefix) "
            "AND database_name = current_database()", {"prefix": STAGED_PREFIX}).fetchall()]
        for name in names:
            if not any(name.startswith(prefix) for prefix in set(_RUNNING)):
                cur.execute(f"DROP TABLE IF EXISTS {name}")
    finally:
        cur.close()


def _replace(cur, file: _Staged, load_id: int, first: int, report: IngestReport,
             actor: Actor) -> None:
    """Move the rows of the periods a file brings to the table's replaced-rows table, marked
    as replaced by its load (an audit entry per period and earlier load). Rows of this batch
    (`first` and later: a snapshot split over several files) are not replaced."""
    target, period = file.target, file.period
    cur.register("loaded_periods", pl.DataFrame({period: file.periods}))
    # The range lets DuckDB skip the row groups of other periods (the tables are in period
    # order): a month added to ten years reads none of them.
    low, high = min(file.periods), max(file.periods)
    if period == "snapshot_date":  # from the first day of the first month to the next month's
        low, high = low.replace(day=1), store.next_month(high)
    else:
        high += 1
    replaced = (f"{period} >= $low AND {period} < $high AND {period_key(period)} IN "
                f"(SELECT {period_key(period)} FROM loaded_periods) AND load_id < $first")
    bounds = {"low": low, "high": high, "first": first}
    columns = ", ".join(store.columns(target))
    for value, earlier, count in cur.execute(
            f"SELECT {period}, load_id, count(*) FROM {target} WHERE {replaced} "
            "GROUP BY ALL ORDER BY ALL", bounds).fetchall():
        if target == "employment" and value not in file.periods:
            report.replaced_dates = sorted({*report.replaced_dates, value})
        store.audit(cur, *actor, "replace",
                    f"Inläsning {load_id} ({file.name}) ersatte "
                    f"{_period_label(period)} {value} från inläsning {earlier} ({count} rader)")
    cur.execute(f"INSERT INTO {store.REPLACED[target]} ({columns}, replaced_by) "
                f"SELECT {columns}, $load FROM {target} WHERE {replaced}",
                {**bounds, "load": load_id})
    cur.execute(f"DELETE FROM {target} WHERE {replaced}", bounds)
    cur.unregister("loaded_periods")


def _period_label(period: str) -> str:
    return "mätdatum" if period == "snapshot_date" else "år"


def _stored(frame: pl.DataFrame, table: str, load_id: int) -> pl.DataFrame:
    """The rows in the store's column order and types; columns the file lacked are NULL."""
    given = frame.with_columns(pl.lit(load_id).alias("load_id"))
    return given.select(
        (pl.col(name) if name in given.columns else pl.lit(None)).cast(_polars_type(sql_type))
        .alias(name)
        for name, sql_type in TABLES[table][0]
    )


def _polars_type(sql_type: str) -> pl.DataType:
    base = sql_type.split()[0]
    return {"DATE": pl.Date, "VARCHAR": pl.String, "INTEGER": pl.Int32, "DOUBLE": pl.Float64,
            "BOOLEAN": pl.Boolean}[base]


def _period_dates(values: list, period: str) -> list[date]:
    return values if period == "snapshot_date" else [date(int(y), 12, 31) for y in values]


ARCHIVE_MODE = 0o400
"""An archived original: read-only, the owner's only."""


def _archive(folder: Path, name: str, digest: str, data: bytes) -> Path | None:
    """Keep the original, read-only, named by its content, in a folder only the owner can
    open, and return its path when this call wrote it (None: it was already there). Written
    under a temporary name first, so a file cut short never takes the name."""
    store.private_dir(folder)
    path = folder / f"{digest}{Path(name).suffix.lower()}"
    if path.exists():
        return None
    partial = folder / f".{digest}.part"
    partial.unlink(missing_ok=True)
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(data)
    partial.chmod(ARCHIVE_MODE)
    partial.replace(path)
    return path


def headers(name: str, data: bytes, rows: int = 3, sheet: str | None = None
            ) -> normalise.Headers:
    """The headers of a file (of the named sheet, if any) and a few values under each, for
    mapping columns by hand."""
    outcome = read.read_many([(name, data)])[0]
    if isinstance(outcome, read.ReadError):
        raise outcome
    return normalise.headers(outcome, rows, sheet)


def load_demo(con: duckdb.DuckDBPyConnection, progress: Progress | None = None, *,
              monthly: bool = False, actor: Actor = LOCAL_ACTOR) -> IngestReport:
    """Generate the demo municipality (when its files are missing) and load it: November
    snapshots, or with `monthly` every month's (demo/monthly/)."""
    from pipelines import demo  # the generator is needed once per installation

    step = progress or (lambda fraction, text: None)
    folder = settings.get().demo_dir / ("monthly" if monthly else "")
    files = sorted(folder.glob("exempelkommun_*")) if folder.exists() else []
    expected = (12 * (len(demo.SNAPSHOT_YEARS) - 1) + 1 if monthly
                else len(demo.SNAPSHOT_YEARS)) + 4 + len(demo.SNAPSHOT_YEARS)
    # sick leave, HME, training, crisis, and a pay extract per year
    if len(files) < expected:
        step(0.0, "Skapar exempelkommunen …")
        files = demo.generate(folder, monthly=monthly)
    report = ingest(con, files, source="demo", actor=actor,
                    progress=lambda fraction, text: step(0.1 + 0.9 * fraction, text))
    if report.loaded:  # the demo's committee material: targets, programme, Kolada, pay survey
        from metrics import targets

        targets.seed_demo(con, actor)
        from metrics import kolada

        kolada.seed_demo(con, actor)
        from metrics import programme

        programme.seed_demo(con, actor)
        from metrics import pay_survey

        pay_survey.seed_demo(con, actor)
    return report
