"""A corpus of bad and hostile inputs, each built here: the expected message, the exit code of
`python -m pipelines ingest` (run in process through its main()), and the store unchanged."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date

import openpyxl
import polars as pl
import pytest
import xlsxwriter

import store
from metrics.export import workbook_bytes
from pipelines import normalise, schema
from pipelines.__main__ import main
from tests import extracts as ex

S = date(2025, 11, 1)


def good(persons: int = 6) -> pl.DataFrame:
    return ex.small_extract(S, persons=persons)


def cell(column: str, text: str, row: int = 2) -> bytes:
    """A good extract with one cell (data row index `row`, Excel row row + 2) replaced."""
    frame = good()
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit(text)).otherwise(pl.col(column))
        .alias(column))
    return ex.csv_bytes(frame)


def column_values(column: str, values: list[str]) -> bytes:
    frame = good(len(values))
    return ex.csv_bytes(frame.with_columns(pl.Series(column, values)))


def workbook(write: Callable) -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        write(book.add_worksheet("Uttag"))
    return buffer.getvalue()


def rezip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, change(item.filename, source.read(item)))
    return target.getvalue()


def far_cell(sheet) -> None:
    sheet.write(0, 0, "Personnummer")
    sheet.write(1048575, 16383, "x")


def no_dimension(name: str, data: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*/>", b"", data) if name.startswith("xl/worksheets/") else data


def zip_bomb() -> bytes:
    """A workbook with a part that inflates to 1.1 GB of zeros (a few MB compressed)."""
    base = ex.xlsx_bytes(good())
    target = io.BytesIO(base)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as out, \
            out.open("xl/media/padding.bin", "w", force_zip64=True) as part:
        block = b"\0" * (1 << 24)
        for _ in range(66):
            part.write(block)
    return target.getvalue()


def billion_laughs(name: str, data: bytes) -> bytes:
    """sharedStrings.xml with nested entities that expand to 10^8 characters."""
    if name != "xl/sharedStrings.xml":
        return data
    levels = ['<!ENTITY e0 "aaaaaaaaaa">'] + [
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 8)]
    doctype = f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(levels)}]>'
    return (re.sub(rb"^<\?xml[^>]*\?>", doctype.encode(), data)
            .replace(b"<t>E0</t>", b"<t>&e7;</t>"))


def zip_without_workbook() -> bytes:
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("x.txt", "hello")
    return target.getvalue()


HEADERS_ONLY = ";".join(good().columns).encode() + b"\n"

PNR = ex.personnummer(1971, 5, "K")
"""A valid personnummer (form, date, Luhn digit), to hide in columns that should not hold one."""


def samordningsnummer() -> str:
    """A valid samordningsnummer: the day of birth plus 60, then the Luhn digit."""
    nine = "710366" + "123"
    return f"19{nine[:6]}-{nine[6:]}{ex.luhn_digit(nine)}"


def by_person_id(header: str, values: list[str], persons: int = 6) -> bytes:
    """A good extract identified by a person id column instead of the personnummer."""
    frame = good(persons).drop("Personnummer")
    return ex.csv_bytes(frame.insert_column(1, pl.Series(header, values)))


def person_ids(prefix: str = "", width: int = 0) -> list[str]:
    return [f"{prefix}{str(1000 + i).zfill(width)}" for i in range(6)]

def pay(basic: str = "400000", hours: str = "1700", level: str = "3", pnr: str | None = None,
        drop: tuple[str, ...] = ()) -> bytes:
    """Issue 23: a pay extract of six persons, the first person's basic pay, hours paid, value
    level and personnummer as given, without the columns in `drop`."""
    pnrs = [ex.personnummer(1970 + i, i, "KM"[i % 2]) for i in range(6)]
    rows = [("2025", pnr_ if i or pnr is None else pnr, "Undersköterska", level if i == 0 else "3",
             basic if i == 0 else "380000", "12000", hours if i == 0 else "1700")
            for i, pnr_ in enumerate(pnrs)]
    frame = pl.DataFrame(rows, orient="row", schema=[
        "År", "Personnummer", "Befattning", "Arbetsvärderingsnivå", "Utbetald grundlön",
        "OB-tillägg", "Betalda timmar"])
    return ex.csv_bytes(frame.drop(drop))


# (id, file name, bytes, expected message fragment, expected exit code)
def training(rows: list[tuple[str, str]], drop: tuple[str, ...] = ()) -> bytes:
    """Issue 13: a training extract, one row per (course, date) for six persons, without the
    columns in `drop`."""
    pnrs = [ex.personnummer(1970 + i, i, "K") for i in range(6)]
    frame = pl.DataFrame([(pnr, course, day) for pnr in pnrs for course, day in rows],
                         orient="row", schema=["Personnummer", "Kurs", "Kursdatum"])
    return ex.csv_bytes(frame.drop(drop))


def crisis(weeks: list[str], service: str = "Skola", drop: tuple[str, ...] = ()) -> bytes:
    """Issue 13: a crisis placement register, one row per week for six persons, without the
    columns in `drop`."""
    pnrs = [ex.personnummer(1970 + i, i, "M") for i in range(6)]
    frame = pl.DataFrame([(pnr, "Förskolan Solen", service, week) for pnr in pnrs
                          for week in weeks], orient="row",
                         schema=["Personnummer", "Mottagande enhet", "Kärnverksamhet", "Vecka"])
    return ex.csv_bytes(frame.drop(drop))


CASES: list[tuple[str, str, Callable[[], bytes], str, int]] = [
    # wrong types in numeric columns
    ("salary-text", "a.csv", lambda: cell("Månadslön (heltid)", "trettiotusen"), "kan inte läsas som ett tal", 1),
    ("rate-text", "a.csv", lambda: cell("Sysselsättningsgrad", "heltid"), "kan inte läsas som en sysselsättningsgrad", 1),
    ("salary-date", "a.csv", lambda: cell("Månadslön (heltid)", "2025-01-01"), "kan inte läsas som ett tal", 1),
    # dates that are not dates, in six spellings
    *[(f"date-{i}", "a.csv", (lambda t=text: cell("Mätdatum", t)), "kan inte läsas som ett datum", 1)
      for i, text in enumerate(["2025-13-01", "31.02.2025", "igår", "2025/11/32",
                                "1 novembr 2025", "00.00.0000"])],
    # rates: out of range, and fractions mixed with percent in one column
    ("rate-over-100", "a.csv", lambda: cell("Sysselsättningsgrad", "120"), "mellan 0 och 100", 1),
    ("rate-negative", "a.csv", lambda: cell("Sysselsättningsgrad", "-5"), "mellan 0 och 100", 1),
    ("rate-mixed-scales", "a.csv", lambda: column_values("Sysselsättningsgrad", ["0,5", "100", "75", "0.75"]),
     "blandar andelar", 1),
    ("salary-negative", "a.csv", lambda: cell("Månadslön (heltid)", "-100"), "minst 0", 1),
    # numbers: separators the column cannot settle, shapes that are no number, currencies
    ("number-dot-thousands-or-decimal", "a.csv", lambda: cell("Månadslön (heltid)", "31.500"),
     "kan läsas både som 31500 och som 31,5", 1),
    ("number-comma-thousands-or-decimal", "a.csv", lambda: cell("Månadslön (heltid)", "31,500"),
     "kan läsas både som 31500 och som 31,5", 1),
    ("number-dollar-ambiguous", "a.csv", lambda: cell("Månadslön (heltid)", "$31,500"),
     "kan läsas både som 31500", 1),
    ("rate-dot-thousands-or-decimal", "a.csv", lambda: cell("Sysselsättningsgrad", "100.000"),
     "kan läsas både som 100000 och som 100", 1),
    ("number-bad-groups", "a.csv", lambda: cell("Månadslön (heltid)", "3,00,000"), "kan inte läsas som ett tal", 1),
    ("number-two-points", "a.csv", lambda: cell("Månadslön (heltid)", "30.000.5"), "kan inte läsas som ett tal", 1),
    ("number-both-twice", "a.csv", lambda: cell("Månadslön (heltid)", "1.234,567.8"), "kan inte läsas som ett tal", 1),
    ("number-currency-only", "a.csv", lambda: cell("Månadslön (heltid)", "$"), "kan inte läsas som ett tal", 1),
    ("number-unknown-currency", "a.csv", lambda: cell("Månadslön (heltid)", "30000 NOK"), "kan inte läsas som ett tal", 1),
    ("number-infinity", "a.csv", lambda: cell("Månadslön (heltid)", "inf"), "kan inte läsas som ett tal", 1),
    ("number-nan", "a.csv", lambda: cell("Månadslön (heltid)", "NaN"), "kan inte läsas som ett tal", 1),
    ("number-trailing-minus", "a.csv", lambda: cell("Månadslön (heltid)", "30000-"), "kan inte läsas som ett tal", 1),
    # US thousands read at full size: 23,751 is under the rate's 100, not 23.751 %
    ("rate-us-thousands", "a.csv", lambda: column_values("Sysselsättningsgrad", ["1,000", "1,234,000"]),
     "mellan 0 och 100", 1),
    # dates: day or month first that the column cannot settle, and what is no date
    ("date-day-or-month", "a.csv", lambda: cell("Mätdatum", "11/01/2025"),
     "kan vara 2025-01-11 eller 2025-11-01", 1),
    ("date-day-or-month-with-time", "a.csv", lambda: cell("Mätdatum", "1/11/2025 0:00"),
     "kan vara 2025-11-01 eller 2025-01-11", 1),
    ("date-day-or-month-dashes", "a.csv", lambda: cell("Mätdatum", "01-11-2025"),
     "inget datum i kolumnen visar om dagen eller månaden står först", 1),
    ("date-both-orders", "a.csv", lambda: column_values("Mätdatum", ["13/11/2025", "11/13/2025", "11/12/2025"]),
     "kan vara 2025-12-11 eller 2025-11-12", 1),
    ("date-us-february-30", "a.csv", lambda: column_values("Mätdatum", ["02/30/2025", "11/13/2025"]),
     "'02/30/2025' kan inte läsas som ett datum", 1),
    ("date-hour-25", "a.csv", lambda: cell("Mätdatum", "2025-11-01 25:00"), "kan inte läsas som ett datum", 1),
    ("date-13-13", "a.csv", lambda: cell("Mätdatum", "13/13/2025"), "kan inte läsas som ett datum", 1),
    # duplicates, unknown codes, missing values
    ("duplicate-id", "a.csv", lambda: cell("Anställningsnummer", "E0"), "flera rader", 1),
    ("unknown-pay-form", "a.csv", lambda: cell("Löneform", "Arvode"), "Okänt värde 'Arvode'", 1),
    ("unknown-flag", "a.csv", lambda: cell("Chef", "kanske"), "Okänt värde 'kanske'", 1),
    ("blank-id", "a.csv", lambda: cell("Anställningsnummer", ""), "Anställningsnummer saknas", 1),
    ("blank-pay-form", "a.csv", lambda: cell("Löneform", ""), "Löneform saknas", 1),
    ("snapshot-quarter", "a.csv", lambda: cell("Mätdatum", "Q4 2025"), "ett datum eller en månad", 1),
    # personnummer
    ("pnr-luhn", "a.csv", lambda: cell("Personnummer", "19750301-1234"), "fel kontrollsiffra", 1),
    ("pnr-date", "a.csv", lambda: cell("Personnummer", "19751301-1234"), "giltigt födelsedatum", 1),
    ("pnr-form", "a.csv", lambda: cell("Personnummer", "1975-03-01"), "har inte formen", 1),
    ("pnr-blank", "a.csv", lambda: cell("Personnummer", ""), "Personnumret saknas", 1),
    # person identity: a personnummer where it does not belong, a person id that is missing
    ("pnr-in-employment-id", "a.csv", lambda: cell("Anställningsnummer", PNR),
     "Kolumnen Anställningsnummer innehåller ett personnummer eller samordningsnummer", 1),
    ("pnr-hidden-in-employment-id", "a.csv", lambda: cell("Anställningsnummer", f"A-{PNR}-02"),
     "Kolumnen Anställningsnummer innehåller ett personnummer", 1),
    ("pnr-ten-digits-in-employment-id", "a.csv",
     lambda: cell("Anställningsnummer", PNR[2:].replace("-", "")),
     "Kolumnen Anställningsnummer innehåller ett personnummer", 1),
    ("samordningsnummer-in-person-id", "a.csv",
     lambda: by_person_id("Medarbetar-id", [*person_ids()[:5], samordningsnummer()]),
     "Kolumnen Medarbetar-id innehåller ett personnummer eller samordningsnummer", 1),
    ("pnr-in-person-id", "a.csv", lambda: by_person_id("Employee ID", [PNR, *person_ids()[1:]]),
     "Kolumnen Employee ID innehåller ett personnummer", 1),
    ("pnr-in-forvaltning", "a.csv", lambda: cell("Förvaltning", f"Vård {PNR}"),
     "Kolumnen Förvaltning innehåller ett personnummer", 1),
    ("no-identity", "a.csv", lambda: ex.csv_bytes(good().drop("Personnummer")),
     "Kolumnen Personnummer eller Person-id saknas", 1),
    ("person-id-blank", "a.csv", lambda: by_person_id("Personal-ID", [*person_ids()[:5], ""]),
     "Person-id saknas på raden", 1),
    ("birth-year-text", "a.csv", lambda: ex.csv_bytes(pl.read_csv(
        by_person_id("Personalnummer", person_ids()), separator=";", infer_schema=False)
        .with_columns(pl.Series("Födelseår", ["1970", "1980", "okänt", "1990", "1960", "1975"]))),
     "'okänt' kan inte läsas som ett årtal", 1),
    ("birth-year-after-snapshot", "a.csv", lambda: ex.csv_bytes(pl.read_csv(
        by_person_id("Personalnummer", person_ids()), separator=";", infer_schema=False)
        .with_columns(pl.Series("Födelseår", ["1970", "1980", "2030", "1990", "1960", "1975"]))),
     "Födelseåret är orimligt", 1),
    # over-long cells
    ("overlong-cell", "a.csv", lambda: cell("Förvaltning", "x" * 5000), "5000 tecken", 1),
    # columns, headers, shapes
    ("missing-required", "a.csv", lambda: ex.csv_bytes(good().drop("Löneform")), "Kolumnen Löneform saknas", 1),
    ("no-header", "a.csv", lambda: b"a;b;c\n1;2;3\n", "Hittar ingen rubrikrad", 1),
    ("headers-only", "a.csv", lambda: HEADERS_ONLY, "inga datarader", 1),
    ("empty", "a.csv", lambda: b"", "filen är tom", 1),
    ("blank-lines-only", "a.txt", lambda: b"\n\n \n", "filen är tom", 1),
    ("trailing-blank-lines-bad-row", "a.csv", lambda: cell("Sysselsättningsgrad", "999") + b"\n\n;;;;\n",
     "mellan 0 och 100", 1),
    # encodings, separators, BOMs
    ("utf16-bom", "a.csv", lambda: ex.csv_bytes(good()).decode("utf-8-sig").encode("utf-16"), "ingen textfil", 1),
    ("pipe-separated", "a.csv", lambda: ex.csv_bytes(good(), separator="|"), "Hittar ingen rubrikrad", 1),
    ("no-snapshot", "a.csv", lambda: ex.csv_bytes(good().drop("Mätdatum")), "saknar mätdatum", 1),
    # file kinds
    ("xls", "a.xls", lambda: b"\xd0\xcf\x11\xe0 old", "spara den som Excel-arbetsbok", 1),
    ("ods", "a.ods", lambda: b"PK\x03\x04 ods", "spara den som Excel-arbetsbok", 1),
    ("exe", "a.exe", lambda: b"MZ\x90\x00", "bara .xlsx, .xlsm, .csv och .txt", 1),
    ("png-as-xlsx", "a.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "ingen Excel-arbetsbok", 1),
    ("csv-as-xlsx", "a.xlsx", lambda: ex.csv_bytes(good()), "ingen Excel-arbetsbok", 1),
    ("xlsx-as-csv", "a.csv", lambda: ex.xlsx_bytes(good()), "ingen textfil", 1),
    ("password-protected", "a.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "lösenordsskyddad", 1),
    ("broken-zip", "a.xlsx", lambda: b"PK\x03\x04" + b"\x00" * 200, "skadad", 1),
    ("zip-without-workbook", "a.xlsx", zip_without_workbook, "xl/workbook.xml saknas", 1),
    # hostile workbooks
    ("far-cell", "a.xlsx", lambda: workbook(far_cell), "långt utanför", 1),
    ("far-cell-hidden", "a.xlsx", lambda: rezip(workbook(far_cell), no_dimension), "kunde inte läsas", 1),
    ("zip-bomb", "a.xlsx", zip_bomb, "orimligt mycket data", 1),
    ("entity-expansion", "a.xlsx", lambda: rezip(ex.xlsx_bytes(good()), billion_laughs), "kunde inte läsas", 1),
    ("too-large", "a.csv", lambda: b"Personnummer;x\n" + b"1;" + b"x" * (4 * 1024 * 1024) + b"\n",
     "största tillåtna storlek", 1),
    # issue 13: the training extract and the crisis placement register
    ("crisis-week-unreadable", "kris.csv", lambda: crisis(["2025-W10", "vecka trettiosju"]),
     "kan inte läsas som en vecka", 1),
    ("crisis-week-53-of-2021", "kris.csv", lambda: crisis(["2021-W53"]),
     "kan inte läsas som en vecka", 1),
    ("crisis-unknown-core-service", "kris.csv", lambda: crisis(["2025-W10"], "Fritid"),
     "Okänt värde 'Fritid'", 1),
    ("crisis-missing-person", "kris.csv",
     lambda: crisis(["2025-W10"], drop=("Personnummer",)),
     "saknas i krisplaceringsregister", 1),
    ("crisis-missing-core-service", "kris.csv",
     lambda: crisis(["2025-W10"], drop=("Kärnverksamhet",)), "Kolumnen Kärnverksamhet saknas",
     1),
    ("crisis-no-week-no-year", "kris.csv", lambda: crisis([""]),
     "filen har varken en kolumn År", 1),
    ("crisis-no-week-column-no-year", "kris.csv", lambda: crisis([""], drop=("Vecka",)),
     "filen har varken en kolumn År", 1),
    ("crisis-same-week-twice", "kris.csv", lambda: crisis(["2025-W10", "2025 v10"]),
     "finns på flera rader", 1),
    ("training-course-date-unreadable", "kurs.csv",
     lambda: training([("HLR", "2025-03-01"), ("HBTQ-diplomering", "våren 2025")]),
     "kan inte läsas som ett datum", 1),
    ("training-missing-person", "kurs.csv",
     lambda: training([("HLR", "2025-03-01")], drop=("Personnummer",)),
     "saknas i utbildningsuttaget", 1),
    ("training-course-blank", "kurs.csv", lambda: training([("", "2025-03-01")]),
     "Kurs saknas på raden", 1),
    # issue 23: the yearly pay extract
    ("pay-text", "lon.csv", lambda: pay(basic="trettiotusen"), "kan inte läsas som ett tal", 1),
    ("pay-negative", "lon.csv", lambda: pay(basic="-100"), "minst 0", 1),
    ("pay-hours-over-a-year", "lon.csv", lambda: pay(hours="9000"), "mellan 0 och 8784", 1),
    ("pay-missing-hours", "lon.csv", lambda: pay(drop=("Betalda timmar",)),
     "Kolumnen Betalda timmar saknas i löneuttaget", 1),
    ("pay-blank-basic", "lon.csv", lambda: pay(basic=""), "Utbetald grundlön saknas", 1),
    ("pay-level-negative", "lon.csv", lambda: pay(level="-1"), "minst 0", 1),
    ("pay-pnr-luhn", "lon.csv", lambda: pay(pnr="19750301-1234"), "fel kontrollsiffra", 1),
    # the command itself
    ("missing-file", None, lambda: b"", "filen finns inte", 2),
]


def checksum(db) -> str:
    con = store.connect(db, read_only=True)
    digest = hashlib.sha256()
    for table in ("employment", "absence_year", "hme_result", "load_log", "training",
                  "crisis_placement", "pay_year"):
        digest.update(repr(store.read(con, f"SELECT * FROM {table} ORDER BY ALL").rows()).encode())
    con.close()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def base_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    first = folder / "first.csv"
    first.write_bytes(ex.csv_bytes(ex.small_extract(date(2024, 11, 1), persons=20)))
    db = folder / "base.duckdb"
    assert main(["ingest", str(first), "--db", str(db)]) == 0
    return db


def test_the_corpus_has_at_least_177_cases():
    """Refused files, person ids and accepted values: deleting a case fails this."""
    assert len(CASES) >= 78 and len(ACCEPTED_IDS) >= 7 and len(ACCEPTED_VALUES) >= 92
    assert len(CASES) + len(ACCEPTED_IDS) + len(ACCEPTED_VALUES) >= 177


@pytest.mark.parametrize(("name", "make", "message", "code"),
                         [(c[1], c[2], c[3], c[4]) for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_a_message_and_the_store_unchanged(
        base_store, tmp_path, monkeypatch, capsys, name, make, message, code):
    monkeypatch.setenv("PERSONALPANELEN_MAX_UPLOAD_MB", "3")
    db = tmp_path / "store.duckdb"
    shutil.copy(base_store, db)
    before = checksum(db)
    path = tmp_path / (name or "finns_inte.csv")
    if name is not None:
        path.write_bytes(make())
    assert main(["ingest", str(path), "--db", str(db)]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert checksum(db) == before


# Person ids of each kind, each loaded with no number in clear: (id, file bytes, the ids)
def _with_birth(data: bytes) -> bytes:
    frame = pl.read_csv(data, separator=";", infer_schema=False)
    return ex.csv_bytes(frame.with_columns(pl.Series("Födelsedatum", ["1970-05-01"] * 6)))


ACCEPTED_IDS: list[tuple[str, Callable[[], bytes], list[str]]] = [
    ("personnummer", lambda: ex.csv_bytes(good()), list(good()["Personnummer"])),
    ("samordningsnummer-as-personnummer", lambda: cell("Personnummer", samordningsnummer()),
     [samordningsnummer()]),
    ("employee-number", lambda: by_person_id("Personalnummer", person_ids()), person_ids()),
    ("medarbetar-id", lambda: by_person_id("Medarbetar-id", person_ids("M")), person_ids("M")),
    ("employee-id-with-birth-date",
     lambda: _with_birth(by_person_id("Employee ID", person_ids("EMP-", 6))),
     person_ids("EMP-", 6)),
    ("pseudonymised-upstream",
     lambda: by_person_id("Pseudonym", [hashlib.sha1(str(i).encode()).hexdigest()
                                        for i in range(6)]),
     [hashlib.sha1(str(i).encode()).hexdigest() for i in range(6)]),
    ("twelve-digit-employee-number-no-personnummer",
     lambda: by_person_id("Personal-ID", [f"1971130{i}1234" for i in range(6)]),
     [f"1971130{i}1234" for i in range(6)]),
]


@pytest.mark.parametrize(("make", "ids"), [(c[1], c[2]) for c in ACCEPTED_IDS],
                         ids=[c[0] for c in ACCEPTED_IDS])
def test_each_kind_of_person_id_loads_and_is_never_stored_in_clear(tmp_path, capsys, make, ids):
    path = tmp_path / "a.csv"
    path.write_bytes(make())
    db = tmp_path / "store.duckdb"
    assert main(["ingest", str(path), "--db", str(db)]) == 0, capsys.readouterr().err
    con = store.connect(db, read_only=True)
    rows = store.read(con, "SELECT * FROM employment").rows()
    assert store.read(con, "SELECT count(DISTINCT person_key) AS n FROM employment")["n"][0] == 6
    con.close()
    cells = {str(value) for row in rows for value in row}
    assert not cells & ({*ids} | {person.replace("-", "") for person in ids})


# Values that load, each checked as the store keeps it: every spelling of an employment form the
# vocabulary knows, numbers in US and Swedish formats and with currencies, dates with times.
# The parsers decide a column's separators and its day or month order from the values that
# allow one reading only, so a case gives its column the rows that decide it.
# (id, file name, bytes, canonical column, employment id -> the value stored)
def employment_form(spelling: str, canonical: str) -> tuple:
    return (f"form-{spelling}", "a.csv",
            lambda: column_values("Anställningsform", [spelling, spelling, "Tillsvidare"]),
            "employment_form", {"E0": canonical, "E1": canonical, "E2": "tillsvidare"})


def stored(column: str, header: str, values: list[str], expected: list) -> tuple[Callable, str, dict]:
    return (lambda: column_values(header, values), column,
            {f"E{i}": value for i, value in enumerate(expected)})


def salary(values: list[str], expected: list[float]) -> tuple[Callable, str, dict]:
    return stored("monthly_salary_fte", "Månadslön (heltid)", values, expected)


def start(values: list[str], expected: list[date]) -> tuple[Callable, str, dict]:
    return stored("employment_start", "Anställningsdatum", values, expected)


def snapshot(text: str) -> tuple[Callable, str, dict]:
    return stored("snapshot_date", "Mätdatum", [text] * 3, [S] * 3)


NFD = "Sa\u0308songsansta\u0308llning"
"""Säsongsanställning with each ä written as a and a combining diaeresis (as macOS writes it)."""

EMPLOYMENT_FORM_SPELLINGS: dict[str, str] = {
    **dict.fromkeys((
        "Tillsvidare", "Tillsvidareanställning", "Tillsvidareanställd", "Tills vidare",
        "Fast anställning", "Fast anställd", "Fast", "TV", "TVA", "Permanent",
        "TILLSVIDAREANSTÄLLNING", "tillsvidareanstallning"), "tillsvidare"),
    **dict.fromkeys((
        "Visstid", "Visstidsanställning", "Visstidsanställd",
        "Allmän visstidsanställning", "Allmän visstid", "ALVA", "AVA",
        "Särskild visstidsanställning", "Särskild visstid", "SÄVA", "SAVA",
        "Överenskommen visstidsanställning", "ÖVA",
        "Tidsbegränsad anställning", "Tidsbegränsad", "Tidsbegränsat anställd",
        "Vikariat", "Vikarie", "Vikariatsanställning", "Vik",
        "Provanställning", "Provanställd", "Säsong", "Säsongsanställning", "Säsongsanställd",
        "Objektsanställning", "Objektsanställd", "Projektanställning", "Projektanställd",
        "ALLMÄN VISSTIDSANSTÄLLNING", "allman visstidsanstallning", "Allmän  visstid",
        "Särskild\u00a0visstidsanställning", "Tidsbegränsad anställning.", "Alva", NFD),
        "visstid"),
    **dict.fromkeys((
        "Timanställning", "Timanställd", "Timavlönad", "Behovsanställning", "Behovsanställd",
        "Intermittent anställning", "Intermittent", "TIMANSTÄLLD", "timanstallning"),
        "timanstallning"),
}
"""Each spelling of an employment form, as a payroll system may write it, and its canonical
form."""

ACCEPTED_VALUES: list[tuple[str, str, Callable[[], bytes], str, dict]] = [
    *(employment_form(spelling, canonical)
      for spelling, canonical in EMPLOYMENT_FORM_SPELLINGS.items()),
    # numbers: US and Swedish separators, currencies; a value with one reading decides the
    # column's '31,500' or '31.500'
    ("number-us-both", "a.csv", *salary(["69,222.18", "31,500"], [69222.18, 31500.0])),
    ("number-us-dollar", "a.csv", *salary(["$69,222.18", "$31,500"], [69222.18, 31500.0])),
    ("number-usd-word", "a.csv", *salary(["USD 4,250.75", "USD 31,500"], [4250.75, 31500.0])),
    ("number-us-groups", "a.csv", *salary(["1,234,567", "23,751"], [1234567.0, 23751.0])),
    ("number-sv-groups", "a.csv", *salary(["1.234.567", "31.500"], [1234567.0, 31500.0])),
    ("number-sv-both", "a.csv", *salary(["69.222,18", "31.500"], [69222.18, 31500.0])),
    ("number-sv-kr", "a.csv", *salary(["69 222,18 kr", "31 500 kr"], [69222.18, 31500.0])),
    ("number-sv-kr-point", "a.csv", *salary(["31 500 kr.", "28 750,50 kr"], [31500.0, 28750.5])),
    ("number-sv-colon-dash", "a.csv", *salary(["28 500:-", "31 000:-"], [28500.0, 31000.0])),
    ("number-sv-kronor", "a.csv", *salary(["31500 kronor", "28 750,50 kronor"],
                                          [31500.0, 28750.5])),
    ("number-sv-kr-before", "a.csv", *salary(["kr 31 500", "Kr 28 750,50"], [31500.0, 28750.5])),
    ("number-sek", "a.csv", *salary(["SEK 31 500", "31 500 SEK"], [31500.0, 31500.0])),
    ("number-euro-sv", "a.csv", *salary(["€ 3.200,50", "€ 31.500"], [3200.5, 31500.0])),
    ("number-euro-word", "a.csv", *salary(["EUR 3 200,50", "3 200,50 EUR"], [3200.5, 3200.5])),
    ("number-nbsp-groups", "a.csv",
     *salary(["31\u00a0500", "28\u202f750,50", "1\u2009234\u00a0567"],
             [31500.0, 28750.5, 1234567.0])),
    ("number-sv-decimal-comma", "a.csv", *salary(["31500,5", "30000"], [31500.5, 30000.0])),
    ("number-plain-point", "a.csv", *salary(["31500.5", "30000"], [31500.5, 30000.0])),
    ("number-comma-3-decimal", "a.csv",
     *stored("contracted_rate", "Sysselsättningsgrad", ["62,500", "75,5"], [62.5, 75.5])),
    ("number-point-3-decimal", "a.csv",
     *stored("contracted_rate", "Sysselsättningsgrad", ["100.000", "75.5"], [100.0, 75.5])),
    ("number-hours-point-3-decimal", "a.csv",
     *stored("hours_worked_month", "Arbetade timmar", ["173.332", "160.5"], [173.332, 160.5])),
    ("rate-fractions", "a.csv",
     *stored("contracted_rate", "Sysselsättningsgrad", ["0,75", "1", "0.5"], [75.0, 100.0, 50.0])),
    ("rate-percent-sign", "a.csv",
     *stored("contracted_rate", "Sysselsättningsgrad", ["75 %", "100%"], [75.0, 100.0])),
    # dates with times, day or month first decided by the column
    ("date-us-with-time", "a.csv",
     *start(["1/10/1999 0:00", "9/22/1986 0:00"], [date(1999, 1, 10), date(1986, 9, 22)])),
    ("date-sv-with-time", "a.csv",
     *start(["1/10/1999 0:00", "22/9/1986 0:00"], [date(1999, 10, 1), date(1986, 9, 22)])),
    ("date-us-am-pm", "a.csv",
     *start(["9/22/1986 12:00 AM", "1/10/1999 12:00 PM", "03/04/2001 11:59:59 PM"],
            [date(1986, 9, 22), date(1999, 1, 10), date(2001, 3, 4)])),
    ("date-us-two-digits", "a.csv",
     *start(["09/22/1986", "01/10/1999"], [date(1986, 9, 22), date(1999, 1, 10)])),
    ("date-iso-utc", "a.csv",
     *start(["2020-03-15T08:30:00Z", "2019-12-31T23:59:59.999Z"],
            [date(2020, 3, 15), date(2019, 12, 31)])),
    ("date-iso-offset", "a.csv",
     *start(["2020-03-15T08:30:00+01:00", "2020-03-15 08:30"], [date(2020, 3, 15)] * 2)),
    ("date-dotted-with-time", "a.csv",
     *start(["15.03.2020 08:30", "1.10.1999 0:00"], [date(2020, 3, 15), date(1999, 10, 1)])),
    ("date-month-name", "a.csv",
     *start(["15 mars 2020", "1 okt. 1999"], [date(2020, 3, 15), date(1999, 10, 1)])),
    ("snapshot-iso-utc", "a.csv", *snapshot("2025-11-01T00:00:00Z")),
    ("snapshot-iso-with-time", "a.csv", *snapshot("2025-11-01 00:00:00")),
    ("snapshot-dotted-with-time", "a.csv", *snapshot("1.11.2025 0:00")),
    ("snapshot-excel-serial", "a.csv", *snapshot("45962")),
    ("snapshot-month", "a.csv", *snapshot("november 2025")),
]


@pytest.mark.parametrize(("name", "make", "column", "expected"),
                         [c[1:] for c in ACCEPTED_VALUES], ids=[c[0] for c in ACCEPTED_VALUES])
def test_each_accepted_value_is_stored_as_its_canonical_value(
        tmp_path, capsys, name, make, column, expected):
    path = tmp_path / name
    path.write_bytes(make())
    db = tmp_path / "store.duckdb"
    assert main(["ingest", str(path), "--db", str(db)]) == 0, capsys.readouterr().err
    con = store.connect(db, read_only=True)
    rows = store.read(con, f"SELECT employment_id, {column} FROM employment").rows()
    con.close()
    assert dict(rows) == expected


def test_every_employment_form_spelling_of_the_vocabulary_has_a_case():
    vocabulary = {normalise.fold(key): form for key, form in schema.EMPLOYMENT_FORM_VALUES.items()}
    cases = {normalise.fold(spelling): form for spelling, form in EMPLOYMENT_FORM_SPELLINGS.items()}
    assert set(vocabulary) - set(cases) == set()
    assert {key: vocabulary.get(key) for key in cases} == cases


def test_formula_looking_text_is_stored_as_text_and_exported_inert(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    frame = good().with_columns(pl.lit('=HYPERLINK("http://evil","klicka")').alias("Förvaltning"))
    path = tmp_path / "formel.csv"
    path.write_bytes(ex.csv_bytes(frame))
    db = tmp_path / "store.duckdb"
    assert main(["ingest", str(path), "--db", str(db)]) == 0
    con = store.connect(db)
    stored = store.read(con, "SELECT DISTINCT forvaltning FROM employment")["forvaltning"]
    assert stored.to_list() == ['=HYPERLINK("http://evil","klicka")']
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(con, ["headcount"])))
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    sheet = [c.value for row in book["Antal anställda"].iter_rows() for c in row]
    assert '\'=HYPERLINK("http://evil","klicka")' in sheet  # the name, as inert text
    con.close()
