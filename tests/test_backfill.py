"""A batch streams through its one transaction in groups of files (pipelines/load.py, issue 14):
each group is read, checked and written before the next is read, and the batch stays all or
nothing: an error in a later group rolls back the earlier groups, the raw archive included."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import settings
import store
from metrics import registry
from pipelines import load
from pipelines.load import ingest
from tests import extracts as ex

MONTHS = [date(2024, month, 1) for month in range(1, 13)]


@pytest.fixture
def one_file_per_group(monkeypatch):
    monkeypatch.setattr(load, "GROUP_BYTES", 1)


def monthly_files(months=MONTHS, persons=30):
    return [(f"uttag_{day:%Y_%m}.csv", ex.csv_bytes(ex.small_extract(day, persons)))
            for day in months]


def broken_file(day: date, name: str) -> tuple[str, bytes]:
    """An extract whose eighth person has a rate that is not a number."""
    frame = ex.small_extract(day, 30).with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(pl.lit("sju"))
        .otherwise(pl.col("Sysselsättningsgrad")).alias("Sysselsättningsgrad"))
    return name, ex.csv_bytes(frame)


def snapshot(con) -> tuple:
    """What a refused batch must leave as it was: the rows, the load log, the audit log, the
    derived tables and the raw archive."""
    counts = tuple(store.read(con, f"SELECT count(*) AS n FROM {table}")["n"][0]
                   for table in ("employment", "load_log", "audit_log",
                                 *store.derived_tables(con.cursor())))
    archive = settings.get().raw_dir
    return counts, sorted(p.name for p in archive.iterdir()) if archive.exists() else []


def test_groups_hold_about_group_bytes_and_at_least_one_file(monkeypatch):
    files = monthly_files()
    size = len(files[0][1])
    monkeypatch.setattr(load, "GROUP_BYTES", 3 * size)
    groups = list(load._groups(files))
    assert [len(g) for g in groups] == [3, 3, 3, 3]
    monkeypatch.setattr(load, "GROUP_BYTES", 1)
    assert [len(g) for g in load._groups(files)] == [1] * 12


def test_a_batch_in_many_groups_loads_every_file(con, one_file_per_group):
    report = ingest(con, monthly_files())
    assert report.loaded, [str(f) for f in report.findings]
    assert report.employment_dates == MONTHS
    assert store.read(con, "SELECT count(*) AS n FROM employment")["n"][0] == 12 * 30
    assert store.load_log(con)["load_id"].to_list() == list(range(1, 13))


def test_an_error_in_the_last_group_rolls_back_the_earlier_groups(con, one_file_per_group):
    assert ingest(con, monthly_files([date(2023, 11, 1)])).loaded
    before = snapshot(con)
    report = ingest(con, [*monthly_files(), broken_file(date(2025, 1, 1), "trasig.csv")])
    assert not report.loaded
    assert [(f.file, f.column) for f in report.errors] == [("trasig.csv", "Sysselsättningsgrad")]
    assert report.rows == 0 and report.employment_dates == []
    assert snapshot(con) == before


def test_every_file_of_a_refused_batch_is_still_checked(con, one_file_per_group):
    files = monthly_files(MONTHS[:3])
    broken = [broken_file(day, f"fel_{day}.csv") for day in MONTHS[3:5]]
    report = ingest(con, [*files[:1], broken[0], *files[1:], broken[1]])
    assert not report.loaded
    assert sorted({f.file for f in report.errors}) == sorted(name for name, _ in broken)


def test_the_same_key_in_two_groups_is_found(con, one_file_per_group):
    day = date(2024, 11, 1)
    first = ex.small_extract(day, 20)
    second = ex.small_extract(day, 20, first=15)  # E15..E19 again
    report = ingest(con, [("a.csv", ex.csv_bytes(first)), ("b.csv", ex.csv_bytes(second))])
    assert not report.loaded
    clashes = [f for f in report.errors if f.file == "b.csv"]
    assert clashes and all("annan fil" in f.message for f in clashes)
    assert store.is_empty(con)


def test_keys_are_compared_within_a_period_only(con, one_file_per_group):
    """The same employment ids in every month load, and so does a file replacing a month an
    earlier load brought; a file repeating an earlier file's snapshot in the same batch, with
    other months between them, is still caught."""
    november, december = date(2024, 11, 1), date(2024, 12, 1)
    files = [(name, ex.csv_bytes(ex.small_extract(day, 20)))
             for name, day in (("nov.csv", november), ("dec.csv", december))]
    assert ingest(con, files).loaded
    again = ex.small_extract(november, 20, first=18)  # E18, E19 of November again
    clash = ("nov_igen.csv", ex.csv_bytes(again))
    later = [(name, ex.csv_bytes(ex.small_extract(day, 20))) for name, day in
             (("a.csv", date(2025, 11, 1)), ("b.csv", date(2025, 12, 1)))]
    report = ingest(con, [later[0], later[1], clash, (
        "c.csv", ex.csv_bytes(ex.small_extract(date(2025, 11, 1), 20, first=19)))])
    assert not report.loaded
    assert sorted({f.file for f in report.errors if "annan fil" in f.message}) == ["c.csv"]


def test_two_snapshots_of_one_month_in_two_groups_are_refused(con, one_file_per_group):
    report = ingest(con, monthly_files([date(2024, 11, 1), date(2024, 11, 15)]))
    assert not report.loaded
    assert {f.column for f in report.errors} == {"Mätdatum"}
    assert store.is_empty(con)


def test_derived_tables_are_fresh_after_groups_in_any_order(con, one_file_per_group):
    from metrics import persons
    from tests.test_persons import assert_fresh

    persons.ready(con)  # the store has its derived tables before the batch, as a running one
    later_first = [  # permanent staff, a third of whom leave within the year: turnover
        (f"uttag_{day}.csv", ex.csv_bytes(ex.small_extract(day, 30, first).with_columns(
            pl.lit("Tillsvidare").alias("Anställningsform"))))
        for day, first in ((date(2025, 11, 1), 10), (date(2025, 5, 1), 5), (date(2024, 11, 1), 0))]
    assert ingest(con, later_first).loaded
    assert_fresh(con)
    turnover = registry.get("turnover")
    assert store.read(con, f"SELECT count(*) AS n FROM {persons.table(con, turnover)}")["n"][0]
