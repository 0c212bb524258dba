"""A personnummer written with any separator a person or a payroll system writes is one
personnummer everywhere: masked in a file name (load log, audit log, report), read in the
personnummer column (the person gets their key), refused in a column that should not hold one,
found by erase; and its digits reach no table of the store."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

import store
from pipelines import lifecycle, pseudonymise
from pipelines.__main__ import main
from pipelines.findings import ERROR, Finding
from pipelines.load import ingest
from tests import extracts as ex

S = date(2025, 11, 1)

SEPARATORS = {
    "hyphen": "-", "unicode-hyphen": "\u2010", "non-breaking-hyphen": "\u2011",
    "figure-dash": "\u2012", "en-dash": "\u2013", "em-dash": "\u2014", "minus": "\u2212",
    "plus": "+", "underscore": "_", "dot": ".", "slash": "/", "space": " ",
    "no-break-space": "\u00a0", "thin-space": "\u2009", "narrow-no-break-space": "\u202f",
    "figure-space": "\u2007", "ideographic-space": "\u3000", "none": "",
    "spaced-hyphen": " - ", "spaced-en-dash": "\u00a0\u2013\u00a0",
}
SPELLINGS = pytest.mark.parametrize("sep", SEPARATORS.values(), ids=SEPARATORS.keys())

PERSON = ex.personnummer(1963, 3, "M")
"""small_extract's person 3 (employment E3), ÅÅÅÅMMDD-NNNK."""


def spelled(number: str, sep: str, *, century: bool = True) -> str:
    digits = number.replace("-", "")
    return f"{digits[:8] if century else digits[2:8]}{sep}{digits[8:]}"


def _digits_in(text: str, number: str) -> bool:
    """Whether `text` holds the number's ÅÅMMDD and last four digits, whatever lies between."""
    digits = number.replace("-", "")
    return re.search(rf"{digits[2:8]}\D{{0,3}}{digits[8:]}", text) is not None


def store_text(con) -> str:
    """Every row of every table of the store, as text."""
    tables = store.read(con, "SELECT schema_name, table_name FROM duckdb_tables() "
                             "WHERE NOT internal ORDER BY ALL").rows()
    assert len(tables) > 10
    return "".join(repr(store.read(con, f'SELECT * FROM "{schema}"."{table}"').rows())
                   for schema, table in tables)


def with_value(frame: pl.DataFrame, column: str, row: int, value: str) -> pl.DataFrame:
    return frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value))
                              .otherwise(pl.col(column)).alias(column))


# --- file names and cells -----------------------------------------------------------------------

@SPELLINGS
def test_a_finding_masks_every_spelling_in_its_file_name_and_message(sep):
    for number in (spelled(PERSON, sep), spelled(PERSON, sep, century=False)):
        finding = Finding(ERROR, f"anstallda {number}.csv", 2, "Titel", f"Okänt värde {number}.")
        assert finding.file == "anstallda [personnummer].csv"
        assert finding.message == "Okänt värde [personnummer]."


@SPELLINGS
def test_the_file_name_is_masked_and_the_personnummer_column_read_in_every_spelling(con, sep):
    """One load: the personnummer in the file's name is masked in the store (load log, audit
    log) and the report; the personnummer column's spellings are one person."""
    forms = [PERSON, spelled(PERSON, sep)]
    if sep != "+":  # ÅÅMMDD+NNNN is someone 100 years older
        forms.append(spelled(PERSON, sep, century=False))
    frame = ex.small_extract(S, persons=len(forms)).with_columns(
        pl.Series("Personnummer", forms)).drop("Chef")
    name = f"lista_{spelled(PERSON, sep, century=False)}.csv"
    report = ingest(con, [(name, ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    assert report.files == ["lista_[personnummer].csv"]
    assert any(f.row is None and "personnummer" in f.message for f in report.warnings)
    stored = store.read(con, "SELECT person_key, birth_year, gender FROM employment")
    assert stored["person_key"].n_unique() == 1
    assert stored["birth_year"].to_list() == [1963] * len(forms)
    assert stored["gender"].to_list() == ["M"] * len(forms)
    text = store_text(con)
    assert text.count("lista_[personnummer].csv") >= 2  # load_log and audit_log
    for shown in (text, report.summary(), *map(str, report.findings)):
        assert not _digits_in(shown, PERSON)


@SPELLINGS
def test_a_personnummer_in_another_column_is_refused_in_every_spelling(con, sep):
    """Alone in the employment id (row 4), inside the text of a title (row 5)."""
    number = spelled(PERSON, sep, century=False)
    frame = ex.small_extract(S, persons=4).with_columns(pl.lit("Lärare").alias("Befattning"))
    frame = with_value(with_value(frame, "Anställningsnummer", 2, number),
                       "Befattning", 3, f"Lärare ({number})")
    report = ingest(con, [("uttag.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    found = [(f.row, f.column) for f in report.errors
             if "personnummer eller samordningsnummer" in f.message]
    assert found == [(4, "Anställningsnummer"), (5, "Befattning")]
    for shown in [str(f) for f in report.findings] + [report.summary()]:
        assert not _digits_in(shown, PERSON)
    assert store.read(con, "SELECT count(*) AS n FROM employment")["n"].item() == 0
    assert not _digits_in(store_text(con), PERSON)


@SPELLINGS
def test_ordinary_ids_with_separators_are_no_personnummer(sep):
    """The date and the Luhn digit still decide: ids of the same shapes that fail them are not
    taken for a personnummer; the valid one among them is."""
    digits = PERSON.replace("-", "")
    wrong_luhn = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    ids = [f"{wrong_luhn[2:8]}{sep}{wrong_luhn[8:]}", f"{wrong_luhn[:8]}{sep}{wrong_luhn[8:]}",
           f"100234{sep}0001", f"201300{sep}1234", f"E-{wrong_luhn[2:8]}{sep}{wrong_luhn[8:]}",
           spelled(PERSON, sep, century=False)]
    found = pseudonymise.stray_personnummer(pl.DataFrame({"row": range(len(ids)), "id": ids}),
                                            ["id"], "row", 2025)
    assert found["row"].to_list() == [len(ids) - 1]


# --- erase --------------------------------------------------------------------------------------

@SPELLINGS
def test_erase_finds_the_person_in_every_spelling(env, sep, capsys):
    path = env / "store.duckdb"
    con = store.connect(path)
    assert ingest(con, [("uttag.csv", ex.csv_bytes(ex.small_extract(S, persons=6)))]).loaded
    con.close()
    assert main(["erase", spelled(PERSON, sep), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Tog bort 1 rader") and not _digits_in(out, PERSON)
    con = store.connect(path)
    remaining = store.read(con, "SELECT employment_id FROM employment ORDER BY ALL")
    con.close()
    assert remaining["employment_id"].to_list() == ["E0", "E1", "E2", "E4", "E5"]
    if sep != "+":  # the ten-digit spelling is the same person
        assert lifecycle.person_key(spelled(PERSON, sep, century=False)) == lifecycle.person_key(
            PERSON)
