"""Issue 23: the pay extract as loaded, the pay-gap report's figures and the pay survey, each
against values computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

import store
from metrics import pay_survey, pay_transparency
from pipelines import lifecycle
from pipelines.load import ingest
from tests import extracts as ex

HEADERS = ["År", "Personnummer", "Kön", "Befattning", "Arbetstagarkategori",
           "Arbetsvärderingsnivå", "Utbetald grundlön", "OB-tillägg", "Övertidsersättning",
           "Betalda timmar"]

# name: (gender, category, value level, basic pay, OB, overtime, hours paid)
# hourly = (basic + OB + overtime) / hours; basic hourly = basic / hours
PERSONS = {
    "K1": ("K", "Vård", 3, 300_000, 30_000, None, 1500),    # 220, basic 200, comp 20
    "K2": ("K", "Vård", 3, 340_000, None, None, 1700),      # 200, basic 200, comp 0
    "K3": ("K", "Vård", 3, 380_000, 38_000, None, 1900),    # 220, basic 200, comp 20
    "M1": ("M", "Vård", 3, 420_000, 42_000, None, 2000),    # 231, basic 210, comp 21
    "K4": ("K", "Teknik", 2, 450_000, None, 0, 2000),       # 225, basic 225, comp 0
    "M2": ("M", "Teknik", 2, 480_000, None, 20_000, 2000),  # 250, basic 240, comp 10
    "M3": ("M", "Teknik", 2, 442_000, None, None, 2000),    # 221, basic 221, comp 0
    "K5": ("K", "Vård", 3, 10_000, None, None, 0),          # no hours paid: left out
}


def pnr(name: str) -> str:
    return ex.personnummer(1970 + int(name[1]), int(name[1]), name[0])


def pay_csv(persons: dict = PERSONS, year: int = 2025, drop: tuple[str, ...] = ()) -> bytes:
    rows = [(str(year), pnr(name), gender, "Undersköterska" if category == "Vård" else "Tekniker",
             category, str(level), str(basic), "" if ob is None else str(ob),
             "" if overtime is None else str(overtime), str(hours))
            for name, (gender, category, level, basic, ob, overtime, hours) in persons.items()]
    return ex.csv_bytes(pl.DataFrame(rows, orient="row", schema=HEADERS).drop(drop))


@pytest.fixture
def pay_con(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PAY", "3")
    report = ingest(con, [("lon_2025.csv", pay_csv())])
    assert report.loaded, report.findings
    return con


def test_the_report_s_gaps_equal_the_hand_computed_ones(pay_con):
    r = pay_transparency.report(pay_con, 2025)
    assert (r.women, r.men, r.excluded) == (4, 3, 1)  # K5 has no hours paid
    # women 220, 200, 220, 225: mean 216.25, median 220; men 231, 250, 221: mean 234, median 231
    assert r.mean_gap == pytest.approx((234 - 216.25) / 234 * 100)  # 7.585
    assert r.median_gap == pytest.approx((231 - 220) / 231 * 100)  # 4.762
    # recipients of supplements: women K1, K3 (20, 20), men M1, M2 (21, 10): mean 15.5
    assert r.mean_gap_complementary == pytest.approx((15.5 - 20) / 15.5 * 100)  # -29.0
    assert r.median_gap_complementary == pytest.approx((15.5 - 20) / 15.5 * 100)
    assert r.receiving_complementary == {"K": pytest.approx(50.0), "M": pytest.approx(200 / 3)}


def test_the_quartile_bands_hold_the_ranked_persons(pay_con):
    # ranked: K2 200, K1 220, K3 220, M3 221, K4 225, M1 231, M2 250; seven persons in bands
    # of 2, 2, 2, 1: [K2, K1|K3], [K3|K1, M3], [K4, M1], [M2]
    bands = pay_transparency.report(pay_con, 2025).quartiles
    assert [(b.women, b.men) for b in bands] == [(2, 0), (1, 1), (1, 1), (0, 1)]
    assert [b.women_share for b in bands] == [100, 50, 50, 0]
    assert (bands[0].lowest, bands[3].highest) == (200, 250)


def test_the_categories_and_the_flag(pay_con):
    by_name = {c.category: c for c in pay_transparency.report(pay_con, 2025).categories}
    care, tech = by_name["Vård"], by_name["Teknik"]
    # Vård: women 220, 200, 220 (mean 213.33) against M1 231
    assert (care.women, care.men, care.value_level) == (3, 1, 3)
    assert care.mean_gap == pytest.approx((231 - 640 / 3) / 231 * 100)  # 7.65: flagged
    assert care.mean_gap_basic == pytest.approx((210 - 200) / 210 * 100)
    assert care.mean_gap_complementary == pytest.approx((21 - 40 / 3) / 21 * 100)
    assert care.flagged
    # Teknik: K4 225 against men 250 and 221 (mean 235.5): 4.46, under 5
    assert tech.mean_gap == pytest.approx((235.5 - 225) / 235.5 * 100)
    assert tech.mean_gap_complementary == pytest.approx(100.0)  # men 5 kr, women 0
    assert not tech.flagged
    assert [c.category for c in pay_transparency.report(pay_con, 2025).categories] == [
        "Vård", "Teknik"]  # highest value level first


def test_the_json_has_the_keys_the_issue_names(pay_con):
    got = pay_transparency.report(pay_con, 2025).json()
    assert {"year", "mean_gap", "median_gap", "mean_gap_complementary",
            "median_gap_complementary", "receiving_complementary", "quartiles",
            "categories"} <= set(got)
    assert set(got["receiving_complementary"]) == {"K", "M"}
    assert {"women_share", "men_share"} <= set(got["quartiles"][0])
    assert {"category", "women", "men", "mean_gap_basic", "mean_gap_complementary",
            "flagged"} <= set(got["categories"][0])


def test_figures_on_too_few_persons_are_named(pay_con, monkeypatch):
    r = pay_transparency.report(pay_con, 2025)
    # k = 3: 4 women and 3 men; 2 of each receive supplements; a band holds 1 woman
    assert pay_transparency.too_few(r) == {"gap": False, "complementary": True,
                                           "receiving": True, "quartiles": True}
    assert pay_transparency.too_few(r, k=5)["gap"]
    assert pay_transparency.too_few(r, k=1) == dict.fromkeys(
        ("gap", "complementary", "receiving", "quartiles"), False)


def test_without_supplement_columns_the_complementary_figures_are_none(con):
    assert ingest(con, [("lon.csv", pay_csv(drop=("OB-tillägg", "Övertidsersättning")))]).loaded
    r = pay_transparency.report(con, 2025)
    assert r.mean_gap_complementary is None and not r.complementary_given
    assert r.receiving_complementary == {"K": None, "M": None}
    # basic pay only: women 200, 200, 200, 225 (mean 206.25), men 210, 240, 221 (223.67)
    assert r.mean_gap == pytest.approx((671 / 3 - 206.25) / (671 / 3) * 100)


def test_a_sum_column_wins_over_the_components(con):
    frame = pl.read_csv(pay_csv(), separator=";", infer_schema=False)
    frame = frame.with_columns(pl.lit("1000").alias("Utbetalda tillägg"))
    assert ingest(con, [("lon.csv", ex.csv_bytes(frame))]).loaded
    got = pay_transparency.persons(con, 2025)
    assert set(got["complementary_pay"].to_list()) == {1000.0}


def test_a_person_s_rows_are_added_up(con):
    """A file with a row per employment: pay and hours summed, the category of the row with
    the most hours."""
    two = {"K1": ("K", "Vård", 3, 300_000, 30_000, None, 1500),
           "M1": ("M", "Vård", 3, 420_000, 42_000, None, 2000)}
    frame = pl.read_csv(pay_csv(two), separator=";", infer_schema=False)
    extra = frame.head(1).with_columns(pl.lit("Teknik").alias("Arbetstagarkategori"),
                                       pl.lit("60000").alias("Utbetald grundlön"),
                                       pl.lit("").alias("OB-tillägg"),
                                       pl.lit("300").alias("Betalda timmar"))
    report = ingest(con, [("lon.csv", ex.csv_bytes(pl.concat([frame, extra])))])
    assert report.loaded and not report.errors
    got = store.read(con, "SELECT gender, work_category, basic_pay, ob_pay, hours_paid "
                          "FROM pay_year ORDER BY gender")
    assert got.row(0) == ("K", "Vård", 360_000.0, 30_000.0, 1800.0)
    assert got.height == 2


def test_the_category_table_gives_a_category_and_level_where_the_file_has_none(con):
    assert ingest(con, [("lon.csv", pay_csv(drop=("Arbetstagarkategori",
                                                   "Arbetsvärderingsnivå")))]).loaded
    groups = {c.category for c in pay_transparency.report(con, 2025).categories}
    assert groups == {"Undersköterska", "Tekniker"}  # the befattning, without a rule
    assert pay_survey.save_rules(con, pl.DataFrame({
        "occupation": ["Undersköterska", "Tekniker"], "category": ["Vård och omsorg", "Teknik"],
        "value_level": [4, 4]}), ("anna", "analyst")) == 2
    by_name = {c.category: c for c in pay_transparency.report(con, 2025).categories}
    assert set(by_name) == {"Vård och omsorg", "Teknik"}
    assert by_name["Vård och omsorg"].value_level == 4
    # a second save of the same table writes nothing; removing a rule is a version too
    assert pay_survey.save_rules(con, pay_survey.rules(con), ("anna", "analyst")) == 0
    assert pay_survey.save_rules(con, pay_survey.rules(con).head(1), ("anna", "analyst")) == 1
    assert pay_survey.rules(con)["occupation"].to_list() == ["Tekniker"]
    assert pay_survey.rule_history(con).height == 3
    assert "pay_categories" in store.audit_log(con)["action"].to_list()


@pytest.mark.parametrize(("rows", "message"), [
    ({"occupation": ["Tekniker"], "category": [""], "value_level": [1]}, "kategori behövs"),
    ({"occupation": ["A", "A"], "category": ["x", "y"], "value_level": [1, 1]}, "redan"),
    ({"occupation": ["A"], "category": ["x"], "value_level": [1.5]}, "heltal"),
])
def test_a_bad_rule_is_refused_and_nothing_saved(con, rows, message):
    with pytest.raises(pay_survey.SurveyError, match=message):
        pay_survey.save_rules(con, pl.DataFrame(rows), ("anna", "analyst"))
    assert pay_survey.rule_history(con).height == 0


def test_the_survey_s_groups_and_comparison_of_equal_value(pay_con):
    s = pay_survey.survey(pay_con, 2025)
    groups = {row["category"]: row for row in s.groups.iter_rows(named=True)}
    # Vård: 3 women of 4 (75 %): women-dominated; basic pay women 200, men 210
    assert groups["Vård"]["women_dominated"] and groups["Vård"]["women_share"] == 75
    assert groups["Vård"]["difference"] == pytest.approx((210 - 200) / 210 * 100)
    assert not groups["Vård"]["flagged"]
    assert not groups["Teknik"]["women_dominated"]
    # Teknik (level 2 <= 3) is paid more: mean basic (225 + 240 + 221) / 3 against Vård's
    # (200 * 3 + 210) / 4 = 202.5
    (comparison,) = s.comparisons.iter_rows(named=True)
    assert (comparison["group"], comparison["other"]) == ("Vård", "Teknik")
    other = (225 + 240 + 221) / 3
    assert comparison["difference"] == pytest.approx((other - 202.5) / other * 100)  # 11.4
    assert pay_survey.needing_notes(pay_con, 2025) == [comparison["item"]]


def test_a_group_paid_more_at_a_higher_value_level_is_not_compared(con):
    higher = {name: (*row[:2], 4 if row[1] == "Teknik" else 3, *row[3:])
              for name, row in PERSONS.items()}
    assert ingest(con, [("lon.csv", pay_csv(higher))]).loaded
    assert pay_survey.survey(con, 2025).comparisons.is_empty()


def test_notes_keep_their_history_and_actions_come_back_next_year(pay_con):
    item = pay_survey.needing_notes(pay_con, 2025)[0]
    actor = ("anna", "analyst")
    pay_survey.save_note(pay_con, pay_survey.Note(2025, item, "action", "Höj lönerna",
                                                  cost=120_000, due=date(2026, 4, 1)), actor,
                         at=datetime(2025, 12, 1))
    pay_survey.save_note(pay_con, pay_survey.Note(2025, item, "action", "Höj lönerna",
                                                  cost=120_000, due=date(2026, 4, 1),
                                                  status="done"), actor,
                         at=datetime(2026, 5, 1))
    assert pay_survey.needing_notes(pay_con, 2025) == []
    (current,) = pay_survey.notes(pay_con, 2025).iter_rows(named=True)
    assert (current["version"], current["status"], current["cost"]) == (2, "done", 120_000)
    assert pay_survey.note_history(pay_con, 2025)["status"].to_list() == ["done", "planned"]
    assert pay_survey.follow_up(pay_con, 2026)["item"].to_list() == [item]
    assert sum(a == "pay_survey" for a in store.audit_log(pay_con)["action"]) == 2


@pytest.mark.parametrize(("note", "message"), [
    (pay_survey.Note(2025, "x", "action", "  "), "Skriv"),
    (pay_survey.Note(2025, "x", "guess", "text"), "Okänd sorts"),
    (pay_survey.Note(2025, "x", "action", "text", cost=-1), "negativ"),
])
def test_a_bad_note_is_refused(con, note, message):
    with pytest.raises(pay_survey.SurveyError, match=message):
        pay_survey.save_note(con, note, ("anna", "analyst"))
    assert pay_survey.note_history(con, 2025).is_empty()


def test_the_trend_has_a_row_per_year(con):
    assert ingest(con, [("lon_2025.csv", pay_csv())]).loaded
    narrower = {**PERSONS, "K2": ("K", "Vård", 3, 374_000, None, None, 1700)}  # 220
    assert ingest(con, [("lon_2026.csv", pay_csv(narrower, year=2026))]).loaded
    trend = pay_transparency.trend(con)
    assert trend["year"].to_list() == [2025, 2026]
    # 2026: women 220, 220, 220, 225 (mean 221.25) against men's 234
    assert trend["mean_gap"][1] == pytest.approx((234 - 221.25) / 234 * 100)
    assert trend["mean_gap"][0] > trend["mean_gap"][1]


def test_a_reloaded_year_replaces_and_an_erased_person_is_gone(pay_con):
    assert ingest(pay_con, [("lon_2025.csv", pay_csv())]).loaded
    assert store.read(pay_con, "SELECT count(*) AS n FROM pay_year")["n"][0] == 8
    lifecycle.erase_person(pay_con, pnr("K1"), ("anna", "admin"))
    assert store.read(pay_con, "SELECT count(*) AS n FROM pay_year")["n"][0] == 7
    assert pay_transparency.report(pay_con, 2025).women == 3


def test_the_demo_seeding_records_two_actions_once(con):
    assert ingest(con, [("lon_2025.csv", pay_csv())]).loaded
    assert ingest(con, [("lon_2026.csv", pay_csv(year=2026))]).loaded
    actor = ("system", "admin")
    assert pay_survey.seed_demo(con, actor) == 2
    assert pay_survey.seed_demo(con, actor) == 0
    assert pay_survey.notes(con, 2025)["status"].to_list() == ["done"]
    assert pay_survey.follow_up(con, 2027)["status"].to_list() == ["planned"]


def test_a_personnummer_typed_into_a_note_or_rule_is_not_stored(con):
    number = pnr("K1")
    pay_survey.save_note(con, pay_survey.Note(2025, "lika:Vård", "explanation",
                                              f"Gäller {number} som bytt tjänst"),
                         ("anna", "analyst"))
    pay_survey.save_rules(con, pl.DataFrame({"occupation": ["Tekniker"],
                                             "category": [f"Teknik {number}"],
                                             "value_level": [2]}), ("anna", "analyst"))
    stored = (store.read(con, "SELECT text FROM pay_survey_note").rows()
              + store.read(con, "SELECT category FROM pay_category_rule").rows())
    assert all(number not in value and "[personnummer]" in value for (value,) in stored)


@pytest.mark.parametrize(("n", "sizes"), [(4, [1, 1, 1, 1]), (6, [2, 2, 1, 1]),
                                          (7, [2, 2, 2, 1]), (9, [3, 2, 2, 2]), (3, [1, 1, 1])])
def test_the_quartile_bands_are_as_equal_as_can_be_the_lower_ones_larger(n, sizes):
    frame = pl.DataFrame({"person_key": [f"p{i}" for i in range(n)],
                          "gender": ["K", "M"] * (n // 2) + ["K"] * (n % 2),
                          "hourly": [float(200 + i) for i in range(n)]})
    bands = pay_transparency.quartiles(frame)
    assert [b.women + b.men for b in bands] == sizes
    assert bands[0].lowest == 200 and bands[-1].highest == 200 + n - 1


def test_the_load_s_summary_names_the_pay_extract_s_year_not_a_snapshot_date(con):
    report = ingest(con, [("lon_2025.csv", pay_csv())])
    assert ", år 2025 (" in report.summary() and "mätdatum" not in report.summary()


def test_the_trend_s_gaps_are_each_year_s_report(con):
    assert ingest(con, [("lon_2025.csv", pay_csv())]).loaded
    assert ingest(con, [("lon_2024.csv", pay_csv(year=2024, drop=("OB-tillägg",)))]).loaded
    for row in pay_transparency.trend(con).iter_rows(named=True):
        r = pay_transparency.report(con, row["year"])
        for key in ("women", "men", "mean_gap", "median_gap", "mean_gap_complementary",
                    "median_gap_complementary"):
            expected = getattr(r, key)
            assert row[key] == (pytest.approx(expected) if expected is not None else None), key
