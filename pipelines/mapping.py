"""What the mapping form needs beyond the headers: the values in a file's columns that a
canonical vocabulary (gender, pay form, employment form, leave reason, yes/no flags) does not
know, so that the analyst can map them to canonical values and keep the map in the profile."""

from __future__ import annotations

import polars as pl

from pipelines import load, normalise, schema

VOCABULARY_TARGETS: dict[str, tuple[str, ...]] = {
    schema.GENDER: ("K", "M"),
    schema.PAY_FORM: ("monthly", "hourly"),
    schema.EMPLOYMENT_FORM: tuple(dict.fromkeys(schema.EMPLOYMENT_FORM_VALUES.values())),
    schema.FLAG: ("ja", "nej"),
    schema.LEAVE_REASON: tuple(dict.fromkeys(schema.LEAVE_REASON_VALUES.values())),
    schema.EDUCATION_LEVEL: schema.EDUCATION_LEVELS,
    schema.CORE_SERVICE: schema.CORE_SERVICES,
}
"""The canonical values a file value of each vocabulary may be mapped to (as a profile's
[values] table writes them: flags as ja/nej, which the flag vocabulary reads)."""

MAX_VALUES = 30
"""At most this many unknown values per column are offered (the rest stay unknown and are
reported when the file is loaded)."""


def unknown_values(name: str, data: bytes, columns: dict[str, str],
                   sheet: str | None = None) -> dict[str, list[str]]:
    """Canonical column -> the distinct values under its header that its vocabulary does not
    read, in file order, for the columns (canonical column -> header) that have a vocabulary."""
    kinds = _kinds()
    wanted = {column: header for column, header in columns.items()
              if kinds.get(column) in VOCABULARY_TARGETS}
    if not wanted:
        return {}
    heads = load.headers(name, data, rows=1_000_000, sheet=sheet)
    found = {}
    for column, header in wanted.items():
        values = pl.DataFrame({"raw": heads.samples.get(header, [])},
                              schema={"raw": pl.String}).unique("raw", maintain_order=True)
        parser = normalise.PARSERS[kinds[column]]
        unknown = (values.filter(parser(pl.col("raw")).is_null()
                                 & pl.col("raw").str.strip_chars().str.len_chars().gt(0))
                   .head(MAX_VALUES)["raw"].to_list())
        if unknown:
            found[column] = unknown
    return found


def targets(column: str) -> tuple[str, ...]:
    """The canonical values a file value of this column may be mapped to (none for a column
    without a vocabulary)."""
    return VOCABULARY_TARGETS.get(_kinds().get(column, ""), ())


def _kinds() -> dict[str, str]:
    """Canonical column -> its normaliser kind, over every extract."""
    return {c.name: c.kind for extract in schema.EXTRACTS for c in extract.columns}
