"""Ladda upp as its reader sees it: the uploader in Swedish, a refused load told what to do
(the date field, the mapping form or the file), and how each file was read named after a load.
The CLI's report says the same in its own terms."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from streamlit.testing.v1 import AppTest

from pipelines.__main__ import main
from pipelines.findings import (
    ERROR,
    FIX_FILE,
    FIX_MAPPING,
    FIX_SNAPSHOT_DATE,
    MISSING_SNAPSHOT_DATE,
    WARNING,
    Finding,
    IngestReport,
)
from tests import test_app
from tests.test_app import APP, _csv, _own_csv, open_page, text, upload
from ui import texts, uploads

# The upload tests' store and caches (tests/test_app.py): a private copy of the fixture store.
fixture_store = test_app.fixture_store
own_store = test_app.own_store
_fresh_caches = test_app._fresh_caches

NBSP = "\u00a0"


# --- the uploader ------------------------------------------------------------------------------


def style_sheets(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def test_the_uploader_texts_are_swedish(own_store):
    at = open_page(AppTest.from_file(APP, default_timeout=60).run(), "ladda-upp")
    sheet = next(s for s in style_sheets(at) if ".st-key-upload " in s)
    # Streamlit's English "Upload", "50MB per file • XLSX, …" and "Drag and drop files here"
    # are hidden in this uploader and Swedish written in their place
    assert '[data-testid="stBaseButton-secondary"] p {visibility: hidden; font-size: 0;}' in sheet
    for swedish in ("Välj filer", "Högst 50 MB per fil: .xlsx, .xlsm, .csv, .txt",
                    "Släpp filerna här"):
        assert f'content: "{swedish}"' in sheet, sheet
    assert '[data-testid="stFileChipName"] + div {display: none;}' in sheet  # "115.0KB"

    at.file_uploader(key="upload").upload("november_2026.csv", b"x" * 115_000, "text/csv")
    at.run()
    assert f"Valda: november\\_2026\u2060\\.csv (115{NBSP}kB)" in [c.value for c in at.caption]


def test_file_sizes_as_swedes_write_them():
    assert uploads.size_text(512) == f"512{NBSP}byte"
    assert uploads.size_text(115_000) == f"115{NBSP}kB"
    assert uploads.size_text(222_573) == f"223{NBSP}kB"
    assert uploads.size_text(999_600) == f"1,0{NBSP}MB"
    assert uploads.size_text(12_345_678) == f"12,3{NBSP}MB"


def test_a_style_sheet_refuses_text_that_would_end_it():
    assert 'content: "a \\"b\\""' in uploads._replace("p", 'a "b"', "1rem")
    try:
        uploads._replace("p", "</style><script>", "1rem")
    except ValueError:
        return
    raise AssertionError("a '<' reached the style sheet")


# --- a refused load: what to do ----------------------------------------------------------------


def refusal(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    return text(at.error[0].value)


def test_a_file_without_a_snapshot_date_is_sent_to_the_date_field_not_told_to_fix_it(own_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "utan_datum.csv", _csv(None))
    message = refusal(at)
    assert message == (
        "Ingenting lästes in: 1 fel hittades. Databasen är oförändrad. Ange mätdatum för "
        "utan_datum.csv i fältet ”Mätdatum (om filen saknar mätdatum)” ovan och klicka på "
        "”Läs in” igen."), message
    at.date_input(key="upload_date").set_value(date(2026, 5, 1)).run()
    at.button(key="upload_go").click().run()
    assert "2026-05-01" in at.success[0].value


def test_errors_in_the_file_are_to_be_corrected_in_the_file(own_store):
    lines = _csv("2026-11-01").decode().splitlines()
    lines[3] = lines[3].replace("Månadslön", "Veckolön").replace(";75;", ";175;").replace(
        ";100;", ";175;")
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "trasig.csv", "\n".join(lines).encode())
    message = refusal(at)
    assert message.startswith("Ingenting lästes in: ")
    assert message.endswith("Rätta felen i trasig.csv (se valideringsrapporten nedan) och läs "
                            "in igen."), message
    assert "mätdatum" not in message.split("oförändrad.")[1]


def test_unrecognised_columns_are_sent_to_the_mapping_form(own_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "egen.csv", _own_csv("2026-11-01"))
    message = refusal(at)
    assert message.endswith("Välj i formuläret nedan vilken kolumn i egen.csv som är vilken."), \
        message
    assert "Rätta felen" not in message
    # the form is there
    assert at.selectbox(key="mapping_employment_forvaltning").value == "Förvaltning"


def test_fixes_of_a_report_in_the_order_to_do_them():
    report = IngestReport(files=["a.csv", "b.csv", "c.csv"], needs_snapshot_date=["a.csv"],
                          needs_mapping=["c.csv"])
    report.findings = [
        Finding(ERROR, "b.csv", 4, "Kön", "Okänt kön."),
        Finding(WARNING, "a.csv", 5, "Kön", "Något."),
        Finding(ERROR, "a.csv", 1, "Mätdatum", MISSING_SNAPSHOT_DATE),
        Finding(ERROR, "c.csv", 1, "Personnummer", "Kolumnen Personnummer saknas."),
        Finding(ERROR, "a.csv", 7, "Kön", "Okänt kön."),
    ]
    assert report.fixes() == {FIX_SNAPSHOT_DATE: ["a.csv"], FIX_MAPPING: ["c.csv"],
                              FIX_FILE: ["b.csv", "a.csv"]}
    assert IngestReport(files=["a.csv"]).fixes() == {}


# --- after a load: how each file was read ------------------------------------------------------


def test_a_file_read_with_the_standard_headers_is_named_so(own_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "november_2026.csv", _csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    assert "november_2026.csv lästes med standardrubrikerna." in [text(i.value) for i in at.info]


def test_warnings_are_counted_by_the_rows_they_stand_for(own_store):
    lines = _csv("2026-11-01", persons=30).decode().splitlines()
    for i, line in enumerate(lines[1:13]):  # 12 persons with a second job: over 100 % each
        fields = line.split(";")
        fields[2] = f"X{i}"
        lines.append(";".join(fields))
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "dubbla.csv", "\n".join(lines).encode())
    assert not at.exception, [e.value for e in at.exception]
    success = text(at.success[0].value)
    assert success.endswith(" 12 varningar, se tabellen nedan."), success


def test_the_load_log_on_the_page_is_in_swedish_time(own_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "november_2026.csv", _csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    log = test_app.tables_with(at, "Rader")[0]
    shown = datetime.strptime(log.iloc[0]["Tidpunkt"], "%Y-%m-%d %H:%M")
    now = datetime.now(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)
    assert abs(now - shown) < timedelta(minutes=5), (shown, now)


# --- the CLI -----------------------------------------------------------------------------------


def test_the_cli_says_how_to_give_the_snapshot_date(env, capsys):
    path = env / "utan_datum.csv"
    path.write_bytes(_csv(None))
    assert main(["ingest", str(path), "--db", str(env / "s.duckdb")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "utan_datum.csv: läst med standardrubrikerna."
    assert err[-1] == ("Ange mätdatum för utan_datum.csv med --snapshot-date ÅÅÅÅ-MM-DD och "
                       "läs in igen.")
    assert not any(line.startswith("Rätta felen") for line in err)


def test_texts_for_every_fix():
    assert set(texts.UPLOAD_FIX) == {FIX_SNAPSHOT_DATE, FIX_MAPPING, FIX_FILE}


def test_a_stored_time_is_shown_in_swedish_time():
    # The load log and the overview's "senast inläst" show the time as a Swede reads it, also
    # when the server's clock runs in UTC: winter is UTC+1, summer UTC+2.
    from datetime import UTC, datetime

    from ui import numbers
    assert numbers.clock(datetime(2025, 11, 3, 13, 5, 59, tzinfo=UTC)) == "2025-11-03 14:05"
    assert numbers.clock(datetime(2025, 6, 30, 22, 30, tzinfo=UTC)) == "2025-07-01 00:30"
