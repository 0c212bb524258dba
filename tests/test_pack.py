"""The meeting pack (pack/): its PDF read back with pypdf and compared with the Excel export of
the same filter, its hidden cells, a hostile förvaltning name, the CLI and the Exportera page.

Each pack starts a headless chromium (kaleido) for its charts, so the packs are built once per
module where several tests read the same one.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pypdf
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import pack
import store
from metrics import registry
from metrics.compute import compute
from metrics.disclosure import decimals
from metrics.export import UNNAMED_MUNICIPALITY, workbook_bytes
from tests import employment_fixture as fx
from tests import pdf_checks
from ui import numbers, texts

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
NBSP = "\u00a0"
CREATED = datetime(2026, 3, 9, 13, 5)
SUBSET = ["Vård och omsorg", "Socialtjänst"]


# --- reading the PDF and the workbook ----------------------------------------------------------


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, non-breaking spaces as ordinary ones."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text().replace(NBSP, " ") for page in reader.pages]


def page_of(pages: list[str], label: str) -> str:
    """The page of an indicator's section (its heading is the line after the group line)."""
    found = [p for p in pages[1:] if label in p.splitlines()[:4]]
    assert len(found) == 1, (label, [p.splitlines()[:4] for p in pages])
    return found[0]


def swedish(value: float, places: int) -> str:
    """A number as a Swedish table prints it: space between thousands, decimal comma."""
    return f"{value:,.{places}f}".replace(",", " ").replace(".", ",")


def places_of(number_format: str) -> int:
    return len(number_format.split(".")[1]) if "." in number_format else 0


def sheet_rows(book, label: str) -> list[tuple]:
    """(date, förvaltning, n text, value text) of an indicator's sheet, formatted as the
    sheet's number formats show them, hidden cells as they are written ('..')."""
    sheet = next(name for name, title, *_ in book["Innehåll"].iter_rows(min_row=2,
                                                                        values_only=True)
                 if title == label)  # the contents give each sheet's full title
    ws = book[sheet]
    rows = []
    for row in ws.iter_rows(min_row=2):
        day, name, n, value = row[:4]
        if day.value is None:
            break
        # A calendar-year sheet (sick leave, HME) gives the year; its rows are dated 31 December.
        when = date(day.value, 12, 31) if isinstance(day.value, int) else day.value.date()
        rows.append((when, name.value,
                     n.value if isinstance(n.value, str) else swedish(n.value, 0),
                     value.value if isinstance(value.value, str)
                     else swedish(value.value, places_of(value.number_format))))
    return rows


def workbook(con, metric_ids, forvaltningar=None):
    """The viewer's workbook: publication mode, no load log."""
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(
        con, metric_ids, forvaltningar=forvaltningar, publication=True, load_log=False)))


# --- the demo's pack against the Excel export --------------------------------------------------


@pytest.fixture(scope="module", params=[None, SUBSET], ids=["hela-kommunen", "urval"])
def demo_pack(request, demo_con):
    ids = pack.indicator_ids(demo_con)
    data = pack.build(demo_con, forvaltningar=request.param, created=CREATED)
    return request.param, ids, data


def test_pack_has_the_programme_indicators_and_headcount_and_sick_leave(demo_con):
    # The demo loads employments and sick leave, so all seven of the overview are in.
    assert pack.indicator_ids(demo_con) == [
        "managers_women_share", "hourly_paid_persons", "full_time_share",
        "preschool_men_share", "social_worker_salary_spread", "headcount", "sick_leave_total",
    ]


def test_every_figure_is_the_excel_exports(demo_pack, demo_con):
    forvaltningar, ids, data = demo_pack
    pages = pdf_pages(data)
    assert len(pages) >= 1 + len(ids)  # the cover, a page per indicator, the programme
    book = workbook(demo_con, ids, forvaltningar)
    total = ("Urval: " + ", ".join(sorted(forvaltningar))) if forvaltningar else "Hela kommunen"
    checked = 0
    for metric_id in ids:
        label = registry.get(metric_id).label_sv
        text = page_of(pages, label)
        lines = text.splitlines()
        rows = sheet_rows(book, label)
        totals = [r for r in rows if r[1] == total]
        if not totals:  # no preschool in the subset: the section says so, with no figures
            assert "Det finns inga värden för urvalet." in lines, (metric_id, lines)
            assert forvaltningar and metric_id == "preschool_men_share"
            continue
        assert len(totals) >= 2, (metric_id, rows[:3])
        # The table per year: the latest ten years, "year n value" as in the workbook, and
        # no other row.
        start = next(i for i, line in enumerate(lines) if line.startswith("År ")) + 1
        expected = [f"{day.year} {n} {value}" for day, _, n, value in totals[-10:]]
        assert lines[start:start + len(expected)] == expected, (metric_id, lines)
        assert not re.match(r"\d{4} ", lines[start + len(expected)])
        checked += len(expected)
        # The latest value and the change since the year before, from the same two rows.
        (latest_day, _, _, latest), (previous_day, _, _, previous) = totals[-1], totals[-2]
        at = lines.index(f"Senaste värde ({latest_day.year})")
        assert lines[at + 1] == latest or lines[at + 1].startswith(latest + " "), (
            metric_id, lines[at + 1], latest)
        # The change is the published one (worked out from exact values, rounded like them;
        # tests/test_publication.py), never the difference of the two printed values.
        at = lines.index(f"Förändring sedan {previous_day.year}")
        if ".." in (latest, previous):
            assert lines[at + 1] == "..", (metric_id, lines[at + 1])
        else:
            exact = compute(demo_con, metric_id, forvaltningar=forvaltningar,
                            publication=True).to_dicts()
            metric = registry.get(metric_id)
            shown = dataclasses.replace(metric, decimals=decimals(metric, publication=True))
            expected = numbers.published_change(exact[-1], exact[-2], shown).replace(NBSP, " ")
            assert expected != texts.CHANGE_UNKNOWN, metric_id
            printed = " ".join(" ".join(lines[at + 1:at + 3]).split())  # it may wrap
            assert printed.startswith(expected), (metric_id, printed, expected)
        # The latest year per förvaltning: every row of the workbook's, none more.
        parts = [r for r in rows if r[1] != total and r[0] == latest_day]
        for _, name, n, value in parts:
            assert f"{name} {n} {value}" in lines, (metric_id, name, n, value)
            checked += 1
        if forvaltningar:
            assert {r[1] for r in parts} <= set(forvaltningar)
            assert "Barn och utbildning" not in text
    assert checked >= 60  # every table row was compared, not just a few


def test_cover_states_municipality_period_filter_time_and_rules(demo_pack):
    forvaltningar, ids, data = demo_pack
    pages = pdf_pages(data)
    cover = pages[0]
    lines = cover.splitlines()
    assert "Sammanträdesunderlag" in lines
    assert "Kommun Exempelkommun (exempeldata)" in lines
    assert "Period 2015–2025" in lines  # the demo's yearly series, 2015 to 2025
    scope = ", ".join(sorted(forvaltningar)) if forvaltningar else "Hela kommunen"
    assert f"Förvaltningar {scope}" in lines
    assert "Skapat (svensk tid) 2026-03-09 13:05" in lines
    assert "percentiler och 11 för sjukfrånvaro (lagen" in cover  # the default thresholds
    assert "”..” i en tabell betyder att uppgiften inte visas" in cover
    assert "Publiceringsläge" in cover
    for i, text in enumerate(pages, start=1):
        assert text.rstrip().endswith(f"Sida {i} av {len(pages)}"), text[-60:]
        if i > 1:  # the running header: title, municipality, date
            assert text.startswith("Sammanträdesunderlag · Exempelkommun (exempeldata) "
                                   "2026-03-09"), text[:80]
    contents = [line for line in lines if " . . . " in line]
    assert [line.split(" . ")[0] for line in contents] == [
        *(registry.get(m).label_sv for m in ids), "Handlingsprogram"]  # the demo has one
    assert [line.rsplit(" ", 1)[1] for line in contents] == [
        str(i) for i in range(2, 3 + len(ids))]  # a page each, then the programme


# --- targets and the action programme ------------------------------------------------------


def test_a_target_and_its_status_follow_the_printed_series(demo_pack, demo_con):
    forvaltningar, _, data = demo_pack
    from metrics import targets

    target = targets.current(demo_con)["full_time_share"]  # the demo's: at least 80 % by 2027
    assert (target.direction, target.low, target.target_year) == ("higher", 80, 2027)
    label = "Andel heltidsanställda"
    text = page_of(pdf_pages(data), label)
    total = ("Urval: " + ", ".join(sorted(forvaltningar))) if forvaltningar else "Hela kommunen"
    rows = [r for r in sheet_rows(workbook(demo_con, ["full_time_share"], forvaltningar),
                                  label) if r[1] == total]
    # The status by the rule, worked out here on the printed values: reached at 80 or more;
    # else, before 2027, the least-squares line through the last five printed years decides.
    latest = int(rows[-1][3])
    assert rows[-1][0].year < 2027
    points = [(r[0].year, int(r[3])) for r in rows[-5:]]
    mean_x = sum(x for x, _ in points) / 5
    mean_y = sum(y for _, y in points) / 5
    slope = (sum((x - mean_x) * (y - mean_y) for x, y in points)
             / sum((x - mean_x) ** 2 for x, _ in points))
    projected = mean_y + slope * (2027 - mean_x)
    if latest >= 80:
        status = "Nått"
    else:
        status = "På väg" if projected >= 80 else "Inte på väg"
        assert (f"Om utvecklingen fortsätter som de senaste åren blir värdet "
                f"{swedish(projected, 0)} % år 2027.") in " ".join(text.split())
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "Status mot målet" in line)
    assert status in "\n".join(lines[at:at + 3]), (status, lines[at:at + 3])
    assert "Mål 2027: minst 80 %" in text
    assert "Attraktiv arbetsgivare" in text  # where the target comes from


def test_the_programme_table_holds_every_point_as_stored(demo_pack, demo_con):
    _, _, data = demo_pack
    from metrics import programme

    pages = pdf_pages(data)
    start = next(i for i, p in enumerate(pages) if "Handlingsprogram" in p.splitlines()[:3])
    text = "\n".join(pages[start:])
    stored = store.read(demo_con, "SELECT nr, text, deadline, status FROM programme_point "
                                  "WHERE version = (SELECT max(version) FROM programme_version) "
                                  "ORDER BY position")
    assert stored.height > 5
    flat = " ".join(text.split())
    words = {"not_started": "Ej påbörjad", "in_progress": "Pågår", "delayed": "Försenad",
             "done": "Klar", "cancelled": "Utgår"}
    late = {code: 0 for code in words}
    counts = {code: 0 for code in words}
    for row in stored.iter_rows(named=True):
        # Its first words (a long text wraps, and a word may be hyphenated at a line's end).
        assert " ".join(row["text"].split()[:3]) in flat, row["text"]
        counts[row["status"]] += 1
        if row["deadline"] and row["deadline"] < CREATED.date() and row["status"] not in (
                "done", "cancelled"):
            late[row["status"]] += 1
    for code, word in words.items():  # the status summary, counted here from the stored rows
        assert f"{word} {counts[code]} {late[code]}" in text.splitlines(), (word, text[:600])
    assert flat.count("passerat slutdatum") == sum(late.values()) + 1  # + the header
    assert programme.current(demo_con).title in text


# --- protection --------------------------------------------------------------------------------


def test_a_hidden_cell_stays_hidden(demo_con, monkeypatch):
    # At k = 300 the demo's hourly-paid persons of the latest years (fewer than 300) are
    # hidden; the years before stay shown.
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    exact = compute(demo_con, "hourly_paid_persons")
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "300")
    data = pack.build(demo_con, metric_ids=["hourly_paid_persons"], created=CREATED)
    text = pdf_pages(data)[1]
    lines = text.splitlines()
    rows = [r for r in sheet_rows(workbook(demo_con, ["hourly_paid_persons"]),
                                  "Timavlönade personer") if r[1] == "Hela kommunen"]
    hidden = [r for r in rows if r[2] == ".."]
    shown = [r for r in rows if r[2] != ".."]
    assert hidden and shown
    for day, _, _, _ in hidden:
        assert f"{day.year} .. .." in lines
        n = exact.filter(snapshot_date=day)["n"].item()
        assert n < 300 and n % 10  # an exact count, which publication would round
        assert not re.search(rf"(?<!\d){n}(?!\d)", text), n  # its digits nowhere
    for day, _, n, value in shown[-10 + len(hidden):]:
        assert f"{day.year} {n} {value}" in lines
    at = lines.index(f"Senaste värde ({hidden[-1][0].year})")
    assert lines[at + 1] == ".."
    assert lines[lines.index(f"Förändring sedan {rows[-2][0].year}") + 1] == ".."
    assert f"{len(hidden)} värden döljs" in text or "1 värde döljs" in text


# Typst would print "2", bold, a formula, a link; the table cells are narrow, so they're short.
HOSTILE = {"A": '#eval("1+1")', "B": "*fet* $x$", "Soc": "<b>S</b> @r \\"}


@pytest.fixture
def hostile_con(con):
    """The hand-computed fixture (thresholds at 1) with förvaltningar named like Typst,
    Markdown and HTML markup."""
    fx.load(con, [row[:4] + (HOSTILE[row[4]],) + row[5:] for row in fx.ROWS])
    return con


def test_a_hostile_forvaltning_name_prints_literally(hostile_con):
    from metrics import targets

    source = '#eval("2*3") *punkt* 4'  # a target's source, typed by a user
    targets.set_target(hostile_con, targets.Target("full_time_share", "higher", 80, None, 2030,
                                                   source), ("test", "analyst"))
    chosen = [HOSTILE["A"], HOSTILE["B"]]
    data = pack.build(hostile_con, forvaltningar=chosen, metric_ids=["full_time_share"],
                      created=CREATED)
    pages = pdf_pages(data)
    cover = pages[0].splitlines()
    assert f"Förvaltningar {HOSTILE['A']}, {HOSTILE['B']}" in cover  # '#' sorts before '*'
    text = pages[1]
    # The breakdown of 2025-11-01 names both, as written: no "2", no bold, no maths.
    assert any(line.startswith(HOSTILE["A"] + " ") for line in text.splitlines()), text
    assert any(line.startswith(HOSTILE["B"] + " ") for line in text.splitlines()), text
    assert f"Per år: Urval: {HOSTILE['A']}, {HOSTILE['B']}" in text
    assert f"Mål 2030: minst 80 % · {source}" in " ".join(text.split()), text

    everything = pack.build(hostile_con, metric_ids=["full_time_share"], created=CREATED)
    assert HOSTILE["Soc"] + " " in pdf_pages(everything)[1]


# --- the CLI and the Exportera page ------------------------------------------------------------


def test_cli_writes_the_pack(tmp_path):
    db = tmp_path / "cli.duckdb"
    con = store.connect(db)
    fx.load(con)
    con.close()
    out = tmp_path / "underlag.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "pack", "--out", str(out), "--db", str(db),
         "--forvaltning", "A", "B"],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PERSONALPANELEN_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(out.read_bytes())
    assert "Förvaltningar A, B" in pages[0].splitlines()
    # No name set, not the demo: the cover says so, and the running header names no one.
    assert f"Kommun {UNNAMED_MUNICIPALITY}" in pages[0].splitlines()
    assert all(page.startswith("Sammanträdesunderlag 2") for page in pages[1:]), pages[1][:80]
    assert "Per år: Urval: A, B" in "\n".join(pages)

    result = subprocess.run(
        [sys.executable, "-m", "metrics", "pack", "--out", str(tmp_path / "x.pdf"), "--db",
         str(db), "--forvaltning", "A", "Ingen sådan"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "Förvaltningen finns inte i databasen: Ingen sådan." in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_cli_without_a_browser_says_so(tmp_path):
    db = tmp_path / "cli.duckdb"
    con = store.connect(db)
    fx.load(con)
    con.close()
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "pack", "--out", str(tmp_path / "x.pdf"),
         "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "BROWSER_PATH": str(tmp_path / "no-chromium")})
    assert result.returncode == 2
    assert "Chromium" in result.stderr and "no-chromium" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    db = tmp_path / "app.duckdb"
    con = store.connect(db)
    fx.load(con)
    con.close()
    monkeypatch.setenv("PERSONALPANELEN_DB", str(db))
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(tmp_path / "secret.key"))
    for name in ("MIN_CELL", "MIN_N_PERCENTILES", "MIN_N_SICK_LEAVE"):
        monkeypatch.delenv(f"PERSONALPANELEN_{name}", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    yield at
    st.cache_data.clear()


def test_exportera_offers_the_pack(app):
    app.switch_page("ui/pages/exportera.py").run()
    assert not app.exception, [e.value for e in app.exception]
    button = app.button(key="pack_build")
    assert button.label == "Skapa sammanträdesunderlag (PDF)"
    assert not [b for b in app.get("download_button") if b.proto.label.endswith("underlaget")]
    button.click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    downloads = [b for b in app.get("download_button")
                 if b.proto.label == "Ladda ner sammanträdesunderlaget"]
    assert len(downloads) == 1
    built = app.session_state["pack_pdf"][1]
    pages = pdf_pages(built)
    assert "Förvaltningar Hela kommunen" in pages[0].splitlines()
    assert any("Andel heltidsanställda" in p for p in pages[1:])


def test_the_pack_is_pdf_a_and_pdf_ua_with_each_chart_described(demo_pack, demo_con):
    """Issue 24: the archive's PDF/A-2a and PDF/UA-1, no error from a PDF/UA checker, and each
    chart's alternative text names its indicator and its first and last shown values."""
    forvaltningar, _, data = demo_pack
    assert pdf_checks.ua_errors(data) == []
    assert pdf_checks.declared(data) | {"dc:title": None} == {
        "pdfaid:part": "2", "pdfaid:conformance": "A", "pdfuaid:part": "1", "dc:title": None}
    alts = pdf_checks.figure_alts(data)
    document, figures = pack.content(demo_con, forvaltningar=forvaltningar, created=CREATED)
    charted = [part["label"] for part, figure in zip(document["sections"], figures, strict=True)
               if figure is not None]
    assert len(alts) == len(charted) > 0
    assert [alt.split(" 20")[0] for alt in alts] == charted
    assert all(re.search(r"från .+ till .+\.", alt) for alt in alts), alts


def test_a_chart_s_text_alternative():
    metric = dataclasses.replace(registry.get("full_time_share"), decimals=0)
    rows = [{"value": 51.2, "suppressed": False}, {"value": None, "suppressed": True},
            {"value": 70.4, "suppressed": False}]
    nbsp = "\u00a0"
    assert pack.chart_alt("Heltid", ["2015", "2016", "2017"], rows, metric, "Mål 2027: 80 %") == (
        f"Heltid 2015–2017: från 51{nbsp}% till 70{nbsp}%. Mål 2027: 80 %.")
    assert pack.chart_alt("Heltid", ["2016"], rows[1:2], metric, None) == (
        "Heltid 2016: värdena visas inte (för få personer).")
    assert pack.chart_alt("Heltid", ["2017"], rows[2:], metric, None) == f"Heltid 2017: 70{nbsp}%."
