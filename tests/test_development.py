"""Development plans, medarbetarsamtal and key positions (metrics/development.py, M10, M11).

Values on the fixture are worked out by hand in tests/employment_fixture.py (the block above
DEVELOPMENT_PLAN); the small extract below is worked out beside it.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import store
from metrics import registry
from metrics.compute import available_columns, compute, missing_columns
from pipelines.findings import ERROR, WARNING
from pipelines.load import ingest
from tests import employment_fixture as fx
from tests import extracts as ex

IDS = ("development_plan_share", "dialogue_share", "key_positions",
       "key_positions_successor_share", "key_positions_retiring_share")


@pytest.fixture
def fixture(fixture_con, monkeypatch):
    """The hand-computed fixture with every threshold at 1."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    return fixture_con


def cells(con, metric_id, **kwargs) -> pl.DataFrame:
    return compute(con, metric_id, **kwargs).filter(pl.col("snapshot_date") == fx.S)


def by_forvaltning(con, metric_id) -> dict:
    frame = cells(con, metric_id, by=["forvaltning"]).sort("forvaltning")
    return {f: (n, v) for f, n, v in frame.select("forvaltning", "n", "value").iter_rows()}


# --- hand-computed values on the fixture ---------------------------------------------------------

def test_development_plan_share_counts_plans_within_the_year(fixture):
    (n, value), = cells(fixture, "development_plan_share").select("n", "value").iter_rows()
    # p1 p2 p5 p10 s2 s4 of the 11 permanent monthly-paid persons at work; not e4 (a year to
    # the day), e9 (after the snapshot), s1a (2023); e3 (visstid) and l1 (on leave) are outside.
    assert n == 11
    assert value == pytest.approx(600 / 11)


def test_development_plan_share_by_forvaltning(fixture):
    assert by_forvaltning(fixture, "development_plan_share") == {
        "A": (4, pytest.approx(75.0)), "B": (3, pytest.approx(100 / 3)),
        "Soc": (4, pytest.approx(50.0))}


def test_dialogue_share(fixture):
    (n, value), = cells(fixture, "dialogue_share").select("n", "value").iter_rows()
    assert (n, value) == (11, pytest.approx(800 / 11))


def test_key_positions_count_persons_once(fixture):
    # p2 holds two key-position employments (e2a in A, e2b in B) and counts once, in A.
    (n, value), = cells(fixture, "key_positions").select("n", "value").iter_rows()
    assert (n, value) == (7, 7)
    assert by_forvaltning(fixture, "key_positions") == {"A": (4, 4), "B": (2, 2), "Soc": (1, 1)}


def test_successor_share_needs_a_successor_on_every_key_position(fixture):
    # p1 p5 p11 l1 of 7; p2 has a successor on e2a but not on e2b.
    (value,) = cells(fixture, "key_positions_successor_share")["value"]
    assert value == pytest.approx(400 / 7)


def test_retiring_share_reads_the_retirement_age_when_computed(fixture):
    # Ages reached in 2025: p1 66, p2 64, p4 63, s4 59, p5 55, p11 50, l1 35.
    (at_65,) = cells(fixture, "key_positions_retiring_share")["value"]
    (at_67,) = cells(fixture, "key_positions_retiring_share", retirement_age=67)["value"]
    (at_69,) = cells(fixture, "key_positions_retiring_share", retirement_age=69)["value"]
    assert at_65 == pytest.approx(300 / 7)  # 60 or older: p1 p2 p4
    assert at_67 == pytest.approx(300 / 7)  # 62 or older: p1 p2 p4
    assert at_69 == pytest.approx(200 / 7)  # 64 or older: p1 p2


def test_a_snapshot_without_the_columns_has_no_value(fixture):
    for metric_id in IDS:
        assert compute(fixture, metric_id)["snapshot_date"].to_list() == [fx.S], metric_id


# --- disclosure ----------------------------------------------------------------------------------

def test_small_plan_cells_are_hidden_and_the_total_shown(fixture, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "3")
    frame = cells(fixture, "development_plan_share", by=["forvaltning"]).sort("forvaltning")
    # B: 1 of 3 with a plan (a numerator of 1 < 3): hidden. Soc (2 of 4) hidden too: a numerator
    # of 2 < 3. A (3 of 4) stays; B and Soc together (7 persons, 3 plans) cannot be split.
    assert frame["suppressed"].to_list() == [False, True, True]
    assert frame["value"].to_list() == [pytest.approx(75.0), None, None]
    assert frame["n"].to_list() == [4, None, None]
    (total,) = cells(fixture, "development_plan_share")["value"]
    assert total == pytest.approx(600 / 11)


def test_a_single_key_position_holder_is_never_shown(fixture, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "2")
    frame = cells(fixture, "key_positions", by=["forvaltning"]).sort("forvaltning")
    # Soc holds one key position (primary); B (2) is the smallest shown sibling, hidden too, so
    # that Soc cannot be worked out as 7 - 4 - 2.
    assert frame["forvaltning"].to_list() == ["A", "B", "Soc"]
    assert frame["suppressed"].to_list() == [False, True, True]
    assert frame["value"].to_list() == [4, None, None]


def test_a_share_hides_when_too_few_are_left_out(fixture, monkeypatch):
    # 4 of 7 key positions have a successor, 3 have none: the 3 must reach the threshold too.
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "3")
    (value,) = cells(fixture, "key_positions_successor_share")["value"]
    assert value == pytest.approx(400 / 7)
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "4")
    frame = cells(fixture, "key_positions_successor_share")
    assert frame["suppressed"].to_list() == [True] and frame["value"].to_list() == [None]
    # The retiring share: 3 near retirement, 4 not: hidden at 4 as well.
    frame = cells(fixture, "key_positions_retiring_share")
    assert frame["suppressed"].to_list() == [True]


def test_key_positions_break_down_by_forvaltning_only():
    for metric_id in ("key_positions", "key_positions_successor_share",
                      "key_positions_retiring_share"):
        assert registry.get(metric_id).breakdowns == ("forvaltning",)
    with pytest.raises(ValueError):
        compute(store.connect(":memory:"), "key_positions", by=["gender"])


# --- through the pipeline ------------------------------------------------------------------------

def extract(**overrides: list[str]) -> pl.DataFrame:
    """Four permanent monthly-paid persons on 2025-11-01 (Barn och utbildning), born 1960,
    1970, 1980 and 1990, with the columns of issue 13 written as analysts do:

    plan        2025-03-01 (in), 15.01.2025 (in), blank, 2024-11-01 (a year to the day: out)
    dialogue    1 oktober 2025 (in), blank, 2024-06-01 (out), 2025-11-01 (the day: in)
    key         Ja, X, Nej, blank -> P0 P1
    successor   Ja, blank, blank, blank -> P0

    development_plan_share 2/4, dialogue_share 2/4, key_positions 2, successor share 1/2,
    retiring share 1/2 (P0 is 65 in 2025, P1 55)."""
    columns = {
        "Mätdatum": ["2025-11-01"] * 4,
        "Personnummer": [ex.personnummer(1960 + 10 * i, i, "K") for i in range(4)],
        "Anställningsnummer": [f"A{i}" for i in range(4)],
        "Förvaltning": ["Barn och utbildning"] * 4,
        "Löneform": ["Månadslön"] * 4,
        "Anställningsform": ["Tillsvidare"] * 4,
        "Sysselsättningsgrad": ["100"] * 4,
        "Utvecklingsplan upprättad": ["2025-03-01", "15.01.2025", "", "2024-11-01"],
        "Senaste medarbetarsamtal": ["1 oktober 2025", "", "2024-06-01", "2025-11-01"],
        "Nyckelbefattning": ["Ja", "X", "Nej", ""],
        "Efterträdare utsedd": ["Ja", "", "", ""],
    }
    return pl.DataFrame(columns | overrides)


def test_the_columns_load_through_ingest(con):
    report = ingest(con, [("utveckling.csv", ex.csv_bytes(extract()))])
    assert report.loaded and not report.warnings, [str(f) for f in report.findings]
    stored = store.read(con, "SELECT employment_id, development_plan_date, dialogue_date, "
                             "key_position, successor FROM employment ORDER BY employment_id")
    assert stored.rows() == [
        ("A0", date(2025, 3, 1), date(2025, 10, 1), True, True),
        ("A1", date(2025, 1, 15), None, True, False),
        ("A2", None, date(2024, 6, 1), False, False),
        ("A3", date(2024, 11, 1), date(2025, 11, 1), False, False),
    ]
    values = {metric_id: compute(con, metric_id)["value"].to_list() for metric_id in IDS}
    assert values == {"development_plan_share": [50.0], "dialogue_share": [50.0],
                      "key_positions": [2], "key_positions_successor_share": [50.0],
                      "key_positions_retiring_share": [50.0]}


def test_other_headers_are_recognised(con):
    frame = extract().rename({"Utvecklingsplan upprättad": "Individuell utvecklingsplan",
                              "Senaste medarbetarsamtal": "Medarbetarsamtal datum",
                              "Nyckelbefattning": "Nyckelbefattning J/N",
                              "Efterträdare utsedd": "Ställföreträdare utsedd"})
    report = ingest(con, [("utveckling.xlsx", ex.xlsx_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    assert compute(con, "key_positions_successor_share")["value"].to_list() == [50.0]
    assert compute(con, "development_plan_share")["value"].to_list() == [50.0]


@pytest.mark.parametrize(("header", "bad"), [
    ("Utvecklingsplan upprättad", "2025-13-45"),
    ("Senaste medarbetarsamtal", "snart"),
    ("Nyckelbefattning", "Kanske"),
    ("Efterträdare utsedd", "Vet ej"),
])
def test_a_bad_date_or_flag_refuses_the_file_naming_file_row_and_column(con, header, bad):
    values = list(extract()[header])
    values[2] = bad  # the third data row: Excel row 4 under the header on row 1
    report = ingest(con, [("fel.csv", ex.csv_bytes(extract(**{header: values})))])
    assert not report.loaded
    assert [(f.severity, f.file, f.row, f.column) for f in report.errors] == [
        (ERROR, "fel.csv", 4, header)]
    assert bad in report.errors[0].message
    assert store.read(con, "SELECT count(*) AS n FROM employment")["n"][0] == 0


def test_dates_after_the_snapshot_and_a_stray_successor_are_warned(con):
    frame = extract(**{"Utvecklingsplan upprättad": ["2025-11-02", "", "", ""],
                       "Senaste medarbetarsamtal": ["", "", "2026-01-10", ""],
                       "Efterträdare utsedd": ["Ja", "", "Ja", ""]})
    report = ingest(con, [("framtid.csv", ex.csv_bytes(frame))])
    assert report.loaded
    assert sorted((f.severity, f.row, f.column) for f in report.warnings) == [
        (WARNING, 2, "Utvecklingsplan upprättad"),
        (WARNING, 4, "Efterträdare utsedd"),
        (WARNING, 4, "Senaste medarbetarsamtal"),
    ]
    # The plan after the snapshot does not count, nor the successor of a non-key employment.
    assert compute(con, "development_plan_share")["value"].to_list() == [0.0]
    assert compute(con, "key_positions_successor_share")["value"].to_list() == [50.0]


def test_an_extract_without_the_columns_says_so(con):
    report = ingest(con, [("uttag.csv", ex.csv_bytes(ex.small_extract(fx.S, persons=6)))])
    assert report.loaded
    available = available_columns(con)
    for metric_id in IDS:
        metric = registry.get(metric_id)
        assert compute(con, metric).is_empty(), metric_id
        assert missing_columns(metric, available), metric_id
    assert missing_columns(registry.get("development_plan_share"), available) == [
        "employment_form", "development_plan_date"]
    assert missing_columns(registry.get("key_positions_retiring_share"), available) == [
        "key_position"]


NEW = ("development_plan_date", "dialogue_date", "key_position", "successor")


def test_a_store_from_before_the_columns_gets_them_and_loads(env):
    """A store written before issue 13 has the new columns added last (after load_id); a file
    with them still loads, each value into its own column."""
    import duckdb

    from pipelines.schema import TABLES

    path = env / "old.duckdb"
    old = duckdb.connect(str(path))
    for table in ("employment", "employment_replaced"):
        columns, key = TABLES["employment"]
        if table == "employment_replaced":
            columns, key = (*columns, ("replaced_by", "INTEGER NOT NULL")), ("replaced_by", *key)
        old.execute(f"CREATE TABLE {table} ("
                    + ", ".join(f"{n} {t}" for n, t in columns if n not in NEW)
                    + f", PRIMARY KEY ({', '.join(key)}))")
    old.close()
    con = store.connect(path)
    try:
        order = store.read(con, "SELECT column_name FROM duckdb_columns() "
                                "WHERE table_name = 'employment'")["column_name"].to_list()
        assert all(order.index(column) > order.index("load_id") for column in NEW)
        report = ingest(con, [("utveckling.csv", ex.csv_bytes(extract()))])
        assert report.loaded, [str(f) for f in report.findings]
        assert store.read(con, "SELECT key_position, successor, load_id FROM employment "
                               "ORDER BY employment_id").rows() == [
            (True, True, 1), (True, False, 1), (False, False, 1), (False, False, 1)]
        assert compute(con, "development_plan_share")["value"].to_list() == [50.0]
    finally:
        con.close()


def test_a_forvaltning_without_any_plan_shows_zero_not_missing(con):
    """Whether the extract has plans is decided for the snapshot: a förvaltning whose staff
    have none shows 0 %, while the snapshot has a value."""
    frame = extract(**{"Förvaltning": ["Barn och utbildning", "Barn och utbildning", "Vård",
                                       "Vård"],
                       "Utvecklingsplan upprättad": ["2025-03-01", "2025-04-01", "", ""]})
    report = ingest(con, [("utveckling.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    cells = compute(con, "development_plan_share", by=["forvaltning"]).sort("forvaltning")
    assert cells.select("forvaltning", "n", "value").rows() == [
        ("Barn och utbildning", 2, 100.0), ("Vård", 2, 0.0)]
    assert compute(con, "development_plan_share")["value"].to_list() == [50.0]
