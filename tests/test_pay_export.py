"""The pay-gap report as files (metrics/pay_export.py) and `python -m metrics lonerapport`, on a
small pay extract whose figures are computed by hand below."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest

import store
from metrics import pay_export
from pipelines.load import ingest
from tests.extracts import csv_bytes, personnummer
from tests.xlsx_checks import problems

ROOT = Path(__file__).resolve().parent.parent

# 2025, a row per person: (gender, category, value level, basic pay, complementary pay, hours).
# Hourly pay = (basic + complementary) / hours; hourly basic and complementary likewise.
PAY_2025 = [
    ("K", "Undersköterska", 2, 200_000, 0, 1000),       # W1: 200 = 200 basic + 0
    ("K", "Undersköterska", 2, 250_000, 10_000, 1000),  # W2: 260 = 250 + 10
    ("K", "=Chef", 4, 600_000, 60_000, 2000),           # W3: 330 = 300 + 30
    ("M", "Undersköterska", 2, 220_000, 10_000, 1000),  # M1: 230 = 220 + 10
    ("M", "=Chef", 4, 280_000, 20_000, 1000),           # M2: 300 = 280 + 20
    ("M", "=Chef", 4, 350_000, 60_000, 1000),           # M3: 410 = 350 + 60
    ("M", "Undersköterska", 2, 100_000, 0, 0),          # no hours paid: not counted
]
# By hand, 2025 (k = 5 unless a test says otherwise; every figure rests on fewer):
# (a) mean hourly: women (200 + 260 + 330) / 3 = 263.33, men (230 + 300 + 410) / 3 = 313.33;
#     gap (313.33 - 263.33) / 313.33 x 100 = 50 / 313.33 x 100 = 15.957 -> 16.0
# (b) among those who received complementary pay (W2 10, W3 30; M1 10, M2 20, M3 60 per hour):
#     mean women 20, men 30: (30 - 20) / 30 x 100 = 33.333 -> 33.3
# (c) median hourly: women 260, men 300: (300 - 260) / 300 x 100 = 13.333 -> 13.3
# (d) median complementary: women 20, men 20: 0.0
# (e) women 2 of 3 = 66.667 -> 66.7 %, men 3 of 3 = 100.0 %
# (f) ranked 200 W1, 230 M1, 260 W2, 300 M2, 330 W3, 410 M3: band 1 is W1 and M1 (200-230),
#     band 4 M3 (410); bands 2 and 3 hold W2, M2, W3 between them.
# (g) =Chef (level 4, first): basic women 300, men (280 + 350) / 2 = 315: (315 - 300) / 315
#     = 4.762 -> 4.8; complementary women 30, men (20 + 60) / 2 = 40: 25.0; hourly women 330,
#     men 355: 25 / 355 = 7.042 -> 7.0, flagged (>= 5).
#     Undersköterska (level 2): basic women (200 + 250) / 2 = 225, men 220: -5 / 220 = -2.273
#     -> -2.3; complementary women (0 + 10) / 2 = 5, men 10: 50.0; hourly 230 and 230: 0.0.
EXPECTED_GAPS = [("a", 16.0, 3, 3), ("b", 33.3, 2, 3), ("c", 13.3, 3, 3), ("d", 0.0, 2, 3),
                 ("e", 66.7, 3, None), ("e", 100.0, None, 3)]
# 2024: basic pay only, no complementary column. Women 200 000 / 1000 h = 200 an hour, men
# 250: gap (250 - 200) / 250 = 20.0 on the mean and the median; (b), (d), (e) cannot be computed.
PAY_2024 = [(gender, category, level, 200_000 if gender == "K" else 250_000, None, 1000)
            for gender, category, level, *_ in PAY_2025[:6]]


def _extract(year: int, rows: list[tuple]) -> pl.DataFrame:
    records = []
    for i, (gender, category, level, basic, complementary, hours) in enumerate(rows):
        record = {"År": str(year), "Personnummer": personnummer(1970 + i, i, gender),
                  "Kön": gender, "Befattning": category.lstrip("="),
                  "Arbetstagarkategori": category, "Arbetsvärderingsnivå": str(level),
                  "Utbetald grundlön": str(basic), "Betalda timmar": str(hours)}
        if complementary is not None:
            record["Utbetalda tillägg"] = str(complementary)
        records.append(record)
    return pl.DataFrame(records)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A store holding the 2024 and 2025 extracts, loaded through the pipeline."""
    base = tmp_path_factory.mktemp("pay")
    patch = pytest.MonkeyPatch()
    patch.setenv("PERSONALPANELEN_DATA_DIR", str(base / "data"))
    patch.setenv("PERSONALPANELEN_SECRET_FILE", str(base / "key"))
    try:
        con = store.connect(base / "pay.duckdb")
        report = ingest(con, [("lon_2024.csv", csv_bytes(_extract(2024, PAY_2024))),
                              ("lon_2025.csv", csv_bytes(_extract(2025, PAY_2025)))])
        con.close()
    finally:
        patch.undo()
    assert report.loaded, report.summary()
    return base


@pytest.fixture
def con(folder, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PAY", "5")
    monkeypatch.delenv("PERSONALPANELEN_MUNICIPALITY", raising=False)
    connection = store.connect(folder / "pay.duckdb", read_only=True)
    yield connection
    connection.close()


def cli_env(folder: Path) -> dict[str, str]:
    """The process environment without any PERSONALPANELEN_ setting (so the thresholds are the
    defaults, k = 5), pointed at the test's store, data folder and key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONALPANELEN_")}
    return env | {"PERSONALPANELEN_DATA_DIR": str(folder / "data"),
                  "PERSONALPANELEN_DB": str(folder / "pay.duckdb"),
                  "PERSONALPANELEN_SECRET_FILE": str(folder / "key"),
                  "PYTHONPATH": str(ROOT)}


def run(folder: Path, *args: str, cwd: Path | None = None,
        command: str = "lonerapport") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", command, *args],
                          capture_output=True, env=cli_env(folder), cwd=cwd or ROOT)


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


# --- the command line ---------------------------------------------------------------------------


def test_json_of_the_latest_year_by_default(folder):
    result = run(folder)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout.decode("utf-8"))
    assert report["year"] == 2025
    assert (report["women"], report["men"], report["excluded"]) == (3, 3, 1)
    assert report["mean_gap"] == pytest.approx(50 / (940 / 3) * 100)
    assert report["median_gap"] == pytest.approx(40 / 300 * 100)
    assert report["mean_gap_complementary"] == pytest.approx(10 / 30 * 100)
    assert report["median_gap_complementary"] == pytest.approx(0.0)
    assert report["receiving_complementary"] == {"K": pytest.approx(200 / 3), "M": 100.0}
    bands = report["quartiles"]
    assert [(b["women"], b["men"]) for b in (bands[0], bands[-1])] == [(1, 1), (0, 1)]
    assert (bands[0]["women_share"], bands[0]["men_share"]) == (50.0, 50.0)
    assert (bands[0]["lowest_hourly"], bands[-1]["highest_hourly"]) == (200.0, 410.0)
    assert sum(b["women"] for b in bands[1:-1]) == 2 and sum(b["men"] for b in bands[1:-1]) == 1
    chef, nurse = report["categories"]
    assert (chef["category"], chef["women"], chef["men"], chef["flagged"]) == ("=Chef", 1, 2,
                                                                               True)
    assert chef["mean_gap_basic"] == pytest.approx(15 / 315 * 100)
    assert chef["mean_gap_complementary"] == pytest.approx(25.0)
    assert (nurse["category"], nurse["flagged"]) == ("Undersköterska", False)
    assert nurse["mean_gap_basic"] == pytest.approx(-5 / 220 * 100)
    assert nurse["mean_gap_complementary"] == pytest.approx(50.0)


def test_a_year_without_pay_data_exits_2_naming_the_years(folder):
    result = run(folder, "--year", "2019", "--format", "xlsx")
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "inga lönedata för 2019" in stderr and "2024, 2025" in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1


def test_a_store_without_pay_data_exits_2(tmp_path, folder):
    empty = tmp_path / "empty.duckdb"
    store.connect(empty).close()
    result = run(folder, "--db", str(empty))
    assert result.returncode == 2 and "inget löneuttag är inläst" in result.stderr.decode()


def test_xlsx_goes_to_a_named_file_without_output(folder, tmp_path):
    result = run(folder, "--year", "2024", "--format", "xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "lonerapport-2024.xlsx" in result.stderr.decode() and not result.stdout
    book = openpyxl.load_workbook(tmp_path / "lonerapport-2024.xlsx")
    assert book.sheetnames == ["Om rapporten", "Lönegap (a–e)", "Kvartiler (f)",
                               "Kategorier (g)"]


def test_csv_from_the_cli(folder, tmp_path):
    out = tmp_path / "rapport.csv"
    result = run(folder, "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stderr.decode()
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Swedish Excel reads UTF-8 by
    assert "33,3" in data.decode("utf-8-sig")  # decimal comma
    table = pl.read_csv(io.BytesIO(data), separator=";", decimal_comma=True)
    assert table.columns == list(pay_export.CSV_COLUMNS)
    assert table["item"].to_list() == ["a", "b", "c", "d", "e", "e", *["f"] * 8, *["g"] * 6]
    gaps = table.filter(pl.col("item") <= "e")
    assert list(zip(gaps["item"], gaps["value_percent"], gaps["women"], gaps["men"],
                    strict=True)) == EXPECTED_GAPS
    assert gaps["note"].str.contains("Vilar på färre än 5").all()
    bands = table.filter(item="f", band=1)
    assert bands["value_percent"].to_list() == [50.0, 50.0]
    chef = table.filter(item="g", category="'=Chef")  # neutralised: no formula in Excel
    assert chef["value_percent"].to_list() == [4.8, 25.0, 7.0]
    assert "Flaggad" in chef["note"][2] and "Flaggad" not in chef["note"][0]
    nurse = table.filter(item="g", category="Undersköterska")
    assert nurse["value_percent"].to_list() == [-2.3, 50.0, 0.0]


# --- the workbook -------------------------------------------------------------------------------


def test_workbook_sheets_items_and_values(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MUNICIPALITY", "Provkommun")
    data = pay_export.report_xlsx(con, 2025)
    assert problems(data) == []  # what a screen reader needs (tests/xlsx_checks.py)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Om rapporten", "Lönegap (a–e)", "Kvartiler (f)",
                               "Kategorier (g)"]
    for sheet in book:  # one table from A1, a header row, no merged cells
        (table,) = sheet.tables.values()
        assert table.ref.startswith("A1:") and table.headerRowCount in (None, 1)
        assert not sheet.merged_cells.ranges
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    cover = dict(rows(book["Om rapporten"])[1:])
    assert cover["Kommun"] == "Provkommun" and cover["År"] == 2025
    assert (cover["Kvinnor som räknas"], cover["Män som räknas"],
            cover["Personer som inte räknas"]) == (3, 3, 1)
    assert "DO" in cover["Definitionerna"] and "rapporteringsformulär" in cover["Definitionerna"]

    header, *items = rows(book["Lönegap (a–e)"])
    assert header == ("Uppgift", "Artikel 9.1", "Värde (%)", "Kvinnor", "Män", "Anmärkning")
    assert [(r[1], r[2], r[3], r[4]) for r in items] == EXPECTED_GAPS
    assert items[0][5] == "Vilar på färre än 5 kvinnor och färre än 5 män."
    assert items[1][5] == ("Vilar på färre än 5 kvinnor och färre än 5 män som fått "
                           "kompletterande eller rörliga lönedelar.")
    assert items[3][2] == 0.0  # a zero gap is a value, not an empty cell

    header, *bands = rows(book["Kvartiler (f)"])
    assert len(bands) == 4 and [b[0] for b in bands] == [1, 2, 3, 4]
    assert bands[0][1:7] == (200, 230, 1, 1, 50, 50)
    assert bands[3][1:7] == (410, 410, 0, 1, 0, 100)
    assert bands[0][7] == "Vilar på färre än 5 kvinnor och färre än 5 män."
    assert bands[3][7] == "Vilar på färre än 5 män."

    header, *categories = rows(book["Kategorier (g)"])
    assert header[-2] == "Flaggad (≥ 5 %)"
    assert categories[0][:12] == ("'=Chef", 4, 1, 2, 300, 315, 30, 40, 4.8, 25, 7, "Ja")
    assert categories[1][:12] == ("Undersköterska", 2, 2, 1, 225, 220, 5, 10, -2.3, 50, 0,
                                  "Nej")
    assert all(c[12].startswith("Vilar på färre än 5") for c in categories)
    chef = book["Kategorier (g)"]["A2"]
    assert chef.data_type == "s" and chef.value == "'=Chef"


def test_notes_only_where_a_figure_rests_on_too_few(con, monkeypatch):
    # k = 2: 3 women and 3 men, 2 and 3 receiving complementary pay, are enough; one woman
    # without it is not, and each quartile band and category has a gender once.
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PAY", "2")
    book = openpyxl.load_workbook(io.BytesIO(pay_export.report_xlsx(con, 2025)))
    notes = {(r[1], r[3]): r[5] for r in rows(book["Lönegap (a–e)"])[1:]}
    assert notes[("a", 3)] is None and notes[("b", 2)] is None
    assert notes[("e", 3)] == ("Vilar på färre än 2 kvinnor som inte fått kompletterande "
                               "eller rörliga lönedelar.")
    assert notes[("e", None)] is None  # every man received it: no small group
    categories = rows(book["Kategorier (g)"])[1:]
    assert [c[12] for c in categories] == ["Vilar på färre än 2 kvinnor.",
                                           "Vilar på färre än 2 män."]


def test_figures_that_cannot_be_computed_are_empty_with_a_reason(con):
    # 2024 has no complementary pay: (b), (d), (e) and the categories' complementary gaps.
    data = pay_export.report_xlsx(con, 2024)
    assert problems(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    items = rows(book["Lönegap (a–e)"])[1:]
    assert [(r[1], r[2]) for r in items] == [("a", 20.0), ("b", None), ("c", 20.0),
                                             ("d", None), ("e", None), ("e", None)]
    for row in items[1], items[3], items[4], items[5]:
        assert row[5].startswith("Kan inte räknas: löneuttaget för 2024 har inga uppgifter")
    for category in rows(book["Kategorier (g)"])[1:]:
        assert category[6:8] == (None, None) and category[9] is None
        assert "löneuttaget för 2024 har inga uppgifter om dem" in category[12]


def test_csv_has_a_row_per_item_band_gender_and_category_part(con):
    table = pl.read_csv(io.BytesIO(pay_export.report_csv(con, 2024)), separator=";",
                        decimal_comma=True)
    assert table.filter(item="b")["value_percent"].to_list() == [None]
    assert table.filter(item="b")["note"][0].startswith("Kan inte räknas")
    assert table.filter(item="f").height == 8  # four bands, women's and men's share


def test_a_year_without_data_is_refused(con):
    with pytest.raises(pay_export.NoPayData, match="År med lönedata: 2024, 2025"):
        pay_export.report_csv(con, 2023)


def test_the_pay_survey_s_pdf_from_the_command_line(folder, tmp_path):
    out = tmp_path / "kartlaggning.pdf"
    result = run(folder, "--year", "2025", "--out", str(out), command="lonekartlaggning")
    assert result.returncode == 0, result.stderr.decode()
    assert out.read_bytes().startswith(b"%PDF")
    missing = run(folder, "--year", "1999", "--out", str(out), command="lonekartlaggning")
    assert missing.returncode == 2 and "2025" in missing.stderr.decode()
