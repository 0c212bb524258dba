"""st.file_uploader in Swedish.

Streamlit 1.67 writes the uploader's own texts in English in its frontend, with no parameter to
change them (streamlit/streamlit#13500 asks for one): the button "Upload", the line "50MB per
file • XLSX, CSV", "Drag and drop files here" while a file is dragged over it, and each chosen
file's size as "115.0KB". So a page asks for its uploader here: a style sheet (st.html with
only a <style>, which takes no room on the page) hides those texts in that one uploader, keyed
by its `st-key-<key>` class, and writes Swedish ones in their place; a caption under it names
the chosen files with their sizes as Swedes write them ("115 kB").

What stays English is what CSS cannot reach: the error tooltip on a file the browser refused
("File must be 50.0MB or smaller."; the Swedish line says the limit), and labels only a screen
reader reads ("Add files", "Remove <file>").

Streamlit keeps any file sent to its upload endpoint for any live session, logged in or not,
with or without an uploader. So this module also lists the sessions that have drawn an
uploader (only a page the user's role may open draws one), and serve.py's guard refuses an
upload for any other session before a byte is kept (issue 25).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from pipelines.personnummer import mask_personnummer
from ui import numbers, plain, texts

_uploading: set[str] = set()
"""The ids of the sessions that have drawn a file uploader."""
_uploading_lock = threading.Lock()


def _active(session_id: str) -> bool:
    return not Runtime.exists() or Runtime.instance().is_active_session(session_id)


def _allow_this_session() -> None:
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return
    with _uploading_lock:
        if len(_uploading) >= 256:  # forget the sessions that have ended
            _uploading.difference_update([s for s in _uploading if not _active(s)])
        _uploading.add(ctx.session_id)


def may_upload(session_id: str) -> bool:
    """Whether the server may take a file for the session: only if it is live and has drawn
    a file uploader."""
    with _uploading_lock:
        listed = session_id in _uploading
    return listed and _active(session_id)


def drop_orphaned_files() -> int:
    """Drop the uploaded files of sessions that have ended; the bytes dropped. Streamlit 1.67
    forgets a session that stayed disconnected past server.disconnectedSessionTTL without
    shutting it down, so its files stayed in memory until the server stopped (the probe: 180 MB
    held 4 minutes after the tab closed). serve.py calls this every minute. Reads Streamlit's
    session list and file store (internal in 1.67: check them when Streamlit is upgraded)."""
    if not Runtime.exists():
        return 0
    runtime = Runtime.instance()
    manager = runtime.uploaded_file_mgr
    files = getattr(manager, "file_storage", None)
    sessions = getattr(runtime, "_session_mgr", None)
    if files is None or sessions is None:
        return 0
    live = {info.session.id for info in sessions.list_sessions()}  # active or resumable
    dropped = 0
    for session_id in [s for s in list(files) if s not in live]:
        dropped += sum(len(f.data) for f in files.get(session_id, {}).values())
        manager.remove_session_files(session_id)
    return dropped


def size_text(size: int) -> str:
    """A file's size as Swedes write it: '512 byte', '223 kB', '1,2 MB' (1 kB = 1 000 byte)."""
    if size < 1000:
        return f"{size}{numbers.NBSP}byte"
    if size < 999_500:
        return f"{numbers.number(size / 1000)}{numbers.NBSP}kB"
    return f"{numbers.number(size / 1_000_000, 1)}{numbers.NBSP}MB"


def _css_string(text: str) -> str:
    if "<" in text:
        raise ValueError("a style sheet's text cannot hold '<'")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _replace(selector: str, text: str, size: str) -> str:
    """Hide the element's own text (from screen readers too) and show `text` instead, in the
    element's colour."""
    return (f"{selector} {{visibility: hidden; font-size: 0;}}\n"
            f"{selector}::after {{content: {_css_string(text)}; visibility: visible; "
            f"font-size: {size};}}\n")


def style_sheet(key: str, types: list[str], max_mb: int, multiple: bool) -> str:
    """The <style> that puts the uploader keyed `key` in Swedish."""
    zone = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    limits = texts.UPLOADER_LIMITS.format(mb=max_mb, types=", ".join(f".{t}" for t in types))
    return "<style>\n" + "".join([
        _replace(f'{zone} [data-testid="stBaseButton-secondary"] p',
                 texts.UPLOADER_BROWSE if multiple else texts.UPLOADER_BROWSE_ONE, "0.875rem"),
        _replace(f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span', limits,
                 "0.875rem"),
        # While a file is dragged over the zone: the box right after the hidden <input>
        # (with files chosen, the chips' box comes after it).
        _replace(f'{zone} > input + div:not(:has([data-testid="stFileChips"])) > span',
                 texts.UPLOADER_DROP, "1rem"),
        # The size under each chosen file's name: the caption below gives it in Swedish.
        f'{zone} [data-testid="stFileChipName"] + div {{display: none;}}\n',
    ]) + "</style>"


def file_uploader(label: str, types: list[str], *, key: str, max_mb: int,
                  multiple: bool = False, help: str | None = None,
                  on_change: Callable[[], None] | None = None):
    """st.file_uploader (the same value: a file, a list of them or None) with Swedish texts,
    and under it the chosen files with their sizes (a personnummer in a name masked, as the
    load report does)."""
    _allow_this_session()
    st.html(style_sheet(key, types, max_mb, multiple))
    value = st.file_uploader(label, type=types, accept_multiple_files=multiple, key=key,
                             help=help, max_upload_size=max_mb, on_change=on_change)
    chosen = value if multiple else [value] if value is not None else []
    if chosen:
        st.caption(texts.UPLOADER_CHOSEN.format(files=", ".join(
            f"{plain.md(mask_personnummer(f.name))} ({size_text(f.size)})" for f in chosen)))
    return value
