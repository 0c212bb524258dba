"""The one interpreter: metric record + filters + breakdown -> a protected frame.

compute() returns one row per snapshot date and breakdown cell with the columns
[snapshot_date, <breakdowns>, n, value, suppressed], disclosure rules applied (and `change`
in publication mode).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import TypeVar

import duckdb
import polars as pl

import settings
import store
from metrics import disclosure, linked, persons, registry
from metrics.definition import BREAKDOWNS, Metric
from pipelines.schema import TABLES


@dataclass(frozen=True)
class View:
    """One table the product can show for a metric: a breakdown (none, one, or förvaltning x
    one other) over the whole municipality (forvaltningar None) or over a subset."""

    by: tuple[str, ...] = ()
    forvaltningar: tuple[str, ...] | None = None


def views(metric: str | Metric, forvaltningar: Sequence[str], max_subset: int = 3) -> list[View]:
    """Every view the product offers of a metric (the sidebar's filter, each breakdown tab,
    the CLI's --by and --forvaltning, the Excel sheets), with filter subsets of up to
    `max_subset` of the given förvaltningar. Disclosure is decided over all of them at once:
    whichever two a reader puts side by side, no hidden cell can be worked out."""
    metric = registry.get(metric) if isinstance(metric, str) else metric
    subsets = [None, *(tuple(chosen) for size in range(1, max_subset + 1)
                       for chosen in combinations(sorted(forvaltningar), size))]
    return [View(by, subset) for subset in subsets for by in _tables(metric)]


def _tables(metric: Metric) -> list[tuple[str, ...]]:
    """The breakdowns a view may have: none, one, or förvaltning and one other."""
    others = [b for b in metric.breakdowns if b != "forvaltning"]
    return [(), ("forvaltning",), *((b,) for b in others), *(("forvaltning", b) for b in others)]


def _table(metric: Metric, by: Sequence[str]) -> tuple[str, ...]:
    """The breakdown as one of _tables(metric) (förvaltning first in a two-way table)."""
    unknown = [b for b in by if b not in metric.breakdowns]
    if unknown:
        allowed = ", ".join(metric.breakdowns) or "inga"
        raise ValueError(
            f"{metric.id} kan inte delas upp på {', '.join(unknown)} (möjliga: {allowed})"
        )
    table = tuple(sorted(by, key=lambda b: b != "forvaltning"))
    if table not in _tables(metric):
        raise ValueError("En tabell i två led är förvaltning och en annan uppdelning "
                         f"(inte {' och '.join(by)})")
    return table


def _persons(metric: Metric, derived: str | None) -> str:
    """The WITH clause that every statement of a metric starts from: one row per person and
    snapshot of the population in the series, read from the step's derived table when there
    is one (persons.py), else worked out from the rows; then the per-person breakdowns."""
    source = derived or f"(\n{persons.query(metric)}\n)"
    per_person = "".join(f", {b.person_sql} AS {name}"
                         for name, b in BREAKDOWNS.items() if b.per_person)
    return f"""
WITH persons AS (
    SELECT *{per_person} FROM {source}
    WHERE ($month::INTEGER IS NULL OR month(snapshot_date) = $month::INTEGER)
      AND ($snapshots::DATE[] IS NULL OR snapshot_date = ANY($snapshots::DATE[]))
)"""


def _measures(metric: Metric) -> str:
    numerators = "".join(f", {expr} AS {disclosure.NUMERATOR_PREFIX}{i}"
                         for i, expr in enumerate(metric.numerators))
    return f"{metric.n} AS n, ({metric.value})::DOUBLE AS value{numerators}"


def tables_sql(metric: Metric, derived: str | None = None, *, subset: bool = False) -> str:
    """One statement for all the cells disclosure decides over (disclosure.py): the total,
    each förvaltning, each category of the metric's other breakdowns, and förvaltning x each
    of them, by GROUPING SETS. With `subset`, the cells over the chosen förvaltningar
    ($forvaltningar) instead: their total and each category of the other breakdowns."""
    others = [b for b in metric.breakdowns if b != "forvaltning"]
    sets = ["(snapshot_date)", *(f"(snapshot_date, {b})" for b in others)]
    if not subset:
        sets += ["(snapshot_date, forvaltning)",
                 *(f"(snapshot_date, forvaltning, {b})" for b in others)]
    dim = "".join(f" WHEN grouping({b}) = 0 THEN '{b}'" for b in others)
    scope = ("TRUE AS scope_all, NULL::VARCHAR AS forvaltning" if subset
             else "grouping(forvaltning) = 1 AS scope_all, forvaltning")
    chosen = (" AND list_contains($forvaltningar::VARCHAR[], forvaltning)" if subset else "")
    return f"""{_persons(metric, derived)}
SELECT snapshot_date, {scope},
       {f"CASE{dim} END" if others else "NULL::VARCHAR"} AS dim,
       {"".join(f"{b}, " for b in others)}{_measures(metric)}
FROM persons
WHERE ({metric.person_filter}){chosen}
GROUP BY GROUPING SETS ({", ".join(sets)})
HAVING n > 0
ORDER BY snapshot_date, scope_all DESC, dim NULLS FIRST, {", ".join(("forvaltning", *others))}
"""


def compute(
    con: duckdb.DuckDBPyConnection,
    metric: str | Metric,
    *,
    by: Sequence[str] = (),
    forvaltningar: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    publication: bool = False,
    retirement_age: int | None = None,
    monthly: bool = False,
    identity: tuple[str, int] | None = None,
) -> pl.DataFrame:
    """One metric for every snapshot in [start, end], optionally only some förvaltningar,
    broken down by `by` (one of the tables of views()); cells hidden by the disclosure model
    (disclosure.py) and, when `publication` is on, rounded as SCB publishes, with a column
    `change`: each cell's change since the previous snapshot of the series, worked out from
    the exact values and rounded like them (disclosure.round_for_publication). Disclosure is
    decided per snapshot, over every snapshot of the series, so the period only picks them.
    The yearly series (the default) counts the reference month's snapshots (the setting,
    November); `monthly` gives every snapshot, for a metric whose record allows it.
    `retirement_age` defaults to the setting. `identity` is the store's (store.identity) when
    the caller keeps it, else it is asked here."""
    metric = registry.get(metric) if isinstance(metric, str) else metric
    by = _table(metric, by)
    if monthly and not metric.monthly:
        raise ValueError(f"{metric.id} räknas bara per år (referensmånaden), inte per månad")
    cfg = settings.get()
    params = {
        "month": None if monthly or reads_years(metric) else cfg.reference_month,
        "forvaltningar": None,
        "fte_hours": cfg.fte_hours_divisor,
        "retirement_age": retirement_age or cfg.retirement_age,
    }
    identity = identity or store.identity(con)
    derived = persons.table(con, metric, identity)
    params["snapshots"] = _snapshots(con, identity, metric, derived, params)
    protected = protected_tables(con, metric, params, identity)
    tables = protected.tables
    if forvaltningar is None:
        cells = _view(tables, by)
    else:
        cells = _subset_view(con, metric, by, sorted(set(forvaltningar)), params, protected,
                             derived, identity)
    # A snapshot without a value for the whole municipality (the extract lacks a column)
    # is left out rather than shown as hidden.
    valued = _view(tables, ()).filter(pl.col("value").is_not_null())["snapshot_date"]
    shown = cells.filter(pl.col("snapshot_date").is_in(valued.implode())).with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("n", "value")
    )
    if (publication and forvaltningar is not None and "forvaltning" not in by
            and "forvaltning" in metric.breakdowns):
        shown = _published_subset(
            shown, compute(con, metric, by=("forvaltning", *by), publication=True,
                           retirement_age=retirement_age, monthly=monthly, identity=identity)
            .filter(pl.col("forvaltning").is_in(sorted(set(forvaltningar)))),
            metric, by)
    elif publication:  # rounded, with the change since the previous snapshot from exact values
        shown = disclosure.round_for_publication(shown, metric, over=by)
    in_period = pl.lit(True)
    if start is not None:
        in_period &= pl.col("snapshot_date") >= start
    if end is not None:
        in_period &= pl.col("snapshot_date") <= end
    return shown.filter(in_period)


T = TypeVar("T")
_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_ENTRIES = 256
_CACHE_LOCK = threading.Lock()


def kept(identity: tuple | None, key: tuple, make: Callable[[], T]) -> T:
    """What depends on the store's content alone, made once per store `identity`
    (store.identity: file and load version) and kept until the next load or delete: every
    page and every filter asks for it again. A store in memory (identity None) keeps nothing."""
    key = (identity, *key)
    with _CACHE_LOCK:
        if identity is not None and key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = make()
    if identity is not None:
        with _CACHE_LOCK:
            _CACHE[key] = value
            while len(_CACHE) > _CACHE_ENTRIES:
                _CACHE.popitem(last=False)
    return value


def _snapshots(con, identity: tuple | None, metric: Metric, derived: str | None,
               params: dict) -> tuple[date, ...] | None:
    """The store's snapshots of the series (the reference month's, or all), for a metric
    read from a derived table of employment rows: a hint beside the statement's own condition
    on the month, since a list of dates lets DuckDB skip the other snapshots' row groups and a
    condition on month() does not (a yearly view over chosen förvaltningar went from 30 to
    9 ms on 120 monthly snapshots). Every such table's dates are employment's. None for the
    rest."""
    if derived is None or source_table(metric) != "employment":
        return None
    every = kept(identity, ("snapshots",), lambda: tuple(
        d for (d,) in store.read(con, "SELECT DISTINCT snapshot_date FROM employment "
                                      "ORDER BY 1").iter_rows()))
    month = params["month"]
    return tuple(d for d in every if month is None or d.month == month)


def protected_tables(con, metric: Metric, params: dict,
                     identity: tuple | None) -> disclosure.Protected:
    """The metric's tables with disclosure decided (disclosure.protect_tables) together with
    the metrics linked to it (metrics.linked): every view of compute() is cut from them. Kept
    per store `identity`, since the views of one page (total, breakdowns, filter) and the
    family's other metrics all need the same tables."""
    members = {metric.id: metric}
    if registry.METRICS.get(metric.id) == metric:
        members = {m: registry.get(m) for m in linked.family(metric.id)}
    cfg = settings.get()
    thresholds = {m: disclosure.threshold(member, cfg) for m, member in members.items()}
    key = {k: v for k, v in params.items() if k != "snapshots"}

    def decide() -> dict[str, disclosure.Protected]:
        return disclosure.protect_tables(
            {m: _member_tables(con, member, key, identity) for m, member in members.items()},
            thresholds, linked.equations(tuple(members)), {m: linked.keep(m) for m in members},
            secondary=any(member.protection.secondary for member in members.values()))

    decided = kept(identity, ("protected", tuple(members.values()),
                               tuple(sorted(key.items())), tuple(thresholds.items())), decide)
    return decided[metric.id]


def _member_tables(con, metric: Metric, params: dict, identity: tuple | None) -> pl.DataFrame:
    """One metric's cells (tables_sql) under the series' parameters, with its numerator
    counts only where its class has the numerator rule."""
    derived = persons.table(con, metric, identity)
    params = {**params, "snapshots": _snapshots(con, identity, metric, derived, params)}
    cells = _read(con, tables_sql(metric, derived), params)
    if metric.protection.numerator_rule:
        return cells
    return cells.drop(c for c in cells.columns if c.startswith(disclosure.NUMERATOR_PREFIX))


def _read(con, statement: str, params: dict) -> pl.DataFrame:
    return store.read(con, statement, store.used(statement, params)).with_columns(
        pl.col("n").cast(pl.Int64))


def _view(tables: pl.DataFrame, by: tuple[str, ...],
          columns: Sequence[str] = ("suppressed",)) -> pl.DataFrame:
    """The cells of one table, [snapshot_date, <by>, n, value, <columns>]."""
    dim = next((b for b in by if b != "forvaltning"), None)
    rows = tables.filter(
        pl.col("scope_all") != ("forvaltning" in by),
        pl.col("dim").is_null() if dim is None else pl.col("dim") == dim,
    )
    return rows.select("snapshot_date", *by, "n", "value", *columns)


def _subset_view(con, metric: Metric, by: tuple[str, ...], chosen: list[str], params: dict,
                 protected: disclosure.Protected, derived: str | None,
                 identity: tuple | None) -> pl.DataFrame:
    """A view over a subset of förvaltningar. Rows per förvaltning are the table's own cells.
    A total over the subset (or over one of its categories) is computed afresh, with the
    subset's other views in one statement kept per store identity, and shown only where its
    persons' count follows from the shown cells anyway (Protected.sums_follow): for example
    where every förvaltning cell it adds up is shown, or where the whole municipality's cell
    is shown and so is every förvaltning cell it leaves out."""
    tables = protected.tables
    if "forvaltning" in by:
        return _view(tables, by).filter(pl.col("forvaltning").is_in(chosen))
    subset = kept(identity, ("subset", metric, tuple(sorted(params.items())), tuple(chosen)),
                   lambda: _read(con, tables_sql(metric, derived, subset=True),
                                 {**params, "forvaltningar": chosen}))
    keys = ["snapshot_date", *by]
    numerators = [c for c in subset.columns if c.startswith(disclosure.NUMERATOR_PREFIX)
                  and metric.protection.numerator_rule]
    cells = (_view(subset, by, numerators)
             .with_row_index("group").with_columns(pl.col("group").cast(pl.Int64)))
    members = (
        _view(tables, ("forvaltning", *by), ("suppressed", "cell"))
        .filter(pl.col("forvaltning").is_in(chosen))
        .join(cells.select(*keys, "group"), on=keys, nulls_equal=True)
    )
    follows = protected.sums_follow(members.select("snapshot_date", "group", "cell"))
    return (
        cells.join(follows, on="group", how="left")
        .with_columns(
            (~pl.col("follows").fill_null(False)
             | disclosure.small(pl.col("n"), [pl.col(c) for c in numerators],
                                disclosure.threshold(metric))
             | pl.col("value").is_null()).alias("suppressed"))
        .select(*keys, "n", "value", "suppressed")
        .sort(keys)
    )


def _published_subset(exact: pl.DataFrame, parts: pl.DataFrame, metric: Metric,
                      by: tuple[str, ...]) -> pl.DataFrame:
    """A subset's totals in publication mode: its count of persons (and the value of a count)
    is the sum of what is published for its förvaltningar, so that the totals of many subsets
    give nothing the published förvaltningar do not (rounded afresh, six subsets' totals gave
    a count back exactly). Hidden where any of its förvaltningar is hidden. Other values
    (shares, means) are the subset's own, rounded; the change is worked out from what is
    published."""
    keys = ["snapshot_date", *by]
    sums = parts.group_by(keys).agg(
        pl.col("n").sum().alias("_n"), pl.col("value").sum().alias("_sum"),
        pl.col("suppressed").any().alias("_hidden"))
    joined = exact.join(sums, on=keys, how="left", nulls_equal=True, maintain_order="left")
    hidden = pl.col("suppressed") | pl.col("_hidden").fill_null(True)
    count = metric.unit in disclosure.COUNT_UNITS
    published = disclosure.round_for_publication(joined, metric).with_columns(
        pl.when(hidden).then(None).otherwise(pl.col("_n")).alias("n"),
        pl.when(hidden).then(None).otherwise(pl.col("_sum") if count else pl.col("value"))
        .alias("value"),
        hidden.alias("suppressed"))
    base = published if count else joined.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col("value")).alias("value"))
    return disclosure.with_change(base, published, metric, list(by)).select(
        *exact.columns, "change")


def compute_many(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str],
    *,
    by: Sequence[str] = (),
    forvaltningar: Sequence[str] | None = None,
    publication: bool = False,
    monthly: bool = False,
) -> pl.DataFrame:
    """Several metrics stacked as a reader gets them (yearly series, or `monthly` ones), each
    value rounded to the decimals it is shown with (disclosure.decimals): [metric_id,
    snapshot_date, <by>, n, value, suppressed]. A metric that cannot be broken down by one
    of `by` is left out."""
    identity = store.identity(con)
    frames = [
        disclosure.round_as_shown(
            compute(con, metric.id, by=by, forvaltningar=forvaltningar, publication=publication,
                    monthly=monthly, identity=identity),
            metric, publication,
        ).select(pl.lit(metric.id).alias("metric_id"), pl.all())
        for metric in map(registry.get, metric_ids)
        if set(by) <= set(metric.breakdowns)
    ]
    if not frames:
        raise ValueError(f"Inget av nyckeltalen kan delas upp på {', '.join(by)}")
    return pl.concat(frames, how="vertical_relaxed")


def source_table(metric: Metric) -> str:
    """The canonical table behind the table or view a metric reads."""
    return store.SOURCE_TABLE.get(metric.table, metric.table)


def reads_years(metric: Metric) -> bool:
    """Whether the metric reads a yearly table (sick leave, HME), dated 31 December. A view
    over employment rows (issue 13: training, crisis placement) is dated by the snapshots."""
    if store.relation(metric.table) != metric.table:
        return False
    return any(name == "year" for name, _ in TABLES[source_table(metric)][0])


def available_columns(con: duckdb.DuckDBPyConnection, table: str = "employment") -> set[str]:
    """The columns of a canonical table that hold data in at least one row."""
    names = [name for name, _ in TABLES[table][0]]

    def found() -> set[str]:
        # Each column's first value, not a count: the scan stops there (3 ms, not 90, on
        # 6 M rows), and a column without any is skipped on its statistics.
        first = " UNION ALL ".join(f"(SELECT '{n}' AS name FROM {table} WHERE {n} IS NOT NULL "
                                   "LIMIT 1)" for n in names)
        return set(store.read(con, first)["name"].to_list())

    return set(kept(store.identity(con), ("available_columns", table), found))


def missing_columns(metric: Metric, available: set) -> list[str]:
    """The metric's columns the data lacks ("a|b" is missing only when both are)."""
    return [c for c in metric.columns if not set(c.split("|")) & available]
