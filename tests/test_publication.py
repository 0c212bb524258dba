"""Publication mode as the committee reads it: a change is worked out from the exact values
and rounded like them (or said to be smaller than the rounding), and a rounded value shows no
decimals it does not have.

Issue 20's two examples, in a store built here: headcount 1 552 -> 1 527 (-25) was shown as
"1 500, -100 personer", women among 80 managers 70.0 -> 68.8 % as "70,0 %, ±0,0".
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import pack
import store
from metrics import registry
from metrics.compute import compute
from metrics.disclosure import (
    NOT_PERSON_SHARES,
    SHARE_UNITS,
    change_step,
    decimals,
    person_share,
    round_for_publication,
)
from pipelines.schema import EMPLOYMENT_COLUMNS
from tests.test_app import chart_specs
from ui import numbers, texts
from ui.indicator import delta_args, latest_rows

NBSP = "\u00a0"
APP = str(Path(__file__).resolve().parents[1] / "app.py")
S1, S2 = date(2024, 11, 1), date(2025, 11, 1)
# (persons, managers, women among them) per snapshot: the issue's two examples.
ISSUE = {S1: (1552, 80, 56), S2: (1527, 80, 55)}
# The same share among 160 managers: published to whole percent, the change to whole points.
MANY_MANAGERS = {S1: (1552, 160, 112), S2: (1527, 160, 110)}


def build(path: Path, counts: dict) -> Path:
    """A store of monthly-paid persons in two förvaltningar, managers first."""
    rows = []
    for snapshot, (persons, managers, women) in counts.items():
        for i in range(persons):
            manager = i < managers
            rows.append({
                "snapshot_date": snapshot, "employment_id": f"e{snapshot.year}-{i}",
                "person_key": f"p{snapshot.year}-{i}", "birth_year": 1960 + i % 40,
                "gender": "K" if (i < women if manager else i % 3) else "M",
                "forvaltning": ("Barn", "Omsorg")[i % 2], "ssyk_code": "5311",
                "pay_form": "monthly", "employment_form": "tillsvidare",
                "contracted_rate": 100.0, "actual_rate": 100.0, "is_manager": manager,
                "employment_start": snapshot - timedelta(days=400), "load_id": 1,
            })
    types = dict(EMPLOYMENT_COLUMNS)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    frame = pl.DataFrame({name: frame[name] if name in frame.columns else None
                          for name in types})
    con = store.connect(path)
    try:
        with store.transaction(con) as cur:
            cur.register("incoming", frame)
            cur.execute("INSERT INTO employment BY NAME SELECT * FROM incoming")
            cur.execute("INSERT INTO load_log VALUES (1, now(), 'test', 'x', "
                        f"[DATE '{S1}', DATE '{S2}'], 1, 0, 'test')")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def issue_store(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("publication") / "issue.duckdb", ISSUE)


@pytest.fixture(scope="module")
def many_store(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("publication") / "many.duckdb", MANY_MANAGERS)


@pytest.fixture
def open_store(monkeypatch):
    """A read-only connection at the default thresholds."""
    for name in ("PERSONALPANELEN_MIN_CELL", "PERSONALPANELEN_MIN_N_PERCENTILES",
                 "PERSONALPANELEN_MIN_N_SICK_LEAVE"):
        monkeypatch.delenv(name, raising=False)
    opened = []

    def connect(path):
        con = store.connect(path, read_only=True)
        opened.append(con)
        return con

    yield connect
    for con in opened:
        con.close()


def published(con, metric_id):
    return compute(con, metric_id, publication=True)


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


# --- the change is the exact one, rounded like the values --------------------------------------


def test_the_stores_hold_the_issues_figures(issue_store, open_store):
    con = open_store(issue_store)
    assert compute(con, "headcount")["value"].to_list() == [1552, 1527]
    assert compute(con, "managers_women_share")["value"].to_list() == [70.0, 68.75]
    # Rounded, the headcount fell by 100 and the share did not move: neither is what happened.
    assert published(con, "headcount")["value"].to_list() == [1600, 1500]
    assert published(con, "managers_women_share")["value"].to_list() == [70, 70]


def test_the_published_change_is_worked_out_from_the_exact_values(issue_store, many_store,
                                                                   open_store):
    issue, many = open_store(issue_store), open_store(many_store)
    # -25 rounds to 0 at the step of 100 the values have: no -100.
    assert published(issue, "headcount")["change"].to_list() == [None, 0]
    # -1.25 points at the step of 5 (80 managers): 0; at whole percent (160): -1.
    assert published(issue, "managers_women_share")["change"].to_list() == [None, 0]
    assert published(many, "managers_women_share")["value"].to_list() == [70, 69]
    assert published(many, "managers_women_share")["change"].to_list() == [None, -1]


def delta_of(con, metric_id):
    metric = registry.get(metric_id)
    latest, previous = latest_rows(published(con, metric_id))
    return delta_args(latest, previous, metric, yearly=True)


def test_the_dashboards_delta(issue_store, many_store, open_store):
    issue, many = open_store(issue_store), open_store(many_store)
    headcount = delta_of(issue, "headcount")
    assert plain(headcount["delta"]) == "mindre än ±50 personer"
    assert headcount["delta_color"] == "off" and headcount["delta_arrow"] == "off"
    share = delta_of(issue, "managers_women_share")
    assert plain(share["delta"]) == "mindre än ±2,5 procentenheter"
    assert plain(delta_of(many, "managers_women_share")["delta"]) == "-1 procentenhet"
    # Analysis mode: exact values, the metric's decimals, as before.
    latest, previous = latest_rows(compute(issue, "headcount"))
    assert plain(delta_args(latest, previous, registry.get("headcount"), True)["delta"]) \
        == "-25 personer"


def pack_change(con, metric_id):
    metric = registry.get(metric_id)
    shown = dataclasses.replace(metric, decimals=decimals(metric, publication=True))
    rows = published(con, metric_id).to_dicts()
    return plain(pack._change(rows[-1], rows[-2], shown))


def test_the_packs_change(issue_store, many_store, open_store):
    issue, many = open_store(issue_store), open_store(many_store)
    assert pack_change(issue, "headcount") == "mindre än ±50 personer"
    assert pack_change(issue, "managers_women_share") == "mindre än ±2,5 procentenheter"
    assert pack_change(many, "managers_women_share") == "-1 procentenhet"


def test_a_change_the_rounding_shows_keeps_its_step():
    # 940 -> 1 012: published 940 -> 1 000, the exact +72 at the coarser step (100): +100.
    frame = pl.DataFrame({"snapshot_date": [S1, S2], "n": [940, 1012],
                          "value": [940.0, 1012.0], "suppressed": [False, False]})
    rows = round_for_publication(frame, registry.get("headcount"), over=[]).to_dicts()
    assert [r["value"] for r in rows] == [940, 1000] and rows[1]["change"] == 100
    assert change_step(registry.get("headcount"), *rows) == 100
    assert plain(numbers.published_change(rows[1], rows[0], registry.get("headcount"))) \
        == "+100 personer"
    # A hidden previous snapshot gives no change.
    hidden = frame.with_columns(pl.Series("value", [None, 1012.0]),
                                pl.Series("suppressed", [True, False]))
    rows = round_for_publication(hidden, registry.get("headcount"), over=[])
    assert rows["change"].to_list() == [None, None]


def test_a_period_window_keeps_the_change_to_the_snapshot_before_it(issue_store, open_store):
    con = open_store(issue_store)
    window = compute(con, "headcount", publication=True, start=S2, end=S2)
    assert window["change"].to_list() == [0]
    assert window.equals(published(con, "headcount").filter(snapshot_date=S2))


# --- no false decimals -------------------------------------------------------------------------


def test_publication_decimals():
    # Counts and shares of persons are published as whole numbers; percentages that are no
    # share of persons (sick leave, a mean of rates) keep their decimals, which hide nothing.
    assert decimals(registry.get("managers_women_share"), publication=True) == 0
    assert decimals(registry.get("fte_total"), publication=True) == 0
    assert decimals(registry.get("sick_leave_total"), publication=True) == 1
    assert decimals(registry.get("mean_age"), publication=True) == 1
    assert decimals(registry.get("managers_women_share")) == 1


def test_percentages_are_shares_of_persons_unless_named(demo_con, monkeypatch):
    # A share of persons: n x value / 100 is a count in every shown cell, so a published n and
    # an exact share would give it back. The named percentages are no such count anywhere.
    for name in ("PERSONALPANELEN_MIN_CELL", "PERSONALPANELEN_MIN_N_PERCENTILES",
                 "PERSONALPANELEN_MIN_N_SICK_LEAVE"):
        monkeypatch.delenv(name, raising=False)
    weighted = {"preschool_men_fte_share"}  # by rates, rounded as a share all the same
    checked = set()
    for metric in registry.METRICS.values():
        if metric.unit not in SHARE_UNITS:
            continue
        try:
            frame = compute(demo_con, metric.id, by=["forvaltning"] if "forvaltning"
                            in metric.breakdowns else []).filter(~pl.col("suppressed"))
        except Exception:  # noqa: BLE001 - the demo lacks the metric's data
            continue
        if frame.is_empty():
            continue
        counts = (frame["n"] * frame["value"] / 100).to_list()
        whole = all(abs(c - round(c)) < 1e-6 for c in counts)
        assert person_share(metric) == (metric.id not in NOT_PERSON_SHARES)
        if metric.id in NOT_PERSON_SHARES or metric.id in weighted:
            assert not whole, metric.id
        else:
            assert whole, metric.id
        checked.add(metric.id)
    assert {"sick_leave_total", "mean_contracted_rate", "managers_women_share",
            "turnover"} <= checked


# --- the dashboard, as the committee sees it ---------------------------------------------------


@pytest.fixture
def committee_app(issue_store, monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("PERSONALPANELEN_DB", str(issue_store))
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(tmp_path / "secret.key"))
    for name in ("PERSONALPANELEN_MIN_CELL", "PERSONALPANELEN_MIN_N_PERCENTILES",
                 "PERSONALPANELEN_MIN_N_SICK_LEAVE"):
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    at.toggle(key="filter_publication").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    yield at
    st.cache_data.clear()


def shown_metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (plain(m.value), plain(m.delta or "")) for m in at.metric}


def test_the_overview_cards_in_publication_mode(committee_app):
    cards = shown_metrics(committee_app)
    assert cards[registry.get("headcount").label_sv] == ("1 500", "mindre än ±50 personer")
    assert cards[registry.get("managers_women_share").label_sv] == (
        "70 %", "mindre än ±2,5 procentenheter")
    assert any(c.value == texts.PUBLICATION_ON for c in committee_app.caption)


def test_the_indicator_headline_in_publication_mode(committee_app):
    at = committee_app
    at.switch_page("ui/pages/chefer.py").run()
    assert not at.exception, [e.value for e in at.exception]
    value, delta = shown_metrics(at)[texts.LATEST_VALUE]
    assert (value, delta) == ("70 %", "mindre än ±2,5 procentenheter")
    headline = next(m for m in at.metric if m.label == texts.LATEST_VALUE)
    assert headline.help == texts.ROUNDED_VALUE_HELP
    # The table under the chart: whole percent and rounded n, no ",0".
    table = next(df.value for df in at.dataframe if "Värde (%)" in df.value.columns)
    rows = [tuple(r) for r in table.itertuples(index=False)]
    assert rows == [("2024-11-01", "80", "70"), ("2025-11-01", "80", "70")]
    # The chart's hover text says what the table says: "70 %", not "70,0 %".
    hovers = [str(point).replace(NBSP, " ") for spec in chart_specs(at)
              for trace in spec["data"] for point in trace.get("customdata") or []]
    assert "70 %" in hovers and not [h for h in hovers if re.search(r"\d,\d", h)], hovers


@pytest.mark.parametrize("metric_id", ["headcount", "fte_total", "full_time_share"])
def test_a_subsets_published_total_is_the_sum_of_its_published_forvaltningar(demo_con,
                                                                             metric_id):
    # Rounded afresh, the totals of many subsets pinned a count exactly (six subsets gave
    # 162 back from a published 160). The sum of what is published gives nothing new.
    parts = compute(demo_con, metric_id, by=["forvaltning", "gender"], publication=True)
    names = sorted(parts["forvaltning"].unique())
    count = registry.get(metric_id).unit != "%"
    checked = 0
    for chosen in (names[:2], names[1:4], names[::2]):
        for by in ([], ["gender"]):
            mine = parts.filter(pl.col("forvaltning").is_in(chosen))
            if not by:
                mine = compute(demo_con, metric_id, by=["forvaltning"], publication=True
                               ).filter(pl.col("forvaltning").is_in(chosen))
            total = compute(demo_con, metric_id, by=by, forvaltningar=chosen, publication=True)
            for row in total.filter(~pl.col("suppressed")).iter_rows(named=True):
                members = mine.filter(pl.col("snapshot_date") == row["snapshot_date"],
                                      *[pl.col(b) == row[b] for b in by])
                assert not members["suppressed"].any()
                assert row["n"] == members["n"].sum(), (chosen, by, row)
                if count:
                    assert row["value"] == pytest.approx(members["value"].sum()), (chosen, row)
                checked += 1
    assert checked > 20
