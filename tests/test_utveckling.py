"""Issue 13: the page "Utveckling och beredskap" and the demo's stories behind it.

The page is opened with AppTest on the demo municipality (loaded through the real pipeline
into its own store, as the app does on first start) and on a store whose extract lacks the
new columns and extracts. The demo's stories are computed here by hand from the files the
demo writes, read back with polars only: the raw Swedish columns, not the pipeline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import store
from pipelines import demo
from pipelines.load import ingest, load_demo
from tests import extracts, test_app
from ui import sitemap, texts

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "ui/pages/utveckling.py"
YEARS = range(2015, 2026)
ADMIN_SSYK = ("1112", "12", "24", "25", "2621", "3343", "3512", "41", "42")
"""The administrative-staff rule of crisis placement (metrics/administrative_staff.toml)."""
LONG = "Eftergymnasial 3 år eller längre"
UPPER_SECONDARY = "Gymnasial"


# --- the demo's files, read back ---------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    paths = demo.generate(tmp_path_factory.mktemp("utveckling_demo"))
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def employment(files) -> pl.DataFrame:
    """The eleven November extracts, monthly-paid rows only, with the year."""
    frames = [pl.read_excel(files[f"exempelkommun_anstallningar_{year}-11.xlsx"],
                            sheet_name="Anställningar",
                            schema_overrides={"Karriärsteg": pl.String,
                                              "Efterträdare utsedd": pl.String,
                                              "Nyckelbefattning": pl.String})
              for year in YEARS]
    return (pl.concat(frames, how="diagonal_relaxed")
            .filter(pl.col("Löneform") == "Månadslön")
            .with_columns(year=pl.col("Mätdatum").dt.year()))


@pytest.fixture(scope="module")
def training(files) -> pl.DataFrame:
    return pl.read_csv(files[demo.TRAINING_FILE], separator=";", try_parse_dates=True,
                       schema_overrides={"Personnummer": pl.String})


@pytest.fixture(scope="module")
def crisis(files) -> pl.DataFrame:
    return pl.read_csv(files[demo.CRISIS_FILE], separator=";",
                       schema_overrides={"Personnummer": pl.String, "Vecka": pl.String})


def by_year(frame: pl.DataFrame, value: pl.Expr) -> dict[int, float]:
    return dict(frame.group_by("year").agg(value.alias("v")).sort("year").rows())


def within_12_months(column: str) -> pl.Expr:
    return (pl.col(column) > pl.col("Mätdatum").dt.offset_by("-12mo")).fill_null(False)


def test_the_files_carry_the_contract_s_headers(files):
    # after them come the yearly pay extracts (issue 23)
    assert [name for name in files if "loneuttag" not in name][-2:] == [
        "exempelkommun_utbildningar_2014-2025.csv", "exempelkommun_krisplaceringar_2023-2025.csv"]
    first = files[demo.TRAINING_FILE].read_bytes().decode("utf-8-sig").splitlines()[0]
    assert first == "Personnummer;Kurs;Kursdatum"
    first = files[demo.CRISIS_FILE].read_bytes().decode("utf-8-sig").splitlines()[0]
    assert first == "Personnummer;Mottagande enhet;Kärnverksamhet;Vecka"
    header = pl.read_excel(files["exempelkommun_anstallningar_2025-11.xlsx"]).columns
    assert header[-6:] == ["Utbildningsnivå", "Karriärsteg", "Utvecklingsplan upprättad",
                           "Senaste medarbetarsamtal", "Nyckelbefattning",
                           "Efterträdare utsedd"]
    # plans are recorded from 2019: the earlier extracts have no such column
    assert "Utvecklingsplan upprättad" not in pl.read_excel(
        files["exempelkommun_anstallningar_2018-11.xlsx"]).columns


def test_education_levels_are_the_contract_s_values_and_pay_a_premium(employment):
    levels = set(employment["Utbildningsnivå"].drop_nulls().unique())
    assert levels == {"Förgymnasial", UPPER_SECONDARY, "Eftergymnasial kortare än 3 år", LONG}
    latest = employment.filter(pl.col("year") == 2025)
    median = dict(latest.group_by("Utbildningsnivå")
                  .agg(pl.col("Månadslön (heltid)").median()).rows())
    premium = median[LONG] / median[UPPER_SECONDARY] - 1
    assert 0.20 < premium < 0.45, premium
    # by occupation: nurses long post-secondary, assistant nurses upper secondary
    share_long = dict(latest.group_by("Befattning").agg(
        (pl.col("Utbildningsnivå") == LONG).mean()).rows())
    assert share_long["Sjuksköterska"] > 0.8 and share_long["Undersköterska"] < 0.1
    # a person keeps their level across the years
    per_person = employment.group_by("Personnummer").agg(
        pl.col("Utbildningsnivå").drop_nulls().n_unique())
    assert per_person["Utbildningsnivå"].max() == 1


@pytest.mark.parametrize(("title", "step", "low", "high"), [
    ("Grundskollärare", "Förstelärare", 0.09, 0.16),
    ("Undersköterska", "Specialistundersköterska", 0.01, 0.08),
    ("Socialsekreterare", "Specialistsocionom", 0.03, 0.12),
])
def test_career_steps_grow_and_pay_more(employment, title, step, low, high):
    staff = employment.filter(pl.col("Befattning") == title)
    assert set(staff["Karriärsteg"].drop_nulls().unique()) == {step}
    share = by_year(staff, pl.col("Karriärsteg").is_not_null().mean())
    assert all(low <= s <= high for s in share.values()), share
    assert share[2025] > share[2015]
    latest = staff.filter(pl.col("year") == 2025)
    pay = "Månadslön (heltid)"
    difference = (latest.filter(pl.col("Karriärsteg").is_not_null())[pay].median()
                  - latest.filter(pl.col("Karriärsteg").is_null())[pay].median())
    assert 3_000 <= difference <= 15_000, difference


def test_development_plans_rise_from_2019_and_dialogues_stay_high(employment):
    permanent = employment.filter(pl.col("Anställningsform") == "Tillsvidareanställning"
                                  ).unique(["year", "Personnummer"])
    plans = by_year(permanent, within_12_months("Utvecklingsplan upprättad").mean())
    assert all(plans[year] == 0 for year in range(2015, 2019)), plans
    assert 0.50 <= plans[2019] <= 0.60 and 0.80 <= plans[2025] <= 0.90, plans
    assert plans[2025] > plans[2022] > plans[2019]
    dialogues = by_year(permanent, within_12_months("Senaste medarbetarsamtal").mean())
    assert all(0.75 <= d <= 0.92 for d in dialogues.values()), dialogues
    # no plan or dialogue is dated after its snapshot
    for column in ("Utvecklingsplan upprättad", "Senaste medarbetarsamtal"):
        assert employment.filter(pl.col(column) > pl.col("Mätdatum")).is_empty()


def test_key_positions_are_about_3_percent_and_gain_successors(employment):
    key = employment.filter(pl.col("Nyckelbefattning") == "Ja")
    share = by_year(employment.with_columns(k=pl.col("Nyckelbefattning") == "Ja"),
                    pl.col("k").fill_null(False).mean())
    assert all(0.02 <= s <= 0.04 for s in share.values()), share
    successor = by_year(key, (pl.col("Efterträdare utsedd") == "Ja").mean())
    assert 0.30 <= successor[2015] <= 0.40 and 0.55 <= successor[2025] <= 0.65, successor
    # a successor is only named for a key position
    assert employment.filter(pl.col("Efterträdare utsedd").is_not_null()
                             & pl.col("Nyckelbefattning").is_null()).is_empty()


def test_licensed_professions_training_coverage_rises(employment, training):
    licensed = employment.filter(pl.col("Befattning").is_in(
        ["Sjuksköterska", "Grundskollärare", "Ämneslärare", "Förskollärare",
         "Socialsekreterare"])).unique(["year", "Personnummer"])
    courses = training.filter(pl.col("Kurs").str.starts_with("Fortbildning för"))
    joined = licensed.join(courses, on="Personnummer", how="left").with_columns(
        took=(pl.col("Kursdatum") <= pl.col("Mätdatum"))
        & (pl.col("Kursdatum") > pl.col("Mätdatum").dt.offset_by("-12mo")))
    per_person = joined.group_by("year", "Personnummer").agg(
        pl.col("took").fill_null(False).any())
    coverage = by_year(per_person, pl.col("took").mean())
    assert 0.40 <= coverage[2015] <= 0.60 and 0.70 <= coverage[2025] <= 0.85, coverage


def test_resident_facing_courses_start_2017_and_spread(employment, training):
    courses = training.filter(pl.col("Kurs").is_in(list(demo.RESIDENT_COURSES)))
    assert courses["Kursdatum"].min() > dt.date(2016, 11, 1)
    staff = employment.filter(pl.col("Befattning").is_in(["Undersköterska", "Barnskötare",
                                                          "Grundskollärare"]))
    joined = staff.unique(["year", "Personnummer"]).join(
        courses, on="Personnummer", how="left").with_columns(
        took=(pl.col("Kursdatum") <= pl.col("Mätdatum"))
        & (pl.col("Kursdatum") > pl.col("Mätdatum").dt.offset_by("-36mo")))
    coverage = by_year(joined.group_by("year", "Personnummer").agg(
        pl.col("took").fill_null(False).any()), pl.col("took").mean())
    assert coverage[2017] < 0.15 and 0.40 <= coverage[2025] <= 0.65, coverage


def test_crisis_placement_rises_from_20_to_70_percent(employment, crisis):
    admin = employment.filter(
        pl.any_horizontal(pl.col("SSYK").str.starts_with(code) for code in ADMIN_SSYK)
    ).unique(["year", "Personnummer"])
    week_year = pl.col("Vecka").str.slice(0, 4).cast(pl.Int64)
    shares = {}
    for year in (2023, 2024, 2025):
        # placed by the snapshot: a week served up to that year, or (the file's last year)
        # a placement without a week yet
        placed = crisis.filter((week_year <= year) if year < 2025 else pl.lit(True))
        staff = admin.filter(pl.col("year") == year)
        shares[year] = staff["Personnummer"].is_in(placed["Personnummer"].implode()).mean()
    assert 0.15 <= shares[2023] <= 0.25 and 0.65 <= shares[2025] <= 0.75, shares
    assert shares[2023] < shares[2024] < shares[2025]
    services = dict(crisis.unique("Personnummer").group_by("Kärnverksamhet").len().rows())
    assert set(services) == {"Skola", "Vård och omsorg", "Annan"}
    assert services["Skola"] > services["Annan"] and services["Vård och omsorg"] > \
        services["Annan"]
    # weeks are ISO weeks of a term, none after the last snapshot
    weeks = crisis["Vecka"].drop_nulls()
    assert weeks.str.contains(r"^\d{4}-W\d{2}$").all()
    mondays = [dt.date.fromisocalendar(int(w[:4]), int(w[6:]), 1) for w in weeks]
    assert min(mondays) >= dt.date(2023, 8, 1) and max(mondays) < dt.date(2025, 11, 1)
    # weeks per administrative employee and term, 2025: approaching the one-week promise
    served_2025 = crisis.filter(week_year == 2025).height
    per_term = served_2025 / admin.filter(pl.col("year") == 2025).height / 2
    assert 0.5 <= per_term < 1.0, per_term


def test_the_new_values_leave_the_existing_draws_alone(monkeypatch):
    """With the issue-13 draws switched off, every earlier column is the same, except the
    career-step holders' salary, which carries the pay step."""
    with_steps = demo.simulate()[-1].employment

    def untouched(self, year, frame):
        return frame.with_columns(pl.lit(None, dtype=dtype).alias(name)
                                  for name, dtype in demo.DEVELOPMENT_SCHEMA.items())

    monkeypatch.setattr(demo.Development, "columns", untouched)
    without = demo.simulate()[-1].employment
    earlier = list(demo.EMPLOYMENT_SCHEMA)
    holders = with_steps["Karriärsteg"].is_not_null()
    assert 50 < holders.sum() < 400
    assert with_steps.filter(~holders).select(earlier).equals(
        without.filter(~holders).select(earlier))
    salary = "Månadslön (heltid)"
    steps = {s.name: s.pay_step for s in demo.CAREER_STEPS.values()}
    raised = with_steps.filter(holders)[salary] - without.filter(holders)[salary]
    assert raised.to_list() == [steps[s] for s in with_steps.filter(holders)["Karriärsteg"]]
    others = [c for c in earlier if c != salary]
    assert with_steps.filter(holders).select(others).equals(
        without.filter(holders).select(others))


def test_monthly_extracts_date_nothing_after_their_day():
    for day, frame in demo.monthly_extracts(demo.simulate())[:14]:
        for column in ("Utvecklingsplan upprättad", "Senaste medarbetarsamtal"):
            late = frame.filter(pl.col(column) > day)
            assert late.is_empty(), (day, column)


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="module")
def demo_installation(tmp_path_factory) -> Path:
    """An installation whose demo store is loaded (as on the app's first start)."""
    base = tmp_path_factory.mktemp("utveckling_app")
    patch = pytest.MonkeyPatch()
    patch.setenv("PERSONALPANELEN_DATA_DIR", str(base / "data"))
    patch.setenv("PERSONALPANELEN_SECRET_FILE", str(base / "secret.key"))
    (base / "data" / "curated").mkdir(parents=True)
    con = store.connect(base / "data" / "curated" / "exempelkommun.duckdb")
    try:
        report = load_demo(con)
        assert report.loaded and not report.warnings, report.summary()
    finally:
        con.close()
        patch.undo()
    return base


def _app(monkeypatch, base: Path, db: Path) -> AppTest:
    test_app._point_app_at(monkeypatch, db, base)
    monkeypatch.delenv("PERSONALPANELEN_DEMO_DB", raising=False)
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def values_table(at: AppTest, unit: str, index: int = 0) -> dict[str, str]:
    """Period -> value of the index-th values table with that unit."""
    frames = [df.value for df in at.dataframe if f"Värde ({unit})" in df.value.columns]
    frame = frames[index]
    return dict(zip(frame["Mätdatum"], frame[f"Värde ({unit})"], strict=True))


def test_page_is_in_the_mission_section_after_socialsekreterare():
    spec = sitemap.PAGE_BY_PATH["utveckling"]
    assert spec.file == PAGE and spec.section == texts.SECTION_MISSION
    paths = [p.url_path for p in sitemap.PAGES]
    assert paths.index("utveckling") == paths.index("socialsekreterare") + 1
    assert spec.primary == ("education_pay_premium", "development_plan_share",
                            "crisis_placement_share")


def test_page_shows_the_demo_s_figures(monkeypatch, demo_installation, employment, crisis):
    at = _app(monkeypatch, demo_installation, demo_installation / "own.duckdb")
    assert [t.value for t in at.title] == ["Utveckling och beredskap"]
    subheaders = [s.value for s in at.subheader]
    for label in ("Utbildningspremie, eftergymnasial 3 år eller längre",
                  "Andel tillsvidareanställda med utvecklingsplan",
                  "Andel administrativ personal med krisplacering"):
        assert label in subheaders, subheaders
    assert len(at.get("plotly_chart")) >= 3
    assert not [i.value for i in at.info], [i.value for i in at.info]
    shown = values_table(at, "%", 0)  # the education premium, by hand from the files
    # the metrics leave out employments on full leave (Faktisk sysselsättningsgrad 0); a
    # person's salary is that of the employment with the highest rate
    latest = employment.filter((pl.col("year") == 2025)
                               & (pl.col("Faktisk sysselsättningsgrad") > 0))
    persons = latest.sort(pl.col("Sysselsättningsgrad"), pl.col("Anställningsnummer"),
                          descending=[True, False]).unique("Personnummer", keep="first")
    median = dict(persons.group_by("Utbildningsnivå")
                  .agg(pl.col("Månadslön (heltid)").median()).rows())
    premium = 100 * (median[LONG] / median[UPPER_SECONDARY] - 1)
    assert shown["2025-11-01"] == f"{premium:.1f}".replace(".", ",")
    plans = values_table(at, "%", 1)
    assert "2018-11-01" not in plans and "2019-11-01" in plans  # recorded from 2019
    placed = values_table(at, "%", 2)
    assert list(placed) == ["2023-11-01", "2024-11-01", "2025-11-01"]
    admin = latest.filter(pl.any_horizontal(pl.col("SSYK").str.starts_with(code)
                                            for code in ADMIN_SSYK)).unique("Personnummer")
    share = 100 * admin["Personnummer"].is_in(crisis["Personnummer"].implode()).mean()
    assert placed["2025-11-01"] == f"{share:.1f}".replace(".", ",")


def test_every_secondary_metric_renders_on_the_demo(monkeypatch, demo_installation):
    at = _app(monkeypatch, demo_installation, demo_installation / "own.duckdb")
    spec = sitemap.PAGE_BY_PATH["utveckling"]
    for metric_id in spec.secondary:
        at.selectbox(key="more_utveckling").set_value(metric_id).run()
        assert not at.exception, (metric_id, [e.value for e in at.exception])
        assert not [i.value for i in at.info], (metric_id, [i.value for i in at.info])
        assert len(at.get("plotly_chart")) >= 4, metric_id


def test_page_says_what_the_extracts_lack(monkeypatch, tmp_path):
    """An employment extract without the issue-13 columns and no training or crisis
    extract: each metric says what is missing instead of a figure."""
    db = tmp_path / "own.duckdb"
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(tmp_path / "secret.key"))
    con = store.connect(db)
    try:
        frame = extracts.small_extract(dt.date(2025, 11, 1))
        report = ingest(con, [("uttag.csv", extracts.csv_bytes(frame))])
        assert report.loaded, report.summary()
    finally:
        con.close()
    at = _app(monkeypatch, tmp_path, db)
    infos = [i.value for i in at.info]
    assert any("Utbildningsnivå" in i for i in infos), infos
    assert any("Utvecklingsplan upprättad" in i for i in infos), infos
    assert texts.NO_DATA_FOR_TABLE["crisis_placement"] in infos, infos
    assert not at.get("plotly_chart")
