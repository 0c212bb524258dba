"""The workbook checker (tests/xlsx_checks.py) finds what it is meant to find: a checker that
cannot fail would pass any workbook."""

from __future__ import annotations

import io

import xlsxwriter

from tests.xlsx_checks import problems, table_alt_texts


def book(*sheets) -> bytes:
    """A workbook of sheets, each (name, how to fill it: a function of the worksheet)."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"strings_to_formulas": False}) as wb:
        for name, fill in sheets:
            fill(wb.add_worksheet(name))
    return buffer.getvalue()


def table(ws, headers=("Mätdatum", "Antal"), rows=(("2025-11-01", 5),)) -> None:
    for r, values in enumerate(rows, start=1):
        ws.write_row(r, 0, values)
    ws.add_table(0, 0, max(len(rows), 1), len(headers) - 1,
                 {"columns": [{"header": h} for h in headers], "title": "Rubrik",
                  "description": "Vad tabellen visar"})
    ws.freeze_panes(1, 0)


def test_a_sheet_of_one_table_has_no_problem():
    data = book(("Antal anställda", table), ("Inga rader", lambda ws: table(ws, rows=())))
    assert problems(data) == []
    assert table_alt_texts(data) == {"Antal anställda": ("Rubrik", "Vad tabellen visar"),
                                     "Inga rader": ("Rubrik", "Vad tabellen visar")}


def test_the_old_layout_of_an_indicator_sheet_is_found_out():
    def old(ws) -> None:  # title, definition and remark above the header, a note under it
        ws.merge_range(0, 0, 0, 3, "Antal anställda")
        ws.write_string(1, 0, "Antal personer med en anställning.")
        ws.write_string(3, 0, "Alla värden döljs.")
        ws.write_row(4, 0, ["Mätdatum", "Förvaltning", "Antal personer", "Värde"])
        ws.write_row(5, 0, ["2025-11-01", "Hela kommunen", 20, 20])
        ws.write_string(7, 0, '".." = uppgiften visas inte')
        ws.freeze_panes(5, 0)

    found = problems(book(("Antal anställda", old)))
    assert "Antal anställda: merged cells A1:D1" in found
    assert ("Antal anställda: row 5 looks like the header row (all text, wider than row 1): "
            "the header row must be row 1") in found
    assert "Antal anställda: text outside the table at A4: 'Alla värden döljs.'" in found
    assert "Antal anställda: text outside the table at D6: 20" in found
    assert ("Antal anställda: text outside the table at A8: "
            """'".." = uppgiften visas inte'""") in found
    assert "Antal anställda: the header row is not frozen (freeze panes: A6)" in found
    assert "Antal anställda: no filter on the header row (no Excel table, no autofilter)" in found


def test_each_kind_of_problem_is_named():
    def blank_first_row(ws) -> None:
        ws.write_row(1, 0, ["Nyckeltal", "Värde"])
        ws.write_row(2, 0, ["Antal", 5])

    def gap_in_header(ws) -> None:
        ws.write_row(0, 0, ["Nyckeltal", None, "Värde"])
        ws.write_row(1, 0, ["Antal", 4, 5])
        ws.autofilter(0, 0, 1, 2)
        ws.freeze_panes(1, 0)

    def number_header_twice_and_text_beside(ws) -> None:
        ws.write_row(0, 0, [2025, "Värde", "värde"])
        ws.write_row(1, 0, [1, 2, 3])
        ws.write_string(1, 4, "en anmärkning bredvid tabellen")
        ws.autofilter(0, 0, 1, 2)
        ws.freeze_panes(1, 0)

    def note_two_rows_under(ws) -> None:
        table(ws)
        ws.write_string(3, 0, "en anmärkning under tabellen")

    def two_tables(ws) -> None:
        table(ws)
        ws.add_table(0, 3, 1, 4, {"columns": [{"header": "X"}, {"header": "Y"}]})

    found = problems(book(("Sheet1", table), ("Blad2", table), ("Tom rad 1", blank_first_row),
                          ("Glapp", gap_in_header), ("Tal", number_header_twice_and_text_beside),
                          ("Under", note_two_rows_under), ("Två", two_tables)))
    assert "Sheet1: the sheet's name says nothing of what it holds" in found
    assert "Blad2: the sheet's name says nothing of what it holds" in found
    assert "Tom rad 1: row 1 is empty: no header row in row 1" in found
    assert "Glapp: header cell B1 is blank" in found
    assert "Tal: header cell A1 is not text: 2025" in found
    assert "Tal: the header 'värde' is there more than once" in found
    assert "Tal: text outside the table at E2: 'en anmärkning bredvid tabellen'" in found
    assert "Under: text outside the table at A4: 'en anmärkning under tabellen'" in found
    assert "Två: 2 tables on one sheet" in found
    assert [line for line in found if line.startswith(("Sheet1", "Blad2", "Under"))] == [
        "Sheet1: the sheet's name says nothing of what it holds",
        "Blad2: the sheet's name says nothing of what it holds",
        "Under: text outside the table at A4: 'en anmärkning under tabellen'"]
