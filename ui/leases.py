"""The dashboard holds a store file only while page runs use it, so that the command line
(a monthly load from cron, `metrics compute`) can use it between them (issue 22).

DuckDB lets one process at a time hold a store file. The dashboard used to open each store
once and keep it, so every command failed while it ran. Now a page run takes a lease on the
store when it first asks for it (ui/data.connection) and holds it until the run ends: a
Streamlit script run has a thread of its own, which ends with the run, and the lease is that
thread's. The store stays open while any run holds a lease, and for GRACE_SECONDS after the
last one ended (a click or a filter change reuses it), then closes.

A download is built when its button is clicked, on a server thread that is no page run and
outlives it: it borrows the store for the length of the build (borrowed()), since the run that
drew the button may have ended minutes before and its store closed.

A command that finds the store held announces that it waits (store.someone_waits): the store
then closes as soon as the runs holding it end, and a new run waits until the command has
had it, within the store_wait_seconds setting; past that, the run ends with a Swedish message
(store.StoreLockedError). A run sees what a command wrote at its next lease: the store's
version (store.identity) keys every cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb

import settings
import store

GRACE_SECONDS = 2.0
"""How long a store stays open after the last run using it ended."""
TICK_SECONDS = 0.1
"""How often the keeper looks for ended runs and waiting commands."""


class _Borrow:
    """A holder of a lease that is no page run's thread (borrowed()): alive until returned."""

    def __init__(self) -> None:
        self.returned = False

    def is_alive(self) -> bool:
        return not self.returned


@dataclass
class _Held:
    con: duckdb.DuckDBPyConnection
    runs: set[threading.Thread | _Borrow] = field(default_factory=set)
    """What holds the store: page runs' threads, and borrows."""
    idle_since: float | None = None


_HELD: dict[str, _Held] = {}
_LOCK = threading.Condition()
_OPENING: dict[str, threading.Lock] = {}
_keeper: threading.Thread | None = None


def lease(path: str, opened: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
          holder: _Borrow | None = None) -> duckdb.DuckDBPyConnection:
    """The store at `path`, open for the rest of the calling run (its thread), or while
    `holder` is alive. `opened(con)` runs each time the file is opened. Waits while a command
    has it or waits for it."""
    me = holder or threading.current_thread()
    deadline = time.monotonic() + settings.get().store_wait_seconds
    with _LOCK:
        _start_keeper()
        while True:
            held = _HELD.get(path)
            if held is not None and me in held.runs:
                return held.con
            if not store.someone_waits(path):
                break
            if time.monotonic() >= deadline:
                break  # the command keeps waiting; this run tries its own open below
            _LOCK.wait(TICK_SECONDS)  # a command waits: let the store go to it first
        if held is not None:
            held.runs.add(me)
            held.idle_since = None
            return held.con
        opening = _OPENING.setdefault(path, threading.Lock())
    with opening:  # one open per file at a time; the others then find it held
        with _LOCK:
            held = _HELD.get(path)
            if held is not None:
                held.runs.add(me)
                held.idle_since = None
                return held.con
        con = store.connect(path, wait=max(0.0, deadline - time.monotonic()))
        if opened is not None:
            opened(con)
        with _LOCK:
            _HELD[path] = _Held(con, {me})
            _LOCK.notify_all()
        return con


@contextmanager
def borrowed(path: str, opened: Callable[[duckdb.DuckDBPyConnection], None] | None = None
             ) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store at `path`, open for the block, on a thread that is no page run (a download's
    data, built when its button is clicked); let go at the end of the block."""
    holder = _Borrow()
    try:
        yield lease(path, opened, holder)
    finally:
        holder.returned = True


def close_all() -> None:
    """Close every store the dashboard holds, in use or not (tests, and shutdown)."""
    with _LOCK:
        for held in _HELD.values():
            held.con.close()
        _HELD.clear()


def is_open(path: str) -> bool:
    with _LOCK:
        return path in _HELD


def _start_keeper() -> None:
    global _keeper
    if _keeper is None or not _keeper.is_alive():
        _keeper = threading.Thread(target=_keep, name="personalpanelen-store-keeper",
                                   daemon=True)
        _keeper.start()


def _keep() -> None:
    """Forever: drop the leases of ended runs, and close a store no run holds once its grace
    has passed, at once when a command waits for it."""
    while True:
        time.sleep(TICK_SECONDS)
        now = time.monotonic()
        with _LOCK:
            for path, held in list(_HELD.items()):
                held.runs = {run for run in held.runs if run.is_alive()}
                if held.runs:
                    continue
                held.idle_since = held.idle_since or now
                if store.someone_waits(path) or now - held.idle_since >= GRACE_SECONDS:
                    held.con.close()
                    del _HELD[path]
                    _LOCK.notify_all()
