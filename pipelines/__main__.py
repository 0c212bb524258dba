"""Command line: python -m pipelines ingest FILE... | inbox | demo | delete LOAD_ID | purge |
erase ID | compact | derive, on the same code path as the dashboard.

Exit codes: 0 done, 1 refused (the findings or the reason are printed; the store is
unchanged), 2 the command itself could not run (bad arguments, store locked, file not found).
The audit log names the command line's user as `cli:<login name>`, role admin: whoever can run
it can read the store file.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import profiles, sandbox, visible

if TYPE_CHECKING:
    from pipelines.findings import IngestReport

EXAMPLES_PER_RULE = 3
"""Findings printed as examples of one rule; the rest are counted."""
# What to do about a refused batch (IngestReport.fixes), as the CLI does it.
FIX_ADVICE = {
    "snapshot_date": "Ange mätdatum för {files} med --snapshot-date ÅÅÅÅ-MM-DD och läs in igen.",
    "mapping": ("Kolumnerna i {files} känns inte igen: ange en profil med --profile, eller "
                "koppla kolumnerna på sidan Ladda upp (profilen sparas och används sedan här "
                "också)."),
    "file": "Rätta felen i {files} och läs in igen.",
}


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
    demo_cmd = commands.add_parser(
        "demo", help="skapa och läs in exempelkommunen (i en egen databas, "
                     "data/curated/exempelkommun.duckdb, om inte --db anges)")
    demo_cmd.add_argument("--db", default=None)
    demo_cmd.add_argument("--monthly", action="store_true",
                          help="varje månads uttag, november 2015 till november 2025 (tio år, "
                               "121 uttag), i stället för bara novemberuttagen")
    delete_cmd = commands.add_parser(
        "delete", help="ta bort en inläsning; perioden återgår till den förra inläsningen")
    delete_cmd.add_argument("load_id", type=int, metavar="LOAD_ID",
                            help="inläsningens nummer (i inläsningsloggen)")
    delete_cmd.add_argument("--db", default=None)
    purge_cmd = commands.add_parser(
        "purge", help="rensa råarkivet från originalfiler äldre än lagringstiden "
                      "(PERSONALPANELEN_RETENTION_DAYS)")
    purge_cmd.add_argument("--db", default=None)
    erase_cmd = commands.add_parser(
        "erase", help="radera en persons uppgifter ur databasen (personnummer eller, med "
                      "--person-id, personens id)")
    erase_cmd.add_argument("identity", metavar="PERSONNUMMER|ID",
                           help="- läser den från standard in (syns då inte i processlistan)")
    erase_cmd.add_argument("--person-id", action="store_true",
                           help="identiteten är ett person-id, inte ett personnummer")
    erase_cmd.add_argument("--archive", action="store_true",
                           help="ta också bort alla originalfiler i råarkivet")
    erase_cmd.add_argument("--db", default=None)
    compact_cmd = commands.add_parser(
        "compact", help="skriv om databasfilen så att borttagna rader inte finns kvar i den "
                        "(erase och delete gör det själva; kör den efter en borttagning i "
                        "instrumentpanelen)")
    compact_cmd.add_argument("--db", default=None)
    derive_cmd = commands.add_parser(
        "derive", help="bygg de förberäknade persontabellerna som saknas (en databas från en "
                       "äldre version, eller ett ändrat nyckeltal); en inläsning gör det själv")
    derive_cmd.add_argument("--db", default=None)
    inbox_cmd = commands.add_parser(
        "inbox", help="läs in filerna i inkorgen (data/inbox) som en inläsning; en avvisad "
                      "inläsning flyttas till inkorgens mapp avvisade/ med en rapport")
    inbox_cmd.add_argument("--folder", type=Path, default=None,
                           help="en annan inkorg än data/inbox")
    inbox_cmd.add_argument("--db", default=None)
    return parser


def _actor() -> tuple[str, str]:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        login = "okänd"
    return f"cli:{login}", "admin"


def _rewritten(con) -> int:
    """Rewrite the store file (store.rewrite, which closes `con`) so that removed rows leave
    it; 2 when it cannot (the change before it stands)."""
    import store

    started = time.perf_counter()
    try:
        store.rewrite(con)
    except store.RewriteError as exc:
        print(f"Fel: {exc} Borttagna rader kan finnas kvar i filen: kör python -m pipelines "
              "compact när felet är åtgärdat.", file=sys.stderr)
        return 2
    print(f"Databasfilen är omskriven på {time.perf_counter() - started:.1f} s: borttagna "
          "rader finns inte kvar i den.")
    return 0


def _inbox(con, args) -> int:
    """Load the inbox's ready files (pipelines/inbox.py): 0 when loaded or none was ready,
    1 when refused (moved to avvisade/, with its report)."""
    import settings
    from pipelines import inbox

    folder = args.folder or settings.get().inbox_dir
    run = inbox.take(con, folder, _actor())
    for path in run.settling:
        print(f"{visible.text(path.name)} ändrades nyss och läses in nästa gång.",
              file=sys.stderr)
    if run.report is None:
        print(f"Inkorgen {folder} har inga filer att läsa in.")
        return 0
    _print(run.report)
    if run.refused_to is not None:
        print(f"Filerna flyttades till {run.refused_to} med rapport.txt.", file=sys.stderr)
        return 1
    return 0


def _derived(con) -> int:
    """Build the derived person tables the store lacks (metrics.persons.ready), a line per
    table on stderr."""
    from metrics import persons

    started = time.perf_counter()
    lacking = persons.missing(con)
    if not lacking:
        print("De förberäknade tabellerna är redan kompletta: inget att bygga.")
        return 0

    def progress(done: int, of: int, name: str) -> None:
        print(f"Bygger tabell {done + 1} av {of} ({name}), "
              f"{time.perf_counter() - started:.0f} s …", file=sys.stderr)

    persons.ready(con, progress)
    print(f"Byggde {len(lacking)} förberäknade tabeller på {time.perf_counter() - started:.1f} s.")
    return 0


def _lifecycle(con, args) -> int:
    """delete, purge, erase, compact or derive: prints what was done, in Swedish (never the
    identity).
    erase and delete rewrite the store file afterwards (their rows would stay in its free
    blocks); purge removes archived files only."""
    import settings
    from pipelines import lifecycle

    if args.command == "erase":
        try:
            identity = sys.stdin.readline() if args.identity == "-" else args.identity
            removed = lifecycle.erase_person(con, identity, _actor(),
                                             person_id=args.person_id, archive=args.archive)
        except ValueError as exc:
            print(f"Fel: {exc}", file=sys.stderr)
            return 1
        print(f"Tog bort {sum(removed.values())} rader för personen ("
              + ", ".join(f"{table} {n}" for table, n in removed.items()) + ").")
        if not args.archive:
            print("Råarkivets originalfiler kan innehålla personen tills de rensas "
                  "(python -m pipelines purge, eller erase --archive).")
        return _rewritten(con)
    if args.command == "delete":
        try:
            print(lifecycle.delete_load(con, args.load_id, _actor()).summary())
        except lifecycle.DeleteRefused as exc:
            print(f"Fel: {exc}", file=sys.stderr)
            return 1
        return _rewritten(con)
    if args.command == "compact":
        return _rewritten(con)
    if args.command == "derive":
        return _derived(con)
    days = lifecycle.retention_days(con)
    removed = lifecycle.purge(con, _actor())
    if days <= 0:
        print("Råarkivet sparas utan tidsgräns (PERSONALPANELEN_RETENTION_DAYS=0): "
              "inget togs bort.")
    elif not removed:
        print(f"Inga filer i råarkivet är äldre än {days} dagar: inget togs bort.")
    else:
        print(f"Tog bort {len(removed)} {'fil' if len(removed) == 1 else 'filer'} äldre än "
              f"{days} dagar ur råarkivet {settings.get().raw_dir}:")
        for path in removed:
            print(f"  {path.name}")
    return 0


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
    for kind, files in report.fixes().items():
        print(FIX_ADVICE[kind].format(files=", ".join(files)), file=sys.stderr)
    if report.loaded:
        import settings

        for line in report.series(settings.get().reference_month):
            print(line)


def _counted(n: int, one: str, many: str, rules: int) -> str:
    text = f"{n} {one if n == 1 else many}"
    return text + (f" ({rules} {'regel' if rules == 1 else 'regler'})" if rules else "")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import settings

    try:
        settings.get()
    except settings.SettingsError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
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
    elif args.command == "demo":
        sandbox.prestart()  # the demo writes its workbooks first
    import duckdb

    import settings
    import store
    from pipelines.load import ingest, load_demo

    # The demo has a store of its own, so that it never shares a trend with real loads.
    db = args.db or (settings.get().demo_db_path if args.command == "demo" else None)
    try:
        con = store.connect_command(db)
    except (store.StoreLockedError, OSError) as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command in ("delete", "purge", "erase", "compact", "derive"):
            return _lifecycle(con, args)
        if args.command == "inbox":
            return _inbox(con, args)
        if args.command == "demo":
            report = load_demo(con, monthly=args.monthly, actor=_actor())
        else:
            profile = profiles.load(args.profile) if args.profile else None
            if profile is None:  # a broken profile file is skipped, not a stop
                for skipped in profiles.broken():
                    print(f"VARNING: profilfilen {visible.text(str(skipped.path))} hoppades över: "
                          f"{skipped.message}", file=sys.stderr)
            report = ingest(con, args.files, snapshot_date=args.snapshot_date, source="cli",
                            profile=profile, actor=_actor())
    except (profiles.ProfileError, OSError) as exc:
        print(f"Fel: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except duckdb.OutOfMemoryException:
        print("Fel: inläsningen fick inte plats i minnesgränsen "
              f"({settings.get().command_memory_limit}); ingenting lästes in. Höj "
              "PERSONALPANELEN_COMMAND_MEMORY_LIMIT eller läs in färre filer åt gången.",
              file=sys.stderr)
        return 2
    finally:
        con.close()
    _print(report)
    return 0 if report.loaded else 1


if __name__ == "__main__":
    sys.exit(main())
