"""The demo municipality's yearly pay extracts (issue 23), loaded through the real pipeline.

The store is the session's demo store (conftest.demo_con: load_demo on a fresh folder). The
figures are the product's own (metrics.pay_transparency) or computed here from the store's
rows; what they are checked against is the demo's story (pipelines/demo_pay.py), never a
number taken from a run of the generator.
"""

from __future__ import annotations

import polars as pl
import pytest

import settings
import store
from metrics import pay_transparency
from pipelines import demo, demo_pay

MIN_EACH = 5
"""Categories with at least this many women and men: the shipped min_n_pay, under which a
category's gap rests on too few persons."""
PAY_HEADERS = [
    "År", "Personnummer", "Kön", "Förvaltning", "Befattning", "SSYK", "Arbetstagarkategori",
    "Arbetsvärderingsnivå", "Utbetald grundlön", "OB-tillägg", "Jourersättning",
    "Beredskapsersättning", "Övertidsersättning", "Övriga tillägg", "Betalda timmar",
]
COMPONENTS = ("ob_pay", "on_call_pay", "standby_pay", "overtime_pay", "other_pay")


def november_persons(con) -> pl.DataFrame:
    """(year, person_key) of everyone in a November snapshot."""
    return store.read(con, "SELECT DISTINCT year(snapshot_date)::INTEGER AS year, person_key "
                           "FROM employment WHERE month(snapshot_date) = 11")


@pytest.fixture(scope="module")
def pay(demo_con) -> pl.DataFrame:
    return store.read(demo_con, "SELECT * FROM pay_year")


@pytest.fixture(scope="module")
def years(demo_con) -> list[int]:
    return pay_transparency.years(demo_con)


@pytest.fixture(scope="module")
def reports(demo_con, years) -> dict[int, pay_transparency.Report]:
    return {year: pay_transparency.report(demo_con, year) for year in years}


# --- the files -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def snapshots() -> list[demo.Snapshot]:
    return demo.simulate()


def test_a_pay_file_per_year_with_swedish_headers(snapshots, tmp_path):
    paths = demo_pay.write(tmp_path, snapshots, demo.DEMO_SEED)
    assert [p.name for p in paths] == [f"exempelkommun_loneuttag_{year}.csv"
                                       for year in demo.SNAPSHOT_YEARS]
    raw = paths[0].read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == PAY_HEADERS
    hours = [line.split(";")[-1] for line in lines[1:]]
    assert any("," in h for h in hours) and not any("." in h for h in hours)


def test_the_same_seed_gives_the_same_pay(snapshots):
    first = demo_pay.extracts(snapshots, demo.DEMO_SEED)
    again = demo_pay.extracts(snapshots, demo.DEMO_SEED)
    other = demo_pay.extracts(snapshots, demo.DEMO_SEED + 1)
    assert all(a.equals(b) for (_, a), (_, b) in zip(first, again, strict=True))
    assert not any(a.equals(b) for (_, a), (_, b) in zip(first, other, strict=True))


# --- the store -----------------------------------------------------------------------------

def test_pay_for_every_demo_year(demo_con, years):
    snapshot_years = november_persons(demo_con)["year"].unique().sort().to_list()
    assert len(snapshot_years) == len(demo.SNAPSHOT_YEARS)
    assert years == snapshot_years


def test_the_persons_are_those_of_the_november_snapshot(demo_con, pay):
    persons = pay.select("year", "person_key")
    assert persons.is_unique().all()  # a person's employments added up to one row
    employed = november_persons(demo_con)
    assert persons.join(employed, on=["year", "person_key"], how="anti").height == 0
    assert employed.join(persons, on=["year", "person_key"], how="anti").height == 0


def test_gender_forvaltning_and_occupation_are_the_employment_extract_s(demo_con, pay):
    jobs = store.read(demo_con, "SELECT DISTINCT year(snapshot_date)::INTEGER AS year, "
                                "person_key, gender, forvaltning, job_title, ssyk_code "
                                "FROM employment WHERE month(snapshot_date) = 11")
    keys = ["year", "person_key", "gender", "forvaltning", "job_title", "ssyk_code"]
    assert pay.join(jobs, on=keys, how="anti").height == 0
    assert pay["gender"].is_in(["K", "M"]).all()


def test_basic_pay_and_hours_follow_salary_and_rate(demo_con, pay):
    # Monthly-paid persons with one employment, held the whole year.
    single = store.read(demo_con, """
        SELECT year(snapshot_date)::INTEGER AS year, person_key,
               any_value(monthly_salary_fte) AS salary, any_value(contracted_rate) AS rate
        FROM employment
        WHERE month(snapshot_date) = 11
        GROUP BY ALL
        HAVING count(*) = 1 AND bool_and(pay_form = 'monthly')
           AND max(employment_start) < make_date(year(max(snapshot_date))::INTEGER, 1, 1)
    """).join(pay, on=["year", "person_key"])
    assert single.height > 10_000
    rate = single["rate"] / 100  # the store keeps percent
    ratio = single["basic_pay"] / (12 * single["salary"] * rate)
    assert ratio.is_between(0.99, 1.01).all()
    full_year_hours = single["hours_paid"] / rate
    assert full_year_hours.is_between(1_700, 1_900).all()
    # The hourly-paid: the wage times the hours, and fewer hours.
    hourly = store.read(demo_con, """
        SELECT year(snapshot_date)::INTEGER AS year, person_key,
               any_value(hourly_wage) AS wage
        FROM employment
        WHERE month(snapshot_date) = 11
        GROUP BY ALL
        HAVING count(*) = 1 AND bool_and(pay_form = 'hourly')
    """).join(pay, on=["year", "person_key"])
    assert hourly.height > 1_000
    assert ((hourly["basic_pay"] / (hourly["wage"] * hourly["hours_paid"]) - 1).abs()
            < 0.01).all()
    assert hourly["hours_paid"].median() < 0.5 * full_year_hours.median()
    assert (pay["hours_paid"] > 0).all()


def test_complementary_components_go_to_some_not_all(pay):
    for year, part in pay.partition_by("year", as_dict=True).items():
        for column in COMPONENTS:
            received = part[column].is_not_null().mean()
            assert 0 < received < 0.6, (year, column, received)
    on_call = pay.filter(pl.col("on_call_pay").is_not_null())
    assert set(on_call["forvaltning"]) <= {"Vård och omsorg", "Socialtjänst"}
    standby = pay.filter(pl.col("standby_pay").is_not_null())
    assert set(standby["forvaltning"]) <= {"Teknik och service", "Samhällsbyggnad",
                                           "Kommunledningskontoret"}
    assert (standby["gender"] == "M").mean() > 0.5


def test_every_occupation_has_a_category_and_a_value_level(pay):
    assert pay["work_category"].null_count() == 0
    assert pay["value_level"].is_between(1, 8).all()
    assert pay["value_level"].n_unique() == 8
    per_category = pay.group_by("year", "work_category").agg(pl.col("value_level").n_unique())
    assert (per_category["value_level"] == 1).all()


# --- what the report and the pay survey find -----------------------------------------------

def test_the_gender_pay_gap_narrows(reports, years):
    gaps = {year: reports[year].mean_gap for year in years}
    assert all(gap is not None and gap > 0 for gap in gaps.values()), gaps
    assert gaps[years[0]] > gaps[years[-1]], gaps
    early, late = years[:3], years[-3:]
    assert (sum(gaps[y] for y in early) / 3 - sum(gaps[y] for y in late) / 3) >= 3, gaps
    assert all(reports[year].excluded == 0 for year in years)


def test_a_category_is_flagged_in_the_last_year_but_most_are_not(reports, years):
    last = reports[years[-1]]
    compared = [c for c in last.categories
                if c.mean_gap is not None and c.women >= MIN_EACH and c.men >= MIN_EACH]
    flagged = [c.category for c in compared if c.flagged]
    assert flagged, [(c.category, c.mean_gap) for c in compared]
    assert len(flagged) < len(compared) / 2, flagged
    assert all(c.flagged == (abs(c.mean_gap) >= settings.get().pay_gap_flag)
               for c in compared)


def _categories(con, year: int) -> pl.DataFrame:
    """Per category of the year: value level, women's share (%) and mean hourly pay."""
    return pay_transparency.persons(con, year).group_by("category").agg(
        pl.col("value_level").first(),
        (100 * (pl.col("gender") == "K").mean()).alias("women"),
        pl.col("hourly").mean())


def test_women_dominated_categories_and_better_paid_work_of_equal_or_lower_value(
        demo_con, years):
    share = settings.get().women_dominated_share
    for year in (years[0], years[-1]):
        categories = _categories(demo_con, year)
        dominated = categories.filter(pl.col("women") >= share)
        others = categories.filter(pl.col("women") < share)
        assert dominated.height >= 3, year
        # A women-dominated category set beside a category that is not, of equal or lower
        # value, paid more on average: the survey's comparison finds a difference.
        beside = dominated.join(others, how="cross", suffix="_other").filter(
            (pl.col("value_level_other") <= pl.col("value_level"))
            & (pl.col("hourly_other") > pl.col("hourly")))
        assert beside["category"].n_unique() >= 3, (year, beside)
