"""Normalisers under generated input (hypothesis), concurrent uploads, and a load killed with
SIGKILL in the middle of its transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import store
from pipelines import normalise, pseudonymise
from pipelines.load import ingest
from tests import extracts as ex


def parse(parser, texts: list[str]) -> list:
    return pl.DataFrame({"raw": texts}, schema={"raw": pl.String}).select(
        parser(pl.col("raw")).alias("value"))["value"].to_list()


def swedish(amount: float) -> str:
    """1234567.5 -> '1 234 567,50' (space thousands, decimal comma)."""
    whole, cents = f"{amount:,.2f}".split(".")
    return whole.replace(",", " ") + "," + cents


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2).map(float)


@given(amounts, st.sampled_from([" ", "\u00a0", "", "."]))
def test_numbers_with_any_thousands_separator(amount, thousands):
    text = swedish(amount)
    if thousands != " ":
        text = text.replace(" ", thousands)
    if thousands == "." and "." not in text:
        return  # below 1 000 the dot form is plain '123,45'
    assert parse(normalise.number, [text]) == [pytest.approx(amount)]


@given(st.lists(st.integers(0, 100), min_size=1, max_size=20))
def test_rates_in_percent_or_fraction_give_the_same_column(percents):
    as_percent = parse(normalise.rate, [str(p) for p in percents])
    as_fraction = parse(normalise.rate, [str(p / 100) for p in percents])
    if max(percents) > 1:  # a column of only 0 and 1 is read as fractions, by design
        assert as_percent == pytest.approx(percents)
        assert as_fraction == pytest.approx(percents)


MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december")


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2060, 12, 31)))
def test_dates_in_six_spellings(day):
    spellings = [day.isoformat(), day.strftime("%d.%m.%Y"), day.strftime("%Y%m%d"),
                 f"{day.day} {MONTHS_SV[day.month - 1]} {day.year}",
                 str((day - date(1899, 12, 30)).days), f"{day.isoformat()} 00:00:00"]
    assert parse(normalise.dates, spellings) == [day] * len(spellings)


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_a_month_means_its_first_day(year, month):
    spellings = [f"{year}-{month:02d}", f"{year}{month:02d}", f"{MONTHS_SV[month - 1]} {year}"]
    assert parse(normalise.snapshot, spellings) == [date(year, month, 1)] * 3


@given(st.dates(min_value=date(1926, 1, 1), max_value=date(2009, 12, 31)),
       st.integers(0, 999), st.sampled_from(["K", "M"]))
def test_valid_personnummer_are_accepted_and_one_wrong_digit_is_not(born, serial, gender):
    nine = f"{born:%y%m%d}{serial:03d}"
    nine = nine[:8] + str((int(nine[8]) // 2) * 2 + (1 if gender == "M" else 0))
    number = f"{born:%Y%m%d}-{nine[6:]}{ex.luhn_digit(nine)}"
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    frame = pseudonymise.checked(pl.DataFrame({"personnummer": [number, number[2:], wrong]}),
                                 pl.lit(2025))
    assert frame[pseudonymise.PNR_PROBLEM].to_list() == [None, None, "luhn"]
    assert frame["birth_year"].to_list()[:2] == [born.year] * 2
    assert frame["pnr_gender"].to_list()[0] == gender


@settings(max_examples=50)
@given(st.text(max_size=30))
def test_any_text_in_a_vocabulary_column_maps_or_is_null(text):
    [value] = parse(normalise.PARSERS["gender"], [text])
    assert value in ("K", "M", None)


# --- concurrency and crashes --------------------------------------------------------------------

@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(tmp_path / "key"))
    return tmp_path / "store.duckdb"


def test_four_uploads_at_the_same_moment_all_land(db):
    con = store.connect(db)
    snapshots = [date(2022 + i, 11, 1) for i in range(4)]
    files = [ex.csv_bytes(ex.small_extract(s, persons=50 + i)) for i, s in enumerate(snapshots)]
    files[1] = ex.xlsx_bytes(ex.small_extract(snapshots[1], persons=51))
    reports, start = {}, threading.Barrier(4)

    def upload(i: int) -> None:
        start.wait()
        name = f"u{i}.xlsx" if i == 1 else f"u{i}.csv"
        reports[i] = ingest(con, [(name, files[i])])

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.loaded for r in reports.values()), {i: r.summary() for i, r in reports.items()}
    counts = store.read(con, "SELECT snapshot_date, count(*) AS n FROM employment GROUP BY 1 "
                             "ORDER BY 1")
    assert counts.rows() == [(s, 50 + i) for i, s in enumerate(snapshots)]
    log = store.read(con, "SELECT load_id FROM load_log ORDER BY 1")["load_id"].to_list()
    assert log == [1, 2, 3, 4]
    con.close()


KILLED_LOAD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import store
    from pipelines import load

    marker = Path(sys.argv[2])
    def hang(*args, **kwargs):
        marker.write_text("inside the transaction")   # rows are moved in, not committed
        time.sleep(60)
    store.refresh_derived = hang
    con = store.connect(sys.argv[1])
    load.ingest(con, [sys.argv[3]])
""")


def test_a_load_killed_mid_transaction_leaves_all_or_nothing(db, tmp_path):
    con = store.connect(db)
    ingest(con, [("first.csv", ex.csv_bytes(ex.small_extract(date(2024, 11, 1), persons=30)))])
    con.close()
    extract = tmp_path / "second.csv"
    extract.write_bytes(ex.csv_bytes(ex.small_extract(date(2024, 11, 1), persons=7)))
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", KILLED_LOAD, str(db), str(marker),
                              str(extract)], cwd=ex.__file__.rsplit("/tests/", 1)[0],
                             env=os.environ.copy())
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the child never reached the transaction"
    child.send_signal(signal.SIGKILL)
    child.wait()
    con = store.connect(db)
    counts = store.read(con, "SELECT count(*) AS n FROM employment")["n"][0]
    logs = store.read(con, "SELECT count(*) AS n FROM load_log")["n"][0]
    assert (counts, logs) == (30, 1)   # the replaced snapshot is intact: none of the batch
    # the killed batch's staged rows are left in its own table, which the next load drops
    staged = "SELECT count(*) AS n FROM duckdb_tables() WHERE starts_with(table_name, 'staged_')"
    assert store.read(con, staged)["n"][0] == 1
    assert ingest(con, [("third.csv", ex.csv_bytes(
        ex.small_extract(date(2023, 11, 1), persons=5)))]).loaded
    assert store.read(con, staged)["n"][0] == 0
    con.close()
