"""Value formats: employment-form spellings, number conventions (decimal comma or point,
thousands separators, currencies) and date orders (day or month first), each decided per
column; what cannot be decided is refused with a finding, never guessed or left empty."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import store
from pipelines import normalise, profiles, schema
from pipelines.load import ingest
from tests import extracts as ex

S = date(2025, 11, 1)


def parse(parser, values: list[str | None]) -> list:
    """A parser applied to one column of text values."""
    return pl.DataFrame({"x": values}, schema={"x": pl.String}).select(
        parser(pl.col("x"))).to_series().to_list()


def _with(column: str, values: list[str]) -> pl.DataFrame:
    frame = ex.small_extract(S, persons=len(values))
    return frame.with_columns(pl.Series(column, values, dtype=pl.String))


def _stored(con, frame: pl.DataFrame, column: str) -> list:
    report = ingest(con, [("uttag.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    return store.read(con, f"SELECT {column} FROM employment ORDER BY employment_id")[
        column].to_list()


def _errors(con, frame: pl.DataFrame) -> list:
    report = ingest(con, [("uttag.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    return report.errors


# --- employment forms --------------------------------------------------------------------------

FORMS = {
    "tillsvidare": ["Tillsvidareanställning", "Tillsvidare", "Tillsvidareanställd",
                    "Fast anställning", "Fast anställd", "Fast", "Tills vidare", "TV", "TVA",
                    "Permanent"],
    "visstid": ["Allmän visstidsanställning", "Särskild visstidsanställning", "Allmän visstid",
                "Särskild visstid", "Tidsbegränsad anställning", "Tidsbegränsad",
                "Visstidsanställning", "Visstid", "Vikariat", "Vikarie", "Vikariatsanställning",
                "Provanställning", "Säsongsanställning", "Säsong", "Objektsanställning",
                "Projektanställning", "ALVA", "SÄVA", "SÄVA ", "VIK", "AVA", "ÖVA",
                "Överenskommen visstidsanställning", "allmän  visstids-anställning"],
    "timanstallning": ["Timanställning", "Timanställd", "Timavlönad", "Behovsanställning",
                       "Behovsanställd", "Intermittent anställning", "Intermittent"],
}
SPELLINGS = [(text, form) for form, texts in FORMS.items() for text in texts]


@pytest.mark.parametrize(("text", "form"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_employment_form_spellings_parse_to_the_canonical_form(text, form):
    assert parse(normalise.PARSERS[schema.EMPLOYMENT_FORM], [text]) == [form]


def test_employment_forms_of_two_words_load_without_warnings(con):
    texts = ["Allmän visstidsanställning", "Särskild visstidsanställning", "Allmän visstid",
             "Tidsbegränsad anställning", "Fast anställning", "Intermittent anställning"]
    frame = _with("Anställningsform", texts)
    report = ingest(con, [("uttag.csv", ex.csv_bytes(frame))])
    assert report.loaded and not report.warnings, [str(f) for f in report.findings]
    stored = store.read(con, "SELECT employment_form FROM employment ORDER BY employment_id")
    assert stored["employment_form"].to_list() == [
        "visstid", "visstid", "visstid", "visstid", "tillsvidare", "timanstallning"]


@pytest.mark.parametrize("kind", [schema.GENDER, schema.FLAG, schema.PAY_FORM,
                                  schema.EMPLOYMENT_FORM])
def test_every_vocabulary_key_reads_as_written(kind):
    values = {schema.GENDER: schema.GENDER_VALUES, schema.FLAG: schema.FLAG_VALUES,
              schema.PAY_FORM: schema.PAY_FORM_VALUES,
              schema.EMPLOYMENT_FORM: schema.EMPLOYMENT_FORM_VALUES}[kind]
    keys = [key for key in values if key]  # a blank flag is read as no elsewhere
    assert parse(normalise.PARSERS[kind], keys) == [values[key] for key in keys]


# --- numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("texts", "values"), [
    # what was accepted before stays accepted
    (["32 500,50", "32\u00a0500,50", "32\u202f500,50"], [32500.5] * 3),
    (["32.500,50", "32500.5", "32500", "32 500 kr", "0,75", "-5", "\u22125"],
     [32500.5, 32500.5, 32500.0, 32500.0, 0.75, -5.0, -5.0]),
    (["75 %", "100 %", "0.75"], [75.0, 100.0, 0.75]),
    # US thousands separators: a value with ',' before '.' settles the column
    (["23,751", "69,222.18"], [23751.0, 69222.18]),
    (["$69,222.18", "$ 1,234", "USD 1,234.50", "1,234.50 USD"], [69222.18, 1234.0, 1234.5,
                                                                  1234.5]),
    (["1,234,567", "23,751"], [1234567.0, 23751.0]),     # two ',' groups: thousands
    # Swedish: '.' before ',' or two '.' groups settle the column the other way
    (["1.508", "1.234,50"], [1508.0, 1234.5]),
    (["1.508", "1.234.567"], [1508.0, 1234567.0]),
    (["1,508", "32500,5"], [1.508, 32500.5]),             # a decimal comma elsewhere
    (["173.332", "160.5"], [173.332, 160.5]),             # a decimal point elsewhere
    (["€1.234,50", "1 234,50 kr", "SEK 32 500", "32 500:-", "12 EUR"],
     [1234.5, 1234.5, 32500.0, 32500.0, 12.0]),
    # a leading zero cannot be a thousands group; an equal reading is no ambiguity
    (["0.750", "0,500", "-0,125"], [0.75, 0.5, -0.125]),
    (["1.5e3", "43905"], [1500.0, 43905.0]),
    # ambiguous: '1.508' is 1508 or 1,508 and nothing in the column says which
    (["1.508"], [None]), (["23,751"], [None]), (["173.332", "40"], [None, 40.0]),
    (["23,751", "1,5"], [23.751, 1.5]),
    # not numbers at all
    (["1,23,456", "12.34.5", "$", "inf", "NaN", "1.234,567.8", "5-", "--5", "30000 NOK"],
     [None] * 9),
    ([None, "", " "], [None] * 3),
])
def test_number_conventions_are_decided_per_column(texts, values):
    assert parse(normalise.number, texts) == pytest.approx(values)


def test_us_thousands_load_at_full_size(con):
    frame = _with("Månadslön (heltid)", ["23,751", "69,222.18", "$31,000.00"])
    assert _stored(con, frame, "monthly_salary_fte") == [23751.0, 69222.18, 31000.0]


def test_currency_symbols_load(con):
    frame = _with("Månadslön (heltid)", ["$69,222.18", "€ 31.000,00", "32 000 SEK"])
    assert _stored(con, frame, "monthly_salary_fte") == [69222.18, 31000.0, 32000.0]


def test_an_ambiguous_number_is_refused_naming_row_column_and_value(con):
    frame = _with("Månadslön (heltid)", ["30000", "31.500", "32000", "33.250"])
    errors = _errors(con, frame)
    assert [(e.file, e.row, e.column) for e in errors] == [
        ("uttag.csv", 3, "Månadslön (heltid)"), ("uttag.csv", 5, "Månadslön (heltid)")]
    assert errors[0].message.startswith("'31.500' kan läsas både som 31500 och som 31,5")


def test_a_value_that_is_not_a_number_is_a_finding_not_a_null(con):
    frame = _with("Månadslön (heltid)", ["30000", "$", "1,23,456"])
    errors = _errors(con, frame)
    assert [(e.row, e.column) for e in errors] == [(3, "Månadslön (heltid)"),
                                                   (4, "Månadslön (heltid)")]
    assert all("kan inte läsas som ett tal" in e.message for e in errors)


DERIVED = """
name = "Veckotimmar"
[columns]
personnummer = "Personnummer"
employment_id = "Anst.nr"
pay_form = "Löneform"
[derive]
snapshot_date = { constant = "2025-11-01" }
hours_worked_month = { from = "Veckotimmar", multiply = 4.3333 }
monthly_salary_fte = { from = "Annual salary", divide = 12 }
"""


def _derived(con, rows: list[tuple[str, str]]):
    lines = ["Personnummer;Anst.nr;Löneform;Veckotimmar;Annual salary"] + [
        ";".join((ex.personnummer(1970 + i, i, "K"), f"a{i + 1}", "Timlön", *row))
        for i, row in enumerate(rows)]
    profile = profiles.parse(DERIVED, "veckotimmar")
    return ingest(con, [("tim.csv", "\n".join(lines).encode())], profile=profile)


def test_a_derived_value_is_not_read_back_with_thousands_rules(con):
    report = _derived(con, [("40", "$69,222.18"), ("0.348", "360000"), ("", "")])
    assert report.loaded, [str(f) for f in report.findings]
    stored = store.read(con, "SELECT hours_worked_month, monthly_salary_fte FROM employment "
                             "ORDER BY employment_id")
    assert stored["hours_worked_month"].to_list() == pytest.approx([173.332, 1.508, 0.0])
    assert stored["monthly_salary_fte"].to_list() == pytest.approx([5768.515, 30000.0, None])


def test_a_derived_column_from_an_unreadable_value_is_a_finding(con):
    report = _derived(con, [("40", "30000"), ("fyrtio", "30000")])
    assert not report.loaded
    [error] = report.errors
    assert (error.row, error.column) == (3, "Veckotimmar")
    assert error.message.startswith("'fyrtio' kan inte läsas som ett tal")


# --- dates -------------------------------------------------------------------------------------

D = date


@pytest.mark.parametrize(("texts", "values"), [
    (["09/22/1986", "01/02/1990"], [D(1986, 9, 22), D(1990, 1, 2)]),      # month first
    (["22/09/1986", "01/02/1990"], [D(1986, 9, 22), D(1990, 2, 1)]),      # day first
    (["1/10/1999 0:00", "13/10/1999 12:30"], [D(1999, 10, 1), D(1999, 10, 13)]),
    (["9/22/1986 12:00 AM", "1/2/1990 3:15:00 PM"], [D(1986, 9, 22), D(1990, 1, 2)]),
    (["05/05/2020"], [D(2020, 5, 5)]),                  # either reading is the same day
    (["2020-03-15T08:30:00", "2020-03-15 8:30", "15.03.2020 00:00"], [D(2020, 3, 15)] * 3),
    # what was accepted before stays accepted
    (["2020-03-15", "43905", "15 mars 2020", "15.03.2020", "20200315", "15/03/2020"],
     [D(2020, 3, 15)] * 6),
    # ambiguous: nothing in the column says whether the day or the month comes first
    (["01/02/2020"], [None]), (["1/10/1999 0:00", "2020-01-01"], [None, D(2020, 1, 1)]),
    # both orders in one column: the unambiguous ones are read, the rest refused
    (["13/01/2020", "01/13/2020", "02/03/2020"], [D(2020, 1, 13), D(2020, 1, 13), None]),
    # not dates
    (["02/30/2020", "13/13/2020", "2020-11-01 25:00"], [None, None, None]),
])
def test_date_orders_are_decided_per_column(texts, values):
    assert parse(normalise.dates, texts) == values


def test_us_dates_load(con):
    frame = _with("Anställningsdatum", ["09/22/1986", "1/10/1999 0:00", "12/31/2001"])
    assert _stored(con, frame, "employment_start") == [D(1986, 9, 22), D(1999, 1, 10),
                                                       D(2001, 12, 31)]


def test_an_ambiguous_date_is_refused_naming_both_readings(con):
    frame = _with("Anställningsdatum", ["2020-01-01", "01/02/2020", "2020-01-01"])
    [error] = _errors(con, frame)
    assert (error.row, error.column) == (3, "Anställningsdatum")
    assert error.message.startswith("'01/02/2020' kan vara 2020-02-01 eller 2020-01-02")


def test_a_year_does_not_depend_on_the_order():
    assert parse(normalise.year, ["01/02/2020", "2021"]) == [2020, 2021]


def test_a_snapshot_in_us_order(con):
    assert _stored(con, _with("Mätdatum", ["11/30/2025", "11/30/2025"]),
                   "snapshot_date") == [D(2025, 11, 30)] * 2
