"""Programme targets of the indicators, with their history, and whether a target is met.

A target belongs to one metric of the registry: a value to reach or to stay under, or a band
to stay within, by a target year, quoted from the programme it comes from ("Attraktiv
arbetsgivare 2015-2018, punkt 10"). The store keeps every change as a row of `metric_target`
(store.py): rows are only appended, each with the time (`set_at`) and the user (`set_by`), and
the current target of a metric is its row of the highest `version`; removing a target appends
a row with `removed`. Every change is recorded in the audit log ("target") in the same
transaction.

The status rule (`assess`), on the yearly values of the series as shown (one value per year;
a hidden value is None):

1. UNKNOWN when there is no value, or the latest year's value is hidden by the disclosure
   rule.
2. REACHED when the latest value, rounded as shown (the metric's decimals), meets the target:
   at least the value (higher is better), at most the value (lower is better), or within the
   band, both ends included.
3. OFF TRACK when the target year has come (latest year >= target year) and the target is not
   met: no time is left.
4. Otherwise the trend decides. The trend is the least-squares line through the shown values
   of the last five years of the series (latest year - 4 to latest year). With fewer than
   three such values the status is UNKNOWN (too few points for a trend). ON TRACK when the
   line's value at the target year meets the target, else OFF TRACK (a line that passes
   through a band and out of it by the target year is off track).

Nothing here imports streamlit: the UI reads targets and statuses through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

import store
from metrics import registry

HIGHER = "higher"
"""Higher is better: the target is met at `low` or above."""
LOWER = "lower"
"""Lower is better: the target is met at `high` or below."""
BAND = "band"
"""Within the band: the target is met from `low` to `high`, both included."""
DIRECTIONS = (HIGHER, LOWER, BAND)

REACHED = "reached"
ON_TRACK = "on_track"
OFF_TRACK = "off_track"
UNKNOWN = "unknown"
STATUSES = (REACHED, ON_TRACK, OFF_TRACK, UNKNOWN)

TREND_YEARS = 5
"""The trend line runs through the shown values of this many latest years of the series."""
MIN_TREND_POINTS = 3
"""Fewer shown values than this in those years: too few for a trend (UNKNOWN)."""
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""The target years a target may name."""
MAX_PROGRAMME_CHARS = 300


@dataclass(frozen=True)
class Target:
    metric_id: str
    direction: str
    low: float | None
    """The lowest value that meets the target (HIGHER, BAND); None for LOWER."""
    high: float | None
    """The highest value that meets the target (LOWER, BAND); None for HIGHER."""
    target_year: int
    programme: str
    """The programme text the target comes from: data typed by a user, shown as plain text."""
    set_at: datetime | None = None
    set_by: str | None = None

    def meets(self, value: float) -> bool:
        """Whether a value meets the target (the ends of a band included)."""
        return ((self.low is None or value >= self.low)
                and (self.high is None or value <= self.high))


@dataclass(frozen=True)
class Assessment:
    status: str
    projected: float | None = None
    """The trend line's value at the target year, when the trend decided."""
    trend: tuple[tuple[int, float], ...] = ()
    """The trend line at its first year and at the target year, when the trend decided."""


class TargetError(ValueError):
    """A target that cannot be stored; `code` names the problem (ui/texts.TARGET_ERRORS)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check(target: Target) -> None:
    """Raise TargetError when a target is not one the store may hold."""
    if target.metric_id not in registry.METRICS:
        raise TargetError("metric")
    if target.direction not in DIRECTIONS:
        raise TargetError("direction")
    needs_low = target.direction in (HIGHER, BAND)
    needs_high = target.direction in (LOWER, BAND)
    if (target.low is None) == needs_low or (target.high is None) == needs_high:
        raise TargetError("value")
    if target.direction == BAND and target.low > target.high:
        raise TargetError("band")
    if not FIRST_YEAR <= target.target_year <= LAST_YEAR:
        raise TargetError("year")
    if not target.programme.strip():
        raise TargetError("programme")
    if len(target.programme) > MAX_PROGRAMME_CHARS:
        raise TargetError("programme_length")


# --- the status ----------------------------------------------------------------------------------


def points_of(frame: pl.DataFrame) -> list[tuple[int, float | None]]:
    """(year, value or None when hidden) of a total as compute() returns it, oldest first;
    of several snapshots in one year (a monthly series) the latest counts."""
    by_year: dict[int, float | None] = {}
    rows = zip(frame["snapshot_date"].to_list(), frame["value"].to_list(),
               frame["suppressed"].to_list(), strict=True)
    for day, value, hidden in sorted(rows, key=lambda row: row[0]):
        by_year[day.year] = None if hidden else value
    return sorted(by_year.items())


def _line(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """Intercept and slope of the least-squares line through (year, value) points."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return mean_y - slope * mean_x, slope


def assess(points: Sequence[tuple[int, float | None]], target: Target,
           decimals: int | None = None) -> Assessment:
    """The status of a target on a series of yearly values (year, value or None when hidden),
    by the rule of this module's docstring; `decimals`: the value is compared as shown."""
    if not points or points[-1][1] is None:
        return Assessment(UNKNOWN)
    latest_year, latest = points[-1]
    shown = latest if decimals is None else round(latest, decimals)
    if target.meets(shown):
        return Assessment(REACHED)
    if latest_year >= target.target_year:
        return Assessment(OFF_TRACK)
    window = [(year, value) for year, value in points
              if value is not None and year > latest_year - TREND_YEARS]
    if len(window) < MIN_TREND_POINTS:
        return Assessment(UNKNOWN)
    intercept, slope = _line(window)
    projected = intercept + slope * target.target_year
    first = window[0][0]
    trend = ((first, intercept + slope * first), (target.target_year, projected))
    return Assessment(ON_TRACK if target.meets(projected) else OFF_TRACK, projected, trend)


def assess_series(frame: pl.DataFrame, target: Target, decimals: int | None = None
                  ) -> Assessment:
    """The status of a target on a total as compute() returns it (its yearly values)."""
    return assess(points_of(frame), target, decimals)


# --- the store -----------------------------------------------------------------------------------

_COLUMNS = ("metric_id, version, set_at, set_by, direction, low, high, target_year, "
            "programme, removed")


def history(con: duckdb.DuckDBPyConnection, metric_id: str | None = None) -> pl.DataFrame:
    """Every change of the targets (of one metric), newest first."""
    where = "WHERE metric_id = $metric" if metric_id else ""
    return store.read(con, f"SELECT {_COLUMNS} FROM metric_target {where} "
                           "ORDER BY set_at DESC, metric_id, version DESC",
                      {"metric": metric_id} if metric_id else None)


def current(con: duckdb.DuckDBPyConnection) -> dict[str, Target]:
    """The current target of each metric that has one (its latest row, unless removed)."""
    frame = store.read(con, f"SELECT {_COLUMNS} FROM metric_target "
                            "QUALIFY row_number() OVER (PARTITION BY metric_id "
                            "ORDER BY version DESC) = 1")
    return {row["metric_id"]: Target(row["metric_id"], row["direction"], row["low"],
                                     row["high"], row["target_year"], row["programme"],
                                     row["set_at"], row["set_by"])
            for row in frame.iter_rows(named=True) if not row["removed"]}


def describe(target: Target | None) -> str:
    """A target in a few plain words, for the audit log's detail."""
    if target is None:
        return "borttaget"
    low, high = (_plain(v) for v in (target.low, target.high))
    value = {HIGHER: f"minst {low}", LOWER: f"högst {high}",
             BAND: f"{low}–{high}"}[target.direction]
    return f"{value} år {target.target_year} ({' '.join(target.programme.split())})"


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def _append(cur, metric_id: str, target: Target | None, user_id: str) -> None:
    cur.execute(
        "INSERT INTO metric_target SELECT $metric, coalesce(max(version), 0) + 1, "
        "now()::TIMESTAMP, $user, $direction, $low, $high, $year, $programme, $removed "
        "FROM metric_target WHERE metric_id = $metric",
        {"metric": metric_id, "user": user_id,
         "direction": target.direction if target else None,
         "low": target.low if target else None, "high": target.high if target else None,
         "year": target.target_year if target else None,
         "programme": target.programme.strip() if target else None,
         "removed": target is None})


def set_target(con: duckdb.DuckDBPyConnection, target: Target, actor: tuple[str, str]) -> None:
    """Store a metric's new target (a new row of its history), audited, in one transaction.
    Raises TargetError for a target the store may not hold."""
    check(target)
    user_id, role = actor
    with store.transaction(con) as cur:
        _append(cur, target.metric_id, target, user_id)
        store.audit(cur, user_id, role, "target", f"{target.metric_id}: {describe(target)}")


def remove_target(con: duckdb.DuckDBPyConnection, metric_id: str,
                  actor: tuple[str, str]) -> None:
    """Remove a metric's target (a row of its history saying so), audited."""
    if metric_id not in registry.METRICS:
        raise TargetError("metric")
    user_id, role = actor
    with store.transaction(con) as cur:
        _append(cur, metric_id, None, user_id)
        store.audit(cur, user_id, role, "target", f"{metric_id}: {describe(None)}")


# --- the demo ------------------------------------------------------------------------------------

_PROGRAMME = "Attraktiv arbetsgivare 2023–2026, punkt {}"

DEMO_TARGETS = (
    Target("managers_women_share", BAND, 40.0, 60.0, 2026, _PROGRAMME.format(3)),
    Target("hourly_paid_persons", LOWER, None, 300.0, 2026, _PROGRAMME.format(5)),
    Target("full_time_share", HIGHER, 80.0, None, 2027, _PROGRAMME.format(7)),
    Target("preschool_men_share", HIGHER, 10.0, None, 2030, _PROGRAMME.format(9)),
    Target("social_worker_salary_spread", HIGHER, 1.30, None, 2026, _PROGRAMME.format(10)),
)
"""The demo municipality's example targets (a fictional programme), chosen from the demo's
values (2025) so that its overview shows each status: fewer than 300 hourly paid persons is
reached (258); full time at 77 % rising about 1,9 points a year is on track for 80 % in 2027;
women managers at 64 % are off track for 40-60 %, and so are men in preschool (7,8 %, rising
0,4 points a year) for 10 % in 2030 and the salary spread (1,27, flat) for 1,30."""


def seed_demo(con: duckdb.DuckDBPyConnection, actor: tuple[str, str]) -> None:
    """The demo's example targets, once (a store that has any target row is left alone)."""
    if store.read(con, "SELECT count(*) AS n FROM metric_target")["n"][0]:
        return
    for target in DEMO_TARGETS:
        set_target(con, target, actor)
