"""Competence supply: age, the retirement forecast and turnover (metric-definitions.md M8, M12).
"""

from __future__ import annotations

from metrics.definition import AGE, COMPOSITION, LEAVE_INCLUDED, MOVEMENT, Metric
from metrics.mission import MONTHLY
from metrics.workforce import EMPLOYED

PERMANENT = f"{MONTHLY} AND employment_form = 'tillsvidare'"


def _turnover(metric_id: str, leaver: str, *others: str, **labels: str) -> Metric:
    """A turnover metric counting `leaver`s. `others` are leavers it does not count whose number
    a reader still learns, by its difference with another turnover figure over the same
    persons: numerators too, so that the numerator rule protects them (never shown)."""
    return Metric(
        id=metric_id,
        discloses=MOVEMENT,
        **labels,
        population_sv=(
            "Månadsavlönade tillsvidareanställda personer vid mätdagen ett år tidigare (samma "
            "månad); värdet visas vid den senare mätdagen."
        ),
        unit="%",
        on_leave=LEAVE_INCLUDED,
        columns=("pay_form", "employment_form", "birth_year"),
        table="employment_transition",
        population=PERMANENT,
        person_columns=f"bool_and(left_employer) AS left_employer, {AGE} AS age",
        value=f"100.0 * avg(CASE WHEN {leaver} THEN 1 ELSE 0 END)",
        numerators=tuple(f"count(*) FILTER ({who})" for who in (leaver, *others)),
        breakdowns=("forvaltning", "gender", "occupation", "age_band"),
        higher_is_better=False,
        source=(
            "Familjen Helsingborgs personalnyckeltal (avgångar bland tillsvidareanställda); "
            "en enda officiell definition saknas, se Nyckeltalsinstitutet"
        ),
        note_sv=(
            "Nämnaren är antalet vid mätdagen ett år tidigare (inte ett medelvärde). Den som "
            "finns kvar i någon förvaltning har inte slutat: interna byten räknas inte, inte "
            "heller den som har slutat och kommit tillbaka inom året. Utan ett uttag tolv "
            "månader tidigare saknas värdet. Uttagen "
            "saknar avgångsorsak, så pensionsavgångar skattas som avgångar vid eller efter "
            "pensionsåldern."
        ),
    )


SUPPLY_METRICS: tuple[Metric, ...] = (
    Metric(
        id="mean_age",
        discloses=COMPOSITION,
        label_sv="Medelålder",
        label_en="Mean age",
        definition_sv="Medelvärdet av de anställdas ålder under mätåret.",
        population_sv="Anställda på mätdagen, månads- och timavlönade.",
        on_leave=LEAVE_INCLUDED,
        unit="år",
        columns=("pay_form", "birth_year"),
        population=EMPLOYED,
        person_columns=f"{AGE} AS age",
        person_filter="age IS NOT NULL",
        value="avg(age)",
        breakdowns=("forvaltning", "gender", "occupation"),
        source="SKR:s personalstatistik (novemberstatistiken)",
    ),
    Metric(
        id="retirements_forecast",
        discloses=COMPOSITION,
        label_sv="Pensionsavgångar, prognos 10 år",
        label_en="Retirements, 10-year forecast",
        definition_sv=(
            "Antal tillsvidareanställda som når pensionsåldern (65 år om kommunen inte ställer "
            "in en annan) "
            "inom tio år: de som når den något av de kommande 1-10 åren, och de som når den i "
            "år eller redan har passerat den (år 0)."
        ),
        population_sv="Månadsavlönade tillsvidareanställda personer på mätdagen.",
        on_leave=LEAVE_INCLUDED,
        unit="personer",
        columns=("pay_form", "employment_form", "birth_year"),
        population=PERMANENT,
        person_filter="birth_year + $retirement_age - year(snapshot_date) <= 10",
        value="count(*)",
        decimals=0,
        breakdowns=("years_to_retirement", "forvaltning", "occupation", "gender"),
        source=(
            "Egen prognos; LAS-åldern enligt lagen (1982:80) om anställningsskydd är 69 år "
            "sedan 2023"
        ),
        note_sv=(
            "Den som är kvar efter pensionsåldern räknas med i år 0 (\"i år eller tidigare\"): "
            "de avgångarna ligger närmast i tid. Ingen antas sluta av andra skäl."
        ),
    ),
    _turnover(
        "turnover",
        "left_employer",
        label_sv="Personalomsättning",
        label_en="Staff turnover",
        definition_sv=(
            "Antal tillsvidareanställda som har lämnat kommunen inom tolv månader delat med "
            "antal tillsvidareanställda vid mätdagen ett år tidigare, i procent."
        ),
    ),
    _turnover(
        "turnover_excl_retirement",
        "left_employer AND age < $retirement_age",
        # The retired leavers (and any of unknown age): turnover's leavers minus these.
        "left_employer AND NOT coalesce(age < $retirement_age, FALSE)",
        label_sv="Personalomsättning utom pensionsavgångar",
        label_en="Staff turnover excluding retirements",
        definition_sv=(
            "Som personalomsättningen, men den som slutar vid eller efter pensionsåldern räknas "
            "inte som avgång (nämnaren är densamma)."
        ),
    ),
)
