"""Charts in words (issue 24, WCAG 2.1 1.1.1): a chart's text alternative, written from the
values it draws, for the caption under a web chart and the meeting pack's PDF figures.

Each function takes what its factory in ui/charts.py takes: the same frame and the same metric
(disclosure.shown(metric, mode) where the page passes that), so a value reads as the chart's
hover label and the table write it ('70 %' in publication mode, '70,4 %' otherwise). A value
hidden for too few persons is never in the text, only how many are hidden. Names from the data
(förvaltningar) go in as they are: the text is plain, and a page shows it through plain.md.
Nothing here imports streamlit (the pack uses it outside the server).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from metrics import targets
from metrics.definition import BREAKDOWNS, Metric
from ui import charts, numbers, texts


def _span(periods: Sequence[str]) -> str:
    return periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"


def _series(label: str, periods: Sequence[str], cells: Sequence[str | None]) -> str:
    """'Andel heltidsanställda 2015–2025: från 51 % till 70 %.' from the periods and each
    period's value as the chart writes it (None: not drawn, hidden for too few persons)."""
    drawn = [(period, cell) for period, cell in zip(periods, cells, strict=True)
             if cell is not None]
    if not drawn:
        return texts.CHART_ALT_HIDDEN.format(label=label, span=_span(periods))
    if len(drawn) == 1:
        return texts.CHART_ALT_ONE.format(label=label, period=drawn[0][0], value=drawn[0][1])
    return texts.CHART_ALT.format(label=label, span=_span(periods), first=drawn[0][1],
                                  last=drawn[-1][1])


def _shown(value: float | None, suppressed: bool) -> bool:
    return not suppressed and value is not None


def chart_alt(label: str, periods: Sequence[str], rows: Sequence[dict], shown: Metric,
              target: str | None) -> str:
    """A chart's text alternative, from the values it draws (issue 24, PDF/UA): 'Andel
    heltidsanställda 2015–2025: från 51 % till 70 %. Mål 2027: minst 80 %.' A value hidden for
    too few persons is left out; when all are hidden, the text says so."""
    cells = [numbers.metric_value(row["value"], shown)
             if _shown(row["value"], row["suppressed"]) else None for row in rows]
    text = _series(label, periods, cells)
    return f"{text} {target}." if target else text


def trend(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False,
          target: targets.Target | None = None) -> str:
    """charts.trend's and charts.sparkline's chart in words: the first and last value shown,
    and the target as its line is named."""
    dates = frame["snapshot_date"].to_list()
    if not dates:
        return ""
    periods = charts.period_labels(dates, charts.by_year(dates, yearly))
    return chart_alt(metric.label_sv, periods, frame.select("value", "suppressed").to_dicts(),
                     metric, charts.target_text(target, metric) if target else None)


def _latest_values(frame: pl.DataFrame, yearly: bool) -> tuple[str, list[dict]]:
    """The latest period of a frame over time and its rows."""
    dates = frame["snapshot_date"].to_list()
    latest = max(dates)
    period = charts.period_labels([latest], charts.by_year(dates, yearly))[0]
    return period, [row for day, row in zip(dates, frame.to_dicts(), strict=True)
                    if day == latest]


def gender_split(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False) -> str:
    """charts.gender_split's chart in words, its latest period: 'Andel heltidsanställda per
    kön 2025: kvinnor 64 %, män 71 %.'; a gender hidden for too few persons 'visas inte'."""
    if frame.is_empty():
        return ""
    period, rows = _latest_values(frame, yearly)
    order = {"K": 0, "M": 1}
    rows = sorted(rows, key=lambda row: order.get(row["gender"], 2))
    label = texts.CHART_ALT_PER.format(label=metric.label_sv, by=texts.CHART_ALT_BY["gender"])
    if not any(_shown(row["value"], row["suppressed"]) for row in rows):
        return texts.CHART_ALT_HIDDEN.format(label=label, span=period)
    parts = []
    for row in rows:
        gender = row["gender"]
        name = texts.GENDER_LABELS.get(gender, gender or texts.UNKNOWN).lower()
        parts.append(texts.CHART_ALT_PART.format(
            name=name, value=numbers.metric_value(row["value"], metric))
            if _shown(row["value"], row["suppressed"])
            else texts.CHART_ALT_PART_HIDDEN.format(name=name))
    return texts.CHART_ALT_VALUES.format(label=label, period=period, values=", ".join(parts))


def breakdown(frame: pl.DataFrame, metric: Metric, column: str, period: str, *,
              labels: Mapping | None = None, label: str = "{}") -> str:
    """charts.group_bars' and charts.ordered_bars' chart in words (one period, the categories
    named as the bars are): 'Andel heltidsanställda per förvaltning 2025: högst Barn och
    utbildning 78 %, lägst Vård och omsorg 52 %; 2 grupper visas inte (för få personer).'"""
    names = charts.category_names(frame[column].to_list(), labels, label)
    title = texts.CHART_ALT_PER.format(
        label=metric.label_sv,
        by=texts.CHART_ALT_BY.get(column, BREAKDOWNS[column].label_sv.lower()
                                  if column in BREAKDOWNS else column))
    shown = [(value, name) for name, value, hidden in
             zip(names, frame["value"].to_list(), frame["suppressed"].to_list(), strict=True)
             if _shown(value, hidden)]
    hidden = len(names) - len(shown)
    if not shown:
        return texts.CHART_ALT_HIDDEN.format(label=title, span=period)

    def part(value: float, name: str) -> str:
        return texts.CHART_ALT_PART.format(name=name, value=numbers.metric_value(value, metric))

    top = max(shown, key=lambda item: item[0])
    bottom = min(shown, key=lambda item: item[0])
    values = (part(*top) if len(shown) == 1
              else texts.CHART_ALT_HIGH_LOW.format(high=part(*top), low=part(*bottom)))
    if hidden:
        values += texts.CHART_ALT_SOME_HIDDEN.format(
            count=hidden, groups=texts.CHART_ALT_GROUPS[hidden != 1])
    return texts.CHART_ALT_VALUES.format(label=title, period=period, values=values)


def kolada_comparison(frame: pl.DataFrame, metric: Metric) -> str:
    """charts.kolada_comparison's chart in words: our first and last value shown, and the
    comparison group's median in the latest year Kolada has one."""
    years = [str(y) for y in frame["year"].to_list()]
    if not years:
        return ""
    ours = chart_alt(texts.KOLADA_OURS, years,
                     [{"value": v, "suppressed": hidden} for v, hidden in
                      zip(frame["ours"].to_list(), frame["ours_suppressed"].to_list(),
                          strict=True)], metric, None)
    medians = [(year, v) for year, v in zip(years, frame["group_median"].to_list(), strict=True)
               if v is not None]
    if not medians:
        return ours
    year, median = medians[-1]
    value = numbers.metric_value(median, metric)
    return f"{ours} {texts.CHART_ALT_KOLADA_MEDIAN.format(year=year, value=value)}"


def scale_trend(series: Sequence[tuple[str, pl.DataFrame]], metric: Metric, title: str, *,
                yearly: bool = False) -> str:
    """charts.scale_trend's chart in words, its latest period: 'Lönefördelning över tid 2025:
    P10 31 000 kr, P25 33 000 kr, median 35 000 kr, ...'; a line hidden there 'visas inte'."""
    dates = [d for _, frame in series for d in frame["snapshot_date"].to_list()]
    if not dates:
        return ""
    latest = max(dates)
    period = charts.period_labels([latest], charts.by_year(dates, yearly))[0]
    parts, any_shown = [], False
    for label, frame in series:
        rows = [row for row in frame.to_dicts() if row["snapshot_date"] == latest]
        if rows and _shown(rows[0]["value"], rows[0]["suppressed"]):
            any_shown = True
            parts.append(texts.CHART_ALT_PART.format(
                name=label, value=numbers.metric_value(rows[0]["value"], metric)))
        else:
            parts.append(texts.CHART_ALT_PART_HIDDEN.format(name=label))
    if not any_shown:
        return texts.CHART_ALT_HIDDEN.format(label=title, span=period)
    return texts.CHART_ALT_VALUES.format(label=title, period=period, values=", ".join(parts))


def programme_status(counts: pl.DataFrame) -> str:
    """charts.programme_status's chart in words: 'Punkter per status: Ej påbörjad 3, Pågår 5
    (varav 2 har passerat slutdatum), Klar 4.'"""
    parts = [texts.CHART_ALT_PART.format(name=status, value=n)
             + (texts.CHART_ALT_PROGRAMME_OVERDUE.format(count=overdue) if overdue else "")
             for status, n, overdue in counts.select("status", "n", "overdue").iter_rows()]
    return texts.CHART_ALT_PROGRAMME.format(values=", ".join(parts) or "0")


def pay_gap_trend(frame: pl.DataFrame) -> str:
    """charts.pay_gap_trend's chart in words: the mean's and the median's first and last year
    shown, as the chart writes them ('4,3 %')."""
    years = [str(y) for y in frame["year"].to_list()]
    if not years:
        return ""
    return " ".join(
        _series(texts.CHART_ALT_PAY[column], years,
                [cell or None for cell in charts.percent_texts(frame[column].to_list())])
        for column in ("mean_gap", "median_gap"))


def pay_quartiles(bands: Sequence, year: int) -> str:
    """charts.pay_quartiles' chart in words: 'Andel kvinnor per lönekvartil 2025: 72,0 % i 1
    (lägst), 65,0 % i 2, 60,0 % i 3, 48,0 % i 4 (högst); resten är män.'"""
    names = charts.quartile_names(bands)
    shares = charts.percent_texts([band.women_share for band in bands])
    return texts.CHART_ALT_QUARTILES.format(
        year=year, values=", ".join(texts.CHART_ALT_QUARTILE.format(name=name, value=share)
                                    for name, share in zip(names, shares, strict=True)))
