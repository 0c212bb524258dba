"""The documentation and the users' "Källa" texts stay inside the repository and name real sources.

- Every metric's source names an official body or law in Swedish, never an internal file.
- README.md and docs/ link nowhere outside the repository (no ../, no web links).
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


# (c) Every metric documented


def test_every_metric_is_in_the_definitions():
    assert undocumented(METRICS, DEFINITIONS.read_text(encoding="utf-8")) == []


def test_documentation_check_finds_a_missing_id():
    text = "#### `turnover_excl_retirement`\n#### `headcount`\n"
    assert undocumented(["turnover", "headcount"], text) == ["turnover"]
