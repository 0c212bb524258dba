"""Plotly figure factories: the only module that holds colours.

Each factory takes a frame as compute() returns it ([snapshot_date, <breakdown>, n, value,
suppressed]) and the metric record, and returns a figure. Suppressed cells are never drawn
(their value is null); the page says below the chart how many were hidden. Hover texts are
Swedish ("64,2 %", "35 000 kr"); axis ticks use space as thousands separator and a decimal
comma (plotly's `separators`). Category and legend names from the data go through
plain.chart(), so Plotly shows them as text and never reads an HTML tag in them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl

from metrics.definition import Metric
from metrics.disclosure import SUPPRESSED_MARK
from ui import numbers, plain, texts

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

# Units that read naturally as a tick suffix.
_TICK_SUFFIX = {"%": " %", "kr": " kr", "procentenheter": " p.e."}
# Units whose value axis should include zero (counts and shares).
_FROM_ZERO = {"personer", "anställningar", "årsarbetare"}

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
SPARK_CONFIG = {"displayModeBar": False, "staticPlot": True}


def _figure(traces: Sequence, *, height: int, metric: Metric | None = None,
            value_axis: str = "y", xaxis: dict | None = None, yaxis: dict | None = None,
            **layout) -> go.Figure:
    """The figure in the house style, built in one go: Plotly validates a figure's every
    property on each update, so a chart of many bars built by small updates took 0.1-0.2 s.
    `xaxis`, `yaxis` and `layout` add to (or override) the style."""
    axes = {"x": {"showgrid": False, "linecolor": GRID, "tickfont": {"color": MUTED}},
            "y": {"showgrid": False, "linecolor": GRID, "tickfont": {"color": MUTED}}}
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


def _period_labels(dates: Sequence[date], yearly: bool) -> list[str]:
    return [str(d.year) if yearly else d.isoformat() for d in dates]


def trend(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False) -> go.Figure:
    """The metric over the snapshots (or years): a line with markers, gaps where hidden."""
    values = frame["value"].to_list()
    line = {
        "type": "scatter", "x": _period_labels(frame["snapshot_date"].to_list(), yearly),
        "y": values, "mode": "lines+markers", "connectgaps": False,
        "line": {"color": PRIMARY, "width": 3}, "marker": {"size": 9, "color": PRIMARY},
        "customdata": _hover(values, metric),
        "hovertemplate": "%{x}<br><b>%{customdata}</b><extra></extra>",
        "name": metric.label_sv,
    }
    return _figure([line], height=340, metric=metric, xaxis={"type": "category"})


def sparkline(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False) -> go.Figure:
    """A small line without axes for the overview cards; the latest point stands out."""
    values = frame["value"].to_list()
    sizes = [0] * (len(values) - 1) + [8] if values else []
    line = {
        "type": "scatter", "x": _period_labels(frame["snapshot_date"].to_list(), yearly),
        "y": values, "mode": "lines+markers", "connectgaps": False,
        "line": {"color": PRIMARY, "width": 2}, "marker": {"size": sizes, "color": PRIMARY},
        "hoverinfo": "skip",
    }
    return go.Figure(data=[line], layout={
        "height": 70, "margin": {"l": 0, "r": 6, "t": 6, "b": 0}, "showlegend": False,
        "paper_bgcolor": BACKGROUND, "plot_bgcolor": BACKGROUND,
        "xaxis": {"visible": False, "type": "category"}, "yaxis": {"visible": False}})


def _bars(values: Sequence[float | None], metric: Metric, **trace) -> dict:
    """Bars in the primary colour with their numbers at the end and a Swedish hover text."""
    return {"type": "bar", "marker": {"color": PRIMARY}, "customdata": _hover(values, metric),
            "text": _bar_text(values, metric), "textposition": "outside", "cliponaxis": False,
            "textfont": {"color": TEXT}, **trace}


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
    names = [str(v) if v is not None else texts.UNKNOWN for v in frame[column].to_list()]
    names = [plain.chart(labels.get(n, n) if labels else n) for n in names]
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
                 label: str = "{}") -> go.Figure:
    """One snapshot broken down by an ordered category (age band, years to retirement):
    vertical bars in that order."""
    keys = frame[column].to_list()
    names = [plain.chart(label.format(k) if k is not None else texts.UNKNOWN) for k in keys]
    values = frame["value"].to_list()
    bars = _bars(values, metric, x=names, y=values,
                 hovertemplate="%{x}<br><b>%{customdata}</b><extra></extra>")
    marks = _hidden_marks(names, frame["suppressed"].to_list(), "x", yanchor="bottom")
    categories = [plain.chart(label.format(k)) for k in order] if order is not None else names
    return _figure([bars], height=340, metric=metric, annotations=marks,
                   xaxis={"type": "category", "categoryorder": "array",
                          "categoryarray": categories,
                          "title": {"text": axis_title, "font": {"color": MUTED, "size": 13}}},
                   yaxis={"range": _bar_range(values)})


def scale_trend(series: Sequence[tuple[str, pl.DataFrame]], metric: Metric, *,
                yearly: bool = False) -> go.Figure:
    """Several metrics of one unit that form a scale (P10, P25, median, P75, P90) over the
    snapshots, the middle one strongest."""
    lines = []
    for i, (label, frame) in enumerate(series):
        values = frame["value"].to_list()
        style = i if len(series) == len(SCALE) else len(SCALE) // 2
        lines.append({
            "type": "scatter", "x": _period_labels(frame["snapshot_date"].to_list(), yearly),
            "y": values, "mode": "lines+markers", "name": label, "connectgaps": False,
            "line": {"color": SCALE[style], "width": 3 if style == 2 else 2,
                     "dash": SCALE_DASH[style]},
            "marker": {"size": 7, "color": SCALE[style]},
            "customdata": _hover(values, metric),
            "hovertemplate": "%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>",
        })
    return _figure(lines, height=380, metric=metric, xaxis={"type": "category"},
                   showlegend=True, hovermode="x unified")


def gender_split(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False) -> go.Figure:
    """Women and men side by side for each snapshot, in the same colours on every page."""
    parts = frame.partition_by("gender", as_dict=True, maintain_order=True)
    genders = [key[0] for key in parts]
    ordered = [g for g in ("K", "M") if g in genders] + [g for g in genders if g not in ("K", "M")]
    bars = []
    for gender in ordered:
        part = parts[(gender,)]
        values = part["value"].to_list()
        bars.append({
            "type": "bar", "x": _period_labels(part["snapshot_date"].to_list(), yearly),
            "y": values,
            "name": plain.chart(texts.GENDER_LABELS.get(gender, gender or texts.UNKNOWN)),
            "marker": {"color": GENDER_COLOURS.get(gender, UNKNOWN)},
            "customdata": _hover(values, metric),
            "hovertemplate": "%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>",
        })
    return _figure(bars, height=340, metric=metric, xaxis={"type": "category"},
                   barmode="group", bargap=0.25, bargroupgap=0.05, showlegend=True)


def _mark() -> str:
    return SUPPRESSED_MARK
