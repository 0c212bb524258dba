"""Personnummer -> person key, birth year and gender. The personnummer goes no further.

The person key is HMAC-SHA256 of the twelve-digit personnummer under a per-installation secret
kept outside the repository and the database (settings.secret_path, created on first use with
mode 0600). The same person gets the same key in every load of one installation; without the
secret the key cannot be traced back to the person. Computed set-based: polars for the checks,
DuckDB's sha256 for the HMAC.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import duckdb
import polars as pl

PNR = "personnummer"
PNR_PROBLEM = "pnr_problem"
"""Why a personnummer was refused (None when valid): one of the PROBLEMS keys."""
PROBLEMS = {
    "form": "har inte formen ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN",
    "date": "innehåller inget giltigt födelsedatum",
    "luhn": "har fel kontrollsiffra",
    "blank": "saknas",
}


def secret(path: Path) -> bytes:
    """The installation's pseudonym key; created (random, mode 0600) when it does not exist."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
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
        pl.col(PNR).str.replace_all(r"[\s\-+]", "").alias("_digits"),
    ).with_columns(
        pl.col("_digits").str.slice(-10).alias("_ten"),
        pl.col("_raw").str.contains(r"^(\d{6}|\d{8})[-+ ]?\d{4}$").alias("_well_formed"),
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


def keyed(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Replaces personnummer (and pnr12) by person_key: HMAC-SHA256(key, pnr12) in hex.
    Rows with an invalid personnummer get no key."""
    if len(key) > 64:
        raise ValueError("The pseudonym key must be at most 64 bytes (HMAC block size).")
    block = key.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block)
    outer = bytes(b ^ 0x5C for b in block)
    numbers = frame.filter(pl.col(PNR_PROBLEM).is_null()).select("pnr12").unique()
    with duckdb.connect() as con:
        con.register("numbers", numbers)
        keys = con.sql(
            "SELECT pnr12, sha256($outer || unhex(sha256($inner || encode(pnr12)))) "
            "AS person_key FROM numbers",
            params={"outer": outer, "inner": inner},
        ).pl()
    return frame.join(keys, on="pnr12", how="left").drop(PNR, "pnr12")
