"""The inbox (pipelines/inbox.py, `python -m pipelines inbox`): what a scheduled export drops
is loaded as one batch and leaves the inbox; a refused batch is moved aside with its report
and written to the audit log; a file still being written waits for the next run."""

from __future__ import annotations

import os
import time
from datetime import date

import store
from metrics.compute import compute
from pipelines import inbox
from pipelines.__main__ import main
from tests import extracts as ex


def drop(folder, snapshot: date, name: str | None = None, age: float = 120.0, **changes):
    """An extract written into the inbox `age` seconds ago."""
    folder.mkdir(exist_ok=True)
    frame = ex.small_extract(snapshot, 30)
    for column, value in changes.items():
        frame = frame.with_columns(frame[column].scatter(0, value))
    path = folder / (name or f"uttag_{snapshot}.csv")
    path.write_bytes(ex.csv_bytes(frame))
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_the_inbox_loads_what_was_dropped_and_empties(env, capsys):
    folder, db = env / "inkorg", env / "store.duckdb"
    drop(folder, date(2025, 10, 1))
    drop(folder, date(2025, 11, 1))
    (folder / ".hidden.csv").write_text("x")
    (folder / "readme.pdf").write_text("x")
    assert main(["inbox", "--folder", str(folder), "--db", str(db)]) == 0
    assert "Inläst: 60 rader från 2 fil(er)" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == [".hidden.csv", "readme.pdf"]
    con = store.connect(db)
    log = store.load_log(con)
    assert log["source"].to_list() == ["inbox", "inbox"]
    assert set(store.audit_log(con)["action"]) == {"load"}
    assert compute(con, "headcount")["snapshot_date"].to_list()[-1] == date(2025, 11, 1)
    con.close()
    assert main(["inbox", "--folder", str(folder), "--db", str(db)]) == 0
    assert "inga filer att läsa in" in capsys.readouterr().out


def test_a_refused_batch_is_moved_aside_with_its_report_and_audited(env, capsys):
    folder, db = env / "inkorg", env / "store.duckdb"
    good = drop(folder, date(2025, 11, 1))
    bad = drop(folder, date(2025, 10, 1), Sysselsättningsgrad="mycket")
    content = {p.name: p.read_bytes() for p in (good, bad)}
    assert main(["inbox", "--folder", str(folder), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    [moved] = (folder / inbox.REFUSED).iterdir()
    assert f"Filerna flyttades till {moved}" in err
    assert {p.name: p.read_bytes() for p in moved.glob("*.csv")} == content  # nothing lost
    report = (moved / "rapport.txt").read_text(encoding="utf-8")
    assert "Sysselsättningsgrad" in report and "rad 2" in report.lower()
    assert not list(folder.glob("*.csv"))
    con = store.connect(db)
    assert store.load_log(con).is_empty() and store.is_empty(con)
    [entry] = store.audit_log(con).rows(named=True)
    assert entry["action"] == "refuse" and "2 filer avvisades" in entry["detail"]
    con.close()


def test_a_file_still_being_written_waits_for_the_next_run(env, capsys):
    folder, db = env / "inkorg", env / "store.duckdb"
    drop(folder, date(2025, 11, 1), age=1)
    assert main(["inbox", "--folder", str(folder), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert "ändrades nyss" in err and "inga filer" in out
    assert list(folder.glob("*.csv"))
    assert inbox.ready(folder, now=time.time() + inbox.SETTLE_SECONDS)[0]
