"""Hidden characters (pipelines/visible.py): a right-to-left override, a zero-width space or a
stray control character in a file, a file name or a sheet name never reaches the store, the
screen or the pack; the analyst is told which column held them."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

import pack
import store
from metrics import persons
from metrics.compute import compute
from pipelines import visible
from pipelines.load import ingest
from tests import extracts as ex
from tests.test_app import fixture_store, own_store  # noqa: F401  (the AppTest fixtures)
from ui import plain

S = date(2025, 11, 1)
RLO = "\u202e"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
"""Every bidi control: embeddings, overrides, isolates, marks."""
OTHER = "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00\x07\x1b\x7f\x9b"
"""Zero-width space and joiners, word joiner, byte order mark, soft hyphen, C0/C1 controls."""
KEPT = ["Vård och omsorg", "Åsa Öberg-Ängel", "Société générale", "Ñandú", "Łódź",
        "Социальная служба", "خدمات اجتماعی", "שירותים", "社会服务", "Sámi giella",
        "tab\there", "rad\nbrytning\r\n", "a\u00a0b", "😀"]


@pytest.mark.parametrize("hidden", list(BIDI + OTHER), ids=lambda c: f"U+{ord(c):04X}")
def test_each_hidden_character_goes_in_python_and_in_polars(hidden):
    value = f"Social{hidden}tjänst"
    assert visible.text(value) == "Socialtjänst"
    frame = pl.DataFrame({"v": [value]})
    assert frame.select(visible.expr(pl.col("v"))).item() == "Socialtjänst"
    assert frame.select(visible.has_hidden(pl.col("v"))).item()


def test_letters_of_every_script_and_ordinary_whitespace_stay():
    frame = pl.DataFrame({"v": KEPT})
    assert [visible.text(v) for v in KEPT] == KEPT
    assert frame.select(visible.expr(pl.col("v"))).to_series().to_list() == KEPT
    assert not frame.select(visible.has_hidden(pl.col("v")).any()).item()


def test_the_plain_text_helpers_remove_them_too():
    name = f"Vård{RLO} och omsorg\u200b"
    assert RLO not in plain.md(name) and "\u200b" not in plain.md(name)
    assert plain.chart(name) == "Vård och omsorg"


def _extract() -> pl.DataFrame:
    """The small extract, with a right-to-left override in one förvaltning's name (on every
    row of it) and a zero-width space in one job's SSYK code."""
    frame = ex.small_extract(S)
    return frame.with_columns(
        pl.col("Förvaltning").str.replace("Vård och omsorg", f"Vård och {RLO}omsorg"),
        pl.when(pl.int_range(pl.len()) == 4).then(pl.col("SSYK") + "\u200b")
        .otherwise(pl.col("SSYK")).alias("SSYK"))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_loaded_name_is_stored_computed_and_printed_without_them(con, kind):
    data = (ex.csv_bytes(_extract()) if kind == "csv"
            else ex.xlsx_bytes(_extract(), sheet=f"Uttag{RLO}"))
    name = f"november{RLO}vsc.{kind}"
    report = ingest(con, [(name, data)])
    assert report.loaded, [str(f) for f in report.findings]
    stored = store.read(con, "SELECT DISTINCT forvaltning FROM employment ORDER BY 1")
    assert stored["forvaltning"].to_list() == ["Barn och utbildning", "Vård och omsorg"]
    assert store.read(con, "SELECT count(*) AS n FROM employment WHERE ssyk_code = '2343'"
                      )["n"].item() == 10
    assert store.load_log(con)["file_name"].to_list() == [f"novembervsc.{kind}"]
    everything = json.dumps(report.readings) + " ".join(str(f) for f in report.findings)
    assert RLO not in everything and "\u200b" not in everything
    # One warning for the file name, one per column that held hidden characters, naming it
    # and the first row (the header is row 1: the first person is on row 2).
    hidden = {(f.row, f.column) for f in report.warnings if "styrtecken" in f.message}
    assert hidden == {(None, None), (2, "Förvaltning"), (6, "SSYK")}, report.findings
    [counted] = [f for f in report.warnings if f.column == "Förvaltning"]
    assert "20 celler" in counted.message
    by = compute(con, "headcount", by=["forvaltning"])
    assert set(by["forvaltning"].drop_nulls()) == {"Barn och utbildning", "Vård och omsorg"}
    printed, _ = pack.content(con, metric_ids=["headcount"])
    assert "Vård och omsorg" in json.dumps(printed, ensure_ascii=False)
    assert RLO not in json.dumps(printed, ensure_ascii=False)


def test_a_profile_and_a_broken_profile_file_are_named_without_them(env, capsys):
    from pipelines import profiles
    from pipelines.__main__ import main

    folder = profiles.settings.get().profiles_dir
    folder.mkdir(parents=True)
    (folder / "norr.toml").write_text(f'name = "Heroma {RLO}Norr"\ndescription = "a\u200bb"\n'
                                      '[columns]\nperson_id = "Personid"\n', encoding="utf-8")
    (folder / f"trasig{RLO}.toml").write_text("[columns\n", encoding="utf-8")
    loaded = profiles.load(folder / "norr.toml")
    assert (loaded.name, loaded.description) == ("Heroma Norr", "ab")
    [broken] = profiles.broken()
    assert broken.message.startswith("Profilen trasig är ingen giltig TOML-fil")
    path = env / "bra.csv"
    path.write_bytes(ex.csv_bytes(ex.small_extract(S)))
    assert main(["ingest", str(path), "--db", str(env / "s.duckdb")]) == 0
    err = capsys.readouterr().err
    assert "trasig.toml hoppades över" in err and RLO not in err


def test_a_personnummer_split_by_a_hidden_character_in_a_file_name_is_still_masked(con):
    report = ingest(con, [("19800101\u200b-1234.csv", ex.csv_bytes(ex.small_extract(S)))])
    assert report.loaded, [str(f) for f in report.findings]
    assert store.load_log(con)["file_name"].to_list() == ["[personnummer].csv"]
    assert all("1234" not in str(f) for f in report.findings)


@pytest.mark.usefixtures("own_store")
def test_the_upload_page_shows_the_file_and_its_names_without_them():
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, _csv, tables_with, upload

    at = AppTest.from_file(APP, default_timeout=60).run()
    content = _csv("2026-11-01").decode("utf-8").replace(";A;", f";A{RLO};").encode("utf-8")
    upload(at, f"nov{RLO}ember_2026.csv", content)
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for kind in ("success", "warning", "info", "caption", "markdown", "text")
             for e in getattr(at, kind)]
    assert any("ember\\_2026" in s.replace("\u2060", "") for s in shown), shown
    assert not [s for s in shown if RLO in s]
    log = tables_with(at, "Rader")[0]
    assert log.iloc[0]["Fil"] == "november_2026.csv"
    assert not log.map(lambda v: RLO in str(v)).any().any()


def test_a_name_stored_before_they_were_removed_is_printed_and_offered_without_them(con,
                                                                                   monkeypatch):
    # A store loaded before pipelines/visible.py existed may hold the override in a name.
    import typst

    report = ingest(con, [("november.csv", ex.csv_bytes(_extract()))])
    assert report.loaded, [str(f) for f in report.findings]
    with store.transaction(con) as cur:
        cur.execute("UPDATE employment SET forvaltning = 'Vård och ' || chr(8238) || 'omsorg' "
                    "WHERE forvaltning = 'Vård och omsorg'")
        persons.refresh(cur)
    document, _ = pack.content(con, metric_ids=["headcount"])
    assert RLO in json.dumps(document, ensure_ascii=False)  # the store holds it
    sent = []
    compile_ = typst.compile

    def compile_and_keep(*args, **kwargs):
        sent.append(kwargs["sys_inputs"]["pack"])
        return compile_(*args, **kwargs)

    monkeypatch.setattr(typst, "compile", compile_and_keep)
    assert pack.pdf(document).startswith(b"%PDF")
    assert "Vård och omsorg" in sent[0] and RLO not in sent[0]
    assert visible.within({"a": [f"x{RLO}", (f"{RLO}y", 3)]}) == {"a": ["x", ("y", 3)]}


def test_the_filter_offers_a_name_stored_before_without_them(own_store):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP

    con = store.connect(own_store)
    [name] = store.read(con, "SELECT min(forvaltning) AS f FROM employment")["f"]
    con.execute("UPDATE employment SET forvaltning = $hidden WHERE forvaltning = $name",
                {"hidden": f"{name[:2]}{RLO}{name[2:]}", "name": name})
    con.close()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    offered = at.sidebar.multiselect[0].options
    assert name in offered and not [o for o in offered if RLO in o], offered
