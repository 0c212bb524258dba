"""The small-cell rule with the default thresholds, on the hand-built fixture."""

from __future__ import annotations

import pytest

import store
from metrics.compute import compute
from tests import employment_fixture as fx


@pytest.fixture
def con(tmp_path, monkeypatch):
    monkeypatch.delenv("PERSONALPANELEN_MIN_CELL", raising=False)
    monkeypatch.delenv("PERSONALPANELEN_MIN_N_PERCENTILES", raising=False)
    connection = store.connect(tmp_path / "d.duckdb")
    fx.load(connection)
    yield connection
    connection.close()


def cells(frame):
    return {tuple(r[:-3]): r[-3:] for r in frame.sort(frame.columns[:-3]).iter_rows()}


def test_three_managers_are_hidden(con):
    (row,) = compute(con, "managers_women_share").filter(snapshot_date=fx.S).iter_rows(named=True)
    assert row == {"snapshot_date": fx.S, "n": None, "value": None, "suppressed": True}


def test_cells_at_or_above_five_are_shown_and_below_hidden(con):
    by_forv = compute(con, "full_time_share", by=["forvaltning"]).filter(snapshot_date=fx.S)
    assert cells(by_forv) == {
        (fx.S, "A"): (6, pytest.approx(200 / 3), False),
        (fx.S, "B"): (None, None, True),
        (fx.S, "Soc"): (5, 80.0, False),
    }


def test_salary_percentiles_need_ten_persons(con, monkeypatch):
    frame = compute(con, "social_worker_salary_median")
    assert frame["suppressed"].to_list() == [True]
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "5")
    assert compute(con, "social_worker_salary_median")["value"].to_list() == [35000]


def test_threshold_is_a_setting(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "4")
    frame = compute(con, "hourly_paid_persons").filter(snapshot_date=fx.S)
    assert frame["value"].to_list() == [4]
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "5")
    frame = compute(con, "hourly_paid_persons").filter(snapshot_date=fx.S)
    assert frame["suppressed"].to_list() == [True]
