"""Ingestion end to end: extracts as payroll systems write them -> the store.

The fixture of employment_fixture.py, written out as Swedish extracts, must give exactly the
hand-computed metric values; every input quirk of the foundation issue is read; every error
refuses the batch and leaves the store byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import io
import re
import stat
import subprocess
import sys
import zipfile
from datetime import date

import polars as pl
import pytest

import store
from metrics.compute import compute
from pipelines import pseudonymise, read, sandbox
from pipelines.load import ingest
from tests import employment_fixture as fx
from tests import extracts as ex

S = date(2025, 11, 1)


def checksum(con) -> str:
    """A digest of every table's content, load log included."""
    digest = hashlib.sha256()
    for table in ("employment", "absence_year", "hme_result", "load_log"):
        frame = store.read(con, f"SELECT * FROM {table} ORDER BY ALL")
        digest.update(table.encode() + repr(frame.rows()).encode())
    return digest.hexdigest()


def employment(con) -> pl.DataFrame:
    return store.read(con, "SELECT * FROM employment ORDER BY snapshot_date, employment_id")


def latest_value(con, metric_id: str) -> float:
    frame = compute(con, metric_id).sort("snapshot_date")
    return frame["value"][-1]


# --- the hand-computed fixture through the whole pipeline ---------------------------------------

@pytest.mark.parametrize("write", [ex.csv_bytes, ex.xlsx_bytes], ids=["csv", "xlsx"])
def test_fixture_extracts_give_the_hand_computed_values(con, write):
    suffix = "csv" if write is ex.csv_bytes else "xlsx"
    report = ingest(con, [(f"anstallningar.{suffix}", write(ex.fixture_employment())),
                          (f"sjukfranvaro.{suffix}", write(ex.fixture_absence())),
                          (f"hme.{suffix}", write(ex.fixture_hme())),
                          (f"kurser.{suffix}", write(ex.fixture_training())),
                          (f"kris.{suffix}", write(ex.fixture_crisis()))])
    assert report.loaded, [str(f) for f in report.findings]
    assert report.tables == {"employment": len(fx.ROWS), "absence_year": 11, "hme_result": 3,
                             "training": len(fx.TRAINING_ROWS),
                             "crisis_placement": len(fx.CRISIS_ROWS)}
    for metric_id, expected in fx.EXPECTED.items():
        assert latest_value(con, metric_id) == pytest.approx(expected), metric_id


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers(con):
    frame = ex.small_extract(S, persons=5).with_columns(
        pl.when(pl.col("Anställningsnummer") == "E3").then(pl.lit("150"))
        .otherwise(pl.col("Sysselsättningsgrad")).alias("Sysselsättningsgrad"))
    report = ingest(con, [("titlar.xlsx", ex.xlsx_bytes(frame, title_rows=3))])
    # three title rows, the header on row 4, E0 on row 5 ... E3 on row 8
    assert [(f.row, f.column) for f in report.errors] == [(8, "Sysselsättningsgrad")]


# --- input quirks -------------------------------------------------------------------------------

def _load_one(con, frame: pl.DataFrame, name="uttag.csv", data: bytes | None = None, **kwargs):
    report = ingest(con, [(name, data if data is not None else ex.csv_bytes(frame))], **kwargs)
    assert report.loaded, [str(f) for f in report.findings]
    return employment(con)


def _with(column: str, values: list) -> pl.DataFrame:
    frame = ex.small_extract(S, persons=len(values))
    return frame.with_columns(pl.Series(column, values, dtype=pl.String))


@pytest.mark.parametrize("separator", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_separators_and_encodings(con, separator, encoding):
    frame = _with("Månadslön (heltid)", ["32500,5", "1 234,5"])
    stored = _load_one(con, frame, data=ex.csv_bytes(frame, separator, encoding))
    assert stored["forvaltning"].to_list() == ["Vård och omsorg", "Barn och utbildning"]
    assert stored["monthly_salary_fte"].to_list() == [32500.5, 1234.5]


@pytest.mark.parametrize(("text", "value"), [
    ("32 500,50", 32500.5), ("32\u00a0500,50", 32500.5), ("32.500,50", 32500.5),
    ("32500.5", 32500.5), ("32500", 32500.0), ("32 500 kr", 32500.0),
    ("32,500.50", 32500.5), ("$32,500.50", 32500.5), ("32 500 SEK", 32500.0),
    ("1,032,500", 1032500.0), ("1.032.500", 1032500.0),
])
def test_number_spellings(con, text, value):
    stored = _load_one(con, _with("Månadslön (heltid)", [text]))
    assert stored["monthly_salary_fte"].to_list() == [value]


@pytest.mark.parametrize(("texts", "rates"), [
    (["0.75", "1"], [75.0, 100.0]),          # an Excel percent cell holds a fraction
    (["0,5", "1,0"], [50.0, 100.0]),
    (["75 %", "100 %"], [75.0, 100.0]),
    (["75,0", "100"], [75.0, 100.0]),
    (["1", "50"], [1.0, 50.0]),              # decided per column: 1 here is 1 %
])
def test_rates_as_fraction_or_percent_per_column(con, texts, rates):
    stored = _load_one(con, _with("Sysselsättningsgrad", texts))
    assert stored["contracted_rate"].to_list() == rates


@pytest.mark.parametrize("text", ["2020-03-15", "43905", "15 mars 2020", "15 Mar. 2020",
                                  "15.03.2020", "20200315", "2020-03-15 00:00:00",
                                  "15/03/2020", "03/15/2020", "3/15/2020 0:00",
                                  "2020-03-15T08:30:00", "15-03-2020"])
def test_date_spellings(con, text):
    frame = ex.small_extract(S, persons=1).with_columns(pl.lit(text).alias("Anställningsdatum"))
    assert _load_one(con, frame)["employment_start"].to_list() == [date(2020, 3, 15)]


@pytest.mark.parametrize("text", ["2025-11-01", "2025-11", "202511", "november 2025", "45962"])
def test_snapshot_from_a_date_or_a_month(con, text):
    stored = _load_one(con, _with("Mätdatum", [text]))
    assert stored["snapshot_date"].to_list() == [S]


def test_snapshot_from_the_argument_when_the_file_has_none(con):
    frame = ex.small_extract(S, persons=2).drop("Mätdatum")
    refused = ingest(con, [("utan_datum.csv", ex.csv_bytes(frame))])
    assert not refused.loaded and refused.needs_snapshot_date == ["utan_datum.csv"]
    assert _load_one(con, frame, snapshot_date=date(2024, 11, 1))["snapshot_date"].unique() \
        .to_list() == [date(2024, 11, 1)]


@pytest.mark.parametrize(("column", "texts", "canonical", "values"), [
    ("Kön", ["K", "M"], "gender", ["K", "M"]),
    ("Kön", ["Kvinna", "Man"], "gender", ["K", "M"]),
    ("Kön", ["F", "M"], "gender", ["K", "M"]),
    ("Kön", ["2", "1"], "gender", ["K", "M"]),
    ("Chef", ["Ja", "Nej"], "is_manager", [True, False]),
    ("Chef", ["J", "N"], "is_manager", [True, False]),
    ("Chef", ["X", ""], "is_manager", [True, False]),
    ("Chef", ["1", "0"], "is_manager", [True, False]),
    ("Chef", ["true", "false"], "is_manager", [True, False]),
    ("Löneform", ["Månadslön", "Timlön"], "pay_form", ["monthly", "hourly"]),
    ("Löneform", ["Månadsavlönad", "Timavlönad"], "pay_form", ["monthly", "hourly"]),
    ("Löneform", ["Månad", "Tim"], "pay_form", ["monthly", "hourly"]),
    ("Löneform", ["Monthly", "Hourly"], "pay_form", ["monthly", "hourly"]),
])
def test_value_vocabularies(con, column, texts, canonical, values):
    assert _load_one(con, _with(column, texts))[canonical].to_list() == values


def test_headers_match_ignoring_case_diacritics_punctuation_and_spaces(con):
    frame = ex.small_extract(S, persons=2).rename({
        "Mätdatum": "MATDATUM", "Personnummer": "personnr", "Anställningsnummer": "Anst.nr",
        "Förvaltning": " forvaltning ", "Sysselsättningsgrad": "Syss.grad",
        "Månadslön (heltid)": "Lön 100 %", "Löneform": "LÖNE-FORM"})
    stored = _load_one(con, frame)
    assert stored["employment_id"].to_list() == ["E0", "E1"]
    assert stored["contracted_rate"].to_list() == [75.0, 100.0]
    assert stored["monthly_salary_fte"].to_list() == [30000.0, 30100.0]


def test_personnummer_forms_give_one_person_and_gender_from_the_number(con):
    number = ex.personnummer(1975, 3, "M")            # ÅÅÅÅMMDD-NNNN
    forms = [number, number.replace("-", ""), number[2:], number[2:].replace("-", "")]
    frame = ex.small_extract(S, persons=4).with_columns(
        pl.Series("Personnummer", forms)).drop("Chef")
    stored = _load_one(con, frame)
    assert stored["person_key"].n_unique() == 1
    assert stored["birth_year"].to_list() == [1975] * 4
    assert stored["gender"].to_list() == ["M"] * 4   # the file has no gender column


# --- errors refuse the batch; the store stays exactly as it was ---------------------------------

def _refused(con, files, **kwargs):
    before = checksum(con)
    report = ingest(con, files, **kwargs)
    assert not report.loaded
    assert checksum(con) == before
    return report


@pytest.fixture
def loaded(con):
    """A store that already holds one snapshot, so that 'unchanged' means something."""
    ingest(con, [("forsta.csv", ex.csv_bytes(ex.small_extract(date(2024, 11, 1))))])
    return con


@pytest.mark.parametrize(("column", "text", "message"), [
    ("Sysselsättningsgrad", "120", "mellan 0 och 100"),
    ("Sysselsättningsgrad", "-5", "mellan 0 och 100"),
    ("Månadslön (heltid)", "-100", "minst 0"),
    ("Månadslön (heltid)", "trettiotusen", "kan inte läsas som ett tal"),
    ("Löneform", "Årslön", "Okänt värde 'Årslön'"),
    ("Personnummer", "19750301-1234", "fel kontrollsiffra"),
    ("Personnummer", "1975-03-01", "har inte formen"),
    ("Anställningsnummer", "E0", "flera rader"),
])
def test_a_bad_value_refuses_the_batch_naming_row_and_column(loaded, column, text, message):
    frame = ex.small_extract(S, persons=4)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 2).then(pl.lit(text)).otherwise(pl.col(column))
        .alias(column))
    report = _refused(loaded, [("ny.csv", ex.csv_bytes(frame))])
    [error] = report.errors
    assert (error.file, error.row, error.column) == ("ny.csv", 4, column)
    assert message in error.message


def test_a_missing_required_column_is_named(loaded):
    frame = ex.small_extract(S).drop("Löneform")
    report = _refused(loaded, [("ny.csv", ex.csv_bytes(frame))])
    assert [(e.column, e.row) for e in report.errors] == [("Löneform", 1)]


def test_one_bad_file_refuses_the_good_ones_too(loaded):
    good = ex.csv_bytes(ex.small_extract(S))
    report = _refused(loaded, [("bra.csv", good), ("trasig.xlsx", b"PK\x03\x04 inte en zip")])
    assert [e.file for e in report.errors] == ["trasig.xlsx"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("gammal.xls", b"\xd0\xcf\x11\xe0 old", "spara den som Excel-arbetsbok (.xlsx)"),
    ("skyddad.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 encrypted", "lösenordsskyddad"),
    ("bild.xlsx", b"\x89PNG\r\n\x1a\n", "ingen Excel-arbetsbok"),
    ("tom.csv", b"", "tom"),
    ("bara_rubriker.csv", "Personnummer;Anställningsnummer;Löneform\n".encode(), "inga datarader"),
    ("okand.csv", b"a;b;c\n1;2;3\n", "ingen rubrikrad"),
])
def test_unreadable_files_are_refused_with_a_message(loaded, name, data, message):
    report = _refused(loaded, [(name, data)])
    assert message in report.errors[0].message


def _without_dimension(workbook: bytes) -> bytes:
    """The workbook with <dimension> removed, so only the parse itself can see the size."""
    source, target = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            out.writestr(item, data)
    return target.getvalue()


def test_a_workbook_that_crashes_the_parser_is_refused_and_we_survive(loaded):
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write(0, 0, "Personnummer")
        sheet.write(1048575, 16383, "x")     # XFD1048576: calamine aborts the process
    hostile = buffer.getvalue()
    assert "långt utanför" in _refused(loaded, [("far.xlsx", hostile)]).errors[0].message
    report = _refused(loaded, [("far2.xlsx", _without_dimension(hostile))])
    assert "kunde inte läsas" in report.errors[0].message
    assert read.read("ok.csv", b"a;b\n1;2\n")[0].frame.height == 2   # still alive


def test_a_parse_started_ahead_answers_only_for_its_own_workbooks():
    def rows(sheets: list[sandbox.Sheet]) -> int:
        return pl.read_ipc(sheets[0][1]).height

    first = ex.xlsx_bytes(ex.small_extract(S, persons=2))
    second = ex.xlsx_bytes(ex.small_extract(S, persons=5))
    sandbox.prestart([first])
    answers, timed_out = sandbox.parse([second])
    assert rows(answers[0]) == 1 + 5 and not timed_out
    sandbox.prestart([first])
    assert rows(sandbox.parse([first])[0][0]) == 1 + 2


# --- replace, idempotence, warnings, archive, personal data -------------------------------------

def test_loading_twice_is_idempotent_and_logged_twice(con):
    data = ex.csv_bytes(ex.small_extract(S))
    ingest(con, [("a.csv", data)])
    first = employment(con).drop("load_id")
    ingest(con, [("a.csv", data)])
    assert employment(con).drop("load_id").equals(first)
    assert store.read(con, "SELECT count(*) AS n FROM load_log")["n"][0] == 2


def test_a_snapshot_loaded_again_is_replaced_not_added(con):
    ingest(con, [("a.csv", ex.csv_bytes(ex.small_extract(S, persons=10)))])
    ingest(con, [("b.csv", ex.csv_bytes(ex.small_extract(date(2024, 11, 1), persons=4)))])
    ingest(con, [("c.csv", ex.csv_bytes(ex.small_extract(S, persons=3)))])
    counts = store.read(con, "SELECT snapshot_date, count(*) AS n FROM employment "
                             "GROUP BY ALL ORDER BY 1")
    assert counts.rows() == [(date(2024, 11, 1), 4), (S, 3)]


def test_summed_rates_over_100_warn_but_load(con):
    frame = ex.small_extract(S, persons=2).with_columns(
        pl.Series("Personnummer", [ex.personnummer(1980, 1, "K")] * 2),
        pl.Series("Sysselsättningsgrad", ["100", "50"]))
    report = ingest(con, [("dubbel.csv", ex.csv_bytes(frame))])
    assert report.loaded
    assert [(w.row, w.column) for w in report.warnings] == [(2, "Sysselsättningsgrad")]


def test_the_original_is_archived_read_only_by_its_hash(con, env):
    data = ex.csv_bytes(ex.small_extract(S))
    ingest(con, [("uttag.csv", data)])
    archived = env / "data" / "raw" / f"{hashlib.sha256(data).hexdigest()}.csv"
    assert archived.read_bytes() == data
    assert not archived.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    log = store.read(con, "SELECT file_name, sha256, rows FROM load_log")
    assert log.rows() == [("uttag.csv", hashlib.sha256(data).hexdigest(), 40)]


def test_no_personnummer_reaches_the_store_or_a_message(con, env):
    frame = ex.fixture_employment()
    bad = frame.with_columns(pl.when(pl.int_range(pl.len()) == 0)
                             .then(pl.lit("19590101-0000")).otherwise("Personnummer")
                             .alias("Personnummer"))
    refused = ingest(con, [("fel.csv", ex.csv_bytes(bad))])
    ingest(con, [("a.csv", ex.csv_bytes(frame)), ("b.csv", ex.csv_bytes(ex.fixture_absence()))])
    con.execute("CHECKPOINT")
    numbers = set(ex.fixture_personnummer().values()) | {"19590101-0000"}
    forms = {n.replace("-", "") for n in numbers} | {n[2:].replace("-", "") for n in numbers}
    texts = " ".join(str(f) for f in refused.findings)
    for table in ("employment", "absence_year", "load_log"):
        texts += repr(store.read(con, f"SELECT * FROM {table}").rows())
    stored_bytes = (env / "store.duckdb").read_bytes()
    for number in forms:
        assert number not in texts.replace("-", "")
        assert number.encode() not in stored_bytes
    assert "[personnummer]" in texts or "Personnumret" in texts


def test_the_key_is_secret_stable_and_private(con, env):
    key_file = env / "secret" / "key"
    data = ex.csv_bytes(ex.small_extract(S, persons=3))
    ingest(con, [("a.csv", data)])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    keys = employment(con)["person_key"].to_list()
    ingest(con, [("a.csv", data)])
    assert employment(con)["person_key"].to_list() == keys          # stable
    numbers = pl.DataFrame({"personnummer": ex.small_extract(S, persons=3)["Personnummer"]})
    checked = pseudonymise.checked(numbers, pl.lit(2025))
    other = pseudonymise.keyed(checked, b"another installation")["person_key"].to_list()
    assert set(other).isdisjoint(keys)


# --- the command line ---------------------------------------------------------------------------

def _cli(*args, env_dir):
    import os

    env = {**os.environ, "PERSONALPANELEN_DATA_DIR": str(env_dir / "data"),
           "PERSONALPANELEN_SECRET_FILE": str(env_dir / "key")}
    return subprocess.run([sys.executable, "-m", "pipelines", *args], capture_output=True,
                          text=True, env=env)


def test_cli_ingest_ok_refused_and_missing(tmp_path):
    good, bad = tmp_path / "bra.csv", tmp_path / "fel.csv"
    good.write_bytes(ex.csv_bytes(ex.small_extract(S)))
    bad.write_bytes(ex.csv_bytes(ex.small_extract(S).drop("Löneform")))
    db = str(tmp_path / "cli.duckdb")
    ok = _cli("ingest", str(good), "--db", db, env_dir=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "Inläst: 40 rader" in ok.stdout
    refused = _cli("ingest", str(bad), "--db", db, env_dir=tmp_path)
    assert refused.returncode == 1
    assert "Kolumnen Löneform saknas" in refused.stderr and "oförändrad" in refused.stderr
    missing = _cli("ingest", str(tmp_path / "finns_inte.csv"), "--db", db, env_dir=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    no_date = tmp_path / "utan.csv"
    no_date.write_bytes(ex.csv_bytes(ex.small_extract(S).drop("Mätdatum")))
    dated = _cli("ingest", str(no_date), "--snapshot-date", "2023-11-01", "--db", db,
                 env_dir=tmp_path)
    assert dated.returncode == 0, dated.stderr
    con = store.connect(db, read_only=True)
    dates = store.read(con, "SELECT DISTINCT snapshot_date FROM employment ORDER BY 1")
    con.close()
    assert dates["snapshot_date"].to_list() == [date(2023, 11, 1), S]


# --- spreadsheet shapes seen in real life -------------------------------------------------------

def test_the_data_sheet_is_found_among_several(con):
    import xlsxwriter

    frame = ex.small_extract(S, persons=3)
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        info = workbook.add_worksheet("Info")
        info.write_column(0, 0, ["Personalrapport", "Skapad av lönesystemet", "Sida 1"])
        data = workbook.add_worksheet("Anställningar")
        data.write_row(0, 0, frame.columns)
        for r, row in enumerate(frame.iter_rows(), start=1):
            data.write_row(r, 0, row)
    report = ingest(con, [("flera_blad.xlsx", buffer.getvalue())])
    assert report.loaded, [str(f) for f in report.findings]
    assert report.readings == {"flera_blad.xlsx": "standardrubrikerna, bladet Anställningar"}


def test_totals_row_empty_rows_and_columns_are_skipped(con):
    frame = ex.small_extract(S, persons=4).with_columns(pl.lit(None, pl.String).alias("Tom"))
    text = ex.csv_bytes(frame).decode("utf-8-sig").splitlines()
    text.insert(3, ";" * (len(frame.columns) - 1))                      # an empty row
    text.append("Summa;;;;;;;;;")                                       # the report's total
    report = ingest(con, [("summa.csv", "\n".join(text).encode())])
    assert report.loaded, [str(f) for f in report.findings]
    assert report.rows == 4
    assert [(w.row, w.message[:14]) for w in report.warnings] == [(7, "Summarad rad (")]


@pytest.mark.parametrize("name", ["uttag.xlsx", "uttag.xlsm", "uttag.csv", "uttag.txt"])
def test_the_same_extract_as_xlsx_xlsm_csv_and_txt(con, name):
    frame = ex.small_extract(S, persons=5)
    data = ex.xlsx_bytes(frame) if name.endswith(("xlsx", "xlsm")) else ex.csv_bytes(frame)
    stored = _load_one(con, frame, name=name, data=data)
    assert stored["employment_id"].to_list() == [f"E{i}" for i in range(5)]
    assert stored["contracted_rate"].to_list() == [75.0, 100.0, 100.0, 75.0, 100.0]
