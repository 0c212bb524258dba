"""Plotly figure factories: the only module that holds colours.

Each factory takes a frame as compute() returns it ([snapshot_date, <breakdown>, n, value,
suppressed]) and the metric record, and returns a figure. Suppressed cells are never drawn
(their value is null); the page says below the chart how many were hidden. Hover texts are
Swedish ("64,2 %", "35 000 kr"); axis ticks use space as thousands separator and a decimal
comma (plotly's `separators`). Category and legend names from the data go through
plain.chart(), so Plotly shows them as text and never reads an HTML tag in them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl

from metrics import targets
from metrics.definition import Metric
from metrics.disclosure import SUPPRESSED_MARK
from ui import numbers, pay_texts, plain, texts

# A calm palette: municipal blue for the whole municipality, a consistent pair for women and
# men on every page, greys for what is unknown or hidden.
PRIMARY = "#1F5A96"
PRIMARY_LIGHT = "#8FB1D6"
# From light to dark blue, for series that form a scale (salary percentiles P10 ... P90).
SCALE = ("#9DBBDB", "#6A97C6", "#1F5A96", "#6A97C6", "#9DBBDB")
SCALE_DASH = ("dot", "dash", "solid", "dash", "dot")
WOMEN = "#B0487A"
MEN = "#2B7A8C"
UNKNOWN = "#9AA4AE"
TEXT = "#1C2733"
MUTED = "#5B6773"
GRID = "#E3E8EE"
BACKGROUND = "rgba(0,0,0,0)"
GENDER_COLOURS = {"K": WOMEN, "M": MEN}
# The committee's comparisons, the same on every chart: our figure is PRIMARY, the programme's
# target a warm amber line or band, Kolada's comparison group a grey-violet median and range.
TARGET = "#B8860B"
TARGET_BAND = "rgba(184,134,11,0.12)"
KOLADA = "#6C5B7B"
KOLADA_RANGE = "rgba(108,91,123,0.14)"
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
# The status of a target (metrics/targets.py) as st.badge colours it.
STATUS_COLOURS = {"reached": "green", "on_track": "blue", "off_track": "orange",
                  "unknown": "gray"}
# Colour is never the only carrier of meaning (WCAG 2.1 1.4.1, issue 24): series told apart by
# colour also differ in shape. Bars: men's and the overdue points' are hatched, Kolada's range
# is hatched; lines: our value a solid line with round markers, Kolada's median a dashed line
# with squares, Kolada's own value open diamonds, the target a dashed line or a band.
GENDER_PATTERNS = {"K": "", "M": "/"}
UNKNOWN_PATTERN = "."
OVERDUE_PATTERN = "x"
RANGE_PATTERN = "/"


def pattern(shape: str, colour: str = "white", opacity: float = 0.4) -> dict:
    """A bar's hatching over its colour (plotly's marker.pattern); "" for none. Thin and
    sparse, so a number written inside the bar stays legible over it."""
    return {"shape": shape, "fillmode": "overlay", "fgcolor": colour, "fgopacity": opacity,
            "size": 10, "solidity": 0.15}


# A metric of one gender's figure draws its line in that gender's colour.
LINE_COLOURS = {"sick_leave_women": WOMEN, "sick_leave_men": MEN}

# Units that read naturally as a tick suffix.
_TICK_SUFFIX = {"%": " %", "kr": " kr", "procentenheter": " p.e."}
# Units whose value axis should include zero (counts and shares).
_FROM_ZERO = {"personer", "anställningar", "årsarbetare"}
SHARE_UNIT = "%"
# A line chart's value axis starts at zero, unless every value lies within a spread this small
# relative to the smallest (94-97 %, 32-33 medarbetare per chef, 1,26-1,33 kvot): then the
# axis is cut, and the chart says so (`_value_axis`). Counts always start at zero.
CUT_SPREAD = 0.2

# The chart's toolbar keeps only the picture download (and Streamlit's full screen): each
# button is a stop for the keyboard, and eight of them per chart made a page of twenty charts
# 160 presses of Tab long (issue 24). Zooming by dragging stays; a double click resets it.
CONFIG = {"displaylogo": False,
          "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoom2d", "pan2d", "zoomIn2d",
                                     "zoomOut2d", "autoScale2d", "resetScale2d"]}
SPARK_CONFIG = {"displayModeBar": False, "staticPlot": True}


def _figure(traces: Sequence, *, height: int, metric: Metric | None = None,
            value_axis: str = "y", xaxis: dict | None = None, yaxis: dict | None = None,
            **layout) -> go.Figure:
    """The figure in the house style, built in one go: Plotly validates a figure's every
    property on each update, so a chart of many bars built by small updates took 0.1-0.2 s.
    `xaxis`, `yaxis` and `layout` add to (or override) the style."""
    # The margins are small and grow to fit the tick labels and axis titles (automargin). It
    # is set here, not left to the template: Plotly's own template sets it, Streamlit's (the
    # default once streamlit is imported, as in the server that makes the pack) does not, and
    # without it the labels were cut off at the figure's edge.
    axes = {"x": {"showgrid": False, "linecolor": GRID, "tickfont": {"color": MUTED},
                  "automargin": True},
            "y": {"showgrid": False, "linecolor": GRID, "tickfont": {"color": MUTED},
                  "automargin": True}}
    value = axes[value_axis]
    value.update(gridcolor=GRID, showgrid=True, zeroline=False)
    if metric is not None:
        value["ticksuffix"] = _TICK_SUFFIX.get(metric.unit, "")
        value["title"] = {"text": _axis_title(metric), "font": {"color": MUTED, "size": 13}}
        if metric.unit in _FROM_ZERO:
            value["rangemode"] = "tozero"
        value["tickformat"] = ",~f"
    values = [v for trace in traces for v in trace.get(value_axis) or ()]
    if all(v is None for v in values):
        value["showticklabels"] = False  # every cell hidden: no scale to read
    axes["x"].update(xaxis or {})
    axes["y"].update(yaxis or {})
    return go.Figure(data=list(traces), layout={
        "height": height,
        "margin": {"l": 8, "r": 16, "t": 16, "b": 8},
        "font": {"family": FONT, "color": TEXT, "size": 14},
        "paper_bgcolor": BACKGROUND,
        "plot_bgcolor": BACKGROUND,
        "separators": ", ",
        "hoverlabel": {"bgcolor": "white", "font": {"family": FONT, "color": TEXT}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        "showlegend": False,
        "xaxis": axes["x"],
        "yaxis": axes["y"],
        **layout,
    })


def _axis_title(metric: Metric) -> str:
    return "" if metric.unit in _TICK_SUFFIX else metric.unit


def _hover(values: Sequence[float | None], metric: Metric) -> list[str]:
    return [numbers.metric_value(v, metric) if v is not None else "" for v in values]


def _bar_text(values: Sequence[float | None], metric: Metric) -> list[str]:
    """Labels at the end of bars: the number alone (the axis carries the unit)."""
    return [numbers.number(v, metric.decimals) if v is not None else "" for v in values]


def _bar_range(values: Sequence[float | None]) -> list[float] | None:
    """From zero to a little beyond the longest bar, so its label fits."""
    shown = [v for v in values if v is not None]
    if not shown:
        return [0, 1]
    low, high = min(0.0, min(shown)), max(0.0, max(shown))
    pad = (high - low) * 0.12 or 1.0
    return [low - (pad if low < 0 else 0), high + pad]


def by_year(dates: Sequence[date], yearly: bool = False) -> bool:
    """Whether a series' periods are labelled by year: a calendar-year table's, or a series
    with at most one snapshot a year (every yearly series: the reference month's snapshots);
    a monthly series keeps its dates."""
    distinct = set(dates)
    return yearly or len({d.year for d in distinct}) == len(distinct)


def period_labels(dates: Sequence[date], yearly: bool) -> list[str]:
    """A series' periods as its chart names them: '2025', or '2025-11-01'."""
    return [str(d.year) if yearly else d.isoformat() for d in dates]


def _short_number(value: float, metric: Metric) -> str:
    """A target's number without trailing zeros: '40', '1,3', '12,5'."""
    text = numbers.number(value, metric.decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def target_text(target: targets.Target, metric: Metric) -> str:
    """The target in words, as its line is named: 'Mål 2026: 40–60 %', 'Mål 2027: minst
    80 %', 'Mål 2026: högst 300 personer'."""
    low, high = (None if v is None else _short_number(v, metric)
                 for v in (target.low, target.high))
    unit = numbers.with_unit(0, metric.unit).removeprefix("0")  # '\u00a0%' or ''
    value = {targets.HIGHER: texts.TARGET_AT_LEAST.format(value=f"{low}{unit}"),
             targets.LOWER: texts.TARGET_AT_MOST.format(value=f"{high}{unit}"),
             targets.BAND: f"{low}–{high}{unit}"}[target.direction]
    return texts.TARGET_NAME.format(year=target.target_year, value=value)


def _target_traces(target: targets.Target, metric: Metric, categories: Sequence[str],
                   *, legend: bool = True, width: float = 2) -> list[dict]:
    """The target as a dashed amber line, or a band shaded between two thin lines, across
    the chart's categories (one category: a short mark)."""
    single = len(categories) == 1
    common = {"type": "scatter", "x": list(categories), "hoverinfo": "skip",
              "mode": "markers" if single else "lines", "name": target_text(target, metric),
              "legendgroup": "target"}
    mark = {"symbol": "line-ew-open", "size": 40, "color": TARGET,
            "line": {"width": width, "color": TARGET}}
    if target.direction == targets.BAND:
        low = {**common, "y": [target.low] * len(categories), "showlegend": False,
               "line": {"color": TARGET, "width": 1}, "marker": mark}
        high = {**common, "y": [target.high] * len(categories), "showlegend": legend,
                "line": {"color": TARGET, "width": 1}, "marker": mark,
                "fill": "none" if single else "tonexty", "fillcolor": TARGET_BAND}
        return [low, high]
    value = target.low if target.direction == targets.HIGHER else target.high
    return [{**common, "y": [value] * len(categories), "showlegend": legend,
             "line": {"color": TARGET, "width": width, "dash": "dash"}, "marker": mark}]


def _value_axis(values: Sequence[float | None], unit: str) -> tuple[dict, list[dict]]:
    """The value axis of a line chart: from zero, or, when every value lies within a narrow
    spread (CUT_SPREAD) far from zero, cut at a round number a little below the lowest and
    marked as cut by a note in the chart's corner. Counts (personer, anställningar,
    årsarbetare) and a single value always start at zero. `values` are all the chart draws:
    the series, a target's bounds, a trend line."""
    shown = [v for v in values if v is not None]
    if len(shown) == 1 and shown[0] > 0:
        # One point (a first upload): from zero to a fifth above it, so a tick lies above it
        # and it does not sit on the chart's top edge.
        return {"rangemode": "tozero", "range": [0, shown[0] * 1.2]}, []
    if unit in _FROM_ZERO or len(shown) < 2 or min(shown) <= 0:
        return {"rangemode": "tozero"}, []
    low, high = min(shown), max(shown)
    if high - low >= CUT_SPREAD * low:
        return {"rangemode": "tozero"}, []
    # A margin of 30 % of the spread; at least one percentage point for a share, 2 % of the
    # value for others. The start is rounded down to a whole percent for a share, else to the
    # second digit of the largest value: 93 %, 31 medarbetare, 1,2 (kvot), 33 000 kr.
    share = unit == SHARE_UNIT
    pad = max((high - low) * 0.3, 1.0 if share else 0.02 * high)
    digit = 0 if share else math.floor(math.log10(high)) - 1
    places = max(0, -digit)
    start = round(math.floor((low - pad) / 10.0 ** digit) * 10.0 ** digit, places)
    if start <= 0:
        return {"rangemode": "tozero"}, []
    note = {"xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left",
            "yanchor": "bottom", "showarrow": False, "font": {"color": MUTED, "size": 12},
            "text": texts.AXIS_CUT.format(start=numbers.with_unit(start, unit, places))}
    return {"range": [start, high + pad]}, [note]


def trend(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False,
          target: targets.Target | None = None,
          assessment: targets.Assessment | None = None) -> go.Figure:
    """The metric over the snapshots (or years): a line with markers, gaps where hidden; a
    series of one value a year is labelled by year. With a `target`, its line or band (named
    'Mål 2026: 40–60 %'), and, labelled by year, the axis runs on to the target year; with an
    `assessment` whose trend decided the status, that trend line, dotted, to the target
    year."""
    dates = frame["snapshot_date"].to_list()
    yearly = by_year(dates, yearly)
    values = frame["value"].to_list()
    labels = period_labels(dates, yearly)
    line = {
        "type": "scatter", "x": labels,
        "y": values, "mode": "lines+markers", "connectgaps": False,
        "line": {"color": LINE_COLOURS.get(metric.id, PRIMARY), "width": 3},
        "marker": {"size": 9, "color": LINE_COLOURS.get(metric.id, PRIMARY)},
        "customdata": _hover(values, metric),
        "hovertemplate": "%{x}<br><b>%{customdata}</b><extra></extra>",
        "name": metric.label_sv,
    }
    traces, categories = [line], labels
    xaxis: dict = {"type": "category"}
    if target is not None and yearly and dates:
        years = [d.year for d in dates]
        last = max(max(years), target.target_year)
        categories = [str(y) for y in range(min(years), last + 1)]
        xaxis.update(categoryorder="array", categoryarray=categories)
    if target is not None and categories:
        traces += _target_traces(target, metric, categories)
    if assessment is not None and assessment.trend and yearly:
        (x0, y0), (x1, y1) = assessment.trend
        slope = (y1 - y0) / (x1 - x0)
        traces.append({
            "type": "scatter", "x": [str(y) for y in range(x0, x1 + 1)],
            "y": [y0 + slope * (y - x0) for y in range(x0, x1 + 1)], "mode": "lines",
            "line": {"color": PRIMARY_LIGHT, "width": 2, "dash": "dot"},
            "name": texts.TREND_LINE, "hoverinfo": "skip"})
    yaxis, notes = _value_axis([v for trace in traces for v in trace["y"]], metric.unit)
    return _figure(traces, height=340, metric=metric, xaxis=xaxis, yaxis=yaxis,
                   annotations=notes, showlegend=len(traces) > 1)


def sparkline(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False,
              target: targets.Target | None = None) -> go.Figure:
    """A small line without axes for the overview cards; the latest point stands out; a
    target as a thin amber line or band behind it."""
    values = frame["value"].to_list()
    dates = frame["snapshot_date"].to_list()
    labels = period_labels(dates, by_year(dates, yearly))
    sizes = [0] * (len(values) - 1) + [8] if values else []
    colour = LINE_COLOURS.get(metric.id, PRIMARY)
    line = {
        "type": "scatter", "x": labels,
        "y": values, "mode": "lines+markers", "connectgaps": False,
        "line": {"color": colour, "width": 2}, "marker": {"size": sizes, "color": colour},
        "hoverinfo": "skip",
    }
    behind = (_target_traces(target, metric, labels, legend=False, width=1.5)
              if target is not None and labels else [])
    return go.Figure(data=[*behind, line], layout={
        "height": 70, "margin": {"l": 0, "r": 6, "t": 6, "b": 0}, "showlegend": False,
        "paper_bgcolor": BACKGROUND, "plot_bgcolor": BACKGROUND,
        "xaxis": {"visible": False, "type": "category"}, "yaxis": {"visible": False}})


def _bars(values: Sequence[float | None], metric: Metric, **trace) -> dict:
    """Bars in the primary colour with their numbers at the end and a Swedish hover text."""
    return {"type": "bar", "marker": {"color": PRIMARY}, "customdata": _hover(values, metric),
            "text": _bar_text(values, metric), "textposition": "outside", "cliponaxis": False,
            "textfont": {"color": TEXT}, **trace}


def category_names(keys: Sequence, labels: Mapping | None = None,
                   label: str = "{}") -> list[str]:
    """The names of a breakdown's categories as its bars are labelled (before plain.chart):
    a key in `labels` is named so, the others by `label`; a missing key is "Okänt"."""
    labels = labels or {}
    return [texts.UNKNOWN if key is None else labels.get(key, label.format(key))
            for key in keys]


def _hidden_marks(names: Sequence[str], hidden: Sequence[bool], category_axis: str,
                  **style) -> list[dict]:
    """The suppression mark at each hidden category, where its bar would start (at zero)."""
    value_axis = "x" if category_axis == "y" else "y"
    return [{category_axis: name, value_axis: 0, "text": _mark(), "showarrow": False,
             "font": {"color": MUTED}, **style}
            for name, is_hidden in zip(names, hidden, strict=True) if is_hidden]


def group_bars(frame: pl.DataFrame, metric: Metric, column: str,
               labels: Mapping[str, str] | None = None) -> go.Figure:
    """One snapshot broken down by a category (förvaltning, yrke): horizontal bars, the
    largest on top. Hidden cells keep their row, marked with the suppression mark."""
    keys = [str(v) if v is not None else None for v in frame[column].to_list()]
    names = [plain.chart(n) for n in category_names(keys, labels)]
    values = frame["value"].to_list()
    bars = _bars(values, metric, y=names, x=values, orientation="h",
                 hovertemplate="%{y}<br><b>%{customdata}</b><extra></extra>")
    marks = _hidden_marks(names, frame["suppressed"].to_list(), "y", xanchor="left")
    # Largest on top, hidden cells at the bottom (plotly draws the first category lowest).
    shown = sorted((v, n) for n, v in zip(names, values, strict=True) if v is not None)
    order = [n for n, v in zip(names, values, strict=True) if v is None] + [n for _, n in shown]
    return _figure([bars], height=max(160, 40 * len(names) + 90), metric=metric,
                   value_axis="x", annotations=marks, xaxis={"range": _bar_range(values)},
                   yaxis={"type": "category", "categoryorder": "array",
                          "categoryarray": order, "automargin": True})


def ordered_bars(frame: pl.DataFrame, metric: Metric, column: str, *,
                 order: Sequence[str] | None = None, axis_title: str = "",
                 label: str = "{}", labels: Mapping | None = None) -> go.Figure:
    """One snapshot broken down by an ordered category (age band, years to retirement):
    vertical bars in that order. A key in `labels` is named so; the others by `label`."""
    names = [plain.chart(n) for n in category_names(frame[column].to_list(), labels, label)]
    values = frame["value"].to_list()
    bars = _bars(values, metric, x=names, y=values,
                 hovertemplate="%{x}<br><b>%{customdata}</b><extra></extra>")
    marks = _hidden_marks(names, frame["suppressed"].to_list(), "x", yanchor="bottom")
    categories = ([plain.chart(n) for n in category_names(order, labels, label)]
                  if order is not None else names)
    return _figure([bars], height=340, metric=metric, annotations=marks,
                   xaxis={"type": "category", "categoryorder": "array",
                          "categoryarray": categories,
                          "title": {"text": axis_title, "font": {"color": MUTED, "size": 13}}},
                   yaxis={"range": _bar_range(values)})


def scale_trend(series: Sequence[tuple[str, pl.DataFrame]], metric: Metric, *,
                yearly: bool = False) -> go.Figure:
    """Several metrics of one unit that form a scale (P10, P25, median, P75, P90) over the
    snapshots, the middle one strongest; a series of one value a year labelled by year."""
    yearly = by_year([d for _, frame in series for d in frame["snapshot_date"].to_list()],
                     yearly)
    lines = []
    for i, (label, frame) in enumerate(series):
        values = frame["value"].to_list()
        style = i if len(series) == len(SCALE) else len(SCALE) // 2
        lines.append({
            "type": "scatter", "x": period_labels(frame["snapshot_date"].to_list(), yearly),
            "y": values, "mode": "lines+markers", "name": label, "connectgaps": False,
            "line": {"color": SCALE[style], "width": 3 if style == 2 else 2,
                     "dash": SCALE_DASH[style]},
            "marker": {"size": 7, "color": SCALE[style]},
            "customdata": _hover(values, metric),
            "hovertemplate": "%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>",
        })
    yaxis, notes = _value_axis([v for line in lines for v in line["y"]], metric.unit)
    return _figure(lines, height=380, metric=metric, xaxis={"type": "category"}, yaxis=yaxis,
                   annotations=notes, showlegend=True, hovermode="x unified")


def gender_split(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False) -> go.Figure:
    """Women and men side by side for each snapshot, in the same colours on every page; bars
    from zero; a series of one value a year labelled by year."""
    yearly = by_year(frame["snapshot_date"].to_list(), yearly)
    parts = frame.partition_by("gender", as_dict=True, maintain_order=True)
    genders = [key[0] for key in parts]
    ordered = [g for g in ("K", "M") if g in genders] + [g for g in genders if g not in ("K", "M")]
    bars = []
    for gender in ordered:
        part = parts[(gender,)]
        values = part["value"].to_list()
        bars.append({
            "type": "bar", "x": period_labels(part["snapshot_date"].to_list(), yearly),
            "y": values,
            "name": plain.chart(texts.GENDER_LABELS.get(gender, gender or texts.UNKNOWN)),
            "marker": {"color": GENDER_COLOURS.get(gender, UNKNOWN),
                       "pattern": pattern(GENDER_PATTERNS.get(gender, UNKNOWN_PATTERN))},
            "customdata": _hover(values, metric),
            "hovertemplate": "%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>",
        })
    return _figure(bars, height=340, metric=metric, xaxis={"type": "category"},
                   yaxis={"rangemode": "tozero"}, barmode="group", bargap=0.25,
                   bargroupgap=0.05, showlegend=True)


def _mark() -> str:
    return SUPPRESSED_MARK


# The action programme's statuses (metrics/programme.py STATUSES codes), and the share of each
# status that is past its deadline, drawn darker on top.
PROGRAMME_STATUS_COLOURS = {"not_started": UNKNOWN, "in_progress": PRIMARY_LIGHT,
                            "delayed": "#D08C2E", "done": "#3A8A4F", "cancelled": GRID}
PROGRAMME_OVERDUE_COLOUR = "#B03A2E"


def programme_status(counts: pl.DataFrame) -> go.Figure:
    """The action programme at a glance: one horizontal bar per status (status, status_code,
    n, overdue as metrics.programme.status_counts returns them), in the programme's order
    from the top, the points past their deadline stacked in red."""
    labels = [plain.chart(label) for label in counts["status"].to_list()]
    overdue = counts["overdue"].to_list()
    on_time = [n - late for n, late in zip(counts["n"].to_list(), overdue, strict=True)]
    colours = [PROGRAMME_STATUS_COLOURS.get(code, UNKNOWN)
               for code in counts["status_code"].to_list()]
    hover = "%{y} · %{fullData.name}<br><b>%{x} punkter</b><extra></extra>"
    bars = [
        {"type": "bar", "orientation": "h", "y": labels, "x": on_time,
         "name": texts.PROGRAMME_CHART_ON_TIME, "marker": {"color": colours},
         "text": [str(v) if v else "" for v in on_time], "textposition": "inside",
         "hovertemplate": hover},
        {"type": "bar", "orientation": "h", "y": labels, "x": overdue,
         "name": texts.PROGRAMME_CHART_OVERDUE,
         "marker": {"color": PROGRAMME_OVERDUE_COLOUR, "pattern": pattern(OVERDUE_PATTERN)},
         "text": [str(v) if v else "" for v in overdue], "textposition": "inside",
         "hovertemplate": hover},
    ]
    return _figure(bars, height=60 + 44 * max(len(labels), 1), value_axis="x",
                   xaxis={"title": {"text": texts.PROGRAMME_CHART_AXIS,
                                    "font": {"color": MUTED, "size": 13}},
                          "rangemode": "tozero", "dtick": 1 if max(on_time + overdue, default=0)
                          <= 10 else None},
                   yaxis={"autorange": "reversed", "type": "category"},
                   barmode="stack", showlegend=True,
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                           "title": None, "traceorder": "normal"})


def kolada_comparison(frame: pl.DataFrame, metric: Metric) -> go.Figure:
    """Our figure per year beside Kolada's (metrics/kolada.comparison): our line in PRIMARY,
    Kolada's value for our municipality as open markers, the comparison group's min-max range
    as a pale bar behind and its median as a dashed line. A year Kolada lacks has no bar or
    point (never a 0); a hidden cell of ours is a gap."""
    years = [str(y) for y in frame["year"].to_list()]
    ours, own = frame["ours"].to_list(), frame["kolada_own"].to_list()
    median = frame["group_median"].to_list()
    low, high = frame["group_min"].to_list(), frame["group_max"].to_list()
    spans = [h - lo if h is not None and lo is not None else None
             for lo, h in zip(low, high, strict=True)]
    ranges = [f"{a}–{b}" if a and b else "" for a, b in zip(_hover(low, metric),
                                                            _hover(high, metric), strict=True)]
    hover = "%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>"
    traces = [
        {"type": "bar", "x": years, "y": spans, "base": low, "name": texts.KOLADA_RANGE,
         "marker": {"color": KOLADA_RANGE, "line": {"width": 0},
                    "pattern": pattern(RANGE_PATTERN, KOLADA, 0.3)}, "customdata": ranges,
         "hovertemplate": hover},
        {"type": "scatter", "x": years, "y": median, "mode": "lines+markers",
         "name": texts.KOLADA_MEDIAN, "connectgaps": False,
         "line": {"color": KOLADA, "width": 2, "dash": "dash"},
         "marker": {"size": 8, "color": KOLADA, "symbol": "square"},
         "customdata": _hover(median, metric),
         "hovertemplate": hover},
        {"type": "scatter", "x": years, "y": ours, "mode": "lines+markers",
         "name": texts.KOLADA_OURS, "connectgaps": False,
         "line": {"color": PRIMARY, "width": 3, "dash": "solid"},
         "marker": {"size": 9, "color": PRIMARY, "symbol": "circle"},
         "customdata": _hover(ours, metric), "hovertemplate": hover},
    ]
    if any(v is not None for v in own):
        traces.append(
            {"type": "scatter", "x": years, "y": own, "mode": "markers",
             "name": texts.KOLADA_OWN,
             "marker": {"size": 11, "color": "white", "symbol": "diamond",
                        "line": {"color": PRIMARY, "width": 2}},
             "customdata": _hover(own, metric), "hovertemplate": hover})
    # The range bars would pull an automatic axis down to 0: the axis is set as the trend's
    # is, from zero or cut with a note.
    yaxis, notes = _value_axis([*ours, *own, *low, *high], metric.unit)
    return _figure(traces, height=360, metric=metric, xaxis={"type": "category"},
                   yaxis=yaxis, annotations=notes, showlegend=True, bargap=0.55,
                   hovermode="x unified")


# --- the pay report (issue 23: ui/pages/lonekartlaggning.py) ------------------------------------


def percent_texts(values: Sequence[float | None]) -> list[str]:
    return [numbers.with_unit(v, SHARE_UNIT, 1) if v is not None else "" for v in values]


def pay_gap_trend(frame: pl.DataFrame) -> go.Figure:
    """The gap in hourly pay between women and men per year (year, mean_gap, median_gap as
    metrics.pay_transparency.committee_trend gives them): the mean a solid line, the median
    a dashed one, a hidden year a gap; a zero line, since a gap may be negative."""
    years = [str(y) for y in frame["year"].to_list()]
    hover = "%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>"
    traces = []
    # The median's markers are open diamonds, larger than the mean's dots: where the two are
    # equal, both stay in sight.
    for column, name, dash, colour, marker in (
            ("mean_gap", pay_texts.TREND_MEAN, "solid", PRIMARY, {"size": 9}),
            ("median_gap", pay_texts.TREND_MEDIAN, "dash", KOLADA,
             {"size": 13, "symbol": "diamond-open", "line": {"width": 2}})):
        values = frame[column].to_list()
        traces.append({"type": "scatter", "x": years, "y": values, "mode": "lines+markers",
                       "name": name, "connectgaps": False,
                       "line": {"color": colour, "width": 3, "dash": dash},
                       "marker": {**marker, "color": colour}, "customdata": percent_texts(values),
                       "hovertemplate": hover})
    shown = [v for trace in traces for v in trace["y"] if v is not None]
    # Zero always in view, with room on both sides, so a gap of 2 % does not fill the height.
    low, high = min([0.0, *shown]), max([0.0, *shown])
    pad = max((high - low) * 0.15, 1.0)
    return _figure(traces, height=320, xaxis={"type": "category"},
                   yaxis={"ticksuffix": " %", "tickformat": ",~f", "zeroline": True,
                          "zerolinecolor": MUTED, "range": [low - pad, high + pad],
                          "title": {"text": pay_texts.TREND_AXIS,
                                    "font": {"color": MUTED, "size": 13}}},
                   showlegend=True)


def quartile_names(bands: Sequence) -> list[str]:
    """The pay bands' names, lowest first: '1 (lägst)' ... '4 (högst)'."""
    return (list(pay_texts.QUARTILE_NAMES) if len(bands) == 4
            else [str(i) for i in range(1, len(bands) + 1)])


def pay_quartiles(bands: Sequence) -> go.Figure:
    """The quartile pay bands (metrics.pay_transparency.Band, lowest first) as stacked bars of
    the shares of women and men in each band, each 100 %, with the share written inside."""
    names = quartile_names(bands)
    hover = "%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>"
    traces = []
    for attribute, name, colour, shape in (
            ("women_share", pay_texts.WOMEN, WOMEN, GENDER_PATTERNS["K"]),
            ("men_share", pay_texts.MEN, MEN, GENDER_PATTERNS["M"])):
        values = [getattr(band, attribute) for band in bands]
        traces.append({"type": "bar", "x": names, "y": values, "name": name,
                       "marker": {"color": colour, "pattern": pattern(shape)},
                       "customdata": percent_texts(values),
                       "text": percent_texts(values), "textposition": "inside",
                       "insidetextanchor": "middle", "textfont": {"color": "white"},
                       "hovertemplate": hover})
    return _figure(traces, height=340,
                   xaxis={"type": "category",
                          "title": {"text": pay_texts.QUARTILE_AXIS,
                                    "font": {"color": MUTED, "size": 13}}},
                   yaxis={"range": [0, 100], "ticksuffix": " %", "dtick": 25},
                   barmode="stack", bargap=0.35, showlegend=True,
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                           "title": None, "traceorder": "normal"})  # women first, as drawn
