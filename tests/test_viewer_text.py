"""What a viewer (the personnel committee) reads on the overview and the indicator pages
(issue 20): text meant for them, never an analyst's instructions, Kolada KPI ids, code file
names or Python reprs; no demo data; targets said with their status.

AppTest as a logged-in viewer (tests/test_auth.py) on the hand-computed fixture store: every
string of every element on each page (labels, bodies, captions, help, chart texts, table
cells), with each of the page's further metrics chosen in turn.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

import store
from metrics import targets
from pipelines.load import ingest
from tests import extracts, test_app, test_auth
from tests.test_app import APP, text
from tests.test_auth import VIEWER_PAGES, logged_in_as
from ui import roles, sitemap, texts

app = test_app.app
fixture_store = test_app.fixture_store
own_store = test_app.own_store
_fresh_caches = test_app._fresh_caches
roles_file = test_auth.roles_file

FILES = {spec.url_path: spec.file for spec in sitemap.ALL_PAGES}
NOT_SHOWN = {"id", "key", "form_id", "element_id", "data", "icon", "page", "page_script_hash",
             "url_path", "type", "format", "anchor", "tag", "columns", "deferred_file_id",
             "arrow_data", "config", "theme", "args", "styles", "width", "height"}
"""Proto fields that are not text on screen (`page` of a page link is its script path)."""
CHART_TEXT = {"text", "name", "title", "ticktext"}

FORBIDDEN = {
    "a code file": re.compile(r"[\w/.-]+\.(?:toml|py|duckdb|sql)\b"),
    "a Kolada KPI id": re.compile(r"\b[NU]\d{5}\b"),
    "a Python repr": re.compile(r"\b(?:None|True|False|nan|NaN)\b"),
    "an instruction to load": re.compile(r"Ladda upp|läs in det igen|Lägg till kolumnen"),
    "a developer's check note": re.compile(r"Kontrollerat|beskrivningen inte läst"),
    "jargon": re.compile(r"minsta kvadrat", re.IGNORECASE),
}


def _proto_strings(message: Message) -> list[str]:
    found = []
    for field, value in message.ListFields():
        if field.name in NOT_SHOWN:
            continue
        values = list(value) if isinstance(value, list | tuple) or hasattr(value, "append") \
            else [value]
        for item in values:
            if isinstance(item, Message):
                found += _proto_strings(item)
            elif isinstance(item, str) and field.name == "spec":
                found += _chart_strings(json.loads(item))
            elif isinstance(item, str) and item.strip():
                found.append(item)
    return found


def _chart_strings(spec, key: str = "") -> list[str]:
    if isinstance(spec, dict):
        return [s for k, v in spec.items() for s in _chart_strings(v, k)]
    if isinstance(spec, list):
        return [s for v in spec for s in _chart_strings(v, key)]
    return [spec] if isinstance(spec, str) and key in CHART_TEXT else []


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def page_strings(at: AppTest) -> list[str]:
    """Every string the page and the sidebar show, as the reader sees it."""
    found = []
    for root in (at.main, at.sidebar):
        for node in _nodes(root):
            proto = getattr(node, "proto", None)
            if isinstance(proto, Message) and not isinstance(node, type(root)):
                found += _proto_strings(proto)
    for frame in at.dataframe:
        table = frame.value
        found += [str(c) for c in table.columns]
        found += [str(v) for row in table.itertuples(index=False) for v in row]
    return [text(s) for s in found]


def read_every_page(at: AppTest, pages: list[str]) -> dict[str, list[str]]:
    """url path -> every string on it, with each further metric of the page chosen in turn."""
    shown: dict[str, list[str]] = {}
    for url_path in pages:
        at.switch_page(FILES[url_path]).run()
        assert not at.exception, (url_path, [e.value for e in at.exception])
        strings = page_strings(at)
        more = [s for s in at.selectbox if s.key and s.key.startswith("more_")]
        for i in range(1, len(more[0].options) if more else 0):
            at.selectbox(key=more[0].key).select_index(i).run()
            assert not at.exception, (url_path, i, [e.value for e in at.exception])
            strings += page_strings(at)
        shown[url_path] = strings
    return shown


def offending(shown: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    return sorted({(url_path, what, s) for url_path, strings in shown.items() for s in strings
                   for what, pattern in FORBIDDEN.items() if pattern.search(s)})


def viewer() -> AppTest:
    at = logged_in_as(AppTest.from_file(APP, default_timeout=120), roles.VIEWER)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def with_targets(own_store):
    """The fixture store with two targets (as tests/test_targets.py): full time 71,4 % (2025)
    after 100 % (2024), at least 80 % by 2027: unknown (two points); headcount 15: at most
    20 by 2026: reached."""
    con = store.connect(own_store)
    targets.set_target(con, targets.Target("full_time_share", targets.HIGHER, 80.0, None,
                                           2027, "Program, punkt 7"), ("ann", "analyst"))
    targets.set_target(con, targets.Target("headcount", targets.LOWER, None, 20.0, 2026,
                                           "Program, punkt 8"), ("ann", "analyst"))
    con.close()
    return own_store


# --- every page as a viewer ----------------------------------------------------------------------


def test_a_viewer_reads_no_instructions_ids_code_or_reprs_on_any_page(with_targets,
                                                                      roles_file):
    """The fixture, with targets on two cards and no Kolada values."""
    shown = read_every_page(viewer(), VIEWER_PAGES)
    found = offending(shown)
    assert not found, "\n".join(map(str, found))
    every = [s for strings in shown.values() for s in strings]
    assert texts.KOLADA_NO_VALUES_VIEWER in every


@pytest.fixture
def bare_store(tmp_path, monkeypatch) -> Path:
    """Two small employment extracts and nothing else: no sick leave, HME, training or crisis
    extract and none of the issue-13 columns; a roles file for the viewer."""
    path = tmp_path / "own.duckdb"
    con = store.connect(path)
    try:
        for day in (date(2024, 11, 1), date(2025, 11, 1)):
            frame = extracts.small_extract(day)
            assert ingest(con, [(f"{day}.csv", extracts.csv_bytes(frame))]).loaded
    finally:
        con.close()
    test_app._point_app_at(monkeypatch, path, tmp_path)
    roles = tmp_path / "roles.toml"
    roles.write_text(test_auth.ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("PERSONALPANELEN_ROLES_FILE", str(roles))
    return path


def test_a_viewer_reads_what_is_missing_not_how_to_load_it(bare_store):
    shown = read_every_page(viewer(), ["oversikt", "halsa", "utveckling", "socialsekreterare"])
    found = offending(shown)
    assert not found, "\n".join(map(str, found))
    every = [s for strings in shown.values() for s in strings]
    for table in ("absence_year", "hme_result", "training", "crisis_placement"):
        assert texts.NO_DATA_FOR_TABLE_VIEWER[table] in every, table
    assert any("Utbildningspremie" in s and "finns inte i de inlästa uttagen" in s
               for s in every), [s for s in every if "kan inte visas" in s]
    # no social workers at all in the extracts, and no filter: not "för valt urval"
    assert texts.NO_VALUES_ALL in shown["socialsekreterare"]
    assert texts.NO_VALUES not in every


def test_an_analyst_keeps_the_actionable_texts(bare_store):
    at = AppTest.from_file(APP, default_timeout=120).run()  # the local analyst
    shown = read_every_page(at, ["heltid", "halsa", "utveckling"])
    every = [s for strings in shown.values() for s in strings]
    assert texts.NO_DATA_FOR_TABLE["absence_year"] in every
    assert texts.KOLADA_NO_VALUES.format(id="N00206") in every
    assert any("Lägg till kolumnen" in s for s in every)


# --- the demo ----------------------------------------------------------------------------------


def small_demo(path: Path) -> Path:
    """A stand-in for the demo's store: one small extract of 2019, so that nothing loads the
    real demo (minutes) and its figures are told from the fixture's."""
    con = store.connect(path)
    try:
        frame = extracts.small_extract(date(2019, 11, 1))
        assert ingest(con, [("demo.csv", extracts.csv_bytes(frame))]).loaded
    finally:
        con.close()
    return path


def test_a_viewer_has_no_switch_to_the_demo(roles_file, tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_DEMO_DB", str(small_demo(tmp_path / "demo.duckdb")))
    at = viewer()
    assert not [t for t in at.toggle if t.key == "show_demo"]
    at.session_state["show_demo"] = True  # not even by a crafted session
    at.switch_page(FILES["personalstruktur"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [w for w in at.warning if "Exempeldata" in w.value]
    assert list(test_app.values_table(at, "personer")) == ["2024-11-01", "2025-11-01"]


def test_before_the_own_data_a_viewer_sees_no_demo_but_says_why(tmp_path, monkeypatch):
    """The own store is empty; the 'demo' store (a small stand-in) has figures.
    An analyst sees them under the demo banner, a viewer only the line that says the
    municipality's data is not loaded yet, on every page."""
    test_app._point_app_at(monkeypatch, tmp_path / "own.duckdb", tmp_path)
    monkeypatch.setenv("PERSONALPANELEN_DEMO_DB", str(small_demo(tmp_path / "demo.duckdb")))
    roles = tmp_path / "roles.toml"
    roles.write_text(test_auth.ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("PERSONALPANELEN_ROLES_FILE", str(roles))

    analyst = AppTest.from_file(APP, default_timeout=120).run()
    assert analyst.warning[0].value.startswith("**Exempeldata.**")

    at = viewer()
    for url_path in ("oversikt", "heltid"):
        at.switch_page(FILES[url_path]).run()
        assert not at.exception, [e.value for e in at.exception]
        assert [i.value for i in at.info] == [texts.DEMO_VIEWER_NO_DATA]
        assert not at.metric and not at.get("plotly_chart") and not at.warning
        assert not at.get("multiselect")  # no filter offering the demo's förvaltningar


# --- the overview's cards ----------------------------------------------------------------------


def cards_status(at: AppTest) -> list[str]:
    return [text(m.value) for m in at.markdown if "-badge[" in m.value]


def test_a_card_says_its_target_with_the_status(with_targets, roles_file):
    at = viewer()
    assert cards_status(at) == [
        ":gray-badge[:material/help: Okänt] om målet minst 80 % år 2027 nås",
        ":green-badge[:material/check_circle: Nått] målet högst 20 personer år 2026",
    ]
    assert texts.TARGET_SUBSET not in [c.value for c in at.caption]


def test_a_forvaltning_filter_says_the_target_is_the_whole_municipality_s(with_targets,
                                                                        roles_file):
    at = viewer()
    forvaltning = at.multiselect(key="filter_forvaltningar").options[0]
    at.multiselect(key="filter_forvaltningar").set_value([forvaltning]).run()
    assert [c.value for c in at.caption].count(texts.TARGET_SUBSET) == 1  # once, not per card
    at.switch_page(FILES["heltid"]).run()
    assert texts.TARGET_SUBSET in [c.value for c in at.caption]


def test_the_card_links_fit_a_narrow_card(app):
    """A page link never wraps (Streamlit: nowrap, ellipsis): in a card at 1024 px (four
    cards beside the sidebar) 57 px are left for its text, about nine characters; the page's
    name is in the link's help."""
    links = app.main.get("page_link")  # the cards', not the sidebar's menu
    assert len(links) >= 5
    for link in links:
        assert len(link.proto.label) <= 9, link.proto.label
        assert link.proto.help.startswith("Öppnar sidan ")


def test_the_trend_is_named_in_plain_swedish():
    for words in (texts.TREND_LINE, texts.TARGET_RULE):
        assert "minsta kvadrat" not in words and "Trend" not in words
    assert "Om utvecklingen fortsätter" in texts.TREND_LINE

