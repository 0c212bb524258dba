"""The small-cell rule with the default thresholds, on the hand-built fixture."""

from __future__ import annotations

import polars as pl
import pytest

from metrics.compute import compute
from metrics.disclosure import round_for_publication
from tests import employment_fixture as fx


@pytest.fixture
def con(fixture_con, monkeypatch):
    """The fixture at the default thresholds."""
    monkeypatch.delenv("PERSONALPANELEN_MIN_CELL", raising=False)
    monkeypatch.delenv("PERSONALPANELEN_MIN_N_PERCENTILES", raising=False)
    return fixture_con


def cells(frame):
    return {tuple(r[:-3]): r[-3:] for r in frame.sort(frame.columns[:-3]).iter_rows()}


def test_three_managers_are_hidden(con):
    (row,) = compute(con, "managers_women_share").filter(snapshot_date=fx.S).iter_rows(named=True)
    assert row == {"snapshot_date": fx.S, "n": None, "value": None, "suppressed": True}


def test_small_cell_hidden_and_its_smallest_sibling_too(con):
    by_forv = compute(con, "full_time_share", by=["forvaltning"]).filter(snapshot_date=fx.S)
    assert cells(by_forv) == {
        (fx.S, "A"): (6, pytest.approx(200 / 3), False),
        (fx.S, "B"): (None, None, True),  # 3 persons: primary
        (fx.S, "Soc"): (None, None, True),  # 5 persons, but total - A would reveal B
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


def recover_by_subtraction(total, shown_parts):
    """What an attacker gets for a lone hidden cell: total persons and 'yes' count minus the
    shown cells' (shares carry their numerator as n * value / 100)."""
    n = total["n"] - sum(p["n"] for p in shown_parts)
    numerator = total["n"] * total["value"] - sum(p["n"] * p["value"] for p in shown_parts)
    return n, numerator / n


def test_hidden_forvaltning_cannot_be_recovered_from_total(con):
    total = compute(con, "full_time_share").filter(snapshot_date=fx.S).row(0, named=True)
    parts = compute(con, "full_time_share", by=["forvaltning"]).filter(snapshot_date=fx.S)
    shown = [p for p in parts.iter_rows(named=True) if not p["suppressed"]]
    hidden = parts.filter("suppressed")
    assert not total["suppressed"]
    # Two or more hidden cells: subtraction yields only their sum, never one of them.
    assert hidden.height >= 2
    n_rest, _ = recover_by_subtraction(total, shown)
    assert n_rest == 3 + 5  # B and Soc together; B's own 3 stays unknown


def test_hidden_gender_cannot_be_recovered_from_its_sum(con):
    total = compute(con, "full_time_share").filter(snapshot_date=fx.S).row(0, named=True)
    parts = compute(con, "full_time_share", by=["gender"]).filter(snapshot_date=fx.S)
    assert not total["suppressed"]
    assert parts["suppressed"].to_list() == [True, True]  # men 4 (primary), women 10


def test_two_way_table_holds_no_lone_hidden_cell(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "2")
    parts = compute(con, "full_time_share", by=["forvaltning", "gender"]).filter(
        snapshot_date=fx.S
    )
    # Primary hides the single men of B and Soc; B's and Soc's women follow (each förvaltning's
    # total minus its women would give its one man); along gender, two hidden cells remain.
    assert parts.filter(~pl.col("suppressed")).select("forvaltning", "gender").rows() == [
        ("A", "K"), ("A", "M")
    ]
    for dims in (["snapshot_date", "forvaltning"], ["snapshot_date", "gender"]):
        groups = parts.group_by(dims).agg(
            pl.col("suppressed").sum().alias("hidden"), (~pl.col("suppressed")).sum().alias("shown")
        )
        assert groups.filter((pl.col("hidden") == 1) & (pl.col("shown") > 0)).is_empty()


def test_filtered_total_hidden_when_the_rest_is_small(con):
    everyone = compute(con, "full_time_share").filter(snapshot_date=fx.S)["n"].item()
    # A + Soc leaves out B (3 persons): everyone - (A + Soc) would reveal B.
    subset = compute(con, "full_time_share", forvaltningar=["A", "Soc"]).filter(snapshot_date=fx.S)
    assert everyone == 14 and subset["suppressed"].to_list() == [True]
    # A + B leaves out Soc (5 persons): allowed.
    subset = compute(con, "full_time_share", forvaltningar=["A", "B"]).filter(snapshot_date=fx.S)
    assert subset["n"].to_list() == [9]


def test_publication_mode_rounds_counts_and_salaries(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "1")
    headcount = compute(con, "headcount", publication=True).filter(snapshot_date=fx.S)
    assert headcount.select("n", "value").row(0) == (20, 20)  # 17 -> nearest 10
    p10 = compute(con, "social_worker_salary_p10", publication=True)
    assert p10["value"].to_list() == [30800]  # already a hundred
    p25 = compute(con, "social_worker_salary_p90", publication=True)
    assert p25["value"].to_list() == [46000]
    share = compute(con, "full_time_share", publication=True).filter(snapshot_date=fx.S)
    assert share.select("n", "value").row(0) == (10, pytest.approx(1000 / 14))  # share kept


def test_round_for_publication_like_scb():
    frame = pl.DataFrame({"n": [4, 15, 994, 1049, 1050], "value": [31249.0, 31250.0, 1.0, 2.0,
                                                                   3.0]})
    counts = round_for_publication(frame, "personer")
    assert counts["n"].to_list() == [0, 20, 990, 1000, 1100]
    salaries = round_for_publication(frame, "kr")
    assert salaries["value"].to_list()[:2] == [31200, 31300]
