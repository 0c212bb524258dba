"""Issue 13, training and crisis placement: the two extracts end to end (recognised, weeks read,
pseudonymised, replaced by year, deleted, erased) and the five metrics of metrics/readiness.py
against values worked out by hand in the docstrings below.

The municipality of the tests, monthly-paid at 100 % on 1 November 2024 and 2025 (same staff):
  N1-N4 nurses (SSYK 2221), T1-T2 teachers (2341): licensed and resident-facing;
  A1-A3 office staff (4119), A4 HR specialist (2423), A5 head of administration (1112):
  administrative; O1 cleaner (9111); H1 an hourly-paid nurse (out of every population).
"""

from __future__ import annotations

import json
import re
from datetime import date

import polars as pl
import pytest

import store
from metrics import persons, readiness, registry
from metrics.compute import compute, reads_years
from pipelines import lifecycle
from pipelines.load import ingest
from pipelines.normalise import week
from tests.extracts import csv_bytes, personnummer

ACTOR = ("test", "admin")
STAFF = {  # name -> (SSYK, pay form)
    **{f"N{i}": ("2221", "Månadslön") for i in range(1, 5)},
    "T1": ("2341", "Månadslön"), "T2": ("2341", "Månadslön"),
    "A1": ("4119", "Månadslön"), "A2": ("4119", "Månadslön"), "A3": ("4119", "Månadslön"),
    "A4": ("2423", "Månadslön"), "A5": ("1112", "Månadslön"),
    "O1": ("9111", "Månadslön"), "H1": ("2221", "Timlön"),
}
PNR = {name: personnummer(1970 + i, i, "K" if i % 2 else "M")
       for i, name in enumerate(STAFF)}
SNAPSHOTS = ("2024-11-01", "2025-11-01")


def employment(forvaltning: dict[str, str] | None = None) -> bytes:
    rows = [(day, PNR[name], f"{name}-{day[:4]}", (forvaltning or {}).get(name, "Stöd"), ssyk,
             pay, "100" if pay == "Månadslön" else "")
            for day in SNAPSHOTS for name, (ssyk, pay) in STAFF.items()]
    return csv_bytes(pl.DataFrame(rows, orient="row", schema=[
        "Mätdatum", "Personnummer", "Anställningsnummer", "Förvaltning", "SSYK", "Löneform",
        "Sysselsättningsgrad"]))


TRAINING = [  # (person, course, date)
    ("N1", "Fortbildning för sjuksköterskor", "2025-03-01"),   # 2025: in the 12 months
    ("N1", "HBTQ-diplomering", "2023-01-10"),                  # 2025: in the 36 months
    ("N2", "Fortbildning för sjuksköterskor", "2024-10-15"),   # 2024 only (12 months)
    ("N3", "HLR", "2025-05-01"),                               # not a listed course
    ("N4", " fortbildning för SJUKSKÖTERSKOR ", "2025-11-01"),  # case, spaces; on the day
    ("T1", "Fortbildning för lärare", "2025-12-01"),           # after both snapshots
    ("T2", "Hedersrelaterat våld och förtryck", "2022-10-01"),  # before the 36 months
    ("H1", "Fortbildning för sjuksköterskor", "2025-02-01"),   # hourly-paid: not counted
    ("O1", "HLR", "2022-06-01"),                               # the year 2022 is loaded
]
CRISIS = [  # (person, receiving unit, core service, week)
    ("A1", "Hemtjänst Norr", "Vård och omsorg", "2025-W10"),
    ("A1", "Hemtjänst Norr", "Vård och omsorg", "2025 v40"),
    ("A1", "Förskolan Solen", "Skola", "2025-W10"),      # the same week at a second unit
    ("A2", "Förskolan Solen", "Skola", "2025-09-17"),   # a date: the week's Monday
    ("A3", "Förskolan Solen", "Skola", ""),              # placed, no week yet: year 2025
    ("A4", "Köket", "Annan", "2024-W45"),                # placed since 2024
    ("O1", "Förskolan Solen", "Skola", "2025-W11"),      # not administrative staff
]


def training_file(rows=TRAINING) -> bytes:
    return csv_bytes(pl.DataFrame([(PNR[p], c, d) for p, c, d in rows], orient="row",
                                  schema=["Personnummer", "Kurs", "Kursdatum"]))


def crisis_file(rows=CRISIS) -> bytes:
    return csv_bytes(pl.DataFrame([(PNR[p], u, s, w) for p, u, s, w in rows], orient="row",
                                  schema=["Personnummer", "Mottagande enhet", "Kärnverksamhet",
                                          "Vecka"]))


@pytest.fixture
def loaded(con):
    """Employment first, then the two extracts in a later batch: their load must refresh the
    derived tables of snapshots it is not dated in."""
    assert ingest(con, [("anst.csv", employment())]).loaded
    report = ingest(con, [("kurser.csv", training_file()), ("kris.csv", crisis_file())])
    assert report.loaded, report.summary()
    assert report.tables == {"training": len(TRAINING), "crisis_placement": len(CRISIS)}
    return con


def values(con, metric_id: str, **kw) -> dict:
    frame = compute(con, metric_id, **kw)
    return {row["snapshot_date"].year: (row["n"], row["value"])
            for row in frame.iter_rows(named=True)}


def test_weeks_are_read_as_their_monday():
    frame = pl.DataFrame({"raw": ["2024-W37", "2024 v37", "2024v1", "2020-W53", "2021-W53",
                                  "2024-09-11", "37", None]})
    read = frame.select(week(pl.col("raw")).alias("monday"))["monday"].to_list()
    assert read == [date(2024, 9, 9), date(2024, 9, 9), date(2024, 1, 1), date(2020, 12, 28),
                    None, date(2024, 9, 9), None, None]


def test_the_extracts_are_recognised_keyed_and_dated_by_year(loaded):
    training = store.read(loaded, "SELECT year, course, course_date FROM training ORDER BY "
                                  "course_date")
    assert training["year"].to_list() == [2022, 2022, 2023, 2024, 2025, 2025, 2025, 2025, 2025]
    assert all(course == course.strip() for course in training["course"])  # trimmed
    crisis = store.read(loaded, "SELECT year, week, week_start, core_service FROM "
                                "crisis_placement ORDER BY year, week, core_service")
    assert crisis.rows() == [
        (2024, "2024-W45", date(2024, 11, 4), "annan"),
        (2025, "", None, "skola"),
        (2025, "2025-W10", date(2025, 3, 3), "skola"),
        (2025, "2025-W10", date(2025, 3, 3), "vard_och_omsorg"),
        (2025, "2025-W11", date(2025, 3, 10), "skola"),
        (2025, "2025-W38", date(2025, 9, 15), "skola"),
        (2025, "2025-W40", date(2025, 9, 29), "vard_och_omsorg"),
    ]
    for table in ("training", "crisis_placement"):  # no personnummer kept
        columns = store.read(loaded, f"SELECT * FROM {table} LIMIT 1").columns
        assert "personnummer" not in columns and "person_key" in columns


def test_training_coverage_licensed(loaded):
    """Licensed: N1-N4, T1, T2 (6; not H1, hourly). 2025: courses after 2024-11-01 up to
    2025-11-01: N1 and N4 (N3's HLR is not listed, T1's is after the day): 2/6 = 33.3 %.
    2024: after 2023-11-01 up to 2024-11-01: N2 only: 1/6 = 16.7 %."""
    assert values(loaded, "training_coverage_licensed") == {
        2024: (6, pytest.approx(100 / 6)), 2025: (6, pytest.approx(200 / 6))}


def test_training_coverage_resident_facing(loaded):
    """Resident-facing: the same six (2221, 2341). 2025: after 2022-11-01: N1's HBTQ course;
    T2's is before: 1/6. 2024's window starts in 2021, a year the extract lacks: no value."""
    assert values(loaded, "training_coverage_resident_facing") == {
        2025: (6, pytest.approx(100 / 6))}


def test_crisis_placement_share_and_weeks(loaded):
    """Administrative: A1-A5 (5). 2024: A4 placed (its 2024 week): 1/5 = 20 %, 1 week:
    1/5/2 = 0.1 per person and term. 2025: A1, A2, A3 (no week yet), A4 (placed since 2024):
    4/5 = 80 %; weeks in 2025: A1 2 (W10 at two units counts once), A2 1 = 3/5/2 = 0.3 (O1
    is not administrative)."""
    assert values(loaded, "crisis_placement_share") == {2024: (5, 20.0), 2025: (5, 80.0)}
    assert values(loaded, "crisis_weeks_per_person") == {
        2024: (5, pytest.approx(0.1)), 2025: (5, pytest.approx(0.3))}
    assert values(loaded, "crisis_placements") == {2024: (1, 1.0), 2025: (4, 4.0)}


def test_crisis_placements_by_core_service_hides_a_small_cell(loaded, monkeypatch):
    """2025 by core service: Skola A2, A3 (2), Vård och omsorg A1 (1: two weeks there, one
    in Skola), Annan A4 (1). At a
    threshold of 2 the two single cells are hidden, the total (4) and Skola shown."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "2")
    frame = compute(loaded, "crisis_placements", by=["core_service"]).filter(
        pl.col("snapshot_date") == date(2025, 11, 1))
    cells = {r["core_service"]: (r["value"], r["suppressed"]) for r in frame.iter_rows(named=True)}
    assert cells == {"Skola": (2.0, False), "Vård och omsorg": (None, True),
                     "Annan": (None, True)}
    assert values(loaded, "crisis_placements")[2025] == (4, 4.0)


def test_a_small_share_is_hidden(loaded, monkeypatch):
    """At a threshold of 4: the 2024 share rests on one placed person of five (hidden), the
    2025 share on four of five (shown)."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "4")
    frame = compute(loaded, "crisis_placement_share")
    by_year = {r["snapshot_date"].year: r for r in frame.iter_rows(named=True)}
    assert by_year[2024]["suppressed"] and by_year[2024]["value"] is None
    assert by_year[2025]["suppressed"] is False and by_year[2025]["value"] == 80.0


def test_a_register_without_weeks_takes_the_year_column(con):
    """Placements only (no Vecka column), with År 2025: A1 and A2 are placed in 2025,
    2/5 = 40 %, no week served: 0 weeks per person and term."""
    assert ingest(con, [("anst.csv", employment())]).loaded
    data = csv_bytes(pl.DataFrame([(PNR["A1"], "Köket", "Annan", 2025),
                                   (PNR["A2"], "Köket", "Annan", 2025)], orient="row",
                                  schema=["Personnummer", "Mottagande enhet", "Kärnverksamhet",
                                          "År"]))
    assert ingest(con, [("placeringar.csv", data)]).loaded
    assert values(con, "crisis_placement_share") == {2025: (5, 40.0)}
    assert values(con, "crisis_weeks_per_person") == {2025: (5, 0.0)}


def test_a_training_extract_identified_by_person_id_loads(con):
    data = csv_bytes(pl.DataFrame({"Person-id": ["1001", "1002"], "Kurs": ["HLR", "HLR"],
                                   "Kursdatum": ["2025-03-01", "2025-04-01"]}))
    report = ingest(con, [("kurser.csv", data)])
    assert report.loaded and report.tables == {"training": 2}, report.summary()
    keys = store.read(con, "SELECT person_key FROM training")["person_key"].to_list()
    assert len(set(keys)) == 2 and not {"1001", "1002"} & set(keys)


def test_no_register_no_value(con):
    """Without the extracts the metrics have no value at all (not zero)."""
    assert ingest(con, [("anst.csv", employment())]).loaded
    for metric in readiness.READINESS_METRICS:
        assert compute(con, metric.id).is_empty(), metric.id


def test_a_year_loaded_again_replaces_it_and_delete_restores_it(loaded):
    """A 2025 register with A5 alone replaces the 2025 rows (2024's A4 stays): 2025 placed
    A4, A5: 2/5 = 40 %, A5's one week: 1/5/2. Deleting that load puts 2025 back (80 %)."""
    report = ingest(loaded, [("kris2.csv", crisis_file([("A5", "Köket", "Annan",
                                                          "2025-W20")]))])
    assert report.loaded
    assert values(loaded, "crisis_placement_share")[2025] == (5, 40.0)
    assert values(loaded, "crisis_weeks_per_person")[2025] == (5, pytest.approx(0.1))
    load_id = int(store.read(loaded, "SELECT max(load_id) AS i FROM load_log")["i"][0])
    lifecycle.delete_load(loaded, load_id, ACTOR)
    assert values(loaded, "crisis_placement_share")[2025] == (5, 80.0)


def test_deleting_the_training_load_refreshes_every_snapshot(loaded):
    training_load = int(store.read(loaded, "SELECT load_id FROM load_log WHERE file_name = "
                                           "'kurser.csv'")["load_id"][0])
    lifecycle.delete_load(loaded, training_load, ACTOR)
    assert compute(loaded, "training_coverage_licensed").is_empty()


def test_erasing_a_person_removes_their_courses_and_placements(loaded):
    """Erasing A1: 2025 placed A2, A3, A4 of A2-A5: 3/4 = 75 %, weeks A2's 1: 1/4/2."""
    removed = lifecycle.erase_person(loaded, PNR["A1"], ACTOR)
    assert removed["crisis_placement"] == 3
    assert values(loaded, "crisis_placement_share")[2025] == (4, 75.0)
    assert values(loaded, "crisis_weeks_per_person")[2025] == (4, pytest.approx(0.125))
    removed = lifecycle.erase_person(loaded, PNR["N1"], ACTOR)
    assert removed["training"] == 2
    assert values(loaded, "training_coverage_licensed")[2025] == (5, pytest.approx(20.0))


def test_the_derived_tables_agree_with_the_live_step(loaded):
    for metric in readiness.READINESS_METRICS:
        table = persons.table(loaded, metric)
        assert table is not None
        stored = store.read(loaded, f"SELECT * FROM {table} ORDER BY ALL")
        live = store.read(loaded, f"SELECT * FROM ({persons.query(metric)}) ORDER BY ALL")
        assert stored.equals(live), metric.id


def test_the_metrics_are_registered_and_yearly_by_snapshot():
    for metric in readiness.READINESS_METRICS:
        assert registry.get(metric.id) is metric
        assert not reads_years(metric)


def test_no_metric_text_names_a_code_file():
    """Definitions, populations, notes and sources are shown to everyone (the committee too);
    the rule files are named in docs/definitions.md, not on screen."""
    code_file = re.compile(r"[\w/.-]+\.(?:toml|py|sql|duckdb|json)\b|metrics/")
    for metric in registry.METRICS.values():
        for shown in (metric.label_sv, metric.definition_sv, metric.population_text,
                      metric.note_sv, metric.source):
            assert not code_file.search(shown or ""), (metric.id, shown)


@pytest.mark.parametrize("training, problem", [
    ({"licensed": {"ssyk": ["22a1"], "months": 12}}, "ssyk"),
    ({"licensed": {"ssyk": ["2221"], "courses": ["x'); DROP TABLE t; --"], "months": 12}},
     "kursnamn"),
    ({"licensed": {"ssyk": ["2221"], "months": 0}}, "months"),
    ({"licensed": {"ssyk": ["2221"], "months": 12, "require": "some"}}, "require"),
])
def test_a_bad_rule_file_is_refused(training, problem):
    good = {"ssyk": ["2221"], "months": 12}
    rules = {"resident_facing": good, **training}
    with pytest.raises(readiness.RuleError, match=problem):
        readiness.build(rules, {"ssyk": ["41"]})


def test_require_all_needs_every_course():
    group = readiness.target_group({"g": {"ssyk": ["1"], "courses": ["A", "B"],
                                          "require": "all", "months": 12}}, "g")
    sql = readiness.trained_sql(group)
    assert sql.count("list_filter") == 2 and " AND len(" in sql


def test_the_page_shows_the_hand_computed_figures(env, monkeypatch):
    """AppTest of "Utveckling och beredskap" on the store above (every threshold 1): the
    crisis placement share 20 % and 80 %, and the placements by core service."""
    from streamlit.testing.v1 import AppTest

    db = env / "page.duckdb"
    con = store.connect(db)
    try:
        assert ingest(con, [("anst.csv", employment())]).loaded
        assert ingest(con, [("kurser.csv", training_file()), ("kris.csv", crisis_file())]).loaded
    finally:
        con.close()
    monkeypatch.setenv("PERSONALPANELEN_DB", str(db))
    monkeypatch.delenv("PERSONALPANELEN_DEMO_DB", raising=False)
    at = AppTest.from_file("../app.py", default_timeout=300).run()
    at.switch_page("ui/pages/utveckling.py").run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [df.value for df in at.dataframe if "Värde (%)" in df.value.columns]
    shares = [dict(zip(t["Mätdatum"], t["Värde (%)"], strict=True)) for t in tables]
    assert {"2024-11-01": "20,0", "2025-11-01": "80,0"} in shares, shares
    at.selectbox(key="more_utveckling").set_value("crisis_placements").run()
    assert not at.exception, [e.value for e in at.exception]
    charts = " ".join(str(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart"))
    for service in ("Skola", "Vård och omsorg", "Annan"):
        assert service in charts
    assert "Per kärnverksamhet" in [tab.label for tab in at.tabs]
