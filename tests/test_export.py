"""The Excel export opened with openpyxl and checked cell by cell."""

from __future__ import annotations

import io

import openpyxl
import pytest

import store
from metrics import registry
from metrics.export import workbook_bytes
from tests import employment_fixture as fx


@pytest.fixture
def con(fixture_con, monkeypatch):
    """The fixture at the default thresholds."""
    monkeypatch.delenv("PERSONALPANELEN_MIN_CELL", raising=False)
    monkeypatch.delenv("PERSONALPANELEN_MIN_N_PERCENTILES", raising=False)
    return fixture_con


def open_book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(ws):
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def test_a_sheet_per_indicator_then_definitions_and_load_log(con):
    book = open_book(workbook_bytes(con))
    labels = [m.label_sv for m in registry.METRICS.values()]
    assert [ws["A1"].value for ws in book.worksheets[: len(labels)]] == labels
    assert book.sheetnames[len(labels) :] == ["Definitioner", "Inläsningslogg"]
    assert len(set(book.sheetnames)) == len(book.sheetnames)  # 31-character names made unique


def test_full_time_sheet_cell_by_cell(con):
    ws = open_book(workbook_bytes(con, ["full_time_share"]))["Andel heltidsanställda"]
    table = rows(ws)
    assert table[0][0] == "Andel heltidsanställda"
    assert table[1][0] == registry.get("full_time_share").definition_sv
    assert table[4] == ("Mätdatum", "Förvaltning", "Antal personer", "Värde (%)")
    body = [(r[0].date(), r[1], r[2], r[3]) for r in table[5:12]]
    assert body == [
        (fx.PREV, "Hela kommunen", 7, 100),
        (fx.S, "Hela kommunen", 14, pytest.approx(1000 / 14)),
        (fx.PREV, "A", "..", ".."),  # p1 p2 x1
        (fx.PREV, "B", "..", ".."),  # p4 p9 x2 x3
        (fx.S, "A", 6, pytest.approx(200 / 3)),
        (fx.S, "B", "..", ".."),
        (fx.S, "Soc", "..", ".."),  # secondary: total - A - Soc would reveal B
    ]
    assert ws.cell(row=7, column=4).number_format == "0.0"
    assert table[13][0].startswith('".." = uppgiften visas inte')


def test_definitions_sheet_lists_every_metric(con):
    ws = open_book(workbook_bytes(con))["Definitioner"]
    table = rows(ws)
    assert table[0][:3] == ("Id", "Nyckeltal", "Definition")
    ids = [r[0] for r in table[1 : 1 + len(registry.METRICS)]]
    assert ids == list(registry.METRICS)
    median = table[1 + ids.index("social_worker_salary_median")]
    assert median[5] == 10  # its threshold, from settings


def test_load_log_sheet(con):
    table = rows(open_book(workbook_bytes(con))["Inläsningslogg"])
    assert table[1][0] == 1 and table[1][2] == "fixture" and table[1][4] == "2025-11-01"
    assert table[1][5] == len(fx.ROWS)


def test_no_cell_can_become_a_formula(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(1)", "{=1+1}"]
    rows_ = [r[:4] + (hostile[i % len(hostile)],) + r[5:] for i, r in enumerate(fx.ROWS)]
    con = store.connect(tmp_path / "f.duckdb")
    fx.load(con, rows_)
    book = open_book(workbook_bytes(con, ["full_time_share"]))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    names = {c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names


def test_publication_mode_in_the_workbook(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    book = open_book(workbook_bytes(con, ["headcount"], publication=True))
    table = rows(book["Antal anställda"])
    latest = [r for r in table[5:] if r[1] == "Hela kommunen" and r[0].year == 2025]
    assert latest == [(latest[0][0], "Hela kommunen", 20, 20)]  # 17 persons, rounded to 10
    assert any(isinstance(r[0], str) and "Publiceringsläge" in r[0] for r in table)
