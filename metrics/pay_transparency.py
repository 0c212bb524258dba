"""The yearly pay-gap report (lönerapport, issue 23): the figures of the Pay Transparency
Directive (EU 2023/970) Art. 9(1)(a)-(g), as the Discrimination Act's chapter on pay
transparency takes them over, computed from the yearly pay extract (`pay_year`). No Streamlit:
the page, the CLI (`python -m metrics lonerapport`), the Excel for DO and the PDF call these.

Definitions (docs/pay-transparency.md has them in full, with the articles):

- A person's *hourly pay* is the year's gross pay divided by the hours paid: basic pay plus the
  complementary and variable components (OB, jour, beredskap, overtime, other supplements),
  over `hours_paid`. Persons without hours paid, and persons of unknown gender, are left out
  (counted in `Report.excluded`).
- A *pay gap* is (men's pay - women's pay) / men's pay x 100, on the mean or on the median: a
  positive gap means that women are paid less.
- The gaps in complementary and variable components (Art. 9(1)(b), (d)) are computed among the
  persons who received such pay in the year (hourly: the components over hours paid); how many
  women and men received them is Art. 9(1)(e).
- Quartile pay bands (Art. 9(1)(f)): the persons ranked by hourly pay, lowest first, split in
  four bands of equal size (the first bands take one more person when the count does not divide
  by four); a band's shares are of its women and men.
- Categories of workers (Art. 9(1)(g)): per category, the mean hourly basic pay and the mean
  hourly complementary pay (over everyone in the category, so that they add up to the pay
  level) by gender, and their gaps; a category is flagged when the gap in its mean hourly pay
  is `settings.pay_gap_flag` percent or more either way (Art. 10's joint pay assessment).

A person's category and value level come from the extract's own columns, else from the
analyst's table of occupations (metrics/pay_survey.py), else the person's befattning (or SSYK
code) is the category, without a value level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

import settings
import store
from pipelines import schema

WOMEN, MEN = "K", "M"

# The persons of a year: one row each, with category, value level and hourly pay. The
# category rule of an occupation is its newest version (pay_category_rule); the extract's own
# category wins, and a value level from the rules goes with a category from the rules only.
_PERSONS = f"""
WITH rule AS (
    SELECT occupation, category, value_level FROM (
        SELECT *, row_number() OVER (PARTITION BY occupation ORDER BY version DESC) AS newest
        FROM pay_category_rule)
    WHERE newest = 1 AND NOT removed
)
SELECT p.year, p.person_key, p.gender, p.forvaltning, p.ssyk_code, p.job_title,
       coalesce(nullif(trim(p.work_category), ''), by_title.category, by_code.category,
                p.job_title, 'SSYK ' || p.ssyk_code, 'Okänd') AS category,
       CASE WHEN nullif(trim(p.work_category), '') IS NOT NULL THEN p.value_level
            ELSE coalesce(p.value_level, by_title.value_level, by_code.value_level)
       END AS value_level,
       p.basic_pay,
       coalesce(p.complementary_pay,
                CASE WHEN coalesce({", ".join(schema.PAY_COMPONENTS)}) IS NOT NULL
                     THEN {" + ".join(f"coalesce({c}, 0)" for c in schema.PAY_COMPONENTS)}
                END) AS complementary_pay,
       p.hours_paid
FROM pay_year p
LEFT JOIN rule by_title ON by_title.occupation = p.job_title
LEFT JOIN rule by_code ON by_code.occupation = p.ssyk_code
WHERE $year IS NULL OR p.year = $year
"""


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years the store has pay data for, oldest first."""
    return store.read(con, "SELECT DISTINCT year FROM pay_year ORDER BY year")["year"].to_list()


def persons(con: duckdb.DuckDBPyConnection, year: int | None) -> pl.DataFrame:
    """One row per person with pay in `year` (None: every year, a row per person and year):
    year, person_key, gender (K, M or null), forvaltning, ssyk_code, job_title, category,
    value_level, basic_pay, complementary_pay (null for every person of a year whose extracts
    had no complementary column; a blank of a file that had one is 0), hours_paid, and the
    hourly pay: hourly (basic and complementary), hourly_basic, hourly_complementary (null
    where hours_paid is 0)."""
    frame = store.read(con, _PERSONS, {"year": year})
    given = pl.col("complementary_pay").is_not_null().any().over("year")
    hours = pl.when(pl.col("hours_paid") > 0).then(pl.col("hours_paid"))
    return frame.with_columns(
        pl.when(given).then(pl.col("complementary_pay").fill_null(0.0))
        .alias("complementary_pay"),
    ).with_columns(
        ((pl.col("basic_pay") + pl.col("complementary_pay").fill_null(0.0)) / hours)
        .alias("hourly"),
        (pl.col("basic_pay") / hours).alias("hourly_basic"),
        (pl.col("complementary_pay") / hours).alias("hourly_complementary"),
    )


def counted(frame: pl.DataFrame) -> pl.DataFrame:
    """The persons a report counts: known gender and hours paid."""
    return frame.filter(pl.col("gender").is_in([WOMEN, MEN]) & pl.col("hourly").is_not_null())


def gap(men: float | None, women: float | None) -> float | None:
    """(men - women) / men x 100; None when either is missing or men's is 0."""
    if men is None or women is None or men == 0:
        return None
    return (men - women) / men * 100


@dataclass(frozen=True)
class Category:
    category: str
    value_level: int | None
    women: int
    men: int
    mean_basic: dict[str, float | None]
    """Mean hourly basic pay, {"K": ..., "M": ...}."""
    mean_complementary: dict[str, float | None]
    """Mean hourly complementary pay over everyone in the category (None: no data)."""
    mean_gap: float | None
    """The gap in mean hourly pay (basic and complementary)."""
    mean_gap_basic: float | None
    mean_gap_complementary: float | None
    flagged: bool
    """mean_gap is settings.pay_gap_flag or more, either way."""


@dataclass(frozen=True)
class Band:
    women: int
    men: int
    lowest: float
    highest: float
    """The band's lowest and highest hourly pay (kr)."""

    @property
    def women_share(self) -> float:
        return self.women / (self.women + self.men) * 100

    @property
    def men_share(self) -> float:
        return self.men / (self.women + self.men) * 100


@dataclass(frozen=True)
class Report:
    year: int
    women: int
    men: int
    excluded: int
    """Persons with pay in the year left out: unknown gender, or no hours paid."""
    mean_gap: float | None
    median_gap: float | None
    mean_gap_complementary: float | None
    median_gap_complementary: float | None
    receiving_complementary: dict[str, float | None]
    """The share (%) of women and of men who received complementary or variable pay."""
    receiving: dict[str, int]
    """How many women and men received it."""
    quartiles: list[Band]
    """Four bands, lowest first (fewer when there are fewer than four persons)."""
    categories: list[Category] = field(default_factory=list)
    complementary_given: bool = True
    """False when the year's extracts had no complementary or variable pay at all."""
    min_n: int = 0
    """The threshold under which a figure rests on too few persons (settings.min_n_pay)."""

    def json(self) -> dict:
        """The report as the CLI's JSON (percent, unrounded)."""
        return {
            "year": self.year, "women": self.women, "men": self.men, "excluded": self.excluded,
            "mean_gap": self.mean_gap, "median_gap": self.median_gap,
            "mean_gap_complementary": self.mean_gap_complementary,
            "median_gap_complementary": self.median_gap_complementary,
            "receiving_complementary": self.receiving_complementary,
            "quartiles": [{"women_share": b.women_share, "men_share": b.men_share,
                           "women": b.women, "men": b.men, "lowest_hourly": b.lowest,
                           "highest_hourly": b.highest} for b in self.quartiles],
            "categories": [{"category": c.category, "value_level": c.value_level,
                            "women": c.women, "men": c.men, "mean_gap": c.mean_gap,
                            "mean_gap_basic": c.mean_gap_basic,
                            "mean_gap_complementary": c.mean_gap_complementary,
                            "flagged": c.flagged} for c in self.categories],
        }


def report(con: duckdb.DuckDBPyConnection, year: int) -> Report:
    """The report's figures for `year` (see the module docstring)."""
    everyone = persons(con, year)
    frame = counted(everyone)
    counts = {g: frame.filter(pl.col("gender") == g).height for g in (WOMEN, MEN)}
    given = frame["complementary_pay"].is_not_null().any()
    recipients = frame.filter(pl.col("complementary_pay") > 0)
    receiving = {g: recipients.filter(pl.col("gender") == g).height for g in (WOMEN, MEN)}
    found = _gaps_by_year(frame)
    gaps = found.row(0, named=True) if found.height else dict.fromkeys(GAPS)
    return Report(
        year=year, women=counts[WOMEN], men=counts[MEN],
        excluded=everyone.height - frame.height,
        **{name: gaps[name] for name in GAPS},
        receiving_complementary={g: (receiving[g] / counts[g] * 100 if given and counts[g]
                                     else None) for g in (WOMEN, MEN)},
        receiving=receiving,
        quartiles=quartiles(frame),
        categories=categories(frame),
        complementary_given=bool(given),
        min_n=settings.get().min_n_pay,
    )


def quartiles(frame: pl.DataFrame) -> list[Band]:
    """The quartile pay bands of hourly pay, lowest first (ties ordered by person key, so
    that the bands do not depend on the file's order)."""
    ranked = frame.sort("hourly", "person_key").with_row_index("rank")
    n = ranked.height
    if n == 0:
        return []
    # band sizes n // 4, the first n % 4 bands one more: 7 persons are 2, 2, 2, 1
    sizes = [n // 4 + (i < n % 4) for i in range(4)]
    starts = [sum(sizes[:i]) for i in range(1, 4)]
    bands = ranked.with_columns(
        pl.sum_horizontal(pl.col("rank") >= start for start in starts).alias("band"))
    out = []
    for part in bands.partition_by("band", maintain_order=True):
        out.append(Band(women=part.filter(pl.col("gender") == WOMEN).height,
                        men=part.filter(pl.col("gender") == MEN).height,
                        lowest=part["hourly"].min(), highest=part["hourly"].max()))
    return out


def _gap_expr(column: str) -> pl.Expr:
    """gap() of the columns `column`_M and `column`_K."""
    men, women = pl.col(f"{column}_{MEN}"), pl.col(f"{column}_{WOMEN}")
    return pl.when(men != 0).then((men - women) / men * 100)


def _by_gender_exprs(column: str, how: str) -> list[pl.Expr]:
    """The mean or median of `column` for women and for men, as `column`_K and `column`_M."""
    return [getattr(pl.col(column).filter(pl.col("gender") == g), how)().alias(f"{column}_{g}")
            for g in (WOMEN, MEN)]


def categories(frame: pl.DataFrame) -> list[Category]:
    """Art. 9(1)(g) per category of workers, ordered by value level (highest first, none
    last) and name."""
    flag = settings.get().pay_gap_flag
    grouped = frame.group_by("category").agg(
        pl.col("value_level").drop_nulls().mode().min().alias("value_level"),
        (pl.col("gender") == WOMEN).sum().alias("women"),
        (pl.col("gender") == MEN).sum().alias("men"),
        *_by_gender_exprs("hourly", "mean"), *_by_gender_exprs("hourly_basic", "mean"),
        *_by_gender_exprs("hourly_complementary", "mean"),
    ).with_columns(_gap_expr("hourly").alias("mean_gap"),
                   _gap_expr("hourly_basic").alias("mean_gap_basic"),
                   _gap_expr("hourly_complementary").alias("mean_gap_complementary"))
    out = [Category(
        category=row["category"], value_level=row["value_level"], women=row["women"],
        men=row["men"],
        mean_basic={g: row[f"hourly_basic_{g}"] for g in (WOMEN, MEN)},
        mean_complementary={g: row[f"hourly_complementary_{g}"] for g in (WOMEN, MEN)},
        mean_gap=row["mean_gap"], mean_gap_basic=row["mean_gap_basic"],
        mean_gap_complementary=row["mean_gap_complementary"],
        flagged=row["mean_gap"] is not None and abs(row["mean_gap"]) >= flag)
        for row in grouped.iter_rows(named=True)]
    return sorted(out, key=lambda c: (c.value_level is None, -(c.value_level or 0), c.category))


GAPS = ("mean_gap", "median_gap", "mean_gap_complementary", "median_gap_complementary")
"""The report's four gaps, Art. 9(1)(a)-(d)."""


def _gaps_by_year(frame: pl.DataFrame) -> pl.DataFrame:
    """Per year of `frame` (counted persons): year, women, men and the four GAPS, the gaps in
    complementary pay among those who received it."""
    recipients = frame.filter(pl.col("complementary_pay") > 0)
    gaps = frame.group_by("year").agg(
        (pl.col("gender") == WOMEN).sum().cast(pl.Int64).alias("women"),
        (pl.col("gender") == MEN).sum().cast(pl.Int64).alias("men"),
        *_by_gender_exprs("hourly", "mean"),
        *(e.alias(f"median_{e.meta.output_name()}")
          for e in _by_gender_exprs("hourly", "median")))
    supplements = recipients.group_by("year").agg(
        *_by_gender_exprs("hourly_complementary", "mean"),
        *(e.alias(f"median_{e.meta.output_name()}")
          for e in _by_gender_exprs("hourly_complementary", "median")))
    return (
        gaps.join(supplements, on="year", how="left")
        .select(pl.col("year").cast(pl.Int32), "women", "men",
                _gap_expr("hourly").alias("mean_gap"),
                _gap_expr("median_hourly").alias("median_gap"),
                _gap_expr("hourly_complementary").alias("mean_gap_complementary"),
                _gap_expr("median_hourly_complementary").alias("median_gap_complementary"))
        .sort("year")
    )


def trend(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The gaps of every year with pay data, as report() computes them for one year: year,
    women, men, mean_gap, median_gap, mean_gap_complementary, median_gap_complementary."""
    return _gaps_by_year(counted(persons(con, None)))


def few(count: int, k: int) -> bool:
    """The product's numerator rule: 1 to k - 1 persons (none is not a person)."""
    return 0 < count < k


def too_few(report: Report, k: int | None = None) -> dict[str, bool]:
    """Which of the report's figures rest on too few persons (k: settings.min_n_pay) and are
    not shown to viewers (the committee's summary): "gap" (the mean and median gaps: fewer
    than k women or men), "complementary" (the gaps in complementary pay: fewer than k women
    or men receiving it), "receiving" (the shares receiving it: 1 to k - 1 women or men
    receiving it or not), "quartiles" (the bands: any band with 1 to k - 1 women or men; all
    four together, since each is the total less the other three). The report to DO and the
    analyst's pages show them all, with this as the note."""
    k = report.min_n if k is None else k
    genders = (WOMEN, MEN)
    counts = {WOMEN: report.women, MEN: report.men}
    return {
        "gap": any(counts[g] < k for g in genders),
        "complementary": any(report.receiving[g] < k for g in genders),
        "receiving": any(few(report.receiving[g], k) or few(counts[g] - report.receiving[g], k)
                         for g in genders),
        "quartiles": any(few(band.women, k) or few(band.men, k) for band in report.quartiles),
    }


def category_too_few(category: Category, k: int) -> bool:
    """A category's figures rest on fewer than k women or men."""
    return category.women < k or category.men < k


def trend_too_few(frame: pl.DataFrame, k: int | None = None) -> pl.DataFrame:
    """trend()'s frame with `too_few`: the year's gaps rest on fewer than k women or men (k:
    settings.min_n_pay), as too_few()'s "gap" says of one year."""
    k = settings.get().min_n_pay if k is None else k
    return frame.with_columns(((pl.col("women") < k) | (pl.col("men") < k)).alias("too_few"))


def committee_trend(frame: pl.DataFrame, k: int | None = None) -> pl.DataFrame:
    """The trend of the gaps in hourly pay as the committee sees it: year, mean_gap,
    median_gap (null in a year whose gaps rest on too few persons), too_few."""
    marked = trend_too_few(frame, k)
    hidden = pl.col("too_few")
    return marked.select(
        "year",
        *(pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("mean_gap", "median_gap")),
        "too_few")
