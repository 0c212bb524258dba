"""The pay survey's written documentation as PDF (lönekartläggning, the Discrimination Act
chapter 3; issue 23): an employer with ten or more employees documents the year's survey in
writing. `survey_pdf(con, year)` returns the PDF's bytes.

It holds the municipality, the year and the date; how the survey was made (the pay concept,
the groups, the women-dominated share, the comparisons, the flag, k); the groups of equal
work; the comparisons of work of equal value; per flagged item (and per other item with a
note) the analyst's explanation or action; the follow-up of last year's actions; the pay-gap
report's mean and median gap.

This is the analyst's and the unions' document, not the committee's: every figure is printed,
and a figure resting on fewer than k women or men (settings.min_n_pay) carries MARK and a
footnote rather than being hidden. A group's figures for women rest on its women, for men on
its men, its difference on both; a comparison's mean is over everyone in the group.

The layout is pay_survey.typ, compiled by pack.compile_pdf (the meeting pack's machinery: data
only through sys.inputs as JSON, placed as text, so a category named `#set page(..)` prints as
written) in pack/style.typ's house style.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

import settings
from metrics import pay_survey, pay_transparency
from metrics.export import export_time, municipality_name
from metrics.pay_export import UNNAMED
from pack import PackError, colours, compile_pdf
from ui import numbers

TEMPLATE = Path(__file__).with_name("pay_survey.typ")
MARK = "*"
"""After a figure resting on fewer than k women or men."""
PAY_PLACES = 2
"""Hourly pay in kronor and öre."""
PERCENT_PLACES = 1
DASH = "–"
"""A figure that cannot be worked out (nobody of one gender in the group)."""

# --- the document's Swedish ---------------------------------------------------------------------

TITLE = "Lönekartläggning {year}"
SUBTITLE = "Dokumentation av kartläggning och analys av löner"
FOOTER = "Lönekartläggning {year} enligt diskrimineringslagen (2008:567) 3 kap."
FACTS = {"municipality": "Kommun", "year": "Kartläggningsår", "created": "Upprättad",
         "persons": "Personer i kartläggningen", "groups": "Grupper av lika arbete"}
PERSONS = "{women} kvinnor och {men} män"
EXCLUDED = "; {n} utan känt kön eller betalda timmar ingår inte"

METHOD_TITLE = "Så har kartläggningen gjorts"
METHOD = [
    ("Lönebegrepp",
     "Timgrundlön: årets utbetalda grundlön delad med årets betalda timmar. Det är den lön "
     "som lönesättningen bestämmer; tillägg och rörliga ersättningar följer avtal och "
     "redovisas i lönerapporten (sist i dokumentet)."),
    ("Grupper av lika arbete",
     "Arbetstagarkategorierna: lönefilens kategori, annars kategorin i kommunens tabell över "
     "befattningar, annars befattningen (eller SSYK-koden). Värderingsnivån kommer på samma "
     "sätt från lönefilen eller tabellen."),
    ("Kvinnodominerad grupp",
     "En grupp där minst {share} av de anställda är kvinnor."),
    ("Likvärdigt arbete",
     "Varje kvinnodominerad grupp jämförs med de grupper med samma eller lägre "
     "värderingsnivå som inte är kvinnodominerade och som har högre medellön. Grupper utan "
     "värderingsnivå jämförs inte."),
    ("Skillnad",
     "I en grupp: (männens medellön − kvinnornas medellön) / männens medellön × 100; "
     "positiv när kvinnorna har lägre lön. I en jämförelse: (den jämförda gruppens medellön − "
     "den kvinnodominerade gruppens) / den jämförda gruppens × 100."),
    ("Flaggning",
     "En skillnad i en grupp på {flag} eller mer, åt något håll, flaggas. Flaggade "
     "skillnader och alla jämförelser av likvärdigt arbete ska förklaras eller åtgärdas; "
     "åtgärder redovisas med kostnad och tidpunkt och följs upp nästa år."),
    ("Få personer",
     "Alla uppgifter redovisas. En uppgift som bygger på färre än {k} kvinnor eller män "
     "markeras med {mark}: den kan avslöja enskildas löner och ska inte spridas utanför "
     "arbetet med kartläggningen."),
]

GROUPS_TITLE = "Grupper av lika arbete"
GROUP_HEADERS = {"category": "Grupp", "level": "Nivå", "women": "Kvinnor", "men": "Män",
                 "share": "Andel kvinnor", "mean": "Medellön, kr/tim",
                 "median": "Medianlön, kr/tim", "difference": "Skillnad", "flagged": "Flaggad",
                 "of_women": "Kvinnor", "of_men": "Män"}
FLAGGED = "Ja"
NO_GROUPS = "Det finns ingen lön med betalda timmar för kvinnor eller män {year}."
WOMEN_DOMINATED = "Kvinnodominerade grupper (minst {share} kvinnor): {names}."
NO_WOMEN_DOMINATED = "Ingen grupp är kvinnodominerad (minst {share} kvinnor)."
UNVALUED = "Utan värderingsnivå, inte jämförda för likvärdigt arbete: {names}."
FOOTNOTE = "{mark} Bygger på färre än {k} kvinnor eller män."

VALUE_TITLE = "Likvärdigt arbete"
VALUE_HEADERS = {"group": "Kvinnodominerad grupp", "other": "Jämförd grupp", "name": "Grupp",
                 "level": "Nivå", "share": "Andel kvinnor", "mean": "Medellön, kr/tim",
                 "difference": "Skillnad"}
NO_COMPARISONS = ("Ingen kvinnodominerad grupp har lägre medellön än en grupp med samma eller "
                  "lägre värderingsnivå som inte är kvinnodominerad.")

NOTES_TITLE = "Förklaringar och åtgärder"
NOTES_INTRO = ("Varje flaggad skillnad och varje jämförelse av likvärdigt arbete, med "
               "analytikerns förklaring eller åtgärd.")
ITEM_EQUAL = "Lika arbete: {group}"
ITEM_VALUE = "Likvärdigt arbete: {group} jämförd med {other}"
DETAIL_EQUAL = "Skillnad {difference} (medellön kvinnor {women}, män {men} kr/tim)"
DETAIL_VALUE = "Skillnad {difference} (medellön {group}: {mean}, {other}: {other_mean} kr/tim)"
NOT_FLAGGED = "Inte flaggad {year}"
NO_NOTE = "Ingen förklaring eller åtgärd registrerad ännu"
NO_ITEMS = "Inga skillnader är flaggade och inga jämförelser av likvärdigt arbete behövs."
COST, DUE, STATUS = "Kostnad", "Genomförs senast", "Status"
SET = "Registrerad {day} av {user}"

FOLLOW_TITLE = "Uppföljning av åtgärderna från {year}"
FOLLOW_HEADERS = ["Gäller", "Åtgärd", "Kostnad", "Senast", "Status"]
NO_FOLLOW = "Lönekartläggningen {year} har inga registrerade åtgärder att följa upp."

REPORT_TITLE = "Lönerapportens lönegap {year}"
REPORT_MEAN, REPORT_MEDIAN = "Lönegap, medelvärde", "Lönegap, median"
REPORT_TEXT = ("Timlön med tillägg och rörliga ersättningar (årets utbetalda lön delad med "
               "betalda timmar) för {women} kvinnor och {men} män. Lönegap = (männens lön − "
               "kvinnornas lön) / männens lön × 100; positivt när kvinnorna har lägre lön.")
NO_GAP = "kan inte beräknas"

PAGE, PAGE_OF = "Sida", "av"


# --- figures as printed -------------------------------------------------------------------------


def _pay(value: float | None, few: bool = False) -> str:
    return DASH if value is None else numbers.number(value, PAY_PLACES) + (MARK if few else "")


def _percent(value: float | None, few: bool = False) -> str:
    if value is None:
        return DASH
    return numbers.with_unit(value, "%", PERCENT_PLACES) + (MARK if few else "")


def _kr(value: float | None) -> str:
    return DASH if value is None else numbers.with_unit(value, "kr", 0)


def _level(value: int | None) -> str:
    return DASH if value is None else str(value)


def _setting(percent: float) -> str:
    """A percentage of the settings as written: '60 %', '62,5 %'."""
    return numbers.with_unit(percent, "%", 0 if float(percent).is_integer() else PERCENT_PLACES)


def _names(values: list[str]) -> str:
    return ", ".join(values)


# --- content ------------------------------------------------------------------------------------


def _groups(found: pay_survey.Survey, k: int) -> tuple[list[list[str]], dict, bool]:
    """The rows of the groups table, the printed figures of each flagged group (for the
    notes), and whether any figure is marked. Women's figures rest on the group's women,
    men's on its men, the difference on both."""
    rows, figures, marked = [], {}, False
    for g in found.groups.iter_rows(named=True):
        few_women, few_men = pay_transparency.few(g["women"], k), pay_transparency.few(g["men"], k)
        marked |= few_women or few_men
        mean_women, mean_men = _pay(g["mean_women"], few_women), _pay(g["mean_men"], few_men)
        difference = _percent(g["difference"], few_women or few_men)
        rows.append([
            g["category"], _level(g["value_level"]), numbers.number(g["women"]),
            numbers.number(g["men"]), _percent(g["women_share"]), mean_women, mean_men,
            _pay(g["median_women"], few_women), _pay(g["median_men"], few_men), difference,
            FLAGGED if g["flagged"] else "",
        ])
        if g["flagged"]:
            figures[g["item"]] = DETAIL_EQUAL.format(difference=difference, women=mean_women,
                                                     men=mean_men)
    return rows, figures, marked


def _comparisons(found: pay_survey.Survey, k: int) -> tuple[list[list[str]], dict, bool]:
    """The rows of the comparisons table, the printed figures per item (for the notes), and
    whether any figure is marked. A group's mean is over everyone in it."""
    persons = {g["category"]: g["women"] + g["men"] for g in found.groups.iter_rows(named=True)}
    rows, figures, marked = [], {}, False
    for c in found.comparisons.iter_rows(named=True):
        few, few_other = persons[c["group"]] < k, persons[c["other"]] < k
        marked |= few or few_other
        mean, other_mean = _pay(c["mean"], few), _pay(c["other_mean"], few_other)
        difference = _percent(c["difference"], few or few_other)
        rows.append([c["group"], _level(c["value_level"]), _percent(c["women_share"]), mean,
                     c["other"], _level(c["other_value_level"]),
                     _percent(c["other_women_share"]), other_mean, difference])
        figures[c["item"]] = DETAIL_VALUE.format(difference=difference, group=c["group"],
                                                 mean=mean, other=c["other"],
                                                 other_mean=other_mean)
    return rows, figures, marked


def item_title(item: str) -> str:
    """An item of the survey (metrics.pay_survey's key) as the document names it."""
    if item.startswith(pay_survey.ITEM_EQUAL):
        return ITEM_EQUAL.format(group=item.removeprefix(pay_survey.ITEM_EQUAL))
    if item.startswith(pay_survey.ITEM_VALUE):
        group, _, other = item.removeprefix(pay_survey.ITEM_VALUE).partition(
            pay_survey.ITEM_SEPARATOR)
        return ITEM_VALUE.format(group=group, other=other)
    return item


def _note(row: dict | None) -> dict | None:
    """A stored note as the document prints it (None: no note)."""
    if row is None:
        return None
    action = row["kind"] == "action"
    return {
        "kind": pay_survey.KINDS[row["kind"]],
        "text": row["text"],
        "facts": [[COST, _kr(row["cost"])], [DUE, row["due"].isoformat() if row["due"] else DASH],
                  [STATUS, pay_survey.STATUSES[row["status"]]]] if action else [],
        "set": SET.format(day=row["set_at"].strftime("%Y-%m-%d"), user=row["set_by"]),
    }


def _items(con: duckdb.DuckDBPyConnection, year: int, details: dict) -> list[dict]:
    """Every flagged item (`details`: its printed figures; the flagged groups, then the
    comparisons) with its note or none, then every other item of the year that has a note."""
    stored = {row["item"]: row for row in pay_survey.notes(con, year).iter_rows(named=True)}
    items = [{"title": item_title(item), "detail": detail, "note": _note(stored.pop(item, None))}
             for item, detail in details.items()]
    items += [{"title": item_title(item), "detail": NOT_FLAGGED.format(year=year),
               "note": _note(row)} for item, row in stored.items()]  # noted, not flagged
    return items


def _follow_up(con: duckdb.DuckDBPyConnection, year: int) -> list[list[str]]:
    return [[item_title(row["item"]), row["text"], _kr(row["cost"]),
             row["due"].isoformat() if row["due"] else DASH, pay_survey.STATUSES[row["status"]]]
            for row in pay_survey.follow_up(con, year).iter_rows(named=True)]


def _report(con: duckdb.DuckDBPyConnection, year: int) -> dict:
    report = pay_transparency.report(con, year)
    few = pay_transparency.too_few(report)["gap"]
    return {
        "title": REPORT_TITLE.format(year=year),
        "facts": [[label, NO_GAP if value is None else _percent(value, few)]
                  for label, value in ((REPORT_MEAN, report.mean_gap),
                                       (REPORT_MEDIAN, report.median_gap))],
        "text": REPORT_TEXT.format(women=numbers.number(report.women),
                                   men=numbers.number(report.men)),
        "marked": few,
    }


def content(con: duckdb.DuckDBPyConnection, year: int,
            created: datetime | None = None) -> dict:
    """Everything the documentation prints, as strings (the template's JSON)."""
    cfg = settings.get()
    k = cfg.min_n_pay
    if year not in pay_transparency.years(con):
        raise PackError(f"Det finns ingen lönefil för {year} i databasen.")
    created = created or export_time()
    found = pay_survey.survey(con, year)
    groups, group_details, groups_marked = _groups(found, k)
    comparisons, value_details, value_marked = _comparisons(found, k)
    report = _report(con, year)
    women, men = int(found.groups["women"].sum()), int(found.groups["men"].sum())
    excluded = pay_transparency.persons(con, year).height - women - men
    share, flag = _setting(cfg.women_dominated_share), _setting(cfg.pay_gap_flag)
    dominated = found.groups.filter("women_dominated")["category"].to_list()
    name = municipality_name(con) or UNNAMED
    title = TITLE.format(year=year)
    footnote = FOOTNOTE.format(mark=MARK, k=k)
    return {
        "title": title,
        "document_title": f"{title} – {name}",
        "municipality": name,
        "subtitle": SUBTITLE,
        "footer": FOOTER.format(year=year),
        "created_day": created.strftime("%Y-%m-%d"),
        "colours": colours(),
        "mark": MARK,
        "labels": {"page": PAGE, "of": PAGE_OF},
        "facts": [
            [FACTS["municipality"], name],
            [FACTS["year"], str(year)],
            [FACTS["created"], created.strftime("%Y-%m-%d")],
            [FACTS["persons"], PERSONS.format(women=numbers.number(women),
                                              men=numbers.number(men))
             + (EXCLUDED.format(n=numbers.number(excluded)) if excluded else "")],
            [FACTS["groups"], numbers.number(found.groups.height)],
        ],
        "method_title": METHOD_TITLE,
        "method": [[label, text.format(share=share, flag=flag, k=k, mark=MARK)]
                   for label, text in METHOD],
        "groups_title": GROUPS_TITLE,
        "group_headers": GROUP_HEADERS,
        "groups": groups,
        "no_groups": NO_GROUPS.format(year=year),
        "groups_notes": [
            (WOMEN_DOMINATED.format(share=share, names=_names(dominated)) if dominated
             else NO_WOMEN_DOMINATED.format(share=share)),
            *([UNVALUED.format(names=_names(found.unvalued))] if found.unvalued else []),
        ],
        "groups_footnote": footnote if groups_marked else "",
        "value_title": VALUE_TITLE,
        "value_headers": VALUE_HEADERS,
        "comparisons": comparisons,
        "no_comparisons": NO_COMPARISONS,
        "value_footnote": footnote if value_marked else "",
        "notes_title": NOTES_TITLE,
        "notes_intro": NOTES_INTRO,
        "items": _items(con, year, group_details | value_details),
        "no_items": NO_ITEMS,
        "no_note": NO_NOTE,
        "follow_title": FOLLOW_TITLE.format(year=year - 1),
        "follow_headers": FOLLOW_HEADERS,
        "follow": _follow_up(con, year),
        "no_follow": NO_FOLLOW.format(year=year - 1),
        "report": report,
        "report_footnote": footnote if report["marked"] else "",
    }


def survey_pdf(con: duckdb.DuckDBPyConnection, year: int, *,
               created: datetime | None = None) -> bytes:
    """The pay survey of `year` documented as PDF bytes; PackError when the store has no pay
    for that year or the layout fails."""
    return compile_pdf(TEMPLATE, content(con, year, created))

