"""Payroll extracts built by the tests: the hand-computed fixture written out as a Swedish
payroll system would export it, plus helpers for synthetic personnummer and file formats."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import xlsxwriter

from tests import employment_fixture as fx


def luhn_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def personnummer(birth_year: int, index: int, gender: str) -> str:
    """A synthetic personnummer 'ÅÅÅÅMMDD-NNNK', valid in form and Luhn digit, unique per
    index, whose second-to-last digit says the gender (odd = man)."""
    month, day = 1 + index % 12, 1 + index % 28
    serial = 10 + (index * 7) % 90
    gender_digit = (index % 5) * 2 + (1 if gender == "M" else 0)
    nine = f"{birth_year % 100:02d}{month:02d}{day:02d}{serial:02d}{gender_digit}"
    return f"{birth_year}{month:02d}{day:02d}-{nine[6:]}{luhn_digit(nine)}"


def fixture_personnummer() -> dict[str, str]:
    """person_key of the fixture -> a personnummer with that person's birth year and gender."""
    genders = dict(zip((r[2] for r in fx.ROWS), (r[3] for r in fx.ROWS), strict=True))
    genders |= {key: gender for key, gender, *_ in fx.ABSENCE_ROWS}
    births = fx.BIRTH_YEARS | {key: year for key, _, year, *_ in fx.ABSENCE_ROWS}
    return {key: personnummer(births[key], i, genders[key])
            for i, key in enumerate(sorted(genders))}


EMPLOYMENT_HEADERS = {
    "snapshot_date": "Mätdatum", "personnummer": "Personnummer",
    "employment_id": "Anställningsnummer", "gender": "Kön", "forvaltning": "Förvaltning",
    "ssyk_code": "SSYK", "employment_form": "Anställningsform", "pay_form": "Löneform",
    "contracted_rate": "Sysselsättningsgrad", "actual_rate": "Faktisk sysselsättningsgrad",
    "monthly_salary_fte": "Månadslön (heltid)", "monthly_salary_actual": "Faktisk lön",
    "hours_worked_month": "Arbetade timmar", "is_manager": "Chef",
    "employment_start": "Anställningsdatum", "first_hire_date": "Första anställningsdag",
    "org_unit": "Enhet", "manager_employment_id": "Chefens anst.nr",
    "development_plan_date": "Utvecklingsplan upprättad",
    "dialogue_date": "Senaste medarbetarsamtal", "key_position": "Nyckelbefattning",
    "successor": "Efterträdare utsedd",
    "education_level": "Utbildningsnivå", "career_step": "Karriärsteg",
}
# Education levels as the extract writes them: in words, and one as its SUN level digit.
_EDUCATION = {"gymnasial": "Gymnasial", "eftergymnasial_lang": "Eftergymnasial 3 år eller längre",
              "eftergymnasial_kort": "4"}
_PAY_FORM = {"monthly": "Månadslön", "hourly": "Timlön"}
_FORM = {"tillsvidare": "Tillsvidareanställning", "visstid": "Visstidsanställning",
         "timanstallning": "Timanställning"}


def fixture_employment() -> pl.DataFrame:
    """The fixture's employment rows as a Swedish extract (text cells, Swedish headers)."""
    numbers = fixture_personnummer()
    frame = fx.frame()
    return frame.select(
        pl.col("snapshot_date").cast(pl.String),
        pl.col("person_key").replace_strict(numbers).alias("personnummer"),
        "employment_id", "gender", "forvaltning", "ssyk_code",
        pl.col("employment_form").replace_strict(_FORM),
        pl.col("pay_form").replace_strict(_PAY_FORM),
        *(pl.col(c).cast(pl.Int64).cast(pl.String) for c in (
            "contracted_rate", "actual_rate", "monthly_salary_fte", "monthly_salary_actual",
            "hours_worked_month")),
        pl.when(pl.col("is_manager")).then(pl.lit("Ja")).otherwise(pl.lit("")).alias("is_manager"),
        pl.col("employment_start").cast(pl.String), pl.col("first_hire_date").cast(pl.String),
        "org_unit", "manager_employment_id",
        pl.col("development_plan_date").cast(pl.String), pl.col("dialogue_date").cast(pl.String),
        *(pl.when(pl.col(c)).then(pl.lit("Ja")).otherwise(pl.lit("")).alias(c)
          for c in ("key_position", "successor")),
        pl.col("education_level").replace_strict(_EDUCATION, default=None), "career_step",
    ).with_columns(
        # An hourly row carries its hours; a monthly row leaves the hours cell blank.
        pl.when(pl.col("pay_form") == "Timlön").then(pl.col("hours_worked_month"))
        .alias("hours_worked_month")
    ).rename(EMPLOYMENT_HEADERS)


def fixture_absence() -> pl.DataFrame:
    numbers = fixture_personnummer()
    return pl.DataFrame(
        [(2025, numbers[key], forvaltning, ordinary, sick, long)
         for key, _, _, forvaltning, ordinary, sick, long in fx.ABSENCE_ROWS],
        schema=["År", "Personnummer", "Förvaltning", "Ordinarie arbetstid (tim)",
                "Sjukfrånvaro (tim)", "Varav långtidssjukfrånvaro (tim)"], orient="row",
    )


def fixture_training() -> pl.DataFrame:
    """Issue 13: the fixture's training rows as the training extract writes them."""
    numbers = fixture_personnummer()
    return pl.DataFrame([(numbers[key], course, day.isoformat())
                         for _, key, course, day in fx.TRAINING_ROWS],
                        schema=["Personnummer", "Kurs", "Kursdatum"], orient="row")


def fixture_crisis() -> pl.DataFrame:
    """Issue 13: the fixture's crisis placements as the register writes them."""
    numbers = fixture_personnummer()
    services = {"skola": "Skola", "vard_och_omsorg": "Vård och omsorg", "annan": "Annan"}
    return pl.DataFrame([(numbers[key], unit, services[service], week)
                         for _, key, unit, service, _, week in fx.CRISIS_ROWS],
                        schema=["Personnummer", "Mottagande enhet", "Kärnverksamhet", "Vecka"],
                        orient="row")


def fixture_hme() -> pl.DataFrame:
    return pl.DataFrame(
        [(2025, *row) for row in fx.HME_ROWS],
        schema=["År", "Enhet", "Förvaltning", "Motivationsindex", "Ledarskapsindex",
                "Styrningsindex", "HME totalt", "Antal svarande", "Antal inbjudna"],
        orient="row",
    )


def csv_bytes(frame: pl.DataFrame, separator: str = ";", encoding: str = "utf-8-sig") -> bytes:
    text = frame.write_csv(separator=separator, null_value="")
    return text.encode(encoding)


def xlsx_bytes(frame: pl.DataFrame, *, title_rows: int = 0, sheet: str = "Uttag") -> bytes:
    """The frame as a workbook; text that looks like a date or number is written as one."""
    return workbook_bytes({sheet: frame}, title_rows=title_rows)


def workbook_bytes(sheets: dict[str, pl.DataFrame], *, title_rows: int = 0) -> bytes:
    """A workbook with one sheet per frame, each written as xlsx_bytes writes one."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"strings_to_numbers": True,
                                      "strings_to_formulas": False}) as workbook:
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for sheet, frame in sheets.items():
            worksheet = workbook.add_worksheet(sheet)
            for row in range(title_rows):
                worksheet.write_string(row, 0, f"Rapport rad {row + 1}")
            worksheet.write_row(title_rows, 0, frame.columns)
            for r, values in enumerate(frame.iter_rows(), start=title_rows + 1):
                for c, value in enumerate(values):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
                        try:
                            worksheet.write_datetime(r, c, date.fromisoformat(value),
                                                     date_format)
                            continue
                        except ValueError:
                            pass
                    worksheet.write(r, c, value)
    return buffer.getvalue()


def small_extract(snapshot: date, persons: int = 40, first: int = 0) -> pl.DataFrame:
    """A plausible small extract: `persons` monthly-paid persons in two förvaltningar."""
    rows = []
    for i in range(first, first + persons):
        gender = "M" if i % 3 == 0 else "K"
        rows.append((snapshot.isoformat(), personnummer(1960 + i % 40, i, gender), f"E{i}",
                     "Barn och utbildning" if i % 2 else "Vård och omsorg",
                     "2343" if i % 4 == 0 else "5321", "Månadslön",
                     "100" if i % 3 else "75", str(30000 + 100 * i), "Ja" if i % 10 == 0 else ""))
    return pl.DataFrame(rows, orient="row", schema=[
        "Mätdatum", "Personnummer", "Anställningsnummer", "Förvaltning", "SSYK", "Löneform",
        "Sysselsättningsgrad", "Månadslön (heltid)", "Chef"])


# --- the fixture in the layouts of the shipped profiles (pipelines/profiles/) ------------------

def _fixture_columns() -> pl.DataFrame:
    """The fixture with what every layout needs: personnummer, a job title, the full-time
    salary (s5's 40 000 at 80 % is 50 000 at full time) and the rate as a fraction."""
    numbers = fixture_personnummer()
    return fx.frame().with_columns(
        pl.col("person_key").replace_strict(numbers).alias("pnr"),
        pl.when(pl.col("is_manager")).then(pl.lit("Enhetschef"))
        .otherwise(pl.col("ssyk_code").replace_strict(
            {"2343": "Förskollärare", "5311": "Barnskötare", "2661": "Socialsekreterare"},
            default="Undersköterska")).alias("title"),
        pl.coalesce("monthly_salary_fte",
                    pl.col("monthly_salary_actual") * 100 / pl.col("contracted_rate"))
        .alias("salary"),
    )


def _text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String)


def fixture_heroma() -> pl.DataFrame:
    f = _fixture_columns()
    monthly = pl.col("pay_form") == "monthly"
    return f.select(
        pl.col("snapshot_date").dt.strftime("%Y%m").alias("Period"),
        pl.col("pnr").str.slice(2).alias("Personnr"),
        pl.col("employment_id").alias("Anst.id"),
        pl.col("gender").replace_strict({"K": "Kvinna", "M": "Man"}).alias("Kön"),
        pl.col("forvaltning").alias("Förvaltning"),
        pl.col("org_unit").alias("Arbetsställe"),
        pl.col("title").alias("Befattningsbenämning"),
        pl.col("ssyk_code").alias("SSYK-kod"),
        pl.col("employment_form").replace_strict(
            {"tillsvidare": "Tillsvidareanställd", "visstid": "Allmän visstidsanställd",
             "timanstallning": "Timavlönad"}).alias("Anställningsform"),
        _text(pl.col("contracted_rate")).str.replace(r"\.", ",").alias("Omfattning %"),
        _text(pl.col("actual_rate")).str.replace(r"\.", ",").alias("Faktisk omfattning %"),
        pl.when(monthly).then(_text(pl.col("salary"))).alias("Månadslön"),
        pl.when(~monthly).then(pl.lit("150,00")).alias("Timlön"),
        pl.when(~monthly).then(_text(pl.col("hours_worked_month"))).alias("Utbetalda timmar"),
        _text(pl.col("employment_start")).alias("Anst. from"),
        _text(pl.col("first_hire_date")).alias("Anställd sedan"),
        pl.col("manager_employment_id").alias("Chefens anst.id"),
    )


def fixture_personec() -> pl.DataFrame:
    f = _fixture_columns()
    monthly = pl.col("pay_form") == "monthly"
    return f.select(
        pl.col("snapshot_date").dt.strftime("%d.%m.%Y").alias("Urvalsdatum"),
        pl.col("pnr").str.replace("-", "").alias("Pnr"),
        pl.col("employment_id").alias("Anstnr"),
        pl.col("forvaltning").alias("Org.nivå 2"),
        pl.col("org_unit").alias("Org.enhet"),
        pl.col("title").alias("Yrke"),
        pl.col("ssyk_code").alias("SSYK"),
        pl.col("employment_form").replace_strict(
            {"tillsvidare": "TV", "visstid": "VI", "timanstallning": "TIM"}).alias("Anst.form"),
        pl.when(monthly).then(pl.lit("M")).otherwise(pl.lit("T")).alias("Lönef."),
        _text(pl.col("contracted_rate") / 100).str.replace(r"\.", ",").alias("Syss.grad"),
        pl.when(monthly).then(_text(pl.col("salary"))).alias("Lön 100%"),
        pl.when(~monthly).then(_text(pl.col("hours_worked_month"))).alias("Timmar"),
        pl.when(pl.col("is_manager")).then(pl.lit("1")).otherwise(pl.lit("0")).alias("Chefskod"),
        pl.when(pl.col("on_full_leave")).then(pl.lit("1")).otherwise(pl.lit("0"))
        .alias("Hel ledighet"),
        _text(pl.col("employment_start")).alias("Fr.o.m."),
    )


def fixture_unit4() -> pl.DataFrame:
    f = _fixture_columns()
    monthly = pl.col("pay_form") == "monthly"
    contract = (
        pl.when(~monthly).then(pl.lit("Casual"))
        .when(pl.col("employment_form") == "visstid").then(pl.lit("Temporary"))
        .when(pl.col("contracted_rate") >= 100).then(pl.lit("Fulltime-Regular"))
        .otherwise(pl.lit("Parttime-Regular"))
    )
    return f.select(
        _text(pl.col("snapshot_date")).alias("Report date"),
        pl.col("pnr").str.slice(2).alias("Personal identity number"),
        pl.col("employment_id").alias("Assignment ID"),
        pl.col("gender").replace_strict({"K": "F", "M": "M"}).alias("Sex"),
        pl.col("forvaltning").alias("Department"),
        pl.col("org_unit").alias("Cost centre"),
        pl.when(pl.col("is_manager")).then(pl.lit("Unit Manager"))
        .otherwise(pl.lit("Staff")).alias("Position"),
        pl.col("ssyk_code").alias("Occupation code"),
        contract.alias("Contract type"),
        pl.when(monthly).then(pl.lit("Salaried")).otherwise(pl.lit("Hourly")).alias("Pay type"),
        _text(pl.col("contracted_rate") / 100).alias("FTE"),
        _text(pl.col("actual_rate") / 100).alias("Actual FTE"),
        pl.when(monthly).then(_text(pl.col("salary") * 12)).alias("Annual salary"),
        pl.when(~monthly).then(_text(pl.col("hours_worked_month"))).alias("Hours paid"),
        _text(pl.col("employment_start")).alias("Assignment start"),
        _text(pl.col("first_hire_date")).alias("Original hire date"),
    )
