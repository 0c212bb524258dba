"""python -m metrics compute [METRIC_ID...] [--by DIM [DIM]] [--forvaltning NAME...]
[--monthly] [--format csv|json|xlsx] [--out PATH] [--db PATH] [--publication]: metric tables
from the store, the same views with the same protected cells as the dashboard and its Excel
export. python -m metrics pack --out FILE.pdf [--forvaltning NAME...] [--db PATH | --demo]: the
committee's meeting pack (pack/), always in publication mode. python -m metrics lonerapport
[--year YEAR] [--format json|xlsx|csv] [--output FILE] [--db PATH | --demo]: the yearly pay-gap
report of the Pay Transparency Directive, Art. 9(1)(a)-(g) (metrics/pay_export.py). python -m
metrics lonekartlaggning [--year YEAR] --out FILE.pdf [--db PATH | --demo]: the pay survey's
written documentation (pack/pay_survey.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import polars as pl

# Swedish names a user may type for a breakdown, mapped to the canonical one.
BY_ALIASES = {"forvaltning": "forvaltning", "förvaltning": "forvaltning",
              "gender": "gender", "kön": "gender", "kon": "gender",
              "occupation": "occupation", "yrke": "occupation", "ssyk": "occupation",
              "age_band": "age_band", "alder": "age_band", "ålder": "age_band",
              "years_to_retirement": "years_to_retirement",
              "core_service": "core_service", "karnverksamhet": "core_service",
              "kärnverksamhet": "core_service"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    compute = sub.add_parser("compute", help="beräkna nyckeltal")
    compute.add_argument("metric_ids", nargs="*", metavar="METRIC_ID")
    compute.add_argument("--by", nargs="+", default=[], metavar="DIM",
                         help="uppdelning: en, eller förvaltning och en till (två led)")
    compute.add_argument("--forvaltning", nargs="+", metavar="NAMN",
                         help="bara dessa förvaltningar (som filtret i instrumentpanelen)")
    compute.add_argument("--monthly", action="store_true",
                         help="varje mätdatum i stället för referensmånadens (bara nyckeltal "
                              "med månadsserie)")
    compute.add_argument("--format", choices=("csv", "json", "xlsx"), default="csv")
    compute.add_argument("--out", type=Path)
    compute.add_argument("--db", type=Path)
    compute.add_argument("--demo", action="store_true",
                         help="exempelkommunens databas i stället för kommunens egen")
    compute.add_argument("--publication", action="store_true",
                         help="avrunda antal och löner som SCB (publiceringsläge)")
    sub.add_parser("list", help="lista nyckeltalen")
    kolada_cmd = sub.add_parser("kolada", help="läs in Koladas värden: en nedladdad fil "
                                "(JSON, CSV, xlsx) eller --fetch från Koladas API")
    kolada_cmd.add_argument("file", nargs="?", type=Path, metavar="FIL")
    kolada_cmd.add_argument("--fetch", action="store_true", help="hämta från Koladas API")
    kolada_cmd.add_argument("--db", type=Path)
    kolada_cmd.add_argument("--demo", action="store_true",
                            help="exempelkommunens databas i stället för kommunens egen")
    pack = sub.add_parser("pack", help="sammanträdesunderlag som PDF (publiceringsläge)")
    pack.add_argument("--out", type=Path, required=True, metavar="FIL.pdf")
    pack.add_argument("--forvaltning", nargs="+", metavar="NAMN",
                      help="bara dessa förvaltningar (som filtret i instrumentpanelen)")
    pack.add_argument("--db", type=Path)
    pack.add_argument("--demo", action="store_true",
                      help="exempelkommunens databas i stället för kommunens egen")
    pay = sub.add_parser(
        "lonerapport", help="lönerapporten: löneskillnader mellan kvinnor och män enligt "
        "lönetransparensdirektivet, artikel 9.1 a–g",
        description="Lönerapporten för ett år: löneskillnader mellan kvinnor och män enligt "
        "EU:s lönetransparensdirektiv (2023/970), artikel 9.1 a–g. Alla uppgifter visas; en "
        "uppgift som vilar på för få personer har en anmärkning. Felkod 2 när året saknar "
        "lönedata.")
    pay.add_argument("--year", type=int, metavar="ÅR",
                     help="året rapporten gäller (standard: det senaste året med lönedata)")
    pay.add_argument("--format", choices=("json", "xlsx", "csv"), default="json",
                     help="json (standard), xlsx (arbetsbok till DO och de fackliga "
                          "organisationerna) eller csv (semikolon, decimalkomma, UTF-8 med BOM)")
    pay.add_argument("--output", "--out", type=Path, metavar="FIL",
                     help="skriv rapporten till FIL. Utan --output skrivs json och csv till "
                          "standard ut och xlsx till lonerapport-ÅR.xlsx i aktuell mapp; "
                          "filens namn skrivs på standard fel")
    where = pay.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, metavar="FIL",
                       help="databasen (standard: kommunens egen)")
    where.add_argument("--demo", action="store_true",
                       help="exempelkommunens databas i stället för kommunens egen")
    survey = sub.add_parser(
        "lonekartlaggning", help="lönekartläggningens skriftliga dokumentation som PDF",
        description="Lönekartläggningen för ett år som PDF: grupper av lika arbete, "
        "kvinnodominerade grupper jämförda med likvärdiga, registrerade förklaringar och "
        "åtgärder och uppföljningen av förra årets åtgärder. Felkod 2 när året saknar lönedata.")
    survey.add_argument("--year", type=int, metavar="ÅR",
                        help="året kartläggningen gäller (standard: det senaste året med lönedata)")
    survey.add_argument("--out", type=Path, required=True, metavar="FIL.pdf")
    where = survey.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, metavar="FIL",
                       help="databasen (standard: kommunens egen)")
    where.add_argument("--demo", action="store_true",
                       help="exempelkommunens databas i stället för kommunens egen")
    return parser


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from metrics import registry

    if args.command == "list":
        for metric in registry.METRICS.values():
            print(f"{metric.id}\t{metric.label_sv}")
        return 0
    if args.command == "kolada":
        return _kolada(args)
    if args.command in ("lonerapport", "lonekartlaggning"):
        return _pay_report(args)

    import settings

    if args.db or args.demo:
        os.environ["PERSONALPANELEN_DB"] = str(args.db or settings.get().demo_db_path)
    import store
    from metrics.compute import compute_many
    from metrics.export import csv_safe, workbook_bytes

    if args.command == "pack":
        import pack

        db_path = settings.get().db_path
        if not db_path.exists():
            raise FileNotFoundError(
                f"Databasen {db_path} finns inte. Läs in data först: python -m pipelines demo"
            )
        try:
            pdf = pack.build(_within_limits(store.connect_command(db_path, read_only=True)),
                             forvaltningar=args.forvaltning)
        except pack.PackError as exc:
            raise ValueError(str(exc)) from exc
        args.out.write_bytes(pdf)
        print(f"Skrev {args.out}", file=sys.stderr)
        return 0

    metric_ids = args.metric_ids or list(registry.METRICS)
    for metric_id in metric_ids:
        registry.get(metric_id)
    unknown_by = [b for b in args.by if b.lower() not in BY_ALIASES]
    if unknown_by:
        allowed = ", ".join(sorted(set(BY_ALIASES.values())))
        raise ValueError(f"Okänd uppdelning {', '.join(unknown_by)} (möjliga: {allowed})")
    by = [BY_ALIASES[b.lower()] for b in args.by]

    db_path = settings.get().db_path
    if not db_path.exists():
        raise FileNotFoundError(
            f"Databasen {db_path} finns inte. Läs in data först: python -m pipelines demo"
        )
    con = _within_limits(store.connect_command(db_path, read_only=True))
    if args.format == "xlsx":
        if not args.out:
            raise ValueError("--format xlsx kräver --out FIL.xlsx")
        args.out.write_bytes(workbook_bytes(con, metric_ids, forvaltningar=args.forvaltning,
                                            publication=args.publication))
        print(f"Skrev {args.out}", file=sys.stderr)
        return 0

    if args.monthly:
        yearly = [m for m in metric_ids if not registry.get(m).monthly]
        if args.metric_ids and yearly:
            raise ValueError(f"{', '.join(yearly)} räknas bara per år. Månadsserier finns för "
                             + ", ".join(m.id for m in registry.METRICS.values() if m.monthly))
        metric_ids = [m for m in metric_ids if registry.get(m).monthly]
    table = compute_many(con, metric_ids, by=by, forvaltningar=args.forvaltning,
                         publication=args.publication, monthly=args.monthly)
    table = table.rename(dict(zip(by, args.by, strict=True)))
    table = csv_safe(table.with_columns(pl.col("snapshot_date").dt.strftime("%Y-%m-%d")))
    text = table.write_csv() if args.format == "csv" else table.write_json()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _within_limits(con):
    """The store, unless it holds a load beyond the limits (made before they existed), whose
    figures would take the disclosure model minutes: validate.stored_over_limits says which."""
    from pipelines import validate

    over = validate.stored_over_limits(con)
    if over:
        raise ValueError(" ".join(over))
    return con


def _kolada(args) -> int:
    """Kolada's values into the store (metrics/kolada.py), audited under the login name."""
    import getpass

    import settings
    import store
    from metrics import kolada

    if bool(args.file) == bool(args.fetch):
        raise ValueError("Ange antingen en fil eller --fetch")
    db_path = args.db or (settings.get().demo_db_path if args.demo else settings.get().db_path)
    con = store.connect_command(db_path)
    actor = (f"cli:{getpass.getuser()}", "analyst")
    if args.fetch:
        report = kolada.import_api(con, actor=actor)
    else:
        report = kolada.import_file(con, args.file.name, args.file.read_bytes(), actor=actor)
    print(f"Inläst: {report.summary()}", file=sys.stderr)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    return 0


def _pay_report(args) -> int:
    """The pay-gap report of a year (metrics/pay_export.py), from the store opened read-only:
    JSON or CSV to stdout or --output, the workbook to --output or lonerapport-YEAR.xlsx; or
    (lonekartlaggning) the pay survey's PDF to --out. A year without pay data is a ValueError
    naming the years there are (exit 2)."""
    import settings
    import store
    from metrics import pay_export, pay_transparency

    db_path = args.db or (settings.get().demo_db_path if args.demo else settings.get().db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"Databasen {db_path} finns inte. Läs in ett löneuttag först: "
                                "python -m pipelines ingest FIL")
    con = store.connect_command(db_path, read_only=True)
    try:
        year = pay_export.report_year(con, args.year)
        if args.command == "lonekartlaggning":
            from pack import PackError, pay_survey

            args.output, args.format = args.out, "pdf"
            try:
                data = pay_survey.survey_pdf(con, year)
            except PackError as exc:
                raise ValueError(str(exc)) from exc
        elif args.format == "xlsx":
            data = pay_export.report_xlsx(con, year)
        elif args.format == "csv":
            data = pay_export.report_csv(con, year)
        else:
            report = pay_transparency.report(con, year)
            data = (json.dumps(report.json(), ensure_ascii=False, indent=2) + "\n").encode()
    finally:
        con.close()
    out = args.output or (Path(f"lonerapport-{year}.xlsx") if args.format == "xlsx" else None)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        print(f"Skrev {out}", file=sys.stderr)
    return 0


def main() -> None:
    from metrics.registry import UnknownMetricError
    from store import StoreLockedError

    try:
        sys.exit(run(sys.argv[1:]))
    except (UnknownMetricError, StoreLockedError, ValueError, FileNotFoundError, OSError) as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
