"""Snapshot cadence: any month can be loaded; yearly indicators count the reference month's
snapshots (November unless set), turnover compares snapshots twelve months apart, and the
monthly series count every snapshot."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import store
from metrics.compute import compute, compute_many
from metrics.registry import METRICS
from pipelines import demo
from pipelines.load import ingest
from tests import employment_fixture as fx
from tests.extracts import csv_bytes, small_extract

JUNE = date(2025, 6, 15)
# In June 2025: the 2024 snapshot's persons but x1, who has left, and p10, new at 50 %.
JUNE_ROWS = [(JUNE, *row[1:]) for row in fx.ROWS if row[0] == fx.PREV and row[2] != "x1"] + [
    (JUNE, "e10", "p10", "K", "A", "5311", "monthly", 50, 50, 27000, None, 0, False)]


@pytest.fixture
def con(tmp_path, monkeypatch):
    """The hand-computed fixture with a June 2025 snapshot between its two Novembers."""
    for name in ("MIN_CELL", "MIN_N_PERCENTILES", "MIN_N_SICK_LEAVE"):
        monkeypatch.setenv(f"PERSONALPANELEN_{name}", "1")
    connection = store.connect(tmp_path / "cadence.duckdb")
    fx.load(connection, [*fx.ROWS, *JUNE_ROWS])
    yield connection
    connection.close()


def series(con, metric_id, **kwargs) -> dict[date, float]:
    frame = compute(con, metric_id, **kwargs)
    return dict(zip(frame["snapshot_date"].to_list(), frame["value"].to_list(), strict=True))


def test_yearly_series_count_only_november(con):
    # 2024: the seven monthly-paid persons; 2025: 15 (employment_fixture.py)
    assert series(con, "headcount") == {fx.PREV: 7, fx.S: 15}
    assert series(con, "managers_women_share") == {fx.PREV: 50.0, fx.S: pytest.approx(200 / 3)}


def test_monthly_series_count_every_snapshot(con):
    # June: p1 p2 p4 p9 x2 x3 and p10 = 7 persons; six at 100 % of seven
    assert series(con, "headcount", monthly=True) == {fx.PREV: 7, JUNE: 7, fx.S: 15}
    assert series(con, "full_time_share", monthly=True)[JUNE] == pytest.approx(600 / 7)


def test_a_yearly_only_metric_has_no_monthly_series(con):
    with pytest.raises(ValueError, match="per år"):
        compute(con, "turnover", monthly=True)


def test_turnover_compares_snapshots_twelve_months_apart(con):
    # Not June -> November (x1 already gone by June would leave only x2: 1/6 or less): the
    # November before, as without the June snapshot: x1 and x2 of 6 tillsvidare persons.
    assert series(con, "turnover") == {fx.S: pytest.approx(200 / 6)}


def test_reference_month_is_a_setting(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_REFERENCE_MONTH", "6")
    assert series(con, "headcount") == {JUNE: 7}
    assert series(con, "turnover") == {}  # no June 2024 to compare with


def test_reference_month_must_be_a_month(monkeypatch):
    import settings

    monkeypatch.setenv("PERSONALPANELEN_REFERENCE_MONTH", "13")
    with pytest.raises(ValueError, match="1-12"):
        settings.get()


# --- loading --------------------------------------------------------------------------------


def _extract(day: date, persons: int = 12) -> tuple[str, bytes]:
    return f"uttag_{day.isoformat()}.csv", csv_bytes(small_extract(day, persons))


def test_a_snapshot_replaces_its_month(env):
    con = store.connect(env / "store.duckdb")
    first = ingest(con, [_extract(date(2025, 11, 1))])
    assert first.loaded and first.replaced_dates == []
    again = ingest(con, [_extract(date(2025, 11, 15), persons=10)])
    assert again.loaded and again.replaced_dates == [date(2025, 11, 1)]
    dates = store.read(con, "SELECT snapshot_date, count(*) AS n FROM employment GROUP BY 1")
    assert dates.rows() == [(date(2025, 11, 15), 10)]
    assert "Ersatte uttaget från samma månad: 2025-11-01." in again.series(11)


def test_two_snapshots_of_one_month_in_a_batch_are_refused(env):
    con = store.connect(env / "store.duckdb")
    ingest(con, [_extract(date(2025, 10, 1))])
    report = ingest(con, [_extract(date(2025, 11, 1)), _extract(date(2025, 11, 30))])
    assert not report.loaded
    assert {f.file for f in report.errors} == {"uttag_2025-11-01.csv", "uttag_2025-11-30.csv"}
    assert all("samma månad" in f.message and f.column == "Mätdatum" for f in report.errors)
    assert store.read(con, "SELECT DISTINCT snapshot_date FROM employment").rows() == [
        (date(2025, 10, 1),)]


def test_report_says_which_series_a_file_feeds(env):
    con = store.connect(env / "store.duckdb")
    report = ingest(con, [_extract(date(2025, 6, 1)), _extract(date(2025, 11, 1))])
    lines = report.series(11)
    assert lines[0] == "Årsserierna och månadsserierna (novemberuttagen): 2025-11-01."
    assert lines[1].startswith("Bara månadsserierna") and "2025-06-01" in lines[1]
    assert report.series(6)[0].endswith("(juniuttagen): 2025-06-01.")


def test_cli_prints_the_series(env, capsys):
    from pipelines.__main__ import main

    path = env / "uttag_2025-06-01.csv"
    path.write_bytes(_extract(date(2025, 6, 1))[1])
    assert main(["ingest", str(path), "--db", str(env / "store.duckdb")]) == 0
    assert "Bara månadsserierna" in capsys.readouterr().out


# --- the monthly demo --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_stores(tmp_path_factory):
    """The demo's November extracts in one store and every month's from November 2015 to
    November 2025, ten years, in another (as CSV, which loads faster than the demo's
    workbooks)."""
    folder = tmp_path_factory.mktemp("cadence_demo")
    patch = pytest.MonkeyPatch()
    patch.setenv("PERSONALPANELEN_DATA_DIR", str(folder / "data"))
    patch.setenv("PERSONALPANELEN_SECRET_FILE", str(folder / "key"))
    snapshots = demo.simulate()
    stores = {}
    for name, extracts in (
        ("yearly", [(demo.snapshot_date(s.year), s.employment) for s in snapshots]),
        ("monthly", demo.monthly_extracts(snapshots)),
    ):
        con = store.connect(folder / f"{name}.duckdb")
        files = [(f"{day.isoformat()}.csv", csv_bytes(frame.with_columns(pl.col(pl.Date)
                                                                         .cast(pl.String))))
                 for day, frame in extracts]
        report = ingest(con, files)
        assert report.loaded and not report.warnings, report.summary()
        stores[name] = con
    yield stores
    patch.undo()
    for con in stores.values():
        con.close()


def test_monthly_demo_has_every_month_of_ten_years(demo_stores):
    dates = store.read(demo_stores["monthly"], "SELECT DISTINCT snapshot_date AS d FROM "
                                               "employment ORDER BY 1")["d"].to_list()
    assert len(dates) == 12 * 10 + 1 and dates[0] == date(2015, 11, 1)
    assert all(d.day == 1 for d in dates) and dates[-1] == date(2025, 11, 1)
    months = [12 * d.year + d.month for d in dates]
    assert [b - a for a, b in zip(months, months[1:], strict=False)] == [1] * 120


def test_monthly_demo_s_novembers_are_the_yearly_demo_s_extracts():
    snapshots = demo.simulate()
    novembers = {day: frame for day, frame in demo.monthly_extracts(snapshots)
                 if day.month == 11}
    assert list(novembers) == [date(y, 11, 1) for y in range(2015, 2026)]
    for s in snapshots:
        assert novembers[demo.snapshot_date(s.year)].equals(s.employment), s.year


def test_monthly_store_gives_the_yearly_store_s_november_figures(demo_stores):
    employment = [m for m in METRICS.values() if m.table != "absence" and m.table != "hme"]
    ids = [m.id for m in employment]
    monthly = compute_many(demo_stores["monthly"], ids)
    yearly = compute_many(demo_stores["yearly"], ids)
    assert monthly.height > 0 and monthly.equals(yearly)
    turnover = monthly.filter(pl.col("metric_id") == "turnover")
    assert turnover["snapshot_date"].to_list() == [date(y, 11, 1) for y in range(2016, 2026)]


@pytest.mark.parametrize("year", [2016, 2025])
def test_monthly_turnover_over_twelve_months_by_hand(demo_stores, year):
    """Turnover at the year's November, counted directly: monthly-paid tillsvidare persons
    of the November before not in this November's snapshot (the eleven monthly snapshots
    between do not matter). 2016 is the ten-year store's first turnover, 2025 its last."""
    con = demo_stores["monthly"]
    counts = store.read(con, """
        WITH before AS (SELECT DISTINCT person_key FROM employment
                        WHERE snapshot_date = ? AND pay_form = 'monthly'
                          AND employment_form = 'tillsvidare'),
             after AS (SELECT DISTINCT person_key FROM employment
                       WHERE snapshot_date = ?)
        SELECT count(*) AS n, count(*) FILTER (person_key NOT IN (SELECT * FROM after)) AS gone
        FROM before""", [date(year - 1, 11, 1), date(year, 11, 1)]).row(0)
    n, gone = counts
    assert n > 1000 and 0 < gone < n
    between = store.read(con, "SELECT count(DISTINCT snapshot_date) AS k FROM employment "
                              "WHERE snapshot_date > ? AND snapshot_date < ?",
                         [date(year - 1, 11, 1), date(year, 11, 1)])["k"].item()
    assert between == 11
    frame = compute(con, "turnover", start=date(year, 11, 1), end=date(year, 11, 1))
    assert frame["n"].to_list() == [n]
    assert frame["value"].to_list() == [pytest.approx(100 * gone / n)]


def test_monthly_demo_hourly_work_peaks_in_summer(demo_stores):
    frame = compute(demo_stores["monthly"], "hourly_paid_fte", monthly=True,
                    start=date(2024, 11, 1), end=date(2025, 11, 1))
    by_month = dict(zip(frame["snapshot_date"].to_list(), frame["value"].to_list(),
                        strict=True))
    assert by_month[date(2025, 7, 1)] > 1.4 * by_month[date(2025, 3, 1)]


# --- the dashboard -----------------------------------------------------------------------------


@pytest.fixture
def app_on(tmp_path, monkeypatch):
    """An AppTest on a store of the given rows, on the Heltid page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, PAGE_FILES, _point_app_at

    def start(rows) -> AppTest:
        path = tmp_path / "app.duckdb"
        con = store.connect(path)
        fx.load(con, rows)
        con.close()
        _point_app_at(monkeypatch, path, tmp_path)
        monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
        st.cache_data.clear()
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at.switch_page(PAGE_FILES["heltid"]).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return start


def _periods(at) -> list[str]:
    return [table.value["Mätdatum"].tolist() for table in at.dataframe
            if "Mätdatum" in table.value.columns][0]


def test_page_shows_the_yearly_series_and_offers_the_monthly_one(app_on):
    at = app_on([*fx.ROWS, *JUNE_ROWS])
    assert _periods(at) == ["2024-11-01", "2025-11-01"]
    assert any("novemberuttagen (referensmånaden)" in c.value for c in at.sidebar.caption)
    cadence = at.button_group(key="cadence_full_time_share")
    cadence.set_value(True).run()
    assert not at.exception
    assert _periods(at) == ["2024-11-01", "2025-06-15", "2025-11-01"]


def test_page_without_a_reference_month_snapshot_says_so(app_on):
    at = app_on(JUNE_ROWS)
    infos = [i.value for i in at.info]
    assert any("inga novemberuttag" in i for i in infos), infos
    at.button_group(key="cadence_full_time_share").set_value(True).run()
    assert _periods(at) == ["2025-06-15"]


def test_a_november_store_offers_no_monthly_series(app_on):
    at = app_on(fx.ROWS)
    assert not [b for b in at.button_group if b.key and b.key.startswith("cadence_")]


def test_cli_computes_the_monthly_series(con, tmp_path, capsys, monkeypatch):
    from metrics.__main__ import run

    con.close()
    path = tmp_path / "cadence.duckdb"
    assert run(["compute", "headcount", "--monthly", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["2024-11-01", "2025-06-15",
                                                          "2025-11-01"]
    assert run(["compute", "headcount", "--db", str(path)]) == 0
    assert "2025-06-15" not in capsys.readouterr().out
    with pytest.raises(ValueError, match="turnover räknas bara per år"):
        run(["compute", "turnover", "--monthly", "--db", str(path)])


def test_upload_page_says_which_series_a_june_file_feeds(tmp_path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, _csv, _point_app_at, upload

    path = tmp_path / "upload.duckdb"
    con = store.connect(path)
    fx.load(con)
    con.close()
    _point_app_at(monkeypatch, path, tmp_path)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    upload(at, "juni_2026.csv", _csv("2026-06-15"))
    assert not at.exception and at.success
    shown = [c.value for c in at.caption]
    assert any(c.startswith("Bara månadsserierna") and "2026-06-15" in c for c in shown), shown
    assert any("novemberuttagen (referensmånaden)" in c.value for c in at.sidebar.caption)
