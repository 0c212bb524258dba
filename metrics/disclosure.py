"""Small-cell protection: a figure resting on too few persons is never shown or exported,
nor recoverable by subtraction.

The screen, the CLI and the Excel export all receive frames that went through `protect()`, so
one rule holds everywhere. A hidden cell has value and n set to null and suppressed = true; it
is written as SUPPRESSED_MARK wherever a person reads it.

- Primary: a cell with n below the threshold is hidden.
- Secondary: within the cells that add up to a shown total (the förvaltningar of one snapshot,
  the genders of one förvaltning, ...), a single hidden cell could be recovered as the total
  minus the shown cells, so the smallest shown sibling is hidden too. This repeats along every
  breakdown dimension until no group holds exactly one hidden cell.
- Complement: a total over a subset of förvaltningar (the filter) is hidden when the
  förvaltningar left out hold between 1 and threshold - 1 persons, since the whole municipality
  minus the subset would reveal them (see compute.compute).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

SUPPRESSED_MARK = ".."


def protect(cells: pl.DataFrame, threshold: int, by: Sequence[str] = ()) -> pl.DataFrame:
    """Primary and secondary suppression of a frame [snapshot_date, <by>, n, value]."""
    frame = cells.with_columns(
        (pl.col("n").is_null() | (pl.col("n") < threshold)).alias("suppressed")
    )
    for _ in range(2 * len(by) + 1):  # each pass hides at least one cell, or the loop ends
        before = frame["suppressed"].sum()
        for dim in by:
            frame = _hide_lone_sibling(frame, ["snapshot_date", *(d for d in by if d != dim)])
        if frame["suppressed"].sum() == before:
            break
    return frame.with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("n", "value")
    )


def _hide_lone_sibling(frame: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Where a group of siblings holds exactly one hidden cell, hide its smallest shown one."""
    shown_rank = (
        pl.when(~pl.col("suppressed")).then(pl.col("n")).otherwise(None)
        .rank("ordinal").over(group)
    )
    lone = pl.col("suppressed").sum().over(group) == 1
    return frame.with_columns(
        (pl.col("suppressed") | (lone & (shown_rank == 1))).alias("suppressed")
    )


def complement_too_small(n_subset: pl.Expr, n_all: pl.Expr, threshold: int) -> pl.Expr:
    """True where the persons outside a filtered subset are too few to be revealed."""
    rest = n_all - n_subset.fill_null(0)
    return (rest > 0) & (rest < threshold)


def round_for_publication(frame: pl.DataFrame, unit: str) -> pl.DataFrame:
    """Publication mode, as SCB rounds (metric-definitions.md §0.9): counts to the nearest 10
    below 1 000 and to the nearest 100 above; salaries to the nearest 100 kr. Shares and ratios
    are computed before rounding and keep their value."""
    def nearest(expr: pl.Expr, step: int) -> pl.Expr:
        return (expr / step).round(mode="half_away_from_zero") * step

    def count(expr: pl.Expr) -> pl.Expr:
        return pl.when(expr < 1000).then(nearest(expr, 10)).otherwise(nearest(expr, 100))

    rounded = [count(pl.col("n")).cast(pl.Int64).alias("n")]
    if unit in ("personer", "anställningar"):
        rounded.append(count(pl.col("value")).alias("value"))
    elif unit == "kr":
        rounded.append(nearest(pl.col("value"), 100).alias("value"))
    return frame.with_columns(rounded)
