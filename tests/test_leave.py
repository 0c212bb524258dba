"""Leave: a leave rate, a full-leave flag or a leave reason is read into the store's
on_full_leave (and the actual rate), and each metric counts persons on full leave as its record
says (metrics.definition.LEAVE_TEXT): anställda or sysselsatta."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import store
from metrics import registry
from metrics.compute import compute
from metrics.definition import LEAVE_EXCLUDED, LEAVE_INCLUDED, LEAVE_TEXT
from pipelines.load import ingest
from tests.extracts import csv_bytes, personnummer

DAY = "2025-11-01"


def extract(leave_header: str | None, leave: list[str], rates: list[str] | None = None,
            extra: dict[str, list[str]] | None = None) -> bytes:
    """Monthly-paid persons in one förvaltning, contracted 100 % unless `rates` says."""
    n = len(leave)
    columns = {
        "Mätdatum": [DAY] * n,
        "Personnummer": [personnummer(1970 + i, i, "K" if i % 2 else "M") for i in range(n)],
        "Anställningsnummer": [f"A{i}" for i in range(n)],
        "Förvaltning": ["Vård"] * n,
        "Anställningsform": ["Tillsvidare"] * n,
        "Löneform": ["Månadslön"] * n,
        "Sysselsättningsgrad": rates or ["100"] * n,
        **({leave_header: leave} if leave_header else {}),
        **(extra or {}),
    }
    return csv_bytes(pl.DataFrame(columns))


def stored(con) -> list[tuple]:
    return store.read(con, "SELECT employment_id, actual_rate, on_full_leave, leave_reason "
                           "FROM employment ORDER BY employment_id").rows()


def test_a_leave_rate_gives_the_actual_rate_and_full_leave(con):
    data = extract("Ledighetsgrad", ["", "40", "100", "80", "50 %"],
                   rates=["100", "100", "100", "80", "100"])
    report = ingest(con, [("ledighet.csv", data)])
    assert report.loaded, report.findings
    assert stored(con) == [("A0", 100.0, False, None), ("A1", 60.0, False, None),
                           ("A2", 0.0, True, None), ("A3", 0.0, True, None),
                           ("A4", 50.0, False, None)]


@pytest.mark.parametrize("header", ["Helt ledig", "Helt tjänstledig", "Heltidsledig"])
def test_a_full_leave_flag(con, header):
    report = ingest(con, [("flagga.csv", extract(header, ["Ja", "", "Nej", "X"]))])
    assert report.loaded, report.findings
    assert [row[2] for row in stored(con)] == [True, False, False, True]


def test_an_actual_rate_of_zero_is_full_leave(con):
    data = extract("Faktisk sysselsättningsgrad", ["0", "100", "0", "75"],
                   rates=["100", "100", "0", "100"])
    assert ingest(con, [("faktisk.csv", data)]).loaded
    # A2 has a contracted rate of 0 as well: no leave, no work (not full leave)
    assert [row[2] for row in stored(con)] == [True, False, False, False]


@pytest.mark.parametrize(("written", "reason"), [
    ("Föräldraledig", "parental"), ("Föräldraledighet", "parental"),
    ("Tjänstledig", "leave_of_absence"), ("TJL", "leave_of_absence"),
    ("Studieledig", "studies"), ("Sjukersättning", "sickness_compensation"),
    ("Annan ledighet", "other"), ("Övrig ledighet", "other"),
])
def test_leave_reasons_are_recognised(con, written, reason):
    data = extract("Ledighetsorsak", [written, ""], extra={"Helt ledig": ["Ja", "Nej"]})
    report = ingest(con, [("orsak.csv", data)])
    assert report.loaded and not report.warnings, report.findings
    assert stored(con) == [("A0", None, True, reason), ("A1", None, False, None)]


def test_a_reason_without_extent_is_said_and_counted_as_at_work(con):
    report = ingest(con, [("orsak.csv", extract("Ledighetsorsak", ["Föräldraledig", "", ""]))])
    assert report.loaded
    (warning,) = report.warnings
    assert warning.column == "Ledighetsorsak" and "1 rader har en ledighetsorsak" in \
        warning.message and "räknas som i arbete" in warning.message
    assert [row[2:] for row in stored(con)] == [(None, "parental"), (None, None), (None, None)]


def test_a_reason_with_a_blank_leave_rate_is_full_leave_and_said(con, monkeypatch):
    """A file that records leave as a percentage: a reason with the percentage blank reads as
    full leave (A0, A3), and the upload names the file, the rows (CSV lines 2 and 5) and the
    column. A reason with a percentage (A2) is partial leave, as said; no reason, no leave."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    data = extract("Ledighetsorsak", ["Föräldraledig", "", "Tjänstledig", "Studieledig"],
                   extra={"Ledighetsgrad": ["", "", "50", ""]})
    report = ingest(con, [("orsak.csv", data)])
    assert report.loaded, report.findings
    assert stored(con) == [("A0", 0.0, True, "parental"), ("A1", 100.0, False, None),
                           ("A2", 50.0, False, "leave_of_absence"), ("A3", 0.0, True, "studies")]
    assert [(w.file, w.row, w.column) for w in report.warnings] == [
        ("orsak.csv", 2, "Ledighetsorsak"), ("orsak.csv", 5, "Ledighetsorsak")]
    assert all("Ledighetsgrad är tom" in w.message and "räknas som helt ledig" in w.message
               for w in report.warnings)
    # sysselsatta: A1 at 100 % and A2 at 50 %; the two on leave are not working full time
    assert compute(con, "full_leave_persons").select("n", "value").rows() == [(2, 2)]
    assert compute(con, "working_full_time_share").select("n", "value").rows() == [(2, 50.0)]


def test_a_reason_with_a_blank_leave_rate_and_no_flag_is_at_work_with_no_actual_rate(con):
    """With a Helt ledig column the flag decides: A0 is flagged (full leave, nothing to say);
    A1 is not, so at work, but its actual rate is unknown rather than its contracted 100 %,
    and the upload names the row (CSV line 3)."""
    data = extract("Ledighetsorsak", ["Föräldraledig", "Föräldraledig", ""],
                   extra={"Ledighetsgrad": ["", "", "25"], "Helt ledig": ["Ja", "", ""]})
    report = ingest(con, [("flagga.csv", data)])
    assert report.loaded, report.findings
    # (A0's actual rate is its contracted rate less a blank leave rate, as before this rule:
    # the flag, not the actual rate, says it is on full leave)
    assert stored(con) == [("A0", 100.0, True, "parental"), ("A1", None, False, "parental"),
                           ("A2", 75.0, False, None)]
    (warning,) = report.warnings
    assert (warning.file, warning.row, warning.column) == ("flagga.csv", 3, "Ledighetsorsak")
    assert "Helt ledig är inte markerad" in warning.message


def test_a_reason_with_an_actual_rate_is_what_the_actual_rate_says(con):
    """A file with the actual rate: a reason with it (A0 at 80 %) is partial leave, as said;
    a reason with it blank (A1) is full leave, and said."""
    data = extract("Ledighetsorsak", ["Föräldraledig", "Tjänstledig", ""],
                   extra={"Faktisk sysselsättningsgrad": ["80", "", "100"]})
    report = ingest(con, [("faktisk.csv", data)])
    assert report.loaded, report.findings
    assert stored(con) == [("A0", 80.0, False, "parental"),
                           ("A1", 0.0, True, "leave_of_absence"), ("A2", 100.0, False, None)]
    assert [(w.row, w.column) for w in report.warnings] == [(3, "Ledighetsorsak")]
    assert "Faktisk sysselsättningsgrad är tom" in report.warnings[0].message


def test_an_unknown_reason_is_a_warning_and_the_row_loads(con):
    report = ingest(con, [("orsak.csv", extract("Ledighetsorsak", ["Sabbatsår", ""],
                                                extra={"Helt ledig": ["Ja", ""]}))])
    assert report.loaded
    assert any("Sabbatsår" in w.message and w.row == 2 for w in report.warnings)
    assert stored(con)[0][2:] == (True, None)


def test_metrics_count_full_leave_as_their_records_say(con, monkeypatch):
    """Six persons, all 100 % tillsvidare; A0 and A3 on full leave, A1 on half leave.
    Anställda (headcount, tillsvidare share): 6. Sysselsatta (full-time share, årsarbetare):
    4 persons, of whom A1 (actual 50 %) does not work full time; årsarbetare 1 + 0.5 + 1 + 1."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    data = extract("Ledighetsgrad", ["100", "50", "", "100", "", ""])
    assert ingest(con, [("ledighet.csv", data)]).loaded

    def value(metric_id):
        (row,) = compute(con, metric_id).select("n", "value").rows()
        return row

    assert value("headcount") == (6, 6)
    assert value("full_leave_persons") == (2, 2)
    assert value("full_time_share") == (4, 100.0)  # contracted rates: all 100
    assert value("working_full_time_share") == (4, 75.0)  # A1 works 50 %
    assert value("fte_total") == (4, pytest.approx(3.5))
    assert value("tillsvidare_share") == (6, 100.0)


def test_a_person_with_a_working_employment_is_not_on_full_leave(con, monkeypatch):
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    same = personnummer(1980, 1, "K")
    frame = pl.DataFrame({
        "Mätdatum": [DAY, DAY], "Personnummer": [same, same], "Anställningsnummer": ["B1", "B2"],
        "Förvaltning": ["Vård", "Vård"], "Löneform": ["Månadslön", "Månadslön"],
        "Sysselsättningsgrad": ["50", "50"], "Helt ledig": ["Ja", "Nej"]})
    assert ingest(con, [("två.csv", csv_bytes(frame))]).loaded
    assert compute(con, "full_leave_persons").is_empty()
    # a contract on leave is still a contract: 50 + 50 % contracted is full time
    assert compute(con, "full_time_share")["value"].to_list() == [100.0]


def contracts_on_leave() -> bytes:
    """Five monthly-paid, permanent persons; Ledighetsgrad 100 % is full leave.
    P0: 75 % at work in Vård + 25 % on full leave in Skola: contracted 100, actual 75, Vård.
    P1: 100 % at work in Vård.
    P2: 60 % at work in Vård.
    P3: 100 % on full leave in Vård: on full leave in every contract, out of the population.
    P4: 25 % at work in Vård + 75 % on full leave in Skola: contracted 100, actual 25, Skola
        (its main employment is the 75 % one, on leave or not)."""
    people = [personnummer(1970 + i, i, "K") for i in range(5)]
    rows = [  # person, employment, förvaltning, contracted rate, leave rate
        (0, "A0", "Vård", "75", ""), (0, "B0", "Skola", "25", "25"),
        (1, "A1", "Vård", "100", ""), (2, "A2", "Vård", "60", ""),
        (3, "A3", "Vård", "100", "100"),
        (4, "A4", "Vård", "25", ""), (4, "B4", "Skola", "75", "75"),
    ]
    return csv_bytes(pl.DataFrame({
        "Mätdatum": [DAY] * len(rows),
        "Personnummer": [people[r[0]] for r in rows],
        "Anställningsnummer": [r[1] for r in rows],
        "Förvaltning": [r[2] for r in rows],
        "Anställningsform": ["Tillsvidare"] * len(rows),
        "Löneform": ["Månadslön"] * len(rows),
        "Sysselsättningsgrad": [r[3] for r in rows],
        "Ledighetsgrad": [r[4] for r in rows],
    }))


def test_the_contracted_rate_counts_every_contract_also_one_on_full_leave(con, monkeypatch):
    """Hand-computed on contracts_on_leave: four persons at work (P3 is out). Contracted: P0
    100, P1 100, P2 60, P4 100 -> 3 of 4 full time = 75 %, mean 360 / 4 = 90. Actual: P0 75,
    P1 100, P2 60, P4 25 -> 1 of 4 works full time = 25 %, mean 260 / 4 = 65; gap 75 - 25 = 50.
    The old step dropped the contracts on leave: contracted 75, 100, 60, 25 -> 25 %."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    assert ingest(con, [("avtal.csv", contracts_on_leave())]).loaded

    def value(metric_id, **kwargs):
        return compute(con, metric_id, **kwargs).select("n", "value").rows()

    assert value("full_time_share") == [(4, 75.0)]
    assert value("full_time_share_tillsvidare") == [(4, 75.0)]
    assert value("mean_contracted_rate") == [(4, 90.0)]
    assert value("working_full_time_share") == [(4, 25.0)]  # what is worked: unchanged
    assert value("mean_actual_rate") == [(4, 65.0)]
    assert value("full_time_gap") == [(4, 50.0)]
    # the förvaltning is the main contract's, on leave or not: P4 is in Skola
    by = compute(con, "full_time_share", by=["forvaltning"]).sort("forvaltning")
    assert by.select("forvaltning", "n", "value").rows() == [
        ("Skola", 1, 100.0), ("Vård", 3, pytest.approx(200 / 3))]


def test_every_employment_metric_says_what_it_does_with_leave():
    for metric in registry.METRICS.values():
        if metric.table in ("absence", "hme"):
            assert metric.on_leave is None, metric.id
            continue
        assert metric.on_leave in (LEAVE_EXCLUDED, LEAVE_INCLUDED), metric.id
        assert metric.population_text.endswith(LEAVE_TEXT[metric.on_leave])


def test_a_store_from_before_the_leave_columns_gets_them(tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE employment (snapshot_date DATE NOT NULL, employment_id VARCHAR "
                "NOT NULL, person_key VARCHAR NOT NULL, pay_form VARCHAR NOT NULL, load_id "
                "INTEGER NOT NULL, PRIMARY KEY (snapshot_date, employment_id))")
    old.execute("INSERT INTO employment VALUES (DATE '2025-11-01', 'e1', 'p1', 'monthly', 1)")
    old.close()
    con = store.connect(path)
    assert store.read(con, "SELECT on_full_leave, leave_reason FROM employment").rows() == [
        (None, None)]
    assert compute(con, "headcount")["snapshot_date"].to_list() == [date(2025, 11, 1)]
    con.close()


def team(links: bool) -> bytes:
    """Monthly-paid, 100 %, one unit. Managers C0, C1 at work, C2 on full leave; employees
    E0 E1 E2 (E2 on full leave), E3 E4 E5 E6 (E6 on full leave), E7. With `links`: E0-E2
    report to C0, E3-E6 to C1, E7 to C2; without, the unit's staff are shared."""
    rows = [  # employment, manager flag, closest manager, leave rate
        ("C0", "Ja", "", ""), ("C1", "Ja", "", ""), ("C2", "Ja", "", "100"),
        ("E0", "", "C0", ""), ("E1", "", "C0", ""), ("E2", "", "C0", "100"),
        ("E3", "", "C1", ""), ("E4", "", "C1", ""), ("E5", "", "C1", ""),
        ("E6", "", "C1", "100"), ("E7", "", "C2", ""),
    ]
    n = len(rows)
    return csv_bytes(pl.DataFrame({
        "Mätdatum": [DAY] * n,
        "Personnummer": [personnummer(1970 + i, i, "K" if i % 2 else "M") for i in range(n)],
        "Anställningsnummer": [r[0] for r in rows],
        "Förvaltning": ["Vård"] * n,
        "Enhet": ["Hemtjänst"] * n,
        "Löneform": ["Månadslön"] * n,
        "Sysselsättningsgrad": ["100"] * n,
        "Chef": [r[1] for r in rows],
        **({"Chefens anställningsnummer": [r[2] for r in rows]} if links else {}),
        "Ledighetsgrad": [r[3] for r in rows],
    }))


def test_employees_on_full_leave_are_not_in_a_managers_span(con, monkeypatch):
    """By link: C0 has E0 E1 (E2 on full leave) = 2, C1 has E3 E4 E5 (E6 on leave) = 3, C2
    is on full leave and out: mean 2.5, median 2.5 (counting those on leave: 3 and 4, 3.5)."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    assert ingest(con, [("team.csv", team(links=True))]).loaded
    for statistic in ("mean", "median"):
        assert compute(con, f"employees_per_manager_{statistic}").select(
            "n", "value").rows() == [(2, 2.5)]


def test_a_units_staff_at_work_are_shared_among_its_managers_at_work(con, monkeypatch):
    """Per unit: staff at work E0 E1 E3 E4 E5 E7 = 6, managers at work C0 C1 = 2: 3 each
    (counting those on leave: 8 staff among 3 managers, 2.67 each)."""
    monkeypatch.setenv("PERSONALPANELEN_MIN_CELL", "1")
    assert ingest(con, [("team.csv", team(links=False))]).loaded
    assert compute(con, "employees_per_manager_mean").select("n", "value").rows() == [(2, 3.0)]
