"""Mapping profiles: the fixture written in three payroll layouts must give the hand-computed
values, read with the profile that fits best (or the one named)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

import store
from metrics.compute import compute
from pipelines import profiles
from pipelines.load import ingest
from tests import employment_fixture as fx
from tests import extracts as ex
from tests import test_app as app_tests
from tests.test_app import fixture_store, own_store  # noqa: F401  (the AppTest fixtures)
from tests.test_auth import roles_file  # noqa: F401  (the roles of a logged-in admin)

S = date(2025, 11, 1)

# Metrics that every layout can compute from its columns alone.
CORE = ("managers_women_share", "hourly_paid_persons", "hourly_paid_fte", "full_time_share",
        "preschool_men_share", "social_worker_salary_p10", "social_worker_salary_median",
        "social_worker_salary_p90", "headcount", "mean_age", "tillsvidare_share",
        "mean_contracted_rate", "turnover", "retirements_forecast")
# Layouts that also give actual rates and first-hire dates.
FULL = (*CORE, "working_full_time_share", "full_time_gap", "social_worker_entry_salary",
        "fte_total", "women_salary_share_of_men", "full_time_share_tillsvidare")

LAYOUTS = [("Heroma", ex.fixture_heroma, FULL), ("Personec", ex.fixture_personec, CORE),
           ("Unit4", ex.fixture_unit4, FULL)]


@pytest.fixture
def con(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(tmp_path / "key"))
    for name in ("MIN_CELL", "MIN_N_PERCENTILES"):
        monkeypatch.setenv(f"PERSONALPANELEN_{name}", "1")
    connection = store.connect(tmp_path / "store.duckdb")
    yield connection
    connection.close()


def latest_value(con, metric_id):
    return compute(con, metric_id).sort("snapshot_date")["value"][-1]


@pytest.mark.parametrize(("name", "layout", "metric_ids"), LAYOUTS, ids=[n for n, *_ in LAYOUTS])
def test_each_layout_is_recognised_and_gives_the_hand_computed_values(con, name, layout,
                                                                      metric_ids):
    report = ingest(con, [(f"{name}.xlsx", ex.xlsx_bytes(layout()))])
    assert report.loaded, [str(f) for f in report.findings]
    assert report.readings == {f"{name}.xlsx": f"profilen {name}, bladet Uttag"}
    for metric_id in metric_ids:
        assert latest_value(con, metric_id) == pytest.approx(fx.EXPECTED[metric_id]), metric_id


def test_the_heroma_profile_derives_pay_form_and_manager(con):
    ingest(con, [("heroma.csv", ex.csv_bytes(ex.fixture_heroma()))])
    stored = store.read(con, "SELECT employment_id, pay_form, is_manager FROM employment "
                             "WHERE snapshot_date = DATE '2025-11-01' ORDER BY employment_id")
    rows = dict(zip(stored["employment_id"], zip(stored["pay_form"], stored["is_manager"],
                                                 strict=True), strict=True))
    assert rows["e1"] == ("monthly", True) and rows["e8"] == ("hourly", False)


def test_an_unknown_value_in_a_mapped_column_lists_values_and_counts(con):
    frame = ex.fixture_unit4()
    frame = frame.with_columns(
        frame["Pay type"].set(frame["Assignment ID"].is_in(["e1", "e4", "e5"]), "Stipend"))
    report = ingest(con, [("unit4.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    [finding] = [f for f in report.errors if f.column == "Pay type"]
    assert "Okänt värde 'Stipend' (5 rader" in finding.message   # e1 e4 in 2024 and 2025, e5


def test_a_named_profile_is_used_even_when_another_fits_better(con):
    unit4 = ex.fixture_unit4().rename({"Personal identity number": "Personnr", "Sex": "Kön"})
    report = ingest(con, [("u.csv", ex.csv_bytes(unit4))], profile=profiles.load("heroma"))
    assert not report.loaded
    assert report.readings["u.csv"] == "profilen Heroma"
    assert {e.column for e in report.errors} == {"Anställningsnummer", "Löneform"}


SOCIAL_SERVICES = """
name = "Socialtjänsten"
[columns]
personnummer = "Personnummer"
employment_id = "Anst.nr"
job_title = "Titel"
monthly_salary_fte = "Lön"
[derive]
snapshot_date = { constant = "2025-11-01" }
forvaltning = { constant = "Socialtjänst" }
ssyk_code = { from = "Titel", map = { "Socialsekreterare" = "2661", "Enhetschef" = "1531" } }
contracted_rate = { from = "Heltid", map = { "Ja" = "100", "Nej" = "" } }
pay_form = { from = "Timavlönad", map = { "Ja" = "hourly", "Nej" = "monthly" } }
is_manager = { from = "Titel", pattern = "chef" }
"""


def test_constants_lookup_tables_and_flags_derive_columns(con):
    rows = [("Socialsekreterare", "Ja", "Nej", "38000"),
            ("Socialsekreterare", "Nej", "Nej", "36000"),
            ("Enhetschef", "Ja", "Nej", "52000"), ("Vikarie", "", "Ja", "")]
    lines = ["Personnummer;Anst.nr;Titel;Heltid;Timavlönad;Lön"] + [
        ";".join((ex.personnummer(1970 + i, i, "K"), f"a{i + 1}", *row))
        for i, row in enumerate(rows)]
    profile = profiles.parse(SOCIAL_SERVICES, "socialtjansten")
    report = ingest(con, [("soc.csv", "\n".join(lines).encode())], profile=profile)
    assert report.loaded, [str(f) for f in report.findings]
    stored = store.read(con, "SELECT snapshot_date, forvaltning, ssyk_code, contracted_rate, "
                             "pay_form, is_manager FROM employment ORDER BY employment_id")
    assert stored.rows() == [
        (S, "Socialtjänst", "2661", 100.0, "monthly", False),
        (S, "Socialtjänst", "2661", None, "monthly", False),
        (S, "Socialtjänst", "1531", 100.0, "monthly", True),
        (S, "Socialtjänst", None, None, "hourly", False),
    ]
    # a title the lookup table lacks is named, with its count, not stored as a code
    [unknown] = [f for f in report.warnings if f.column == "Titel"]
    assert unknown.message.startswith("Okänt värde 'Vikarie' (1 rader, första på rad 5).")


def test_a_profile_names_the_sheet_to_read(con):
    def extract(persons: int):
        return ex.small_extract(S, persons=persons)

    workbook = ex.workbook_bytes({"Uttag": extract(7), "Kopia": extract(3)})
    sheet_only = profiles.Profile(name="Kopian", sheet="Kopia")
    report = ingest(con, [("två_blad.xlsx", workbook)], profile=sheet_only)
    assert report.loaded, [str(f) for f in report.findings]
    assert report.readings == {"två_blad.xlsx": "profilen Kopian, bladet Kopia"}
    assert report.rows == 3
    # without the profile, the first of two equally good sheets
    assert ingest(con, [("två_blad.xlsx", workbook)]).rows == 7
    # the layout's CSV export has no sheets: the same profile reads it
    assert ingest(con, [("kopia.csv", ex.csv_bytes(extract(3)))], profile=sheet_only).loaded
    missing = ingest(con, [("två_blad.xlsx", workbook)],
                     profile=profiles.Profile(name="Fel", sheet="Lönelista"))
    assert [e.message for e in missing.errors] == [
        "Arbetsboken har inget blad som heter 'Lönelista'. Bladen: Uttag, Kopia."]
    assert missing.needs_mapping == ["två_blad.xlsx"]


def test_profile_text_round_trip_and_errors():
    heroma = profiles.load("heroma")
    again = profiles.parse(profiles.dumps(heroma), "kopia")
    assert (again.columns, again.values) == (heroma.columns, heroma.values)
    on_sheet = profiles.Profile(name="Blad", sheet='Lön "nov"')
    assert profiles.parse(profiles.dumps(on_sheet), "blad").sheet == 'Lön "nov"'
    with pytest.raises(profiles.ProfileError, match="sheet ska vara ett bladnamn"):
        profiles.parse("sheet = 2\n", "fel")
    with pytest.raises(profiles.ProfileError, match="okänd kolumn salary"):
        profiles.parse('[columns]\nsalary = "Lön"\n', "fel")
    with pytest.raises(profiles.ProfileError, match="Hittar ingen profil 'visma'"):
        profiles.load("visma")
    assert {p.name for p in profiles.available()} >= {"Heroma", "Personec", "Unit4",
                                                    "Exempelkommun"}


def test_cli_profile_option_and_the_printed_choice(tmp_path):
    extract = tmp_path / "personec.csv"
    extract.write_bytes(ex.csv_bytes(ex.fixture_personec()))
    env = {"PERSONALPANELEN_DATA_DIR": str(tmp_path), "PERSONALPANELEN_SECRET_FILE":
           str(tmp_path / "key"), "PATH": "/usr/bin:/bin"}
    db = str(tmp_path / "cli.duckdb")
    auto = subprocess.run([sys.executable, "-m", "pipelines", "ingest", str(extract), "--db", db],
                          capture_output=True, text=True, env=env)
    assert auto.returncode == 0, auto.stderr
    assert "personec.csv: läst med profilen Personec." in auto.stderr
    named = subprocess.run([sys.executable, "-m", "pipelines", "ingest", str(extract), "--db",
                            db, "--profile", "okand"], capture_output=True, text=True, env=env)
    assert named.returncode == 2 and "Hittar ingen profil 'okand'" in named.stderr


NASTY_HEADERS = {
    "personnummer": "Person-\nnummer",
    "employment_id": 'Anst "nr"',
    "pay_form": "Löne\\form # typ",
    "contracted_rate": "Syss.\r\ngrad = %",
    "forvaltning": "Förvaltning\t(ÅÄÖ) 😀 ' [x]",
    "job_title": "\u00a0Befattning\u2028",
}


def test_a_saved_profile_reads_back_whatever_the_headers_hold(con):
    profile = profiles.Profile(
        name='Vår "lista"\n# 2', extract="employment", sheet="Blad\n1 = 'a'",
        columns=NASTY_HEADERS, values={"pay_form": {"M\n#": "monthly", 'T"\\': "hourly"}},
        derive={"is_manager": {"from": "Titel\n=", "pattern": "chef|\\bboss"}})
    path = profiles.save(profile)
    again = profiles.load(path)
    assert (again.name, again.sheet, again.columns, again.values, again.derive) == (
        profile.name, profile.sheet, profile.columns, profile.values, profile.derive)
    assert profiles.broken() == [] and again in profiles.available()
    # and a workbook with such headers (Alt+Enter in a cell) is read through a saved profile
    headers = {"Mätdatum": "Mät-\ndatum", "Personnummer": "Person-\nnummer",
               "Anställningsnummer": 'Anst "nr" # 1', "Förvaltning": "Förvaltning\n(ÅÄÖ)",
               "Löneform": "Löne\\form", "Sysselsättningsgrad": "Syss.\ngrad = %"}
    canonical = {"Mätdatum": "snapshot_date", "Personnummer": "personnummer",
                 "Anställningsnummer": "employment_id", "Förvaltning": "forvaltning",
                 "Löneform": "pay_form", "Sysselsättningsgrad": "contracted_rate"}
    mapped = profiles.save(profiles.Profile(
        name="Radbrytningar", columns={canonical[k]: v for k, v in headers.items()}))
    frame = ex.small_extract(S, persons=6).select(*headers).rename(headers)
    report = ingest(con, [("rader.xlsx", ex.xlsx_bytes(frame))],
                    profile=profiles.load(mapped.stem))
    assert report.loaded, [str(f) for f in report.findings]
    assert report.rows == 6


def test_a_broken_saved_profile_is_skipped_and_named_not_a_stop(con):
    folder = profiles.settings.get().profiles_dir
    folder.mkdir(parents=True)
    (folder / "trasig.toml").write_text('[columns]\npersonnummer = "Pnr\n"\n', encoding="utf-8")
    (folder / "okand.toml").write_text('[columns]\nlon = "Lön"\n', encoding="utf-8")
    (folder / "latin1.toml").write_bytes('name = "Lön"\n'.encode("cp1252"))
    [*broken] = profiles.broken()
    assert [b.path.name for b in broken] == ["latin1.toml", "okand.toml", "trasig.toml"]
    assert all("\n" not in b.message and b.message.startswith("Profilen ") for b in broken)
    assert {p.name for p in profiles.available()} >= {"Heroma", "Personec", "Unit4"}
    report = ingest(con, [("bra.csv", ex.csv_bytes(ex.small_extract(S)))])
    assert report.loaded, [str(f) for f in report.findings]
    heroma = ingest(con, [("h.csv", ex.csv_bytes(ex.fixture_heroma()))])
    assert heroma.readings == {"h.csv": "profilen Heroma"}


HOSTILE = {
    "djup_lista.toml": "a = " + "[" * 100_000 + "]" * 100_000,
    "djup_tabell.toml": "a = " + "{ b = " * 5_000 + "1" + " }" * 5_000,
    "djupa_nycklar.toml": 'name = "Djup"\n[values.' + ".".join(["x"] * 3_000) + "]\n",
    "stort_tal.toml": 'name = "Tal"\na = ' + "9" * 5_000 + "\n",
    "enorm.toml": 'name = "Enorm"\n' + "# " + "x" * 1_100_000 + "\n",
}
"""Profile files the parser recurses on, that parse too deep, that hold a value it cannot read
(an integer past Python's 4300 digits), or that are absurdly large."""


def test_a_hostile_profile_file_is_one_message_naming_it_not_a_traceback(con):
    folder = profiles.settings.get().profiles_dir
    folder.mkdir(parents=True)
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    broken = {b.path.name: b.message for b in profiles.broken()}
    assert broken.keys() == HOSTILE.keys()
    for name, message in broken.items():
        assert message.startswith(f"Profilen {name.removesuffix('.toml')} "), message
        assert len(message) < 200, message
    assert "nivåer" in broken["djup_lista.toml"] and "nivåer" in broken["djupa_nycklar.toml"]
    assert "större än 1 MB" in broken["enorm.toml"]
    for name, text in HOSTILE.items():
        with pytest.raises(profiles.ProfileError):
            profiles.parse(text, name)
    report = ingest(con, [("bra.csv", ex.csv_bytes(ex.small_extract(S)))])
    assert report.loaded, [str(f) for f in report.findings]


# --- the upload page ---------------------------------------------------------------------------

@pytest.mark.usefixtures("own_store")
def test_the_upload_page_names_a_broken_profile_and_loads_on(tmp_path):
    from streamlit.testing.v1 import AppTest

    folder = tmp_path / "data" / "profiles"
    folder.mkdir(parents=True)
    (folder / "[trasig](http:x).toml").write_text('[columns]\npersonnummer = "Syss.\ngrad"\n',
                                                  encoding="utf-8")
    at = AppTest.from_file(app_tests.APP, default_timeout=60).run()
    app_tests.upload(at, "november_2026.csv", app_tests._csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    [warning] = [w.value for w in at.warning if "hoppades över" in w.value]
    assert r"\[trasig\]\(http\:x\)\.toml" in warning.replace("\u2060", "")
    assert "Inläst: 12 rader från november_2026.csv" in app_tests.text(at.success[0].value)


@pytest.mark.usefixtures("own_store")
def test_the_upload_page_names_each_hostile_profile_and_loads_on(tmp_path):
    from streamlit.testing.v1 import AppTest

    folder = tmp_path / "data" / "profiles"
    folder.mkdir(parents=True)
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    at = AppTest.from_file(app_tests.APP, default_timeout=60).run()
    app_tests.upload(at, "november_2026.csv", app_tests._csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    warnings = [app_tests.text(w.value) for w in at.warning if "hoppades över" in w.value]
    assert sorted(w.split()[1] for w in warnings) == sorted(HOSTILE), warnings
    assert "Inläst: 12 rader från november_2026.csv" in app_tests.text(at.success[0].value)


@pytest.mark.usefixtures("own_store", "roles_file")
def test_a_saved_profile_is_listed_and_deleted_on_the_upload_page(tmp_path):
    from tests.test_auth import as_user

    saved = profiles.save(profiles.Profile(name="Fel mappning", columns={"personnummer": "Lön"}))
    at = as_user("admin")  # profiles are managed by an admin
    app_tests.upload(at, "november_2026.csv", app_tests._csv("2026-11-01"))
    assert "Fel mappning (fel_mappning.toml)" in [t.value for t in at.text]
    at.button(key="profile_delete_fel_mappning").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not saved.exists()
    assert any("fel\\_mappning\\.toml" in i.value.replace("\u2060", "") for i in at.info)
    assert not any("fel_mappning.toml" in t.value for t in at.text)
    assert "Inga sparade profiler." in [c.value for c in at.caption]
