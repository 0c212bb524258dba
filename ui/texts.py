"""Every Swedish string of the interface, in one place.

Metric labels, definitions and units come from the metric registry itself (metrics/), column
labels from the canonical schema (pipelines/schema.py); this module holds the rest.
"""

from __future__ import annotations

from metrics import disclosure, export

APP_TITLE = "Personalpanelen"
PAGE_TITLE = "{page} – Personalpanelen"  # the browser tab's title of a page
APP_ICON = ":material/groups:"

# --- navigation ------------------------------------------------------------------------------
SECTION_MISSION = "HR-programmets nyckeltal"
SECTION_REPORT = "Personalbokslut"
SECTION_DATA = "Data"
SECTION_FOLLOW_UP = "Uppföljning"

PAGE_TITLES = {
    "oversikt": "Översikt",
    "chefer": "Chefer",
    "timavlonade": "Timavlönade",
    "heltid": "Heltid",
    "forskolan": "Förskolan",
    "socialsekreterare": "Socialsekreterare",
    "personalstruktur": "Personalstruktur",
    "kompetensforsorjning": "Kompetensförsörjning",
    "halsa": "Hälsa",
    "ladda-upp": "Ladda upp",
    "exportera": "Exportera",
    "katalog": "Nyckeltalskatalog",
    "logg": "Logg",
    "mal": "Mål",
    "handlingsprogram": "Handlingsprogram",
    "kolada": "Kolada",
    "utveckling": "Utveckling och beredskap",
    "lonekartlaggning": "Jämställda löner",
}

PAGE_INTROS = {
    "oversikt": (
        "HR-programmets nyckeltal i korthet: senaste värde, förändring sedan föregående "
        "mätdatum och utvecklingen över tid."
    ),
    "chefer": (
        "Hur könsfördelningen bland kommunens chefer utvecklas, och hur många medarbetare "
        "varje chef har. Målet i HR-programmet är en chefskår som speglar medarbetarna."
    ),
    "timavlonade": (
        "Timavlönade personer som arbetat under mätmånaden, och hur stor del av arbetstiden "
        "som utförs av timavlönade."
    ),
    "heltid": (
        "Heltid som norm: andelen månadsavlönade med heltidsanställning och andelen som "
        "faktiskt arbetar heltid."
    ),
    "forskolan": "Andelen män bland förskollärare och barnskötare.",
    "socialsekreterare": (
        "Lönespridningen bland socialsekreterare (SSYK 2661), lönepercentiler och "
        "ingångslön."
    ),
    "personalstruktur": (
        "Hur många som arbetar i kommunen, hur många årsarbetare det motsvarar, "
        "anställningsformer och lika lön."
    ),
    "kompetensforsorjning": (
        "Åldersstruktur, kommande pensionsavgångar och personalomsättning: underlaget för "
        "kompetensförsörjningsplanen."
    ),
    "halsa": "Sjukfrånvaro enligt den lagstadgade redovisningen och medarbetarenkätens HME-index.",
    "utveckling": (
        "Utbildning som lönar sig, karriärsteg, utvecklingsplaner och medarbetarsamtal, "
        "nyckelbefattningar, fortbildning och krisplacering: programmens åtaganden om "
        "kompetens och beredskap. Flera av dem kräver kolumner eller uttag utöver "
        "anställningsuttaget; saknas de står det vid nyckeltalet."
    ),
    "ladda-upp": (
        "Läs in uttag från lönesystemet: anställningsuttag (xlsx eller csv), sjukfrånvarouttag "
        "och HME-sammanställning. Filerna kontrolleras innan något sparas; en fil med fel "
        "ändrar ingenting."
    ),
    "exportera": (
        "Ladda ner nyckeltalen som en Excelfil: en innehållsförteckning, ett blad om uttaget, "
        "ett blad per nyckeltal, ett blad med definitionerna och ett med inläsningsloggen. "
        "Varje blad är en tabell med rubrikerna på första raden."
    ),
    "katalog": (
        "Alla nyckeltal som panelen beräknar, med definition, population och källa. Texten "
        "hämtas direkt ur nyckeltalsregistret, så det du läser här är det som beräknas."
    ),
    "logg": (
        "Vem som gjorde vad och när: inloggningar, inläsningar, ersatta och borttagna "
        "inläsningar, exporter, ändrade profiler och rensningar av arkivet."
    ),
    "mal": (
        "Programmets mål för varje nyckeltal: målvärde eller målintervall, riktning och "
        "målår, och om kommunen har nått målet, är på väg dit eller inte."
    ),
    "handlingsprogram": (
        "Handlingsprogrammets punkter: vad som ska göras, till när, vem som ansvarar, hur "
        "långt det har kommit och vilket nyckeltal som följer upp det."
    ),
    "kolada": (
        "Jämförelse med andra kommuner: hämta Koladas värden för samma nyckeltal och år, "
        "och jämförelsegruppens median och spridning."
    ),
    "lonekartlaggning": (
        "Skillnaden i lön mellan kvinnor och män, som lönetransparensdirektivet och "
        "diskrimineringslagen kräver att kommunen redovisar: skillnaden i timlön i medelvärde "
        "och median, utvecklingen över åren, kvinnor och män i lönekvartilerna och hur många "
        "som får tillägg och rörliga ersättningar."
    ),
}

# --- first start -----------------------------------------------------------------------------
DEMO_LOADING = "Första start: läser in exempelkommunen …"
DEMO_DONE = "Exempelkommunen är inläst."
DEMO_BANNER = (
    "**Exempeldata.** Siffrorna gäller den påhittade Exempelkommun och blandas aldrig med "
    "kommunens egna uppgifter."
)
DEMO_BANNER_UPLOAD = (
    "Ladda upp kommunens uttag under Ladda upp: den första uppladdningen startar kommunens "
    "egen databas, och exempeldata visas inte längre (den kan tas fram igen i sidomenyn)."
)
DEMO_BANNER_BACK = "Slå av Visa exempeldata i sidomenyn för att se kommunens egna uppgifter."
DEMO_SHOW = "Visa exempeldata"
DEMO_SHOW_HELP = (
    "Visar exempelkommunen i stället för kommunens egna uppgifter. Exempeldata ligger i en "
    "egen databas och blandas aldrig med kommunens."
)
DEMO_FAILED = "Exempelkommunen kunde inte läsas in: {error}"
DEMO_VIEWER_NO_DATA = (
    "Kommunens uppgifter är inte inlästa ännu. Nyckeltalen visas här när en analytiker har "
    "läst in kommunens uttag."
)

# --- sidebar filters -------------------------------------------------------------------------
FILTER_HEADER = "Urval"
FILTER_FORVALTNING = "Förvaltning"
FILTER_FORVALTNING_ALL = "Alla förvaltningar"
FILTER_FORVALTNING_HELP = "Lämna tomt för hela kommunen."
FILTER_PERIOD = "Period (mätdatum)"
FILTER_PERIOD_HELP = (
    "Första och sista mätdatum som visas. Årsserierna visar referensmånadens uttag; "
    "sjukfrånvaro och HME avser hela kalenderår."
)
FILTER_REFERENCE_MONTH = (
    "Årsserierna visar {month}uttagen (referensmånaden). Antal anställda, årsarbetare, "
    "timavlönade och heltid kan också visas per månad."
)
FILTER_PERIOD_SINGLE = "Mätdatum: {date}"
FILTER_PUBLICATION = "Publiceringsläge (avrundat som SCB)"
FILTER_PUBLICATION_HELP = "För handlingar som blir allmänna. " + disclosure.ROUNDING_NOTE
FILTER_RETIREMENT_AGE = "Pensionsålder i prognosen: {age} år"
FILTER_RETIREMENT_AGE_HELP = (
    "Ålder då en pensionsavgång räknas i prognosen och i personalomsättningen utom "
    "pensionsavgångar. LAS-åldern är 69 år sedan 2023. Åldern är en inställning för hela "
    "kommunen, inte ett val i panelen: samma personer räknade vid två åldrar skulle kunna "
    "röja grupper som annars döljs."
)
SIDEBAR_NO_DATA = "Inga anställningsuppgifter är inlästa ännu."
FILTER_SUBSET = "Urval: {names}"

# --- indicator sections ----------------------------------------------------------------------
LATEST_VALUE = "Senaste värde"
LATEST_VALUE_UNIT = "Senaste värde ({unit})"
LATEST_DATE = "Mätdatum"
LATEST_YEAR = "År"
PERSONS_IN_BASE = "Antal i underlaget ({noun})"  # the noun in the label, so the number fits
CHANGE_SINCE = "sedan {date}"
NO_PREVIOUS = "inget tidigare värde"
# Publication mode: a change from exact values that rounds to 0 ({change}: "±50 personer").
CHANGE_WITHIN_ROUNDING = "mindre än {change}"
CHANGE_UNKNOWN = "visas inte"
ROUNDED_VALUE_HELP = (
    "Avrundat värde (publiceringsläge). Förändringen är räknad på de exakta värdena och "
    "avrundad på samma sätt, så den kan skilja sig från skillnaden mellan två avrundade "
    "värden."
)
MORE_METRICS = "Fler nyckeltal"
SCALE_TITLE = {"socialsekreterare": "Lönefördelning över tid"}
SCALE_LABELS = {"social_worker_salary_p10": "P10", "social_worker_salary_p25": "P25",
                "social_worker_salary_median": "Median", "social_worker_salary_p75": "P75",
                "social_worker_salary_p90": "P90"}
SCALE_CAPTION = "Varje linje är ett eget nyckeltal; välj det under Fler nyckeltal för detaljer."
CHOOSE_METRIC = "Välj nyckeltal"
ABOUT_METRIC = "Om nyckeltalet"
ABOUT_DEFINITION = "Definition"
ABOUT_POPULATION = "Population"
ABOUT_UNIT = "Enhet"
ABOUT_SOURCE = "Källa"
ABOUT_THRESHOLD = "Minsta antal personer"
ABOUT_THRESHOLD_VALUE = "{n} personer; färre visas som ”{mark}”"
ABOUT_THRESHOLD_NUMERATOR = (
    "{n} personer i underlaget, och 0 eller minst {n} bland dem som täljaren räknar; annars "
    "visas ”{mark}”"
)
ABOUT_NOTE = "Anmärkning"
ABOUT_PAGE = "Sida"
TAB_TREND = "Utveckling"
TAB_TABLE = "Tabell"
BREAKDOWN_TAB = {
    "forvaltning": "Per förvaltning",
    "gender": "Per kön",
    "occupation": "Per yrke",
    "age_band": "Per åldersgrupp",
    "years_to_retirement": "År till pension",
}
BREAKDOWN_CAPTION_LATEST = "{label} på mätdatum {date}."
BREAKDOWN_CAPTION_YEAR = "{label} år {year}."
BREAKDOWN_TABLE = "Värden per mätdatum"
TABLE_DATE = "Mätdatum"
TABLE_YEAR = "År"
TABLE_N = "Antal personer"
TABLE_N_HME = "Antal svarande"
TABLE_VALUE = "Värde ({unit})"
DOWNLOAD_METRIC = "Ladda ner som Excel"
PREPARING_STORE = "Förbereder databasen (första gången efter en uppdatering kan det ta en minut) …"
SUPPRESSED_CAPTION_ONE = "1 värde döljs eftersom det vilar på färre än {k} personer"
SUPPRESSED_CAPTION_MANY = "{count} värden döljs eftersom de vilar på färre än {k} personer"
SUPPRESSED_CAPTION_NUMERATOR = " (eller räknar 1–{below} personer i täljaren)"
SUPPRESSED_CAPTION_DERIVED = ", eller annars skulle kunna räknas fram ur andra värden som visas"


def suppressed_caption(count: int, k: int, numerator_rule: bool, secondary: bool) -> str:
    """Why `count` values are hidden, naming only the rules the metric's class has."""
    text = (SUPPRESSED_CAPTION_ONE if count == 1 else SUPPRESSED_CAPTION_MANY).format(
        count=count, k=k)
    if numerator_rule:
        text += SUPPRESSED_CAPTION_NUMERATOR.format(below=k - 1)
    if secondary:
        text += SUPPRESSED_CAPTION_DERIVED
    return text + "."
SUPPRESSED_LEGEND = "”{mark}” = värdet visas inte (för få personer)."
PUBLICATION_ON = "Publiceringsläge. " + disclosure.ROUNDING_NOTE
NO_DATA_FOR_TABLE = {
    "employment": (
        "Inga anställningsuppgifter är inlästa ännu. Ladda upp ett anställningsuttag under "
        "Ladda upp."
    ),
    "absence_year": (
        "Inga sjukfrånvarodata är inlästa ännu. Ladda upp ett sjukfrånvarouttag under "
        "Ladda upp."
    ),
    "hme_result": (
        "Inga HME-resultat är inlästa ännu. Ladda upp en HME-sammanställning under Ladda upp."
    ),
}
MISSING_COLUMNS = (
    "**{label}** kan inte beräknas: de inlästa uttagen saknar {columns}. Lägg till "
    "kolumnen i uttaget från lönesystemet och läs in det igen."
)
NO_VALUES = "Det finns inga värden för valt urval (förvaltning och period)."
NO_VALUES_ALL = "Det finns inga värden för nyckeltalet i de inlästa uppgifterna."
# What a viewer (the committee, who loads nothing) reads instead of the analyst's instructions.
NO_DATA_VIEWER = "Uppgifterna som nyckeltalet bygger på är inte inlästa ännu."
NO_DATA_FOR_TABLE_VIEWER = {
    "employment": "Inga anställningsuppgifter är inlästa ännu.",
    "absence_year": "Inga sjukfrånvarouppgifter är inlästa ännu.",
    "hme_result": "Inga HME-resultat är inlästa ännu.",
    "training": "Inga uppgifter om utbildningar är inlästa ännu.",
    "crisis_placement": "Inga uppgifter om krisplaceringar är inlästa ännu.",
}
MISSING_COLUMNS_VIEWER = (
    "**{label}** kan inte visas: uppgiften finns inte i de inlästa uttagen ({columns})."
)
NO_REFERENCE_MONTH = (
    "Det finns inga {month}uttag i vald period. Årsserierna bygger på {month}uttagen "
    "(referensmånaden, en inställning)."
)
CADENCE = "Serie"
CADENCE_OPTIONS = {False: "Per år ({month})", True: "Per månad"}
CADENCE_HELP = (
    "Per år: ett värde per år, från {month}uttaget, som SKR:s personalstatistik. Per månad: "
    "varje inläst uttag."
)
COLUMN_OR = " eller "
COLUMNS_AND = " och "
GENDER_LABELS = {"K": "Kvinnor", "M": "Män", "Okänt": "Okänt kön"}
UNKNOWN = "Okänt"
OCCUPATION_LABEL = "SSYK {code}"
YEARS_TO_RETIREMENT_AXIS = "År till pensionsålder"
YEARS_LABEL = "{} år"
YEARS_TO_RETIREMENT_REACHED = "I år eller tidigare"
"""Year 0 of the retirement forecast: reaches the age this year or has already passed it."""

# --- overview --------------------------------------------------------------------------------
OVERVIEW_DATA_BASIS = (
    "Senaste mätdatum {date} · {persons} · källa: inläsningsloggen (senast inläst {loaded}: "
    "{file})"
)
OVERVIEW_NO_DATA = "Inga anställningsuppgifter är inlästa ännu. Läs in ett uttag under Ladda upp."
OVERVIEW_MORE = "Visa mer"
OVERVIEW_MORE_HELP = "Öppnar sidan {page}."
OVERVIEW_NOT_AVAILABLE = "Saknas i inläst data"
OVERVIEW_SUPPRESSED = "Värdet visas inte (för få personer)."

# --- upload ----------------------------------------------------------------------------------
UPLOAD_LABEL = "Välj en eller flera filer"
UPLOAD_HELP = "Excel (.xlsx, .xlsm) eller text (.csv, .txt), högst {mb} MB per fil."
UPLOAD_DATE = "Mätdatum (om filen saknar mätdatum)"
UPLOAD_DATE_HELP = (
    "Anges bara när uttaget saknar en kolumn med mätdatum. Datumet gäller då alla rader i "
    "de filerna."
)
UPLOAD_BUTTON = "Läs in"
UPLOAD_NO_FILES = "Välj minst en fil att läsa in."
UPLOAD_PROGRESS = "Läser in …"
UPLOAD_SUCCESS = "Inläst: {rows} rader från {files}. Mätdatum: {dates}."
UPLOAD_SUCCESS_WARNINGS = " {count} varningar, se tabellen nedan."
UPLOAD_REFUSED = "Ingenting lästes in: {count} fel hittades. Databasen är oförändrad."
# What to do about a refused batch, one sentence per kind of fix (IngestReport.fixes)
UPLOAD_FIX = {
    "snapshot_date": "Ange mätdatum för {files} i fältet ”{field}” ovan och klicka på ”{button}” "
                     "igen.",
    "mapping": "Välj i formuläret nedan vilken kolumn i {files} som är vilken.",
    "file": "Rätta felen i {files} (se valideringsrapporten nedan) och läs in igen.",
}
UPLOAD_READ_STANDARD = "{file} lästes med {reading}."
UPLOAD_WARNINGS_ONE = " 1 varning, se tabellen nedan."
UPLOAD_FINDINGS = "Valideringsrapport"
UPLOAD_FINDINGS_NONE = "Inga fel eller varningar."
UPLOAD_FINDINGS_DOWNLOAD = "Ladda ner valideringsrapporten"
UPLOAD_FINDINGS_SHEET = "Valideringsrapport"
UPLOAD_LOG = "Senaste inläsningar"
UPLOAD_LOG_EMPTY = "Inga inläsningar ännu."
UPLOAD_UNAVAILABLE = "Inläsningen är inte tillgänglig just nu: {error}"
UPLOAD_FAILED = "Inläsningen avbröts av ett oväntat fel: {error}. Databasen är oförändrad."
# The file uploader's own texts, in place of Streamlit's English ones (ui/uploads.py)
UPLOADER_BROWSE = "Välj filer"
UPLOADER_BROWSE_ONE = "Välj fil"
UPLOADER_LIMITS = "Högst {mb} MB per fil: {types}"
UPLOADER_DROP = "Släpp filerna här"
UPLOADER_CHOSEN = "Valda: {files}"
LOG_HEADERS = {
    "load_id": "Inläsning",
    "loaded_at": "Tidpunkt",
    "file_name": "Fil",
    "snapshot_dates": "Mätdatum",
    "rows": "Rader",
    "seconds": "Sekunder",
    "source": "Källa",
}
LOG_SOURCES = export.LOAD_SOURCES  # the Excel's load log says it the same way

# --- export ----------------------------------------------------------------------------------
EXPORT_METRICS = "Nyckeltal i filen"
EXPORT_METRICS_HELP = "Alla nyckeltal är valda från början."
EXPORT_METRICS_PLACEHOLDER = "Välj nyckeltal"
EXPORT_BUTTON = "Ladda ner Excel"
EXPORT_FILE_NAME = "personalpanelen_{day}.xlsx"
EXPORT_NONE = "Välj minst ett nyckeltal."
EXPORT_SCOPE = "Filen innehåller {count} nyckeltal för {scope}."
EXPORT_SCOPE_ALL = "hela kommunen och varje förvaltning"
EXPORT_SCOPE_SOME = "förvaltningarna {names}"
EXPORT_PUBLICATION = "Publiceringsläget är på: antal, löner och andelar avrundas i filen."
EXPORT_NO_PUBLICATION = (
    "Publiceringsläget är av. Slå på det i sidopanelen om filen ska publiceras."
)

# --- catalogue -------------------------------------------------------------------------------
CATALOG_HEADERS = {
    "label": "Nyckeltal",
    "page": "Sida",
    "unit": "Enhet",
    "threshold": "Minsta antal",
    "protection": "Skydd",
    "columns": "Kolumner som behövs",
    "status": "I inläst data",
}
SETTINGS_REFUSED = (
    "Personalpanelen startar inte med den här inställningen: {error}. Ändra den och starta om."
)
CATALOG_PROTECTION = "Skydd"
CATALOG_PROTECTION_LINE = "**{label}** (minst {n} personer): {reason}"
CATALOG_PROTECTIONS = "Skydd efter vad uppgiften röjer"
CATALOG_HAS_ALL = "✓"
CATALOG_MISSING = "saknas: {columns}"
CATALOG_NO_DATA = "ingen data inläst"
CATALOG_DETAILS = "Definitioner i detalj"
CATALOG_COLUMNS = "Kolumner som behövs"
CATALOG_SQL = "Beräkningen (SQL som körs)"
CATALOG_ID = "Id"

# Column labels the schema does not declare (derived during ingestion).
DERIVED_COLUMN_LABELS = {
    "person_key": "Person (pseudonym)",
}


# Mapping form (Ladda upp), shown when required columns were not recognised
MAPPING_TITLE = "Koppla kolumnerna i {file}"
MAPPING_INTRO = (
    "Alla obligatoriska kolumner (*) kändes inte igen. Välj vilken rubrik i filen som "
    "motsvarar varje kolumn; exempelvärden från filen visas i tabellen. Mappningen kan sparas "
    "som en profil och används då automatiskt nästa gång samma layout laddas upp."
)
MAPPING_PREVIEW_HEADERS = ("Rubrik i filen", "Exempelvärden")
MAPPING_NONE = "– saknas i filen –"
MAPPING_KIND = "Slags uttag"
MAPPING_KIND_HELP = ("Vad filen innehåller. Förvalet är det slags uttag vars rubriker filen "
                     "liknar mest; välj ett annat om det är fel, t.ex. löneuttag per år för "
                     "lönekartläggningen.")
MAPPING_SHEET = "Blad"
MAPPING_SHEET_HELP = ("Arbetsboken har flera blad. Välj bladet med personaluttaget; valet sparas "
                      "i profilen.")
MAPPING_NAME = "Profilens namn"
MAPPING_NAME_DEFAULT = "Egen mappning"
MAPPING_SAVE = "Spara mappningen som profil"
MAPPING_SUBMIT = "Läs in med mappningen"
MAPPING_SAVED = "Profilen sparades som {path}."
MAPPING_DOWNLOAD = "Ladda ner profilen (.toml)"
MAPPING_DUPLICATE = "Rubriken ”{header}” är vald för flera kolumner: {columns}."

# Employees per manager: which counting method each snapshot rests on (M9)
SPAN_BY_LINK = "Räknat via närmaste chef (chefens anställningsnummer i uttaget): {dates}."
SPAN_BY_UNIT = ("Räknat per enhet, eftersom uttaget saknar chefslänk (svagare mått: enhetens "
                "medarbetare delas på enhetens chefer): {dates}.")

# --- saved mapping profiles (upload page) ----------------------------------------------------
PROFILE_BROKEN = ("Profilfilen {file} hoppades över och används inte: {reason} Rätta eller ta "
                  "bort filen.")
PROFILES_SAVED = "Sparade profiler"
PROFILES_SAVED_INTRO = ("Mappningar som sparats från formuläret, i {folder}. En felaktig "
                        "mappning kan ändras eller tas bort här; en borttagen profil används "
                        "inte för nästa fil i samma layout.")
PROFILES_SAVED_NONE = "Inga sparade profiler."
PROFILE_DELETE = "Ta bort"
PROFILE_DELETED = "Profilen {file} togs bort."
PROFILES_SHIPPED = "Inbyggda profiler"
PROFILES_SHIPPED_INTRO = ("Följer med Personalpanelen och kan inte ändras här. Välj Redigera som "
                          "ny för att spara en egen version med ett annat namn.")
PROFILE_EDIT = "Ändra"
PROFILE_COPY = "Redigera som ny"
PROFILE_COPY_NAME = "{name} (egen)"
PROFILE_EDIT_TITLE = "Ändra profilen {name}"
PROFILE_COPY_TITLE = "Ny profil utifrån {name}"
PROFILE_EDIT_INTRO = (
    "Välj vilken rubrik i filen som motsvarar varje kolumn; en rubrik som inte finns bland "
    "valen kan skrivas in. Ett nytt namn byter också profilens filnamn. Härledda kolumner, "
    "blad och beskrivning i profilen behålls."
)
PROFILE_EDIT_FILE = "Valen visar också rubrikerna och de okända värdena i {file}."
PROFILE_EDIT_VALUES = "Värden"
PROFILE_EDIT_SUBMIT = "Spara profilen"
PROFILE_EDIT_CANCEL = "Avbryt"
PROFILE_EDIT_SAVED = "Profilen {name} sparades som {file}."
PROFILE_EDIT_AGAIN = " Tryck på {button} för att läsa in filen igen med den."
PROFILE_EDIT_FAILED = "Profilen sparades inte: {reason}"
PROFILES_ADMIN_ONLY = ("Sparade profiler hanteras av en administratör, som kan ändra, byta namn "
                       "på och ta bort dem. En ny profil sparas från mappningsformuläret.")
PROFILE_READ_BY = ("{file} lästes med profilen {name}. Stämmer inte kopplingen av kolumnerna kan "
                   "profilen ändras.")
PROFILE_READ_BY_SHIPPED = ("{file} lästes med den inbyggda profilen {name}. Stämmer inte "
                           "kopplingen kan en egen version av den sparas.")

# --- the mapping form's second step: values --------------------------------------------------
MAPPING_VALUES_TITLE = "Värden som inte känns igen"
MAPPING_VALUES_INTRO = (
    "De valda kolumnerna har värden som Personalpanelen inte känner igen. Välj vad varje värde "
    "betyder; valen sparas i profilen. Ett värde utan val rapporteras när filen läses in."
)
MAPPING_VALUE_NONE = "(inget val)"
MAPPING_VALUES_SUBMIT = "Läs in med värdena"
VALUE_LABELS = {"K": "Kvinna", "M": "Man", "monthly": "Månadslön", "hourly": "Timlön",
                "tillsvidare": "Tillsvidare", "visstid": "Visstid",
                "timanstallning": "Timanställning", "ja": "Ja", "nej": "Nej",
                "parental": "Föräldraledig", "leave_of_absence": "Tjänstledig",
                "studies": "Studieledig", "sickness_compensation": "Sjukersättning",
                "other": "Annan ledighet"}


# --- login, roles and the audit log (issue 11) -----------------------------------------------
LOCAL_MODE = (
    "Lokalt läge: du är analytiker på den här datorn. Inloggning krävs när en "
    "inloggningstjänst (OIDC) är inställd."
)
LOGIN_INTRO = "Personalpanelen kräver inloggning. Logga in med ditt konto i kommunen."
LOGIN_EXPIRED = (
    "Din inloggning gäller i {minutes} minuter och har gått ut. Logga in igen, så läses även "
    "dina behörighetsgrupper in på nytt."
)
NETWORK_REFUSED = (
    "Personalpanelen visas inte: servern lyssnar på adressen {address}, som kan nås från "
    "andra datorer, men ingen inloggning är inställd. Då skulle alla som når servern se och "
    "ändra uppgifterna som analytiker. Ställ in inloggning ([auth] i .streamlit/secrets.toml), "
    "eller starta med server.address = \"localhost\". Vill du ändå öppna panelen utan "
    "inloggning i nätverket, sätt PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK=1."
)
NETWORK_OPEN = (
    "Utan inloggning i nätverket: servern lyssnar på {address} och alla som når den är "
    "analytiker (PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK=1)."
)
UNEXPECTED_ERROR = (
    "Något gick fel när sidan skulle visas. Felet är skrivet i serverns logg; försök igen, "
    "och hör av dig till den som driftar Personalpanelen om det händer igen."
)
LOGIN_BUTTON = "Logga in"
LOGOUT_BUTTON = "Logga ut"
SIGNED_IN = "Inloggad: {name} ({role})"
ROLE_NAMES = {"viewer": "läsare", "analyst": "analytiker", "admin": "administratör"}
NO_ROLE = (
    "Du är inloggad som {user} men har ingen roll i Personalpanelen och kan därför inte se "
    "något här. Be den som administrerar Personalpanelen att ge dig en roll."
)
PAGE_REFUSED = (
    "Den här sidan är inte tillgänglig för din roll. Den kräver rollen {role} eller högre."
)
STORE_UNPREPARED = (
    "Databasen saknar {count} förberäknade tabeller (den lästes in med en äldre version, eller "
    "ett nyckeltal har ändrats). Nyckeltalen räknas fram direkt ur raderna tills de finns, vilket "
    "tar längre tid i en stor databas. Nästa inläsning bygger dem, eller knappen här (eller "
    "python -m pipelines derive)."
)
STORE_PREPARE_BUTTON = "Bygg tabellerna nu"
STORE_PREPARING = "Bygger de förberäknade tabellerna …"
STORE_OVER_LIMITS = (
    "Databasen innehåller en inläsning med fler förvaltningar, enheter eller yrkeskoder än "
    "någon kommun har. Den lästes in innan sådana filer stoppades, och sidorna med nyckeltal "
    "kan inte visas förrän den är borttagen:"
)
FILTER_PUBLICATION_FORCED = (
    "Din roll visar alltid publiceringsläget: antal, löner och andelar avrundade som när SCB "
    "publicerar."
)
OVERVIEW_DATA_BASIS_SHORT = "Senaste mätdatum {date} · {persons}"

AUDIT_ACTION = "Händelse"
AUDIT_USER = "Användare"
AUDIT_FILTER_ALL = "Alla"
AUDIT_EMPTY = "Inga händelser i loggen för valt urval."
AUDIT_COUNT = "{count} händelser."
AUDIT_DOWNLOAD = "Ladda ner loggen som Excel"
AUDIT_SHEET = "Logg"
AUDIT_FILE_NAME = "personalpanelen_logg_{day}.xlsx"
AUDIT_HEADERS = {"logged_at": "Tidpunkt", "user_id": "Användare", "role": "Roll",
                 "action": "Händelse", "detail": "Detalj"}
AUDIT_ACTIONS = {"login": "inloggning", "logout": "utloggning", "load": "inläsning",
                 "replace": "ersatt mätdatum", "delete": "borttagen inläsning",
                 "export": "export",
                 "profile": "profiländring", "purge": "rensning av arkivet",
                 "erase": "radering av en person", "setting": "ändrad inställning",
                 "target": "ändrat mål", "programme": "ändrat handlingsprogram",
                 "kolada": "hämtade Koladavärden", "refuse": "avvisad inläsning",
                 "pay_categories": "ändrade lönekategorier",
                 "pay_survey": "anteckning i lönekartläggningen"}
RETENTION_HEADER = "Lagringstid för råarkivet"
RETENTION_DAYS = "Dagar som en inläst originalfil sparas (0: för alltid)"
RETENTION_HELP = (
    "Originalfilerna innehåller personnummer och löner. En fil tas bort när så många dagar "
    "har gått sedan den senast lästes in; rensningen görs när du sparar och varje gång "
    "instrumentpanelen startar."
)
RETENTION_SAVE = "Spara lagringstiden"
RETENTION_SAVED = "Lagringstiden är {days} dagar. {removed} filer togs bort ur råarkivet."
RETENTION_FOREVER = "Originalfilerna sparas utan tidsgräns."
AUDIT_NO_ROLE = "ingen roll"
# The detail column of the audit log (plain text; names from files are data).
AUDIT_REFUSED = "nekad: ingen roll"
AUDIT_EXPORT_METRICS = "{file}: {count} nyckeltal, {mode}, {scope}"
AUDIT_MODE = {True: "publiceringsläge", False: "analysläge"}
AUDIT_SCOPE_ALL = "hela kommunen"
AUDIT_SCOPE_SOME = "urval {names}"
AUDIT_EXPORT_TABLE = "{file}: {rows} rader"
AUDIT_PROFILE_SAVED = "sparad: {name} ({file})"
AUDIT_PROFILE_EDITED = "ändrad: {name} ({file})"
AUDIT_PROFILE_RENAMED = "ändrad: {old} -> {name} ({file})"
AUDIT_PROFILE_COPIED = "kopierad från {old}: {name} ({file})"
AUDIT_PROFILE_DELETED = "borttagen: {file}"

# Ladda upp, for an admin: deleting a load (pipelines/lifecycle.py)
DELETE_LOAD_TITLE = "Ta bort inläsning"
DELETE_LOAD_INTRO = (
    "Bara för administratörer. Att ta bort en inläsning ångrar den i ett steg: mätdatumen "
    "får tillbaka det som den föregående inläsningen av samma period höll, eller blir tomma. "
    "Bara den senaste inläsningen av en period kan tas bort. Borttagningen loggas och kan "
    "inte själv ångras; läs in filen igen för att få tillbaka den."
)
DELETE_LOAD_CHOICE = "Inläsning"
DELETE_LOAD_OPTION = "{load_id}: {file} ({dates})"
DELETE_LOAD_CONFIRM = "Ja, ta bort inläsningen"
DELETE_LOAD_BUTTON = "Ta bort inläsning"
DELETE_LOAD_UNCONFIRMED = "Bekräfta borttagningen genom att kryssa i rutan."
DELETE_LOAD_NONE = "Det finns ingen inläsning som kan tas bort."

# The meeting pack (pack/, issue 12): the committee's PDF and its button on Exportera
PACK_TITLE = "Sammanträdesunderlag"
PACK_SUBTITLE = "Personalnyckeltal för personalutskottet"
PACK_SCOPE_ALL = "Hela kommunen"
PACK_FACT_MUNICIPALITY = "Kommun"
PACK_FACT_PERIOD = "Period"
PACK_FACT_SCOPE = "Förvaltningar"
PACK_FACT_CREATED = "Skapat (svensk tid)"
PACK_FACT_MONTH = "Mätmånad"
PACK_FACT_MODE = "Avrundning"
PACK_MONTH = (
    "Värdena per år avser {month}uttagen (referensmånaden); sjukfrånvaro och HME avser hela "
    "kalenderår."
)
PACK_NO_PERIOD = "Inga mätdatum"
PACK_RULES_TITLE = "Skydd mot röjande av enskilda personer"
PACK_MARK = (
    "”{mark}” i en tabell betyder att uppgiften inte visas: den vilar på för få personer, "
    "eller den skulle kunna räknas fram ur andra uppgifter som visas. Diagrammen har en lucka "
    "där."
)
PACK_CONTENTS = "Innehåll"
PACK_PAGE = "Sida"
PACK_PAGE_OF = "av"
PACK_DEFINITION = "Definition"
PACK_POPULATION = "Population"
PACK_PROTECTION = "Dolda uppgifter"
PACK_LATEST = "Senaste värde ({period})"
PACK_CHANGE = "Förändring sedan {period}"
PACK_CHANGE_NONE = "Förändring"
PACK_NO_PREVIOUS = "inget tidigare värde"
PACK_TABLE_TITLE = "Per år: {scope}"
PACK_BREAKDOWN_TITLE = "Per förvaltning {period}"
PACK_FORVALTNING = "Förvaltning"
PACK_THRESHOLD = "Gräns: {rule}."
PACK_NONE_HIDDEN = "Inget värde i serien (diagrammet och tabellen per år) är dolt."
PACK_NO_DATA = "Underlaget för nyckeltalet är inte inläst."
PACK_MISSING_COLUMNS = (
    "Nyckeltalet kan inte beräknas: de inlästa uttagen saknar uppgifter som det behöver."
)
PACK_NO_VALUES = "Det finns inga värden för urvalet."
PACK_NO_BROWSER = (
    "Diagrammen ritas av webbläsaren Chromium, som inte finns på servern ({path}). Be den "
    "som driftar Personalpanelen att installera paketet chromium eller ange sökvägen i "
    "miljövariabeln BROWSER_PATH."
)
PACK_BUTTON = "Skapa sammanträdesunderlag (PDF)"
PACK_HEADER = "Sammanträdesunderlag"
PACK_INTRO = (
    "En PDF för personalutskottet: HR-programmets nyckeltal med diagram, senaste värde, "
    "förändring och tabell, alltid i publiceringsläge, för {scope}."
)
PACK_SPINNER = "Skapar sammanträdesunderlaget (diagram och sidor) …"
PACK_DOWNLOAD = "Ladda ner sammanträdesunderlaget"
PACK_READY = "Sammanträdesunderlaget är klart (skapat på {seconds:.0f} s)."
PACK_FAILED = "Sammanträdesunderlaget kunde inte skapas: {error}"
PACK_FILE_NAME = "sammantradesunderlag_{day}.pdf"
AUDIT_EXPORT_PACK = "{file}: sammanträdesunderlag, publiceringsläge, {scope}"
PACK_STATUS = "Status mot målet"
PACK_PROGRAMME = "Handlingsprogram"
PACK_PROGRAMME_VERSION = (
    "Version {version}, sparad {day}. Status den {today}; programmet gäller hela kommunen, "
    "oavsett urval."
)
PACK_PROGRAMME_STATUS = "Status"
PACK_PROGRAMME_POINTS = "Punkter"
PACK_PROGRAMME_OVERDUE = "Varav passerat slutdatum"
PACK_PROGRAMME_INDICATOR = "Nyckeltal: {label}"
PACK_PROGRAMME_LATE = "passerat slutdatum"
PACK_PROGRAMME_EMPTY = "Programmet har inga punkter."
PACK_UNKNOWN_FORVALTNING = "Förvaltningen finns inte i databasen: {names}."

# --- Handlingsprogram (issue 12: the action programme, metrics/programme.py) ------------------
PROGRAMME_NONE = "Inget handlingsprogram är sparat ännu."
PROGRAMME_NONE_EDIT = "Skriv in punkterna under ”Ändra programmet” eller läs in dem från Excel."
PROGRAMME_VERSION = "Version {version}, sparad {set_at} av {set_by} ({source})."
PROGRAMME_VERSION_SHORT = "Version {version}, sparad {set_at} ({source})."
PROGRAMME_TOTAL = "Punkter"
PROGRAMME_OVERDUE = "Passerat slutdatum"
PROGRAMME_OVERDUE_HELP = (
    "Punkter vars slutdatum (Klart senast) har passerat och som varken är Klar eller Utgår, "
    "oavsett vilken status de har."
)
PROGRAMME_OVERDUE_WARNING = "{count} punkter har passerat sitt slutdatum utan att vara klara."
PROGRAMME_OVERDUE_NONE = "Ingen punkt har passerat sitt slutdatum utan att vara klar."
PROGRAMME_STATUS_HEADER = "Läget per status"
PROGRAMME_CHART_ON_TIME = "inom tid eller utan slutdatum"
PROGRAMME_CHART_OVERDUE = "passerat slutdatum"
PROGRAMME_CHART_AXIS = "Antal punkter"
# In the points' tables, after the deadline of a point that is past it
PROGRAMME_DEADLINE_PASSED = " (passerat)"
PROGRAMME_TABLE_HEADER = "Alla punkter"
PROGRAMME_STATUS_FILTER = "Visa status"
PROGRAMME_STATUS_FILTER_ALL = "Alla"
PROGRAMME_DOWNLOAD = "Ladda ner handlingsprogrammet (Excel)"
PROGRAMME_FILE_NAME = "handlingsprogram_{day}.xlsx"
PROGRAMME_HISTORY_HEADER = "Vad har ändrats"
PROGRAMME_HISTORY_INTRO = (
    "Varje sparning blir en ny version; tidigare versioner finns kvar. Tabellen visar vad "
    "varje version ändrade jämfört med versionen före, nyaste först."
)
PROGRAMME_HISTORY_HEADERS = {"version": "Version", "set_at": "Sparad", "set_by": "Av",
                             "source": "Hur", "file_name": "Fil", "nr": "Nr",
                             "column": "Ändring", "before": "Före", "after": "Efter"}
PROGRAMME_EDIT_HEADER = "Ändra programmet"
PROGRAMME_EDIT_HELP = (
    "Ändra i tabellen, lägg till rader längst ner eller markera rader och ta bort dem, och "
    "spara. Klart senast skrivs som datum (2026-12-31 eller 31.12.2026), som månad (2026-06: "
    "sista dagen) eller som år (2026: 31 december). Tom status betyder Ej påbörjad."
)
PROGRAMME_TITLE_LABEL = "Programmets namn"
PROGRAMME_SAVE = "Spara ändringarna"
PROGRAMME_SAVED = (
    "Sparat som version {version}: {added} nya, {changed} ändrade och {removed} borttagna "
    "punkter."
)
PROGRAMME_UNCHANGED = "Inget sparades: programmet är oförändrat."
PROGRAMME_INVALID = "Inget sparades. Rätta följande och spara igen:"
PROGRAMME_IMPORT_HEADER = "Läs in från Excel"
PROGRAMME_IMPORT_WARNING = (
    "En inläsning ersätter hela programmet: punkter som inte finns i filen försvinner ur det "
    "gällande programmet (de finns kvar i historiken). Första bladet med en rubrikrad som "
    "har Nr och Åtgärd läses; kolumnerna Klart senast, Ansvarig, Status, Kommentar och "
    "Nyckeltal läses om de finns. En fil som har ett fel läses inte in alls."
)
PROGRAMME_IMPORT_FILE = "Handlingsprogram som Excel-arbetsbok (.xlsx)"
PROGRAMME_IMPORT_BUTTON = "Läs in och ersätt programmet"
PROGRAMME_IMPORTED = (
    "{file} är inläst som version {version}: {count} punkter ersätter det tidigare programmet."
)
PROGRAMME_IMPORT_REFUSED = "Filen lästes inte in; programmet är oförändrat:"

# --- Mål: programme targets, their status, and chart care (issue 12, part 1) ------------------
TARGET_NAME = "Mål {year}: {value}"
TARGET_AT_LEAST = "minst {value}"
TARGET_AT_MOST = "högst {value}"
TREND_LINE = "Om utvecklingen fortsätter som de senaste åren"
AXIS_CUT = "Obs! Axeln börjar vid {start}, inte vid 0."
TARGET_STATUS = {"reached": "Nått", "on_track": "På väg", "off_track": "Inte på väg",
                 "unknown": "Okänt"}
TARGET_STATUS_ICONS = {"reached": ":material/check_circle:", "on_track": ":material/trending_up:",
                       "off_track": ":material/warning:", "unknown": ":material/help:"}
TARGET_RULE = (
    "**Nått:** det senaste värdet, avrundat som det visas, uppfyller målet (gränserna "
    "räknas med). **Inte på väg:** målet är inte uppfyllt och målåret är redan här, eller "
    "målet nås inte till målåret om utvecklingen fortsätter som de senaste åren. **På väg:** "
    "målet är inte uppfyllt än, men nås till målåret om utvecklingen fortsätter som de "
    "senaste åren. Utvecklingen räknas som en jämn förändring per år, den som bäst följer "
    "de visade årsvärdena under de senaste fem åren; det behövs minst tre sådana värden. "
    "**Okänt:** det senaste värdet visas inte (för få personer), eller det finns färre än "
    "tre årsvärden att bedöma utvecklingen på. Status räknas på serien som den visas, med "
    "de filter som är valda."
)
TARGET_HELP = "{target}, enligt {programme}.\n\n{rule}"
# After the status badge, wrapping as text (a badge never wraps): "[Inte på väg] mot målet …"
TARGET_STATUS_TARGET = {"reached": "målet {target}", "on_track": "mot målet {target}",
                        "off_track": "mot målet {target}", "unknown": "om målet {target} nås"}
TARGET_WORDS = "{value} år {year}"
TARGET_SUBSET = (
    "Målen gäller hela kommunen: här jämförs det valda urvalets värden med kommunens mål."
)
TARGET_CAPTION = "{target} · {programme}"
TARGETS_TITLE = "Gällande mål"
TARGETS_NONE = "Inga mål är satta ännu."
TARGET_RULE_TITLE = "Så bestäms status"
TARGET_LATEST = "Senaste värde {period}: {value}"
TARGET_LATEST_HIDDEN = "Senaste värde {period}: visas inte (för få personer)"
TARGET_NO_VALUES = "Inga värden att jämföra med målet."
TARGET_PROJECTED = "Om utvecklingen fortsätter som de senaste åren blir värdet {value} år {year}."
TARGET_EDIT_TITLE = "Sätt, ändra eller ta bort ett mål"
TARGET_EDIT_INTRO = (
    "Ett nytt mål ersätter det gällande för nyckeltalet; det gamla finns kvar i historiken. "
    "Varje ändring sparas med tid och användare och loggas."
)
TARGET_VIEW_ONLY = "Målen sätts av analytiker och administratörer."
TARGET_DEMO_NOTE = (
    "Du ser exempelkommunen: målen här är exempel, och ändringar sparas i exempeldatabasen, "
    "inte i kommunens egen."
)
TARGET_METRIC = "Nyckeltal"
TARGET_DIRECTION = "Riktning"
TARGET_DIRECTIONS = {"higher": "Högre är bättre: minst ett värde",
                     "lower": "Lägre är bättre: högst ett värde",
                     "band": "Inom ett intervall"}
TARGET_VALUE_AT_LEAST = "Målvärde, minst ({unit})"
TARGET_VALUE_AT_MOST = "Målvärde, högst ({unit})"
TARGET_LOW = "Intervallets lägsta värde ({unit})"
TARGET_HIGH = "Intervallets högsta värde ({unit})"
TARGET_VALUE_HELP = "Ett tal, som 40 eller 12,5."
TARGET_VALUE_UNREADABLE = "”{value}” är inget tal. Skriv målvärdet som 40 eller 12,5."
TARGET_YEAR = "Målår"
TARGET_PROGRAMME = "Program och punkt"
TARGET_PROGRAMME_HELP = (
    "Var målet kommer ifrån, t.ex. ”Attraktiv arbetsgivare 2023–2026, punkt 7”."
)
TARGET_CURRENT = "Gällande mål: {target} ({programme})."
TARGET_NONE_FOR_METRIC = "Nyckeltalet har inget mål."
TARGET_SAVE = "Spara målet"
TARGET_REMOVE = "Ta bort målet"
TARGET_SAVED = "Målet för {metric} är sparat."
TARGET_REMOVED = "Målet för {metric} är borttaget."
TARGET_ERRORS = {
    "metric": "Okänt nyckeltal.",
    "direction": "Välj en riktning.",
    "value": "Fyll i målvärdet (för ett intervall: båda gränserna).",
    "band": "Intervallets lägsta värde är större än dess högsta.",
    "year": "Målåret ska vara mellan 2000 och 2100.",
    "programme": "Skriv vilket program och vilken punkt målet kommer ifrån.",
    "programme_length": "Programtexten får vara högst 300 tecken.",
}
TARGET_HISTORY = "Historik över målen"
TARGET_HISTORY_EMPTY = "Inga ändringar ännu."
TARGET_HISTORY_HEADERS = {"set_at": "Tidpunkt", "metric": "Nyckeltal", "target": "Mål",
                          "programme": "Program", "set_by": "Ändrat av"}
TARGET_HISTORY_REMOVED = "borttaget"
TARGETS_TABLE_HEADERS = {"metric": "Nyckeltal", "target": "Mål", "latest": "Senaste värde",
                         "status": "Status", "programme": "Program"}
DATE_PICKER_NOTE = (
    " Skriv datumet som ÅÅÅÅ-MM-DD. Kalenderns månads- och veckodagsnamn visas på engelska: "
    "Streamlit kan ännu inte visa dem på svenska."
)
NO_CELL = "–"
"""A cell of a table with nothing to say (a finding of a whole file has no row or column)."""

# --- Kolada comparison (issue 12, part 3: metrics/kolada.py, ui/pages/kolada.py) --------------
KOLADA_TAB = "Jämförelse (Kolada)"
KOLADA_SOURCE = "Källa: Kolada (RKA), CC BY 4.0"
KOLADA_OURS = "Vårt värde"
KOLADA_OWN = "Kolada, vår kommun"
KOLADA_MEDIAN = "Jämförelsegruppens median"
KOLADA_RANGE = "Jämförelsegruppens spridning (lägst–högst)"
KOLADA_KPI = "Koladas nyckeltal {id}: {title}. Kontrollerat: {checked} ({on})."
KOLADA_KPI_VIEWER = "Koladas nyckeltal: {title}."
KOLADA_DIFFERS = "Skillnad mot Koladas definition: {note}"
KOLADA_MISMATCH = "**Inte samma mått som Koladas.** {note}"
"""Beside a comparison whose denominator (or measure) differs from Kolada's: plainly, above
the chart, so a level compared as it stands is not read as a gap."""
KOLADA_DEFINITION = "Koladas definition: {definition}"
KOLADA_DEFINITION_SOURCE = "Underlag för Koladas definition: {source}"
KOLADA_UNVERIFIED = (
    "Koladas täljare och nämnare har inte kunnat kontrolleras. Jämför med försiktighet."
)
KOLADA_MATCH = {"same": "samma", "close": "nästan samma", "denominator": "annan nämnare",
                "different": "annat mått", "unverified": "inte kontrollerad", "none": "–"}
"""How Kolada's definition compares with ours (metrics/kolada.py MATCHES), in a table."""
KOLADA_MISMATCH_ROW = "**{metric} ({kpi}), {match}:** {note}"
KOLADA_DEFINITIONS_HEADER = "Koladas definitioner"
KOLADA_DEFINITIONS_INTRO = (
    "Vad Kolada räknar i varje nyckeltal (täljare, nämnare, population) så långt de källor vi "
    "har kunnat läsa visar, och om vårt nyckeltal räknar likadant."
)
KOLADA_DEFINITIONS_HEADERS = {"metric": "Nyckeltal", "kpi_id": "Kolada-id",
                              "definition": "Koladas definition",
                              "match": "Jämfört med vårt", "source": "Underlag"}
KOLADA_WHOLE_MUNICIPALITY = (
    "Jämförelsen gäller hela kommunen, inte det valda urvalet av förvaltningar."
)
KOLADA_NO_VALUES_VIEWER = "Koladas värden för jämförelsen är inte inlästa ännu."
KOLADA_NO_VALUES = (
    "Inga Koladavärden är inlästa för nyckeltalet {id}. En analytiker hämtar dem på sidan "
    "Kolada."
)
KOLADA_DEMO_VALUES = (
    "Exempeldata: jämförelsegruppens värden är påhittade (riktiga kommun-id, inte Koladas "
    "siffror)."
)
KOLADA_MISSING_NOTE = "– betyder att Kolada inte har något värde för året (inte noll)."
KOLADA_TABLE_HEADERS = {"year": "År", "ours": "Vårt värde", "kolada_own": "Kolada, vår kommun",
                        "group_median": "Gruppens median",
                        "group_range": "Gruppens spridning (lägst–högst)",
                        "group_count": "Kommuner med värde"}
KOLADA_IMPORT_HEADER = "Hämta eller läs in Koladas värden"
KOLADA_FETCH_INTRO = (
    "Hämtar mappningens nyckeltal för kommunen ({own}) och jämförelsegruppen ({group}), "
    "åren {first}–{last}, från Koladas API."
)
KOLADA_FETCH_BUTTON = "Hämta från Kolada"
KOLADA_NEEDS_IDS = (
    "För att hämta från Kolada behöver servern kommunens Kolada-id och jämförelsegruppens "
    "kommuner i sina inställningar: be den som driver Personalpanelen att lägga in dem. "
    "Utan nätverk: läs in en nedladdad fil nedan."
)
KOLADA_UPLOAD = (
    "Nedladdad fil: Koladas JSON-svar, eller CSV/Excel med kolumnerna kpi, municipality, year, "
    "gender och value"
)
KOLADA_UPLOAD_BUTTON = "Läs in filen"
KOLADA_IMPORTED = "Inläst: {summary}."
KOLADA_REFUSED = "Filen lästes inte in och inget har ändrats. {error}"
KOLADA_FETCH_FAILED = "Hämtningen misslyckades och inget har ändrats. {error}"
KOLADA_INTO_DEMO = (
    "Du ser exempelkommunen: det du hämtar eller läser in sparas i exempelkommunens databas, "
    "inte i kommunens egen."
)
KOLADA_LOADED_HEADER = "Inlästa värden"
KOLADA_NOTHING_LOADED = "Inga Koladavärden är inlästa ännu."
KOLADA_LOADED_HEADERS = {"kpi_id": "Kolada-id", "kpi_title": "Nyckeltal i Kolada",
                         "municipalities": "Kommuner", "years": "År", "values": "Värden",
                         "missing": "Saknas i Kolada", "fetched_at": "Hämtat",
                         "sources": "Källa"}
KOLADA_MUNICIPALITY_HEADERS = {"municipality_id": "Kommun-id",
                               "municipality_title": "Kommun", "role": "Roll"}
KOLADA_ROLE_OWN = "vår kommun"
KOLADA_ROLE_GROUP = "jämförelsegruppen"
KOLADA_ROLE_NONE = "ingår inte"
KOLADA_GROUP_SETTING = "{count} kommuner enligt inställningen"
KOLADA_GROUP_DEFAULT = "alla inlästa kommuner utom den egna"
KOLADA_OWN_NONE = "inget id angivet"
KOLADA_OVERVIEW_HEADER = "Översikt: nyckeltal med ett Koladanyckeltal"
KOLADA_OVERVIEW_HEADERS = {"metric": "Nyckeltal", "kpi_id": "Kolada-id", "year": "År",
                           "ours": "Vårt värde", "kolada_own": "Kolada, vår kommun",
                           "group_median": "Gruppens median",
                           "group_range": "Gruppens spridning",
                           "checked": "Id kontrollerat"}
KOLADA_CHECKED = {True: "ja", False: "nej: jämförs inte"}


# --- Issue 13, education pays and career steps (engineer A) -----------------------------------
EDUCATION_LEVEL_LABELS = {
    "forgymnasial": "Förgymnasial",
    "gymnasial": "Gymnasial",
    "eftergymnasial_kort": "Eftergymnasial kortare än 3 år",
    "eftergymnasial_lang": "Eftergymnasial 3 år eller längre",
}
"""The education levels (pipelines/schema.py EDUCATION_LEVELS) as users read them."""
VALUE_LABELS.update(EDUCATION_LEVEL_LABELS)


# --- Issue 13, training and crisis placement (engineer C) -------------------------------------
NO_DATA_FOR_TABLE["training"] = (
    "Inget utbildningsuttag är inläst ännu. Ladda upp ett utbildningsuttag (Personnummer, Kurs, "
    "Kursdatum) under Ladda upp."
)
NO_DATA_FOR_TABLE["crisis_placement"] = (
    "Inget krisplaceringsregister är inläst ännu. Ladda upp registret (Personnummer, "
    "Mottagande enhet, Kärnverksamhet, Vecka) under Ladda upp."
)
VALUE_LABELS.update({"skola": "Skola", "vard_och_omsorg": "Vård och omsorg", "annan": "Annan"})
BREAKDOWN_TAB["core_service"] = "Per kärnverksamhet"
PAGE_INTROS["ladda-upp"] = (
    "Läs in uttag från lönesystemet: anställningsuttag (xlsx eller csv), sjukfrånvarouttag, "
    "HME-sammanställning, utbildningsuttag, krisplaceringsregister och löneuttag per år "
    "(lönekartläggning och lönerapport). Filerna kontrolleras innan något sparas; en fil med "
    "fel ändrar ingenting."
)


# --- Issue 24: a chart's text alternative (the meeting pack's PDF/UA) ---------------------------
CHART_ALT = "{label} {span}: från {first} till {last}."
CHART_ALT_ONE = "{label} {period}: {value}."
CHART_ALT_HIDDEN = "{label} {span}: värdena visas inte (för få personer)."


# --- Charts in words (issue 24) -----------------------------------------------------------------
# A chart's summary in a caption under it (ui/chart_text.py); the series' form is CHART_ALT's.
CHART_ALT_VALUES = "{label} {period}: {values}."
CHART_ALT_PER = "{label} per {by}"
CHART_ALT_BY = {"forvaltning": "förvaltning", "gender": "kön", "occupation": "yrke",
                "age_band": "åldersgrupp", "years_to_retirement": "år till pension",
                "core_service": "kärnverksamhet"}
CHART_ALT_PART = "{name} {value}"
CHART_ALT_PART_HIDDEN = "{name} visas inte (för få personer)"
CHART_ALT_HIGH_LOW = "högst {high}, lägst {low}"
CHART_ALT_SOME_HIDDEN = "; {count} {groups} visas inte (för få personer)"
CHART_ALT_GROUPS = ("grupp", "grupper")
CHART_ALT_KOLADA_MEDIAN = "Jämförelsegruppens median {year}: {value}."
CHART_ALT_PROGRAMME = "Punkter per status: {values}."
CHART_ALT_PROGRAMME_OVERDUE = " (varav {count} har passerat slutdatum)"
CHART_ALT_PAY = {"mean_gap": "Löneskillnaden, medelvärde", "median_gap": "Löneskillnaden, median"}
CHART_ALT_QUARTILES = "Andel kvinnor per lönekvartil {year}: {values}; resten är män."
CHART_ALT_QUARTILE = "{value} i {name}"
CHART_TABLE = "Visa som tabell"
# Under the status chart, in place of a legend that could name only two of its colours: its
# colours in words, its overdue part also hatched (WCAG 1.4.1).
PROGRAMME_CHART_LEGEND = (
    "Varje stapel har statusens färg. Den röda, rutmönstrade delen är de punkter som har "
    "passerat sitt slutdatum utan att vara klara."
)
