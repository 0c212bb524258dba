"""What `python -m pipelines ingest` prints: the findings grouped by rule, errors first, each
rule with its count and a few examples; then a count line. And broken saved profiles are
skipped with one warning line, not a stop."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from pipelines import profiles
from pipelines.__main__ import main
from pipelines.personnummer import mask_personnummer
from tests import extracts as ex
from tests.test_profiles import HOSTILE

S = date(2025, 11, 1)


def _noisy_extract() -> bytes:
    """40 persons, 15 of them at 150 % (an error each), then 60 summary rows (a warning each,
    found before the errors), and one personnummer with a wrong check digit."""
    frame = ex.small_extract(S)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < 15).then(pl.lit("150"))
        .otherwise(pl.col("Sysselsättningsgrad")).alias("Sysselsättningsgrad"))
    pnr = frame["Personnummer"][20]
    wrong = pnr[:-1] + str((int(pnr[-1]) + 1) % 10)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 20).then(pl.lit(wrong))
        .otherwise(pl.col("Personnummer")).alias("Personnummer"))
    blank = pl.DataFrame({c: [None] * 60 for c in frame.columns}, schema=frame.schema)
    totals = blank.with_columns(
        pl.lit("Summa").alias("Förvaltning"), pl.lit(S.isoformat()).alias("Mätdatum"))
    return ex.csv_bytes(pl.concat([frame, totals]))


def test_errors_first_grouped_by_rule_with_counts_examples_and_a_count_line(env, capsys):
    path = env / "brus.csv"
    path.write_bytes(_noisy_extract())
    assert main(["ingest", str(path), "--db", str(env / "s.duckdb")]) == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    heads = [line for line in lines if re.match(r"^(FEL|VARNING) \(\d+\): ", line)]
    # errors before warnings, each rule once, with its total count
    assert [h.split(" (")[0] for h in heads] == ["FEL", "FEL", "VARNING", "VARNING"], err
    assert heads[:3] == ["FEL (1): Personnumret har fel kontrollsiffra.",
                         "FEL (15): Sysselsättningsgraden måste vara mellan 0 och 100.",
                         "VARNING (60): Summarad rad (t.ex. Summa/Totalt) hoppades över."]
    assert heads[3].startswith("VARNING (15): Personens sysselsättningsgrader")
    # a few examples per rule, with file, Excel row and column, and how many are not shown
    rate = lines.index(heads[1])
    assert lines[rate + 1].strip() == ("brus.csv, rad 2, kolumn Sysselsättningsgrad: "
                                       "Sysselsättningsgraden måste vara mellan 0 och 100.")
    assert lines[rate + 3].strip().startswith("brus.csv, rad 4, kolumn Sysselsättningsgrad")
    assert lines[rate + 4].strip() == "… och 12 till."
    total = lines.index(heads[2])
    assert lines[total + 1].strip().startswith("brus.csv, rad 42: Summarad")
    assert lines[total + 4].strip() == "… och 57 till."
    assert sum(line.startswith("  brus.csv") for line in lines) == 1 + 3 + 3 + 3
    # a count line, the outcome, then what to do
    assert lines[-3] == "Totalt: 16 fel (2 regler), 75 varningar (2 regler)."
    assert lines[-2].startswith("Ingenting lästes in: 16 fel i ")
    assert lines[-1] == "Rätta felen i brus.csv och läs in igen."
    assert mask_personnummer(err) == err, err


def test_a_loaded_batch_with_warnings_keeps_exit_code_0(env, capsys):
    frame = ex.small_extract(S)
    totals = pl.DataFrame({c: [None] for c in frame.columns}, schema=frame.schema).with_columns(
        pl.lit("Totalt").alias("Förvaltning"), pl.lit(S.isoformat()).alias("Mätdatum"))
    path = env / "ok.csv"
    path.write_bytes(ex.csv_bytes(pl.concat([frame, totals])))
    assert main(["ingest", str(path), "--db", str(env / "s.duckdb")]) == 0
    out, err = capsys.readouterr()
    assert "VARNING (1): Summarad rad" in err
    assert err.splitlines()[-1] == "Totalt: 0 fel, 1 varning (1 regel)."
    assert out.startswith("Inläst: 40 rader")


BROKEN = {
    "radbrytning.toml": 'name = "Radbrytning"\n[columns]\ncontracted_rate = "Syss.\ngrad"\n',
    "okand_kolumn.toml": 'name = "Okänd"\n[columns]\nlon = "Lön"\n',
    "okand_harledning.toml": 'name = "Härledning"\n[derive]\nis_manager = { from = "Titel", '
                             'guess = "chef" }\n',
    **HOSTILE,
}


def test_a_broken_saved_profile_is_skipped_with_one_warning_line(env, capsys):
    folder = env / "data" / "profiles"
    folder.mkdir(parents=True)
    for name, text in BROKEN.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = env / "bra.csv"
    path.write_bytes(ex.csv_bytes(ex.small_extract(S)))
    assert main(["ingest", str(path), "--db", str(env / "s.duckdb")]) == 0
    out, err = capsys.readouterr()
    assert "Inläst: 40 rader" in out
    for name in BROKEN:
        [line] = [line for line in err.splitlines() if name in line]
        assert line.startswith("VARNING: ") and "hoppades över" in line, line
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_profile_named_explicitly_is_an_error(env, capsys, name):
    folder = env / "data" / "profiles"
    folder.mkdir(parents=True)
    (folder / name).write_text(BROKEN[name], encoding="utf-8")
    path = env / "bra.csv"
    path.write_bytes(ex.csv_bytes(ex.small_extract(S)))
    assert main(["ingest", str(path), "--db", str(env / "s.duckdb"),
                 "--profile", name.removesuffix(".toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("Fel: Profilen "), err
    assert "Traceback" not in err and "at line" not in err
    with pytest.raises(profiles.ProfileError):
        profiles.load(folder / name)


def test_one_rule_over_many_values_and_columns_counts_their_rows():
    from pipelines.findings import ERROR, Finding, rules

    findings = [
        Finding(ERROR, "a.csv", 3, "Lön", "'abc' kan inte läsas som ett tal."),
        Finding(ERROR, "a.csv", 5, "Lön", "'x y' kan inte läsas som ett tal."),
        Finding(ERROR, "a.csv", 9, "Lön", "... och 7 rader till i samma kolumn som inte kan "
                                          "läsas som ett tal."),
        Finding(ERROR, "b.csv", 4, "Timlön", "'O'Brien' kan inte läsas som ett tal."),
        Finding("varning", "a.csv", 2, "Titel", "Okänt värde 'Vikarie' (4 rader, första på "
                                                "rad 2). Raderna läses utan SSYK."),
        Finding("varning", "a.csv", 6, "Titel", "Okänt värde 'Lärare' (2 rader, första på "
                                                "rad 6). Raderna läses utan SSYK."),
        Finding(ERROR, "a.csv", None, None, "Personnummer 19800101-1234 saknas."),
    ]
    [unreadable, pnr, unknown] = rules(findings)
    assert (unreadable.text, unreadable.count) == ("'…' kan inte läsas som ett tal.", 10)
    # one example per file and column first
    assert [(f.file, f.row) for f in unreadable.examples(2)] == [("a.csv", 3), ("b.csv", 4)]
    assert (pnr.text, pnr.count) == ("Personnummer [personnummer] saknas.", 1)
    assert (unknown.severity, unknown.count) == ("varning", 6)
    assert unknown.text == "Okänt värde '…' (… rader, första på rad …). Raderna läses utan SSYK."


def test_every_duplicated_id_is_counted_not_only_the_first_ten(env, capsys):
    """20 employment ids on two rows each, and 12 over-long cells: each rule says its total,
    though only the first ten are listed row by row."""
    frame = ex.small_extract(S)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < 40)
        .then(pl.lit("E") + (pl.int_range(pl.len()) // 2).cast(pl.String))
        .otherwise(pl.col("Anställningsnummer")).alias("Anställningsnummer"),
        pl.when(pl.int_range(pl.len()) < 12).then(pl.lit("x" * 300))
        .otherwise(pl.col("Förvaltning")).alias("Förvaltning"))
    path = env / "dubbletter.csv"
    path.write_bytes(ex.csv_bytes(frame))
    assert main(["ingest", str(path), "--db", str(env / "s.duckdb")]) == 1
    heads = [line for line in capsys.readouterr().err.splitlines()
             if line.startswith("FEL (")]
    assert any(h.startswith("FEL (20): Anställningsnumret finns på flera rader") for h in heads)
    assert any(h.startswith("FEL (12): Cellen innehåller 300 tecken") for h in heads), heads


def test_a_load_beyond_the_memory_limit_says_so_and_leaves_the_store_as_it_was(env, capsys,
                                                                               monkeypatch):
    import duckdb

    import store

    def out_of_memory(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")

    monkeypatch.setattr(store, "refresh_derived", out_of_memory)  # inside the transaction
    path = env / "uttag.csv"
    path.write_bytes(ex.csv_bytes(ex.small_extract(S)))
    db = env / "s.duckdb"
    assert main(["ingest", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "PERSONALPANELEN_COMMAND_MEMORY_LIMIT" in err and "Traceback" not in err
    con = store.connect(db)
    left = store.read(con, "SELECT (SELECT count(*) FROM employment) AS rows, (SELECT count(*) "
                           "FROM duckdb_tables() WHERE starts_with(table_name, 'staged_')) AS "
                           "staged")
    con.close()
    assert left.row(0) == (0, 0)
