"""Numbers as Swedes write them: space between thousands, decimal comma, "64,2 %", "35 000 kr".

The spaces are non-breaking (U+00A0), so a figure never wraps between its digits or before
its unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import settings
from metrics import disclosure
from metrics.definition import Metric
from ui import texts

NBSP = "\u00a0"
MINUS = "-"  # ASCII, so st.metric reads the sign and colours the change

# Units written after the number; "kvot" and "index" are dimensionless and written bare.
_SUFFIX = {
    "%": "%",
    "kr": "kr",
    "personer": "personer",
    "anställningar": "anställningar",
    "medarbetare": "medarbetare",
    "årsarbetare": "årsarbetare",
    "år": "år",
    "procentenheter": "procentenheter",
}
# The unit of a change: a change of a share is in percentage points.
_CHANGE_SUFFIX = {**_SUFFIX, "%": "procentenheter"}
# A change of exactly 1.
_SINGULAR = {"procentenheter": "procentenhet", "personer": "person",
             "anställningar": "anställning"}


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' (decimals fixed); None -> ''."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", NBSP)
    if text.startswith("-") and set(text) <= set("-0," + NBSP):
        text = text[1:]  # no "-0,0"
    return text


def with_unit(value: float | int | None, unit: str, decimals: int = 0) -> str:
    """'64,2 %', '35 000 kr', '1,49' (kvot)."""
    if value is None:
        return ""
    suffix = _SUFFIX.get(unit)
    text = number(value, decimals)
    return f"{text}{NBSP}{suffix}" if suffix else text


def word_unit(unit: str) -> bool:
    """Whether the unit is written as a word after the number ("personer", not "%")."""
    return _SUFFIX.get(unit, "").isalpha()


def metric_value(value: float | int | None, metric: Metric, *, short: bool = False) -> str:
    """The value with its unit, in the metric's decimals (pass disclosure.shown(metric, mode)
    for the decimals of publication mode); `short` leaves out units that are words ("2 677",
    not "2 677 personer") where the label already says what is counted."""
    if short and word_unit(metric.unit):
        return number(value, metric.decimals)
    return with_unit(value, metric.unit, metric.decimals)


def _change_suffix(unit: str, text: str) -> str | None:
    suffix = _CHANGE_SUFFIX.get(unit)
    return _SINGULAR.get(suffix, suffix) if text == "1" else suffix


def metric_change(change: float, metric: Metric) -> str:
    """'+2,1 procentenheter', '-120 personer', '+1 procentenhet'; always signed."""
    text = number(abs(change), metric.decimals)
    sign = "+" if change > 0 else MINUS if change < 0 else "±"
    if set(text) <= set("0," + NBSP):
        sign = "±"
    suffix = _change_suffix(metric.unit, text)
    return f"{sign}{text}{NBSP}{suffix}" if suffix else f"{sign}{text}"


def within_rounding(half: float, metric: Metric) -> str:
    """A published change that rounds to 0: 'mindre än ±50 personer', from half the step."""
    places = 0 if float(half).is_integer() else 1
    text = number(half, places)
    suffix = _change_suffix(metric.unit, text)
    return texts.CHANGE_WITHIN_ROUNDING.format(
        change=f"±{text}{NBSP}{suffix}" if suffix else f"±{text}")


def published_change(latest: Mapping, previous: Mapping, metric: Metric) -> str:
    """The change of a publication-mode series between two shown rows (mappings with `value`,
    `n` and `change`, as compute(publication=True) gives them): the exact change rounded like
    the values (disclosure.round_for_publication), in the decimals shown; where the values are
    rounded to a step and the change rounds to 0, 'mindre än' half the step."""
    change = latest.get("change")
    if change is None:  # a frame without the exact change: no figure rather than a false one
        return texts.CHANGE_UNKNOWN
    step = disclosure.change_step(metric, latest, previous)
    if step is not None and change == 0:
        return within_rounding(step / 2, metric)
    return metric_change(change, disclosure.shown(metric, publication=True))


def count(value: int | None, noun: str = "personer") -> str:
    """2812 -> '2 812 personer'."""
    return f"{number(value)}{NBSP}{noun}" if value is not None else ""


def day(value: date) -> str:
    return value.isoformat()


LOCAL_TIME = settings.LOCAL_TIME  # times on screen as in the Excel export


def clock(value: datetime) -> str:
    """A stored time ('loaded_at': the server's wall clock, which DuckDB's session time zone
    and a naive datetime's astimezone both take as the system's) in Swedish time, to the
    minute: '2025-11-03 14:05'."""
    return value.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
