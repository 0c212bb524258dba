"""Canonical frame -> findings. Pure: errors stop the load, warnings are shown and loaded.

Every check is a row predicate with a severity and a Swedish message; a finding names the Excel
row (`row`) and the column as the file writes it. The rules follow metric-definitions.md §3.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

import store
from pipelines import pseudonymise, schema
from pipelines.findings import ERROR, WARNING, Finding, listed, row_findings
from pipelines.normalise import ROW, Table
from pipelines.pseudonymise import PERSON_ID, PNR, PNR_PROBLEM, PROBLEMS

SALARY_BAND = (15_000, 150_000)
"""Plausible full-time monthly salaries (kr); outside it is a warning, not an error."""


@dataclass(frozen=True)
class Check:
    severity: str
    column: str
    """The canonical column the finding names."""
    condition: pl.Expr
    """True on the rows that break the rule."""
    message: str
    needs: tuple[str, ...] = ()
    """Canonical columns the check reads (it is skipped when the extract lacks one)."""


def _range(column: str, low: float, high: float | None, what: str) -> Check:
    above = pl.col(column) > high if high is not None else pl.lit(False)
    limit = f"mellan {low:g} och {high:g}" if high is not None else f"minst {low:g}"
    return Check(ERROR, column, (pl.col(column) < low) | above, f"{what} måste vara {limit}.",
                 (column,))


_EMPLOYMENT_CHECKS = (
    _range("contracted_rate", 0, 100, "Sysselsättningsgraden"),
    _range("actual_rate", 0, 100, "Den faktiska sysselsättningsgraden"),
    _range("monthly_salary_fte", 0, None, "Lönen"),
    _range("monthly_salary_actual", 0, None, "Lönen"),
    _range("hourly_wage", 0, None, "Timlönen"),
    _range("hours_worked_month", 0, 744, "Antalet arbetade timmar i månaden"),
    Check(WARNING, "monthly_salary_fte",
          (pl.col("pay_form") == "monthly")
          & ~pl.col("monthly_salary_fte").is_between(*SALARY_BAND)
          & (pl.col("monthly_salary_fte") > 0),
          f"Heltidslönen ligger utanför {SALARY_BAND[0]:,}-{SALARY_BAND[1]:,} kr; kontrollera att "
          "det är en månadslön vid heltid.".replace(",", " "), ("monthly_salary_fte",)),
    Check(WARNING, "actual_rate", pl.col("actual_rate") > pl.col("contracted_rate"),
          "Den faktiska sysselsättningsgraden är högre än den avtalade.",
          ("actual_rate", "contracted_rate")),
    Check(WARNING, "contracted_rate",
          (pl.col("pay_form") == "monthly")
          & (pl.col("contracted_rate").filter(pl.col("pay_form") == "monthly").sum()
             .over("snapshot_date", "person_key") > 100)
          & (pl.col(ROW) == pl.col(ROW).min().over("snapshot_date", "person_key")),
          "Personens sysselsättningsgrader (månadsavlönade anställningar) är tillsammans över "
          "100 %. Heltidsandelen räknar personen som heltid.", ("contracted_rate",)),
    # Issue 13 (M10, M11): a plan or dialogue dated after the snapshot date is not counted,
    # and a successor is only counted for a key position.
    *(Check(WARNING, column, pl.col(column) > pl.col("snapshot_date"),
            f"{what} efter mätdagen och räknas inte.", (column, "snapshot_date"))
      for column, what in (("development_plan_date", "Utvecklingsplanen är daterad"),
                           ("dialogue_date", "Medarbetarsamtalet är daterat"))),
    Check(WARNING, "successor", pl.col("successor") & ~pl.col("key_position"),
          "Efterträdare är angiven för en anställning som inte är en nyckelbefattning; den "
          "räknas inte.", ("successor", "key_position")),
    # Issue 13 (M14): career steps are followed up for monthly-paid staff.
    Check(WARNING, "career_step", (pl.col("pay_form") == "hourly")
          & pl.col("career_step").is_not_null(),
          "Karriärsteg på en timavlönad anställning räknas inte: karriärstegen följs upp för "
          "månadsavlönade.", ("career_step", "pay_form")),
)

_ABSENCE_CHECKS = (
    _range("ordinary_hours", 0, 8784, "Ordinarie arbetstid"),
    _range("sick_hours", 0, None, "Sjukfrånvaron"),
    _range("sick_hours_long", 0, None, "Långtidssjukfrånvaron"),
    Check(WARNING, "sick_hours", pl.col("sick_hours") > pl.col("ordinary_hours"),
          "Sjukfrånvaron är större än den ordinarie arbetstiden.",
          ("sick_hours", "ordinary_hours")),
    Check(ERROR, "sick_hours_long", pl.col("sick_hours_long") > pl.col("sick_hours"),
          "Långtidssjukfrånvaron kan inte vara större än hela sjukfrånvaron.",
          ("sick_hours_long", "sick_hours")),
)

_HME_CHECKS = (
    *(_range(c, 0, 100, "Indexvärdet") for c in ("motivation", "ledarskap", "styrning",
                                                 "hme_total")),
    _range("n_respondents", 0, None, "Antal svarande"),
    Check(WARNING, "n_respondents", pl.col("n_respondents") > pl.col("n_invited"),
          "Fler svarande än inbjudna.", ("n_respondents", "n_invited")),
)

CHECKS = {"employment": _EMPLOYMENT_CHECKS, "absence_year": _ABSENCE_CHECKS,
          "hme_result": _HME_CHECKS}

KEYS = {"employment": ("snapshot_date", "employment_id"), "absence_year": ("year", "person_key"),
        "hme_result": ("year", "unit")}


def validate(frame: pl.DataFrame, table: Table) -> list[Finding]:
    """Findings about one file's canonical rows (after pseudonymisation)."""
    name = table.extract.table
    file = table.grid.file
    findings = _personnummer(frame, table) + _birth_year(frame, table)
    for check in CHECKS[name]:
        if all(c in frame.columns for c in check.needs):
            broken = frame.filter(check.condition.fill_null(False))[ROW].to_list()
            findings += row_findings(broken, check.severity, file,
                                     _header(table, check.column), check.message)
    if name not in schema.SUMMED_PER_PERSON:  # a person's rows are added up when loaded
        findings += _duplicates(frame, table, KEYS[name])
    return findings


def _header(table: Table, column: str) -> str:
    label = {c.name: c.label_sv for c in table.extract.columns}.get(column, column)
    return table.headers.get(column, label)


def _identity(table: Table) -> str:
    """The column that identifies the person: the personnummer when the file has one."""
    return PNR if PNR in table.columns or PERSON_ID not in table.columns else PERSON_ID


def _personnummer(frame: pl.DataFrame, table: Table) -> list[Finding]:
    if PNR_PROBLEM not in frame.columns:
        return []
    findings = []
    for problem, text in PROBLEMS.items():
        rows = frame.filter(pl.col(PNR_PROBLEM) == problem)[ROW].to_list()
        message = (f"Personnumret {text}." if _identity(table) == PNR
                   else "Person-id saknas på raden.")
        findings += row_findings(rows, ERROR, table.grid.file, _header(table, _identity(table)),
                                 message)
    return findings


def _birth_year(frame: pl.DataFrame, table: Table) -> list[Finding]:
    """A birth year from the file's own column (not from a personnummer) must be one a person
    employed (or on sick leave) in the period can have: at most 100 years back, not after it."""
    if PNR in table.columns or "birth_year" not in frame.columns:
        return []
    period = (pl.col("snapshot_date").dt.year() if "snapshot_date" in frame.columns
              else pl.col("year"))
    wrong = frame.filter(((pl.col("birth_year") > period)
                          | (pl.col("birth_year") < period - 100)).fill_null(False))
    column = "birth_year" if "birth_year" in table.columns else "birth_date"
    return row_findings(wrong[ROW].to_list(), ERROR, table.grid.file, _header(table, column),
                        "Födelseåret är orimligt: det ligger efter perioden eller mer än 100 år "
                        "före den.")


_STRAY_KINDS = (schema.TEXT, schema.CODE, schema.PERSON_ID)


def stray_personnummer(frame: pl.DataFrame, table: Table) -> list[Finding]:
    """A personnummer (or samordningsnummer) in a column that should not hold one: an
    employment id, the person id, a title or a name. Run on the canonical rows before
    pseudonymisation; the findings never quote the number."""
    kinds = {c.name: c.kind for c in table.extract.columns}
    columns = [name for name in frame.columns if kinds.get(name) in _STRAY_KINDS
               and frame.schema[name] == pl.String]
    found = pseudonymise.stray_personnummer(frame, columns, ROW, date.today().year)
    findings = []
    for column in columns:
        rows = found.filter(pl.col("column") == column)[ROW].to_list()
        header = _header(table, column)
        findings += row_findings(
            rows, ERROR, table.grid.file, header,
            f"Kolumnen {header} innehåller ett personnummer eller samordningsnummer, som "
            "inte får sparas här. Ta bort numret, eller ge kolumnen rubriken Personnummer om "
            "den är personnumret, och läs in filen igen.")
    return findings


def _duplicates(frame: pl.DataFrame, table: Table, key: tuple[str, ...]) -> list[Finding]:
    if not set(key) <= set(frame.columns):
        return []
    repeated = (
        frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
        .group_by(key).agg(pl.col(ROW).sort())
        .filter(pl.col(ROW).list.len() > 1)
        .sort(pl.col(ROW).list.first())
    )
    what = {"employment_id": "Anställningsnumret", "person_key": "Personen",
            "unit": "Enheten"}[key[1]]
    column = key[1] if key[1] != "person_key" else _identity(table)
    groups = repeated[ROW].to_list()

    def finding(rows: list[int]) -> Finding:
        return Finding(ERROR, table.grid.file, rows[1], _header(table, column),
                       f"{what} finns på flera rader för samma period (rad "
                       f"{', '.join(map(str, rows[:5]))}{' …' if len(rows) > 5 else ''}).")

    return listed(map(finding, groups), len(groups))


# --- issue 13: the training extract and the crisis-placement register ---------------------------

CHECKS["training"] = (
    Check(WARNING, "course_date", pl.col("course_date") > date.today(),
          "Kursdatumet ligger i framtiden; kursen räknas först när datumet har passerats.",
          ("course_date",)),
)
CHECKS["crisis_placement"] = (
    Check(WARNING, "week_start", pl.col("week_start") > date.today(),
          "Veckan ligger i framtiden; den räknas som tjänstgjord i sitt år ändå. Kontrollera "
          "att registret bara har veckor som har tjänstgjorts.", ("week_start",)),
)
KEYS["training"] = ("year", "person_key", "course", "course_date")
KEYS["crisis_placement"] = ("year", "person_key", "week", "receiving_unit")


# --- issue 23: the yearly pay extract ------------------------------------------------------------

CHECKS["pay_year"] = (
    *(_range(c, 0, None, "Utbetald lön") for c in ("basic_pay", "complementary_pay",
                                                  *schema.PAY_COMPONENTS)),
    _range("hours_paid", 0, 8784, "Antalet betalda timmar under året"),
    _range("value_level", 0, None, "Arbetsvärderingsnivån"),
    Check(WARNING, "hours_paid", (pl.col("hours_paid") == 0) & (pl.col("basic_pay") > 0),
          "Lön utan betalda timmar: personen räknas inte i lönerapporten (timlönen går inte "
          "att räkna fram).", ("hours_paid", "basic_pay")),
)
KEYS["pay_year"] = ("year", "person_key")

# --- issue 25: bounded work for any upload -------------------------------------------------------
# What one period (a snapshot, or a year) may hold of each breakdown and unit column. The
# disclosure model decides over every förvaltning, every category and förvaltning x each
# category of a snapshot at once, so its work grows with them far faster than with the rows:
# one upload of 5,000 förvaltningar took the server to 23 GB. The limits are far above any
# municipality (the largest have tens of förvaltningar, hundreds of units and a few hundred
# SSYK codes) and keep the model to seconds (bench/disclosure_cost.py, docs/extracts.md).

MAX_FORVALTNINGAR = 100
MAX_UNITS = 5_000
MAX_OCCUPATIONS = 1_000
"""SSYK 2012 has 429 occupation codes; a local list may add some."""
MAX_FORVALTNING_OCCUPATIONS = 5_000
"""Förvaltning x occupation pairs: the largest table of cells the disclosure model solves."""


@dataclass(frozen=True)
class Limit:
    columns: tuple[str, ...]
    """The canonical columns whose distinct values (combinations) are counted per period."""
    most: int
    what: str
    """What is counted, in Swedish, plural."""


_FORVALTNINGAR = Limit(("forvaltning",), MAX_FORVALTNINGAR, "förvaltningar")
LIMITS: dict[str, tuple[Limit, ...]] = {
    "employment": (
        _FORVALTNINGAR,
        Limit(("org_unit",), MAX_UNITS, "enheter"),
        Limit(("ssyk_code",), MAX_OCCUPATIONS, "yrkeskoder"),
        Limit(("forvaltning", "ssyk_code"), MAX_FORVALTNING_OCCUPATIONS,
              "kombinationer av förvaltning och yrkeskod"),
    ),
    "absence_year": (_FORVALTNINGAR,),
    "pay_year": (_FORVALTNINGAR,),
    "hme_result": (_FORVALTNINGAR, Limit(("unit",), MAX_UNITS, "enheter")),
    "crisis_placement": (Limit(("receiving_unit",), MAX_UNITS, "mottagande enheter"),),
}


def limits(frame: pl.DataFrame, table: Table, seen: dict[tuple, set]) -> list[Finding]:
    """A file whose periods hold more distinct values of a limited column (LIMITS) than its
    limit is refused, naming the column and the count. A load replaces the periods it brings,
    so what a period holds after it is what the batch brings for it: `seen` keeps, across
    the files of one batch, the values counted so far per (table, columns, period)."""
    target, period = table.extract.table, table.extract.period
    findings = []
    for limit in LIMITS.get(target, ()):
        if period not in frame.columns or not set(limit.columns) <= set(frame.columns):
            continue
        values = frame.select(period, *limit.columns).drop_nulls().unique()
        for (value,), part in values.partition_by(period, as_dict=True).items():
            known = seen.setdefault((target, limit.columns, value), set())
            if len(known) > limit.most:
                continue  # already refused in an earlier file of the batch
            known.update(part.select(limit.columns).iter_rows())
            if len(known) > limit.most:
                headers = [_header(table, c) for c in limit.columns]
                named = (f"Kolumnen {headers[0]}" if len(headers) == 1
                         else f"Kolumnerna {' och '.join(headers)}")
                when = f"mätdatumet {value}" if period == "snapshot_date" else f"år {value}"
                findings.append(Finding(
                    ERROR, table.grid.file, None, ", ".join(headers),
                    f"{named} har {_count(len(known))} olika {limit.what} för {when}; "
                    f"högst {_count(limit.most)} tas emot. Så många har ingen kommun: "
                    "kontrollera att rätt kolumn är kopplad och att filen är hel."))
    return findings


def stored_over_limits(con) -> list[str]:
    """A message for each period of the store beyond a limit (LIMITS), naming the loads that
    brought it: a store loaded before the limits existed, whose figures the disclosure model
    could not decide in bounded time. Empty for every store loaded since."""
    periods = {e.table: e.period for e in schema.EXTRACTS}
    messages = []
    for table, table_limits in LIMITS.items():
        period = periods[table]
        counts = ", ".join(
            f"count(DISTINCT ({', '.join(limit.columns)})) FILTER "
            f"({' AND '.join(f'{c} IS NOT NULL' for c in limit.columns)}) AS n{i}"
            for i, limit in enumerate(table_limits))
        found = store.read(con, f"SELECT {period} AS period, {counts}, "
                                f"list(DISTINCT load_id ORDER BY load_id) AS loads "
                                f"FROM {table} GROUP BY {period} ORDER BY {period}")
        for row in found.iter_rows(named=True):
            for i, limit in enumerate(table_limits):
                if row[f"n{i}"] > limit.most:
                    when = (f"mätdatumet {row['period']}" if period == "snapshot_date"
                            else f"år {row['period']}")
                    loads = ", ".join(str(load) for load in row["loads"])
                    messages.append(
                        f"Databasen har {_count(row[f'n{i}'])} olika {limit.what} för {when}; "
                        f"högst {_count(limit.most)} räknas. Ta bort inläsning {loads} med "
                        f"python -m pipelines delete {row['loads'][-1]} (eller som "
                        "administratör på sidan Ladda upp) och läs in en rättad fil.")
    return messages


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")
