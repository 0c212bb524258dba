"""Keep every test away from the real data folder and the real pseudonym key."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

import settings
import store
from tests import employment_fixture

LAW = dict(settings.LEGAL_MINIMUM)
"""The legal floors of the thresholds, for the tests that check them (test_settings.py)."""


@pytest.fixture(autouse=True)
def thresholds_below_the_law(monkeypatch):
    """Hand-computed fixtures are small: their tests set thresholds as low as 1 to see each
    value, below the law's floor for sick leave, which only test_settings.py keeps."""
    monkeypatch.setattr(settings, "LEGAL_MINIMUM", {})


@pytest.fixture
def fixture_con(tmp_path):
    """A store holding the hand-computed fixture (tests/employment_fixture.py)."""
    connection = store.connect(tmp_path / "fixture.duckdb")
    employment_fixture.load(connection)
    yield connection
    connection.close()


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A private data folder and key, with every disclosure threshold at 1 (for tests of what
    is read, not of what is shown)."""
    monkeypatch.setenv("PERSONALPANELEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERSONALPANELEN_SECRET_FILE", str(tmp_path / "secret" / "key"))
    for name in ("MIN_CELL", "MIN_N_PERCENTILES", "MIN_N_SICK_LEAVE"):
        monkeypatch.setenv(f"PERSONALPANELEN_{name}", "1")
    return tmp_path


@pytest.fixture
def con(env):
    """An empty store in the private data folder of `env` (a test file may define its own)."""
    connection = store.connect(env / "store.duckdb")
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_con(tmp_path_factory):
    """The demo municipality loaded through the real pipeline, once per test session."""
    from pipelines.load import load_demo

    folder = tmp_path_factory.mktemp("demo_store")
    patch = pytest.MonkeyPatch()
    patch.setenv("PERSONALPANELEN_DATA_DIR", str(folder / "data"))
    patch.setenv("PERSONALPANELEN_SECRET_FILE", str(folder / "key"))
    connection = store.connect(folder / "demo.duckdb")
    report = load_demo(connection)
    assert report.loaded and not report.warnings, report.summary()
    patch.undo()
    yield connection
    connection.close()


@pytest.fixture(scope="session", autouse=True)
def _isolated_installation(tmp_path_factory):
    base = tmp_path_factory.mktemp("installation")
    os.environ.setdefault("PERSONALPANELEN_DATA_DIR", str(base / "data"))
    os.environ.setdefault("PERSONALPANELEN_SECRET_FILE", str(base / "pseudonym.key"))


# Polars' first call of an expression compiles it; on a busy 2-core CI machine that can exceed
# hypothesis' 200 ms default deadline without anything being wrong.
hypothesis_settings.register_profile("personalpanelen", deadline=None)
hypothesis_settings.load_profile("personalpanelen")
