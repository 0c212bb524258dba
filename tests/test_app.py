"""AppTest for every page of the dashboard, against stores the tests build.

Most tests open the hand-computed fixture (tests/employment_fixture.py), so each page can be
checked against values worked out by hand there: full_time_share 2025-11-01 is 10/14 =
71,4 %, 2024-11-01 is 100 %; headcount 15 and 7; and so on. The upload tests use their own
copy of the store, the demo test an empty one.
"""

from __future__ import annotations

import gc
import html
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import settings
import store
from metrics import registry
from metrics.compute import tables_sql
from tests import employment_fixture as fx
from tests import extracts
from tests.conftest import LAW
from tests.test_plain_text import markup, visible
from ui import sitemap

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
NBSP = "\u00a0"

PAGE_FILES = {spec.url_path: spec.file for spec in sitemap.PAGES}
CHART_PAGES = [p.url_path for p in sitemap.PAGES if p.metric_ids] + ["oversikt"]


# --- stores ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory) -> Path:
    """The hand-computed fixture, written once and closed before any app opens it."""
    path = tmp_path_factory.mktemp("app_store") / "fixture.duckdb"
    con = store.connect(path)
    fx.load(con)
    con.close()
    return path


def _point_app_at(monkeypatch, db_path: Path, base: Path) -> None:
    monkeypatch.setenv("PERSONALPANELEN_DB", str(db_path))
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(base / "secret.key"))
    for name in ("PERSONALPANELEN_MIN_CELL", "PERSONALPANELEN_MIN_N_PERCENTILES",
                 "PERSONALPANELEN_MIN_N_SICK_LEAVE", "PERSONALPANELEN_RETIREMENT_AGE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def app(fixture_store, monkeypatch, tmp_path) -> AppTest:
    """The app on the fixture store, after its first run (the overview)."""
    _point_app_at(monkeypatch, fixture_store, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def own_store(fixture_store, monkeypatch, tmp_path) -> Path:
    """A private copy of the fixture store, for tests that write to it."""
    path = tmp_path / "own.duckdb"
    shutil.copy(fixture_store, path)
    _point_app_at(monkeypatch, path, tmp_path)
    return path


# --- helpers -----------------------------------------------------------------------------------


def open_page(at: AppTest, url_path: str) -> AppTest:
    at.switch_page(PAGE_FILES[url_path]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tables_with(at: AppTest, column: str) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe if column in df.value.columns]


def values_table(at: AppTest, unit: str, index: int = 0) -> dict[str, tuple[str, str]]:
    """Period -> (n, value) of the index-th metric values table with that unit."""
    frame = tables_with(at, f"Värde ({unit})")[index]
    period = "Mätdatum" if "Mätdatum" in frame.columns else "År"
    n_column = next(c for c in frame.columns if c.startswith("Antal"))
    return {row[period]: (row[n_column], row[f"Värde ({unit})"]) for _, row in frame.iterrows()}


def metrics_shown(at: AppTest) -> dict[str, tuple[str, str]]:
    """label -> (value, delta) of every st.metric on the page (first of equal labels)."""
    shown: dict[str, tuple[str, str]] = {}
    for m in at.metric:
        shown.setdefault(m.label, (m.value, m.delta))
    return shown


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def text(value: str) -> str:
    """What the reader sees of a Markdown source (data text in it is escaped), with the
    non-breaking spaces of numbers as ordinary ones."""
    return visible(value).replace(NBSP, " ")


# --- structure ---------------------------------------------------------------------------------


def test_every_registered_metric_is_on_exactly_one_page():
    placed = sitemap.placed_metric_ids()
    assert sorted(placed) == sorted(registry.METRICS)
    assert len(placed) == len(set(placed))
    for metric_id in sitemap.OVERVIEW_CARDS:
        assert metric_id in registry.METRICS


def test_pages_and_url_paths():
    assert [p.url_path for p in sitemap.PAGES] == [
        "oversikt", "mal", "handlingsprogram", "chefer", "timavlonade", "heltid", "forskolan",
        "socialsekreterare", "utveckling", "personalstruktur", "kompetensforsorjning", "halsa",
        "lonekartlaggning", "ladda-upp", "exportera", "katalog", "kolada",
    ]
    assert [p.url_path for p in sitemap.PAGES if p.default] == ["oversikt"]
    for spec in sitemap.PAGES:
        assert (ROOT / spec.file).is_file(), spec.file


def test_upload_limit_in_config_equals_the_setting():
    import tomllib

    import settings

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == settings.get().max_upload_mb
    assert config["browser"]["gatherUsageStats"] is False
    # no exception type, message or traceback in the browser, for what app.py does not catch
    # (a widget's callback); Streamlit 1.67 reads "none" as that
    assert config["client"]["showErrorDetails"] == "none"


def test_an_error_in_a_page_shows_a_swedish_line_and_goes_to_the_log(fixture_store, tmp_path,
                                                                      monkeypatch, caplog):
    """The probe saw tracebacks with server paths on the page. app.py catches what a page
    raises: the page says so in Swedish, the server's log has the traceback, with any
    personnummer in it masked."""
    import logging

    from ui import data, texts

    _point_app_at(monkeypatch, fixture_store, tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/personalpanelen/data/curated: 19121212-1212 saknas")

    monkeypatch.setattr(data, "metric_frame", broken)
    with caplog.at_level(logging.ERROR, logger="personalpanelen"):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception  # nothing of the exception reaches the page
    assert [e.value for e in at.error] == [texts.UNEXPECTED_ERROR]
    logged = [r.getMessage() for r in caplog.records if r.name == "personalpanelen"]
    assert len(logged) == 1 and "RuntimeError: /srv/personalpanelen/data/curated" in logged[0]
    assert "Traceback" in logged[0] and "19121212-1212" not in logged[0]
    assert at.sidebar.children  # the sidebar, drawn before the page, stays


# --- every page renders, with a chart and a value from the fixture -----------------------------


@pytest.mark.parametrize("url_path", [p.url_path for p in sitemap.PAGES])
def test_page_renders_without_exception(app, url_path):
    open_page(app, url_path)
    assert app.title[0].value == sitemap.PAGE_BY_PATH[url_path].title
    if url_path in CHART_PAGES:
        assert app.get("plotly_chart"), f"no chart on {url_path}"


def test_overview_cards(app):
    shown = metrics_shown(app)
    full_time = registry.get("full_time_share").label_sv
    assert text(shown[full_time][0]) == "71,4 %"
    assert text(shown[full_time][1]) == "-28,6 procentenheter"  # 71,4 - 100,0
    # the monthly-paid, with l1 on full leave; the hourly-only p6 p8 p13 are not counted
    assert text(shown["Antal anställda"][0]) == "15"
    assert text(shown["Antal anställda"][1]) == "+8 personer"
    assert shown[registry.get("managers_women_share").label_sv][0] == ".."  # 3 managers < 5
    # 10 persons with ordinary hours, but only 8 of them with sick hours (fewer than 10)
    assert shown["Sjukfrånvaro totalt"][0] == ".."
    basis = [c for c in captions(app) if c.startswith("Senaste mätdatum")]
    assert text(basis[0]).startswith("Senaste mätdatum 2025-11-01 · 15 personer · källa: "
                                     "inläsningsloggen")
    assert len(app.get("plotly_chart")) == len(sitemap.OVERVIEW_CARDS)


def test_heltid_values_chart_and_breakdowns(app):
    open_page(app, "heltid")
    assert values_table(app, "%") == {"2024-11-01": ("7", "100,0"), "2025-11-01": ("14", "71,4")}
    headline = metrics_shown(app)
    assert text(headline["Senaste värde"][0]) == "71,4 %"
    assert headline["Mätdatum"][0] == "2025-11-01"
    # The noun in the label, so that "2 417" fits its card where "2 417 personer" was cut.
    assert text(headline["Antal i underlaget (personer)"][0]) == "14"
    specs = chart_specs(app)
    trend = specs[0]["data"][0]
    assert trend["x"] == ["2024", "2025"]  # one snapshot a year: labelled by year (issue 12)
    assert trend["y"] == pytest.approx([100.0, 1000 / 14])
    # 2025-11-01: A has 6 persons, 4 of them at full time (the contracted rate is a public
    # fact: no numerator rule); B has 3 persons, and Soc goes with it.
    by_forvaltning = specs[1]["data"][0]
    assert dict(zip(by_forvaltning["y"], by_forvaltning["x"], strict=True)) == {
        "A": pytest.approx(400 / 6), "B": None, "Soc": None}
    assert any("2 värden döljs eftersom de vilar på färre än 5 personer" in c
               for c in captions(app))
    about = [m.value for m in app.markdown if "Minsta antal personer" in m.value]
    assert "5 personer; färre visas som" in about[0]  # full-time share: the cell rule only
    assert "täljaren" not in about[0]
    # 4 men < 5, so the women are hidden too (they would be the total minus the men)
    gender = {trace["name"]: trace["y"] for trace in specs[2]["data"]}
    assert gender == {"Kvinnor": [None, None], "Män": [None, None]}
    assert any("4 värden döljs" in c for c in captions(app))


def test_heltid_charts_are_described_in_words_under_them(app, monkeypatch):
    """Issue 24: each chart's summary is a caption, from the values it draws (the fixture's
    values, see test_heltid_values_chart_and_breakdowns); a hidden cell is never in it, and
    publication mode words the values as it rounds them."""
    label = registry.get("full_time_share").label_sv
    managers = registry.get("managers_women_share").label_sv  # 3 managers < 5: all hidden
    on_cards = captions_shown(app)  # the overview's sparklines
    assert f"{label} 2024–2025: från 100,0 % till 71,4 %." in on_cards
    assert f"{managers} 2024–2025: värdena visas inte (för få personer)." in on_cards
    open_page(app, "heltid")
    shown = captions_shown(app)
    assert f"{label} 2024–2025: från 100,0 % till 71,4 %." in shown
    # B and Soc rest on too few persons: only A is named, the other two are counted.
    assert (f"{label} per förvaltning 2025-11-01: A 66,7 %; 2 grupper visas inte (för få "
            "personer).") in shown
    assert f"{label} per kön 2025: värdena visas inte (för få personer)." in shown
    app.toggle(key="filter_publication").set_value(True).run()
    # Shares published to the nearest 5 (71,4 -> 70; A's 66,7 -> 65), as the table has them.
    assert values_table(app, "%")["2025-11-01"][1] == "70"
    assert f"{label} 2024–2025: från 100 % till 70 %." in captions_shown(app)
    assert (f"{label} per förvaltning 2025-11-01: A 65 %; 2 grupper visas inte (för få "
            "personer).") in captions_shown(app)
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    app.toggle(key="filter_publication").set_value(False).run()
    assert f"{label} per kön 2025: kvinnor 70,0 %, män 75,0 %." in captions_shown(app)


def test_chefer_hides_cells_resting_on_three_managers(app):
    open_page(app, "chefer")
    assert values_table(app, "%") == {"2024-11-01": ("..", ".."), "2025-11-01": ("..", "..")}
    assert metrics_shown(app)["Senaste värde"][0] == ".."
    # The managers' split is published: no numerator rule, nothing hidden to protect it.
    assert "2 värden döljs eftersom de vilar på färre än 5 personer." in captions(app)
    assert chart_specs(app)[0]["data"][0]["y"] == [None, None]


def test_timavlonade_forskolan_socialsekreterare_are_hidden_at_default_thresholds(app):
    open_page(app, "timavlonade")
    assert values_table(app, "personer") == {"2025-11-01": ("..", "..")}  # 4 persons
    open_page(app, "forskolan")
    assert values_table(app, "%")["2025-11-01"] == ("..", "..")  # 4 persons
    open_page(app, "socialsekreterare")
    assert values_table(app, "kvot") == {"2025-11-01": ("..", "..")}  # 5 < 10 for percentiles


def test_mission_pages_with_thresholds_lowered(app, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PERCENTILES", "1")
    open_page(app, "chefer")
    assert values_table(app, "%")["2025-11-01"] == ("3", "66,7")  # p1 p5 of p1 p4 p5
    open_page(app, "heltid")
    specs = chart_specs(app)
    gender = {t["name"]: t["y"] for t in specs[2]["data"]}
    assert gender["Kvinnor"][-1] == pytest.approx(70.0)  # 7 of 10 women full time
    assert gender["Män"][-1] == pytest.approx(75.0)  # 3 of 4 men
    by_forvaltning = dict(zip(specs[1]["data"][0]["y"], specs[1]["data"][0]["x"], strict=True))
    assert by_forvaltning["A"] == pytest.approx(200 / 3)  # 4 of 6
    order = specs[1]["layout"]["yaxis"]["categoryarray"]
    assert order[-1] == max(by_forvaltning, key=by_forvaltning.get)  # the largest on top
    open_page(app, "timavlonade")
    assert values_table(app, "personer")["2025-11-01"] == ("4", "4")
    open_page(app, "forskolan")
    assert values_table(app, "%")["2025-11-01"] == ("4", "25,0")
    open_page(app, "socialsekreterare")
    assert values_table(app, "kvot")["2025-11-01"] == ("5", "1,49")  # 46 000 / 30 800


def test_personalstruktur(app):
    open_page(app, "personalstruktur")
    assert values_table(app, "personer") == {"2024-11-01": ("7", "7"), "2025-11-01": ("15", "15")}
    # årsarbetare leave l1 (on full leave) out: 17 persons
    assert values_table(app, "årsarbetare")["2025-11-01"] == ("17", "12,6")  # 12,634848
    value, delta = metrics_shown(app)["Senaste värde (personer)"]
    assert (value, text(delta)) == ("15", "+8 personer")
    gender = {t["name"]: t["y"] for t in chart_specs(app)[2]["data"]}
    # 11 women and 4 men: the 4 men are under 5, so both are hidden (secondary suppression)
    assert gender["Kvinnor"] == [None, None] and gender["Män"] == [None, None]


def test_kompetensforsorjning_and_retirement_age(app, monkeypatch):
    open_page(app, "kompetensforsorjning")
    # retirements at 65: p1 (66, past the age) in year 0 and six in the coming ten years
    assert values_table(app, "personer")["2025-11-01"] == ("7", "7")
    # Turnover 2 of 6: 2 leavers are fewer than 5, so hidden (the numerator rule).
    assert values_table(app, "%", index=0) == {"2025-11-01": ("..", "..")}
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    open_page(app, "kompetensforsorjning")
    assert values_table(app, "%", index=0) == {"2025-11-01": ("6", "33,3")}
    retirement_years = chart_specs(app)[1]
    assert retirement_years["layout"]["xaxis"]["categoryarray"][:2] == [
        "I år eller tidigare", "1 år"]
    assert retirement_years["layout"]["xaxis"]["categoryarray"][-1] == "10 år"

    app.selectbox(key="more_kompetensforsorjning").set_value("turnover_excl_retirement").run()
    assert values_table(app, "%", index=1) == {"2025-11-01": ("6", "16,7")}  # x1 retired
    # One retirement age, the setting: no choice in the sidebar (docs/disclosure.md, "Limits").
    assert not [box for box in app.sidebar.selectbox if "Pension" in box.label]
    assert [c.value for c in app.sidebar.caption if "Pensionsålder" in c.value] == [
        "Pensionsålder i prognosen: 65 år"]
    monkeypatch.setenv("PERSONALPANELEN_RETIREMENT_AGE", "69")
    open_page(app, "kompetensforsorjning")
    app.selectbox(key="more_kompetensforsorjning").set_value("turnover_excl_retirement").run()
    assert not app.exception
    assert values_table(app, "%", index=1) == {"2025-11-01": ("6", "33,3")}  # x1 left at 67


def test_halsa(app, monkeypatch):
    open_page(app, "halsa")
    # 10 persons, but 8 with sick hours: hidden at 10, shown at 8.
    assert values_table(app, "%") == {"2025": ("..", "..")}
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "8")
    open_page(app, "halsa")
    assert values_table(app, "%") == {"2025": ("10", "5,7")}  # 868 / 15 100, a11 left out
    assert values_table(app, "index") == {"2025": ("34", "70,3")}  # 2 390 / 34 respondents
    assert metrics_shown(app)["År"][0] == "2025"


def test_ladda_upp_shows_the_load_log(app):
    open_page(app, "ladda-upp")
    log = tables_with(app, "Rader")[0]
    assert log.iloc[0]["Fil"] == "fixture"
    assert log.iloc[0]["Rader"] == str(len(fx.ROWS))
    assert log.iloc[0]["Mätdatum"] == "2025-11-01"
    assert app.button(key="upload_go").label == "Läs in"


def test_exportera_offers_every_metric(app):
    open_page(app, "exportera")
    assert app.multiselect(key="export_metrics").value == list(registry.METRICS)
    buttons = [b for b in app.get("download_button") if b.proto.label == "Ladda ner Excel"]
    assert len(buttons) == 1  # its bytes are built on click (AppTest does not carry them)


def test_export_builder_honours_filter_and_publication(app):
    import io

    import openpyxl

    from ui import data

    build = data.metrics_workbook(["headcount"], forvaltningar=["A"], publication=True)
    sheet = openpyxl.load_workbook(io.BytesIO(build()))["Antal anställda"]
    rows = [tuple(r) for r in sheet.iter_rows(min_row=2, max_col=4, values_only=True)]
    latest = [r for r in rows if hasattr(r[0], "date") and r[0].date() == fx.S]
    assert latest[0][1:] == ("Urval: A", 10, 10)  # 8 persons in A, rounded to 10
    assert "Andel heltidsanställda" not in openpyxl.load_workbook(io.BytesIO(build())).sheetnames


def test_katalog_renders_the_registry(app):
    open_page(app, "katalog")
    table = tables_with(app, "Nyckeltal")[0]
    assert list(table["Nyckeltal"]) == [m.label_sv for m in registry.METRICS.values()]
    rows = table.set_index("Nyckeltal")
    median = rows.loc[registry.get("social_worker_salary_median").label_sv]
    assert median["Minsta antal"] == 10 and median["Sida"] == "Socialsekreterare"
    full_time = rows.loc["Andel heltidsanställda"]
    assert full_time["Kolumner som behövs"] == "Löneform, Sysselsättningsgrad"
    assert full_time["I inläst data"] == "✓"
    assert len(app.expander) == len(registry.METRICS)


def test_opening_a_store_freezes_what_is_alive_for_the_garbage_collector(own_store):
    """Streamlit collects all garbage after every run, holding the GIL: the objects alive
    once the store is open (modules, kept tables) are moved out of its sight (issue 20)."""
    gc.unfreeze()
    at = AppTest.from_file(APP, default_timeout=60).run()  # a new store path: opened anew
    assert not at.exception, [e.value for e in at.exception]
    assert gc.get_freeze_count() > 10_000


def test_katalog_writes_a_metrics_details_when_its_expander_is_opened(app):
    """58 closed expanders of Markdown and highlighted SQL made the page slow to draw (issue
    20): a metric's details are sent when the reader opens it."""
    open_page(app, "katalog")
    assert len(app.expander) == len(registry.METRICS)
    assert not app.code and not any(e.children for e in app.expander)
    metric = registry.get("full_time_share")
    app.session_state[f"catalog_details_{metric.id}"] = True  # as opening it does
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    opened = next(e for e in app.expander if e.label == metric.label_sv)
    assert [c.value for c in opened.code] == [tables_sql(metric).strip()]
    assert metric.id in opened.markdown[0].value
    assert len(app.code) == 1


# --- filters -----------------------------------------------------------------------------------


def test_forvaltning_filter_persists_across_pages(app):
    open_page(app, "heltid")
    app.multiselect(key="filter_forvaltningar").set_value(["A"]).run()
    # p1 p2 p3 p9 p10 p11, 4 of them at full time (no numerator rule for a contract's rate)
    assert values_table(app, "%")["2025-11-01"] == ("6", "66,7")
    open_page(app, "personalstruktur")
    assert app.multiselect(key="filter_forvaltningar").value == ["A"]
    assert values_table(app, "personer") == {"2024-11-01": ("..", ".."),  # p1 p2 x1
                                             "2025-11-01": ("7", "7")}  # with l1
    # (p1 p2 p3 p9 p10 p11 l1: the hourly-only p8 and p13 of A are not headcount)


def test_period_filter(app):
    open_page(app, "heltid")
    app.select_slider(key="filter_period").set_value((fx.S, fx.S)).run()
    assert values_table(app, "%") == {"2025-11-01": ("14", "71,4")}
    assert metrics_shown(app)["Senaste värde"][1] == "inget tidigare värde"


def test_publication_mode_rounds_counts(app):
    open_page(app, "personalstruktur")
    app.toggle(key="filter_publication").set_value(True).run()
    assert values_table(app, "personer")["2025-11-01"] == ("20", "20")  # 18 -> nearest 10
    assert any("Publiceringsläge" in c for c in captions(app))


# --- stores that lack data ---------------------------------------------------------------------


def test_missing_column_and_missing_extract(monkeypatch, tmp_path):
    path = tmp_path / "partial.duckdb"
    con = store.connect(path)
    fx.load(con, [row[:8] + (None,) + row[9:] for row in fx.ROWS])  # no actual rate
    with store.transaction(con) as cur:
        cur.execute("DELETE FROM absence_year")
        cur.execute("DELETE FROM hme_result")
    con.close()
    _point_app_at(monkeypatch, path, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception

    open_page(at, "heltid")
    at.selectbox(key="more_heltid").set_value("working_full_time_share").run()
    infos = [i.value for i in at.info]
    assert any("Andel som arbetar heltid" in i and "”Faktisk sysselsättningsgrad”" in i
               for i in infos), infos

    open_page(at, "halsa")
    infos = [i.value for i in at.info]
    assert ("Inga sjukfrånvarodata är inlästa ännu. Ladda upp ett sjukfrånvarouttag under "
            "Ladda upp.") in infos
    assert any(i.startswith("Inga HME-resultat är inlästa ännu") for i in infos)

    open_page(at, "oversikt")
    assert "Sjukfrånvaro totalt" not in metrics_shown(at)  # shown only when loaded


# --- upload ------------------------------------------------------------------------------------


MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ("Mätdatum;Personnummer;Anställningsnummer;Förvaltning;Befattning;SSYK;Löneform;"
           "Sysselsättningsgrad;Kön")


def _csv(snapshot: str | None, persons: int = 12) -> bytes:
    """`persons` monthly-paid persons; every fourth works 75 %, the rest full time."""
    lines = [HEADERS if snapshot else HEADERS.split(";", 1)[1]]
    for i in range(persons):
        gender = "M" if i % 3 == 0 else "K"
        fields = [extracts.personnummer(1960 + i % 40, i, gender), f"U{i}",
                  "A" if i % 2 else "B", "Undersköterska", "5321", "Månadslön",
                  "75" if i % 4 == 0 else "100", gender]
        lines.append(";".join(([snapshot] if snapshot else []) + fields))
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(at: AppTest, name: str, content: bytes, mime: str = "text/csv") -> AppTest:
    """On Ladda upp: put one file in the uploader and press "Läs in"."""
    open_page(at, "ladda-upp")
    at.file_uploader(key="upload").upload(name, content, mime)
    at.run()
    at.button(key="upload_go").click().run()
    return at


def test_upload_a_valid_csv_adds_a_snapshot(own_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "november_2026.csv", _csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    success = text(at.success[0].value)
    assert "Inläst: 12 rader från november_2026.csv" in success
    assert "2026-11-01" in success
    log = tables_with(at, "Rader")[0]
    assert log.iloc[0]["Fil"] == "november_2026.csv" and log.iloc[0]["Rader"] == "12"

    # the new snapshot is in the period filter and on the pages (the range followed it)
    assert at.select_slider(key="filter_period").value == (fx.PREV, date(2026, 11, 1))
    open_page(at, "heltid")
    assert values_table(at, "%")["2026-11-01"] == ("12", "75,0")  # 9 of 12 at 100 %


def test_upload_an_invalid_csv_shows_the_findings_and_changes_nothing(own_store):
    broken = _csv("2026-11-01").decode().splitlines()
    fields = broken[3].split(";")
    fields[1] = fields[1][:-1] + str((int(fields[1][-1]) + 1) % 10)  # wrong Luhn digit
    broken[3] = ";".join(fields)
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "trasig.csv", "\n".join(broken).encode())
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and at.error[0].value.startswith("Ingenting lästes in")
    findings = tables_with(at, "Meddelande")[0]
    assert list(findings.columns) == ["Allvarlighet", "Fil", "Rad", "Kolumn", "Meddelande"]
    errors = findings[findings["Allvarlighet"] == "fel"]
    assert (errors["Fil"] == "trasig.csv").all()
    assert "4" in set(errors["Rad"])  # line 4 of the file: the third person (text: "–" if none)
    assert any(b.proto.label == "Ladda ner valideringsrapporten"
               for b in at.get("download_button"))
    log = tables_with(at, "Rader")[0]
    assert list(log["Fil"]) == ["fixture"]  # nothing was loaded


def test_upload_without_snapshot_date_asks_for_one(own_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "utan_datum.csv", _csv(None))
    assert not at.exception
    assert "Ange mätdatum för utan" in at.error[0].value, [e.value for e in at.error]
    at.date_input(key="upload_date").set_value(date(2026, 5, 1)).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    assert "2026-05-01" in at.success[0].value


OWN_LAYOUT = {"Personnummer": "Id-nr", "Anställningsnummer": "Löpnummer", "Löneform": "Betalform"}


def _own_csv(snapshot: str) -> bytes:
    """_csv in an analyst's own layout: three required columns under headers we do not know."""
    header, rest = _csv(snapshot).decode().split("\n", 1)
    for known, own in OWN_LAYOUT.items():
        header = header.replace(known, own)
    return (header + "\n" + rest).encode()


def map_own_layout(at: AppTest, profile_name: str) -> None:
    """In the mapping form: map the own layout's headers, name the profile, and load."""
    preview = tables_with(at, "Rubrik i filen")[0]
    assert list(preview["Rubrik i filen"])[:3] == ["Mätdatum", "Id-nr", "Löpnummer"]
    for column, header in (("personnummer", "Id-nr"), ("employment_id", "Löpnummer"),
                           ("pay_form", "Betalform")):
        at.selectbox(key=f"mapping_employment_{column}").set_value(header)
    at.text_input(key="mapping_name").set_value(profile_name)
    next(b for b in at.button if b.label == "Läs in med mappningen").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_unrecognised_columns_are_mapped_by_hand_and_kept_as_a_profile(own_store, tmp_path):
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "egen.csv", _own_csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and at.error[0].value.startswith("Ingenting lästes in")
    assert at.selectbox(key="mapping_employment_forvaltning").value == "Förvaltning"  # recognised
    map_own_layout(at, "Vår lönelista")
    assert "Inläst: 12 rader från egen.csv" in text(at.success[0].value)
    saved = tmp_path / "data" / "profiles" / "var_lonelista.toml"
    assert 'personnummer = "Id-nr"' in saved.read_text(encoding="utf-8")

    # the next file in the same layout is read with the saved profile, without the form
    upload(at, "egen_2.csv", _own_csv("2027-11-01"))
    assert "Inläst: 12 rader från egen_2.csv" in text(at.success[0].value)


def test_a_pay_extract_in_an_unknown_layout_is_mapped_as_one_and_gives_the_pay_report(own_store):
    """Issue 23: a pay file whose headers are all unknown is taken for an employment extract;
    the analyst picks the kind, maps the columns and loads it, and the year's report exists."""
    from tests.extracts import personnummer

    lines = ["Id-nr;Löneår;Kön;Grundlön utbet. kr;Tillägg totalt;Tim. betalda;Lönegrupp"]
    for i in range(6):
        gender = "KM"[i % 2]
        lines.append(f"{personnummer(1970 + i, i, gender)};2026;{gender};"
                     f"{340000 + 20000 * (i % 2)};{10000};1700;Vård")
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "lonelista.csv", "\n".join(lines).encode())
    assert at.error and at.error[0].value.startswith("Ingenting lästes in")
    assert at.selectbox(key="mapping_kind").value == "employment"
    at.selectbox(key="mapping_kind").set_value("pay_year").run()
    for column, header in (("personnummer", "Id-nr"), ("year", "Löneår"),
                           ("basic_pay", "Grundlön utbet. kr"),
                           ("complementary_pay", "Tillägg totalt"),
                           ("hours_paid", "Tim. betalda"), ("work_category", "Lönegrupp")):
        at.selectbox(key=f"mapping_pay_year_{column}").set_value(header)
    # Kön is recognised once the kind is the pay extract
    assert at.selectbox(key="mapping_pay_year_gender").value == "Kön"
    next(b for b in at.button if b.label == "Läs in med mappningen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Inläst: 6 rader från lonelista.csv" in text(at.success[0].value)
    from metrics import pay_transparency
    from ui import data

    report = pay_transparency.report(data.own_connection(), 2026)
    # women 350000 / 1700, men 370000 / 1700: (370 - 350) / 370
    assert report.mean_gap == pytest.approx(20 / 370 * 100)
    assert [c.category for c in report.categories] == ["Vård"]


def test_the_sheet_with_the_data_is_chosen_by_hand_and_kept_in_the_profile(own_store, tmp_path):
    """The first sheet holds a manager list with an employment id, so it reads better than
    the payroll list in the analyst's own layout; the analyst picks the right sheet."""
    import xlsxwriter

    def workbook(snapshot: str) -> bytes:
        buffer = io.BytesIO()
        with xlsxwriter.Workbook(buffer) as book:
            managers = book.add_worksheet("Chefer")
            for r, row in enumerate([["Anställningsnummer", "Förvaltning", "Chef"],
                                     ["U1", "A", "Ja"], ["U2", "B", "Ja"]]):
                managers.write_row(r, 0, row)
            payroll = book.add_worksheet("Lönelista")
            for r, line in enumerate(_own_csv(snapshot).decode().splitlines()):
                payroll.write_row(r, 0, line.split(";"))
        return buffer.getvalue()

    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "lonelista.xlsx", workbook("2026-11-01"), MIME_XLSX)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="mapping_sheet").value == "Chefer"
    at.selectbox(key="mapping_sheet").set_value("Lönelista").run()
    map_own_layout(at, "Lönelistan")
    assert "Inläst: 12 rader från lonelista.xlsx" in text(at.success[0].value)
    saved = (tmp_path / "data" / "profiles" / "lonelistan.toml").read_text(encoding="utf-8")
    assert 'sheet = "Lönelista"' in saved

    upload(at, "lonelista_2.xlsx", workbook("2027-11-01"), MIME_XLSX)
    assert "Inläst: 12 rader från lonelista_2.xlsx" in text(at.success[0].value)


# --- first start -------------------------------------------------------------------------------


def test_an_empty_store_loads_the_demo_municipality(monkeypatch, tmp_path):
    _demo_on_first_start(monkeypatch, tmp_path)


def _demo_on_first_start(monkeypatch, tmp_path) -> AppTest:
    """The app on an empty own store: the demo is loaded into its own store and shown."""
    path = tmp_path / "data" / "curated" / "empty.duckdb"
    _point_app_at(monkeypatch, path, tmp_path)
    at = AppTest.from_file(APP, default_timeout=600).run()
    assert not at.exception, [e.value for e in at.exception]
    demo = tmp_path / "data" / "curated" / "exempelkommun.duckdb"  # the demo's own store
    for db, expected in ((demo, ["demo"]), (path, [])):
        con = store.connect(db)  # the same process: DuckDB shares the open database
        try:
            sources = store.read(con, "SELECT DISTINCT source FROM load_log")["source"]
        finally:
            con.close()
        assert sources.to_list() == expected
    shown = metrics_shown(at)
    assert shown["Antal anställda"][0] not in ("–", "..")
    assert len(at.get("plotly_chart")) >= 5
    assert at.warning[0].value.startswith("**Exempeldata.**")
    return at


def test_the_first_real_upload_leaves_the_demo_and_the_demo_can_come_back(monkeypatch,
                                                                          tmp_path):
    at = _demo_on_first_start(monkeypatch, tmp_path)
    upload(at, "november_2026.csv", _csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    assert not [w for w in at.warning if "Exempeldata" in w.value]
    open_page(at, "personalstruktur")  # no demo row in any trend: only the upload's snapshot
    assert values_table(at, "personer") == {"2026-11-01": ("12", "12")}
    at.toggle(key="show_demo").set_value(True).run()
    assert at.warning[0].value.startswith("**Exempeldata.**")
    assert "2018-11-01" in values_table(at, "personer")
    at.toggle(key="show_demo").set_value(False).run()
    assert list(values_table(at, "personer")) == ["2026-11-01"]


def test_chefer_says_how_employees_per_manager_was_counted(app):
    open_page(app, "chefer")
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Räknat via närmaste chef") and "2025-11-01" in c
               and "2024-11-01" not in c for c in captions), captions
    assert any(c.startswith("Räknat per enhet") and "2024-11-01" in c for c in captions)


# --- text from files and the store is shown as text, never as markup ---------------------------

HOSTILE = {"A": "![x](http://host/beacon.png)", "B": "[Logga in](http://evil.example)",
           "Soc": '<a href="http://evil.example">klick</a>'}
HOSTILE_SSYK = '<img src="http://host/ssyk.png">'
HOSTILE_FILE = "![logg](http://host/log.png).xlsx"
# A förvaltning only in the sick-leave and HME tables, so that the three above are a subset.
OTHER = "Teknik"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    """The fixture with förvaltningar, an SSYK code and a file name that are Markdown or HTML."""
    path = tmp_path_factory.mktemp("hostile_store") / "hostile.duckdb"
    rows = [row[:4] + (HOSTILE[row[4]],) + ((HOSTILE_SSYK,) if row[1] == "e4" else row[5:6])
            + row[6:] for row in fx.ROWS]
    con = store.connect(path)
    fx.load(con, rows)
    with store.transaction(con) as cur:
        for table in ("absence_year", "hme_result"):
            cur.execute(f"UPDATE {table} SET forvaltning = ?", [OTHER])
        cur.execute("UPDATE load_log SET file_name = ?", [HOSTILE_FILE])
    con.close()
    return path


def markdown_sources(at: AppTest) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown."""
    sources = [e.value for kind in ("markdown", "caption", "success", "info", "warning",
                                    "error", "title", "header", "subheader")
               for e in at.get(kind)]
    sources += [m.label for m in at.metric] + [t.label for t in at.tabs]
    sources += [e.label for e in at.expander]
    sources += [w.label for kind in ("multiselect", "selectbox", "select_slider", "toggle",
                                     "button", "text_input", "date_input", "checkbox")
                for w in at.get(kind)]
    return sources


def chart_strings(at: AppTest) -> list[str]:
    """Every string in the page's Plotly figures (names, categories, texts, annotations)."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(chart_specs(at))
    return found


def captions_shown(at: AppTest) -> list[str]:
    return [text(c) for c in captions(at)]


def test_data_text_is_shown_as_text_on_every_page(hostile_store, monkeypatch, tmp_path):
    _point_app_at(monkeypatch, hostile_store, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    sidebar = at.multiselect(key="filter_forvaltningar")
    assert sorted(sidebar.options) == sorted([*HOSTILE.values(), OTHER])  # plain text there
    sidebar.set_value(list(HOSTILE.values())).run()
    subset = "Urval: " + ", ".join(sorted(HOSTILE.values()))
    categories: set[str] = set()
    for spec in sitemap.PAGES:
        open_page(at, spec.url_path)
        for source in markdown_sources(at):
            assert not markup(source), (spec.url_path, source)
            assert "hela kommunen" not in text(source).lower(), (spec.url_path, source)
        for string in chart_strings(at):
            assert "<a" not in string.lower() and "<img" not in string.lower(), string
        if spec.url_path in CHART_PAGES:
            assert subset in captions_shown(at), (spec.url_path, captions_shown(at))
        categories |= {html.unescape(s) for s in chart_strings(at)}
    assert set(HOSTILE.values()) <= categories  # the names are on the charts, literally
    assert f"SSYK {HOSTILE_SSYK}" in categories

    open_page(at, "oversikt")
    assert any(c.endswith(HOSTILE_FILE + ")") for c in captions_shown(at)), captions_shown(at)
    open_page(at, "exportera")
    assert any(subset.removeprefix("Urval: ") in text(m.value) for m in at.markdown)


def test_an_uploaded_file_name_is_shown_as_text(own_store):
    name = "[x](http://evil.example).csv"
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, name, _own_csv("2026-11-01"))  # the mapping form names the file
    assert not at.exception, [e.value for e in at.exception]
    title = next(h.value for h in at.subheader if h.value.startswith("Koppla"))
    assert not markup(title) and text(title) == f"Koppla kolumnerna i {name}", title

    upload(at, name, _csv(None))
    assert not at.exception, [e.value for e in at.exception]
    refusal = at.error[0].value  # it names the file that needs a date
    assert not markup(refusal) and name in text(refusal), refusal
    at.date_input(key="upload_date").set_value(date(2026, 5, 1)).run()
    at.button(key="upload_go").click().run()
    success = at.success[0].value
    assert not markup(success), success
    assert f"Inläst: 12 rader från {name}." in text(success)
    assert tables_with(at, "Rader")[0].iloc[0]["Fil"] == name  # a table cell is plain text
    open_page(at, "oversikt")
    basis = next(c for c in at.caption if "inläsningsloggen" in c.value).value
    assert not markup(basis) and text(basis).endswith(f": {name})"), basis


def test_the_mapping_form_maps_values_as_well_as_headers(own_store, tmp_path):
    # The own layout, with the pay form written 'Salaried' and the gender 'Kvinnlig'/'Manlig'.
    content = (_own_csv("2026-11-01").decode().replace(";Månadslön;", ";Salaried;")
               .replace(";K\n", ";Kvinnlig\n").replace(";M\n", ";Manlig\n")).encode()
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "salaried.csv", content)
    map_own_layout(at, "Engelsk lönelista")
    assert not at.success  # not loaded yet: the values come first
    labels = {s.label: s for s in at.selectbox if s.key.startswith("mapping_value_")}
    assert set(labels) == {"Salaried", "Kvinnlig", "Manlig"}
    labels["Salaried"].set_value("monthly")
    labels["Kvinnlig"].set_value("K")
    labels["Manlig"].set_value("M")
    next(b for b in at.button if b.label == "Läs in med värdena").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Inläst: 12 rader från salaried.csv" in text(at.success[0].value)
    saved = (tmp_path / "data" / "profiles" / "engelsk_lonelista.toml").read_text("utf-8")
    assert 'Salaried = "monthly"' in saved and 'Kvinnlig = "K"' in saved
    con = store.connect(own_store)  # the app's own configuration: one process, two handles
    try:
        genders = store.read(con, "SELECT gender, count(*) AS n FROM employment WHERE "
                                  "snapshot_date = DATE '2026-11-01' GROUP BY ALL ORDER BY 1")
    finally:
        con.close()
    assert genders.rows() == [("K", 8), ("M", 4)]  # every third of the 12 is a man


def test_a_setting_below_the_law_stops_the_app_with_a_message(fixture_store, monkeypatch,
                                                              tmp_path):
    _point_app_at(monkeypatch, fixture_store, tmp_path)
    monkeypatch.setattr(settings, "LEGAL_MINIMUM", LAW)
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "8")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [visible(e.value) for e in at.error] == [
        "Personalpanelen startar inte med den här inställningen: PERSONALPANELEN_MIN_N_SICK_LEAVE "
        "får inte vara lägre än 11, men är 8 (lagen om kommunal bokföring och redovisning: "
        "sjukfrånvaro redovisas inte för en grupp med högst tio anställda). Ändra den och starta "
        "om."]
