"""Bounded work for any upload (issue 25): a load that would give a period more förvaltningar,
units or categories than a municipality has is refused, naming the column and the count, and
the store stays as it was and usable. (How long the refusal takes, and what the disclosure
model costs below the limits, bench/disclosure_cost.py measures.)"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.compute import compute
from pipelines import validate
from pipelines.load import ingest
from tests import extracts as ex
from tests.test_app import fixture_store, own_store  # noqa: F401  (the AppTest fixtures)
from tests.test_pipeline import checksum
from ui import texts

S = date(2025, 11, 1)


def extract(rows: int, forvaltningar: int, *, first: int = 0, units: int = 1,
            occupations: int = 2) -> pl.DataFrame:
    """`rows` employments of distinct persons, spread over `forvaltningar` förvaltningar,
    `units` units and `occupations` SSYK codes."""
    return pl.DataFrame(
        [(S.isoformat(), ex.personnummer(1960 + i % 40, i, "K" if i % 3 else "M"), f"E{i}",
          f"Förvaltning {i % forvaltningar}", f"Enhet {i % units}", f"{1000 + i % occupations}",
          "Månadslön", "100" if i % 3 else "75", str(30000 + i % 1000))
         for i in range(first, first + rows)],
        orient="row", schema=["Mätdatum", "Personnummer", "Anställningsnummer", "Förvaltning",
                              "Enhet", "SSYK", "Löneform", "Sysselsättningsgrad",
                              "Månadslön (heltid)"])


@pytest.fixture
def loaded(con):
    report = ingest(con, [("forsta.csv", ex.csv_bytes(ex.small_extract(date(2024, 11, 1))))])
    assert report.loaded
    return con


def test_an_upload_of_5000_forvaltningar_is_refused_and_the_store_stays_usable(loaded):
    before = checksum(loaded)
    report = ingest(loaded, [("stor.csv", ex.csv_bytes(extract(15_500, 5_000)))])
    assert not report.loaded
    [error] = report.errors
    assert (error.file, error.column) == ("stor.csv", "Förvaltning")
    assert "5 000 olika förvaltningar" in error.message
    assert f"högst {validate.MAX_FORVALTNINGAR}" in error.message
    assert checksum(loaded) == before
    assert compute(loaded, "headcount")["value"].to_list() == [40.0]


def test_a_load_just_under_the_limits_loads(loaded):
    rows = 4 * validate.MAX_FORVALTNINGAR
    report = ingest(loaded, [("stor.csv", ex.csv_bytes(extract(
        rows, validate.MAX_FORVALTNINGAR, units=rows, occupations=rows // 2)))])
    assert report.loaded, report.errors
    frame = compute(loaded, "headcount", by=["forvaltning"]).filter(pl.col("snapshot_date") == S)
    assert frame.height == validate.MAX_FORVALTNINGAR


@pytest.mark.parametrize(("rows", "units", "occupations", "column", "message"), [
    (5_001, 5_001, 2, "Enhet", "Kolumnen Enhet har 5 001 olika enheter"),
    (1_001, 1, 1_001, "SSYK", "Kolumnen SSYK har 1 001 olika yrkeskoder"),
    # 100 förvaltningar x 51 codes: each of the 5,001 rows a pair of its own
    (5_001, 1, 51, "Förvaltning, SSYK", "Kolumnerna Förvaltning och SSYK har 5 001 olika "
                                        "kombinationer av förvaltning och yrkeskod"),
])
def test_too_many_units_occupations_or_cells_are_refused(loaded, rows, units, occupations,
                                                          column, message):
    frame = extract(rows, validate.MAX_FORVALTNINGAR, units=units, occupations=occupations)
    before = checksum(loaded)
    report = ingest(loaded, [("stor.csv", ex.csv_bytes(frame))])
    [error] = report.errors
    assert error.column == column
    assert error.message.startswith(f"{message} för mätdatumet {S}; högst ")
    assert checksum(loaded) == before


def test_a_snapshot_split_over_files_counts_them_together(loaded):
    half = validate.MAX_FORVALTNINGAR // 2 + 10
    files = [(f"del{i}.csv", ex.csv_bytes(extract(half, half, first=i * 1000).with_columns(
        pl.col("Förvaltning") + f" {i}"))) for i in range(2)]
    before = checksum(loaded)
    report = ingest(loaded, files)
    [error] = report.errors
    assert error.file == "del1.csv"
    assert f"{2 * half} olika förvaltningar" in error.message
    assert checksum(loaded) == before


def test_a_store_loaded_beyond_the_limits_before_they_existed_names_the_load(loaded, env,
                                                                           monkeypatch):
    # Before the limits, such a load went in; every page of figures then took minutes.
    with monkeypatch.context() as before:
        before.setattr(validate, "LIMITS", {})
        report = ingest(loaded, [("for_manga.csv", ex.csv_bytes(extract(300, 150)))])
    assert report.loaded
    [load_id] = loaded.execute("SELECT max(load_id) FROM load_log").fetchone()
    [message] = validate.stored_over_limits(loaded)
    assert "150 olika förvaltningar för mätdatumet 2025-11-01" in message
    assert f"Ta bort inläsning {load_id} med python -m pipelines delete {load_id} " in message
    loaded.execute("DELETE FROM employment WHERE load_id = $id", {"id": load_id})
    assert validate.stored_over_limits(loaded) == []


def test_the_dashboard_on_such_a_store_shows_why_and_where_to_delete_it(own_store,  # noqa: F811
                                                                         monkeypatch):
    from streamlit.testing.v1 import AppTest

    import store
    from tests.test_app import APP, open_page

    con = store.connect(own_store)
    with monkeypatch.context() as before:
        before.setattr(validate, "LIMITS", {})
        report = ingest(con, [("for_manga.csv", ex.csv_bytes(extract(300, 150)))])
    assert report.loaded
    [load_id] = con.execute("SELECT max(load_id) FROM load_log").fetchone()
    con.close()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [texts.STORE_OVER_LIMITS]
    assert any(f"delete {load_id}" in m.value for m in at.markdown)
    assert not at.metric  # the overview's cards are not computed
    open_page(at, "ladda-upp")  # where the load is deleted
    assert not at.error and at.button(key="upload_go")


def test_the_command_line_on_such_a_store_names_the_load(env, monkeypatch, capsys):
    import store
    from metrics.__main__ import main

    db = env / "over.duckdb"
    con = store.connect(db)
    with monkeypatch.context() as before:
        before.setattr(validate, "LIMITS", {})
        assert ingest(con, [("for_manga.csv", ex.csv_bytes(extract(300, 150)))]).loaded
    con.close()
    monkeypatch.setenv("PERSONALPANELEN_DB", str(db))
    monkeypatch.setattr("sys.argv", ["metrics", "compute", "headcount"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    assert "python -m pipelines delete 1 " in capsys.readouterr().err
