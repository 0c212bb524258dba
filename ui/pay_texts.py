"""The Swedish strings of the page "Jämställda löner" (issue 23:
ui/pages/lonekartlaggning.py and its charts), kept apart from ui/texts.py, which is long
enough; the page's title and intro are there (PAGE_TITLES, PAGE_INTROS), as every page's.

Category names, occupations, explanations and actions are data: they reach the screen through
st.dataframe, st.data_editor, a selectbox's options or ui.plain, never as Markdown here.
"""

from __future__ import annotations

from metrics import pay_survey

# --- the year and what is missing -----------------------------------------------------------
YEAR = "År"
YEAR_HELP = "Kalenderåret i löneuttaget. Lönerapporten gäller ett år i taget."
NO_PAY_DATA = (
    "Inga lönedata är inlästa ännu. Läs in ett löneuttag under Ladda upp: en rad per person "
    "(eller per anställning) och år med kolumnerna År, Personnummer, Kön, Utbetald grundlön, "
    "tilläggen (Utbetalda tillägg, eller en kolumn per slag: OB-tillägg, Jourersättning, "
    "Beredskapsersättning, Övertidsersättning, Övriga tillägg) och Betalda timmar. Med "
    "Befattning, SSYK eller Arbetstagarkategori delas personerna in i kategorier för "
    "lönekartläggningen."
)
NO_PAY_DATA_VIEWER = (
    "Inga lönedata är inlästa ännu. Lönerapporten visas här när kommunens löneuttag har "
    "lästs in."
)
FILTERS_NOT_USED = (
    "Lönerapporten gäller alltid hela kommunen och ett helt kalenderår: urvalet i sidomenyn "
    "används inte här."
)

# --- the summary (everyone) -----------------------------------------------------------------
SUMMARY_HEADER = "Lönerapport {year}"
SUMMARY_AS_COMMITTEE = (
    "Så här ser nämnden sammanfattningen: en siffra som vilar på för få personer visas inte. "
    "Alla värden finns under fliken Lönerapport längre ner."
)
MEAN_GAP = "Löneskillnad, medelvärde"
MEDIAN_GAP = "Löneskillnad, median"
GAP_HELP = (
    "Skillnaden mellan mäns och kvinnors timlön i procent av mäns: (män − kvinnor) / män. "
    "Positiv: kvinnor har lägre timlön än män; negativ: högre. Timlönen är årets grundlön "
    "och tillägg delat med årets betalda timmar."
)
RECEIVING_WOMEN = "Kvinnor med tillägg"
RECEIVING_MEN = "Män med tillägg"
RECEIVING_HELP = (
    "Andelen av kvinnorna respektive männen som under året fick tillägg eller rörliga "
    "ersättningar: OB, jour, beredskap, övertid och andra tillägg."
)
HIDDEN_VALUE = "Visas inte"
HIDDEN_NOTE = "Visas inte: vilar på för få personer (färre än {k} kvinnor eller män)."
HIDDEN_WHY = "Vilar på för få personer (färre än {k} kvinnor eller män)."
NOT_COMPUTED = "–"
GAP_NOT_COMPUTED = "Kan inte beräknas: underlaget saknar kvinnor eller män."
NO_COMPLEMENTARY = "Löneuttaget för året har inga uppgifter om tillägg."
GAP_EXPLAINED = (
    "Löneskillnad: hur mycket lägre kvinnors timlön är än mäns, i procent av mäns "
    "(negativ: kvinnors är högre). Timlön: årets grundlön och tillägg delat med betalda "
    "timmar."
)

TREND_HEADER = "Löneskillnaden över åren"
TREND_MEAN = "Medelvärde"
TREND_MEDIAN = "Median"
TREND_AXIS = "Löneskillnad"
TREND_HIDDEN = "{count} år visas inte: vilar på för få personer (färre än {k} kvinnor eller män)."

QUARTILES_HEADER = "Kvinnor och män i lönekvartilerna {year}"
QUARTILES_CAPTION = (
    "Alla ordnade efter timlön, från lägst till högst, och delade i fyra lika stora grupper. "
    "Staplarna visar hur stor andel av varje grupp som är kvinnor och män."
)
QUARTILE_NAMES = ("1 (lägst)", "2", "3", "4 (högst)")
QUARTILE_AXIS = "Lönekvartil"
SHARE_AXIS = "Andel"
WOMEN = "Kvinnor"
MEN = "Män"

# --- the analyst's tabs -----------------------------------------------------------------------
TAB_REPORT = "Lönerapport"
TAB_SURVEY = "Lönekartläggning"
TAB_RULES = "Kategorier"
TABS = (TAB_REPORT, TAB_SURVEY, TAB_RULES)

FEW_NOTE = "Färre än {k} kvinnor eller män: visas inte för nämnden"
FEW_NOTE_CATEGORY = "Färre än {k} kvinnor eller män"
FEW_QUARTILES = (
    "En eller flera kvartiler har färre än {k} kvinnor eller män: nämnden ser inte "
    "kvartilerna."
)

REPORT_FIGURES = "Årets siffror"
REPORT_FIGURES_CAPTION = (
    "Alla värden, också de som vilar på för få personer; de visas inte för nämnden (se "
    "Anmärkning). Skillnaderna i tillägg gäller dem som fick tillägg under året."
)
FIGURE_HEADERS = {"figure": "Uppgift", "value": "Värde", "note": "Anmärkning"}
FIGURES = {
    "women": "Kvinnor i underlaget",
    "men": "Män i underlaget",
    "excluded": "Utanför underlaget (okänt kön eller inga betalda timmar)",
    "mean_gap": "Löneskillnad i timlön, medelvärde",
    "median_gap": "Löneskillnad i timlön, median",
    "mean_gap_complementary": "Löneskillnad i tillägg per timme, medelvärde",
    "median_gap_complementary": "Löneskillnad i tillägg per timme, median",
    "receiving_women": "Kvinnor som fick tillägg",
    "receiving_men": "Män som fick tillägg",
}
OF = "{part} av {whole} ({share})"

REPORT_QUARTILES = "Lönekvartiler"
QUARTILE_HEADERS = {"band": "Kvartil", "women": "Kvinnor", "men": "Män",
                    "women_share": "Andel kvinnor", "men_share": "Andel män",
                    "lowest": "Lägsta timlön", "highest": "Högsta timlön"}

REPORT_CATEGORIES = "Kategorier av arbetstagare"
CATEGORIES_CAPTION = (
    "Löneskillnaden per kategori i medeltimlön, och uppdelad på grundlön och tillägg; "
    "längst till höger medel i kronor per timme (tilläggen i snitt över alla i kategorin). "
    "Flaggad: skillnaden i medeltimlön är minst {flag} % åt något håll och ska bedömas och "
    "förklaras i lönekartläggningen."
)
CATEGORY_HEADERS = {
    "category": "Kategori", "value_level": "Nivå", "women": "Kvinnor", "men": "Män",
    "mean_gap": "Skillnad timlön", "mean_gap_basic": "Skillnad grundlön",
    "mean_gap_complementary": "Skillnad tillägg", "flagged": "Flaggad", "note": "Anmärkning",
    "basic_women": "Grundlön kvinnor", "basic_men": "Grundlön män",
    "complementary_women": "Tillägg kvinnor", "complementary_men": "Tillägg män",
}
"""In this order on screen: the gaps in view, the means (kr per hour) after them."""
YES = "Ja"

REPORT_TREND = "Alla år"
TREND_HEADERS = {"year": "År", "women": "Kvinnor", "men": "Män",
                 "mean_gap": "Skillnad, medel", "median_gap": "Skillnad, median",
                 "mean_gap_complementary": "Tillägg, medel",
                 "median_gap_complementary": "Tillägg, median", "note": "Anmärkning"}

# --- the survey ---------------------------------------------------------------------------------
SURVEY_EQUAL = "Grupper med lika arbete {year}"
SURVEY_EQUAL_CAPTION = (
    "Lönen i lönekartläggningen är grundlön per betald timme, i kronor (tilläggen följer "
    "avtal och finns i lönerapporten). Skillnad: hur mycket lägre kvinnornas medellön är än "
    "männens, i procent av männens. Flaggad: minst {flag} % åt något håll. Kvinnodominerad: "
    "minst {share} % kvinnor."
)
GROUP_HEADERS = {
    "category": "Grupp", "value_level": "Nivå", "women": "Kvinnor", "men": "Män",
    "women_share": "Andel kvinnor", "women_dominated": "Kvinnodominerad",
    "difference": "Skillnad", "flagged": "Flaggad", "mean_women": "Medel kvinnor",
    "mean_men": "Medel män", "median_women": "Median kvinnor", "median_men": "Median män",
}
"""In this order on screen: the difference and the flag in view, the pay (kr per hour) after."""
UNVALUED = "Utan värderingsnivå, jämförs inte med andra grupper: {names}."
RULES_UNVALUED = "Grupper utan värderingsnivå i lönekartläggningen {year}: {names}."
SURVEY_VALUE = "Kvinnodominerade grupper jämförda med likvärdigt arbete"
SURVEY_VALUE_CAPTION = (
    "Varje kvinnodominerad grupp jämförd med de grupper som inte är kvinnodominerade, har "
    "samma eller lägre värderingsnivå och ändå högre medellön. Skillnad: hur mycket lägre "
    "den kvinnodominerade gruppens medellön är, i procent av den andras."
)
SURVEY_VALUE_NONE = (
    "Ingen kvinnodominerad grupp har lägre medellön än en grupp med samma eller lägre "
    "värderingsnivå som inte är kvinnodominerad."
)
SURVEY_VALUE_NO_LEVELS = (
    "Inga grupper har värderingsnivå ännu: ange nivåerna under fliken Kategorier (eller i "
    "löneuttagets kolumn Arbetsvärderingsnivå) för att jämföra likvärdigt arbete."
)
COMPARISON_HEADERS = {
    "group": "Kvinnodominerad grupp", "value_level": "Nivå", "women_share": "Andel kvinnor",
    "mean": "Medellön", "other": "Jämförs med", "other_value_level": "Nivå ",
    "other_women_share": "Andel kvinnor ", "other_mean": "Medellön ", "difference": "Skillnad",
}
"""The compared group's columns end in a space: a table's headers must differ."""

NOTES_HEADER = "Förklaringar och åtgärder {year}"
NOTES_CAPTION = (
    "Varje flaggad skillnad inom en grupp och varje jämförelse med likvärdigt arbete ska "
    "förklaras, eller leda till en åtgärd med kostnad och datum. Varje sparad anteckning blir "
    "en ny version; de gamla finns kvar i historiken."
)
NOTES_NONE = "Inga skillnader att förklara för {year}."
NOTES_MISSING = "Skillnader utan förklaring eller åtgärd: {count} av {total}."
NOTES_ALL_DONE = "Alla skillnader ({total}) har en förklaring eller åtgärd."
ITEM_EQUAL = "Lika arbete: {group}"
ITEM_VALUE = "Likvärdigt arbete: {group} jämfört med {other}"
NOTE_HEADERS = {"item": "Grupp eller jämförelse", "difference": "Skillnad",
                "kind": "Anteckning", "text": "Förklaring eller åtgärd", "cost": "Kostnad",
                "due": "Klart senast", "status": "Status", "set_at": "Sparad",
                "set_by": "Av", "version": "Version", "year": "År"}
NOTE_MISSING = "Saknas"
NOTE_ITEM = "Skillnad att anteckna"
NOTE_ITEM_HELP = "Skillnaderna utan anteckning står först."
NOTE_ITEM_MISSING = "{label} (saknar anteckning)"
NOTE_KIND = "Typ av anteckning"
NOTE_TEXT = "Förklaring eller åtgärd"
NOTE_TEXT_HELP = (
    "En förklaring: varför skillnaden är saklig (t.ex. marknadsläge, erfarenhet). En åtgärd: "
    "vad som ska göras för att ta bort en osaklig skillnad."
)
NOTE_COST = "Kostnad (kr per år)"
NOTE_COST_HELP = "Åtgärdens kostnad, om den har någon. Lämna tomt för en förklaring."
NOTE_DUE = "Klart senast"
NOTE_STATUS = "Status"
NOTE_SAVE = "Spara anteckningen"
NOTE_SAVED = "Anteckningen för {label} är sparad (version {version})."
NOTE_CURRENT = "Senast sparad {set_at} av {set_by} (version {version})."

FOLLOW_UP_HEADER = "Förra årets åtgärder ({year})"
FOLLOW_UP_CAPTION = (
    "Åtgärderna i förra årets lönekartläggning följs upp i år: ändra status till Genomförd "
    "eller Inte genomförd och spara. Det sparas som en ny version av förra årets anteckning."
)
FOLLOW_UP_NONE = "Förra årets lönekartläggning ({year}) har inga åtgärder att följa upp."
FOLLOW_UP_SAVE = "Spara status"
FOLLOW_UP_SAVED = "Status sparad för {count} av förra årets åtgärder."
FOLLOW_UP_UNCHANGED = "Ingen status ändrades."

HISTORY_HEADER = "Anteckningarnas historik ({year})"
HISTORY_NONE = "Inga anteckningar ännu."

# --- the category table -------------------------------------------------------------------------
RULES_HEADER = "Befattningar och kategorier"
RULES_CAPTION = (
    "Vilken kategori (grupp med lika arbete) en befattning eller SSYK-kod hör till, och "
    "gruppens värderingsnivå (0–100; högre: mer krävande arbete). Skriv befattningen eller "
    "koden som i löneuttaget. En kategori i uttagets egen kolumn Arbetstagarkategori går "
    "före tabellen; en befattning utan rad är sin egen kategori, utan värderingsnivå."
)
RULE_HEADERS = {"occupation": "Befattning eller SSYK", "category": "Kategori",
                "value_level": "Värderingsnivå"}
RULE_OCCUPATION_HELP = "Befattningen eller SSYK-koden, stavad som i löneuttaget."
RULE_LEVEL_HELP = "Ett heltal 0–100; lämna tomt om gruppen inte är värderad."
RULES_SAVE = "Spara kategoritabellen"
RULES_SAVED = (
    "Kategoritabellen är sparad: {count} {changes}. Rapporten och kartläggningen är räknade "
    "på nytt."
)
CHANGE, CHANGES = "ändring", "ändringar"
RULES_UNCHANGED = "Inget ändrades i kategoritabellen."
RULES_HISTORY = "Kategoritabellens historik"
RULES_HISTORY_NONE = "Tabellen har inte ändrats ännu."
RULE_HISTORY_HEADERS = {"set_at": "Sparad", "set_by": "Av",
                        "occupation": "Befattning eller SSYK", "version": "Version",
                        "category": "Kategori",
                        "value_level": "Värderingsnivå", "removed": "Borttagen"}

KINDS = pay_survey.KINDS
STATUSES = pay_survey.STATUSES

# Downloads (analysts)
DOWNLOAD_REPORT = "Lönerapport till DO (Excel)"
DOWNLOAD_SURVEY = "Lönekartläggningens dokumentation (PDF)"
AUDIT_DOWNLOAD = "{file}: alla uppgifter, också de som vilar på få personer"
