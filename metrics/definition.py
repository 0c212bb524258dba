"""The Metric record: one indicator, declared as data.

compute.py turns a record into one SQL statement over the `employment` table:

    rows     employments of the population        WHERE <population>
    persons  one row per person and snapshot      SELECT <person_columns> ... GROUP BY person
                                                  (a person with two employments counts once;
                                                  their förvaltning is that of the employment
                                                  with the highest contracted rate)
    cells    one row per snapshot and breakdown   SELECT <n> AS n, <value> AS value

so a record only holds SQL fragments. Placeholders such as $fte_hours are bound by compute().
The first two steps (a record's "person step") are worked out when the data is loaded and kept
in a table of the store (persons.py), so they take no placeholders; compute() runs the cells
over that table.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a metric does with persons on full leave (tjänstlediga, föräldralediga) on the snapshot
# date: SKR separates the employed (anställda) from those at work (sysselsatta).
LEAVE_EXCLUDED = "excluded"
LEAVE_INCLUDED = "included"
LEAVE_TEXT = {
    LEAVE_EXCLUDED: "Helt lediga på mätdagen (t.ex. tjänstlediga och föräldralediga) räknas "
                    "inte: sysselsatta, som i SKR:s personalstatistik.",
    LEAVE_INCLUDED: "Helt lediga på mätdagen räknas med: alla anställda.",
}



@dataclass(frozen=True)
class Protection:
    """What a kind of figure discloses about the persons it counts, and so how its cells are
    protected (metrics/disclosure.py; docs/disclosure.md gives each class's reason)."""

    id: str
    label_sv: str
    setting: str
    """The field of settings.Settings holding the class's threshold: a cell resting on fewer
    persons is hidden."""
    numerator_rule: bool
    """Whether the persons a cell's numerator counts (Metric.numerators) must also be none or
    at least the threshold: where the numerator tells something that is not public."""
    reason: str
    """Why, with the legal or official source: the catalogue and docs/disclosure.md say it."""
    secondary: bool = True
    """Whether a hidden cell is kept from being worked out from the shown ones (secondary
    suppression): not where every figure of the class is published anyway."""


# The classes, from the least to the most sensitive. Each metric declares one (Metric.discloses).
PUBLISHED = "published"
COMPOSITION = "composition"
PERSONAL = "personal"
MOVEMENT = "movement"
PAY = "pay"
PAY_DISTRIBUTION = "pay_distribution"
HEALTH = "health"
PROTECTIONS: dict[str, Protection] = {p.id: p for p in (
    Protection(
        PUBLISHED, "Offentliggjorda uppgifter (chefer)", "min_cell_count", False,
        "Kommunen publicerar sina chefer med namn, så könsfördelningen bland cheferna i en "
        "förvaltning röjer inget om någon: sju chefer, två kvinnor och fem män, är en "
        "offentliggjord uppgift. En grupp med färre än fem chefer visas inte, eftersom en "
        "andel av så få säger lite, men den döljs inte för att skydda någon, så andra "
        "förvaltningar döljs inte för att den inte ska kunna räknas fram.",
        secondary=False,
    ),
    Protection(
        COMPOSITION, "Sammansättning (offentliga uppgifter)", "min_cell_count", False,
        "Vem som är anställd, i vilken befattning, anställningsform och sysselsättningsgrad, "
        "och kön och ålder är offentliga uppgifter i en kommun (offentlighetsprincipen): en "
        "andel av dem har ingen regel för täljaren. En grupp med färre än gränsen visas inte, "
        "och kan inte räknas fram ur de uppgifter som visas.",
    ),
    Protection(
        PERSONAL, "Personliga förhållanden", "min_n_personal", True,
        "Faktisk arbetstid (som speglar partiell ledighet), ledighet, utvecklingssamtal, "
        "kompetensutveckling och omplacering är uppgifter om enskildas personliga "
        "förhållanden som inte är offentliga: också antalet personer som har egenskapen ska "
        "vara noll eller minst gränsen.",
    ),
    Protection(
        MOVEMENT, "Rörlighet", "min_n_movement", True,
        "Vem som har slutat är en uppgift om enskilda: antalet som har slutat ska vara noll "
        "eller minst gränsen.",
    ),
    Protection(
        PAY, "Lön (medelvärden)", "min_n_pay", True,
        "Lönen i en liten grupp går att föra tillbaka på personerna; medelvärden visas för "
        "minst fem personer och bara när varje jämförd grupp (t.ex. kvinnor och män) når "
        "gränsen (SCB:s och kommunernas lönestatistik).",
    ),
    Protection(
        PAY_DISTRIBUTION, "Lön (median och percentiler)", "min_n_percentiles", True,
        "En percentil eller median är en enskild persons lön: den visas för minst tio "
        "personer, som i kommunernas lönestatistik (t.ex. Malmö stad).",
    ),
    Protection(
        HEALTH, "Hälsa", "min_n_sick_leave", True,
        "Sjukfrånvaro är hälsouppgifter (en särskild kategori personuppgifter enligt GDPR). "
        "Lagen om kommunal bokföring och redovisning (tidigare 4 kap. 1 a § lagen (1997:614) "
        "om kommunal redovisning) säger att uppgiften inte lämnas för en grupp med högst tio "
        "anställda: gruppen ska ha minst elva. Också antalet sjuka ska vara noll eller minst "
        "gränsen.",
    ),
)}


@dataclass(frozen=True)
class Metric:
    id: str
    """Stable snake_case id, used in the CLI, exports and URLs."""
    label_sv: str
    label_en: str
    definition_sv: str
    """One sentence naming numerator and denominator: shown beside every chart."""
    population_sv: str
    unit: str
    """Swedish unit shown to users: '%', 'personer', 'årsarbetare', 'kr', 'kvot'."""
    columns: tuple[str, ...]
    """Canonical columns of `employment` the metric needs; "a|b" means either will do."""
    population: str
    """SQL predicate on employment rows: who is in the population."""
    value: str
    """SQL aggregate over the persons of one cell."""
    person_columns: str = ""
    """SQL aggregates per person (columns the value expression reads), comma-separated. They
    are worked out when the data is loaded (persons.py), so they take no parameters."""
    person_filter: str = "TRUE"
    """SQL predicate on the person rows (after aggregation); every person row has the
    person's `birth_year`."""
    n: str = "count(*)"
    """How many persons a cell rests on: the base of the disclosure rule."""
    numerators: tuple[str, ...] = ()
    """SQL counts of the persons a cell's numerator counts (women among managers, leavers, the
    long-term sick): like n, each must be 0 or reach the threshold (disclosure.py)."""
    discloses: str = ""
    """What the figure discloses (PROTECTIONS: composition, personal, movement, pay,
    pay_distribution, health): its threshold and whether the numerator rule applies."""
    breakdowns: tuple[str, ...] = ("forvaltning", "gender")
    """Breakdowns that mean something for this metric (the snapshot trend is always there)."""
    monthly: bool = False
    """Whether a monthly series means something (headcount, årsarbetare, hourly pay, full
    time). Every indicator's yearly series counts the reference month's snapshots only."""
    decimals: int = 1
    higher_is_better: bool | None = None
    """Direction of a good change, for colouring the change on the overview (None: neutral)."""
    source: str = ""
    """Where the definition comes from (metric-definitions.md block)."""
    note_sv: str = ""
    """Decisions taken where the official definition is silent."""
    table: str = "employment"
    on_leave: str | None = LEAVE_EXCLUDED
    """Persons on full leave left out (LEAVE_EXCLUDED) or counted (LEAVE_INCLUDED); None for
    the yearly tables, which have no snapshot date to be on leave on."""
    leave_by_person: bool = False
    """With LEAVE_EXCLUDED: the person step keeps the population's employments on full leave
    (a contract on leave is still a contract) and leaves out only the persons on full leave in
    every one; the person columns say what an employment on leave counts for (persons.py)."""

    @property
    def population_text(self) -> str:
        """The population as users read it, with what the metric does with full leave."""
        leave = LEAVE_TEXT.get(self.on_leave, "")
        return f"{self.population_sv} {leave}".strip()

    @property
    def protection(self) -> Protection:
        return PROTECTIONS[self.discloses]

    def __post_init__(self) -> None:
        if self.discloses not in PROTECTIONS:
            raise ValueError(f"{self.id}: discloses is {self.discloses!r}, not one of "
                             f"{', '.join(PROTECTIONS)}")
        if self.on_leave not in (*LEAVE_TEXT, None):
            raise ValueError(f"{self.id}: on_leave is {self.on_leave!r}")
        unknown = set(self.breakdowns) - set(BREAKDOWNS)
        if unknown:
            raise ValueError(f"{self.id}: unknown breakdowns {sorted(unknown)}")


@dataclass(frozen=True)
class Breakdown:
    label_sv: str
    person_sql: str
    """How a person's value is chosen among their employments in the population: an aggregate
    over the person's rows, or with `per_person` an expression over the person's row (which
    has `birth_year`) that may read parameters such as $retirement_age."""
    per_person: bool = False
    tables: tuple[str, ...] = ()
    """The relations (Metric.table) whose rows have the breakdown's column; empty: all. Only
    the metrics reading one of them work out the breakdown (issue 13: core service)."""


# A person belongs to the förvaltning of their main employment: the highest contracted rate
# (ties: the lowest employment id), so the cells of a breakdown add up to the total.
MAIN_EMPLOYMENT = "ORDER BY contracted_rate DESC NULLS LAST, employment_id"
UNKNOWN = "Okänt"

AGE = "year(snapshot_date) - first(birth_year)"
"""Age reached in the snapshot's year (the store keeps the birth year only)."""

# Bands of metric-definitions.md M12; the ASCII hyphen sorts "-29" first.
AGE_BANDS = ((29, "-29"), (39, "30-39"), (49, "40-49"), (59, "50-59"), (64, "60-64"))
AGE_BAND_SQL = (
    "CASE " + " ".join(f"WHEN {AGE} <= {upper} THEN '{label}'" for upper, label in AGE_BANDS)
    + f" WHEN {AGE} IS NOT NULL THEN '65-' ELSE '{{unknown}}' END"
)

BREAKDOWNS: dict[str, Breakdown] = {
    "forvaltning": Breakdown("Förvaltning", f"first(forvaltning {MAIN_EMPLOYMENT})"),
    "gender": Breakdown("Kön", f"coalesce(first(gender), '{UNKNOWN}')"),
    "occupation": Breakdown(
        "Yrke (SSYK)", f"coalesce(first(ssyk_code {MAIN_EMPLOYMENT}), '{UNKNOWN}')"
    ),
    "age_band": Breakdown("Åldersgrupp", AGE_BAND_SQL.format(unknown=UNKNOWN)),
    "years_to_retirement": Breakdown(
        "År till pension", "greatest(birth_year + $retirement_age - year(snapshot_date), 0)",
        per_person=True
    ),
}

# Issue 13: the core service of a person's crisis placement in the snapshot's year (the one
# with the most weeks served; see store.py's employment_crisis view), named in Swedish.
CORE_SERVICE_NAMES = {"skola": "Skola", "vard_och_omsorg": "Vård och omsorg", "annan": "Annan"}
BREAKDOWNS["core_service"] = Breakdown(
    "Kärnverksamhet",
    "CASE first(core_service) "
    + " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in CORE_SERVICE_NAMES.items())
    + f" ELSE '{UNKNOWN}' END",
    tables=("employment_crisis",),
)
