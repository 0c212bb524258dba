"""Login, roles and the audit log (issue 11): the roles file, the local mode, and AppTest per
role with a seeded st.user and an [auth] section in at.secrets.

The real login through an OIDC provider is tests/test_auth_browser.py.
"""

from __future__ import annotations

import io
import json
import logging
import time
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import polars as pl
import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

import store
from tests import test_app
from tests.test_app import APP, text
from tests.xlsx_checks import problems
from ui import auth, data, roles, sitemap, texts
from ui import navigation as navigation_ui

fixture_store = test_app.fixture_store
own_store = test_app.own_store
_fresh_caches = test_app._fresh_caches

ROOT = Path(__file__).resolve().parents[1]
FILES = {spec.url_path: spec.file for spec in sitemap.ALL_PAGES}
INDICATOR_PAGES = [p.url_path for p in sitemap.PAGES if p.metric_ids]
VIEWER_PAGES = ["oversikt", "mal", "handlingsprogram", *INDICATOR_PAGES, "lonekartlaggning"]
ANALYST_PAGES = [p.url_path for p in sitemap.PAGES]
ADMIN_PAGES = [p.url_path for p in sitemap.ALL_PAGES]

AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                 "cookie_secret": "x" * 40, "client_id": "personalpanelen",
                 "client_secret": "hemligt",
                 "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}}
ROLES_TOML = """
group_claim = "groups"

[admin]
emails = ["Admin@Kommun.se"]

[analyst]
groups = ["hr-analytiker"]

[viewer]
groups = ["personalutskottet", "hr-analytiker"]
emails = ["nämnd@kommun.se"]
"""
USERS = {
    roles.ADMIN: {"email": "admin@kommun.se", "name": "Ada Admin", "groups": []},
    roles.ANALYST: {"email": "ann@kommun.se", "name": "Ann Analytiker",
                    "groups": ["hr-analytiker"]},
    roles.VIEWER: {"email": "nämnd@kommun.se", "name": "Nils Nämnd",
                   "groups": ["personalutskottet"]},
    None: {"email": "okand@kommun.se", "name": "Okänd", "groups": ["andra"]},
}


# --- the roles file ----------------------------------------------------------------------------


def test_the_highest_matching_role_wins_by_group_or_address():
    role_map = roles.parse(ROLES_TOML)
    for role, claims in USERS.items():
        assert role_map.role_of(claims) == role, claims
    # in both the analyst and the viewer group: analyst
    assert role_map.role_of({"groups": ["personalutskottet", "hr-analytiker"]}) == "analyst"
    # the address is compared without regard to case; a single group as a string
    assert role_map.role_of({"email": "ADMIN@kommun.se"}) == "admin"
    assert role_map.role_of({"groups": "personalutskottet"}) == "viewer"
    # an address the provider has not verified gives no role; its groups still count
    assert role_map.role_of({"email": "admin@kommun.se", "email_verified": False}) is None
    assert role_map.role_of({"email": "admin@kommun.se", "email_verified": False,
                             "groups": ["hr-analytiker"]}) == "analyst"
    assert role_map.role_of({}) is None


def test_the_claims_are_named_in_the_file():
    role_map = roles.parse('group_claim = "roles"\nemail_claim = "preferred_username"\n'
                           '[viewer]\ngroups = ["nämnd"]\n[admin]\nemails = ["a@k.se"]\n')
    assert role_map.role_of({"roles": ["nämnd"], "groups": []}) == "viewer"
    assert role_map.role_of({"groups": ["nämnd"]}) is None
    assert role_map.role_of({"preferred_username": "a@k.se", "email": "b@k.se"}) == "admin"


@pytest.mark.parametrize(("content", "message"), [
    ("[admin\n", "ingen giltig TOML-fil"),
    pytest.param("a = " + "[" * 100_000 + "]" * 100_000,
                 "roles.toml har tabeller eller listor i mer än", id="deep-list"),
    pytest.param("[admin]\n" + "x." * 3_000 + "y = 1\n",
                 "roles.toml har tabeller eller listor i mer än", id="deep-keys"),
    pytest.param("a = " + "9" * 5_000, "roles.toml är ingen giltig TOML-fil", id="huge-int"),
    pytest.param("# " + "x" * 1_100_000, "roles.toml är större än 1 MB", id="huge-file"),
    ("[superuser]\nemails = []\n", "okänd nyckel ”superuser”"),
    ("[admin]\nmails = []\n", "okända nycklar: mails"),
    ('[admin]\nemails = "a@k.se"\n', "[admin] emails ska vara en lista"),
    ("[viewer]\ngroups = [1]\n", "[viewer] groups ska vara en lista"),
    ('group_claim = ""\n', "group_claim ska vara namnet"),
])
def test_a_broken_roles_file_is_refused_naming_what_is_wrong(content, message):
    with pytest.raises(roles.RolesFileError, match=message.replace("[", r"\[")):
        roles.parse(content)


def test_no_roles_file_gives_nobody_a_role(tmp_path):
    assert roles.load(tmp_path / "roles.toml") is roles.NO_ROLES
    assert roles.NO_ROLES.role_of(USERS[roles.ADMIN]) is None


def test_the_example_roles_file_is_valid():
    role_map = roles.load(ROOT / "docs" / "roles.example.toml")
    assert set(role_map.entries) == set(roles.ROLES)
    assert role_map.role_of({"email": "hr.chef@exempel.se"}) == "admin"


def test_roles_rank():
    assert roles.at_least("admin", "viewer") and roles.at_least("analyst", "analyst")
    assert not roles.at_least("viewer", "analyst") and not roles.at_least("analyst", "admin")
    assert not roles.at_least(None, "viewer") and not roles.at_least("boss", "viewer")


# --- the app per role --------------------------------------------------------------------------


@pytest.fixture
def roles_file(own_store, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("PERSONALPANELEN_ROLES_FILE", str(path))
    return path


class Navigation(dict):
    """What the last run gave st.navigation: page title -> (section, visible); and `menu`,
    the titles the sidebar's menu links to (st.page_link), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.menu: list[str] = []


@pytest.fixture
def navigation(monkeypatch) -> Navigation:
    seen = Navigation()
    original, original_link, original_menu = st.navigation, st.page_link, navigation_ui.menu
    drawing_menu = []

    def spy(pages, **kwargs):
        seen.clear()
        seen.menu.clear()
        for section, listed in pages.items():
            for page in listed:
                seen[page.title] = (section, page.visibility == "visible")
        return original(pages, **kwargs)

    def link_spy(page, **kwargs):
        if drawing_menu:  # not a page's own links
            seen.menu.append(kwargs["label"])
        return original_link(page, **kwargs)

    def menu_spy(pages):
        drawing_menu.append(True)
        try:
            original_menu(pages)
        finally:
            drawing_menu.clear()

    monkeypatch.setattr(st, "navigation", spy)
    monkeypatch.setattr(st, "page_link", link_spy)
    monkeypatch.setattr(navigation_ui, "menu", menu_spy)
    return seen


def visible(navigation: Navigation) -> list[str]:
    """The url paths of the pages the menu shows, which must be those st.navigation was given
    as visible."""
    by_title = {spec.title: spec.url_path for spec in sitemap.ALL_PAGES}
    routed = [title for title, (_, shown) in navigation.items() if shown]
    assert navigation.menu == routed, (navigation.menu, routed)
    return [by_title[title] for title in navigation.menu]


def logged_in_as(at: AppTest, role: str | None, issued: float | None = None) -> AppTest:
    """`at` with [auth] configured and the user with `role` (USERS) logged in `issued`
    (the id token's 'iat'; default: a minute ago); not yet run."""
    at.secrets = dict(AUTH)
    at.user = {"is_logged_in": True, "sub": f"sub-{role}", **USERS[role],
               "iat": int(issued if issued is not None else time.time() - 60)}
    return at


def as_user(role: str | None, issued: float | None = None) -> AppTest:
    at = logged_in_as(AppTest.from_file(APP, default_timeout=60), role, issued)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(at: AppTest, url_path: str) -> AppTest:
    at.switch_page(FILES[url_path]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def refused(at: AppTest) -> bool:
    return any(e.value.startswith("Den här sidan är inte tillgänglig") for e in at.error)


def audit_entries(db_path: Path) -> list[tuple[str, str, str, str]]:
    con = store.connect(db_path)  # the same process: DuckDB shares the open database
    try:
        log = store.audit_log(con)
    finally:
        con.close()
    return [(r["user_id"], r["role"], r["action"], r["detail"])
            for r in reversed(log.to_dicts())]


def test_local_mode_is_one_analyst_and_says_so(own_store, navigation):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert texts.LOCAL_MODE in [c.value for c in at.sidebar.caption]
    assert visible(navigation) == ANALYST_PAGES
    assert not at.get("button") or all(b.key != "auth_logout" for b in at.button)
    assert not at.toggle(key="filter_publication").disabled
    assert not refused(open_page(at, "ladda-upp"))
    assert at.file_uploader(key="upload") is not None
    assert refused(open_page(at, "logg"))
    assert not at.dataframe or all("Händelse" not in d.value.columns for d in at.dataframe)
    assert audit_entries(own_store) == []  # no login to record without login


def test_with_auth_configured_nothing_but_the_login_screen_shows(roles_file, navigation):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = dict(AUTH)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == [texts.LOGIN_BUTTON]
    assert navigation == {}  # st.navigation never ran: no page, no sidebar filter
    assert not at.sidebar.children
    assert not at.get("plotly_chart") and not at.dataframe and not at.get("multiselect")
    assert [t.value for t in at.title] == [texts.APP_TITLE]
    # a deep link too shows the login screen only
    at.switch_page(FILES["ladda-upp"]).run()
    assert [b.label for b in at.button] == [texts.LOGIN_BUTTON]
    assert not at.get("file_uploader")


def test_viewer_sees_the_indicators_in_publication_mode_and_nothing_else(roles_file,
                                                                       navigation):
    at = as_user(roles.VIEWER)
    assert visible(navigation) == VIEWER_PAGES
    assert texts.SIGNED_IN.format(name="Nils Nämnd", role="läsare") in [
        text(c.value) for c in at.sidebar.caption]
    publication = at.toggle(key="filter_publication")
    assert publication.value is True and publication.disabled
    assert texts.PUBLICATION_ON in [c.value for c in at.caption]
    assert not any("fixture" in text(c.value) for c in at.caption)  # no file name
    for url_path in VIEWER_PAGES:
        open_page(at, url_path)
        assert not refused(at), url_path
    for url_path in ("ladda-upp", "exportera", "katalog", "kolada", "logg"):
        open_page(at, url_path)
        assert refused(at), url_path
        assert [t.value for t in at.title] == [], url_path  # the page stopped at its top
        assert not at.get("file_uploader") and not at.get("download_button"), url_path


def test_viewer_cannot_switch_publication_mode_off(roles_file):
    at = as_user(roles.VIEWER)
    at.session_state["filter_publication"] = False
    open_page(at, "personalstruktur")
    assert at.toggle(key="filter_publication").value is True
    assert texts.PUBLICATION_ON in [c.value for c in at.caption]


def test_analyst_uploads_and_exports_but_cannot_open_the_log(roles_file, navigation):
    at = as_user(roles.ANALYST)
    assert visible(navigation) == ANALYST_PAGES
    assert not at.toggle(key="filter_publication").disabled
    open_page(at, "ladda-upp")
    assert not refused(at) and at.file_uploader(key="upload") is not None
    open_page(at, "heltid")
    assert at.get("download_button")
    open_page(at, "logg")
    assert refused(at) and not at.dataframe


def test_admin_reads_the_audit_log_filtered_and_as_excel(roles_file, own_store, navigation):
    analyst = as_user(roles.ANALYST)
    assert not refused(analyst)
    at = as_user(roles.ADMIN)
    assert visible(navigation) == ADMIN_PAGES
    open_page(at, "logg")
    assert not refused(at)
    log = next(d.value for d in at.dataframe if "Händelse" in d.value.columns)
    assert log["Användare"].tolist() == ["admin@kommun.se", "ann@kommun.se"]  # newest first
    assert log["Roll"].tolist() == ["administratör", "analytiker"]
    assert set(log["Händelse"]) == {"inloggning"}
    assert [b.proto.label for b in at.get("download_button")] == [texts.AUDIT_DOWNLOAD]

    at.multiselect(key="audit_users").set_value(["ann@kommun.se"]).run()
    log = next(d.value for d in at.dataframe if "Händelse" in d.value.columns)
    assert log["Användare"].tolist() == ["ann@kommun.se"]
    at.multiselect(key="audit_actions").set_value(["export"]).run()
    assert texts.AUDIT_EMPTY in [c.value for c in at.caption]


def test_a_user_without_a_role_is_refused_and_recorded(roles_file, own_store, navigation):
    at = as_user(None)
    assert navigation == {}
    assert text(at.error[0].value) == texts.NO_ROLE.format(user="okand@kommun.se")
    assert [b.label for b in at.button] == [texts.LOGOUT_BUTTON]
    assert not at.get("plotly_chart") and not at.get("multiselect")
    assert audit_entries(own_store) == [("okand@kommun.se", "", "login", texts.AUDIT_REFUSED)]


def test_a_broken_roles_file_refuses_everyone_and_says_why(roles_file, navigation):
    roles_file.write_text("[admin]\nemails = 'admin@kommun.se'\n", encoding="utf-8")
    at = as_user(roles.ADMIN)
    assert navigation == {}
    assert any("emails ska vara en lista" in text(w.value) for w in at.warning)


def test_a_missing_roles_file_refuses_everyone(roles_file, navigation):
    roles_file.unlink()
    at = as_user(roles.ADMIN)
    assert navigation == {} and at.error


# --- the audit log -----------------------------------------------------------------------------


def test_a_login_is_recorded_once_per_session_and_a_logout_too(roles_file, own_store):
    issued = time.time() - 120
    at = as_user(roles.ANALYST, issued)
    open_page(at, "heltid")
    open_page(at, "oversikt")
    assert audit_entries(own_store) == [("ann@kommun.se", "analyst", "login", "")]
    at.button(key="auth_logout").click().run()
    assert audit_entries(own_store)[-1] == ("ann@kommun.se", "analyst", "logout", "")
    as_user(roles.ANALYST, issued + 60)  # logged in again: a new login in a new session
    assert [e[2] for e in audit_entries(own_store)] == ["login", "logout", "login"]


def test_pages_opened_in_new_tabs_of_one_login_record_it_once(roles_file, own_store):
    """Each URL opened in a tab is a session of its own: the probe saw 19 'login' rows for one
    person opening 19 URLs. The login (user and the token's issue time) is recorded once."""
    issued = time.time() - 120
    for url_path in ("oversikt", "heltid", "ladda-upp"):
        open_page(as_user(roles.ANALYST, issued), url_path)
    as_user(roles.VIEWER, issued)  # another user at the same second: their own login
    assert audit_entries(own_store) == [("ann@kommun.se", "analyst", "login", ""),
                                        ("nämnd@kommun.se", "viewer", "login", "")]


def test_a_login_older_than_the_setting_shows_the_login_screen_again(roles_file, own_store,
                                                                      navigation, monkeypatch):
    """The browser's login cookie lasts 30 days with the groups in it; the dashboard takes a
    login for PERSONALPANELEN_LOGIN_MINUTES only, so the groups are read again at the next."""
    monkeypatch.setenv("PERSONALPANELEN_LOGIN_MINUTES", "30")
    at = logged_in_as(AppTest.from_file(APP, default_timeout=60), roles.ANALYST,
                      time.time() - 31 * 60).run()
    assert not at.exception
    assert navigation == {}
    assert [b.label for b in at.button] == [texts.LOGIN_BUTTON]
    assert [i.value for i in at.info] == [texts.LOGIN_EXPIRED.format(minutes=30)]
    at.switch_page(FILES["ladda-upp"]).run()  # a deep link too
    assert not at.get("file_uploader") and [b.label for b in at.button] == [texts.LOGIN_BUTTON]
    assert audit_entries(own_store) == []
    # a login without an issue time is not taken either
    at = logged_in_as(AppTest.from_file(APP, default_timeout=60), roles.ANALYST)
    at.user = {k: v for k, v in at.user.items() if k != "iat"}
    assert [b.label for b in at.run().button] == [texts.LOGIN_BUTTON]
    # within the time: in
    at = as_user(roles.ANALYST, time.time() - 29 * 60)
    assert visible(navigation) == ANALYST_PAGES and not at.info
    assert auth.expired({"iat": time.time() - 31 * 60})
    monkeypatch.setenv("PERSONALPANELEN_LOGIN_MINUTES", "60")
    assert not auth.expired({"iat": time.time() - 31 * 60})
    assert auth.expired({"iat": True}) and auth.expired({"iat": "1700000000"})


# --- without login on the network (issue 25) ---------------------------------------------------


@pytest.fixture
def server_address():
    """Sets server.address (as --server.address would) for the test; restores it after."""
    before = config.get_option("server.address")

    def set_address(address: str | None) -> None:
        config.set_option("server.address", address)

    yield set_address
    config.set_option("server.address", before)


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1", "127.0.1.1", "::1", "[::1]",
                                     "LOCALHOST", "unix:///run/personalpanelen.sock"])
def test_these_addresses_are_this_machine_only(address):
    assert auth.local_address(address)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "10.0.0.5", "192.168.1.20",
                                     "panel.kommun.se", "localhost.evil.example"])
def test_these_addresses_let_other_machines_in(address):
    assert not auth.local_address(address)


def test_without_login_on_a_network_address_nothing_is_served(own_store, server_address,
                                                              navigation, monkeypatch, caplog):
    """The probe: `--server.address 0.0.0.0` and no [auth] made every client the local
    analyst, who could replace a snapshot; nothing said so."""
    monkeypatch.delenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", raising=False)
    auth._log_network.cache_clear()
    server_address("0.0.0.0")
    with caplog.at_level(logging.WARNING, logger="ui.auth"):
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert [text(e.value) for e in at.error] == [
            texts.NETWORK_REFUSED.format(address="0.0.0.0")]
        assert navigation == {} and not at.sidebar.children and not at.button
        at.switch_page(FILES["ladda-upp"]).run()  # a deep link too
        assert not at.get("file_uploader") and len(at.error) == 1
    refusals = [r for r in caplog.records if "refusing to serve without login" in r.message]
    assert len(refusals) == 1 and refusals[0].levelno == logging.ERROR  # once per process
    assert auth.current() is None  # a page's own check refuses too
    assert audit_entries(own_store) == []


def test_a_setting_allows_the_network_without_login_and_it_is_said(own_store, server_address,
                                                                    navigation, monkeypatch,
                                                                    caplog):
    monkeypatch.setenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", "1")
    auth._log_network.cache_clear()
    server_address("10.0.0.5")
    with caplog.at_level(logging.WARNING, logger="ui.auth"):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error
    assert visible(navigation) == ANALYST_PAGES
    assert [text(w.value) for w in at.sidebar.warning] == [
        texts.NETWORK_OPEN.format(address="10.0.0.5")]
    assert any("serving WITHOUT LOGIN on 10.0.0.5" in r.message for r in caplog.records)


def test_with_login_configured_a_network_address_is_served(roles_file, server_address,
                                                           navigation):
    server_address("0.0.0.0")
    as_user(roles.ANALYST)
    assert visible(navigation) == ANALYST_PAGES


def test_a_proxy_or_another_machine_on_a_local_address_counts_as_the_network(
        own_store, server_address, navigation, monkeypatch):
    """A reverse proxy on this machine in front of `localhost` opens it to the network too:
    its forwarding header (or a client address of another machine) tells."""
    monkeypatch.delenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", raising=False)
    server_address("localhost")
    for ip_address, headers in ((None, {"X-Forwarded-For": "10.0.0.7"}),
                                ("10.0.0.7", {})):
        monkeypatch.setattr(st, "context", SimpleNamespace(ip_address=ip_address,
                                                           headers=headers))
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert navigation == {} and len(at.error) == 1, (ip_address, headers)
    monkeypatch.setattr(st, "context", SimpleNamespace(ip_address=None, headers={}))
    AppTest.from_file(APP, default_timeout=60).run()
    assert visible(navigation) == ANALYST_PAGES


def test_each_excel_download_is_recorded_when_it_is_built(own_store, monkeypatch):
    user = auth.User("ann@kommun.se", "Ann", roles.ANALYST)
    monkeypatch.setattr(auth, "current", lambda: user)
    download = auth.metrics_download(["headcount"], "personalpanelen_x.xlsx",
                                     forvaltningar=("B", "A"), publication=True)
    assert audit_entries(own_store) == []  # nothing until the button is clicked
    content = download()
    assert "Antal anställda" in openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    download()
    detail = "personalpanelen_x.xlsx: 1 nyckeltal, publiceringsläge, urval A, B"
    assert audit_entries(own_store) == [("ann@kommun.se", "analyst", "export", detail)] * 2

    table = auth.table_download(pl.DataFrame({"a": [1, 2]}), "Tabell", "tabell.xlsx")
    table()
    assert audit_entries(own_store)[-1] == ("ann@kommun.se", "analyst", "export",
                                            "tabell.xlsx: 2 rader")


def test_a_table_download_is_one_table_from_a1_with_inert_text():
    frame = pl.DataFrame({"Fil": ["=1+1", "lista.xlsx"], "Rad": [2, None],
                          "Meddelande": ['@SUM(1)', "Ett fel"]})
    content = data.frame_workbook(frame, "Valideringsrapport")
    assert problems(content) == []  # what a screen reader needs (tests/xlsx_checks.py)
    ws = openpyxl.load_workbook(io.BytesIO(content))["Valideringsrapport"]
    assert list(ws.iter_rows(values_only=True)) == [("Fil", "Rad", "Meddelande"),
                                                    ("'=1+1", 2, "'@SUM(1)"),
                                                    ("lista.xlsx", None, "Ett fel")]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_profile_changes_on_ladda_upp_are_recorded(roles_file, own_store):
    analyst = as_user(roles.ANALYST)
    test_app.upload(analyst, "egen.csv", test_app._own_csv("2026-11-01"))
    test_app.map_own_layout(analyst, "Vår lista")  # an analyst saves from the mapping form
    at = open_page(as_user(roles.ADMIN), "ladda-upp")  # an admin manages saved profiles
    at.button(key="profile_open_var_lista").click().run()
    at.text_input(key="profile_edit_var_lista_name").set_value("Vår nya lista")
    next(b for b in at.button if b.label == texts.PROFILE_EDIT_SUBMIT).click().run()
    assert not at.exception
    at.button(key="profile_delete_var_nya_lista").click().run()
    assert not at.exception
    assert [e for e in audit_entries(own_store) if e[2] == "profile"] == [
        ("ann@kommun.se", "analyst", "profile", "sparad: Vår lista (var_lista.toml)"),
        ("admin@kommun.se", "admin", "profile",
         "ändrad: Vår lista -> Vår nya lista (var_nya_lista.toml)"),
        ("admin@kommun.se", "admin", "profile", "borttagen: var_nya_lista.toml"),
    ]


def test_an_upload_is_recorded_under_the_logged_in_user(roles_file, own_store):
    at = as_user(roles.ANALYST)
    test_app.upload(at, "november_2026.csv", test_app._csv("2026-11-01"))
    assert "Inläst: 12 rader" in text(at.success[0].value)
    loads = [e for e in audit_entries(own_store) if e[2] == "load"]
    assert [e[:3] for e in loads] == [("ann@kommun.se", "analyst", "load")]
    assert "november_2026.csv" in loads[0][3]


def _delete_form(at: AppTest) -> list:
    return [s for s in at.selectbox if s.key == "delete_load_id"]


def test_an_admin_deletes_a_load_and_the_previous_state_returns(roles_file, own_store):
    analyst = as_user(roles.ANALYST)
    test_app.upload(analyst, "november_2026.csv", test_app._csv("2026-11-01"))
    assert not _delete_form(analyst)  # an analyst has no delete

    at = as_user(roles.ADMIN)
    open_page(at, "ladda-upp")
    choice = _delete_form(at)[0]  # the newest load first
    assert choice.format_func(choice.value).endswith(": november_2026.csv (2026-11-01)")
    next(b for b in at.button if b.label == texts.DELETE_LOAD_BUTTON).click().run()
    assert texts.DELETE_LOAD_UNCONFIRMED in [w.value for w in at.warning]  # not confirmed
    assert not [e for e in audit_entries(own_store) if e[2] == "delete"]

    at.checkbox(key="delete_load_confirm").check()
    next(b for b in at.button if b.label == texts.DELETE_LOAD_BUTTON).click().run()
    assert not at.exception
    assert any("är borttagen" in text(s.value) for s in at.success)
    con = store.connect(own_store)
    try:
        _, dates = store.filter_values(con)
    finally:
        con.close()
    assert [d.isoformat() for d in dates] == ["2024-11-01", "2025-11-01"]
    deleted = [e for e in audit_entries(own_store) if e[2] == "delete"]
    assert [e[:2] for e in deleted] == [("admin@kommun.se", "admin")]
    assert "november_2026.csv" in deleted[0][3]


def test_a_viewer_downloads_indicators_without_the_loaded_files(roles_file, own_store,
                                                                monkeypatch):
    """The committee's Excel: publication mode, and no sheet of loaded files (their names)."""
    from metrics.export import LOAD_LOG_SHEET, workbook_bytes

    asked = []

    def spy(metric_ids, **kwargs):
        asked.append(kwargs)
        return lambda: b""

    monkeypatch.setattr(data, "metrics_workbook", spy)
    for role, load_log in ((roles.VIEWER, False), (roles.ANALYST, True)):
        at = as_user(role)
        open_page(at, "heltid")
        assert [b.proto.label for b in at.get("download_button")][:1] == [texts.DOWNLOAD_METRIC]
        assert asked[-1]["load_log"] is load_log
        assert asked[-1]["publication"] is (role == roles.VIEWER)
    con = store.connect(own_store)
    try:
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(
            con, ["headcount"], publication=True, load_log=False)))
        with_log = openpyxl.load_workbook(io.BytesIO(workbook_bytes(con, ["headcount"])))
    finally:
        con.close()
    assert LOAD_LOG_SHEET not in book.sheetnames and LOAD_LOG_SHEET in with_log.sheetnames
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert not [c for c in cells if "fixture" in c]  # the fixture store's load is 'fixture'


def test_the_audit_log_names_a_targets_indicator_by_its_title(roles_file, own_store, navigation):
    # The store keeps "full_time_share: minst 80 år 2027 (…)"; the admin reads the title.
    from metrics import targets
    con = store.connect(own_store)
    targets.set_target(con, targets.Target("full_time_share", targets.HIGHER, 80, None, 2027,
                                           "Program, punkt 7"), ("ann", "analyst"))
    con.close()
    at = as_user(roles.ADMIN)
    open_page(at, "logg")
    log = next(d.value for d in at.dataframe if "Händelse" in d.value.columns)
    details = [d for d in log["Detalj"].tolist() if d and "år 2027" in d]
    assert details and details[0].startswith("Andel heltidsanställda: minst 80"), details
    assert not [d for d in log["Detalj"].tolist() if d and "full_time_share" in d]


# --- serve.py's guard in front of Streamlit (issue 25) -----------------------------------------


@pytest.fixture
def signed_login(monkeypatch):
    """Login configured, and a maker of Streamlit's signed login cookie for given claims."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    monkeypatch.setattr(auth, "login_configured", lambda: True)
    monkeypatch.setattr("streamlit.web.server.server_util.get_cookie_secret", lambda: "k" * 48)

    def cookie(claims: dict, secret: str = "k" * 48) -> str:
        value = create_signed_value(secret, "_streamlit_user", json.dumps(claims)).decode()
        return f"_streamlit_xsrf=abc; _streamlit_user={value}"

    return cookie


def test_a_download_needs_a_valid_unexpired_login_with_a_role(roles_file, signed_login):
    """The probe fetched the analyst's full export with a bare curl: serve.py asks this first."""
    fresh = {"is_logged_in": True, "iat": int(time.time()) - 60}
    assert auth.may_download(signed_login({**USERS[roles.VIEWER], **fresh}))
    assert not auth.may_download("")  # a bare curl
    assert not auth.may_download("_streamlit_user=forged")
    assert not auth.may_download(signed_login({**USERS[roles.ANALYST], **fresh}, "x" * 48))
    assert not auth.may_download(signed_login({**USERS[roles.ANALYST], "is_logged_in": True,
                                               "iat": int(time.time()) - 2 * 3600}))
    assert not auth.may_download(signed_login({**USERS[None], **fresh}))  # no role


def test_the_guard_closes_metrics_and_refuses_uploads_and_downloads(roles_file, signed_login):
    import serve

    assert serve.refusal("GET", "/_stcore/metrics", "") == 404
    assert serve.refusal("GET", "/panel/_stcore/metrics", "") == 404
    assert serve.refusal("PUT", "/_stcore/upload_file/no-such-session/f1", "") == 403
    assert serve.refusal("GET", "/media/abc123.xlsx", "") == 403
    fresh = signed_login({**USERS[roles.ANALYST], "is_logged_in": True,
                          "iat": int(time.time()) - 60})
    assert serve.refusal("GET", "/media/abc123.xlsx", fresh) is None
    for path in ("/", "/ladda-upp", "/_stcore/health", "/_stcore/host-config"):
        assert serve.refusal("GET", path, "") is None


def test_only_a_session_that_drew_an_uploader_may_upload(roles_file, own_store, monkeypatch):
    from ui import uploads

    monkeypatch.setattr(uploads, "_uploading", set())
    session = "test session id"  # AppTest's, every time
    open_page(as_user(roles.VIEWER), "oversikt")
    assert not uploads.may_upload(session)  # no uploader: no upload
    open_page(as_user(roles.ANALYST), "ladda-upp")
    assert uploads.may_upload(session)
    assert not uploads.may_upload("00000000-0000-0000-0000-000000000000")


def test_the_files_of_ended_sessions_are_dropped(monkeypatch):
    """Streamlit 1.67 forgets a session disconnected past its TTL without dropping its
    uploads (the probe: 180 MB held minutes after the tab closed); serve.py's sweep drops
    them, and keeps those of live and resumable sessions."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from ui import uploads

    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    for session_id, size in (("live", 10), ("ended", 1000), ("resumable", 5)):
        manager.add_file(session_id, UploadedFileRec("f1", "x.csv", "text/csv", b"a" * size))
    listed = [SimpleNamespace(session=SimpleNamespace(id=s)) for s in ("live", "resumable")]
    runtime = SimpleNamespace(uploaded_file_mgr=manager,
                              _session_mgr=SimpleNamespace(list_sessions=lambda: listed))
    monkeypatch.setattr(uploads, "Runtime", SimpleNamespace(exists=lambda: True,
                                                            instance=lambda: runtime))
    assert uploads.drop_orphaned_files() == 1000
    assert set(manager.file_storage) == {"live", "resumable"}
    assert uploads.drop_orphaned_files() == 0


def test_the_server_says_at_its_start_that_it_refuses_the_network(server_address, monkeypatch,
                                                                  caplog):
    monkeypatch.delenv("PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK", raising=False)
    auth._log_network.cache_clear()
    server_address("192.168.1.20")
    with caplog.at_level(logging.WARNING, logger="ui.auth"):
        auth.log_at_start()  # serve.py's start, before any browser comes
    assert [r.levelno for r in caplog.records if "192.168.1.20" in r.message] == [logging.ERROR]
    caplog.clear()
    server_address("localhost")
    auth.log_at_start()
    assert not caplog.records


def test_the_sweep_goes_on_after_a_failure(monkeypatch, caplog):
    # drop_orphaned_files reads Streamlit's internals; if they change and it raises, the
    # sweep logs it and tries again at the next turn instead of ending for good.
    import asyncio

    import serve
    from ui import uploads

    calls = []

    def drop():
        calls.append(1)
        if len(calls) == 1:
            raise AttributeError("internals changed")
        if len(calls) == 3:
            raise asyncio.CancelledError
        return 0

    monkeypatch.setattr(serve, "SWEEP_SECONDS", 0)
    monkeypatch.setattr(uploads, "drop_orphaned_files", drop)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(serve._sweep_uploads())
    assert len(calls) == 3
    assert any("could not drop" in r.message for r in caplog.records)
