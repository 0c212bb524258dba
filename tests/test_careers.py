"""Education pays (M13) and career steps (M14): metrics/careers.py against values worked out by
hand on the small store below, and the two optional columns through the real pipeline.

Snapshot 2025-11-01, every employment monthly-paid at 100 % unless said (salary at full time):

  person  förv  SSYK  education            career step               salary
  g1      A     5321  gymnasial            -                         28 000
  g2      A     5321  gymnasial            -                         29 000
  g3 (M)  A     5321  gymnasial            -                         30 000
  g4      A     5311  gymnasial            -                         27 000
  g5 (M)  B     5321  gymnasial            -                         31 000
  l1      A     2221  eftergymnasial_lang  -                         40 000
  l2      A     2221  (none) 80 % main job                           42 000
                2221  eftergymnasial_lang, 20 % second job           60 000 (not her salary)
  l3 (M)  A     5321  eftergymnasial_lang  -                         38 000
  l4      A     2343  eftergymnasial_lang  -                         36 000
  l5      B     2221  eftergymnasial_lang  -                         44 000
  k1      A     5311  eftergymnasial_kort  -                         31 000
  f1 (M)  A     9629  forgymnasial         -                         25 000
  n1      A     5321  (none)               -                         33 000
  t1      A     2341  -                    Förstelärare              41 000
  t2      A     2341  -                    -                         36 000
  t3      A     2341  -                    -                         35 000
  t4 (M)  B     2341  -                    -                         37 000
  u1      B     5321  -                    Specialistundersköterska  33 000
  h1      A     2342  -                    Förstelärare, HOURLY      -
  w1      A     2342  -                    -                         30 000

education_pay_median_upper_secondary  27 28 29 30 31 (g4 g1 g2 g3 g5)  -> 29 000, n 5
education_pay_median_long             36 38 40 42 44 (l4 l3 l1 l2 l5)  -> 40 000, n 5
                                      (l2's level comes from her second job, her salary from
                                      the main one)
education_pay_premium                 40 000 / 29 000 - 1 = 37.931034 %, n 10 (k1 f1 n1 out)
  within SSYK 5321: gymnasial 28 29 30 31 -> 29 500; l3 38 000 -> 38 000 / 29 500 - 1
                    = 28.813559 %
  förvaltning B: g5 31 000, l5 44 000 -> 44 000 / 31 000 - 1 = 41.935484 %
base occupations: 2341 and 5321 (a monthly employment with a step); not 2342, whose only step
  is h1's hourly one.
career_step_share     persons in 2341 (t1-t4) and 5321 (g1 g2 g3 g5 n1 l3 u1) = 11, on a step
                      t1 u1 = 2 -> 18.181818 %; förvaltning A: t1 of t1 t2 t3 g1 g2 g3 n1 l3
                      = 1/8; B: u1 of t4 g5 u1 = 1/3
career_step_pay_difference  step 41 000 33 000 -> 37 000; base 28 29 30 31 33 35 36 37 38
                      -> 33 000; difference 4 000.
                      Within 2341: 41 000 - median(35 36 37) 36 000 = 5 000;
                      within 5321: 33 000 - median(28 29 30 31 33 38) 30 500 = 2 500.
Snapshot 2024-11-01: t1 t2 in 2341 without steps, and no education column: no value for it.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import store
from metrics import persons, registry
from metrics.compute import compute, missing_columns
from pipelines import mapping, normalise, profiles, schema
from pipelines.load import ingest
from pipelines.schema import EMPLOYMENT_COLUMNS
from tests import extracts as ex

S = date(2025, 11, 1)
PREV = date(2024, 11, 1)
LONG, UPPER, SHORT, BELOW = ("eftergymnasial_lang", "gymnasial", "eftergymnasial_kort",
                             "forgymnasial")

# person, gender, förvaltning, ssyk, education, career step, salary, pay form, rate
_ROWS = [
    ("g1", "K", "A", "5321", UPPER, None, 28000),
    ("g2", "K", "A", "5321", UPPER, None, 29000),
    ("g3", "M", "A", "5321", UPPER, None, 30000),
    ("g4", "K", "A", "5311", UPPER, None, 27000),
    ("g5", "M", "B", "5321", UPPER, None, 31000),
    ("l1", "K", "A", "2221", LONG, None, 40000),
    ("l2", "K", "A", "2221", None, None, 42000, "monthly", 80.0),
    ("l2", "K", "A", "2221", LONG, None, 60000, "monthly", 20.0),
    ("l3", "M", "A", "5321", LONG, None, 38000),
    ("l4", "K", "A", "2343", LONG, None, 36000),
    ("l5", "K", "B", "2221", LONG, None, 44000),
    ("k1", "K", "A", "5311", SHORT, None, 31000),
    ("f1", "M", "A", "9629", BELOW, None, 25000),
    ("n1", "K", "A", "5321", None, None, 33000),
    ("t1", "K", "A", "2341", None, "Förstelärare", 41000),
    ("t2", "K", "A", "2341", None, None, 36000),
    ("t3", "K", "A", "2341", None, None, 35000),
    ("t4", "M", "B", "2341", None, None, 37000),
    ("u1", "K", "B", "5321", None, "Specialistundersköterska", 33000),
    ("h1", "K", "A", "2342", None, "Förstelärare", None, "hourly", None),
    ("w1", "K", "A", "2342", None, None, 30000),
]


def _frame() -> pl.DataFrame:
    rows = []
    for i, (person, gender, forv, ssyk, education, step, salary, *rest) in enumerate(_ROWS):
        pay_form, rate = rest if rest else ("monthly", 100.0)
        rows.append({"snapshot_date": S, "employment_id": f"e{i}", "person_key": person,
                     "birth_year": 1980, "gender": gender, "forvaltning": forv,
                     "ssyk_code": ssyk, "employment_form": "tillsvidare", "pay_form": pay_form,
                     "contracted_rate": rate, "monthly_salary_fte": salary,
                     "education_level": education, "career_step": step})
    for i, person in enumerate(("t1", "t2")):
        rows.append({"snapshot_date": PREV, "employment_id": f"p{i}", "person_key": person,
                     "birth_year": 1980, "gender": "K", "forvaltning": "A", "ssyk_code": "2341",
                     "employment_form": "tillsvidare", "pay_form": "monthly",
                     "contracted_rate": 100.0, "monthly_salary_fte": 35000.0})
    given = pl.DataFrame(rows, infer_schema_length=None)
    return pl.DataFrame(
        {name: given[name] if name in given.columns else None for name, _ in EMPLOYMENT_COLUMNS}
    ).with_columns(pl.lit(1).alias("load_id"))


@pytest.fixture
def careers_con(tmp_path):
    connection = store.connect(tmp_path / "careers.duckdb")
    data = _frame()
    with store.transaction(connection) as cur:
        cur.register("incoming", data)
        cur.execute("INSERT INTO employment BY NAME SELECT * FROM incoming")
        cur.execute("INSERT INTO load_log VALUES (1, now(), 'careers', 'x', "
                    "[DATE '2024-11-01', DATE '2025-11-01'], $rows, 0, 'test')",
                    {"rows": data.height})
        persons.refresh(cur)
    yield connection
    connection.close()


@pytest.fixture
def thresholds_one(monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "1")


def _cells(con, metric_id, **kwargs) -> pl.DataFrame:
    return compute(con, metric_id, **kwargs).filter(pl.col("snapshot_date") == S)


def _total(con, metric_id) -> tuple[int, float]:
    ((n, value),) = _cells(con, metric_id).select("n", "value").rows()
    return n, value


EXPECTED = {
    "education_pay_median_upper_secondary": (5, 29000.0),
    "education_pay_median_long": (5, 40000.0),
    "education_pay_premium": (10, 100 * (40000 / 29000 - 1)),
    "career_step_share": (11, 100 * 2 / 11),
    "career_step_pay_difference": (11, 4000.0),
}


@pytest.mark.parametrize(("metric_id", "expected"), EXPECTED.items())
def test_hand_computed_totals(careers_con, thresholds_one, metric_id, expected):
    n, value = _total(careers_con, metric_id)
    assert n == expected[0]
    assert value == pytest.approx(expected[1])


@pytest.mark.parametrize("metric_id", EXPECTED)
def test_snapshot_without_the_columns_has_no_value(careers_con, thresholds_one, metric_id):
    """2024 has neither education levels nor career steps: no row rather than a zero."""
    frame = compute(careers_con, metric_id)
    assert frame["snapshot_date"].unique().to_list() == [S]


def test_within_occupation(careers_con, thresholds_one):
    premium = _cells(careers_con, "education_pay_premium", by=["occupation"])
    in_5321 = premium.filter(pl.col("occupation") == "5321")
    assert in_5321["value"].to_list() == [pytest.approx(100 * (38000 / 29500 - 1))]
    # 2221 has no one with gymnasial education: no value, so the cell is hidden
    assert premium.filter(pl.col("occupation") == "2221")["suppressed"].to_list() == [True]
    difference = _cells(careers_con, "career_step_pay_difference", by=["occupation"])
    assert dict(difference.select("occupation", "value").rows()) == {
        "2341": pytest.approx(5000.0), "5321": pytest.approx(2500.0)}


def test_breakdown_by_forvaltning(careers_con, thresholds_one):
    premium = _cells(careers_con, "education_pay_premium", by=["forvaltning"])
    b = premium.filter(pl.col("forvaltning") == "B")
    assert b["value"].to_list() == [pytest.approx(100 * (44000 / 31000 - 1))]
    share = _cells(careers_con, "career_step_share", by=["forvaltning"])
    assert dict(share.select("forvaltning", "value").rows()) == {
        "A": pytest.approx(100 / 8), "B": pytest.approx(100 / 3)}


def test_small_cells_are_hidden(careers_con, monkeypatch):
    """Each group compared must reach the threshold: förvaltning B has one person with each
    education level and one on a step, so its cells are hidden; the totals (5 + 5 persons;
    2 on a step) are not."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "2")
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "2")
    premium = _cells(careers_con, "education_pay_premium", by=["forvaltning"])
    b = premium.filter(pl.col("forvaltning") == "B")
    assert b.select("n", "value", "suppressed").rows() == [(None, None, True)]
    # A alone would give B away by subtraction from the total: hidden too
    assert premium["suppressed"].to_list() == [True, True]
    assert _total(careers_con, "education_pay_premium")[1] == pytest.approx(
        100 * (40000 / 29000 - 1))
    share = _cells(careers_con, "career_step_share", by=["forvaltning"])
    assert share["suppressed"].to_list() == [True, True]  # one person on a step in each
    assert _total(careers_con, "career_step_share")[1] == pytest.approx(100 * 2 / 11)


def test_salary_threshold_hides_the_whole_figure(careers_con, monkeypatch):
    """At the default percentile threshold (10) five persons per level are too few."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "10")
    frame = compute(careers_con, "education_pay_premium")
    assert frame.is_empty() or frame["suppressed"].all()


def test_metrics_registered_with_their_columns():
    for metric_id in EXPECTED:
        metric = registry.get(metric_id)
        assert "occupation" in metric.breakdowns
    premium = registry.get("education_pay_premium")
    assert missing_columns(premium, {"pay_form", "monthly_salary_fte"}) == ["education_level"]
    step = registry.get("career_step_share")
    assert missing_columns(step, {"pay_form", "ssyk_code"}) == ["career_step"]


# --- the optional columns through the pipeline ----------------------------------------------

def _extract() -> pl.DataFrame:
    """Ten monthly-paid persons written as a payroll system would, levels in the ways the
    schema reads them (Swedish words, SUN digits), one level it cannot read."""
    levels = ["Gymnasial", "3", "gymnasial utbildning", "Eftergymnasial 3 år eller längre",
              "5", "6", "Eftergymnasial kortare än 3 år", "Förgymnasial", "Magisterexamen?", ""]
    steps = ["", "", "", "Förstelärare", "", "", "", "", "", ""]
    salaries = [28000, 30000, 32000, 45000, 40000, 50000, 35000, 26000, 39000, 31000]
    rows = [(S.isoformat(), ex.personnummer(1970 + i, i, "K"), f"E{i}", "Skola",
             "2341" if i in (0, 3) else "5321", "Månadslön", "100", str(salaries[i]),
             levels[i], steps[i]) for i in range(10)]
    return pl.DataFrame(rows, orient="row", schema=[
        "Mätdatum", "Personnummer", "Anställningsnummer", "Förvaltning", "SSYK", "Löneform",
        "Sysselsättningsgrad", "Månadslön (heltid)", "Utbildningsnivå", "Karriärsteg"])


def test_extract_with_the_new_columns_loads(con):
    report = ingest(con, [("uttag.csv", ex.csv_bytes(_extract()))])
    assert report.loaded, [str(f) for f in report.findings]
    # the unreadable level: a warning naming the file, its row (header on line 1) and column
    (finding,) = [f for f in report.findings if f.column == "Utbildningsnivå"]
    assert (finding.severity, finding.file, finding.row) == ("varning", "uttag.csv", 10)
    assert "Magisterexamen?" in finding.message
    stored = store.read(con, "SELECT employment_id, education_level, career_step "
                             "FROM employment ORDER BY employment_id")
    assert stored.rows() == [
        ("E0", UPPER, None), ("E1", UPPER, None), ("E2", UPPER, None),
        ("E3", LONG, "Förstelärare"), ("E4", LONG, None), ("E5", LONG, None),
        ("E6", SHORT, None), ("E7", BELOW, None), ("E8", None, None), ("E9", None, None)]
    # gymnasial 28 000 30 000 32 000 -> 30 000; lång 45 000 40 000 50 000 -> 45 000
    assert _total(con, "education_pay_premium") == (6, pytest.approx(50.0))
    # base occupation 2341 (E3's step): E0 and E3, one on a step; 45 000 - 28 000
    assert _total(con, "career_step_share") == (2, pytest.approx(50.0))
    assert _total(con, "career_step_pay_difference") == (2, pytest.approx(17000.0))


def test_career_step_on_an_hourly_employment_is_a_warning(con):
    frame = _extract().with_columns(
        pl.when(pl.col("Anställningsnummer") == "E1").then(pl.lit("Timlön"))
        .otherwise(pl.col("Löneform")).alias("Löneform"),
        pl.when(pl.col("Anställningsnummer") == "E1").then(pl.lit("Förstelärare"))
        .otherwise(pl.col("Karriärsteg")).alias("Karriärsteg"))
    report = ingest(con, [("uttag.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    (finding,) = [f for f in report.findings if f.column == "Karriärsteg"]
    assert (finding.severity, finding.row) == ("varning", 3)
    # E1 is hourly: not in the population, and its step makes no base occupation (5321)
    assert _total(con, "career_step_share") == (2, pytest.approx(50.0))


def test_every_education_key_reads_as_written():
    keys = list(schema.EDUCATION_LEVEL_VALUES)
    frame = pl.DataFrame({"raw": [*keys, "3.0", " Gymnasial ", "Eftergymnasial < 3 år",
                                  "eftergymnasial", "7", ""]})
    read = frame.select(normalise.PARSERS[schema.EDUCATION_LEVEL](pl.col("raw")))
    assert read.to_series().to_list() == [
        *(schema.EDUCATION_LEVEL_VALUES[key] for key in keys), UPPER, UPPER,
        None, None, None, None]
    assert set(schema.EDUCATION_LEVEL_VALUES.values()) == set(schema.EDUCATION_LEVELS)


def test_demo_holds_only_known_education_levels(demo_con):
    levels = store.read(demo_con, "SELECT DISTINCT education_level FROM employment")
    assert set(levels["education_level"].to_list()) <= {None, *schema.EDUCATION_LEVELS}


def test_a_profile_maps_local_education_values(con):
    """The mapping form offers the four levels, and a profile's [values] table reads a local
    value as one of them."""
    assert mapping.targets("education_level") == schema.EDUCATION_LEVELS
    profile = profiles.Profile(name="Lokal", columns={"education_level": "Utbildningsnivå"},
                               values={"education_level": {"Magisterexamen?": LONG}})
    report = ingest(con, [("uttag.csv", ex.csv_bytes(_extract()))], profile=profile)
    assert report.loaded, [str(f) for f in report.findings]
    assert not [f for f in report.findings if f.column == "Utbildningsnivå"]
    stored = store.read(con, "SELECT education_level FROM employment "
                             "WHERE employment_id = 'E8'")
    assert stored["education_level"].to_list() == [LONG]


def test_a_later_load_refreshes_the_base_occupations_per_snapshot(con):
    """Loading 2024 (no career steps) after 2025 refreshes both snapshots' derived rows: 2025
    keeps its base occupation, 2024 has none."""
    assert ingest(con, [("2025.csv", ex.csv_bytes(_extract()))]).loaded
    assert _total(con, "career_step_share") == (2, pytest.approx(50.0))
    earlier = _extract().with_columns(pl.lit(PREV.isoformat()).alias("Mätdatum"),
                                      pl.lit(None, dtype=pl.String).alias("Karriärsteg"))
    assert ingest(con, [("2024.csv", ex.csv_bytes(earlier))]).loaded
    frame = compute(con, "career_step_share")
    assert frame.select("snapshot_date", "n", "value").rows() == [(S, 2, pytest.approx(50.0))]
