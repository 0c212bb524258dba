"""Disclosure control: a figure resting on too few persons is never shown or exported, nor
derivable from figures that are.

Every view the product offers of a metric (metrics.compute.views: the total, each breakdown,
förvaltning x one other breakdown, any subset of förvaltningar, any period) is cut from one set
of tables per snapshot, and which of their cells are hidden is decided here once, over all of
them together:

    T             the whole municipality
    F[f]          each förvaltning                       T    = sum over f of F[f]
    X[x]          each category of a breakdown X         T    = sum over x of X[x]
    FX[f, x]      förvaltning f and category x           F[f] = sum over x of FX[f, x]
                                                         X[x] = sum over f of FX[f, x]

- Primary: a cell is hidden when it rests on fewer than k persons (n < k, k from the class
  of what the metric discloses: Metric.discloses), or, where the class has the numerator rule,
  when a count of persons it carries in its numerator (leavers, the long-term sick:
  Metric.numerators) is between 1 and k - 1. A cell without a value is written hidden too.
- Secondary: in each equation above, the hidden cells must be none, or at least two whose sum
  (n and every numerator) itself passes the primary rule. Where not, the smallest shown cell
  of the equation is hidden too (or its total, when no part is left), and the equations are
  checked again until all hold.
- Then, as a proof rather than a rule of thumb, the equations are solved for the hidden cells
  (the null space of their incidence matrix): a hidden cell that is determined by the shown
  ones, through any chain of sums and differences across the tables, gets a further hidden
  neighbour, until none is.
- A total over a subset of förvaltningar (the sidebar's filter) is shown only where every
  förvaltning in it is shown on its own (or the subset is the whole municipality), so it adds
  up cells that are already public and two subsets never differ by a hidden förvaltning; its
  breakdowns follow the same rule cell by cell (metrics.compute).

Metrics whose persons add up or are the same (metrics.linked) are decided together, with their
links as further equations. An absent cell (nobody in it) counts as a known zero. A hidden cell
has n and value set to null and suppressed = true, and is written as SUPPRESSED_MARK wherever a
person reads it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations

import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

import settings

# The equations are small (tens of rows, a few hundred cells). BLAS threads cost far more than
# they give there, and while DuckDB or another session keeps the cores busy they wait on each
# other: on a busy 2-core machine a 70 x 280 SVD took 500-700 ms with OpenBLAS's threads and
# 1.2-1.9 ms with one. Nothing else in the product does heavy linear algebra.
threadpool_limits(limits=1, user_api="blas")

SUPPRESSED_MARK = ".."
NUMERATOR_PREFIX = "numerator_"
"""Columns of a cell frame that hold a numerator count (Metric.numerators), in order."""


def small(n: pl.Expr, numerators: list[pl.Expr], threshold: int) -> pl.Expr:
    """The primary rule on a cell's n and numerator counts."""
    rule = n.is_null() | (n < threshold)
    for count in numerators:
        rule = rule | ((count > 0) & (count < threshold))
    return rule


def _is_small(sizes, threshold: int):
    """The primary rule on summed [n, *numerators] (for the hidden cells of one equation);
    each may also be an array of such sums, giving an array of answers."""
    n, *numerators = sizes
    small = n < threshold
    for count in numerators:
        small = small | ((count > 0) & (count < threshold))
    return small


@dataclass(frozen=True)
class Protected:
    """A metric's tables with disclosure decided (protect_tables), and for each snapshot what
    the shown cells fix of the hidden ones (_null_space, kept from the proof), so a total over
    a subset of förvaltningar is checked without solving the equations again."""

    tables: pl.DataFrame
    solutions: dict[date, tuple[dict[int, int], np.ndarray]]

    def sums_follow(self, groups: pl.DataFrame) -> pl.DataFrame:
        """For groups of cells ([snapshot_date, group, cell], a row per member), whether each
        group's sum follows from the shown cells: [group, follows]."""
        found = []
        for (snapshot,), members in groups.partition_by("snapshot_date", as_dict=True).items():
            column, null_space = self.solutions[snapshot]
            names, index = np.unique(members["group"].to_numpy(), return_inverse=True)
            # How far each group's sum of hidden cells can vary: the sum of their columns.
            varies = np.zeros((len(names), null_space.shape[0]))
            for row, cell in zip(index, members["cell"].to_list(), strict=True):
                if cell in column:
                    varies[row] += null_space[:, column[cell]]
            found.append(pl.DataFrame({"group": names.astype(np.int64),
                                       "follows": np.all(np.abs(varies) < 1e-9, axis=1)}))
        return (pl.concat(found) if found
                else pl.DataFrame(schema={"group": pl.Int64, "follows": pl.Boolean}))


def class_threshold(protection, cfg=None) -> int:
    """A disclosure class's threshold (metrics.definition.PROTECTIONS) in the settings."""
    return int(getattr(cfg or settings.get(), protection.setting))


def threshold(metric, cfg=None) -> int:
    """The threshold of the metric's disclosure class (Metric.discloses) in the settings."""
    return class_threshold(metric.protection, cfg)


def numerator_rule(metric) -> bool:
    """Whether the persons the metric's numerators count must be none or reach the threshold."""
    return bool(metric.numerators) and metric.protection.numerator_rule


def protect_tables(tables: Mapping[str, pl.DataFrame], thresholds: Mapping[str, int],
                   links: Sequence[tuple[str, tuple[str, ...]]] = (),
                   keep: Mapping[str, int] | None = None,
                   secondary: bool = True) -> dict[str, Protected]:
    """Decides disclosure over the tables of one metric, or of metrics whose populations are
    linked (metrics.linked: `links` are (total, parts) whose persons add up, or the same
    persons) and so are protected together, like linked tables in official statistics.
    Adds `suppressed` to each metric's cells, and `cell`, each cell's number within its
    snapshot over all the metrics (for Protected.sums_follow).

    `keep` ranks the metrics: a further cell to hide is taken from the lowest rank first.
    Without `secondary` (a class whose figures are all published anyway) only the primary
    rule hides cells.
    Each table has one row per snapshot and cell: [snapshot_date, scope_all, forvaltning,
    dim, <the dimension columns>, n, value, numerator_0 ...] where scope_all is true for cells
    over every förvaltning (T and X) and dim names the breakdown of X and FX cells (null for
    T, F); numerator columns only where the metric's class has the numerator rule. A cell
    without a value that passes the primary rule (women's pay where a förvaltning has no men)
    is written as hidden but protects nothing: the equations take it as known.
    """
    names = list(tables)
    width = {m: [c for c in tables[m].columns if c.startswith(NUMERATOR_PREFIX)] for m in names}
    offset, total_width = {}, 1
    for m in names:
        offset[m], total_width = total_width, total_width + len(width[m])
    frames = {}
    for m in names:
        primary = small(pl.col("n"), [pl.col(c) for c in width[m]], thresholds[m])
        frames[m] = tables[m].with_columns(
            primary.fill_null(True).alias("_primary"),
            (pl.col("value").is_null() & ~primary.fill_null(True)).alias("_empty"))
    dates = sorted({d for f in frames.values() for d in f["snapshot_date"].unique().to_list()})
    largest = max(thresholds.values())
    decided: dict[str, list] = {m: [] for m in names}
    solutions = {}
    for snapshot in dates:
        parts = {m: f.filter(pl.col("snapshot_date") == snapshot) for m, f in frames.items()}
        keys, sizes, start = [], [], {}
        for m in names:
            start[m] = len(keys)
            keys += [(m, *key) for key in _cell_keys(parts[m])]
            sizes += _sizes(parts[m], width[m], offset[m], total_width)
        hidden = [h for m in names for h in parts[m]["_primary"].to_list()]
        empty = [e for m in names for e in parts[m]["_empty"].to_list()]
        ranks = [(keep or {}).get(key[0], 0) for key in keys]
        if secondary:
            found, solutions[snapshot] = _secondary(keys, sizes, hidden, largest, links, ranks)
        else:  # nothing is protected by keeping a hidden cell from being worked out
            found, solutions[snapshot] = hidden, _null_space([], hidden)
        for m in names:
            count = parts[m].height
            decided[m].append(parts[m].with_columns(
                pl.Series("suppressed", [h or e for h, e in zip(
                    found[start[m]:start[m] + count], empty[start[m]:start[m] + count],
                    strict=True)], dtype=pl.Boolean),
                pl.int_range(start[m], start[m] + count, dtype=pl.Int64).alias("cell")))
    result = {}
    for m in names:
        done = (pl.concat(decided[m]) if decided[m]
                else frames[m].with_columns(pl.col("_primary").alias("suppressed"),
                                            pl.lit(0, dtype=pl.Int64).alias("cell")))
        result[m] = Protected(done.drop("_primary", "_empty"), solutions)
    return result


def _sizes(part: pl.DataFrame, numerators: list[str], offset: int,
           width: int) -> list[list[float]]:
    """[n, numerators of every metric of the family] per cell of one metric: its own numerators
    at its offset, the others' zero (a sum of hidden cells checks each metric's apart)."""
    sizes = []
    for n, *counts in part.select(pl.col("n").fill_null(0), *numerators).iter_rows():
        size = [0.0] * width
        size[0] = float(n)
        size[offset:offset + len(counts)] = [float(v or 0) for v in counts]
        sizes.append(size)
    return sizes


def _cell_keys(part: pl.DataFrame) -> list[tuple]:
    """(scope_all, forvaltning, dim, category) of each row."""
    dims = part["dim"].to_list()
    return [
        (scope_all, forvaltning, dim, row[dim] if dim else None)
        for scope_all, forvaltning, dim, row in zip(
            part["scope_all"].to_list(), part["forvaltning"].to_list(), dims,
            part.iter_rows(named=True), strict=True)
    ]


def equations(keys: list[tuple], links: Sequence[tuple[str, tuple[str, ...]]] = ()
              ) -> list[tuple[int, list[int]]]:
    """The additive equations between the cells (row numbers): (total, parts). Keys are
    (metric, scope_all, forvaltning, dim, category): each metric's own tables, and for each
    link (total metric, part metrics) the cell of the total beside the same cell of its parts,
    wherever every part has that breakdown (a part without the cell holds nobody)."""
    by_metric: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        by_metric[key[0]].append(i)
    found = []
    for rows in by_metric.values():
        found += [(rows[t], [rows[p] for p in parts])
                  for t, parts in _metric_equations([keys[i][1:] for i in rows])]
    index = {key: i for i, key in enumerate(keys)}
    dims = {m: {keys[i][3] for i in rows} for m, rows in by_metric.items()}
    for total, parts in links:
        if total not in by_metric or not all(p in by_metric for p in parts):
            continue
        for i in by_metric[total]:
            _, *cell = keys[i]
            if not all(cell[2] in dims[p] for p in parts):
                continue
            members = [index[key] for key in ((p, *cell) for p in parts) if key in index]
            if members:
                found.append((i, members))
    return found


def _metric_equations(keys: list[tuple]) -> list[tuple[int, list[int]]]:
    """The equations within one metric's tables, over keys (scope_all, forvaltning, dim,
    category)."""
    index = {key: i for i, key in enumerate(keys)}
    total = index.get((True, None, None, None))
    if total is None:
        return []
    forvaltningar = {k[1]: i for k, i in index.items() if not k[0] and k[2] is None}
    margins: dict[str, dict] = defaultdict(dict)
    rows: dict[tuple, list[int]] = defaultdict(list)
    columns: dict[tuple, list[int]] = defaultdict(list)
    for (scope_all, forvaltning, dim, category), i in index.items():
        if dim is None:
            continue
        if scope_all:
            margins[dim][category] = i
        else:
            rows[(dim, forvaltning)].append(i)
            columns[(dim, category)].append(i)
    found = [(total, list(forvaltningar.values()))]
    for dim, cells in margins.items():
        found.append((total, list(cells.values())))
        found.extend((cells[category], parts) for (d, category), parts in columns.items()
                     if d == dim and category in cells)
    found.extend((forvaltningar[f], parts) for (_, f), parts in rows.items()
                 if f in forvaltningar)
    return [(t, parts) for t, parts in found if parts]


def _secondary(keys: list[tuple], sizes: list[list[float]], primary: list[bool],
               threshold: int, links, keep: list[int]
               ) -> tuple[list[bool], tuple[dict[int, int], np.ndarray]]:
    """Which cells of one snapshot's tables are hidden, and the solution of the equations for
    them (_null_space) that proves no hidden cell or small sum of them can be worked out.

    Links add up persons (n), not what the numerators count. So with links the counts of
    persons are protected over every equation, links included, taking as known the n of
    every cell not hidden for its own n or for this (a cell hidden for a numerator, or to
    protect one, may be shown by a linked metric over the same persons); and each metric's
    n and numerators over its own equations. The two alternate until neither hides more."""
    hidden = list(primary)
    own = equations(keys)
    groups = subset_groups(keys)
    if not links:
        return hidden, _protect(own, hidden, sizes, keep, threshold, groups)
    linked = equations(keys, links)
    persons = [size[:1] for size in sizes]
    at_key: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        at_key[key[1:]].append(i)
    peers = [at_key[key[1:]] for key in keys]
    counted = [p and size[0] < threshold for p, size in zip(primary, sizes, strict=True)]
    while True:
        before = sum(hidden)
        _protect(linked, counted, persons, keep, threshold, groups, peers)
        hidden = [h or c for h, c in zip(hidden, counted, strict=True)]
        solution = _protect(own, hidden, sizes, keep, threshold, groups)
        if sum(hidden) == before:
            return hidden, solution


def _protect(eqs, hidden: list[bool], sizes: list[list[float]], keep: list[int],
             threshold: int, groups, peers: list[list[int]] | None = None
             ) -> tuple[dict[int, int], np.ndarray]:
    """Hides cells (in `hidden`) until every equation holds and no hidden cell, or small sum
    of them, follows from the shown ones; returns the solution that proves it.

    With `peers` (across linked metrics: each cell's cells of the same key in the other
    metrics), a hidden cell that is no small group itself may follow (it is then known, not
    protecting; what it protected is checked itself), and an exposed cell gets a hidden peer
    first: the same group in a linked metric, as consistent suppression of linked tables
    does."""
    while True:
        _hide_until_equations_hold(eqs, hidden, sizes, keep, threshold)
        solution = _null_space(eqs, hidden)
        exposed = _exposed(solution, groups, hidden, sizes, threshold, strict=peers is None)
        if not exposed:
            return solution
        # Hide the smallest shown cell that shares an equation with the exposed cells.
        touching = [(t, *parts) for t, parts in eqs if t in exposed or set(parts) & exposed]
        near = []
        if peers:  # the same groups, in the linked metrics, as the exposed and their partners
            partners = exposed | {c for cells in touching for c in cells if hidden[c]}
            near = [c for e in partners for c in peers[e] if not hidden[c]]
        near = near or [c for cells in touching for c in cells if not hidden[c]]
        near = near or [i for i, h in enumerate(hidden) if not h]
        if not near:
            return solution
        hidden[_freeing(near, exposed, eqs, hidden, sizes, keep, threshold, groups, peers)] = True


def _freeing(near: list[int], exposed: set[int], eqs, hidden: list[bool], sizes, keep,
             threshold: int, groups, peers, tries: int = 24) -> int:
    """The cell to hide for an exposed one: across linked metrics, the first of the cheapest
    candidates (_smallest's order) that frees it, else the cheapest. Within one metric the
    cheapest, as always."""
    order = sorted(set(near), key=lambda i: (keep[i], sizes[i][0], i))
    if peers is None:
        return order[0]
    for cell in order[:tries]:
        hidden[cell] = True
        still = _exposed(_null_space(eqs, hidden), groups, hidden, sizes, threshold, False)
        hidden[cell] = False
        if not still & exposed:
            return cell
    return order[0]


def _smallest(cells: list[int], sizes: list[list[float]], keep: list[int]) -> int:
    """The cell to hide next: of the metrics least kept (keep, metrics.linked.KEPT), the one
    resting on the fewest persons (the first of equals)."""
    return min(cells, key=lambda i: (keep[i], sizes[i][0], i))


def subset_groups(keys: list[tuple]) -> list[list[int]]:
    """The cells that a subset of förvaltningar adds up (the sidebar's filter): per metric,
    the förvaltningar, and the förvaltningar of each category of a breakdown."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (metric, scope_all, _, dim, category) in enumerate(keys):
        if not scope_all:
            groups[(metric, dim, category)].append(i)
    return list(groups.values())


def _exposed(solution: tuple[dict[int, int], np.ndarray], groups, hidden: list[bool],
             sizes: list[list[float]], threshold: int, strict: bool = True) -> set[int]:
    """Hidden cells a reader can work out from the shown ones: a single hidden cell, or hidden
    cells of one subset group whose sum would fail the primary rule. Empty when none. (The
    first such, in cell order and then in _subsets order.)"""
    column, null_space = solution
    fixed = np.all(np.abs(null_space) < 1e-9, axis=0)  # each hidden cell on its own
    for cell, j in column.items():
        if fixed[j] and (strict or _is_small(sizes[cell], threshold)):
            return {cell}
    for group in groups:
        members = [c for c in group if hidden[c]]
        if len(members) < 2:
            continue
        varies = null_space[:, [column[c] for c in members]]
        amounts = np.array([sizes[c] for c in members])
        found = (_first_pinned(varies, amounts, threshold) if len(members) > EXHAUSTIVE_UP_TO
                 else _first_pinned_of_all(varies, amounts, threshold))
        if found is not None:
            return {members[i] for i in found}
    return set()


EXHAUSTIVE_UP_TO = 12
"""A subset group of at most this many hidden cells has every subset of two or more tested;
a larger one its pairs, triples, and all but two, all but one and all (_subsets)."""


def _subsets(members: list[int], exhaustive_up_to: int = EXHAUSTIVE_UP_TO):
    """Every subset of two or more (beyond `exhaustive_up_to` members: pairs, triples, and
    all but one or two)."""
    n = len(members)
    sizes = range(2, n + 1) if n <= exhaustive_up_to else sorted({2, 3, n - 2, n - 1, n})
    for size in sizes:
        yield from combinations(members, size)


def _pinned(varies: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Whether each chosen subset's sum (rows of 0/1 over the members) follows from the shown
    cells: its columns of the solution (`varies`, how far each member can vary) add up to 0."""
    return np.all(np.abs(varies @ chosen.T) < 1e-9, axis=0)


@functools.cache
def _every_subset(m: int) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """_subsets of m members, and each as a row of 0/1 over them: the same for every group of
    m hidden cells (a catalogue asks thousands of times)."""
    chosen = list(_subsets(list(range(m))))
    pick = np.zeros((len(chosen), m))
    for row, subset in enumerate(chosen):
        pick[row, list(subset)] = 1.0
    pick.setflags(write=False)
    return chosen, pick


def _first_pinned_of_all(varies: np.ndarray, amounts: np.ndarray, threshold: int):
    """The first subset of _subsets (as member positions) whose sum fails the primary rule and
    follows from the shown cells, testing every subset at once; None if none."""
    chosen, pick = _every_subset(len(amounts))
    candidates = np.flatnonzero(_is_small((pick @ amounts).T, threshold))
    found = candidates[_pinned(varies, pick[candidates])] if candidates.size else candidates
    return chosen[found[0]] if found.size else None


def _first_pinned(varies: np.ndarray, amounts: np.ndarray, threshold: int):
    """_first_pinned_of_all for a group past EXHAUSTIVE_UP_TO, without listing its subsets:
    a sum over a subset S follows where its columns add up to 0, so where |sum of them|^2,
    read off the members' Gram matrix G (e_S' G e_S), is 0. Pairs, triples (one member at a
    time) and the complements of none, one or two members are screened this way, with their
    sums of persons, in the order of _subsets; the screened ones are then proven as
    _first_pinned_of_all proves them. Time m^3 and memory m^2 for m members, where listing the
    triples took m^4 of both (a group of 5,000 hidden förvaltningar asked for terabytes)."""
    m = len(amounts)
    gram = varies.T @ varies
    own = np.diag(gram)
    loose = 1e-8  # only a screen: the proof below decides, as for the small groups
    upper = np.triu(np.ones((m, m), dtype=bool), 1)
    pair_norm = own[:, None] + own[None, :] + 2 * gram
    pair_sum = amounts.T[:, :, None] + amounts.T[:, None, :]
    ordered: list[tuple[int, ...]] = [
        (int(i), int(j)) for i, j in np.argwhere(upper & (pair_norm < loose)
                                                 & _is_small(pair_sum, threshold))]
    for i in range(m):  # triples (i, j, k), i < j < k
        norm = pair_norm + own[i] + 2 * (gram[i][:, None] + gram[i][None, :])
        later = upper & (np.arange(m) > i)[:, None]
        small = _is_small(pair_sum + amounts[i][:, None, None], threshold)
        ordered += [(i, int(j), int(k)) for j, k in np.argwhere(later & (norm < loose) & small)]
    everything = amounts.sum(axis=0)
    total_norm, towards = gram.sum(), gram.sum(axis=1)
    apart: list[tuple[int, ...]] = []  # complements, as the members left out
    two_norm = total_norm - 2 * (towards[:, None] + towards[None, :]) + pair_norm
    apart += [(int(i), int(j)) for i, j in np.argwhere(
        upper & (two_norm < loose) & _is_small(everything[:, None, None] - pair_sum, threshold))]
    one_norm = total_norm - 2 * towards + own
    apart += [(int(i),) for i in np.flatnonzero(
        (one_norm < loose) & _is_small((everything - amounts).T, threshold))]
    if total_norm < loose and _is_small(everything, threshold):
        apart.append(())
    left: dict[int, list] = {2: [], 1: [], 0: []}
    for out in apart:
        left[len(out)].append(tuple(i for i in range(m) if i not in out))
    for subset in [*ordered, *sorted(left[2]), *sorted(left[1]), *left[0]]:
        pick = np.zeros((1, m))
        pick[0, list(subset)] = 1.0
        if _pinned(varies, pick)[0]:
            return subset
    return None


def _hide_until_equations_hold(eqs, hidden: list[bool], sizes: list[list[float]], keep,
                               threshold: int) -> None:
    """The secondary rule, repeated until every equation holds (each pass hides a cell)."""
    changed = True
    while changed:
        changed = False
        for total, parts in eqs:
            hidden_parts = [p for p in parts if hidden[p]]
            unknown = len(hidden_parts) + hidden[total]
            if unknown == 0:
                continue
            hidden_sum = [sum(column) for column in zip(*(sizes[p] for p in hidden_parts),
                                                         strict=True)] if hidden_parts else []
            if unknown > 1 and (hidden[total] or not _is_small(hidden_sum, threshold)):
                continue
            # The smallest shown part, or the total when no part is left; across linked
            # metrics the total too, when it is kept less than the parts.
            shown = [p for p in parts if not hidden[p]]
            if not hidden[total] and (not shown or keep[total] < min(keep[p] for p in shown)):
                shown.append(total)
            if not shown:
                continue
            hidden[_smallest(shown, sizes, keep)] = True
            changed = True


def _null_space(eqs, hidden: list[bool]) -> tuple[dict[int, int], np.ndarray]:
    """The hidden cells (cell -> column) and the projection onto the values they can take
    without changing a shown cell (the null space of the equations): column j is how far cell
    j can vary, so a sum of hidden cells is pinned down where its columns add up to zero.
    From the thin SVD: the rows of V with a singular value span what the equations fix."""
    column = {cell: j for j, cell in enumerate(i for i, h in enumerate(hidden) if h)}
    rows = []
    for total, parts in eqs:
        row = np.zeros(len(column))
        for p in parts:
            if hidden[p]:
                row[column[p]] = 1.0
        if hidden[total]:
            row[column[total]] = -1.0
        if row.any():
            rows.append(row)
    if not rows:
        return column, np.eye(len(column))
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    fixed = vt[:int((singular > 1e-9).sum())]
    return column, np.eye(len(column)) - fixed.T @ fixed


# --- publication mode (docs/disclosure.md, "Publication mode") --------------------------------

# Units that are counts of persons or of their work: published rounded like SCB's counts.
COUNT_UNITS = ("personer", "anställningar", "årsarbetare")
# Units of percentages. Those that are a share of the persons a cell counts (n x value / 100
# is a count of persons, or a difference of two) are published as whole percent, so that a
# published n and share do not give the exact n and numerator back.
SHARE_UNITS = ("%", "procentenheter")
# Percentages that are no share of persons (of hours, of salaries, a mean of rates): n x value
# gives no count, so their decimals hide nothing and they keep them. A new percentage is a
# share of persons unless it is named here (tests/test_publication.py checks both on the demo).
NOT_PERSON_SHARES = frozenset({
    "sick_leave_total", "sick_leave_long_share", "sick_leave_women", "sick_leave_men",
    "sick_leave_age_29", "sick_leave_age_30_49", "sick_leave_age_50", "hourly_hours_share",
    "mean_contracted_rate", "mean_actual_rate", "women_salary_share_of_men",
    "education_pay_premium", "social_worker_salary_spread_relative",
})
# From this published n on, shares of persons are published as whole percent; below, to 5.
SHARE_FINE_FROM = 100
# What a reader of a published table, the pack or the Excel file is told about the rounding.
ROUNDING_NOTE = (
    "Avrundade värden: antal till närmaste 10 (100 från 1 000), löner till närmaste 100 kr "
    "och andelar av personer till hela procent (jämna 5 procent i grupper under 100 personer). "
    "Förändringar räknas på de exakta värdena och avrundas på samma sätt; en förändring som "
    "blir 0 vid avrundningen skrivs som mindre än halva steget."
)


def person_share(metric) -> bool:
    """Whether the metric is a share of the persons it counts (published to whole percent)."""
    return metric.unit in SHARE_UNITS and metric.id not in NOT_PERSON_SHARES


def rounded(metric) -> bool:
    """Whether publication mode rounds the metric to a step coarser than its decimals."""
    return metric.unit in (*COUNT_UNITS, "kr") or person_share(metric)


def decimals(metric, publication: bool = False) -> int:
    """The decimals a metric's values are shown, exported and stored with in a view."""
    if publication and rounded(metric):
        return 0
    return metric.decimals


def shown(metric, publication: bool = False):
    """The metric with the decimals its values are shown with in this mode (for formatting:
    ui.numbers takes a metric's unit and decimals)."""
    places = decimals(metric, publication)
    return metric if places == metric.decimals else replace(metric, decimals=places)


def round_as_shown(frame: pl.DataFrame, metric, publication: bool = False) -> pl.DataFrame:
    """Values (and the published change, where there is one) rounded to the decimals they are
    shown with (what the CLI and the Excel write)."""
    places = decimals(metric, publication)
    return frame.with_columns(pl.col(c).round(places, mode="half_away_from_zero")
                              for c in ("value", "change") if c in frame.columns)


def _nearest(expr: pl.Expr, step) -> pl.Expr:
    return (expr / step).round(mode="half_away_from_zero") * step


def _count(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.abs() < 1000).then(_nearest(expr, 10)).otherwise(_nearest(expr, 100))


def step(metric) -> pl.Expr | None:
    """The step a published value is rounded to, from the published row (`value`, `n`); None
    where publication keeps the metric's decimals."""
    if metric.unit in COUNT_UNITS:
        return pl.when(pl.col("value").abs() < 1000).then(10).otherwise(100)
    if person_share(metric):
        return pl.when(pl.col("n") < SHARE_FINE_FROM).then(5).otherwise(1)
    if metric.unit == "kr":
        return pl.lit(100)
    return None


def change_step(metric, *rows) -> float | None:
    """The step a published change between published rows (mappings with value and n) is
    rounded to: the coarser of theirs. None where the metric keeps its decimals."""
    expr = step(metric)
    if expr is None:
        return None
    frame = pl.DataFrame({"value": [float(r["value"]) for r in rows],
                          "n": [r["n"] for r in rows]}, schema={"value": pl.Float64,
                                                                "n": pl.Int64})
    return float(frame.select(expr.max()).item())


def round_for_publication(frame: pl.DataFrame, metric,
                          over: Sequence[str] | None = None) -> pl.DataFrame:
    """Publication mode (metric-definitions.md §0.9, as SCB publishes): counts and årsarbetare
    to the nearest 10 below 1 000 and the nearest 100 from 1 000, salaries to the nearest
    100 kr, shares of persons to whole percent (to 5 percent in groups of under 100 persons),
    everything else to the metric's decimals. Shares are computed before rounding. So a reader
    cannot work the exact n back from a published n and share (tests/test_attack.py checks it
    on the demo): with whole percents, n = 20 and 72 % would fit only 13 of 18.

    With `over` (the breakdown columns of a series, [] for a total), a column `change`: the
    change of each cell since the previous snapshot of the frame, worked out from the exact
    values and rounded to the coarser step of the two published values (or to the metric's
    decimals); null for the first snapshot and where either cell is hidden."""
    if metric.unit in COUNT_UNITS:
        value = _count(pl.col("value"))
    elif person_share(metric):
        value = pl.when(_count(pl.col("n")) < SHARE_FINE_FROM) \
            .then(_nearest(pl.col("value"), 5)).otherwise(_nearest(pl.col("value"), 1))
    elif metric.unit == "kr":
        value = _nearest(pl.col("value"), 100)
    else:
        value = pl.col("value").round(metric.decimals, mode="half_away_from_zero")
    published = frame.with_columns(_count(pl.col("n")).cast(pl.Int64).alias("n"),
                                   value.alias("value"))
    if over is None:
        return published
    return with_change(frame, published, metric, list(over))


def with_change(exact: pl.DataFrame, published: pl.DataFrame, metric,
                 keys: list[str]) -> pl.DataFrame:
    """published with `change` (round_for_publication), each cell matched on `keys` with its
    cell at the frame's previous snapshot date."""
    by_step = step(metric)
    rows = published.with_columns(
        exact["value"].alias("_exact"),
        (pl.lit(None, dtype=pl.Float64) if by_step is None else by_step).alias("_step"))
    dates = rows["snapshot_date"].unique().sort()
    previous = pl.DataFrame({"snapshot_date": dates[1:], "_previous": dates[:-1]},
                            schema={"snapshot_date": dates.dtype, "_previous": dates.dtype})
    before = rows.select(pl.col("snapshot_date").alias("_previous"), *keys,
                         pl.col("_exact").alias("_exact_before"),
                         pl.col("_step").alias("_step_before"))
    joined = (rows.join(previous, on="snapshot_date", how="left", maintain_order="left")
              .join(before, on=["_previous", *keys], how="left", nulls_equal=True,
                    maintain_order="left"))
    exact_change = pl.col("_exact") - pl.col("_exact_before")
    if by_step is None:
        change = exact_change.round(metric.decimals, mode="half_away_from_zero")
    else:
        change = _nearest(exact_change, pl.max_horizontal("_step", "_step_before"))
    change = pl.when(change == 0).then(0.0).otherwise(change)  # no "-0"
    return joined.with_columns(change.cast(pl.Float64).alias("change")).select(
        *published.columns, "change")
