"""The one owner of the DuckDB store: connection, table definitions, write serialisation.

Pipelines write through `transaction()`; metrics and the UI read through `read()`. DuckDB lets
one process hold the file, and a DuckDB 2.0 connection refuses concurrent calls from other
threads, so every thread takes its own cursor (`cursor()`), and writes are serialised by a
process-wide lock (stack-notes.md §3.1).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

import settings
from pipelines.schema import TABLES

_WRITE_LOCK = threading.Lock()

REPLACED = {table: f"{table}_replaced" for table in TABLES}
"""Per canonical table, the rows a later load replaced, with `replaced_by` (that load's id):
kept so that deleting the load puts them back (pipelines/lifecycle.py)."""

def columns(table: str) -> list[str]:
    """The columns of a canonical table, in declared order."""
    return [name for name, _ in TABLES[table][0]]


_DECLARED = {
    **TABLES,
    **{REPLACED[table]: ((*columns, ("replaced_by", "INTEGER NOT NULL")), ("replaced_by", *key))
       for table, (columns, key) in TABLES.items()},
}
_TABLE_DDL = tuple(
    f"CREATE TABLE IF NOT EXISTS {table} ("
    + ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    + f", PRIMARY KEY ({', '.join(key)}))"
    for table, (columns, key) in _DECLARED.items()
)
# A store written before a column was added gets it, empty (NULL: the extract did not say).
_COLUMN_DDL = tuple(
    f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {sql_type.replace(' NOT NULL', '')}"
    for table, (columns, _) in _DECLARED.items()
    for name, sql_type in columns
)

_LOAD_LOG_DDL = """
CREATE TABLE IF NOT EXISTS load_log (
    load_id        INTEGER PRIMARY KEY,
    loaded_at      TIMESTAMP NOT NULL,
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    snapshot_dates DATE[] NOT NULL,
    rows           INTEGER NOT NULL,
    seconds        DOUBLE NOT NULL,
    source         VARCHAR NOT NULL
)
"""

# Loads deleted (pipelines/lifecycle.delete_load): their load_log entry stays, for the record.
_LOAD_DELETED_DDL = """
CREATE TABLE IF NOT EXISTS load_deleted (
    load_id    INTEGER PRIMARY KEY,
    deleted_at TIMESTAMP NOT NULL
)
"""

# Who did what and when: login, load, replace, delete, export, profile change, retention purge.
# Written through audit(); read by the admin (audit_log()).
_AUDIT_DDL = """
CREATE TABLE IF NOT EXISTS audit_log (
    logged_at TIMESTAMP NOT NULL,
    user_id VARCHAR NOT NULL,
    role    VARCHAR NOT NULL,
    action  VARCHAR NOT NULL,
    detail  VARCHAR NOT NULL
)
"""

# Settings an admin changes in the dashboard (the raw archive's retention), over the
# environment's defaults (settings.py).
_APP_SETTING_DDL = """
CREATE TABLE IF NOT EXISTS app_setting (
    name   VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL,
    set_at TIMESTAMP NOT NULL,
    set_by VARCHAR NOT NULL
)
"""

# Each employment of one snapshot, dated to the snapshot of the same month a year later, with
# whether its person is gone from the employer by then (not in that snapshot at all: internal
# moves are not exits). A snapshot with no snapshot twelve months before it has no transition.
_TRANSITION_SQL = """
WITH dates AS (SELECT DISTINCT snapshot_date FROM {employment}),
pairs AS (
    SELECT p.snapshot_date AS previous_date, n.snapshot_date AS next_date
    FROM dates p JOIN dates n
      ON date_trunc('month', n.snapshot_date)
         = date_trunc('month', p.snapshot_date) + INTERVAL 12 MONTH
)
SELECT d.next_date AS snapshot_date, e.* EXCLUDE (snapshot_date), d.previous_date,
       NOT EXISTS (
           SELECT 1 FROM {employment} n
           WHERE n.snapshot_date = d.next_date AND n.person_key = e.person_key
       ) AS left_employer
FROM {employment} e JOIN pairs d ON e.snapshot_date = d.previous_date
"""

# One row per manager (monthly-paid, manager flag) and snapshot with `span`: the monthly-paid
# persons whose closest manager they are (metric-definitions.md M9). Where a snapshot has
# manager links (manager_employment_id) they count; otherwise the weaker per-unit method:
# the unit's monthly-paid non-managers shared equally among the unit's managers. Employments
# on full leave count on neither side (sysselsatta, docs/definitions.md): an employee counts
# when the employment linked to the manager (or in the unit) is at work, and a unit's staff are
# shared among its managers at work. A manager on full leave keeps a row (with the staff
# linked to them), which the metrics' person step leaves out.
_BY_LINK = "count(manager_employment_id) > 0"
"""Whether a snapshot's employees per manager rests on manager links (over its rows)."""
_MANAGER_SPAN_SQL = """
WITH managers AS (
    SELECT * FROM {employment} WHERE is_manager AND pay_form = 'monthly'
),
linked AS (
    SELECT snapshot_date FROM {employment} GROUP BY snapshot_date
    HAVING """ + _BY_LINK + """
),
by_link AS (
    SELECT m.snapshot_date, m.employment_id, count(DISTINCT e.person_key)::DOUBLE AS span
    FROM managers m
    JOIN {employment} e ON e.snapshot_date = m.snapshot_date
     AND e.manager_employment_id = m.employment_id AND e.pay_form = 'monthly'
     AND e.person_key <> m.person_key AND NOT coalesce(e.on_full_leave, FALSE)
    WHERE m.snapshot_date IN (SELECT snapshot_date FROM linked)
    GROUP BY ALL
),
unit_staff AS (
    SELECT snapshot_date, org_unit,
           count(DISTINCT person_key) FILTER (NOT coalesce(is_manager, FALSE)) AS staff,
           count(DISTINCT employment_id) FILTER (is_manager) AS managers
    FROM {employment}
    WHERE pay_form = 'monthly' AND org_unit IS NOT NULL AND NOT coalesce(on_full_leave, FALSE)
      AND snapshot_date NOT IN (SELECT snapshot_date FROM linked)
    GROUP BY ALL
),
by_unit AS (
    SELECT m.snapshot_date, m.employment_id, u.staff / u.managers AS span
    FROM managers m JOIN unit_staff u USING (snapshot_date, org_unit)
    WHERE u.managers > 0 AND u.staff > 0
)
SELECT m.*, s.span,
       m.snapshot_date IN (SELECT snapshot_date FROM linked) AS by_manager_link
FROM managers m
JOIN (SELECT * FROM by_link UNION ALL SELECT * FROM by_unit) s
  USING (snapshot_date, employment_id)
"""

# The views over `employment`, as SQL reading the employment rows from {employment}: a table,
# or a subquery of some snapshots (relation()).
# Issue 13: each employment row with its person's courses up to the snapshot date (a list of
# {course: lower case, trimmed; course_date}) and the years the training table holds; and with
# its person's crisis placement as the register stands in the snapshot's year: placed (a row
# of that year or earlier: a placement stands once made, the register has no end date), the
# weeks served in the snapshot's year (a week is in the term of its Thursday: VT January-June,
# HT July-December), the core service served most (ties: the first by name) and the years the
# register holds. metrics/readiness.py reads them.
_TRAINING_SQL = """
WITH persons AS (SELECT DISTINCT snapshot_date, person_key FROM {employment}),
taken AS (
    SELECT p.snapshot_date, p.person_key,
           list(struct_pack(course := lower(trim(t.course)),
                            course_date := t.course_date)) AS courses
    FROM persons p JOIN training t
      ON t.person_key = p.person_key AND t.course_date <= p.snapshot_date
    GROUP BY ALL
)
SELECT e.*, t.courses, (SELECT list(DISTINCT year) FROM training) AS training_years
FROM {employment} e LEFT JOIN taken t USING (snapshot_date, person_key)
"""
_CRISIS_SQL = """
WITH persons AS (SELECT DISTINCT snapshot_date, person_key FROM {employment}),
joined AS (
    SELECT p.snapshot_date, p.person_key, c.year, c.core_service, c.week_start
    FROM persons p JOIN crisis_placement c
      ON c.person_key = p.person_key AND c.year <= year(p.snapshot_date)
),
placed AS (
    SELECT snapshot_date, person_key, TRUE AS placed,
           count(DISTINCT week_start) FILTER (year = year(snapshot_date)) AS weeks,
           count(DISTINCT week_start) FILTER (year = year(snapshot_date)
                                              AND month(week_start + 3) <= 6) AS weeks_vt,
           count(DISTINCT week_start) FILTER (year = year(snapshot_date)
                                              AND month(week_start + 3) > 6) AS weeks_ht
    FROM joined GROUP BY ALL
),
services AS (
    SELECT snapshot_date, person_key,
           first(core_service ORDER BY weeks DESC, core_service) AS core_service
    FROM (SELECT snapshot_date, person_key, core_service, count(DISTINCT week_start) AS weeks
          FROM joined GROUP BY ALL)
    GROUP BY ALL
)
SELECT e.*, coalesce(c.placed, FALSE) AS placed, coalesce(c.weeks, 0) AS weeks,
       coalesce(c.weeks_vt, 0) AS weeks_vt, coalesce(c.weeks_ht, 0) AS weeks_ht,
       s.core_service, (SELECT list(DISTINCT year) FROM crisis_placement) AS crisis_years
FROM {employment} e LEFT JOIN placed c USING (snapshot_date, person_key)
LEFT JOIN services s USING (snapshot_date, person_key)
"""
_READINESS_VIEWS = {"employment_training": _TRAINING_SQL, "employment_crisis": _CRISIS_SQL}
_EMPLOYMENT_VIEWS = {"employment_transition": _TRANSITION_SQL, "manager_span": _MANAGER_SPAN_SQL,
                     **_READINESS_VIEWS}
_VIEW_DDL = tuple(f"CREATE OR REPLACE VIEW {view} AS {sql.format(employment='employment')}"
                  for view, sql in _EMPLOYMENT_VIEWS.items())


def relation(table: str, employment: str = "employment") -> str:
    """The rows of a table or view a metric reads, as SQL, with the employment rows read from
    `employment` (a table, or a subquery of some snapshots): a view over employment reads only
    those rows, where the view itself would read them all."""
    if table in _EMPLOYMENT_VIEWS:
        return f"({_EMPLOYMENT_VIEWS[table].format(employment=employment)})"
    return employment if table == "employment" else table


# The yearly tables, shaped like `employment` for metrics/compute.py: a year becomes the
# snapshot date 31 December, and columns the table lacks are NULL.
_ABSENCE_VIEW_DDL = """
CREATE OR REPLACE VIEW absence AS
SELECT make_date(year, 12, 31) AS snapshot_date, person_key, person_key AS employment_id,
       NULL::DOUBLE AS contracted_rate, NULL::VARCHAR AS ssyk_code, birth_year, gender,
       forvaltning, ordinary_hours, sick_hours, sick_hours_long
FROM absence_year
"""

_HME_VIEW_DDL = """
CREATE OR REPLACE VIEW hme AS
SELECT make_date(year, 12, 31) AS snapshot_date, unit AS person_key, unit AS employment_id,
       NULL::DOUBLE AS contracted_rate, NULL::VARCHAR AS ssyk_code, NULL::INTEGER AS birth_year,
       NULL::VARCHAR AS gender, forvaltning, motivation, ledarskap, styrning, hme_total,
       n_respondents, n_invited
FROM hme_result
"""

# Tables derived from the canonical ones when data is loaded (metrics/persons.py registers
# them): each row belongs to one snapshot date, and `step` computes every snapshot's rows from
# a relation named `source`, the rows of the table or view `source_table`. A load, delete or
# erase refreshes the months it touched inside its own transaction (refresh_derived), so a
# derived table never lags the store.
_DERIVED_DDL = """
CREATE TABLE IF NOT EXISTS derived_table (
    name         VARCHAR PRIMARY KEY,
    source_table VARCHAR NOT NULL,
    step         VARCHAR NOT NULL
)
"""

# The canonical table behind each table or view a metric may read.
SOURCE_TABLE = {"employment": "employment", "employment_transition": "employment",
                "manager_span": "employment",
                "employment_training": "training", "employment_crisis": "crisis_placement",
                "absence": "absence_year", "hme": "hme_result"}

# Kolada's values (metrics/kolada.py), as Kolada gives them: one row per KPI, municipality,
# year and gender; value NULL where Kolada has none (never 0), status verbatim; `source` is
# "api" or the imported file's name.
_KOLADA_DDL = """
CREATE TABLE IF NOT EXISTS kolada_value (
    kpi_id             VARCHAR NOT NULL,
    kpi_title          VARCHAR,
    municipality_id    VARCHAR NOT NULL,
    municipality_title VARCHAR,
    municipality_type  VARCHAR,
    period             INTEGER NOT NULL,
    gender             VARCHAR NOT NULL CHECK (gender IN ('T', 'K', 'M')),
    value              DOUBLE,
    count              INTEGER,
    status             VARCHAR,
    fetched_at         TIMESTAMP NOT NULL,
    source             VARCHAR NOT NULL,
    PRIMARY KEY (kpi_id, municipality_id, period, gender)
)
"""

# The programme targets of the metrics, with their history (metrics/targets.py): rows are only
# appended; a metric's current target is its row of the highest version, `removed` a removal.
_METRIC_TARGET_DDL = """
CREATE TABLE IF NOT EXISTS metric_target (
    metric_id   VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    set_at      TIMESTAMP NOT NULL,
    set_by      VARCHAR NOT NULL,
    direction   VARCHAR CHECK (direction IN ('higher', 'lower', 'band')),
    low         DOUBLE,
    high        DOUBLE,
    target_year INTEGER,
    programme   VARCHAR,
    removed     BOOLEAN NOT NULL,
    PRIMARY KEY (metric_id, version)
)
"""

# The action programme (metrics/programme.py): every save writes the whole programme as a new
# version (who, when, how) and its points; nothing is updated or deleted, so the history stays.
_PROGRAMME_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS programme_version (
    version   INTEGER PRIMARY KEY,
    title     VARCHAR NOT NULL,
    set_at    TIMESTAMP NOT NULL,
    set_by    VARCHAR NOT NULL,
    source    VARCHAR NOT NULL CHECK (source IN ('edit', 'import', 'demo')),
    file_name VARCHAR
)
"""
_PROGRAMME_POINT_DDL = """
CREATE TABLE IF NOT EXISTS programme_point (
    version     INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    nr          VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    deadline    DATE,
    forvaltning VARCHAR,
    status      VARCHAR NOT NULL CHECK (status IN ('not_started', 'in_progress', 'delayed',
                                                   'done', 'cancelled')),
    comment     VARCHAR,
    metric_id   VARCHAR,
    PRIMARY KEY (version, nr)
)
"""

# The pay survey (issue 23, metrics/pay_survey.py). Both are only appended to, so their history
# stays: an occupation's current category is its row of the highest version (`removed`: the
# rule was taken away), and a survey item's current explanation or action its highest version.
_PAY_CATEGORY_DDL = """
CREATE TABLE IF NOT EXISTS pay_category_rule (
    occupation  VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    set_at      TIMESTAMP NOT NULL,
    set_by      VARCHAR NOT NULL,
    category    VARCHAR,
    value_level INTEGER,
    removed     BOOLEAN NOT NULL,
    PRIMARY KEY (occupation, version)
)
"""
_PAY_NOTE_DDL = """
CREATE TABLE IF NOT EXISTS pay_survey_note (
    year     INTEGER NOT NULL,
    item     VARCHAR NOT NULL,
    version  INTEGER NOT NULL,
    set_at   TIMESTAMP NOT NULL,
    set_by   VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL CHECK (kind IN ('explanation', 'action')),
    text     VARCHAR NOT NULL,
    cost     DOUBLE,
    due      DATE,
    status   VARCHAR NOT NULL CHECK (status IN ('planned', 'done', 'not_done')),
    PRIMARY KEY (year, item, version)
)
"""

DDL = (*_TABLE_DDL, *_COLUMN_DDL, _LOAD_LOG_DDL, _LOAD_DELETED_DDL, _AUDIT_DDL,
       _APP_SETTING_DDL, _DERIVED_DDL, *_VIEW_DDL, _ABSENCE_VIEW_DDL, _HME_VIEW_DDL,
       _KOLADA_DDL, _METRIC_TARGET_DDL, _PROGRAMME_VERSION_DDL, _PROGRAMME_POINT_DDL,
       _PAY_CATEGORY_DDL, _PAY_NOTE_DDL)

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
"""Modes of the folders and files holding personal data: the owner's only."""


def private_dir(folder: Path, *, owned: bool = True) -> Path:
    """Make `folder` (with any missing parents) and set it to 0700: always when the app owns
    it (data/raw, data/curated), else only when this call creates it (a folder named by the
    user, such as /tmp, may be shared and is left alone)."""
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    if created or owned:
        with contextlib.suppress(OSError):  # not ours to change: left as it is
            folder.chmod(PRIVATE_DIR)
    return folder


def private_file(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Take group and other bits off an existing file (it keeps at most `mode`)."""
    with contextlib.suppress(OSError):  # gone meanwhile, or not ours
        current = path.stat().st_mode & 0o777
        if current & ~mode:
            path.chmod(current & mode)


def _secure_store(db_path: str | Path | None) -> None:
    """The store file and DuckDB's write-ahead log beside it: owner only (DuckDB creates them
    with the process umask, usually 0644)."""
    if db_path:
        for path in (Path(db_path), Path(f"{db_path}.wal")):
            private_file(path)


class StoreLockedError(RuntimeError):
    """Another process (the running dashboard, a command-line load) held the store file for
    longer than the caller would wait."""


WAITING_SUFFIX = ".waiting"
"""A file beside the store, touched while a command waits for it: the dashboard then lets the
store go as soon as its page runs end (ui/leases.py)."""
WAITING_FRESH_SECONDS = 5.0
"""A waiting file older than this is left behind by a command that stopped waiting."""


def waiting_file(db_path: Path | str) -> Path:
    """The store's waiting file, the same however its path is spelt (relative, a link)."""
    path = Path(db_path).resolve()
    return path.with_name(path.name + WAITING_SUFFIX)


def someone_waits(db_path: Path | str) -> bool:
    """Whether a command waits for the store now (its waiting file is fresh)."""
    try:
        age = time.time() - waiting_file(db_path).stat().st_mtime
    except OSError:
        return False
    return age < WAITING_FRESH_SECONDS


def connect(
    path: Path | str | None = None, *, read_only: bool = False, wait: float = 0.0,
    announce: bool = False, on_wait: Callable[[], None] | None = None,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the store. Share the result; take a cursor per thread.

    DuckDB lets one process at a time hold the file. While another does, the open is retried
    for up to `wait` seconds (`on_wait()` is told once, when the wait starts), and with
    `announce` the wait is announced in the waiting file (someone_waits), so that the running
    dashboard lets go of the store between page runs; then StoreLockedError. DuckDB may take
    `memory_limit` (default: the memory_limit setting)."""
    cfg = settings.get()
    db_path = Path(path) if path is not None else cfg.db_path
    if not read_only and str(db_path) != ":memory:":
        private_dir(db_path.parent, owned=db_path.parent == cfg.data_dir / "curated")
    deadline = time.monotonic() + wait
    waited = False
    try:
        while True:
            try:
                con = duckdb.connect(str(db_path), read_only=read_only,
                                     config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False,
                                             "memory_limit": memory_limit
                                             or cfg.memory_limit})
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StoreLockedError(
                        f"Databasen {db_path} används av en annan process (den körande "
                        "instrumentpanelen eller en inläsning)"
                        + (f" och blev inte ledig på {wait:.0f} s" if waited else "")
                        + ". Försök igen om en stund, höj PERSONALPANELEN_STORE_WAIT_SECONDS "
                        "eller använd --db för en annan fil.") from exc
                if not waited and on_wait is not None:
                    on_wait()
                waited = True
                if announce:
                    waiting_file(db_path).touch()
                time.sleep(0.1)
    finally:
        if waited and announce:
            waiting_file(db_path).unlink(missing_ok=True)
    if not read_only:
        for ddl in DDL:
            con.execute(ddl)
    _secure_store(_path(con))
    return con


def connect_command(path: Path | str | None = None, *,
                    read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The store for a command-line process (`python -m pipelines`, `python -m metrics`): it
    waits up to the store_wait_seconds setting for the dashboard or another command to let
    go, saying so on stderr, and announces the wait to the dashboard (connect). DuckDB may
    take the command_memory_limit setting."""
    cfg = settings.get()
    wait = cfg.store_wait_seconds

    def say() -> None:
        print(f"Väntar på databasen (högst {wait} s): instrumentpanelen eller en annan "
              "inläsning använder den …", file=sys.stderr, flush=True)

    return connect(path, read_only=read_only, wait=wait, announce=True, on_wait=say,
                   memory_limit=cfg.command_memory_limit)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing write, serialised against every other writer in this process."""
    with _WRITE_LOCK:
        cur = con.cursor()
        try:
            cur.begin()
            yield cur
            cur.commit()
            _secure_store(_path(cur))  # the commit may have created the .wal
        except BaseException:
            cur.rollback()
            raise
        finally:
            cur.close()


REWRITE_PREFIX = ".rewrite-"
"""The private folder, beside the store, in which rewrite() writes the new file."""


class RewriteError(RuntimeError):
    """The store file could not be rewritten (the message says why, in Swedish); the store is
    as it was before the rewrite, with the committed change."""


def rewrite(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the store into a fresh file that takes the old one's place, then close `con` (open
    the store again to go on). DuckDB leaves deleted rows in the file's free blocks until later
    writes reuse them, and a checkpoint does not clear them; the copy holds only the rows
    alive now, so an erased person's or a deleted load's rows leave the file
    (docs/personal-data.md). `con` must be the process's only connection to the store, with no
    cursor in use. It holds DuckDB's file lock until the new file is in place, so no other
    process opens the old one meanwhile; the new file is written in a 0700 folder beside the
    store and renamed over the old one whole, with its mode, and the old one's write-ahead
    log is merged first. A rewrite that fails (RewriteError) leaves the old file. A store in
    memory is only closed."""
    with _WRITE_LOCK:
        try:
            name, path = con.execute("SELECT database_name, path FROM duckdb_databases() "
                                     "WHERE database_name = current_database()").fetchone()
            if path:
                _rewrite(con, name, Path(path))
        finally:
            con.close()


def _rewrite(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> None:
    for stale in path.parent.glob(f"{REWRITE_PREFIX}{path.name}-*"):  # a rewrite killed midway
        shutil.rmtree(stale, ignore_errors=True)
    wal = Path(f"{path}.wal")
    try:
        con.execute("CHECKPOINT")  # the log merged into the file: closing `con` writes nothing
        if wal.exists() and wal.stat().st_size:  # it would be replayed onto the new file
            raise RewriteError(f"Databasfilen {path} kunde inte skrivas om: loggen {wal} "
                               "kunde inte föras in i den.")
        with tempfile.TemporaryDirectory(prefix=f"{REWRITE_PREFIX}{path.name}-",
                                         dir=path.parent) as folder:
            fresh = Path(folder) / path.name
            con.execute(f"ATTACH {_literal(fresh)} AS rewritten_store")
            try:
                con.execute(f"COPY FROM DATABASE {_identifier(name)} TO rewritten_store")
            finally:
                con.execute("DETACH rewritten_store")
            fresh.chmod(path.stat().st_mode & 0o777)
            os.replace(fresh, path)
            _sync_folder(path.parent)  # the rename survives a power cut
    except (duckdb.Error, OSError) as exc:
        raise RewriteError(f"Databasfilen {path} kunde inte skrivas om: {exc}") from exc


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries to disk, where the file system allows it."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def read(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict | list | None = None
) -> pl.DataFrame:
    """Run a read query on a fresh cursor (safe from any thread) and return a polars frame."""
    cur = con.cursor()
    try:
        return cur.sql(sql, params=params).pl()
    finally:
        cur.close()


_PATH = ("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
_VERSION = ("(SELECT coalesce(max(load_id), 0) FROM load_log) "
            "+ (SELECT count(*) FROM load_deleted) "
            "+ (SELECT count(*) FROM audit_log WHERE action = 'erase')")


def _path(con) -> str | None:
    """The store's file (None for a store in memory)."""
    return con.execute(_PATH).fetchone()[0] or None


def version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that grows with every change of the store's content (a cache key): the
    newest load id plus the number of deleted loads (load ids are never reused) plus the
    number of erasures."""
    return int(read(con, f"SELECT {_VERSION} AS v")["v"][0])


def identity(con: duckdb.DuckDBPyConnection) -> tuple[str, int] | None:
    """The store's file and content version: what computed results may be cached on (None
    for a store in memory, which has no identity across connections). One statement: every
    compute() asks it."""
    cur = con.cursor()
    try:
        path, number = cur.execute(f"SELECT ({_PATH}), {_VERSION}").fetchone()
    finally:
        cur.close()
    return (path, int(number)) if path else None


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """No employment rows (the demo's store is loaded when it has none)."""
    return read(con, "SELECT count(*) AS n FROM employment")["n"][0] == 0


def holds_data(con: duckdb.DuckDBPyConnection) -> bool:
    """Rows in any canonical table: a municipality whose first upload is a pay or sick-leave
    extract has a store of its own."""
    exists = " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in TABLES)
    return bool(read(con, f"SELECT {exists} AS held")["held"][0])


def load_log(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pl.DataFrame:
    """The load log of the loads in the store (not deleted ones), newest first when `limit`
    is given (else oldest first, all of it), with the snapshot dates as one text
    'YYYY-MM-DD, ...'."""
    order = "DESC LIMIT $limit" if limit is not None else "ASC"
    return read(
        con,
        "SELECT load_id, loaded_at, file_name, sha256, "
        "array_to_string(list_transform(snapshot_dates, lambda d: strftime(d, '%Y-%m-%d')), "
        "', ') AS snapshot_dates, rows, seconds, source FROM load_log "
        f"WHERE load_id NOT IN (SELECT load_id FROM load_deleted) ORDER BY load_id {order}",
        {"limit": limit} if limit is not None else None,
    )


def filter_values(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list]:
    """The förvaltningar in any table and the snapshot dates of `employment`, sorted: what the
    dashboard's filters offer."""
    names = read(
        con,
        "SELECT DISTINCT forvaltning FROM (SELECT forvaltning FROM employment UNION ALL "
        "SELECT forvaltning FROM absence_year UNION ALL SELECT forvaltning FROM hme_result) "
        "WHERE forvaltning IS NOT NULL ORDER BY forvaltning",
    )
    dates = read(con, "SELECT DISTINCT snapshot_date FROM employment ORDER BY snapshot_date")
    return names["forvaltning"].to_list(), dates["snapshot_date"].to_list()


def manager_span_methods(con: duckdb.DuckDBPyConnection) -> dict:
    """Per snapshot date with monthly-paid managers: True when employees per manager rests on
    manager links, False when on the weaker per-unit method (see the manager_span view)."""
    frame = read(con, f"SELECT snapshot_date, {_BY_LINK} AS by_manager_link FROM employment "
                      "GROUP BY snapshot_date HAVING count(*) FILTER (is_manager "
                      "AND pay_form = 'monthly') > 0 ORDER BY snapshot_date")
    return dict(frame.iter_rows())


AUDIT_ACTIONS = ("login", "logout", "load", "replace", "delete", "export",
                 "profile", "purge", "erase", "setting", "target", "programme", "kolada",
                 "refuse", "pay_categories", "pay_survey")
"""The actions the audit log records (issue 11; refuse: a batch the inbox refused;
pay_categories and pay_survey: the pay survey's table of categories and its notes)."""


def audit(cur, user_id: str, role: str, action: str, detail: str = "") -> None:
    """Record one action in the audit log, on a cursor or connection (inside a load's
    transaction when there is one, so the entry commits or rolls back with it). The detail
    is plain text: a file name, a load id, a profile name; never a personnummer."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    cur.execute("INSERT INTO audit_log VALUES (now()::TIMESTAMP, $user, $role, $action, "
                "$detail)", {"user": user_id, "role": role, "action": action,
                             "detail": detail})


def audit_log(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pl.DataFrame:
    """The audit log, newest first."""
    return read(con, "SELECT logged_at, user_id, role, action, detail FROM audit_log "
                "ORDER BY logged_at DESC"
                + (" LIMIT $limit" if limit is not None else ""),
                {"limit": limit} if limit is not None else None)


def app_setting(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """A setting an admin stored in the dashboard, or None (the environment's default)."""
    frame = read(con, "SELECT value FROM app_setting WHERE name = $name", {"name": name})
    return frame["value"][0] if frame.height else None


def set_app_setting(con: duckdb.DuckDBPyConnection, name: str, value: str, user_id: str,
                    role: str) -> None:
    """Store a setting and record it in the audit log, in one transaction."""
    with transaction(con) as cur:
        cur.execute("INSERT OR REPLACE INTO app_setting VALUES ($name, $value, "
                    "now()::TIMESTAMP, $user)", {"name": name, "value": value, "user": user_id})
        audit(cur, user_id, role, "setting", f"{name} = {value}")


def derived_tables(cur) -> dict[str, tuple[str, str]]:
    """The derived tables of the store: name -> (source table, step), on the caller's cursor
    (inside its transaction, if any)."""
    rows = cur.execute("SELECT name, source_table, step FROM derived_table ORDER BY name")
    return {name: (source, step) for name, source, step in rows.fetchall()}


def derived_query(source_table: str, step: str, employment: str = "employment") -> str:
    """A derived table's rows: its step over its source (employment rows from `employment`)."""
    return f"WITH source AS (SELECT * FROM {relation(source_table, employment)})\n{step}"


def _every_snapshot(source_table: str, step: str) -> str:
    return f"SELECT * FROM ({derived_query(source_table, step)}) ORDER BY snapshot_date"


def set_derived(cur, tables: dict[str, tuple[str, str]],
                progress: Callable[[int, int, str], None] | None = None) -> set[str]:
    """Make the store's derived tables exactly `tables` (name -> (source table, step)), inside
    the caller's transaction: drop the others, create the missing ones and work them out for
    every snapshot, a year of months per statement, so that memory stays a year's whatever
    the store holds; return the names created. `progress(done, of, name)` is told before
    each is worked out."""
    have = derived_tables(cur)
    for stale in have.keys() - tables.keys():
        cur.execute(f"DROP TABLE IF EXISTS {stale}")
        cur.execute("DELETE FROM derived_table WHERE name = $name", {"name": stale})
    missing = sorted(tables.keys() - have.keys())
    months = _employment_months(cur) if missing else []
    for done, name in enumerate(missing):
        if progress is not None:
            progress(done, len(missing), name)
        source, step = tables[name]
        cur.execute(f"CREATE OR REPLACE TABLE {name} AS "
                    f"SELECT * FROM ({derived_query(source, step)}) LIMIT 0")
        cur.execute("INSERT INTO derived_table VALUES ($name, $source, $step)",
                    {"name": name, "source": source, "step": step})
        if SOURCE_TABLE.get(source) in ("absence_year", "hme_result"):  # yearly and small
            cur.execute(f"INSERT INTO {name} {_every_snapshot(source, step)}")
            continue
        _refresh_by_year(cur, {name: (source, step)}, months)  # dated by employment's months
    return set(missing)


REFRESH_MONTHS = 12
"""The months one statement of a refresh works out: a backfill's hundred months go a year at a
time, so a statement's memory is that of a year's snapshots."""


def refresh_derived(cur, months: Sequence[date] | None = None,
                    skip: Collection[str] = ()) -> None:
    """Work out the derived tables (but those in `skip`, just built) again for the snapshots
    of `months` (any day of the month names it), inside the caller's transaction; None: for
    every snapshot. The snapshot twelve months after a touched month, where employment has
    one, is refreshed too, since a year's transition (turnover) reads both ends; each step
    reads only the employment rows of the months it needs."""
    tables = {name: t for name, t in derived_tables(cur).items() if name not in skip}
    if months is None:
        for name, (source, step) in tables.items():
            cur.execute(f"DELETE FROM {name}")
            cur.execute(f"INSERT INTO {name} {_every_snapshot(source, step)}")
        return
    first_days = {day.replace(day=1) for day in months}
    year_after = {day.replace(year=day.year + 1) for day in first_days} - first_days
    refreshed = sorted(first_days | set(_employment_months(cur, year_after)))
    for start in range(0, len(refreshed), REFRESH_MONTHS):
        _refresh_months(cur, tables, refreshed[start:start + REFRESH_MONTHS])


def _refresh_months(cur, tables: dict[str, tuple[str, str]],
                    refreshed_months: list[date]) -> None:
    """The derived tables' snapshots of these months (first days, in order), afresh."""
    month = "date_trunc('month', snapshot_date)::DATE"
    # The range lets DuckDB skip the row groups of other years: a year of months is written by
    # one statement, unsorted within it (sorting cost a sixth of a backfill and saves little).
    refreshed = (f"snapshot_date >= $first AND snapshot_date < $after "
                 f"AND list_contains($months::DATE[], {month})")
    same_months = f"(SELECT * FROM employment WHERE {refreshed})"
    # A year's transition (READS_YEAR_BEFORE) reads the snapshots twelve months before too.
    with_year_before = (
        f"(SELECT * FROM employment WHERE snapshot_date >= $year_before "
        f"AND snapshot_date < $after AND (list_contains($months::DATE[], {month}) OR "
        f"list_contains($months::DATE[], ({month} + INTERVAL 12 MONTH)::DATE)))")
    first, last = refreshed_months[0], refreshed_months[-1]
    scope = {"months": refreshed_months, "first": first, "after": next_month(last)}
    params = {**scope, "year_before": first.replace(year=first.year - 1)}
    for name, (source, step) in tables.items():
        cur.execute(f"DELETE FROM {name} WHERE {refreshed}", scope)
        rows = with_year_before if source in READS_YEAR_BEFORE else same_months
        insert = (f"INSERT INTO {name} SELECT * FROM ({derived_query(source, step, rows)}) "
                  f"WHERE {refreshed}")
        cur.execute(insert, used(insert, params))  # the yearly tables read no employment


READS_YEAR_BEFORE = ("employment_transition",)
"""The views over employment whose rows of a snapshot read the snapshot a year before."""

READ_BY_VIEWS = {"training": ("employment_training",), "crisis_placement": ("employment_crisis",)}
"""Issue 13: canonical tables that views over employment read for every snapshot (a course
counts for years after its date): a change to them refreshes those views' derived tables in
every snapshot (refresh_reading), not only in the months the change is dated in."""


def refresh_reading(cur, tables, skip: Collection[str] = ()) -> None:
    """Inside the caller's transaction: the derived tables (but those in `skip`) over the
    views that read any of `tables` (READ_BY_VIEWS), afresh for every snapshot, a year of
    months per statement."""
    views = {view for table in tables for view in READ_BY_VIEWS.get(table, ())}
    chosen = {name: (source, step) for name, (source, step) in derived_tables(cur).items()
              if source in views and name not in skip}
    if chosen:
        _refresh_by_year(cur, chosen, _employment_months(cur))


def _employment_months(cur, within: Collection[date] | None = None) -> list[date]:
    """The months (first days, in order) that employment has snapshots of; with `within`
    (first days), only those of them (reading only their part of the table)."""
    if within is None:
        return [day for (day,) in cur.execute(
            "SELECT DISTINCT date_trunc('month', snapshot_date)::DATE FROM employment "
            "ORDER BY 1").fetchall()]
    if not within:
        return []
    months = cur.execute(
        "SELECT DISTINCT date_trunc('month', snapshot_date)::DATE FROM employment "
        "WHERE snapshot_date >= $first AND snapshot_date < $after ORDER BY 1",
        {"first": min(within), "after": next_month(max(within))}).fetchall()
    return [day for (day,) in months if day in within]


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _refresh_by_year(cur, tables: dict[str, tuple[str, str]], months: list[date]) -> None:
    """_refresh_months over `months`, REFRESH_MONTHS of them per statement."""
    for start in range(0, len(months), REFRESH_MONTHS):
        _refresh_months(cur, tables, months[start:start + REFRESH_MONTHS])


def used(sql: str, params: dict) -> dict:
    """The parameters a statement names (DuckDB refuses the others)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}
