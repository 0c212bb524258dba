"""The Excel export opened with openpyxl and checked cell by cell."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

import store
from metrics import disclosure, export, registry
from metrics.compute import compute
from metrics.disclosure import decimals
from metrics.export import metric_sheet_frame, workbook_bytes
from tests import employment_fixture as fx
from tests.xlsx_checks import problems, table_alt_texts


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


def cover_facts(book) -> dict[str, object]:
    """The sheet "Om uttaget": its table's Uppgift -> Värde."""
    header, *facts = rows(book["Om uttaget"])
    assert header == ("Uppgift", "Värde")
    return {r[0]: r[1] for r in facts}


def link_target(location: str) -> str:
    """The sheet an internal hyperlink location ('Name'!A1) points at."""
    sheet, _, cell = location.rpartition("!")
    assert cell == "A1"
    if sheet.startswith("'"):
        assert sheet.endswith("'")
        sheet = sheet[1:-1].replace("''", "'")
    return sheet


def test_contents_facts_then_a_sheet_per_indicator_then_definitions_and_load_log(con):
    data = workbook_bytes(con)
    book = open_book(data)
    labels = [m.label_sv for m in registry.METRICS.values()]
    assert book.sheetnames[:2] == ["Innehåll", "Om uttaget"]
    indicators = book.sheetnames[2 : 2 + len(labels)]
    titles = table_alt_texts(data)
    assert [titles[name][0] for name in indicators] == labels  # each table's title
    header, *listed = rows(book["Innehåll"])
    assert header == ("Blad", "Innehåll", "Värden", "Anmärkning")
    assert [r[:2] for r in listed[1 : 1 + len(labels)]] == list(zip(indicators, labels,
                                                                     strict=True))
    assert book.sheetnames[2 + len(labels) :] == ["Definitioner", "Inläsningslogg"]
    assert len(set(book.sheetnames)) == len(book.sheetnames)  # 31-character names made unique


@pytest.mark.parametrize(("options", "env"), [
    ({}, {}),
    ({"publication": True, "load_log": False}, {}),
    ({"forvaltningar": ["Soc", "A"]}, {"PERSONALPANELEN_MIN_CELL": "1"}),
    ({"metric_ids": ["headcount"]}, {"PERSONALPANELEN_MIN_CELL": "100"}),  # all hidden
])
def test_every_sheet_is_one_table_a_screen_reader_can_read(con, monkeypatch, options, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    options = dict(options)
    data = workbook_bytes(con, options.pop("metric_ids", None), **options)
    assert problems(data) == []
    book = open_book(data)
    assert set(table_alt_texts(data)) == set(book.sheetnames[2:]) - {"Definitioner",
                                                                     "Inläsningslogg"}


def test_an_export_of_an_empty_store_is_tables_too(tmp_path):
    empty = store.connect(tmp_path / "empty.duckdb")
    data = workbook_bytes(empty, ["headcount", "sick_leave_total"])
    assert problems(data) == []
    book = open_book(data)
    assert book["Antal anställda"].max_row == 1  # the header, no rows
    assert rows(book["Inläsningslogg"]) == [("Inläsning", "Tidpunkt (svensk tid)", "Fil",
                                             "Kontrollsumma (SHA-256)", "Mätdatum", "Rader",
                                             "Sekunder", "Källa")]
    empty.close()


def test_full_time_sheet_cell_by_cell(con):
    data = workbook_bytes(con, ["full_time_share"])
    ws = open_book(data)["Andel heltidsanställda"]
    table = rows(ws)
    title, description = table_alt_texts(data)["Andel heltidsanställda"]
    assert title == "Andel heltidsanställda"
    assert description.startswith(registry.get("full_time_share").definition_sv)
    assert table[0] == ("Mätdatum", "Förvaltning", "Antal personer", "Värde (%)")
    assert ws.freeze_panes == "A2"
    assert len(table) == 8  # the header and seven rows, nothing under them
    body = [(r[0].date(), r[1], r[2], r[3]) for r in table[1:8]]
    assert body == [
        (fx.PREV, "Hela kommunen", 7, 100),
        (fx.S, "Hela kommunen", 14, 71.4),  # 1000 / 14 = 71.428..., stored to one decimal
        (fx.PREV, "A", "..", ".."),  # p1 p2 x1
        (fx.PREV, "B", "..", ".."),  # p4 p9 x2 x3
        (fx.S, "A", 6, 66.7),  # 4 of 6 at full time: a contract's rate is public, no numerator
        (fx.S, "B", "..", ".."),  # 3 persons
        (fx.S, "Soc", "..", ".."),  # hidden too, or B would be the total minus A and Soc
    ]
    assert ws.cell(row=3, column=4).number_format == "#,##0.0"
    assert ws.cell(row=3, column=3).number_format == "#,##0"
    assert '".." = uppgiften visas inte' in description
    assert cover_facts(open_book(data))['Tecknet ".."'].startswith('".." = uppgiften visas inte')


def test_definitions_sheet_lists_every_metric(con):
    ws = open_book(workbook_bytes(con))["Definitioner"]
    table = rows(ws)
    assert table[0][:3] == ("Nyckeltal", "Blad", "Definition")
    assert table[0][9] == "Id (kommandoraden)"  # the analyst's workbook: the CLI's ids, last
    ids = [r[9] for r in table[1 : 1 + len(registry.METRICS)]]
    assert ids == list(registry.METRICS)
    assert [r[0] for r in table[1 : 1 + len(ids)]] == [m.label_sv for m in
                                                        registry.METRICS.values()]
    median = table[1 + ids.index("social_worker_salary_median")]
    assert median[5] == 10  # its threshold, from settings
    assert median[6].startswith("Lön (median och percentiler). En percentil")  # its class
    committee = rows(open_book(workbook_bytes(con, load_log=False))["Definitioner"])
    assert "Id (kommandoraden)" not in committee[0]


def test_load_log_sheet(con):
    table = rows(open_book(workbook_bytes(con))["Inläsningslogg"])
    assert table[1][0] == 1 and table[1][2] == "fixture" and table[1][4] == "2025-11-01"
    assert table[1][5] == len(fx.ROWS)
    con.execute("UPDATE load_log SET source = 'cli'")
    table = rows(open_book(workbook_bytes(con))["Inläsningslogg"])
    assert table[0][7] == "Källa" and table[1][7] == "kommandorad"  # in Swedish


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
    latest = [r for r in table[1:] if r[1] == "Hela kommunen" and r[0].year == 2025]
    assert latest == [(latest[0][0], "Hela kommunen", 20, 20)]  # 18 persons, rounded to 10
    data = workbook_bytes(con, ["headcount"], publication=True)
    assert "Publiceringsläge" in table_alt_texts(data)["Antal anställda"][1]  # the sheet's
    assert cover_facts(open_book(data))["Läge"].startswith("Publiceringsläge")


def places_of(number: float | int) -> int:
    """The decimals a number read back from the workbook is stored with."""
    return max(0, -Decimal(repr(number)).normalize().as_tuple().exponent)


@pytest.mark.parametrize("publication", [False, True])
def test_values_are_stored_rounded_to_the_metrics_decimals(con, monkeypatch, publication):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")  # show as many cells as possible
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "1")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "1")
    data = workbook_bytes(con, publication=publication)
    book = open_book(data)
    titles = table_alt_texts(data)
    checked = 0
    for metric, ws in zip(registry.METRICS.values(), book.worksheets[2:], strict=False):
        assert titles[ws.title][0] == metric.label_sv
        places = decimals(metric, publication)
        expected_format = "#,##0" + ("." + "0" * places if places else "")
        for n_cell, value_cell in ws.iter_rows(min_row=2, min_col=3, max_col=4):
            if isinstance(value_cell.value, int | float):
                assert isinstance(n_cell.value, int), (metric.id, n_cell.value)
                assert places_of(value_cell.value) <= places, (metric.id, value_cell.value)
                if places == 0:
                    assert isinstance(value_cell.value, int), (metric.id, value_cell.value)
                assert value_cell.number_format == expected_format, metric.id
                checked += 1
    assert checked > 50
    # compute() does give values with more decimals than shown (1000 / 14 = 71.428...)
    assert any(places_of(v) > 2 for v in compute(con, "full_time_share")["value"])


def test_sheet_frame_rounds_and_counts_are_integers(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    frame = metric_sheet_frame(con, "managers_women_share")  # 2 / 3 = 66.666...
    assert frame["n"].dtype.is_integer()
    assert frame.filter(frame["forvaltning"] == "Hela kommunen")["value"].to_list()[-1] == 66.7
    assert metric_sheet_frame(con, "headcount")["value"].dtype.is_integer()
    published = metric_sheet_frame(con, "full_time_share", publication=True)
    assert published["value"].dtype.is_integer()  # shares: whole percent in publication mode


def test_cover_sheet_states_municipality_time_filter_period_mode_and_rules(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MUNICIPALITY", "Ankeborgs kommun")
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "3")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "12")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "15")
    monkeypatch.setattr(export, "_utc_now", lambda: datetime(2025, 7, 1, 10, 5, tzinfo=UTC))
    book = open_book(workbook_bytes(con, ["full_time_share", "headcount"],
                                    forvaltningar=["Soc", "A"], publication=True))
    assert book.active.title == "Innehåll"
    facts = cover_facts(book)
    assert facts["Kommun"] == "Ankeborgs kommun"
    assert facts["Uttaget skapat (svensk tid)"] == datetime(2025, 7, 1, 12, 5)  # CEST, UTC+2
    assert facts["Förvaltningar"] == "Urval: A, Soc"
    assert facts["Period"] == "2024-11-01 – 2025-11-01"
    assert facts["Mätmånad"].startswith("Värdena per år avser novemberuttagen")
    assert facts["Läge"] == "Publiceringsläge. " + disclosure.ROUNDING_NOTE
    rules = " ".join(str(v) for k, v in facts.items() if k not in ("Kommun", "Period"))
    assert 'visas som ".."' in rules
    assert ("färre än 3 personer, 12 för lönens median och percentiler och 15 för "
            "sjukfrånvaro (lagen: aldrig för en grupp med högst tio anställda)") in rules
    assert "täljare räknar färre personer än gränsen" in rules
    assert "kan räknas fram ur de visade" in rules and "urval av förvaltningar" in rules
    assert "var och en av förvaltningarna i urvalet" in rules


def test_cover_sheet_in_analysis_mode_for_the_whole_municipality(con, monkeypatch):
    monkeypatch.setattr(export, "_utc_now", lambda: datetime(2025, 1, 15, 23, 30, tzinfo=UTC))
    facts = cover_facts(open_book(workbook_bytes(con, ["headcount"])))
    assert facts["Förvaltningar"] == "Hela kommunen"
    assert facts["Läge"].startswith("Analysläge: exakta antal")
    assert facts["Uttaget skapat (svensk tid)"] == datetime(2025, 1, 16, 0, 30)  # CET, UTC+1
    rules = " ".join(str(v) for v in facts.values())
    assert "5 personer, 10 för lönens median och percentiler och 11 för sjukfrånvaro" in rules


def test_municipality_without_the_setting(con, tmp_path, monkeypatch):
    monkeypatch.delenv("PERSONALPANELEN_MUNICIPALITY", raising=False)
    unnamed = "Inte angivet i Personalpanelens inställningar"
    assert export.municipality(con) == unnamed  # the fixture's load is not the demo
    con.execute("UPDATE load_log SET source = 'demo'")
    assert export.municipality(con) == "Exempelkommun (exempeldata)"
    assert cover_facts(open_book(workbook_bytes(con, ["headcount"])))["Kommun"] == (
        "Exempelkommun (exempeldata)"
    )
    con.execute("INSERT INTO load_log VALUES (2, now(), 'lista.xlsx', 'y', "
                "[DATE '2026-11-01'], 1, 0, 'cli')")
    assert export.municipality(con) == unnamed  # real data beside the demo
    empty = store.connect(tmp_path / "empty.duckdb")
    assert export.municipality(empty) == unnamed
    empty.close()


def test_contents_link_every_other_sheet(con):
    book = open_book(workbook_bytes(con))
    cover = book["Innehåll"]
    links = [c for row in cover.iter_rows() for c in row if c.hyperlink is not None]
    assert [link_target(c.hyperlink.location) for c in links] == book.sheetnames[1:]
    assert all(c.hyperlink.target is None for c in links)  # internal only
    assert [c.value for c in links] == book.sheetnames[1:]
    labels = {c.value: cover.cell(row=c.row, column=2).value for c in links}
    assert labels["Andel heltidsanställda"] == "Andel heltidsanställda"
    assert labels["Socialsekr., lönespridning kvot"] == "Socialsekreterare, lönespridning P90/P10"
    # no other sheet has a link
    assert not [c for ws in book.worksheets[1:] for row in ws.iter_rows() for c in row
                if c.hyperlink is not None]


def test_a_sheet_name_with_apostrophes_is_quoted_in_its_link(con, monkeypatch):
    metric = registry.get("headcount")
    monkeypatch.setitem(registry.METRICS, "headcount",
                        dataclasses.replace(metric, label_sv="'Chefens' medarbetares antal'"))
    book = open_book(workbook_bytes(con, ["headcount", "full_time_share"]))
    assert book.sheetnames[2] == "Chefens' medarbetares antal"  # no apostrophe at the ends
    links = [c.hyperlink.location for row in book["Innehåll"].iter_rows() for c in row
             if c.hyperlink is not None]
    assert links[1] == "'Chefens'' medarbetares antal'!A1"
    assert [link_target(location) for location in links] == book.sheetnames[1:]


def test_sheet_names_are_valid_and_unique_as_excel_compares_them():
    used: set[str] = set()
    names = [export._sheet_name(label, used) for label in
             ["Antal", "ANTAL", "History", "'''", "a/b:c", "x" * 40, "x" * 40]]
    assert names == ["Antal", "ANTAL 2", "Blad", "Blad 2", "abc", "x" * 31, "x" * 29 + " 2"]


@pytest.mark.parametrize("chosen", [["Soc", "A"], ["A", "Soc", "A"]])
def test_a_filtered_export_labels_its_total_with_the_subset(con, monkeypatch, chosen):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    book = open_book(workbook_bytes(con, ["headcount", "full_time_share"], forvaltningar=chosen))
    for sheet in ("Antal anställda", "Andel heltidsanställda"):
        table = rows(book[sheet])[1:]
        labels = [r[1] for r in table if hasattr(r[0], "date")]
        assert labels[:2] == ["Urval: A, Soc", "Urval: A, Soc"]
        assert set(labels[2:]) == {"A", "Soc"}  # only the chosen förvaltningar
    headcount = {(r[0].date(), r[1]): r[2] for r in rows(book["Antal anställda"])[1:]
                 if hasattr(r[0], "date")}
    assert headcount[fx.S, "Urval: A, Soc"] == 7 + 5  # A: 7 monthly-paid (l1 on leave), Soc: 5
    strings = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
               if isinstance(c.value, str)]
    assert not [s for s in strings if "Hela kommunen" in s]


def test_subset_label_sorts_names_the_swedish_way():
    assert export.total_label(None) == "Hela kommunen"
    assert export.total_label(["Teknik och service", "Samhällsbyggnad"]) == (
        "Urval: Samhällsbyggnad, Teknik och service"
    )
    assert export.total_label(["Örebro", "Ängen", "Åsen", "zeta", "Beta"]) == (
        "Urval: Beta, zeta, Åsen, Ängen, Örebro"
    )


def test_a_filter_of_formula_looking_names_stays_inert(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    rows_ = [r[:4] + ("=1+1" if r[4] == "A" else r[4],) + r[5:] for r in fx.ROWS]
    con = store.connect(tmp_path / "f.duckdb")
    fx.load(con, rows_)
    book = open_book(workbook_bytes(con, ["headcount"], forvaltningar=["=1+1", "B"]))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert "Urval: =1+1, B" in values and "'=1+1" in values
