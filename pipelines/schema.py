"""The canonical employment table as data: columns, types, header aliases, value vocabularies.

Grain of `employment`: one row per employment per snapshot date (metric-definitions.md §3.1).
A person with two employments has two rows; person-level metrics deduplicate on person_key.

Functions elsewhere apply these declarations; nothing here does any work.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a raw column is turned into a canonical value (see normalise.py).
(TEXT, DATE, RATE, NUMBER, GENDER, FLAG, PAY_FORM, EMPLOYMENT_FORM, LEAVE_REASON, CODE, PNR,
 PERSON_ID, SNAPSHOT, YEAR) = (
    "text", "date", "rate", "number", "gender", "flag", "pay_form", "employment_form",
    "leave_reason", "code", "pnr", "person_id", "snapshot", "year",
)
EDUCATION_LEVEL = "education_level"
"""Kind of the education-level column (issue 13, M13): EDUCATION_LEVEL_VALUES below."""


@dataclass(frozen=True)
class Column:
    name: str
    """Canonical name (snake_case English)."""
    sql_type: str
    """DuckDB type in the store."""
    kind: str
    """Normaliser to apply to the raw column (one of the constants above)."""
    aliases: tuple[str, ...] = ()
    """Headers the payroll systems use, matched ignoring case, diacritics, punctuation, spaces."""
    required: bool = False
    label_sv: str = ""
    """Swedish name for messages and the mapping form."""


# Input columns, as they may appear in an extract. The person is identified by `personnummer`
# (or a samordningsnummer in that column) or, when the file has none, by `person_id`: an
# employee number per person, the HR system's person id or an id pseudonymised upstream.
# Both are input only: they are replaced by person_key (and the personnummer also gives
# birth_year and, when the file has no gender column, gender) before anything is stored.
# `birth_year` and `birth_date` are input only too: the store keeps the year.
_PERSON_ID = Column(
    "person_id", "VARCHAR", PERSON_ID,
    ("Person-id", "Medarbetar-id", "Personal-ID", "Personalnummer", "Medarbetarnummer",
     "Anställd-id", "Anställdnummer", "HR-id", "Employee ID", "Employee number", "Pseudonym",
     "Pseudonymiserat id", "Pseudonym-id"), label_sv="Person-id")
_BIRTH_YEAR = Column("birth_year", "INTEGER", YEAR,
                     ("Födelseår", "Född år", "Födelseår (ÅÅÅÅ)", "Birth year", "Year of birth"),
                     label_sv="Födelseår")
_BIRTH_DATE = Column("birth_date", "DATE", DATE,
                     ("Födelsedatum", "Född", "Födelsedag", "Date of birth", "Birth date"),
                     label_sv="Födelsedatum")
IDENTITY = ("personnummer", "person_id")
"""One of these identifies the person (the personnummer when both are present)."""

INPUT_COLUMNS: tuple[Column, ...] = (
    Column("snapshot_date", "DATE", SNAPSHOT,
           ("Mätdatum", "Datum", "Urvalsdatum", "Period", "Avser datum", "Per datum",
            "Avser period", "Löneperiod", "Snapshot date"), label_sv="Mätdatum"),
    Column("personnummer", "VARCHAR", PNR,
           ("Personnummer", "Pnr", "Personnr", "Person-nr", "Person nr",
            "Personal identity number", "Samordningsnummer", "Personnummer/samordningsnummer"),
           label_sv="Personnummer"),
    _PERSON_ID,
    Column("employment_id", "VARCHAR", CODE,
           ("Anställningsnummer", "Anst.nr", "Anstnr", "Anställnings-id", "Anställning",
            "Anställningsnr", "Employment id"), required=True, label_sv="Anställningsnummer"),
    Column("gender", "VARCHAR", GENDER, ("Kön", "Kon", "Kvinna/Man", "K/M", "Gender"),
           label_sv="Kön"),
    _BIRTH_YEAR,
    _BIRTH_DATE,
    Column("forvaltning", "VARCHAR", TEXT,
           ("Förvaltning", "Förvaltningsnamn", "Nämnd", "Sektor", "Verksamhetsområde",
            "Bolag/Förvaltning", "Förvaltning namn"), label_sv="Förvaltning"),
    Column("org_unit", "VARCHAR", TEXT,
           ("Enhet", "Avdelning", "Organisationsenhet", "Org.enhet", "Resultatenhet", "Ansvar",
            "Kostnadsställe", "Kst", "Enhetsnamn"), label_sv="Enhet"),
    Column("job_title", "VARCHAR", TEXT,
           ("Befattning", "Befattningsbenämning", "Titel", "Tjänstebenämning",
            "Yrkesbenämning"), label_sv="Befattning"),
    Column("ssyk_code", "VARCHAR", CODE,
           ("SSYK", "SSYK 2012", "SSYK-kod", "Yrkeskod", "Yrkeskod SSYK"), label_sv="SSYK"),
    Column("employment_form", "VARCHAR", EMPLOYMENT_FORM,
           ("Anställningsform", "Anst.form", "Anställningstyp", "Anställningskategori", "Form"),
           label_sv="Anställningsform"),
    Column("pay_form", "VARCHAR", PAY_FORM,
           ("Löneform", "Lönetyp", "Avlöningsform", "Månadsavlönad/Timavlönad",
            "Månadslön/Timlön", "Pay form"), required=True, label_sv="Löneform"),
    Column("contracted_rate", "DOUBLE", RATE,
           ("Sysselsättningsgrad", "Syss.grad", "Tjänstgöringsgrad", "Omfattning",
            "Anställningsgrad", "Avtalad sysselsättningsgrad", "Arbetstidsmått %",
            "Sysselsättningsgrad %", "Avtalad syss.grad"), label_sv="Sysselsättningsgrad"),
    Column("actual_rate", "DOUBLE", RATE,
           ("Faktisk sysselsättningsgrad", "Faktisk tjänstgöringsgrad", "Aktuell omfattning",
            "Faktisk syss.grad"), label_sv="Faktisk sysselsättningsgrad"),
    # Leave on the snapshot date, recorded in any of three ways (normalise.full_leave): a leave
    # rate in percent of full time (actual rate = contracted rate - leave rate), a full-leave
    # flag, or a leave reason. A person is on full leave when the flag says so, when the leave
    # rate reaches the contracted rate, or when the actual rate is 0 at a contracted rate
    # above 0. A reason whose leave rate and actual rate are blank, in an extract with one of
    # those columns, is full leave unless a flag column says otherwise
    # (normalise.leave_reason_alone); in an extract with none of them it says nothing.
    Column("leave_rate", "DOUBLE", RATE,
           ("Ledighetsgrad", "Tjänstledighetsgrad", "Ledighet %", "Ledighetsomfattning",
            "Tjänstledig %", "Ledig %", "Frånvarograd"), label_sv="Ledighetsgrad"),
    Column("on_full_leave", "BOOLEAN", FLAG,
           ("Helt ledig", "Helt tjänstledig", "Heltidsledig", "Helt frånvarande",
            "Helt ledig J/N"), label_sv="Helt ledig"),
    Column("leave_reason", "VARCHAR", LEAVE_REASON,
           ("Ledighetsorsak", "Ledighetstyp", "Frånvaroorsak", "Orsak till ledighet",
            "Ledighetskod"), label_sv="Ledighetsorsak"),
    Column("monthly_salary_fte", "DOUBLE", NUMBER,
           ("Månadslön (heltid)", "Heltidslön", "Lön 100 %", "Grundlön", "Fast lön",
            "Månadslön", "Månadslön heltid"), label_sv="Månadslön (heltid)"),
    Column("monthly_salary_actual", "DOUBLE", NUMBER,
           ("Faktisk lön", "Aktuell lön", "Månadslön faktisk", "Utbetald fast lön"),
           label_sv="Faktisk lön"),
    Column("hourly_wage", "DOUBLE", NUMBER, ("Timlön", "Timlön kr", "Lön/tim"),
           label_sv="Timlön"),
    Column("hours_worked_month", "DOUBLE", NUMBER,
           ("Arbetade timmar", "Timmar", "Antal timmar", "Utbetalda timmar",
            "Arbetade timmar (månad)"), label_sv="Arbetade timmar"),
    Column("is_manager", "BOOLEAN", FLAG,
           ("Chef", "Chefsmarkering", "Chefskod", "Personalansvar", "Chef J/N"),
           label_sv="Chef"),
    Column("manager_employment_id", "VARCHAR", CODE,
           ("Chefens anst.nr", "Chefens anställningsnummer", "Närmaste chef anst.nr",
            "Chef anst.nr", "Överordnad anst.nr"), label_sv="Chefens anställningsnummer"),
    Column("employment_start", "DATE", DATE,
           ("Anställningsdatum", "Startdatum", "Fr.o.m.", "Fom", "Anst. from", "Anställd from"),
           label_sv="Anställningsdatum"),
    Column("first_hire_date", "DATE", DATE,
           ("Första anställningsdag", "Anställd sedan", "Koncerndatum", "LAS-datum"),
           label_sv="Första anställningsdag"),
    # Issue 13 (M13, M14): the highest education level, and the career step held (blank:
    # the base step of the occupation).
    Column("education_level", "VARCHAR", EDUCATION_LEVEL,
           ("Utbildningsnivå", "SUN-nivå", "Högsta utbildning", "Högsta utbildningsnivå",
            "Utbildningsnivå SUN", "SUN 2020", "Education level"), label_sv="Utbildningsnivå"),
    Column("career_step", "VARCHAR", TEXT,
           ("Karriärsteg", "Karriärtjänst", "Karriärsteg/befattning", "Career step"),
           label_sv="Karriärsteg"),
    # Issue 13 (M10, M11): when the individual development plan was last drawn up or updated
    # and the latest medarbetarsamtal (blank: none), and whether the employment is a mapped
    # key position and has a named successor or deputy (blank: no).
    Column("development_plan_date", "DATE", DATE,
           ("Utvecklingsplan upprättad", "Utvecklingsplan", "Utvecklingsplan datum",
            "Datum utvecklingsplan", "Individuell utvecklingsplan", "Kompetensutvecklingsplan",
            "Development plan date"), label_sv="Utvecklingsplan upprättad"),
    Column("dialogue_date", "DATE", DATE,
           ("Senaste medarbetarsamtal", "Medarbetarsamtal", "Medarbetarsamtal datum",
            "Datum medarbetarsamtal", "Senaste utvecklingssamtal", "Utvecklingssamtal",
            "Last appraisal"), label_sv="Senaste medarbetarsamtal"),
    Column("key_position", "BOOLEAN", FLAG,
           ("Nyckelbefattning", "Nyckelposition", "Nyckelroll", "Nyckelkompetens",
            "Nyckelbefattning J/N", "Key position"), label_sv="Nyckelbefattning"),
    Column("successor", "BOOLEAN", FLAG,
           ("Efterträdare utsedd", "Efterträdare", "Ersättare utsedd", "Ställföreträdare utsedd",
            "Ställföreträdare", "Successor named"), label_sv="Efterträdare utsedd"),
)

INPUT_BY_NAME: dict[str, Column] = {c.name: c for c in INPUT_COLUMNS}

# The `employment` table in the store: the input columns less personnummer, plus what the
# pseudonymisation derives and the load that wrote the row.
EMPLOYMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("snapshot_date", "DATE NOT NULL"),
    ("employment_id", "VARCHAR NOT NULL"),
    ("person_key", "VARCHAR NOT NULL"),
    ("birth_year", "INTEGER"),
    ("gender", "VARCHAR"),
    ("forvaltning", "VARCHAR"),
    ("org_unit", "VARCHAR"),
    ("job_title", "VARCHAR"),
    ("ssyk_code", "VARCHAR"),
    ("employment_form", "VARCHAR"),
    ("pay_form", "VARCHAR NOT NULL"),
    ("contracted_rate", "DOUBLE"),
    ("actual_rate", "DOUBLE"),
    ("on_full_leave", "BOOLEAN"),
    ("leave_reason", "VARCHAR"),
    ("monthly_salary_fte", "DOUBLE"),
    ("monthly_salary_actual", "DOUBLE"),
    ("hourly_wage", "DOUBLE"),
    ("hours_worked_month", "DOUBLE"),
    ("is_manager", "BOOLEAN"),
    ("manager_employment_id", "VARCHAR"),
    ("employment_start", "DATE"),
    ("first_hire_date", "DATE"),
    ("education_level", "VARCHAR"),
    ("career_step", "VARCHAR"),
    ("development_plan_date", "DATE"),
    ("dialogue_date", "DATE"),
    ("key_position", "BOOLEAN"),
    ("successor", "BOOLEAN"),
    ("load_id", "INTEGER NOT NULL"),
)
EMPLOYMENT_KEY = ("snapshot_date", "employment_id")

# `absence_year`: one row per person and calendar year, from the sick-leave extract
# (metric-definitions.md §3.3, the statutory report's population and period, M6).
ABSENCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "INTEGER NOT NULL"),
    ("person_key", "VARCHAR NOT NULL"),
    ("birth_year", "INTEGER"),
    ("gender", "VARCHAR"),
    ("forvaltning", "VARCHAR"),
    ("ordinary_hours", "DOUBLE NOT NULL"),
    ("sick_hours", "DOUBLE NOT NULL"),
    ("sick_hours_long", "DOUBLE"),
    ("load_id", "INTEGER NOT NULL"),
)
ABSENCE_KEY = ("year", "person_key")

# `hme_result`: one row per unit and survey year, the HME index summary as the survey tool
# delivers it (0-100 scale; metric-definitions.md §3.4, M7).
HME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "INTEGER NOT NULL"),
    ("unit", "VARCHAR NOT NULL"),
    ("forvaltning", "VARCHAR"),
    ("motivation", "DOUBLE"),
    ("ledarskap", "DOUBLE"),
    ("styrning", "DOUBLE"),
    ("hme_total", "DOUBLE"),
    ("n_respondents", "INTEGER NOT NULL"),
    ("n_invited", "INTEGER"),
    ("load_id", "INTEGER NOT NULL"),
)
HME_KEY = ("year", "unit")

# Every canonical table: name -> (columns, primary key).
TABLES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "employment": (EMPLOYMENT_COLUMNS, EMPLOYMENT_KEY),
    "absence_year": (ABSENCE_COLUMNS, ABSENCE_KEY),
    "hme_result": (HME_COLUMNS, HME_KEY),
}

_YEAR_ALIASES = ("År", "Kalenderår", "Verksamhetsår", "Mätår", "Year")
_PNR = INPUT_BY_NAME["personnummer"]
_FORVALTNING = INPUT_BY_NAME["forvaltning"]
_PERSON_YEAR = (
    Column("year", "INTEGER", YEAR, _YEAR_ALIASES, required=True, label_sv="År"),
    _PNR,
    _PERSON_ID,
    INPUT_BY_NAME["gender"],
    _BIRTH_YEAR,
    _BIRTH_DATE,
    _FORVALTNING,
)
"""The first columns of a yearly extract per person: the year, the person, gender, birth,
förvaltning."""

ABSENCE_INPUT_COLUMNS: tuple[Column, ...] = (
    *_PERSON_YEAR,
    Column("ordinary_hours", "DOUBLE", NUMBER,
           ("Ordinarie arbetstid (tim)", "Ordinarie arbetstid", "Ordinarie arbetstid timmar",
            "Schemalagd tid", "Ordinarie timmar"), required=True,
           label_sv="Ordinarie arbetstid (tim)"),
    Column("sick_hours", "DOUBLE", NUMBER,
           ("Sjukfrånvaro (tim)", "Sjukfrånvaro", "Sjukfrånvaro timmar", "Sjuktimmar",
            "Sjukfrånvarotimmar"), required=True, label_sv="Sjukfrånvaro (tim)"),
    Column("sick_hours_long", "DOUBLE", NUMBER,
           ("Varav långtidssjukfrånvaro (tim)", "Långtidssjuk", "Långtidssjukfrånvaro",
            "Sjukfrånvaro 60 dagar eller mer", "Varav 60 dagar eller mer"),
           label_sv="Varav långtidssjukfrånvaro (tim)"),
)

HME_INPUT_COLUMNS: tuple[Column, ...] = (
    Column("year", "INTEGER", YEAR, _YEAR_ALIASES, required=True, label_sv="År"),
    Column("unit", "VARCHAR", TEXT, ("Enhet", "Organisationsenhet", "Enhetsnamn", "Grupp"),
           required=True, label_sv="Enhet"),
    _FORVALTNING,
    Column("motivation", "DOUBLE", NUMBER, ("Motivationsindex", "Motivation"),
           label_sv="Motivationsindex"),
    Column("ledarskap", "DOUBLE", NUMBER, ("Ledarskapsindex", "Ledarskap"),
           label_sv="Ledarskapsindex"),
    Column("styrning", "DOUBLE", NUMBER, ("Styrningsindex", "Styrning"),
           label_sv="Styrningsindex"),
    Column("hme_total", "DOUBLE", NUMBER, ("HME totalt", "HME-index", "HME", "Totalindex",
                                           "HME total"), required=True, label_sv="HME totalt"),
    Column("n_respondents", "INTEGER", NUMBER, ("Antal svarande", "Svarande", "Antal svar"),
           required=True, label_sv="Antal svarande"),
    Column("n_invited", "INTEGER", NUMBER, ("Antal inbjudna", "Inbjudna", "Antal tillfrågade"),
           label_sv="Antal inbjudna"),
)


@dataclass(frozen=True)
class Extract:
    """One kind of file an analyst uploads, and the canonical table it fills."""

    table: str
    label_sv: str
    columns: tuple[Column, ...]
    period: str
    """The column whose values a load replaces: loading a snapshot (or year) again replaces it."""
    one_of: tuple[str, ...] = ()
    """Columns of which the extract needs at least one (the person's identity)."""


def label(extract: Extract, column: str) -> str:
    """The Swedish name of a column of an extract."""
    return next((c.label_sv for c in extract.columns if c.name == column), column)


EXTRACTS: tuple[Extract, ...] = (
    Extract("employment", "anställningsuttag", INPUT_COLUMNS, "snapshot_date", IDENTITY),
    Extract("absence_year", "sjukfrånvarouttag", ABSENCE_INPUT_COLUMNS, "year", IDENTITY),
    Extract("hme_result", "HME-sammanställning", HME_INPUT_COLUMNS, "year"),
)

# Missing-column semantics, relied on by the metrics: a column the extract did not have is
# NULL in every row of that load (is_manager NULL -> fall back to SSYK major group 1;
# hours_worked_month NULL -> every hourly-paid person counts; actual_rate NULL -> no
# "works full time" figure). A column the extract had keeps blanks as: flag -> false,
# hours -> 0, other values -> NULL.

# Value vocabularies, keys compared after folding (lower case, no diacritics, punctuation or
# spaces): a key may be written as the payroll systems write it; normalise.py folds it.
GENDER_VALUES = {"k": "K", "kvinna": "K", "f": "K", "female": "K", "2": "K",
                 "m": "M", "man": "M", "male": "M", "1": "M"}
FLAG_VALUES = {"ja": True, "j": True, "x": True, "1": True, "true": True, "sant": True,
               "yes": True, "y": True,
               "nej": False, "n": False, "": False, "0": False, "false": False,
               "falskt": False, "no": False}
PAY_FORM_VALUES = {"manadslon": "monthly", "manadsavlonad": "monthly", "manad": "monthly",
                   "monthly": "monthly", "man": "monthly", "m": "monthly",
                   "timlon": "hourly", "timavlonad": "hourly", "tim": "hourly",
                   "hourly": "hourly", "t": "hourly", "timanstalld": "hourly"}
# Employment forms: the LAS forms since 2022 (allmän and särskild visstidsanställning,
# vikariat, säsong), the older ones (ALVA/AVA, ÖVA, objekts- and projektanställning) and the
# usual abbreviations. A probationary employment (provanställning) is time-limited: visstid.
# Hourly "as needed" employments are their own form.
EMPLOYMENT_FORM_VALUES = {
    **dict.fromkeys(("tillsvidare", "tillsvidareanställning", "tillsvidareanställd",
                     "tills vidare", "fast anställning", "fast anställd", "fast", "tv", "tva",
                     "permanent"), "tillsvidare"),
    **dict.fromkeys(("visstid", "visstidsanställning", "visstidsanställd",
                     "allmän visstidsanställning", "allmän visstid", "alva", "ava",
                     "särskild visstidsanställning", "särskild visstid", "säva",
                     "överenskommen visstidsanställning", "öva",
                     "tidsbegränsad anställning", "tidsbegränsad", "tidsbegränsat anställd",
                     "vikariat", "vikarie", "vikariatsanställning", "vik",
                     "provanställning", "provanställd", "säsong", "säsongsanställning",
                     "säsongsanställd", "objektsanställning", "objektsanställd",
                     "projektanställning", "projektanställd"), "visstid"),
    **dict.fromkeys(("timanställning", "timanställd", "timavlönad", "behovsanställning",
                     "behovsanställd", "intermittent anställning", "intermittent"),
                    "timanstallning"),
}
"""Keys as written in Swedish; normalise.py folds them as it folds the values."""
LEAVE_REASON_VALUES = {
    **dict.fromkeys(("föräldraledig", "föräldraledighet", "föräldrapenning",
                     "ledig för vård av barn"), "parental"),
    **dict.fromkeys(("tjänstledig", "tjänstledighet", "tjl", "ledig utan lön",
                     "tjänstledig annan anställning", "prövning annan anställning"),
                    "leave_of_absence"),
    **dict.fromkeys(("studieledig", "studieledighet", "studier", "tjänstledig studier"),
                    "studies"),
    **dict.fromkeys(("sjukersättning", "aktivitetsersättning", "hel sjukersättning",
                     "vilande anställning"), "sickness_compensation"),
    **dict.fromkeys(("annan ledighet", "övrig ledighet", "annan", "övrigt", "ledig"),
                    "other"),
    **{reason: reason for reason in ("parental", "leave_of_absence", "studies",
                                     "sickness_compensation", "other")},
}
"""Why a person is on leave; the reason is kept, and decides full leave only where the extract
records how much leave and leaves the row's percentages blank (normalise.leave_reason_alone)."""

# Issue 13 (M13): the highest education level, in four levels: förgymnasial, gymnasial,
# eftergymnasial shorter than 3 years, and 3 years or longer (forskarutbildning included).
# Written in Swedish as SCB's education register names them, or as the SUN 2020 level digit
# (1-2 förgymnasial, 3 gymnasial, 4 eftergymnasial < 3 år, 5-6 eftergymnasial >= 3 år incl.
# forskarutbildning). "Eftergymnasial < 3 år" and ">= 3 år" fold to the same key and are left
# unknown rather than guessed.
EDUCATION_LEVEL_VALUES = {
    **dict.fromkeys(("förgymnasial", "förgymnasial utbildning", "grundskola",
                     "förgymnasial utbildning kortare än 9 år", "förgymnasial kortare än 9 år",
                     "förgymnasial utbildning 9 (10) år", "förgymnasial 9 (10) år",
                     "förgymnasial 9 år", "1", "2"), "forgymnasial"),
    **dict.fromkeys(("gymnasial", "gymnasial utbildning", "gymnasium", "gymnasieutbildning",
                     "gymnasial utbildning högst 2 år", "gymnasial utbildning 3 år",
                     "gymnasial högst 2 år", "gymnasial 3 år", "3"), "gymnasial"),
    **dict.fromkeys(("eftergymnasial kortare än 3 år",
                     "eftergymnasial utbildning kortare än 3 år",
                     "eftergymnasial utbildning, mindre än 3 år", "eftergymnasial under 3 år",
                     "eftergymnasial kort", "kort eftergymnasial", "4",
                     "eftergymnasial_kort"), "eftergymnasial_kort"),
    **dict.fromkeys(("eftergymnasial 3 år eller längre",
                     "eftergymnasial utbildning 3 år eller längre",
                     "eftergymnasial 3 år eller mer", "eftergymnasial utbildning 3 år eller mer",
                     "eftergymnasial lång", "lång eftergymnasial", "forskarutbildning",
                     "5", "6", "eftergymnasial_lang"), "eftergymnasial_lang"),
}
"""Keys as written in Swedish; normalise.py folds them as it folds the values."""
EDUCATION_LEVELS = ("forgymnasial", "gymnasial", "eftergymnasial_kort", "eftergymnasial_lang")
"""The canonical education levels, lowest first."""

# --- Issue 13: the training extract and the crisis-placement register ---------------------------
# Both are per person (pseudonymised like the sick-leave extract) and have the calendar year as
# their period: a load replaces the years its rows fall in. The year is not a column of the
# files; normalise.readiness_periods() derives it from PERIOD_FROM (see docs/definitions.md).
WEEK, CORE_SERVICE = "week", "core_service"
"""Kinds: an ISO week ('2024-W37', '2024 v37') or a date, read as that week's Monday; and the
core service a crisis placement serves in (CORE_SERVICE_VALUES)."""

# `training`: one row per person, course and course date.
TRAINING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "INTEGER NOT NULL"),
    ("person_key", "VARCHAR NOT NULL"),
    ("course", "VARCHAR NOT NULL"),
    ("course_date", "DATE NOT NULL"),
    ("load_id", "INTEGER NOT NULL"),
)
TRAINING_KEY = ("year", "person_key", "course", "course_date")

# `crisis_placement`: one row per person, receiving unit and week served; a placement without
# a week served yet has week '' (the key cannot hold NULL) and week_start NULL. `week` is the
# ISO week ('2024-W37') of week_start, and `year` its ISO year.
CRISIS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "INTEGER NOT NULL"),
    ("person_key", "VARCHAR NOT NULL"),
    ("receiving_unit", "VARCHAR NOT NULL"),
    ("core_service", "VARCHAR NOT NULL"),
    ("week_start", "DATE"),
    ("week", "VARCHAR NOT NULL"),
    ("load_id", "INTEGER NOT NULL"),
)
CRISIS_KEY = ("year", "person_key", "week", "receiving_unit")

TABLES["training"] = (TRAINING_COLUMNS, TRAINING_KEY)
TABLES["crisis_placement"] = (CRISIS_COLUMNS, CRISIS_KEY)

TRAINING_INPUT_COLUMNS: tuple[Column, ...] = (
    _PNR,
    _PERSON_ID,
    Column("course", "VARCHAR", TEXT,
           ("Kurs", "Kursnamn", "Utbildningsnamn", "Kurs/utbildning", "Course"),
           required=True, label_sv="Kurs"),
    Column("course_date", "DATE", DATE,
           ("Kursdatum", "Datum för kurs", "Kurs genomförd", "Genomförd datum", "Kursens datum",
            "Course date"), required=True, label_sv="Kursdatum"),
)

CRISIS_INPUT_COLUMNS: tuple[Column, ...] = (
    _PNR,
    _PERSON_ID,
    Column("receiving_unit", "VARCHAR", TEXT,
           ("Mottagande enhet", "Mottagande verksamhet", "Krisplacering", "Placeringsenhet",
            "Receiving unit"), required=True, label_sv="Mottagande enhet"),
    Column("core_service", "VARCHAR", CORE_SERVICE,
           ("Kärnverksamhet", "Verksamhetstyp", "Kärnverksamhetstyp", "Core service"),
           required=True, label_sv="Kärnverksamhet"),
    Column("week_start", "DATE", WEEK,
           ("Vecka", "Tjänstgöringsvecka", "Veckonummer", "Vecka tjänstgjord", "Week"),
           label_sv="Vecka"),
    Column("year", "INTEGER", YEAR, _YEAR_ALIASES, label_sv="År"),
)

EXTRACTS += (
    Extract("training", "utbildningsuttag", TRAINING_INPUT_COLUMNS, "year", IDENTITY),
    Extract("crisis_placement", "krisplaceringsregister", CRISIS_INPUT_COLUMNS, "year",
            IDENTITY),
)

PERIOD_FROM = {"training": "course_date", "crisis_placement": "week_start"}
"""The date column whose year is a row's period (the crisis register: the ISO year of the
week; a placement without a week takes the file's År column, else the file's latest year)."""

CORE_SERVICE_VALUES = {
    **dict.fromkeys(("skola", "förskola", "grundskola", "skola och förskola", "förskola och skola",
                     "utbildning", "barn och utbildning", "gymnasieskola"), "skola"),
    **dict.fromkeys(("vård och omsorg", "vård och omsorg (vo)", "vård", "omsorg", "äldreomsorg",
                     "hemtjänst", "särskilt boende", "funktionsstöd", "lss",
                     "vard_och_omsorg"), "vard_och_omsorg"),
    **dict.fromkeys(("annan", "annat", "övrig", "övrigt", "annan verksamhet"), "annan"),
}
"""Keys as written in Swedish; normalise.py folds them as it folds the values."""
CORE_SERVICES = ("skola", "vard_och_omsorg", "annan")

# --- Issue 23: the yearly pay extract (lönerapport and lönekartläggning) -------------------------
# One row per person and calendar year: the pay paid in the year and the hours it paid for. A
# file with a row per employment is summed per person when it is loaded (load._per_person):
# the pay and hours added up, the person's category, occupation and förvaltning taken from the
# row with the most hours paid (SUMMED_PER_PERSON). Pay in kronor, gross; the complementary and
# variable components come either as one sum or as a column per component (or both: the sum
# column wins).
PAY_COMPONENTS = ("ob_pay", "on_call_pay", "standby_pay", "overtime_pay", "other_pay")
"""The complementary and variable components a file may give one column each."""
PAY_SUMMED = ("basic_pay", "complementary_pay", *PAY_COMPONENTS, "hours_paid")
"""The pay extract's columns added up over a person's rows of a year."""
PAY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "INTEGER NOT NULL"),
    ("person_key", "VARCHAR NOT NULL"),
    ("birth_year", "INTEGER"),
    ("gender", "VARCHAR"),
    ("forvaltning", "VARCHAR"),
    ("ssyk_code", "VARCHAR"),
    ("job_title", "VARCHAR"),
    ("work_category", "VARCHAR"),
    ("value_level", "INTEGER"),
    ("basic_pay", "DOUBLE NOT NULL"),
    ("complementary_pay", "DOUBLE"),
    *((name, "DOUBLE") for name in PAY_COMPONENTS),
    ("hours_paid", "DOUBLE NOT NULL"),
    ("load_id", "INTEGER NOT NULL"),
)
PAY_KEY = ("year", "person_key")
TABLES["pay_year"] = (PAY_COLUMNS, PAY_KEY)
SUMMED_PER_PERSON = {"pay_year": PAY_SUMMED}
"""Tables whose extract may give a person several rows of one period: load._per_person adds up
these columns over them (and the duplicate check leaves them alone)."""


def _money(name: str, label_sv: str, *aliases: str, required: bool = False) -> Column:
    return Column(name, "DOUBLE", NUMBER, (label_sv, *aliases), required=required,
                  label_sv=label_sv)


PAY_INPUT_COLUMNS: tuple[Column, ...] = (
    *_PERSON_YEAR,
    INPUT_BY_NAME["ssyk_code"],
    INPUT_BY_NAME["job_title"],
    Column("work_category", "VARCHAR", TEXT,
           ("Arbetstagarkategori", "Kategori", "Kategori av arbetstagare", "Arbetskategori",
            "Lönekartläggningsgrupp", "Kartläggningsgrupp", "Grupp lika arbete", "Lika arbete",
            "Likvärdighetsgrupp", "Work category", "Category of workers"),
           label_sv="Arbetstagarkategori"),
    Column("value_level", "INTEGER", NUMBER,
           ("Arbetsvärderingsnivå", "Värderingsnivå", "Arbetsvärdering", "Nivå", "Kravnivå",
            "Svårighetsnivå", "Värdenivå", "Value level"), label_sv="Arbetsvärderingsnivå"),
    _money("basic_pay", "Utbetald grundlön", "Grundlön utbetald", "Grundlön (år)",
           "Utbetald grundlön (år)", "Utbetald fast lön", "Fast lön (år)", "Årslön utbetald",
           "Utbetald lön", "Basic pay", required=True),
    _money("complementary_pay", "Utbetalda tillägg", "Tillägg och rörliga ersättningar",
           "Utbetalda tillägg och rörliga ersättningar", "Rörliga ersättningar",
           "Rörliga tillägg", "Summa tillägg", "Kompletterande ersättningar", "Tillägg (år)",
           "Complementary pay"),
    _money("ob_pay", "OB-tillägg", "OB", "OB-ersättning", "Ersättning obekväm arbetstid",
           "Obekväm arbetstid"),
    _money("on_call_pay", "Jourersättning", "Jour", "Jourtillägg"),
    _money("standby_pay", "Beredskapsersättning", "Beredskap", "Beredskapstillägg"),
    _money("overtime_pay", "Övertidsersättning", "Övertid", "Mer- och övertid",
           "Övertid och mertid", "Mertid och övertid", "Övertidstillägg"),
    _money("other_pay", "Övriga tillägg", "Andra tillägg", "Övriga ersättningar",
           "Övrigt tillägg"),
    Column("hours_paid", "DOUBLE", NUMBER,
           ("Betalda timmar", "Utbetalda timmar (år)", "Betalda timmar (år)",
            "Antal betalda timmar", "Timmar betalda", "Lönegrundande timmar", "Hours paid"),
           required=True, label_sv="Betalda timmar"),
)

EXTRACTS += (
    Extract("pay_year", "löneuttag", PAY_INPUT_COLUMNS, "year", IDENTITY),
)
