"""Erasing one person: every row of theirs leaves the store, also the rows a load kept for
its undo; nobody else's; the audit log records it without the identity; and the store file is
rewritten (store.rewrite), so that nothing of theirs stays in its free blocks or its log."""

from __future__ import annotations

import io
import os
import stat
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import store
from metrics import persons as person_tables
from metrics.compute import compute
from pipelines import lifecycle
from pipelines.__main__ import main
from pipelines.load import ingest
from tests.extracts import csv_bytes, personnummer, small_extract

NOV = date(2025, 11, 1)


@pytest.fixture
def db(env):
    path = env / "store.duckdb"
    con = store.connect(path)
    # the same 12 persons loaded twice: the second load keeps the first one's rows
    for persons in (12, 12):
        assert ingest(con, [(f"uttag{persons}.csv", csv_bytes(small_extract(NOV, persons)))]
                      ).loaded
    con.close()
    return path


def counts(path) -> tuple[int, int]:
    con = store.connect(path)
    try:
        return store.read(con, "SELECT (SELECT count(*) FROM employment) AS a, "
                               "(SELECT count(*) FROM employment_replaced) AS b").row(0)
    finally:
        con.close()


def test_a_person_is_erased_from_the_store_and_the_kept_rows(db, capsys):
    target = personnummer(1960 + 3 % 40, 3, "M")  # small_extract's person 3
    assert counts(db) == (12, 12)
    assert main(["erase", target, "--db", str(db)]) == 0
    assert counts(db) == (11, 11)
    out = capsys.readouterr().out
    assert "Tog bort 2 rader" in out and target not in out and "purge" in out
    con = store.connect(db)
    log = store.audit_log(con)
    con.close()
    (entry,) = log.filter(log["action"] == "erase").rows(named=True)
    assert entry["detail"] == "2 rader för en person borttagna"
    assert target not in entry["detail"] and target[:8] not in str(log.rows())


def test_the_identity_may_come_from_standard_input(db, monkeypatch):
    target = personnummer(1960 + 5 % 40, 5, "K")
    monkeypatch.setattr("sys.stdin", io.StringIO(target + "\n"))
    assert main(["erase", "-", "--db", str(db)]) == 0
    assert counts(db) == (11, 11)


def test_an_invalid_personnummer_is_refused_and_nothing_changes(db, capsys):
    assert main(["erase", "19600101-0000", "--db", str(db)]) == 1
    assert "inte giltigt" in capsys.readouterr().err
    assert counts(db) == (12, 12)


def test_an_unknown_person_removes_nothing(db):
    assert main(["erase", personnummer(1990, 77, "K"), "--db", str(db)]) == 0
    assert counts(db) == (12, 12)


def test_archive_option_removes_the_originals(db, env):
    import settings

    archived = list(settings.get().raw_dir.glob("*.csv"))
    assert archived
    assert main(["erase", personnummer(1963, 3, "M"), "--archive", "--db", str(db)]) == 0
    assert not list(settings.get().raw_dir.glob("*.csv"))


def test_a_person_id_is_erased_too(env):
    import polars as pl

    path = env / "ids.duckdb"
    con = store.connect(path)
    frame = pl.DataFrame({"Mätdatum": ["2025-11-01"] * 3, "Person-id": ["00123", "456", "789"],
                          "Anställningsnummer": ["A1", "A2", "A3"],
                          "Löneform": ["Månadslön"] * 3})
    assert ingest(con, [("ids.csv", csv_bytes(frame))]).loaded
    con.close()
    assert main(["erase", "123", "--person-id", "--db", str(path)]) == 0  # 00123 is 123
    con = store.connect(path)
    assert store.read(con, "SELECT employment_id FROM employment ORDER BY 1").rows() == [
        ("A2",), ("A3",)]
    con.close()


def test_an_erasure_changes_the_store_s_version(db):
    """Results are kept per store version (metrics.compute): an erased person's rows must not
    live on in them."""
    con = store.connect(db)
    before = store.identity(con)
    con.close()
    assert main(["erase", personnummer(1960 + 3 % 40, 3, "M"), "--db", str(db)]) == 0
    con = store.connect(db)
    assert store.identity(con) != before
    con.close()


# --- no trace in the file -----------------------------------------------------------------------

TARGET = personnummer(1960 + 3 % 40, 3, "M")  # small_extract's person 3
TARGET_EMPLOYMENT = "ANST-0003-RADERAS"
"""Person 3's employment id: a value only they have, to look for in the file's bytes."""


def on_disk(path: Path) -> bytes:
    """The store file and its write-ahead log, as they lie on disk."""
    wal = Path(f"{path}.wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def traces(path: Path, key: str) -> list[str]:
    """Which of person 3's values (pseudonym, employment id) are in the store's bytes."""
    data = on_disk(path)
    return [value for value in (key, TARGET_EMPLOYMENT) if value.encode() in data]


def extract_with_target() -> bytes:
    frame = small_extract(NOV, 12).with_columns(
        pl.when(pl.col("Anställningsnummer") == "E3").then(pl.lit(TARGET_EMPLOYMENT))
        .otherwise(pl.col("Anställningsnummer")).alias("Anställningsnummer"))
    return csv_bytes(frame)


@pytest.fixture
def traced(env):
    """A store with person 3 (and a value only they have) in the employment rows, the rows a
    second load replaced, and the derived person tables."""
    path = env / "traced.duckdb"
    con = store.connect(path)
    for name in ("first.csv", "second.csv"):
        assert ingest(con, [(name, extract_with_target())]).loaded
    person_tables.ready(con)
    con.close()
    return path


def snapshot(path: Path) -> dict:
    """Everything a rewrite must keep: each object's definition and each table's rows."""
    con = store.connect(path, read_only=True)
    try:
        definitions = {
            query: store.read(con, query).rows() for query in (
                "SELECT table_name, sql FROM duckdb_tables() ORDER BY 1",
                "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1",
                "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() "
                "ORDER BY ALL",
                "SELECT index_name, sql FROM duckdb_indexes() ORDER BY ALL",
                "SELECT sequence_name, sql FROM duckdb_sequences() ORDER BY ALL",
                "SELECT function_name, macro_definition FROM duckdb_functions() "
                "WHERE function_type = 'macro' AND NOT internal ORDER BY ALL")}
        rows = {table: store.read(con, f"SELECT * FROM {table} ORDER BY ALL")
                for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()
    return {"definitions": definitions, "rows": rows}


def test_an_erased_person_leaves_no_trace_in_the_file(traced, capsys):
    """Issue 25: DuckDB keeps deleted rows in the file's free blocks, also after a forced
    checkpoint; the erase command rewrites the file, keeping its mode."""
    key = lifecycle.person_key(TARGET)
    assert traces(traced, key) == [key, TARGET_EMPLOYMENT]  # what the search can find
    con = store.connect(traced)
    persons_before = store.read(con, "SELECT count(DISTINCT person_key) AS n FROM employment")
    con.close()
    umask = os.umask(0o022)  # DuckDB would create a new file 0644
    try:
        assert main(["erase", TARGET, "--db", str(traced)]) == 0
    finally:
        os.umask(umask)
    assert "Databasfilen är omskriven" in capsys.readouterr().out
    assert traces(traced, key) == []
    assert stat.S_IMODE(traced.stat().st_mode) == 0o600
    assert not list(traced.parent.glob(f"{store.REWRITE_PREFIX}*"))
    con = store.connect(traced)
    try:
        assert store.read(con, "SELECT count(DISTINCT person_key) AS n FROM employment"
                          )["n"][0] == persons_before["n"][0] - 1
        assert compute(con, "headcount").filter(pl.col("snapshot_date") == NOV)["value"][0] == 11
    finally:
        con.close()


def test_without_the_rewrite_the_person_stays_in_the_file(traced):
    """Why the rewrite is there: the deleted rows survive a forced checkpoint."""
    key = lifecycle.person_key(TARGET)
    con = store.connect(traced)
    lifecycle.erase_person(con, TARGET, ("test", "admin"))
    con.execute("FORCE CHECKPOINT")
    con.close()
    assert key in traces(traced, key)


def test_a_rewrite_also_clears_the_write_ahead_log(env):
    """Rows still in the log (loaded and erased by one open connection) leave it too."""
    path = env / "logged.duckdb"
    con = store.connect(path)
    assert ingest(con, [("first.csv", extract_with_target())]).loaded
    key = lifecycle.person_key(TARGET)
    assert key.encode() in Path(f"{path}.wal").read_bytes()
    lifecycle.erase_person(con, TARGET, ("test", "admin"))
    store.rewrite(con)
    assert traces(path, key) == []
    assert not Path(f"{path}.wal").exists()


def test_a_rewrite_keeps_every_definition_and_row(traced):
    """COPY FROM DATABASE keeps tables with their keys and checks, views, the derived tables
    and every row; the store loads and computes afterwards."""
    before = snapshot(traced)
    assert before["rows"]["derived_table"].height  # the derived tables are in the snapshot
    assert main(["compact", "--db", str(traced)]) == 0
    after = snapshot(traced)
    assert after["definitions"] == before["definitions"]
    assert after["rows"].keys() == before["rows"].keys()
    for table, rows in before["rows"].items():
        assert after["rows"][table].equals(rows), table
    con = store.connect(traced)
    try:
        assert ingest(con, [("third.csv", csv_bytes(small_extract(date(2025, 12, 1), 12)))]
                      ).loaded
        assert store.load_log(con)["load_id"].to_list() == [1, 2, 3]
        assert compute(con, "headcount", monthly=True).height == 2
    finally:
        con.close()


def test_a_deleted_load_leaves_no_trace_in_the_file(env, capsys):
    """A deleted load's rows (pseudonyms, salaries) leave the file too: the delete command
    rewrites it."""
    path = env / "deleted.duckdb"
    con = store.connect(path)
    assert ingest(con, [("twelve.csv", csv_bytes(small_extract(NOV, 12)))]).loaded
    assert ingest(con, [("with3.csv", extract_with_target())]).loaded
    con.close()
    assert TARGET_EMPLOYMENT.encode() in on_disk(path)
    assert main(["delete", "2", "--db", str(path)]) == 0
    assert "Databasfilen är omskriven" in capsys.readouterr().out
    assert TARGET_EMPLOYMENT.encode() not in on_disk(path)


def test_a_failed_rewrite_leaves_the_store_as_it_was(traced, monkeypatch, capsys):
    """The erasure stands, the old file is whole and opens, no half-written copy is left, and
    the command says to run compact."""
    def refuse(*_):
        raise OSError("disken är full")

    monkeypatch.setattr(store.os, "replace", refuse)
    assert main(["erase", TARGET, "--db", str(traced)]) == 2
    err = capsys.readouterr().err
    assert "kunde inte skrivas om" in err and "compact" in err and TARGET not in err
    assert not list(traced.parent.glob(f"{store.REWRITE_PREFIX}*"))
    monkeypatch.undo()
    assert counts(traced) == (11, 11)
    assert main(["compact", "--db", str(traced)]) == 0
    assert traces(traced, lifecycle.person_key(TARGET)) == []
