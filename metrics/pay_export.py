"""The yearly pay-gap report (issue 23) as files to hand on: an Excel workbook for the Equality
Ombudsman (DO) and the unions, and the same items as one flat CSV table. The figures are
metrics/pay_transparency.py's `report`, in the order of the Pay Transparency Directive
(EU 2023/970) Art. 9(1)(a)-(g).

Every figure the law asks for is shown: one that rests on fewer than `Report.min_n` women or men
(pay_transparency.too_few, category_too_few) keeps its value and says so in the row's note
("Vilar på färre än 5 kvinnor."), and one that cannot be computed (no complementary pay in the
year's extract, nobody of a gender) is an empty cell whose note says why.

The workbook: "Om rapporten" (municipality, year, when it was made, the definitions, who is
counted, the caveat that DO's reporting form decides), "Lönegap (a–e)", "Kvartiler (f)" and
"Kategorier (g)". Each sheet is one Excel table starting in A1 with a header row, frozen, and
no merged cells (for screen readers; metrics.export.add_table, whose style keeps black text on
a light ground). Percentages are stored rounded to one decimal and hourly pay to
two (kronor), as the cells show them. Every text is a string cell (xlsxwriter with
strings_to_formulas and strings_to_urls off, and write_string), and text a spreadsheet would
run as a formula (a category named "=...") gets a leading apostrophe (metrics.export.neutralise),
so no cell can become a formula (stack-notes §4.1).

The CSV: columns item, description, category, band, women, men, value_percent, note; semicolon
separated, decimal comma, UTF-8 with a BOM (what Swedish Excel opens as it is); string cells
neutralised as the dashboard's CSV export neutralises them (metrics.export.csv_safe).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl
import xlsxwriter

import settings
from metrics import pay_transparency
from metrics.export import (
    HEADER_FORMAT,
    add_table,
    csv_safe,
    export_time,
    municipality_name,
    neutralise,
)
from metrics.pay_transparency import MEN, WOMEN, Category, Report, category_too_few, few, too_few

COVER_SHEET = "Om rapporten"
GAPS_SHEET = "Lönegap (a–e)"
QUARTILES_SHEET = "Kvartiler (f)"
CATEGORIES_SHEET = "Kategorier (g)"
UNNAMED = "Kommunen"
"""What the report calls the municipality when no name is set (settings.municipality)."""
DECIMALS_PERCENT = 1
DECIMALS_KR = 2
CSV_COLUMNS = ("item", "description", "category", "band", "women", "men", "value_percent",
               "note")

WORD = {WOMEN: "kvinnor", MEN: "män"}
COMPLEMENTARY = "kompletterande eller rörliga lönedelar"

# Art. 9(1)(a)-(e), as the sheet "Lönegap (a–e)" and the CSV name them.
ITEM_TEXT = {
    "a": "Löneskillnad mellan könen, medelvärde av timlön",
    "b": f"Löneskillnad mellan könen i {COMPLEMENTARY}, medelvärde per timme (bland dem som "
         "fått sådana)",
    "c": "Löneskillnad mellan könen, median av timlön",
    "d": f"Löneskillnad mellan könen i {COMPLEMENTARY}, median per timme (bland dem som fått "
         "sådana)",
}
RECEIVING_TEXT = {WOMEN: f"Andel av kvinnorna som fått {COMPLEMENTARY}",
                  MEN: f"Andel av männen som fått {COMPLEMENTARY}"}
SHARE_TEXT = {WOMEN: "Andel kvinnor i kvartil {band} (kvartil 1 har lägst timlön)",
              MEN: "Andel män i kvartil {band} (kvartil 1 har lägst timlön)"}
CATEGORY_TEXT = {
    "basic": "Löneskillnad mellan könen i grundlön per timme, medelvärde",
    "complementary": f"Löneskillnad mellan könen i {COMPLEMENTARY} per timme, medelvärde",
    "total": "Löneskillnad mellan könen i timlön (grundlön och tillägg), medelvärde",
}


class NoPayData(ValueError):
    """The store has no pay data for the year asked for; the message is Swedish and names
    the years it has."""


# --- which year ---------------------------------------------------------------------------------


def pay_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years with pay data, oldest first; none in a store made before the pay extract
    existed and opened read-only (it has no pay_year table)."""
    try:
        return pay_transparency.years(con)
    except duckdb.CatalogException:
        return []


def report_year(con: duckdb.DuckDBPyConnection, year: int | None) -> int:
    """`year` when the store has pay data for it, the latest year with pay data when `year`
    is None; else NoPayData."""
    found = pay_years(con)
    if not found:
        raise NoPayData("Databasen har inga lönedata: inget löneuttag är inläst. Läs in ett "
                        "löneuttag först (python -m pipelines ingest FIL).")
    if year is None:
        return found[-1]
    if year not in found:
        raise NoPayData(f"Det finns inga lönedata för {year}. År med lönedata: "
                        + ", ".join(str(y) for y in found) + ".")
    return year


def _report(con: duckdb.DuckDBPyConnection, year: int) -> Report:
    return pay_transparency.report(con, report_year(con, year))


# --- notes --------------------------------------------------------------------------------------


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places) + 0.0  # + 0.0: no "-0.0"


def _rests_on_few(counts: dict[str, int], k: int, who: str = "") -> str | None:
    """'Vilar på färre än k kvinnor (och färre än k män)' + who, for the genders counted 1 to
    k - 1; None when neither is."""
    parts = [f"färre än {k} {WORD[g]}" for g in (WOMEN, MEN) if few(counts[g], k)]
    if not parts:
        return None
    return "Vilar på " + " och ".join(parts) + who + "."


def _none_of(counts: dict[str, int], what: str) -> str | None:
    """'Kan inte räknas: inga kvinnor ...' for a gender counted 0; None when both are there."""
    missing = [WORD[g] for g in (WOMEN, MEN) if counts[g] == 0]
    if not missing:
        return None
    return f"Kan inte räknas: inga {' och inga '.join(missing)} {what}."


def _no_complementary(year: int) -> str:
    return (f"Kan inte räknas: löneuttaget för {year} har inga uppgifter om {COMPLEMENTARY} "
            "(tillägg, OB, jour, beredskap, övertid).")


def _join(*notes: str | None) -> str | None:
    text = " ".join(n for n in notes if n)
    return text or None


@dataclass(frozen=True)
class GapRow:
    """A row of "Lönegap (a–e)": Art. 9(1)(a)-(e)."""
    item: str
    description: str
    value: float | None
    """Percent, unrounded."""
    women: int | None
    men: int | None
    note: str | None


def gap_rows(report: Report) -> list[GapRow]:
    """Art. 9(1)(a)-(e) in the Directive's order; (e) is two rows, women's share and men's."""
    k = report.min_n
    hidden = too_few(report)
    counts = {WOMEN: report.women, MEN: report.men}
    receiving = report.receiving
    counted = "med lön och betalda timmar under året"

    def gap_note(value: float | None) -> str | None:
        if value is None:
            return _none_of(counts, counted) or "Kan inte räknas: männens timlön är 0 kr."
        return _rests_on_few(counts, k) if hidden["gap"] else None

    def complementary_note(value: float | None) -> str | None:
        if not report.complementary_given:
            return _no_complementary(report.year)
        if value is None:
            return (_none_of(receiving, f"fick {COMPLEMENTARY} under året")
                    or f"Kan inte räknas: männens {COMPLEMENTARY} är 0 kr.")
        return (_rests_on_few(receiving, k, f" som fått {COMPLEMENTARY}")
                if hidden["complementary"] else None)

    def receiving_note(gender: str, value: float | None) -> str | None:
        if not report.complementary_given:
            return _no_complementary(report.year)
        if value is None:
            return f"Kan inte räknas: inga {WORD[gender]} {counted}."
        if not hidden["receiving"]:
            return None
        got, total = receiving[gender], counts[gender]
        parts = [f"färre än {k} {WORD[gender]} som fått {COMPLEMENTARY}"
                 if few(got, k) else None,
                 (f"färre än {k} som inte fått dem" if few(got, k) else
                  f"färre än {k} {WORD[gender]} som inte fått {COMPLEMENTARY}")
                 if few(total - got, k) else None]
        parts = [p for p in parts if p]
        return "Vilar på " + " och ".join(parts) + "." if parts else None

    rows = [
        GapRow("a", ITEM_TEXT["a"], report.mean_gap, report.women, report.men,
               gap_note(report.mean_gap)),
        GapRow("b", ITEM_TEXT["b"], report.mean_gap_complementary, receiving[WOMEN],
               receiving[MEN], complementary_note(report.mean_gap_complementary)),
        GapRow("c", ITEM_TEXT["c"], report.median_gap, report.women, report.men,
               gap_note(report.median_gap)),
        GapRow("d", ITEM_TEXT["d"], report.median_gap_complementary, receiving[WOMEN],
               receiving[MEN], complementary_note(report.median_gap_complementary)),
    ]
    for gender in (WOMEN, MEN):
        value = report.receiving_complementary[gender]
        rows.append(GapRow("e", RECEIVING_TEXT[gender], value,
                           report.women if gender == WOMEN else None,
                           report.men if gender == MEN else None,
                           receiving_note(gender, value)))
    return rows


def band_notes(report: Report) -> list[str | None]:
    """The note of each quartile band: which gender it has 1 to k - 1 of."""
    k = report.min_n
    hidden = too_few(report)["quartiles"]
    fewer_than_four = ("Färre än fyra personer: ett band per person."
                       if len(report.quartiles) < 4 else None)
    return [_join(_rests_on_few({WOMEN: band.women, MEN: band.men}, k) if hidden else None,
                  fewer_than_four)
            for band in report.quartiles]


def category_note(category: Category, report: Report) -> str | None:
    """A category's note: nobody of a gender, 1 to k - 1 of one, and a gap that cannot be
    computed (no complementary pay in the extract, none for the men)."""
    k = report.min_n
    counts = {WOMEN: category.women, MEN: category.men}
    nobody = _none_of(counts, "i kategorin")
    if nobody:
        return nobody
    hidden = _rests_on_few(counts, k) if category_too_few(category, k) else None
    basic = None
    if category.mean_gap_basic is None:
        basic = "Skillnaden i grundlön kan inte räknas: männens grundlön är 0 kr."
    complementary = None
    if category.mean_gap_complementary is None:
        complementary = (
            f"Skillnaden i {COMPLEMENTARY} kan inte räknas: "
            + (f"löneuttaget för {report.year} har inga uppgifter om dem."
               if not report.complementary_given else
               "männen i kategorin fick inga sådana."))
    return _join(hidden, basic, complementary)


def flag_text() -> str:
    """The flag's threshold as the report writes it ("5 %")."""
    return f"{settings.get().pay_gap_flag:g} %"


# --- the workbook -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    kind: str = "text"
    """text, wrap (long text), count, integer (a level: no thousands separator), percent,
    kr; a number in a text column is written as an integer aligned as the text, a time as
    a date and time."""


def _cover_rows(con: duckdb.DuckDBPyConnection, report: Report) -> list[tuple[str, object]]:
    k = report.min_n
    flag = flag_text()
    return [
        ("Rapport", "Lönerapport: löneskillnader mellan kvinnor och män enligt EU:s "
                    "lönetransparensdirektiv (direktiv (EU) 2023/970), artikel 9.1 a–g"),
        ("Kommun", municipality_name(con) or UNNAMED),
        ("År", report.year),
        ("Rapporten skapad (svensk tid)", export_time()),
        ("Kvinnor som räknas", report.women),
        ("Män som räknas", report.men),
        ("Personer som inte räknas", report.excluded),
        ("Vilka som räknas", "Alla med lön under året, känt kön och betalda timmar. De som "
                             "inte räknas har okänt kön eller inga betalda timmar."),
        ("Timlön", "Årets utbetalda bruttolön (grundlön och kompletterande eller rörliga "
                   "lönedelar: OB, jour, beredskap, övertid och andra tillägg) delad med årets "
                   "betalda timmar."),
        ("Löneskillnad", "(Männens lön − kvinnornas lön) / männens lön × 100, på medelvärdet "
                         "eller medianen. Ett positivt värde betyder att kvinnorna får mindre "
                         "betalt, ett negativt att männen får det."),
        ("Kompletterande eller rörliga lönedelar (b, d, e)",
         "Skillnaderna i b och d räknas per betald timme bland dem som fått sådana lönedelar "
         "under året. Andelarna i e är andelen av kvinnorna och andelen av männen som fått "
         "sådana."),
        ("Kvartiler (f)", "Alla som räknas ordnas efter timlön, lägst först, och delas i fyra "
                          "lika stora band (kvartil 1 lägst). Andelarna är av bandets kvinnor "
                          "och män."),
        ("Kategorier av arbetstagare (g)",
         "Kategorin är löneuttagets arbetstagarkategori, annars den som lönekartläggningens "
         "tabell över befattningar ger, annars befattningen (eller SSYK-koden). Per kategori "
         "visas kvinnornas och männens genomsnittliga grundlön per timme och kompletterande "
         "eller rörliga lönedelar per timme (över alla i kategorin), och skillnaderna. En "
         f"kategori flaggas när skillnaden i genomsnittlig timlön är {flag} eller mer åt något "
         "håll (då krävs en gemensam lönebedömning, artikel 10)."),
        ("Anmärkningar", f"Alla uppgifter som direktivet kräver visas. En uppgift som vilar på "
                         f"färre än {k} kvinnor eller män har en anmärkning i kolumnen "
                         "Anmärkning, och en uppgift som inte kan räknas är tom med en "
                         "anmärkning om varför. Rapporten kan alltså visa uppgifter om små "
                         "grupper: tänk på det innan den lämnas vidare."),
        ("Värden", "Procent med en decimal, timlöner i kronor med två decimaler."),
        ("Definitionerna", "Definitionerna följer direktivets artikel 9.1 a–g. Kontrollera dem "
                           "mot Diskrimineringsombudsmannens (DO) rapporteringsformulär innan "
                           "rapporten lämnas in."),
        (GAPS_SHEET, "Bladet med löneskillnaderna och andelarna med kompletterande eller "
                     "rörliga lönedelar, artikel 9.1 a–e."),
        (QUARTILES_SHEET, "Bladet med andelen kvinnor och män i varje kvartil, artikel 9.1 f."),
        (CATEGORIES_SHEET, "Bladet med löneskillnaderna per kategori av arbetstagare, uppdelade "
                           "på grundlön och kompletterande eller rörliga lönedelar, "
                           "artikel 9.1 g."),
    ]


def report_xlsx(con: duckdb.DuckDBPyConnection, year: int) -> bytes:
    """The report for `year` as .xlsx bytes (see the module docstring); NoPayData when the
    store has no pay data for the year."""
    report = _report(con, year)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    municipality = municipality_name(con) or UNNAMED
    wb.set_properties({"title": f"Lönerapport {report.year}, {municipality}",
                       "subject": "Löneskillnader mellan kvinnor och män, direktiv (EU) "
                                  "2023/970 artikel 9.1 a–g",
                       "author": municipality, "comments": "Skapad av Personalpanelen"})
    formats = {
        "text": wb.add_format({"valign": "top"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "count": wb.add_format({"num_format": "#,##0", "valign": "top"}),
        "integer": wb.add_format({"num_format": "0", "valign": "top"}),
        "plain": wb.add_format({"num_format": "0", "align": "left", "valign": "top"}),
        "percent": wb.add_format({"num_format": "0." + "0" * DECIMALS_PERCENT,
                                  "valign": "top"}),
        "kr": wb.add_format({"num_format": "#,##0." + "0" * DECIMALS_KR, "valign": "top"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left",
                               "valign": "top"}),
    }
    header = wb.add_format(HEADER_FORMAT)

    def cell(ws, row: int, col: int, value, kind: str) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            ws.write_string(row, col, "Ja" if value else "Nej", formats["text"])
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, formats["date"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                              formats["date"])
        elif isinstance(value, int | float):
            number = kind if kind in ("count", "integer", "percent", "kr") else "plain"
            ws.write_number(row, col, value, formats[number])
        else:
            ws.write_string(row, col, neutralise(str(value)),
                            formats["wrap" if kind == "wrap" else "text"])

    def sheet(name: str, table: str, columns: list[Column], rows: list[list]) -> None:
        """One sheet holding one Excel table, headers in row 1."""
        ws = wb.add_worksheet(name)
        for r, values in enumerate(rows, start=1):
            for c, (column, value) in enumerate(zip(columns, values, strict=True)):
                cell(ws, r, c, value, column.kind)
        add_table(ws, [column.header for column in columns], len(rows), table, header)
        for c, column in enumerate(columns):
            ws.set_column(c, c, column.width)

    sheet(COVER_SHEET, "Om_rapporten",
          [Column("Uppgift", 34, "wrap"), Column("Innehåll", 100, "wrap")],
          [list(row) for row in _cover_rows(con, report)])

    sheet(GAPS_SHEET, "Lonegap_a_e",
          [Column("Uppgift", 60, "wrap"), Column("Artikel 9.1", 11),
           Column("Värde (%)", 11, "percent"), Column("Kvinnor", 10, "count"),
           Column("Män", 10, "count"), Column("Anmärkning", 70, "wrap")],
          [[row.description, row.item, _rounded(row.value, DECIMALS_PERCENT), row.women,
            row.men, row.note] for row in gap_rows(report)])

    bands = [[number, _rounded(band.lowest, DECIMALS_KR), _rounded(band.highest, DECIMALS_KR),
              band.women, band.men, _rounded(band.women_share, DECIMALS_PERCENT),
              _rounded(band.men_share, DECIMALS_PERCENT), note]
             for number, (band, note) in enumerate(zip(report.quartiles, band_notes(report),
                                                       strict=True), start=1)]
    nobody = "Inga personer med lön, känt kön och betalda timmar under året."
    sheet(QUARTILES_SHEET, "Kvartiler_f",
          [Column("Kvartil (1 = lägst)", 12, "count"),
           Column("Lägsta timlön (kr)", 14, "kr"), Column("Högsta timlön (kr)", 14, "kr"),
           Column("Kvinnor", 10, "count"), Column("Män", 10, "count"),
           Column("Andel kvinnor (%)", 13, "percent"), Column("Andel män (%)", 13, "percent"),
           Column("Anmärkning", 60, "wrap")],
          bands or [[None] * 7 + [nobody]])

    categories = [
        [c.category, c.value_level, c.women, c.men,
         _rounded(c.mean_basic[WOMEN], DECIMALS_KR), _rounded(c.mean_basic[MEN], DECIMALS_KR),
         _rounded(c.mean_complementary[WOMEN], DECIMALS_KR),
         _rounded(c.mean_complementary[MEN], DECIMALS_KR),
         _rounded(c.mean_gap_basic, DECIMALS_PERCENT),
         _rounded(c.mean_gap_complementary, DECIMALS_PERCENT),
         _rounded(c.mean_gap, DECIMALS_PERCENT), c.flagged, category_note(c, report)]
        for c in report.categories]
    sheet(CATEGORIES_SHEET, "Kategorier_g",
          [Column("Kategori", 30, "wrap"), Column("Värderingsnivå", 12, "integer"),
           Column("Kvinnor", 10, "count"), Column("Män", 10, "count"),
           Column("Grundlön per timme, kvinnor (kr)", 16, "kr"),
           Column("Grundlön per timme, män (kr)", 16, "kr"),
           Column("Tillägg per timme, kvinnor (kr)", 16, "kr"),
           Column("Tillägg per timme, män (kr)", 16, "kr"),
           Column("Skillnad grundlön (%)", 13, "percent"),
           Column("Skillnad tillägg (%)", 13, "percent"),
           Column("Skillnad totalt (%)", 13, "percent"),
           Column(f"Flaggad (≥ {flag_text()})", 12), Column("Anmärkning", 60, "wrap")],
          categories or [[None] * 12 + [nobody]])

    wb.close()
    return buffer.getvalue()


# --- the CSV ------------------------------------------------------------------------------------


def report_frame(report: Report) -> pl.DataFrame:
    """Art. 9(1)(a)-(g) as one flat table (CSV_COLUMNS), values in percent, unrounded: (a)-(e)
    a row each ((e) one for women and one for men), (f) a row per band and gender, (g) three
    rows per category (basic pay, complementary and variable components, total)."""
    rows = [(r.item, r.description, None, None, r.women, r.men, r.value, r.note)
            for r in gap_rows(report)]
    for number, (band, note) in enumerate(zip(report.quartiles, band_notes(report),
                                              strict=True), start=1):
        for gender, share in ((WOMEN, band.women_share), (MEN, band.men_share)):
            rows.append(("f", SHARE_TEXT[gender].format(band=number), None, number, band.women,
                         band.men, share, note))
    flag = flag_text()
    for c in report.categories:
        note = category_note(c, report)
        flagged = (f"Flaggad: skillnaden i genomsnittlig timlön är {flag} eller mer."
                   if c.flagged else None)
        for part, value in (("basic", c.mean_gap_basic),
                            ("complementary", c.mean_gap_complementary),
                            ("total", c.mean_gap)):
            rows.append(("g", CATEGORY_TEXT[part], c.category, None, c.women, c.men, value,
                         _join(note, flagged if part == "total" else None)))
    return pl.DataFrame(rows, schema={"item": pl.String, "description": pl.String,
                                      "category": pl.String, "band": pl.Int64,
                                      "women": pl.Int64, "men": pl.Int64,
                                      "value_percent": pl.Float64, "note": pl.String},
                        orient="row")


def report_csv(con: duckdb.DuckDBPyConnection, year: int) -> bytes:
    """The report for `year` as CSV bytes (see the module docstring; percent rounded to one
    decimal, as the workbook shows them); NoPayData when the store has no pay data for it."""
    frame = report_frame(_report(con, year)).with_columns(
        pl.col("value_percent").round(DECIMALS_PERCENT) + 0.0)
    buffer = io.BytesIO()
    csv_safe(frame).write_csv(buffer, separator=";", include_bom=True, decimal_comma=True,
                              null_value="")
    return buffer.getvalue()
