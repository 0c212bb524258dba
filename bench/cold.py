"""A page opened by link in a new browser session, as a user meets it (issue 20).

Run by hand (Debian chromium and the dev group's Playwright):
    uv run python bench/cold.py [--db PATH] [--pages heltid,katalog] [--repeats 5]

Without --db the dashboard shows the demo municipality: its store is built once into
/tmp/personalpanelen_cold/demo.duckdb (`python -m pipelines demo`) and copied for each run, and
the municipality's own store is empty. With --db (e.g. bench/scale.py's 6.2 M-row store) that
store is the municipality's own, opened as the dashboard opens it.

Three servers run side by side, each `streamlit run` headless on a free port:
- the baseline: a one-line Streamlit page (st.write of one sentence), what any Streamlit page
  costs to open on this machine (the browser loading the front end, the websocket, one run);
- a one-line page with one small Plotly chart: what any page with a chart costs, since every
  new browser session loads and runs Streamlit's Plotly bundle (4.7 MB of JavaScript);
- the dashboard (app.py).
The dashboard is first warmed: started, its store opened, and every measured page visited once
(what a running server has after its first users). Then, --repeats times, the baselines and
each page are opened in turn, each in a NEW browser context (no cookies, no cache, a new
Streamlit session, as when a link in an e-mail is opened), timed from the navigation until
- figures: the page's title and its first figure (a metric, a Plotly chart or a table, or the
  info box that says why a metric has none; a page without figures: its title) are on the page
  and the script run has ended (every element sent);
- chart: its first Plotly chart is drawn (its SVG).

Then, in one session that stays open, Nyckeltalskatalog is opened from Heltid by the
sidebar's link, --repeats times: the catalogue warm.

The machine's load (1-minute average, cores) is printed before and after, since a shared
machine makes every figure slower; the baselines and the pages are measured in turn in the
same run, so their ratio is the figure to read. The target: figures within 2x the baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
WORK = Path("/tmp/personalpanelen_cold")
TARGET_RATIO = 2.0
BASELINE_TEXT = "Hej från en enradssida."
DEFAULT_PAGES = ("", "chefer", "timavlonade", "heltid", "forskolan", "socialsekreterare",
                 "utveckling", "personalstruktur", "kompetensforsorjning", "halsa", "mal",
                 "handlingsprogram", "katalog")

# True once the page shows its figures and Streamlit has finished the run: the title and a
# figure (a metric, a Plotly chart or a table, or the info box that says why there is none)
# on the page, and the script run ended. `kind`:
# "text" for the one-line page (its sentence), "title" for a page without figures (its
# title), "chart" for the first Plotly chart drawn (its SVG), else "figure".
VISIBLE_JS = """(kind) => {
  const has = (selector) => !!document.querySelector(selector);
  // The run has ended (Streamlit's own end-to-end tests wait for this attribute; its
  // "running" indicator shows only after a delay).
  if (!has('[data-testid="stApp"][data-test-script-state="notRunning"]')) return false;
  if (kind === 'text') return document.body.innerText.includes(BASELINE_TEXT);
  if (!has('[data-testid="stHeading"], h1')) return false;
  if (kind === 'chart') return has('[data-testid="stPlotlyChart"] svg.main-svg');
  // A page whose metrics have no data in the store shows why, in an info box, instead.
  if (kind === 'figure') return has('[data-testid="stMetric"], [data-testid="stPlotlyChart"], '
    + '[data-testid="stDataFrame"], [data-testid="stMain"] [data-testid="stAlertContentInfo"]');
  return true;
}""".replace("BASELINE_TEXT", repr(BASELINE_TEXT))


CHART_JS = """() => {
  const has = (selector) => !!document.querySelector(selector);
  if (has('[data-testid="stPlotlyChart"] svg.main-svg')) return 'drawn';
  if (has('[data-testid="stSkeleton"], [data-testid="stPlotlyChart"]')) return false;
  return 'none';
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


class Server:
    """`streamlit run SCRIPT` headless on a free port, with its own environment."""

    def __init__(self, script: Path, env: dict[str, str], log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script),
             "--server.headless", "true", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit(f"streamlit did not start:\n{log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _kind(path: str) -> str:
    if path in ("mal", "handlingsprogram", "ladda-upp", "exportera", "kolada", "logg"):
        return "title"
    return "figure"


def open_cold(browser, url: str, kind: str, timeout_s: float = 300) -> tuple[float, float]:
    """Seconds from navigation to the page's figures (VISIBLE_JS of `kind`), and to its first
    chart drawn (NaN if it has none), in a new browser context: a new session, nothing
    cached."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="sv-SE")
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        # One predicate, polled on every frame: Streamlit may not show its "running"
        # indicator yet when the first elements arrive.
        page.wait_for_function(VISIBLE_JS, arg=kind, timeout=timeout_s * 1000, polling="raf")
        figures = time.perf_counter() - started
        if kind == "chart":
            return figures, figures
        # Then the first chart drawn, or nothing left to draw (no chart, no placeholder of
        # a component whose code is still loading).
        drawn = page.wait_for_function(CHART_JS, timeout=timeout_s * 1000, polling="raf")
        chart = time.perf_counter() - started
        return figures, (chart if drawn.json_value() == "drawn" else float("nan"))
    finally:
        context.close()


def catalogue_warm(browser, url: str, repeats: int) -> list[float]:
    """Nyckeltalskatalog opened by the sidebar's link from Heltid, in one lasting session."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="sv-SE")
    page = context.new_page()
    seconds = []
    try:
        for _ in range(repeats + 1):  # the first switch is this session's first: not counted
            page.goto(f"{url}/heltid", wait_until="commit")
            page.wait_for_function(VISIBLE_JS, arg="figure", timeout=300_000, polling="raf")
            link = page.locator('[data-testid="stSidebarNav"] a[href$="/katalog"]')
            started = time.perf_counter()
            link.click()
            page.wait_for_url("**/katalog")
            page.get_by_role("heading", name="Nyckeltalskatalog").first.wait_for(timeout=300_000)
            page.wait_for_function(VISIBLE_JS, arg="figure", timeout=300_000, polling="raf")
            seconds.append(time.perf_counter() - started)
    finally:
        context.close()
    return seconds[1:]


def _demo_store() -> Path:
    demo = WORK / "demo.duckdb"
    if not demo.exists():
        print("building the demo store once (python -m pipelines demo) ...", flush=True)
        subprocess.run([sys.executable, "-m", "pipelines", "demo", "--db", str(demo)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return demo


def _median(values: list[float]) -> float:
    values = [v for v in values if v == v]  # without NaN
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the municipality's own store (else the demo)")
    parser.add_argument("--pages", help="comma-separated url paths ('' or oversikt: Översikt)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-catalogue", action="store_true",
                        help="skip the catalogue's warm page switch")
    args = parser.parse_args()
    pages = ([("" if p == "oversikt" else p) for p in args.pages.split(",")]
             if args.pages else list(DEFAULT_PAGES))
    WORK.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=WORK))
    env = {**os.environ, "PERSONALPANELEN_DATA_DIR": str(tmp / "data"),
           "PERSONALPANELEN_SECRET_FILE": str(tmp / "secret.key")}
    if args.db:
        if not args.db.exists():
            sys.exit(f"{args.db} is missing (bench/scale.py builds the 6.2 M-row store)")
        env["PERSONALPANELEN_DB"] = str(args.db)
        env["PERSONALPANELEN_DEMO_DB"] = str(tmp / "demo.duckdb")  # not shown: own data
        what = f"own store {args.db}"
    else:
        demo = tmp / "demo.duckdb"
        shutil.copy(_demo_store(), demo)
        env["PERSONALPANELEN_DB"] = str(tmp / "own.duckdb")  # empty: the demo is shown
        env["PERSONALPANELEN_DEMO_DB"] = str(demo)
        what = "the demo municipality"
    baseline = tmp / "one_line.py"
    baseline.write_text(f"import streamlit as st\n\nst.write({BASELINE_TEXT!r})\n")
    # What any page with a chart pays in the browser (Streamlit's Plotly bundle, 4.7 MB of
    # JavaScript, loaded and run by every new browser session): one line and one small chart.
    plotly_floor = tmp / "one_chart.py"
    plotly_floor.write_text(
        "import plotly.graph_objects as go\nimport streamlit as st\n\nst.title('Diagram')\n"
        "st.plotly_chart(go.Figure(go.Scatter(x=[2023, 2024, 2025], y=[1, 3, 2])))\n")

    from playwright.sync_api import sync_playwright

    print(f"{what}; {args.repeats} cold opens per page, each in a new browser context, the "
          f"baselines and the pages taken in turn")
    print(f"before: {_load()}", flush=True)
    targets = {"one-line page (baseline)": ("", "text"),
               "one line + one Plotly chart": ("", "chart")}
    targets.update({path or "oversikt": (path, _kind(path)) for path in pages})
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
    servers: list[Server] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            servers = [Server(baseline, env, tmp / "baseline.log"),
                       Server(plotly_floor, env, tmp / "one_chart.log")]
            started = time.perf_counter()
            app = Server(ROOT / "app.py", env, tmp / "app.log")
            servers.append(app)
            url = {"one-line page (baseline)": servers[0].url,
                   "one line + one Plotly chart": servers[1].url}
            first, _ = open_cold(browser, f"{app.url}/{pages[0]}", _kind(pages[0]), 900)
            print(f"the dashboard's start and first page (store opened, tables worked out): "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            for name, (path, kind) in targets.items():  # each page's warm-up visit
                open_cold(browser, f"{url.get(name, app.url)}/{path}", kind)
            for _ in range(args.repeats):
                for name, (path, kind) in targets.items():
                    results[name].append(open_cold(browser, f"{url.get(name, app.url)}/{path}",
                                                   kind))
            print(f"after the cold opens: {_load()}", flush=True)
            if not args.no_catalogue:
                results["katalog, warm (page switch)"] = [
                    (s, float("nan")) for s in catalogue_warm(browser, app.url, args.repeats)]
        finally:
            for server in servers:
                server.stop()
            browser.close()
    print(f"after: {_load()}")
    base = _median([r[0] for r in results["one-line page (baseline)"]])
    print(f"\nfigures: the title and a first figure (a metric, a Plotly chart or a table; a page "
          f"without figures: its title) on the page and the run ended; chart: its first Plotly "
          f"chart drawn.\nMedian of {args.repeats}; target: figures within {TARGET_RATIO:g}x "
          f"the one-line page ({base:.2f} s).")
    print(f"{'page':<30}{'figures s':>10}{'ratio':>7}{'chart s':>9}{'ratio':>7}  target   "
          f"runs (figures)")
    for name, values in results.items():
        median = _median([v[0] for v in values])
        chart = _median([v[1] for v in values])
        met = "met" if median / base <= TARGET_RATIO else "NOT met"
        runs = ", ".join(f"{v[0]:.2f}" for v in values)
        print(f"{name:<30}{median:>10.2f}{median / base:>7.1f}{chart:>9.2f}{chart / base:>7.1f}"
              f"  {met:<8} {runs}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
