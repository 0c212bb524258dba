"""The raw archive's retention, set by an admin on the Logg page: stored in the store over the
environment's default, audited, and applied at once."""

from __future__ import annotations

import hashlib

import pytest

import settings
import store
from pipelines import lifecycle
from pipelines.load import ingest
from tests import test_app, test_auth
from tests.extracts import csv_bytes, small_extract
from tests.test_auth import as_user, audit_entries, open_page
from ui import roles, texts

# The AppTest fixtures: the fixture store, a private copy of it, and a roles file.
fixture_store, own_store, roles_file = (test_app.fixture_store, test_app.own_store,
                                        test_auth.roles_file)

ADMIN = ("greta", "admin")


def test_a_stored_retention_wins_over_the_environment(env, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_RETENTION_DAYS", "90")
    con = store.connect(env / "store.duckdb")
    assert lifecycle.retention_days(con) == 90
    lifecycle.set_retention(con, 30, ADMIN)
    assert lifecycle.retention_days(con) == 30
    with pytest.raises(ValueError, match="0-3650"):
        lifecycle.set_retention(con, -1, ADMIN)
    assert lifecycle.retention_days(con) == 30
    log = store.audit_log(con)
    assert log.select("user_id", "action", "detail").rows() == [
        ("greta", "setting", "retention_days = 30")]
    con.close()


def test_an_admin_sets_the_retention_and_the_archive_is_purged_under_it(roles_file, own_store):
    from datetime import date

    con = store.connect(own_store)
    data = csv_bytes(small_extract(date(2026, 11, 1), 12))
    assert ingest(con, [("uttag.csv", data)]).loaded
    with store.transaction(con) as cur:  # loaded 40 days ago: kept under 90 days, not 30
        cur.execute("UPDATE load_log SET loaded_at = loaded_at - INTERVAL 40 DAY")
    con.close()
    archived = settings.get().raw_dir / f"{hashlib.sha256(data).hexdigest()}.csv"
    assert archived.exists()

    at = as_user(roles.ADMIN)
    open_page(at, "logg")
    field = at.number_input[0]
    assert field.label == texts.RETENTION_DAYS and field.value == 90
    field.set_value(30)
    next(b for b in at.button if b.label == texts.RETENTION_SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == texts.RETENTION_SAVED.format(days=30, removed=1)
    assert not archived.exists()
    assert ("admin@kommun.se", "admin", "setting", "retention_days = 30") in \
        audit_entries(own_store)


def test_an_analyst_never_sees_the_retention(roles_file, own_store):
    at = as_user(roles.ANALYST)
    open_page(at, "logg")
    assert not at.number_input
    assert texts.RETENTION_HEADER not in [s.value for s in at.subheader]
