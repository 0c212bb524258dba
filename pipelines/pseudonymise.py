"""Person identity -> person key (and, from a personnummer, birth year and gender). The
personnummer or person id goes no further.

A person is identified by a personnummer (or samordningsnummer) or, in a file without one, by
a person id: an employee number per person, the HR system's person id, an id pseudonymised
upstream. The person key is HMAC-SHA256 under a per-installation secret kept outside the
repository and the database (settings.secret_path, created on first use with mode 0600) of:

- a personnummer: its twelve digits (`ÅÅÅÅMMDDNNNK`), as in every earlier load, so person keys
  stay those of the stores already loaded;
- a person id: `id:` followed by the id as written (`id:19650101`), except that an id of
  digits only loses its leading zeros (`00123` in a CSV and the number cell 123 in a workbook
  are one person: `id:123`).

The two kinds of input can never be equal (one is twelve digits, the other starts with
`id:`), so an employee number and a personnummer with the same digits get different keys.
The same person gets the same key in every load of one installation; without the secret the
key cannot be traced back to the person. Computed set-based: polars for the checks, DuckDB's
sha256 for the HMAC.

A personnummer in a column that should not hold one (an employment id, the person id, a title)
is found by stray_personnummer(): form, date and Luhn digit, so ordinary employee numbers of
10-12 digits are not taken for one; also when glued to a suffix (1985010112342, an employment
id made of the personnummer and a running number).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import duckdb
import polars as pl

from pipelines.personnummer import EMBEDDED, LEADING, WELL_FORMED

PNR = "personnummer"
PERSON_ID = "person_id"
KEY_INPUT = "key_input"
"""The text HMAC'd into the person key (see the module docstring)."""
ID_PREFIX = "id:"
PNR_PROBLEM = "pnr_problem"
"""Why a personnummer or person id was refused (None when valid): one of the PROBLEMS keys (a
person id can only be blank)."""
PROBLEMS = {
    "form": "har inte formen ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN",
    "date": "innehåller inget giltigt födelsedatum",
    "luhn": "har fel kontrollsiffra",
    "blank": "saknas",
}


def secret(path: Path) -> bytes:
    """The installation's pseudonym key; created (random, mode 0600, in a folder created 0700)
    when it does not exist. An existing key loses any group and other bits (its folder, which
    the user may have named, is left as it is)."""
    if not path.exists():
        if not path.parent.exists():
            path.parent.mkdir(parents=True)
            path.parent.chmod(0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    elif path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


def _luhn_ok(ten: pl.Expr) -> pl.Expr:
    """The Luhn check over the ten digits ÅÅMMDDNNNK."""
    terms = []
    for i in range(10):
        digit = ten.str.slice(i, 1).cast(pl.Int32, strict=False)
        product = digit * (2 if i % 2 == 0 else 1)
        terms.append(pl.when(product > 9).then(product - 9).otherwise(product))
    return pl.sum_horizontal(terms) % 10 == 0


def checked(frame: pl.DataFrame, reference_year: pl.Expr) -> pl.DataFrame:
    """Adds the twelve-digit form `pnr12`, birth_year, pnr_gender and PNR_PROBLEM.

    A ten-digit number gets the century that makes the person at most 99 years old in the
    reference year ('+' instead of '-' means 100 or older, as Skatteverket writes it)."""
    parts = frame.with_columns(
        pl.col(PNR).str.strip_chars().alias("_raw"),
        pl.col(PNR).str.replace_all(r"[^0-9]", "").alias("_digits"),
    ).with_columns(
        pl.col("_digits").str.slice(-10).alias("_ten"),
        pl.col("_raw").str.contains(WELL_FORMED).alias("_well_formed"),
    )
    raw, digits, ten = pl.col("_raw"), pl.col("_digits"), pl.col("_ten")
    yy = ten.str.slice(0, 2).cast(pl.Int32, strict=False)
    guessed = pl.when(2000 + yy <= reference_year).then(2000 + yy).otherwise(1900 + yy)
    birth_year = (
        pl.when(digits.str.len_chars() == 12)
        .then(digits.str.slice(0, 4).cast(pl.Int32, strict=False))
        .otherwise(guessed - pl.when(raw.str.contains(r"\+")).then(100).otherwise(0))
    )
    parts = parts.with_columns(birth_year.alias("birth_year"))
    day = ten.str.slice(4, 2).cast(pl.Int32, strict=False)
    day = pl.when(day > 60).then(day - 60).otherwise(day)  # samordningsnummer
    born = _date_or_null(pl.col("birth_year"), ten.str.slice(2, 2).cast(pl.Int32, strict=False),
                         day)
    problem = (
        pl.when(raw.is_null() | (raw == "")).then(pl.lit("blank"))
        .when(~pl.col("_well_formed")).then(pl.lit("form"))
        .when(born.is_null()).then(pl.lit("date"))
        .when(~_luhn_ok(ten)).then(pl.lit("luhn"))
    )
    return parts.with_columns(
        problem.alias(PNR_PROBLEM),
        pl.when(ten.str.slice(8, 1).cast(pl.Int32, strict=False) % 2 == 1)
        .then(pl.lit("M")).otherwise(pl.lit("K")).alias("pnr_gender"),
        pl.format("{}{}", pl.col("birth_year"), ten.str.slice(2)).alias("pnr12"),
    ).drop("_raw", "_digits", "_ten", "_well_formed")


def _date_or_null(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    text = pl.format("{}-{}-{}", year, month.cast(pl.String).str.zfill(2),
                     day.cast(pl.String).str.zfill(2))
    return text.str.to_date("%Y-%m-%d", strict=False)


def identified(frame: pl.DataFrame) -> pl.DataFrame:
    """For a frame identified by person_id (no personnummer): PNR_PROBLEM ('blank' where the
    id is missing) and birth_year from the file's own columns, Födelseår first, else the year
    of Födelsedatum, else unknown (NULL). Nothing is derived from the id."""
    given = []
    if "birth_year" in frame.columns:
        given.append(pl.col("birth_year"))
    if "birth_date" in frame.columns:
        given.append(pl.col("birth_date").dt.year().cast(pl.Int32))
    birth_year = pl.coalesce(given) if given else pl.lit(None, dtype=pl.Int32)
    return frame.with_columns(
        pl.when(pl.col(PERSON_ID).is_null()).then(pl.lit("blank")).alias(PNR_PROBLEM),
        birth_year.cast(pl.Int32).alias("birth_year"),
    )


def _key_input(frame: pl.DataFrame) -> pl.Expr:
    if "pnr12" in frame.columns:
        return pl.col("pnr12")
    return pl.lit(ID_PREFIX) + pl.col(PERSON_ID).str.replace(r"^0+(\d+)$", "${1}")


def keyed(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Replaces the personnummer (pnr12, after checked()) or the person id (after
    identified()) by person_key: HMAC-SHA256(key, key input) in hex, the input as the module
    docstring says. Rows with an invalid personnummer or no id get no key."""
    if len(key) > 64:
        raise ValueError("The pseudonym key must be at most 64 bytes (HMAC block size).")
    block = key.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block)
    outer = bytes(b ^ 0x5C for b in block)
    frame = frame.with_columns(_key_input(frame).alias(KEY_INPUT))
    inputs = frame.filter(pl.col(PNR_PROBLEM).is_null()).select(KEY_INPUT).unique()
    with duckdb.connect() as con:
        con.register("inputs", inputs)
        keys = con.sql(
            f"SELECT {KEY_INPUT}, sha256($outer || unhex(sha256($inner || encode({KEY_INPUT})))) "
            "AS person_key FROM inputs",
            params={"outer": outer, "inner": inner},
        ).pl()
    return frame.join(keys, on=KEY_INPUT, how="left").drop(
        PNR, "pnr12", PERSON_ID, KEY_INPUT, strict=False)


def stray_personnummer(frame: pl.DataFrame, columns: list[str], row: str,
                       reference_year: int) -> pl.DataFrame:
    """The (row, column) pairs where one of the text `columns` holds a valid personnummer or
    samordningsnummer (form, date and Luhn digit), alone, inside other text or glued to a
    suffix (personnummer.EMBEDDED)."""
    found = []
    for column in columns:
        candidates = (
            frame.select(pl.col(row), pl.col(column).str.extract_all(EMBEDDED).alias(PNR))
            .explode(PNR).drop_nulls(PNR)
            .with_columns(pl.col(PNR).str.replace_all(r"^[^0-9]+|[^0-9]+$", "")
                          .str.extract(LEADING, 1))
        )
        if candidates.is_empty():
            continue
        valid = checked(candidates, pl.lit(reference_year)).filter(
            pl.col(PNR_PROBLEM).is_null())
        found.append(valid.select(row, pl.lit(column).alias("column")).unique())
    return (pl.concat(found).sort(row) if found
            else pl.DataFrame(schema={row: pl.Int64, "column": pl.String}))
