"""Kolada comparison (metrics/kolada.py, ui/pages/kolada.py, the tab on indicator pages).

Never the network: Kolada's answers are the constructed v2 responses in tests/fixtures/kolada/
(README there), served by a fake urlopen. Expected values are worked out by hand from those
files and from the hand-computed employment fixture (tests/employment_fixture.py):
full_time_share is 100,0 % in 2024 (7 of 7) and 1000/14 = 71,4 % in 2025; hourly_paid_persons
2025 is hidden (too few persons).

Kolada's N00206 in the fixture: 2024: our municipality 1401 68,0; group 1402 70,0 (K 72, M 60),
1407 74,0, 1415 80,0 -> median 74,0, range 70,0-80,0, 3 members. 2023: 1402 66,0, 1407 null
("Saknas") -> median 66,0, 1 member. 2025: nothing (missing, not 0).
"""

from __future__ import annotations

import io
import json
import urllib.error
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import store
from metrics import kolada, registry
from tests import employment_fixture, test_app
from tests.test_app import APP, _point_app_at, captions, chart_specs, open_page, text
from ui import numbers, texts

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"
ACTOR = ("anna", "analyst")


# --- a fake Kolada -----------------------------------------------------------------------------


class FakeKolada:
    """urlopen for Kolada's API: answers from the fixture files by path, records the URLs."""

    def __init__(self, pages: dict[str, str] | None = None):
        self.urls: list[str] = []
        self.pages = pages or {"page=2": "data_page2.json", "/data/": "data_page1.json",
                               "/kpi/": "kpi.json", "/municipality/": "municipality.json"}

    def __call__(self, request, timeout=None):
        url = getattr(request, "full_url", request)
        self.urls.append(url)
        assert timeout is not None, "every request has a timeout"
        for marker, name in self.pages.items():
            if marker in url:
                return io.BytesIO((FIXTURES / name).read_bytes())
        raise AssertionError(f"unexpected URL {url}")


def offline(request, timeout=None):
    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


@pytest.fixture
def kolada_env(monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_KOLADA_MUNICIPALITY", "1401")
    monkeypatch.setenv("PERSONALPANELEN_KOLADA_GROUP", "1402,1407,1415")


@pytest.fixture
def fx_con(tmp_path, monkeypatch):
    """The hand-computed employment fixture at the default thresholds."""
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(tmp_path / "key"))
    for name in ("MIN_CELL", "MIN_N_PERCENTILES", "MIN_N_SICK_LEAVE"):
        monkeypatch.delenv(f"PERSONALPANELEN_{name}", raising=False)
    connection = store.connect(tmp_path / "fixture.duckdb")
    employment_fixture.load(connection)
    yield connection
    connection.close()


def stored(con) -> pl.DataFrame:
    return store.read(con, "SELECT kpi_id, municipality_id, municipality_title, period, gender, "
                           "value, status, source FROM kolada_value "
                           "ORDER BY kpi_id, municipality_id, period, gender")


def audit_rows(con) -> list[tuple]:
    return store.read(con, "SELECT user_id, action, detail FROM audit_log "
                           "WHERE action = 'kolada'").rows()


# --- the mapping -------------------------------------------------------------------------------


def test_every_mapped_metric_exists_and_a_checked_one_names_its_kpi():
    mappings = kolada.mappings()
    assert set(mappings) <= set(registry.METRICS)
    for mapping in mappings.values():
        if mapping.verified:
            assert mapping.kpi_id and mapping.expected_title and mapping.verified_on
        assert mapping.gender in ("T", "K", "M")
    # ids found in the KPI list but not checked (gender split, avtalad or faktisk) stay out
    assert kolada.verified("sick_leave_women") is None
    assert kolada.verified("mean_contracted_rate") is None
    assert kolada.verified("managers_women_share") is None  # no KPI id found
    assert kolada.verified("full_time_share").kpi_id == "N00206"


DEFINITION_FIELDS = ("match", "kolada_definition_sv", "definition_source", "mismatch_sv")


def test_every_kpi_records_koladas_definition_and_whether_ours_matches():
    """The catalogue holds, as data, what Kolada counts and whether we count the same."""
    raw = kolada._config()["metric"]
    for metric_id, entry in raw.items():
        assert set(DEFINITION_FIELDS) <= set(entry), metric_id
    for mapping in kolada.mappings().values():
        assert mapping.match in kolada.MATCHES
        if mapping.kpi_id:
            assert mapping.match != "none", mapping.metric_id
            assert mapping.kolada_definition_sv and mapping.definition_source, mapping.metric_id
        else:
            assert mapping.match == "none"
        assert bool(mapping.mismatch_sv) == mapping.differs, mapping.metric_id
    # Kolada's N00200 counts the hourly-paid in its denominator (N00200-N00202 split all
    # employees); ours is the monthly-paid only: marked, with a warning to show.
    permanent = kolada.verified("tillsvidare_share")
    assert permanent.match == "denominator" and permanent.differs
    assert "timavlönade" in permanent.mismatch_sv
    assert kolada.verified("full_time_share").match == "close"  # both on the monthly-paid
    assert kolada.verified("sick_leave_total").match == "same"


@pytest.mark.parametrize("changes", [
    {"match": ""}, {"match": "maybe"}, {"kolada_definition_sv": ""},
    {"definition_source": ""}, {"match": "denominator", "mismatch_sv": ""},
    {"kpi_id": "", "match": "close"},
])
def test_a_kpi_without_its_definition_is_refused(changes):
    import dataclasses

    mapping = dataclasses.replace(kolada.mappings()["tillsvidare_share"], **changes)
    with pytest.raises(ValueError, match="tillsvidare_share"):
        kolada._definition_checked(mapping)


def test_an_unchecked_kpi_is_not_compared(fx_con, kolada_env):
    kolada.import_file(fx_con, "s.csv", b"kpi;municipality;year;gender;value\n"
                                        b"N00090;1402;2025;K;8,5\n", actor=ACTOR)
    assert kolada.comparison(fx_con, "sick_leave_women").is_empty()


# --- the API -----------------------------------------------------------------------------------


def test_fetch_follows_next_page_and_stores_values_titles_and_nulls(fx_con, kolada_env):
    fake = FakeKolada()
    report = kolada.import_api(fx_con, actor=ACTOR, years=[2023, 2024, 2025], opener=fake)
    data_urls = [u for u in fake.urls if "/data/" in u]
    assert len(data_urls) == 2 and data_urls[1].endswith("page=2")
    assert "/municipality/1401,1402,1407,1415/year/2023,2024,2025" in data_urls[0]
    assert "N00206" in data_urls[0] and "per_page=5000" in data_urls[0]
    assert report.values == 8  # 1 + 3 + 1 + 1 + 1 + 1 (the null counts: Kolada has none)
    assert report.kpis == ("N00206",) and report.years == (2023, 2024)  # none for 2025
    rows = stored(fx_con)
    missing = rows.filter(municipality_id="1407", period=2023).row(0, named=True)
    assert missing["value"] is None and missing["status"] == "Saknas"
    assert rows.filter(municipality_id="1402", period=2024, gender="M")["value"].item() == 60.0
    assert rows.filter(municipality_id="1401")["municipality_title"].item() == "Härryda"
    assert set(rows["source"]) == {"api"}
    assert audit_rows(fx_con) == [("anna", "kolada",
                                   "api: 8 värden: 1 nyckeltal, 4 kommuner, 2023–2024")]


def test_offline_fetch_says_so_in_swedish_and_changes_nothing(fx_con, kolada_env):
    with pytest.raises(kolada.KoladaOffline, match="Kunde inte nå Kolada.*nedladdad"):
        kolada.import_api(fx_con, actor=ACTOR, years=[2024], opener=offline)
    assert stored(fx_con).is_empty() and audit_rows(fx_con) == []


def test_next_page_to_another_host_is_refused(fx_con, kolada_env, tmp_path):
    page = json.loads((FIXTURES / "data_page1.json").read_text(encoding="utf-8"))
    page["next_page"] = "https://evil.example/v2/data?page=2"
    (tmp_path / "evil.json").write_text(json.dumps(page), encoding="utf-8")
    fake = FakeKolada({"/data/": "evil.json"})
    fake.pages = {"/data/": str(tmp_path / "evil.json")}
    with pytest.raises(kolada.KoladaError, match="annan adress"):
        kolada.import_api(fx_con, actor=ACTOR, years=[2024], opener=fake)
    assert stored(fx_con).is_empty()


def test_fetch_needs_our_ids(fx_con, monkeypatch):
    monkeypatch.delenv("PERSONALPANELEN_KOLADA_MUNICIPALITY", raising=False)
    monkeypatch.delenv("PERSONALPANELEN_KOLADA_GROUP", raising=False)
    with pytest.raises(kolada.KoladaError, match="PERSONALPANELEN_KOLADA_MUNICIPALITY"):
        kolada.import_api(fx_con, actor=ACTOR, opener=FakeKolada())
    monkeypatch.setenv("PERSONALPANELEN_KOLADA_GROUP", "180")
    with pytest.raises(kolada.KoladaError, match="fyra siffror"):
        kolada.import_api(fx_con, actor=ACTOR, opener=FakeKolada())


# --- files -------------------------------------------------------------------------------------


def saved_api_json() -> bytes:
    """The two data pages and the municipality answer saved together, as a list."""
    pages = [json.loads((FIXTURES / name).read_text(encoding="utf-8"))
             for name in ("data_page1.json", "data_page2.json", "municipality.json")]
    return json.dumps(pages).encode()


def test_saved_api_json_imports_and_a_second_import_replaces(fx_con):
    kolada.import_file(fx_con, "kolada.json", saved_api_json(), actor=ACTOR)
    assert stored(fx_con).height == 8
    newer = b"kpi,municipality,year,gender,value\nN00206,1402,2024,T,71.5\n"
    kolada.import_file(fx_con, "rättelse.csv", newer, actor=ACTOR)
    rows = stored(fx_con)
    assert rows.height == 8  # replaced, not doubled
    row = rows.filter(municipality_id="1402", period=2024, gender="T").row(0, named=True)
    assert row["value"] == 71.5 and row["source"] == "rättelse.csv"
    assert len(audit_rows(fx_con)) == 2


def test_table_layout_csv_with_decimal_comma_empty_value_and_lost_zero(fx_con):
    content = (b"kpi;municipality;year;gender;value;status\n"
               b"N00206;180;2024;;75,5;\n"
               b"N00206;0180;2023;T;;Saknas\n")
    kolada.import_file(fx_con, "tabell.csv", content, actor=ACTOR)
    rows = stored(fx_con)
    assert rows.select("municipality_id", "period", "gender", "value", "status").rows() == [
        ("0180", 2023, "T", None, "Saknas"), ("0180", 2024, "T", 75.5, None)]


def test_a_personnummer_in_the_file_name_is_masked(fx_con):
    content = b"kpi;municipality;year;gender;value\nN00206;0180;2024;T;75\n"
    kolada.import_file(fx_con, "kolada_19850101-1234.csv", content, actor=ACTOR)
    sources = stored(fx_con)["source"].to_list()
    audit = " ".join(store.read(fx_con, "SELECT detail FROM audit_log")["detail"].to_list())
    assert sources and all("[personnummer]" in s for s in sources)
    assert "1234" not in " ".join(sources) + audit


def test_xlsx_table_layout(fx_con):
    buffer = io.BytesIO()
    pl.DataFrame({"kpi": ["U00200", "U00200"], "municipality": ["1402", "1407"],
                  "year": [2025, 2025], "gender": ["T", "T"], "value": [71.0, 69.5]}
                 ).write_excel(buffer)
    report = kolada.import_file(fx_con, "hme.xlsx", buffer.getvalue(), actor=ACTOR)
    assert report.values == 2
    assert stored(fx_con)["value"].to_list() == [71.0, 69.5]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fel.csv", b"kpi;municipality;year;gender;value\nN00206;1402;2024;T;70\n"
                b"N00206;1407;tjugo;T;71\n", "fel.csv, rad 3, kolumn year"),
    ("fel.csv", b"kpi;municipality;year;gender;value\nN00206;1402;2024;X;70\n",
     "fel.csv, rad 2, kolumn gender"),
    ("fel.csv", b"kpi;municipality;year;gender;value\nN00206;1402;2024;T;sju\n",
     "fel.csv, rad 2, kolumn value"),
    ("fel.csv", b"kpi;kommun;year\nN00206;1402;2024\n", "kolumnerna value saknas"),
    ("fel.csv", b"kpi;municipality;year;gender;value\nN00206;1402;2024;T;70\n"
                b"N00206;1402;2024;T;71\n", "fel.csv, raderna 2 och 3"),
    ("fel.json", json.dumps({"values": [
        {"kpi": "N00206", "municipality": "1402", "period": 2024,
         "values": [{"gender": "T", "value": 70.0}]},
        {"kpi": "N00206", "municipality": "1407", "period": 2024,
         "values": [{"gender": "T", "value": "sjuttio"}]}]}).encode(),
     "fel.json, post 2, fält value"),
    ("fel.json", b"{not json", "fel.json: filen är ingen JSON"),
    ("fel.json", b'{"rows": []}', "inget Kolada-svar"),
])
def test_a_refused_file_names_file_row_and_column_and_changes_nothing(fx_con, name, content,
                                                                      message):
    kolada.import_file(fx_con, "före.csv", b"kpi;municipality;year;gender;value\n"
                                          b"N00206;1402;2024;T;70\n", actor=ACTOR)
    before, audit_before = stored(fx_con), audit_rows(fx_con)
    with pytest.raises(kolada.KoladaError) as refused:
        kolada.import_file(fx_con, name, content, actor=ACTOR)
    assert message in str(refused.value)
    assert stored(fx_con).equals(before) and audit_rows(fx_con) == audit_before


# --- the comparison ----------------------------------------------------------------------------


def test_comparison_ours_beside_kolada_and_the_group(fx_con, kolada_env):
    kolada.import_api(fx_con, actor=ACTOR, years=[2023, 2024, 2025], opener=FakeKolada())
    frame = kolada.comparison(fx_con, "full_time_share")
    assert frame.columns[:7] == ["year", "ours", "kolada_own", "group_median", "group_min",
                                 "group_max", "group_count"]
    rows = {r["year"]: r for r in frame.iter_rows(named=True)}
    assert sorted(rows) == [2023, 2024, 2025]
    assert rows[2023]["ours"] is None and rows[2023]["group_median"] == 66.0
    assert rows[2023]["group_count"] == 1  # 1407's null is not a 0
    assert rows[2024]["ours"] == pytest.approx(100.0)
    assert rows[2024]["kolada_own"] == 68.0
    assert (rows[2024]["group_median"], rows[2024]["group_min"], rows[2024]["group_max"],
            rows[2024]["group_count"]) == (74.0, 70.0, 80.0, 3)
    assert rows[2025]["ours"] == pytest.approx(1000 / 14)
    assert rows[2025]["kolada_own"] is None and rows[2025]["group_median"] is None
    assert rows[2025]["group_count"] == 0


def test_the_group_setting_chooses_the_members(fx_con, kolada_env, monkeypatch):
    kolada.import_file(fx_con, "kolada.json", saved_api_json(), actor=ACTOR)
    monkeypatch.setenv("PERSONALPANELEN_KOLADA_GROUP", "1402,1407")
    row = kolada.comparison(fx_con, "full_time_share").filter(year=2024).row(0, named=True)
    assert (row["group_median"], row["group_min"], row["group_max"], row["group_count"]) == (
        72.0, 70.0, 74.0, 2)
    # without a group setting: every kommun loaded but our own (1401)
    monkeypatch.delenv("PERSONALPANELEN_KOLADA_GROUP")
    row = kolada.comparison(fx_con, "full_time_share").filter(year=2024).row(0, named=True)
    assert (row["group_median"], row["group_count"]) == (74.0, 3)


def test_a_hidden_cell_of_ours_stays_hidden(fx_con, kolada_env):
    kolada.import_file(fx_con, "tim.csv", b"kpi;municipality;year;gender;value\n"
                                          b"N00230;1402;2025;T;120\nN00230;1407;2025;T;80\n",
                       actor=ACTOR)
    row = kolada.comparison(fx_con, "hourly_paid_persons").row(0, named=True)
    assert row["year"] == 2025 and row["ours"] is None and row["ours_suppressed"] is True
    assert (row["group_median"], row["group_count"]) == (100.0, 2)


def test_overview_takes_the_latest_year_with_both_sides(fx_con, kolada_env):
    kolada.import_api(fx_con, actor=ACTOR, years=[2023, 2024, 2025], opener=FakeKolada())
    overview = kolada.overview(fx_con)
    row = overview.filter(metric_id="full_time_share").row(0, named=True)
    assert row["year"] == 2024 and row["ours"] == pytest.approx(100.0)
    assert (row["group_median"], row["group_min"], row["group_max"]) == (74.0, 70.0, 80.0)
    unchecked = overview.filter(metric_id="sick_leave_women").row(0, named=True)
    assert unchecked["verified"] is False and unchecked["year"] is None
    assert "managers_women_share" not in overview["metric_id"].to_list()  # no KPI id


def test_the_demo_ships_its_comparison(demo_con):
    assert kolada.has_demo_values(demo_con)
    frame = kolada.comparison(demo_con, "full_time_share")
    last = frame.row(-1, named=True)
    assert last["year"] == 2025 and last["group_count"] == 0  # the demo's Kolada ends 2024
    assert frame.filter(year=2024)["group_count"].item() == 8
    titles = kolada.municipalities(demo_con)["municipality_title"].to_list()
    assert "Partille" in titles


# --- the pages ---------------------------------------------------------------------------------


_fresh_caches = test_app._fresh_caches  # every page test starts cold
app, fixture_store = test_app.app, test_app.fixture_store  # the app on the fixture store


@pytest.fixture
def kolada_app(tmp_path, monkeypatch, kolada_env) -> AppTest:
    """The app on the employment fixture with the Kolada fixture fetched into it."""
    path = tmp_path / "kolada.duckdb"
    con = store.connect(path)
    employment_fixture.load(con)
    kolada.import_api(con, actor=ACTOR, years=[2023, 2024, 2025], opener=FakeKolada())
    con.close()
    _point_app_at(monkeypatch, path, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_kolada_page_shows_what_is_loaded_and_the_overview(kolada_app):
    at = open_page(kolada_app, "kolada")
    loaded = table_with(at, "Kolada-id")
    assert loaded.iloc[0]["Kommuner"] == 4 and loaded.iloc[0]["År"] == "2023–2024"
    roles = table_with(at, "Roll").set_index("Kommun-id")["Roll"].to_dict()
    assert roles == {"1401": "vår kommun", "1402": "jämförelsegruppen",
                     "1407": "jämförelsegruppen", "1415": "jämförelsegruppen"}
    overview = table_with(at, "Gruppens median").set_index("Nyckeltal")
    row = overview.loc[registry.get("full_time_share").label_sv]
    assert (row["År"], text(row["Vårt värde"]), row["Kolada, vår kommun"],
            row["Gruppens median"], row["Gruppens spridning"]) == (
        "2024", "100,0", "68,0", "74,0", "70,0–80,0")
    assert "Källa: Kolada (RKA), CC BY 4.0" in captions(at)


def test_indicator_page_has_the_comparison_tab(kolada_app):
    at = open_page(kolada_app, "heltid")
    assert "Jämförelse (Kolada)" in [t.label for t in at.tabs]
    spec = next(s for s in chart_specs(at)
                if any(t.get("name") == "Jämförelsegruppens median" for t in s["data"]))
    median = next(t for t in spec["data"] if t["name"] == "Jämförelsegruppens median")
    assert median["x"] == ["2023", "2024", "2025"] and median["y"] == [66.0, 74.0, None]
    table = table_with(at, "Gruppens median")
    assert table["Gruppens median"].tolist() == ["66,0", "74,0", "–"]
    assert [text(v) for v in table["Vårt värde"]] == ["–", "100,0", "71,4"]
    shown = captions(at)
    assert "Källa: Kolada (RKA), CC BY 4.0" in shown
    assert any(c.startswith("Skillnad mot Koladas definition") for c in shown)


def test_a_viewer_reads_the_comparison_without_ids_or_check_notes(kolada_app, tmp_path,
                                                                   monkeypatch):
    """The committee reads Koladas title of the KPI; its id and how it was checked are the
    analyst's (a viewer never opens the page Kolada)."""
    from tests.test_auth import ROLES_TOML, logged_in_as
    from ui import roles

    analyst = [c for c in captions(open_page(kolada_app, "heltid")) if "N00206" in c]
    assert analyst and "Kontrollerat" in analyst[0]  # the analyst keeps them
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("PERSONALPANELEN_ROLES_FILE", str(path))
    at = logged_in_as(AppTest.from_file(APP, default_timeout=60), roles.VIEWER).run()
    at = open_page(at, "heltid")
    assert "Jämförelse (Kolada)" in [t.label for t in at.tabs]
    shown = captions(at)
    mapping = kolada.verified("full_time_share")
    assert texts.KOLADA_KPI_VIEWER.format(title=mapping.expected_title) in shown
    assert not [c for c in shown if "N00206" in c or "Kontrollerat" in c or "inte läst" in c]
    assert "Källa: Kolada (RKA), CC BY 4.0" in shown


def test_upload_a_file_on_the_page_and_a_refused_one(kolada_app):
    at = open_page(kolada_app, "kolada")
    at.file_uploader(key="kolada_upload").upload(
        "hme.csv", b"kpi;municipality;year;gender;value\nU00200;1402;2025;T;71\n", "text/csv")
    at.run()
    at.button(key="kolada_upload_button").click().run()
    assert not at.exception
    assert any("Inläst: 1 värden" in s.value for s in at.success)
    at.file_uploader(key="kolada_upload").upload(
        "fel.csv", b"kpi;municipality;year;gender;value\nU00200;1402;x;T;71\n", "text/csv")
    at.run()
    at.button(key="kolada_upload_button").click().run()
    assert any("rad 2" in text(e.value) and "year" in e.value for e in at.error)


def test_fetch_button_offline(kolada_app, monkeypatch):
    monkeypatch.setattr("urllib.request.urlopen", offline)
    at = open_page(kolada_app, "kolada")
    at.button(key="kolada_fetch").click().run()
    assert any("Kunde inte nå Kolada" in text(e.value) for e in at.error)


@pytest.fixture
def permanent_app(tmp_path, monkeypatch, kolada_env) -> AppTest:
    """The app on the employment fixture with Kolada's N00200 (permanent share) loaded:
    1401 (ours) 85,0 in 2025, the group 80,0-88,0."""
    path = tmp_path / "n00200.duckdb"
    con = store.connect(path)
    employment_fixture.load(con)
    kolada.import_file(con, "n00200.csv", b"kpi;municipality;year;gender;value\n"
                       b"N00200;1401;2025;T;85,0\nN00200;1402;2025;T;80,0\n"
                       b"N00200;1407;2025;T;84,0\nN00200;1415;2025;T;88,0\n", actor=ACTOR)
    con.close()
    _point_app_at(monkeypatch, path, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_differing_denominator_is_said_beside_the_comparison(permanent_app):
    at = open_page(permanent_app, "personalstruktur")
    at.selectbox(key="more_personalstruktur").set_value("tillsvidare_share").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Jämförelse (Kolada)" in [t.label for t in at.tabs]
    mapping = kolada.verified("tillsvidare_share")
    warnings = [text(w.value) for w in at.warning]
    assert any("Inte samma mått som Koladas" in w and mapping.mismatch_sv in w
               for w in warnings), warnings
    shown = [text(c) for c in captions(at)]
    assert f"Koladas definition: {mapping.kolada_definition_sv}" in shown


def test_a_matching_denominator_has_no_warning(kolada_app):
    at = open_page(kolada_app, "heltid")  # full_time_share: N00206, monthly-paid both
    assert "Jämförelse (Kolada)" in [t.label for t in at.tabs]
    assert not [w for w in at.warning if "Inte samma mått" in w.value]
    assert any(c.startswith("Koladas definition: Täljare") for c in captions(at))


def test_the_kolada_page_names_the_differing_kpis_and_every_definition(permanent_app):
    at = open_page(permanent_app, "kolada")
    permanent = registry.get("tillsvidare_share").label_sv
    mapping = kolada.verified("tillsvidare_share")
    assert any(permanent in text(w.value) and mapping.mismatch_sv in text(w.value)
               for w in at.warning)
    definitions = table_with(at, "Koladas definition").set_index("Kolada-id")
    assert set(definitions.index) == {m.kpi_id for m in kolada.mappings().values() if m.kpi_id}
    assert definitions.loc["N00200", "Jämfört med vårt"] == "annan nämnare"
    assert definitions.loc["N00206", "Jämfört med vårt"] == "nästan samma"


def test_no_comparison_tab_without_a_checked_kpi(kolada_app):
    at = open_page(kolada_app, "chefer")  # managers_women_share: no KPI id found
    assert "Jämförelse (Kolada)" not in [t.label for t in at.tabs]



def test_cli_imports_a_file(tmp_path, monkeypatch, capsys):
    from metrics.__main__ import run

    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "cli.duckdb"
    assert run(["kolada", str(FIXTURES / "data_page1.json"), "--db", str(path)]) == 0
    assert "Inläst: 5 värden: 1 nyckeltal, 3 kommuner, 2024" in capsys.readouterr().err
    con = store.connect(path)
    try:
        assert stored(con).height == 5  # 1401 T, 1402 K/M/T, 1407 T
        assert audit_rows(con)[0][0].startswith("cli:")
    finally:
        con.close()


def _comparison_frame(ours: list, low: list, high: list) -> pl.DataFrame:
    n = len(ours)
    return pl.DataFrame({"year": list(range(2022, 2022 + n)), "ours": ours,
                         "ours_suppressed": [False] * n, "kolada_own": [None] * n,
                         "group_median": [(a + b) / 2 for a, b in zip(low, high, strict=True)],
                         "group_min": low, "group_max": high, "group_count": [5] * n},
                        schema_overrides={"kolada_own": pl.Float64})


def test_a_share_comparison_starts_at_zero_or_says_where_its_axis_is_cut():
    from ui import charts

    metric = registry.get("full_time_share")
    wide = charts.kolada_comparison(_comparison_frame([60.0, 70.0], [55.0, 58.0],
                                                      [75.0, 80.0]), metric)
    assert wide.layout.yaxis.rangemode == "tozero" and not wide.layout.annotations
    narrow = charts.kolada_comparison(_comparison_frame([95.0, 96.0], [94.0, 94.5],
                                                        [97.0, 97.0]), metric)
    assert narrow.layout.yaxis.range[0] > 0
    assert [a.text for a in narrow.layout.annotations] == [
        texts.AXIS_CUT.format(start=numbers.with_unit(narrow.layout.yaxis.range[0], "%"))]


def test_has_values_asks_for_a_value_of_the_kpi(fx_con):
    assert not kolada.has_values(fx_con, "N00206")
    kolada.import_file(fx_con, "k.csv", b"kpi;municipality;year;gender;value\n"
                                        b"N00206;0180;2024;T;75\nN00209;0180;2024;T;\n",
                       actor=ACTOR)
    assert kolada.has_values(fx_con, "N00206") and not kolada.has_values(fx_con, "N00209")


def test_a_page_without_kolada_values_says_so(app):
    open_page(app, "heltid")
    infos = [i.value for i in app.info]
    assert texts.KOLADA_NO_VALUES.format(id="N00206") in infos
