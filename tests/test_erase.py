"""Erasing one person: every row of theirs leaves the store, also the rows a load kept for
its undo; nobody else's; the audit log records it without the identity."""

from __future__ import annotations

import io
from datetime import date

import pytest

import store
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
