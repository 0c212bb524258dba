"""Profile derivations and declared formats: row numbers and joined columns as keys, ordered
patterns, weekly hours to a rate or to monthly hours, a number locale and a date format per
profile and per column, and person ids with leading zeros. Expected values are worked out by
hand in the comments; every failure is a finding naming the file, row and column."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
import xlsxwriter

import store
from metrics.compute import compute
from pipelines import normalise, profiles
from pipelines.load import ingest

S = date(2025, 11, 1)
D = date


def profile(body: str, name: str = "test") -> profiles.Profile:
    return profiles.parse(f'name = "{name}"\n{body}', name)


def lines(*rows: str) -> bytes:
    return "\n".join(rows).encode()


def rows_of(con, columns: str, order: str = "employment_id") -> list[tuple]:
    return store.read(con, f"SELECT {columns} FROM employment ORDER BY {order}").rows()


def loaded(con, name: str, data: bytes, body: str):
    report = ingest(con, [(name, data)], profile=profile(body))
    assert report.loaded, [str(f) for f in report.findings]
    return report


def refused(con, name: str, data: bytes, body: str):
    report = ingest(con, [(name, data)], profile=profile(body))
    assert not report.loaded
    return report


def parse(parser, values: list[str | None]) -> list:
    return pl.DataFrame({"x": values}, schema={"x": pl.String}).select(
        parser(pl.col("x"))).to_series().to_list()


# A file with one row per person and no employment id; the person is a person id.
PERSONS = """
[columns]
person_id = "Personid"
pay_form = "Löneform"
[derive]
snapshot_date = { constant = "2025-11-01" }
"""


# --- row number and joined columns -------------------------------------------------------------

def test_row_number_is_the_row_of_the_file_and_a_summary_row_is_still_skipped(con):
    data = lines("Personalrapport november", "Personid;Löneform;Månadslön", "P1;Månadslön;30000",
                 "P2;Månadslön;31000", "", "P3;Timlön;", ";Summa;61000")
    report = loaded(con, "rader.csv", data, PERSONS + "employment_id = { row_number = true }\n")
    # header on line 2: data on lines 3, 4 and (after a blank line) 6; line 7 sums
    assert [e.row for e in report.warnings] == [7]
    assert rows_of(con, "employment_id, pay_form", "employment_id::INT") == [
        ("3", "monthly"), ("4", "monthly"), ("6", "hourly")]


def test_concat_joins_columns_into_a_key_and_a_blank_part_is_a_finding(con):
    body = PERSONS + 'employment_id = { concat = ["Personid", "Befattning"], separator = "/" }\n'
    data = lines("Personid;Befattning;Löneform", "P1;Lärare;Månadslön", "P1; Rektor ;Månadslön",
                 "P2;Lärare;Timlön")
    loaded(con, "nyckel.csv", data, body)
    assert rows_of(con, "employment_id") == [("P1/Lärare",), ("P1/Rektor",), ("P2/Lärare",)]
    # without a separator the parts are joined by '-'
    loaded(con, "nyckel.csv", data, body.replace(', separator = "/"', ""))
    assert rows_of(con, "employment_id")[0] == ("P1-Lärare",)
    blank = refused(con, "tom.csv", lines("Personid;Befattning;Löneform", "P1;Lärare;Månadslön",
                                          "P2;;Månadslön"), body)
    assert [(e.file, e.row, e.column, e.message) for e in blank.errors] == [
        ("tom.csv", 3, "Anställningsnummer", "Anställningsnummer saknas på raden.")]


# --- ordered patterns and lookup defaults ------------------------------------------------------

TITLES = PERSONS + """employment_id = { row_number = true }
ssyk_code = { from = "Befattning", patterns = { "förskollärare" = "2343", "lärare" = "2341", \
"socialsekr" = "2661" } }
is_manager = { from = "Befattning", patterns = { "chef|rektor" = "Ja" }, default = "Nej" }
"""


def test_patterns_first_match_wins_and_an_unmatched_title_is_reported(con):
    data = lines("Personid;Befattning;Löneform", "P1;Förskollärare;Månadslön",
                 "P2;Lärare åk 1-3;Månadslön", "P3;SOCIALSEKRETERARE;Månadslön",
                 "P4;Rektor;Månadslön", "P5;Förskollärare;Timlön", "P6;;Timlön")
    report = loaded(con, "titlar.csv", data, TITLES)
    # 'Förskollärare' also contains 'lärare': the first pattern in the table wins
    assert rows_of(con, "employment_id, ssyk_code, is_manager", "employment_id::INT") == [
        ("2", "2343", False), ("3", "2341", False), ("4", "2661", False), ("5", None, True),
        ("6", "2343", False), ("7", None, False)]
    [unknown] = [f for f in report.warnings if f.column == "Befattning"]
    assert (unknown.row, unknown.message) == (5, "Okänt värde 'Rektor' (1 rader, första på rad "
                                                 "5). Profilens tabell för SSYK saknar värdet; "
                                                 "raden läses in utan SSYK.")


def test_a_default_applies_to_unmatched_values_not_to_blank_cells(con):
    body = TITLES.replace('"2661" } }', '"2661" }, default = "9999" }') + (
        'org_unit = { from = "Enhetskod", map = { "A1" = "Norr" }, default = "Övrigt" }\n')
    data = lines("Personid;Befattning;Enhetskod;Löneform", "P1;Rektor;A1;Månadslön",
                 "P2;;B7;Månadslön", "P3;Lärare;;Månadslön")
    report = loaded(con, "standard.csv", data, body)
    assert not report.warnings
    assert rows_of(con, "ssyk_code, org_unit", "employment_id::INT") == [
        ("9999", "Norr"), (None, "Övrigt"), ("2341", None)]


# --- weekly hours ------------------------------------------------------------------------------

WEEKLY = PERSONS + """employment_id = { row_number = true }
contracted_rate = { from = "Veckoarbetstid", full_time = 40 }
actual_rate = { from = "Veckoarbetstid", full_time = "Heltidsmått" }
hours_worked_month = { from = "Veckoarbetstid", weekly_to_monthly = true }
"""


def test_weekly_hours_give_a_rate_against_full_time_and_monthly_hours(con):
    data = lines("Personid;Löneform;Veckoarbetstid;Heltidsmått", "P1;Månadslön;40;40",
                 "P2;Månadslön;30;40", "P3;Månadslön;37,5;38,25", "P4;Timlön;17,5;40")
    loaded(con, "vecka.csv", data, WEEKLY)
    stored = rows_of(con, "contracted_rate, actual_rate, hours_worked_month",
                     "employment_id::INT")
    # rate = weekly / full time * 100; monthly hours = weekly * 52 / 12
    expected = [(100.0, 100.0, 173.3333), (75.0, 75.0, 130.0),
                (93.75, 98.0392, 162.5), (43.75, 43.75, 75.8333)]
    assert [pytest.approx(row, abs=1e-4) for row in expected] == stored


def test_an_unreadable_or_zero_full_time_is_a_finding_in_its_own_column(con):
    data = lines("Personid;Löneform;Veckoarbetstid;Heltidsmått", "P1;Månadslön;40;40",
                 "P2;Månadslön;30;0", "P3;Månadslön;fyrtio;40", "P4;Månadslön;20;heltid")
    report = refused(con, "vecka.csv", data, WEEKLY)
    assert sorted((e.file, e.row, e.column, e.message) for e in report.errors) == [
        ("vecka.csv", 3, "Heltidsmått", "'0' kan inte läsas som heltidens veckotimmar, ett tal "
                                        "över 0."),
        ("vecka.csv", 4, "Veckoarbetstid", "'fyrtio' kan inte läsas som ett tal."),
        ("vecka.csv", 5, "Heltidsmått", "'heltid' kan inte läsas som heltidens veckotimmar, "
                                        "ett tal över 0."),
    ]


# --- number locales ----------------------------------------------------------------------------

US, SV, SV_DOTS = normalise.Numbers(".", ","), normalise.Numbers(",", " "), normalise.Numbers(
    ",", ".")


@pytest.mark.parametrize(("numbers", "texts", "values"), [
    # '23,751' alone is refused by inspection; a declared locale reads it either way
    (US, ["23,751", "23,751.50", "1,234,567", "$1,000.25", "-0.5", ".5", "1000"],
     [23751.0, 23751.5, 1234567.0, 1000.25, -0.5, 0.5, 1000.0]),
    (US, ["23.751,50", "1,23,456", "23751,5", "1,000.", "0,5"], [None] * 5),
    (SV, ["23,751", "23 751,50", "23\u00a0751,50", "32 500 kr", "-5", "\u22125", "75 %"],
     [23.751, 23751.5, 23751.5, 32500.0, -5.0, -5.0, 75.0]),
    (SV, ["23.751", "23,751.50", "1.234,5"], [None] * 3),
    (SV_DOTS, ["1.508", "1.234.567,5", "0,755", "1234"], [1508.0, 1234567.5, 0.755, 1234.0]),
    (SV_DOTS, ["0.755", "1.23", "12.34.567"], [None] * 3),
    (normalise.Numbers("."), ["1,000", "1000.5"], [None, 1000.5]),   # no thousands declared
    (normalise.Numbers(".", "'"), ["1'234.50", "1,234.50"], [1234.5, None]),
    # currencies: the declared ones replace the usual ones
    (normalise.Numbers(",", " ", ("NOK", "kr")), ["30 000 NOK", "NOK 5", "30 000 kr", "$5",
                                                  "5 SEK"], [30000.0, 5.0, 30000.0, None, None]),
    # a derived number (an integer times 10^-4) reads the same in every locale
    (SV_DOTS, ["1733333e-4"], [173.3333]),
])
def test_declared_number_locales(numbers, texts, values):
    assert parse(numbers.read, texts) == pytest.approx(values)


def _salaries(values: list[str]) -> bytes:
    return lines("Personid;Löneform;Lön", *(f"P{i};Månadslön;{v}" for i, v in enumerate(values)))


SALARY = (PERSONS.replace("[derive]", 'monthly_salary_fte = "Lön"\n[derive]')
          + "employment_id = { row_number = true }\n")


def test_a_declared_locale_settles_what_inspection_refuses(con):
    data = _salaries(["31.500", "33.250"])
    # undeclared: '31.500' may be 31500 or 31,5 and nothing in the column says which
    undeclared = refused(con, "lon.csv", data, SALARY)
    assert undeclared.errors[0].message.startswith("'31.500' kan läsas både som 31500")
    loaded(con, "lon.csv", data, SALARY + '[numbers]\ndecimal = ","\nthousands = "."\n')
    assert rows_of(con, "monthly_salary_fte", "employment_id::INT") == [(31500.0,), (33250.0,)]
    loaded(con, "lon.csv", data, SALARY + '[numbers]\ndecimal = "."\n')
    assert rows_of(con, "monthly_salary_fte", "employment_id::INT") == [(31.5,), (33.25,)]


def test_a_value_that_does_not_fit_the_declared_locale_is_a_finding(con):
    data = _salaries(["31 500,00", "31.500,00", "32500", "1 234,5 kr"])
    report = refused(con, "lon.csv", data, SALARY + '[numbers]\ndecimal = ","\n')
    assert [(e.file, e.row, e.column, e.message) for e in report.errors] == [
        ("lon.csv", 3, "Lön", "'31.500,00' kan inte läsas som ett tal med decimalkomma "
                              "(profilens talformat).")]


def test_a_column_declares_its_own_locale(con):
    body = (PERSONS.replace("[derive]", 'monthly_salary_fte = "Lön"\nhourly_wage = "Timlön"\n'
                                        '[derive]')
            + 'employment_id = { row_number = true }\n'
            + '[numbers]\ndecimal = ","\nthousands = "."\n'
            + 'hourly_wage = { decimal = ".", thousands = "," }\n')
    data = lines("Personid;Löneform;Lön;Timlön", "P1;Månadslön;31.500;", "P2;Timlön;;1,250.5",
                 "P3;Timlön;;185.25")
    loaded(con, "två.csv", data, body)
    assert rows_of(con, "monthly_salary_fte, hourly_wage", "employment_id::INT") == [
        (31500.0, None), (None, 1250.5), (None, 185.25)]
    # the file's locale on its own would read '185.25' as no number
    wrong = refused(con, "två.csv", data, body.replace('hourly_wage = { decimal = ".", '
                                                      'thousands = "," }\n', ""))
    assert [(e.row, e.column) for e in wrong.errors] == [(3, "Timlön"), (4, "Timlön")]


def test_a_derivation_reads_its_source_in_the_locale_of_the_column_it_makes(con):
    body = (PERSONS + 'employment_id = { row_number = true }\n'
            'monthly_salary_fte = { from = "Årslön", divide = 12 }\n'
            '[numbers]\ndecimal = "."\nthousands = ","\n')
    loaded(con, "år.csv", lines("Personid;Löneform;Årslön", "P1;Månadslön;360,000",
                                "P2;Månadslön;301,506.00"), body)
    # 360000 / 12 = 30000; 301506 / 12 = 25125.5
    assert rows_of(con, "monthly_salary_fte", "employment_id::INT") == [(30000.0,), (25125.5,)]
    bad = refused(con, "år.csv", lines("Personid;Löneform;Årslön", "P1;Månadslön;360 000,00"),
                  body)
    assert [(e.row, e.column) for e in bad.errors] == [(2, "Årslön")]
    assert bad.errors[0].message == ("'360 000,00' kan inte läsas som ett tal med decimalpunkt "
                                     "och komma mellan tusental (profilens talformat).")


def _workbook(header: list[str], rows: list[list]) -> bytes:
    """A workbook whose numbers are number cells and whose text is text cells."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        sheet = book.add_worksheet("Uttag")
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                (sheet.write_string if isinstance(value, str) else sheet.write)(r, c, value)
    return buffer.getvalue()


def test_in_a_workbook_a_number_cell_is_read_whatever_the_declared_locale(con):
    body = SALARY + '[numbers]\ndecimal = ","\nthousands = "."\n'
    header = ["Personid", "Löneform", "Lön"]
    loaded(con, "lon.xlsx", _workbook(header, [["P1", "Månadslön", 23751.5],
                                               ["P2", "Månadslön", "31.500,50"],
                                               ["P3", "Månadslön", 0.755]]), body)
    assert rows_of(con, "monthly_salary_fte", "employment_id::INT") == [
        (23751.5,), (31500.5,), (0.755,)]
    # a number cell 1.508 and the text 1.508 (1508 with the declared thousands) look alike
    both = refused(con, "lon.xlsx", _workbook(header, [["P1", "Månadslön", 1.508]]), body)
    assert [(e.row, e.column) for e in both.errors] == [(2, "Lön")]
    assert both.errors[0].message.startswith("'1.508' kan vara talet 1,508 (en talcell) eller "
                                             "1508")
    # the same value in a text file is text: the declared locale reads it
    loaded(con, "lon.csv", _salaries(["1.508"]), body)
    assert rows_of(con, "monthly_salary_fte") == [(1508.0,)]


# --- date formats ------------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "texts", "values"), [
    ("%m/%d/%Y", ["01/02/2020", "1/2/2020", "12/31/2001 12:00 AM", "2020-03-15",
                  "2020-03-15 00:00:00"],
     [D(2020, 1, 2), D(2020, 1, 2), D(2001, 12, 31), D(2020, 3, 15), D(2020, 3, 15)]),
    ("%m/%d/%Y", ["31/12/2001", "01.02.2020", "1/2/20", "02/30/2020", "43905"], [None] * 5),
    ("%d/%m/%Y", ["01/02/2020", "31/12/2001", "12/31/2001"], [D(2020, 2, 1), D(2001, 12, 31),
                                                             None]),
    ("%d.%m.%Y", ["1.11.2025", "01.11.2025", "11/01/2025"], [S, S, None]),
    # fields without separators must have all their digits: '1986123' is no date
    ("%Y%m%d", ["19861231", "1986123", "1986-12-31"], [D(1986, 12, 31), None, D(1986, 12, 31)]),
    ("%d-%m-%Y", ["05-04-1990", "5-4-1990", "0-4-1990"], [D(1990, 4, 5), D(1990, 4, 5), None]),
])
def test_declared_date_formats(fmt, texts, values):
    assert parse(normalise.Dates(fmt).read, texts) == values


DATED = PERSONS.replace('snapshot_date = { constant = "2025-11-01" }\n', "").replace(
    "[columns]", '[columns]\nsnapshot_date = "Period"\nemployment_start = "Anställd"') + (
    "employment_id = { row_number = true }\n")


def test_a_declared_date_format_settles_day_or_month_first(con):
    data = lines("Personid;Löneform;Period;Anställd", "P1;Månadslön;11/01/2025;03/04/2015",
                 "P2;Månadslön;11/01/2025;2015-04-03")
    # undeclared, 03/04/2015 may be 3 April or 4 March (the period written ISO here: see the
    # report, a batch with an unreadable snapshot date stops in load._one_snapshot_per_month)
    undeclared = refused(con, "datum.csv", data.replace(b"11/01/2025", b"2025-11-01"), DATED)
    assert [(e.row, e.column) for e in undeclared.errors] == [(2, "Anställd")]
    loaded(con, "datum.csv", data, DATED + '[dates]\nformat = "%m/%d/%Y"\n')
    assert rows_of(con, "snapshot_date, employment_start", "employment_id::INT") == [
        (S, D(2015, 3, 4)), (S, D(2015, 4, 3))]
    # a column with its own format: the period month first, the start day first
    loaded(con, "datum.csv", data, DATED + '[dates]\nformat = "%m/%d/%Y"\n'
                                           'employment_start = { format = "%d/%m/%Y" }\n')
    assert rows_of(con, "employment_start", "employment_id::INT") == [
        (D(2015, 4, 3),), (D(2015, 4, 3),)]


def test_a_date_that_does_not_fit_the_declared_format_is_a_finding(con):
    data = lines("Personid;Löneform;Period;Anställd", "P1;Månadslön;2025-11;03/04/2015",
                 "P2;Månadslön;2025-11;31/12/2015", "P3;Månadslön;2025-11;4 mars 2015")
    report = refused(con, "datum.csv", data, DATED + '[dates]\nformat = "%m/%d/%Y"\n')
    # the period as a month is still a snapshot; the start dates must fit the format
    assert [(e.file, e.row, e.column, e.message) for e in report.errors] == [
        ("datum.csv", 3, "Anställd", "'31/12/2015' kan inte läsas som ett datum i formatet "
                                     "MM/DD/ÅÅÅÅ (profilens datumformat)."),
        ("datum.csv", 4, "Anställd", "'4 mars 2015' kan inte läsas som ett datum i formatet "
                                     "MM/DD/ÅÅÅÅ (profilens datumformat)."),
    ]


# --- person ids with leading zeros -------------------------------------------------------------

ID_LAYOUT = PERSONS.replace("[derive]", 'employment_id = "Anst.nr"\n[derive]').replace(
    'constant = "2025-11-01"', 'constant = "{snapshot}"')


def test_leading_zeros_give_one_person_across_a_csv_and_a_workbook(con):
    csv_body = ID_LAYOUT.replace("{snapshot}", "2024-11-01")
    csv = lines("Personid;Anst.nr;Löneform", "00123;A1;Månadslön", "0042;A2;Månadslön",
                "007X;A3;Månadslön", "0;A4;Månadslön")
    loaded(con, "2024.csv", csv, csv_body)
    xlsx = _workbook(["Personid", "Anst.nr", "Löneform"],
                     [[123, "A1", "Månadslön"], [42, "A2", "Månadslön"],
                      ["7X", "A3", "Månadslön"], ["000", "A4", "Månadslön"]])
    loaded(con, "2025.xlsx", xlsx, ID_LAYOUT.replace("{snapshot}", "2025-11-01"))
    keys = store.read(con, "SELECT employment_id, list(DISTINCT person_key) AS keys, count(*) "
                           "AS n FROM employment GROUP BY employment_id ORDER BY employment_id")
    # 00123 and 123 are one person, 0042 and 42 too, 0 and 000 too; 007X and 7X are not digits
    # only: two ids, two persons
    assert [(e, len(k), n) for e, k, n in keys.rows()] == [
        ("A1", 1, 2), ("A2", 1, 2), ("A3", 2, 2), ("A4", 1, 2)]


# --- the profile text --------------------------------------------------------------------------

EVERYTHING = """name = "Allt"
[columns]
person_id = "Personid"
pay_form = "Löneform"
[derive]
employment_id = { concat = ["Personid", "Befattning"], separator = " / " }
ssyk_code = { from = "Befattning", patterns = { "lärare" = "2341", "chef" = "1531" }, default = "" }
org_unit = { from = "Kod", map = { "A" = "Norr" }, default = "Övrigt" }
contracted_rate = { from = "Timmar", full_time = "Heltid" }
actual_rate = { from = "Timmar", full_time = 38.25 }
hours_worked_month = { from = "Timmar", weekly_to_monthly = true }
monthly_salary_fte = { from = "Årslön", divide = 12 }
snapshot_date = { constant = "2025-11-01" }
[numbers]
decimal = ","
thousands = " "
currency = ["kr", "SEK"]
hourly_wage = { decimal = ".", thousands = "," }
[dates]
format = "%d/%m/%Y"
employment_start = { format = "%Y%m%d" }
"""


def test_the_new_keys_are_written_back_and_read_again():
    first = profiles.parse(EVERYTHING, "allt")
    again = profiles.parse(profiles.dumps(first), "kopia")
    assert (again.derive, again.numbers, again.dates) == (first.derive, first.numbers,
                                                          first.dates)
    assert list(again.derive["ssyk_code"]["patterns"]) == ["lärare", "chef"]  # order kept
    assert again.number_format("hourly_wage") == {"decimal": ".", "thousands": ",",
                                                  "currency": ["kr", "SEK"]}
    assert again.number_format("monthly_salary_fte") == {"decimal": ",", "thousands": " ",
                                                         "currency": ["kr", "SEK"]}
    assert (again.date_format("employment_start"), again.date_format("first_hire_date")) == (
        "%Y%m%d", "%d/%m/%Y")
    assert again.headers() == {"Personid", "Löneform", "Befattning", "Kod", "Timmar", "Heltid",
                               "Årslön"}


def test_a_saved_profile_with_the_new_keys_loads(env):
    path = profiles.save(profiles.parse(EVERYTHING, "allt"))
    assert profiles.load(path).dates == {"format": "%d/%m/%Y",
                                         "employment_start": {"format": "%Y%m%d"}}


@pytest.mark.parametrize(("text", "message"), [
    ('[derive]\nemployment_id = { row_number = 1 }', "employment_id: row_number ska vara true"),
    ('[derive]\nemployment_id = { row_number = true, from = "A" }', "row_number läser inte from"),
    ('[derive]\nemployment_id = { concat = "A" }', "concat ska vara en lista med minst två"),
    ('[derive]\nemployment_id = { concat = ["A"] }', "concat ska vara en lista med minst två"),
    ('[derive]\nemployment_id = { concat = ["A", "B"], separator = 1 }',
     "separator ska vara text inom citattecken"),
    ('[derive]\nssyk_code = { from = "T", map = { "a" = "1" }, separator = "-" }',
     "separator hör bara till concat"),
    ('[derive]\nssyk_code = { patterns = { "a" = "1" } }', "ssyk_code saknar from ="),
    ('[derive]\nssyk_code = { from = "T", patterns = ["a"] }',
     "patterns ska vara en tabell: mönster = värde"),
    ('[derive]\nssyk_code = { from = "T", patterns = { "a" = 1 } }',
     "patterns ska vara en tabell: mönster = värde"),
    ('[derive]\nssyk_code = { from = "T", patterns = { "(chef" = "1" } }',
     "'(chef' är inget giltigt mönster"),
    ('[derive]\nis_manager = { from = "T", pattern = "[" }', "'[' är inget giltigt mönster"),
    ('[derive]\nssyk_code = { from = "T", pattern = "a", default = "x" }',
     "default hör bara till map och patterns"),
    ('[derive]\ncontracted_rate = { from = "T", full_time = 0 }',
     "full_time ska vara heltidens veckotimmar"),
    ('[derive]\ncontracted_rate = { from = "T", full_time = true }',
     "full_time ska vara heltidens veckotimmar"),
    ('[derive]\nhours_worked_month = { from = "T", weekly_to_monthly = 4.33 }',
     "weekly_to_monthly ska vara true"),
    ('[derive]\nhours_worked_month = { from = "T", multiply = 2, divide = 3 }',
     "ska ha precis ett av"),
    ('[numbers]\ndecimal = ";"', '[numbers]: decimal ska vara "," eller "."'),
    ('[numbers]\ndecimal = ","\nthousands = ","', "decimal och thousands kan inte vara samma"),
    ('[numbers]\nthousands = "."', "thousands kräver decimal"),
    ('[numbers]\ndecimal = "."\nthousands = "_"', 'thousands ska vara "" (ingen)'),
    ('[numbers]\ncurrency = "kr"', "currency ska vara en lista med valutatecken"),
    ('[numbers]\ncurrency = ["1"]', "currency ska vara en lista med valutatecken"),
    ('[numbers]\ndecimals = ","', "[numbers]: okänd nyckel decimals"),
    ('[numbers]\njob_title = { decimal = "," }', "[numbers]: okänd nyckel job_title"),
    ('[numbers]\nhourly_wage = ","', "[numbers] hourly_wage ska vara en tabell"),
    ('[numbers]\ndecimal = ","\nthousands = "."\nhourly_wage = { decimal = "." }',
     "[numbers] hourly_wage: decimal och thousands kan inte vara samma"),
    ('[dates]\nformat = "%m/%d/%y"', "format '%m/%d/%y' ska innehålla %d (dag), %m (månad)"),
    ('[dates]\nformat = "%B %d %Y"', "ska innehålla %d (dag), %m (månad) och %Y"),
    ('[dates]\nformat = 2020', "format ska vara text inom citattecken"),
    ('[dates]\nemployment_start = { format = "%d/%d/%Y" }', "[dates] employment_start: format"),
    ('[dates]\nhourly_wage = { format = "%d/%m/%Y" }', "[dates]: okänd nyckel hourly_wage"),
    ('numbers = 3', "numbers har fel form (en tabell)"),
])
def test_wrong_forms_of_the_new_keys_are_refused_in_swedish(text, message):
    with pytest.raises(profiles.ProfileError) as refusal:
        profiles.parse(text, "fel")
    assert message in str(refusal.value)
    assert str(refusal.value).startswith("Profilen fel")


# --- end to end: a US export ----------------------------------------------------------------

US_EXPORT = """name = "US export"
[columns]
person_id = "Employee ID"
snapshot_date = "Report date"
employment_start = "Hire date"
monthly_salary_fte = "Monthly salary"
pay_form = "Pay type"
[values.pay_form]
"Salaried" = "monthly"
"Hourly" = "hourly"
[derive]
employment_id = { row_number = true }
contracted_rate = { from = "Weekly hours", full_time = 40 }
ssyk_code = { from = "Title", patterns = { "social worker" = "2661", "preschool" = "2343" } }
[numbers]
decimal = "."
thousands = ","
[dates]
format = "%m/%d/%Y"
"""

US_CSV = b"""Employee ID,Title,Report date,Hire date,Monthly salary,Weekly hours,Pay type
"00017",Social worker,11/01/2025,03/04/2015,"23,751.50",40,Salaried
"00018",Senior Social Worker,11/01/2025,01/02/2020,"31,000.00",30,Salaried
"00019",Preschool teacher,11/01/2025,11/10/2018,"28,400.75",37.5,Salaried
"00020",Social worker,11/01/2025,12/01/2024,"26,020.00",20,Salaried
"00021",Preschool assistant,11/01/2025,02/03/2021,"1,508.00",10,Hourly
"""


def test_a_us_export_without_employment_ids_loads_and_gives_hand_computed_figures(con):
    # without the declared formats the file is refused: no hire date is after the 12th
    undeclared = US_EXPORT.split("[numbers]")[0]
    report = ingest(con, [("us.csv", US_CSV.replace(b"11/01/2025", b"2025-11-01"))],
                    profile=profiles.parse(undeclared, "us"))
    assert not report.loaded and {e.column for e in report.errors} == {"Hire date"}
    report = ingest(con, [("us.csv", US_CSV)], profile=profiles.parse(US_EXPORT, "us"))
    assert report.loaded, [str(f) for f in report.findings]
    assert rows_of(con, "employment_id, snapshot_date, employment_start, monthly_salary_fte, "
                        "contracted_rate, ssyk_code, pay_form", "employment_id::INT") == [
        ("2", S, D(2015, 3, 4), 23751.5, 100.0, "2661", "monthly"),
        ("3", S, D(2020, 1, 2), 31000.0, 75.0, "2661", "monthly"),
        ("4", S, D(2018, 11, 10), 28400.75, 93.75, "2343", "monthly"),
        ("5", S, D(2024, 12, 1), 26020.0, 50.0, "2661", "monthly"),
        ("6", S, D(2021, 2, 3), 1508.0, 25.0, "2343", "hourly"),
    ]

    def value(metric_id):
        return compute(con, metric_id)["value"][-1]

    # four monthly-paid persons: (100 + 75 + 93.75 + 50) / 4 = 79.6875
    assert value("mean_contracted_rate") == pytest.approx(79.6875)
    # social workers 23751.5, 26020, 31000: the median is 26020
    assert value("social_worker_salary_median") == pytest.approx(26020.0)
    # one of the four monthly-paid persons works full time
    assert value("full_time_share") == pytest.approx(25.0)
