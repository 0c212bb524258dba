"""Personalpanelen's server: app.py behind a guard (issue 25). Run with
`uv run streamlit run serve.py` (the same options as app.py: --server.port and so on).

Streamlit 1.67 cannot be told, by any option, to do what the guard does in front of its
routes:

- security headers on every answer: no page of the dashboard in another site's frame
  (X-Frame-Options, CSP frame-ancestors), no MIME sniffing, no referrer to other sites;
- /_stcore/metrics answers 404 (it is public in Streamlit, with no option to close it);
- an upload (PUT /_stcore/upload_file/<session>/<file>) is refused with 403 before its body is
  read, unless that session has drawn a file uploader, which only a user whose role may upload
  ever sees (ui/uploads.py keeps the list). Streamlit itself keeps any file sent to any live
  session, logged in or not;
- with login configured, a download (/media/...) is given only to a browser with a valid,
  unexpired login cookie: Streamlit serves its URLs to anyone who has one.

And at its start it says in the log whether it serves without login on the network
(ui/auth.py), and every minute it drops the uploaded files of sessions that have ended
(ui/uploads.py: Streamlit 1.67 keeps them otherwise).

`streamlit run app.py` still works (the tests run it so), without the guard: on a server, run
this file (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    # Only what does not stop Streamlit's own page (inline styles, blob: workers, websockets).
    "Content-Security-Policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_METRICS = re.compile(r"(?:/.*)?/_stcore/metrics/?")
_UPLOAD = re.compile(r"(?:/.*)?/_stcore/upload_file/([^/]+)/[^/]+")
_MEDIA = re.compile(r"(?:/.*)?/media/.+")


class Guard:
    """ASGI middleware in front of every Streamlit route (see the module's text)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the websocket: Streamlit's own origin checks
            await self.app(scope, receive, send)
            return
        status = refusal(scope["method"], scope["path"], _header(scope, b"cookie"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        if status is None:
            await self.app(scope, receive, send_with_headers)
            return
        await send_with_headers({"type": "http.response.start", "status": status,
                                 "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await send_with_headers({"type": "http.response.body", "body": b""})


def refusal(method: str, path: str, cookies: str) -> int | None:
    """The status a request is refused with, or None to let it through."""
    from ui import auth, uploads  # here: ui.data's caches need the runtime, not there yet

    if _METRICS.fullmatch(path):
        return 404
    upload = _UPLOAD.fullmatch(path)
    if method == "PUT" and upload and not uploads.may_upload(upload[1]):
        return 403
    if method in ("GET", "HEAD") and _MEDIA.fullmatch(path) and not auth.may_download(cookies):
        return 403
    return None


def _header(scope: Scope, name: bytes) -> str:
    return b"; ".join(v for k, v in scope["headers"] if k.lower() == name).decode("latin-1")


SWEEP_SECONDS = 60
_log = logging.getLogger("personalpanelen")


async def _sweep_uploads() -> None:
    from ui import uploads

    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:  # Streamlit's internals (uploads.drop_orphaned_files): a failure must not end it
            dropped = uploads.drop_orphaned_files()
        except Exception:
            _log.exception("could not drop the uploads of sessions that have ended")
            continue
        if dropped:
            _log.warning("dropped %d bytes of uploads from sessions that have ended", dropped)


@contextlib.asynccontextmanager
async def lifespan(_app):
    from ui import auth

    auth.log_at_start()
    sweeper = asyncio.create_task(_sweep_uploads())
    try:
        yield None
    finally:
        sweeper.cancel()


app = st.App("app.py", middleware=[Middleware(Guard)], lifespan=lifespan)
