"""settings.get: one Settings per environment, read afresh whenever the environment changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import settings
from tests.conftest import LAW


def test_every_variable_the_settings_read_is_in_the_key():
    """A variable read but not in settings._NAMES would be missed when it changes."""
    source = Path(settings.__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'_env\(\s*"(PERSONALPANELEN_\w+)"', source))
    read |= {f"PERSONALPANELEN_{name}"
             for name in re.findall(r'_(?:threshold|minutes|flag)\(\s*"(\w+)"', source)}
    assert read and read <= set(settings._NAMES)


def test_a_changed_environment_gives_new_settings(monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "7")
    assert settings.get().min_cell_count == 7
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "3")
    assert settings.get().min_cell_count == 3
    monkeypatch.setenv("HOME", "/nowhere")
    monkeypatch.delenv("PERSONALPANELEN_SECRET_FILE", raising=False)
    assert settings.get().secret_path.is_relative_to("/nowhere")


def test_sick_leave_is_never_shown_for_ten_or_fewer(monkeypatch):
    # The law: no sick-leave figure for a group of at most ten employees.
    monkeypatch.setattr(settings, "LEGAL_MINIMUM", LAW)
    settings._settings.cache_clear()
    monkeypatch.delenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", raising=False)
    assert settings.get().min_n_sick_leave == 11
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "15")
    assert settings.get().min_n_sick_leave == 15  # stricter is allowed
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_SICK_LEAVE", "10")
    with pytest.raises(ValueError, match="får inte vara lägre än 11"):
        settings.get()


def test_each_class_can_be_made_stricter_on_its_own(monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "6")
    monkeypatch.delenv("PERSONALPANELEN_MIN_N_PAY", raising=False)
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_MOVEMENT", "8")
    cfg = settings.get()
    assert (cfg.min_cell_count, cfg.min_n_pay, cfg.min_n_movement) == (6, 6, 8)
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PAY", "noll")
    with pytest.raises(ValueError, match="PERSONALPANELEN_MIN_N_PAY ska vara ett heltal"):
        settings.get()


def test_a_login_lasts_an_hour_unless_set(monkeypatch):
    monkeypatch.delenv("PERSONALPANELEN_LOGIN_MINUTES", raising=False)
    assert settings.get().login_minutes == 60
    monkeypatch.setenv("PERSONALPANELEN_LOGIN_MINUTES", "15")
    assert settings.get().login_minutes == 15
    for bad in ("0", "-5", "en timme", "1.5"):
        monkeypatch.setenv("PERSONALPANELEN_LOGIN_MINUTES", bad)
        with pytest.raises(settings.SettingsError, match="PERSONALPANELEN_LOGIN_MINUTES ska"):
            settings.get()


def test_anonymous_network_service_is_off_unless_set_to_1(monkeypatch):
    monkeypatch.delenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", raising=False)
    assert settings.get().allow_anonymous_network is False
    monkeypatch.setenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", "1")
    assert settings.get().allow_anonymous_network is True
    monkeypatch.setenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", "0")
    assert settings.get().allow_anonymous_network is False
    monkeypatch.setenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", "ja")
    with pytest.raises(settings.SettingsError, match="ska vara 1 \\(på\\) eller 0"):
        settings.get()
