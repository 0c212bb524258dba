"""Health and engagement: the seven statutory sick-leave key figures (M6) and the HME index
(M7). They read the yearly tables through the `absence` and `hme` views of store.py.
"""

from __future__ import annotations

from metrics.definition import AGE, HEALTH, PERSONAL, Metric

SICK_SOURCE = (
    "Den obligatoriska sjukfrånvaroredovisningen enligt lag (2018:597) om kommunal "
    "bokföring och redovisning (tidigare lag (1997:614) om kommunal redovisning); "
    "nyckeltalen enligt SKR"
)
SICK_POPULATION = (
    "Anställda med ordinarie arbetstid under kalenderåret (1 januari-31 december)."
)
SICK_SHARE = "100.0 * sum(sick) / sum(ordinary)"


def _sick_leave(metric_id: str, key_figure: int, label_en: str, group_sv: str = "",
                group_sql: str = "TRUE", group_column: str | None = None) -> Metric:
    return Metric(
        id=metric_id,
        discloses=HEALTH,
        label_sv=f"Sjukfrånvaro, {group_sv}" if group_sv else "Sjukfrånvaro totalt",
        label_en=label_en,
        definition_sv=(
            f"Nyckeltal {key_figure}: sjukfrånvarotimmar delat med ordinarie arbetstid i "
            f"timmar{', ' + group_sv if group_sv else ''}, i procent."
        ),
        population_sv=SICK_POPULATION,
        unit="%",
        columns=("ordinary_hours", "sick_hours", *([group_column] if group_column else [])),
        table="absence",
        on_leave=None,
        population="TRUE",
        person_columns=f"sum(ordinary_hours) AS ordinary, sum(sick_hours) AS sick, {AGE} AS age",
        person_filter=f"ordinary > 0 AND {group_sql}",
        value=SICK_SHARE,
        numerators=("count(*) FILTER (sick > 0)",),
        breakdowns=("forvaltning",),
        higher_is_better=False,
        source=SICK_SOURCE,
        note_sv=("Hälsouppgifter: lagen säger att sjukfrånvaron inte redovisas för en grupp med "
                 "högst tio anställda, så en grupp visas först med elva."),
    )


def _hme(metric_id: str, column: str, label_sv: str, label_en: str, what: str) -> Metric:
    return Metric(
        id=metric_id,
        discloses=PERSONAL,
        label_sv=label_sv,
        label_en=label_en,
        definition_sv=(
            f"{what} (0-100) för kommunens anställda: enheternas värden vägda med antal "
            "svarande."
        ),
        population_sv="Anställda som svarat på medarbetarenkäten under året (endast kommunen).",
        unit="index",
        columns=(column, "n_respondents"),
        table="hme",
        on_leave=None,
        population=f"{column} IS NOT NULL",
        person_columns=f"sum({column} * n_respondents) AS weighted, sum(n_respondents) AS answers",
        value="sum(weighted) / sum(answers)",
        n="sum(answers)",
        breakdowns=("forvaltning",),
        higher_is_better=True,
        source="SKR:s Hållbart medarbetarengagemang (HME), redovisat i Kolada",
        note_sv=(
            "Indexvärdena tas som enkätverktyget levererar dem; enheter med färre än 5 svarande "
            "visas inte."
        ),
    )


HEALTH_METRICS: tuple[Metric, ...] = (
    _sick_leave("sick_leave_total", 1, "Sick leave, total"),
    Metric(
        id="sick_leave_long_share",
        discloses=HEALTH,
        label_sv="Sjukfrånvaro, andel långtid (60 dagar eller mer)",
        label_en="Share of sick leave in spells of 60 days or more",
        definition_sv=(
            "Nyckeltal 2: sjukfrånvarotimmar i sammanhängande sjukfrånvaro om 60 dagar eller "
            "mer delat med all sjukfrånvaro i timmar, i procent."
        ),
        population_sv=SICK_POPULATION,
        unit="%",
        columns=("sick_hours", "sick_hours_long"),
        table="absence",
        on_leave=None,
        population="TRUE",
        person_columns="sum(sick_hours) AS sick, sum(sick_hours_long) AS sick_long",
        person_filter="sick_long IS NOT NULL",
        value="100.0 * sum(sick_long) / nullif(sum(sick), 0)",
        numerators=("count(*) FILTER (sick_long > 0)",),
        breakdowns=("forvaltning",),
        higher_is_better=False,
        source=SICK_SOURCE,
        note_sv=("Hälsouppgifter: lagen säger att sjukfrånvaron inte redovisas för en grupp med "
                 "högst tio anställda, så en grupp visas först med elva."),
    ),
    _sick_leave("sick_leave_women", 3, "Sick leave, women", "kvinnor", "gender = 'K'", "gender"),
    _sick_leave("sick_leave_men", 4, "Sick leave, men", "män", "gender = 'M'", "gender"),
    _sick_leave("sick_leave_age_29", 5, "Sick leave, aged 29 or younger", "29 år och yngre",
                "age <= 29", "birth_year"),
    _sick_leave("sick_leave_age_30_49", 6, "Sick leave, aged 30-49", "30-49 år",
                "age BETWEEN 30 AND 49", "birth_year"),
    _sick_leave("sick_leave_age_50", 7, "Sick leave, aged 50 or older", "50 år och äldre",
                "age >= 50", "birth_year"),
    _hme("hme_total", "hme_total", "HME totalt", "Sustainable employee engagement (HME)",
         "Totalindex för hållbart medarbetarengagemang"),
    _hme("hme_motivation", "motivation", "HME motivation", "HME motivation",
         "Delindex motivation"),
    _hme("hme_leadership", "ledarskap", "HME ledarskap", "HME leadership",
         "Delindex ledarskap"),
    _hme("hme_governance", "styrning", "HME styrning", "HME governance", "Delindex styrning"),
)
