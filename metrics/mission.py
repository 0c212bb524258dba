"""The five mission indicators that municipal HR programmes promise to follow up every year.

Definitions follow metric-definitions.md §0 and §1 (M1-M5); each record's note says where we
had to choose. All are counted on the snapshot date, in persons.
"""

from __future__ import annotations

from metrics.definition import (
    COMPOSITION,
    MAIN_EMPLOYMENT,
    PAY_DISTRIBUTION,
    PERSONAL,
    PUBLISHED,
    Metric,
)

MONTHLY = "pay_form = 'monthly'"
# A manager has the extract's manager flag; an extract without the flag (NULL) falls back to
# SSYK major group 1 (chefsyrken).
MANAGER = f"{MONTHLY} AND coalesce(is_manager, ssyk_code LIKE '1%')"
# Hourly-paid with hours in the month; every hourly-paid person where the extract has no hours.
HOURLY_WORKING = "pay_form = 'hourly' AND (hours_worked_month IS NULL OR hours_worked_month > 0)"
# A person's full-time equivalents in the month, split by pay form (metric-definitions §0.4).
# hours_known is 0 where the extract has no hours column (NULL in every row).
FTE_COLUMNS = (
    "sum(coalesce(actual_rate, contracted_rate)) FILTER (pay_form = 'monthly') AS monthly_rate, "
    "sum(hours_worked_month) FILTER (pay_form = 'hourly') AS hourly_hours, "
    "count(hours_worked_month) AS hours_known"
)
FTE_SUM = "coalesce(sum(monthly_rate), 0) / 100 + coalesce(sum(hourly_hours), 0) / $fte_hours"
PRESCHOOL = f"{MONTHLY} AND ssyk_code IN ('2343', '5311')"
SOCIAL_WORKER = f"{MONTHLY} AND ssyk_code = '2661'"

WOMEN_SHARE = "100.0 * count(*) FILTER (gender = 'K') / count(*) FILTER (gender IN ('K', 'M'))"
MEN_SHARE = "100.0 * count(*) FILTER (gender = 'M') / count(*) FILTER (gender IN ('K', 'M'))"
KNOWN_GENDER = "count(*) FILTER (gender IN ('K', 'M'))"
# The persons a gender share counts, each of which must be 0 or reach the threshold.
BY_GENDER = ("count(*) FILTER (gender = 'K')", "count(*) FILTER (gender = 'M')")


AT_WORK = "NOT coalesce(on_full_leave, FALSE)"
"""An employment not on full leave on the snapshot date (leave unknown: at work)."""


def person_rate(column: str, alias: str, at_work: bool = False) -> str:
    """A person's rate: summed over their employments in the population, capped at 100; with
    `at_work`, over their employments not on full leave only.

    The full-time records keep a person's employments on full leave (leave_by_person): the
    contracted rate is every contract's, on leave or not, as SKR classifies by contract; the
    actual rate is what the person works, so an employment on full leave adds nothing to it.

    least() skips NULLs, so an extract without the column must stay NULL explicitly."""
    rows = f" FILTER ({AT_WORK})" if at_work else ""
    return (f"CASE WHEN count({column}){rows} > 0"
            f" THEN least(round(sum({column}){rows}, 2), 100) END AS {alias}")


def _at_work(column: str) -> bool:
    """Whether a rate column is what is worked (the actual rate), not what is contracted."""
    return column == "actual_rate"


CONTRACT_ON_LEAVE_SV = (
    "Den avtalade sysselsättningsgraden räknar varje anställning, också en där personen är helt "
    "ledig: 75 % i arbete och 25 % helt ledig är heltidsanställd. Den faktiska räknar det som "
    "arbetas; en anställning där personen är helt ledig bidrar inte."
)


HELTID_SOURCE = (
    "SKR:s personalstatistik (novemberstatistiken); heltid som norm enligt SKR:s och "
    "Kommunals Heltidsresan"
)


def _rate_share(metric_id: str, column: str, population: str = MONTHLY,
                extra_columns: tuple[str, ...] = (), **labels: str) -> Metric:
    """Share of the population's persons whose rate, summed over employments and capped at
    100, reaches 100."""
    return Metric(
        id=metric_id,
        discloses=COMPOSITION if column == "contracted_rate" else PERSONAL,
        **labels,
        unit="%",
        columns=("pay_form", column, *extra_columns),
        population=population,
        person_columns=person_rate(column, "rate", at_work=_at_work(column)),
        leave_by_person=True,
        person_filter="rate IS NOT NULL",
        value="100.0 * avg(CASE WHEN rate >= 100 THEN 1 ELSE 0 END)",
        numerators=("count(*) FILTER (rate >= 100)",),
        monthly=True,
        higher_is_better=True,
        source=HELTID_SOURCE,
        note_sv=CONTRACT_ON_LEAVE_SV,
    )


def _mean_rate(metric_id: str, column: str, **labels: str) -> Metric:
    return Metric(
        id=metric_id,
        discloses=COMPOSITION if column == "contracted_rate" else PERSONAL,
        **labels,
        unit="%",
        columns=("pay_form", column),
        population=MONTHLY,
        person_columns=person_rate(column, "rate", at_work=_at_work(column)),
        leave_by_person=True,
        person_filter="rate IS NOT NULL",
        value="avg(rate)",
        higher_is_better=True,
        source=HELTID_SOURCE,
        note_sv=CONTRACT_ON_LEAVE_SV,
    )


# The full-time monthly salary of a person: the payroll's full-time salary, or the salary at
# the actual rate scaled up by the contracted rate; from the employment with the highest rate.
SALARY_FTE = (
    "first(coalesce(monthly_salary_fte, monthly_salary_actual * 100 / nullif(contracted_rate, 0))"
    f" {MAIN_EMPLOYMENT}) AS salary"
)


def _social_worker_salary(metric_id: str, value: str, label_sv: str, label_en: str,
                          definition_sv: str, unit: str = "kr", decimals: int = 0) -> Metric:
    return Metric(
        id=metric_id,
        discloses=PAY_DISTRIBUTION,
        label_sv=label_sv,
        label_en=label_en,
        definition_sv=definition_sv,
        population_sv=(
            "Månadsavlönade socialsekreterare (SSYK 2661) på mätdagen; lön omräknad till heltid."
        ),
        unit=unit,
        columns=("pay_form", "ssyk_code", "monthly_salary_fte|monthly_salary_actual"),
        population=SOCIAL_WORKER,
        person_columns=SALARY_FTE,
        person_filter="salary IS NOT NULL",
        value=value,
        decimals=decimals,
        source=(
            "SCB:s lönestrukturstatistik (primärkommunal sektor, SSYK 2012); percentiler "
            "enligt typ 7"
        ),
        note_sv=(
            "Percentiler med linjär interpolation mellan ordningsstatistika (typ 7). En person "
            "med flera anställningar räknas med lönen i anställningen med högst "
            "sysselsättningsgrad."
        ),
    )


def _percentile(p: int, label: str) -> Metric:
    metric_id = "social_worker_salary_median" if p == 50 else f"social_worker_salary_p{p}"
    return _social_worker_salary(
        metric_id,
        f"quantile_cont(salary, {p / 100})",
        label_sv=f"Socialsekreterare, lön {label}",
        label_en=f"Social workers' salary, {'median' if p == 50 else f'P{p}'}",
        definition_sv=(
            f"Den heltidslön som {p} % av socialsekreterarna har lika med eller lägre än "
            f"({label})."
        ),
    )


MISSION_METRICS: tuple[Metric, ...] = (
    Metric(
        id="managers_women_share",
        discloses=PUBLISHED,
        label_sv="Andel kvinnor bland chefer",
        label_en="Women's share of managers",
        definition_sv=(
            "Antal kvinnor bland cheferna delat med antal chefer (kvinnor + män), i procent."
        ),
        population_sv=(
            "Månadsavlönade personer med chefsmarkering på mätdagen; saknar filen markering "
            "räknas SSYK-huvudgrupp 1 (chefsyrken)."
        ),
        unit="%",
        columns=("pay_form", "is_manager|ssyk_code", "gender"),
        population=MANAGER,
        value=WOMEN_SHARE,
        n=KNOWN_GENDER,
        numerators=BY_GENDER,
        breakdowns=("forvaltning",),
        source=(
            "SKR:s rapport Chefer i välfärden; jämn könsfördelning (40-60 %) enligt SCB"
        ),
        note_sv="Jämn könsfördelning enligt SCB: varje kön 40-60 %.",
    ),
    Metric(
        id="hourly_paid_persons",
        discloses=COMPOSITION,
        label_sv="Timavlönade personer",
        label_en="Hourly-paid persons",
        definition_sv=(
            "Antal personer med en timavlönad anställning och arbetade timmar i mätmånaden "
            "(varje timavlönad person när uttaget saknar timmar)."
        ),
        population_sv="Timavlönade personer på mätdagen; en person räknas en gång.",
        monthly=True,
        unit="personer",
        columns=("pay_form", "hours_worked_month"),
        population=HOURLY_WORKING,
        value="count(*)",
        decimals=0,
        higher_is_better=False,
        source="SKR:s personalstatistik (novemberstatistiken)",
    ),
    Metric(
        id="hourly_paid_fte",
        discloses=COMPOSITION,
        label_sv="Timavlönade, årsarbetare",
        label_en="Hourly-paid full-time equivalents",
        definition_sv=(
            "Summan av timavlönades arbetade timmar i mätmånaden delad med timmarna i en "
            "heltidsmånad (165, en inställning)."
        ),
        population_sv="Timavlönade personer med arbetade timmar i mätmånaden.",
        monthly=True,
        unit="årsarbetare",
        columns=("pay_form", "hours_worked_month"),
        population=HOURLY_WORKING,
        person_columns="sum(hours_worked_month) AS hours",
        person_filter="hours IS NOT NULL",
        value="sum(hours) / $fte_hours",
        higher_is_better=False,
        source=(
            "SKR:s personalstatistik (novemberstatistiken), årsarbetare som i Kolada; "
            "timmarna per heltidsmånad är en inställning"
        ),
    ),
    _rate_share(
        "full_time_share", "contracted_rate",
        label_sv="Andel heltidsanställda",
        label_en="Full-time employed share",
        definition_sv=(
            "Antal månadsavlönade personer vars avtalade sysselsättningsgrad, summerad över "
            "deras månadsavlönade anställningar och begränsad till 100, är 100 %, delat med "
            "antal månadsavlönade personer."
        ),
        population_sv="Månadsavlönade personer på mätdagen, tillsvidare och visstid.",
    ),
    _rate_share(
        "working_full_time_share", "actual_rate",
        label_sv="Andel som arbetar heltid",
        label_en="Working full-time share",
        definition_sv=(
            "Som andelen heltidsanställda, men med den faktiska sysselsättningsgraden (efter "
            "partiell ledighet); visas bara när uttaget har faktisk sysselsättningsgrad."
        ),
        population_sv="Månadsavlönade personer på mätdagen med faktisk sysselsättningsgrad.",
    ),
    Metric(
        id="preschool_men_share",
        discloses=COMPOSITION,
        label_sv="Andel män i förskolan",
        label_en="Men's share of preschool staff",
        definition_sv=(
            "Antal män bland förskollärare och barnskötare delat med antal förskollärare och "
            "barnskötare (kvinnor + män), i procent."
        ),
        population_sv=(
            "Månadsavlönade förskollärare (SSYK 2343) och barnskötare (SSYK 5311) på mätdagen."
        ),
        unit="%",
        columns=("pay_form", "ssyk_code", "gender"),
        population=PRESCHOOL,
        value=MEN_SHARE,
        n=KNOWN_GENDER,
        numerators=BY_GENDER,
        breakdowns=("forvaltning",),
        higher_is_better=True,
        source=(
            "Skolverkets statistik Personal i förskolan (räknar årsarbetare per 15 oktober; "
            "här personer på mätdagen)"
        ),
    ),
    _percentile(10, "P10"),
    _percentile(25, "P25"),
    _percentile(50, "median"),
    _percentile(75, "P75"),
    _percentile(90, "P90"),
    _social_worker_salary(
        "social_worker_salary_spread",
        "quantile_cont(salary, 0.9) / quantile_cont(salary, 0.1)",
        label_sv="Socialsekreterare, lönespridning P90/P10",
        label_en="Social workers' salary spread (P90/P10)",
        definition_sv="Heltidslönen vid 90:e percentilen delad med lönen vid 10:e percentilen.",
        unit="kvot",
        decimals=2,
    ),
    _social_worker_salary(
        "social_worker_salary_spread_relative",
        "100 * (quantile_cont(salary, 0.9) - quantile_cont(salary, 0.1))"
        " / quantile_cont(salary, 0.5)",
        label_sv="Socialsekreterare, lönespridning (P90-P10)/median",
        label_en="Social workers' salary spread relative to the median",
        definition_sv=(
            "Skillnaden mellan heltidslönen vid 90:e och 10:e percentilen delad med "
            "medianlönen, i procent."
        ),
        unit="%",
        decimals=1,
    ),
    Metric(
        id="social_worker_entry_salary",
        discloses=PAY_DISTRIBUTION,
        label_sv="Socialsekreterare, ingångslön (median)",
        label_en="Social workers' entry salary (median)",
        definition_sv=(
            "Medianen av heltidslönen för de socialsekreterare vars första anställningsdag hos "
            "kommunen ligger inom de tolv månaderna före mätdagen."
        ),
        population_sv=(
            "Månadsavlönade socialsekreterare (SSYK 2661) som är nyanställda i kommunen."
        ),
        unit="kr",
        columns=("pay_form", "ssyk_code", "monthly_salary_fte|monthly_salary_actual",
                 "first_hire_date|employment_start"),
        population=SOCIAL_WORKER,
        person_columns=(
            f"{SALARY_FTE}, min(coalesce(first_hire_date, employment_start)) AS first_day"
        ),
        person_filter=(
            "salary IS NOT NULL AND first_day > snapshot_date - INTERVAL 12 MONTH"
            " AND first_day <= snapshot_date"
        ),
        value="quantile_cont(salary, 0.5)",
        decimals=0,
        higher_is_better=True,
        source=(
            "Lönebegrepp enligt SCB:s lönestrukturstatistik; ingångslön för nyanställda "
            "är en egen definition"
        ),
        note_sv=(
            "Saknar uttaget första anställningsdag används anställningsdatumet, som också kan "
            "vara ett internt byte."
        ),
    ),
    Metric(
        id="hourly_paid_employments",
        discloses=COMPOSITION,
        label_sv="Timanställningar",
        label_en="Hourly-paid employments",
        definition_sv=(
            "Antal timavlönade anställningar med arbetade timmar i mätmånaden; en person kan "
            "ha flera."
        ),
        population_sv="Timavlönade anställningar på mätdagen.",
        unit="anställningar",
        columns=("pay_form", "hours_worked_month"),
        population=HOURLY_WORKING,
        person_columns="count(*) AS employments",
        value="sum(employments)",
        decimals=0,
        higher_is_better=False,
        source="SKR:s personalstatistik (novemberstatistiken); räknar anställningar, inte personer",
    ),
    Metric(
        id="hourly_hours_share",
        discloses=PERSONAL,
        label_sv="Timavlönades andel av arbetad tid",
        label_en="Hourly-paid share of time worked",
        definition_sv=(
            "Timavlönades årsarbetare (timmar / 165) delat med alla årsarbetare (månadsavlönades "
            "faktiska sysselsättningsgrad / 100 plus timavlönades årsarbetare), i procent."
        ),
        population_sv=(
            "Månadsavlönade och timavlönade med arbetade timmar i mätmånaden."
        ),
        monthly=True,
        unit="%",
        columns=("pay_form", "hours_worked_month", "actual_rate|contracted_rate"),
        population=f"{MONTHLY} OR {HOURLY_WORKING}",
        person_columns=FTE_COLUMNS,
        value=(f"CASE WHEN sum(hours_known) > 0 THEN"
               f" 100 * coalesce(sum(hourly_hours), 0) / $fte_hours / ({FTE_SUM}) END"),
        numerators=("count(*) FILTER (hourly_hours > 0)",),
        higher_is_better=False,
        source=(
            "SKR:s personalstatistik (novemberstatistiken, årsarbetare); jämför SCB:s "
            "statistik över arbetade timmar för månads- och timavlönade i kommuner"
        ),
        note_sv=(
            "Månadsavlönade räknas med faktisk sysselsättningsgrad, eller avtalad där uttaget "
            "saknar faktisk."
        ),
    ),
    Metric(
        id="full_time_gap",
        discloses=PERSONAL,
        label_sv="Heltidsgap",
        label_en="Full-time gap",
        definition_sv=(
            "Andelen heltidsanställda minus andelen som arbetar heltid, i procentenheter."
        ),
        population_sv="Månadsavlönade personer på mätdagen med faktisk sysselsättningsgrad.",
        unit="procentenheter",
        columns=("pay_form", "contracted_rate", "actual_rate"),
        population=MONTHLY,
        person_columns=", ".join((person_rate("contracted_rate", "contracted"),
                                  person_rate("actual_rate", "actual", at_work=True))),
        leave_by_person=True,
        person_filter="contracted IS NOT NULL AND actual IS NOT NULL",
        value=("100.0 * avg(CASE WHEN contracted >= 100 THEN 1 ELSE 0 END)"
               " - 100.0 * avg(CASE WHEN actual >= 100 THEN 1 ELSE 0 END)"),
        numerators=("count(*) FILTER (contracted >= 100)", "count(*) FILTER (actual >= 100)"),
        higher_is_better=False,
        source=(
            "SKR:s personalstatistik (novemberstatistiken); heltidsgapet som i "
            "Kommunalarbetarens granskningar"
        ),
        note_sv=CONTRACT_ON_LEAVE_SV,
    ),
    _mean_rate(
        "mean_contracted_rate", "contracted_rate",
        label_sv="Genomsnittlig avtalad sysselsättningsgrad",
        label_en="Mean contracted employment rate",
        definition_sv=(
            "Medelvärdet av månadsavlönade personers avtalade sysselsättningsgrad, summerad över "
            "anställningarna och begränsad till 100."
        ),
        population_sv="Månadsavlönade personer på mätdagen.",
    ),
    _mean_rate(
        "mean_actual_rate", "actual_rate",
        label_sv="Genomsnittlig faktisk sysselsättningsgrad",
        label_en="Mean actual employment rate",
        definition_sv=(
            "Medelvärdet av månadsavlönade personers faktiska sysselsättningsgrad (efter "
            "partiell ledighet), summerad över anställningarna och begränsad till 100."
        ),
        population_sv="Månadsavlönade personer på mätdagen med faktisk sysselsättningsgrad.",
    ),
    _rate_share(
        "full_time_share_tillsvidare", "contracted_rate",
        population=f"{MONTHLY} AND employment_form = 'tillsvidare'",
        extra_columns=("employment_form",),
        label_sv="Andel heltidsanställda bland tillsvidareanställda",
        label_en="Full-time employed share, permanent staff",
        definition_sv=(
            "Som andelen heltidsanställda, men bara med månadsavlönade tillsvidareanställningar "
            "i täljare och nämnare."
        ),
        population_sv="Månadsavlönade tillsvidareanställda personer på mätdagen.",
    ),
    Metric(
        id="preschool_men_fte_share",
        discloses=COMPOSITION,
        label_sv="Andel män i förskolan, årsarbetare",
        label_en="Men's share of preschool staff, full-time equivalents",
        definition_sv=(
            "Mäns årsarbetare bland förskollärare och barnskötare delat med alla deras "
            "årsarbetare (faktisk sysselsättningsgrad / 100), i procent."
        ),
        population_sv=(
            "Månadsavlönade förskollärare (SSYK 2343) och barnskötare (SSYK 5311) på mätdagen."
        ),
        unit="%",
        columns=("pay_form", "ssyk_code", "gender", "actual_rate|contracted_rate"),
        population=PRESCHOOL,
        person_columns="sum(coalesce(actual_rate, contracted_rate)) AS fte_rate",
        person_filter="fte_rate IS NOT NULL",
        value="100.0 * sum(fte_rate) FILTER (gender = 'M') / sum(fte_rate)",
        n=KNOWN_GENDER,
        numerators=BY_GENDER,
        breakdowns=("forvaltning",),
        higher_is_better=True,
        source=(
            "Skolverkets statistik Personal i förskolan (årsarbetare per 15 oktober; här "
            "kommunens anställda på mätdagen)"
        ),
        note_sv="Faktisk sysselsättningsgrad, eller avtalad där uttaget saknar faktisk.",
    ),
)
