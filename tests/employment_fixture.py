"""A small canonical `employment` table whose metric values are worked out by hand below.

Snapshot 2025-11-01 (förvaltningar A, B, Soc) and a tiny 2024-11-01 snapshot.

Persons (monthly-paid unless said; rates contracted/actual):
  p1  K A  100/100 manager
  p2  K A  75/50 + K B 25/25 (two monthly employments: sum 100 -> full time; actual 75)
  p3  M A  50/50, and an hourly employment in A with 10 h (hourly person with a monthly job)
  p4  M B  100/80 manager
  p5  K B  80/80 manager
  p6  K B  hourly 20 h, and a second hourly employment in A with 8 h
  p7  M B  hourly 0 h (no hours in the month: not an hourly-paid person that month)
  p8  K A  hourly 30 h
  p9  M A  förskollärare 2343, 100/100
  p10 K A  barnskötare 5311, 100/100
  p11 K A  förskollärare 2343, 60/60
  p12 K B  barnskötare 5311, 100/90
  p13 M A  barnskötare 5311 hourly 12 h (hourly: not in the preschool population)
  s1  K Soc socialsekreterare 2661 60/60 30 000 and 40/40 29 000 (salary of the 60 % job)
  s2  K Soc 2661 100/100 32 000
  s3  K Soc 2661 100/100 35 000
  s4  M Soc 2661 100/100 40 000
  s5  K Soc 2661 80/80, only the salary at the actual rate: 40 000 -> 50 000 at full time

Hand-computed, 2025-11-01:
  full_time_share          monthly persons 14 (p1-p5, p9-p12, s1-s5); rate 100: p1 p2 p4 p9
                           p10 p12 s1 s2 s3 s4 = 10 -> 10/14 = 71.428571 %
                           women 7/10 = 70 %, men 3/4 = 75 %; förvaltning B (main job): p4 p5
                           p12 -> 2/3 = 66.666667 %
  working_full_time_share  actual 100: p1 p9 p10 s1 s2 s3 s4 = 7/14 = 50 %
  managers_women_share     p1 K, p4 M, p5 K -> 2/3 = 66.666667 %
  hourly_paid_persons      p3 p6 p8 p13 = 4 (A: p3 p8 p13 = 3, B: p6 = 1, by p6's first job)
  hourly_paid_employments  e3h e6 e6b e8 e13 = 5
  hourly_paid_fte          (10 + 20 + 8 + 30 + 12) / 165 = 80 / 165 = 0.484848
  fte_total                monthly actual rates 1 215 / 100 = 12.15, + 80 / 165 = 12.634848
  hourly_hours_share       (80 / 165) / 12.634848 = 3.8374 %
  headcount                monthly-paid persons, as SKR counts anställda: the 14 above and l1
                           on full leave, who is employed: 15 (the metrics of shares, pay and
                           årsarbetare leave l1 out: sysselsatta; the figures above). The
                           hourly-only p6 p8 p13 are hourly_paid_persons, not headcount (until
                           December 2026 they were added: 18)
  full_leave_persons       l1 = 1
  full_time_gap            71.428571 - 50 = 21.428571 percentage points
  mean_contracted_rate     person sums capped at 100: 1 270 / 14 = 90.714286
  mean_actual_rate         1 215 / 14 = 86.785714
  tillsvidare              visstid: e3 (p3), e11 (p11), s5; hourly jobs are timanställning
  tillsvidare_share        11 / 14, with l1 (tillsvidare, on full leave): 12 / 15 = 80 %
  full_time_share_tillsvidare  p1 p2 p4 p9 p10 p12 s1 s2 s3 s4 of 11 (p5 at 80) = 90.909091 %
  preschool_men_fte_share  actual rates p9 M 100; p10 100, p11 60, p12 90 -> 100/350 = 28.571 %
  women_salary_share_of_men  monthly persons' full-time salaries: women (10) mean 36 150,
                           men (4: p3 27 000, p4 50 000, p9 36 000, s4 40 000) mean 38 250
                           -> 94.509804 %; within SSYK 2661: 36 750 / 40 000 = 91.875 %
  preschool_men_share      p9 M, p10 K, p11 K, p12 K -> 1/4 = 25 %
  social worker salaries   [30 000, 32 000, 35 000, 40 000, 50 000], type-7 percentiles:
                           P10 = 30 000 + 0.4 * 2 000 = 30 800; P25 = 32 000; median 35 000;
                           P75 = 40 000; P90 = 40 000 + 0.6 * 10 000 = 46 000;
                           spread 46 000 / 30 800 = 1.493506;
                           relative spread (46 000 - 30 800) / 35 000 = 43.428571 %
  headcount by age band    30-39: p9 s2 s5 l1; 40-49: p3 p10 s3; 50-59: p5 p11 s4; 60-64: p2 p4
                           p12 s1; 65-: p1 (ages 2025 minus birth year); none -29 (the young
                           p6 p8 p13 are hourly-paid only)
  mean_age                 783 / 17 = 46.058824 without l1; with l1 (35): 818 / 18
  retirements_forecast     tillsvidare persons reaching 65 by 2035: p1 (66 in 2025: past it,
                           year 0), p2 (1), p4 (2), p12 (3), s1 (4), s4 (6), p5 (10) = 7;
                           at 67: p1 p2 p4 p12 s1 s4 = 6 (p1 in 1 year, p5 beyond 10).
                           2024-11-01: p1 (65 in 2024) and x1 (66) at year 0, p2 (2), p4 (3)
                           -> 4 (p9 x2 born 1990 beyond 10)
2024-11-01: seven monthly persons at 100 % -> full_time_share 100 %: p1 p4 p2, p9 (then in B),
  and x1 (born 1958), x2, x3 (visstid), who are gone by 2025.
  turnover 2025            tillsvidare at 2024: p1 p2 p4 p9 x1 x2 = 6; gone: x1 x2 -> 33.333 %;
                           p9 moved from B to A: not an exit
  turnover_excl_retirement x1 is 67 in 2025, past 65: 1 / 6 = 16.667 %; at 69: 2 / 6
  employees per manager    2025 by manager link (MANAGER_LINKS): p1 <- p2 p3 p9 p10 p11 (5;
                           hourly e3h e8 not counted), p4 <- p2 p12 p5 (3), p5 <- s1..s5 (5):
                           mean 13 / 3 = 4.333333, median 5.
                           2024 has no links, so per unit (ORG_UNITS_2024): U1 p1 with p2 x1
                           (2), U2 p4 with p9 x2 x3 (3): mean 2.5, median 2.5
"""

from __future__ import annotations

from datetime import date

import polars as pl

import store
from metrics import persons
from pipelines.schema import EMPLOYMENT_COLUMNS

S = date(2025, 11, 1)
PREV = date(2024, 11, 1)

_COLUMNS = ("snapshot_date", "employment_id", "person_key", "gender", "forvaltning", "ssyk_code",
            "pay_form", "contracted_rate", "actual_rate", "monthly_salary_fte",
            "monthly_salary_actual", "hours_worked_month", "is_manager")
_M, _H = "monthly", "hourly"

ROWS = [
    (S, "e1", "p1", "K", "A", "1211", _M, 100, 100, 45000, None, 0, True),
    (S, "e2a", "p2", "K", "A", "5321", _M, 75, 50, 28000, None, 0, False),
    (S, "e2b", "p2", "K", "B", "5321", _M, 25, 25, 28000, None, 0, False),
    (S, "e3", "p3", "M", "A", "5321", _M, 50, 50, 27000, None, 0, False),
    (S, "e3h", "p3", "M", "A", "5321", _H, None, None, None, None, 10, False),
    (S, "e4", "p4", "M", "B", "1531", _M, 100, 80, 50000, None, 0, True),
    (S, "e5", "p5", "K", "B", "1532", _M, 80, 80, 48000, None, 0, True),
    (S, "e6", "p6", "K", "B", "5321", _H, None, None, None, None, 20, False),
    (S, "e6b", "p6", "K", "A", "5321", _H, None, None, None, None, 8, False),
    (S, "e7", "p7", "M", "B", "5321", _H, None, None, None, None, 0, False),
    (S, "e8", "p8", "K", "A", "5321", _H, None, None, None, None, 30, False),
    (S, "e9", "p9", "M", "A", "2343", _M, 100, 100, 36000, None, 0, False),
    (S, "e10", "p10", "K", "A", "5311", _M, 100, 100, 29000, None, 0, False),
    (S, "e11", "p11", "K", "A", "2343", _M, 60, 60, 35000, None, 0, False),
    (S, "e12", "p12", "K", "B", "5311", _M, 100, 90, 29500, None, 0, False),
    (S, "e13", "p13", "M", "A", "5311", _H, None, None, None, None, 12, False),
    (S, "s1a", "s1", "K", "Soc", "2661", _M, 60, 60, 30000, None, 0, False),
    (S, "s1b", "s1", "K", "Soc", "2661", _M, 40, 40, 29000, None, 0, False),
    (S, "s2", "s2", "K", "Soc", "2661", _M, 100, 100, 32000, None, 0, False),
    (S, "s3", "s3", "K", "Soc", "2661", _M, 100, 100, 35000, None, 0, False),
    (S, "s4", "s4", "M", "Soc", "2661", _M, 100, 100, 40000, None, 0, False),
    (S, "s5", "s5", "K", "Soc", "2661", _M, 80, 80, None, 40000, 0, False),
    (S, "l1", "l1", "K", "A", "5321", _M, 100, 0, 30000, None, 0, False),
    (PREV, "e1", "p1", "K", "A", "1211", _M, 100, 100, 44000, None, 0, True),
    (PREV, "e4", "p4", "M", "B", "1531", _M, 100, 100, 49000, None, 0, True),
    (PREV, "e2a", "p2", "K", "A", "5321", _M, 100, 100, 27000, None, 0, False),
    (PREV, "e9", "p9", "M", "B", "2343", _M, 100, 100, 35000, None, 0, False),
    (PREV, "x1", "x1", "K", "A", "5321", _M, 100, 100, 28000, None, 0, False),
    (PREV, "x2", "x2", "M", "B", "5321", _M, 100, 100, 28000, None, 0, False),
    (PREV, "x3", "x3", "M", "B", "5321", _M, 100, 100, 28000, None, 0, False),
]

# First day with the employer (s2 s3 s5 within the 12 months before 2025-11-01) and, for s1
# only, an employment start instead: entry salary = median(32 000, 35 000, 50 000) = 35 000.
FIRST_HIRE = {"s2": date(2025, 3, 1), "s3": date(2024, 12, 1), "s5": date(2025, 6, 1),
              "s4": date(2015, 1, 1)}
EMPLOYMENT_START = {"s1a": date(2010, 1, 1), "s1b": date(2024, 1, 1)}

# Closest manager of each 2025 employment (the manager's employment id).
MANAGER_LINKS = {"e2a": "e1", "e3": "e1", "e3h": "e1", "e8": "e1", "e9": "e1", "e10": "e1",
                 "e11": "e1", "e2b": "e4", "e12": "e4", "e5": "e4",
                 **{s: "e5" for s in ("s1a", "s1b", "s2", "s3", "s4", "s5")}}
ORG_UNITS_2024 = {"e1": "U1", "e2a": "U1", "x1": "U1", "e4": "U2", "e9": "U2", "x2": "U2",
                  "x3": "U2"}

# On full leave (parental leave) on 2025-11-01: counted only by the metrics that count all
# employed persons (headcount, tillsvidare_share, mean_age, full_leave_persons, ...).
FULL_LEAVE = {"l1"}

# Birth years (the store keeps no birth date). Ages are reached in the snapshot's year.
BIRTH_YEARS = {"p1": 1959, "p2": 1961, "p3": 1985, "p4": 1962, "p5": 1970, "p6": 2000,
               "p7": 1999, "p8": 1996, "p9": 1990, "p10": 1980, "p11": 1975, "p12": 1963,
               "p13": 2001, "s1": 1964, "s2": 1990, "s3": 1985, "s4": 1966, "s5": 1995,
               "x1": 1958, "x2": 1990, "x3": 1995, "l1": 1990}


# Every registered metric's value on 2025-11-01, worked out by hand in the docstring above.
EXPECTED = {
    "managers_women_share": 2 / 3 * 100,
    "hourly_paid_persons": 4,
    "hourly_paid_fte": 80 / 165,
    "full_time_share": 10 / 14 * 100,
    "working_full_time_share": 50.0,
    "preschool_men_share": 25.0,
    "social_worker_salary_p10": 30800,
    "social_worker_salary_p25": 32000,
    "social_worker_salary_median": 35000,
    "social_worker_salary_p75": 40000,
    "social_worker_salary_p90": 46000,
    "social_worker_salary_spread": 46000 / 30800,
    "social_worker_salary_spread_relative": 100 * (46000 - 30800) / 35000,
    "social_worker_entry_salary": 35000,
    "hourly_paid_employments": 5,
    "hourly_hours_share": 100 * (80 / 165) / (12.15 + 80 / 165),
    "full_time_gap": 1000 / 14 - 50,
    "mean_contracted_rate": 1270 / 14,
    "mean_actual_rate": 1215 / 14,
    "full_time_share_tillsvidare": 1000 / 11,
    "preschool_men_fte_share": 100 * 100 / 350,
    "headcount": 15,
    "fte_total": 12.15 + 80 / 165,
    "tillsvidare_share": 1200 / 15,
    "women_salary_share_of_men": 100 * 36150 / 38250,
    "mean_age": 818 / 18,
    "full_leave_persons": 1,
    "employees_per_manager_mean": 13 / 3,
    "employees_per_manager_median": 5,
    "retirements_forecast": 7,
    "turnover": 200 / 6,
    "turnover_excl_retirement": 100 / 6,
    "development_plan_share": 600 / 11,
    "dialogue_share": 800 / 11,
    "key_positions": 7,
    "key_positions_successor_share": 400 / 7,
    "key_positions_retiring_share": 300 / 7,
    "education_pay_premium": 100 * (35500 / 28500 - 1),
    "education_pay_median_long": 35500,
    "education_pay_median_upper_secondary": 28500,
    "career_step_share": 100 / 7,
    "career_step_pay_difference": 9000,
    "training_coverage_licensed": 200 / 7,
    "training_coverage_resident_facing": 100 / 11,
    "crisis_placement_share": 100.0,
    "crisis_weeks_per_person": 1.0,
    "crisis_placements": 1,
    # 2025-12-31 (the year 2025) from ABSENCE_ROWS and HME_ROWS below
    "sick_leave_total": 100 * 868 / 15100,
    "sick_leave_long_share": 100 * 450 / 868,
    "sick_leave_women": 100 * 462 / 9100,
    "sick_leave_men": 100 * 406 / 6000,
    "sick_leave_age_29": 100 * 90 / 1800,
    "sick_leave_age_30_49": 100 * 595 / 5100,
    "sick_leave_age_50": 100 * 183 / 8200,
    "hme_total": 2390 / 34,
    "hme_motivation": 2560 / 34,
    "hme_leadership": 2390 / 34,
    "hme_governance": 2220 / 34,
}

# The sick-leave extract for 2025: person, gender, birth year, förvaltning, ordinary hours,
# sick hours, of which in spells of 60 days or more. a11 has no ordinary hours: left out.
# Ordinary 15 100 h, sick 868 h (long 450); women a1 a2 a5 a6 a8 a9: 462 / 9 100; men a3 a4
# a7 a10: 406 / 6 000; ages in 2025: -29 a4 a6: 90 / 1 800; 30-49 a1 a2 a7: 595 / 5 100;
# 50- a3 a5 a8 a9 a10: 183 / 8 200.
ABSENCE_ROWS = [
    ("a1", "K", 1990, "A", 1700, 85, 0),
    ("a2", "K", 1980, "A", 1700, 170, 100),
    ("a3", "M", 1970, "B", 1600, 16, 0),
    ("a4", "M", 1996, "B", 1000, 50, 50),
    ("a5", "K", 1960, "A", 1700, 0, 0),
    ("a6", "K", 2000, "B", 800, 40, 0),
    ("a7", "M", 1985, "A", 1700, 340, 300),
    ("a8", "K", 1975, "B", 1700, 17, 0),
    ("a9", "K", 1965, "A", 1500, 150, 0),
    ("a10", "M", 1955, "B", 1700, 0, 0),
    ("a11", "K", 1992, "A", 0, 0, 0),
]

# HME 2025 per unit: motivation, ledarskap, styrning, total, respondents, invited. Weighted by
# respondents (34): total (75*10 + 65*20 + 85*4) / 34 = 2 390 / 34; motivation 2 560 / 34;
# ledarskap 2 390 / 34; styrning 2 220 / 34.
HME_ROWS = [
    ("u1", "A", 80, 75, 70, 75, 10, 12),
    ("u2", "A", 70, 65, 60, 65, 20, 25),
    ("u3", "B", 90, 85, 80, 85, 4, 5),
]

VISSTID = ("e3", "e11", "s5", "x3")

# Issue 13 (M10, M11), 2025-11-01 only (2024 has none of these columns: no value there).
# Permanent monthly-paid persons at work: p1 p2 p4 p5 p9 p10 p12 s1 s2 s3 s4 (11; l1 is on
# full leave, p3 p11 s5 are visstid). A date counts in (2024-11-01, 2025-11-01].
# development_plan_share: p1, p2 (by e2b), p5 (2024-11-02), p10 (on the day), s2, s4 = 6 / 11;
#   not e4 (2024-11-01, a year to the day), e9 (after the snapshot), s1a (2023), e3 (visstid).
#   By förvaltning: A p1 p2 p9 p10 -> 3/4, B p4 p5 p12 -> 1/3, Soc s1-s4 -> 2/4.
# dialogue_share: p1 p4 p5 p9 p12 s1 (by s1b) s2 s3 = 8 / 11; not e2a (2024-10-01), s4 (2024).
# key_positions: persons p1 p2 (e2a and e2b) p4 p5 s4 p11 (visstid) l1 (on full leave) = 7;
#   A p1 p2 p11 l1 = 4, B p4 p5 = 2, Soc s4 = 1.
# key_positions_successor_share: p1 p5 p11 l1 = 4 / 7 (p2's e2b has none, so p2 has none).
# key_positions_retiring_share: age in 2025 >= 65 - 5: p1 (66) p2 (64) p4 (63) = 3 / 7; at 69
#   (>= 64): p1 p2 = 2 / 7.
DEVELOPMENT_PLAN = {"e1": date(2025, 3, 1), "e2b": date(2025, 1, 15), "e4": date(2024, 11, 1),
                    "e5": date(2024, 11, 2), "e9": date(2025, 11, 2), "e10": date(2025, 11, 1),
                    "s1a": date(2023, 6, 1), "s2": date(2025, 6, 1), "s4": date(2025, 10, 1),
                    "e3": date(2025, 5, 1), "l1": date(2025, 2, 1)}
DIALOGUE = {"e1": date(2025, 9, 15), "e2a": date(2024, 10, 1), "e4": date(2025, 4, 1),
            "e5": date(2025, 4, 2), "e9": date(2025, 5, 1), "e12": date(2025, 10, 30),
            "s1b": date(2025, 2, 1), "s2": date(2025, 2, 1), "s3": date(2025, 2, 1),
            "s4": date(2024, 6, 1)}
KEY_POSITIONS = ("e1", "e2a", "e2b", "e4", "e5", "s4", "e11", "l1")
SUCCESSORS = ("e1", "e2a", "e5", "e11", "l1")

# Issue 13 (M13, M14), 2025-11-01 only (2024 has neither column: no value there).
# education_level: gymnasial p2 (e2a) 28 000, p3 27 000, p10 29 000, p12 29 500 -> median
#   28 500; eftergymnasial_lang p1 45 000, p9 36 000, s1 (level on s1b, salary of s1a) 30 000,
#   s2 32 000, s3 35 000, s4 40 000 -> median 35 500 (l1 on full leave is left out);
#   premium 35 500 / 28 500 - 1 = 24.561404 %; p11 is eftergymnasial_kort (not compared).
# career_step: s4 (2661) and e2b (p2's 25 % job in 5321) hold a step, so 2661 and 5321 are the
#   base occupations: p2 p3 s1 s2 s3 s4 s5 = 7 persons; on a step s4 only (p2's main job e2a
#   has none) -> 1 / 7; median on a step 40 000, on the base step 27 28 30 32 35 50 (s5
#   40 000 at 80 %) -> 31 000: difference 9 000.
EDUCATION = {"e2a": "gymnasial", "e3": "gymnasial", "e10": "gymnasial", "e12": "gymnasial",
             "e1": "eftergymnasial_lang", "e9": "eftergymnasial_lang",
             "s1b": "eftergymnasial_lang", "s2": "eftergymnasial_lang",
             "s3": "eftergymnasial_lang", "s4": "eftergymnasial_lang",
             "l1": "eftergymnasial_lang", "e11": "eftergymnasial_kort"}
CAREER_STEPS = {"s4": "Specialistsocionom", "e2b": "Specialistundersköterska"}


# Issue 13 (training, crisis placement), as the training and crisis tables store them.
# training_coverage_licensed: licensed (221 222 2330 2341 2343 2351 2661) monthly persons at work:
#   p9 p11 s1-s5 = 7; a listed course in (2024-11-01, 2025-11-01]: p9, s1 (2024-11-02); not s2
#   (2024-11-01, a year to the day), s3 (HLR is not listed) -> 2 / 7.
# training_coverage_resident_facing: resident-facing (5321 5311 2343 2661 ...): p2 p3 p9 p10 p11
#   p12 s1-s5 = 11 (l1 on full leave); HBTQ or honour-violence course in (2022-11-01,
#   2025-11-01]: p10 (2023-03-01); not p12 (2022-11-01) -> 1 / 11. The years 2022-2025 are in.
# crisis: administrative (1112 12 24 25 ...): p1 (1211) alone; placed with weeks 2025-W10 and
#   2025-W40 -> share 100 %, weeks 2 / 1 / 2 terms = 1.0, placements 1; p9 (2343) is placed
#   too but is not administrative staff.
TRAINING_ROWS = [
    (2025, "p9", "Fortbildning för förskollärare", date(2025, 5, 1)),
    (2024, "s1", "Fortbildning för socialsekreterare", date(2024, 11, 2)),
    (2024, "s2", "Fortbildning för socialsekreterare", date(2024, 11, 1)),
    (2025, "s3", "HLR", date(2025, 1, 1)),
    (2023, "p10", "HBTQ-diplomering", date(2023, 3, 1)),
    (2022, "p12", "Hedersrelaterat våld och förtryck", date(2022, 11, 1)),
]
CRISIS_ROWS = [
    (2025, "p1", "Hemtjänst Norr", "vard_och_omsorg", date(2025, 3, 3), "2025-W10"),
    (2025, "p1", "Hemtjänst Norr", "vard_och_omsorg", date(2025, 9, 29), "2025-W40"),
    (2025, "p9", "Förskolan Solen", "skola", date(2025, 3, 10), "2025-W11"),
]


def frame(rows=ROWS) -> pl.DataFrame:
    """The rows as a frame with every column of the employment table (absent ones null)."""
    given = pl.DataFrame(rows, schema=list(_COLUMNS), orient="row", infer_schema_length=None)
    given = given.with_columns(
        pl.when(pl.col("pay_form") == _H).then(pl.lit("timanstallning"))
        .when(pl.col("employment_id").is_in(VISSTID)).then(pl.lit("visstid"))
        .otherwise(pl.lit("tillsvidare"))
        .alias("employment_form"),
        pl.col("person_key").replace_strict(BIRTH_YEARS, return_dtype=pl.Int32)
        .alias("birth_year"),
        pl.col("person_key").replace_strict(FIRST_HIRE, default=None, return_dtype=pl.Date)
        .alias("first_hire_date"),
        pl.col("employment_id").replace_strict(EMPLOYMENT_START, default=None,
                                               return_dtype=pl.Date)
        .alias("employment_start"),
        pl.when(pl.col("snapshot_date") == S)
        .then(pl.col("employment_id").replace_strict(MANAGER_LINKS, default=None))
        .alias("manager_employment_id"),
        pl.when(pl.col("snapshot_date") == PREV)
        .then(pl.col("employment_id").replace_strict(ORG_UNITS_2024, default=None))
        .alias("org_unit"),
        pl.col("person_key").is_in(list(FULL_LEAVE)).alias("on_full_leave"),
        *(pl.when(pl.col("snapshot_date") == S)
          .then(pl.col("employment_id").replace_strict(dates, default=None, return_dtype=pl.Date))
          .alias(name)
          for name, dates in (("development_plan_date", DEVELOPMENT_PLAN),
                              ("dialogue_date", DIALOGUE))),
        *(pl.when(pl.col("snapshot_date") == S).then(pl.col("employment_id").is_in(list(ids)))
          .alias(name) for name, ids in (("key_position", KEY_POSITIONS),
                                         ("successor", SUCCESSORS))),
        *(pl.when(pl.col("snapshot_date") == S)
          .then(pl.col("employment_id").replace_strict(values, default=None,
                                                       return_dtype=pl.String))
          .alias(name) for name, values in (("education_level", EDUCATION),
                                            ("career_step", CAREER_STEPS))),
    )
    return pl.DataFrame(
        {name: given[name] if name in given.columns else None for name, _ in EMPLOYMENT_COLUMNS}
    ).with_columns(pl.lit(1).alias("load_id"))


def load(con, rows=ROWS) -> None:
    """Write the rows (and the 2025 sick-leave and HME tables) into an empty store, as
    load.py would, with one load-log entry."""
    data = frame(rows)
    absence = pl.DataFrame(
        ABSENCE_ROWS, orient="row",
        schema=["person_key", "gender", "birth_year", "forvaltning", "ordinary_hours",
                "sick_hours", "sick_hours_long"],
    ).with_columns(year=pl.lit(2025), load_id=pl.lit(1))
    hme = pl.DataFrame(
        HME_ROWS, orient="row",
        schema=["unit", "forvaltning", "motivation", "ledarskap", "styrning", "hme_total",
                "n_respondents", "n_invited"],
    ).with_columns(year=pl.lit(2025), load_id=pl.lit(1))
    with store.transaction(con) as cur:
        cur.register("incoming", data)
        cur.execute("INSERT INTO employment BY NAME SELECT * FROM incoming")
        cur.register("absence_rows", absence)  # not the views' names (absence, hme)
        cur.execute("INSERT INTO absence_year BY NAME SELECT * FROM absence_rows")
        cur.register("hme_rows", hme)
        cur.execute("INSERT INTO hme_result BY NAME SELECT * FROM hme_rows")
        training = pl.DataFrame(TRAINING_ROWS, orient="row", schema=[
            "year", "person_key", "course", "course_date"]).with_columns(load_id=pl.lit(1))
        cur.register("training_rows", training)
        cur.execute("INSERT INTO training BY NAME SELECT * FROM training_rows")
        crisis = pl.DataFrame(CRISIS_ROWS, orient="row", schema=[
            "year", "person_key", "receiving_unit", "core_service", "week_start", "week"],
        ).with_columns(load_id=pl.lit(1))
        cur.register("crisis_rows", crisis)
        cur.execute("INSERT INTO crisis_placement BY NAME SELECT * FROM crisis_rows")
        cur.execute(
            "INSERT INTO load_log VALUES (1, now(), 'fixture', 'x', [DATE '2025-11-01'], "
            "$rows, 0, 'test')",
            {"rows": data.height},
        )
        persons.refresh(cur)
