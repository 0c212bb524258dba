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
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"

# Units that read naturally as a tick suffix.
_TICK_SUFFIX = {"%": " %", "kr": " kr", "procentenheter": " p.e."}
# Units whose value axis should include zero (counts and shares).
_FROM_ZERO = {"personer", "anställningar", "årsarbetare"}

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
SPARK_CONFIG = {"displayModeBar": False, "staticPlot": True}


def _layout(fig: go.Figure, *, height: int, metric: Metric | None = None,
            value_axis: str = "y") -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 16, "t": 16, "b": 8},
        font={"family": FONT, "color": TEXT, "size": 14},
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
        separators=", ",
        hoverlabel={"bgcolor": "white", "font": {"family": FONT, "color": TEXT}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        showlegend=False,
    )
    fig.update_xaxes(showgrid=False, linecolor=GRID, tickfont={"color": MUTED})
    fig.update_yaxes(showgrid=False, linecolor=GRID, tickfont={"color": MUTED})
    axis = {"gridcolor": GRID, "showgrid": True, "zeroline": False}
    if metric is not None:
        axis["ticksuffix"] = _TICK_SUFFIX.get(metric.unit, "")
        axis["title"] = {"text": _axis_title(metric), "font": {"color": MUTED, "size": 13}}
        if metric.unit in _FROM_ZERO:
            axis["rangemode"] = "tozero"
        axis["tickformat"] = ",~f"
    values = [v for trace in fig.data for v in (trace.y if value_axis == "y" else trace.x) or ()]
    if all(v is None for v in values):
        axis["showticklabels"] = False  # every cell hidden: no scale to read
    if value_axis == "y":
        fig.update_yaxes(**axis)
    else:
        fig.update_xaxes(**axis)
    return fig


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
    dates = frame["snapshot_date"].to_list()
    values = frame["value"].to_list()
    labels = _period_labels(dates, yearly)
    fig = go.Figure(
        go.Scatter(
            x=labels, y=values, mode="lines+markers", connectgaps=False,
            line={"color": PRIMARY, "width": 3}, marker={"size": 9, "color": PRIMARY},
            customdata=_hover(values, metric),
            hovertemplate="%{x}<br><b>%{customdata}</b><extra></extra>",
            name=metric.label_sv,
        )
    )
    fig.update_xaxes(type="category")
    return _layout(fig, height=340, metric=metric)


def sparkline(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False) -> go.Figure:
    """A small line without axes for the overview cards; the latest point stands out."""
    dates = frame["snapshot_date"].to_list()
    values = frame["value"].to_list()
    labels = _period_labels(dates, yearly)
    sizes = [0] * (len(values) - 1) + [8] if values else []
    fig = go.Figure(
        go.Scatter(
            x=labels, y=values, mode="lines+markers", connectgaps=False,
            line={"color": PRIMARY, "width": 2}, marker={"size": sizes, "color": PRIMARY},
            hoverinfo="skip",
        )
    )
    fig.update_layout(height=70, margin={"l": 0, "r": 6, "t": 6, "b": 0}, showlegend=False,
                      paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND)
    fig.update_xaxes(visible=False, type="category")
    fig.update_yaxes(visible=False)
    return fig


def group_bars(frame: pl.DataFrame, metric: Metric, column: str,
               labels: Mapping[str, str] | None = None) -> go.Figure:
    """One snapshot broken down by a category (förvaltning, yrke): horizontal bars, the
    largest on top. Hidden cells keep their row, marked with the suppression mark."""
    names = [str(v) if v is not None else texts.UNKNOWN for v in frame[column].to_list()]
    names = [plain.chart(labels.get(n, n) if labels else n) for n in names]
    values = frame["value"].to_list()
    hidden = frame["suppressed"].to_list()
    fig = go.Figure(
        go.Bar(
            y=names, x=values, orientation="h", marker={"color": PRIMARY},
            customdata=_hover(values, metric),
            text=_bar_text(values, metric), textposition="outside", cliponaxis=False,
            textfont={"color": TEXT},
            hovertemplate="%{y}<br><b>%{customdata}</b><extra></extra>",
        )
    )
    for name, is_hidden in zip(names, hidden, strict=True):
        if is_hidden:
            fig.add_annotation(x=0, y=name, text=_mark(), showarrow=False, xanchor="left",
                               font={"color": MUTED})
    # Largest on top, hidden cells at the bottom (plotly draws the first category lowest).
    shown = sorted((v, n) for n, v in zip(names, values, strict=True) if v is not None)
    order = [n for n, v in zip(names, values, strict=True) if v is None] + [n for _, n in shown]
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order,
                     automargin=True)
    height = max(160, 40 * len(names) + 90)
    fig = _layout(fig, height=height, metric=metric, value_axis="x")
    fig.update_xaxes(range=_bar_range(values))
    return fig


def ordered_bars(frame: pl.DataFrame, metric: Metric, column: str, *,
                 order: Sequence[str] | None = None, axis_title: str = "",
                 label: str = "{}") -> go.Figure:
    """One snapshot broken down by an ordered category (age band, years to retirement):
    vertical bars in that order."""
    keys = frame[column].to_list()
    names = [plain.chart(label.format(k) if k is not None else texts.UNKNOWN) for k in keys]
    values = frame["value"].to_list()
    fig = go.Figure(
        go.Bar(
            x=names, y=values, marker={"color": PRIMARY},
            customdata=_hover(values, metric),
            text=_bar_text(values, metric), textposition="outside", cliponaxis=False,
            textfont={"color": TEXT},
            hovertemplate="%{x}<br><b>%{customdata}</b><extra></extra>",
        )
    )
    for name, is_hidden in zip(names, frame["suppressed"].to_list(), strict=True):
        if is_hidden:
            fig.add_annotation(x=name, y=0, text=_mark(), showarrow=False, yanchor="bottom",
                               font={"color": MUTED})
    categories = [plain.chart(label.format(k)) for k in order] if order is not None else names
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=categories,
                     title={"text": axis_title, "font": {"color": MUTED, "size": 13}})
    fig = _layout(fig, height=340, metric=metric)
    fig.update_yaxes(range=_bar_range(values))
    return fig


def scale_trend(series: Sequence[tuple[str, pl.DataFrame]], metric: Metric, *,
                yearly: bool = False) -> go.Figure:
    """Several metrics of one unit that form a scale (P10, P25, median, P75, P90) over the
    snapshots, the middle one strongest."""
    fig = go.Figure()
    for i, (label, frame) in enumerate(series):
        values = frame["value"].to_list()
        style = i if len(series) == len(SCALE) else len(SCALE) // 2
        fig.add_trace(
            go.Scatter(
                x=_period_labels(frame["snapshot_date"].to_list(), yearly), y=values,
                mode="lines+markers", name=label, connectgaps=False,
                line={"color": SCALE[style], "width": 3 if style == 2 else 2,
                      "dash": SCALE_DASH[style]},
                marker={"size": 7, "color": SCALE[style]},
                customdata=_hover(values, metric),
                hovertemplate="%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>",
            )
        )
    fig.update_xaxes(type="category")
    fig = _layout(fig, height=380, metric=metric)
    fig.update_layout(showlegend=True, hovermode="x unified")
    return fig


def gender_split(frame: pl.DataFrame, metric: Metric, *, yearly: bool = False) -> go.Figure:
    """Women and men side by side for each snapshot, in the same colours on every page."""
    fig = go.Figure()
    parts = frame.partition_by("gender", as_dict=True, maintain_order=True)
    genders = [key[0] for key in parts]
    ordered = [g for g in ("K", "M") if g in genders] + [g for g in genders if g not in ("K", "M")]
    for gender in ordered:
        part = parts[(gender,)]
        values = part["value"].to_list()
        fig.add_trace(
            go.Bar(
                x=_period_labels(part["snapshot_date"].to_list(), yearly), y=values,
                name=plain.chart(texts.GENDER_LABELS.get(gender, gender or texts.UNKNOWN)),
                marker={"color": GENDER_COLOURS.get(gender, UNKNOWN)},
                customdata=_hover(values, metric),
                hovertemplate="%{x} · %{fullData.name}<br><b>%{customdata}</b><extra></extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_xaxes(type="category")
    fig = _layout(fig, height=340, metric=metric)
    fig.update_layout(showlegend=True)
    return fig


def _mark() -> str:
    return SUPPRESSED_MARK
