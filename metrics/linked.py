"""Metrics whose populations add up, or are the same persons, are protected together.

Disclosure is decided over every table of a metric at once (disclosure.py). Two metrics over
overlapping populations could still give away what each hides on its own: the women's and
men's sick leave add up to the total's persons, and a cell that one
full-time figure hides for a small numerator is shown, with its n, by another figure over the
same persons. So the metrics of a family below are decided as one set of linked tables, the way
official statistics protects tables that share cells: each link adds, for every cell the
metrics share, the equation total = sum of parts to the equations the proof solves.

The sums between the employed, the hourly-paid, those at work and those on full leave are not
linked (SUMS_NOT_LINKED below says why); publication mode's rounding covers them.

A link is declared where its persons add up in the whole municipality. Within a förvaltning
they add up only nearly (a person counts in the förvaltning of their main employment among the
employments each population holds, and a person with both a monthly and an hourly employment
is one employee), and the proof takes the equation as exact: it credits a reader with more
than the figures give, never less. Same-population links are found from the records
(`_population`); the sums are declared in LINKS.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from metrics import registry
from metrics.definition import Metric


@dataclass(frozen=True)
class Link:
    total: str
    parts: tuple[str, ...]
    why: str


LINKS: tuple[Link, ...] = (
    Link("full_time_share", ("working_full_time_share",),
         "the same persons wherever the extract has the actual rate"),
    Link("sick_leave_total", ("sick_leave_women", "sick_leave_men"),
         "the sick-leave key figures by gender add up to the total's persons"),
    Link("sick_leave_total", ("sick_leave_age_29", "sick_leave_age_30_49", "sick_leave_age_50"),
         "the sick-leave key figures by age add up to the total's persons"),
    Link("sick_leave_total", ("sick_leave_long_share",),
         "the long-term share is over the same persons as the total"),
)


# Metrics whose counts of persons add up or nest but whose sums are not linked: the employed, the
# monthly-paid, the hourly-paid, those at work and those on full leave (and the figures over
# the same persons), and the monthly-paid by level of education. A difference of two of them
# gives, in analysis mode, a count of persons by employment form, leave or education. Analysis
# mode is for the analysts, who hold the extracts; the committee sees publication mode, whose
# rounding keeps the counts out (docs/disclosure.md "Limits", tests/test_attack_pairs.py).
# Protecting them together would hide headcount or the full-time share of every förvaltning,
# and the municipality's headcount by gender, with one to four hourly-paid persons or persons
# on leave.
SUMS_NOT_LINKED = frozenset({
    "headcount", "mean_age", "fte_total", "tillsvidare_share", "full_time_share",
    "working_full_time_share", "full_time_gap", "mean_contracted_rate", "mean_actual_rate",
    "full_time_share_tillsvidare", "hourly_paid_persons", "hourly_paid_fte",
    "hourly_paid_employments", "hourly_hours_share", "full_leave_persons",
    "development_plan_share", "dialogue_share", "turnover", "turnover_excl_retirement",
    "education_pay_median_long", "education_pay_median_upper_secondary",
    "education_pay_premium", "women_salary_share_of_men",
})

# Where a link forces a further cell to be hidden, it is taken from the metric latest in this
# list (or not in it): the figures the committee follows first are hidden last.
KEPT = ("sick_leave_total", "full_time_share", "fte_total", "sick_leave_women", "sick_leave_men",
        "hourly_paid_persons", "turnover")


def keep(metric_id: str) -> int:
    """How late a metric's cells are hidden to protect a linked one (higher: later)."""
    return len(KEPT) - KEPT.index(metric_id) if metric_id in KEPT else 0


def _population(metric: Metric) -> tuple:
    """What makes two metrics count the same persons in every cell."""
    return (metric.table, metric.population, metric.on_leave, metric.n, metric.person_filter,
            "" if metric.person_filter == "TRUE" else metric.person_columns)


def _same_population() -> list[Link]:
    """A link between each metric and the first of the others over the same persons, where
    their decisions could differ: a numerator rule, different breakdowns, or a member in a
    sum of LINKS (metrics with none of these decide alike by construction)."""
    groups: dict[tuple, list[Metric]] = defaultdict(list)
    for metric in registry.METRICS.values():
        groups[_population(metric)].append(metric)
    summed = {m for link in LINKS for m in (link.total, *link.parts)}
    found = []
    for first, *others in groups.values():
        members = (first, *others)
        alike = (len({m.breakdowns for m in members}) == 1
                 and not any(m.numerators and m.protection.numerator_rule for m in members)
                 and not summed & {m.id for m in members})
        if not alike:
            found += [Link(first.id, (other.id,), "the same persons") for other in others]
    return found


@functools.cache
def links() -> tuple[Link, ...]:
    return (*LINKS, *_same_population())


@functools.cache
def family(metric_id: str) -> tuple[str, ...]:
    """The metrics protected together with this one (itself included), in registry order."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links():
        for part in link.parts:
            neighbours[link.total].add(part)
            neighbours[part].add(link.total)
    found, todo = {metric_id}, [metric_id]
    while todo:
        for other in neighbours[todo.pop()] - found:
            found.add(other)
            todo.append(other)
    return tuple(m for m in registry.METRICS if m in found)


def equations(members: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The links among a family's members, as disclosure.protect_tables takes them."""
    return tuple((link.total, link.parts) for link in links()
                 if link.total in members and set(link.parts) <= set(members))
