"""One choice of förvaltningar and breakdown gives the same protected cells on the screen, from
the command line and in the Excel export."""

from __future__ import annotations

import io
import random
import subprocess
import sys

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import APP, _point_app_at, open_page, tables_with, values_table
from tests.test_attack import FORVALTNINGAR, random_store
from ui.numbers import number

CHOSEN = ["Barn", "Teknik"]
DATES = ("2024-11-01", "2025-11-01")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """150 persons in four förvaltningar: some cells shown, some hidden."""
    draw = random.Random(7)
    persons = [{
        "forvaltning": draw.choice(FORVALTNINGAR[:2] * 6 + FORVALTNINGAR[2:]),
        "gender": draw.choice("KKM"), "hourly": draw.random() < 0.1,
        "rate": draw.choice([75.0, 100.0]), "ssyk": draw.choice(["5311", "2343", "1120"]),
        "birth_year": draw.randint(1960, 2000), "manager": draw.random() < 0.1,
        "permanent": draw.random() < 0.8, "stays": draw.random() < 0.9,
        "moves_to": draw.choice(FORVALTNINGAR),
    } for _ in range(150)]
    path = tmp_path_factory.mktemp("agree") / "store.duckdb"
    random_store(path, persons).close()
    return path


def cli(db, *args) -> pl.DataFrame:
    result = subprocess.run([sys.executable, "-m", "metrics", "compute", "headcount", *args,
                             "--db", str(db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return pl.read_csv(io.StringIO(result.stdout), infer_schema=False) if result.stdout \
        else pl.DataFrame()


def shown(n, value, suppressed) -> tuple[str, str]:
    """A cell as the screen writes it."""
    if suppressed in (True, "true"):
        return ("..", "..")
    return (number(int(n)), number(float(value)))


@pytest.fixture(scope="module")
def from_cli(db, tmp_path_factory):
    """The command line's answers, taken before the app opens the store (one process holds
    it at a time)."""
    out = tmp_path_factory.mktemp("agree_xlsx") / "export.xlsx"
    answers = {
        "total": cli(db, "--forvaltning", *CHOSEN),
        "forvaltning": cli(db, "--by", "forvaltning", "--forvaltning", *CHOSEN),
        "gender": cli(db, "--by", "kön", "--forvaltning", *CHOSEN),
        "two_way": cli(db, "--by", "forvaltning", "kön"),
        **{f: cli(db, "--by", "kön", "--forvaltning", f) for f in FORVALTNINGAR},
        "xlsx": cli(db, "--forvaltning", *CHOSEN, "--format", "xlsx", "--out", str(out)),
    }
    answers["excel"] = openpyxl.load_workbook(out)
    return answers


@pytest.fixture(scope="module")
def screen(db, from_cli, tmp_path_factory):
    patch = pytest.MonkeyPatch()
    _point_app_at(patch, db, tmp_path_factory.mktemp("agree_app"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.multiselect(key="filter_forvaltningar").set_value(CHOSEN).run()
    open_page(at, "personalstruktur")
    yield at
    patch.undo()


def test_filtered_total_agrees(from_cli, screen):
    on_screen = values_table(screen, "personer")
    in_cli = {d: shown(n, v, s) for _, d, n, v, s in from_cli["total"].rows()}
    rows = from_cli["excel"]["Antal anställda"].iter_rows(min_row=2, max_col=4,
                                                          values_only=True)
    in_excel = {d.date().isoformat(): ("..", "..") if n == ".." else (number(n), number(v))
                for d, label, n, v in rows if label == "Urval: Barn, Teknik"}
    assert on_screen == in_cli == in_excel
    assert set(on_screen) == set(DATES)


def test_forvaltning_and_gender_tables_agree(from_cli, screen):
    by_forvaltning = tables_with(screen, "Förvaltning")[0]  # headcount comes first
    in_cli = {(f, d): shown(n, v, s)[1] for _, d, f, n, v, s in from_cli["forvaltning"].rows()}
    assert {(row["Förvaltning"], d): row[d] for _, row in by_forvaltning.iterrows()
            for d in DATES if isinstance(row[d], str)} == in_cli  # not empty cells
    by_gender = tables_with(screen, "Kön")[0]
    labels = {"K": "Kvinnor", "M": "Män"}
    in_cli = {(labels[g], d): shown(n, v, s)[1] for _, d, g, n, v, s in
              from_cli["gender"].rows()}
    assert {(row["Kön"], d): row[d] for _, row in by_gender.iterrows() for d in DATES
            if isinstance(row[d], str)} == in_cli


def test_one_forvaltning_by_gender_is_the_two_way_table(from_cli):
    two_way = from_cli["two_way"]
    for name in FORVALTNINGAR:
        assert two_way.filter(forvaltning=name).drop("forvaltning").rows() == \
            from_cli[name].rows()
    assert two_way["suppressed"].to_list().count("true") >= 1  # hidden cells compared too
