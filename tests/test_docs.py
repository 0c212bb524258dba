"""The documentation and the users' "Källa" texts stay inside the repository and name real sources.

- Every metric's source names an official body or law in Swedish, never an internal file.
- README.md and docs/ link nowhere outside the repository (no ../, no web links).
- Every relative link in README.md and docs/ reaches a file of the repository, and a heading
  there when it names one (`file.md#heading`).
- README.md is the landing page: short, its Quick start exactly the two commands, every page of
  docs/ linked from it.
- docs/definitions.md describes every metric of the registry.

Each check is a function that returns what is wrong, tested on a bad example too, so that a
check that can no longer fail is noticed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metrics.registry import METRICS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DEFINITIONS = DOCS / "definitions.md"

# Bodies whose statistics or definitions a metric may follow, and statutes ("lag (2018:597)",
# "lagen (1982:80)").
OFFICIAL_BODIES = ("SKR", "SCB", "Kolada", "Skolverket", "Nyckeltalsinstitutet",
                   "Familjen Helsingborg", "Medlingsinstitutet")
LAW = re.compile(r"\blag(en)? \(\d{4}:\d+\)")
INTERNAL = (".md", "metric-definitions")


def source_problems(source: str) -> list[str]:
    """What is wrong with a "Källa" text: an internal file named, or no official body."""
    problems = [f"names the internal file marker {marker!r}" for marker in INTERNAL
                if marker in source]
    if not any(re.search(rf"\b{re.escape(body)}", source) for body in OFFICIAL_BODIES) \
            and not LAW.search(source):
        problems.append("names no official body or law")
    return problems


# A markdown link or image target: [text](target) or ![alt](target).
LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")


def outside_links(text: str, where: Path) -> list[str]:
    """Links and paths in a document that leave the repository."""
    found = []
    for line_no, line in enumerate(text.splitlines(), 1):
        for marker in ("../", "..\\", "http://", "https://"):
            if marker in line:
                found.append(f"line {line_no}: {marker!r} in {line.strip()!r}")
        for target in LINK_TARGET.findall(line):
            path = target.split("#", 1)[0]
            if not path:
                continue  # an anchor in the same file
            if re.match(r"^[a-z][a-z0-9+.-]*:", path, re.IGNORECASE) or path.startswith("/"):
                found.append(f"line {line_no}: link {target!r} is not a relative path")
                continue
            resolved = (where.parent / path).resolve()
            if not resolved.is_relative_to(ROOT):
                found.append(f"line {line_no}: link {target!r} leaves the repository")
    return found


def undocumented(metric_ids, text: str) -> list[str]:
    """Metric ids that a document does not name (as `id`, so that `turnover` is not found
    inside `turnover_excl_retirement`)."""
    return [metric_id for metric_id in metric_ids if f"`{metric_id}`" not in text]


def _documents() -> list[Path]:
    """README and the text files of docs/ (its pictures hold no links)."""
    return [ROOT / "README.md", *sorted(p for p in DOCS.rglob("*")
                                         if p.is_file() and p.suffix != ".png")]


# (a) Sources


@pytest.mark.parametrize("metric_id", list(METRICS))
def test_source_names_an_official_body_not_a_file(metric_id):
    assert source_problems(METRICS[metric_id].source) == []


@pytest.mark.parametrize("bad", [
    "metric-definitions.md M5",
    "SKR:s personalstatistik, se metric-definitions M2",
    "Se docs/definitions.md",
    "Egen definition",
    "",
])
def test_source_check_refuses_internal_files_and_missing_bodies(bad):
    assert source_problems(bad)


def test_source_check_accepts_bodies_and_laws():
    assert source_problems("SCB:s lönestrukturstatistik") == []
    assert source_problems("lag (2018:597) om kommunal bokföring och redovisning") == []
    assert source_problems("Egen prognos; lagen (1982:80) om anställningsskydd") == []


# (b) No links out of the repository


def test_documents_exist():
    assert (ROOT / "README.md").is_file()
    assert DEFINITIONS.is_file()


@pytest.mark.parametrize("path", _documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_document_does_not_link_outside_the_repository(path):
    assert outside_links(path.read_text(encoding="utf-8"), path) == []


@pytest.mark.parametrize("bad", [
    "See `../shared/DESIGN.md`.",
    "See [the spec](../shared/reference/metric-definitions.md).",
    "Source: https://skr.se/statistik",
    "An [old page](http://example.org).",
    "A [file](/etc/passwd).",
    "A [mail](mailto:someone@example.org).",
])
def test_link_check_finds_links_that_leave(bad):
    assert outside_links(bad, DEFINITIONS)


def test_link_check_accepts_links_inside():
    text = "See [disclosure.md](disclosure.md), [top](#conventions) and [app](../app.py)."
    # ../app.py from docs/ stays inside the repository, but "../" is refused anyway: paths
    # written that way look like the old links to ../shared, and docs/ needs none.
    assert outside_links(text, DEFINITIONS) == ["line 1: '../' in " + repr(text)]
    assert outside_links("See [disclosure.md](disclosure.md).", DEFINITIONS) == []
    assert outside_links("See [docs](docs/definitions.md).", ROOT / "README.md") == []


# (c) Every link reaches a file and heading of the repository

FENCE = re.compile(r"^\s*(```|~~~)")


def _outside_code(text: str) -> list[tuple[int, str]]:
    """The numbered lines of a Markdown text that are not inside a fenced code block."""
    lines, fenced = [], False
    for line_no, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((line_no, line))
    return lines


def anchors(text: str) -> set[str]:
    """The anchors a Markdown text's headings get, as GitHub makes them: lower case, the
    punctuation dropped (letters such as å stay), spaces as hyphens, a repeated one numbered."""
    found: set[str] = set()
    for _, line in _outside_code(text):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in found:
            n += 1
            anchor = f"{slug}-{n}"
        found.add(anchor)
    return found


def broken_links(text: str, where: Path) -> list[str]:
    """Relative links of a Markdown text that reach no file, or no heading of the file they
    name. Links that leave the repository are outside_links' to report."""
    found = []
    for line_no, line in _outside_code(text):
        for target in LINK_TARGET.findall(line):
            path, _, anchor = target.partition("#")
            if re.match(r"^[a-z][a-z0-9+.-]*:", path, re.IGNORECASE) or path.startswith("/"):
                continue
            file = (where.parent / path).resolve()
            if path and not file.is_file():
                found.append(f"line {line_no}: link {target!r} reaches no file")
            elif anchor and (not path or file.suffix == ".md") \
                    and anchor not in anchors(file.read_text(encoding="utf-8") if path else text):
                found.append(f"line {line_no}: link {target!r} names no heading of "
                             f"{path or 'this file'}")
    return found


def _markdown_documents() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("path", _markdown_documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_reaches_a_file_and_heading(path):
    assert broken_links(path.read_text(encoding="utf-8"), path) == []


def test_link_check_finds_missing_files_and_headings():
    readme = ROOT / "README.md"
    assert broken_links("See [gone](docs/gone.md).", readme) == [
        "line 1: link 'docs/gone.md' reaches no file"]
    assert broken_links("A ![picture](docs/images/none.png).", readme) == [
        "line 1: link 'docs/images/none.png' reaches no file"]
    assert broken_links("See [it](docs/definitions.md#no-such-heading).", readme) == [
        "line 1: link 'docs/definitions.md#no-such-heading' names no heading of "
        "docs/definitions.md"]
    assert broken_links("# Title\n\nSee [below](#elsewhere).", readme) == [
        "line 3: link '#elsewhere' names no heading of this file"]


def test_link_check_accepts_files_and_headings_that_exist():
    readme = ROOT / "README.md"
    text = ("# Title\n\n## Mål och *Handlingsprogram*: `status`\n\n"
            "See [it](docs/definitions.md#cross-cutting-conventions), [up](#title) and "
            "[here](#mål-och-handlingsprogram-status).\n\n```sh\n[not a link](nowhere.md)\n```\n")
    assert broken_links(text, readme) == []


def test_anchors_are_numbered_when_a_heading_repeats():
    assert anchors("# Tests\n## Tests\n```\n# not a heading\n```\n") == {"tests", "tests-1"}


# (d) README is the landing page

README_MAX_LINES = 150
QUICK_START = ["uv run streamlit run app.py", "uv run pytest"]


def quick_start_commands(text: str) -> list[str]:
    """The commands in the code blocks of README's "## Quick start" section."""
    commands, inside, fenced = [], False, False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line.strip() == "## Quick start"
        elif inside and FENCE.match(line):
            fenced = not fenced
        elif inside and fenced and line.strip():
            commands.append(line.strip())
    return commands


def landing_page_problems(text: str, pages: list[str]) -> list[str]:
    """What keeps a README from being a landing page: too long, a Quick start other than the
    two commands, or a page of docs/ it does not link to."""
    problems = []
    if len(text.splitlines()) >= README_MAX_LINES:
        problems.append(f"{len(text.splitlines())} lines, not under {README_MAX_LINES}")
    if quick_start_commands(text) != QUICK_START:
        problems.append(f"Quick start runs {quick_start_commands(text)}, not {QUICK_START}")
    linked = {target.partition("#")[0] for target in LINK_TARGET.findall(text)}
    problems += [f"does not link to {page}" for page in pages if page not in linked]
    return problems


def _docs_pages() -> list[str]:
    return [str(p.relative_to(ROOT)) for p in sorted(DOCS.glob("*.md"))]


def test_readme_is_a_landing_page():
    assert landing_page_problems((ROOT / "README.md").read_text(encoding="utf-8"),
                                 _docs_pages()) == []


def test_landing_page_check_finds_a_manual():
    good = ("# P\n\n## Quick start\n\n```sh\nuv run streamlit run app.py\nuv run pytest\n```\n\n"
            "See [docs/a.md](docs/a.md).\n")
    assert landing_page_problems(good, ["docs/a.md"]) == []
    assert landing_page_problems(good, ["docs/a.md", "docs/b.md"]) == ["does not link to docs/b.md"]
    three = good.replace("uv run pytest\n", "uv sync\nuv run pytest\n")
    assert landing_page_problems(three, ["docs/a.md"]) == [
        f"Quick start runs {['uv run streamlit run app.py', 'uv sync', 'uv run pytest']}, "
        f"not {QUICK_START}"]
    long = good + "More.\n" * README_MAX_LINES
    assert landing_page_problems(long, ["docs/a.md"]) == [
        f"{len(long.splitlines())} lines, not under {README_MAX_LINES}"]


# (e) Every metric documented


def test_every_metric_is_in_the_definitions():
    assert undocumented(METRICS, DEFINITIONS.read_text(encoding="utf-8")) == []


def test_documentation_check_finds_a_missing_id():
    text = "#### `turnover_excl_retirement`\n#### `headcount`\n"
    assert undocumented(["turnover", "headcount"], text) == ["turnover"]
