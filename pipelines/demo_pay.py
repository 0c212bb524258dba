"""Exempelkommun's yearly pay extracts (issue 23): one löneuttag per snapshot year.

write() adds a csv per year to the demo's files (exempelkommun_loneuttag_<year>.csv), laid out
like the sick-leave extract (BOM, semicolons, decimal commas). A year's file has a row per
employment held in that year's November snapshot, so the persons, their personnummer and their
befattning, SSYK and förvaltning are the employment extract's; the loader adds a person's rows
up (load._per_person). The pay is the year's:

- *Utbetald grundlön*: the full-time monthly salary x the contracted rate x 12 (the hourly
  wage x the year's hours for the hourly-paid), for the months of the year the employment ran.
- *Betalda timmar*: a full-time year of 1 740-1 800 hours by kind of work x the rate; for
  the hourly-paid their November hours through a year's seasons (about 14 Novembers, at most
  a full-time year), so fewer.
- The complementary and variable components, each in a column of its own and blank for those
  who received none: *OB-tillägg* for shift work in care, *Jourersättning* for some care and
  health jobs, *Beredskapsersättning* for a few technical jobs, *Övertidsersättning* (not for
  managers), and *Övriga tillägg*: personal and market supplements, the socialsekreterare's
  retention supplement, and the hourly-paid's holiday pay (semesterersättning).
- *Arbetstagarkategori* (the befattning: the same work) and *Arbetsvärderingsnivå* (1-8, the
  municipality's job evaluation, higher = more demanding), so that the pay survey sets
  women-dominated categories beside others of equal or lower value, several of them paid
  more: Undersköterska (3) beside Fastighetsskötare (3), Förskollärare and Socialsekreterare
  (5) beside Byggnadsinspektör (5) and the technicians on standby, Drifttekniker and
  IT-tekniker (4).

The story the ten years tell: in 2015 men were paid about a tenth more per hour than women.
Part of it is where they work (most of the care jobs, paid less, are women's; the technical
jobs with standby and overtime are men's), part is personal supplements, which went to men
about four times as often. The yearly pay survey phases the supplements out, the standby
roster is shared with a neighbouring municipality from 2019, overtime falls as the technical
vacancies are filled and the care agreements raise OB: by 2025 the gap is about half. A new
gap opens in 2022: the socialsekreterare's retention supplement (kvarstanningstillägg), agreed
one by one, goes to most of the men and few of the women, and the survey flags the category.

Everything is drawn from a random.Random of its own, seeded from the demo seed, so the demo's
other files keep their values.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl

from pipelines.demo import (
    FIRST_YEAR,
    LAST_YEAR,
    OCCUPATION_KEYS,
    OCCUPATIONS,
    SEASON,
    Snapshot,
)

PAY_FILE = "exempelkommun_loneuttag_{year}.csv"

PAY_SCHEMA: dict[str, type[pl.DataType]] = {
    "År": pl.Int64,
    "Personnummer": pl.String,
    "Kön": pl.String,
    "Förvaltning": pl.String,
    "Befattning": pl.String,
    "SSYK": pl.String,
    "Arbetstagarkategori": pl.String,
    "Arbetsvärderingsnivå": pl.Int64,
    "Utbetald grundlön": pl.Int64,
    "OB-tillägg": pl.Int64,
    "Jourersättning": pl.Int64,
    "Beredskapsersättning": pl.Int64,
    "Övertidsersättning": pl.Int64,
    "Övriga tillägg": pl.Int64,
    "Betalda timmar": pl.Float64,
}

VALUE_LEVELS: dict[str, int] = {
    "kommundirektor": 8, "forvaltningschef": 8,
    "rektor": 7, "avdelningschef": 7, "avdelningschef_teknik": 7,
    "forskolechef": 6, "enhetschef_aldre": 6, "enhetschef_halsa": 6, "enhetschef_social": 6,
    "enhetschef_kultur": 6,
    "psykolog": 6, "amneslarare": 6, "speciallarare": 6, "utredare": 6,
    "verksamhetsutvecklare": 6, "systemforvaltare": 6, "planarkitekt": 6, "ingenjor": 6,
    "hr_specialist": 6, "ekonom": 6,
    "forskollarare": 5, "grundskollarare": 5, "sjukskoterska": 5, "skolskoterska": 5,
    "socialsekreterare": 5, "kurator": 5, "arbetsterapeut": 5, "fysioterapeut": 5,
    "studievagledare": 5, "fritidspedagog": 5, "bistandshandlaggare": 5,
    "byggnadsinspektor": 5, "bygglovshandlaggare": 5, "miljoinspektor": 5, "gis_ingenjor": 5,
    "bibliotekarie": 5, "kommunikator": 5, "arkivarie": 5, "kulturskolelarare": 5,
    "it_tekniker": 4, "drifttekniker": 4, "va_tekniker": 4, "familjebehandlare": 4,
    "handlaggare": 4, "arbetskonsulent": 4, "behandlingsassistent": 4,
    "loneadministrator": 4, "namndsekreterare": 4, "lararvikarie": 4,
    "underskoterska": 3, "barnskotare": 3, "stodassistent": 3, "fastighetsskotare": 3,
    "kock": 3, "administrator": 3, "kommunvagledare": 3, "biblioteksassistent": 3,
    "fritidsledare": 3, "badmastare": 3,
    "vardbitrade": 2, "personlig_assistent": 2, "elevassistent": 2, "parkarbetare": 2,
    "lokalvardare": 1, "maltidsbitrade": 1,
}
"""The municipality's job evaluation (arbetsvärdering) of each occupation, 1-8."""

SHIFT_WORK = ("underskoterska", "vardbitrade", "stodassistent", "personlig_assistent",
              "sjukskoterska", "behandlingsassistent", "badmastare", "fritidsledare")
"""Occupations that work evenings, nights and weekends: OB, and a shorter full-time year."""
TEACHERS = ("forskollarare", "grundskollarare", "amneslarare", "speciallarare", "lararvikarie",
            "fritidspedagog", "kulturskolelarare")
FULL_TIME_HOURS = {**dict.fromkeys(SHIFT_WORK, 1_740), **dict.fromkeys(TEACHERS, 1_767)}
"""Hours paid in a full-time year (the teachers' årsarbetstid); others 1 800."""
DAY_HOURS = 1_800
SEASONS = sum(SEASON.get(month, 1.0) for month in range(1, 13))
"""An hourly-paid person's hours in a year, in Novembers (summer holidays and Christmas)."""

OB_SHARE = (0.85, 0.05, 0.10)
"""Shift work: the chance of OB in the year, and OB as a share of basic pay in the first and
the last year (the care agreements raise the OB rates)."""
ON_CALL = {"sjukskoterska": 0.35, "behandlingsassistent": 0.45, "stodassistent": 0.30,
           "personlig_assistent": 0.25}
"""Occupations with jour (sleeping or active on-call) and the chance of it in a year."""
ON_CALL_SHARE = (0.02, 0.06)
STANDBY = {"drifttekniker": 0.85, "va_tekniker": 0.70, "it_tekniker": 0.45,
           "fastighetsskotare": 0.50}
"""Occupations with beredskap and the chance of it in a year, before 2019."""
STANDBY_SHARED_FROM = 2019
"""From this year the standby roster is shared with a neighbouring municipality: fewer on it
(STANDBY_SHARED of the chance) and less of it each (the later share range)."""
STANDBY_SHARED = 0.55
STANDBY_SHARE = ((0.08, 0.16), (0.06, 0.11))
"""Beredskap as a share of basic pay: before and from STANDBY_SHARED_FROM."""
TECHNICAL = (*STANDBY, "parkarbetare", "ingenjor", "systemforvaltare")
OVERTIME = {"technical": ((0.65, 0.30), (0.03, 0.10)), "care": ((0.25, 0.25), (0.005, 0.03)),
            "other": ((0.10, 0.10), (0.005, 0.02))}
"""Kind of work -> ((chance of overtime in the first year, in the last), share of basic pay
range). Managers get none."""

PERSONAL_SUPPLEMENT = {"M": 0.55, "K": 0.12}
"""Chance that a monthly-paid non-manager holds a personal supplement (personligt tillägg or
marknadstillägg, granted before the demo's years) in the first year, by gender."""
SUPPLEMENT_KEPT = 0.78
"""Chance that a personal supplement is kept from one year to the next: the yearly pay survey
phases them out."""
SUPPLEMENT_GRANTED = {"M": 0.02, "K": 0.015}
"""Chance of a new personal supplement in a later year."""
SUPPLEMENT_SHARE = (0.08, 0.13)
HOLIDAY_PAY = 0.12
"""The hourly-paid's semesterersättning, a share of their pay, among Övriga tillägg."""
RETENTION_FROM = 2022
RETENTION = {"M": 0.80, "K": 0.10}
"""Socialsekreterare: the chance of a retention supplement (kvarstanningstillägg, agreed one by
one from RETENTION_FROM; drawn once, and kept): most of the men asked for one, few of the
women."""
RETENTION_SHARE = (0.09, 0.13)
RETENTION_OCCUPATION = "socialsekreterare"


def _line(first: float, last: float, year: int) -> float:
    """A value going in a straight line from FIRST_YEAR to LAST_YEAR."""
    return first + (last - first) * (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)


def _kind(occupation: str) -> str:
    if occupation in TECHNICAL:
        return "technical"
    return "care" if occupation in SHIFT_WORK else "other"


def employed_share(start: dt.date, year: int) -> float:
    """The share of the calendar year from the employment's start (or 1 January)."""
    first, end = max(start, dt.date(year, 1, 1)), dt.date(year + 1, 1, 1)
    return (end - first).days / (end - dt.date(year, 1, 1)).days


class PayYears:
    """The pay extract of each snapshot year, drawn year by year: a personal supplement is
    kept from one year to the next unless the pay survey phases it out, and a retention
    supplement once agreed is kept."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:issue23")
        self.supplement: dict[str, float] = {}
        """Personnummer -> personal supplement as a share of basic pay."""
        self.retention: dict[str, float] = {}
        """Personnummer -> the socialsekreterare's retention supplement (0: none), once drawn."""

    def supplements(self, year: int, frame: pl.DataFrame) -> None:
        """This year's holders of a personal supplement (monthly-paid non-managers)."""
        rng = self.rng
        eligible = frame.filter((pl.col("Löneform") == "Månadslön") & pl.col("Chef").is_null())
        holders: dict[str, float] = {}
        for pnr, gender in eligible.select("Personnummer", "Kön").unique(
                "Personnummer", maintain_order=True).iter_rows():
            share = self.supplement.get(pnr)
            if share is not None and rng.random() < SUPPLEMENT_KEPT:
                holders[pnr] = share
            elif rng.random() < (PERSONAL_SUPPLEMENT if year == FIRST_YEAR
                                 else SUPPLEMENT_GRANTED)[gender]:
                holders[pnr] = rng.uniform(*SUPPLEMENT_SHARE)
        self.supplement = holders

    def extract(self, snapshot: Snapshot) -> pl.DataFrame:
        """The pay extract of a snapshot's year: a row per employment of the snapshot."""
        rng, year = self.rng, snapshot.year
        frame = snapshot.employment.with_columns(
            pl.when(pl.col("Personnummer").str.slice(11, 1).cast(pl.Int64) % 2 == 0)
            .then(pl.lit("K")).otherwise(pl.lit("M")).alias("Kön"))
        self.supplements(year, frame)
        rows = []
        for row in frame.iter_rows(named=True):
            occupation = OCCUPATION_KEYS[row["Befattning"], row["SSYK"]]
            share = employed_share(row["Anställningsdatum"], year)
            if row["Löneform"] == "Månadslön":
                rate = row["Sysselsättningsgrad"] / 100
                basic = row["Månadslön (heltid)"] * rate * 12 * share
                full_time = FULL_TIME_HOURS.get(occupation, DAY_HOURS) * rng.uniform(0.99, 1.01)
                hours = full_time * rate * share
            else:  # November's hours through the seasons of a year; some in any case
                november = row["Arbetade timmar"] or rng.uniform(0.3, 6)
                pace = november * SEASONS * rng.uniform(0.8, 1.2)
                hours = round(max(2.0, min(pace, DAY_HOURS) * share), 1)
                basic = row["Timlön"] * hours  # for the hours as the file gives them
            parts = self.components(occupation, row, year, basic)
            rows.append((
                year, row["Personnummer"], row["Kön"], row["Förvaltning"], row["Befattning"],
                row["SSYK"], OCCUPATIONS[occupation].title, VALUE_LEVELS[occupation],
                round(basic), *(None if p is None else round(p) for p in parts),
                round(hours, 1),
            ))
        return pl.DataFrame(rows, schema=PAY_SCHEMA, orient="row")

    def components(self, occupation: str, row: dict, year: int, basic: float
                   ) -> tuple[float | None, ...]:
        """OB, jour, beredskap, overtime and other supplements of one employment (None: none
        in the year)."""
        rng = self.rng
        manager = row["Chef"] is not None
        ob = on_call = standby = overtime = other = None
        if occupation in SHIFT_WORK and rng.random() < OB_SHARE[0]:
            ob = basic * _line(*OB_SHARE[1:], year) * rng.uniform(0.85, 1.15)
        if occupation in ON_CALL and rng.random() < ON_CALL[occupation]:
            on_call = basic * rng.uniform(*ON_CALL_SHARE)
        if occupation in STANDBY:
            shared = year >= STANDBY_SHARED_FROM
            if rng.random() < STANDBY[occupation] * (STANDBY_SHARED if shared else 1.0):
                standby = basic * rng.uniform(*STANDBY_SHARE[shared])
        (first, last), share = OVERTIME[_kind(occupation)]
        if not manager and rng.random() < _line(first, last, year):
            overtime = basic * rng.uniform(*share)
        if row["Löneform"] == "Timlön":
            other = basic * HOLIDAY_PAY
        else:
            pnr = row["Personnummer"]
            supplement = self.supplement.get(pnr, 0.0)
            if occupation == RETENTION_OCCUPATION and year >= RETENTION_FROM:
                if pnr not in self.retention:
                    self.retention[pnr] = (rng.uniform(*RETENTION_SHARE)
                                           if rng.random() < RETENTION[row["Kön"]] else 0.0)
                supplement += self.retention[pnr]
            if supplement:
                other = basic * supplement
        return ob, on_call, standby, overtime, other


def extracts(snapshots: list[Snapshot], seed: int) -> list[tuple[int, pl.DataFrame]]:
    """(Year, pay extract) for every snapshot year, oldest first."""
    years = PayYears(seed)
    return [(snapshot.year, years.extract(snapshot)) for snapshot in snapshots]


def write(out_dir: Path, snapshots: list[Snapshot], seed: int) -> list[Path]:
    """Write a pay extract per snapshot year to out_dir and return their paths, oldest first."""
    paths = []
    for year, frame in extracts(snapshots, seed):
        path = out_dir / PAY_FILE.format(year=year)
        frame.write_csv(path, include_bom=True, separator=";", decimal_comma=True,
                        float_precision=1)
        paths.append(path)
    return paths
