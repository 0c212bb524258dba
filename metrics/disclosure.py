"""Small-cell protection: a figure resting on too few persons is never shown or exported.

The screen, the CLI and the Excel export all receive frames that went through this module, so
one rule holds everywhere. A suppressed cell has value and n set to null and suppressed = true;
it is written as SUPPRESSED_MARK wherever a person reads it.
"""

from __future__ import annotations

import polars as pl

SUPPRESSED_MARK = ".."


def primary(cells: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Hide every cell whose n is below the threshold (both its value and its n)."""
    hidden = pl.col("n").is_null() | (pl.col("n") < threshold)
    return cells.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col("value")).alias("value"),
        pl.when(hidden).then(None).otherwise(pl.col("n")).alias("n"),
        hidden.alias("suppressed"),
    )
