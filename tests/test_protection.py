"""Protection fitted to what each figure discloses (metrics.definition.PROTECTIONS): the law's
rule for sick leave, the public composition of the managers, pay compared where both groups
are large enough, and each class made stricter on its own."""

from __future__ import annotations

import pytest

import settings
import store
from metrics import persons, registry
from metrics.compute import compute
from metrics.definition import PROTECTIONS
from tests import employment_fixture as fx
from tests.conftest import LAW

DEFAULTS = ("MIN_CELL", "MIN_N_PERSONAL", "MIN_N_MOVEMENT", "MIN_N_PAY", "MIN_N_PERCENTILES",
            "MIN_N_SICK_LEAVE")


@pytest.fixture
def defaults(monkeypatch):
    """Every threshold at its default, the law's floor in force."""
    for name in DEFAULTS:
        monkeypatch.delenv(f"PERSONALPANELEN_{name}", raising=False)
    monkeypatch.setattr(settings, "LEGAL_MINIMUM", LAW)


def test_every_metric_declares_what_it_discloses():
    for metric in registry.METRICS.values():
        assert metric.protection is PROTECTIONS[metric.discloses]
        assert metric.protection.reason.strip()
    assert {m.discloses for m in registry.METRICS.values()} == set(PROTECTIONS)


def _sick_leave(con, employees: int):
    """The fixture's sick-leave year with `employees` employees with ordinary hours, all
    sick."""
    keep = [f"a{i}" for i in range(1, employees + 1)]
    with store.transaction(con) as cur:
        cur.execute("UPDATE absence_year SET ordinary_hours = 1700, sick_hours = 17 "
                    "WHERE person_key = 'a11'")
        cur.execute("UPDATE absence_year SET sick_hours = 17 WHERE sick_hours = 0")
        cur.execute("DELETE FROM absence_year WHERE NOT list_contains($keep, person_key)",
                    {"keep": keep})
        persons.refresh(cur)  # as a load of the changed year would
    return compute(con, "sick_leave_total")


def test_sick_leave_is_not_given_for_a_group_of_ten(fixture_con, defaults):
    frame = _sick_leave(fixture_con, 10)
    assert frame["suppressed"].to_list() == [True]


def test_sick_leave_is_given_for_a_group_of_eleven(fixture_con, defaults):
    frame = _sick_leave(fixture_con, 11)
    assert frame["n"].to_list() == [11]
    # 868 sick hours of the fixture, plus 17 each for a5, a10 and a11; 15 100 + 1 700 ordinary.
    assert frame["value"].to_list() == [pytest.approx(100 * (868 + 3 * 17) / 16800)]


def test_the_managers_gender_balance_shows_in_every_forvaltning_with_five(demo_con, defaults,
                                                                          monkeypatch):
    shown = compute(demo_con, "managers_women_share", by=["forvaltning"])
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    truth = compute(demo_con, "managers_women_share", by=["forvaltning"])
    five = truth.filter(truth["n"] >= 5).select("snapshot_date", "forvaltning")
    assert five.height > 60  # most förvaltningar have five managers in most years
    hidden = shown.join(five, on=["snapshot_date", "forvaltning"]).filter("suppressed")
    assert hidden.is_empty(), hidden


def test_womens_pay_as_a_share_of_mens_shows_on_the_demo(demo_con, defaults):
    total = compute(demo_con, "women_salary_share_of_men")
    assert total.height == 11 and not total["suppressed"].any()
    latest = total.filter(total["snapshot_date"] == total["snapshot_date"].max())
    assert latest["value"].to_list() == [pytest.approx(95.6, abs=0.05)]
    by_forvaltning = compute(demo_con, "women_salary_share_of_men", by=["forvaltning"])
    assert not by_forvaltning["suppressed"].any()


def test_a_class_is_made_stricter_on_its_own(fixture_con, defaults, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")  # the others follow it by default
    headcount = compute(fixture_con, "headcount").filter(snapshot_date=fx.S)
    turnover = compute(fixture_con, "turnover").filter(snapshot_date=fx.S)
    assert not headcount["suppressed"].any() and not turnover["suppressed"].any()
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_MOVEMENT", "50")
    assert compute(fixture_con, "turnover").filter(snapshot_date=fx.S)["suppressed"].all()
    assert compute(fixture_con, "headcount").filter(snapshot_date=fx.S).equals(headcount)
