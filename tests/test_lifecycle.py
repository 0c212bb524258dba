"""The data lifecycle (issue 11): deleting a load restores what it replaced, the raw archive's
retention purge, owner-only file modes, the audit entries of each change, the command line,
and the dashboard's cache key after a delete."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import settings
import store
from metrics import registry
from metrics.compute import compute
from pipelines import lifecycle
from pipelines.__main__ import main
from pipelines.load import ingest
from tests import employment_fixture as fx
from tests import extracts as ex

ADMIN = ("greta", "admin")
CANONICAL = ("employment", "absence_year", "hme_result")


@pytest.fixture
def data(env, monkeypatch):
    """A private data folder whose default store is data/curated's (the app's own folder)."""
    monkeypatch.delenv("PERSONALPANELEN_DB", raising=False)
    monkeypatch.delenv("PERSONALPANELEN_RETENTION_DAYS", raising=False)
    return env


@pytest.fixture
def con(data):
    connection = store.connect()
    yield connection
    connection.close()


def load(con, *files, actor=("anna", "analyst")):
    report = ingest(con, list(files), actor=actor)
    assert report.loaded, [str(f) for f in report.findings]
    return report


def employment_file(snapshot: date, persons: int = 40, first: int = 0, name: str = ""):
    return (name or f"uttag_{snapshot}_{first}.csv",
            ex.csv_bytes(ex.small_extract(snapshot, persons, first)))


def tables(con) -> dict[str, pl.DataFrame]:
    return {table: store.read(con, f"SELECT * FROM {table} ORDER BY ALL") for table in CANONICAL}


def every_metric(con) -> dict[tuple[str, bool], pl.DataFrame]:
    """Every metric's compute(), yearly and (where it has one) monthly."""
    return {(metric.id, monthly): compute(con, metric, monthly=monthly)
            for metric in registry.METRICS.values()
            for monthly in ((False, True) if metric.monthly else (False,))}


def audit(con, action: str | None = None) -> pl.DataFrame:
    frame = store.audit_log(con).sort("logged_at", "action")  # one transaction: one time
    return frame if action is None else frame.filter(pl.col("action") == action)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- deleting a load ---------------------------------------------------------------------------

def test_deleting_the_later_loads_restores_the_earlier_state_exactly(con):
    load(con, ("anstallda.csv", ex.csv_bytes(ex.fixture_employment())),
         ("sjukfranvaro.csv", ex.csv_bytes(ex.fixture_absence())),
         ("hme.csv", ex.csv_bytes(ex.fixture_hme())))
    before_tables, before_metrics = tables(con), every_metric(con)
    assert all(not frame.is_empty() for frame in before_tables.values())

    # The same month on another day, the same absence year and HME year, other values.
    sicker = ex.fixture_absence().with_columns(pl.col("Sjukfrånvaro (tim)") * 2)
    happier = ex.fixture_hme().with_columns(pl.col("HME totalt") - 10)
    report = load(con, employment_file(date(2025, 11, 15), persons=12),
                  ("sjuk_ny.csv", ex.csv_bytes(sicker)), ("hme_ny.csv", ex.csv_bytes(happier)))
    assert report.replaced_dates == [fx.S]
    after_tables, after_metrics = tables(con), every_metric(con)  # (fills compute's cache)
    assert all(not after_tables[t].equals(before_tables[t]) for t in CANONICAL)
    assert sum(not after_metrics[k].equals(before_metrics[k]) for k in before_metrics) > 5

    assert lifecycle.deletable(con) == [4, 5, 6]
    for load_id in (6, 4, 5):  # three tables: each load is the newest of its periods
        lifecycle.delete_load(con, load_id, ADMIN)

    restored = tables(con)
    for table in CANONICAL:
        assert_frame_equal(restored[table], before_tables[table])
    restored_metrics = every_metric(con)
    for key, frame in before_metrics.items():
        assert_frame_equal(restored_metrics[key], frame), key
    for table in CANONICAL:
        assert store.read(con, f"SELECT count(*) AS n FROM {store.REPLACED[table]}")["n"][0] == 0
    assert store.load_log(con)["load_id"].to_list() == [1, 2, 3]
    assert lifecycle.deletable(con) == [1, 2, 3]


def test_deleting_a_first_load_empties_its_period(con):
    load(con, employment_file(fx.PREV))
    load(con, employment_file(fx.S, persons=30))
    deletion = lifecycle.delete_load(con, 2, ADMIN)
    assert deletion.removed == 30 and deletion.restored == {}
    assert "ingen tidigare inläsning" in deletion.summary()
    dates = store.read(con, "SELECT DISTINCT snapshot_date AS d FROM employment")["d"]
    assert dates.to_list() == [fx.PREV]
    assert store.load_log(con)["load_id"].to_list() == [1]
    assert store.read(con, "SELECT load_id FROM load_log ORDER BY 1")["load_id"].to_list() \
        == [1, 2]  # the log keeps the entry
    # A new load gets a new id: ids are never reused.
    load(con, employment_file(fx.S))
    assert store.load_log(con)["load_id"].to_list() == [1, 3]


def test_only_the_newest_load_of_a_period_can_be_deleted(con):
    load(con, employment_file(fx.S, persons=40))
    load(con, employment_file(fx.S, persons=20))
    before = tables(con)
    with pytest.raises(lifecycle.DeleteRefused, match="inläsning 2 har läst in samma period "
                                                      "senare.*ta bort de senare först"):
        lifecycle.delete_load(con, 1, ADMIN)
    with pytest.raises(lifecycle.DeleteRefused, match="Det finns ingen inläsning 9"):
        lifecycle.delete_load(con, 9, ADMIN)
    assert tables(con)["employment"].equals(before["employment"])
    assert audit(con, "delete").is_empty()
    assert lifecycle.deletable(con) == [2]
    lifecycle.delete_load(con, 2, ADMIN)
    with pytest.raises(lifecycle.DeleteRefused, match="Inläsning 2 är redan borttagen"):
        lifecycle.delete_load(con, 2, ADMIN)
    assert store.read(con, "SELECT count(*) AS n FROM employment")["n"][0] == 40
    lifecycle.delete_load(con, 1, ADMIN)
    assert store.is_empty(con)


def test_a_snapshot_split_over_files_of_one_batch_is_deleted_file_by_file(con):
    load(con, employment_file(fx.S, persons=10))
    load(con, employment_file(fx.S, persons=5, first=100), employment_file(fx.S, 5, first=200))
    with pytest.raises(lifecycle.DeleteRefused, match="inläsning 3"):
        lifecycle.delete_load(con, 2, ADMIN)
    assert lifecycle.delete_load(con, 3, ADMIN).restored == {}
    ids = store.read(con, "SELECT employment_id FROM employment ORDER BY 1")["employment_id"]
    assert ids.to_list() == [f"E{i}" for i in range(100, 105)]
    assert lifecycle.delete_load(con, 2, ADMIN).restored == {1: 10}
    assert store.read(con, "SELECT count(*) AS n FROM employment")["n"][0] == 10


def test_a_load_replaced_before_replaced_rows_were_kept_cannot_be_deleted(con):
    load(con, employment_file(fx.S, persons=40))
    load(con, employment_file(fx.S, persons=20))
    with store.transaction(con) as cur:  # as the store of an earlier version left it
        cur.execute("DELETE FROM employment_replaced")
    assert lifecycle.deletable(con) == [2]
    lifecycle.delete_load(con, 2, ADMIN)
    with pytest.raises(lifecycle.DeleteRefused, match="Inläsning 1 .* har inga rader kvar"):
        lifecycle.delete_load(con, 1, ADMIN)
    assert lifecycle.deletable(con) == []
    assert store.load_log(con)["load_id"].to_list() == [1]


def test_a_delete_removes_the_archived_original_unless_another_load_read_it(con):
    raw = settings.get().raw_dir
    name, data = employment_file(fx.S)
    load(con, (name, data))
    load(con, (name, data))  # the same file again: one archived copy, two loads
    archived = raw / f"{hashlib.sha256(data).hexdigest()}.csv"
    assert lifecycle.delete_load(con, 2, ADMIN).archive_removed is False
    assert archived.exists()
    assert lifecycle.delete_load(con, 1, ADMIN).archive_removed is True
    assert not archived.exists()


def test_the_demo_s_files_are_not_archived_as_originals(con):
    """The demo's generated files are kept in their own folder; copied into the archive they
    would be purged as if they were a load of the municipality's, in its audit log."""
    raw = settings.get().raw_dir
    name, data = employment_file(fx.S)
    assert ingest(con, [(name, data)], source="demo").loaded
    assert not raw.exists() or not list(raw.glob("*.csv"))
    load(con, (name, data))
    assert list(raw.glob("*.csv")) == [raw / f"{hashlib.sha256(data).hexdigest()}.csv"]


def test_the_cache_key_changes_after_a_delete(con):
    def headcount() -> list:
        return compute(con, "headcount")["value"].to_list()

    load(con, employment_file(fx.S))
    first = (store.version(con), store.identity(con), headcount())
    load(con, employment_file(fx.S, persons=10))
    second = (store.version(con), store.identity(con), headcount())
    lifecycle.delete_load(con, 2, ADMIN)
    third = (store.version(con), store.identity(con), headcount())
    assert first[0] < second[0] < third[0]
    assert len({first[1], second[1], third[1]}) == 3
    assert third[1] == (str(settings.get().db_path), third[0])
    # compute() caches on the identity: after the delete it counts the restored snapshot.
    assert (first[2], second[2], third[2]) == ([40], [10], [40])


# --- the raw archive's retention ---------------------------------------------------------------

def _aged(path, days: int) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_a_purge_removes_only_expired_files(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_RETENTION_DAYS", "30")
    raw = settings.get().raw_dir
    old_name, old_data = employment_file(fx.PREV)
    new_name, new_data = employment_file(fx.S)
    load(con, (old_name, old_data))
    load(con, (new_name, new_data))
    old = raw / f"{hashlib.sha256(old_data).hexdigest()}.csv"
    new = raw / f"{hashlib.sha256(new_data).hexdigest()}.csv"
    with store.transaction(con) as cur:  # the first load was 31 days ago
        cur.execute("UPDATE load_log SET loaded_at = loaded_at - INTERVAL 31 DAY "
                    "WHERE load_id = 1")
    _aged(new, 400)  # the load log, not the mtime, dates a file the log knows
    stranger_old, stranger_new = raw / f"{'a' * 64}.xlsx", raw / f"{'b' * 64}.csv"
    for path in (stranger_old, stranger_new):  # loaded into another store (--db)
        path.write_bytes(b"x")
    _aged(stranger_old, 31)
    _aged(stranger_new, 29)
    notes = raw / "anteckningar.txt"
    notes.write_text("inte ett arkiverat original")
    _aged(notes, 400)
    demo_file = raw / "demo" / f"{'c' * 64}.csv"
    demo_file.parent.mkdir()
    demo_file.write_bytes(b"x")
    _aged(demo_file, 400)

    assert lifecycle.purge(con, ADMIN) == sorted([stranger_old, old])
    assert not old.exists() and not stranger_old.exists()
    assert new.exists() and stranger_new.exists() and notes.exists() and demo_file.exists()
    entries = audit(con, "purge")
    assert entries.select("user_id", "role", "detail").rows() == [
        ("greta", "admin", "2 filer äldre än 30 dagar borttagna ur råarkivet")]
    assert lifecycle.purge(con, ADMIN) == []  # nothing left to remove: no entry
    assert audit(con, "purge").height == 1
    # 31 days later the newer ones go too; with retention 0 nothing ever does.
    monkeypatch.setenv("PERSONALPANELEN_RETENTION_DAYS", "0")
    assert lifecycle.purge(con, ADMIN, today=date.today() + timedelta(days=400)) == []
    monkeypatch.setenv("PERSONALPANELEN_RETENTION_DAYS", "30")
    assert lifecycle.purge(con, ADMIN, today=date.today() + timedelta(days=31)) \
        == sorted([new, stranger_new])
    assert demo_file.exists() and notes.exists()


def test_the_purge_on_start_runs_once_per_process(con, monkeypatch):
    monkeypatch.setattr(lifecycle, "_STARTED", set())
    monkeypatch.setenv("PERSONALPANELEN_RETENTION_DAYS", "1")
    raw = settings.get().raw_dir
    raw.mkdir(parents=True)
    first, second = raw / f"{'d' * 64}.csv", raw / f"{'e' * 64}.csv"
    first.write_bytes(b"x")
    _aged(first, 5)
    assert lifecycle.purge_on_start(con) == [first]
    second.write_bytes(b"x")
    _aged(second, 5)
    assert lifecycle.purge_on_start(con) == []
    assert second.exists()
    assert audit(con, "purge")["user_id"].to_list() == [lifecycle.SYSTEM_ACTOR[0]]


# --- file modes --------------------------------------------------------------------------------

def test_archive_store_and_key_are_the_owners_only(data):
    old_umask = os.umask(0o022)  # what a default account has
    try:
        con = store.connect()
        load(con, employment_file(fx.S))
        cfg = settings.get()
        archived = next(cfg.raw_dir.glob("*.csv"))
        wal = cfg.db_path.with_name(cfg.db_path.name + ".wal")
        assert mode(cfg.raw_dir) == 0o700 and mode(archived) == 0o400
        assert mode(cfg.db_path.parent) == 0o700 and mode(cfg.db_path) == 0o600
        assert wal.exists() and mode(wal) == 0o600
        assert mode(cfg.secret_path.parent) == 0o700 and mode(cfg.secret_path) == 0o600
        con.close()

        # Files from before are tightened: the store on connect, the archive by the purge,
        # the key when it is read.
        for path, loose in ((cfg.db_path, 0o644), (archived, 0o444), (cfg.raw_dir, 0o755),
                            (cfg.db_path.parent, 0o755), (cfg.secret_path, 0o644)):
            path.chmod(loose)
        con = store.connect()
        lifecycle.purge(con, ADMIN)
        load(con, employment_file(fx.PREV))
        assert mode(cfg.db_path) == 0o600 and mode(cfg.db_path.parent) == 0o700
        assert mode(archived) == 0o400 and mode(cfg.raw_dir) == 0o700
        assert mode(cfg.secret_path) == 0o600
        con.close()
    finally:
        os.umask(old_umask)


def test_a_store_elsewhere_gets_a_private_file_and_leaves_a_shared_folder_alone(env):
    shared = env / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    con = store.connect(shared / "egen.duckdb")
    load(con, employment_file(fx.S))
    assert mode(shared) == 0o755
    assert mode(shared / "egen.duckdb") == 0o600
    assert mode(shared / "egen.duckdb.wal") == 0o600
    con.close()


# --- the audit log -----------------------------------------------------------------------------

def test_the_audit_log_has_one_entry_per_action_with_its_actor(con):
    load(con, employment_file(fx.S, name="nov.csv"), actor=("anna", "analyst"))
    refused = ingest(con, [("trasig.csv", ex.csv_bytes(ex.small_extract(fx.S).drop("Löneform")))],
                     actor=("anna", "analyst"))
    assert not refused.loaded
    load(con, employment_file(date(2025, 11, 20), persons=5, name="nov_igen.csv"),
         actor=("bo", "analyst"))
    lifecycle.delete_load(con, 2, ADMIN)
    log = audit(con).select("user_id", "role", "action", "detail").rows()
    assert [row[:3] for row in log] == [
        ("anna", "analyst", "load"), ("bo", "analyst", "load"), ("bo", "analyst", "replace"),
        ("greta", "admin", "delete")]
    assert log[0][3] == "Inläsning 1: nov.csv, mätdatum 2025-11-01, 40 rader"
    assert log[2][3] == ("Inläsning 2 (nov_igen.csv) ersatte mätdatum 2025-11-01 från "
                         "inläsning 1 (40 rader)")
    assert log[3][3].startswith("Inläsning 2 (nov_igen.csv, 2025-11-20) är borttagen: 5 rader")


def test_a_load_that_fails_while_writing_leaves_no_audit_entry(con, monkeypatch):
    from pipelines import load as load_module

    def broken(*args):
        raise OSError("disken är full")

    monkeypatch.setattr(load_module, "_archive", broken)
    with pytest.raises(OSError):
        ingest(con, [employment_file(fx.S)])
    assert audit(con).is_empty() and store.is_empty(con)


# --- the command line --------------------------------------------------------------------------

def test_cli_delete_and_purge(env, monkeypatch, capsys):
    db = env / "cli.duckdb"
    files = []
    for snapshot, persons in ((fx.S, 40), (fx.S, 10)):
        path = env / f"uttag_{persons}.csv"
        path.write_bytes(ex.csv_bytes(ex.small_extract(snapshot, persons)))
        files.append(path)
        assert main(["ingest", str(path), "--db", str(db)]) == 0
    capsys.readouterr()

    assert main(["delete", "1", "--db", str(db)]) == 1
    assert "kan inte tas bort" in capsys.readouterr().err
    assert main(["delete", "2", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Inläsning 2 (uttag_10.csv, 2025-11-01) är borttagen: 10 rader" in out
    assert "40 rader från inläsning 1" in out

    monkeypatch.setenv("PERSONALPANELEN_RETENTION_DAYS", "30")
    assert main(["purge", "--db", str(db)]) == 0
    assert "Inga filer i råarkivet är äldre än 30 dagar" in capsys.readouterr().out
    archived = next(settings.get().raw_dir.glob("*.csv"))
    con = store.connect(db)
    with store.transaction(con) as cur:
        cur.execute("UPDATE load_log SET loaded_at = loaded_at - INTERVAL 40 DAY")
    con.close()
    assert main(["purge", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Tog bort 1 fil äldre än 30 dagar" in out and archived.name in out

    con = store.connect(db)
    actors = audit(con).select("user_id", "role", "action").rows()
    con.close()
    assert [a for _, _, a in actors] == ["load", "load", "replace", "delete", "purge"]
    assert all(user.startswith("cli:") and role == "admin" for user, role, _ in actors)


def test_cli_cannot_run_on_a_locked_store(env):
    db = env / "låst.duckdb"
    holder = store.connect(db)  # this process holds the store, as the dashboard would
    try:
        environment = {**os.environ, "PERSONALPANELEN_DATA_DIR": str(env / "data"),
                       "PERSONALPANELEN_SECRET_FILE": str(env / "key"),
                       "PERSONALPANELEN_MIN_N_SICK_LEAVE": "11",  # the law's, outside pytest
                       "PERSONALPANELEN_STORE_WAIT_SECONDS": "1"}
        for args in (["delete", "1"], ["purge"]):
            result = subprocess.run([sys.executable, "-m", "pipelines", *args, "--db", str(db)],
                                    capture_output=True, text=True, env=environment)
            assert result.returncode == 2, result.stderr
            assert "används av en annan process" in result.stderr
            assert "blev inte ledig på 1 s" in result.stderr
            assert "Traceback" not in result.stderr
    finally:
        holder.close()


def test_the_store_has_a_memory_limit(env, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MEMORY_LIMIT", "1GB")
    con = store.connect(env / "limited.duckdb")
    limit = store.read(con, "SELECT current_setting('memory_limit') AS m")["m"][0]
    con.close()
    assert limit == "953.6 MiB"  # 1 GB as DuckDB writes it


def test_a_command_has_its_own_memory_limit(env, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MEMORY_LIMIT", "50%")
    monkeypatch.setenv("PERSONALPANELEN_COMMAND_MEMORY_LIMIT", "2GB")
    limits = []
    for connect in (store.connect, store.connect_command):
        con = connect(env / "limited.duckdb")
        limits.append(store.read(con, "SELECT current_setting('memory_limit') AS m")["m"][0])
        con.close()
    assert limits[1] == "1.8 GiB" and limits[0] != limits[1]  # 2 GB as DuckDB writes it


def test_a_setting_below_the_law_is_refused_with_a_message(env):
    environment = {**os.environ, "PERSONALPANELEN_DATA_DIR": str(env / "data"),
                   "PERSONALPANELEN_SECRET_FILE": str(env / "key"),
                   "PERSONALPANELEN_MIN_N_SICK_LEAVE": "8"}
    result = subprocess.run([sys.executable, "-m", "pipelines", "purge", "--db",
                             str(env / "store.duckdb")],
                            capture_output=True, text=True, env=environment)
    assert result.returncode == 2
    assert "PERSONALPANELEN_MIN_N_SICK_LEAVE får inte vara lägre än 11" in result.stderr
    assert "Traceback" not in result.stderr
