"""The small-cell rule with the default thresholds, on the hand-built fixture."""

from __future__ import annotations

import polars as pl
import pytest

from metrics import registry
from metrics.compute import compute
from metrics.disclosure import round_for_publication, small
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


# The mean contracted rate has the full-time share's persons (A 6, B 3, Soc 5) and no
# numerator: A's six rates p1 100, p2 100 (75 + 25), p3 50, p9 100, p10 100, p11 60 -> 85.
RATE = "mean_contracted_rate"


def test_small_cell_hidden_and_its_smallest_sibling_too(con):
    by_forv = compute(con, RATE, by=["forvaltning"]).filter(snapshot_date=fx.S)
    assert cells(by_forv) == {
        (fx.S, "A"): (6, pytest.approx(85.0), False),
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
    total = compute(con, RATE).filter(snapshot_date=fx.S).row(0, named=True)
    parts = compute(con, RATE, by=["forvaltning"]).filter(snapshot_date=fx.S)
    shown = [p for p in parts.iter_rows(named=True) if not p["suppressed"]]
    hidden = parts.filter("suppressed")
    assert not total["suppressed"]
    # Two or more hidden cells: subtraction yields only their sum, never one of them.
    assert hidden.height >= 2
    n_rest, _ = recover_by_subtraction(total, shown)
    assert n_rest == 3 + 5  # B and Soc together; B's own 3 stays unknown


def test_hidden_gender_cannot_be_recovered_from_its_sum(con):
    total = compute(con, RATE).filter(snapshot_date=fx.S).row(0, named=True)
    parts = compute(con, RATE, by=["gender"]).filter(snapshot_date=fx.S)
    assert not total["suppressed"]
    assert parts["suppressed"].to_list() == [True, True]  # men 4 (primary), women 10


def test_two_way_table_holds_no_lone_hidden_cell(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "2")
    parts = compute(con, RATE, by=["forvaltning", "gender"]).filter(
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


def test_filtered_total_shown_only_when_each_forvaltning_is(con):
    # B (3 persons) is hidden, Soc (5) hidden with it: A + B and A alone would differ by B.
    by_forv = compute(con, RATE, by=["forvaltning"]).filter(snapshot_date=fx.S)
    assert by_forv.filter("suppressed")["forvaltning"].to_list() == ["B", "Soc"]
    for chosen in (["A", "B"], ["A", "Soc"]):
        subset = compute(con, RATE, forvaltningar=chosen)
        assert subset.filter(snapshot_date=fx.S)["suppressed"].to_list() == [True], chosen
    # B + Soc is the whole municipality minus A, public already: shown.
    subset = compute(con, RATE, forvaltningar=["B", "Soc"]).filter(snapshot_date=fx.S)
    assert subset["n"].to_list() == [8]
    # A alone is shown on its own, so its total is the same cell.
    subset = compute(con, RATE, forvaltningar=["A"]).filter(snapshot_date=fx.S)
    assert subset.select("n", "value").row(0) == by_forv.filter(forvaltning="A").select(
        "n", "value").row(0) == (6, pytest.approx(85.0))


def test_publication_mode_rounds_counts_and_salaries(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "1")
    headcount = compute(con, "headcount", publication=True).filter(snapshot_date=fx.S)
    assert headcount.select("n", "value").row(0) == (20, 20)  # 15 -> nearest 10 (half up)
    p10 = compute(con, "social_worker_salary_p10", publication=True)
    assert p10["value"].to_list() == [30800]  # already a hundred
    p25 = compute(con, "social_worker_salary_p90", publication=True)
    assert p25["value"].to_list() == [46000]
    share = compute(con, "full_time_share", publication=True).filter(snapshot_date=fx.S)
    # The share is computed before rounding and published to 5 percent in a group of under
    # 100 persons (71.43 -> 70); from 100 persons on to a whole percent.
    assert share.select("n", "value").row(0) == (10, 70)


def test_round_for_publication_like_scb():
    frame = pl.DataFrame({"n": [4, 15, 994, 1049, 1050], "value": [31249.0, 31250.0, 1.0, 2.0,
                                                                   3.0]})
    counts = round_for_publication(frame, registry.get("headcount"))
    assert counts["n"].to_list() == [0, 20, 990, 1000, 1100]
    salaries = round_for_publication(frame, registry.get("social_worker_salary_median"))
    assert salaries["value"].to_list()[:2] == [31200, 31300]


def test_a_share_is_hidden_when_its_numerator_is_small(con):
    # Actual work time is a personal circumstance: A has 6 persons, which reaches 5, but only
    # 3 of them work full time, which does not; Soc (4 of 5) neither; B has 3 persons.
    by_forv = compute(con, "working_full_time_share", by=["forvaltning"]).filter(
        snapshot_date=fx.S)
    assert by_forv["suppressed"].to_list() == [True, True, True]
    # The contracted rate is part of the employment, a public fact: no numerator rule. A's 4
    # of 6 at full time is shown; B (3 persons) is hidden and Soc with it.
    by_forv = compute(con, "full_time_share", by=["forvaltning"]).filter(snapshot_date=fx.S)
    assert by_forv["suppressed"].to_list() == [False, True, True]
    assert by_forv.row(0, named=True)["value"] == pytest.approx(400 / 6)
    total = compute(con, "full_time_share").filter(snapshot_date=fx.S)
    assert total.select("n", "value").row(0) == (14, pytest.approx(1000 / 14))


def test_numerator_rule_holds_at_any_threshold(con, monkeypatch):
    # A's 6 persons, 3 working full time: at threshold 3 both reach it, at 4 the 3 do not.
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "3")
    frame = compute(con, "working_full_time_share", by=["forvaltning"]).filter(
        snapshot_date=fx.S, forvaltning="A")
    assert frame["value"].to_list() == [pytest.approx(50.0)]
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "4")
    frame = compute(con, "working_full_time_share", by=["forvaltning"]).filter(
        snapshot_date=fx.S, forvaltning="A")
    assert frame["suppressed"].to_list() == [True]


def test_the_managers_gender_split_is_public(con, monkeypatch):
    # Managers p1 K, p4 M, p5 K: who the managers are is public, so at threshold 3 the 3
    # managers' split (2 women, 1 man) is shown; at 4 the 3 managers are too few.
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "3")
    frame = compute(con, "managers_women_share").filter(snapshot_date=fx.S)
    assert frame["value"].to_list() == [pytest.approx(200 / 3)]
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "4")
    frame = compute(con, "managers_women_share").filter(snapshot_date=fx.S)
    assert frame["suppressed"].to_list() == [True]


def test_a_zero_numerator_is_not_a_small_group():
    frame = pl.DataFrame({"n": [8, 8, 8, 3, None], "count": [0, 4, 5, 0, 0]})
    rule = frame.select(small(pl.col("n"), [pl.col("count")], 5)).to_series()
    assert rule.to_list() == [False, True, False, True, True]


def test_publication_rounds_shares_of_persons_only():
    # Sick leave is a share of hours: n x value counts nobody, so it keeps its decimal (Kolada
    # publishes 6,8 too). The full-time share counts persons: to 5 percent under n 100.
    frame = pl.DataFrame({"n": [40, 40], "value": [6.84, 72.5]})
    sick = round_for_publication(frame, registry.get("sick_leave_total"))
    assert sick["value"].to_list() == [6.8, 72.5]
    share = round_for_publication(frame, registry.get("full_time_share"))
    assert share["value"].to_list() == [5, 75]
    assert sick["n"].to_list() == share["n"].to_list() == [40, 40]
