"""python -m metrics, run as a user would run it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import openpyxl
import polars as pl
import pytest

import store
from metrics.compute import compute
from tests import employment_fixture as fx
from tests.xlsx_checks import problems


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.duckdb"
    con = store.connect(path)
    fx.load(con)
    con.close()
    return path


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "metrics", *args], capture_output=True,
                          text=True, env=env)


def test_csv_by_forvaltning(db):
    env = {**os.environ, "PERSONALPANELEN_MIN_CELL": "4"}  # A: 6 persons, 4 at full time
    result = run("compute", "full_time_share", "--by", "forvaltning", "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    table = pl.read_csv(io.StringIO(result.stdout), infer_schema=False)
    assert table.columns == ["metric_id", "snapshot_date", "forvaltning", "n", "value",
                             "suppressed"]
    latest = table.filter(snapshot_date="2025-11-01").drop("value")
    assert latest.rows() == [
        ("full_time_share", "2025-11-01", "A", "6", "false"),
        ("full_time_share", "2025-11-01", "B", None, "true"),  # 3 persons: hidden
        ("full_time_share", "2025-11-01", "Soc", None, "true"),  # its smallest sibling
    ]
    values = table.filter(snapshot_date="2025-11-01")["value"].to_list()
    assert values[1:] == [None, None]
    assert values[0] == "66.7"  # 200 / 3, to the one decimal the dashboard shows


def test_all_metrics_json_with_the_column_named_as_given(db):
    env = {**os.environ, "PERSONALPANELEN_MIN_CELL": "3"}  # men: 4 persons, 3 at full time
    result = run("compute", "--by", "kön", "--format", "json", "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert {r["metric_id"] for r in records} >= {"full_time_share", "hourly_paid_persons"}
    assert "managers_women_share" not in {r["metric_id"] for r in records}  # no gender split
    women = [r for r in records if r["metric_id"] == "full_time_share" and r["kön"] == "K"]
    assert women == [
        {"metric_id": "full_time_share", "snapshot_date": "2024-11-01", "kön": "K",
         "n": 3, "value": 100.0, "suppressed": False},  # 3 of the 7, all at full time
        {"metric_id": "full_time_share", "snapshot_date": "2025-11-01", "kön": "K",
         "n": 10, "value": 70.0, "suppressed": False},
    ]


def test_xlsx_out(db, tmp_path):
    out = tmp_path / "out.xlsx"
    result = run("compute", "hourly_paid_persons", "--format", "xlsx", "--out", str(out),
                 "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["Innehåll", "Om uttaget",
                                                      "Timavlönade personer", "Definitioner",
                                                      "Inläsningslogg"]
    assert problems(out.read_bytes()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compute", "no_such_metric"], "Okänt nyckeltal 'no_such_metric'"),
        (["compute", "--by", "planet"], "Okänd uppdelning planet"),
        (["compute", "managers_women_share", "--by", "gender"], "kan delas upp på gender"),
        (["compute", "--format", "xlsx"], "--format xlsx kräver --out"),
    ],
)
def test_bad_input_is_one_line_without_traceback(db, args, message):
    result = run(*args, "--db", str(db))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_store(tmp_path):
    result = run("compute", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "finns inte" in result.stderr


def test_publication_mode_rounds_in_the_cli(db):
    env = {**os.environ, "PERSONALPANELEN_MIN_CELL": "1"}
    plain = run("compute", "headcount", "--db", str(db), env=env)
    rounded = run("compute", "headcount", "--publication", "--db", str(db), env=env)
    assert plain.stdout.splitlines()[-1].split(",")[2:4] == ["15", "15.0"]
    assert rounded.stdout.splitlines()[-1].split(",")[2:4] == ["20", "20.0"]


def test_crisis_placements_by_core_service(db, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    result = run("compute", "crisis_placements", "--by", "kärnverksamhet", "--db", str(db),
                 env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    table = pl.read_csv(io.StringIO(result.stdout), infer_schema=False)
    con = store.connect(db, read_only=True)
    try:
        expected = compute(con, "crisis_placements", by=["core_service"])
    finally:
        con.close()
    assert "kärnverksamhet" in table.columns and len(table) == len(expected) > 0
    assert sorted(table["kärnverksamhet"].drop_nulls().unique().to_list()) == sorted(
        expected["core_service"].drop_nulls().unique().to_list())
