"""Each person and snapshot worked out once, at load time (metrics/persons.py, issue 14): the
derived tables give exactly what computing from the rows gives, for every metric and view, and
every change of the store (load, replacement, delete, erase) keeps them equal to their query
run afresh."""

from __future__ import annotations

import dataclasses
from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import store
from metrics import compute, persons, registry
from pipelines import lifecycle
from pipelines.load import ingest
from tests import extracts as ex
from tests.test_app import fixture_store, own_store  # noqa: F401  (the AppTest fixtures)
from ui import texts

ADMIN = ("greta", "admin")


def live(monkeypatch) -> None:
    """Make compute() work from the rows, as without derived tables."""
    monkeypatch.setattr(persons, "table", lambda con, metric, identity=None: None)


def every_view(con, metric_id: str) -> list[pl.DataFrame]:
    names, _ = store.filter_values(con)
    return [compute.compute(con, metric_id, by=view.by, forvaltningar=view.forvaltningar)
            for view in compute.views(metric_id, names, max_subset=1)]


def test_every_metric_is_read_from_a_derived_table(fixture_con):
    for metric in registry.METRICS.values():
        assert persons.table(fixture_con, metric) is not None, metric.id


@pytest.mark.parametrize("metric_id", sorted(registry.METRICS))
def test_derived_tables_give_what_the_rows_give(fixture_con, monkeypatch, metric_id):
    derived = every_view(fixture_con, metric_id)
    live(monkeypatch)
    for from_table, from_rows in zip(derived, every_view(fixture_con, metric_id), strict=True):
        assert_frame_equal(from_table, from_rows)


def test_the_demo_gives_the_same_figures_either_way(demo_con, monkeypatch):
    metric_ids = sorted(registry.METRICS)
    derived = [compute.compute_many(demo_con, metric_ids, by=by) for by in ((), ("forvaltning",))]
    monthly = compute.compute(demo_con, "headcount", monthly=True, by=["gender"])
    live(monkeypatch)
    assert_frame_equal(derived[0], compute.compute_many(demo_con, metric_ids))
    assert_frame_equal(derived[1], compute.compute_many(demo_con, metric_ids, by=["forvaltning"]))
    assert_frame_equal(monthly, compute.compute(demo_con, "headcount", monthly=True,
                                                by=["gender"]))


def assert_fresh(con) -> None:
    """Every derived table holds what its query gives on the store as it is now."""
    cur = con.cursor()
    tables = store.derived_tables(cur)
    cur.close()
    assert len(tables) == len(persons.wanted())
    for name, (source, step) in tables.items():
        kept = store.read(con, f"SELECT * FROM {name} ORDER BY ALL")
        fresh = store.read(con, f"SELECT * FROM ({store.derived_query(source, step)}) "
                                "ORDER BY ALL")
        assert_frame_equal(kept, fresh, check_exact=False)


def employment_file(snapshot: date, persons_: int, first: int = 0):
    return (f"uttag_{snapshot}_{first}.csv",
            ex.csv_bytes(ex.small_extract(snapshot, persons_, first)))


def test_loads_replacements_deletes_and_erasures_keep_the_tables_fresh(con):
    persons.ready(con)  # an empty store gets its (empty) tables before the first load
    assert store.derived_tables(con.cursor())
    first = ingest(con, [employment_file(date(2024, 11, 1), 40),
                         employment_file(date(2025, 11, 1), 36, 4)])
    assert first.loaded
    assert_fresh(con)
    assert store.read(con, f"SELECT count(*) AS n FROM {next(iter(persons.wanted()))}")["n"][0]
    # Another day of November 2025 replaces the month: the year's turnover changes with it.
    replaced = ingest(con, [employment_file(date(2025, 11, 15), 30, 10)])
    assert replaced.loaded
    assert_fresh(con)
    # A month before a loaded one's year: the transition to the later one changes.
    assert ingest(con, [employment_file(date(2024, 10, 1), 40)]).loaded
    assert_fresh(con)
    newest = store.load_log(con)["load_id"].max()
    lifecycle.delete_load(con, newest, ADMIN)
    lifecycle.delete_load(con, newest - 1, ADMIN)  # the 2025-11-01 snapshot comes back
    assert_fresh(con)
    assert date(2025, 11, 1) in store.filter_values(con)[1]
    in_both_years = ex.small_extract(date(2025, 11, 1), 1, first=4)["Personnummer"][0]
    assert lifecycle.erase_person(con, in_both_years, ADMIN)["employment"] == 2
    assert_fresh(con)


def test_a_refused_load_leaves_the_tables_as_they_were(con):
    assert ingest(con, [employment_file(date(2025, 11, 1), 40)]).loaded
    persons.ready(con)
    before = {name: store.read(con, f"SELECT * FROM {name} ORDER BY ALL")
              for name in persons.wanted()}
    bad = ex.small_extract(date(2024, 11, 1), 10).with_columns(
        pl.lit("inte ett datum").alias("Mätdatum"))
    assert not ingest(con, [("trasig.csv", ex.csv_bytes(bad))]).loaded
    for name, frame in before.items():
        assert_frame_equal(store.read(con, f"SELECT * FROM {name} ORDER BY ALL"), frame)


def test_a_changed_definition_gets_a_new_table_and_the_old_one_goes(con, monkeypatch):
    assert ingest(con, [employment_file(date(2025, 11, 1), 40)]).loaded
    persons.ready(con)
    before = set(persons.wanted())
    changed = dataclasses.replace(registry.get("hourly_paid_fte"), population="TRUE")
    monkeypatch.setitem(registry.METRICS, "hourly_paid_fte", changed)
    after = set(persons.wanted())
    assert len(after - before) == 1 and len(before - after) == 1
    persons.ready(con)
    cur = con.cursor()
    assert set(store.derived_tables(cur)) == after
    assert {row[0] for row in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, $prefix)",
        {"prefix": persons.PREFIX}).fetchall()} == after  # the old step's table is gone
    cur.close()
    assert_fresh(con)


def test_a_step_cannot_read_a_parameter():
    with pytest.raises(ValueError, match="parameter"):
        persons.step(dataclasses.replace(registry.get("mean_age"),
                                         person_columns="$retirement_age AS age"))


def test_another_retirement_age_reads_the_same_table(fixture_con, monkeypatch):
    at_69 = compute.compute(fixture_con, "retirements_forecast", retirement_age=69,
                            by=["years_to_retirement"])
    assert at_69["years_to_retirement"].min() >= 1 and not at_69.is_empty()
    live(monkeypatch)
    assert_frame_equal(at_69, compute.compute(fixture_con, "retirements_forecast",
                                              retirement_age=69, by=["years_to_retirement"]))


def _as_before_derived_tables(con) -> None:
    """The store as a version before the derived tables (or before every metric's) left it."""
    cur = con.cursor()
    for name in store.derived_tables(cur):
        cur.execute(f"DROP TABLE {name}")
    cur.execute("DELETE FROM derived_table")
    cur.close()
    persons._PRESENT.clear()  # this process saw the tables under the same store version


def test_a_store_without_derived_tables_is_computed_live_until_they_are_built(fixture_con):
    path = store.read(fixture_con, "SELECT path FROM duckdb_databases() "
                                   "WHERE database_name = current_database()")["path"][0]
    with_tables = compute.compute(fixture_con, "headcount", by=["forvaltning"])
    _as_before_derived_tables(fixture_con)
    fixture_con.close()
    read_only = store.connect(path, read_only=True)
    assert_frame_equal(compute.compute(read_only, "headcount", by=["forvaltning"]), with_tables)
    assert persons.missing(read_only) == set(persons.wanted())
    read_only.close()
    writable = store.connect(path)
    # Reading never builds them (a committee member's page view), on a writable store either.
    assert_frame_equal(compute.compute(writable, "headcount", by=["forvaltning"]), with_tables)
    assert persons.table(writable, registry.get("headcount")) is None
    built = []
    persons.ready(writable, lambda done, of, name: built.append((done, of, name)))
    assert [done for done, _, _ in built] == list(range(len(persons.wanted())))
    assert persons.table(writable, registry.get("headcount")) is not None
    assert not persons.missing(writable)
    assert_frame_equal(compute.compute(writable, "headcount", by=["forvaltning"]), with_tables)
    assert_fresh(writable)
    writable.close()


def test_the_next_load_builds_what_a_store_from_before_lacks(con):
    assert ingest(con, [employment_file(date(2024, 11, 1), 40)]).loaded
    _as_before_derived_tables(con)
    assert persons.missing(con)
    assert ingest(con, [employment_file(date(2025, 11, 1), 36, 4)]).loaded
    assert not persons.missing(con)
    assert_fresh(con)  # both snapshots, not only the one loaded


def test_a_store_loaded_by_the_command_line_alone_is_read_from_its_tables(env, tmp_path,
                                                                          monkeypatch):
    from pipelines.__main__ import main

    files = []
    for snapshot in (date(2024, 11, 1), date(2025, 11, 1)):
        name, content = employment_file(snapshot, 40)
        files.append(tmp_path / name)
        files[-1].write_bytes(content)
    db = tmp_path / "cli.duckdb"
    assert main(["ingest", *map(str, files), "--db", str(db)]) == 0
    con = store.connect(db, read_only=True)
    try:
        assert not persons.missing(con)
        assert all(persons.table(con, m) is not None for m in registry.METRICS.values())
        read = compute.compute(con, "full_time_share", by=["forvaltning"])
        live(monkeypatch)
        assert_frame_equal(compute.compute(con, "full_time_share", by=["forvaltning"]), read)
    finally:
        con.close()


def test_derive_builds_them_with_a_line_per_table(fixture_con, capsys):
    from pipelines.__main__ import main

    path = store.read(fixture_con, "SELECT path FROM duckdb_databases() "
                                   "WHERE database_name = current_database()")["path"][0]
    _as_before_derived_tables(fixture_con)
    fixture_con.close()
    assert main(["derive", "--db", path]) == 0
    out, err = capsys.readouterr()
    wanted = len(persons.wanted())
    assert f"Byggde {wanted} förberäknade tabeller" in out
    assert err.count("Bygger tabell ") == wanted and f"av {wanted} " in err
    assert main(["derive", "--db", path]) == 0
    assert "redan kompletta" in capsys.readouterr().out


def test_a_page_view_never_builds_them_and_ladda_upp_offers_to(own_store):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, open_page

    con = store.connect(own_store)
    _as_before_derived_tables(con)
    at = AppTest.from_file(APP, default_timeout=60).run()  # the overview, computed live
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric and persons.missing(con)
    open_page(at, "ladda-upp")
    lacking = len(persons.wanted())
    assert [w.value for w in at.warning] == [
        texts.STORE_UNPREPARED.format(count=lacking)]
    at.button(key="prepare_store").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not persons.missing(con) and not at.warning
    assert_fresh(con)
    con.close()
