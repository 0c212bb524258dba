"""The meeting pack as a committee member reads it, made from what a municipality uploads:
one, two and three yearly snapshots, and one förvaltning (issue 20); and every line chart's
value axis from zero or marked as cut.

The stores are loaded through the product's load path (pipelines.load.ingest) from the demo's
November extracts, which the session's demo store (conftest.demo_con) generated. The packs
are made as on the Exportera page: in a process that has imported streamlit, whose Plotly
template is then the default. The PDF is read with pdfium: a glyph drawn outside the clip of
its chart is not seen, however the text layer reads.
"""

from __future__ import annotations

import ctypes
import io
import re
from datetime import datetime
from pathlib import Path

import plotly.io as pio
import polars as pl
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import streamlit  # noqa: F401  registers Streamlit's Plotly template and makes it the default

import pack
import store
from metrics import kolada, registry, targets
from metrics.compute import compute
from pipelines.load import ingest
from ui import charts, sitemap, texts

CREATED = datetime(2026, 3, 9, 13, 5)
ONE = "Barn och utbildning"
# name: (the latest this many November extracts, only this förvaltning)
STORES = {"years1": (1, None), "years2": (2, None), "years3": (3, None),
          "one_forvaltning": (2, ONE)}
POINT = 72 / 2.54  # points per centimetre
LEFT, RIGHT = 2.2 * POINT, 21.0 * POINT - 2.2 * POINT  # pack.typ's text area on A4 (x)
TOLERANCE = 0.5  # points
TICK = re.compile(r"^-?\d[\d\u00a0 ]*(,\d+)?(\u00a0?(%|kr|p\.e\.))?$")


def demo_extracts(demo_con) -> list[Path]:
    """The demo's November employment extracts, oldest first, beside the demo store."""
    db = demo_con.execute("SELECT path FROM duckdb_databases() "
                          "WHERE database_name = current_database()").fetchone()[0]
    files = sorted((Path(db).parent / "data" / "raw" / "demo").glob(
        "exempelkommun_anstallningar_*.xlsx"))
    assert len(files) == 11, files
    return files


def one_forvaltning(path: Path, name: str) -> tuple[str, bytes]:
    """An extract cut to one förvaltning, as a CSV file with the same headers."""
    frame = pl.read_excel(path, sheet_name="Anställningar")
    out = io.BytesIO()
    frame.filter(pl.col("Förvaltning") == name).write_csv(out, separator=";")
    return path.with_suffix(".csv").name, out.getvalue()


@pytest.fixture(scope="module", params=list(STORES))
def small(request, demo_con, tmp_path_factory):
    """(name, connection, years loaded, the pack's PDF) of a store loaded as an upload."""
    count, forvaltning = STORES[request.param]
    files = demo_extracts(demo_con)[-count:]
    folder = tmp_path_factory.mktemp(request.param)
    patch = pytest.MonkeyPatch()
    patch.setenv("PERSONALPANELEN_DATA_DIR", str(folder / "data"))
    patch.setenv("PERSONALPANELEN_SECRET_FILE", str(folder / "key"))
    for name in ("MIN_CELL", "MIN_N_PERCENTILES", "MIN_N_SICK_LEAVE"):
        patch.delenv(f"PERSONALPANELEN_{name}", raising=False)  # the real thresholds
    patch.setattr(pio.templates, "default", "streamlit")  # as in the dashboard's server
    con = store.connect(folder / "store.duckdb")
    inputs = files if forvaltning is None else [one_forvaltning(f, forvaltning) for f in files]
    report = ingest(con, inputs, source="upload")
    assert report.loaded and not report.warnings, report.summary()
    years = [str(2025 - i) for i in reversed(range(count))]
    yield request.param, con, years, pack.build(con, created=CREATED)
    con.close()
    patch.undo()


# --- reading what the PDF shows ----------------------------------------------------------------


def _clip_box(obj) -> tuple[float, float, float, float] | None:
    """The bounding box of a page object's clip path (pdfium), None without one."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj.raw)
    if not clip:
        return None
    xs, ys = [], []
    for i in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        for j in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, i)):
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, i, j)
            x, y = ctypes.c_float(), ctypes.c_float()
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            xs.append(x.value)
            ys.append(y.value)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def cut_or_outside(page) -> list[tuple]:
    """Text drawn partly outside its clip (a chart's box) or outside the text area: its
    bounds, and the clip."""
    found = []
    for obj in page.get_objects(max_depth=8):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        left, bottom, right, top = obj.get_bounds()
        clip = _clip_box(obj)
        outside = left < LEFT - TOLERANCE or right > RIGHT + TOLERANCE
        if clip is not None:
            outside = outside or (left < clip[0] - TOLERANCE or bottom < clip[1] - TOLERANCE
                                  or right > clip[2] + TOLERANCE or top > clip[3] + TOLERANCE)
        if outside:
            found.append(((round(left, 1), round(bottom, 1), round(right, 1), round(top, 1)),
                          clip))
    return found


def page_lines(page) -> list[str]:
    text = page.get_textpage().get_text_range()
    return [line.strip() for line in text.replace("\r", "").split("\n")]


def chart_lines(lines: list[str], years: list[str]) -> list[str] | None:
    """A chart's text as the page reads: its years on one line (the x axis), then the lines
    up to the table below it (y ticks, axis title, notes); None without that line."""
    axis = " ".join(years)
    if axis not in lines:
        return None
    start = lines.index(axis)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Per år:"))
    return lines[start + 1:end]


# --- the pack ----------------------------------------------------------------------------------


def test_every_chart_of_a_small_stores_pack_shows_whole_tick_labels(small):
    name, con, years, data = small
    document, figures = pack.content(con, created=CREATED)
    charted = [part["label"] for part, figure in zip(document["sections"], figures,
                                                     strict=True) if figure is not None]
    assert len(charted) >= 5, (name, charted)
    pdf = pdfium.PdfDocument(data)
    seen = []
    for number, page in enumerate(pdf, start=1):
        assert not cut_or_outside(page), (name, number, cut_or_outside(page))
        lines = page_lines(page)
        chart = chart_lines(lines, years)
        if chart is None:
            continue
        seen.append(next(label for label in charted if label in lines))
        ticks = [line for line in chart if TICK.match(line)]
        assert len(ticks) >= 2, (name, number, chart)  # the value axis is labelled
    assert seen == charted, (name, seen, charted)  # every chart, each with its years


# --- the value axis: from zero, or cut with a note --------------------------------------------


def axis_is_honest(figure, where) -> None:
    """The figure's value axis starts at zero (or includes it), or it is cut and says where."""
    axis = figure.layout.yaxis
    notes = [a.text for a in figure.layout.annotations
             if a.text.startswith(texts.AXIS_CUT.split("{")[0])]
    if axis.range is not None and axis.range[0] > 0:
        assert len(notes) == 1, (where, axis.range, notes)
        stated = float(re.search(r"vid ([\d\u00a0]+(,\d+)?)", notes[0]).group(1)
                       .replace("\u00a0", "").replace(",", "."))
        assert stated == pytest.approx(axis.range[0]), (where, axis.range, notes)
    else:
        assert axis.rangemode == "tozero" or (
            axis.range is not None and axis.range[0] <= 0 <= axis.range[1]), (
            where, axis.rangemode, axis.range)
        assert not notes, (where, notes)


def every_line_chart(con) -> int:
    """Each metric's trend (with its target and trend line where it has one), the salary
    scale and the Kolada comparisons, exact and in publication mode, checked; how many."""
    goals = targets.current(con)
    checked = 0
    for metric in registry.METRICS.values():
        if pack.unavailable(con, metric) is not None:
            continue
        for publication in (False, True):
            total = compute(con, metric.id, publication=publication)
            if total.is_empty():
                continue
            total = total.select("snapshot_date", "n", "value", "suppressed")
            target = goals.get(metric.id)
            assessment = targets.assess_series(total, target) if target else None
            axis_is_honest(charts.trend(total, metric, target=target, assessment=assessment),
                           (metric.id, publication))
            checked += 1
            comparison = kolada.comparison(con, metric.id, publication=publication)
            if not comparison.is_empty():
                axis_is_honest(charts.kolada_comparison(comparison, metric),
                               ("kolada", metric.id, publication))
                checked += 1
    for page in sitemap.PAGES:
        if page.scale and all(pack.unavailable(con, registry.get(m)) is None
                              for m in page.scale):
            series = [(m, compute(con, m)) for m in page.scale]
            axis_is_honest(charts.scale_trend(series, registry.get(page.scale[0])),
                           page.scale)
            checked += 1
    return checked


def test_every_line_chart_of_a_small_store_starts_at_zero_or_says_it_does_not(small):
    _, con, _, _ = small
    assert every_line_chart(con) >= 20


def test_every_line_chart_of_the_demo_starts_at_zero_or_says_it_does_not(demo_con):
    # The demo has targets, Kolada values and the salary scale (and 11 years).
    assert every_line_chart(demo_con) >= 60


def test_narrow_values_far_from_zero_cut_the_axis_at_a_round_number():
    from datetime import date

    def trend(metric_id, values):
        frame = pl.DataFrame({"snapshot_date": [date(2023 + i, 11, 1)
                                                for i in range(len(values))],
                              "n": [100] * len(values), "value": values,
                              "suppressed": [False] * len(values)})
        figure = charts.trend(frame, registry.get(metric_id))
        return (list(figure.layout.yaxis.range or []) or figure.layout.yaxis.rangemode,
                [a.text for a in figure.layout.annotations])

    nb = "\u00a0"
    # Employees per manager 32-33,2: margin 2 % of 33,2; cut at 31.
    assert trend("employees_per_manager_mean", [32.0, 32.6, 33.2]) == (
        [31.0, pytest.approx(33.2 * 1.02)],
        [f"Obs! Axeln börjar vid 31{nb}medarbetare, inte vid 0."])
    # P90/P10 1,26-1,33: cut at the second digit, 1,2.
    range_, notes = trend("social_worker_salary_spread", [1.26, 1.33, 1.28])
    assert range_[0] == 1.2 and notes == ["Obs! Axeln börjar vid 1,2, inte vid 0."]
    assert trend("mean_age", [42.0, 43.5, 44.7])[1] == [
        f"Obs! Axeln börjar vid 41{nb}år, inte vid 0."]
    assert trend("hme_total", [76.0, 79.5])[1] == ["Obs! Axeln börjar vid 74, inte vid 0."]
    # A share stays as before: whole percent, at least a point of margin.
    assert trend("preschool_men_share", [8.0, 8.0]) == ([7.0, 9.0], [
        f"Obs! Axeln börjar vid 7{nb}%, inte vid 0."])
    # A wide spread, a single value and a count start at zero, without a note.
    assert trend("mean_age", [30.0, 44.0]) == ("tozero", [])
    assert trend("mean_age", [44.0]) == ([0, pytest.approx(44 * 1.2)], [])
    assert trend("headcount", [2700.0, 2710.0]) == ("tozero", [])
