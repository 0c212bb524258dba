"""The action programme (issue 12): parsing, validation with row and column, versions and
history, Excel import and export, formula injection, the demo's seed, and the page per role.

Expected values are worked out by hand from the rows each test writes."""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import store
from metrics import programme
from tests import test_app, test_auth
from tests.test_app import APP, chart_specs, text
from tests.test_plain_text import markup
from tests.xlsx_checks import problems
from ui import roles, texts

fixture_store = test_app.fixture_store
_fresh_caches = test_app._fresh_caches
ACTOR = ("ann@kommun.se", "analyst")
TODAY = date(2026, 11, 27)


def rows(*points: tuple) -> list[dict]:
    """(nr, text, deadline, forvaltning, status, comment, indicator) -> validate()'s rows."""
    return [dict(zip(programme.COLUMNS, point, strict=True)) for point in points]


FIRST = rows(
    ("1", "Heltid som norm", "2025", "Vård och omsorg", "Pågår", "", "full_time_share"),
    ("2", "Fler män i förskolan", "31.3.2026", "Barn och utbildning", "", "",
     "Andel män i förskolan"),
    ("3", "Introduktion för nyanställda", "", "Kommunledningskontoret", "Klar", "Klar 2024",
     ""),
)
SECOND = rows(
    ("1", "Heltid som norm", "2025", "Vård och omsorg", "Klar", "", "full_time_share"),
    ("2", "Fler män i förskolan", "31.3.2026", "Barn och utbildning", "", "",
     "Andel män i förskolan"),
    ("4", "Medarbetarsamtal", "2026-06", "Alla förvaltningar", "försenad", "Se plan", ""),
)


def programme_rows(con) -> list[tuple]:
    return [tuple(r.values()) for r in programme.points(con, TODAY)
            .select("nr", "text", "deadline", "forvaltning", "status_code", "comment",
                    "metric_id", "overdue").to_dicts()]


def audit_details(con) -> list[tuple[str, str, str]]:
    log = store.audit_log(con).filter(pl.col("action") == "programme").reverse()
    return list(log.select("user_id", "role", "detail").iter_rows())


# --- parsing cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [
    ("2026", date(2026, 12, 31)),
    (2026, date(2026, 12, 31)),
    (2026.0, date(2026, 12, 31)),
    ("2026-06", date(2026, 6, 30)),
    ("2024-02", date(2024, 2, 29)),
    ("2026-03-31", date(2026, 3, 31)),
    ("2025-06-30 00:00:00", date(2025, 6, 30)),
    ("31.12.2026", date(2026, 12, 31)),
    ("1/7/2025", date(2025, 7, 1)),
    ("20261231", date(2026, 12, 31)),
    ("46022", date(2025, 12, 31)),  # Excel serial: 45658 is 2025-01-01, plus 364 days
    (date(2025, 1, 2), date(2025, 1, 2)),
    (datetime(2025, 1, 2, 13, 0), date(2025, 1, 2)),
    ("", None),
    ("  ", None),
    (None, None),
    (float("nan"), None),
])
def test_deadlines_are_read_as_swedish_users_write_them(cell, expected):
    assert programme.parse_deadline(cell) == expected


@pytest.mark.parametrize("cell", ["snart", "2026-13-01", "31.02.2026", "1850", "Q3 2026",
                                  "2026-12-31x"])
def test_unreadable_deadlines_are_refused(cell):
    with pytest.raises(ValueError):
        programme.parse_deadline(cell)


@pytest.mark.parametrize(("cell", "code"), [
    ("Klar", "done"), ("klar", "done"), (" KLAR ", "done"), ("Genomförd", "done"),
    ("Pågår", "in_progress"), ("Ej påbörjad", "not_started"), ("", "not_started"),
    (None, "not_started"), ("Försenad", "delayed"), ("Utgår", "cancelled"),
    ("cancelled", "cancelled"),
])
def test_statuses_are_read_in_swedish(cell, code):
    assert programme.parse_status(cell) == code


def test_indicators_are_read_by_id_or_swedish_label():
    assert programme.parse_indicator("turnover") == "turnover"
    assert programme.parse_indicator("andel HELTIDSANSTÄLLDA") == "full_time_share"
    assert programme.parse_indicator("") is None
    with pytest.raises(ValueError, match="okänt nyckeltal ”Trivsel”"):
        programme.parse_indicator("Trivsel")
    assert programme.indicator_label("full_time_share") == "Andel heltidsanställda"


# --- validation ----------------------------------------------------------------------------------


def test_validation_names_every_problem_by_row_and_column():
    bad = rows(
        ("1", "Heltid", "2025", "", "Klart?", "", ""),
        ("2", "", "snart", "", "", "", "Trivsel"),
        ("1", "Dubblett", "", "", "", "", ""),
        ("", "", "", "", "", "", ""),  # an empty row is skipped, not refused
        ("", "Utan nummer", "", "", "", "", ""),
    )
    with pytest.raises(programme.ProgrammeError) as caught:
        programme.validate(bad, [5, 6, 7, 8, 9], file="program.xlsx")
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [(5, "Status"), (6, "Åtgärd"), (6, "Klart senast"), (6, "Nyckeltal"),
                     (7, "Nr"), (9, "Nr")]
    lines = caught.value.lines()
    assert lines[0].startswith("program.xlsx, rad 5 (Nr 1), kolumn ”Status”: okänd status "
                               "”Klart?”")
    assert lines[4] == ("program.xlsx, rad 7 (Nr 1), kolumn ”Nr”: numret 1 finns redan på "
                        "rad 5; varje punkt har ett eget nummer.")
    assert lines[5] == "program.xlsx, rad 9, kolumn ”Nr”: får inte vara tom."


def test_validation_without_a_file_names_the_editor_row():
    with pytest.raises(programme.ProgrammeError) as caught:
        programme.validate(rows(("1", "A", "", "", "", "", ""), ("2", "B", "x", "", "", "", "")))
    assert caught.value.lines() == [
        "Rad 2 (Nr 2), kolumn ”Klart senast”: ”x” kan inte läsas som datum. Skriv t.ex. "
        "2026-12-31, 31.12.2026 eller bara året, 2026 (läses som 31 december)."]


def test_validated_points_are_typed_and_ordered():
    frame = programme.validate(FIRST)
    assert frame.to_dicts() == [
        {"position": 1, "nr": "1", "text": "Heltid som norm", "deadline": date(2025, 12, 31),
         "forvaltning": "Vård och omsorg", "status": "in_progress", "comment": None,
         "metric_id": "full_time_share"},
        {"position": 2, "nr": "2", "text": "Fler män i förskolan", "deadline": date(2026, 3, 31),
         "forvaltning": "Barn och utbildning", "status": "not_started", "comment": None,
         "metric_id": "preschool_men_share"},
        {"position": 3, "nr": "3", "text": "Introduktion för nyanställda", "deadline": None,
         "forvaltning": "Kommunledningskontoret", "status": "done", "comment": "Klar 2024",
         "metric_id": None},
    ]


# --- the store -----------------------------------------------------------------------------------


def test_every_save_is_a_new_version_and_the_old_ones_stay(con):
    first = programme.save(con, programme.validate(FIRST), ACTOR, title="Program 2025",
                           base_version=None)
    second = programme.save(con, programme.validate(SECOND), ("bo@kommun.se", "admin"),
                            base_version=1)
    assert (first.version, second.version) == (1, 2)
    assert (second.added, second.changed, second.removed) == (1, 1, 1)
    now = programme.current(con)
    assert (now.version, now.title, now.set_by, now.source) == (2, "Program 2025",
                                                                "bo@kommun.se", "edit")
    # Today 2026-11-27: point 4 (due 2026-06-30, Försenad) is overdue; 1 is done; 2 is not due.
    assert programme_rows(con) == [
        ("1", "Heltid som norm", date(2025, 12, 31), "Vård och omsorg", "done", None,
         "full_time_share", False),
        ("2", "Fler män i förskolan", date(2026, 3, 31), "Barn och utbildning", "not_started",
         None, "preschool_men_share", True),
        ("4", "Medarbetarsamtal", date(2026, 6, 30), "Alla förvaltningar", "delayed",
         "Se plan", None, True),
    ]
    # The first version is kept as it was.
    assert programme.stored_points(con, 1)["status"].to_list() == ["in_progress",
                                                                    "not_started", "done"]
    changes = programme.history(con)
    assert changes.select("version", "set_by", "nr", "column", "before", "after").rows() == [
        (2, "bo@kommun.se", "1", "Status", "Pågår", "Klar"),
        (2, "bo@kommun.se", "4", "Ny punkt", "", "Medarbetarsamtal"),
        (2, "bo@kommun.se", "3", "Borttagen punkt", "Introduktion för nyanställda", ""),
        (1, "ann@kommun.se", "", "Första versionen", "", "3 punkter"),
    ]
    assert audit_details(con) == [
        ("ann@kommun.se", "analyst",
         "version 1 (ändring på sidan): 3 punkter; 3 nya, 0 ändrade, 0 borttagna"),
        ("bo@kommun.se", "admin", "version 2 (ändring på sidan, ersätter version 1): 3 "
                                  "punkter; 1 nya, 1 ändrade, 1 borttagna"),
    ]


def test_status_counts_per_status_with_zeros(con):
    programme.save(con, programme.validate(SECOND), ACTOR, base_version=None)
    counts = programme.status_counts(con, TODAY)
    assert counts.select("status", "n", "overdue").rows() == [
        ("Ej påbörjad", 1, 1), ("Pågår", 0, 0), ("Försenad", 1, 1), ("Klar", 1, 0),
        ("Utgår", 0, 0)]
    # Before 2026-03-31 nothing was overdue yet.
    assert programme.status_counts(con, date(2026, 3, 1))["overdue"].sum() == 0


def test_a_save_that_changes_nothing_writes_nothing(con):
    programme.save(con, programme.validate(FIRST), ACTOR, title="P", base_version=None)
    again = programme.save(con, programme.validate(FIRST), ACTOR, title="P", base_version=1)
    assert again.version is None
    assert programme.versions(con).height == 1 and len(audit_details(con)) == 1
    renamed = programme.save(con, programme.validate(FIRST), ACTOR, title="Nytt namn",
                             base_version=1)
    assert renamed.version == 2 and programme.current(con).title == "Nytt namn"


def test_a_save_on_a_stale_version_is_refused_and_writes_nothing(con):
    programme.save(con, programme.validate(FIRST), ACTOR, base_version=None)
    programme.save(con, programme.validate(SECOND), ACTOR, base_version=1)
    with pytest.raises(programme.StaleVersionError, match="version 2"):
        programme.save(con, programme.validate(FIRST), ACTOR, base_version=1)
    assert programme.current(con).version == 2 and len(audit_details(con)) == 2


# --- Excel -----------------------------------------------------------------------------------


def workbook(*sheet_rows: list, title_rows: int = 0) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Program"
    for _ in range(title_rows):
        ws.append(["Handlingsprogram Attraktiv arbetsgivare"])
    for row in sheet_rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = workbook(
    ["Punkt", "Text", "Deadline", "Förvaltning", "Status", "Kommentar", "Indikator", "Övrigt"],
    [1, "Heltid som norm", datetime(2025, 6, 30), "Vård och omsorg", "Klar", None,
     "Andel heltidsanställda", "ignoreras"],
    [None, None, None, None, None, None, None, None],
    ["2.1", "Fler män i förskolan", 2026, "Barn och utbildning", "pågår", "Enkät i vår", None,
     None],
    title_rows=2,
)


def test_an_excel_programme_is_read_with_swedish_header_aliases():
    frame = programme.read_xlsx("program.xlsx", GOOD)
    assert frame.drop("position").rows() == [
        ("1", "Heltid som norm", date(2025, 6, 30), "Vård och omsorg", "done", None,
         "full_time_share"),
        ("2.1", "Fler män i förskolan", date(2026, 12, 31), "Barn och utbildning",
         "in_progress", "Enkät i vår", None),
    ]


def test_an_import_replaces_the_programme_and_is_audited(con):
    programme.save(con, programme.validate(FIRST), ACTOR, title="P", base_version=None)
    saved = programme.import_xlsx(con, "program.xlsx", GOOD, ACTOR, base_version=1)
    assert saved.version == 2
    assert programme.points(con)["nr"].to_list() == ["1", "2.1"]
    now = programme.current(con)
    assert (now.source, now.file_name, now.title) == ("import", "program.xlsx", "P")
    assert audit_details(con)[-1] == (
        "ann@kommun.se", "analyst", "version 2 (import av program.xlsx, ersätter version 1): "
                                    "2 punkter; 1 nya, 1 ändrade, 2 borttagna")


def store_state(con) -> tuple:
    return (programme.versions(con).rows(),
            store.read(con, "SELECT * FROM programme_point ORDER BY version, position").rows(),
            store.audit_log(con).height)


@pytest.mark.parametrize(("content", "expected"), [
    (workbook(["Nr", "Åtgärd", "Klart senast"], [1, "A", "2025"], [2, "B", "snart"],
              title_rows=2),
     "trasig.xlsx, rad 5 (Nr 2), kolumn ”Klart senast”: ”snart” kan inte läsas som datum"),
    (workbook(["Nr", "Åtgärd", "Status"], [1, "A", "Klar"], [2, "B", "Nästan klar"]),
     "trasig.xlsx, rad 3 (Nr 2), kolumn ”Status”: okänd status ”Nästan klar”"),
    (workbook(["Nummer", "Vad", "Status"], [1, "A", "Klar"]),
     "trasig.xlsx: hittar ingen rubrikrad med Nr"),
    (workbook(["Nr", "Åtgärd", "Nyckeltal"], [1, "A", "Trivsel"]),
     "trasig.xlsx, rad 2 (Nr 1), kolumn ”Nyckeltal”: okänt nyckeltal ”Trivsel”"),
    (workbook(["Nr", "Åtgärd", "Text"], [1, "A", "B"]),
     "trasig.xlsx, rad 1: kolumnen för Åtgärd finns flera gånger"),
    (b"Nr;Text\n1;A\n", "trasig.xlsx: filen är ingen Excel-arbetsbok"),
    (workbook(["Nr", "Åtgärd"], [None, None], title_rows=1),
     "trasig.xlsx: bladet ”Program” har inga punkter under rubrikraden (rad 2)."),
])
def test_a_refused_import_names_file_row_and_column_and_changes_nothing(con, content,
                                                                        expected):
    programme.save(con, programme.validate(FIRST), ACTOR, base_version=None)
    before = store_state(con)
    with pytest.raises(programme.ProgrammeError) as caught:
        programme.import_xlsx(con, "trasig.xlsx", content, ACTOR, base_version=1)
    assert str(caught.value).startswith(expected), str(caught.value)
    assert store_state(con) == before


HOSTILE_TEXTS = ["=1+1", "+46 8 123", "-2 punkter", "@SUM(1)", '=HYPERLINK("http://x","y")',
                 "{=1+1}", "[Logga in](http://evil.example)"]


def hostile_programme(con) -> None:
    points = rows(*[(str(i), value, "2026", value, "Pågår", value, "")
                    for i, value in enumerate(HOSTILE_TEXTS, start=1)])
    programme.save(con, programme.validate(points), ACTOR, title="=cmd|' /C calc'!A0",
                   base_version=None)


def test_no_exported_cell_is_a_formula(con):
    hostile_programme(con)
    exported = programme.export_xlsx(con, TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    assert wb.sheetnames == ["Handlingsprogram", "Ändringar", "Om uttaget"]
    assert problems(exported) == []  # each sheet one table, header in row 1 (issue 24)
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row
             if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    sheet = wb["Handlingsprogram"]
    texts_column = [sheet.cell(row=r, column=2).value for r in range(2, 2 + len(HOSTILE_TEXTS))]
    assert texts_column == ["'=1+1", "'+46 8 123", "'-2 punkter", "'@SUM(1)",
                            "'=HYPERLINK(\"http://x\",\"y\")", "'{=1+1}",
                            "[Logga in](http://evil.example)"]
    about = wb["Om uttaget"]
    assert [about["A1"].value, about["B1"].value] == ["Uppgift", "Värde"]
    assert [about["A2"].value, about["B2"].value] == ["Handlingsprogram",
                                                      "'=cmd|' /C calc'!A0"]


def test_the_export_time_is_swedish_time(con, monkeypatch):
    """The server's clock may run in UTC; the workbook says when it was made in Sweden, as
    the metrics export does (23:30 UTC on 15 January is 00:30 on the 16th in Stockholm)."""
    from metrics import export

    monkeypatch.setattr(export, "_utc_now", lambda: datetime(2025, 1, 15, 23, 30, tzinfo=UTC))
    about = openpyxl.load_workbook(io.BytesIO(programme.export_xlsx(con, TODAY)))["Om uttaget"]
    facts = {row[0]: row[1] for row in about.iter_rows(min_row=2, values_only=True)}
    assert facts["Exporterad (svensk tid)"] == datetime(2025, 1, 16, 0, 30)


def test_an_export_reads_back_as_the_same_programme(con):
    hostile_programme(con)
    programme.save(con, programme.validate(SECOND), ACTOR, base_version=1)
    exported = programme.export_xlsx(con, TODAY)
    assert programme.read_xlsx("export.xlsx", exported).equals(programme.stored_points(con))
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = wb["Handlingsprogram"]
    assert [c.value for c in sheet[1]] == ["Nr", "Åtgärd", "Klart senast", "Ansvarig", "Status",
                                           "Kommentar", "Nyckeltal", "Passerat slutdatum"]
    assert [c.value for c in sheet[2]] == ["1", "Heltid som norm", datetime(2025, 12, 31),
                                           "Vård och omsorg", "Klar", None,
                                           "Andel heltidsanställda", None]
    assert sheet["H3"].value == "Ja" and sheet["H4"].value == "Ja"
    # The hostile texts, exported with their apostrophe, read back as they were typed.
    hostile_programme_con = store.connect(":memory:")
    hostile_programme(hostile_programme_con)
    back = programme.read_xlsx("x.xlsx", programme.export_xlsx(hostile_programme_con, TODAY))
    assert back["text"].to_list() == HOSTILE_TEXTS
    hostile_programme_con.close()


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_ships_a_twenty_point_programme_with_history(demo_con):
    now = programme.current(demo_con)
    assert (now.version, now.title) == (2, "Attraktiv arbetsgivare 2023–2026")
    frame = programme.points(demo_con, TODAY)
    assert frame.height == 20 and frame["nr"].to_list() == [str(i) for i in range(1, 21)]
    # Counted by hand from metrics/programme_demo.py: Klar 1, 5, 6, 11, 14, 16; Pågår 2, 3,
    # 7, 8, 10, 12, 13, 19; Försenad 4; Ej påbörjad 9, 15, 18, 20; Utgår 17. Overdue on
    # 2026-11-27: 9, 18, 20; 2, 8, 12, 13; 4.
    assert programme.status_counts(demo_con, TODAY).select("status", "n", "overdue").rows() == [
        ("Ej påbörjad", 4, 3), ("Pågår", 8, 4), ("Försenad", 1, 1), ("Klar", 6, 0),
        ("Utgår", 1, 0)]
    linked = set(frame["metric_id"].drop_nulls())
    assert {"managers_women_share", "hourly_paid_persons", "full_time_share",
            "preschool_men_share", "social_worker_salary_spread", "sick_leave_total",
            "turnover"} <= linked
    assert programme.stored_points(demo_con, 1).height == 19
    assert programme.seed_demo(demo_con, ("system", "admin")) is None  # seeded once
    assert programme.current(demo_con).version == 2


# --- the page ------------------------------------------------------------------------------------

TITLE = "Attraktiv [arbetsgivare](http://evil.example)"


@pytest.fixture
def programme_store(fixture_store, monkeypatch, tmp_path) -> Path:
    """A private copy of the fixture store with a programme of three points (one with a
    link in its text), which the app opens as its own store."""
    path = tmp_path / "own.duckdb"
    shutil.copy(fixture_store, path)
    con = store.connect(path)
    points = [*FIRST[:2], {**FIRST[2], "text": "[Logga in](http://evil.example)"}]
    programme.save(con, programme.validate(points), ACTOR, title=TITLE, base_version=None)
    con.close()
    test_app._point_app_at(monkeypatch, path, tmp_path)
    return path


def open_page(at: AppTest) -> AppTest:
    at.switch_page("ui/pages/handlingsprogram.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def stored(path: Path) -> tuple[int, list[str], list[tuple]]:
    con = store.connect(path)
    try:
        return (programme.current(con).version, programme.points(con)["status"].to_list(),
                audit_details(con))
    finally:
        con.close()


def shown_programme(at: AppTest):
    return next(df.value for df in at.dataframe if df.key == "programme_table" or
                ("Åtgärd" in df.value.columns and len(df.value) == 3))


def test_the_committee_sees_the_programme_and_no_edit_controls(programme_store, monkeypatch,
                                                               tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(test_auth.ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("PERSONALPANELEN_ROLES_FILE", str(path))
    at = test_auth.as_user(roles.VIEWER)
    open_page(at)
    assert not at.data_editor and not at.get("file_uploader")
    assert not [b for b in at.button if b.label in (texts.PROGRAMME_SAVE,
                                                    texts.PROGRAMME_IMPORT_BUTTON)]
    assert text(at.subheader[0].value) == TITLE and not markup(at.subheader[0].value)
    table = shown_programme(at)
    assert table["Åtgärd"].tolist() == ["Heltid som norm", "Fler män i förskolan",
                                        "[Logga in](http://evil.example)"]
    assert table["Status"].tolist() == ["Pågår", "Ej påbörjad", "Klar"]
    cards = {m.label: m.value for m in at.metric}
    assert cards["Punkter"] == "3" and cards["Klar"] == "1" and cards["Pågår"] == "1"
    spec = chart_specs(at)[0]
    assert spec["data"][0]["y"] == ["Ej påbörjad", "Pågår", "Försenad", "Klar", "Utgår"]
    # Point 1 (due 2025-12-31, Pågår) is overdue from 2026 on.
    if date.today() > date(2025, 12, 31):
        assert cards["Passerat slutdatum"] == str(1 + (date.today() > date(2026, 3, 31)))
    assert stored(programme_store)[0] == 1
    # who saved the programme is not the committee's to read
    heads = texts.PROGRAMME_HISTORY_HEADERS
    history = next(df.value for df in at.dataframe if heads["column"] in df.value.columns)
    assert heads["set_at"] in history.columns and heads["set_by"] not in history.columns
    assert not any("ann@kommun.se" in text(c.value) for c in at.caption)


def test_an_analyst_edits_and_saves(programme_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at)
    editor = at.data_editor[0]
    assert editor.editing_mode == "dynamic"
    at.session_state["programme_editor_1"] = {
        "edited_rows": {0: {"Status": "Klar"}},
        "added_rows": [{"Nr": "4", "Åtgärd": "Medarbetarsamtal", "Klart senast": "2027"}],
        "deleted_rows": [1],
    }
    next(b for b in at.button if b.label == texts.PROGRAMME_SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [text(s.value) for s in at.success][0] == texts.PROGRAMME_SAVED.format(
        version=2, added=1, changed=1, removed=1)
    version, statuses, audit = stored(programme_store)
    assert version == 2 and statuses == ["Klar", "Klar", "Ej påbörjad"]
    assert audit[-1][:2] == ("lokal", "analyst")
    assert at.data_editor[0].value["Nr"].tolist() == ["1", "3", "4"]


def test_invalid_input_on_the_page_names_row_and_column_and_saves_nothing(programme_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at)
    at.session_state["programme_editor_1"] = {
        "edited_rows": {1: {"Klart senast": "snart", "Status": "Nästan klar"}},
        "added_rows": [], "deleted_rows": []}
    next(b for b in at.button if b.label == texts.PROGRAMME_SAVE).click().run()
    assert not at.exception
    errors = [text(e.value) for e in at.error]
    assert errors and errors[0].startswith(texts.PROGRAMME_INVALID)
    assert "Rad 2 (Nr 2), kolumn ”Klart senast”: ”snart” kan inte läsas som datum" in errors[0]
    assert "Rad 2 (Nr 2), kolumn ”Status”: okänd status ”Nästan klar”" in errors[0]
    assert stored(programme_store)[0] == 1


def test_an_analyst_imports_from_excel_and_a_bad_file_changes_nothing(programme_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at)
    bad = workbook(["Nr", "Åtgärd", "Status"], [1, "A", "Nästan"])
    at.file_uploader(key="programme_upload").upload("dålig.xlsx", bad, "application/"
                                                    "vnd.openxmlformats-officedocument."
                                                    "spreadsheetml.sheet").run()
    at.button(key="programme_import").click().run()
    assert not at.exception
    assert "dålig.xlsx, rad 2 (Nr 1), kolumn ”Status”" in text(at.error[0].value)
    assert stored(programme_store)[0] == 1
    at.file_uploader(key="programme_upload").upload("program.xlsx", GOOD, "application/"
                                                    "octet-stream").run()
    at.button(key="programme_import").click().run()
    assert not at.exception
    assert text(at.success[0].value) == texts.PROGRAMME_IMPORTED.format(
        file="program.xlsx", version=2, count=2)
    version, statuses, audit = stored(programme_store)
    assert version == 2 and statuses == ["Klar", "Pågår"]
    assert "import av program.xlsx" in audit[-1][2]


def test_an_empty_store_has_an_empty_programme(con):
    assert programme.current(con) is None and programme.points(con).is_empty()
    assert programme.status_counts(con, TODAY)["n"].to_list() == [0, 0, 0, 0, 0]
    assert programme.history(con).is_empty()
    exported = programme.export_xlsx(con, TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    assert wb["Handlingsprogram"].max_row == 1
    assert problems(exported) == []


def test_an_analyst_writes_the_first_programme_on_the_page(fixture_store, monkeypatch,
                                                           tmp_path):
    path = tmp_path / "own.duckdb"
    shutil.copy(fixture_store, path)
    test_app._point_app_at(monkeypatch, path, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at)
    assert texts.PROGRAMME_NONE in at.info[0].value
    at.text_input(key="programme_title_0").set_value("Program 2027")
    at.session_state["programme_editor_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"Nr": "1", "Åtgärd": "Heltid", "Klart senast": "2027-06",
                        "Nyckeltal": "Andel heltidsanställda"}]}
    next(b for b in at.button if b.label == texts.PROGRAMME_SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    con = store.connect(path)
    try:
        assert programme.current(con).title == "Program 2027"
        assert programme_rows(con) == [("1", "Heltid", date(2027, 6, 30), None, "not_started",
                                        None, "full_time_share", False)]
    finally:
        con.close()
    assert text(at.subheader[0].value) == "Program 2027"


def test_a_personnummer_in_the_imported_file_name_is_masked(con):
    saved = programme.import_xlsx(con, "program_198501011234.xlsx", GOOD, ACTOR)
    names = store.read(con, "SELECT file_name FROM programme_version")["file_name"].to_list()
    audit = " ".join(store.read(con, "SELECT detail FROM audit_log")["detail"].to_list())
    assert saved.version and "198501011234" not in " ".join(names) + audit
    assert any("[personnummer]" in name for name in names)


# --- the page as the committee reads it --------------------------------------------------------

MAIN_WIDTH_1280 = 820
"""The width (px) of a table beside the sidebar in a 1280 px browser window (measured)."""


def test_the_points_table_shows_no_none_and_every_column_in_a_1280_px_window(programme_store):
    at = open_page(AppTest.from_file(APP, default_timeout=60).run())
    table = next(df for df in at.dataframe  # all points, not only the overdue ones
                 if "Kommentar" in df.value.columns and len(df.value) == 3)
    # an empty comment or deadline is an empty cell, not Streamlit's "None"
    assert table.proto.HasField("placeholder") and table.proto.placeholder == ""
    shown = table.value
    assert shown["Kommentar"].isna().tolist() == [True, True, False]  # FIRST's comments
    # the deadline as text, a passed one said so beside it (point 3 has none)
    deadlines = shown["Klart senast"].tolist()
    assert deadlines[0] == ("2025-12-31 (passerat)" if date.today() > date(2025, 12, 31)
                            else "2025-12-31")
    assert deadlines[2] == ""
    # every column has a width, and together they fit: Kommentar and Nyckeltal are in view
    widths = {name: config.get("width") for name, config in
              json.loads(table.proto.columns).items() if name != "_index"}
    assert set(widths) == set(shown.columns), widths
    assert all(isinstance(w, int) for w in widths.values()), widths
    assert sum(widths.values()) <= MAIN_WIDTH_1280 - 2, widths
    assert table.proto.row_height > 64  # Streamlit wraps a cell's text above 4rem


def test_the_status_chart_explains_every_colour(programme_store):
    at = open_page(AppTest.from_file(APP, default_timeout=60).run())
    spec = chart_specs(at)[0]
    assert spec["layout"]["showlegend"] is False  # a legend would name one status colour
    # The red overdue part is also hatched (WCAG 1.4.1), and the caption says so.
    assert spec["data"][1]["marker"]["pattern"]["shape"]
    assert "pattern" not in spec["data"][0]["marker"]
    assert texts.PROGRAMME_CHART_LEGEND in [c.value for c in at.caption]


def test_the_overdue_card_has_room_for_its_label(programme_store):
    """Seven cards share the table's 820 px with 1rem gaps; the last one's label, "Passerat
    slutdatum" (112 px of text) and its help icon need about 140 px."""
    at = open_page(AppTest.from_file(APP, default_timeout=60).run())
    columns = list(at.columns)
    last = next(i for i, column in enumerate(columns)
                if [m.label for m in column.metric] == [texts.PROGRAMME_OVERDUE])
    weights = [column.weight for column in columns[last - 6:last + 1]]
    assert [m.label for m in columns[last - 6].metric] == [texts.PROGRAMME_TOTAL]
    width = (MAIN_WIDTH_1280 - 16 * 6) * weights[-1] / sum(weights)
    assert width >= 140, width
