"""Text from files as it reads: without the invisible characters that change how it shows.

A payroll file, a file name or a profile may hold characters that are never seen but act on
what is: a right-to-left override (U+202E) turns the rest of a förvaltning name around on the
screen, in a chart and in the PDF; a zero-width space makes two names that look the same
count as two. Removed here: the control characters (Unicode category Cc) other than tab and
line breaks, which the steps after reading handle as spaces, and the format characters (Cf):
the bidi controls (U+200E, U+200F, U+061C, U+202A-U+202E, U+2066-U+2069), zero-width spaces
and joiners, the byte order mark, soft hyphens. Letters of every script, å ä ö included, stay.

Every cell of a file read (pipelines/read.py), every file name (pipelines/load.py) and every
data text shown (ui/plain.py) goes through here, so the store, the findings, the screen and
the pack never hold them.
"""

from __future__ import annotations

import unicodedata

import polars as pl

KEPT = "\t\n\r"
"""Control characters that are whitespace a cell may hold (Alt+Enter in Excel)."""
HIDDEN = r"[\p{Cc}\p{Cf}--[\t\n\r]]"
"""The removed characters, as a regular expression of polars (Rust's regex crate)."""


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf") and ch not in KEPT


def text(value: str) -> str:
    """`value` without its hidden characters."""
    if value.isascii() and value.isprintable():
        return value
    return "".join(ch for ch in value if not _hidden(ch))


def expr(column: pl.Expr) -> pl.Expr:
    """text() for a String column."""
    return column.str.replace_all(HIDDEN, "")


def has_hidden(column: pl.Expr) -> pl.Expr:
    """Whether each value of a String column holds a hidden character."""
    return column.str.contains(HIDDEN)


def within(value):
    """`value` with text() applied to every string in it, through dicts, lists and tuples (a
    document made from a store loaded before this module existed)."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {within(k): within(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(within(v) for v in value)
    return value
