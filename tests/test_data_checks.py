"""Data checks on the canonical tables, run on the demo municipality loaded through the real
pipeline: accepted values, ranges, identities, and the trends the demo promises."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import store
from metrics.compute import compute
from pipelines import schema


@pytest.fixture(scope="module")
def con(demo_con):
    return demo_con


def values(con, sql: str) -> set:
    frame = store.read(con, sql)
    return set(frame[frame.columns[0]].to_list())


def test_accepted_values(con):
    assert values(con, "SELECT DISTINCT gender FROM employment") == {"K", "M"}
    assert values(con, "SELECT DISTINCT pay_form FROM employment") == {"monthly", "hourly"}
    assert values(con, "SELECT DISTINCT employment_form FROM employment") <= set(
        schema.EMPLOYMENT_FORM_VALUES.values())
    assert values(con, "SELECT DISTINCT length(person_key) FROM employment") == {64}
    assert values(con, "SELECT DISTINCT regexp_matches(ssyk_code, '^[0-9]{4}$') "
                       "FROM employment") == {True}


def test_ranges_and_consistency(con):
    broken = store.read(con, """
        SELECT count(*) FILTER (contracted_rate NOT BETWEEN 0 AND 100) AS rate,
               count(*) FILTER (actual_rate > contracted_rate) AS actual,
               count(*) FILTER (pay_form = 'hourly' AND contracted_rate IS NOT NULL) AS hourly,
               count(*) FILTER (first_hire_date > employment_start) AS hired,
               count(*) FILTER (manager_employment_id IS NOT NULL AND manager_employment_id
                   NOT IN (SELECT employment_id FROM employment m
                           WHERE m.snapshot_date = employment.snapshot_date)) AS dangling
        FROM employment""")
    assert broken.row(0) == (0, 0, 0, 0, 0)
    absence = store.read(con, "SELECT count(*) FILTER (sick_hours_long > sick_hours "
                              "OR sick_hours > ordinary_hours) AS n FROM absence_year")
    assert absence["n"][0] == 0


def test_headcount_is_women_plus_men_plus_unknown(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    total = compute(con, "headcount").select("snapshot_date", "n")
    by_gender = compute(con, "headcount", by=["gender"]).group_by("snapshot_date").agg(
        pl.col("n").sum().alias("sum"))
    joined = total.join(by_gender, on="snapshot_date")
    assert joined["snapshot_date"].sort().to_list() == [date(y, 11, 1) for y in range(2015, 2026)]
    assert (joined["n"] == joined["sum"]).all()
    by_forvaltning = compute(con, "headcount", by=["forvaltning"]).group_by(
        "snapshot_date").agg(pl.col("n").sum().alias("sum"))
    assert (total.join(by_forvaltning, on="snapshot_date").select(
        pl.col("n") == pl.col("sum")).to_series()).all()


def _trend(con, metric_id: str) -> list[float]:
    return compute(con, metric_id).sort("snapshot_date")["value"].to_list()


def test_the_demo_keeps_its_promises_through_the_pipeline(con):
    full_time = _trend(con, "full_time_share")
    assert 50 < full_time[0] < 60 and 72 < full_time[-1] < 82
    hourly = _trend(con, "hourly_paid_persons")
    assert hourly[0] > 400 and hourly[-1] < 300
    assert all(55 <= v <= 75 for v in _trend(con, "managers_women_share"))
    assert all(4 <= v <= 8 for v in _trend(con, "preschool_men_share"))
    entry = _trend(con, "social_worker_entry_salary")
    assert entry[-1] > entry[0] * 1.15
    assert all(v > 1.15 for v in _trend(con, "social_worker_salary_spread"))
    assert 2_200 <= _trend(con, "headcount")[-1] <= 2_800  # monthly-paid persons
