"""What a PDF declares and what a PDF/UA checker finds in it (issue 24): the committee's papers
are archived (PDF/A) and read by everyone (PDF/UA)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pdfua
import pikepdf


def ua_errors(data: bytes) -> list[str]:
    """The PDF/UA checker's errors (pdfua, rule id and message)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checked.pdf"
        path.write_bytes(data)
        found = pdfua.validate(str(path)).findings
    return [f"{f.rule_id}: {f.message}" for f in found if f.severity == pdfua.Severity.ERROR]


def declared(data: bytes) -> dict[str, str | None]:
    """The standards and title the PDF's XMP metadata declares."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        return {key: meta.get(key) for key in
                ("pdfaid:part", "pdfaid:conformance", "pdfuaid:part", "dc:title")}


def figure_alts(data: bytes) -> list[str]:
    """The alternative texts in the structure tree, in document order."""
    alts: list[str] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/Alt" in node:
                alts.append(str(node.Alt))
            if "/K" in node:
                walk(node.K)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return alts
