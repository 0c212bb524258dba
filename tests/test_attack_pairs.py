"""The attacker with two metrics side by side: exact set relations between the cells of
different metrics, checked on the persons themselves, not on counts that happen to agree.

Disclosure is decided over the tables of one metric (tests/test_attack.py checks that within
one metric no hidden cell follows from one or two shown ones). Populations of different
metrics overlap: headcount and the monthly-paid persons of tillsvidare_share differ by the
hourly-paid, the women's and men's sick leave add up to the total's. This attacker puts the
shown cells of any two metrics of a snapshot side by side.

For every metric and cell of the views the product offers (metrics.compute.views with filters
of one förvaltning: the total, each förvaltning, each category, förvaltning x category) it
takes what the product shows (compute(): n, value, suppressed) and, by running the metric's
person step itself, the true set of persons in the cell: the cell's population (the persons n
counts) and each numerator's persons (Metric.numerators). It does not use the disclosure
model's equations.

What a reader knows exactly about a shown cell: the count of its population (n), and for a
share of persons, the count of each numerator whose share the value is (value = 100 k / n).
Call these the known sets. A hidden target is a cell hidden by the primary rule of some metric
C: its population has fewer persons than C's threshold, or a numerator counts 1 to threshold
- 1 persons (that numerator's persons are the target). It is a disclosure when, in one
snapshot,

- difference: two known sets X of metric A and Y of metric B at the same key (snapshot,
  scope, dim, category) are nested (Y within X) and X minus Y is exactly the persons of a
  target at that key: n_A - n_B is the hidden count;
- sum: a target's persons are exactly two disjoint known sets at its key: their counts add
  up to it;
- equal: a known set of metric B is exactly the persons of a target at the same key (another
  metric shows the group that C hides).

Candidates are found with a linear hash of each set (a sum of random 64-bit numbers, one per
person, so that the hash of X minus Y is hash(X) - hash(Y)) and then checked on the sets
themselves: no finding rests on a hash alone, and none is missed, since exact relations are
exact on the hashes too. Combinations within one metric alone (A = B = C) are left to
tests/test_attack.py.

On the way, the true sets are checked against the product: a shown cell's n is the size of
its population, every cell with persons is listed, no shown cell breaks the primary rule.
How a metric is protected (its threshold, whether the numerator rule applies) is read in one
place, disclosure_class(). A target hidden only because its metric's threshold is higher (a
salary percentile's 10) may be worked out at a count of 5 to 9 from metrics whose threshold
is 5; the summary counts the targets under min_cell_count apart.

On the code of December 2025 (protection per metric) the demo and random-store tests fail:
they are the acceptance test of the protection across metrics.
"""

from __future__ import annotations

import math
import operator
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pytest

import settings
import store
from metrics import disclosure, linked, persons, registry
from metrics.compute import compute, reads_years, views
from metrics.definition import BREAKDOWNS, PAY, PAY_DISTRIBUTION, Metric
from tests.test_attack import FORVALTNINGAR, THRESHOLDS, consistent, random_store, store_of_rows

ALL = "*"  # the scope of a cell over every förvaltning
MASK = (1 << 64) - 1


# --- the one place that says how a metric is protected ------------------------------------------


def disclosure_class(metric: Metric) -> tuple[int, int]:
    """Below which counts a hidden cell's population and its numerators are secrets a reader
    must not work out (0: never), from the metric's class (Metric.discloses).

    A population under the cell rule's threshold is a group too small to show at all. One
    between it and a higher class threshold (a salary median of 5 to 9, sick leave of 5 to
    10 persons) is hidden for its value, not its size: the size is a count of employees.
    A numerator is a secret under the class threshold where it counts what is not public
    (the sick, the leavers, personal circumstances); for pay, under the cell rule's (women
    among those whose pay is compared); for the composition of public facts, never."""
    cfg = settings.get()
    threshold = disclosure.threshold(metric, cfg)
    cell = min(threshold, cfg.min_cell_count)
    if not disclosure.numerator_rule(metric):
        return cell, 0
    if metric.discloses in (PAY, PAY_DISTRIBUTION):
        return cell, cell
    return cell, threshold


# --- the truth: persons in each cell -------------------------------------------------------------


def counted(count_sql: str) -> str | None:
    """The person predicate of a count: 'count(*)' -> TRUE, 'count(*) FILTER (p)' -> p; None
    when the expression is no count of person rows (a sum of answers, the lesser of two
    counts)."""
    match = re.fullmatch(r"\s*count\(\*\)(?:\s+FILTER\s*\((.*)\))?\s*", count_sql,
                         re.DOTALL | re.IGNORECASE)
    if not match:
        return None
    return match.group(1) or "TRUE"


def person_sql(metric: Metric) -> str:
    """One row per person in the metric's cells for the snapshots $snapshots: the person, the
    breakdown values the cells are grouped by, whether n counts the person (in_n) and whether
    each numerator does (numerator_i). The metric's person step (persons.query) with the
    person kept, the per-person breakdowns and the record's person_filter, as compute's
    tables_sql applies them."""
    step = persons.step(metric)
    head = "SELECT snapshot_date, "
    assert step.startswith(head), step
    step = f"{head}person_key, {step[len(head):]}"
    per_person = "".join(f", {b.person_sql} AS {name}"
                         for name, b in BREAKDOWNS.items() if b.per_person)
    population = counted(metric.n) or "TRUE"
    numerators = "".join(
        f", coalesce(({counted(expr)}), FALSE) AS numerator_{i}"
        for i, expr in enumerate(metric.numerators))
    others = "".join(f", {b}" for b in metric.breakdowns if b != "forvaltning")
    return f"""
WITH persons AS (
    SELECT *{per_person} FROM ({store.derived_query(metric.table, step)})
    WHERE snapshot_date = ANY($snapshots::DATE[])
)
SELECT snapshot_date, person_key, forvaltning{others},
       coalesce(({population}), FALSE) AS in_n{numerators}
FROM persons
WHERE ({metric.person_filter})
"""


@dataclass
class Cell:
    population: set
    """The persons n counts (every person of the cell when n is no count of persons)."""
    numerators: list[set]


def true_cells(con, metric: Metric, snapshots: list[date]) -> dict[tuple, Cell]:
    """{(snapshot, scope, dim, category): Cell} of the persons in every cell."""
    for expr in metric.numerators:
        assert counted(expr) is not None, (metric.id, expr)
    sql = person_sql(metric)
    params = {"snapshots": snapshots, "retirement_age": settings.get().retirement_age}
    frame = store.read(con, sql, store.used(sql, params))
    others = [b for b in metric.breakdowns if b != "forvaltning"]
    k = len(metric.numerators)
    cells: dict[tuple, Cell] = {}
    for row in frame.iter_rows(named=True):
        snap, forv = row["snapshot_date"], row["forvaltning"]
        keys = [(snap, ALL, None, None), (snap, forv, None, None)]
        for b in others:
            keys += [(snap, ALL, b, row[b]), (snap, forv, b, row[b])]
        for key in keys:
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = Cell(set(), [set() for _ in range(k)])
            if row["in_n"]:
                cell.population.add(row["person_key"])
            for i in range(k):
                if row[f"numerator_{i}"]:
                    cell.numerators[i].add(row["person_key"])
    return cells


# --- what the product shows ----------------------------------------------------------------------


def shown_cells(con, metric: Metric, names: list[str], snapshots: int,
                publication: bool = False) -> dict[tuple, tuple]:
    """{(snapshot, scope, dim, category): (n, value, suppressed)} over every view of the
    metric (filters of one förvaltning), for its last `snapshots` snapshots; as publication
    mode rounds them with `publication`."""
    cells: dict[tuple, tuple] = {}
    for view in views(metric, names, max_subset=1):
        frame = compute(con, metric.id, by=list(view.by), forvaltningar=view.forvaltningar,
                        publication=publication)
        dim = next((b for b in view.by if b != "forvaltning"), None)
        for row in frame.iter_rows(named=True):
            if "forvaltning" in view.by:
                scope = row["forvaltning"]
            elif view.forvaltningar is not None:
                (scope,) = view.forvaltningar
            else:
                scope = ALL
            key = (row["snapshot_date"], scope, dim, row[dim] if dim else None)
            cell = (row["n"], row["value"], row["suppressed"])
            # One cell, one status, whichever view shows it (a filtered total is summed
            # afresh, so its value may differ in the last bits).
            first = cells.setdefault(key, cell)
            assert (first[0], first[2]) == (cell[0], cell[2]), (metric.id, key, first, cell)
            assert (first[1] is None) == (cell[1] is None), (metric.id, key, first, cell)
            assert first[1] is None or math.isclose(first[1], cell[1], rel_tol=1e-9), \
                (metric.id, key, first, cell)
    last = sorted({key[0] for key in cells})[-snapshots:]
    return {key: cell for key, cell in cells.items() if key[0] in last}


# --- the attacker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    metric: str
    key: tuple
    kind: str  # "n" (the population) or "numerator_i"
    count: int

    def __str__(self) -> str:
        _, scope, dim, category = self.key
        where = "total" if scope == ALL else scope
        if dim is not None:
            where += f" x {dim}={category}"
        return f"{self.metric}[{where}].{self.kind}={self.count}"


@dataclass(frozen=True)
class Finding:
    relation: str  # "difference", "sum" or "equal"
    snapshot: date
    a: Label
    b: Label | None
    target: Label

    def __str__(self) -> str:
        if self.relation == "difference":
            how = f"{self.a} - {self.b}"
        elif self.relation == "sum":
            how = f"{self.a} + {self.b}"
        else:
            how = str(self.a)
        return f"{self.snapshot} {self.relation}: {how} gives hidden {self.target}"


class Sets:
    """Distinct person sets of one snapshot, with every label that has exactly that set."""

    def __init__(self, hashes: dict[str, int]):
        self.hashes = hashes
        self.by_hash: dict[int, tuple[frozenset, list[Label]]] = {}

    def add(self, persons: set, label: Label) -> None:
        if not persons:
            return
        h = sum(self.hashes[p] for p in persons) & MASK
        entry = self.by_hash.setdefault(h, (frozenset(persons), []))
        assert entry[0] == persons, "64-bit hash collision"
        entry[1].append(label)

    def array(self) -> np.ndarray:
        return np.fromiter(self.by_hash, dtype=np.uint64, count=len(self.by_hash))


def store_cells(con, metric_ids, snapshots: int):
    """Every metric's shown and true cells: {metric: (shown, truth)}. Checks on the way that
    the true sets give the n the product shows, and the cells it lists."""
    names, _ = store.filter_values(con)
    found = {}
    for metric_id in metric_ids:
        metric = registry.get(metric_id)
        shown = shown_cells(con, metric, names, snapshots)
        dates = sorted({key[0] for key in shown})
        truth = true_cells(con, metric, dates) if dates else {}
        countable = counted(metric.n) is not None
        threshold, numerator_rule = disclosure_class(metric)
        for key, (n, _, suppressed) in shown.items():
            assert key in truth, (metric_id, key)
            if suppressed:
                continue
            if countable:
                assert n == len(truth[key].population), (metric_id, key, n)
                assert n >= threshold, (metric_id, key, n)
            if numerator_rule:
                assert all(not 0 < len(members) < threshold
                           for members in truth[key].numerators), (metric_id, key)
        if countable:  # a cell with persons in n is listed (hidden or not)
            missing = [k for k, c in truth.items() if c.population and k not in shown]
            assert not missing, (metric_id, missing[:5])
        found[metric_id] = (shown, truth)
    return found


def within(inner: tuple, outer: tuple) -> bool:
    """Whether every person of a cell at key `inner` is, by definition, in the region of the
    cell at key `outer` (of the same snapshot): the same förvaltning or the whole
    municipality, and the same category unless `outer` has none."""
    return ((outer[1] == ALL or outer[1] == inner[1])
            and (outer[2] is None or outer[2:] == inner[2:]))


def _finder(have: np.ndarray):
    """A function giving, for each of an array of hashes, the index into `have` of an equal
    one, or -1."""
    order = np.argsort(have)
    ordered = have[order]

    def lookup(values: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
        return np.where(ordered[at] == values, order[at], -1)

    return lookup


def attack(cells: dict[str, tuple[dict, dict]], reaches=operator.eq,
           outside: frozenset[str] = linked.SUMS_NOT_LINKED) -> list[Finding]:
    """The disclosures an attacker finds by putting two metrics' cells side by side: the two
    known sets at one key (a difference or a sum), or one known set, and a hidden target at a
    key `reaches(target key, key)` admits: the same key by default, since there the relation
    between the populations follows from the metrics' definitions. `within` also admits a
    target in a finer cell of the key's region (more findings, some of them coincidences of
    the data rather than definitions). Relations among the metrics `outside` the model alone
    (metrics.linked.SUMS_NOT_LINKED) are not reported."""
    rng = random.Random(20251205)
    hashes: dict[str, int] = defaultdict(lambda: rng.getrandbits(64))
    known: dict[date, Sets] = defaultdict(lambda: Sets(hashes))
    targets: dict[date, Sets] = defaultdict(lambda: Sets(hashes))
    for metric_id, (shown, truth) in cells.items():
        metric = registry.get(metric_id)
        n_below, numerator_below = disclosure_class(metric)
        countable = counted(metric.n) is not None
        share = disclosure.person_share(metric)
        for key, (n, value, suppressed) in shown.items():
            cell = truth[key]
            if suppressed:
                if countable and 0 < len(cell.population) < n_below:
                    targets[key[0]].add(cell.population,
                                        Label(metric_id, key, "n", len(cell.population)))
                if numerator_below:
                    for i, members in enumerate(cell.numerators):
                        if 0 < len(members) < numerator_below:
                            targets[key[0]].add(members,
                                                Label(metric_id, key, f"numerator_{i}",
                                                      len(members)))
                continue
            if countable:
                known[key[0]].add(cell.population, Label(metric_id, key, "n", n))
            if share and value is not None and n:
                for i, members in enumerate(cell.numerators):
                    if abs(value - 100 * len(members) / n) < 1e-6:  # the value gives k
                        known[key[0]].add(members,
                                          Label(metric_id, key, f"numerator_{i}", len(members)))
    findings = []
    for snapshot, hidden in targets.items():
        shown_sets = known[snapshot]
        if not shown_sets.by_hash:
            continue
        have = shown_sets.array()
        lookup = _finder(have)
        entries = list(shown_sets.by_hash.values())
        for key, (target_set, target_labels) in hidden.by_hash.items():
            h = np.uint64(key)
            pairs = []
            if key in shown_sets.by_hash:
                pairs.append(("equal", shown_sets.by_hash[key], None))
            # difference: X - Y = target, i.e. hash(Y) = hash(X) - hash(target)
            others = lookup(have - h)
            for x, y in zip(*np.nonzero(others >= 0), others[others >= 0], strict=True):
                x_set, y_entry = entries[x], entries[y]
                if target_set <= x_set[0] and x_set[0] - target_set == y_entry[0]:
                    pairs.append(("difference", x_set, y_entry))
            # sum: Y + Z = target, i.e. hash(Z) = hash(target) - hash(Y)
            others = lookup(h - have)
            for y, z in zip(*np.nonzero(others >= 0), others[others >= 0], strict=True):
                if y > z:
                    continue  # each unordered pair once
                y_entry, z_entry = entries[y], entries[z]
                if (y_entry[0].isdisjoint(z_entry[0])
                        and y_entry[0] | z_entry[0] == target_set):
                    pairs.append(("sum", y_entry, z_entry))
            for relation, first, second in pairs:
                for target in target_labels:
                    for a in first[1]:
                        if not reaches(target.key, a.key) or not _alike(a, target):
                            continue
                        for b in (second[1] if second else [None]):
                            if b is not None and (b.key != a.key or not _alike(b, target)):
                                continue
                            involved = {a.metric, target.metric, *([b.metric] if b else [])}
                            if len(involved) == 1:
                                continue  # one metric alone: tests/test_attack.py
                            if involved <= outside:
                                continue  # declared outside the model (metrics.linked)
                            findings.append(Finding(relation, snapshot, a, b, target))
    return findings


def _alike(known: Label, target: Label) -> bool:
    """Whether a known set and a target are both populations or both numerators. The persons
    a share counts (those at full time) are another metric's population (the preschool staff
    of a förvaltning) only by chance of the data, which a reader cannot know."""
    return (known.kind == "n") == (target.kind == "n")


def summary(findings: list[Finding], examples: int = 15) -> str:
    """The hidden cells worked out, per pair of metrics (relation, A, B -> hidden C: how many
    distinct hidden cells), and one example for each metric C in full."""
    hidden = {(f.snapshot, f.target) for f in findings}
    small = sum(1 for _, target in hidden
                if target.count < settings.get().min_cell_count)
    pairs: dict[tuple, set] = defaultdict(set)
    for f in findings:
        pairs[(f.relation, f.a.metric, f.b.metric if f.b else "-", f.target.metric)].add(
            (f.snapshot, f.target))
    lines = [f"{len(hidden)} hidden cells (population or numerator) worked out, {small} of "
             f"them under min_cell_count, in {len(findings)} findings; distinct hidden cells "
             "per relation, A, B -> hidden C:"]
    lines += [f"  {len(cells):4d}  {rel}: {a} / {b} -> {c}" for (rel, a, b, c), cells
              in sorted(pairs.items(), key=lambda item: (-len(item[1]), item[0]))]
    lines.append("examples:")
    seen = set()
    for f in sorted(findings, key=lambda f: (f.target.count, f.relation, str(f))):
        if (f.target.metric, f.target.kind) in seen:
            continue
        seen.add((f.target.metric, f.target.kind))
        lines.append(f"  {f}")
        if len(seen) >= examples:
            break
    return "\n".join(lines)


# --- the attacker itself can find a disclosure ---------------------------------------------------


def _hand_store(path, rows_of):
    """A store of one snapshot (2025-11-01) from a list of person dictionaries."""
    snapshot = date(2025, 11, 1)
    rows = []
    for i, p in enumerate(rows_of):
        hourly = p["hourly"]
        rows.append({
            "snapshot_date": snapshot, "employment_id": f"e{i}", "person_key": f"p{i}",
            "birth_year": 1980 + i % 20, "gender": "KM"[i % 2],
            "forvaltning": p["forvaltning"], "ssyk_code": "5311",
            "pay_form": "hourly" if hourly else "monthly",
            "employment_form": "timanstallning" if hourly else "tillsvidare",
            "contracted_rate": None if hourly else 100.0,
            "actual_rate": None if hourly else 100.0,
            "hours_worked_month": 40.0 if hourly else None,
            "is_manager": False, "employment_start": snapshot - timedelta(days=400),
            "load_id": 1,
        })
    return store_of_rows(path, rows, "hand")


@pytest.fixture
def no_threshold_overrides(monkeypatch):
    for name in THRESHOLDS:
        monkeypatch.delenv(name, raising=False)


def test_the_attacker_finds_hourly_paid_as_employed_at_work_minus_monthly_paid(
        tmp_path, no_threshold_overrides):
    # Barn: 10 monthly-paid tillsvidare and 3 hourly-paid. Årsarbetare's 13 persons at work and
    # the full-time share's 10 monthly-paid persons are shown; hourly_paid_persons hides
    # Barn's 3.
    people = ([{"forvaltning": "Barn", "hourly": False}] * 10
              + [{"forvaltning": "Barn", "hourly": True}] * 3
              + [{"forvaltning": "Omsorg", "hourly": False}] * 10
              + [{"forvaltning": "Omsorg", "hourly": True}] * 6)
    con = _hand_store(tmp_path / "hand.duckdb", people)
    try:
        cells = store_cells(con, ("fte_total", "full_time_share", "hourly_paid_persons"), 1)
        assert cells["hourly_paid_persons"][0][(date(2025, 11, 1), "Barn", None, None)][2]
        findings = attack(cells, outside=frozenset())
    finally:
        con.close()
    barn = [f for f in findings if f.relation == "difference"
            and f.a.metric == "fte_total" and f.b.metric == "full_time_share"
            and f.target.metric == "hourly_paid_persons" and f.b.kind == "n"
            and f.a.key[1:] == f.b.key[1:] == f.target.key[1:] == ("Barn", None, None)]
    assert [(f.a.count, f.b.count, f.target.count) for f in barn] == [(13, 10, 3)], \
        summary(findings)
    # The same relation is declared outside the model (metrics.linked.SUMS_NOT_LINKED).
    assert not [f for f in attack(cells) if f.target.metric == "hourly_paid_persons"]


def test_the_attacker_finds_each_relation_on_given_cells(monkeypatch):
    # Cells given by hand (shown or hidden as given), with the thresholds raised to 20 so that
    # a sum of two shown groups can be a hidden one. Every cell at one key of one snapshot.
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "20")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "20")
    key = (date(2025, 11, 1), "Barn", None, None)
    people = [f"p{i}" for i in range(20)]

    def shown(n, value=1.0):
        return {key: (n, value, False)}

    def hidden():
        return {key: (None, None, True)}

    cells = {
        # 12 persons, 3 of them hourly-paid (hidden); 9 monthly-paid, 6 of them permanent
        "headcount": (shown(12), {key: Cell(set(people[:12]), [])}),
        "hourly_paid_persons": (hidden(), {key: Cell(set(people[9:12]), [])}),
        "tillsvidare_share": (shown(9, 100 * 6 / 9),
                              {key: Cell(set(people[:9]), [set(people[:6])])}),
        # 12 + 7 = 19 social workers, under the raised threshold
        "full_time_share": (shown(7), {key: Cell(set(people[12:19]), [set()])}),
        "social_worker_salary_median": (hidden(), {key: Cell(set(people[:19]), [])}),
        # the 9 monthly-paid persons are a hidden group of another metric
        "education_pay_median_long": (hidden(), {key: Cell(set(people[:9]), [])}),
    }
    found = {(f.relation, f.a.metric, f.b.metric if f.b else None, f.target.metric,
              f.target.count) for f in attack(cells, outside=frozenset())}
    assert found == {
        ("difference", "headcount", "tillsvidare_share", "hourly_paid_persons", 3),
        ("sum", "headcount", "full_time_share", "social_worker_salary_median", 19),
        ("equal", "tillsvidare_share", None, "education_pay_median_long", 9),
    }, found


def test_counted_reads_the_persons_of_a_count():
    assert counted("count(*)") == "TRUE"
    assert counted("count(*) FILTER (gender IN ('K', 'M'))") == "gender IN ('K', 'M')"
    assert counted("sum(answers)") is None
    assert counted("least(count(*) FILTER (gender = 'K'), count(*) FILTER (gender = 'M'))") \
        is None


# --- the demo and random stores ----------------------------------------------------------------


# Every metric whose n or numerators count persons (the HME metrics count the answers of
# units: nothing there is a set of persons).
PERSON_METRICS = tuple(m.id for m in registry.METRICS.values()
                       if counted(m.n) is not None or m.numerators)
DEMO_SNAPSHOTS = 2  # the last two snapshots of each series


@pytest.fixture(scope="module")
def demo_cells(demo_con):
    """The demo's shown and true cells of every metric over persons (store_cells), with the
    thresholds of the settings."""
    with pytest.MonkeyPatch.context() as patch:
        for name in THRESHOLDS:
            patch.delenv(name, raising=False)
        yield store_cells(demo_con, PERSON_METRICS, DEMO_SNAPSHOTS)


def test_no_hidden_cell_follows_from_two_metrics_on_the_demo(demo_cells, no_threshold_overrides):
    started = time.perf_counter()
    findings = attack(demo_cells)
    elapsed = time.perf_counter() - started
    assert findings == [], f"{elapsed:.0f} s\n" + summary(findings)


def published_counts(metric: Metric, kind: str, n: int, value: float | None) -> set[int]:
    """Every count of persons (a cell's population, or a numerator's) that a reader could
    get back from a cell as publication mode shows it: n rounded to 10 (to 100 from 1 000)
    and, for a share of persons, the share in whole percent (5 percent below n 100). A figure
    off that grid is exact: its own count."""
    step = 100 if n >= 1000 else 10
    share = disclosure.person_share(metric) and value is not None
    if n % step or (share and value % (1 if n >= 100 else 5)):
        return {round(n * value / 100)} if kind.startswith("numerator") else {n}
    if share:
        pairs = consistent(n, value)
        return {k for _, k in pairs} if kind.startswith("numerator") else {m for m, _ in pairs}
    assert kind == "n", (metric.id, kind)
    return set(range(max(0, n - step // 2), n + step // 2))


def test_what_the_committee_sees_gives_no_count_the_sums_outside_the_model_give(
        demo_con, demo_cells, no_threshold_overrides):
    # The sums of metrics.linked.SUMS_NOT_LINKED are left out of the model because the exact
    # figures they combine are analysis mode's, which only the analysts see (ui/filters.py:
    # the committee's role is held to publication mode). Every hidden count they give on the
    # demo in analysis mode is, from the figures as publication mode rounds them, one of
    # several counts, none of them certain to be small.
    findings = attack(demo_cells, outside=frozenset())
    assert findings, "the sums outside the model give hidden counts in analysis mode"
    involved = {label.metric for f in findings for label in (f.a, f.b, f.target) if label}
    assert involved <= linked.SUMS_NOT_LINKED, involved - linked.SUMS_NOT_LINKED
    names, _ = store.filter_values(demo_con)
    published = {m: shown_cells(demo_con, registry.get(m), names, DEMO_SNAPSHOTS,
                                publication=True) for m in sorted(involved)}
    pinned = []
    for f in findings:
        counts = []
        for label in (f.a, f.b):
            if label is None:
                continue
            n, value, suppressed = published[label.metric][label.key]
            assert not suppressed, (str(f), "shown in analysis mode, hidden when published")
            counts.append(published_counts(registry.get(label.metric), label.kind, n, value))
        if f.relation == "difference":
            possible = {a - b for a in counts[0] for b in counts[1]}
        elif f.relation == "sum":
            possible = {a + b for a in counts[0] for b in counts[1]}
        else:
            possible = counts[0]
        possible = {c for c in possible if c >= 0}
        assert f.target.count in possible, str(f)
        threshold = disclosure_class(registry.get(f.target.metric))[0]
        if len(possible) < 2 or all(0 < c < threshold for c in possible):
            pinned.append((str(f), sorted(possible)))
    assert pinned == [], pinned[:5]


RANDOM_METRICS = tuple(m for m in PERSON_METRICS
                       if registry.get(m).table in ("employment", "employment_transition",
                                                    "manager_span")
                       and not reads_years(registry.get(m)))


@pytest.mark.parametrize("seed", range(3))
def test_no_hidden_cell_follows_from_two_metrics_on_random_stores(
        tmp_path, no_threshold_overrides, seed):
    rng = random.Random(seed)
    people = [{
        "forvaltning": rng.choice(FORVALTNINGAR), "gender": rng.choice("KM"),
        "hourly": rng.random() < 0.3, "rate": rng.choice([50.0, 75.0, 100.0]),
        "ssyk": rng.choice(["2343", "5311", "2661", "1120", "9629"]),
        "birth_year": rng.randint(1958, 2003), "manager": rng.random() < 0.25,
        "permanent": rng.random() < 0.75, "stays": rng.random() < 0.8,
        "moves_to": rng.choice(FORVALTNINGAR),
    } for _ in range(rng.randint(30, 90))]
    con = random_store(tmp_path / "store.duckdb", people)
    try:
        findings = attack(store_cells(con, RANDOM_METRICS, 2))
    finally:
        con.close()
    assert findings == [], summary(findings)


def test_turnover_minus_turnover_excluding_retirement_gives_no_small_count(
        demo_con, no_threshold_overrides):
    # The leavers of the two turnover figures differ by the retired leavers: where both cells
    # are shown, that difference is none or at least the threshold (on the code of November
    # 2026 it was 1 to 4 in 151 cells of the demo).
    cells = store_cells(demo_con, ("turnover", "turnover_excl_retirement"), 11)
    (every, every_truth), (excl, excl_truth) = cells["turnover"], cells["turnover_excl_retirement"]
    threshold = settings.get().min_cell_count
    small = []
    for key, (_, _, suppressed) in every.items():
        if suppressed or key not in excl or excl[key][2]:
            continue
        retired = (len(every_truth[key].numerators[0])
                   - len(excl_truth[key].numerators[0]))
        if 0 < retired < threshold:
            small.append((key, retired))
    assert every and not small, small[:5]
