"""The command line beside the running dashboard (issue 22, ui/leases.py): the dashboard holds
a store only while page runs use it, a command waits for it (bounded, with a Swedish message)
and announces that it waits, and the dashboard's next run sees what the command wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

import store
from pipelines.load import ingest
from tests import extracts as ex
from tests.test_app import fixture_store, own_store  # noqa: F401  (the AppTest fixtures)
from ui import leases

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(leases, "GRACE_SECONDS", 0.5)
    yield
    leases.close_all()


def command(args: list[str], wait: int = 30) -> subprocess.Popen:
    """`python -m ARGS` in a process of its own, with the test's data folder and key (the
    fixtures set them in the environment)."""
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("PERSONALPANELEN_MIN_")}  # the law's, outside pytest
    environment["PERSONALPANELEN_STORE_WAIT_SECONDS"] = str(wait)
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def extract_file(folder: Path, snapshot: date) -> Path:
    path = folder / f"uttag_{snapshot}.csv"
    path.write_bytes(ex.csv_bytes(ex.small_extract(snapshot, 30)))
    return path


class Run:
    """A page run holding a lease on the store until it is told to end."""

    def __init__(self, path: str) -> None:
        self.leased = threading.Event()
        self.end = threading.Event()
        self.versions: list[int] = []
        self.thread = threading.Thread(target=self._run, args=(path,))
        self.thread.start()
        assert self.leased.wait(30)

    def _run(self, path: str) -> None:
        con = leases.lease(path)
        self.versions.append(store.version(con))
        self.leased.set()
        self.end.wait(60)

    def finish(self) -> None:
        self.end.set()
        self.thread.join()


def test_a_store_no_run_holds_closes_after_the_grace(env):
    path = str(env / "store.duckdb")
    run = Run(path)
    time.sleep(0.8)
    assert leases.is_open(path)  # held while the run lives, past the grace
    run.finish()
    time.sleep(0.3)
    assert leases.is_open(path)  # the grace: a click reuses it
    deadline = time.monotonic() + 5
    while leases.is_open(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leases.is_open(path)


def test_a_command_waits_for_the_run_then_loads_and_the_next_run_sees_it(env, tmp_path):
    db = env / "store.duckdb"
    con = store.connect(db)
    assert ingest(con, [("first.csv", ex.csv_bytes(ex.small_extract(date(2024, 11, 1))))]).loaded
    con.close()
    run = Run(str(db))
    load = command(["pipelines", "ingest", str(extract_file(tmp_path, date(2025, 11, 1))),
                    "--db", str(db)])
    deadline = time.monotonic() + 30
    while not store.someone_waits(db) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.someone_waits(db)  # the command waits, and says so to the dashboard
    later = threading.Thread(target=lambda: Run(str(db)).finish())
    later.start()  # a new run meanwhile waits for the command rather than hold it off
    time.sleep(0.3)
    run.finish()  # the page run ends: the store is let go at once, not after the grace
    out, err = load.communicate(timeout=60)
    assert load.returncode == 0, err
    assert "Väntar på databasen" in err
    later.join(30)
    assert not store.waiting_file(db).exists()
    after = Run(str(db))
    after.finish()
    assert after.versions[0] > run.versions[0]  # the next run reads the new version
    con = leases.lease(str(db))  # (this thread, the test's own)
    assert sorted(d.isoformat() for d in store.filter_values(con)[1]) == [
        "2024-11-01", "2025-11-01"]


def test_a_command_gives_up_after_the_wait_with_a_message(env, tmp_path):
    db = env / "store.duckdb"
    store.connect(db).close()
    run = Run(str(db))
    try:
        started = time.monotonic()
        load = command(["pipelines", "ingest", str(extract_file(tmp_path, date(2025, 11, 1))),
                        "--db", str(db)], wait=1)
        _, err = load.communicate(timeout=60)
    finally:
        run.finish()
    assert load.returncode == 2
    assert "blev inte ledig på 1 s" in err and "Traceback" not in err
    assert time.monotonic() - started < 20
    assert not store.waiting_file(db).exists()


def test_metrics_compute_runs_beside_the_dashboard(own_store, tmp_path):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.sidebar.select_slider[0].options if at.sidebar.select_slider else []
    compute = command(["metrics", "compute", "headcount", "--db", str(own_store)])
    out, err = compute.communicate(timeout=120)
    assert compute.returncode == 0, err
    assert out.startswith("metric_id") or "headcount" in out
    load = command(["pipelines", "ingest", str(extract_file(tmp_path, date(2027, 11, 1))),
                    "--db", str(own_store)])
    _, err = load.communicate(timeout=120)
    assert load.returncode == 0, err
    at.run()  # the dashboard shows the new snapshot without a restart
    assert not at.exception, [e.value for e in at.exception]
    assert "2027-11-01" in at.sidebar.select_slider[0].options
    assert "2027-11-01" not in shown


def test_a_download_clicked_after_its_run_ended_borrows_the_store(own_store, monkeypatch):  # noqa: F811
    """A download's data is built when its button is clicked, perhaps minutes after the run
    that drew the button ended and the store closed: it borrows the store for the build."""
    import io

    import openpyxl

    from ui import auth, roles

    monkeypatch.setattr(auth, "current", lambda: auth.User("ann@kommun.se", "Ann",
                                                           roles.ANALYST))
    made, built = {}, {}

    def page_run() -> None:
        made["download"] = auth.metrics_download(["headcount"], "x.xlsx", forvaltningar=None,
                                                 publication=True)

    def closed() -> bool:
        deadline = time.monotonic() + 5
        while leases.is_open(str(own_store)) and time.monotonic() < deadline:
            time.sleep(0.05)
        return not leases.is_open(str(own_store))

    run = threading.Thread(target=page_run)
    run.start()
    run.join()
    assert closed()  # the run ended and its grace passed
    click = threading.Thread(target=lambda: built.update(content=made["download"]()))
    click.start()  # a server thread, no page run
    click.join()
    assert "Antal anställda" in openpyxl.load_workbook(io.BytesIO(built["content"])).sheetnames
    assert closed()  # let go after the build
