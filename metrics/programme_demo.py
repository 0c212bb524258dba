"""The demo's action programme: Exempelkommun's fictional "Attraktiv arbetsgivare 2023–2026",
20 points as a personnel committee would follow them up. Data, not code: metrics/programme.py
`seed_demo` saves the version the council adopted and the version of the latest follow-up.
"""

from __future__ import annotations

from datetime import datetime

TITLE = "Attraktiv arbetsgivare 2023–2026"
ADOPTED = datetime(2023, 3, 15, 10, 0)
"""When the first version (all points Ej påbörjad) was saved."""
FOLLOWED_UP = datetime(2026, 10, 12, 14, 30)
"""When the current version was saved (the autumn follow-up)."""

# Nr, text, deadline, responsible förvaltning, status now, comment now, indicator (metric id)
POINTS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("1", "Heltid som norm: alla nya tillsvidareanställningar erbjuds på heltid.",
     "2023", "Kommunledningskontoret", "Klar",
     "Gäller sedan 1 juli 2023 i alla annonser.", "full_time_share"),
    ("2", "Minska antalet timavlönade genom bemanningspooler i vård och omsorg.",
     "2025-06-30", "Vård och omsorg", "Pågår",
     "Pool startad i två områden; resterande hösten 2026.", "hourly_paid_persons"),
    ("3", "Jämn könsfördelning bland chefer: minst 40 procent av varje kön vid rekrytering "
          "av chefer.", "2026", "Kommunledningskontoret", "Pågår",
     "Rekryteringsrutinen är ändrad.", "managers_women_share"),
    ("4", "Fler män i förskolan: riktad rekrytering och praktikplatser för män.",
     "2025-12-31", "Barn och utbildning", "Försenad",
     "Samarbetet med vuxenutbildningen skjuts upp till 2026.", "preschool_men_share"),
    ("5", "Lönekartläggning och översyn av lönespridningen för socialsekreterare.",
     "2024-03-31", "Socialtjänst", "Klar",
     "Redovisad för personalutskottet i april 2024.", "social_worker_salary_spread"),
    ("6", "Gemensam introduktion för alla nyanställda med uppföljning efter sex månader.",
     "2024-06-30", "Kommunledningskontoret", "Klar", "", ""),
    ("7", "Medarbetarsamtal med alla tillsvidareanställda varje år, dokumenterade i "
          "personalsystemet.", "2026-12-31", "Alla förvaltningar", "Pågår",
     "92 procent genomförda 2025.", ""),
    ("8", "Kompetensförsörjningsplan för varje förvaltning, uppdaterad årligen.",
     "2024-12-31", "Alla förvaltningar", "Pågår",
     "Fem av sju förvaltningar klara.", "retirements_forecast"),
    ("9", "Handlingsplaner på alla enheter med HME-index under kommunens genomsnitt.",
     "2025-06", "Alla förvaltningar", "Ej påbörjad", "", "hme_total"),
    ("10", "Sänk sjukfrånvaron: tidiga insatser vid upprepad korttidsfrånvaro.",
     "2026", "Vård och omsorg", "Pågår",
     "Rehabsamordnare anställd januari 2025.", "sick_leave_total"),
    ("11", "Ledarutvecklingsprogram för nya chefer.",
     "2024-12-31", "Kommunledningskontoret", "Klar", "Två omgångar genomförda.", ""),
    ("12", "Minska personalomsättningen bland socialsekreterare: mentorskap och "
           "introduktionsår.", "2025-12-31", "Socialtjänst", "Pågår", "", "turnover"),
    ("13", "Heltidsresa i vård och omsorg: schemaläggning med önskad sysselsättningsgrad.",
     "2026-06-30", "Vård och omsorg", "Pågår", "", "full_time_gap"),
    ("14", "Friskvårdsbidrag höjs till 3 000 kronor.",
     "2023-12-31", "Kommunledningskontoret", "Klar", "", ""),
    ("15", "Chefers förutsättningar: högst 30 medarbetare per chef.",
     "2026-12-31", "Alla förvaltningar", "Ej påbörjad",
     "Utredning beställd.", "employees_per_manager_median"),
    ("16", "Lika lön för likvärdigt arbete: åtgärda osakliga löneskillnader.",
     "2025-03-31", "Kommunledningskontoret", "Klar", "", "women_salary_share_of_men"),
    ("17", "Arbetsmiljöutbildning för alla chefer och skyddsombud.",
     "2024-06-30", "Teknik och service", "Utgår",
     "Ersätts av regionens gemensamma utbildning.", ""),
    ("18", "Fler tillsvidareanställningar i stället för visstid i kultur och fritid.",
     "2025-09-30", "Kultur och fritid", "Ej påbörjad", "", "tillsvidare_share"),
    ("19", "Kompetensutveckling för undersköterskor (validering och utbildning).",
     "2026-12-31", "Vård och omsorg", "Pågår", "", ""),
    ("20", "Employer branding: kommunen på högskolornas arbetsmarknadsdagar.",
     "2026-03-31", "Samhällsbyggnad", "Ej påbörjad", "", ""),
)

# How the adopted version differed from the current one: point 20 came later, and two
# deadlines were moved.
ADDED_LATER = ("20",)
ADOPTED_DEADLINES = {"2": "2024-12-31", "4": "2024-12-31"}


def _row(point: tuple, status: str, comment: str, deadline: str | None = None) -> dict:
    nr, text, due, forvaltning, _, _, indicator = point
    return {"nr": nr, "text": text, "deadline": deadline or due, "forvaltning": forvaltning,
            "status": status, "comment": comment, "indicator": indicator}


def versions() -> tuple[list[dict], list[dict]]:
    """The rows (metrics.programme.COLUMNS) of the adopted version and of the current one."""
    adopted = [_row(p, "Ej påbörjad", "", ADOPTED_DEADLINES.get(p[0]))
               for p in POINTS if p[0] not in ADDED_LATER]
    now = [_row(p, p[4], p[5]) for p in POINTS]
    return adopted, now
