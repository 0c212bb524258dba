"""Support metrics of a personnel report: headcount, årsarbetare, tillsvidare, pay gap.

Definitions follow metric-definitions.md §0.4 and the support metrics S-a to S-d.
"""

from __future__ import annotations

from metrics.definition import COMPOSITION, LEAVE_INCLUDED, PAY, PERSONAL, Metric
from metrics.mission import (
    BY_GENDER,
    FTE_COLUMNS,
    FTE_SUM,
    HOURLY_WORKING,
    KNOWN_GENDER,
    MONTHLY,
    SALARY_FTE,
)

EMPLOYED = f"{MONTHLY} OR {HOURLY_WORKING}"

WORKFORCE_METRICS: tuple[Metric, ...] = (
    Metric(
        id="headcount",
        discloses=COMPOSITION,
        label_sv="Antal anställda",
        label_en="Headcount",
        definition_sv=(
            "Antal personer med minst en månadsavlönad anställning på mätdagen; en person "
            "räknas en gång. Timavlönade räknas för sig (Timavlönade personer)."
        ),
        population_sv="Månadsavlönade personer på mätdagen.",
        monthly=True,
        on_leave=LEAVE_INCLUDED,
        unit="personer",
        columns=("pay_form",),
        population=MONTHLY,
        value="count(*)",
        decimals=0,
        breakdowns=("forvaltning", "gender", "occupation", "age_band"),
        source="SKR:s personalstatistik (novemberstatistiken): månadsavlönade; timavlönade för sig",
    ),
    Metric(
        id="fte_total",
        discloses=COMPOSITION,
        label_sv="Årsarbetare",
        label_en="Full-time equivalents",
        definition_sv=(
            "Månadsavlönades faktiska sysselsättningsgrad / 100 plus timavlönades arbetade "
            "timmar i mätmånaden / 165, summerat."
        ),
        population_sv="Anställda på mätdagen, månads- och timavlönade.",
        monthly=True,
        unit="årsarbetare",
        columns=("pay_form", "actual_rate|contracted_rate", "hours_worked_month"),
        population=EMPLOYED,
        person_columns=FTE_COLUMNS,
        value=FTE_SUM,
        source=(
            "Kolada: Årsarbetare totalt, kommun, antal (SKR:s novemberstatistik); timmarna "
            "per heltidsmånad är en inställning"
        ),
        note_sv=(
            "Avtalad sysselsättningsgrad används där uttaget saknar faktisk; timavlönade utan "
            "timuppgift bidrar inte."
        ),
    ),
    Metric(
        id="tillsvidare_share",
        discloses=COMPOSITION,
        label_sv="Andel tillsvidareanställda",
        label_en="Permanent employment share",
        definition_sv=(
            "Antal månadsavlönade personer med en tillsvidareanställning delat med antal "
            "månadsavlönade personer, i procent."
        ),
        population_sv="Månadsavlönade personer på mätdagen.",
        on_leave=LEAVE_INCLUDED,
        unit="%",
        columns=("pay_form", "employment_form"),
        population=MONTHLY,
        person_columns=(
            "bool_or(employment_form = 'tillsvidare') AS permanent, "
            "count(employment_form) AS form_known"
        ),
        person_filter="form_known > 0",
        value="100.0 * avg(CASE WHEN permanent THEN 1 ELSE 0 END)",
        numerators=("count(*) FILTER (permanent)",),
        higher_is_better=True,
        source="SKR:s personalstatistik (novemberstatistiken), anställningsform",
    ),
    Metric(
        id="full_leave_persons",
        discloses=PERSONAL,
        label_sv="Helt lediga",
        label_en="Persons on full leave",
        definition_sv=(
            "Antal månadsavlönade personer som är helt lediga (t.ex. tjänstlediga eller "
            "föräldralediga) i alla sina månadsavlönade anställningar på mätdagen."
        ),
        population_sv="Månadsavlönade personer på mätdagen.",
        on_leave=LEAVE_INCLUDED,
        unit="personer",
        monthly=True,
        columns=("pay_form", "on_full_leave"),
        population=MONTHLY,
        person_columns="bool_and(coalesce(on_full_leave, FALSE)) AS away",
        person_filter="away",
        value="count(*)",
        decimals=0,
        source="SCB:s lönestatistik redovisar helt tjänstlediga för sig",
        note_sv=(
            "Helt ledig: uttagets markering Helt ledig, en ledighetsgrad som når "
            "sysselsättningsgraden, eller faktisk sysselsättningsgrad 0 vid avtalad över 0. De "
            "helt lediga räknas inte i andelar, löner och årsarbetare, men i antal anställda."
        ),
    ),
    *(
        Metric(
            id=f"employees_per_manager_{statistic}",
            discloses=COMPOSITION,
            label_sv=f"Medarbetare per chef ({label})",
            label_en=f"Employees per manager ({statistic})",
            definition_sv=(
                f"{label.capitalize()} av antal månadsavlönade medarbetare per chef med "
                "personalansvar: räknat via närmaste chef (chefens anställningsnummer) där "
                "uttaget har det, annars enhetens medarbetare delat på enhetens chefer."
            ),
            population_sv=(
                "Månadsavlönade chefer med personalansvar och minst en medarbetare på mätdagen."
            ),
            unit="medarbetare",
            columns=("is_manager", "manager_employment_id|org_unit"),
            table="manager_span",
            population="TRUE",
            person_columns="sum(span) AS span",
            value=aggregate,
            source=(
                "SKR:s rapport Chefer i välfärden (2022): 28 medarbetare per första "
                "linjens chef i kommunerna 2021"
            ),
            note_sv=(
                "Utan chefslänk är måttet svagare: alla enhetens medarbetare räknas till "
                "enhetens chefer. Uppdelat på kön avser könet chefens."
            ),
        )
        for statistic, label, aggregate in (("mean", "medelvärde", "avg(span)"),
                                             ("median", "median", "median(span)"))
    ),
    Metric(
        id="women_salary_share_of_men",
        discloses=PAY,
        label_sv="Kvinnors lön i procent av mäns",
        label_en="Women's salary as a percentage of men's",
        definition_sv=(
            "Kvinnors genomsnittliga heltidslön delad med mäns genomsnittliga heltidslön, i "
            "procent; per yrke visar lönekartläggningens jämförelse inom samma arbete."
        ),
        population_sv="Månadsavlönade personer på mätdagen; lön omräknad till heltid.",
        unit="%",
        columns=("pay_form", "gender", "monthly_salary_fte|monthly_salary_actual"),
        population=MONTHLY,
        person_columns=SALARY_FTE,
        person_filter="salary IS NOT NULL",
        value="100.0 * avg(salary) FILTER (gender = 'K') / avg(salary) FILTER (gender = 'M')",
        n=KNOWN_GENDER,
        numerators=BY_GENDER,
        breakdowns=("forvaltning", "occupation"),
        source="SCB:s lönestrukturstatistik: kvinnors lön i procent av mäns",
        note_sv=(
            "Visas bara när både kvinnorna och männen i cellen är minst så många som "
            "gränsen för små grupper."
        ),
    ),
)
