"""settings.get: one Settings per environment, read afresh whenever the environment changes."""

from __future__ import annotations

import re
from pathlib import Path

import settings


def test_every_variable_the_settings_read_is_in_the_key():
    """A variable read but not in settings._NAMES would be missed when it changes."""
    source = Path(settings.__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'_env\(\s*"(PERSONALPANELEN_\w+)"', source))
    assert read and read <= set(settings._NAMES)


def test_a_changed_environment_gives_new_settings(monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "7")
    assert settings.get().min_cell_count == 7
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "3")
    assert settings.get().min_cell_count == 3
    monkeypatch.setenv("HOME", "/nowhere")
    monkeypatch.delenv("PERSONALPANELEN_SECRET_FILE", raising=False)
    assert settings.get().secret_path.is_relative_to("/nowhere")
