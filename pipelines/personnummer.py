"""What a personnummer (or samordningsnummer) looks like as people and payroll systems write
it: the one recogniser of its shapes, for the personnummer column and erase's identity
(pseudonymise.checked), a personnummer where none belongs (pseudonymise.stray_personnummer)
and the masking of file names and messages (mask_personnummer).

ÅÅMMDD or ÅÅÅÅMMDD, then the last four digits, with or without up to three separator
characters between them (`850101 - 1234`): a hyphen; the dashes, hyphens and minus signs a
word processor or a spreadsheet writes in its place; plus (100 years or older); underscore,
dot or slash; a space of any kind (no-break, thin, figure, ideographic ...). Whether the
digits are a valid number (date, Luhn digit) is pseudonymise.checked()'s business; the mask
goes by the shape alone.

The patterns hold the separator characters themselves, not escapes, so Python's re (the mask)
and polars' Rust regex (the columns) read them alike.
"""

from __future__ import annotations

import re

SEPARATOR = ("[\\s\\-+_./"
             "\u2010-\u2015"  # hyphen, non-breaking hyphen, figure dash, en/em dash, bar
             "\u2212\ufe63\uff0d"  # minus sign, small and fullwidth hyphen-minus
             "\u200b]")  # zero-width space (\s has every other space)
"""One separator character."""
_BETWEEN = SEPARATOR + "{0,3}"
_FIRST = r"(?:\d{8}|\d{6})"
"""The date part, ÅÅÅÅMMDD or ÅÅMMDD."""

WELL_FORMED = rf"^{_FIRST}{_BETWEEN}\d{{4}}$"
"""A whole value that is a personnummer in form (the personnummer column, erase's identity)."""
EMBEDDED = (rf"(?:^|[^0-9])(?:{_FIRST}{_BETWEEN}\d{{4}}"
            rf"|{_FIRST}{SEPARATOR}{{1,3}}\d{{4}}\d{{1,2}}|(?:18|19|20)\d{{10}}\d{{1,2}})"
            r"(?:[^0-9]|$)")
"""A personnummer's shape standing alone or inside text, or glued to a suffix of one or two
digits (an employment id made of the personnummer and a running number: 19850101-12341,
1985010112342). Without a separator only the twelve-digit form with its century is read so,
since an ordinary id of eleven or twelve digits is no ten-digit personnummer with a suffix."""
LEADING = rf"^(\d{{8}}{_BETWEEN}\d{{4}}|\d{{6}}{_BETWEEN}\d{{4}})"
"""The personnummer at the start of an EMBEDDED match stripped of what surrounds it, without
the suffix (the twelve-digit form first)."""

_LIKE = re.compile(rf"(?<!\d)(?:\d{{2}})?\d{{6}}{_BETWEEN}\d{{4}}\d{{0,2}}(?!\d)")
"""A personnummer's shape in any text, also glued to a suffix of one or two digits (masked
with it)."""


def mask_personnummer(text: str) -> str:
    """`text` with anything shaped like a personnummer replaced by [personnummer]."""
    return _LIKE.sub("[personnummer]", text)
