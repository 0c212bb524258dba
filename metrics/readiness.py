"""Training and crisis readiness (issue 13): the fortbildningsgaranti of the licensed
professions, the courses of staff who meet residents, and the crisis placement of
administrative staff (the "Lerumsmodellen": one week per term in a core service).

The metrics count the employees of the snapshot date (monthly-paid, not on full leave) and
read the training extract and the crisis-placement register through the views
`employment_training` and `employment_crisis` of store.py: each employment row with its
person's courses, or its person's placement and weeks served. Who is in a target group, and
which courses count, is read from two TOML files an admin edits (training_courses.toml,
administrative_staff.toml). Their values are written into the metrics' SQL as checked literals
(codes: digits; course names: letters, digits, spaces and a few signs, never a quote), since a
metric's person step is worked out at load time and takes no parameters (persons.py): an edit
gives a new step, which persons.ready() builds from the store.

A snapshot has a value only when the data covers it: every calendar year of a course window in
the training extract, the snapshot's year in the crisis register. Otherwise the figure would
read as a fall to zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import settings
from metrics.definition import PERSONAL, Metric

HERE = Path(__file__).resolve().parent
TRAINING_FILE = HERE / "training_courses.toml"
ADMINISTRATIVE_FILE = HERE / "administrative_staff.toml"

_CODE = re.compile(r"^\d{1,4}$")
_COURSE = re.compile(r"^[\w .,()/&:+\-]{1,100}$")


class RuleError(ValueError):
    """A rule file that cannot be used (the message names the file and the value)."""


@dataclass(frozen=True)
class TargetGroup:
    """A training indicator's target group and the courses that count for it."""

    label: str
    ssyk: tuple[str, ...]
    courses: tuple[str, ...]
    """Lower case, trimmed; empty: any course."""
    course_names: tuple[str, ...]
    """As the file writes them, for the definition text."""
    require: str
    """"any" or "all" of the courses."""
    months: int


def _codes(values, where: str) -> tuple[str, ...]:
    codes = tuple(str(v).strip() for v in values or ())
    bad = [c for c in codes if not _CODE.match(c)]
    if bad or not codes:
        raise RuleError(f"{where}: ssyk ska vara en lista med SSYK-koder eller -grupper "
                        f"(1-4 siffror), inte {bad or 'tom'}")
    return codes


def target_group(rules: dict, name: str, where: str = "training_courses.toml") -> TargetGroup:
    """One table of the training rules, checked."""
    table = rules.get(name)
    if not isinstance(table, dict):
        raise RuleError(f"{where}: tabellen [{name}] saknas")
    names = tuple(str(c).strip() for c in table.get("courses", ()))
    courses = tuple(name.lower() for name in names)
    bad = [c for c in courses if not _COURSE.match(c)]
    if bad:
        raise RuleError(f"{where} [{name}]: kursnamn får ha bokstäver, siffror, mellanslag och "
                        f"- . , ( ) / & : +, inte {bad}")
    require = table.get("require", "any")
    months = table.get("months")
    if require not in ("any", "all"):
        raise RuleError(f"{where} [{name}]: require ska vara \"any\" eller \"all\"")
    if not isinstance(months, int) or not 1 <= months <= 120:
        raise RuleError(f"{where} [{name}]: months ska vara ett heltal 1-120")
    return TargetGroup(str(table.get("label", name)), _codes(table.get("ssyk"),
                                                              f"{where} [{name}]"),
                       courses, names, require, months)


def _read(path: Path) -> dict:
    return settings.read_toml(path, path.name, RuleError)


def ssyk_rule(codes: tuple[str, ...]) -> str:
    """SQL: the employment's SSYK code starts with one of the codes (checked digits)."""
    return "(" + " OR ".join(f"starts_with(ssyk_code, '{c}')" for c in codes) + ")"


MONTHLY = "pay_form = 'monthly'"


def trained_sql(group: TargetGroup) -> str:
    """SQL over a person's rows of employment_training: whether they took the course(s) in
    the group's months before the snapshot date (courses up to the date are in the list)."""
    window = f"c.course_date > snapshot_date - INTERVAL {group.months} MONTH"

    def taken(names: tuple[str, ...]) -> str:
        listed = ("list_contains([" + ", ".join(f"'{n}'" for n in names) + "], c.course)"
                  if names else "TRUE")
        return f"len(list_filter(courses, lambda c: {window} AND {listed})) > 0"

    if group.require == "all" and group.courses:
        test = " AND ".join(taken((course,)) for course in group.courses)
    else:
        test = taken(group.courses)
    return f"coalesce(bool_or({test}), FALSE) AS trained"


def training_covered_sql(months: int) -> str:
    """SQL over a person's rows: whether the training extract holds every calendar year of
    the course window (from the year `months` before the snapshot to the snapshot's)."""
    return ("bool_and(list_has_all(training_years, range(year(snapshot_date - INTERVAL "
            f"{months} MONTH), year(snapshot_date) + 1))) AS covered")


CRISIS_COVERED = "bool_and(list_contains(crisis_years, year(snapshot_date))) AS covered"

TRAINING_SOURCE = (
    "Eget nyckeltal för kommunens fortbildningsgaranti och utbildningsmål; yrkena enligt "
    "SCB:s yrkesklassificering SSYK 2012; ingen motsvarighet i SKR:s personalstatistik eller "
    "Kolada"
)
CRISIS_SOURCE = (
    "Eget nyckeltal för krisplacering av administrativ personal (Lerumsmodellen); yrkena "
    "enligt SCB:s yrkesklassificering SSYK 2012; ingen motsvarighet i SKR:s "
    "personalstatistik eller Kolada"
)
POPULATION_NOTE = "Månadsavlönade anställda på mätdagen"


def _course_text(group: TargetGroup) -> str:
    if not group.courses:
        return "någon kurs"
    names = ", ".join(group.course_names)
    return (f"alla kurserna ({names})" if group.require == "all" and len(group.courses) > 1
            else f"någon av kurserna ({names})" if len(group.courses) > 1 else f"kursen {names}")


def _coverage(metric_id: str, group: TargetGroup, label_sv: str, label_en: str) -> Metric:
    return Metric(
        id=metric_id,
        discloses=PERSONAL,
        label_sv=label_sv,
        label_en=label_en,
        definition_sv=(
            f"Antal anställda i målgruppen ({group.label.lower()}) som gått "
            f"{_course_text(group)} under de {group.months} månaderna före mätdagen, delat "
            "med antal anställda i målgruppen, i procent."
        ),
        population_sv=(
            f"{POPULATION_NOTE} i målgruppen {group.label.lower()}: SSYK "
            f"{', '.join(group.ssyk)} (yrkeskoder eller grupper av dem)."
        ),
        unit="%",
        columns=("course", "course_date"),
        table="employment_training",
        population=f"{MONTHLY} AND {ssyk_rule(group.ssyk)}",
        person_columns=f"{trained_sql(group)}, {training_covered_sql(group.months)}",
        value="CASE WHEN bool_and(covered) THEN 100.0 * avg(trained::INTEGER) END",
        numerators=("count(*) FILTER (trained)",),
        higher_is_better=True,
        source=TRAINING_SOURCE,
        note_sv=(
            "Kurserna läses ur utbildningsuttaget; en kurs räknas från sitt kursdatum till "
            f"och med {group.months} månader senare. Ett år utan utbildningsuttag i fönstret "
            "ger inget värde (inte noll). Målgrupp och kurser följer kommunens regel för "
            "fortbildning (kan ändras av administratören)."
        ),
    )


def _crisis(metric_id: str, admin: tuple[str, ...], **fields) -> Metric:
    population_sv = (
        f"{POPULATION_NOTE} med administrativa yrken, chefer inräknade: SSYK "
        f"{', '.join(admin)} (yrkeskoder eller grupper av dem)."
    )
    base = dict(
        id=metric_id,
        discloses=PERSONAL,
        population_sv=population_sv,
        columns=("core_service",),
        table="employment_crisis",
        population=f"{MONTHLY} AND {ssyk_rule(admin)}",
        source=CRISIS_SOURCE,
    )
    return Metric(**{**base, **fields})


def build(training: dict, administrative: dict) -> tuple[Metric, ...]:
    """The five records from the two rule files' contents (checked: RuleError)."""
    licensed = target_group(training, "licensed")
    resident = target_group(training, "resident_facing")
    admin = _codes(administrative.get("ssyk"), "administrative_staff.toml")
    placement_note = (
        "En placering gäller från året för dess första rad i krisplaceringsregistret (registret "
        "har inget slutdatum). Ett år som registret saknar ger inget värde. Vem som räknas som "
        "administrativ personal följer kommunens regel för administrativ personal (kan ändras "
        "av administratören)."
    )
    return (
        _coverage("training_coverage_licensed", licensed,
                  "Fortbildning i legitimationsyrken",
                  "Licensed professions with continuing education in the last 12 months"),
        _coverage("training_coverage_resident_facing", resident,
                  "Utbildning för personal som möter invånare",
                  "Resident-facing staff with the required course"),
        _crisis(
            "crisis_placement_share", admin,
            label_sv="Andel administrativ personal med krisplacering",
            label_en="Administrative staff with a crisis placement",
            definition_sv=(
                "Antal anställda med administrativa yrken som har en lokal krisplacering i en "
                "kärnverksamhet, delat med antal anställda med administrativa yrken, i procent."
            ),
            unit="%",
            person_columns=f"bool_or(placed) AS placed, {CRISIS_COVERED}",
            value="CASE WHEN bool_and(covered) THEN 100.0 * avg(placed::INTEGER) END",
            numerators=("count(*) FILTER (placed)",),
            higher_is_better=True,
            note_sv=placement_note,
        ),
        _crisis(
            "crisis_weeks_per_person", admin,
            label_sv="Krisplacering: veckor per administrativ anställd och termin",
            label_en="Crisis placement weeks served per administrative employee and term",
            definition_sv=(
                "Antal veckor som de anställda med administrativa yrken tjänstgjort i en "
                "kärnverksamhet under mätdagens kalenderår (vårtermin januari-juni och "
                "hösttermin juli-december), delat med antal anställda med administrativa "
                "yrken och med två terminer. Löftet är en vecka per termin: värdet 1."
            ),
            unit="veckor",
            person_columns=f"max(weeks) AS weeks, {CRISIS_COVERED}",
            value="CASE WHEN bool_and(covered) THEN sum(weeks) / count(*) / 2.0 END",
            decimals=2,
            higher_is_better=True,
            note_sv=(
                "Hela kalenderårets veckor räknas, också de efter mätdagen som registret redan "
                "har. En vecka hör till terminen och året för sin torsdag (ISO-vecka). "
                + placement_note
            ),
        ),
        _crisis(
            "crisis_placements", admin,
            label_sv="Krisplaceringar",
            label_en="Crisis placements",
            definition_sv=(
                "Antal anställda med administrativa yrken som har en lokal krisplacering, "
                "efter kärnverksamhet (skola, vård och omsorg, annan)."
            ),
            unit="personer",
            person_columns=f"bool_or(placed) AS placed, {CRISIS_COVERED}",
            person_filter="placed",
            value="CASE WHEN bool_and(covered) THEN count(*) END",
            breakdowns=("forvaltning", "core_service"),
            decimals=0,
            higher_is_better=True,
            note_sv=(
                "En person med placeringar i två kärnverksamheter räknas i den där hen "
                "tjänstgjort flest veckor (lika många: den första i bokstavsordning). "
                + placement_note
            ),
        ),
    )


READINESS_METRICS: tuple[Metric, ...] = build(_read(TRAINING_FILE), _read(ADMINISTRATIVE_FILE))
