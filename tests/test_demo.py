"""The demo municipality Exempelkommun: its files, determinism, personnummer and trends.

The files are read back with polars only (not through the ingestion pipeline), and every
trend is computed here from the raw Swedish columns.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from pipelines.demo import DEMO_SEED, generate

YEARS = range(2015, 2026)
"""The demo's November snapshots: eleven, so that the monthly demo spans ten years."""
N = len(YEARS)
EMPLOYMENT_NAMES = [f"exempelkommun_anstallningar_{year}-11.xlsx" for year in YEARS]
ABSENCE_NAME = "exempelkommun_sjukfranvaro_2015-2025.csv"
HME_NAME = "exempelkommun_hme_2015-2025.xlsx"
EMPLOYMENT_HEADERS = [
    "Mätdatum", "Personnummer", "Anställningsnummer", "Förvaltning", "Enhet", "Befattning",
    "SSYK", "Anställningsform", "Löneform", "Sysselsättningsgrad",
    "Faktisk sysselsättningsgrad", "Månadslön (heltid)", "Timlön", "Arbetade timmar", "Chef",
    "Chefens anst.nr", "Anställningsdatum", "Första anställningsdag",
    "Utbildningsnivå", "Karriärsteg", "Utvecklingsplan upprättad", "Senaste medarbetarsamtal",
    "Nyckelbefattning", "Efterträdare utsedd",
]
PLAN_HEADER = "Utvecklingsplan upprättad"
"""Recorded from 2019: the earlier extracts are written without the column."""
TRAINING_NAME = "exempelkommun_utbildningar_2014-2025.csv"
CRISIS_NAME = "exempelkommun_krisplaceringar_2023-2025.csv"
PAY_NAMES = [f"exempelkommun_loneuttag_{year}.csv" for year in YEARS]
"""The yearly pay extracts (issue 23; tests/test_demo_pay.py reads them through the store)."""
ABSENCE_HEADERS = ["År", "Personnummer", "Förvaltning", "Ordinarie arbetstid (tim)",
                   "Sjukfrånvaro (tim)", "Varav långtidssjukfrånvaro (tim)"]
HME_HEADERS = ["År", "Enhet", "Förvaltning", "Motivationsindex", "Ledarskapsindex",
               "Styrningsindex", "HME totalt", "Antal svarande", "Antal inbjudna"]
FORVALTNINGAR = {"Barn och utbildning", "Vård och omsorg", "Socialtjänst",
                 "Kommunledningskontoret", "Samhällsbyggnad", "Kultur och fritid",
                 "Teknik och service"}

MONTHLY = pl.col("Löneform") == "Månadslön"
HOURLY = pl.col("Löneform") == "Timlön"


def read_all(paths: list[Path]) -> list[pl.DataFrame]:
    """Every file of a generate() run, read back as it is on disk."""
    frames = [pl.read_excel(p, sheet_name="Anställningar",
                            schema_overrides={"Karriärsteg": pl.String,
                                              "Efterträdare utsedd": pl.String})
              for p in paths[:N]]
    frames.append(read_absence(paths[N]))
    frames.append(pl.read_excel(paths[N + 1], sheet_name="HME"))
    return frames


def read_absence(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, separator=";", decimal_comma=True,
                       schema_overrides={"Personnummer": pl.String})


def luhn_ok(pnr: str) -> bool:
    """The Luhn check over the ten digits YYMMDDNNNC."""
    digits = pnr[2:8] + pnr[9:]
    total = 0
    for i, char in enumerate(digits):
        product = int(char) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def is_date(yyyymmdd: str) -> bool:
    try:
        dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def by_year(frame: pl.DataFrame, *aggs: pl.Expr) -> dict[int, tuple]:
    """Year -> the aggregates, as a tuple (or the single value)."""
    rows = frame.group_by("year").agg(*aggs).sort("year").rows()
    return {year: values[0] if len(values) == 1 else values for year, *values in rows}


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def frames(paths) -> list[pl.DataFrame]:
    return read_all(paths)


@pytest.fixture(scope="module")
def employment(frames) -> pl.DataFrame:
    """All eleven snapshots, with the year, gender (from the personnummer) and age."""
    return pl.concat(frames[:N], how="diagonal_relaxed").with_columns(
        year=pl.col("Mätdatum").dt.year(),
        woman=pl.col("Personnummer").str.slice(11, 1).cast(pl.Int64) % 2 == 0,
        age=pl.col("Mätdatum").dt.year()
        - pl.col("Personnummer").str.slice(0, 4).cast(pl.Int64),
    )


@pytest.fixture(scope="module")
def absence(frames) -> pl.DataFrame:
    return frames[N]


@pytest.fixture(scope="module")
def hme(frames) -> pl.DataFrame:
    return frames[N + 1]


# --- files and determinism -----------------------------------------------------------------

def test_the_files_in_the_documented_order(paths):
    assert [p.name for p in paths] == [*EMPLOYMENT_NAMES, ABSENCE_NAME, HME_NAME,
                                       TRAINING_NAME, CRISIS_NAME, *PAY_NAMES]
    assert all(p.is_file() for p in paths)


def test_headers_are_the_swedish_ones(frames):
    for year, frame in zip(YEARS, frames[:N], strict=True):
        assert frame.columns == [h for h in EMPLOYMENT_HEADERS
                                 if h != PLAN_HEADER or year >= 2019], year
    assert frames[N].columns == ABSENCE_HEADERS
    assert frames[N + 1].columns == HME_HEADERS


def test_cells_have_their_types(employment):
    schema = employment.schema
    for column in ("Mätdatum", "Anställningsdatum", "Första anställningsdag"):
        assert schema[column] == pl.Date
    for column in ("Personnummer", "Anställningsnummer", "SSYK", "Chefens anst.nr"):
        assert schema[column] == pl.String
    for column in ("Sysselsättningsgrad", "Faktisk sysselsättningsgrad", "Månadslön (heltid)",
                   "Timlön", "Arbetade timmar"):
        assert schema[column].is_numeric()
    dates = employment.group_by("year").agg(pl.col("Mätdatum").unique())
    assert {(y, tuple(d)) for y, d in dates.rows()} == {
        (y, (dt.date(y, 11, 1),)) for y in YEARS}


def test_sick_leave_csv_has_bom_semicolons_and_decimal_commas(paths):
    raw = paths[N].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + "År;Personnummer;".encode())
    first_row = raw.decode("utf-8-sig").splitlines()[1].split(";")
    assert re.fullmatch(r"\d+,\d", first_row[3])


def test_same_seed_gives_the_same_files(paths, frames, tmp_path):
    again = read_all(generate(tmp_path / "again"))
    assert len(again) == len(frames)
    for mine, theirs in zip(frames, again, strict=True):
        assert mine.equals(theirs)
    assert paths[N].read_bytes() == (tmp_path / "again" / ABSENCE_NAME).read_bytes()


def test_another_seed_gives_other_files(frames, tmp_path):
    other = read_all(generate(tmp_path / "other", seed=DEMO_SEED + 1))
    for mine, theirs in zip(frames, other, strict=True):
        assert not mine.equals(theirs)


def test_a_demo_of_other_years_is_replaced_not_added_to(tmp_path):
    # load_demo reads every exempelkommun_* file in the folder: the 2018-2025 demo's sick-leave
    # and HME files beside the new ones would load those years twice.
    folder = tmp_path / "demo"
    folder.mkdir()
    old = [folder / "exempelkommun_sjukfranvaro_2018-2025.csv",
           folder / "exempelkommun_hme_2018-2025.xlsx"]
    for path in old:
        path.write_bytes(b"old")
    (folder / "mina_anteckningar.txt").write_bytes(b"kept")
    written = generate(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*(p.name for p in written), "mina_anteckningar.txt"])
    assert len(written) == N + 4 + N and not any(p.exists() for p in old)


# --- persons and employments ---------------------------------------------------------------

def test_personnummer_are_well_formed_real_dates_and_pass_luhn(employment, absence):
    numbers = set(employment["Personnummer"]) | set(absence["Personnummer"])
    assert all(re.fullmatch(r"\d{8}-\d{4}", n) for n in numbers)
    assert all(is_date(n[:8]) for n in numbers)
    assert all(luhn_ok(n) for n in numbers)
    births = {int(n[:4]) for n in numbers}
    assert min(births) >= 1948 and max(births) <= 2008


def test_an_employment_keeps_its_person_and_gender_across_years(employment):
    per_employment = employment.group_by("Anställningsnummer").agg(
        pl.col("Personnummer").n_unique().alias("persons"),
        pl.col("year").n_unique().alias("years"))
    assert per_employment["persons"].max() == 1
    assert per_employment["years"].max() == N  # followed over all the years


def test_the_same_persons_are_followed_across_years(employment):
    first = set(employment.filter(pl.col("year") == 2018)["Personnummer"])
    last = set(employment.filter(pl.col("year") == 2025)["Personnummer"])
    assert 0.35 < len(first & last) / len(first) < 0.8


def test_employment_numbers_are_unique_within_a_snapshot(employment):
    assert employment.select("year", "Anställningsnummer").is_duplicated().sum() == 0


def test_headcount_and_forvaltningar(employment):
    persons = by_year(employment, pl.col("Personnummer").n_unique())
    assert all(2_500 <= n <= 3_100 for n in persons.values()), persons
    forvaltningar = employment.group_by("year").agg(pl.col("Förvaltning").unique())
    assert all(set(names) == FORVALTNINGAR for _, names in forvaltningar.rows())
    assert 55 <= employment["Enhet"].n_unique() <= 75


def test_some_persons_have_two_employments(employment):
    per_person = employment.group_by("year", "Personnummer").agg(
        pl.len().alias("jobs"), MONTHLY.any().alias("monthly"), HOURLY.any().alias("hourly"))
    two = by_year(per_person, (pl.col("jobs") > 1).mean())
    assert all(0.02 <= share <= 0.07 for share in two.values()), two
    mixed = by_year(per_person, (pl.col("monthly") & pl.col("hourly")).sum())
    assert all(n >= 5 for n in mixed.values()), mixed


def test_pay_form_decides_which_columns_are_filled(employment):
    monthly = employment.filter(MONTHLY)
    hourly = employment.filter(HOURLY)
    assert monthly.height + hourly.height == employment.height
    assert monthly.select(pl.col("Timlön", "Arbetade timmar").null_count()).row(0) == (
        monthly.height, monthly.height)
    assert monthly.select(pl.col("Sysselsättningsgrad", "Faktisk sysselsättningsgrad",
                                 "Månadslön (heltid)").null_count()).row(0) == (0, 0, 0)
    assert hourly.select(pl.col("Sysselsättningsgrad", "Faktisk sysselsättningsgrad",
                                "Månadslön (heltid)").null_count()).row(0) == (
        hourly.height, hourly.height, hourly.height)
    assert hourly.select(pl.col("Timlön", "Arbetade timmar").null_count()).row(0) == (0, 0)
    assert (hourly["Anställningsform"] == "Timanställning").all()
    assert (monthly["Faktisk sysselsättningsgrad"] <= monthly["Sysselsättningsgrad"]).all()
    assert monthly["Sysselsättningsgrad"].is_between(1, 100).all()
    assert hourly["Arbetade timmar"].is_between(0, 160).all()
    assert hourly["Timlön"].is_between(120, 220).all()  # about 125-135 kr in 2015


def test_dates_are_in_order(employment):
    assert (employment["Första anställningsdag"] <= employment["Anställningsdatum"]).all()
    assert (employment["Anställningsdatum"] <= employment["Mätdatum"]).all()
    assert (employment["Första anställningsdag"] < employment["Anställningsdatum"]).any()


def test_managers_and_the_manager_links(employment):
    managers = employment.filter(pl.col("Chef") == "Ja")
    assert managers["Chef"].len() > 0
    assert managers["SSYK"].str.starts_with("1").all()
    assert (managers["Löneform"] == "Månadslön").all()
    assert employment.filter(pl.col("Chef").is_not_null())["Chef"].unique().to_list() == ["Ja"]
    links = employment.filter(pl.col("Chefens anst.nr").is_not_null()).join(
        managers.select("year", pl.col("Anställningsnummer").alias("Chefens anst.nr"),
                        pl.lit(True).alias("found")),
        on=["year", "Chefens anst.nr"], how="left")
    assert links["found"].null_count() == 0  # every link points at a manager that year
    heads = by_year(managers.filter(pl.col("Chefens anst.nr").is_null()), pl.len())
    assert all(n == len(FORVALTNINGAR) for n in heads.values())  # one head per förvaltning


# --- trends --------------------------------------------------------------------------------

def test_full_time_share_rises(employment):
    persons = employment.filter(MONTHLY).group_by("year", "Personnummer").agg(
        pl.col("Sysselsättningsgrad").sum().clip(upper_bound=100).alias("rate"))
    share = by_year(persons, 100 * (pl.col("rate") >= 100).mean())
    assert 50 <= share[2015] <= 62
    assert 70 <= share[2025] <= 82
    assert share[2015] < share[2018] < share[2021] < share[2025]  # Heltid som norm from 2016
    assert share[2025] - share[2015] >= 10


def test_hourly_paid_persons_in_november_fall(employment):
    working = employment.filter(HOURLY & (pl.col("Arbetade timmar") > 0))
    persons = by_year(working, pl.col("Personnummer").n_unique())
    assert 380 <= persons[2015] <= 520
    assert 200 <= persons[2025] <= 320
    assert persons[2025] < persons[2021] < persons[2018] < persons[2015]


def test_women_are_most_managers(employment):
    managers = employment.filter(MONTHLY & (pl.col("Chef") == "Ja")).unique(
        ["year", "Personnummer"])
    share = by_year(managers, 100 * pl.col("woman").mean())
    assert all(55 <= s <= 75 for s in share.values()), share


def test_few_but_more_men_in_preschool(employment):
    staff = employment.filter(MONTHLY & pl.col("SSYK").is_in(["2343", "5311"])).unique(
        ["year", "Personnummer"])
    share = by_year(staff, 100 * (~pl.col("woman")).mean())
    assert all(3 <= s <= 9 for s in share.values()), share
    assert share[2025] > share[2015]


def test_social_workers_pay_spread_and_rising_entry_pay(employment):
    social = employment.filter(MONTHLY & (pl.col("SSYK") == "2661")
                               & (pl.col("Förvaltning") == "Socialtjänst"))
    pay = pl.col("Månadslön (heltid)")
    stats = by_year(social, pl.len(), pay.quantile(0.1, "linear").alias("p10"),
                    pay.quantile(0.9, "linear").alias("p90"))
    for year, (n, p10, p90) in stats.items():
        assert n >= 30, year
        assert p90 / p10 > 1.15, year
    new = social.filter(pl.col("Första anställningsdag")
                        > pl.col("Mätdatum").dt.offset_by("-12mo"))
    entry = by_year(new, pl.len(), pay.median().alias("median"))
    # the dashboard shows this median only from 10 persons (metrics/mission.py)
    assert all(n >= 10 for n, _ in entry.values()), entry
    assert entry[2025][1] > entry[2018][1] > entry[2015][1]


def test_workforce_is_mostly_women_with_a_visible_60_64_group(employment):
    persons = employment.unique(["year", "Personnummer"])
    women = by_year(persons, 100 * pl.col("woman").mean())
    assert all(76 <= s <= 84 for s in women.values()), women
    older = by_year(persons, 100 * pl.col("age").is_between(60, 64).mean())
    assert all(s >= 5 for s in older.values()), older


def test_forvaltning_sizes(employment):
    persons = employment.filter(pl.col("year") == 2025).unique("Personnummer")
    share = dict(persons.group_by("Förvaltning").agg(pl.len() / persons.height).rows())
    assert share["Barn och utbildning"] == max(share.values())
    assert 0.25 <= share["Vård och omsorg"] <= 0.35
    assert all(0.04 <= s <= 0.12 for name, s in share.items()
               if name not in {"Barn och utbildning", "Vård och omsorg"})


# --- sick leave and HME ---------------------------------------------------------------------

def test_sick_leave_level_and_pandemic_peak(absence, employment):
    assert absence["År"].unique().sort().to_list() == list(YEARS)
    assert absence.select("År", "Personnummer").is_duplicated().sum() == 0
    ordinary, sick, long = (pl.col("Ordinarie arbetstid (tim)"), pl.col("Sjukfrånvaro (tim)"),
                            pl.col("Varav långtidssjukfrånvaro (tim)"))
    assert absence.filter((long > sick) | (sick > ordinary) | (ordinary <= 0)).height == 0
    rates = dict(absence.group_by("År").agg(100 * sick.sum() / ordinary.sum()).rows())
    assert all(4 <= r <= 10 for r in rates.values()), rates
    assert rates[2021] > rates[2018]
    assert max(rates[y] for y in range(2015, 2020)) < min(rates[y] for y in (2020, 2021, 2022))
    long_share = absence.select(100 * long.sum() / sick.sum()).item()
    assert 30 <= long_share <= 50
    monthly = employment.filter(MONTHLY).select(
        pl.col("year").alias("År"), "Personnummer").unique()
    assert absence.join(monthly, on=["År", "Personnummer"], how="anti").height == 0


def test_hme_covers_every_unit_and_adds_up(hme, employment):
    units = employment.select(pl.col("year").alias("År"), "Enhet").unique()
    assert hme.select("År", "Enhet").sort("År", "Enhet").equals(units.sort("År", "Enhet"))
    mean = (pl.col("Motivationsindex") + pl.col("Ledarskapsindex")
            + pl.col("Styrningsindex")) / 3
    assert hme.select((pl.col("HME totalt") - mean).abs().max()).item() <= 0.1 + 1e-9
    indices = hme.select("Motivationsindex", "Ledarskapsindex", "Styrningsindex", "HME totalt")
    assert indices.min_horizontal().min() >= 0 and indices.max_horizontal().max() <= 100
    assert (hme["Antal svarande"] <= hme["Antal inbjudna"]).all()
    assert (hme["Antal svarande"] <= 4).any()
    response = hme["Antal svarande"].sum() / hme["Antal inbjudna"].sum()
    assert 0.7 <= response <= 0.9
    yearly = dict(hme.group_by("År").agg(pl.col("HME totalt").mean()).rows())
    assert yearly[2021] < yearly[2019] and yearly[2025] > yearly[2021]
