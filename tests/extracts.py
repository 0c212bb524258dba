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
}
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
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"strings_to_numbers": True,
                                      "strings_to_formulas": False}) as workbook:
        worksheet = workbook.add_worksheet(sheet)
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for row in range(title_rows):
            worksheet.write_string(row, 0, f"Rapport rad {row + 1}")
        worksheet.write_row(title_rows, 0, frame.columns)
        for r, values in enumerate(frame.iter_rows(), start=title_rows + 1):
            for c, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, str) and len(value) == 10 and value[4] == "-":
                    try:
                        worksheet.write_datetime(r, c, date.fromisoformat(value), date_format)
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
