"""The inbox: a folder that the payroll system's scheduled export (or a person) drops extracts
into, loaded by `python -m pipelines inbox`, which a timer runs (docs/operations.md).

The files ready in the folder are loaded as one batch, as `ingest` loads them: every file
checked, all loaded or none. A loaded file leaves the inbox (its original is kept read-only in
the raw archive, as every load's). A refused batch is moved, untouched, into a dated folder
under `avvisade/`, with `rapport.txt` beside it (the findings, by file, row and column), and
the refusal is written to the audit log; nothing is lost and the next run does not try it
again. A file changed in the last SETTLE_SECONDS is left for the next run: it may still be
being written. Hidden files and files of other kinds are left alone.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

import store
from pipelines import sandbox
from pipelines.findings import IngestReport
from pipelines.load import Actor, ingest

SETTLE_SECONDS = 60.0
"""A file changed more recently than this may still be being written: left for the next run."""
REFUSED = "avvisade"
"""The inbox's folder of refused batches, one dated folder each."""
KINDS = {*sandbox.SUFFIXES, ".csv", ".txt"}
"""The files the inbox loads: the kinds the upload page takes."""


@dataclass
class InboxRun:
    report: IngestReport | None
    """The batch's report; None when no file was ready."""
    files: list[Path] = field(default_factory=list)
    """The files loaded or refused."""
    settling: list[Path] = field(default_factory=list)
    """Files left for the next run: changed too recently."""
    refused_to: Path | None = None
    """Where a refused batch was moved."""


def ready(folder: Path, now: float | None = None) -> tuple[list[Path], list[Path]]:
    """The files of the inbox to load now, and those still settling, by name."""
    now = time.time() if now is None else now
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() in KINDS) if folder.is_dir() else []
    settling = [p for p in found if now - p.stat().st_mtime < SETTLE_SECONDS]
    return [p for p in found if p not in settling], settling


def take(con: duckdb.DuckDBPyConnection, folder: Path, actor: Actor,
         now: float | None = None) -> InboxRun:
    """Load the inbox's ready files as one batch (see the module docstring)."""
    store.private_dir(folder)
    files, settling = ready(folder, now)
    if not files:
        return InboxRun(None, [], settling)
    report = ingest(con, files, source="inbox", actor=actor)
    run = InboxRun(report, files, settling)
    if report.loaded:
        for path in files:
            path.unlink()
        return run
    stamp = datetime.now().strftime("%Y-%m-%d_%H%M%S")
    run.refused_to = store.private_dir(folder / REFUSED) / stamp
    run.refused_to.mkdir(mode=0o700)
    for path in files:
        shutil.move(path, run.refused_to / path.name)
    lines = [report.summary(), *(str(f) for f in report.findings)]
    (run.refused_to / "rapport.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with store.transaction(con) as cur:
        store.audit(cur, *actor, "refuse",
                    f"Inkorgen: {len(files)} {'fil' if len(files) == 1 else 'filer'} avvisades "
                    f"({', '.join(report.files)}), {report.counts()[0]} fel; flyttade till "
                    f"{REFUSED}/{stamp}")
    return run
