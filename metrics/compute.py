"""The one interpreter: metric record + filters + breakdown -> a protected frame.

compute() returns one row per snapshot date and breakdown cell with the columns
[snapshot_date, <breakdowns>, n, value, suppressed], disclosure rules applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

import settings
import store
from metrics import disclosure, registry
from metrics.definition import BREAKDOWNS, Metric
from pipelines.schema import TABLES


def sql(metric: Metric, by: Sequence[str] = ()) -> str:
    """The SQL statement for a metric and breakdown (parameters: start, end, forvaltningar,
    fte_hours, retirement_age)."""
    cell_keys = ", ".join(("snapshot_date", *by))
    person_keys = "".join(
        f",\n           {b.person_sql} AS {name}" for name, b in BREAKDOWNS.items()
    )
    return f"""
WITH rows AS (
    SELECT * FROM {metric.table}
    WHERE ($start::DATE IS NULL OR snapshot_date >= $start::DATE)
      AND ($end::DATE IS NULL OR snapshot_date <= $end::DATE)
      AND ({metric.population})
),
persons AS (
    SELECT snapshot_date, person_key{person_keys}
           {", " + metric.person_columns if metric.person_columns else ""}
    FROM rows
    GROUP BY snapshot_date, person_key
)
SELECT {cell_keys}, {metric.n} AS n, ({metric.value})::DOUBLE AS value
FROM persons
WHERE ({metric.person_filter})
  AND ($forvaltningar::VARCHAR[] IS NULL OR list_contains($forvaltningar::VARCHAR[], forvaltning))
GROUP BY {cell_keys}
ORDER BY {cell_keys}
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
) -> pl.DataFrame:
    """One metric for every snapshot in [start, end], optionally only some förvaltningar,
    broken down by `by`; small cells hidden (disclosure.py), and rounded as SCB publishes when
    `publication` is on. `retirement_age` defaults to the setting."""
    metric = registry.get(metric) if isinstance(metric, str) else metric
    unknown = [b for b in by if b not in metric.breakdowns]
    if unknown:
        allowed = ", ".join(metric.breakdowns) or "inga"
        raise ValueError(
            f"{metric.id} kan inte delas upp på {', '.join(unknown)} (möjliga: {allowed})"
        )
    cfg = settings.get()
    threshold = getattr(cfg, metric.threshold)
    params = {
        "start": start,
        "end": end,
        "forvaltningar": list(forvaltningar) if forvaltningar is not None else None,
        "fte_hours": cfg.fte_hours_divisor,
        "retirement_age": retirement_age or cfg.retirement_age,
    }
    cells = _cells(con, metric, by, params)
    if forvaltningar is not None and "forvaltning" not in by:
        # The whole municipality minus this subset must not reveal the förvaltningar left out.
        everyone = _cells(con, metric, by, {**params, "forvaltningar": None})
        keys = ["snapshot_date", *by]
        cells = cells.join(
            everyone.select(*keys, pl.col("n").alias("n_all")), on=keys, how="left"
        ).select(
            *keys,
            pl.when(disclosure.complement_too_small(pl.col("n"), pl.col("n_all"), threshold))
            .then(None).otherwise(pl.col("n")).alias("n"),
            "value",
        )
    protected = disclosure.protect(cells, threshold, by)
    if publication:
        protected = disclosure.round_for_publication(protected, metric.unit)
    return protected


def _cells(con, metric: Metric, by: Sequence[str], params: dict) -> pl.DataFrame:
    """The unprotected cells [snapshot_date, <by>, n, value]: never shown as they are."""
    statement = sql(metric, by)
    used = {name: value for name, value in params.items() if f"${name}" in statement}
    # A cell whose value cannot be computed (the extract lacks a column, a zero denominator)
    # is left out rather than shown empty.
    return (
        store.read(con, statement, used)
        .filter(pl.col("value").is_not_null())
        .with_columns(pl.col("n").cast(pl.Int64))
    )


def compute_many(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str],
    *,
    by: Sequence[str] = (),
    publication: bool = False,
) -> pl.DataFrame:
    """Several metrics stacked: [metric_id, snapshot_date, <by>, n, value, suppressed].

    A metric that cannot be broken down by one of `by` is left out of that table."""
    frames = [
        compute(con, metric_id, by=by, publication=publication).select(
            pl.lit(metric_id).alias("metric_id"), pl.all()
        )
        for metric_id in metric_ids
        if set(by) <= set(registry.get(metric_id).breakdowns)
    ]
    if not frames:
        raise ValueError(f"Inget av nyckeltalen kan delas upp på {', '.join(by)}")
    return pl.concat(frames, how="vertical_relaxed")


def available_columns(con: duckdb.DuckDBPyConnection, table: str = "employment") -> set[str]:
    """The columns of a canonical table that hold data in at least one row."""
    names = [name for name, _ in TABLES[table][0]]
    counts = store.read(
        con, "SELECT " + ", ".join(f"count({n}) AS {n}" for n in names) + f" FROM {table}"
    )
    return {name for name in names if counts[name][0] > 0}


def missing_columns(metric: Metric, available: set) -> list[str]:
    """The metric's columns the data lacks ("a|b" is missing only when both are)."""
    return [c for c in metric.columns if not set(c.split("|")) & available]
