"""The Excel export read as a committee member reads it (issue 20): every sheet without values
says why (in the contents and in its table's alternative text), sheet names are whole words
and unique, times are Swedish local time, numbers are rounded as shown, and no cell holds a
Python repr, an English code id or a placeholder."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

import store
from metrics import export, persons, registry
from metrics.export import workbook_bytes
from tests import employment_fixture as fx
from tests.xlsx_checks import problems, table_alt_texts

ALL_SHOWN = {"PERSONALPANELEN_MIN_CELL": "1", "PERSONALPANELEN_MIN_N_PERCENTILES": "1",
             "PERSONALPANELEN_MIN_N_SICK_LEAVE": "1"}


def open_book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def fixture_store(tmp_path, *statements: str):
    """The hand-computed fixture, changed by SQL statements before anything reads it."""
    con = store.connect(tmp_path / "f.duckdb")
    fx.load(con)
    if statements:
        with store.transaction(con) as cur:
            for statement in statements:
                cur.execute(statement)
            persons.refresh(cur)
    return con


def sheet_of(book, metric_id: str):
    """The sheet the contents ("Innehåll") give for the metric's title."""
    return book[contents(book)[registry.get(metric_id).label_sv][0]]


def contents(book) -> dict[str, tuple[str, object, object]]:
    """The contents' table: full title -> (sheet linked, Värden, Anmärkning)."""
    sheet = book["Innehåll"]
    assert [c.value for c in sheet[1]] == ["Blad", "Innehåll", "Värden", "Anmärkning"]
    rows = {}
    for link, title, held, remark in sheet.iter_rows(min_row=2):
        assert link.hyperlink is not None and link.hyperlink.location.endswith("!A1")
        rows[title.value] = (link.value, held.value, remark.value)
    return rows


def described(data: bytes, ws) -> str:
    """The alternative text (description) of a sheet's table."""
    return table_alt_texts(data)[ws.title][1]


@pytest.fixture
def shown(monkeypatch):
    for name, value in ALL_SHOWN.items():
        monkeypatch.setenv(name, value)


# --- every sheet without values says why ------------------------------------------------------

NOT_LOADED = ("DELETE FROM absence_year", "DELETE FROM hme_result", "DELETE FROM training",
              "DELETE FROM crisis_placement")


@pytest.mark.parametrize(("statements", "expected"), [
    (NOT_LOADED, {
        "sick_leave_total": "Inga värden: inget sjukfrånvarouttag är inläst.",
        "hme_total": "Inga värden: ingen HME-sammanställning är inläst.",
        "training_coverage_licensed": "Inga värden: inget utbildningsuttag är inläst.",
        "crisis_placements": "Inga värden: inget krisplaceringsregister är inläst.",
    }),
    (("UPDATE employment SET actual_rate = NULL",), {
        "working_full_time_share": "saknar kolumnen ”Faktisk sysselsättningsgrad”",
        "full_time_gap": "saknar kolumnen ”Faktisk sysselsättningsgrad”",
    }),
    (("UPDATE employment SET snapshot_date = snapshot_date - INTERVAL 1 MONTH",), {
        "headcount": "inget av de inlästa anställningsuttagen är ett novemberuttag",
        "full_time_share": "värdena per år räknas på novemberuttagen",
    }),
    (("DELETE FROM employment WHERE snapshot_date = DATE '2024-11-01'",), {
        "turnover": "jämför ett novemberuttag med uttaget tolv månader tidigare",
        "turnover_excl_retirement": "novemberuttag från två år i följd",
    }),
    (("UPDATE training SET year = 2020, course_date = course_date - INTERVAL 5 YEAR",
      "UPDATE crisis_placement SET year = 2020"), {
        "training_coverage_licensed": "utbildningsuttaget har kurser från 2020",
        "crisis_placement_share": "krisplaceringsregistret gäller 2020",
    }),
    (("DELETE FROM employment WHERE ssyk_code = '2661'",), {
        "social_worker_salary_median": "ingen på något mätdatum som nyckeltalet kan räknas på",
    }),
])
def test_a_sheet_without_values_says_why(tmp_path, shown, statements, expected):
    con = fixture_store(tmp_path, *statements)
    data = workbook_bytes(con, list(expected))
    book = open_book(data)
    assert problems(data) == []
    listed = contents(book)
    for metric_id, words in expected.items():
        ws = sheet_of(book, metric_id)
        assert ws.max_row == 1, metric_id  # no values below the header
        title = registry.get(metric_id).label_sv
        sheet, held, remark = listed[title]
        assert words in (remark or ""), (metric_id, remark)
        assert remark.startswith("Inga värden: ")
        assert (sheet, held) == (ws.title, "Nej")
        assert remark in described(data, ws)  # the sheet's table says it too
    con.close()


def test_every_empty_sheet_of_an_export_says_why_and_the_cover_counts_them(tmp_path, shown):
    con = fixture_store(tmp_path, *NOT_LOADED, "UPDATE employment SET actual_rate = NULL")
    data = workbook_bytes(con)
    book = open_book(data)
    listed = contents(book)
    empty = 0
    for metric in registry.METRICS.values():
        ws = sheet_of(book, metric.id)
        has_rows = ws.max_row > 1
        sheet, held, remark = listed[metric.label_sv]
        assert sheet == ws.title
        if has_rows:
            assert held == "Ja", metric.id
        else:
            empty += 1
            assert held == "Nej" and remark, metric.id
            assert remark in described(data, ws), metric.id
    assert empty >= 15  # sick leave, HME, training, crisis, actual rate
    summary = [c.value for row in book["Om uttaget"].iter_rows() for c in row
               if isinstance(c.value, str) and " nyckeltal har värden" in c.value]
    assert summary == [f"{len(registry.METRICS) - empty} av {len(registry.METRICS)} nyckeltal "
                       'har värden i uttaget; bladet "Innehåll" säger i kolumnen "Anmärkning" '
                       "varför ett blad saknar dem."]
    con.close()


@pytest.mark.parametrize("publication", [False, True])
def test_a_sheet_whose_every_value_is_hidden_says_so(fixture_con, monkeypatch, publication):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "100")
    data = workbook_bytes(fixture_con, ["headcount"], publication=publication)
    book = open_book(data)
    ws = sheet_of(book, "headcount")
    assert ws.max_row > 1 and ws["C2"].value == ".."
    _, held, remark = contents(book)["Antal anställda"]
    assert held == "Nej" and remark.startswith('Alla värden döljs (".."): ')
    assert remark in described(data, ws)


def test_a_filter_without_values_says_so(fixture_con, shown):
    book = open_book(workbook_bytes(fixture_con, ["preschool_men_share"], forvaltningar=["Soc"]))
    assert contents(book)["Andel män i förskolan"][1:] == (
        "Nej", "Inga värden: det finns inga värden för de valda förvaltningarna.")
    assert sheet_of(book, "preschool_men_share").max_row == 1


def test_a_comparison_names_the_snapshot_without_a_year_before(fixture_con, shown):
    data = workbook_bytes(fixture_con, ["turnover"])
    book = open_book(data)
    ws = sheet_of(book, "turnover")
    remark = ("Inget värde för 2024-11-01: det finns inget uttag tolv månader tidigare att "
              "jämföra med.")
    assert contents(book)[registry.get("turnover").label_sv][1:] == ("Ja", remark)
    assert remark in described(data, ws)
    assert ws.max_row > 1


def test_a_sheet_with_values_has_no_remark(fixture_con, shown):
    book = open_book(workbook_bytes(fixture_con, ["full_time_share"]))
    ws = sheet_of(book, "full_time_share")
    assert contents(book)["Andel heltidsanställda"][1:] == ("Ja", None)
    assert ws["A2"].value is not None


# --- sheet names --------------------------------------------------------------------------------

def test_sheet_names_are_whole_unique_and_the_contents_give_the_full_titles(fixture_con):
    data = workbook_bytes(fixture_con)
    book = open_book(data)
    names = book.sheetnames
    assert len({n.casefold() for n in names}) == len(names)
    listed = contents(book)
    titles = table_alt_texts(data)
    for metric in registry.METRICS.values():
        name = sheet_of(book, metric.id).title
        assert titles[name][0] == metric.label_sv  # the linked sheet is the metric's
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
        assert not re.search(r" \d+$", name), name  # no numbered duplicate
        if len(metric.label_sv) <= 31:
            assert name == metric.label_sv
        else:  # a name of its own, not the title cut off mid-word
            assert name == export.SHEET_NAMES[metric.id]
        assert listed[metric.label_sv][0] == name
    definitions = book["Definitioner"]
    header = [c.value for c in definitions[1]]
    assert header[:2] == ["Nyckeltal", "Blad"]
    pairs = {r[0]: r[1] for r in definitions.iter_rows(min_row=2, values_only=True) if r[1]}
    assert all(pairs[m.label_sv] == sheet_of(book, m.id).title
               for m in registry.METRICS.values())


def test_every_short_sheet_name_belongs_to_a_long_title_and_fits():
    for metric_id, name in export.SHEET_NAMES.items():
        assert len(registry.get(metric_id).label_sv) > 31, metric_id
        assert len(name) <= 31, name
    names = [export.sheet_label(m).casefold() for m in registry.METRICS.values()]
    assert len(set(names)) == len(names)


# --- times and seconds --------------------------------------------------------------------------

@pytest.mark.parametrize(("stored", "swedish"), [
    ("2025-07-01 10:05:30", datetime(2025, 7, 1, 12, 5)),  # CEST, UTC+2
    ("2025-01-15 23:30:59", datetime(2025, 1, 16, 0, 30)),  # CET, UTC+1
])
def test_the_load_log_is_in_swedish_time_and_rounds_its_seconds(fixture_con, stored, swedish):
    fixture_con.execute("SET TimeZone = 'UTC'")  # the session wrote its wall clock in UTC
    fixture_con.execute("UPDATE load_log SET loaded_at = $at, seconds = 0.8614459499999612",
                        {"at": stored})
    ws = open_book(workbook_bytes(fixture_con, ["headcount"]))["Inläsningslogg"]
    assert ws["B1"].value == "Tidpunkt (svensk tid)"
    assert ws["B2"].value == swedish
    assert ws["G2"].value == 0.9 and ws["G2"].number_format == "0.0"


def test_the_cover_time_is_to_the_minute(fixture_con, monkeypatch):
    monkeypatch.setattr(export, "_utc_now",
                        lambda: datetime(2025, 7, 1, 10, 5, 42, 512000, tzinfo=UTC))
    cover = open_book(workbook_bytes(fixture_con, ["headcount"]))["Om uttaget"]
    created = next(r[1] for r in cover.iter_rows(values_only=True)
                   if r[0] == "Uttaget skapat (svensk tid)")
    assert created.second == 0 and created.microsecond == 0


# --- the municipality ---------------------------------------------------------------------------

def test_no_municipality_set_says_so(fixture_con, monkeypatch):
    monkeypatch.delenv("PERSONALPANELEN_MUNICIPALITY", raising=False)
    cover = open_book(workbook_bytes(fixture_con, ["headcount"]))["Om uttaget"]
    facts = {r[0]: r[1] for r in cover.iter_rows(values_only=True) if r[0]}
    assert facts["Kommun"] == "Inte angivet i Personalpanelens inställningar"
    assert export.municipality_name(fixture_con) is None


# --- nothing that is not meant for the reader ---------------------------------------------------

CODE_ID = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
REPRS = {"None", "nan", "NaN", "True", "False", "null", "inf"}


def places_of(number: float | int) -> int:
    return max(0, -Decimal(repr(number)).normalize().as_tuple().exponent)


def format_places(number_format: str) -> int:
    return len(number_format.split(".")[1]) if "." in number_format else 0


@pytest.mark.parametrize(("publication", "load_log"), [(False, True), (True, False)])
def test_every_cell_is_for_its_reader(fixture_con, shown, publication, load_log):
    fixture_con.execute("UPDATE load_log SET seconds = 0.8614459499999612")
    book = open_book(workbook_bytes(fixture_con, publication=publication, load_log=load_log))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                where = (ws.title, cell.coordinate, value)
                if isinstance(value, str):
                    assert value.strip() not in REPRS, where
                    assert ".py" not in value, where
                    if not load_log or ws.title != "Definitioner" or cell.column != 10:
                        assert not CODE_ID.match(value), where  # ids only as the analyst's
                elif isinstance(value, float):
                    assert cell.number_format != "General", where
                    assert places_of(value) <= format_places(cell.number_format), where
    definitions = [c.value for c in book["Definitioner"][1]]
    assert ("Id (kommandoraden)" in definitions) == load_log


def test_hme_sheets_count_respondents_by_year(fixture_con, shown):
    ws = sheet_of(open_book(workbook_bytes(fixture_con, ["hme_total"])), "hme_total")
    assert [c.value for c in ws[1]] == ["År", "Förvaltning", "Antal svarande", "Värde (index)"]
    assert ws["A2"].value == 2025  # the calendar year, not 2025-12-31


def test_sick_leave_sheets_show_the_year(fixture_con, shown):
    book = open_book(workbook_bytes(fixture_con, ["sick_leave_total", "headcount"]))
    sick = sheet_of(book, "sick_leave_total")
    assert sick["A1"].value == "År" and sick["A2"].value == 2025
    headcount = sheet_of(book, "headcount")
    assert headcount["A1"].value == "Mätdatum" and headcount["A2"].value.year == 2024
