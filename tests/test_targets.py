"""Programme targets (issue 12): the status rule on hand-computed series, the target history
in the store and the audit log, the demo's example targets, the chart care (year labels,
share axes, the target line) and the page "Mål" for an analyst and for a viewer.

Every expected status and projection below is worked out by hand in the comment beside it:
the least-squares line through (year, value) has slope sum(dx*dy)/sum(dx^2) around the means.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import store
from metrics import registry, targets
from metrics.compute import compute
from metrics.targets import BAND, HIGHER, LOWER, OFF_TRACK, ON_TRACK, REACHED, UNKNOWN, Target
from tests import test_app, test_auth
from tests.test_app import APP, chart_specs, open_page, text
from tests.test_auth import logged_in_as
from ui import charts, roles, texts

fixture_store = test_app.fixture_store
own_store = test_app.own_store
_fresh_caches = test_app._fresh_caches
roles_file = test_auth.roles_file
NBSP = "\u00a0"
PROGRAMME = "Attraktiv arbetsgivare 2023–2026, punkt 7"


def higher(value: float, year: int, metric: str = "full_time_share") -> Target:
    return Target(metric, HIGHER, value, None, year, PROGRAMME)


def lower(value: float, year: int, metric: str = "hourly_paid_persons") -> Target:
    return Target(metric, LOWER, None, value, year, PROGRAMME)


def band(low: float, high: float, year: int, metric: str = "managers_women_share") -> Target:
    return Target(metric, BAND, low, high, year, PROGRAMME)


RISING = [(2021, 70.0), (2022, 72.0), (2023, 74.0), (2024, 76.0), (2025, 78.0)]
"""Mean year 2023, mean value 74, slope 2 a year: the line is 74 + 2 * (year - 2023)."""


# --- the status rule -----------------------------------------------------------------------------


def test_band_reached_with_both_ends_included():
    assert targets.assess([(2024, 55.0), (2025, 45.0)], band(40, 60, 2026)).status == REACHED
    assert targets.assess([(2025, 60.0)], band(40, 60, 2026)).status == REACHED
    assert targets.assess([(2025, 40.0)], band(40, 60, 2026)).status == REACHED


def test_the_value_is_compared_as_shown():
    # 60,04 shows as 60,0 with one decimal: within 40-60; compared unrounded it is not
    assert targets.assess([(2025, 60.04)], band(40, 60, 2026), decimals=1).status == REACHED
    assert targets.assess([(2025, 60.04)], band(40, 60, 2026)).status == UNKNOWN  # one point


def test_higher_on_track_when_the_line_reaches_the_target_in_the_target_year():
    result = targets.assess(RISING, higher(80, 2026))  # 74 + 2 * 3 = 80: exactly met
    assert result.status == ON_TRACK
    assert result.projected == pytest.approx(80.0)
    assert result.trend[0] == (2021, pytest.approx(70.0))  # 74 + 2 * (2021 - 2023)


def test_higher_off_track_when_the_line_falls_short():
    result = targets.assess(RISING, higher(85, 2027))  # 74 + 2 * 4 = 82 < 85
    assert result.status == OFF_TRACK
    assert result.projected == pytest.approx(82.0)


def test_lower_is_better_reached_and_on_track():
    assert targets.assess([(2024, 260.0), (2025, 240.0)], lower(250, 2026)).status == REACHED
    # mean year 2024, mean value 842/3; slope (-1 * (300 - 842/3) + 1 * (262 - 842/3)) / 2
    # = -19, so 2026 gives 842/3 - 38 = 242,67 <= 250
    result = targets.assess([(2023, 300.0), (2024, 280.0), (2025, 262.0)], lower(250, 2026))
    assert result.status == ON_TRACK
    assert result.projected == pytest.approx(842 / 3 - 38)
    # the same line's 242,67 in 2026 is above a target of at most 240: off track
    assert targets.assess([(2023, 300.0), (2024, 280.0), (2025, 262.0)],
                          lower(240, 2026)).status == OFF_TRACK


def test_a_hidden_latest_value_is_unknown_even_when_the_earlier_one_met_the_target():
    assert targets.assess([(2024, 85.0), (2025, None)], higher(80, 2026)).status == UNKNOWN
    assert targets.assess([], higher(80, 2026)).status == UNKNOWN


def test_a_passed_target_year_is_off_track_whatever_the_trend():
    assert targets.assess(RISING, higher(80, 2024)).status == OFF_TRACK
    assert targets.assess(RISING, higher(80, 2025)).status == OFF_TRACK  # the year has come
    assert targets.assess(RISING, higher(78, 2024)).status == REACHED  # met: reached


def test_one_or_two_points_are_too_few_for_a_trend():
    assert targets.assess([(2025, 70.0)], higher(80, 2027)).status == UNKNOWN
    assert targets.assess([(2024, 60.0), (2025, 70.0)], higher(80, 2027)).status == UNKNOWN
    assert targets.assess([(2025, 85.0)], higher(80, 2027)).status == REACHED


def test_the_trend_reads_the_shown_values_of_the_last_five_years_only():
    # 2015-2020 at 0 would pull the line down; only 2021-2025 count: as RISING, 80 in 2026
    early = [(year, 0.0) for year in range(2015, 2021)]
    assert targets.assess(early + RISING, higher(80, 2026)).status == ON_TRACK
    # 2022 hidden: years 2021, 2023, 2024, 2025 (mean 2023,25), values 70, 74, 76, 78 (mean
    # 74,5); sum dx*dy = 17,5, sum dx^2 = 8,75: slope 2, so 74,5 + 2 * 2,75 = 80 in 2026
    gap = [(2021, 70.0), (2022, None), (2023, 74.0), (2024, 76.0), (2025, 78.0)]
    result = targets.assess(gap, higher(80, 2026))
    assert (result.status, result.projected) == (ON_TRACK, pytest.approx(80.0))
    # values in 2019, 2020 and 2025: only one within 2021-2025
    sparse = [(2019, 50.0), (2020, 52.0), (2025, 60.0)]
    assert targets.assess(sparse, higher(80, 2027)).status == UNKNOWN


def test_a_band_from_above_on_track_and_overshot():
    falling = [(2023, 75.0), (2024, 70.0), (2025, 65.0)]  # 70 - 5 * (year - 2024)
    assert targets.assess(falling, band(40, 60, 2027)).status == ON_TRACK  # 55
    assert targets.assess(falling, band(40, 60, 2030)).status == ON_TRACK  # 40: the edge
    assert targets.assess(falling, band(40, 60, 2031)).status == OFF_TRACK  # 35: through it


def test_points_of_a_monthly_total_take_each_years_latest_snapshot():
    frame = pl.DataFrame({
        "snapshot_date": [date(2024, 11, 1), date(2025, 10, 1), date(2025, 11, 1)],
        "n": [10, 10, 3], "value": [50.0, 55.0, None], "suppressed": [False, False, True],
    })
    assert targets.points_of(frame) == [(2024, 50.0), (2025, None)]


# --- the store: history, removal, audit ----------------------------------------------------------


def test_a_target_keeps_its_history_and_each_change_is_audited(con):
    actor = ("ann@kommun.se", "analyst")
    targets.set_target(con, higher(80, 2026), actor)
    targets.set_target(con, higher(85, 2028), actor)
    assert targets.current(con)["full_time_share"].low == 85
    targets.remove_target(con, "full_time_share", actor)
    assert "full_time_share" not in targets.current(con)
    history = targets.history(con, "full_time_share")
    assert history["version"].to_list() == [3, 2, 1]
    assert history["removed"].to_list() == [True, False, False]
    assert history["low"].to_list()[1:] == [85.0, 80.0]
    assert set(history["set_by"]) == {"ann@kommun.se"}
    log = store.audit_log(con).filter(pl.col("action") == "target")
    assert log["detail"].to_list() == [
        "full_time_share: borttaget",
        f"full_time_share: minst 85 år 2028 ({PROGRAMME})",
        f"full_time_share: minst 80 år 2026 ({PROGRAMME})",
    ]
    # set again after the removal: current again, version 4
    targets.set_target(con, band(40, 60, 2026, "full_time_share"), actor)
    assert targets.current(con)["full_time_share"].direction == BAND
    assert targets.history(con, "full_time_share")["version"][0] == 4


@pytest.mark.parametrize(("target", "code"), [
    (band(60, 40, 2026), "band"),
    (Target("full_time_share", HIGHER, None, None, 2026, PROGRAMME), "value"),
    (Target("full_time_share", HIGHER, 80, 90, 2026, PROGRAMME), "value"),
    (Target("no_such_metric", HIGHER, 80, None, 2026, PROGRAMME), "metric"),
    (higher(80, 1999), "year"),
    (Target("full_time_share", HIGHER, 80, None, 2026, "  "), "programme"),
])
def test_a_refused_target_writes_nothing(con, target, code):
    with pytest.raises(targets.TargetError) as refused:
        targets.set_target(con, target, ("ann", "analyst"))
    assert refused.value.code == code
    assert code in texts.TARGET_ERRORS
    assert targets.history(con).is_empty()
    assert store.audit_log(con).filter(pl.col("action") == "target").is_empty()


def test_the_demo_ships_targets_in_all_three_statuses(demo_con):
    shown = targets.current(demo_con)
    assert set(shown) == {t.metric_id for t in targets.DEMO_TARGETS}
    statuses = {}
    for metric_id, target in shown.items():
        frame = compute(demo_con, metric_id)
        statuses[metric_id] = targets.assess_series(frame, target,
                                                    registry.get(metric_id).decimals).status
    # The demo's 2025 values: 258 hourly paid (at most 300), full time 77,2 % rising about
    # 1,9 points a year (80 % by 2027), women managers 64 % (40-60 %, flat).
    assert statuses["hourly_paid_persons"] == REACHED
    assert statuses["full_time_share"] == ON_TRACK
    assert statuses["managers_women_share"] == OFF_TRACK
    assert {REACHED, ON_TRACK, OFF_TRACK} <= set(statuses.values())
    targets.seed_demo(demo_con, ("system", "admin"))  # a second seeding adds nothing
    assert targets.history(demo_con).height == len(targets.DEMO_TARGETS)


# --- charts --------------------------------------------------------------------------------------


def test_target_names_in_swedish():
    share, persons, ratio = (registry.get(m) for m in (
        "managers_women_share", "hourly_paid_persons", "social_worker_salary_spread"))
    assert charts.target_text(band(40, 60, 2026), share) == f"Mål 2026: 40–60{NBSP}%"
    assert charts.target_text(higher(80, 2027), share) == f"Mål 2027: minst 80{NBSP}%"
    assert charts.target_text(higher(12.5, 2027), share) == f"Mål 2027: minst 12,5{NBSP}%"
    assert charts.target_text(lower(300, 2026), persons) == (
        f"Mål 2026: högst 300{NBSP}personer")
    assert charts.target_text(higher(1.3, 2026, "x"), ratio) == "Mål 2026: minst 1,3"


def _total(days: list[date], values: list[float | None]) -> pl.DataFrame:
    return pl.DataFrame({"snapshot_date": days, "n": [20] * len(days), "value": values,
                         "suppressed": [v is None for v in values]})


def test_an_annual_series_is_labelled_by_year_a_monthly_one_by_date():
    metric = registry.get("full_time_share")
    yearly = charts.trend(_total([date(2024, 11, 1), date(2025, 11, 1)], [60.0, 70.0]), metric)
    assert list(yearly.data[0].x) == ["2024", "2025"]
    monthly = charts.trend(_total([date(2025, 10, 1), date(2025, 11, 1)], [60.0, 70.0]), metric)
    assert list(monthly.data[0].x) == ["2025-10-01", "2025-11-01"]
    frame = pl.DataFrame({"snapshot_date": [date(2024, 11, 1), date(2024, 11, 1)],
                          "gender": ["K", "M"], "n": [5, 5], "value": [50.0, 60.0],
                          "suppressed": [False, False]})
    split = charts.gender_split(frame, metric)
    assert [list(bar.x) for bar in split.data] == [["2024"], ["2024"]]
    assert [bar.marker.color for bar in split.data] == [charts.WOMEN, charts.MEN]


def test_the_target_band_runs_to_the_target_year_with_the_trend():
    metric = registry.get("managers_women_share")
    frame = _total([date(y, 11, 1) for y in (2023, 2024, 2025)], [75.0, 70.0, 65.0])
    target = band(40, 60, 2027)
    assessment = targets.assess_series(frame, target)
    figure = charts.trend(frame, metric, target=target, assessment=assessment)
    line, low, high, trend = figure.data
    assert list(line.x) == ["2023", "2024", "2025"]
    assert list(high.x) == ["2023", "2024", "2025", "2026", "2027"]
    assert set(low.y) == {40} and set(high.y) == {60}
    assert high.name == f"Mål 2027: 40–60{NBSP}%" and high.fill == "tonexty"
    assert high.line.color == charts.TARGET and high.fillcolor == charts.TARGET_BAND
    assert list(trend.x) == ["2023", "2024", "2025", "2026", "2027"]
    assert list(trend.y) == pytest.approx([75, 70, 65, 60, 55])  # 70 - 5 * (year - 2024)
    assert list(figure.layout.xaxis.categoryarray) == ["2023", "2024", "2025", "2026", "2027"]


def test_share_axes_start_at_zero_or_say_they_are_cut():
    metric = registry.get("tillsvidare_share")
    wide = charts.trend(_total([date(2024, 11, 1), date(2025, 11, 1)], [58.0, 70.0]), metric)
    assert wide.layout.yaxis.rangemode == "tozero" and not wide.layout.annotations
    # 94-97 %: a spread of 3 points, under a fifth of 94: cut, 1 point of padding (3 * 0,3
    # is less), from 93 %
    narrow = charts.trend(_total([date(2024, 11, 1), date(2025, 11, 1)], [94.0, 97.0]),
                          metric)
    assert list(narrow.layout.yaxis.range) == [93.0, 98.0]
    assert narrow.layout.annotations[0].text == f"Obs! Axeln börjar vid 93{NBSP}%, inte vid 0."
    persons = registry.get("hourly_paid_persons")  # a count: from zero, as before
    counts = charts.trend(_total([date(2024, 11, 1), date(2025, 11, 1)], [94.0, 97.0]),
                          persons)
    assert counts.layout.yaxis.rangemode == "tozero" and not counts.layout.annotations


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def with_targets(own_store):
    """The fixture store with two targets: full time 71,4 % (2025) after 100 % (2024), two
    points: at least 80 % by 2027 is unknown; headcount 15 (2025): at most 20 is reached."""
    con = store.connect(own_store)
    targets.set_target(con, higher(80, 2027), ("ann", "analyst"))
    targets.set_target(con, lower(20, 2026, "headcount"), ("ann", "analyst"))
    con.close()
    return own_store


def badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def test_page_mal_shows_targets_status_and_history(with_targets):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    open_page(at, "mal")
    table = at.dataframe[0].value
    status = dict(zip(table["Nyckeltal"], table["Status"], strict=True))
    assert status == {"Andel heltidsanställda": "Okänt", "Antal anställda": "Nått"}
    latest = dict(zip(table["Nyckeltal"], table["Senaste värde"], strict=True))
    assert text(latest["Andel heltidsanställda"]) == "71,4 %"
    specs = chart_specs(at)
    names = [trace.get("name") for spec in specs for trace in spec["data"]]
    assert f"Mål 2027: minst 80{NBSP}%" in names
    assert "Ändrat av" in at.dataframe[-1].value.columns  # an analyst sees who
    assert at.button(key="target_save")


def test_the_overview_and_the_metric_page_show_the_target(with_targets):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert [text(b) for b in badges(at)] == [  # the status and the target it is judged on
        ":gray-badge[:material/help: Okänt] om målet minst 80 % år 2027 nås",
        ":green-badge[:material/check_circle: Nått] målet högst 20 personer år 2026"]
    open_page(at, "heltid")
    trend = chart_specs(at)[0]
    assert trend["data"][0]["x"] == ["2024", "2025"]
    target = trend["data"][1]
    assert target["x"] == ["2024", "2025", "2026", "2027"] and set(target["y"]) == {80}
    assert badges(at)[0].startswith(":gray-badge[:material/help: Okänt] om målet")


def test_an_analyst_sets_and_removes_a_target_on_the_page(own_store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    open_page(at, "mal")
    at.selectbox(key="target_metric").set_value("preschool_men_share").run()
    at.button(key="target_save").click().run()  # no value yet: refused, nothing stored
    assert [e.value for e in at.error] == [texts.TARGET_ERRORS["value"]]
    at.text_input(key="target_low_preschool_men_share_higher").set_value("10")
    at.number_input(key="target_year_preschool_men_share").set_value(2030)
    at.text_input(key="target_programme_preschool_men_share").set_value(
        "Program <b>x</b> [länk](http://evil.example), punkt 9")
    at.button(key="target_save").click().run()
    assert not at.exception
    assert at.success[0].value == texts.TARGET_SAVED.format(metric="Andel män i förskolan")
    history = at.dataframe[-1].value
    assert history["Program"][0] == "Program <b>x</b> [länk](http://evil.example), punkt 9"
    assert text(history["Mål"][0]) == "Mål 2030: minst 10 %"
    assert history["Ändrat av"][0] == "lokal"
    at.button(key="target_remove").click().run()
    con = store.connect(own_store)  # the same process: DuckDB shares the open database
    try:
        assert "preschool_men_share" not in targets.current(con)
        log = store.audit_log(con).filter(pl.col("action") == "target")
        assert log["detail"].to_list() == [
            "preschool_men_share: borttaget",
            "preschool_men_share: minst 10 år 2030 "
            "(Program <b>x</b> [länk](http://evil.example), punkt 9)"]
        assert set(log["user_id"]) == {"lokal"}
    finally:
        con.close()


def test_a_viewer_sees_the_targets_but_no_editor_and_no_names(with_targets, roles_file):
    at = logged_in_as(AppTest.from_file(APP, default_timeout=60), roles.VIEWER)
    at.run()
    open_page(at, "mal")
    assert at.dataframe[0].value["Status"].to_list() == ["Okänt", "Nått"]
    assert not [b for b in at.button if b.key in ("target_save", "target_remove")]
    assert "Ändrat av" not in at.dataframe[-1].value.columns
    assert texts.TARGET_VIEW_ONLY in [c.value for c in at.caption]


def test_a_viewer_reads_the_latest_values_as_published(with_targets, roles_file):
    # A viewer is always in publication mode: full time 71,4 % of 7 persons is published to
    # 5 percent, 70 %, with no false decimal; the count 18 to tens.
    at = logged_in_as(AppTest.from_file(APP, default_timeout=60), roles.VIEWER)
    at.run()
    open_page(at, "mal")
    assert at.dataframe[0].value["Senaste värde"].to_list() == [f"70{NBSP}%", f"20{NBSP}personer"]
    latest = [c.value for c in at.caption if c.value.startswith("Senaste värde")]
    assert latest == [f"Senaste värde 2025: 70{NBSP}%", f"Senaste värde 2025: 20{NBSP}personer"]



def test_a_target_value_is_written_and_read_as_the_metric_shows_values(own_store):
    con = store.connect(own_store)
    targets.set_target(con, band(40, 60, 2026), ("ann", "analyst"))
    con.close()
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at, "mal")
    at.selectbox(key="target_metric").set_value("managers_women_share").run()
    low = at.text_input(key="target_low_managers_women_share_band")
    high = at.text_input(key="target_high_managers_women_share_band")
    assert (low.value, high.value) == ("40,0", "60,0")  # as "40,0 %" is shown; not "40.0"
    assert at.number_input(key="target_year_managers_women_share").value == 2026

    low.set_value("tolv").run()  # not a number: said so, and the target cannot be saved
    assert [e.value for e in at.error] == [texts.TARGET_VALUE_UNREADABLE.format(value="tolv")]
    assert at.button(key="target_save").disabled
    at.text_input(key="target_low_managers_women_share_band").set_value("42,5 %").run()
    at.button(key="target_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    con = store.connect(own_store)
    try:
        assert (targets.current(con)["managers_women_share"].low,
                targets.current(con)["managers_women_share"].high) == (42.5, 60.0)
    finally:
        con.close()


REPR = re.compile(r"\b(None|nan|NaN|True|False)\b|\d\.\d")
"""What Python writes and a Swedish reader should not see: reprs, and a decimal point."""


def test_page_mal_shows_no_python_reprs(with_targets):
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at, "mal")
    at.selectbox(key="target_metric").set_value("full_time_share").run()
    shown = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error",
                                  "subheader", "header") for e in at.get(kind)]
    shown += [w.value for w in at.text_input] + [w.label for w in at.text_input]
    shown += [(w.proto.format or "%s") % w.value for w in at.number_input  # as the field shows
              if w.value is not None]
    shown += [str(cell) for frame in at.dataframe
              for cell in frame.value.astype(object).where(frame.value.notna(), "").to_numpy()
              .ravel()]
    assert "80,0" in [w.value for w in at.text_input]  # the target at least 80 %
    leftovers = [text for text in shown if REPR.search(str(text))]
    assert not leftovers, leftovers


# --- English leftovers ---------------------------------------------------------------------------


def test_the_validation_report_shows_a_dash_where_a_finding_has_no_row(own_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    test_app.upload(at, "okand.csv", b"a;b\n1;2\n")  # no known extract: a finding of the file
    assert not at.exception, [e.value for e in at.exception]
    findings = test_app.tables_with(at, "Meddelande")[0]
    assert set(findings["Rad"]) == {"–"} and set(findings["Kolumn"]) == {"–"}
    assert at.date_input(key="upload_date").help.endswith(texts.DATE_PICKER_NOTE)
