"""A real browser (Playwright driving Debian's chromium) against `streamlit run`.

The server starts on an empty store, so it loads the demo municipality itself; the test then
photographs every page, uploads an extract, sees the chart and downloads the Excel export.
Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests import axe_checks, extracts
from tests.xlsx_checks import problems
from ui import a11y, leases, texts

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]

PAGES = [  # (url path, text that shows when the page has rendered)
    ("", "Översikt"),
    ("chefer", "Andel kvinnor bland chefer"),
    ("timavlonade", "Timavlönade personer"),
    ("heltid", "Andel heltidsanställda"),
    ("forskolan", "Andel män i förskolan"),
    ("socialsekreterare", "Socialsekreterare"),
    ("utveckling", "Utveckling och beredskap"),
    ("personalstruktur", "Antal anställda"),
    ("kompetensforsorjning", "Pensionsavgångar"),
    ("halsa", "Sjukfrånvaro totalt"),
    ("lonekartlaggning", "Jämställda löner"),
    ("ladda-upp", "Ladda upp"),
    ("exportera", "Exportera"),
    ("katalog", "Nyckeltalskatalog"),
    ("mal", "Mål"),
    ("handlingsprogram", "Handlingsprogram"),
    ("kolada", "Kolada"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    port = _free_port()
    env = {**os.environ,
           "PERSONALPANELEN_DATA_DIR": str(tmp / "data"),
           "PERSONALPANELEN_DB": str(tmp / "data" / "curated" / "store.duckdb"),
           "PERSONALPANELEN_SECRET_FILE": str(tmp / "secret.key")}
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start:\n" + (tmp / "server.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000},
                                      accept_downloads=True, locale="sv-SE")
        yield context.new_page()
        browser.close()


def _wait_for_app(page) -> None:
    """Until the script run has ended: Streamlit's own end-to-end tests wait for the app's
    script state (its running indicator shows only after a delay, so its absence says
    nothing about a run that has just started)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && !!document"
        ".querySelector('[data-testid=\"stApp\"][data-test-script-state=\"notRunning\"]')",
        timeout=180_000,
    )


def test_every_page_renders_a_chart_and_is_photographed(server, page):
    SHOTS.mkdir(exist_ok=True)
    for path, text in PAGES:
        page.goto(f"{server}/{path}")
        _wait_for_app(page)
        page.get_by_text(text).first.wait_for(timeout=180_000)
        if path not in ("ladda-upp", "exportera", "katalog", "mal", "kolada"):
            page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
        page.wait_for_timeout(800)  # let plotly finish its transition
        page.screenshot(path=SHOTS / f"{path or 'oversikt'}.png", full_page=True)


# Where the keyboard's focus is: the element, its Streamlit widget, and whether it is in the
# sidebar or a download button.
FOCUS = """() => {
    const e = document.activeElement;
    return {role: e.getAttribute('role'), name: e.getAttribute('aria-label') || e.innerText.trim(),
            widget: e.closest('[data-testid^="st"]')?.dataset.testid,
            sidebar: !!e.closest('[data-testid="stSidebar"]'),
            download: !!e.closest('[data-testid="stDownloadButton"]')};
}"""


def _tab_to(page, reached, presses: int = 120) -> dict:
    """Press Tab until `reached(focus)`; the focus then."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if reached(focus):
            return focus
    raise AssertionError(f"not reached with {presses} presses of Tab")


def test_filters_tabs_and_downloads_work_from_the_keyboard(server, page, tmp_path):
    """Issue 24 (WCAG 2.1.1): with the keyboard alone, a förvaltning is chosen in the
    sidebar's filter, the indicator's Tabell tab opened and its Excel downloaded. Streamlit's
    English names are Swedish on the way (ui/a11y.py)."""
    page.goto(f"{server}/heltid")
    _wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
    assert page.evaluate("() => document.documentElement.lang") == "sv"
    english = page.evaluate("() => [...document.querySelectorAll('[aria-label]')]"
                            ".map(e => e.getAttribute('aria-label'))")
    assert not [n for n in english if n in a11y.SWEDISH_NAMES or n.endswith(a11y.ICON_NAME_END)
                or n.startswith(tuple(a11y.SWEDISH_PREFIXES))]

    page.keyboard.press("Tab")  # the first stop: the skip link, in Swedish
    assert page.evaluate(FOCUS)["name"] == a11y.SWEDISH_TEXTS["Skip to main content"]
    _tab_to(page, lambda f: f["sidebar"] and f["name"] == texts.FILTER_FORVALTNING)
    page.keyboard.press("ArrowDown")  # opens the list, on "Välj alla"
    page.get_by_role("option", name=a11y.SWEDISH_TEXTS["Select all"]).wait_for()
    page.keyboard.press("ArrowDown")  # the first förvaltning
    chosen = page.evaluate("() => document.querySelector('[role=option][data-focused=true]')"
                           ".innerText.trim()")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_text(texts.FILTER_SUBSET.format(names=chosen)).wait_for(timeout=60_000)
    _wait_for_app(page)

    _tab_to(page, lambda f: f["role"] == "tab" and not f["sidebar"])  # the first tab list
    for _ in range(8):  # the arrows move along the tabs
        if page.evaluate(FOCUS)["name"] == texts.TAB_TABLE:
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate(FOCUS)["name"] == texts.TAB_TABLE
    page.keyboard.press("Enter")
    _tab_to(page, lambda f: f["download"])
    page.wait_for_timeout(1000 * (leases.GRACE_SECONDS + 1.5))  # as a click waits, above
    with page.expect_download(timeout=120_000) as info:
        page.keyboard.press("Enter")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert chosen in {c.value for sheet in book for row in sheet.iter_rows() for c in row}


def test_upload_then_chart_then_excel_download(server, page, tmp_path):
    snapshot = date(2026, 11, 1)
    workbook = extracts.xlsx_bytes(extracts.small_extract(snapshot, persons=40))
    page.goto(f"{server}/ladda-upp")
    _wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=[{
        "name": "november_2026.xlsx", "buffer": workbook,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }])
    page.get_by_role("button", name="Läs in").click()
    page.get_by_text("2026-11-01").first.wait_for(timeout=60_000)
    page.screenshot(path=SHOTS / "ladda-upp-resultat.png", full_page=True)

    page.goto(f"{server}/heltid")
    _wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)

    page.goto(f"{server}/exportera")
    _wait_for_app(page)
    # Clicked after the run that drew the button has ended and the store's grace has passed
    # (ui/leases.py): the workbook is built then, on a store borrowed for it.
    page.wait_for_timeout(1000 * (leases.GRACE_SECONDS + 1.5))
    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("stDownloadButton").first.locator("button").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == ".xlsx"
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert problems(target.read_bytes()) == []  # every sheet one table (issue 24)
    sheet = book["Andel heltidsanställda"]
    dates = {c.value.date() for c in sheet["A"] if hasattr(c.value, "date")}
    assert dates == {snapshot}  # the demo, shown before the upload, lives in its own store


def test_the_meeting_pack_is_made_and_downloaded_on_the_dashboard(server, page, tmp_path):
    """After the upload above: Exportera makes the committee's PDF of the own store."""
    from pypdf import PdfReader

    page.goto(f"{server}/exportera")
    _wait_for_app(page)
    page.get_by_role("button", name="Skapa sammanträdesunderlag (PDF)").click()
    with page.expect_download(timeout=180_000) as info:
        page.get_by_role("button", name="Ladda ner sammanträdesunderlaget").click(
            timeout=180_000)
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == ".pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Sammanträdesunderlag" in text and "Andel heltidsanställda" in text
    assert "2026" in text and "2025" not in text  # the own store, not the demo
    page.screenshot(path=SHOTS / "exportera-pdf.png", full_page=True)


def _far_cell_workbook() -> bytes:
    """One cell at XFD1048576 and no <dimension>: parsed in process, calamine would abort the
    whole server (stack-notes.md §4.3)."""
    import re
    import zipfile

    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write(0, 0, "Personnummer")
        sheet.write(1048575, 16383, "x")
    source, target = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, re.sub(rb"<dimension [^>]*/>", b"", source.read(item)))
    return target.getvalue()


def test_a_hostile_upload_is_refused_and_the_server_lives_on(server, page):
    page.goto(f"{server}/ladda-upp")
    _wait_for_app(page)
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.wait_for(state="attached", timeout=180_000)
    uploader.set_input_files(files=[{
        "name": "fientlig.xlsx", "buffer": _far_cell_workbook(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }])
    page.get_by_role("button", name="Läs in").click()
    page.get_by_text("Ingenting lästes in").first.wait_for(timeout=120_000)
    # the findings grid draws on a canvas; its accessible cells carry the message
    page.get_by_text("kunde inte läsas").first.wait_for(state="attached", timeout=10_000)
    assert urllib.request.urlopen(f"{server}/_stcore/health", timeout=5).read() == b"ok"
    page.goto(f"{server}/heltid")
    _wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)


HOSTILE_NAMES = ("[Logga in](http://evil.example)", '<a href="http://evil.example">klick</a>',
                 "![x](http://host/beacon.png)")
HOSTILE_FILE = "[x](http://evil.example).xlsx"
WORD_JOINER = "\u2060"  # ui/plain.py puts one before '.', ':' and '@'; it is invisible


def _planted_markup(page) -> list[str]:
    """Links to and images from the attacker's hosts anywhere in the page, in SVG too (Plotly
    writes a link as <a xlink:href>, hence any namespace: *|href)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'a[*|href*="evil.example"], img[src*="//host/"], image[*|href*="//host/"]'
    )].map(e => e.outerHTML)""")


def _shown_text(page) -> str:
    """The page's text as the reader sees it."""
    return page.evaluate("() => document.body.innerText").replace(WORD_JOINER, "")


def _chart_texts(page) -> list[str]:
    """Every text Plotly drew: tick labels, legends, annotations."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot svg text')]
        .map(t => t.textContent)""")


def test_data_text_is_shown_as_text_never_as_links_or_images(server, page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    extract = extracts.small_extract(date(2027, 11, 1), persons=45).with_columns(
        Förvaltning=pl.Series([HOSTILE_NAMES[i % 3] for i in range(45)]))
    page.goto(f"{server}/ladda-upp")
    _wait_for_app(page)
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.wait_for(state="attached", timeout=180_000)  # after the demo load, if first
    uploader.set_input_files(files=[{
        "name": HOSTILE_FILE, "buffer": extracts.xlsx_bytes(extract),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }])
    # uploaded: the caption under the uploader names the file with its size in Swedish
    page.get_by_text(re.compile(r"^Valda: .*\d\s?kB\)$")).first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)  # the upload's own rerun, which would swallow the click,
    _wait_for_app(page)  # starts and ends
    page.get_by_role("button", name="Läs in").click()
    page.get_by_text("Inläst: 45 rader").first.wait_for(timeout=60_000)
    assert not _planted_markup(page)
    assert f"från {HOSTILE_FILE}." in _shown_text(page)

    page.goto(f"{server}/personalstruktur")
    _wait_for_app(page)
    sidebar_filter = page.get_by_test_id("stSidebar").get_by_role("combobox").first
    for name in HOSTILE_NAMES:
        # room below it for the list of options (the sidebar's pages push it to the bottom);
        # the list now and then closes before the click (a rerun redraws the sidebar): then
        # it is opened again
        for attempt in range(3):
            sidebar_filter.evaluate("e => e.scrollIntoView({block: 'center'})")
            sidebar_filter.click()
            try:
                page.get_by_role("option", name=name, exact=True).click(timeout=10_000)
                break
            except PlaywrightTimeoutError:
                if attempt == 2:
                    raise
                page.keyboard.press("Escape")
                _wait_for_app(page)
        _wait_for_app(page)
    page.keyboard.press("Escape")
    page.get_by_text("Urval:").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    page.screenshot(path=SHOTS / "urval-med-markdown-i-namnen.png", full_page=True)
    assert "Urval: " + ", ".join(sorted(HOSTILE_NAMES)) in _shown_text(page)
    assert set(HOSTILE_NAMES) <= set(_chart_texts(page))  # the bars per förvaltning
    assert not _planted_markup(page)


def test_the_accessibility_check_finds_what_it_is_there_to_find(page):
    """The axe-core check the browser tests run on every page can fail: on markup with the
    faults the dashboard had (a list holding a div, grey caption text of 4.15:1, a button
    without a name) it reports each."""
    page.set_content('<html lang="sv"><body><main><h1>Prov</h1>'
                     '<ul><li>ett</li><div>två</div></ul>'
                     '<p style="color:#777d85;background:#fff;font-size:14px">sedan 2024</p>'
                     '<button><span style="visibility:hidden">Upload</span></button>'
                     '</main></body></html>')
    found = " ".join(axe_checks.violations(page))
    for rule in ("list", "color-contrast", "button-name"):
        assert f"tillgänglighet: {rule} (" in found, found
