"""The attacker's test: every view the product offers (metrics.compute.views: totals, each
breakdown, förvaltning x one other, filter subsets of up to three förvaltningar) is computed,
and no hidden cell's n may follow from one or two shown cells by difference or sum.

The attacker knows which cells exist: a cell that no view lists holds nobody (an absent cell
is a known zero). The true n of every cell comes from the same views with every threshold at 1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import store
from metrics import disclosure, registry
from metrics.compute import compute, views
from pipelines.schema import EMPLOYMENT_COLUMNS

ALL = "*"  # a cell over every förvaltning
THRESHOLDS = ("PERSONALPANELEN_MIN_CELL", "PERSONALPANELEN_MIN_N_PERCENTILES",
              "PERSONALPANELEN_MIN_N_SICK_LEAVE")


def view_cells(con, metric_id, names, max_subset):
    """{(snapshot, förvaltningar, dimension, category): (n, suppressed)} over every view."""
    cells = {}
    for view in views(metric_id, names, max_subset):
        frame = compute(con, metric_id, by=list(view.by), forvaltningar=view.forvaltningar)
        dim = next((b for b in view.by if b != "forvaltning"), None)
        for row in frame.iter_rows(named=True):
            if "forvaltning" in view.by:
                scope = frozenset([row["forvaltning"]])
            elif view.forvaltningar is not None:
                scope = frozenset(view.forvaltningar)
            else:
                scope = ALL
            key = (row["snapshot_date"], scope, dim, row[dim] if dim else None)
            cell = (row["n"], row["suppressed"])
            # One cell, one status, whichever view shows it.
            assert cells.setdefault(key, cell) == cell, (metric_id, key, cells[key], cell)
    return cells


def recoveries(con, monkeypatch, metric_id, names, max_subset=3):
    """The hidden cells whose n an attacker gets from one or two shown cells."""
    protected = view_cells(con, metric_id, names, max_subset)
    with monkeypatch.context() as m:
        for name in THRESHOLDS:
            m.setenv(name, "1")
        truth = view_cells(con, metric_id, names, max_subset)
    found = []
    by_snapshot = defaultdict(list)
    for key in protected:
        by_snapshot[key[0]].append(key)
    for keys in by_snapshot.values():
        dims = {k[2] for k in keys}
        for dim in dims:
            # The finest regions of this dimension: (förvaltning, category) cells with persons.
            finest = sorted(
                ((next(iter(k[1])), k[3]) for k in keys
                 if k[1] != ALL and len(k[1]) == 1 and k[2] == dim and truth[k][0]),
                key=str,
            )
            bit = {region: 1 << i for i, region in enumerate(finest)}

            def regions(key, bit=bit, dim=dim):
                _, scope, key_dim, category = key
                return sum(b for (f, c), b in bit.items()
                           if (scope == ALL or f in scope)
                           and (key_dim is None or c == category))

            mine = [k for k in keys if k[2] in (None, dim)]
            shown = {regions(k): protected[k][0] for k in mine if not protected[k][1]}
            for key in mine:
                if not protected[key][1] or not truth[key][0]:
                    continue
                target = regions(key)
                if target in shown:
                    found.append((metric_id, key, "shown as another view"))
                    continue
                for other in shown:
                    if other & target == target and (other & ~target) in shown:
                        found.append((metric_id, key, "difference"))
                        break
                    if other & target == other and (target & ~other) in shown:
                        found.append((metric_id, key, "sum"))
                        break
    return found


# --- the demo ----------------------------------------------------------------------------------


# Metrics of each class that keeps a hidden cell from being worked out (Protection.secondary).
# The managers' gender balance (class "published") hides a group of under five managers without
# protecting it: who the managers are is published (docs/disclosure.md).
DEMO_METRICS = ("hourly_paid_persons", "full_time_share", "mean_age",
                "tillsvidare_share", "fte_total", "headcount", "turnover",
                "retirements_forecast", "sick_leave_long_share", "preschool_men_share")


@pytest.mark.parametrize("metric_id", DEMO_METRICS)
def test_no_hidden_cell_recoverable_on_the_demo(demo_con, monkeypatch, metric_id):
    for name in THRESHOLDS:
        monkeypatch.delenv(name, raising=False)
    names, _ = store.filter_values(demo_con)
    assert recoveries(demo_con, monkeypatch, metric_id, names, max_subset=2) == []


# --- random small stores -----------------------------------------------------------------------


S1, S2 = date(2024, 11, 1), date(2025, 11, 1)
FORVALTNINGAR = ("Barn", "Omsorg", "Teknik", "Kultur")

person = st.fixed_dictionaries({
    "forvaltning": st.sampled_from(FORVALTNINGAR),
    "gender": st.sampled_from("KM"),
    "hourly": st.booleans(),
    "rate": st.sampled_from([50.0, 75.0, 100.0]),
    "ssyk": st.sampled_from(["2343", "5311", "2661", "1120", "9629"]),
    "birth_year": st.integers(1958, 2003),
    "manager": st.integers(0, 3).map(lambda i: i == 0),
    "permanent": st.integers(0, 3).map(lambda i: i > 0),
    "stays": st.integers(0, 4).map(lambda i: i > 0),
    "moves_to": st.sampled_from(FORVALTNINGAR),
})


def random_store(path, persons) -> store.duckdb.DuckDBPyConnection:
    rows = []
    for i, p in enumerate(persons):
        for snapshot in (S1, S2):
            if snapshot == S2 and not p["stays"]:
                continue
            rows.append({
                "snapshot_date": snapshot, "employment_id": f"e{i}", "person_key": f"p{i}",
                "birth_year": p["birth_year"], "gender": p["gender"],
                "forvaltning": p["moves_to"] if snapshot == S2 else p["forvaltning"],
                "ssyk_code": p["ssyk"], "pay_form": "hourly" if p["hourly"] else "monthly",
                "employment_form": ("timanstallning" if p["hourly"] else
                                    "tillsvidare" if p["permanent"] else "visstid"),
                "contracted_rate": None if p["hourly"] else p["rate"],
                "actual_rate": None if p["hourly"] else p["rate"],
                "hours_worked_month": 40.0 if p["hourly"] else None,
                "is_manager": p["manager"] and not p["hourly"],
                "employment_start": snapshot - timedelta(days=400),
                "load_id": 1,
            })
    return store_of_rows(path, rows, "random")


def store_of_rows(path, rows: list[dict], source: str) -> store.duckdb.DuckDBPyConnection:
    """A store holding employment rows given as dicts (columns left out are empty), with one
    load-log entry naming `source` and the snapshot dates of the rows."""
    types = dict(EMPLOYMENT_COLUMNS)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    frame = pl.DataFrame({name: frame[name] if name in frame.columns else None
                          for name in types})
    dates = sorted({r["snapshot_date"] for r in rows})
    con = store.connect(path)
    with store.transaction(con) as cur:
        cur.register("incoming", frame)
        cur.execute("INSERT INTO employment BY NAME SELECT * FROM incoming")
        cur.execute("INSERT INTO load_log VALUES (1, now(), $source, 'x', $dates, 1, 0, "
                    "'test')", {"source": source, "dates": dates})
    return con


RANDOM_METRICS = ("headcount", "tillsvidare_share", "full_time_share", "turnover")


def test_the_attacked_metrics_are_protected_against_it():
    assert all(registry.get(m).protection.secondary for m in (*DEMO_METRICS, *RANDOM_METRICS))


@hsettings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(persons=st.lists(person, min_size=8, max_size=70))
def test_no_hidden_cell_recoverable_on_random_stores(tmp_path_factory, monkeypatch, persons):
    for name in THRESHOLDS:
        monkeypatch.delenv(name, raising=False)
    con = random_store(tmp_path_factory.mktemp("random") / "store.duckdb", persons)
    try:
        names, _ = store.filter_values(con)
        for metric_id in RANDOM_METRICS:
            assert recoveries(con, monkeypatch, metric_id, names, max_subset=3) == []
    finally:
        con.close()


# --- the four recoveries found by hand on the demo, one test each ------------------------------


@pytest.fixture
def demo(demo_con, monkeypatch):
    for name in THRESHOLDS:
        monkeypatch.delenv(name, raising=False)
    return demo_con


def test_two_filters_do_not_differ_by_a_hidden_forvaltning(demo):
    # Managers 2025: Teknik och service has fewer than 5. Samhällsbyggnad alone and together
    # with Teknik och service were both shown, so their difference was Teknik's 4 women.
    latest = max(compute(demo, "managers_women_share")["snapshot_date"])
    by_forv = compute(demo, "managers_women_share", by=["forvaltning"]).filter(
        snapshot_date=latest)
    assert by_forv.filter(forvaltning="Teknik och service")["suppressed"].item()
    alone, pair = (
        compute(demo, "managers_women_share", forvaltningar=chosen)
        .filter(snapshot_date=latest)["suppressed"].item()
        for chosen in (["Samhällsbyggnad"], ["Samhällsbyggnad", "Teknik och service"])
    )
    assert alone or pair


def test_a_lone_gender_cell_is_not_its_forvaltnings_total(demo):
    # Hourly-paid 2019: Socialtjänst had only women; their hidden cell equalled the shown
    # förvaltning total beside it. An absent cell is a known zero.
    two_way = compute(demo, "hourly_paid_persons", by=["forvaltning", "gender"])
    one_way = compute(demo, "hourly_paid_persons", by=["forvaltning"])
    lone = (two_way.group_by("snapshot_date", "forvaltning")
            .agg(pl.len().alias("cells"), pl.col("suppressed").all().alias("hidden"))
            .filter((pl.col("cells") == 1) & pl.col("hidden")))
    assert lone.height > 0  # the case exists on the demo
    totals = lone.join(one_way, on=["snapshot_date", "forvaltning"])
    assert totals["suppressed"].all()


def consistent(n_shown: int, percent: float) -> set[tuple[int, int]]:
    """Every (n, numerator) a reader could get back from a published n (rounded to 10, or to
    100 from 1 000) and a published share (whole percent, to 5 percent below n 100)."""
    step = 100 if n_shown >= 1000 else 10
    half = 0.5 if n_shown >= 100 else 2.5
    return {(n, k) for n in range(max(1, n_shown - step // 2), n_shown + step // 2)
            for k in range(n + 1) if abs(100 * k / n - percent) <= half}


def test_publication_rounding_cannot_be_undone(demo):
    # Publication mode used to show 5.8558558 % with n 220: only 13 / 222 fits. Now 6 %.
    assert {n for n, _ in consistent(220, 6)} == set(range(215, 225))
    undone = []
    for metric_id in ("full_time_share", "tillsvidare_share", "turnover", "managers_women_share",
                      "preschool_men_share"):
        for by in ([], ["forvaltning"]):
            frame = compute(demo, metric_id, by=by, publication=True).filter(~pl.col("suppressed"))
            for n, value in frame.select("n", "value").iter_rows():
                assert n % 10 == 0 and value % (1 if n >= 100 else 5) == 0
                if len({n for n, _ in consistent(n, value)}) < 2:
                    undone.append((metric_id, by, n, value))
    assert undone == []


def test_no_shown_share_rests_on_a_small_numerator(demo, monkeypatch):
    # 4 leavers in a förvaltning, 4 working full time: where the numerator counts what is not
    # public, the threshold holds for the persons it counts too.
    for metric_id, both_sides in (("turnover", False), ("working_full_time_share", False)):
        shown = compute(demo, metric_id, by=["forvaltning"]).filter(~pl.col("suppressed"))
        with monkeypatch.context() as m:
            for name in THRESHOLDS:
                m.setenv(name, "1")
            truth = compute(demo, metric_id, by=["forvaltning"])
        rows = shown.select("snapshot_date", "forvaltning").join(
            truth, on=["snapshot_date", "forvaltning"])
        assert rows.height > 0
        for n, value in rows.select("n", "value").iter_rows():
            counted = round(n * value / 100)
            assert counted == 0 or counted >= 5, (metric_id, n, value)
            if both_sides:
                assert n - counted == 0 or n - counted >= 5, (metric_id, n, value)


def test_a_period_window_shows_the_same_cells(demo):
    # Decisions are taken per snapshot, so narrowing the period hides or reveals nothing.
    latest = max(compute(demo, "headcount")["snapshot_date"])
    for metric_id, by in (("headcount", ["occupation"]), ("turnover", ["forvaltning", "gender"]),
                          ("hourly_paid_persons", ["forvaltning", "gender"])):
        whole = compute(demo, metric_id, by=by).filter(snapshot_date=latest)
        window = compute(demo, metric_id, by=by, start=latest, end=latest)
        assert window.equals(whole)
        assert window["suppressed"].any() and not window["suppressed"].all(), metric_id


# --- publication mode: the published change beside the rounded values -------------------------
#
# The change since the previous snapshot is worked out from the exact values and rounded like
# them (disclosure.round_for_publication), so it tells a reader a little more than the two
# rounded values do. These tests put every published change of a series beside its values, as
# a reader with every year's pack (or the dashboard's period filter) can, and solve for what
# is left of each exact value: it must never come down to one.


def _half_up(x: Fraction, step: int) -> Fraction:
    """x rounded to the step as polars' half_away_from_zero rounds it (exactly)."""
    q = abs(x) / step
    rounded = int(q) + (1 if q - int(q) >= Fraction(1, 2) else 0)
    return (rounded if x >= 0 else -rounded) * step


def _count_range(shown: int) -> tuple[int, int]:
    """The exact counts that publish as `shown` (to 10 below 1 000, to 100 from it)."""
    if shown < 1000:
        return max(0, shown - 5), shown + 4
    if shown == 1000:
        return 995, 1049
    return shown - 50, shown + 49


def _change_range(change: int, step: int) -> tuple[int, int]:
    """The exact integer changes that publish as `change` at `step`."""
    half = step // 2
    if change > 0:
        return change - half, change + half - 1
    if change < 0:
        return change - half + 1, change + half
    return -half + 1, half - 1


def count_candidates(values: list, changes: list) -> list[int]:
    """How many exact counts remain possible for each published value of a series, given
    every published value and change (a difference-constraint system: its shortest paths are
    the tight integer bounds). Hidden values (None) bound nothing."""
    m = len(values)
    big = 10 ** 9
    dist = [[0 if i == j else big for j in range(m + 1)] for i in range(m + 1)]

    def at_most(i, j, w):  # x_j - x_i <= w (node 0 is zero)
        dist[i][j] = min(dist[i][j], w)

    for t, shown in enumerate(values, 1):
        if shown is not None:
            low, high = _count_range(int(shown))
            at_most(0, t, high)
            at_most(t, 0, -low)
    for t in range(1, m):
        if changes[t] is not None and values[t] is not None and values[t - 1] is not None:
            step = max(10 if abs(v) < 1000 else 100 for v in (values[t], values[t - 1]))
            low, high = _change_range(int(changes[t]), step)
            at_most(t, t + 1, high)
            at_most(t + 1, t, -low)
    for k in range(m + 1):
        for i in range(m + 1):
            for j in range(m + 1):
                if dist[i][k] + dist[k][j] < dist[i][j]:
                    dist[i][j] = dist[i][k] + dist[k][j]
    return [dist[0][t] + dist[t][0] + 1 for t in range(1, m + 1) if values[t - 1] is not None]


def test_published_changes_leave_every_count_uncertain(demo):
    # 1 552 -> 1 527: 1 600 and 1 500 with "mindre än ±50" leave 1 550-1 598 and 1 501-1 549.
    assert count_candidates([1600, 1500], [None, 0]) == [49, 49]
    assert count_candidates([1600, 1500], [None, None]) == [100, 100]
    assert count_candidates([110, 100], [None, 0]) == [4, 4]
    fewest = {}
    for metric_id in ("headcount", "hourly_paid_persons", "retirements_forecast"):
        for by in ([], ["forvaltning"]):
            frame = compute(demo, metric_id, by=by, publication=True).sort(
                [*by, "snapshot_date"])
            for series in (frame.partition_by(by) if by else [frame]):
                left = count_candidates(series["value"].to_list(), series["change"].to_list())
                fewest[(metric_id, *by)] = min(left)
    # Without the changes every count keeps 10 (or 100) possible values; with them, a long
    # series narrows some, but never to one.
    assert min(fewest.values()) >= 2, fewest


def _share_rounds_to(share: Fraction, shown: int, step: int) -> bool:
    return _half_up(share, step) == shown


def _pairs(n_shown: int, percent: int, numerators: int) -> list[tuple[int, int, Fraction]]:
    """(n, numerator, exact share) that publish as n_shown and percent, with the numerator
    rule a reader knows where the metric's class has it (0 or at least 5 on the counted side,
    and on the other too for a share of gender; `numerators` 0: no rule)."""
    step = 5 if n_shown < 100 else 1
    low, high = _count_range(n_shown)
    found = []
    for n in range(max(1, low), high + 1):
        for k in range(n + 1):
            if numerators and (0 < k < 5 or (numerators == 2 and 0 < n - k < 5)):
                continue
            share = Fraction(100 * k, n)
            if _share_rounds_to(share, percent, step):
                found.append((n, k, share))
    return found


def share_candidates(rows: list[dict], numerators: int) -> list[set[int]]:
    """For each shown row of a share's series (published n, value and change), the exact n
    still possible once every published change is put beside the values."""
    sets = [_pairs(r["n"], int(r["value"]), numerators) if not r["suppressed"] else None
            for r in rows]

    def linked(t, later, earlier):  # whether the change of row t fits two candidates
        change = rows[t]["change"]
        if change is None:
            return True
        step = max(5 if rows[i]["n"] < 100 else 1 for i in (t, t - 1))
        return _half_up(later[2] - earlier[2], step) == change

    forward = list(sets)
    for t in range(1, len(rows)):
        if forward[t] is not None and forward[t - 1] is not None:
            forward[t] = [x for x in forward[t] if any(linked(t, x, y) for y in forward[t - 1])]
    both = list(forward)
    for t in range(len(rows) - 2, -1, -1):
        if both[t] is not None and both[t + 1] is not None:
            both[t] = [y for y in both[t] if any(linked(t + 1, x, y) for x in both[t + 1])]
    return [{n for n, _, _ in s} for s in both if s is not None]


def test_published_changes_do_not_undo_the_share_rounding(demo):
    fewest = {}
    # The managers' split is published by the municipality: its rounding protects nothing.
    for metric_id in ("preschool_men_share", "turnover", "full_time_share",
                      "working_full_time_share"):
        metric = registry.get(metric_id)
        numerators = len(metric.numerators) if disclosure.numerator_rule(metric) else 0
        frame = compute(demo, metric_id, by=["forvaltning"], publication=True).sort(
            "forvaltning", "snapshot_date")
        for series in frame.partition_by("forvaltning"):
            if series["n"].max() is None or series["n"].max() >= 1000:
                continue  # a hundred possible n per value: nothing to find quickly
            left = share_candidates(series.to_dicts(), numerators)
            fewest[(metric_id, series["forvaltning"][0])] = min(map(len, left), default=99)
    assert fewest and min(fewest.values()) >= 2, fewest
