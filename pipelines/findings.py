"""What ingestion tells the analyst: findings (errors stop a load, warnings do not) and the
report of one batch.

Every finding names the file, the row number the user sees in Excel and the column header as
written in the file. A finding never quotes a personnummer: `Finding` masks anything shaped
like one before it is stored.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl

from pipelines.personnummer import mask_personnummer
from settings import MONTH_NAMES

ERROR, WARNING = "fel", "varning"

@dataclass(frozen=True)
class Finding:
    severity: str
    """ERROR or WARNING."""
    file: str
    row: int | None
    """Row number as shown in Excel (the text line for CSV); None for the whole file."""
    column: str | None
    """The header as written in the file (or the Swedish column name when it is missing)."""
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "file", mask_personnummer(self.file))
        object.__setattr__(self, "message", mask_personnummer(self.message))

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.file, f"rad {self.row}" if self.row else "",
                              f"kolumn {self.column}" if self.column else "") if part
        )
        return f"{where}: {self.message}"


MAX_ROW_FINDINGS = 10
"""Findings listed row by row for one rule and column; the rest are counted in one more."""


def listed(findings: Iterable[Finding], total: int) -> list[Finding]:
    """A rule's findings, row by row for the first few; the next stands for the rest, counted
    ("Samma sak på N rader till: ..."). `findings` may be lazy: only the first ones are made;
    `total` is how many there are."""
    shown = list(itertools.islice(findings, MAX_ROW_FINDINGS + 1))
    if total > MAX_ROW_FINDINGS:
        example = shown[MAX_ROW_FINDINGS]
        shown[MAX_ROW_FINDINGS] = replace(
            example, message=f"Samma sak på {total - MAX_ROW_FINDINGS} rader till: "
                             f"{example.message}")
    return shown


def row_findings(rows: list[int], severity: str, file: str, column: str | None,
                 message: str) -> list[Finding]:
    """One finding per row (Excel row numbers) for the first few; the rest in one counted
    finding."""
    return listed((Finding(severity, file, row, column, message) for row in rows), len(rows))


_MORE_ROWS = re.compile(r"^Samma sak på (\d+) rader till: (.*)$", re.DOTALL)
_MORE_UNREADABLE = re.compile(
    r"^\.\.\. och (\d+) rader till i samma kolumn som inte kan läsas som (.*)$", re.DOTALL)
_ROW_COUNT = re.compile(r"\((\d+) rader, första på rad \d+\)")
_QUOTED = re.compile(r"'.*'", re.DOTALL)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:, \d+(?:[.,]\d+)*)*")
"""A number, or a list of them (\"rad 3, 4, 7\"): one rule whatever the list's length."""


def _base(finding: Finding) -> tuple[str, int]:
    """The message without the counting prefix of a counted finding ("Samma sak på 40 rader
    till", "... och 40 rader till"), and how many occurrences the finding stands for: the rows
    it counts (also "Okänt värde 'x' (12 rader ...)"), else one."""
    message = finding.message
    if more := _MORE_ROWS.match(message):
        return more[2], int(more[1])
    if more := _MORE_UNREADABLE.match(message):
        return f"'…' kan inte läsas som {more[2]}", int(more[1])
    if counted := _ROW_COUNT.search(message):
        return message, int(counted[1])
    return message, 1


def rule_of(finding: Finding) -> tuple[str, int]:
    """The rule a finding reports, as its message with quoted values and numbers left out
    (so one rule's findings on many rows, columns and values share it), and how many
    occurrences the finding stands for."""
    message, count = _base(finding)
    return _NUMBER.sub("…", _QUOTED.sub("'…'", message)), count


@dataclass
class Rule:
    """The findings of one rule in a batch: how many occurrences, and the findings."""

    severity: str
    template: str
    """The message with quoted values and numbers left out (rule_of)."""
    count: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The message, when every finding of the rule says the same; else the template."""
        messages = {_base(f)[0] for f in self.findings}
        return messages.pop() if len(messages) == 1 else self.template

    def examples(self, limit: int) -> list[Finding]:
        """Up to `limit` findings, one per file and column first, in file order; counted
        findings ("Samma sak på ...") only when there is nothing else."""
        plain = [f for f in self.findings if not _MORE_ROWS.match(f.message)
                 and not _MORE_UNREADABLE.match(f.message)] or self.findings
        firsts, seen = [], set()
        for finding in plain:
            if (finding.file, finding.column) not in seen:
                seen.add((finding.file, finding.column))
                firsts.append(finding)
        rest = [f for f in plain if f not in firsts]
        chosen = set(map(id, (firsts + rest)[:limit]))
        return [f for f in plain if id(f) in chosen]


def rules(findings: list[Finding]) -> list[Rule]:
    """The findings grouped by rule: errors first, then warnings; within each, rules in the
    order their first finding came."""
    grouped: dict[tuple[str, str], Rule] = {}
    for finding in findings:
        text, count = rule_of(finding)
        rule = grouped.setdefault((finding.severity, text), Rule(finding.severity, text))
        rule.count += count
        rule.findings.append(finding)
    return sorted(grouped.values(), key=lambda r: r.severity != ERROR)


MISSING_SNAPSHOT_DATE = "Filen saknar mätdatum. Ange mätdatum (t.ex. 2025-11-01) och läs in igen."
"""The error of an employment extract without a snapshot date: the fix is the date, not the file."""

FIX_SNAPSHOT_DATE, FIX_MAPPING, FIX_FILE = "snapshot_date", "mapping", "file"
"""What a refused batch needs (IngestReport.fixes): a snapshot date for files without one, the
columns of files whose headers were not recognised mapped by hand, or the file corrected."""

FINDING_HEADERS = {"severity": "Allvarlighet", "file": "Fil", "row": "Rad", "column": "Kolumn",
                   "message": "Meddelande"}


@dataclass
class IngestReport:
    """The outcome of one batch of files: loaded all together, or not at all."""

    files: list[str]
    findings: list[Finding] = field(default_factory=list)
    loaded: bool = False
    rows: int = 0
    snapshot_dates: list[date] = field(default_factory=list)
    seconds: float = 0.0
    needs_snapshot_date: list[str] = field(default_factory=list)
    """Files refused only because they have no snapshot date: ask for one and load again."""
    needs_mapping: list[str] = field(default_factory=list)
    """Files refused because required columns were not recognised: map them by hand."""
    tables: dict[str, int] = field(default_factory=dict)
    """Rows loaded per canonical table."""
    readings: dict[str, str] = field(default_factory=dict)
    """How each file was read: which mapping profile (or the standard headers), which sheet."""
    profiles: dict[str, str] = field(default_factory=dict)
    """The name of the mapping profile that read each file a profile read."""
    employment_dates: list[date] = field(default_factory=list)
    """The snapshot dates of the employment extracts loaded."""
    replaced_dates: list[date] = field(default_factory=list)
    """Snapshots of the same months on other days, replaced by this load (one per month)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def findings_frame(self) -> pl.DataFrame:
        """The findings with Swedish headers, errors first, for the screen and the download."""
        frame = pl.DataFrame(
            [(f.severity, f.file, f.row, f.column, f.message) for f in self.findings],
            schema={"severity": pl.String, "file": pl.String, "row": pl.Int64,
                    "column": pl.String, "message": pl.String},
            orient="row",
        )
        return frame.sort(pl.col("severity") != ERROR, "file", "row", maintain_order=True,
                          nulls_last=False).rename(FINDING_HEADERS)

    def counts(self) -> tuple[int, int]:
        """Errors and warnings, counting each row a counted finding stands for."""
        totals = {ERROR: 0, WARNING: 0}
        for finding in self.findings:
            totals[finding.severity] = totals.get(finding.severity, 0) + rule_of(finding)[1]
        return totals[ERROR], totals[WARNING]

    def fixes(self) -> dict[str, list[str]]:
        """What stands between a refused batch and a load, in the order to do it, each with the
        files it concerns: FIX_SNAPSHOT_DATE (files without a snapshot date: give one),
        FIX_MAPPING (required columns not recognised: map them, or name a profile), FIX_FILE
        (any other error: correct the file)."""
        found: dict[str, list[str]] = {}
        for finding in self.errors:
            if finding.file in self.needs_mapping:
                kind = FIX_MAPPING
            elif finding.message == MISSING_SNAPSHOT_DATE:
                kind = FIX_SNAPSHOT_DATE
            else:
                kind = FIX_FILE
            files = found.setdefault(kind, [])
            if finding.file not in files:
                files.append(finding.file)
        return {kind: found[kind] for kind in (FIX_SNAPSHOT_DATE, FIX_MAPPING, FIX_FILE)
                if kind in found}

    def series(self, reference_month: int) -> list[str]:
        """Which series the loaded snapshots feed: the yearly indicators count the reference
        month's snapshots only, the monthly series every snapshot."""
        month = MONTH_NAMES[reference_month - 1]
        yearly = [d for d in self.employment_dates if d.month == reference_month]
        other = [d for d in self.employment_dates if d.month != reference_month]
        lines = []
        if yearly:
            lines.append(f"Årsserierna och månadsserierna ({month}uttagen): {dates_text(yearly)}.")
        if other:
            lines.append(
                f"Bara månadsserierna (antal anställda, årsarbetare, timavlönade, heltid): "
                f"{dates_text(other)}. Årsserierna bygger på {month}uttagen.")
        if self.replaced_dates:
            lines.append(f"Ersatte uttaget från samma månad: {dates_text(self.replaced_dates)}.")
        return lines

    def summary(self) -> str:
        """One line for the CLI and the upload page."""
        if self.loaded:
            # a yearly extract's period is its year (stored as the year's last day)
            snapshots = [d for d in self.snapshot_dates if d in set(self.employment_dates)]
            years = sorted({d.year for d in self.snapshot_dates if d not in snapshots})
            periods = ([f"mätdatum {dates_text(snapshots)}"] if snapshots else []) + (
                [f"år {_elided([str(year) for year in years])}"] if years else [])
            return (f"Inläst: {self.rows} rader från {len(self.files)} fil(er), "
                    f"{'; '.join(periods)} ({self.counts()[1]} varningar, "
                    f"{self.seconds:.1f} s).")
        return (f"Ingenting lästes in: {self.counts()[0]} fel i {', '.join(self.files)}. "
                "Databasen är oförändrad.")


def dates_text(dates: list[date], shown: int = 6) -> str:
    """Dates as 'YYYY-MM-DD, ...', the middle of a long run elided."""
    return _elided([d.isoformat() for d in sorted(dates)], shown, "uttag")


def _elided(text: list[str], shown: int = 6, what: str = "år") -> str:
    """'a, b, c', the middle of a list longer than `shown` elided and its length said."""
    if len(text) > shown:
        text = [*text[:3], "…", *text[-2:], f"({len(text)} {what})"]
    return ", ".join(text).replace(", (", " (")
