"""Education pays ("Utbildning lönar sig", M13) and career steps (Karriärsteg, M14): issue 13.

Both read optional columns of the employment extract: `education_level` (four levels, see
pipelines/schema.py EDUCATION_LEVEL_VALUES) and `career_step` (the name of the step a person
holds; blank is the base step). Pay follows M5: the full-time monthly salary of monthly-paid
staff, from the employment with the highest contracted rate, medians shown only on at least
`min_n_percentiles` persons in each group compared.

Comparable occupations: every figure is worked out over the whole population of the cell
(pooled over occupations) and each offers the occupation (SSYK) breakdown, where the same
figure is worked out within each occupation. The pooled premium partly reflects which
occupations require higher education; the occupation breakdown is the like-for-like reading.
"""

from __future__ import annotations

from metrics.definition import MAIN_EMPLOYMENT, PAY_DISTRIBUTION, PERSONAL, Metric
from metrics.mission import MONTHLY, SALARY_FTE

LONG = "eftergymnasial_lang"
UPPER_SECONDARY = "gymnasial"

# A person's education level: the first known one, the main employment's first (the level is
# the person's, so an employment without it does not hide another's).
EDUCATION = (
    "first(education_level ORDER BY education_level IS NULL, contracted_rate DESC NULLS LAST, "
    "employment_id) AS education"
)
EDUCATION_COLUMNS = ("pay_form", "education_level", "monthly_salary_fte|monthly_salary_actual")
EDUCATION_POPULATION_SV = (
    "Månadsavlönade personer på mätdagen med känd utbildningsnivå och lön; lön omräknad till "
    "heltid."
)
PAY_SOURCE = (
    "SCB:s lönestrukturstatistik (lön efter utbildningsnivå enligt SUN 2020, primärkommunal "
    "sektor); lönebegrepp som för socialsekreterarnas löner"
)
PAY_NOTE = (
    "Medianer visas bara när varje jämförd grupp har minst så många personer som "
    "percentilgränsen kräver. En person med flera anställningar räknas med lönen i "
    "anställningen med högst sysselsättningsgrad. Totalen räknas över alla yrken; "
    "uppdelningen på yrke (SSYK) visar jämförelsen inom samma yrke."
)


def _median(group: str) -> str:
    return f"quantile_cont(salary, 0.5) FILTER (education = '{group}')"


def _education_median(metric_id: str, level: str, label_sv: str, label_en: str,
                      level_sv: str) -> Metric:
    return Metric(
        id=metric_id,
        discloses=PAY_DISTRIBUTION,
        label_sv=label_sv,
        label_en=label_en,
        definition_sv=(
            f"Medianen av heltidslönen för månadsavlönade med {level_sv} som högsta "
            "utbildningsnivå."
        ),
        population_sv=EDUCATION_POPULATION_SV,
        unit="kr",
        columns=EDUCATION_COLUMNS,
        population=MONTHLY,
        person_columns=f"{SALARY_FTE}, {EDUCATION}",
        person_filter=f"salary IS NOT NULL AND education = '{level}'",
        value="quantile_cont(salary, 0.5)",
        breakdowns=("forvaltning", "gender", "occupation"),
        decimals=0,
        source=PAY_SOURCE,
        note_sv=PAY_NOTE,
    )


# The base occupations of a snapshot: the SSYK codes in which some monthly-paid employment of
# that snapshot holds a career step (the whole municipality's, whichever cell is shown).
BASE_OCCUPATION = (
    f"{MONTHLY} AND EXISTS (SELECT 1 FROM source AS step "
    "WHERE step.snapshot_date = source.snapshot_date AND step.ssyk_code = source.ssyk_code "
    "AND step.pay_form = 'monthly' AND step.career_step IS NOT NULL)"
)
# A person is on a step when their main employment in the base occupations holds one.
ON_STEP = f"first(career_step {MAIN_EMPLOYMENT}) IS NOT NULL AS on_step"
CAREER_COLUMNS = ("pay_form", "ssyk_code", "career_step")
CAREER_POPULATION_SV = (
    "Månadsavlönade personer på mätdagen i basyrkena: de yrken (SSYK) där någon i kommunen "
    "har ett karriärsteg."
)
CAREER_SOURCE = (
    "SKR:s och Skolverkets karriärtjänster (förstelärare) och kommunernas egna karriärsteg; "
    "yrke enligt SCB:s SSYK 2012"
)


CAREER_METRICS: tuple[Metric, ...] = (
    Metric(
        id="education_pay_premium",
        discloses=PAY_DISTRIBUTION,
        label_sv="Utbildningspremie, eftergymnasial 3 år eller längre",
        label_en="Pay premium of three years' post-secondary education",
        definition_sv=(
            "Medianlönen (heltid) för dem med eftergymnasial utbildning 3 år eller längre "
            "delad med medianlönen för dem med gymnasial utbildning, minus 1, i procent."
        ),
        population_sv=(
            "Månadsavlönade personer på mätdagen vars högsta utbildningsnivå är gymnasial "
            "eller eftergymnasial 3 år eller längre; lön omräknad till heltid."
        ),
        unit="%",
        columns=EDUCATION_COLUMNS,
        population=MONTHLY,
        person_columns=f"{SALARY_FTE}, {EDUCATION}",
        person_filter=f"salary IS NOT NULL AND education IN ('{LONG}', '{UPPER_SECONDARY}')",
        value=f"100.0 * ({_median(LONG)} / {_median(UPPER_SECONDARY)} - 1)",
        numerators=(f"count(*) FILTER (education = '{LONG}')",
                    f"count(*) FILTER (education = '{UPPER_SECONDARY}')"),
        breakdowns=("forvaltning", "gender", "occupation"),
        higher_is_better=True,
        source=PAY_SOURCE,
        note_sv=PAY_NOTE + " Förgymnasial och kortare eftergymnasial utbildning ingår inte.",
    ),
    _education_median(
        "education_pay_median_long", LONG,
        label_sv="Medianlön, eftergymnasial utbildning 3 år eller längre",
        label_en="Median salary, post-secondary education of three years or more",
        level_sv="eftergymnasial utbildning 3 år eller längre (forskarutbildning inräknad)",
    ),
    _education_median(
        "education_pay_median_upper_secondary", UPPER_SECONDARY,
        label_sv="Medianlön, gymnasial utbildning",
        label_en="Median salary, upper-secondary education",
        level_sv="gymnasial utbildning",
    ),
    Metric(
        id="career_step_share",
        discloses=PERSONAL,
        label_sv="Andel med karriärsteg",
        label_en="Share of staff on a career step",
        definition_sv=(
            "Antal personer i basyrkena med ett karriärsteg (t.ex. förstelärare, "
            "specialistundersköterska) delat med antal personer i basyrkena, i procent."
        ),
        population_sv=CAREER_POPULATION_SV,
        unit="%",
        columns=CAREER_COLUMNS,
        population=BASE_OCCUPATION,
        person_columns=f"{ON_STEP}, {SALARY_FTE}",
        value="100.0 * count(*) FILTER (on_step) / count(*)",
        numerators=("count(*) FILTER (on_step)",),
        breakdowns=("forvaltning", "gender", "occupation"),
        higher_is_better=True,
        source=CAREER_SOURCE,
        note_sv=(
            "Basyrkena bestäms per mätdag: de SSYK-koder där minst en månadsavlönad "
            "anställning har ett karriärsteg. En person räknas i anställningen med högst "
            "sysselsättningsgrad bland basyrkena."
        ),
    ),
    Metric(
        id="career_step_pay_difference",
        discloses=PAY_DISTRIBUTION,
        label_sv="Löneskillnad, karriärsteg mot grundsteg",
        label_en="Pay difference, career step over base step",
        definition_sv=(
            "Medianlönen (heltid) för personer i basyrkena med ett karriärsteg minus "
            "medianlönen för personer i samma yrken utan karriärsteg, i kronor."
        ),
        population_sv=CAREER_POPULATION_SV + " Lön omräknad till heltid.",
        unit="kr",
        columns=(*CAREER_COLUMNS, "monthly_salary_fte|monthly_salary_actual"),
        population=BASE_OCCUPATION,
        person_columns=f"{ON_STEP}, {SALARY_FTE}",
        person_filter="salary IS NOT NULL",
        value=("quantile_cont(salary, 0.5) FILTER (on_step)"
               " - quantile_cont(salary, 0.5) FILTER (NOT on_step)"),
        numerators=("count(*) FILTER (on_step)", "count(*) FILTER (NOT on_step)"),
        breakdowns=("forvaltning", "gender", "occupation"),
        decimals=0,
        higher_is_better=True,
        source=CAREER_SOURCE + "; lönebegrepp enligt SCB:s lönestrukturstatistik",
        note_sv=PAY_NOTE.replace("Totalen räknas över alla yrken",
                                 "Totalen räknas över alla basyrken"),
    ),
)
