"""Command line: python -m pipelines ingest FILE... | demo, on the same code path as the upload.

Exit codes: 0 loaded, 1 refused (the findings are printed; the store is unchanged),
2 the command itself could not run (bad arguments, store locked, file not found).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import profiles, sandbox

if TYPE_CHECKING:
    from pipelines.findings import IngestReport

EXAMPLES_PER_RULE = 3
"""Findings printed as examples of one rule; the rest are counted."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inget datum (ÅÅÅÅ-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines",
                                     description="Läs in HR-uttag i Personalpanelen.")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest_cmd = commands.add_parser("ingest", help="läs in en eller flera filer (.xlsx/.csv)")
    ingest_cmd.add_argument("files", nargs="+", metavar="FILE")
    ingest_cmd.add_argument("--snapshot-date", type=_date, default=None,
                            help="mätdatum för filer utan mätdatumkolumn (ÅÅÅÅ-MM-DD)")
    ingest_cmd.add_argument("--db", default=None, help="databasfil (annars standardlagret)")
    ingest_cmd.add_argument("--profile", default=None, metavar="NAME|PATH",
                            help="mappningsprofil (inbyggd: " + ", ".join(
                                p.stem for p in sorted(profiles.FOLDER.glob("*.toml")))
                            + "; eller en .toml-fil)")
    demo_cmd = commands.add_parser("demo", help="skapa och läs in exempelkommunen")
    demo_cmd.add_argument("--db", default=None)
    demo_cmd.add_argument("--monthly", action="store_true",
                          help="varje månads uttag, november 2018 till november 2025, i "
                               "stället för bara novemberuttagen")
    return parser


def _print(report: IngestReport) -> None:
    """How each file was read; the findings by rule, errors first, each rule with its count
    and a few examples (file, Excel row, column); a count line; the outcome."""
    from pipelines.findings import ERROR, rules

    for file, reading in report.readings.items():
        print(f"{file}: läst med {reading}.", file=sys.stderr)
    grouped = rules(report.findings)
    for rule in grouped:
        print(f"{rule.severity.upper()} ({rule.count}): {rule.text}", file=sys.stderr)
        examples = rule.examples(EXAMPLES_PER_RULE)
        for finding in examples:
            print(f"  {finding}", file=sys.stderr)
        shown = len(examples)
        if rule.count > shown:
            print(f"  … och {rule.count - shown} till.", file=sys.stderr)
    if grouped:
        errors, warnings = report.counts()
        error_rules = sum(r.severity == ERROR for r in grouped)
        warning_rules = len(grouped) - error_rules
        print(f"Totalt: {_counted(errors, 'fel', 'fel', error_rules)}, "
              f"{_counted(warnings, 'varning', 'varningar', warning_rules)}.", file=sys.stderr)
    print(report.summary(), file=sys.stdout if report.loaded else sys.stderr)
    if report.loaded:
        import settings

        for line in report.series(settings.get().reference_month):
            print(line)


def _counted(n: int, one: str, many: str, rules: int) -> str:
    text = f"{n} {one if n == 1 else many}"
    return text + (f" ({rules} {'regel' if rules == 1 else 'regler'})" if rules else "")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The parsing child starts now, while this process loads polars and DuckDB.
    if args.command == "ingest":
        missing = [f for f in args.files if not Path(f).is_file()]
        if missing:
            print(f"Fel: filen finns inte: {', '.join(missing)}", file=sys.stderr)
            return 2
        workbooks = [Path(f).read_bytes() for f in args.files
                     if Path(f).suffix.lower() in sandbox.SUFFIXES]
        if workbooks:  # (CSV files alone need no child)
            sandbox.prestart(workbooks)
    else:
        sandbox.prestart()  # the demo writes its workbooks first
    import store
    from pipelines.load import ingest, load_demo

    try:
        con = store.connect(args.db)
    except (store.StoreLockedError, OSError) as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "demo":
            report = load_demo(con, monthly=args.monthly)
        else:
            profile = profiles.load(args.profile) if args.profile else None
            if profile is None:  # a broken profile file is skipped, not a stop
                for skipped in profiles.broken():
                    print(f"VARNING: profilfilen {skipped.path} hoppades över: "
                          f"{skipped.message}", file=sys.stderr)
            report = ingest(con, args.files, snapshot_date=args.snapshot_date, source="cli",
                            profile=profile)
    except profiles.ProfileError as exc:
        print(f"Fel: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    finally:
        con.close()
    _print(report)
    return 0 if report.loaded else 1


if __name__ == "__main__":
    sys.exit(main())
