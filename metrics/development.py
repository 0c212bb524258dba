"""Development plans, medarbetarsamtal and key positions (metric-definitions.md M10, M11;
issue 13).

The inputs are optional columns of the employment extract (pipelines/schema.py): the date the
individual development plan was last drawn up or updated, the date of the latest
medarbetarsamtal, a key-position flag and a successor flag. A snapshot whose extract has none
of a metric's dates or flags has no value (the page says the extract lacks the column); a blank
cell in a column the extract has means no plan, no dialogue, no key position, no successor.

M10 counts persons: a person has a plan when any of their employments in the population has one
dated within the twelve months up to the snapshot date. M11 counts key positions as the persons
who hold them (a person with two key-position employments is one key position; a vacant
position is not in an employment extract at all), so that a cell's count is the number of
persons it rests on; its shares carry both the persons counted and the persons not counted as
numerators, so that no cell says something about one or a few holders.
"""

from __future__ import annotations

from metrics.definition import COMPOSITION, LEAVE_INCLUDED, PERSONAL, Metric
from metrics.supply import PERMANENT


def _within_year(column: str) -> str:
    """Whether a date lies in the twelve months up to the snapshot date: after the same day a
    year before, and not after the snapshot date."""
    return (f"{column} > snapshot_date - INTERVAL 12 MONTH AND {column} <= snapshot_date")


def _dated_share(metric_id: str, column: str, alias: str, **labels: str) -> Metric:
    """Share of permanent monthly-paid persons with a date in the column within the twelve
    months up to the snapshot date (M10)."""
    return Metric(
        id=metric_id,
        discloses=PERSONAL,
        **labels,
        population_sv=(
            "Månadsavlönade tillsvidareanställda personer på mätdagen; en person räknas en "
            "gång, med ett datum i någon av sina anställningar."
        ),
        unit="%",
        columns=("pay_form", "employment_form", column),
        population=PERMANENT,
        # Whether the snapshot has any date in the column is decided over the whole snapshot
        # (a window over the persons), so that a förvaltning without a plan shows 0 %.
        person_columns=(f"coalesce(bool_or({_within_year(column)}), FALSE) AS {alias}, "
                        f"sum(count({column})) OVER (PARTITION BY snapshot_date) > 0 "
                        f"AS {alias}_known"),
        person_filter=f"{alias}_known",
        value=f"100.0 * count(*) FILTER ({alias}) / count(*)",
        numerators=(f"count(*) FILTER ({alias})",),
        breakdowns=("forvaltning",),
        higher_is_better=True,
        note_sv=(
            "Tolv månader betyder från dagen efter samma datum året före till och med "
            "mätdagen; ett datum efter mätdagen räknas inte. Ett uttag utan ett enda datum i "
            "kolumnen räknas som att uppgiften saknas, inte som noll. Nyanställda räknas med "
            "från första mätdagen."
        ),
    )


KEY = "coalesce(key_position, FALSE)"
RETIRING = "year(snapshot_date) - birth_year >= $retirement_age - 5"
"""Within five years of the retirement age (the setting) in the snapshot's year, or past it."""
KEY_NOTE = (
    "Nyckelbefattningar räknas som de personer som innehar dem på mätdagen: en person med "
    "två nyckelbefattningar räknas en gång, och en vakant befattning finns inte i "
    "anställningsuttaget. Helt lediga innehavare räknas. Andelarna visas bara när både de "
    "som räknas och de som inte räknas är minst så många som tröskeln, så att ingen cell "
    "säger något om en enskild innehavare; uppdelning finns bara på förvaltning."
)
KEY_SOURCE = (
    "Egen kartläggning av nyckelbefattningar enligt HR-programmet; ingen motsvarighet i "
    "SKR:s personalstatistik eller Kolada"
)

DEVELOPMENT_METRICS: tuple[Metric, ...] = (
    _dated_share(
        "development_plan_share", "development_plan_date", "has_plan",
        label_sv="Andel tillsvidareanställda med utvecklingsplan",
        label_en="Permanent staff with a development plan",
        definition_sv=(
            "Antal tillsvidareanställda med en individuell utvecklingsplan upprättad eller "
            "uppdaterad under de tolv månaderna före mätdagen, delat med antal "
            "tillsvidareanställda, i procent."
        ),
        source=(
            "Eget nyckeltal för HR-programmets mål att all tillsvidareanställd personal ska ha "
            "en utvecklingsplan; ingen motsvarighet i SKR:s personalstatistik eller Kolada"
        ),
    ),
    _dated_share(
        "dialogue_share", "dialogue_date", "had_dialogue",
        label_sv="Andel tillsvidareanställda med medarbetarsamtal",
        label_en="Permanent staff with a medarbetarsamtal in the last 12 months",
        definition_sv=(
            "Antal tillsvidareanställda med ett medarbetarsamtal under de tolv månaderna före "
            "mätdagen, delat med antal tillsvidareanställda, i procent."
        ),
        source=(
            "Eget nyckeltal för det årliga medarbetarsamtalet i kommunens policy; ingen "
            "motsvarighet i SKR:s personalstatistik eller Kolada"
        ),
    ),
    Metric(
        id="key_positions",
        discloses=COMPOSITION,
        label_sv="Nyckelbefattningar",
        label_en="Key positions",
        definition_sv=(
            "Antal personer som på mätdagen innehar en anställning markerad som "
            "nyckelbefattning."
        ),
        population_sv="Anställda på mätdagen med en kartlagd nyckelbefattning, alla "
                      "anställningsformer.",
        on_leave=LEAVE_INCLUDED,
        unit="personer",
        columns=("key_position",),
        population=KEY,
        value="count(*)",
        breakdowns=("forvaltning",),
        decimals=0,
        source=KEY_SOURCE,
        note_sv=KEY_NOTE,
    ),
    Metric(
        id="key_positions_successor_share",
        discloses=PERSONAL,
        label_sv="Nyckelbefattningar med efterträdare",
        label_en="Key positions with a named successor",
        definition_sv=(
            "Antal nyckelbefattningar med en utsedd efterträdare eller ställföreträdare delat "
            "med antal nyckelbefattningar, i procent."
        ),
        population_sv="Anställda på mätdagen med en kartlagd nyckelbefattning, alla "
                      "anställningsformer.",
        on_leave=LEAVE_INCLUDED,
        unit="%",
        columns=("key_position", "successor"),
        population=KEY,
        person_columns="bool_and(successor) AS has_successor",
        person_filter="has_successor IS NOT NULL",
        value="100.0 * count(*) FILTER (has_successor) / count(*)",
        numerators=("count(*) FILTER (has_successor)", "count(*) FILTER (NOT has_successor)"),
        breakdowns=("forvaltning",),
        higher_is_better=True,
        source=KEY_SOURCE,
        note_sv=("En person med två nyckelbefattningar räknas med efterträdare bara när båda "
                 f"har en. {KEY_NOTE}"),
    ),
    Metric(
        id="key_positions_retiring_share",
        discloses=PERSONAL,
        label_sv="Nyckelbefattningar nära pension",
        label_en="Key positions held by someone near retirement",
        definition_sv=(
            "Antal nyckelbefattningar vars innehavare under mätåret fyller minst "
            "pensionsåldern minus fem år (60 år vid pensionsåldern 65), delat med antal "
            "nyckelbefattningar, i procent."
        ),
        population_sv="Anställda på mätdagen med en kartlagd nyckelbefattning och känt "
                      "födelseår, alla anställningsformer.",
        on_leave=LEAVE_INCLUDED,
        unit="%",
        columns=("key_position", "birth_year"),
        population=KEY,
        person_filter="birth_year IS NOT NULL",
        value=f"100.0 * count(*) FILTER ({RETIRING}) / count(*)",
        numerators=(f"count(*) FILTER ({RETIRING})", f"count(*) FILTER (NOT ({RETIRING}))"),
        breakdowns=("forvaltning",),
        higher_is_better=False,
        source=(f"{KEY_SOURCE}. Pensionsåldern är en inställning (65 år om kommunen inte "
                "ställer in en annan); LAS-åldern enligt lagen (1982:80) om "
                "anställningsskydd är 69 år sedan 2023"),
        note_sv=("Den som redan har passerat pensionsåldern räknas som nära pension. "
                 f"{KEY_NOTE}"),
    ),
)
