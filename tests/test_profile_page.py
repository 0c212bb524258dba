"""Ladda upp: saved mapping profiles edited, renamed and deleted, shipped ones copied, and the
profile that read an uploaded file opened for editing (the way to fix a wrong mapping). That is
an admin's (issue 11): the tests log in as one; an analyst sees the profiles and saves new ones
from the mapping form, but is refused the rest, on the page and in its callbacks.

Every test writes profiles only in its own data folder (own_store points the app there), never
in pipelines/profiles/."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from pipelines import profiles
from tests import test_app, test_auth
from tests.test_app import _own_csv, markdown_sources, open_page, text, upload
from tests.test_auth import as_user, audit_entries, logged_in_as
from tests.test_plain_text import markup
from ui import roles, texts

# The upload tests' store and caches (tests/test_app.py): a private copy of the fixture store,
# with the app's data folder, and so its profile folder, under the test's tmp_path.
fixture_store = test_app.fixture_store
own_store = test_app.own_store
_fresh_caches = test_app._fresh_caches
# The roles file of tests/test_auth.py (an admin, an analyst, a viewer), in the test's folder.
roles_file = test_auth.roles_file

WRONG = {"personnummer": "Id-nr", "employment_id": "Löpnummer", "pay_form": "Betalform",
         "forvaltning": "Befattning"}
"""The own layout (tests.test_app._own_csv) with the förvaltning wrongly taken from the title."""


def _saved(name: str, columns: dict[str, str], values: dict | None = None) -> Path:
    return profiles.save(profiles.Profile(name=name, columns=columns, values=values or {}))


def _page(role: str = roles.ADMIN) -> AppTest:
    return open_page(as_user(role), "ladda-upp")


def _press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_saved_profile_opens_pre_filled_and_is_saved_back_to_its_file(roles_file):
    path = _saved("Vår lista", WRONG, {"pay_form": {"Salaried": "monthly"}})
    at = _page()
    at.button(key="profile_open_var_lista").click().run()
    assert "Ändra profilen Vår lista" in [text(h.value) for h in at.subheader]
    key = "profile_edit_var_lista"
    assert {c: at.selectbox(key=f"{key}_{c}").value for c in WRONG} == WRONG
    assert at.selectbox(key=f"{key}_gender").value == "– saknas i filen –"
    assert at.selectbox(key=f"{key}_value_pay_form_0").label == "Salaried"
    assert at.selectbox(key=f"{key}_value_pay_form_0").value == "monthly"

    at.selectbox(key=f"{key}_forvaltning").set_value("– saknas i filen –")
    at.selectbox(key=f"{key}_value_pay_form_0").set_value("hourly")
    _press(at, "Spara profilen")
    assert any("sparades som var_lista.toml" in text(s.value) for s in at.success)
    edited = profiles.load(path)
    assert edited.name == "Vår lista"
    assert edited.columns == {c: h for c, h in WRONG.items() if c != "forvaltning"}
    assert edited.values == {"pay_form": {"Salaried": "hourly"}}
    assert profiles.saved() == [path]
    assert not [s for s in at.selectbox if (s.key or "").startswith(key)]  # closed


def test_one_header_for_two_columns_is_refused_and_nothing_is_written(roles_file):
    path = _saved("Vår lista", WRONG)
    before = path.read_bytes()
    at = _page()
    at.button(key="profile_open_var_lista").click().run()
    at.selectbox(key="profile_edit_var_lista_employment_id").set_value("Id-nr")
    _press(at, "Spara profilen")
    assert any("Id-nr" in text(e.value) and "flera kolumner" in e.value for e in at.error)
    assert path.read_bytes() == before


def test_a_profile_is_renamed_and_a_name_another_profile_has_is_refused(roles_file):
    path = _saved("Vår lista", WRONG)
    other = _saved("Annan lista", {"employment_id": "Nr"})
    before = {p: p.read_bytes() for p in (path, other)}
    at = _page()
    at.button(key="profile_open_var_lista").click().run()
    assert at.text_input(key="profile_edit_var_lista_name").value == "Vår lista"

    def save_as(name: str) -> None:
        at.text_input(key="profile_edit_var_lista_name").set_value(name)
        _press(at, "Spara profilen")

    for taken, shown in (("annan LISTA", "Annan lista"), ("Heroma", "Heroma")):
        save_as(taken)
        [error] = [text(e.value) for e in at.error]
        assert error == (f"Profilen sparades inte: Det finns redan en profil som heter {shown}. "
                         "Välj ett annat namn."), error
        assert {p: p.read_bytes() for p in (path, other)} == before
    save_as("Annan-lista")  # another name, but the other profile's file name
    assert "annan_lista.toml" in text(at.error[0].value)
    assert {p: p.read_bytes() for p in (path, other)} == before

    hostile = "[Ny lista](http://evil.example)"
    save_as(hostile)
    assert not at.error, [e.value for e in at.error]
    renamed = path.parent / "ny_lista_http_evil_example.toml"
    assert sorted(profiles.saved()) == sorted([other, renamed]) and not path.exists()
    assert profiles.load(renamed).name == hostile
    assert profiles.load(renamed).columns == WRONG
    assert f"{hostile} (ny_lista_http_evil_example.toml)" in [t.value for t in at.text]
    for source in markdown_sources(at):
        assert not markup(source), source


def test_a_shipped_profile_is_copied_into_a_saved_one_and_left_as_it_is(roles_file):
    shipped = profiles.FOLDER / "heroma.toml"
    before = shipped.read_bytes()
    at = _page()
    at.button(key="profile_copy_heroma").click().run()
    assert "Ny profil utifrån Heroma" in [text(h.value) for h in at.subheader]
    assert at.text_input(key="profile_edit_copy_heroma_name").value == "Heroma (egen)"
    _press(at, "Spara profilen")
    copy = profiles.load(profiles.saved()[0])
    original = profiles.load(shipped)
    assert copy.source.name == "heroma_egen.toml" and copy.name == "Heroma (egen)"
    assert (copy.columns, copy.values, copy.derive) == (original.columns, original.values,
                                                        original.derive)
    assert shipped.read_bytes() == before


def test_deleting_a_profile_closes_its_editor(roles_file):
    path = _saved("Vår lista", WRONG)
    at = _page()
    at.button(key="profile_open_var_lista").click().run()
    at.button(key="profile_delete_var_lista").click().run()
    assert not at.exception and not path.exists()
    assert not [h for h in at.subheader if h.value.startswith("Ändra profilen")]


def _forvaltningar(db: Path) -> list[str]:
    con = store.connect(db)
    try:
        return store.read(con, "SELECT DISTINCT forvaltning FROM employment WHERE snapshot_date "
                               "= DATE '2026-11-01' ORDER BY 1")["forvaltning"].to_list()
    finally:
        con.close()


def test_the_profile_that_read_a_file_is_named_and_its_wrong_mapping_fixed(roles_file,
                                                                          own_store):
    path = _saved("Vår lönelista", WRONG)
    at = as_user(roles.ADMIN)
    upload(at, "egen.csv", _own_csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    assert "Inläst: 12 rader från egen.csv" in text(at.success[0].value)
    assert _forvaltningar(own_store) == ["Undersköterska"]  # the wrong column was read
    info = [text(i.value) for i in at.info]
    assert ("egen.csv lästes med profilen Vår lönelista. Stämmer inte kopplingen av kolumnerna "
            "kan profilen ändras.") in info, info

    at.button(key="profile_read_0").click().run()
    key = "profile_edit_var_lonelista"
    chosen = at.selectbox(key=f"{key}_forvaltning")
    assert chosen.value == "Befattning"
    assert "Förvaltning" in chosen.options  # the uploaded file's headers are offered
    chosen.set_value("Förvaltning")
    _press(at, "Spara profilen")
    assert profiles.load(path).columns["forvaltning"] == "Förvaltning"
    assert any("Tryck på Läs in" in text(s.value) for s in at.success)

    at.button(key="upload_go").click().run()  # the same file again, with the fixed profile
    assert not at.exception, [e.value for e in at.exception]
    assert "Inläst: 12 rader från egen.csv" in text(at.success[0].value)
    assert _forvaltningar(own_store) == ["A", "B"]


MANAGING = ("profile_open_", "profile_delete_", "profile_copy_", "profile_read_")
"""The keys of the buttons that edit, delete or copy a profile."""
PAGE = str(Path(__file__).resolve().parents[1] / "ui" / "pages" / "ladda_upp.py")


def _managing(at: AppTest) -> list[str]:
    return [b.key for b in at.button if (b.key or "").startswith(MANAGING)]


@pytest.mark.parametrize("who", ["analyst", "local"])
def test_an_analyst_sees_the_profiles_but_cannot_manage_them(roles_file, who):
    _saved("Vår lönelista", WRONG)
    assert _managing(_page(roles.ADMIN))  # an admin's page has them: the checks below can fail
    at = as_user(roles.ANALYST) if who == "analyst" else AppTest.from_file(
        test_app.APP, default_timeout=60).run()
    upload(at, "egen.csv", _own_csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    assert "Inläst: 12 rader från egen.csv" in text(at.success[0].value)
    info = [text(i.value) for i in at.info]
    assert any(i.startswith("egen.csv lästes med profilen Vår lönelista.") for i in info), info
    shown = [t.value for t in at.text]
    assert "Vår lönelista (var_lonelista.toml)" in shown and "Heroma" in shown
    assert _managing(at) == []
    assert not [b for b in at.button if b.label in (
        texts.PROFILE_EDIT, texts.PROFILE_DELETE, texts.PROFILE_COPY)]
    captions = [c.value for c in at.caption]
    assert captions.count(texts.PROFILES_ADMIN_ONLY) == 2  # under the reading, and the list
    assert texts.PROFILES_SHIPPED_INTRO not in captions  # it says to press Redigera som ny


def _page_then(page: str, callback: str, *args) -> None:
    """A script: Ladda upp, then one of its profile callbacks called with `args`, as a click on
    a button the page does not show (or a forged widget event) would call it."""
    import runpy

    runpy.run_path(page)[callback](*args)


def _calling(role: str, callback: str, *args) -> AppTest:
    at = AppTest.from_function(_page_then, default_timeout=60, args=(PAGE, callback, *args))
    logged_in_as(at, role).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _profile_audit(db: Path) -> list[tuple[str, str, str, str]]:
    return [e for e in audit_entries(db) if e[2] == "profile"]


def test_an_analyst_is_refused_in_the_callbacks_too(roles_file, own_store):
    path = _saved("Vår lista", WRONG)
    at = _calling(roles.ANALYST, "_delete_profile", path)
    assert path.exists() and _profile_audit(own_store) == []
    at.run()  # the refusal shows in the run after the callback
    assert texts.PROFILES_ADMIN_ONLY in [e.value for e in at.error]
    assert path.exists()

    at = _calling(roles.ANALYST, "_start_edit", path, False, None, "list")
    assert "profile_editing" not in at.session_state
    at.run()
    assert texts.PROFILES_ADMIN_ONLY in [e.value for e in at.error]
    assert not [h for h in at.subheader if h.value.startswith("Ändra profilen")]

    # an editor left open in the session (the role changed, or the state was forged) closes
    at = _page(roles.ANALYST)
    at.session_state["profile_editing"] = {"path": str(path), "copy": False, "file": None,
                                           "where": "list"}
    at.run()
    assert not [h for h in at.subheader if h.value.startswith("Ändra profilen")]
    assert not [s for s in at.selectbox if (s.key or "").startswith("profile_edit_")]
    assert texts.PROFILES_ADMIN_ONLY in [e.value for e in at.error]
    assert "profile_editing" not in at.session_state

    # the same calls as an admin do what they do: the refusals above are the role's
    at = _calling(roles.ADMIN, "_start_edit", path, False, None, "list")
    at.run()
    assert "Ändra profilen Vår lista" in [text(h.value) for h in at.subheader]
    _calling(roles.ADMIN, "_delete_profile", path)
    assert not path.exists()
    assert _profile_audit(own_store) == [
        ("admin@kommun.se", "admin", "profile", "borttagen: var_lista.toml")]


@pytest.mark.parametrize("name", ["", "  "])
def test_a_profile_needs_a_name(env, name):
    path = _saved("Vår lista", WRONG)
    with pytest.raises(profiles.ProfileError, match="behöver ett namn"):
        profiles.rename(path, name)
    assert profiles.saved() == [path]


def test_rename_keeps_the_file_when_the_name_gives_the_same_one(env):
    path = _saved("Vår lista", WRONG)
    assert profiles.rename(path, "VAR LISTA") == path
    assert profiles.load(path).name == "VAR LISTA"


def test_only_a_saved_profile_is_renamed(env):
    with pytest.raises(profiles.ProfileError, match="ingen sparad profil"):
        profiles.rename(profiles.FOLDER / "heroma.toml", "Min Heroma")


def test_a_file_named_with_a_personnummer_is_mapped_and_loaded_under_its_masked_name(own_store):
    """The report knows the file only by its masked name; the mapping form still finds the
    upload, and the page never shows the number."""
    at = AppTest.from_file(test_app.APP, default_timeout=60).run()
    upload(at, "egen_19700504-1234.csv", _own_csv("2026-11-01"))
    assert not at.exception, [e.value for e in at.exception]
    # the form is there
    assert at.selectbox(key="mapping_employment_forvaltning").value == "Förvaltning"
    test_app.map_own_layout(at, "Vår lista")
    assert "Inläst: 12 rader från egen_[personnummer].csv" in text(at.success[0].value)
    shown = " ".join(markdown_sources(at)) + " ".join(
        str(frame.value.to_dict()) for frame in at.dataframe)
    assert "egen" in shown and "19700504" not in shown
