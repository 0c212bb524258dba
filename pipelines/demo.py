"""Exempelkommun: a deterministic, fictional municipality laid out as Swedish payroll extracts.

generate() writes what an HR analyst would upload: eleven November employment snapshots
(2015-2025, one xlsx each; with monthly=True every month's from November 2015 to November
2025, ten years in 121 extracts, the Novembers the same), a sick-leave extract for the same
years (csv), an HME survey summary (xlsx), a training extract (csv: the courses taken in the
12 months before each snapshot), a crisis placement register (csv, from 2023) and a pay
extract per snapshot year (csv; pipelines/demo_pay.py). The headers
are the Swedish ones the payroll and survey systems use (see pipelines/schema.py). The same
persons are followed across the years: hires, leavers, retirements, internal moves and
promotions, yearly pay reviews, the "Heltid som norm" shift from part time to full time (from
2016) and the decline of hourly-paid work. The employment extracts also carry the optional
columns of issue 13: education level by occupation, career steps with their pay step,
development plans (recorded from 2019) and medarbetarsamtal, key positions and their
successors (see the section "issue 13" below for the stories they tell).

Everything is drawn from one random.Random(seed), so a seed always gives the same files; the
issue-13 values come from a second one seeded from the same seed, so they leave the others'
draws as they were.
The personnummer are synthetic: a real birth date, serial numbers 980-999 and a valid check
digit; they are not checked against any population register.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polars as pl
import xlsxwriter

DEMO_SEED = 20251101
SNAPSHOT_YEARS = range(2015, 2026)  # November snapshots, snapshot date 1 November
FIRST_YEAR, LAST_YEAR = SNAPSHOT_YEARS[0], SNAPSHOT_YEARS[-1]
LEVEL_YEAR = 2018
"""The year the tables give salaries, the hourly wage and unit sizes for; pay_index and
STAFF_GROWTH take them to the other years, earlier ones included."""

EMPLOYMENT_FILE = "exempelkommun_anstallningar_{day:%Y-%m}.xlsx"
PAY_REVIEW_MONTH = 4
"""The monthly demo takes each year's new pay, rates and posts from April."""
SEASON = {6: 1.6, 7: 1.9, 8: 1.5, 12: 1.2}
"""Hourly-paid hours in a month relative to November: summer holidays and Christmas."""
ABSENCE_FILE = f"exempelkommun_sjukfranvaro_{FIRST_YEAR}-{LAST_YEAR}.csv"
HME_FILE = f"exempelkommun_hme_{FIRST_YEAR}-{LAST_YEAR}.xlsx"

EMPLOYMENT_SCHEMA: dict[str, type[pl.DataType]] = {
    "Mätdatum": pl.Date,
    "Personnummer": pl.String,
    "Anställningsnummer": pl.String,
    "Förvaltning": pl.String,
    "Enhet": pl.String,
    "Befattning": pl.String,
    "SSYK": pl.String,
    "Anställningsform": pl.String,
    "Löneform": pl.String,
    "Sysselsättningsgrad": pl.Int64,
    "Faktisk sysselsättningsgrad": pl.Int64,
    "Månadslön (heltid)": pl.Int64,
    "Timlön": pl.Float64,
    "Arbetade timmar": pl.Float64,
    "Chef": pl.String,
    "Chefens anst.nr": pl.String,
    "Anställningsdatum": pl.Date,
    "Första anställningsdag": pl.Date,
}
ABSENCE_SCHEMA: dict[str, type[pl.DataType]] = {
    "År": pl.Int64,
    "Personnummer": pl.String,
    "Förvaltning": pl.String,
    "Ordinarie arbetstid (tim)": pl.Float64,
    "Sjukfrånvaro (tim)": pl.Float64,
    "Varav långtidssjukfrånvaro (tim)": pl.Float64,
}
HME_SCHEMA: dict[str, type[pl.DataType]] = {
    "År": pl.Int64,
    "Enhet": pl.String,
    "Förvaltning": pl.String,
    "Motivationsindex": pl.Float64,
    "Ledarskapsindex": pl.Float64,
    "Styrningsindex": pl.Float64,
    "HME totalt": pl.Float64,
    "Antal svarande": pl.Int64,
    "Antal inbjudna": pl.Int64,
}


class Occupation(NamedTuple):
    title: str
    ssyk: str
    salary: int
    """Typical full-time monthly salary in LEVEL_YEAR (2018), kr."""
    women: float
    """Probability that a new hire is a woman."""
    full_time: float
    """Probability of a 100 % contract before Heltid som norm (the first snapshot, 2015)."""


# SSYK 2012 codes: 2343, 5311 and 2661 as in metric-definitions.md; the others are plausible
# choices, not checked against SCB's list. Managers are in major group 1.
OCCUPATIONS: dict[str, Occupation] = {
    # Managers
    "kommundirektor": Occupation("Kommundirektör", "1112", 88_000, 0.50, 1.0),
    "forvaltningschef": Occupation("Förvaltningschef", "1112", 68_000, 0.55, 1.0),
    "rektor": Occupation("Rektor", "1542", 48_000, 0.60, 1.0),
    "forskolechef": Occupation("Förskolechef", "1592", 45_000, 0.80, 1.0),
    "enhetschef_aldre": Occupation("Enhetschef", "1532", 43_000, 0.75, 1.0),
    "enhetschef_halsa": Occupation("Enhetschef", "1512", 46_000, 0.75, 1.0),
    "enhetschef_social": Occupation("Enhetschef", "1522", 46_000, 0.70, 1.0),
    "enhetschef_kultur": Occupation("Enhetschef", "1592", 44_000, 0.55, 1.0),
    "avdelningschef": Occupation("Avdelningschef", "1212", 52_000, 0.50, 1.0),
    "avdelningschef_teknik": Occupation("Avdelningschef", "1342", 50_000, 0.30, 1.0),
    # School and preschool
    "forskollarare": Occupation("Förskollärare", "2343", 33_500, 0.96, 0.40),
    "barnskotare": Occupation("Barnskötare", "5311", 26_000, 0.94, 0.20),
    "grundskollarare": Occupation("Grundskollärare", "2341", 36_500, 0.88, 0.60),
    "fritidspedagog": Occupation("Fritidspedagog", "2342", 31_500, 0.70, 0.40),
    "amneslarare": Occupation("Ämneslärare", "2330", 37_500, 0.70, 0.72),
    "speciallarare": Occupation("Speciallärare", "2351", 39_500, 0.88, 0.70),
    "studievagledare": Occupation("Studie- och yrkesvägledare", "2352", 33_500, 0.75, 0.80),
    "elevassistent": Occupation("Elevassistent", "5312", 24_000, 0.80, 0.22),
    "lararvikarie": Occupation("Lärarvikarie", "2341", 28_000, 0.74, 0.50),
    "skolskoterska": Occupation("Skolsköterska", "2221", 37_000, 0.95, 0.70),
    "kurator": Occupation("Kurator", "2662", 34_000, 0.88, 0.75),
    "psykolog": Occupation("Psykolog", "2671", 44_000, 0.80, 0.75),
    # Care
    "underskoterska": Occupation("Undersköterska", "5321", 26_500, 0.92, 0.18),
    "vardbitrade": Occupation("Vårdbiträde", "5330", 24_500, 0.86, 0.12),
    "sjukskoterska": Occupation("Sjuksköterska", "2221", 36_000, 0.92, 0.55),
    "arbetsterapeut": Occupation("Arbetsterapeut", "2226", 33_500, 0.90, 0.70),
    "fysioterapeut": Occupation("Fysioterapeut", "2228", 33_500, 0.70, 0.75),
    "stodassistent": Occupation("Stödassistent", "5341", 26_000, 0.76, 0.20),
    "personlig_assistent": Occupation("Personlig assistent", "5342", 24_500, 0.80, 0.18),
    "bistandshandlaggare": Occupation("Biståndshandläggare", "3353", 32_000, 0.88, 0.80),
    # Social services
    "socialsekreterare": Occupation("Socialsekreterare", "2661", 32_000, 0.85, 0.85),
    "familjebehandlare": Occupation("Familjebehandlare", "3412", 31_000, 0.80, 0.75),
    "behandlingsassistent": Occupation("Behandlingsassistent", "3412", 27_500, 0.70, 0.45),
    "handlaggare": Occupation("Handläggare", "3359", 31_000, 0.82, 0.80),
    "arbetskonsulent": Occupation("Arbetskonsulent", "3359", 30_000, 0.60, 0.85),
    # Administration
    "administrator": Occupation("Administratör", "4119", 27_500, 0.90, 0.70),
    "verksamhetsutvecklare": Occupation("Verksamhetsutvecklare", "2421", 40_000, 0.70, 0.90),
    "utredare": Occupation("Utredare", "2422", 41_000, 0.60, 0.90),
    "ekonom": Occupation("Ekonom", "2411", 38_500, 0.68, 0.90),
    "hr_specialist": Occupation("HR-specialist", "2423", 40_000, 0.85, 0.85),
    "loneadministrator": Occupation("Löneadministratör", "4112", 29_000, 0.90, 0.75),
    "it_tekniker": Occupation("IT-tekniker", "3512", 32_000, 0.25, 0.95),
    "systemforvaltare": Occupation("Systemförvaltare", "2511", 40_000, 0.45, 0.95),
    "kommunikator": Occupation("Kommunikatör", "2432", 37_000, 0.75, 0.85),
    "namndsekreterare": Occupation("Nämndsekreterare", "3343", 31_000, 0.85, 0.85),
    "arkivarie": Occupation("Arkivarie", "2621", 34_000, 0.70, 0.85),
    "kommunvagledare": Occupation("Kommunvägledare", "4222", 27_500, 0.80, 0.65),
    # Planning, environment, technical services
    "bygglovshandlaggare": Occupation("Bygglovshandläggare", "3112", 35_000, 0.50, 0.90),
    "byggnadsinspektor": Occupation("Byggnadsinspektör", "3112", 36_000, 0.35, 0.95),
    "planarkitekt": Occupation("Planarkitekt", "2163", 38_000, 0.60, 0.90),
    "gis_ingenjor": Occupation("GIS-ingenjör", "3112", 35_000, 0.45, 0.95),
    "miljoinspektor": Occupation("Miljöinspektör", "2133", 34_500, 0.70, 0.85),
    "ingenjor": Occupation("Ingenjör", "2142", 39_000, 0.35, 0.95),
    "parkarbetare": Occupation("Parkarbetare", "6113", 27_000, 0.25, 0.85),
    "va_tekniker": Occupation("VA-tekniker", "3132", 31_000, 0.15, 0.95),
    "lokalvardare": Occupation("Lokalvårdare", "9111", 24_500, 0.88, 0.40),
    "kock": Occupation("Kock", "5120", 27_000, 0.80, 0.55),
    "maltidsbitrade": Occupation("Måltidsbiträde", "9412", 24_000, 0.92, 0.30),
    "fastighetsskotare": Occupation("Fastighetsskötare", "5153", 28_000, 0.12, 0.95),
    "drifttekniker": Occupation("Drifttekniker", "3115", 32_000, 0.10, 0.95),
    # Culture and leisure
    "bibliotekarie": Occupation("Bibliotekarie", "2622", 32_500, 0.85, 0.70),
    "biblioteksassistent": Occupation("Biblioteksassistent", "4410", 27_500, 0.82, 0.50),
    "fritidsledare": Occupation("Fritidsledare", "3423", 28_000, 0.50, 0.55),
    "kulturskolelarare": Occupation("Kulturskolelärare", "2355", 33_000, 0.60, 0.50),
    "badmastare": Occupation("Badmästare", "3422", 27_000, 0.50, 0.55),
}
PRESCHOOL_STAFF = ("forskollarare", "barnskotare")
SOCIAL_WORKER = "socialsekreterare"


class StaffMix(NamedTuple):
    manager: str
    """Occupation of the unit's manager."""
    staff: tuple[tuple[str, float], ...]
    """Monthly-paid occupations and their weights."""
    hourly: tuple[str, ...] = ()
    """Occupations of the unit's hourly-paid staff."""
    hourly_per_staff: float = 0.0
    """Hourly employments per monthly-paid employee (the weight of the unit's share)."""


STAFF_MIXES: dict[str, StaffMix] = {
    "office": StaffMix("forvaltningschef", (("verksamhetsutvecklare", 0.4),
                                            ("administrator", 0.4), ("ekonom", 0.2))),
    "kommunstab": StaffMix("kommundirektor", (("utredare", 0.6), ("administrator", 0.4))),
    "forskola": StaffMix("forskolechef", (("forskollarare", 0.46), ("barnskotare", 0.50),
                                          ("kock", 0.04)), ("barnskotare",), 0.35),
    "skola": StaffMix("rektor", (("grundskollarare", 0.56), ("fritidspedagog", 0.14),
                                 ("speciallarare", 0.07), ("elevassistent", 0.18),
                                 ("administrator", 0.05)),
                      ("elevassistent", "lararvikarie"), 0.12),
    "gymnasium": StaffMix("rektor", (("amneslarare", 0.78), ("speciallarare", 0.06),
                                     ("studievagledare", 0.04), ("elevassistent", 0.06),
                                     ("administrator", 0.06)), ("lararvikarie",), 0.05),
    "elevhalsa": StaffMix("enhetschef_halsa", (("skolskoterska", 0.35), ("kurator", 0.35),
                                               ("psykolog", 0.2), ("speciallarare", 0.1))),
    "bistand": StaffMix("enhetschef_social", (("bistandshandlaggare", 0.85),
                                              ("administrator", 0.15))),
    "hemtjanst": StaffMix("enhetschef_aldre", (("underskoterska", 0.75), ("vardbitrade", 0.25)),
                          ("underskoterska", "vardbitrade"), 0.55),
    "sabo": StaffMix("enhetschef_aldre", (("underskoterska", 0.80), ("vardbitrade", 0.20)),
                     ("underskoterska", "vardbitrade"), 0.50),
    "hsl": StaffMix("enhetschef_halsa", (("sjukskoterska", 0.62), ("arbetsterapeut", 0.20),
                                         ("fysioterapeut", 0.18)), ("sjukskoterska",), 0.08),
    "lss": StaffMix("enhetschef_social", (("stodassistent", 0.85), ("underskoterska", 0.15)),
                    ("stodassistent",), 0.40),
    "persass": StaffMix("enhetschef_social", (("personlig_assistent", 1.0),),
                        ("personlig_assistent",), 0.60),
    "social": StaffMix("enhetschef_social", (("socialsekreterare", 0.50),
                                             ("familjebehandlare", 0.18), ("handlaggare", 0.18),
                                             ("administrator", 0.14))),
    "behandling": StaffMix("enhetschef_social", (("behandlingsassistent", 0.80),
                                                 ("familjebehandlare", 0.20)),
                           ("behandlingsassistent",), 0.25),
    "arbetsmarknad": StaffMix("enhetschef_social", (("arbetskonsulent", 0.75),
                                                    ("administrator", 0.25))),
    "ekonomi": StaffMix("avdelningschef", (("ekonom", 0.8), ("administrator", 0.2))),
    "hr": StaffMix("avdelningschef", (("hr_specialist", 0.85), ("administrator", 0.15))),
    "lon": StaffMix("avdelningschef", (("loneadministrator", 1.0),)),
    "it": StaffMix("avdelningschef", (("it_tekniker", 0.6), ("systemforvaltare", 0.4))),
    "kommunikation": StaffMix("avdelningschef", (("kommunikator", 1.0),)),
    "kansli": StaffMix("avdelningschef", (("namndsekreterare", 0.5), ("utredare", 0.3),
                                          ("arkivarie", 0.2))),
    "kontaktcenter": StaffMix("avdelningschef", (("kommunvagledare", 1.0),)),
    "bygg": StaffMix("avdelningschef_teknik", (("bygglovshandlaggare", 0.7),
                                               ("byggnadsinspektor", 0.3))),
    "plan": StaffMix("avdelningschef_teknik", (("planarkitekt", 0.6), ("gis_ingenjor", 0.4))),
    "miljo": StaffMix("avdelningschef_teknik", (("miljoinspektor", 1.0),)),
    "park": StaffMix("avdelningschef_teknik", (("parkarbetare", 0.85), ("ingenjor", 0.15)),
                     ("parkarbetare",), 0.10),
    "va": StaffMix("avdelningschef_teknik", (("va_tekniker", 0.7), ("ingenjor", 0.3))),
    "lokalvard": StaffMix("avdelningschef_teknik", (("lokalvardare", 1.0),),
                          ("lokalvardare",), 0.15),
    "kost": StaffMix("avdelningschef_teknik", (("kock", 0.45), ("maltidsbitrade", 0.55)),
                     ("maltidsbitrade",), 0.20),
    "fastighet": StaffMix("avdelningschef_teknik", (("fastighetsskotare", 0.7),
                                                    ("drifttekniker", 0.3))),
    "bibliotek": StaffMix("enhetschef_kultur", (("bibliotekarie", 0.6),
                                                ("biblioteksassistent", 0.4)),
                          ("biblioteksassistent",), 0.10),
    "fritid": StaffMix("enhetschef_kultur", (("fritidsledare", 1.0),), ("fritidsledare",), 0.40),
    "kulturskola": StaffMix("enhetschef_kultur", (("kulturskolelarare", 1.0),),
                            ("kulturskolelarare",), 0.10),
    "bad": StaffMix("enhetschef_kultur", (("badmastare", 1.0),), ("badmastare",), 0.50),
}

# Förvaltning -> its units as (name, staff mix, monthly-paid staff in LEVEL_YEAR excluding
# the manager). The first unit is the förvaltning's office; its manager heads the förvaltning.
SUBSTITUTE_OCCUPATIONS = {o for mix in STAFF_MIXES.values() for o in mix.hourly}
"""Occupations with hourly-paid substitutes, who are often hired from among them."""

FORVALTNINGAR: dict[str, tuple[tuple[str, str, int], ...]] = {
    "Barn och utbildning": (
        ("Förvaltningskontor barn och utbildning", "office", 18),
        ("Förskolan Solrosen", "forskola", 26),
        ("Förskolan Blåklockan", "forskola", 24),
        ("Förskolan Vitsippan", "forskola", 28),
        ("Förskolan Lingonet", "forskola", 22),
        ("Förskolan Ekorren", "forskola", 20),
        ("Förskolan Tallbacken", "forskola", 26),
        ("Förskolan Regnbågen", "forskola", 30),
        ("Förskolan Myran", "forskola", 18),
        ("Förskolan Kastanjen", "forskola", 24),
        ("Förskolan Nyponet", "forskola", 22),
        ("Centralskolan F-6", "skola", 86),
        ("Björkskolan F-6", "skola", 66),
        ("Ekbackens skola F-9", "skola", 114),
        ("Norrskolan 7-9", "skola", 78),
        ("Sjöviksskolan F-6", "skola", 60),
        ("Åsens skola F-3", "skola", 28),
        ("Exempelgymnasiet", "gymnasium", 138),
        ("Elevhälsan", "elevhalsa", 30),
    ),
    "Vård och omsorg": (
        ("Förvaltningskontor vård och omsorg", "office", 14),
        ("Biståndsenheten", "bistand", 16),
        ("Hemtjänst Norr", "hemtjanst", 76),
        ("Hemtjänst Söder", "hemtjanst", 70),
        ("Hemtjänst Centrum", "hemtjanst", 60),
        ("Särskilt boende Lindgården", "sabo", 76),
        ("Särskilt boende Solgläntan", "sabo", 70),
        ("Särskilt boende Björkhagen", "sabo", 60),
        ("Korttidsboendet Måsen", "sabo", 34),
        ("Hemsjukvården", "hsl", 54),
        ("LSS-boende Humlan", "lss", 30),
        ("LSS-boende Lärkan", "lss", 26),
        ("Daglig verksamhet Verkstan", "lss", 24),
        ("Personlig assistans", "persass", 56),
    ),
    "Socialtjänst": (
        ("Förvaltningskontor socialtjänst", "office", 8),
        ("Mottagningsenheten", "social", 12),
        ("Barn och unga", "social", 40),
        ("Vuxenenheten", "social", 22),
        ("Ekonomiskt bistånd", "social", 30),
        ("Familjerätt och familjehem", "social", 14),
        ("Öppenvården", "behandling", 36),
        ("HVB-hemmet Stigen", "behandling", 40),
        ("Arbetsmarknadsenheten", "arbetsmarknad", 36),
    ),
    "Kommunledningskontoret": (
        ("Kommundirektörens stab", "kommunstab", 4),
        ("Ekonomiavdelningen", "ekonomi", 30),
        ("HR-avdelningen", "hr", 26),
        ("Löneenheten", "lon", 14),
        ("IT-avdelningen", "it", 32),
        ("Kommunikationsavdelningen", "kommunikation", 10),
        ("Kansliavdelningen", "kansli", 14),
        ("Kontaktcenter", "kontaktcenter", 18),
    ),
    "Samhällsbyggnad": (
        ("Förvaltningskontor samhällsbyggnad", "office", 8),
        ("Bygglovsenheten", "bygg", 18),
        ("Planenheten", "plan", 14),
        ("Miljö- och hälsoskyddsenheten", "miljo", 20),
        ("Gatu- och parkenheten", "park", 44),
        ("VA-enheten", "va", 40),
    ),
    "Kultur och fritid": (
        ("Förvaltningskontor kultur och fritid", "office", 3),
        ("Huvudbiblioteket", "bibliotek", 22),
        ("Filialbiblioteken", "bibliotek", 12),
        ("Fritidsgårdarna", "fritid", 28),
        ("Kulturskolan", "kulturskola", 30),
        ("Badhuset Vågen", "bad", 20),
        ("Idrottsanläggningar", "bad", 12),
    ),
    "Teknik och service": (
        ("Förvaltningskontor teknik och service", "office", 8),
        ("Lokalvården", "lokalvard", 62),
        ("Kostenheten", "kost", 66),
        ("Fastighetsavdelningen", "fastighet", 34),
    ),
}
TWO_MANAGERS_FROM = 70
"""Units with at least this many staff have two managers."""

# General pay review per year (the increase from the previous November).
PAY_RAISE = {2016: 0.027, 2017: 0.026, 2018: 0.028, 2019: 0.030, 2020: 0.025, 2021: 0.024,
             2022: 0.026, 2023: 0.040, 2024: 0.034, 2025: 0.031}
EXTRA_RAISE = {SOCIAL_WORKER: 0.007}
"""Occupations in short supply get this on top of the general raise each year."""
HOURLY_WAGE = 145.0
"""An hourly-paid substitute's wage in LEVEL_YEAR, kr."""

STAFF_GROWTH = 0.006  # monthly-paid staff per unit, per year (from LEVEL_YEAR's sizes)
HOURLY_EMPLOYMENTS = {2015: 560, 2016: 555, 2017: 545, 2018: 525, 2019: 500, 2020: 470,
                      2021: 430, 2022: 390, 2023: 350, 2024: 320, 2025: 290}
ZERO_HOURS_SHARE = 0.12  # hourly-paid employments without hours in November
# Heltid som norm: the chance a part-time employee goes full time in the year, and how much
# of the gap to 100 % a new hire's chance of a full-time contract has closed.
FULL_TIME_CONVERSION = {2016: 0.02, 2017: 0.04, 2018: 0.06, 2019: 0.09, 2020: 0.11,
                        2021: 0.11, 2022: 0.09, 2023: 0.07, 2024: 0.06, 2025: 0.05}
FULL_TIME_HIRES = {2016: 0.0, 2017: 0.04, 2018: 0.08, 2019: 0.15, 2020: 0.30, 2021: 0.45,
                   2022: 0.55, 2023: 0.62, 2024: 0.68, 2025: 0.72}
PART_TIME_RATES = ((75, 30), (80, 26), (50, 8), (60, 6), (85, 10), (90, 14), (70, 6))
MEN_IN_PRESCHOOL = {year: 0.044 + 0.0025 * (year - FIRST_YEAR) for year in SNAPSHOT_YEARS}
"""Men's share of preschool staff (SSYK 2343, 5311) that hiring steers towards (national
figure 4.4 % in 2021, metric-definitions.md M4)."""
AGE_BANDS = ((19, 24, 6), (25, 29, 9), (30, 34, 11), (35, 39, 12), (40, 44, 12),
             (45, 49, 13), (50, 54, 13), (55, 59, 12), (60, 64, 10), (65, 66, 2))
"""(From age, to age, weight) of the staff already employed at the first snapshot."""
MANAGER_WOMEN = 0.64
"""Women's share of managers that appointments steer towards (SKR 2021: 52-64 %)."""
RETIREMENT = {65: 0.45, 66: 0.55}  # chance to retire at this age; everyone goes at 67
TEMPORARY_FORMS = ("Visstidsanställning", "Vikariat")
RESIGNATION = 0.065  # yearly chance to leave, before age and occupation factors
HIGH_TURNOVER = {SOCIAL_WORKER: 4.0}  # enough new ones for an entry-salary median
SECOND_JOB_SHARE = 0.12  # part-time hires who also take a part-time post in a sister unit

# Sick leave (share of ordinary hours): short spells and the risk of a long one (>= 60 days).
SICK_SHORT_MEAN = 0.040
SICK_NONE_SHARE = 0.18
SICK_LONG_RISK = 0.046
SICK_YEAR = {2015: (1.02, 1.04), 2016: (1.04, 1.08), 2017: (1.02, 1.05), 2018: (1.00, 1.00),
             2019: (1.00, 1.00), 2020: (1.45, 1.10), 2021: (1.30, 1.12), 2022: (1.40, 1.08),
             2023: (1.05, 1.05), 2024: (1.00, 1.02), 2025: (0.98, 1.00)}
"""Year -> (factor on short spells, factor on the long-spell risk): the pandemic peak."""
SICK_FORVALTNING = {"Barn och utbildning": 1.10, "Vård och omsorg": 1.25, "Socialtjänst": 1.0,
                    "Kommunledningskontoret": 0.60, "Samhällsbyggnad": 0.70,
                    "Kultur och fritid": 0.85, "Teknik och service": 1.0}
ORDINARY_HOURS = 1700  # a full-time year

# HME: the municipality's level per year, and each sub-index's offset from it.
HME_YEAR = {2015: 77.0, 2016: 77.4, 2017: 77.7, 2018: 78.0, 2019: 78.6, 2020: 76.4,
            2021: 76.0, 2022: 77.3, 2023: 78.2, 2024: 78.9, 2025: 79.5}
HME_OFFSETS = (("Motivationsindex", 1.5), ("Ledarskapsindex", 2.0), ("Styrningsindex", -3.5))


@dataclass(frozen=True)
class Unit:
    name: str
    forvaltning: str
    mix: str
    size: int
    is_office: bool


@dataclass(eq=False)
class Person:
    pnr: str
    gender: str
    birth: dt.date
    first_day: dt.date


@dataclass(eq=False)
class Employment:
    number: str
    person: Person
    unit: Unit
    occupation: str
    start: dt.date
    form: str
    rate: int | None
    """Contracted rate in %; None for hourly-paid."""
    pay: float
    """The person's pay relative to the occupation's level (about 0.85-1.2)."""
    is_manager: bool = False

    @property
    def hourly(self) -> bool:
        return self.rate is None


@dataclass
class Snapshot:
    """One year of the demo: the November extract and that year's sick-leave and HME rows."""

    year: int
    employment: pl.DataFrame
    absence: list[tuple]
    hme: list[tuple]
    training: list[tuple] = field(default_factory=list)
    """Courses taken in the 12 months before the snapshot (Personnummer, Kurs, Kursdatum)."""
    crisis: list[tuple] = field(default_factory=list)
    """Crisis placement rows of the year (Personnummer, Mottagande enhet, Kärnverksamhet,
    Vecka); the last year's also hold the placed persons who have not served a week yet."""


# --- personnummer --------------------------------------------------------------------------

def luhn_digit(digits: str) -> int:
    """The check digit of a personnummer's first nine digits (YYMMDDNNN)."""
    total = 0
    for i, char in enumerate(digits):
        product = int(char) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def personnummer(birth: dt.date, serial: int) -> str:
    """'YYYYMMDD-NNNC'; the serial's last digit is odd for men, even for women."""
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}-{serial:03d}{luhn_digit(nine)}"


# --- the simulation ------------------------------------------------------------------------

def snapshot_date(year: int) -> dt.date:
    return dt.date(year, 11, 1)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@functools.cache
def pay_index(year: int, occupation: str = "") -> float:
    """Pay in a year relative to LEVEL_YEAR: the pay reviews between the two (and any extra
    raise), multiplied in for a later year and divided out for an earlier one."""
    index = 1.0
    for y in range(LEVEL_YEAR + 1, year + 1):
        index *= 1 + PAY_RAISE[y] + EXTRA_RAISE.get(occupation, 0.0)
    for y in range(year + 1, LEVEL_YEAR + 1):
        index /= 1 + PAY_RAISE[y] + EXTRA_RAISE.get(occupation, 0.0)
    return index


def pay_level(occupation: str, year: int) -> float:
    """The occupation's full-time monthly salary level in a year."""
    return OCCUPATIONS[occupation].salary * pay_index(year, occupation)


def nudged(probability: float, target: float, share: float, gain: float) -> float:
    """A probability moved towards closing the gap between a group's share and its target."""
    return min(1.0, max(0.0, probability + gain * (target - share)))


def all_units() -> list[Unit]:
    return [Unit(name, forvaltning, mix, size, is_office=i == 0)
            for forvaltning, units in FORVALTNINGAR.items()
            for i, (name, mix, size) in enumerate(units)]


class Exempelkommun:
    """The municipality's workforce, advanced one November at a time."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.units = all_units()
        self.employments: list[Employment] = []
        self.used_pnr: set[str] = set()
        self.next_number = 100_001
        self.hme_level = {u.name: self.rng.gauss(0, 2.5) for u in self.units}
        self.preschool_staff: list[str] = []
        """Genders of the monthly-paid preschool staff, kept up to date while hiring."""
        self.hourly_units = [u for u in self.units if STAFF_MIXES[u.mix].hourly]
        self.hourly_weights = [u.size * STAFF_MIXES[u.mix].hourly_per_staff
                               for u in self.hourly_units]

    # People and employments

    def new_person(self, age: int, gender: str, year: int, first_day: dt.date) -> Person:
        """A person of this age on the snapshot date, with a unique synthetic personnummer."""
        rng = self.rng
        while True:
            birth = snapshot_date(year - age) - dt.timedelta(days=rng.randint(1, 365))
            serial = 980 + 2 * rng.randint(0, 9) + (1 if gender == "M" else 0)
            pnr = personnummer(birth, serial)
            if pnr not in self.used_pnr:
                self.used_pnr.add(pnr)
                return Person(pnr, gender, birth, first_day)

    def new_employment(self, person: Person, unit: Unit, occupation: str, start: dt.date,
                       form: str, rate: int | None, pay: float,
                       is_manager: bool = False) -> Employment:
        number = f"A{self.next_number}"
        self.next_number += 1
        person.first_day = min(person.first_day, start)
        employment = Employment(number, person, unit, occupation, start, form, rate, pay,
                                is_manager)
        self.employments.append(employment)
        return employment

    def gender_for(self, occupation: str, year: int) -> str:
        """A new hire's gender: the occupation's share of women; in preschool, men are hired
        so that their share follows MEN_IN_PRESCHOOL."""
        if occupation not in PRESCHOOL_STAFF:
            return "K" if self.rng.random() < OCCUPATIONS[occupation].women else "M"
        target = MEN_IN_PRESCHOOL[year]
        staff = self.preschool_staff
        share = staff.count("M") / len(staff) if staff else target
        return "M" if self.rng.random() < nudged(target, target, share, gain=8.0) else "K"

    def contract_rate(self, occupation: str, year: int) -> int:
        base = OCCUPATIONS[occupation].full_time
        p_full = base + (1 - base) * FULL_TIME_HIRES.get(year, 0.0)
        if self.rng.random() < p_full:
            return 100
        rates, weights = zip(*PART_TIME_RATES, strict=True)
        return self.rng.choices(rates, weights)[0]

    def start_within_year(self, year: int) -> dt.date:
        """A start date in the 12 months before the snapshot."""
        return snapshot_date(year) - dt.timedelta(days=self.rng.randint(0, 363))

    def hire_age(self, manager: bool) -> int:
        if manager:
            return self.rng.randint(33, 60)
        return min(64, round(self.rng.triangular(20, 63, 28)))

    def stock_age_and_tenure(self, occupation: str, manager: bool) -> tuple[int, float]:
        """Age and years of service of someone already employed at the first snapshot."""
        rng = self.rng
        tenure = rng.expovariate(HIGH_TURNOVER.get(occupation, 1.0) / 9)
        if tenure < 1:  # hired in the last year, like the later years' hires
            return self.hire_age(manager), tenure
        if manager:
            age = rng.randint(36, 64)
        else:
            low, high, _ = rng.choices(AGE_BANDS, [w for *_, w in AGE_BANDS])[0]
            age = rng.randint(low, high)
        return age, max(1.0, min(tenure, age - 19.5))

    def hire(self, unit: Unit, occupation: str, year: int, *, manager: bool = False,
             seeding: bool = False, person: Person | None = None,
             gender: str | None = None) -> Employment:
        """A monthly-paid employment in the unit; a new person unless one is given."""
        rng = self.rng
        on = snapshot_date(year)
        if seeding:
            age, tenure = self.stock_age_and_tenure(occupation, manager)
            start = on - dt.timedelta(days=round(tenure * 365.25))
        else:
            age, tenure = self.hire_age(manager), 0.0
            start = self.start_within_year(year)
        if person is None:
            gender = gender or self.gender_for(occupation, year)
            person = self.new_person(age, gender, year, start)
            if rng.random() < (0.3 if occupation in SUBSTITUTE_OCCUPATIONS else 0.05):
                # worked here before, e.g. as an hourly-paid substitute
                earlier = start - dt.timedelta(days=rng.randint(60, 2000))
                person.first_day = max(earlier, person.birth + dt.timedelta(days=18 * 366))
        else:
            age = age_on(person.birth, on)
        if occupation in PRESCHOOL_STAFF:
            self.preschool_staff.append(person.gender)
        experience = max(0, age - 25) * rng.uniform(0.2, 0.8)
        pay = 0.88 + 0.015 * experience + 0.008 * tenure + rng.gauss(0, 0.06)
        if manager:
            return self.new_employment(person, unit, occupation, start,
                                       "Tillsvidareanställning", 100, pay, is_manager=True)
        temporary = 0.10 if seeding else 0.40
        form = ("Tillsvidareanställning" if rng.random() > temporary
                else rng.choice(TEMPORARY_FORMS))
        rate = self.contract_rate(occupation, year)
        employment = self.new_employment(person, unit, occupation, start, form, rate, pay)
        if rate < 100 and rng.random() < SECOND_JOB_SHARE:
            self.add_second_job(employment, year)
        return employment

    def add_second_job(self, main: Employment, year: int) -> None:
        """A second monthly employment in a sister unit that tops the person up to 100 %."""
        assert main.rate is not None
        sisters = [u for u in self.units if u.mix == main.unit.mix and u is not main.unit]
        if not sisters or 100 - main.rate < 10:
            return
        since_main = (snapshot_date(year) - main.start).days
        start = main.start + dt.timedelta(days=self.rng.randint(0, max(0, since_main)))
        self.new_employment(main.person, self.rng.choice(sisters), main.occupation, start,
                            main.form, 100 - main.rate, main.pay)

    def hire_hourly(self, year: int, seeding: bool,
                    part_timers: dict[str, list[Person]]) -> None:
        """One hourly-paid employment, mostly a new person, sometimes a monthly part-timer."""
        rng = self.rng
        unit = rng.choices(self.hourly_units, self.hourly_weights)[0]
        occupation = rng.choice(STAFF_MIXES[unit.mix].hourly)
        on = snapshot_date(year)
        if seeding:
            start = on - dt.timedelta(days=round(min(rng.expovariate(1 / 2.0), 15) * 365.25))
        else:
            start = self.start_within_year(year)
        person = None
        pool = part_timers.get(unit.forvaltning)
        if pool and rng.random() < 0.10:
            person = pool.pop(rng.randrange(len(pool)))
        if person is None:
            age = round(rng.triangular(18, 66, 22))
            person = self.new_person(age, self.gender_for(occupation, year), year, start)
        pay = rng.uniform(0.96, 1.08)
        self.new_employment(person, unit, occupation, start, "Timanställning", None, pay)

    def part_timers(self) -> dict[str, list[Person]]:
        """Förvaltning -> persons whose only employment there is a monthly-paid part time."""
        pools: dict[str, list[Person]] = {}
        for person, jobs in self.jobs_by_person().items():
            job = jobs[0]
            if len(jobs) == 1 and not job.hourly and not job.is_manager and job.rate < 100:
                pools.setdefault(job.unit.forvaltning, []).append(person)
        return pools

    def substitutes(self) -> dict[str, list[Person]]:
        """Occupation -> persons who only have hourly-paid employments, in that occupation."""
        pools: dict[str, list[Person]] = {}
        for person, jobs in self.jobs_by_person().items():
            if all(e.hourly for e in jobs):
                pools.setdefault(jobs[0].occupation, []).append(person)
        return pools

    # The yearly cycle

    def seed(self) -> None:
        """The workforce on the first snapshot date."""
        self.fill_units(FIRST_YEAR, seeding=True)
        part_timers = self.part_timers()
        for _ in range(HOURLY_EMPLOYMENTS[FIRST_YEAR]):
            self.hire_hourly(FIRST_YEAR, True, part_timers)

    def advance(self, year: int) -> None:
        """From the previous November to this one."""
        self.pay_review(year)
        self.leavers(year)
        self.temporary_contracts()
        self.internal_moves(year)
        self.heltid_som_norm(year)
        self.fill_units(year, seeding=False)
        self.hourly_turnover(year)

    def pay_review(self, year: int) -> None:
        for e in self.employments:
            e.pay *= 1 + self.rng.gauss(0.004, 0.015)  # individual pay on top of the level

    def leavers(self, year: int) -> None:
        """Retirements and resignations: a leaver ends all of their employments."""
        rng = self.rng
        on = snapshot_date(year)
        leaving: set[int] = set()
        for person, jobs in self.jobs_by_person().items():
            age = age_on(person.birth, on)
            monthly = [e for e in jobs if not e.hourly]
            if age >= 67 or rng.random() < RETIREMENT.get(age, 0.0):
                leaving.add(id(person))
            elif not monthly:
                if rng.random() < 0.30:
                    leaving.add(id(person))
            else:
                main = max(monthly, key=lambda e: e.rate or 0)
                risk = min(0.35, RESIGNATION * (1.8 if age < 30 else 0.6 if age >= 50 else 1.0)
                           * HIGH_TURNOVER.get(main.occupation, 1.0))
                if rng.random() < risk:
                    leaving.add(id(person))
                elif len(jobs) > len(monthly) and rng.random() < 0.3:
                    self.employments = [e for e in self.employments
                                        if not (e.person is person and e.hourly)]
        self.employments = [e for e in self.employments if id(e.person) not in leaving]

    def temporary_contracts(self) -> None:
        """Fixed-term contracts end, or turn into permanent ones."""
        kept = []
        for e in self.employments:
            if e.form in TEMPORARY_FORMS:
                draw = self.rng.random()
                if draw < 0.25:
                    continue
                if draw < 0.50:
                    e.form = "Tillsvidareanställning"
            kept.append(e)
        self.employments = kept

    def internal_moves(self, year: int) -> None:
        """A few employees move to a sister unit; the move is a new employment."""
        rng = self.rng
        movers = [e for e in self.employments
                  if not e.hourly and not e.is_manager and rng.random() < 0.025]
        for e in movers:
            sisters = [u for u in self.units if u.mix == e.unit.mix and u is not e.unit]
            if not sisters or e not in self.employments:
                continue
            self.employments.remove(e)
            self.new_employment(e.person, rng.choice(sisters), e.occupation,
                                self.start_within_year(year), e.form, e.rate, e.pay)

    def heltid_som_norm(self, year: int) -> None:
        """Part-timers go full time; a second job is merged into the first."""
        rng = self.rng
        merged: set[int] = set()
        for jobs in self.jobs_by_person().values():
            monthly = [e for e in jobs if not e.hourly]
            if not monthly:
                continue
            main = max(monthly, key=lambda e: e.rate or 0)
            if sum(e.rate or 0 for e in monthly) < 100:
                if rng.random() < FULL_TIME_CONVERSION[year]:
                    main.rate = 100
                    merged.update(id(e) for e in monthly if e is not main)
            elif len(monthly) == 1 and not main.is_manager and rng.random() < 0.015:
                main.rate = rng.choice((75, 80, 90))  # asks for part time
        self.employments = [e for e in self.employments if id(e) not in merged]

    def fill_units(self, year: int, seeding: bool) -> None:
        """Fill vacant manager posts, then hire staff up to each unit's size."""
        rng = self.rng
        growth = 1 + STAFF_GROWTH * (year - LEVEL_YEAR)
        by_unit: dict[str, list[Employment]] = {u.name: [] for u in self.units}
        for e in self.employments:
            if not e.hourly:
                by_unit[e.unit.name].append(e)
        self.preschool_staff = [e.person.gender for e in self.employments
                                if e.occupation in PRESCHOOL_STAFF and not e.hourly]
        substitutes = self.substitutes()
        jobs = self.jobs_by_person()
        for unit in self.units:
            mix = STAFF_MIXES[unit.mix]
            in_unit = by_unit[unit.name]
            managers = sum(e.is_manager for e in in_unit)
            wanted = 2 if unit.size >= TWO_MANAGERS_FROM else 1
            for _ in range(wanted - managers):
                self.appoint_manager(unit, mix.manager, year, seeding, jobs)
            staff = [e.occupation for e in in_unit if not e.is_manager]
            for _ in range(round(unit.size * growth) - len(staff)):
                if not seeding and rng.random() > 0.93:  # a few posts stay vacant over November
                    continue
                occupation = self.occupation_to_fill(mix, staff)
                staff.append(occupation)
                person = None
                pool = substitutes.get(occupation)
                if pool and rng.random() < 0.12:  # an hourly-paid substitute gets the post
                    person = pool.pop(rng.randrange(len(pool)))
                    self.employments = [e for e in self.employments if e.person is not person]
                self.hire(unit, occupation, year, seeding=seeding, person=person)

    def occupation_to_fill(self, mix: StaffMix, staff: list[str]) -> str:
        """The occupation of the next hire: drawn by how far each is below its weight."""
        occupations, weights = zip(*mix.staff, strict=True)
        n = len(staff) + 1
        gaps = [max(0.0, w * n - staff.count(o)) for o, w in mix.staff]
        return self.rng.choices(occupations, gaps if sum(gaps) > 0 else weights)[0]

    def appoint_manager(self, unit: Unit, occupation: str, year: int, seeding: bool,
                        jobs: dict[Person, list[Employment]]) -> None:
        """A new manager: promoted from the förvaltning's permanent staff, or hired.

        The appointee's gender is drawn first, from the post's usual share of women nudged
        towards MANAGER_WOMEN, so the share of women among managers stays plausible."""
        rng = self.rng
        managers = [e.person.gender for e in self.employments if e.is_manager]
        share = managers.count("K") / len(managers) if managers else MANAGER_WOMEN
        p_woman = nudged(OCCUPATIONS[occupation].women, MANAGER_WOMEN, share,
                         gain=4.0 if seeding else 3.0)
        gender = "K" if rng.random() < p_woman else "M"
        if not seeding and rng.random() < 0.35:
            on = snapshot_date(year)
            candidates = [e for e in self.employments
                          if e.unit.forvaltning == unit.forvaltning and not e.hourly
                          and not e.is_manager and e.form == "Tillsvidareanställning"
                          and e.person.gender == gender
                          and 32 <= age_on(e.person.birth, on) <= 60
                          and len(jobs.get(e.person, ())) == 1]
            if candidates:
                old = rng.choice(candidates)
                self.employments.remove(old)
                self.hire(unit, occupation, year, manager=True, person=old.person)
                return
        self.hire(unit, occupation, year, manager=True, seeding=seeding, gender=gender)

    def hourly_turnover(self, year: int) -> None:
        """Hourly-paid employments come and go; the total follows HOURLY_EMPLOYMENTS."""
        hourly = [e for e in self.employments if e.hourly]
        surplus = len(hourly) - HOURLY_EMPLOYMENTS[year]
        if surplus > 0:
            ending = {id(e) for e in self.rng.sample(hourly, surplus)}
            self.employments = [e for e in self.employments if id(e) not in ending]
        part_timers = self.part_timers()
        for _ in range(-surplus):
            self.hire_hourly(year, False, part_timers)

    def jobs_by_person(self) -> dict[Person, list[Employment]]:
        jobs: dict[Person, list[Employment]] = {}
        for e in self.employments:
            jobs.setdefault(e.person, []).append(e)
        return jobs

    # What the extracts show

    def employment_frame(self, year: int) -> pl.DataFrame:
        """The November employment extract, one row per employment."""
        on = snapshot_date(year)
        managers = self.manager_links()
        unit_order = {u.name: i for i, u in enumerate(self.units)}
        rows = []
        for e in sorted(self.employments, key=lambda e: (unit_order[e.unit.name], e.number)):
            occupation = OCCUPATIONS[e.occupation]
            if e.hourly:
                wage = round(HOURLY_WAGE * pay_index(year) * e.pay, 2)
                rate = actual = salary = None
                hours = self.hours_in_november()
            else:
                wage = hours = None
                rate = e.rate
                actual = self.actual_rate(e, on)
                salary = round(pay_level(e.occupation, year) * e.pay)
            rows.append((
                on, e.person.pnr, e.number, e.unit.forvaltning, e.unit.name, occupation.title,
                occupation.ssyk, e.form, "Timlön" if e.hourly else "Månadslön", rate, actual,
                salary, wage, hours, "Ja" if e.is_manager else None, managers.get(e.number),
                e.start, e.person.first_day,
            ))
        return pl.DataFrame(rows, schema=EMPLOYMENT_SCHEMA, orient="row")

    def manager_links(self) -> dict[str, str]:
        """Employment number -> the closest manager's employment number.

        Staff report to their unit's manager (split between two where there are two), unit
        managers to the head of their förvaltning; the heads report to no one in the extract.
        """
        heads: dict[str, Employment] = {}
        by_unit: dict[str, list[Employment]] = {}
        for e in self.employments:
            if e.is_manager:
                by_unit.setdefault(e.unit.name, []).append(e)
                if e.unit.is_office:
                    heads[e.unit.forvaltning] = e
        links = {}
        for e in self.employments:
            head = heads.get(e.unit.forvaltning)
            if e.is_manager:
                if head is not None and e is not head:
                    links[e.number] = head.number
                continue
            bosses = by_unit.get(e.unit.name) or ([head] if head else [])
            if bosses:
                links[e.number] = bosses[int(e.number[1:]) % len(bosses)].number
        return links

    def actual_rate(self, e: Employment, on: dt.date) -> int:
        """The contracted rate less partial leave (parental leave, leave of absence)."""
        assert e.rate is not None
        draw = self.rng.random()
        if e.is_manager:
            return e.rate
        young = age_on(e.person.birth, on) < 42
        if young and draw < 0.07:
            return round(e.rate * self.rng.choice((0.75, 0.8, 0.5)))
        if draw < 0.085:
            return max(0, e.rate - self.rng.choice((25, 50)))
        if draw < 0.09:
            return 0
        return e.rate

    def hours_in_november(self) -> float:
        rng = self.rng
        if rng.random() < ZERO_HOURS_SHARE:
            return 0.0
        profile = rng.random()
        if profile < 0.55:
            hours = rng.uniform(3, 40)
        elif profile < 0.90:
            hours = rng.uniform(40, 110)
        else:
            hours = rng.uniform(110, 160)
        return round(hours * 2) / 2

    def absence_rows(self, year: int) -> list[tuple]:
        """Sick leave in the calendar year of the monthly-paid persons employed in November."""
        rng = self.rng
        on = snapshot_date(year)
        year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        short_factor, long_factor = SICK_YEAR[year]
        rows = []
        for person, jobs in self.jobs_by_person().items():
            monthly = [e for e in jobs if not e.hourly]
            if not monthly:
                continue
            main = max(monthly, key=lambda e: e.rate or 0)
            rate = min(100, sum(e.rate or 0 for e in monthly))
            employed = (year_end - max(person.first_day, year_start)).days + 1
            ordinary = round(ORDINARY_HOURS * rate / 100 * min(1.0, employed / 365), 1)
            risk = (SICK_FORVALTNING[main.unit.forvaltning]
                    * (1.15 if person.gender == "K" else 0.75)
                    * (1.15 if age_on(person.birth, on) >= 50 else 1.0))
            short = 0.0
            if rng.random() > SICK_NONE_SHARE:
                short = min(0.3, rng.expovariate(1 / (SICK_SHORT_MEAN * risk * short_factor)))
            long = 0.0
            if rng.random() < SICK_LONG_RISK * risk * long_factor:
                long = rng.uniform(0.16, 1.0)
            sick = round(ordinary * min(1.0, short + long), 1)
            sick_long = min(sick, round(ordinary * long, 1))
            rows.append((year, person.pnr, main.unit.forvaltning, ordinary, sick, sick_long))
        return rows

    def hme_rows(self, year: int) -> list[tuple]:
        """The HME survey per unit: invited = the unit's monthly-paid persons."""
        rng = self.rng
        invited: dict[str, set[int]] = {u.name: set() for u in self.units}
        for e in self.employments:
            if not e.hourly:
                invited[e.unit.name].add(id(e.person))
        rows = []
        for unit in self.units:
            n_invited = len(invited[unit.name])
            n_answers = min(n_invited, max(1, round(n_invited * rng.uniform(0.70, 0.90))))
            noise = 1.0 + 4.0 / math.sqrt(n_answers)
            level = HME_YEAR[year] + self.hme_level[unit.name]
            values = [round(min(100.0, max(0.0, level + offset + rng.gauss(0, noise))), 1)
                      for _, offset in HME_OFFSETS]
            total = round(sum(values) / 3, 1)
            rows.append((year, unit.name, unit.forvaltning, *values, total, n_answers,
                         n_invited))
        return rows


# --- issue 13: education, career steps, development, key positions, training, crisis -------
# A second random.Random, seeded from the demo seed, draws everything of this section, after
# the main simulation has drawn a year's extract: the columns the demo had before keep their
# values (the career steps' pay step excepted, added to a holder's salary).

TRAINING_FILE = f"exempelkommun_utbildningar_{FIRST_YEAR - 1}-{LAST_YEAR}.csv"
"""The courses of the 12 months before each snapshot: from November 2014."""
CRISIS_FIRST_YEAR = 2023
"""The year crisis placement (the "Lerumsmodellen") starts."""
CRISIS_FILE = f"exempelkommun_krisplaceringar_{CRISIS_FIRST_YEAR}-{LAST_YEAR}.csv"
TRAINING_SCHEMA: dict[str, type[pl.DataType]] = {
    "Personnummer": pl.String, "Kurs": pl.String, "Kursdatum": pl.Date}
CRISIS_SCHEMA: dict[str, type[pl.DataType]] = {
    "Personnummer": pl.String, "Mottagande enhet": pl.String, "Kärnverksamhet": pl.String,
    "Vecka": pl.String}
DEVELOPMENT_SCHEMA: dict[str, type[pl.DataType]] = {
    "Utbildningsnivå": pl.String,
    "Karriärsteg": pl.String,
    "Utvecklingsplan upprättad": pl.Date,
    "Senaste medarbetarsamtal": pl.Date,
    "Nyckelbefattning": pl.String,
    "Efterträdare utsedd": pl.String,
}
"""The optional columns of issue 13, after the employment extract's others; a file whose
column has no value at all (the development plans before 2019) is written without it."""

EDUCATION_LEVELS = ("Förgymnasial", "Gymnasial", "Eftergymnasial kortare än 3 år",
                    "Eftergymnasial 3 år eller längre")
EDUCATION_MIXES: dict[str, tuple[float, float, float, float]] = {
    "long": (0.0, 0.03, 0.07, 0.90),
    "manager": (0.0, 0.05, 0.15, 0.80),
    "specialist": (0.0, 0.10, 0.30, 0.60),
    "admin": (0.03, 0.42, 0.35, 0.20),
    "care": (0.05, 0.80, 0.12, 0.03),
    "assistant": (0.15, 0.70, 0.11, 0.04),
    "trade": (0.08, 0.72, 0.17, 0.03),
    "service": (0.30, 0.64, 0.05, 0.01),
}
"""Probabilities of the four levels (lowest first) by kind of occupation."""
EDUCATION_KIND = {
    **dict.fromkeys(("forskollarare", "grundskollarare", "amneslarare", "speciallarare",
                     "studievagledare", "skolskoterska", "kurator", "psykolog",
                     "sjukskoterska", "arbetsterapeut", "fysioterapeut", "socialsekreterare",
                     "verksamhetsutvecklare", "utredare", "ekonom", "hr_specialist",
                     "systemforvaltare", "planarkitekt", "miljoinspektor", "ingenjor",
                     "bibliotekarie", "fritidspedagog", "kulturskolelarare", "arkivarie",
                     "kommunikator"), "long"),
    **dict.fromkeys(("bistandshandlaggare", "familjebehandlare", "handlaggare",
                     "arbetskonsulent", "bygglovshandlaggare", "byggnadsinspektor",
                     "gis_ingenjor", "it_tekniker", "namndsekreterare", "lararvikarie"),
                    "specialist"),
    **dict.fromkeys(("administrator", "loneadministrator", "kommunvagledare",
                     "biblioteksassistent"), "admin"),
    **dict.fromkeys(("barnskotare", "underskoterska", "stodassistent"), "care"),
    **dict.fromkeys(("vardbitrade", "personlig_assistent", "elevassistent",
                     "behandlingsassistent", "fritidsledare"), "assistant"),
    **dict.fromkeys(("kock", "fastighetsskotare", "drifttekniker", "va_tekniker",
                     "badmastare"), "trade"),
    **dict.fromkeys(("lokalvardare", "maltidsbitrade", "parkarbetare"), "service"),
}
"""Occupation -> its kind in EDUCATION_MIXES; managers (SSYK major group 1) are "manager"."""
EDUCATION_UNKNOWN = 0.015
"""Share of persons whose education level the payroll system lacks (blank)."""


class CareerStep(NamedTuple):
    name: str
    pay_step: int
    """Added to the full-time monthly salary, kr."""
    share_first: float
    share_last: float
    """Share of the base occupation's monthly-paid staff on the step, first and last year."""


CAREER_STEPS: dict[str, CareerStep] = {
    "grundskollarare": CareerStep("Förstelärare", 5_000, 0.10, 0.13),
    "amneslarare": CareerStep("Förstelärare", 5_000, 0.10, 0.13),
    "underskoterska": CareerStep("Specialistundersköterska", 3_000, 0.02, 0.06),
    "socialsekreterare": CareerStep("Specialistsocionom", 4_000, 0.05, 0.09),
}
"""Base occupation -> its career step."""

PLAN_FIRST_YEAR = 2019
PLAN_SHARE = {2019: 0.55, 2020: 0.60, 2021: 0.66, 2022: 0.72, 2023: 0.77, 2024: 0.81,
              2025: 0.85}
"""Chance that a permanent monthly-paid person's development plan is drawn up or updated in
the 12 months before the snapshot (half of it for a fixed-term one); recorded from 2019."""
DIALOGUE_SHARE = {year: 0.80 + 0.008 * (year - FIRST_YEAR) for year in SNAPSHOT_YEARS}
"""Chance of a medarbetarsamtal in the 12 months before the snapshot (monthly-paid)."""
KEY_POSITION_CHANCE = {
    "kommundirektor": 1.0, "forvaltningschef": 1.0, "avdelningschef": 0.9,
    "avdelningschef_teknik": 0.9, "rektor": 0.5, "forskolechef": 0.3,
    "enhetschef_aldre": 0.3, "enhetschef_halsa": 0.5, "enhetschef_social": 0.4,
    "enhetschef_kultur": 0.3, "systemforvaltare": 0.4, "drifttekniker": 0.25,
    "va_tekniker": 0.15, "psykolog": 0.25, "loneadministrator": 0.25, "planarkitekt": 0.25,
    "bygglovshandlaggare": 0.15, "ekonom": 0.1, "it_tekniker": 0.1, "skolskoterska": 0.15,
    "sjukskoterska": 0.05, "miljoinspektor": 0.1, "ingenjor": 0.12, "hr_specialist": 0.08,
    "socialsekreterare": 0.02, "speciallarare": 0.03,
}
"""Chance that a monthly-paid employment in the occupation is a mapped key position."""
SUCCESSOR_SHARE = {year: 0.35 + 0.025 * (year - FIRST_YEAR) for year in SNAPSHOT_YEARS}
SUCCESSOR_KEPT = 0.9
"""Chance that a key position's named successor is still named a year later."""

LICENSED_COURSES = {
    **dict.fromkeys(("sjukskoterska", "skolskoterska"), "Fortbildning för sjuksköterskor"),
    **dict.fromkeys(("grundskollarare", "amneslarare", "speciallarare"),
                    "Fortbildning för lärare"),
    "forskollarare": "Fortbildning för förskollärare",
    "socialsekreterare": "Fortbildning för socialsekreterare",
}
"""The licensed professions' yearly course (the fortbildningsgaranti)."""
LICENSED_SHARE = {year: 0.50 + 0.03 * (year - FIRST_YEAR) for year in SNAPSHOT_YEARS}
"""Chance of a licensed professional taking the course in the 12 months before a snapshot."""
RESIDENT_COURSES = ("HBTQ-diplomering", "Hedersrelaterat våld och förtryck")
RESIDENT_FACING = (
    "forskollarare", "barnskotare", "grundskollarare", "fritidspedagog", "amneslarare",
    "speciallarare", "studievagledare", "elevassistent", "skolskoterska", "kurator", "psykolog",
    "underskoterska", "vardbitrade", "sjukskoterska", "arbetsterapeut", "fysioterapeut",
    "stodassistent", "personlig_assistent", "bistandshandlaggare", "socialsekreterare",
    "familjebehandlare", "behandlingsassistent", "handlaggare", "arbetskonsulent",
    "fritidsledare", "bibliotekarie", "kulturskolelarare", "kommunvagledare",
)
"""Occupations that meet residents: the target group of RESIDENT_COURSES."""
RESIDENT_SHARE = {2017: 0.06, 2018: 0.10, 2019: 0.12, 2020: 0.08, 2021: 0.14, 2022: 0.18,
                  2023: 0.22, 2024: 0.26, 2025: 0.30}
"""Chance that resident-facing staff without one in the last 36 months take such a course."""
OTHER_COURSES = (("Brandskydd grundkurs", 0.04), ("HLR", 0.05))
"""Courses outside the programmes, taken by anyone with this yearly chance."""
MANAGER_COURSE = ("Arbetsmiljö för chefer", 0.3)

ADMINISTRATIVE = (
    "administrator", "verksamhetsutvecklare", "utredare", "ekonom", "hr_specialist",
    "loneadministrator", "it_tekniker", "systemforvaltare", "kommunikator",
    "namndsekreterare", "arkivarie", "kommunvagledare", "kommundirektor", "forvaltningschef",
    "avdelningschef",
)
"""Administrative staff, managers of administration included: the crisis placement's
population (SSYK 4112, 4119, 4222, 3343, 3512, 2411, 2421-2423, 2432, 2511, 2621, 1112,
1212)."""
CRISIS_SHARE = {2023: 0.21, 2024: 0.45, 2025: 0.70}
"""Share of administrative staff with a placement on the snapshot date."""
CRISIS_SERVE = {2023: 0.50, 2024: 0.75, 2025: 0.90}
"""Chance that a placed person serves in a term."""
CRISIS_TWO_WEEKS = {2023: 0.05, 2024: 0.15, 2025: 0.30}
"""Chance that one who serves in a term serves two weeks."""
CRISIS_FIRST_TERM = 0.95
"""Chance that a person placed in the year serves a week in its autumn term."""
CORE_SERVICES = (("Skola", ("forskola", "skola", "gymnasium"), 0.50),
                 ("Vård och omsorg", ("hemtjanst", "sabo", "lss"), 0.45),
                 ("Annan", ("kost", "lokalvard"), 0.05))
"""Kärnverksamhet, the staff mixes of its receiving units, and its share of placements."""
TERM_WEEKS = {"VT": range(3, 24), "HT": range(34, 44)}
"""The ISO weeks of the spring term and of the autumn term up to the November snapshot."""

OCCUPATION_KEYS = {(o.title, o.ssyk): key for key, o in OCCUPATIONS.items()}


class Development:
    """The issue-13 columns of each year's extract, and the training and crisis placement
    rows, drawn from their own random.Random year by year: a person keeps their education
    level, a holder keeps their career step in the occupation, plans and dialogues keep their
    date until the next one, a key position keeps its flag and mostly its successor."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:issue13")
        self.education: dict[str, str | None] = {}
        self.steps: set[tuple[str, str]] = set()
        """(personnummer, occupation) on the occupation's career step."""
        self.plan: dict[str, dt.date] = {}
        self.dialogue: dict[str, dt.date] = {}
        self.key: dict[str, bool] = {}
        """Employment number -> key position."""
        self.successor: dict[str, bool] = {}
        self.resident_course: dict[str, dt.date] = {}
        """Personnummer -> date of the latest HBTQ or honour-violence course."""
        self.placement: dict[str, tuple[str, str, int]] = {}
        """Personnummer -> (receiving unit, core service, year placed)."""
        self.served: set[str] = set()
        units: dict[str, list[str]] = {}
        for unit in all_units():
            units.setdefault(unit.mix, []).append(unit.name)
        self.receiving = [(service, [u for mix in mixes for u in units.get(mix, [])], weight)
                          for service, mixes, weight in CORE_SERVICES]

    def date_within(self, year: int, earliest: dt.date, days: int = 364) -> dt.date:
        """A day in the `days` before the snapshot, not before `earliest`."""
        on = snapshot_date(year)
        low = max(earliest, on - dt.timedelta(days=days))
        return low + dt.timedelta(days=self.rng.randint(0, max(0, (on - low).days)))

    def columns(self, year: int, frame: pl.DataFrame) -> pl.DataFrame:
        """The extract with the issue-13 columns, and career-step holders' pay step added."""
        rows = frame.select("Personnummer", "Anställningsnummer", "Befattning", "SSYK",
                            "Anställningsform", "Löneform", "Anställningsdatum",
                            "Första anställningsdag", "Månadslön (heltid)").rows()
        occupations = [OCCUPATION_KEYS[(title, ssyk)] for _, _, title, ssyk, *_ in rows]
        monthly = [r[5] == "Månadslön" for r in rows]
        self.draw_education(rows, occupations)
        self.draw_steps(year, rows, occupations, monthly)
        self.draw_dates(year, rows, monthly)
        self.draw_keys(year, rows, occupations, monthly)
        new = {name: [] for name in DEVELOPMENT_SCHEMA}
        salary = []
        for (pnr, number, *_, pay), occupation, paid_monthly in zip(rows, occupations, monthly,
                                                                   strict=True):
            step = (CAREER_STEPS[occupation] if paid_monthly and (pnr, occupation) in self.steps
                    else None)
            new["Utbildningsnivå"].append(self.education[pnr])
            new["Karriärsteg"].append(step.name if step else None)
            salary.append(pay + step.pay_step if step else pay)
            plan = self.plan.get(pnr) if paid_monthly and year >= PLAN_FIRST_YEAR else None
            new["Utvecklingsplan upprättad"].append(plan)
            new["Senaste medarbetarsamtal"].append(self.dialogue.get(pnr) if paid_monthly
                                                   else None)
            key = self.key.get(number, False)
            new["Nyckelbefattning"].append("Ja" if key else None)
            new["Efterträdare utsedd"].append(
                ("Ja" if self.successor.get(number) else "Nej") if key else None)
        return frame.with_columns(
            pl.Series("Månadslön (heltid)", salary, dtype=pl.Int64),
            *(pl.Series(name, values, dtype=DEVELOPMENT_SCHEMA[name])
              for name, values in new.items()))

    def draw_education(self, rows: list[tuple], occupations: list[str]) -> None:
        rng = self.rng
        for (pnr, *_), occupation in zip(rows, occupations, strict=True):
            if pnr in self.education:
                continue
            kind = ("manager" if OCCUPATIONS[occupation].ssyk.startswith("1")
                    else EDUCATION_KIND[occupation])
            self.education[pnr] = (None if rng.random() < EDUCATION_UNKNOWN else
                                   rng.choices(EDUCATION_LEVELS, EDUCATION_MIXES[kind])[0])

    def draw_steps(self, year: int, rows: list[tuple], occupations: list[str],
                   monthly: list[bool]) -> None:
        """Appoint career-step holders among permanent staff of more than two years until each
        base occupation has its year's share; no one is demoted."""
        rng = self.rng
        on = snapshot_date(year)
        present = {(r[0], o) for r, o, m in zip(rows, occupations, monthly, strict=True) if m}
        self.steps &= present
        progress = (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)
        for occupation, step in CAREER_STEPS.items():
            staff = {r[0]: r for r, o, m in zip(rows, occupations, monthly, strict=True)
                     if m and o == occupation}
            share = step.share_first + (step.share_last - step.share_first) * progress
            missing = round(share * len(staff)) - sum((p, occupation) in self.steps
                                                      for p in staff)
            eligible = [r for p, r in staff.items() if (p, occupation) not in self.steps
                        and r[4] == "Tillsvidareanställning" and (on - r[7]).days > 2 * 365]
            if missing <= 0 or not eligible:
                continue
            chosen = rng.sample(eligible, min(missing, len(eligible)))
            self.steps.update((r[0], occupation) for r in chosen)

    def draw_dates(self, year: int, rows: list[tuple], monthly: list[bool]) -> None:
        """Each monthly-paid person's development plan and medarbetarsamtal: a new date in
        the last 12 months with the year's chance, else the earlier date is kept."""
        rng = self.rng
        persons: dict[str, tuple] = {}
        for row, paid_monthly in zip(rows, monthly, strict=True):
            if paid_monthly and (row[0] not in persons
                                 or row[4] == "Tillsvidareanställning"):
                persons[row[0]] = row
        for pnr, row in persons.items():
            start = row[6]
            permanent = row[4] == "Tillsvidareanställning"
            if year >= PLAN_FIRST_YEAR and rng.random() < (
                    PLAN_SHARE[year] * (1.0 if permanent else 0.5)):
                self.plan[pnr] = self.date_within(year, start)
            if rng.random() < DIALOGUE_SHARE[year]:
                self.dialogue[pnr] = self.date_within(year, start)
            elif year == FIRST_YEAR and (snapshot_date(year) - row[7]).days > 2 * 365:
                self.dialogue[pnr] = snapshot_date(year) - dt.timedelta(
                    days=rng.randint(380, 720))

    def draw_keys(self, year: int, rows: list[tuple], occupations: list[str],
                  monthly: list[bool]) -> None:
        """Key positions, decided when an employment first appears, and their successors."""
        rng = self.rng
        for (_, number, *_), occupation, paid_monthly in zip(rows, occupations, monthly,
                                                            strict=True):
            if number not in self.key:
                self.key[number] = paid_monthly and rng.random() < KEY_POSITION_CHANCE.get(
                    occupation, 0.0)
        # a successor stays named with SUCCESSOR_KEPT; new ones bring the year's share
        keys = sorted({number for _, number, *_ in rows if self.key.get(number)})
        for number in keys:
            self.successor[number] = (self.successor.get(number, False)
                                      and rng.random() < SUCCESSOR_KEPT)
        without = [number for number in keys if not self.successor[number]]
        missing = round(SUCCESSOR_SHARE[year] * len(keys)) - (len(keys) - len(without))
        for number in rng.sample(without, max(0, min(missing, len(without)))):
            self.successor[number] = True

    def training_rows(self, year: int, frame: pl.DataFrame) -> list[tuple]:
        """The courses taken in the 12 months before the snapshot by its monthly-paid staff."""
        rng = self.rng
        on = snapshot_date(year)
        rows = []
        persons: dict[str, tuple[str, dt.date, bool]] = {}
        for pnr, title, ssyk, pay_form, start in frame.select(
                "Personnummer", "Befattning", "SSYK", "Löneform", "Anställningsdatum").rows():
            if pay_form == "Månadslön" and pnr not in persons:
                persons[pnr] = (OCCUPATION_KEYS[(title, ssyk)], start, ssyk.startswith("1"))
        for pnr, (occupation, start, manager) in persons.items():
            course = LICENSED_COURSES.get(occupation)
            if course and rng.random() < LICENSED_SHARE[year]:
                for _ in range(2 if rng.random() < 0.1 else 1):
                    rows.append((pnr, course, self.date_within(year, start)))
            latest = self.resident_course.get(pnr)
            if (occupation in RESIDENT_FACING and year in RESIDENT_SHARE
                    and (latest is None or (on - latest).days > 3 * 365)
                    and rng.random() < RESIDENT_SHARE[year]):
                taken = rng.sample(RESIDENT_COURSES, 2 if rng.random() < 0.15 else 1)
                for name in taken:
                    day = self.date_within(year, start)
                    rows.append((pnr, name, day))
                    self.resident_course[pnr] = max(day, self.resident_course.get(pnr, day))
            courses = (*OTHER_COURSES, MANAGER_COURSE) if manager else OTHER_COURSES
            for name, chance in courses:
                if rng.random() < chance:
                    rows.append((pnr, name, self.date_within(year, start)))
        return sorted(set(rows))  # one row per person, course and date

    def crisis_rows(self, year: int, frame: pl.DataFrame) -> list[tuple]:
        """Placements of administrative staff up to the year's share, and the weeks served in
        the year's terms by those placed: most of those placed in the year serve in its
        autumn term, the others in each term with the year's chance."""
        if year < CRISIS_FIRST_YEAR:
            return []
        rng = self.rng
        staff = sorted({pnr for pnr, title, ssyk, pay_form in frame.select(
            "Personnummer", "Befattning", "SSYK", "Löneform").rows()
            if pay_form == "Månadslön" and OCCUPATION_KEYS[(title, ssyk)] in ADMINISTRATIVE})
        placed = [p for p in staff if p in self.placement]
        unplaced = [p for p in staff if p not in self.placement]
        missing = round(CRISIS_SHARE[year] * len(staff)) - len(placed)
        for pnr in rng.sample(unplaced, max(0, min(missing, len(unplaced)))):
            service, units, _ = rng.choices(self.receiving,
                                            [w for *_, w in self.receiving])[0]
            self.placement[pnr] = (rng.choice(units), service, year)
        rows = []
        for pnr in staff:
            if pnr not in self.placement:
                continue
            unit, service, since = self.placement[pnr]
            for term, weeks in TERM_WEEKS.items():
                chance = CRISIS_FIRST_TERM if since == year else CRISIS_SERVE[year]
                if term == "VT" and since == year or rng.random() >= chance:
                    continue
                served = rng.sample(weeks, 2 if rng.random() < CRISIS_TWO_WEEKS[year] else 1)
                for week in sorted(served):
                    rows.append((pnr, unit, service, f"{year}-W{week:02d}"))
                    self.served.add(pnr)
        return rows

    def waiting_rows(self) -> list[tuple]:
        """A row without a week for each placed person who has not served one yet."""
        return [(pnr, unit, service, None) for pnr, (unit, service, _)
                in sorted(self.placement.items()) if pnr not in self.served]


def simulate(seed: int = DEMO_SEED) -> list[Snapshot]:
    """Every snapshot year's employment extract (with the issue-13 columns), sick-leave,
    HME, training and crisis placement rows."""
    town = Exempelkommun(seed)
    development = Development(seed)
    snapshots = []
    for year in SNAPSHOT_YEARS:
        if year == FIRST_YEAR:
            town.seed()
        else:
            town.advance(year)
        employment = development.columns(year, town.employment_frame(year))
        snapshots.append(Snapshot(year, employment, town.absence_rows(year),
                                  town.hme_rows(year),
                                  development.training_rows(year, employment),
                                  development.crisis_rows(year, employment)))
    snapshots[-1].crisis += development.waiting_rows()
    return snapshots


def months_between(year: int) -> list[dt.date]:
    """The first days of December of the year before to October of `year`."""
    return [dt.date(year - 1, 12, 1), *(dt.date(year, month, 1) for month in range(1, 11))]


def monthly_extracts(snapshots: list[Snapshot], seed: int = DEMO_SEED
                     ) -> list[tuple[dt.date, pl.DataFrame]]:
    """Every month's employment extract from the first November to the last, filled in
    between two Novembers, which stay exactly as the yearly demo has them: an employment
    held in both Novembers is there every month, with the earlier November's pay and rate
    until the pay review in April and the later one's after it; an employment that ended
    is there until a month drawn for it; a new one from its start date. Hourly-paid staff
    work more hours in the summer and at Christmas."""
    extracts = [(snapshot_date(snapshots[0].year), snapshots[0].employment)]
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        rng = random.Random(seed + after.year)
        first, last = before.employment, after.employment
        number = "Anställningsnummer"
        ended = first.filter(~pl.col(number).is_in(last[number].implode()))
        last_day = {n: rng.choice(months_between(after.year)) for n in ended[number].to_list()}
        started = last.filter(~pl.col(number).is_in(first[number].implode()))
        # A person who moves to a new employment leaves the old one the day before.
        moved = started.group_by("Personnummer").agg(
            (pl.col("Anställningsdatum").min() - dt.timedelta(days=1)).alias("_moved"))
        ended = ended.join(moved, on="Personnummer", how="left").with_columns(
            pl.min_horizontal(pl.col(number).replace_strict(last_day, return_dtype=pl.Date),
                              "_moved").alias("_last")).drop("_moved")
        for day in months_between(after.year):
            held = first if day.month < PAY_REVIEW_MONTH or day.year < after.year else last
            rows = pl.concat([
                held.filter(pl.col(number).is_in(last[number].implode())
                            & pl.col(number).is_in(first[number].implode())),
                ended.filter(pl.col("_last") >= day).drop("_last"),
                started.filter(pl.col("Anställningsdatum") <= day),
            ])
            factor = [SEASON.get(day.month, 1.0) * rng.uniform(0.7, 1.3)
                      for _ in range(rows.height)]
            extracts.append((day, rows.with_columns(
                pl.lit(day).alias("Mätdatum"),
                (pl.col("Arbetade timmar") * pl.Series(factor)).round(1).alias("Arbetade timmar"),
            ).pipe(dated_by, first, day).sort("Förvaltning", "Enhet", number)))
        extracts.append((snapshot_date(after.year), last))
    return extracts


def dated_by(rows: pl.DataFrame, earlier: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """A month's rows without a development plan or medarbetarsamtal dated after the month's
    day (taken from the later November): the earlier November's date is kept instead."""
    dates = [c for c in ("Utvecklingsplan upprättad", "Senaste medarbetarsamtal")
             if c in rows.columns]
    before = earlier.select("Anställningsnummer",
                            *(pl.col(c).alias(f"_{c}") for c in dates))
    return rows.join(before, on="Anställningsnummer", how="left", maintain_order="left"
                     ).with_columns(
        pl.when(pl.col(c) <= day).then(pl.col(c)).otherwise(pl.col(f"_{c}")).alias(c)
        for c in dates).drop(f"_{c}" for c in dates)


# --- writing the files ---------------------------------------------------------------------

def write_xlsx(frame: pl.DataFrame, path: Path, sheet: str,
               column_formats: dict[str, str] | None = None) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(path, options) as workbook:
        frame.write_excel(workbook=workbook, worksheet=sheet,
                          dtype_formats={pl.Date: "yyyy-mm-dd"},
                          column_formats=column_formats, float_precision=1,
                          column_widths=120)


def generate(out_dir: Path, seed: int = DEMO_SEED, *, monthly: bool = False) -> list[Path]:
    """Write the demo extracts to out_dir (created if missing) and return their paths:
    first the 11 November employment extracts in date order (with `monthly`, every month's
    from November 2015 to November 2025: 121), then the sick-leave extract, the HME summary,
    the training extract, the crisis placement register and a pay extract per snapshot year
    (pipelines/demo_pay.py, oldest first). Any other exempelkommun_* file
    in out_dir (a demo of other years) is removed, as load_demo reads every such file in the
    folder."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = set(out_dir.glob("exempelkommun_*"))
    snapshots = simulate(seed)
    extracts = (monthly_extracts(snapshots, seed) if monthly
                else [(snapshot_date(s.year), s.employment) for s in snapshots])
    paths = []
    for day, employment in extracts:
        path = out_dir / EMPLOYMENT_FILE.format(day=day)
        empty = [c for c in DEVELOPMENT_SCHEMA if employment[c].null_count() == len(employment)]
        write_xlsx(employment.drop(empty), path, "Anställningar", {"Timlön": "0.00"})
        paths.append(path)

    absence = pl.DataFrame([row for s in snapshots for row in s.absence],
                           schema=ABSENCE_SCHEMA, orient="row")
    absence_path = out_dir / ABSENCE_FILE
    absence.write_csv(absence_path, include_bom=True, separator=";", decimal_comma=True,
                      float_precision=1)
    paths.append(absence_path)

    hme = pl.DataFrame([row for s in snapshots for row in s.hme], schema=HME_SCHEMA,
                       orient="row")
    hme_path = out_dir / HME_FILE
    write_xlsx(hme, hme_path, "HME")
    paths.append(hme_path)

    for name, schema, rows in (
            (TRAINING_FILE, TRAINING_SCHEMA, [r for s in snapshots for r in s.training]),
            (CRISIS_FILE, CRISIS_SCHEMA, [r for s in snapshots for r in s.crisis])):
        path = out_dir / name
        pl.DataFrame(rows, schema=schema, orient="row").write_csv(
            path, include_bom=True, separator=";")
        paths.append(path)
    from pipelines import demo_pay  # the yearly pay extracts (issue 23)

    paths += demo_pay.write(out_dir, snapshots, seed)
    for path in stale.difference(paths):
        path.unlink()
    return paths


if __name__ == "__main__":
    import sys
    import time

    started = time.perf_counter()
    written = generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/raw/demo"))
    print(f"{len(written)} files in {time.perf_counter() - started:.1f} s")
