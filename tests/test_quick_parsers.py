"""A column whose values all have a plain shape is read by a quick parser
(normalise.Reader.plain): it must read every such column exactly as the full parser does."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import normalise, schema
from pipelines.normalise import Dates, Numbers

NUMBER_TEXT = st.one_of(
    st.from_regex(r"\A-?(\d{1,6}|\d{0,6}\.\d{1,6})\Z", fullmatch=True),
    st.from_regex(r"\A-?[0-9]{1,4}\.\d{3}\Z", fullmatch=True),  # a point before 3 digits
)
DATE_TEXT = st.from_regex(r"\A(1[89]|20|21)\d{2}-[01]\d-[0-3]\d\Z", fullmatch=True)


def _both(values: list[str | None], reader: normalise.Reader) -> tuple[list, list]:
    raw = pl.Series("raw", values, dtype=pl.String)
    full = raw.to_frame().select(reader.parse(pl.col("raw"))).to_series()
    return normalise._parse_distinct(raw, reader).to_list(), full.to_list()


@pytest.mark.parametrize("text, kinds", [(NUMBER_TEXT, (schema.NUMBER, schema.RATE)),
                                         (DATE_TEXT, (schema.DATE, schema.SNAPSHOT))],
                         ids=["plain numbers", "ISO dates"])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_plain_values_read_as_the_full_parser_reads_them(text, kinds, data):
    values = data.draw(st.lists(st.one_of(text, st.none()), min_size=1, max_size=12))
    quick, full = _both(values, normalise.reader_of(data.draw(st.sampled_from(kinds))))
    assert quick == full


def test_the_quick_parser_is_taken_only_where_its_shape_holds():
    numbers, dates = normalise.reader_of(schema.NUMBER), normalise.reader_of(schema.DATE)
    shown = pl.Series(["1", "2.5", "1234.567", "0.125"])
    assert normalise._quick_parser(shown, numbers) is not None
    # A point before three digits may separate thousands: the column decides (number()).
    assert normalise._quick_parser(pl.Series(["1.508", "2"]), numbers) is None
    assert normalise._quick_parser(pl.Series(["1 234", "2"]), numbers) is None
    assert normalise._quick_parser(pl.Series(["2025-11-01"]), dates) is not None
    # ISO-shaped but no date, or another format in the column: the full parser.
    assert normalise._quick_parser(pl.Series(["2025-02-30"]), dates) is None
    assert normalise._quick_parser(pl.Series(["2025-11-01", "1.11.2025"]), dates) is None
    # A declared format reads as the profile says, never the quick way.
    declared = normalise.reader_of(schema.DATE, date_format=Dates("%Y-%d-%m"))
    assert declared.plain is None
    assert normalise.reader_of(schema.NUMBER, Numbers(",", ".")).plain is None


def test_a_column_of_thousands_separators_is_still_read_by_the_column():
    numbers = normalise.reader_of(schema.NUMBER)
    values = ["1.508", "12.345.678", None]
    quick, full = _both(values, numbers)
    assert quick == full == [1508.0, 12345678.0, None]
