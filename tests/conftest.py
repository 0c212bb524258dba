"""Keep every test away from the real data folder and the real pseudonym key."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_installation(tmp_path_factory):
    base = tmp_path_factory.mktemp("installation")
    os.environ.setdefault("PERSONALPANELEN_DATA_DIR", str(base / "data"))
    os.environ.setdefault("PERSONALPANELEN_SECRET_FILE", str(base / "pseudonym.key"))
