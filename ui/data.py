"""The UI's access to the store and the metrics layer, with Streamlit's caches.

- Two stores, never mixed: the municipality's own (settings.db_path), where uploads, deletions
  and the audit log go, and the demo's (settings.demo_db_path). The screen shows the demo while
  the own store is empty, or when the user asks for it (the sidebar's "Visa exempeldata").
- One DuckDB connection per store file, shared by the page runs of the moment and closed when
  none has used it for a moment, so that the command line can use the file in between
  (ui/leases.py). Every read goes through `store.read` or `metrics.compute.compute`, which
  take a fresh cursor per call, so sessions on different threads never share a cursor.
- Computed frames are cached with `st.cache_data`, keyed on `data_key()`: the store file, the
  load-log version and the disclosure thresholds. A new load changes the version, so every
  page computes afresh; `after_load()` also drops the old entries. When a store opens or
  changes, every metric's yearly tables are worked out at once (`_warm`), so no page's first
  view waits for them.

The only SQL in the UI is here: the distinct förvaltningar and snapshot dates that the filters
offer, and the latest entries of the load log (no backend function returns them yet).
"""

from __future__ import annotations

import gc
import io
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

import settings
import store
from metrics import disclosure, persons, registry
from metrics.compute import available_columns, compute, kept, reads_years
from metrics.definition import PROTECTIONS
from metrics.export import csv_safe, workbook_bytes
from pipelines import validate
from ui import leases, texts

_RUN = threading.local()
"""What one page run found out about the stores (each run has a thread of its own): their
identities, and whether they hold employment rows."""
_WARMED: dict[str, tuple] = {}
"""Per store file (as DuckDB names it), the identity whose pages' first views were last
worked out (_warm)."""


def _run_facts() -> dict:
    if not hasattr(_RUN, "facts"):
        _RUN.facts = {}
    return _RUN.facts


def _once_per_run(key: tuple, make: Callable[[], object]):
    """make(), asked once per page run (a command may write the store between runs)."""
    facts = _run_facts()
    if key not in facts:
        facts[key] = make()
    return facts[key]


def _opened(path: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """What is done when the store file at `path` opens (ui/leases.py): for the own store the
    raw archive's retention purge, once per server (never for the demo's, whose load log does
    not know the archive's files); and the pages' first views worked out (_warm) when the
    store changed since, unless it lacks derived person tables (from before them, or a
    changed metric): those are built by the next load, by `python -m pipelines derive` or the
    button on Ladda upp (prepare_store), never by a page view, and until then every metric is
    computed live."""
    own = path == str(settings.get().db_path)

    def opened(con: duckdb.DuckDBPyConnection) -> None:
        from pipelines.lifecycle import purge_on_start

        if own:
            purge_on_start(con)
        identity = store.identity(con)
        key = identity[0] if identity else ""
        if _WARMED.get(key) != identity and not persons.missing(con, identity):
            with st.spinner(texts.PREPARING_STORE):
                _warm(con)
            _WARMED[key] = identity

    return opened


def _warm(con: duckdb.DuckDBPyConnection) -> None:
    """Every metric's yearly tables with disclosure decided, which compute keeps per store
    version, worked out once when a store opens or changes, so that a page's first view costs
    what a filter change costs (about 1.3 s for the demo or for ten years of monthly snapshots
    of 50,000 persons; that page's first view went from 0.6 to 0.3 s)."""
    identity = store.identity(con)
    _stored_over_limits(con, identity)
    for metric_id in registry.METRICS:
        compute(con, metric_id, identity=identity)
    _settle()


def _settle() -> None:
    """Collect the garbage, then move every object alive now (modules, the store's kept
    tables) out of the garbage collector's sight. Streamlit runs a full collection after
    every script run, holding the GIL, so the end of the run and the next session's first
    messages waited for it: 0.1-0.2 s on a quiet machine, 0.45 s on a busy one, every page
    view. It now walks only what was made since."""
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def _load_lock(db_path: str) -> threading.Lock:
    """Serialises the first-start demo load between sessions of one server."""
    return threading.Lock()


KEY_SHOW_DEMO = "show_demo"
"""Session state: the user asked to see the demo although the own store has data."""
KEY_LEAVE_DEMO = "leave_demo"
"""Session state: a load went to the own store; the demo switch goes off on the next run
(a widget's state cannot be set once the widget is on the page)."""


def own_connection() -> duckdb.DuckDBPyConnection:
    """The municipality's own store: where uploads, deletions and the audit log go."""
    return _store_at(str(settings.get().db_path))


def has_own_data() -> bool:
    """Whether the municipality's store holds rows of any extract (a first upload may be a
    pay or sick-leave extract). Asked on every run, by every connection(): once per run (a
    command may load between runs)."""
    return _once_per_run(("own_data",), lambda: store.holds_data(own_connection()))


def showing_demo() -> bool:
    """Whether the screen shows the demo: while the own store is empty, or on request."""
    return bool(st.session_state.get(KEY_SHOW_DEMO)) or not has_own_data()


def _shown_path() -> str:
    cfg = settings.get()
    return str(cfg.demo_db_path if showing_demo() else cfg.db_path)


def _store_at(path: str) -> duckdb.DuckDBPyConnection:
    return leases.lease(path, _opened(path))


Later = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]
"""`with later() as con:` the store, for a block that runs after the page run (_later)."""


def _later(path: str) -> Later:
    return lambda: leases.borrowed(path, _opened(path))


def shown_later() -> Later:
    """The store on screen now, for a callable that runs after this run, on another thread
    (a download built when its button is clicked, perhaps minutes later, when the run's
    lease has ended and the store may have closed)."""
    return _later(_shown_path())


def own_later() -> Later:
    """The municipality's own store, as shown_later (the audit log of a download)."""
    return _later(str(settings.get().db_path))


def connection() -> duckdb.DuckDBPyConnection:
    """The connection to the store on screen, held for the rest of this run and shared by
    the runs of the moment (ui/leases.py; take no cursor here)."""
    return _store_at(_shown_path())


@dataclass(frozen=True)
class DataKey:
    """What a computed frame depends on besides its own arguments."""

    db_path: str
    version: int
    thresholds: tuple[int, ...]
    fte_hours_divisor: float


def _identity(db_path: str) -> tuple[str, int] | None:
    """The store's identity (file and version), asked once per run: a command may have
    loaded since the last one."""
    return _once_per_run(("identity", db_path), lambda: store.identity(_store_at(db_path)))


def data_key() -> DataKey:
    """Asked by every cached read of a run: the store's identity (file and version), as the
    run found it (or as its own load left it: after_load)."""
    cfg = settings.get()
    path = _shown_path()
    identity = _identity(path)
    thresholds = tuple(disclosure.class_threshold(p, cfg) for p in PROTECTIONS.values())
    return DataKey(path, identity[1] if identity else 0, thresholds, cfg.fte_hours_divisor)


is_yearly = reads_years
"""Whether the metric's figures are per calendar year (dated 31 December)."""


# --- computed frames ---------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4000)
def _metric_frame(key: DataKey, metric_id: str, by: tuple[str, ...],
                  forvaltningar: tuple[str, ...] | None, start: date | None, end: date | None,
                  publication: bool, retirement_age: int, monthly: bool) -> pl.DataFrame:
    return compute(connection(), metric_id, by=list(by), forvaltningar=forvaltningar,
                   start=start, end=end, publication=publication,
                   retirement_age=retirement_age, monthly=monthly,
                   identity=_identity(key.db_path))


def metric_frame(metric_id: str, *, by: Sequence[str] = (),
                 forvaltningar: Sequence[str] | None = None, start: date | None = None,
                 end: date | None = None, publication: bool = False,
                 retirement_age: int | None = None, monthly: bool = False) -> pl.DataFrame:
    """compute() for the current store, cached until the next load."""
    return _metric_frame(
        data_key(), metric_id, tuple(by),
        tuple(forvaltningar) if forvaltningar is not None else None, start, end, publication,
        retirement_age or settings.get().retirement_age, monthly,
    )


@st.cache_data(show_spinner=False, max_entries=200)
def _available(key: DataKey, table: str) -> frozenset[str]:
    return frozenset(available_columns(connection(), table))


def available(table: str) -> frozenset[str]:
    """The columns of a canonical table that hold data (empty: nothing loaded)."""
    return _available(data_key(), table)


@dataclass(frozen=True)
class FilterOptions:
    forvaltningar: tuple[str, ...]
    snapshot_dates: tuple[date, ...]


@st.cache_data(show_spinner=False, max_entries=50)
def _filter_options(key: DataKey) -> FilterOptions:
    names, dates = store.filter_values(connection())
    return FilterOptions(tuple(names), tuple(dates))


def filter_options() -> FilterOptions:
    """The förvaltningar and snapshot dates in the store, for the sidebar filters."""
    return _filter_options(data_key())


def has_other_months() -> bool:
    """Whether the store holds snapshots of months other than the reference month (then the
    monthly series differ from the yearly ones)."""
    month = settings.get().reference_month
    return any(day.month != month for day in filter_options().snapshot_dates)


def _stored_over_limits(con: duckdb.DuckDBPyConnection, identity: tuple | None) -> list[str]:
    """validate.stored_over_limits, kept per store version with the metrics' tables: a scan
    of every row (0.4 s on ten years of monthly snapshots), done by _warm when a store opens
    or changes rather than by the first page view."""
    return kept(identity, ("over limits",), lambda: validate.stored_over_limits(con))


def over_limits() -> list[str]:
    """Why the store's figures cannot be shown until a load is deleted (a load beyond the
    limits, made before they existed): validate.stored_over_limits."""
    return _stored_over_limits(connection(), _identity(_shown_path()))


@st.cache_data(show_spinner=False, max_entries=50)
def _load_log(key: DataKey, limit: int) -> pl.DataFrame:
    return store.load_log(connection(), limit).drop("sha256")


def load_log(limit: int = 10) -> pl.DataFrame:
    """The latest loads, newest first."""
    return _load_log(data_key(), limit)


def audit_log(actions: Sequence[str] = (), users: Sequence[str] = ()) -> pl.DataFrame:
    """The audit log, newest first, of the chosen actions and users (none chosen: all). Not
    cached: it grows with every action, not only with loads."""
    log = store.audit_log(own_connection())
    if actions:
        log = log.filter(pl.col("action").is_in(list(actions)))
    if users:
        log = log.filter(pl.col("user_id").is_in(list(users)))
    return log


def audit(actor: tuple[str, str], action: str, detail: str = "",
          con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Record an action of (user id, role) in the audit log, on a fresh cursor (`con`: the
    own store borrowed, when called outside the script, as a download's callable is:
    own_later)."""
    cur = (con or own_connection()).cursor()
    try:
        store.audit(cur, *actor, action, detail)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=50)
def _manager_span_methods(key: DataKey) -> dict:
    return store.manager_span_methods(connection())


def manager_span_methods() -> dict:
    """Snapshot date -> whether employees per manager was counted by manager link."""
    return _manager_span_methods(data_key())


def missing_tables() -> int:
    """How many derived person tables the shown store lacks (persons.missing)."""
    return len(persons.missing(connection(), _identity(_shown_path())))


def prepare_store(progress: Callable[[float, str], None]) -> None:
    """Build the derived person tables the shown store lacks (persons.ready), while no load
    runs, then work out the pages' first views."""
    con = connection()
    with _load_lock(_shown_path()):
        persons.ready(con, lambda done, of, name: progress(done / of, name))
    after_load(con)


def after_load(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the cached frames of the previous store version (the version key moved on), and
    work out the changed store's (`con`) tables for the pages' first views (_warm)."""
    for cached in (_metric_frame, _available, _filter_options, _load_log,
                   _manager_span_methods):
        cached.clear()
    _run_facts().clear()
    identity = store.identity(con)
    if not persons.missing(con, identity):
        _warm(con)
        _WARMED[identity[0] if identity else ""] = identity


# --- loading -----------------------------------------------------------------------------------


def _empty(db_path: str) -> bool:
    return _once_per_run(("empty", db_path), lambda: store.is_empty(_store_at(db_path)))


def demo_missing() -> bool:
    """Whether the screen would show the demo and its store is still empty. Asked on every
    run: kept until the next load (after_load)."""
    return showing_demo() and _empty(_shown_path())


def load_demo_if_empty(progress: Callable[[float, str], None] | None = None):
    """Load the demo municipality into its own store when that is empty; return the report,
    or None when another session had already filled it."""
    from pipelines.load import load_demo

    path = str(settings.get().demo_db_path)
    with _load_lock(path):
        con = _store_at(path)
        if not store.is_empty(con):
            return None
        report = load_demo(con, progress=progress, actor=("system", "admin"))
    after_load(con)
    return report


def ingest(files: Sequence[tuple[str, bytes]], *, actor: tuple[str, str],
           snapshot_date: date | None = None,
           progress: Callable[[float, str], None] | None = None, profile=None):
    """Load uploaded files (name, bytes) in one transaction, recorded in the audit log under
    `actor` (user id, role); returns the IngestReport. `profile` (a
    pipelines.profiles.Profile) forces how the files are read."""
    from pipelines.load import ingest as ingest_files

    report = ingest_files(own_connection(), list(files), snapshot_date=snapshot_date,
                          source="upload", progress=progress, profile=profile, actor=actor)
    if report.loaded:
        st.session_state[KEY_LEAVE_DEMO] = True  # the municipality's own data from now on
        after_load(own_connection())
    return report


def deletable_loads() -> pl.DataFrame:
    """The loads that can be deleted now (the newest of each of their periods), newest first,
    as the load log has them."""
    from pipelines.lifecycle import deletable

    ids = deletable(own_connection())
    return store.load_log(own_connection()).filter(pl.col("load_id").is_in(ids)).reverse()


def retention_days() -> int:
    """The raw archive's retention period in force (pipelines.lifecycle.retention_days)."""
    from pipelines.lifecycle import retention_days as days

    return days(own_connection())


def set_retention(days: int, actor: tuple[str, str]) -> list[Path]:
    """An admin's retention period, stored and audited; the archive is purged under it at
    once. Returns the files removed."""
    from pipelines.lifecycle import purge
    from pipelines.lifecycle import set_retention as store_retention

    store_retention(own_connection(), days, actor)
    return purge(own_connection(), actor)


def delete_load(load_id: int, actor: tuple[str, str]):
    """Undo a load (pipelines.lifecycle.delete_load, audited under `actor`); returns the
    Deletion. Raises lifecycle.DeleteRefused, with the reason, when it cannot be deleted."""
    from pipelines.lifecycle import delete_load as delete

    deletion = delete(own_connection(), load_id, actor)
    after_load(own_connection())
    return deletion


@st.cache_data(show_spinner=False, max_entries=20)
def file_headers(name: str, content: bytes, sheet: str | None = None):
    """The headers of an uploaded file (of the named sheet, else the one that reads best)
    with sample values (pipelines.normalise.Headers)."""
    from pipelines.load import headers

    return headers(name, content, sheet=sheet)


@st.cache_data(show_spinner=False, max_entries=20)
def unknown_values(name: str, content: bytes, columns: dict[str, str],
                   sheet: str | None = None) -> dict[str, list[str]]:
    """The values under the mapped headers that the canonical vocabularies do not know
    (pipelines.mapping.unknown_values), for the mapping form's second step."""
    from pipelines import mapping

    return mapping.unknown_values(name, content, columns, sheet)


def value_targets(column: str) -> tuple[str, ...]:
    from pipelines import mapping

    return mapping.targets(column)


def profile_from_mapping(name: str, extract: str, columns: dict[str, str],
                         sheet: str | None = None, values: dict | None = None):
    """A mapping profile from the upload page's form."""
    from pipelines.profiles import Profile

    return Profile(name=name.strip() or "Egen mappning", extract=extract, columns=columns,
                   sheet=sheet, values=values or {})


def save_profile(profile) -> Path:
    from pipelines import profiles

    return profiles.save(profile)


def extract_kinds() -> dict[str, str]:
    """Every kind of extract: its table -> its Swedish name (pipelines.schema.EXTRACTS)."""
    from pipelines import schema

    return {e.table: e.label_sv for e in schema.EXTRACTS}


def recognised_headers(headers: list[str], table: str) -> dict[str, str]:
    """canonical column -> the first of `headers` that is one of its aliases in the extract
    `table` fills: the mapping form's defaults when the analyst picks another kind."""
    from pipelines import normalise, schema

    extract = next(e for e in schema.EXTRACTS if e.table == table)
    return normalise.recognised_headers(headers, extract)


def extract_columns(table: str) -> tuple:
    """The canonical columns (pipelines.schema.Column) of the extract a profile fills."""
    from pipelines import schema

    return next(e for e in schema.EXTRACTS if e.table == table).columns


def profile_named(name: str):
    """The profile (pipelines.profiles.Profile, with its file as `source`) of that name, as
    IngestReport.profiles names it; a saved profile before a shipped one; None if gone."""
    from pipelines import profiles

    return next((p for p in reversed(profiles.available()) if p.name == name), None)


# --- downloads ---------------------------------------------------------------------------------


def metrics_workbook(metric_ids: Sequence[str], *, forvaltningar: Sequence[str] | None,
                     publication: bool, load_log: bool = True) -> Callable[[], bytes]:
    """A callable that builds the Excel export when the download button is clicked (without
    `load_log`: no sheet of loaded files)."""
    ids = [registry.get(m).id for m in metric_ids]
    chosen = list(forvaltningar) if forvaltningar is not None else None
    later = shown_later()  # the callable runs on another thread, after the run

    def build() -> bytes:
        with later() as con:
            return workbook_bytes(con, ids, forvaltningar=chosen, publication=publication,
                                  load_log=load_log)

    return build


def frame_workbook(frame: pl.DataFrame, sheet: str) -> bytes:
    """A table (the validation report, the audit log) as .xlsx: one Excel table from A1, its
    header row frozen (for screen readers, issue 24). polars writes text cells as text, never
    formulas, and text a spreadsheet would run as a formula gets a leading apostrophe, as in
    the metrics export (csv_safe)."""
    buffer = io.BytesIO()
    csv_safe(frame).write_excel(buffer, worksheet=sheet, autofit=True,
                                header_format={"bold": True}, freeze_panes="A2")
    return buffer.getvalue()
