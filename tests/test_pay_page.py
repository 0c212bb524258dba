"""The page "Jämställda löner" (issue 23) per role, on stores built by loading
a pay extract through the real pipeline into a copy of the hand-computed fixture store (which
gives the store its employment rows, so the app shows it rather than the demo).

The pay extract (PAY_2025 below) is worked out by hand. Every person is paid for 1 700 hours:

- women 1-5, Undersköterska: basic pay 340 000 kr (200 kr an hour) and 17 000 kr of
  supplements (10 kr an hour): 210 kr an hour;
- women 6-10, Vårdbiträde: 340 000 kr, no supplements: 200 kr an hour;
- men 1-5, Undersköterska: 374 000 kr (220 kr an hour) and 17 000 kr: 230 kr an hour;
- men 6-10, Drifttekniker: 374 000 kr, no supplements: 220 kr an hour.

Women's mean and median hourly pay are 205 kr, men's 225 kr: the gap is 20 / 225 = 8,9 %. The
quartile bands (five persons each) are the women at 200, the women at 210, the men at 220 and
the men at 230 kr; half of the women and half of the men receive supplements (50,0 %). In the
survey (hourly basic pay) the Undersköterskor differ by (220 - 200) / 220 = 9,1 %: flagged.
The year before has the same persons, each paid 17 000 kr less basic pay.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import store
from metrics import pay_survey, pay_transparency
from pipelines.load import ingest
from tests import extracts, test_app, test_auth
from tests.test_app import APP, chart_specs, text
from tests.test_plain_text import markup
from tests.test_viewer_text import offending, page_strings
from ui import pay_texts, roles, sitemap

fixture_store = test_app.fixture_store
_fresh_caches = test_app._fresh_caches

PAGE = sitemap.PAGE_BY_PATH["lonekartlaggning"].file
HOURS = 1700
HOSTILE = "[Logga in](http://evil.example)"


def person(i: int, gender: str, title: str, basic: float, supplements: float,
           year: int = 2025) -> dict:
    return {"År": year, "Personnummer": extracts.personnummer(1970 + i, i, gender),
            "Kön": gender, "Befattning": title, "Utbetald grundlön": basic,
            "Utbetalda tillägg": supplements, "Betalda timmar": HOURS}


def pay_year(year: int, less: float = 0.0) -> list[dict]:
    """The persons of the module docstring; `less` basic pay for every one of them."""
    rows = []
    for i in range(10):
        women_title = "Undersköterska" if i < 5 else "Vårdbiträde"
        men_title = "Undersköterska" if i < 5 else "Drifttekniker"
        supplements = 17_000 if i < 5 else 0
        rows.append(person(i, "K", women_title, 340_000 - less, supplements, year))
        rows.append(person(100 + i, "M", men_title, 374_000 - less, supplements, year))
    return rows


PAY_2025 = pay_year(2025)
PAY_BOTH = pay_year(2024, less=17_000) + PAY_2025


def pay_store(fixture_store: Path, tmp_path: Path, monkeypatch, rows: list[dict],
              *, viewer_roles: bool = True) -> Path:
    """A copy of the fixture store with the pay extract `rows` loaded, which the app opens
    as its own store; with a roles file for logging in as the committee."""
    path = tmp_path / "own.duckdb"
    shutil.copy(fixture_store, path)
    test_app._point_app_at(monkeypatch, path, tmp_path)
    con = store.connect(path)
    try:
        report = ingest(con, [("löner.csv", extracts.csv_bytes(pl.DataFrame(rows)))])
        assert report.loaded, report.summary()
    finally:
        con.close()
    if viewer_roles:
        roles_file = tmp_path / "roles.toml"
        roles_file.write_text(test_auth.ROLES_TOML, encoding="utf-8")
        monkeypatch.setenv("PERSONALPANELEN_ROLES_FILE", str(roles_file))
    return path


@pytest.fixture
def paid(fixture_store, tmp_path, monkeypatch) -> Path:
    return pay_store(fixture_store, tmp_path, monkeypatch, PAY_BOTH)


def open_page(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def analyst() -> AppTest:
    return open_page(AppTest.from_file(APP, default_timeout=60).run())  # the local analyst


def viewer() -> AppTest:
    return open_page(test_auth.as_user(roles.VIEWER))


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: text(m.value) for m in at.metric}


TABLES = {  # a table on the page by headers only it has (AppTest gives a table no key)
    "pay_figures": {"Uppgift"}, "pay_quartiles_table": {"Kvartil", "Lägsta timlön"},
    "pay_categories_table": {"Grundlön kvinnor"}, "pay_groups_table": {"Grupp"},
    "pay_comparisons_table": {"Jämförs med"}, "pay_items_table": {"Anteckning", "Skillnad"},
    "pay_note_history": {"Version"},
}


def table(at: AppTest, key: str):
    (found,) = [df.value for df in at.dataframe if TABLES[key] <= set(df.value.columns)]
    return found


def read(path: Path, read_with):
    con = store.connect(path)
    try:
        return read_with(con)
    finally:
        con.close()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


# --- the committee ------------------------------------------------------------------------------


def test_the_committee_sees_the_gap_and_no_categories(paid):
    at = viewer()
    assert at.title[0].value == sitemap.PAGE_BY_PATH["lonekartlaggning"].title
    assert at.selectbox(key="pay_year").value == 2025  # the latest year first
    assert cards(at) == {pay_texts.MEAN_GAP: "8,9 %", pay_texts.MEDIAN_GAP: "8,9 %",
                         pay_texts.RECEIVING_WOMEN: "50,0 %", pay_texts.RECEIVING_MEN: "50,0 %"}
    trend, quartiles = chart_specs(at)
    # 2024: women 190, 200; men 210, 220 kr an hour: (215 - 195) / 215 = 9,30 %
    assert trend["data"][0]["x"] == ["2024", "2025"]
    assert trend["data"][0]["y"] == pytest.approx([2000 / 215, 2000 / 225])
    assert [trace["y"] for trace in quartiles["data"]] == [[100, 100, 0, 0], [0, 0, 100, 100]]
    # The charts' values as tables (issue 24), no more than the charts show: the gaps per
    # year and the shares per band (not the counts nor the band's pay).
    assert [list(df.value.columns) for df in at.dataframe] == [
        ["År", "Skillnad, medel", "Skillnad, median"], ["Kvartil", "Andel kvinnor", "Andel män"]]
    assert text(at.dataframe[0].value["Skillnad, medel"].iloc[0]) == "9,3 %"
    assert ("Löneskillnaden, medelvärde 2024–2025: från 9,3 % till 8,9 %. Löneskillnaden, "
            "median 2024–2025: från 9,3 % till 8,9 %.") in [text(c.value) for c in at.caption]
    # no table of categories, no tabs, no editor, nothing of the survey
    assert not at.data_editor and not at.tabs
    assert not [s for s in page_strings(at) if "Undersköterska" in s]
    assert not offending({"lonekartlaggning": page_strings(at)})
    assert pay_texts.HIDDEN_VALUE not in page_strings(at)


def test_another_year_is_chosen_and_a_year_the_store_lacks_is_not_kept(paid):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["pay_year"] = 2019  # the demo's year, say, before the own store
    open_page(at)
    assert at.selectbox(key="pay_year").options == ["2025", "2024"]
    assert at.selectbox(key="pay_year").value == 2025
    at.selectbox(key="pay_year").set_value(2024).run()
    assert not at.exception, [e.value for e in at.exception]
    # 2024: women 190 and 200, men 210 and 220 kr an hour: (215 - 195) / 215 = 9,3 %
    assert cards(at)[pay_texts.MEAN_GAP] == "9,3 %"
    assert at.subheader[0].value == pay_texts.SUMMARY_HEADER.format(year=2024)


def test_with_three_women_the_committee_sees_no_gap(fixture_store, tmp_path, monkeypatch):
    """Three women (below k = 5) and ten men: the gap rests on three women (200 kr an hour;
    the men 220 kr, half of them 230 kr with supplements: (225 - 200) / 225 = 11,1 %); so do
    the quartiles and the shares receiving supplements."""
    rows = [person(i, "K", "Undersköterska", 340_000, 0) for i in range(3)]
    rows += [person(100 + i, "M", "Undersköterska", 374_000, 17_000 * (i % 2))
             for i in range(10)]
    path = pay_store(fixture_store, tmp_path, monkeypatch, rows)
    report = read(path, lambda con: pay_transparency.report(con, 2025))
    assert pay_transparency.too_few(report)["gap"]
    gap = f"{report.mean_gap:.1f}".replace(".", ",")
    assert gap == "11,1"

    at = viewer()
    shown = cards(at)
    assert shown[pay_texts.MEAN_GAP] == shown[pay_texts.MEDIAN_GAP] == pay_texts.HIDDEN_VALUE
    assert shown[pay_texts.RECEIVING_WOMEN] == pay_texts.HIDDEN_VALUE
    assert [c.value for c in at.caption].count(pay_texts.HIDDEN_WHY.format(k=5)) == 4
    note = pay_texts.HIDDEN_NOTE.format(k=5)
    assert note.startswith("Visas inte: vilar på för få personer")
    assert note in [i.value for i in at.info]  # in place of the quartile chart
    strings = page_strings(at)
    assert not [s for s in strings if gap in s], [s for s in strings if gap in s]
    (trend,) = chart_specs(at)
    assert trend["data"][0]["y"] == [None] and trend["data"][1]["y"] == [None]
    assert pay_texts.TREND_HIDDEN.format(count=1, k=5) in [c.value for c in at.caption]

    # The analyst sees the number, with the note that the committee does not.
    at = analyst()
    figures = table(at, "pay_figures")
    row = figures[figures["Uppgift"] == pay_texts.FIGURES["mean_gap"]].iloc[0]
    assert text(row["Värde"]) == "11,1 %"
    assert row["Anmärkning"] == pay_texts.FEW_NOTE.format(k=5)


def test_without_pay_data_the_page_says_so_per_role(fixture_store, tmp_path, monkeypatch):
    path = tmp_path / "own.duckdb"
    shutil.copy(fixture_store, path)
    test_app._point_app_at(monkeypatch, path, tmp_path)
    roles_file = tmp_path / "roles.toml"
    roles_file.write_text(test_auth.ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("PERSONALPANELEN_ROLES_FILE", str(roles_file))
    at = analyst()
    assert [i.value for i in at.info] == [pay_texts.NO_PAY_DATA]
    assert "Ladda upp" in pay_texts.NO_PAY_DATA and "Betalda timmar" in pay_texts.NO_PAY_DATA
    assert not at.metric and not at.get("plotly_chart") and not at.selectbox
    at = viewer()
    assert [i.value for i in at.info] == [pay_texts.NO_PAY_DATA_VIEWER]
    assert not at.metric and not at.get("plotly_chart")
    assert not offending({"lonekartlaggning": page_strings(at)})


# --- the analyst --------------------------------------------------------------------------------


def test_the_analyst_sees_every_figure_the_survey_and_the_categories(paid):
    at = analyst()
    assert [t.label for t in at.tabs] == list(pay_texts.TABS)
    figures = table(at, "pay_figures")
    assert dict(zip(figures["Uppgift"], map(text, figures["Värde"]), strict=True)) == {
        pay_texts.FIGURES["women"]: "10", pay_texts.FIGURES["men"]: "10",
        pay_texts.FIGURES["excluded"]: "0",
        pay_texts.FIGURES["mean_gap"]: "8,9 %", pay_texts.FIGURES["median_gap"]: "8,9 %",
        pay_texts.FIGURES["mean_gap_complementary"]: "0,0 %",
        pay_texts.FIGURES["median_gap_complementary"]: "0,0 %",
        pay_texts.FIGURES["receiving_women"]: "5 av 10 (50,0 %)",
        pay_texts.FIGURES["receiving_men"]: "5 av 10 (50,0 %)",
    }
    quartiles = table(at, "pay_quartiles_table")
    assert list(quartiles["Kvinnor"]) == ["5", "5", "0", "0"]
    assert [text(v) for v in quartiles["Lägsta timlön"]] == ["200,00 kr", "210,00 kr",
                                                             "220,00 kr", "230,00 kr"]
    categories = table(at, "pay_categories_table")
    assert list(categories["Kategori"]) == ["Drifttekniker", "Undersköterska", "Vårdbiträde"]
    flagged = categories[categories["Flaggad"] == pay_texts.YES]
    # Undersköterska: women 210, men 230 kr an hour: 20 / 230 = 8,7 %
    assert list(flagged["Kategori"]) == ["Undersköterska"]
    assert text(flagged.iloc[0]["Skillnad timlön"]) == "8,7 %"
    assert list(categories["Anmärkning"]) == [pay_texts.FEW_NOTE_CATEGORY.format(k=5), "",
                                              pay_texts.FEW_NOTE_CATEGORY.format(k=5)]
    groups = table(at, "pay_groups_table")
    assert text(groups[groups["Grupp"] == "Undersköterska"].iloc[0]["Skillnad"]) == "9,1 %"
    items = table(at, "pay_items_table")
    assert list(items["Grupp eller jämförelse"]) == ["Lika arbete: Undersköterska"]
    assert list(items["Anteckning"]) == [pay_texts.NOTE_MISSING]
    assert [w.value for w in at.warning] == [pay_texts.NOTES_MISSING.format(count=1, total=1)]
    assert at.data_editor(key="pay_rules_editor_0").value.empty


def test_the_analyst_records_an_action_and_it_is_stored_and_audited(paid):
    at = analyst()
    assert at.selectbox(key="pay_note_item_2025_0").value == "lika:Undersköterska"
    at.radio(key="pay_note_kind_2025_lika:Undersköterska").set_value("action")
    at.text_area(key="pay_note_text_2025_lika:Undersköterska").input(
        "Höj undersköterskornas lön i löneöversynen")
    at.number_input(key="pay_note_cost_2025_lika:Undersköterska").set_value(85_000)
    at.date_input(key="pay_note_due_2025_lika:Undersköterska").set_value(date(2026, 4, 1))
    button(at, pay_texts.NOTE_SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [text(s.value) for s in at.success] == [
        pay_texts.NOTES_ALL_DONE.format(total=1),  # above the table, the form and its message
        pay_texts.NOTE_SAVED.format(label="Lika arbete: Undersköterska", version=1)]

    stored = read(paid, lambda con: pay_survey.notes(con, 2025))
    assert stored.select("item", "version", "set_by", "kind", "text", "cost", "due",
                         "status").rows() == [
        ("lika:Undersköterska", 1, "lokal", "action", "Höj undersköterskornas lön i "
         "löneöversynen", 85_000.0, date(2026, 4, 1), "planned")]
    assert test_auth.audit_entries(paid)[-1] == (
        "lokal", "analyst", "pay_survey",
        "lönekartläggning 2025: åtgärd för lika:Undersköterska (version 1)")
    items = table(at, "pay_items_table")
    assert list(items["Anteckning"]) == ["Åtgärd"] and list(items["Status"]) == ["Planerad"]
    history = table(at, "pay_note_history")
    assert list(history["Version"]) == ["1"] and list(history["Av"]) == ["lokal"]


def test_an_empty_note_is_refused_and_nothing_is_stored(paid):
    at = analyst()
    button(at, pay_texts.NOTE_SAVE).click().run()
    assert not at.exception
    assert [text(e.value) for e in at.error] == ["Skriv förklaringen eller åtgärden."]
    assert read(paid, lambda con: pay_survey.notes(con, 2025)).is_empty()


def test_last_year_s_action_is_followed_up_as_a_new_version(paid):
    con = store.connect(paid)
    pay_survey.save_note(con, pay_survey.Note(2024, "lika:Undersköterska", "action",
                                              "Ny lönetrappa", 40_000.0, date(2025, 6, 30)),
                         ("ann@kommun.se", "analyst"))
    con.close()
    at = analyst()
    editor = at.data_editor(key="pay_follow_up_editor_2025_1")
    assert list(editor.value["Status"]) == ["Planerad"]
    assert list(editor.value["Förklaring eller åtgärd"]) == ["Ny lönetrappa"]
    at.session_state["pay_follow_up_editor_2025_1"] = {
        "edited_rows": {0: {"Status": "Genomförd"}}, "added_rows": [], "deleted_rows": []}
    button(at, pay_texts.FOLLOW_UP_SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert pay_texts.FOLLOW_UP_SAVED.format(count=1) in [s.value for s in at.success]
    stored = read(paid, lambda con: pay_survey.note_history(con, 2024))
    assert stored.select("version", "set_by", "kind", "text", "cost", "due", "status").rows() == [
        (2, "lokal", "action", "Ny lönetrappa", 40_000.0, date(2025, 6, 30), "done"),
        (1, "ann@kommun.se", "action", "Ny lönetrappa", 40_000.0, date(2025, 6, 30),
         "planned")]
    assert list(at.data_editor(key="pay_follow_up_editor_2025_2").value["Status"]) == [
        "Genomförd"]


def test_a_saved_category_rule_changes_the_survey_s_groups(paid):
    at = analyst()
    at.session_state["pay_tabs"] = pay_texts.TAB_RULES  # the analyst opens the tab
    at.session_state["pay_rules_editor_0"] = {"edited_rows": {}, "deleted_rows": [],
                                              "added_rows": [
        {"Befattning eller SSYK": "Vårdbiträde", "Kategori": "Omsorg", "Värderingsnivå": 3},
        {"Befattning eller SSYK": "Drifttekniker", "Kategori": "Teknik", "Värderingsnivå": 3},
    ]}
    button(at, pay_texts.RULES_SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [text(s.value) for s in at.success] == [
        pay_texts.RULES_SAVED.format(count=2, changes="ändringar")]
    assert at.session_state["pay_tabs"] == pay_texts.TAB_RULES  # it stays open after the save

    found = read(paid, lambda con: pay_survey.survey(con, 2025))
    assert sorted(found.groups["category"]) == ["Omsorg", "Teknik", "Undersköterska"]
    # Omsorg (all women, 200 kr) against Teknik (all men, 220 kr), both at level 3: 9,1 %
    assert found.comparisons["item"].to_list() == ["likvärdigt:Omsorg | Teknik"]
    groups = table(at, "pay_groups_table")
    assert sorted(groups["Grupp"]) == ["Omsorg", "Teknik", "Undersköterska"]
    comparisons = table(at, "pay_comparisons_table")
    assert list(comparisons["Jämförs med"]) == ["Teknik"]
    assert text(comparisons.iloc[0]["Skillnad"]) == "9,1 %"
    items = table(at, "pay_items_table")
    assert list(items["Grupp eller jämförelse"]) == [
        "Lika arbete: Undersköterska", "Likvärdigt arbete: Omsorg jämfört med Teknik"]
    rules = at.data_editor(key="pay_rules_editor_2").value
    assert list(rules["Kategori"]) == ["Teknik", "Omsorg"]  # by occupation
    assert test_auth.audit_entries(paid)[-1][:3] == ("lokal", "analyst", "pay_categories")


def test_a_bad_rule_is_refused_with_its_row_and_nothing_is_saved(paid):
    at = analyst()
    at.session_state["pay_rules_editor_0"] = {"edited_rows": {}, "deleted_rows": [],
                                              "added_rows": [{"Kategori": "Omsorg"}]}
    button(at, pay_texts.RULES_SAVE).click().run()
    assert not at.exception
    assert [text(e.value) for e in at.error] == [
        "Rad 1: både befattning (eller SSYK) och kategori behövs."]
    assert read(paid, pay_survey.rule_history).is_empty()


def test_a_category_name_from_a_file_is_shown_as_text(fixture_store, tmp_path, monkeypatch):
    rows = [{**row, "Befattning": HOSTILE} if row["Befattning"] == "Vårdbiträde" else row
            for row in PAY_2025]
    pay_store(fixture_store, tmp_path, monkeypatch, rows)
    at = analyst()
    unvalued = next(c.value for c in at.caption if c.value.startswith("Utan värderingsnivå"))
    assert HOSTILE in text(unvalued) and not markup(unvalued)
    assert HOSTILE in list(table(at, "pay_groups_table")["Grupp"])


# --- the metrics the page leans on --------------------------------------------------------------


def test_the_committee_s_trend_hides_a_year_of_too_few(paid):
    con = store.connect(paid)
    try:
        trend = pay_transparency.trend(con)
    finally:
        con.close()
    assert pay_transparency.committee_trend(trend, 5)["mean_gap"].to_list() == pytest.approx(
        [2000 / 215, 2000 / 225])
    hidden = pay_transparency.committee_trend(trend, 11)  # ten women and ten men a year
    assert hidden["too_few"].to_list() == [True, True]
    assert hidden["mean_gap"].to_list() == [None, None]
    assert pay_transparency.trend_too_few(trend, 11)["mean_gap"].to_list() == pytest.approx(
        [2000 / 215, 2000 / 225])


def test_the_flagged_items_carry_their_current_note(paid):
    con = store.connect(paid)
    try:
        actor = ("ann@kommun.se", "analyst")
        assert pay_survey.flagged(con, 2025)["kind"].to_list() == [None]
        pay_survey.save_note(con, pay_survey.Note(2025, "lika:Undersköterska", "explanation",
                                                  "Marknadsläget"), actor)
        pay_survey.save_note(con, pay_survey.Note(2025, "lika:Undersköterska", "action",
                                                  "Lönelyft"), actor)
        items = pay_survey.flagged(con, 2025)
    finally:
        con.close()
    assert items.select("item", "version", "kind", "text").rows() == [
        ("lika:Undersköterska", 2, "action", "Lönelyft")]
    assert items["difference"].to_list() == pytest.approx([2000 / 220])


def test_the_report_and_the_survey_download_for_analysts_only(paid):
    labels = [b.proto.label for b in analyst().get("download_button")]
    assert labels == [pay_texts.DOWNLOAD_REPORT, pay_texts.DOWNLOAD_SURVEY]
    assert not viewer().get("download_button")


def test_a_store_with_only_pay_data_is_the_municipality_s_own(tmp_path, monkeypatch):
    """A first upload that is a pay extract starts the municipality's store: the page shows
    its figures, not the demo's."""
    path = tmp_path / "own.duckdb"
    test_app._point_app_at(monkeypatch, path, tmp_path)
    con = store.connect(path)
    try:
        assert ingest(con, [("löner.csv", extracts.csv_bytes(pl.DataFrame(PAY_2025)))]).loaded
        assert store.is_empty(con) and store.holds_data(con)
    finally:
        con.close()
    at = analyst()
    assert not [w for w in at.warning if "Exempeldata" in w.value]
    assert at.selectbox(key="pay_year").options == ["2025"]
    assert cards(at)[pay_texts.MEAN_GAP] == "8,9 %"
