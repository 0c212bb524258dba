"""Who is using the dashboard, and what their role lets them open (issue 11).

Without an `[auth]` section in .streamlit/secrets.toml the dashboard runs as one local analyst
("lokal") on the machine it runs on, and says so in the sidebar. With one, login (st.login,
OIDC) is required before anything else is shown, and the role comes from the roles file
(ui/roles.py). app.py calls `logged_in()` and `admit()` before the navigation; every page calls
`require()` at its top, so a deep link is checked as well as the navigation.

Issue 25: without login the dashboard serves only this machine (`network_refusal()`), unless
PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK=1 says otherwise; a login lasts
settings.login_minutes from the id token's issue time, after which the user logs in again and
the groups are read afresh; and a login is recorded once, however many pages (each a session
of its own) the user opens with it.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

import settings
from ui import data, plain, roles, sitemap, texts

LOCAL_USER = "lokal"
LOGIN_RECORDED_KEY = "auth_login_recorded"
NO_ROLE = ""
"""The role recorded in the audit log for a logged-in user without one."""

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class User:
    user_id: str
    """The e-mail address (the roles file's email_claim), else the token's subject; 'lokal'
    without login."""
    name: str
    role: str | None
    """None: logged in, but no role (refused)."""
    local: bool = False
    problem: str | None = None
    """Why the roles file could not be read, if it could not."""
    login_at: float | None = None
    """When the login was made: the id token's issue time ('iat', seconds since 1970)."""

    @property
    def actor(self) -> tuple[str, str]:
        """(user id, role) as the audit log records them."""
        return self.user_id, self.role or NO_ROLE


LOCAL = User(LOCAL_USER, LOCAL_USER, roles.ANALYST, local=True)


def login_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (then login is required)."""
    return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)


def local_address(address: str | None) -> bool:
    """Whether a server address (server.address) lets only this machine in: "localhost", a
    loopback address (127.0.0.1, ::1) or a Unix socket. Unset means every interface."""
    name = (address or "").strip().lower()
    if name == "localhost" or name.startswith("unix://"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:  # unset, a host name, 0.0.0.0 is an address but not loopback
        return False


_FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-Ip")


def open_address() -> str | None:
    """The server's address if other machines can reach it (not this machine's own)."""
    address = st.get_option("server.address")
    if local_address(address):
        return None
    return address or "0.0.0.0"  # unset: Streamlit listens on every interface


def log_at_start() -> None:
    """At the server's start (serve.py): without login on an address others reach, say in
    the log whether it is refused or allowed."""
    address = open_address()
    if address is not None and not login_configured():
        _log_network(address, not settings.get().allow_anonymous_network)


def _network_address() -> str | None:
    """The address by which others than this machine reach the server, if they can: the
    server's address when it is not this machine's own, else the client's when it is another
    machine's or came through a proxy (a proxy on this machine opens it to the network);
    None when only this machine can reach it."""
    if (open_at := open_address()) is not None:
        return open_at
    address = st.get_option("server.address")
    client = st.context.ip_address  # None for a client on this machine
    headers = st.context.headers
    if (client and not local_address(client)) or any(h in headers for h in _FORWARDING_HEADERS):
        return f"{address} (via {client or 'en proxy'})"
    return None


@functools.cache
def _log_network(address: str, refused: bool) -> None:
    """Once per process and address: the anonymous network service in the server's log."""
    if refused:
        _log.error("refusing to serve without login on %s: configure [auth] in "
                   ".streamlit/secrets.toml, or bind to localhost, or set "
                   "PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK=1", address)
    else:
        _log.warning("serving WITHOUT LOGIN on %s (PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK=1): "
                     "every client is the local analyst", address)


def network_refusal() -> str | None:
    """Without login: the address others reach the server by, if they can and the setting
    does not allow it (then nothing may be served), else None. Logged once either way."""
    if login_configured():
        return None
    address = _network_address()
    if address is None:
        return None
    refused = not settings.get().allow_anonymous_network
    _log_network(address, refused)
    return address if refused else None


def refuse_network() -> None:
    """In app.py, before anything else is shown: without login on an address others can
    reach, the refusal (in plain text) and a stop."""
    address = network_refusal()
    if address is not None:
        st.error(texts.NETWORK_REFUSED.format(address=plain.md(address)),
                 icon=":material/block:")
        st.stop()


def _login_at(claims: Mapping[str, object]) -> float | None:
    issued = claims.get("iat")
    return float(issued) if isinstance(issued, int | float) and not isinstance(
        issued, bool) else None


def expired(claims: Mapping[str, object]) -> bool:
    """Whether a login is older than settings.login_minutes (a login without an issue time
    counts as expired)."""
    issued = _login_at(claims)
    return issued is None or time.time() - issued > settings.get().login_minutes * 60


def _cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in header.split(";"))
    return {name: value.strip('"') for name, _, value in pairs if name}


def login_cookie(cookie_header: str) -> dict | None:
    """The claims in a request's login cookie (Streamlit's signed `_streamlit_user`), if it
    has a valid one. Reads it as Streamlit's own auth routes do (internal functions of
    Streamlit 1.67: check them when Streamlit is upgraded)."""
    from streamlit.auth_util import get_cookie_with_chunks
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    cookies, secret = _cookies(cookie_header), get_cookie_secret()

    def single(name: str) -> bytes | None:
        value = cookies.get(name)
        return None if value is None else decode_signed_value(secret, name, value)

    try:
        value = get_cookie_with_chunks(single, USER_COOKIE_NAME)
        claims = json.loads(value) if value else None
    except (ValueError, TypeError):
        return None
    return claims if isinstance(claims, dict) else None


def may_download(cookie_header: str) -> bool:
    """Whether a request with these cookies may fetch a download (serve.py's guard on
    /media/): without login configured anyone who reaches the server (network_refusal keeps
    others out), else a valid, unexpired login with a role."""
    if not login_configured():
        return True
    claims = login_cookie(cookie_header)
    if not claims or not claims.get("is_logged_in") or expired(claims):
        return False
    try:
        return roles.load(settings.get().roles_file).role_of(claims) is not None
    except roles.RolesFileError:
        return False


def current() -> User | None:
    """The user of this session; None when login is required and nobody is logged in (or the
    login has expired), and when nobody may be served (network_refusal)."""
    if not login_configured():
        return None if network_refusal() else LOCAL
    claims = st.user.to_dict()
    if not claims.get("is_logged_in") or expired(claims):
        return None
    problem = None
    try:
        role_map = roles.load(settings.get().roles_file)
    except roles.RolesFileError as exc:
        role_map, problem = roles.NO_ROLES, str(exc)
    user_id = str(claims.get(role_map.email_claim) or claims.get("sub") or "")
    return User(user_id, str(claims.get("name") or user_id), role_map.role_of(claims),
                problem=problem, login_at=_login_at(claims))


def may(role: str) -> bool:
    """Whether the current user may do what `role` may."""
    user = current()
    return user is not None and roles.at_least(user.role, role)


def _provider() -> str | None:
    """The provider st.login() is given: None for the [auth] section's own credentials, else
    the name of its first named provider ([auth.microsoft] -> "microsoft")."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    return next((name for name, value in section.items() if hasattr(value, "keys")), None)


def logged_in() -> User:
    """The user, or the login screen (a title, a line and the login button) and a stop."""
    user = current()
    if user is not None:
        return user
    st.title(texts.APP_TITLE)
    if st.user.to_dict().get("is_logged_in"):  # logged in, but longer ago than allowed
        st.info(texts.LOGIN_EXPIRED.format(minutes=settings.get().login_minutes),
                icon=":material/schedule:")
    st.markdown(texts.LOGIN_INTRO)
    st.button(texts.LOGIN_BUTTON, type="primary", icon=":material/login:", key="auth_login",
              on_click=st.login, args=(_provider(),))
    st.stop()


def actor() -> tuple[str, str]:
    """(user id, role) of the current user, as the audit log records them."""
    user = current()
    return user.actor if user else ("", NO_ROLE)


def record(action: str, detail: str = "", user: User | None = None) -> None:
    """An action of the user (else of the current user) into the audit log."""
    data.audit(user.actor if user else actor(), action, detail)


def _logout(user: User) -> None:
    record("logout", user=user)
    st.logout()


def _logout_button(user: User) -> None:
    st.button(texts.LOGOUT_BUTTON, icon=":material/logout:", key="auth_logout",
              on_click=_logout, args=(user,))


@st.cache_resource(show_spinner=False)
def _recorded_logins() -> set[tuple[str, str, float | None]]:
    """(store, user id, login time) of the logins this process has recorded."""
    return set()


def admit(user: User) -> User:
    """Record a login once: not again in another session (each page the user opens in a new
    tab is one) of the same login. A logged-in user without a role gets the refusal page,
    which is also recorded, and a stop."""
    if not user.local and not st.session_state.get(LOGIN_RECORDED_KEY):
        login = (str(settings.get().db_path), user.user_id, user.login_at)
        recorded = _recorded_logins()
        if login not in recorded:
            recorded.add(login)
            record("login", "" if user.role else texts.AUDIT_REFUSED, user)
            if user.role is None:
                _log.warning("login refused: %s has no role", user.user_id)
        st.session_state[LOGIN_RECORDED_KEY] = True
    if user.role is not None:
        return user
    st.title(texts.APP_TITLE)
    st.error(texts.NO_ROLE.format(user=plain.md(user.user_id)), icon=":material/block:")
    if user.problem:
        st.warning(plain.md(user.problem), icon=":material/warning:")
    _logout_button(user)
    st.stop()


def sidebar(user: User) -> None:
    """Who is using the dashboard, in which role, and the logout button."""
    with st.sidebar:
        if user.local:
            address = _network_address()
            if address is None:
                st.caption(texts.LOCAL_MODE)
            else:  # allowed by PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK
                st.warning(texts.NETWORK_OPEN.format(address=plain.md(address)),
                           icon=":material/public:")
            return
        st.caption(texts.SIGNED_IN.format(name=plain.md(user.name),
                                          role=texts.ROLE_NAMES[user.role]))
        _logout_button(user)


def require(role: str) -> User:
    """At the top of a page: the user, if their role may open it; else a refusal and a
    stop."""
    user = current()
    if user is not None and roles.at_least(user.role, role):
        return user
    st.error(texts.PAGE_REFUSED.format(role=texts.ROLE_NAMES.get(role, role)),
             icon=":material/block:")
    st.stop()


def require_page(url_path: str) -> sitemap.PageSpec:
    """At the top of a page: its spec, if the user's role may open it; else a refusal and a
    stop."""
    spec = sitemap.PAGE_BY_PATH[url_path]
    require(spec.role)
    return spec


def audited_download(build: Callable[[], bytes], detail: str) -> Callable[[], bytes]:
    """A download button's data: builds the file on click (on another thread) and records
    the export, by the user of this run, in the audit log."""
    by = actor()  # taken here, as the store: the callable runs outside the script
    later = data.own_later()

    def download() -> bytes:
        content = build()
        with later() as con:
            data.audit(by, "export", detail, con)
        return content

    return download


def metrics_download(metric_ids: list[str], file_name: str, *,
                     forvaltningar: tuple[str, ...] | None,
                     publication: bool) -> Callable[[], bytes]:
    """The data of a download of the metrics workbook, recorded as an export. A viewer's
    workbook has no sheet of loaded files (their names are not the committee's to see)."""
    scope = (texts.AUDIT_SCOPE_ALL if forvaltningar is None
             else texts.AUDIT_SCOPE_SOME.format(names=", ".join(sorted(forvaltningar))))
    detail = texts.AUDIT_EXPORT_METRICS.format(
        file=file_name, count=len(metric_ids), mode=texts.AUDIT_MODE[publication], scope=scope)
    return audited_download(
        data.metrics_workbook(metric_ids, forvaltningar=forvaltningar, publication=publication,
                              load_log=may(roles.ANALYST)),
        detail)


def table_download(frame, sheet: str, file_name: str) -> Callable[[], bytes]:
    """The data of a download of a table (a polars frame) as .xlsx, recorded as an export."""
    return audited_download(lambda: data.frame_workbook(frame, sheet),
                            texts.AUDIT_EXPORT_TABLE.format(file=file_name, rows=frame.height))
