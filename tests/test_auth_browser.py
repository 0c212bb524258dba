"""A real login: oidc-provider-mock as the OIDC provider, `streamlit run` with an [auth] section
pointing at it, and a real browser (Playwright driving Debian's chromium) logging in as the
committee (viewer), an analyst and an admin, each seeing exactly what the role may.

The server runs on the hand-computed fixture store (tests/employment_fixture.py), so no demo
load is waited for; its secrets file and roles file are written under the test's tmp folder.
It runs serve.py, as a server should, so the guard in front of Streamlit (security headers,
closed metrics, uploads and downloads only for the sessions and logins they belong to) is
tested here against the real thing (issue 25).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import store
from tests import axe_checks, employment_fixture
from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS, _free_port, _wait_for_app
from ui import navigation, roles, sitemap, texts

ROOT = Path(__file__).resolve().parents[1]
PROVIDER = Path(sys.executable).with_name("oidc-provider-mock")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]

USERS = {  # sub -> the claims the provider puts in the id token
    "nils": {"email": "nils@kommun.se", "name": "Nils Nämnd", "groups": ["personalutskottet"]},
    "ann": {"email": "ann@kommun.se", "name": "Ann Analytiker", "groups": ["hr-analytiker"]},
    "ada": {"email": "ada@kommun.se", "name": "Ada Admin", "groups": []},
    "olle": {"email": "olle@kommun.se", "name": "Olle Okänd", "groups": ["andra"]},
}
ROLES_TOML = """
[admin]
emails = ["ada@kommun.se"]

[analyst]
groups = ["hr-analytiker"]

[viewer]
groups = ["personalutskottet"]
"""
TITLES = {spec.url_path: spec.title for spec in sitemap.ALL_PAGES}
VIEWER_PAGES = [p.url_path for p in sitemap.PAGES if p.role == roles.VIEWER]
ANALYST_PAGES = [p.url_path for p in sitemap.PAGES]


def _start(command: list[str], env: dict, ready_url: str, log_path: Path) -> subprocess.Popen:
    """Start a server process and wait until `ready_url` answers."""
    log = open(log_path, "w")  # noqa: SIM115 - the process writes to it until it ends
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(ready_url, timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.kill()
    pytest.fail(f"{command[0]} did not start:\n" + log_path.read_text())


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oidc")
    port = _free_port()
    claims = [arg for sub, user in USERS.items()
              for arg in ("--user-claims", json.dumps({"sub": sub, **user}))]
    proc = _start([str(PROVIDER), "--port", str(port), *claims], dict(os.environ),
                  f"http://localhost:{port}/.well-known/openid-configuration",
                  tmp / "provider.log")
    yield f"http://localhost:{port}"
    _stop(proc)


@pytest.fixture(scope="module")
def server(provider, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("auth_browser")
    db = tmp / "data" / "curated" / "store.duckdb"
    con = store.connect(db)
    employment_fixture.load(con)
    con.close()
    port = _free_port()
    url = f"http://localhost:{port}"
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{"k" * 48}"\n'
        'client_id = "personalpanelen"\n'
        'client_secret = "hemligt"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    roles = tmp / "roles.toml"
    roles.write_text(ROLES_TOML, encoding="utf-8")
    env = {**os.environ,
           "PERSONALPANELEN_DATA_DIR": str(tmp / "data"),
           "PERSONALPANELEN_DB": str(db),
           "PERSONALPANELEN_SECRET_FILE": str(tmp / "secret.key"),
           "PERSONALPANELEN_ROLES_FILE": str(roles)}
    proc = _start(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "localhost",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--secrets.files", str(secrets)],
        env, f"{url}/_stcore/health", tmp / "server.log")
    yield url
    _stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _log_in(browser, server: str, sub: str):
    """A fresh browser session (its own cookies) logged in as `sub`, on the overview."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="sv-SE")
    page = context.new_page()
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())  # the mock's CSS
    page.goto(server)
    _wait_for_app(page)
    page.get_by_role("button", name=texts.LOGIN_BUTTON).click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{server}/**", timeout=30_000)
    _wait_for_app(page)
    return page


MENU = f".st-key-{navigation.MENU_KEY}"  # the sidebar's menu of pages (ui/navigation.py)


def _nav_titles(page) -> list[str]:
    nav = page.locator(MENU)
    nav.get_by_role("link").first.wait_for(timeout=60_000)
    links = nav.get_by_role("link").all_inner_texts()
    return [link.split("\n")[-1].strip() for link in links]  # the title after the icon


def _open(page, server: str, url_path: str) -> None:
    page.goto(f"{server}/{url_path}")
    _wait_for_app(page)


def _refused(page) -> None:
    page.get_by_text("Den här sidan är inte tillgänglig för din roll").wait_for(timeout=60_000)
    assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
    assert page.get_by_test_id("stDownloadButton").count() == 0


def test_without_login_only_the_login_screen_shows(server, browser):
    page = browser.new_page()
    for url_path in ("", "ladda-upp", "logg"):
        _open(page, server, url_path)
        page.get_by_role("button", name=texts.LOGIN_BUTTON).wait_for(timeout=60_000)
        assert page.locator(MENU).count() == 0
        assert page.get_by_test_id("stPlotlyChart").count() == 0
        assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
        assert not axe_checks.violations(page)  # WCAG 2.1 AA on the login screen too
    page.close()


def test_the_committee_sees_the_indicators_in_publication_mode_only(server, browser):
    page = _log_in(browser, server, "nils")
    page.get_by_text("Inloggad: Nils Nämnd (läsare)").wait_for(timeout=60_000)
    assert _nav_titles(page) == [TITLES[p] for p in VIEWER_PAGES]
    toggle = page.get_by_role("switch", name=texts.FILTER_PUBLICATION)
    assert toggle.is_checked() and toggle.is_disabled()
    page.get_by_text(texts.PUBLICATION_ON).first.wait_for(timeout=60_000)
    assert "fixture" not in page.evaluate("() => document.body.innerText")  # no file name

    _open(page, server, "heltid")
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
    # only each indicator's own Excel (publication mode, without the loaded files)
    buttons = page.get_by_test_id("stDownloadButton")
    # rendered after the chart, in the Tabell tab (hidden until chosen)
    buttons.first.wait_for(state="attached", timeout=60_000)
    assert all(texts.DOWNLOAD_METRIC in t for t in buttons.all_text_contents())
    for url_path in ("ladda-upp", "exportera", "katalog", "kolada", "logg"):  # typed URLs
        _open(page, server, url_path)
        _refused(page)
    page.context.close()


def test_an_analyst_uploads_and_exports_but_does_not_read_the_log(server, browser):
    page = _log_in(browser, server, "ann")
    page.get_by_text("Inloggad: Ann Analytiker (analytiker)").wait_for(timeout=60_000)
    assert _nav_titles(page) == [TITLES[p] for p in ANALYST_PAGES]
    assert not page.get_by_role("switch", name=texts.FILTER_PUBLICATION).is_disabled()
    _open(page, server, "ladda-upp")
    page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached",
                                                               timeout=60_000)
    _open(page, server, "exportera")
    page.get_by_test_id("stDownloadButton").first.wait_for(timeout=60_000)
    _open(page, server, "logg")
    _refused(page)
    page.context.close()


def test_an_admin_reads_the_audit_log_with_a_refused_login(server, browser):
    page = _log_in(browser, server, "olle")  # logged in, but no role
    page.get_by_text("men har ingen roll i Personalpanelen").wait_for(timeout=60_000)
    assert page.locator(MENU).count() == 0
    page.context.close()

    page = _log_in(browser, server, "ada")
    assert _nav_titles(page) == [TITLES[p.url_path] for p in sitemap.ALL_PAGES]
    _open(page, server, "logg")
    page.get_by_role("heading", name=TITLES["logg"]).wait_for(timeout=60_000)
    page.get_by_test_id("stDownloadButton").first.wait_for(timeout=60_000)
    # the grid draws on a canvas; its accessible cells carry the values
    for address in ("ada@kommun.se", "olle@kommun.se"):
        page.get_by_text(address, exact=True).first.wait_for(state="attached",
                                                             timeout=10_000)
    page.get_by_text(texts.AUDIT_REFUSED, exact=True).first.wait_for(state="attached",
                                                                     timeout=10_000)
    page.context.close()


# --- the guard in front of Streamlit (serve.py, issue 25) ---------------------------------------


def _status(url: str) -> int:
    """The status of a bare GET (no cookie), as curl would get it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _session(page, url: str) -> str:
    """Opens `url` in `page` and returns the id of the Streamlit session it gets."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ids: list[str] = []

    def frame(payload) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg.FromString(payload)
            if msg.WhichOneof("type") == "new_session":
                ids.append(msg.new_session.initialize.session_id)

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    page.goto(url)
    _wait_for_app(page)
    for _ in range(100):  # Playwright hands the frames over while the test waits
        if ids:
            return ids[-1]
        page.wait_for_timeout(100)
    raise AssertionError(f"no session for {url}")


def _put_file(page, server: str, session_id: str) -> int:
    """A file sent to the session's upload endpoint as Streamlit's frontend sends it."""
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
    response = page.context.request.put(
        f"{server}/_stcore/upload_file/{session_id}/probe-1",
        headers={"X-Xsrftoken": xsrf},
        multipart={"UploadedFile": {"name": "x.csv", "mimeType": "text/csv",
                                    "buffer": b"a;b\n1;2\n" * 1000}})
    return response.status


def test_security_headers_and_no_public_metrics(server):
    with urllib.request.urlopen(server, timeout=10) as response:
        headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert _status(f"{server}/_stcore/metrics") == 404
    assert _status(f"{server}/_stcore/health") == 200


def test_an_upload_needs_a_session_that_may_upload(server, browser):
    """The probe sent four 45 MB files from a session that was not logged in, and Streamlit
    kept them: the guard refuses them before the body is read."""
    context = browser.new_context()
    page = context.new_page()
    session_id = _session(page, server)
    page.get_by_role("button", name=texts.LOGIN_BUTTON).wait_for(timeout=60_000)
    assert _put_file(page, server, session_id) == 403
    context.close()

    page = _log_in(browser, server, "ann")
    session_id = _session(page, f"{server}/ladda-upp")
    page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached",
                                                               timeout=60_000)
    assert _put_file(page, server, session_id) == 204
    page.context.close()


def test_a_download_url_answers_only_a_logged_in_browser(server, browser):
    page = _log_in(browser, server, "ann")
    _open(page, server, "exportera")
    button = page.get_by_test_id("stDownloadButton").first
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=120_000) as download:
        button.click()
    url = download.value.url
    assert "/media/" in url
    assert page.context.request.get(url).status == 200  # the browser that asked
    assert _status(url) == 403  # a bare curl
    page.context.close()
