"""Each person and snapshot worked out once, when the data is loaded (issue 14).

Every metric starts from the same step: the population's rows of a snapshot grouped into one
row per person, with the person's breakdown values and the record's `person_columns`
(definition.py). On a store of ten years of monthly snapshots that step is nearly all of a
metric's cost, and it used to be repeated for every metric, breakdown, filter and call.

Here each distinct step (records may share one: the eight social-worker salary metrics do) is
written once, for every snapshot, into a table of the store named by a digest of its query,
persons_<digest>. Loads, deletes and erasures, from the command line or the dashboard, build
the missing ones and refresh the months they touch inside their own transaction (refresh()),
and compute() reads the table instead of the rows.

The table's query is the record's step itself (query() below, which compute() also runs live),
so reading the table and computing live cannot differ. A changed record or a new metric gives a
new digest: the next load, or ready() when asked (`python -m pipelines derive`), builds that
table and drops the one no metric reads; until then compute() works that metric out live. A
step takes no parameters: what depends on one (years to retirement) is worked out from the
person's row when it is read.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Collection, Sequence
from datetime import date

import duckdb

import store
from metrics import registry
from metrics.definition import BREAKDOWNS, LEAVE_EXCLUDED, Metric
from metrics.mission import AT_WORK

PREFIX = "persons_"


def step(metric: Metric) -> str:
    """One row per person and snapshot of the metric's population, for every snapshot of the
    relation `source` (the rows of metric.table): the snapshot date, the person's birth year,
    breakdown values (a person with two employments counts once, in the förvaltning of the
    main one) and the record's person columns. A record that leaves out persons on full leave
    drops its employments on full leave before the person is formed, or, with
    `leave_by_person`, keeps them and drops the persons with no employment at work."""
    person_keys = "".join(f",\n       {b.person_sql} AS {name}"
                          for name, b in BREAKDOWNS.items() if not b.per_person
                          and (not b.tables or metric.table in b.tables))
    columns = f",\n       {metric.person_columns}" if metric.person_columns else ""
    leave = having = ""
    if metric.on_leave == LEAVE_EXCLUDED and metric.leave_by_person:
        having = f"\nHAVING bool_or({AT_WORK})"
    elif metric.on_leave == LEAVE_EXCLUDED:
        leave = f"\n  AND {AT_WORK}"
    sql = f"""SELECT snapshot_date, first(birth_year) AS birth_year{person_keys}{columns}
FROM source
WHERE ({metric.population}){leave}
GROUP BY snapshot_date, person_key{having}"""
    if "$" in sql:
        raise ValueError(f"{metric.id}: a person's step is worked out at load time and cannot "
                         "read a parameter; use it in person_filter, value or a per-person "
                         "breakdown")
    return sql


def query(metric: Metric) -> str:
    """The metric's step over all of its table's rows (what its derived table holds)."""
    return store.derived_query(metric.table, step(metric))


def name(metric: Metric) -> str:
    """The table holding the metric's step: named by its source and step, so a changed step
    is a new table; a view's SQL is part of its source, so a changed view is one too."""
    source = metric.table if metric.table == "employment" else store.relation(metric.table)
    digest = hashlib.sha256(f"{metric.table}\n{source}\n{step(metric)}".encode()).hexdigest()
    return f"{PREFIX}{digest[:16]}"


def wanted() -> dict[str, tuple[str, str]]:
    """The tables the registry's metrics read: name -> (source table, step)."""
    return _steps(tuple(registry.METRICS.values()))


@functools.cache
def _steps(metrics: tuple[Metric, ...]) -> dict[str, tuple[str, str]]:
    return {name(metric): (metric.table, step(metric)) for metric in metrics}


_PRESENT: dict[tuple, frozenset[str]] = {}


def present(con: duckdb.DuckDBPyConnection, identity: tuple | None = None) -> frozenset[str]:
    """The derived tables the registry wants that the store has. Remembered per store file
    and content version (`identity`, store.identity, when the caller has it) until ready()."""
    identity = identity or store.identity(con)
    key = (identity, frozenset(wanted()))
    if identity is not None and key in _PRESENT:
        return _PRESENT[key]
    cur = con.cursor()
    try:
        names = frozenset(store.derived_tables(cur)) & key[1]
    finally:
        cur.close()
    if identity is not None:
        _PRESENT[key] = names
    return names


def missing(con: duckdb.DuckDBPyConnection, identity: tuple | None = None) -> frozenset[str]:
    """The derived tables the registry wants that the store lacks: a store from before them,
    or from before a changed or new metric. Its metrics are computed live until ready()."""
    return frozenset(wanted()) - present(con, identity)


def ready(con: duckdb.DuckDBPyConnection,
          progress: Callable[[int, int, str], None] | None = None) -> frozenset[str]:
    """Make the store's derived tables the ones the registry wants, in one transaction: the
    missing ones built from every snapshot (`progress(done, of, name)` before each), the ones
    no metric reads any more dropped. Asked for explicitly (`python -m pipelines derive`, the
    button on Ladda upp), never by a page view: a load, delete or erasure keeps them current
    itself (refresh)."""
    with store.transaction(con) as cur:
        store.set_derived(cur, wanted(), progress)
        names = frozenset(store.derived_tables(cur))
    _PRESENT.clear()
    return names


def refresh(cur, months: Sequence[date] | None = None, read: Collection[str] = ()) -> None:
    """Inside the transaction of a load, delete or erasure that changed the rows of `months`
    (None: of any snapshot) and of the canonical tables `read`: the derived tables the
    registry wants, built where missing (a store loaded before them, or a changed metric),
    the others worked out again for those months and, for the views that read `read` every
    snapshot, for all of them (store.refresh_reading)."""
    built = store.set_derived(cur, wanted())
    store.refresh_derived(cur, months, skip=built)
    store.refresh_reading(cur, read, skip=built)


def table(con: duckdb.DuckDBPyConnection, metric: Metric,
          identity: tuple | None = None) -> str | None:
    """The derived table that holds the metric's step, or None when the store has none (a
    metric outside the registry, a store from before the table: computed live)."""
    wanted_name = name(metric)
    return wanted_name if wanted_name in present(con, identity) else None
