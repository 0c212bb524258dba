"""Every page read the way its reader reads it: a real browser, logged in as the committee
(viewer), an analyst and an admin, on a real-shaped store of three yearly snapshots.

The store is built through the product's own load path: the demo generator writes its November
extracts, `python -m pipelines ingest` loads two of them and the analyst uploads the third on
Ladda upp, as a municipality would; targets, an action programme and Kolada values are entered
through the functions their pages call. Then every page a role may open is rendered (each tab
clicked, each expander opened) and its visible text, input values, chart texts and table cells
are read. The test fails, listing per role and page, on:
- English words or phrases (Streamlit's or ours) and English number formats,
- Python reprs (None, True, nan, [] ...),
- code file names, paths and identifiers,
- for viewers: instructions and controls meant for analysts,
- labels the browser cuts off (ellipsis or clipping), table columns or cells cut or pushed off
  the right edge, chart texts outside their chart,
- a serious or critical violation of WCAG 2.1 A or AA that axe-core finds (issue 24; its
  moderate and minor findings are printed on stderr, not failed).
The sidebar, the same on every page, is reported once per role as the page "(sidebar)".

Tables: Streamlit's dataframes draw on a canvas, so their header and cell texts and the column
widths are read from the grid's own column list (its React props) and each text is measured
with the grid's fonts; a header or cell wider than its column, or columns past the table's
right edge, are reported (a cell's long text, which the grid shows whole on hover, only on
stderr; a cut header or a column out of sight fails the test). Not checked: tooltips and the
dataframe toolbar (hover only), the options of closed select boxes, the canvas pixels
themselves, and cells that wrap.

PERSONALPANELEN_SAVE_SCREENSHOTS=1 also writes README's screenshots to docs/images/ (1440x900).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests import axe_checks
from tests.test_auth_browser import (  # noqa: F401 - provider is a fixture used below
    ROLES_TOML,
    _start,
    _stop,
    provider,
)
from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS, _free_port, _wait_for_app
from ui import roles, sitemap, texts

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
SHOTS = ROOT / "screenshots"
SAVE_SCREENSHOTS = os.environ.get("PERSONALPANELEN_SAVE_SCREENSHOTS", "") == "1"
VIEWPORT = {"width": 1440, "height": 900}
YEARS = (2023, 2024, 2025)  # the first two through the CLI, the last uploaded in the browser
LOGINS = {roles.VIEWER: "nils", roles.ANALYST: "ann", roles.ADMIN: "ada"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def _pages_of(role: str) -> list[sitemap.PageSpec]:
    """The pages a role opens: the viewer its own, the analyst all of the local installation,
    the admin only those no other role may open."""
    if role == roles.ADMIN:
        return list(sitemap.ADMIN_PAGES)
    rank = (roles.VIEWER, roles.ANALYST)
    return [p for p in sitemap.PAGES if rank.index(p.role) <= rank.index(role)]


# --- what must not be read -----------------------------------------------------------------

ENGLISH = re.compile("|".join((
    # Streamlit's own words
    r"\bUpload\b", r"\bBrowse files\b", r"\bDrag and drop\b", r"\bper file\b", r"\bLimit\b",
    r"\bRunning\b", r"\b(?:View|Show) (?:more|less|all)\b", r"\bDownload\b", r"\bSearch\b",
    r"\bFullscreen\b", r"\bChoose (?:an )?options?\b", r"\bNo (?:results|options|data)\b",
    r"\bSelect all\b", r"\bPress Enter\b", r"\bClear (?:all|cache)\b", r"\bRerun\b",
    r"\bDeploy\b", r"\bSettings\b", r"\bAdd row\b", r"\bDelete\b", r"\bError\b",
    r"\bWarning\b", r"\bTraceback\b", r"\bException\b", r"\bLoading\b", r"\bPlease\b",
    r"\bSkip to main content\b", r"\bSession state\b",
    # an English sentence of ours: its function words (none of them is a Swedish word in use)
    r"\b(?:the|The|of|and|with|which|This|this|that|are|is|from|into|when|should|must|"
    r"will|would|returns?|seconds|files?|chosen|step)\b",
)))
NUMBER_FORMAT = re.compile(
    r"\d+[KMG]B\b"  # "50MB", "115.0KB": Swedish writes "50 MB", "115 kB"
    r"|(?<![\w.,:/-])\d+\.\d+(?![\d.,])"  # a decimal point: "40.0", "0.8614", "2.0 s"
)
REPR = re.compile(
    r"(?<![\w.])(?:None|True|False|nan|NaN|NaT|-?inf|<NA>)(?!\w)"
    r"|\[\]|\{\}|\[\s*'|\bdatetime\.|\bDecimal\(|\bnp\.\w"
)
CODE = re.compile(
    r"\b[\w./-]+\.(?:toml|py|sql|duckdb|json|ya?ml|key)\b"
    r"|(?<![\w/])(?:metrics|pipelines|data|ui|tests|bench|docs|app|\.streamlit)/"
    r"|\bPERSONALPANELEN_\w+"
    r"|\b[a-z]+(?:_[a-z0-9]+)+\b(?![-\w]|\.\w)"  # snake_case: a metric id, a column name
)
FOR_ANALYSTS = re.compile(  # a viewer can neither load data nor switch the store
    r"(?i)\bläs(?:es)? in\b|\bladda upp\b|\blägg till kolumnen\b|\bvisa exempeldata\b"
    r"|^\[kodblock\]"  # code (the catalogue's SQL is for analysts)
    r"|\b[NU]\d{5}\b"  # a Kolada KPI id
)
SHORTENED = re.compile(r"\w(?:\.\.\.|…)(?:\w|\s*$)")  # a word cut by a script: "Personalstru…"
CHECKS = {"engelska": ENGLISH, "engelskt talformat": NUMBER_FORMAT, "Python-repr": REPR,
          "kod": CODE, "avkortad": SHORTENED}

# (role or None, page or None, check, regex on the line, reason). Keep it narrow.
ALLOWED: list[tuple[str | None, str | None, str, str, str]] = [
    (roles.ANALYST, "katalog", "kod", r"^\[kodblock\] ",
     "the catalogue shows each metric's SQL as code, on purpose: what the analyst reads is "
     "what the code runs (DESIGN.md)"),
    (roles.ANALYST, "katalog", "engelska", r"^\[kodblock\] ", "the same SQL"),
    (roles.ANALYST, "katalog", "kod", r"^Id: [a-z0-9_]+$",
     "the catalogue names each metric's stable id, which the CLI and the exports use"),
    (None, None, "engelskt talformat", r"\bCC BY 4\.0\b", "Kolada's licence, by its name"),
    (roles.ANALYST, None, "avkortad", r"^[^\s…]+(?:\.\.\.|…)[^\s…]*\.(?:xlsx|csv|json)$",
     "Streamlit's file chip shortens a long file name in the middle; the page writes the whole "
     "name under the uploader"),
]


def _allowed(role: str, page: str, check: str, text: str) -> bool:
    return any((r is None or r == role) and (p is None or p == page) and c == check
               and re.search(pattern, text) for r, p, c, pattern, _ in ALLOWED)


# --- reading a page in the browser ---------------------------------------------------------

SETTLED = """() => [
    !!document.querySelector('[data-testid="stStatusWidget"]'),
    document.querySelectorAll('[data-testid="stSpinner"], [data-testid="stSkeleton"]').length,
    document.body.innerText.length,
    document.querySelectorAll('.js-plotly-plot .main-svg').length,
    document.querySelectorAll('[data-testid="stDataFrame"] canvas').length,
]"""


def _settle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the script has finished and the text has stopped changing (charts drawn)."""
    waited, last, stable = 0, None, 0
    while waited < timeout_ms:
        state = page.evaluate(SETTLED)
        stable = stable + 1 if state == last and not state[0] and not state[1] else 0
        if stable >= 2:
            return
        last = state
        page.wait_for_timeout(300)
        waited += 300
    raise AssertionError(f"the page did not settle in {timeout_ms / 1000:.0f} s")


# The visible text of the main area, of the sidebar and of open dialogs, icons (Material Symbols
# ligatures such as "upload") left out; the values and shown placeholders of visible inputs; the
# texts of charts.
READ_TEXT = """() => {
    const style = document.createElement('style');
    style.textContent = '[data-reader-hide] { display: none !important; }';
    document.head.appendChild(style);
    const shown = e => e.checkVisibility() && e.getBoundingClientRect().width > 1;
    const codes = [...document.querySelectorAll('[data-testid="stCode"], pre')].filter(shown);
    const icons = [...document.querySelectorAll('body *')].filter(e =>
        e.dataset.testid === 'stIconMaterial' ||
        /Material (Symbols|Icons)/.test(getComputedStyle(e).fontFamily));
    [...icons, ...codes].forEach(e => e.setAttribute('data-reader-hide', ''));
    const read = sel => [...document.querySelectorAll(sel)].filter(shown)
        .map(e => e.innerText).join('\\n');
    const out = {
        main: read('[data-testid="stMain"]'),
        sidebar: read('[data-testid="stSidebar"]'),
        dialogs: read('[role="dialog"], [data-testid="stToast"]'),
    };
    [...icons, ...codes].forEach(e => e.removeAttribute('data-reader-hide'));
    style.remove();
    out.codes = codes.map(e => e.innerText.trim().split('\\n')[0]);
    out.errors = [...document.querySelectorAll('[data-testid="stException"]')].filter(shown)
        .map(e => e.innerText.trim().split('\\n').slice(0, 2).join(' '));
    const inputs = [...document.querySelectorAll('input, textarea')].filter(e =>
        !['hidden', 'file', 'checkbox', 'radio', 'range'].includes(e.type) && shown(e));
    out.inputs = inputs.flatMap(e => {
        const box = e.closest('[data-baseweb="select"]');
        const placeholder = !e.value && !(box && box.innerText.trim()) ? e.placeholder : '';
        return [e.value, placeholder || ''];
    }).filter(Boolean);
    out.charts = [...document.querySelectorAll('.js-plotly-plot svg text')]
        .map(t => t.textContent).filter(Boolean);
    return out;
}"""

# Texts the browser cuts: an ellipsis (text-overflow) on a box its text is wider than, a line
# clamp, or a text node that runs past an ancestor that hides its overflow (up to the nearest
# scrolling ancestor: what lies beyond that is scrolled, not cut). Tables and charts apart.
CUT_TEXT = """() => {
    const out = [];
    const skip = e => e.closest('[data-testid="stDataFrame"], .js-plotly-plot, '
        + '[data-testid="stTooltipContent"], [data-testid="stIconMaterial"]');
    const shown = e => {
        const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return r.width > 1 && r.height > 1 && e.checkVisibility() && s.clip === 'auto'
            && s.clipPath === 'none';
    };
    const cuts = v => v === 'hidden' || v === 'clip';
    const scrolls = v => v === 'auto' || v === 'scroll';
    for (const e of document.querySelectorAll('body *')) {
        if (skip(e) || !shown(e)) continue;
        const s = getComputedStyle(e);
        const text = (e.innerText || '').trim();
        if (!text) continue;
        if (s.textOverflow === 'ellipsis' && cuts(s.overflowX)
                && e.scrollWidth > e.clientWidth + 1) {
            out.push(['ellipsis', text]);
            continue;
        }
        if (s.webkitLineClamp !== 'none' && s.webkitLineClamp
                && e.scrollHeight > e.clientHeight + 2) {
            out.push(['radbegränsad', text]);
            continue;
        }
        const own = [...e.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
        if (!own.length) continue;
        const range = document.createRange();
        let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
        for (const n of own) {
            range.selectNodeContents(n);
            for (const r of range.getClientRects()) {
                left = Math.min(left, r.left); right = Math.max(right, r.right);
                top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
            }
        }
        const slack = parseFloat(s.fontSize) / 2;
        let x = true, y = true;  // still looking along the axis
        for (let a = e; a && a !== document.body && (x || y); a = a.parentElement) {
            const sa = getComputedStyle(a), b = a.getBoundingClientRect();
            if (x && cuts(sa.overflowX) && (right > b.right + 1 || left < b.left - 1)) {
                out.push(['avklippt', text]); break;
            }
            if (y && cuts(sa.overflowY) && (bottom > b.bottom + slack || top < b.top - slack)) {
                out.push(['avklippt', text]); break;
            }
            if (scrolls(sa.overflowX)) x = false;
            if (scrolls(sa.overflowY)) y = false;
        }
    }
    return out;
}"""

# Streamlit's dataframes draw on a canvas (glide-data-grid): read the grid's column list and
# cells from its React props, measure each header and cell with the grid's fonts, and see
# whether the columns fit the visible width.
READ_GRIDS = """(maxRows) => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(d => d.getBoundingClientRect().width > 1).map(d => {
    const result = {overflow: 0, hidden: [], headers: [], cells: [], texts: [], read: false};
    const scroller = d.querySelector('.dvn-scroller');
    const visibleWidth = scroller ? scroller.clientWidth : Infinity;
    if (scroller && scroller.scrollWidth > scroller.clientWidth + 1)
        result.overflow = scroller.scrollWidth - scroller.clientWidth;
    const canvas = d.querySelector('canvas');
    const key = canvas && Object.keys(canvas).find(k => k.startsWith('__reactFiber'));
    let fiber = key ? canvas[key] : null, props = null;
    for (let n = 0; fiber && n < 100; n++, fiber = fiber.return) {
        const p = fiber.memoizedProps;
        if (p && Array.isArray(p.columns) && typeof p.getCellContent === 'function') {
            props = p; break;
        }
    }
    if (!props) {
        result.texts = [...d.querySelectorAll('th, td')].map(c => c.innerText);
        return result;
    }
    result.read = true;
    const style = getComputedStyle(d.querySelector('.stDataFrameGlideDataEditor') || d);
    const family = style.getPropertyValue('--gdg-font-family') || 'sans-serif';
    const headerFont = (style.getPropertyValue('--gdg-header-font-style') || '600 14px')
        + ' ' + family;
    const baseFont = (style.getPropertyValue('--gdg-base-font-style') || '14px') + ' ' + family;
    const pad = parseFloat(style.getPropertyValue('--gdg-cell-horizontal-padding')) || 8;
    const context = document.createElement('canvas').getContext('2d');
    const measure = (font, s) => { context.font = font; return context.measureText(s).width; };
    let x = 0;
    props.columns.forEach((column, c) => {
        const title = column.title || '';
        result.texts.push(title);
        const width = column.width || 0;
        // the grid writes a text from `pad` on and clips it at the column's edge
        const need = measure(headerFont, title) + pad + (column.icon ? 26 : 0);
        if (title && need > width + 0.5) result.headers.push([title, Math.ceil(need), width]);
        if (title && x + width > visibleWidth + 1) result.hidden.push(title);
        x += width;
        let cut = 0, seen = 0, example = null;
        for (let row = 0; row < Math.min(props.rows, maxRows); row++) {
            const cell = props.getCellContent([c, row]);
            if (!cell) continue;
            let shown = cell.displayData;
            if (shown === undefined || shown === null)
                shown = typeof cell.data === 'string' || typeof cell.data === 'number'
                    ? String(cell.data) : '';
            shown = String(shown);
            if (!shown) continue;
            result.texts.push(shown);
            seen += 1;
            if (cell.allowWrapping) continue;
            if (measure(baseFont, shown) + pad > width + 0.5) {
                cut += 1; example = example || shown;
            }
        }
        if (cut) result.cells.push([title, cut, seen, example]);
    });
    return result;
})"""

# Plotly texts (ticks, legends, annotations) that stick out of their chart's box.
CHART_OVERFLOW = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
    const box = plot.getBoundingClientRect();
    return [...plot.querySelectorAll('svg text')].filter(t => {
        const r = t.getBoundingClientRect();
        return t.textContent.trim() && r.width > 0 && (r.left < box.left - 1
            || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
    }).map(t => t.textContent);
})"""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\u2060", "").splitlines() if line.strip()]


def _text_findings(lines: list[str], role: str, page: str) -> list[str]:
    found = []
    for line in dict.fromkeys(lines):
        checks = dict(CHECKS)
        if role == roles.VIEWER:
            checks["för analytiker"] = FOR_ANALYSTS
        for name, pattern in checks.items():
            for match in dict.fromkeys(m.group(0) for m in pattern.finditer(line)):
                if not _allowed(role, page, name, line):
                    context = line if len(line) <= 110 else line[:107] + "..."
                    found.append(f"{name}: {match!r} i «{context}»")
    return found


def _read_page(page) -> tuple[list[str], list[str], list[str]]:
    """(main lines, sidebar lines, cut-off findings) of the page as shown now."""
    text = page.evaluate(READ_TEXT)
    main = _lines(text["main"]) + _lines(text["dialogs"]) + [
        f"[kodblock] {first}" for first in text["codes"]] + [
        v.strip() for v in text["inputs"]] + [f"[diagram] {t}" for t in text["charts"]]
    kinds: dict[str, str] = {}  # one finding per text: an ellipsis, not also its paragraph
    for kind, cut_text in page.evaluate(CUT_TEXT):
        kinds.setdefault(cut_text, kind)
    cut = [f"undantag på sidan: «{_short(t)}»" for t in text["errors"]]
    cut += [f"{kind}: «{_short(t)}»" for t, kind in kinds.items()]
    cut += [f"diagramtext utanför diagrammet: «{t}»" for t in page.evaluate(CHART_OVERFLOW)]
    cut += axe_checks.violations(page)
    for i, grid in enumerate(page.evaluate(READ_GRIDS, 300), start=1):
        main += [f"[tabell {i}] {t}" for t in grid["texts"] if t]
        if not grid["read"]:
            cut.append(f"tabell {i}: kolumnbredderna gick inte att läsa (bara dess text)")
        if grid["overflow"]:
            cut.append(f"tabell {i}: {grid['overflow']} px utanför högerkanten, kolumner "
                       f"{', '.join(grid['hidden']) or '?'} syns inte utan att rulla")
        cut += [f"tabell {i}: rubriken «{t}» avklippt ({need} px text, {w} px kolumn)"
                for t, need, w in grid["headers"]]
        # A long text in a cell is cut by the grid and shown whole on hover or when the
        # column is widened: reported (stderr), not failed. A cut header, or a column out of
        # sight past the right edge, the reader cannot find: those fail.
        for t, n, seen, ex in grid["cells"]:
            print(f"  note: tabell {i}: kolumnen «{t}»: {n} av {seen} celler avklippta, "
                  f"t.ex. «{ex}»", file=sys.stderr)
    return main, _lines(text["sidebar"]), list(dict.fromkeys(cut))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 110 else text[:107] + "..."


def _open_everything(page) -> list[tuple[list[str], list[str], list[str]]]:
    """Read the page in each of its tabs, every expander opened: first as shown, then with the
    second tab of every tab group chosen, then the third, and so on."""
    readings = [_read_page(_with_expanders_open(page))]
    groups = page.locator('[data-testid="stTabs"]')
    widest = max((groups.nth(g).get_by_role("tab").count() for g in range(groups.count())),
                 default=0)
    for i in range(1, widest):
        for g in range(groups.count()):
            tab = groups.nth(g).get_by_role("tab").nth(i)
            if tab.count() and tab.is_visible():
                tab.click()
        readings.append(_read_page(_with_expanders_open(page)))
    return readings


def _with_expanders_open(page):
    page.evaluate("""() => document.querySelectorAll(
        '[data-testid="stExpander"] details:not([open]) > summary').forEach(s => s.click())""")
    _settle(page)
    return page


# --- the installation: store, login provider, server ---------------------------------------

# What an analyst enters for the committee besides the extracts, through the functions the pages
# Mål, Handlingsprogram and Kolada call: the demo's targets, action programme (two versions, so
# that it has a history) and Kolada comparison values, so that those pages show content.
SEED_COMMITTEE = """
import store
from metrics import kolada, programme, targets
con = store.connect()
actor = ("ann@kommun.se", "analyst")
targets.seed_demo(con, actor)
programme.seed_demo(con, actor)
kolada.seed_demo(con, actor)
con.close()
"""


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A data folder whose store holds 2023 and 2024, loaded by the CLI; the 2025 extract is
    left for the browser to upload."""
    from pipelines import demo

    tmp = tmp_path_factory.mktemp("reader")
    files = demo.generate(tmp / "demofiles")
    extracts = {year: next(f for f in files if f.name.endswith(f"_{year}-11.xlsx"))
                for year in YEARS}
    env = {**os.environ,
           "PERSONALPANELEN_DATA_DIR": str(tmp / "data"),
           "PERSONALPANELEN_DB": str(tmp / "data" / "curated" / "store.duckdb"),
           "PERSONALPANELEN_DEMO_DB": str(tmp / "data" / "curated" / "demo.duckdb"),
           "PERSONALPANELEN_SECRET_FILE": str(tmp / "secret.key")}
    for name in ("MIN_CELL", "MIN_N_PERCENTILES", "MIN_N_SICK_LEAVE"):
        env.pop(f"PERSONALPANELEN_{name}", None)  # the shipped thresholds
    loaded = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", *(str(extracts[y]) for y in YEARS[:-1])],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    seeded = subprocess.run([sys.executable, "-c", SEED_COMMITTEE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    return {"tmp": tmp, "env": env, "upload": extracts[YEARS[-1]]}


@pytest.fixture(scope="module")
def server(installation, provider):  # noqa: F811 - the imported fixture
    tmp, port = installation["tmp"], _free_port()
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
    roles_file = tmp / "roles.toml"
    roles_file.write_text(ROLES_TOML, encoding="utf-8")
    env = {**installation["env"], "PERSONALPANELEN_ROLES_FILE": str(roles_file)}
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


def _log_in(browser, server: str, role: str):
    """A fresh browser session logged in with `role`, on the overview."""
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())  # the mock's CSS
    page.goto(server)
    _wait_for_app(page)
    page.get_by_role("button", name=texts.LOGIN_BUTTON).click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.get_by_role("button", name=LOGINS[role], exact=True).click()
    page.wait_for_url(f"{server}/**", timeout=30_000)
    _wait_for_app(page)
    return page


def _screenshot(page, name: str) -> None:
    """Into screenshots/ always; into docs/images/ (README's) only when asked for."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / name)
    if SAVE_SCREENSHOTS:
        target = IMAGES / name
        page.screenshot(path=target)
        _shrink(target)


def _shrink(path: Path) -> None:
    """A screenshot of a dashboard has few colours: 256 of them keep it sharp and small."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


@pytest.fixture(scope="module")
def three_years(server, browser, installation):
    """The analyst uploads the third year on Ladda upp and reads the report."""
    upload = installation["upload"]
    page = _log_in(browser, server, roles.ANALYST)
    page.goto(f"{server}/ladda-upp")
    _wait_for_app(page)
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.wait_for(state="attached", timeout=120_000)
    uploader.set_input_files(files=[{
        "name": upload.name, "buffer": upload.read_bytes(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }])
    page.get_by_test_id("stFileChipName").first.wait_for(timeout=60_000)
    page.get_by_test_id("stFileChipIconSpinner").wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(1500)  # the upload's own rerun, which would swallow the click
    _settle(page)
    page.get_by_role("button", name=texts.UPLOAD_BUTTON, exact=True).click()
    try:  # "Inläst: 2 815 rader ...", the thousands apart
        page.get_by_text(re.compile(r"Inläst: [\d\s]+ rader")).first.wait_for(timeout=120_000)
    except Exception:
        _screenshot(page, "ladda-upp-misslyckad.png")
        raise
    _settle(page)
    _screenshot(page, "ladda-upp-rapport.png")
    report = _read_page(page)
    page.context.close()
    return report


@pytest.mark.parametrize("role", [roles.VIEWER, roles.ANALYST, roles.ADMIN])
def test_every_page_reads_as_meant_for_its_reader(server, browser, three_years, role):
    findings: dict[str, list[str]] = defaultdict(list)
    page = _log_in(browser, server, role)
    for spec in _pages_of(role):
        started = time.monotonic()
        page.goto(f"{server}/{'' if spec.default else spec.url_path}")
        _wait_for_app(page)
        page.get_by_role("heading", name=spec.title).first.wait_for(timeout=120_000)
        _settle(page)
        if role == roles.VIEWER and spec.url_path in ("oversikt", "heltid"):
            _screenshot(page, f"{spec.url_path}.png")
        if page.title() != texts.PAGE_TITLE.format(page=spec.title):  # WCAG 2.4.2
            findings[spec.url_path].append(f"sidans titel i webbläsaren: «{page.title()}»")
        readings = _open_everything(page)
        if role == roles.ANALYST and spec.url_path == "ladda-upp":
            readings.append(three_years)  # the report, as the analyst read it after the upload
        for main, sidebar, cut in readings:
            findings[spec.url_path] += _text_findings(main, role, spec.url_path) + cut
            findings["(sidebar)"] += _text_findings(sidebar, role, "(sidebar)")
        print(f"{role} /{spec.url_path}: {len(readings)} readings, "
              f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    page.context.close()
    report = [f"{role} /{name}:\n" + "\n".join(f"  - {f}" for f in dict.fromkeys(found))
              for name, found in findings.items() if found]
    assert not report, "\n".join(report)
