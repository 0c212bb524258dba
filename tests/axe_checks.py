"""axe-core in the real-browser tests (issue 24): the WCAG 2.1 A and AA rules on a page as
shown now, with Debian's chromium (axe-playwright-python carries axe-core)."""

from __future__ import annotations

import sys

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # axe-core's tags for its rules
FAILING_IMPACTS = ("serious", "critical")


def _short(html: str) -> str:
    html = " ".join(html.split())
    return html if len(html) <= 110 else html[:107] + "..."


def violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page, a line per rule
    with up to three of its elements; the moderate and minor ones are printed on stderr."""
    result = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    found = []
    for violation in result.response["violations"]:
        nodes = violation["nodes"]
        line = (f"tillgänglighet: {violation['id']} ({violation['impact']}, {len(nodes)} st.): "
                f"{violation['help']}: " + " | ".join(_short(n["html"]) for n in nodes[:3]))
        if violation["impact"] in FAILING_IMPACTS:
            found.append(line)
        else:
            print(f"  note: {line}", file=sys.stderr)
    return found
