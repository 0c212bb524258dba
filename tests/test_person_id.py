"""A person identified without a personnummer: an employee number, the HR system's person id
or an id pseudonymised upstream; birth year and gender then come from their own columns or stay
unknown; a personnummer in a column that should not hold one is refused, never stored."""

from __future__ import annotations

import hmac
import re
from datetime import date

import polars as pl
import pytest

import settings
import store
from metrics.compute import compute
from pipelines import profiles, pseudonymise
from pipelines.findings import ERROR
from pipelines.load import ingest
from tests import extracts as ex
from tests.test_pipeline import checksum

S = date(2025, 11, 1)
HEADERS = ["Mätdatum", "Personalnummer", "Anställningsnummer", "Kön", "Födelseår",
           "Förvaltning", "SSYK", "Löneform", "Sysselsättningsgrad", "Månadslön (heltid)",
           "Chef"]
# Ids the way an HR system numbers them: employee numbers per person, and employment ids of
# ten digits that are no personnummer (month 00, so no valid date).
ROWS = [
    # person, employment, gender, born, förvaltning, rate, manager
    ("10001", "4000000001", "K", "1965", "Vård och omsorg", "100", "Ja"),
    ("10002", "4000000002", "M", "1975", "Vård och omsorg", "100", "Ja"),
    ("10003", "4000000003", "K", "1985", "Barn och utbildning", "100", "Ja"),
    ("10004", "4000000004", "K", "1995", "Barn och utbildning", "75", ""),
    ("10005", "4000000005", "M", "1980", "Vård och omsorg", "50", ""),
    ("10005", "4000000006", "M", "1980", "Barn och utbildning", "50", ""),
    ("10006", "4000000007", "K", "2000", "Barn och utbildning", "100", ""),
]


def employee_extract() -> pl.DataFrame:
    return pl.DataFrame(
        [(S.isoformat(), person, employment, gender, born, forvaltning, "5321", "Månadslön",
          rate, "32000", manager)
         for person, employment, gender, born, forvaltning, rate, manager in ROWS],
        orient="row", schema=HEADERS)


def latest(con, metric: str, **kwargs) -> pl.DataFrame:
    return compute(con, metric, **kwargs).filter(pl.col("snapshot_date") == S)


def value(con, metric: str) -> float | None:
    return latest(con, metric)["value"].item()


def test_an_employee_number_with_gender_and_birth_year_gives_the_hand_computed_figures(con):
    """Seven employments of six persons (10005 has two half-time employments), snapshot 2025.

    - headcount: 6 persons (10005 counted once).
    - women's share of managers: managers 10001 (K), 10002 (M), 10003 (K) -> 2 / 3 = 66.67 %.
    - mean age: 2025 - (1965, 1975, 1985, 1995, 1980, 2000) = 60, 50, 40, 30, 45, 25;
      sum 250 / 6 = 41.67 years.
    - full-time share: 10001, 10002, 10003 and 10006 at 100, 10005 at 50 + 50 = 100,
      10004 at 75 -> 5 / 6 = 83.33 %.
    """
    report = ingest(con, [("anstallda.csv", ex.csv_bytes(employee_extract()))])
    assert report.loaded, [str(f) for f in report.findings]
    assert report.readings["anstallda.csv"] == "standardrubrikerna"
    assert value(con, "headcount") == 6
    assert value(con, "managers_women_share") == pytest.approx(200 / 3)
    assert value(con, "mean_age") == pytest.approx(250 / 6)
    assert value(con, "full_time_share") == pytest.approx(500 / 6)
    stored = store.read(con, "SELECT DISTINCT person_key, gender, birth_year FROM employment")
    assert stored.height == 6
    assert sorted(stored["birth_year"].to_list()) == [1965, 1975, 1980, 1985, 1995, 2000]
    assert not set(stored["person_key"]) & {r[0] for r in ROWS}  # keyed, not in clear


def test_without_gender_and_birth_year_they_stay_unknown(con):
    """The same file without Kön and Födelseår: nothing is derived from the id. Headcount is
    still 6; every person's gender is NULL (shown as 'Okänt' in the gender breakdown), the
    women's share of managers has no known gender to count, mean age has no value."""
    frame = employee_extract().drop("Kön", "Födelseår")
    report = ingest(con, [("utan_kon.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    stored = store.read(con, "SELECT gender, birth_year FROM employment")
    assert stored.height == 7
    assert stored["gender"].null_count() == 7 and stored["birth_year"].null_count() == 7
    assert value(con, "headcount") == 6
    by_gender = latest(con, "headcount", by=("gender",))
    assert dict(zip(by_gender["gender"], by_gender["value"], strict=True)) == {"Okänt": 6}
    assert latest(con, "mean_age").filter(pl.col("value").is_not_null()).is_empty()
    assert latest(con, "managers_women_share").filter(pl.col("value").is_not_null()).is_empty()


def test_a_birth_date_gives_the_birth_year(con):
    frame = employee_extract().with_columns(
        (pl.col("Födelseår") + "-06-30").alias("Födelsedatum")).drop("Födelseår")
    report = ingest(con, [("fodelsedatum.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    assert value(con, "mean_age") == pytest.approx(250 / 6)


def test_the_personnummer_identifies_when_both_are_present(con):
    """A file with both: the personnummer is the person (birth year and gender from it), the
    person id is ignored."""
    frame = ex.small_extract(S, persons=4).with_columns(
        pl.Series("Medarbetar-id", ["7", "7", "7", "7"]))
    report = ingest(con, [("bada.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    assert store.read(con, "SELECT DISTINCT person_key FROM employment").height == 4


def test_a_personnummer_in_the_employment_id_is_refused_masked_and_not_stored(con):
    ingest(con, [("forsta.csv", ex.csv_bytes(employee_extract()))])
    before = checksum(con)
    number = ex.personnummer(1970, 4, "K")                     # ÅÅÅÅMMDD-NNNK
    frame = employee_extract().with_columns(
        pl.when(pl.int_range(pl.len()) == 2).then(pl.lit(number))
        .otherwise(pl.col("Anställningsnummer")).alias("Anställningsnummer"))
    report = ingest(con, [("andra.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    [finding] = [f for f in report.errors if "personnummer eller samordningsnummer" in f.message]
    assert (finding.file, finding.row, finding.column) == ("andra.csv", 4, "Anställningsnummer")
    digits = number.replace("-", "")
    for text in [str(f) for f in report.findings] + [report.summary()]:
        assert number not in text and digits not in text and digits[2:] not in text
    assert checksum(con) == before
    everything = repr(store.read(con, "SELECT * FROM employment").rows())
    assert digits[2:8] + digits[8:] not in everything.replace("-", "")


@pytest.mark.parametrize("column", ["Personalnummer", "Förvaltning", "Chef"])
def test_a_personnummer_in_another_column_is_refused(con, column):
    number = ex.personnummer(1982, 7, "M")
    text = number if column == "Personalnummer" else f"Anna {number[2:]}"
    frame = employee_extract().with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(text)).otherwise(pl.col(column))
        .alias(column))
    if column == "Chef":  # a text column by its alias: the title holds the number
        frame = frame.rename({"Chef": "Befattning"})
        column = "Befattning"
    report = ingest(con, [("x.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    assert any(f.severity == ERROR and f.row == 2 and f.column == column
               and "personnummer eller samordningsnummer" in f.message for f in report.findings)
    assert not any(number[2:] in str(f) for f in report.findings)


def test_ten_to_twelve_digit_employee_numbers_that_are_no_personnummer_are_read(con):
    """Valid date but wrong Luhn digit, an impossible date, twelve digits with month 13: all
    ordinary employee numbers."""
    nine = "650101123"
    wrong_luhn = nine + str((ex.luhn_digit(nine) + 1) % 10)
    ids = [wrong_luhn, "6502301234", "196513011234", "4000000004", "4000000005",
           "4000000006", "4000000007"]
    frame = employee_extract().with_columns(pl.Series("Anställningsnummer", ids))
    report = ingest(con, [("nummer.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]


def test_an_employee_number_and_a_personnummer_with_the_same_digits_get_different_keys(con):
    key = pseudonymise.secret(settings.get().secret_path)
    number = ex.personnummer(1965, 0, "K")                      # 19650101-NNNK
    digits = number.replace("-", "")
    as_pnr = pseudonymise.keyed(pseudonymise.checked(
        pl.DataFrame({"personnummer": [number]}), pl.lit(2025)), b"k")
    as_id = pseudonymise.keyed(pseudonymise.identified(
        pl.DataFrame({"person_id": [digits]})), b"k")
    # the documented HMAC inputs: the personnummer's twelve digits (keys of earlier loads
    # stay), a person id prefixed by its kind
    assert as_pnr["person_key"].item() == hmac.new(b"k", digits.encode(), "sha256").hexdigest()
    assert as_id["person_key"].item() == hmac.new(b"k", f"id:{digits}".encode(),
                                                  "sha256").hexdigest()
    assert as_pnr["person_key"].item() != as_id["person_key"].item()

    # through the pipeline: employee number 19650101 and the personnummer 19650101-NNNK
    assert number.startswith("19650101")
    ingest(con, [("pnr.csv", ex.csv_bytes(ex.small_extract(S, persons=1).with_columns(
        pl.lit(number).alias("Personnummer"))))])
    frame = employee_extract().head(1).with_columns(pl.lit("19650101").alias("Personalnummer"),
                                                    pl.lit("2026-11-01").alias("Mätdatum"))
    assert ingest(con, [("id.csv", ex.csv_bytes(frame))]).loaded
    keys = store.read(con, "SELECT snapshot_date, person_key FROM employment ORDER BY 1")
    assert keys["person_key"].n_unique() == 2
    assert key  # the installation key was used (created on first use)


def test_neither_personnummer_nor_person_id_names_both(con):
    frame = employee_extract().drop("Personalnummer")
    report = ingest(con, [("utan_id.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    messages = " ".join(f.message for f in report.errors)
    assert re.search(r"Kolumnen Personnummer eller Person-id saknas i anställningsuttaget\. "
                     r"Kända rubriker: Personnummer, Pnr, Person-id, Medarbetar-id", messages)
    assert report.needs_mapping == ["utan_id.csv"]


def test_a_profile_may_map_the_person_id(con):
    profile = profiles.parse('name = "Egen"\n[columns]\nperson_id = "Löpnr person"\n'
                             'employment_id = "Löpnr"\n', "egen")
    frame = employee_extract().rename({"Personalnummer": "Löpnr person",
                                       "Anställningsnummer": "Löpnr"})
    report = ingest(con, [("egen.csv", ex.csv_bytes(frame))], profile=profile)
    assert report.loaded, [str(f) for f in report.findings]
    assert value(con, "headcount") == 6


def test_one_employee_number_may_be_both_the_person_and_the_employment(con):
    profile = profiles.parse(
        'name = "Ett nummer"\n[columns]\nperson_id = "Anst.nr"\nemployment_id = "Anst.nr"\n',
        "ett")
    frame = employee_extract().filter(pl.col("Anställningsnummer") != "4000000006").drop(
        "Personalnummer").rename({"Anställningsnummer": "Anst.nr"})
    report = ingest(con, [("ett.csv", ex.csv_bytes(frame))], profile=profile)
    assert report.loaded, [str(f) for f in report.findings]
    assert value(con, "headcount") == 6
    assert store.read(con, "SELECT DISTINCT employment_id FROM employment").height == 6


def test_a_blank_person_id_is_refused(con):
    frame = employee_extract().with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("")).otherwise(pl.col("Personalnummer"))
        .alias("Personalnummer"))
    report = ingest(con, [("tom.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    assert any(f.row == 5 and f.column == "Personalnummer" and f.message ==
               "Person-id saknas på raden." for f in report.errors)


@pytest.mark.parametrize("form", ["19710603-1234", "710603-1234", "710663+1234", "197106631234",
                                  "7106631234", "19710663 1234"])
def test_every_form_of_personnummer_and_samordningsnummer_is_masked_in_a_finding(form):
    from pipelines.findings import Finding

    finding = Finding(ERROR, "a.csv", 2, "Titel", f"Okänt värde 'Chef {form}'.")
    assert form not in str(finding) and "[personnummer]" in finding.message


def _glued(number: str) -> list[str]:
    """Employment ids made of a personnummer (ÅÅÅÅMMDD-NNNK) and a running number."""
    digits = number.replace("-", "")
    return [f"{digits}-1", f"{number}_2", f"{digits}2", f"{digits}01", f"{number}1",
            f"{digits[2:8]}-{digits[8:]}3"]


@pytest.mark.parametrize("index", range(6))
def test_a_personnummer_glued_to_a_suffix_in_the_employment_id_is_refused(con, index):
    number = ex.personnummer(1985, 3, "K")
    employment_id = _glued(number)[index]
    frame = employee_extract().with_columns(
        pl.when(pl.int_range(pl.len()) == 2).then(pl.lit(employment_id))
        .otherwise(pl.col("Anställningsnummer")).alias("Anställningsnummer"))
    report = ingest(con, [("glued.csv", ex.csv_bytes(frame))])
    assert not report.loaded
    [finding] = [f for f in report.errors if "personnummer eller samordningsnummer" in f.message]
    assert (finding.row, finding.column) == (4, "Anställningsnummer")
    digits = number.replace("-", "")
    for text in [str(f) for f in report.findings] + [report.summary()]:
        assert digits[2:8] not in text and digits[8:] not in text
    assert store.read(con, "SELECT count(*) AS n FROM employment")["n"].item() == 0


def test_long_employment_ids_that_hold_no_personnummer_are_read(con):
    """Thirteen and fourteen digits whose first twelve are no personnummer (wrong Luhn digit,
    month 13, month 00, no century 18-20), and eleven digits (a ten-digit personnummer with a
    suffix is not read out of an undelimited number: too many ordinary ids look like one)."""
    number = ex.personnummer(1985, 3, "K").replace("-", "")
    wrong_luhn = number[:-1] + str((int(number[-1]) + 1) % 10)
    ids = [wrong_luhn + "1", wrong_luhn + "02", "1985130112341", "2000000000001",
           "4000000000004", "5501011234567", number[2:] + "1"]
    frame = employee_extract().with_columns(pl.Series("Anställningsnummer", ids))
    report = ingest(con, [("langa.csv", ex.csv_bytes(frame))])
    assert report.loaded, [str(f) for f in report.findings]
    found = pseudonymise.stray_personnummer(pl.DataFrame({"row": range(7), "id": ids}), ["id"],
                                            "row", 2025)
    assert found.is_empty()


@pytest.mark.parametrize("text", ["198501011234", "19850101-1234", "8501011234",
                                  "1985010112342", "19850101-123412", "A-198501011234-1"])
def test_a_message_never_shows_a_personnummer_glued_or_not(text):
    from pipelines.personnummer import mask_personnummer

    masked = mask_personnummer(f"Värdet {text} kan inte läsas.")
    assert "1234" not in masked and "[personnummer]" in masked


def test_a_personnummer_in_a_file_name_is_masked_wherever_the_name_goes(con):
    """The name is data the analyst chose; the store, the audit log, the archive, the report and
    the findings know it only masked, with a warning that says so."""
    number = ex.personnummer(1970, 4, "K")
    name = f"anstallda_{number}.csv"
    report = ingest(con, [(name, ex.csv_bytes(employee_extract()))])
    assert report.loaded, report.summary()
    masked = "anstallda_[personnummer].csv"
    assert report.files == [masked]
    [warning] = [f for f in report.findings if f.file == masked and f.row is None]
    assert "personnummer" in warning.message
    digits = number.replace("-", "")
    stored = repr(store.read(con, "SELECT * FROM load_log").rows()) + repr(
        store.read(con, "SELECT * FROM audit_log").rows())
    archived = [p.name for p in settings.get().raw_dir.iterdir()]
    for text in (stored, repr(archived), report.summary(), *map(str, report.findings)):
        assert digits[2:] not in text.replace("-", "")
    assert masked in stored


def test_a_finding_masks_a_personnummer_in_its_file_name():
    from pipelines.findings import Finding

    finding = Finding(ERROR, "lista_19700504-1234.csv", 2, "Kön", "Okänt värde.")
    assert finding.file == "lista_[personnummer].csv"
