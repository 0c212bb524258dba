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


def test_a_read_only_store_without_derived_tables_is_computed_live(fixture_con):
    path = store.read(fixture_con, "SELECT path FROM duckdb_databases() "
                                   "WHERE database_name = current_database()")["path"][0]
    fixture_con.close()  # written as a store from before derived tables: none yet
    read_only = store.connect(path, read_only=True)
    from_rows = compute.compute(read_only, "headcount", by=["forvaltning"])
    assert not persons.ready(read_only)
    read_only.close()
    writable = store.connect(path)
    assert persons.table(writable, registry.get("headcount")) is not None
    assert_frame_equal(compute.compute(writable, "headcount", by=["forvaltning"]), from_rows)
    writable.close()


def test_the_span_method_per_snapshot_is_the_view_s(fixture_con, demo_con):
    for con in (fixture_con, demo_con):
        view = store.read(con, "SELECT DISTINCT snapshot_date, by_manager_link FROM "
                               "manager_span ORDER BY snapshot_date")
        assert view.height and store.manager_span_methods(con) == dict(view.iter_rows())


def test_a_changed_view_is_a_new_derived_table(monkeypatch):
    """A derived table over a view is named by the view's SQL too: a store built before the
    view changed (employees per manager once counted employees on full leave) gets its table
    rebuilt, not read stale."""
    metric = registry.get("employees_per_manager_mean")
    plain = registry.get("headcount")
    before, before_plain = persons.name(metric), persons.name(plain)
    views = {**store._EMPLOYMENT_VIEWS,
             "manager_span": store._EMPLOYMENT_VIEWS["manager_span"] + "\nWHERE TRUE"}
    monkeypatch.setattr(store, "_EMPLOYMENT_VIEWS", views)
    assert persons.name(metric) != before
    assert persons.name(plain) == before_plain  # the employment table's names are kept
