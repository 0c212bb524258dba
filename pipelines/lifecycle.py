"""The data lifecycle: deleting a load, and the raw archive's retention.

Deleting a load undoes it in one step: its rows leave the store and the rows it replaced
(kept in the table's `_replaced` table by pipelines/load.py) come back, so each period it held
returns to what the previous load of that period held, or is emptied when it had none. Only
the newest load of each of its periods can be deleted: an older one has been replaced since,
and deleting it would be ambiguous. A deleted load keeps its load-log entry (marked in
`load_deleted`) and cannot itself be brought back (there is no undo of a delete: load the file
again). Its archived original is removed too, unless another load in the store read the same
file.

The raw archive (data/raw/<sha256><suffix>, the originals with personnummer and salaries) keeps
a file for `settings.retention_days` days, or the days an admin set in the dashboard
(retention_days()), after the file's last load (the load log's loaded_at; the file's mtime
for a file this store's log does not know, e.g. one loaded into another store with --db);
purge() removes older ones, by the command `python -m pipelines purge` and once per process
when the dashboard starts (purge_on_start()). The demo's files
(data/raw/demo/) are not part of the archive.

Every change is written to the audit log in the transaction that makes it. Deleted rows stay
in the store file's free blocks until store.rewrite() copies the store into a fresh file: the
command line's erase and delete do so after their change (docs/personal-data.md).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

import settings
import store
from metrics import persons
from pipelines.findings import dates_text
from pipelines.load import ARCHIVE_MODE, Actor, drop_abandoned_staging, period_key
from pipelines.schema import EXTRACTS

SYSTEM_ACTOR: Actor = ("system", "admin")
"""Who the audit log names for what the application does by itself (the purge on start)."""

_PERIODS = {extract.table: period_key(extract.period) for extract in EXTRACTS}

# Pairs (load, blocker): a later load that replaced some of the load's rows, or a later load
# (of the same batch: a snapshot split over files) with rows in one of the load's periods.
_BLOCKERS = " UNION ".join(
    [f"SELECT load_id, replaced_by AS blocker FROM {store.REPLACED[table]}"
     for table in _PERIODS]
    + [f"SELECT a.load_id, b.load_id AS blocker FROM "
       f"(SELECT DISTINCT load_id, {key} AS p FROM {table}) a JOIN "
       f"(SELECT DISTINCT load_id, {key} AS p FROM {table}) b "
       "ON a.p = b.p AND b.load_id > a.load_id"
       for table, key in _PERIODS.items()]
)

ARCHIVE_NAME = re.compile(r"[0-9a-f]{64}(\.[A-Za-z0-9]+)?")
"""An archived original's name: its sha256 and suffix (pipelines/load.py)."""


class DeleteRefused(ValueError):
    """The load cannot be deleted (the message says why, in Swedish); nothing was changed."""


@dataclass
class Deletion:
    """What deleting one load did."""

    load_id: int
    file_name: str
    snapshot_dates: list[date]
    removed: int = 0
    """Rows of the load taken out of the store."""
    restored: dict[int, int] = field(default_factory=dict)
    """Rows put back, per load that had held them."""
    archive_removed: bool = False

    def summary(self) -> str:
        """One line for the CLI and the dashboard."""
        text = (f"Inläsning {self.load_id} ({self.file_name}, {dates_text(self.snapshot_dates)})"
                f" är borttagen: {self.removed} rader togs bort")
        if self.restored:
            back = ", ".join(f"{n} rader från inläsning {load}"
                             for load, n in sorted(self.restored.items()))
            return f"{text} och det tidigare innehållet är tillbaka ({back})."
        return f"{text}; perioden hade ingen tidigare inläsning och är nu tom."


def deletable(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The loads that delete_load() accepts now (the newest of each of their periods)."""
    return store.read(
        con, f"WITH blocker AS ({_BLOCKERS}) SELECT load_id FROM load_log "
        "WHERE load_id NOT IN (SELECT load_id FROM load_deleted) "
        "AND load_id NOT IN (SELECT load_id FROM blocker) AND load_id IN ("
        + " UNION ".join(f"SELECT load_id FROM {table}" for table in _PERIODS)
        + ") ORDER BY load_id")["load_id"].to_list()


def delete_load(con: duckdb.DuckDBPyConnection, load_id: int, actor: Actor) -> Deletion:
    """Delete one load, in one transaction: its rows leave the store, the rows it replaced
    come back, the load log marks it deleted, its archived original goes (unless another
    load in the store read the same file) and the audit log records it under `actor`
    (user id, role). This is the one-step undo of the load; a delete has no undo itself.

    Refused (DeleteRefused, nothing changed) for an unknown or already deleted load, for a
    load that is not the newest of each of its periods (delete the later ones first), and for
    a load with no rows left (replaced in a store from before replaced rows were kept). The
    rows stay in the store file's free blocks until store.rewrite() (the delete command runs
    it; the dashboard does not, docs/personal-data.md)."""
    with store.transaction(con) as cur:
        entry = cur.execute(
            "SELECT file_name, sha256, snapshot_dates, "
            "load_id IN (SELECT load_id FROM load_deleted) FROM load_log "
            "WHERE load_id = $id", {"id": load_id}).fetchone()
        if entry is None:
            raise DeleteRefused(f"Det finns ingen inläsning {load_id}.")
        file_name, digest, dates, deleted = entry
        if deleted:
            raise DeleteRefused(f"Inläsning {load_id} är redan borttagen.")
        blockers = [row[0] for row in cur.execute(
            f"WITH blocker AS ({_BLOCKERS}) SELECT DISTINCT blocker FROM blocker "
            "WHERE load_id = $id ORDER BY 1", {"id": load_id}).fetchall()]
        if blockers:
            raise DeleteRefused(
                f"Inläsning {load_id} ({file_name}) kan inte tas bort: "
                f"{'inläsning' if len(blockers) == 1 else 'inläsningarna'} "
                f"{', '.join(map(str, blockers))} har läst in samma period senare. "
                "Bara den senaste inläsningen av en period kan tas bort; ta bort de senare "
                "först, den senaste först.")
        deletion = Deletion(load_id, file_name, list(dates))
        touched = set()
        for table in _PERIODS:
            removed = cur.execute(f"DELETE FROM {table} WHERE load_id = $id",
                                  {"id": load_id}).fetchone()[0]
            deletion.removed += removed
            touched |= {table} if removed else set()
            kept = store.REPLACED[table]
            for earlier, count in cur.execute(
                    f"SELECT load_id, count(*) FROM {kept} WHERE replaced_by = $id "
                    "GROUP BY ALL", {"id": load_id}).fetchall():
                deletion.restored[earlier] = deletion.restored.get(earlier, 0) + count
            columns = ", ".join(store.columns(table))
            cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {kept} "
                        "WHERE replaced_by = $id", {"id": load_id})
            cur.execute(f"DELETE FROM {kept} WHERE replaced_by = $id", {"id": load_id})
        if not deletion.removed:  # replaced before the store kept replaced rows
            raise DeleteRefused(
                f"Inläsning {load_id} ({file_name}) har inga rader kvar i databasen: en senare "
                "inläsning ersatte dem innan databasen sparade ersatta rader.")
        # The restored rows are of the same months; courses count for later snapshots too.
        persons.refresh(cur, dates, touched)
        cur.execute("INSERT INTO load_deleted VALUES ($id, now()::TIMESTAMP)", {"id": load_id})
        store.audit(cur, *actor, "delete", deletion.summary())
        still_read = cur.execute(
            "SELECT count(*) FROM load_log WHERE sha256 = $sha "
            "AND load_id NOT IN (SELECT load_id FROM load_deleted)", {"sha": digest}
        ).fetchone()[0]
    if not still_read:  # after the commit: a failed delete never loses a live load's original
        for path in _archived(settings.get().raw_dir):
            if path.name.startswith(digest):
                path.unlink()
                deletion.archive_removed = True
    return deletion


def _archived(folder: Path) -> list[Path]:
    """The archived originals (not the demo's folder, not other files)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and ARCHIVE_NAME.fullmatch(p.name))


RETENTION = "retention_days"
"""The app setting (store.app_setting) an admin sets over PERSONALPANELEN_RETENTION_DAYS."""
MAX_RETENTION_DAYS = 3650


def retention_days(con: duckdb.DuckDBPyConnection) -> int:
    """Days the raw archive keeps a file: the admin's setting in the store, else the
    environment's (settings.retention_days); 0 keeps files for ever."""
    stored = store.app_setting(con, RETENTION)
    return int(stored) if stored is not None else settings.get().retention_days


def set_retention(con: duckdb.DuckDBPyConnection, days: int, actor: Actor) -> None:
    """The admin's retention period, stored and audited."""
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise ValueError(f"Lagringstiden ska vara 0-{MAX_RETENTION_DAYS} dagar.")
    store.set_app_setting(con, RETENTION, str(int(days)), *actor)


def purge(con: duckdb.DuckDBPyConnection, actor: Actor, today: date | None = None
          ) -> list[Path]:
    """Remove the archived originals whose last load (or, unknown to the load log, whose
    mtime) lies more than retention_days() days before `today`; return them. Nothing
    when retention is 0 (keep for ever). Every archived file gets mode 0400 in a 0700 folder.
    The audit log records a purge that removed files, with their number, under `actor`
    (user id, role); a purge with nothing to remove leaves no entry (the dashboard purges at
    every start)."""
    cfg = settings.get()
    if cfg.raw_dir.is_dir():
        store.private_dir(cfg.raw_dir)
    files = _archived(cfg.raw_dir)
    for path in files:
        store.private_file(path, ARCHIVE_MODE)
    days = retention_days(con)
    if days <= 0:
        return []
    today = today or date.today()
    loaded = dict(store.read(con, "SELECT sha256, max(loaded_at) AS at FROM load_log "
                                  "GROUP BY sha256").iter_rows())
    expired = [path for path in files
               if (today - (loaded.get(path.name[:64])
                            or datetime.fromtimestamp(path.stat().st_mtime)).date()).days
               > days]
    removed = []
    try:
        for path in expired:
            path.unlink()
            removed.append(path)
    finally:  # what was removed is recorded, also when a file could not be
        if removed:
            with store.transaction(con) as cur:
                store.audit(cur, *actor, "purge",
                            f"{len(removed)} {'fil' if len(removed) == 1 else 'filer'} äldre "
                            f"än {days} dagar borttagna ur råarkivet")
    return removed


_STARTED: set[str] = set()
_START_LOCK = threading.Lock()


def purge_on_start(con: duckdb.DuckDBPyConnection, actor: Actor = SYSTEM_ACTOR) -> list[Path]:
    """purge() once per process and archive folder: for the dashboard to call at start. A
    purge that fails is logged, not raised (the dashboard still starts; the next start or
    `python -m pipelines purge` tries again)."""
    folder = str(settings.get().raw_dir)
    with _START_LOCK:
        if folder in _STARTED:
            return []
        _STARTED.add(folder)
    try:
        return purge(con, actor)
    except (OSError, duckdb.Error) as exc:
        logging.getLogger(__name__).warning("Rensningen av råarkivet misslyckades: %s", exc)
        return []


# --- erasing one person -------------------------------------------------------------------------

_PERSON_TABLES = ("employment", "absence_year", "training", "crisis_placement", "pay_year")
"""The tables with a person_key (HME results are per unit)."""


def person_key(identity: str, *, person_id: bool = False) -> str | None:
    """The person key the loads give a personnummer (or samordningsnummer), or with
    `person_id` a person id; None for a personnummer that is not valid."""
    from pipelines import pseudonymise

    column = pseudonymise.PERSON_ID if person_id else pseudonymise.PNR
    frame = pl.DataFrame({column: [identity.strip()]})
    frame = (pseudonymise.identified(frame) if person_id
             else pseudonymise.checked(frame, pl.lit(date.today().year)))
    keyed = pseudonymise.keyed(frame, pseudonymise.secret(settings.get().secret_path))
    return keyed["person_key"][0]


def erase_person(con: duckdb.DuckDBPyConnection, identity: str, actor: Actor, *,
                 person_id: bool = False, archive: bool = False) -> dict[str, int]:
    """Remove every row of one person from the store, also the rows kept for a load's
    undo, in one transaction; return the rows removed per table. With `archive`, also every
    archived original (which may hold the person; they are not searched). The audit log
    records the erasure without the identity. The rows stay in the store file's free blocks
    until store.rewrite() (which the erase command runs next) copies the store afresh."""
    key = person_key(identity, person_id=person_id)
    if key is None:
        raise ValueError("Personnumret är inte giltigt (form, datum eller kontrollsiffra).")
    removed = {}
    drop_abandoned_staging(con)  # a killed batch's staged rows may hold the person
    with store.transaction(con) as cur:
        for table in (*_PERSON_TABLES, *(store.REPLACED[t] for t in _PERSON_TABLES)):
            n = cur.execute(f"SELECT count(*) FROM {table} WHERE person_key = $key",
                            {"key": key}).fetchone()[0]
            cur.execute(f"DELETE FROM {table} WHERE person_key = $key", {"key": key})
            removed[table] = int(n)
        persons.refresh(cur)  # every snapshot the person was in
        store.audit(cur, *actor, "erase",
                    f"{sum(removed.values())} rader för en person borttagna"
                    + (", och råarkivet" if archive else ""))
    if archive:
        for path in _archived(settings.get().raw_dir):
            path.unlink()
    return removed
