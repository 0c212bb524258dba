"""Charts in words and charts that do not rest on colour alone (issue 24, WCAG 2.1 AA 1.1.1 and
1.4.1): ui/chart_text.py against sentences written by hand for small frames, and the figures
of ui/charts.py whose series colour tells apart also told apart by shape or pattern."""

from __future__ import annotations

import dataclasses
from datetime import date

import polars as pl

from metrics import registry, targets
from metrics.pay_transparency import Band
from ui import chart_text, charts

NBSP = "\u00a0"
D24, D25 = date(2024, 11, 1), date(2025, 11, 1)
# The full-time share as publication mode shows it (no decimals), and as an analyst sees it.
PUBLISHED = dataclasses.replace(registry.get("full_time_share"), decimals=0)
EXACT = registry.get("full_time_share")
LABEL = PUBLISHED.label_sv


def _series(values: list[float | None], hidden: list[bool],
            dates: list[date] | None = None) -> pl.DataFrame:
    dates = dates or [date(2015 + i, 11, 1) for i in range(len(values))]
    return pl.DataFrame({"snapshot_date": dates, "n": [10] * len(values), "value": values,
                         "suppressed": hidden})


# --- a series over time (the indicator's trend, the overview's sparkline, Mål) -----------------


def test_a_trend_in_words_names_first_and_last_value_shown_and_the_target():
    frame = _series([51.2, 60.0, 70.4], [False, False, False])
    target = targets.Target("full_time_share", targets.HIGHER, 80.0, None, 2027, "Program")
    assert chart_text.trend(frame, PUBLISHED, target=target) == (
        f"{LABEL} 2015–2017: från 51{NBSP}% till 70{NBSP}%. Mål 2027: minst 80{NBSP}%.")
    # The analyst's decimals: as the hover label writes the value.
    assert chart_text.trend(frame, EXACT) == (
        f"{LABEL} 2015–2017: från 51,2{NBSP}% till 70,4{NBSP}%.")


def test_a_hidden_value_is_never_in_the_words():
    # The last value is hidden: its (stale) number must not appear; the text ends at the last
    # value shown, over the whole span drawn.
    frame = _series([51.2, 60.0, 99.9], [False, False, True])
    words = chart_text.trend(frame, PUBLISHED)
    assert words == f"{LABEL} 2015–2017: från 51{NBSP}% till 60{NBSP}%."
    assert "100" not in words and "99" not in words


def test_all_hidden_and_one_period():
    assert chart_text.trend(_series([None, None], [True, True]), PUBLISHED) == (
        f"{LABEL} 2015–2016: värdena visas inte (för få personer).")
    assert chart_text.trend(_series([64.6], [False], [D25]), PUBLISHED) == (
        f"{LABEL} 2025: 65{NBSP}%.")
    # A monthly series keeps its dates, as the chart's axis does.
    monthly = _series([60.0, 61.0], [False, False], [date(2025, 10, 1), D25])
    assert chart_text.trend(monthly, PUBLISHED) == (
        f"{LABEL} 2025-10-01–2025-11-01: från 60{NBSP}% till 61{NBSP}%.")


def test_the_pack_uses_the_same_words():
    import pack

    assert pack.chart_alt is chart_text.chart_alt


# --- breakdowns ---------------------------------------------------------------------------------


def test_a_breakdown_in_words_names_highest_and_lowest_shown_and_counts_the_hidden():
    frame = pl.DataFrame({"forvaltning": ["Vård och omsorg", "Barn och utbildning", "Teknik",
                                          None],
                          "n": [20, 30, 3, 2], "value": [52.4, 77.6, None, None],
                          "suppressed": [False, False, True, True]})
    assert chart_text.breakdown(frame, PUBLISHED, "forvaltning", "2025") == (
        f"{LABEL} per förvaltning 2025: högst Barn och utbildning 78{NBSP}%, lägst Vård och "
        f"omsorg 52{NBSP}%; 2 grupper visas inte (för få personer).")
    one = frame.slice(0, 1)
    assert chart_text.breakdown(one, PUBLISHED, "forvaltning", "2025") == (
        f"{LABEL} per förvaltning 2025: Vård och omsorg 52{NBSP}%.")
    hidden = frame.slice(2, 2)
    assert chart_text.breakdown(hidden, PUBLISHED, "forvaltning", "2025") == (
        f"{LABEL} per förvaltning 2025: värdena visas inte (för få personer).")


def test_an_ordered_breakdown_names_its_bars_as_the_chart_does():
    headcount = registry.get("headcount")
    frame = pl.DataFrame({"years_to_retirement": [0, 3, 7], "n": [4, 12, 9],
                          "value": [None, 12.0, 9.0], "suppressed": [True, False, False]})
    names = {"label": "{} år", "labels": {0: "I år eller tidigare"}}
    assert chart_text.breakdown(frame, headcount, "years_to_retirement", "2025", **names) == (
        f"{headcount.label_sv} per år till pension 2025: högst 3 år 12{NBSP}personer, lägst "
        f"7 år 9{NBSP}personer; 1 grupp visas inte (för få personer).")
    figure = charts.ordered_bars(frame, headcount, "years_to_retirement",
                                 order=range(0, 11), **names)
    assert list(figure.data[0].x) == ["I år eller tidigare", "3 år", "7 år"]


def test_the_gender_split_in_words_is_its_latest_period():
    frame = pl.DataFrame({"snapshot_date": [D24, D25, D24, D25], "gender": ["K", "K", "M", "M"],
                          "n": [9, 10, 6, 6], "value": [60.2, 64.4, 70.0, 71.0],
                          "suppressed": [False] * 4})
    assert chart_text.gender_split(frame, PUBLISHED) == (
        f"{LABEL} per kön 2025: kvinnor 64{NBSP}%, män 71{NBSP}%.")
    men_hidden = frame.with_columns(
        value=pl.when(pl.col("gender") == "M").then(None).otherwise(pl.col("value")),
        suppressed=pl.col("gender") == "M")
    assert chart_text.gender_split(men_hidden, PUBLISHED) == (
        f"{LABEL} per kön 2025: kvinnor 64{NBSP}%, män visas inte (för få personer).")
    all_hidden = frame.with_columns(value=None, suppressed=True)
    assert chart_text.gender_split(all_hidden, PUBLISHED) == (
        f"{LABEL} per kön 2025: värdena visas inte (för få personer).")


# --- the other charts ---------------------------------------------------------------------------


def test_kolada_scale_programme_and_pay_in_words():
    kolada = pl.DataFrame({"year": [2023, 2024, 2025], "ours": [50.0, None, 70.0],
                           "ours_suppressed": [False, True, False],
                           "kolada_own": [None] * 3, "group_median": [55.0, 58.0, None],
                           "group_min": [40.0, 41.0, None], "group_max": [80.0, 81.0, None],
                           "group_count": [10, 10, 0]})
    assert chart_text.kolada_comparison(kolada, PUBLISHED) == (
        f"Vårt värde 2023–2025: från 50{NBSP}% till 70{NBSP}%. Jämförelsegruppens median "
        f"2024: 58{NBSP}%.")

    salary = registry.get("social_worker_salary_median")
    series = [("P10", _series([30000.0, 31000.0], [False, False], [D24, D25])),
              ("Median", _series([35000.0, None], [False, True], [D24, D25]))]
    assert chart_text.scale_trend(series, salary, "Lön") == (
        f"Lön 2025: P10 31{NBSP}000{NBSP}kr, Median visas inte (för få personer).")

    counts = pl.DataFrame({"status": ["Ej påbörjad", "Pågår", "Klar"],
                           "status_code": ["not_started", "in_progress", "done"],
                           "n": [3, 5, 4], "overdue": [0, 2, 0]})
    assert chart_text.programme_status(counts) == (
        "Punkter per status: Ej påbörjad 3, Pågår 5 (varav 2 har passerat slutdatum), Klar 4.")

    trend = pl.DataFrame({"year": [2023, 2024, 2025], "mean_gap": [4.31, None, 3.08],
                          "median_gap": [None, None, 2.5], "too_few": [False, True, False]})
    assert chart_text.pay_gap_trend(trend) == (
        f"Löneskillnaden, medelvärde 2023–2025: från 4,3{NBSP}% till 3,1{NBSP}%. "
        f"Löneskillnaden, median 2025: 2,5{NBSP}%.")

    bands = [Band(72, 28, 150.0, 170.0), Band(65, 35, 170.0, 190.0), Band(3, 2, 190.0, 210.0),
             Band(48, 52, 210.0, 300.0)]
    assert chart_text.pay_quartiles(bands, 2025) == (
        f"Andel kvinnor per lönekvartil 2025: 72,0{NBSP}% i 1 (lägst), 65,0{NBSP}% i 2, "
        f"60,0{NBSP}% i 3, 48,0{NBSP}% i 4 (högst); resten är män.")


# --- colour is not the only carrier of meaning (WCAG 1.4.1) -------------------------------------


def _pattern(trace) -> str:
    return trace.marker.pattern.shape or ""


def test_women_and_men_differ_in_pattern_as_well_as_colour():
    frame = pl.DataFrame({"snapshot_date": [D25, D25], "gender": ["K", "M"], "n": [10, 6],
                          "value": [64.0, 71.0], "suppressed": [False, False]})
    women, men = charts.gender_split(frame, PUBLISHED).data
    assert women.marker.color != men.marker.color
    assert _pattern(women) != _pattern(men)
    quartile_women, quartile_men = charts.pay_quartiles([Band(3, 2, 1.0, 2.0)] * 4).data
    assert _pattern(quartile_women) != _pattern(quartile_men)


def test_kolada_s_series_differ_in_pattern_symbol_or_dash():
    frame = pl.DataFrame({"year": [2024, 2025], "ours": [60.0, 62.0],
                          "ours_suppressed": [False, False], "kolada_own": [61.0, 63.0],
                          "group_median": [58.0, 59.0], "group_min": [40.0, 41.0],
                          "group_max": [80.0, 81.0], "group_count": [10, 10]})
    traces = {t.name: t for t in charts.kolada_comparison(frame, PUBLISHED).data}
    assert _pattern(traces["Jämförelsegruppens spridning (lägst–högst)"]) != ""
    lines = [traces[name] for name in ("Vårt värde", "Jämförelsegruppens median",
                                       "Kolada, vår kommun")]
    shapes = {(t.marker.symbol, t.line.dash if "lines" in t.mode else None) for t in lines}
    assert len(shapes) == len(lines)


def test_overdue_points_are_hatched():
    counts = pl.DataFrame({"status": ["Pågår"], "status_code": ["in_progress"], "n": [5],
                           "overdue": [2]})
    on_time, overdue = charts.programme_status(counts).data
    assert _pattern(on_time) == "" and _pattern(overdue) != ""
