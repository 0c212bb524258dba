"""Page "Mål": the programme's targets of the indicators, each with its status on the series
shown (metrics/targets.py states the rule), a chart of the series with the target and the
trend line, the history of every change, and for analysts and admins the editor.

Targets live in the store on screen (the demo's when the demo is shown). Every change is a
new row of the target's history, recorded in the audit log in the same transaction.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import streamlit as st

from metrics import disclosure, registry, targets
from metrics.disclosure import SUPPRESSED_MARK
from ui import auth, chart_text, charts, data, numbers, plain, roles, texts
from ui.indicator import (
    chart_caption,
    page_top,
    period_label,
    target_badge,
    unavailable_reason,
    values_table,
)

KEY_MESSAGE = "target_message"  # session state: what the last save or removal did

chosen = page_top(auth.require_page("mal"))
con = data.connection()
current = targets.current(con)
ordered = [m for m in registry.METRICS if m in current]


def _series(metric_id: str) -> tuple[pl.DataFrame | None, str | None]:
    """The metric's total as the pages show it, or why there is none."""
    metric = registry.get(metric_id)
    reason = unavailable_reason(metric)
    if reason:
        return None, reason
    frame = data.metric_frame(metric_id, **chosen.compute_args(metric))
    return (frame, None) if frame.height else (None, texts.TARGET_NO_VALUES)


def _latest_text(frame: pl.DataFrame | None, metric) -> str:
    if frame is None:
        return texts.NO_CELL
    value, hidden = frame["value"].to_list()[-1], frame["suppressed"].to_list()[-1]
    return SUPPRESSED_MARK if hidden else numbers.metric_value(value, _shown(metric))


def _shown(metric):
    """The metric with the decimals its values have in this mode ('65 %' when published)."""
    return disclosure.shown(metric, chosen.publication)


# --- the targets and their status ---------------------------------------------------------------

st.header(texts.TARGETS_TITLE)
with st.expander(texts.TARGET_RULE_TITLE):
    st.markdown(texts.TARGET_RULE)
if not ordered:
    st.info(texts.TARGETS_NONE, icon=":material/info:")
else:
    series = {m: _series(m) for m in ordered}
    headers = texts.TARGETS_TABLE_HEADERS
    rows = []
    for metric_id in ordered:
        metric, target, (frame, _) = registry.get(metric_id), current[metric_id], series[metric_id]
        status = (targets.assess_series(frame, target, metric.decimals).status
                  if frame is not None else targets.UNKNOWN)
        rows.append({headers["metric"]: metric.label_sv,
                     headers["target"]: charts.target_text(target, metric),
                     headers["latest"]: _latest_text(frame, metric),
                     headers["status"]: texts.TARGET_STATUS[status],
                     headers["programme"]: target.programme})  # a dataframe shows text as text
    st.dataframe(pl.DataFrame(rows), hide_index=True, key="targets_table")

    for metric_id in ordered:
        metric, target, (frame, reason) = (registry.get(metric_id), current[metric_id],
                                           series[metric_id])
        with st.container(border=True):
            st.subheader(metric.label_sv, anchor=f"mal_{metric_id}")
            st.caption(texts.TARGET_CAPTION.format(target=charts.target_text(target, metric),
                                                   programme=plain.md(target.programme)))
            if frame is None:
                st.caption(reason)
                continue
            assessment = target_badge(metric, target, frame,
                                      subset=chosen.forvaltningar is not None)
            yearly = data.is_yearly(metric)
            day, value, hidden = (frame[c].to_list()[-1]
                                  for c in ("snapshot_date", "value", "suppressed"))
            period = period_label(day, charts.by_year(frame["snapshot_date"].to_list(), yearly))
            st.caption(texts.TARGET_LATEST_HIDDEN.format(period=period) if hidden
                       else texts.TARGET_LATEST.format(
                           period=period, value=numbers.metric_value(value, _shown(metric))))
            if assessment.projected is not None:
                st.caption(texts.TARGET_PROJECTED.format(
                    value=numbers.metric_value(assessment.projected, _shown(metric)),
                    year=target.target_year))
            st.plotly_chart(charts.trend(frame, _shown(metric), yearly=yearly, target=target,
                                         assessment=assessment),
                            config=charts.CONFIG, key=f"target_trend_{metric_id}")
            chart_caption(chart_text.trend(frame, _shown(metric), yearly=yearly, target=target))
            with st.expander(texts.CHART_TABLE):
                st.dataframe(values_table(frame, metric, yearly=charts.by_year(
                    frame["snapshot_date"].to_list(), yearly)),
                    hide_index=True, key=f"target_table_{metric_id}")


# --- the editor ---------------------------------------------------------------------------------


def _value_input(label: str, key: str, value: float | None, decimals: int,
                 unreadable: list[str]) -> float | None:
    """A target value, written as the metric shows its values ("40,0", a decimal comma: a
    number input can only show "40.0"); read with a comma or a point, spaces and a "%" left
    out. None when empty or not a number (then what was typed is added to `unreadable`)."""
    typed = st.text_input(label, value=numbers.number(value, decimals), key=key,
                          help=texts.TARGET_VALUE_HELP)
    digits = "".join(typed.split()).removesuffix("%").replace(",", ".")
    if not digits:
        return None
    try:
        number = float(digits)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # "nan" and "inf" read as floats too
        unreadable.append(typed)
        return None
    return number


def _editor() -> None:
    st.header(texts.TARGET_EDIT_TITLE)
    st.caption(texts.TARGET_EDIT_INTRO)
    if data.showing_demo():
        st.caption(texts.TARGET_DEMO_NOTE)
    message = st.session_state.pop(KEY_MESSAGE, None)
    if message:
        st.success(message, icon=":material/check:")
    metric_id = st.selectbox(texts.TARGET_METRIC, list(registry.METRICS), key="target_metric",
                             format_func=lambda m: registry.get(m).label_sv)
    metric = registry.get(metric_id)
    existing = current.get(metric_id)
    st.caption(texts.TARGET_CURRENT.format(target=charts.target_text(existing, metric),
                                           programme=plain.md(existing.programme))
               if existing else texts.TARGET_NONE_FOR_METRIC)
    direction = st.radio(
        texts.TARGET_DIRECTION, targets.DIRECTIONS, key=f"target_direction_{metric_id}",
        index=targets.DIRECTIONS.index(existing.direction) if existing else 0,
        format_func=lambda d: texts.TARGET_DIRECTIONS[d], horizontal=True)
    same = existing if existing and existing.direction == direction else None
    unit, decimals = metric.unit, metric.decimals
    low = high = None
    unreadable: list[str] = []
    key = f"{metric_id}_{direction}"
    if direction == targets.HIGHER:
        low = _value_input(texts.TARGET_VALUE_AT_LEAST.format(unit=unit), f"target_low_{key}",
                           same.low if same else None, decimals, unreadable)
    elif direction == targets.LOWER:
        high = _value_input(texts.TARGET_VALUE_AT_MOST.format(unit=unit),
                            f"target_high_{key}", same.high if same else None, decimals,
                            unreadable)
    else:
        left, right = st.columns(2)
        with left:
            low = _value_input(texts.TARGET_LOW.format(unit=unit), f"target_low_{key}",
                               same.low if same else None, decimals, unreadable)
        with right:
            high = _value_input(texts.TARGET_HIGH.format(unit=unit), f"target_high_{key}",
                                same.high if same else None, decimals, unreadable)
    for typed in unreadable:
        st.error(texts.TARGET_VALUE_UNREADABLE.format(value=plain.md(typed)),
                 icon=":material/error:")
    year = st.number_input(texts.TARGET_YEAR, min_value=targets.FIRST_YEAR,
                           max_value=targets.LAST_YEAR, step=1, key=f"target_year_{metric_id}",
                           value=existing.target_year if existing else date.today().year + 1)
    programme = st.text_input(texts.TARGET_PROGRAMME, key=f"target_programme_{metric_id}",
                              value=existing.programme if existing else "",
                              max_chars=targets.MAX_PROGRAMME_CHARS,
                              help=texts.TARGET_PROGRAMME_HELP)
    save, remove = st.columns(2)
    if save.button(texts.TARGET_SAVE, type="primary", icon=":material/flag:",
                   key="target_save", disabled=bool(unreadable)):
        target = targets.Target(metric_id, direction, low, high, int(year), programme)
        try:
            targets.set_target(con, target, auth.actor())
        except targets.TargetError as exc:
            st.error(texts.TARGET_ERRORS[exc.code], icon=":material/error:")
        else:
            st.session_state[KEY_MESSAGE] = texts.TARGET_SAVED.format(metric=metric.label_sv)
            st.rerun()
    if existing and remove.button(texts.TARGET_REMOVE, icon=":material/delete:",
                                  key="target_remove"):
        targets.remove_target(con, metric_id, auth.actor())
        st.session_state[KEY_MESSAGE] = texts.TARGET_REMOVED.format(metric=metric.label_sv)
        st.rerun()


st.divider()
if auth.may(roles.ANALYST):
    _editor()
else:
    st.caption(texts.TARGET_VIEW_ONLY)


# --- the history --------------------------------------------------------------------------------

st.divider()
st.header(texts.TARGET_HISTORY)
changes = targets.history(con)
if changes.is_empty():
    st.caption(texts.TARGET_HISTORY_EMPTY)
else:
    headers = texts.TARGET_HISTORY_HEADERS
    described = []
    for row in changes.iter_rows(named=True):
        metric = registry.METRICS.get(row["metric_id"])
        if row["removed"] or metric is None:  # a metric no longer in the registry: no unit
            described.append(texts.TARGET_HISTORY_REMOVED if row["removed"] else texts.NO_CELL)
            continue
        described.append(charts.target_text(targets.Target(
            row["metric_id"], row["direction"], row["low"], row["high"], row["target_year"],
            row["programme"]), metric))
    table = {
        headers["set_at"]: [t.strftime("%Y-%m-%d %H:%M") for t in changes["set_at"]],
        headers["metric"]: [registry.METRICS[m].label_sv if m in registry.METRICS else m
                            for m in changes["metric_id"]],
        headers["target"]: described,
        headers["programme"]: [p or "" for p in changes["programme"]],
    }
    if auth.may(roles.ANALYST):  # who changed what is the staff's record, not the committee's
        table[headers["set_by"]] = changes["set_by"].to_list()
    st.dataframe(pl.DataFrame(table), hide_index=True, key="target_history")
