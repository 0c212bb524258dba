"""The annual pay survey (lönekartläggning, the Discrimination Act chapter 3, sections 8-12;
issue 23): groups of equal work, women-dominated groups compared with groups of equal or lower
value level that are not women-dominated and are paid more, and what the analyst records about
each difference (an explanation, or an action with its cost and date). No Streamlit.

Groups of equal work are the categories of workers of metrics/pay_transparency.py: the
extract's own category column, else the analyst's table of occupations (`rules`, kept here
with its history), else the person's befattning. Pay in the survey is hourly basic pay (the
year's basic pay over hours paid): the pay that pay setting decides; supplements follow
agreements and are the report's.

Stored, only ever appended to (store.py's pay_category_rule and pay_survey_note), each save
audited:
- a rule maps an occupation (a befattning or an SSYK code as the extract writes it) to a
  category and a value level; its newest version is the one in force, `removed` takes it away;
- a note belongs to a year's survey item (`item`: ITEM_EQUAL + category, or ITEM_VALUE + the
  women-dominated group + ITEM_SEPARATOR + the group compared): an explanation, or an action
  (what, cost in kr, by when, status). Last year's actions come back in this year's survey
  (`follow_up`) until they are done or not done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

import settings
import store
from metrics import pay_transparency
from metrics.pay_transparency import MEN, WOMEN
from pipelines.personnummer import mask_personnummer

ITEM_EQUAL, ITEM_VALUE, ITEM_SEPARATOR = "lika:", "likvärdigt:", " | "
"""Item keys: 'lika:Undersköterska' and 'likvärdigt:Undersköterska | Drifttekniker'."""
KINDS = {"explanation": "Förklaring", "action": "Åtgärd"}
STATUSES = {"planned": "Planerad", "done": "Genomförd", "not_done": "Inte genomförd"}


class SurveyError(ValueError):
    """A rule or note that cannot be saved; the message is Swedish and names the field."""


# --- the analyst's table of occupations -> categories ---------------------------------------------

_CURRENT_RULES = """
SELECT occupation, category, value_level, set_at, set_by FROM (
    SELECT *, row_number() OVER (PARTITION BY occupation ORDER BY version DESC) AS newest
    FROM pay_category_rule)
WHERE newest = 1 AND NOT removed ORDER BY occupation
"""


def rules(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The rules in force: occupation, category, value_level, set_at, set_by."""
    return store.read(con, _CURRENT_RULES)


def rule_history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every saved version of every rule, newest first: occupation, version, set_at, set_by,
    category, value_level, removed."""
    return store.read(con, "SELECT occupation, version, set_at, set_by, category, value_level, "
                           "removed FROM pay_category_rule ORDER BY set_at DESC, occupation")


def _clean(text: object) -> str:
    """Spaces tidied, and a personnummer typed in masked: none is ever stored."""
    return mask_personnummer(" ".join(str(text).split())) if text is not None else ""


def save_rules(con: duckdb.DuckDBPyConnection, edited: pl.DataFrame, actor: tuple[str, str],
               at: datetime | None = None) -> int:
    """Make `edited` (occupation, category, value_level) the rules in force: a new version of
    every rule added or changed, a removal of every rule not in it. Returns how many versions
    were written (0: nothing changed). SurveyError names the first bad row (1-based)."""
    wanted: dict[str, tuple[str, int | None]] = {}
    for number, row in enumerate(edited.iter_rows(named=True), start=1):
        occupation, category = _clean(row.get("occupation")), _clean(row.get("category"))
        if not occupation and not category:
            continue
        if not occupation or not category:
            raise SurveyError(f"Rad {number}: både befattning (eller SSYK) och kategori behövs.")
        if occupation in wanted:
            raise SurveyError(f"Rad {number}: {occupation!r} finns redan på en tidigare rad.")
        level = row.get("value_level")
        if level is not None and (not float(level).is_integer() or not 0 <= level <= 100):
            raise SurveyError(f"Rad {number}: värderingsnivån ska vara ett heltal 0–100.")
        wanted[occupation] = (category, None if level is None else int(level))
    user, role = actor
    with store.transaction(con) as cur:
        current = {r[0]: (r[1], r[2]) for r in cur.execute(
            "SELECT occupation, category, value_level FROM (" + _CURRENT_RULES + ")").fetchall()}
        versions = dict(cur.execute("SELECT occupation, max(version) FROM pay_category_rule "
                                    "GROUP BY occupation").fetchall())
        changes = [(o, *v, False) for o, v in wanted.items() if current.get(o) != v]
        changes += [(o, None, None, True) for o in current if o not in wanted]
        for occupation, category, level, removed in changes:
            cur.execute("INSERT INTO pay_category_rule VALUES ($o, $v, coalesce($at, "
                        "now()::TIMESTAMP), $user, $c, $l, $r)",
                        {"o": occupation, "v": versions.get(occupation, 0) + 1, "at": at,
                         "user": user, "c": category, "l": level, "r": removed})
        if changes:
            store.audit(cur, user, role, "pay_categories",
                        f"{len(changes)} ändringar i kategoritabellen för lönekartläggningen")
    return len(changes)


# --- the survey ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    year: int
    groups: pl.DataFrame
    """Per group of equal work: category, value_level, women, men, women_share (%),
    women_dominated, mean_women, mean_men, median_women, median_men (hourly basic pay, kr),
    difference (%: the gap in mean pay), flagged (|difference| >= settings.pay_gap_flag with
    both women and men in the group), item."""
    comparisons: pl.DataFrame
    """Per women-dominated group and group of equal or lower value level that is not
    women-dominated and is paid more on average: group, value_level, women_share, mean,
    other, other_value_level, other_women_share, other_mean, difference (%: (other - group) /
    other x 100), item."""
    unvalued: list[str]
    """Groups without a value level: not compared for work of equal value."""


def survey(con: duckdb.DuckDBPyConnection, year: int) -> Survey:
    """The survey's groups and comparisons for `year` (persons of known gender with hours
    paid, as the report)."""
    limits = settings.get()
    frame = pay_transparency.persons(con, year).filter(
        pl.col("gender").is_in([WOMEN, MEN]) & pl.col("hourly_basic").is_not_null())
    women, men = pl.col("gender") == WOMEN, pl.col("gender") == MEN
    pay = pl.col("hourly_basic")
    groups = (
        frame.group_by("category").agg(
            pl.col("value_level").drop_nulls().mode().min().alias("value_level"),
            women.sum().alias("women"), men.sum().alias("men"),
            pay.mean().alias("mean"),
            pay.filter(women).mean().alias("mean_women"), pay.filter(men).mean().alias("mean_men"),
            pay.filter(women).median().alias("median_women"),
            pay.filter(men).median().alias("median_men"))
        .with_columns((pl.col("women") / (pl.col("women") + pl.col("men")) * 100)
                      .alias("women_share"))
        .with_columns(
            (pl.col("women_share") >= limits.women_dominated_share).alias("women_dominated"),
            ((pl.col("mean_men") - pl.col("mean_women")) / pl.col("mean_men") * 100)
            .alias("difference"))
        .with_columns((pl.col("difference").abs() >= limits.pay_gap_flag).fill_null(False)
                      .alias("flagged"),
                      (pl.lit(ITEM_EQUAL) + pl.col("category")).alias("item"))
        .sort(pl.col("value_level").is_null(), pl.col("value_level"), "category",
              descending=[False, True, False])
    )
    valued = groups.filter(pl.col("value_level").is_not_null())
    women_groups = valued.filter("women_dominated").select(
        pl.col("category").alias("group"), "value_level", "women_share", "mean")
    others = valued.filter(~pl.col("women_dominated")).select(
        pl.col("category").alias("other"), pl.col("value_level").alias("other_value_level"),
        pl.col("women_share").alias("other_women_share"), pl.col("mean").alias("other_mean"))
    comparisons = (
        women_groups.join(others, how="cross")
        .filter((pl.col("other_value_level") <= pl.col("value_level"))
                & (pl.col("other_mean") > pl.col("mean")))
        .with_columns(((pl.col("other_mean") - pl.col("mean")) / pl.col("other_mean") * 100)
                      .alias("difference"),
                      (pl.lit(ITEM_VALUE) + pl.col("group") + pl.lit(ITEM_SEPARATOR)
                       + pl.col("other")).alias("item"))
        .sort("group", "difference", descending=[False, True])
    )
    unvalued = groups.filter(pl.col("value_level").is_null())["category"].to_list()
    return Survey(year, groups.drop("mean"), comparisons, unvalued)


# --- explanations and actions -------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    year: int
    item: str
    kind: str
    """"explanation" or "action" (KINDS)."""
    text: str
    cost: float | None = None
    """An action's cost, kr per year."""
    due: date | None = None
    """When an action is to be carried out."""
    status: str = "planned"
    """STATUSES; an explanation is always "planned" (stored, not shown)."""


def save_note(con: duckdb.DuckDBPyConnection, note: Note, actor: tuple[str, str],
              at: datetime | None = None) -> int:
    """A new version of the note of (note.year, note.item), audited; returns its version. A
    personnummer in the text is masked."""
    text = mask_personnummer(note.text.strip())
    if note.kind not in KINDS:
        raise SurveyError(f"Okänd sorts anteckning: {note.kind!r}.")
    if not text:
        raise SurveyError("Skriv förklaringen eller åtgärden.")
    if note.status not in STATUSES:
        raise SurveyError(f"Okänd status: {note.status!r}.")
    if note.cost is not None and note.cost < 0:
        raise SurveyError("Kostnaden kan inte vara negativ.")
    user, role = actor
    with store.transaction(con) as cur:
        version = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM pay_survey_note "
                              "WHERE year = $y AND item = $i",
                              {"y": note.year, "i": note.item}).fetchone()[0]
        cur.execute("INSERT INTO pay_survey_note VALUES ($y, $i, $v, coalesce($at, "
                    "now()::TIMESTAMP), $user, $kind, $text, $cost, $due, $status)",
                    {"y": note.year, "i": note.item, "v": version, "at": at, "user": user,
                     "kind": note.kind, "text": text, "cost": note.cost, "due": note.due,
                     "status": note.status})
        store.audit(cur, user, role, "pay_survey",
                    f"lönekartläggning {note.year}: {KINDS[note.kind].lower()} för "
                    f"{note.item} (version {version})")
    return version


_NOTE_COLUMNS = "year, item, version, set_at, set_by, kind, text, cost, due, status"


def notes(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """The current note of every item of `year`'s survey (_NOTE_COLUMNS)."""
    return store.read(con, f"SELECT {_NOTE_COLUMNS} FROM (SELECT *, row_number() OVER "
                           "(PARTITION BY item ORDER BY version DESC) AS newest "
                           "FROM pay_survey_note WHERE year = $y) WHERE newest = 1 "
                           "ORDER BY item", {"y": year})


def note_history(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """Every version of every note of `year`, newest first."""
    return store.read(con, f"SELECT {_NOTE_COLUMNS} FROM pay_survey_note WHERE year = $y "
                           "ORDER BY set_at DESC, item, version DESC", {"y": year})


def follow_up(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """The actions of the year before's survey, to follow up in `year`'s: their current
    notes (status planned, done or not done)."""
    return notes(con, year - 1).filter(pl.col("kind") == "action")


def needing_notes(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """The items of `year`'s survey that are flagged (a difference within a group of equal
    work, or any comparison of work of equal value) and have no note yet."""
    return flagged(con, year).filter(pl.col("version").is_null())["item"].to_list()


def flagged(con: duckdb.DuckDBPyConnection, year: int,
            found: Survey | None = None) -> pl.DataFrame:
    """Every item of `year`'s survey that calls for a note (a flagged difference within a
    group of equal work, then each comparison of work of equal value), in the survey's order,
    with its difference (%) and its current note, if any: item, difference, version, set_at,
    set_by, kind, text, cost, due, status (null from version on: no note yet). `found`: the
    year's survey, when the caller has it already."""
    found = found if found is not None else survey(con, year)
    items = pl.concat([found.groups.filter("flagged").select("item", "difference"),
                       found.comparisons.select("item", "difference")])
    current = notes(con, year).drop("year")
    return items.join(current, on="item", how="left", maintain_order="left")


# --- the demo -------------------------------------------------------------------------------------


def seed_demo(con: duckdb.DuckDBPyConnection, actor: tuple[str, str]) -> int:
    """The demo municipality's two recorded actions, once: in the survey of the year before
    the latest, a raise for the first comparison of work of equal value (carried out); in the
    latest survey, a raise for its first flagged item (planned, so that it is followed up next
    year). Returns how many notes it wrote."""
    known = pay_transparency.years(con)
    if len(known) < 2 or store.read(con, "SELECT count(*) AS n FROM pay_survey_note")["n"][0]:
        return 0
    written = 0
    for year, status in ((known[-2], "done"), (known[-1], "planned")):
        found = survey(con, year)
        items = (found.comparisons["item"].to_list()
                 + found.groups.filter("flagged")["item"].to_list())
        if not items:
            continue
        save_note(con, Note(year, items[0], "action",
                            f"Riktad lönesatsning i löneöversynen {year + 1}: gruppens löner höjs "
                            "mot jämförelsegruppens, i två steg.",
                            cost=450_000.0, due=date(year + 1, 4, 1), status=status),
                  actor, at=datetime(year + 1, 2, 15))
        written += 1
    return written
