"""Each mission metric against the values worked out by hand in employment_fixture.py."""

from __future__ import annotations

import pytest

import store
from metrics.compute import available_columns, compute
from tests import employment_fixture as fx


@pytest.fixture
def con(fixture_con, monkeypatch):
    """The fixture with every threshold at 1, so each hand-computed value shows."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "1")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "1")
    return fixture_con


def latest(con, metric_id, **kwargs):
    frame = compute(con, metric_id, **kwargs)
    return frame.filter(frame["snapshot_date"] == frame["snapshot_date"].max())


def value(con, metric_id, **kwargs):
    (v,) = latest(con, metric_id, **kwargs)["value"].to_list()
    return v


@pytest.mark.parametrize(("metric_id", "expected"), fx.EXPECTED.items())
def test_metric_equals_hand_computed_value(con, metric_id, expected):
    assert value(con, metric_id) == pytest.approx(expected)


def test_person_with_two_employments_counts_once(con):
    frame = latest(con, "full_time_share")
    assert frame["n"].to_list() == [14]


def test_breakdown_by_gender(con):
    frame = latest(con, "full_time_share", by=["gender"]).sort("gender")
    assert frame["gender"].to_list() == ["K", "M"]
    assert frame["value"].to_list() == pytest.approx([70.0, 75.0])
    assert frame["n"].to_list() == [10, 4]


def test_forvaltning_follows_the_main_employment(con):
    frame = latest(con, "full_time_share", by=["forvaltning"]).sort("forvaltning")
    assert frame["forvaltning"].to_list() == ["A", "B", "Soc"]
    # p2 (75 % in A, 25 % in B) belongs to A: A holds p1 p2 p3 p9 p10 p11, B p4 p5 p12.
    assert frame["n"].to_list() == [6, 3, 5]


def test_forvaltning_filter(con):
    assert value(con, "full_time_share", forvaltningar=["B"]) == pytest.approx(200 / 3)


def test_hourly_by_forvaltning_counts_the_hourly_employment(con):
    frame = latest(con, "hourly_paid_persons", by=["forvaltning"]).sort("forvaltning")
    assert dict(zip(frame["forvaltning"], frame["value"], strict=True)) == {"A": 3, "B": 1}


def test_trend_and_period_filter(con):
    trend = compute(con, "full_time_share")
    assert trend["snapshot_date"].to_list() == [fx.PREV, fx.S]
    assert trend["value"][0] == pytest.approx(100.0)
    only_latest = compute(con, "full_time_share", start=fx.S)
    assert only_latest["snapshot_date"].to_list() == [fx.S]


def test_extract_without_hours_counts_every_hourly_person(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    rows = [r[:11] + (None,) + r[12:] for r in fx.ROWS]  # hours column absent: NULL
    con = store.connect(tmp_path / "nohours.duckdb")
    fx.load(con, rows)
    # p3 p6 p7 p8 p13: p7 (0 h) now counts too, since the extract cannot say.
    assert value(con, "hourly_paid_persons") == 5


def test_extract_without_manager_flag_falls_back_to_ssyk_group_1(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    rows = [r[:12] + (None,) for r in fx.ROWS]
    con = store.connect(tmp_path / "noflag.duckdb")
    fx.load(con, rows)
    # SSYK 1xxx: p1 (1211, K), p4 (1531, M), p5 (1532, K): the same 2/3.
    assert value(con, "managers_women_share") == pytest.approx(200 / 3)


def test_extract_without_actual_rate_has_no_working_full_time_figure(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    rows = [r[:8] + (None,) + r[9:] for r in fx.ROWS]
    con = store.connect(tmp_path / "noactual.duckdb")
    fx.load(con, rows)
    assert compute(con, "working_full_time_share").is_empty()


def test_breakdown_not_meaningful_is_refused(con):
    with pytest.raises(ValueError, match="kan inte delas upp"):
        compute(con, "managers_women_share", by=["gender"])


def test_women_salary_within_occupation(con):
    frame = latest(con, "women_salary_share_of_men", by=["occupation"])
    social_workers = frame.filter(occupation="2661")
    assert social_workers["value"].to_list() == pytest.approx([100 * 36750 / 40000])
    # n counts the women and the men compared (4 and 1), so cells add up to their total; the
    # numerator rule still needs each of them at the threshold (test_disclosure.py).
    assert social_workers["n"].to_list() == [5]


def test_hourly_share_needs_an_hours_column(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    rows = [r[:11] + (None,) + r[12:] for r in fx.ROWS]
    con = store.connect(tmp_path / "nohours2.duckdb")
    fx.load(con, rows)
    assert compute(con, "hourly_hours_share").is_empty()
    assert value(con, "fte_total") == pytest.approx(12.15)


def test_age_structure(con):
    frame = latest(con, "headcount", by=["age_band"])
    # monthly-paid persons only: the hourly-only p6 p8 p13 (all under 30) are not headcount
    assert dict(zip(frame["age_band"], frame["value"], strict=True)) == {
        "30-39": 4, "40-49": 3, "50-59": 3, "60-64": 4, "65-": 1
    }
    assert value(con, "mean_age") == pytest.approx(818 / 18)  # employed incl. hourly-paid


def test_headcount_counts_the_monthly_paid_and_the_hourly_paid_apart(con):
    # SKR counts monthly-paid anställda (l1 on full leave included) and hourly-paid apart:
    # p3 (monthly 50 % and hourly 10 h) is one of the 15; p6 p8 p13 (hourly only) are not.
    assert value(con, "headcount") == 15
    assert value(con, "hourly_paid_persons") == 4  # p3 p6 p8 p13
    by_gender = latest(con, "headcount", by=["gender"])
    assert dict(zip(by_gender["gender"], by_gender["value"], strict=True)) == {"K": 11, "M": 4}
    # förvaltning A: p1 p2 p3 p9 p10 p11 l1 (p8 and p13, hourly in A, are not counted)
    assert value(con, "headcount", forvaltningar=["A"]) == 7


def test_retirement_forecast(con):
    assert value(con, "retirements_forecast") == 7
    by_year = latest(con, "retirements_forecast", by=["years_to_retirement"])
    # p1 (born 1959) is 66 in 2025: past the age, counted in year 0 with what is closest.
    assert by_year.select("years_to_retirement", "value").rows() == [
        (0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (6, 1), (10, 1)
    ]
    at_67 = latest(con, "retirements_forecast", by=["years_to_retirement"], retirement_age=67)
    assert at_67["years_to_retirement"].to_list() == [1, 3, 4, 5, 6, 8]


def test_retirement_forecast_counts_those_already_past_the_age(con):
    # 2024-11-01: p1 turns 65 in 2024 and x1 (born 1958) is 66: both year 0; p2 (born 1961)
    # and p4 (1962) reach 65 in 2026 and 2027; p9 and x2 (1990) are beyond ten years.
    previous = compute(con, "retirements_forecast", by=["years_to_retirement"]).filter(
        snapshot_date=fx.PREV)
    assert previous.select("years_to_retirement", "value").rows() == [(0, 2), (2, 1), (3, 1)]
    total = compute(con, "retirements_forecast").filter(snapshot_date=fx.PREV)
    assert total["value"].to_list() == [4]


def test_turnover_between_snapshots(con):
    assert compute(con, "turnover")["snapshot_date"].to_list() == [fx.S]  # needs a previous
    assert value(con, "turnover") == pytest.approx(200 / 6)
    assert latest(con, "turnover")["n"].to_list() == [6]
    assert value(con, "turnover_excl_retirement") == pytest.approx(100 / 6)
    assert value(con, "turnover_excl_retirement", retirement_age=69) == pytest.approx(200 / 6)


def test_internal_move_is_not_an_exit(con):
    by_forv = latest(con, "turnover", by=["forvaltning"])
    # p9 was in B in 2024 and is in A in 2025; B's leaver is x2 only (x3 was visstid).
    assert dict(zip(by_forv["forvaltning"], by_forv["value"], strict=True)) == pytest.approx(
        {"A": 100 / 3, "B": 100 / 3}
    )


def test_social_worker_entry_salary(con):
    # s2, s3, s5 started within the 12 months; s1's earliest start (2010) and s4's first
    # hire (2015) keep them out.
    assert value(con, "social_worker_entry_salary") == 35000
    assert latest(con, "social_worker_entry_salary")["n"].to_list() == [3]


def test_available_columns_in_the_store(tmp_path):
    con = store.connect(tmp_path / "cols.duckdb")
    fx.load(con, [r[:8] + (None,) + r[9:] for r in fx.ROWS])
    available = available_columns(con)
    assert "contracted_rate" in available and "actual_rate" not in available
    assert "hourly_wage" not in available


def test_sick_leave_is_not_given_for_a_group_of_ten(con, monkeypatch):
    # 10 persons with ordinary hours: the law's "högst tio anställda", so hidden by default.
    monkeypatch.delenv("PERSONALPANELEN_MIN_N_SICK_LEAVE")
    assert latest(con, "sick_leave_total")["suppressed"].to_list() == [True]
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "9")
    # 10 persons reach 9, but only 8 have sick hours (a5 and a10 have none).
    assert latest(con, "sick_leave_total")["suppressed"].to_list() == [True]
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "8")
    assert latest(con, "sick_leave_total")["n"].to_list() == [10]
    assert latest(con, "sick_leave_women")["suppressed"].to_list() == [True]  # 6 women


def test_hme_weighs_units_by_respondents(con):
    frame = latest(con, "hme_total", by=["forvaltning"]).sort("forvaltning")
    assert frame["n"].to_list() == [30, 4]
    assert frame["value"].to_list() == pytest.approx([(750 + 1300) / 30, 85.0])


def test_employees_per_manager_by_link_and_by_unit(con):
    spans = compute(con, "employees_per_manager_mean").sort("snapshot_date")
    # 2024 has no manager links: per unit, U1 2 and U2 3; 2025 by link: 5, 3, 5.
    assert spans["value"].to_list() == pytest.approx([2.5, 13 / 3])
    assert spans["n"].to_list() == [2, 3]
    median = compute(con, "employees_per_manager_median").sort("snapshot_date")
    assert median["value"].to_list() == pytest.approx([2.5, 5])
