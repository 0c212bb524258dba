"""The pay survey's documentation (pack/pay_survey.py): a small pay file loaded through the
real pipeline, a note saved, the PDF read back with pypdf (as tests/test_pack.py reads the
meeting pack): the figures worked out here by hand, the note, the marks for few persons, file
text printed as text, the document's title, language and tags.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl
import pypdf
import pytest

from metrics import pay_survey
from pack import PackError
from pack.pay_survey import survey_pdf
from pipelines.load import ingest
from tests import extracts as ex
from tests import pdf_checks

NBSP = "\u00a0"
CREATED = datetime(2026, 3, 9, 13, 5)
HOURS = 1600
ANALYST = ("anna", "analyst")
INJECTED = "#set page(width: 1cm)"
BOLD = "*bold*"
HEADERS = ["År", "Personnummer", "Förvaltning", "Arbetstagarkategori", "Arbetsvärderingsnivå",
           "Utbetald grundlön", "Betalda timmar"]

# (category, value level, gender, hourly basic pay): the year's basic pay is hourly x 1600 h.
PERSONS = [
    *(("Undersköterska", 3, "K", hourly) for hourly in (180, 182, 184, 186, 188, 190)),
    ("Undersköterska", 3, "M", 200),
    *(("Drifttekniker", 3, "M", hourly) for hourly in (220, 222, 224, 226, 228)),
    (INJECTED, None, "K", 170), (INJECTED, None, "M", 175),
    (BOLD, None, "K", 160), (BOLD, None, "M", 165),
]


def pay_file(persons, year: int = 2025) -> bytes:
    rows = [(str(year), ex.personnummer(1970 + i % 30, i, gender), "Vård och omsorg", category,
             "" if level is None else str(level), str(hourly * HOURS), str(HOURS))
            for i, (category, level, gender, hourly) in enumerate(persons)]
    return ex.csv_bytes(pl.DataFrame(rows, orient="row", schema=HEADERS))


@pytest.fixture
def survey_con(con, monkeypatch):
    """The pay file of PERSONS loaded; k = 5 for pay (the env fixture sets every other
    threshold to 1); no municipality named."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PAY", "5")
    monkeypatch.delenv("PERSONALPANELEN_MUNICIPALITY", raising=False)
    report = ingest(con, [("lon2025.csv", pay_file(PERSONS))])
    assert report.loaded and not report.warnings, report.summary()
    return con


def text_of(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages).replace(NBSP, " ")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def document(survey_con):
    pay_survey.save_note(survey_con, pay_survey.Note(
        2025, "likvärdigt:Undersköterska | Drifttekniker", "action",
        "Höj undersköterskornas löner i löneöversynen 2026.", cost=120000,
        due=date(2026, 4, 1)), ANALYST, at=datetime(2026, 2, 1, 10, 0))
    pay_survey.save_note(survey_con, pay_survey.Note(
        2024, "lika:Undersköterska", "action", "Lönekriterierna ses över.", cost=None,
        due=date(2025, 6, 30), status="done"), ANALYST, at=datetime(2025, 2, 1, 10, 0))
    return text_of(survey_pdf(survey_con, 2025, created=CREATED))


def test_title_municipality_method_and_groups(document):
    _, text = document
    lines = text.splitlines()
    assert "Lönekartläggning 2025" in lines
    assert "Kommun Kommunen" in lines  # no PERSONALPANELEN_MUNICIPALITY set
    assert "Upprättad 2026-03-09" in lines
    assert "Personer i kartläggningen 8 kvinnor och 8 män" in lines
    words = flat(text)
    assert "Så har kartläggningen gjorts" in words
    assert "En grupp där minst 60 % av de anställda är kvinnor." in words
    assert "En skillnad i en grupp på 5 % eller mer, åt något håll, flaggas." in words
    # Undersköterska: women 180..190 kr/h, mean and median 185; one man at 200. Women's share
    # 6/7 = 85,7 % (women-dominated). Difference (200 - 185) / 200 x 100 = 7,5 %, flagged
    # (5 % or more). The man's figures and the difference rest on 1 man < k = 5: marked.
    assert "Undersköterska 3 6 1 85,7 % 185,00 200,00* 185,00 200,00* 7,5 %* Ja" in lines
    # Drifttekniker: five men, 220..228 kr/h, mean and median 224; no women.
    assert "Drifttekniker 3 0 5 0,0 % – 224,00 – 224,00 –" in lines
    # The category named like Typst markup: 170 and 175 kr/h; (175 - 170) / 175 x 100 = 2,857.
    assert f"{INJECTED} – 1 1 50,0 % 170,00* 175,00* 170,00* 175,00* 2,9 %*" in lines
    # "*bold*" with its asterisks: as markup they would vanish and the word be set bold.
    assert f"{BOLD} – 1 1 50,0 % 160,00* 165,00* 160,00* 165,00* 3,0 %*" in lines
    assert "* Bygger på färre än 5 kvinnor eller män." in lines
    assert "Kvinnodominerade grupper (minst 60 % kvinnor): Undersköterska." in words
    assert f"Utan värderingsnivå, inte jämförda för likvärdigt arbete: {INJECTED}, {BOLD}." in (
        words)


def test_work_of_equal_value_and_the_notes(document):
    _, text = document
    lines, words = text.splitlines(), flat(text)
    # Undersköterska's mean over all seven: (6 x 185 + 200) / 7 = 1310 / 7 = 187,142857;
    # Drifttekniker (level 3, not women-dominated) 224. (224 - 187,142857) / 224 x 100 =
    # 16,454 %. Both groups have at least 5 persons: nothing marked.
    assert "Undersköterska 3 85,7 % 187,14 Drifttekniker 3 0,0 % 224,00 16,5 %" in lines
    # The comparison's note, with its cost, date, status and who saved it.
    assert ("Likvärdigt arbete: Undersköterska jämförd med Drifttekniker Skillnad 16,5 % "
            "(medellön Undersköterska: 187,14, Drifttekniker: 224,00 kr/tim) Åtgärd: Höj "
            "undersköterskornas löner i löneöversynen 2026. Kostnad: 120 000 kr · Genomförs "
            "senast: 2026-04-01 · Status: Planerad Registrerad 2026-02-01 av anna") in words
    # The flagged group has no note yet: it says so.
    assert ("Lika arbete: Undersköterska Skillnad 7,5 %* (medellön kvinnor 185,00, män 200,00* "
            "kr/tim) Ingen förklaring eller åtgärd registrerad ännu") in words
    # Last year's action, followed up with its status.
    assert "Uppföljning av åtgärderna från 2024" in lines
    assert ("Lika arbete: Undersköterska Lönekriterierna ses över. – 2025-06-30 Genomförd"
            in words)


def test_the_pay_gap_report_summary(document):
    _, text = document
    words = flat(text)
    # Hourly pay (no supplements in the file): women 180..190, 170, 160: sum 1 440, mean 180;
    # men 200, 220..228, 175, 165: sum 1 660, mean 207,5. (207,5 - 180) / 207,5 x 100 =
    # 13,253 %. Medians: women (182 + 184) / 2 = 183, men (220 + 222) / 2 = 221;
    # (221 - 183) / 221 x 100 = 17,195 %. 8 women and 8 men: not marked.
    assert "Lönerapportens lönegap 2025" in words
    assert "Lönegap, medelvärde 13,3 %" in words
    assert "Lönegap, median 17,2 %" in words
    assert "för 8 kvinnor och 8 män" in words


def test_file_text_is_never_markup_and_the_pdf_is_tagged_swedish(document):
    reader, text = document
    # `#set page(width: 1cm)` evaluated would make every page 1 cm wide: all are A4.
    assert all(round(float(page.mediabox.width)) == 595 for page in reader.pages)
    assert INJECTED in text and BOLD in text
    assert reader.metadata.title == "Lönekartläggning 2025 – Kommunen"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    pages = text.split("Sida ")
    assert len(reader.pages) >= 2 and len(pages) == len(reader.pages) + 1


def test_a_long_table_repeats_its_header(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_N_PAY", "5")
    persons = [(f"Grupp {c:02d}", 1 + c % 5, "K" if j % 2 else "M", 180 + c + j)
               for c in range(60) for j in range(2)]
    assert ingest(con, [("lon.csv", pay_file(persons))]).loaded
    reader, _ = text_of(survey_pdf(con, 2025, created=CREATED))
    texts = [page.extract_text() for page in reader.pages]
    with_table = [t for t in texts if "Grupp 0" in t or "Grupp 5" in t]
    assert len(with_table) >= 2
    assert all("Medellön, kr/tim" in t and "Skillnad Flaggad" in t for t in with_table)


def test_a_year_without_pay_is_refused(survey_con):
    with pytest.raises(PackError, match="ingen lönefil för 2024"):
        survey_pdf(survey_con, 2024)


def test_the_survey_is_pdf_a_and_pdf_ua(survey_con):
    """Issue 24: the survey's documentation is archived and read like the pack."""
    data = survey_pdf(survey_con, 2025, created=CREATED)
    assert pdf_checks.ua_errors(data) == []
    declared = pdf_checks.declared(data)
    assert (declared["pdfaid:part"], declared["pdfaid:conformance"],
            declared["pdfuaid:part"]) == ("2", "A", "1")
