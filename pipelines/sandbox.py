"""Workbooks parsed by calamine in a child process with a memory and time limit.

A 5 KB hostile .xlsx makes calamine abort the whole process (stack-notes.md §4.3), and the
dashboard must survive it, so no workbook is ever parsed in the server or CLI process.

The child (`python -m pipelines.sandbox`) loads only fastexcel and pyarrow, never polars, and
answers each workbook with its sheets as Arrow IPC bytes. It can be started ahead of need
(`prestart`): it then loads its libraries while the caller is busy with its own, and waits.
This module imports nothing heavy itself, so a caller can start the child before it imports
polars and DuckDB.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import re
import resource
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

MEMORY_BYTES = 4 * 1024**3
"""Address-space limit of the child (2 GiB is too tight for the Arrow and calamine threads)."""
SECONDS_PER_WORKBOOK = 120

Sheet = tuple[str, bytes, int]
"""(sheet name, Arrow IPC bytes of its cells as text, the Excel row of its first row)."""
Answer = list[Sheet] | str
"""A workbook's visible sheets, or why calamine could not read it."""

SUFFIXES = (".xlsx", ".xlsm")
"""The workbook formats calamine reads for us (.xls and .ods are refused before: read.py)."""

_ROOT = Path(__file__).resolve().parent.parent


class _Child:
    """One child process, and the workbooks it was given before anyone asked (if any)."""

    def __init__(self, workbooks: list[bytes] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.sandbox"], cwd=_ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self.workbooks = workbooks
        self._result: tuple[list[Answer], bool] = ([], False)
        self._thread = None
        if workbooks is not None:
            self._thread = threading.Thread(target=self._answer_ahead, daemon=True)
            self._thread.start()

    def idle(self) -> bool:
        return self.workbooks is None and self.process.poll() is None

    def can_answer(self, workbooks: list[bytes]) -> bool:
        return self.idle() or self.workbooks == workbooks

    def answer(self, workbooks: list[bytes]) -> tuple[list[Answer], bool]:
        if self._thread is None:
            return _communicate(self.process, workbooks)
        self._thread.join()
        return self._result

    def _answer_ahead(self) -> None:
        self._result = _communicate(self.process, self.workbooks)


_spare: _Child | None = None
_spare_lock = threading.Lock()


@atexit.register
def _drop_spare() -> None:
    """A child started ahead that nobody asked (e.g. its workbook was refused before parsing)
    ends with its parent."""
    if _spare is not None:
        _spare.process.kill()


def prestart(workbooks: list[bytes] | None = None) -> None:
    """Have a child ready for the next parse, so that it loads its libraries while the caller
    is busy. Given the workbooks the next parse will ask for (the command line knows its files
    before it has loaded polars and DuckDB), the child starts on them at once."""
    global _spare
    with _spare_lock:
        if workbooks is None and _spare is not None and _spare.idle():
            return
        if _spare is not None:
            _spare.process.kill()
        _spare = _Child(workbooks)


def parse(workbooks: list[bytes]) -> tuple[list[Answer], bool]:
    """One child's answers, in order, and whether it ran out of time. When the child dies
    (calamine aborts on some hostile files) the answers stop before the workbook it died on."""
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
    if child is None or not child.can_answer(workbooks):
        if child is not None:
            child.process.kill()
        child = _Child()
    return child.answer(workbooks)


def _communicate(process: subprocess.Popen, workbooks: list[bytes]) -> tuple[list[Answer], bool]:
    try:
        output, _ = process.communicate(pickle.dumps(workbooks),
                                        timeout=SECONDS_PER_WORKBOOK * len(workbooks))
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return _answers(output), True
    return _answers(output), False


def _answers(output: bytes) -> list[Answer]:
    """The length-prefixed pickles the child wrote, up to where it stopped."""
    answers, position = [], 0
    while position + 8 <= len(output):
        size = int.from_bytes(output[position:position + 8], "big")
        if position + 8 + size > len(output):
            break
        answers.append(pickle.loads(output[position + 8:position + 8 + size]))
        position += 8 + size
    return answers


# --- the child --------------------------------------------------------------------------------

def _child_main() -> None:  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    import fastexcel  # noqa: F401 - loaded before the work arrives (see prestart)
    import pyarrow  # noqa: F401

    request = sys.stdin.buffer.read()
    if not request:  # the parent went away without work
        return
    workbooks = pickle.loads(request)
    # The parent's time limit, again: it holds even when the parent is gone.
    seconds = SECONDS_PER_WORKBOOK * max(1, len(workbooks))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    out = sys.stdout.buffer
    for data in workbooks:
        try:
            answer: Answer = _sheets(data)
        except Exception as exc:  # noqa: BLE001 - calamine errors cannot be pickled
            text = str(exc).strip()
            answer = text.splitlines()[0][:200] if text else type(exc).__name__
        frame = pickle.dumps(answer)
        out.write(len(frame).to_bytes(8, "big") + frame)
        out.flush()
    os._exit(0)  # all is said; freeing calamine's and Arrow's memory would only keep the parent


def _sheets(data: bytes) -> list[Sheet]:  # pragma: no cover - runs in the child process
    import fastexcel
    import pyarrow

    reader = fastexcel.read_excel(data)
    first_rows = _first_rows(data)
    sheets = []
    for index, name in enumerate(reader.sheet_names):
        sheet = reader.load_sheet(index, header_row=None, dtypes="string")
        if sheet.visible != "visible" and len(reader.sheet_names) > 1:
            continue
        batch = sheet.to_arrow()
        sink = pyarrow.BufferOutputStream()
        with pyarrow.ipc.new_file(sink, batch.schema) as writer:
            writer.write_batch(batch)
        sheets.append((name, sink.getvalue().to_pybytes(), first_rows.get(name, 1)))
    return sheets


def _first_rows(data: bytes) -> dict[str, int]:
    """The Excel row of each sheet's first cell with a value (calamine drops leading blank
    rows, and error messages must name the row the user sees)."""
    rows: dict[str, int] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        try:
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        except KeyError:
            return rows
        targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
        for sheet_name, rel_id in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"',
                                             workbook):
            target = targets.get(rel_id, "").lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            try:
                with archive.open(path) as stream:
                    head = stream.read(1 << 16).decode("utf-8", "replace")
            except KeyError:
                continue
            match = _FIRST_VALUE_CELL.search(head)
            if match:
                rows[_unescape(sheet_name)] = int(match.group(1))
    return rows


_FIRST_VALUE_CELL = re.compile(
    r'<c r="[A-Z]+(\d+)"[^>]*?(?<!/)>\s*(?:<f[^>]*>[^<]*</f>\s*)?<(?:v|is)'
)


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


if __name__ == "__main__":
    _child_main()
