"""Roles and the roles file: who may do what when login is configured (issue 11).

Three roles, each allowed what the one below it is:

- viewer (the personnel committee): the overview and the indicator pages, in publication mode;
- analyst: also uploads, maps and exports (the local user without login is an analyst);
- admin: also reads the audit log, deletes loads and manages saved mapping profiles.

The roles file (settings.roles_file, TOML; docs/roles.example.toml) maps a logged-in user to a
role by the e-mail address or by the groups in the id token's claims. The highest role that
matches wins; a user whom no entry matches has no role and is refused. This module is pure (no
Streamlit): ui/auth.py applies it to st.user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import settings

VIEWER = "viewer"
ANALYST = "analyst"
ADMIN = "admin"
ROLES = (VIEWER, ANALYST, ADMIN)
"""Lowest first: a role may do everything the roles before it may."""


def at_least(role: str | None, needed: str) -> bool:
    """Whether `role` may do what `needed` may (None: no role, may nothing)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


class RolesFileError(ValueError):
    """The roles file cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class RoleEntry:
    emails: frozenset[str] = frozenset()
    """Addresses, compared without regard to case."""
    groups: frozenset[str] = frozenset()
    """Group ids or names, compared exactly (Entra ID sends object ids)."""


@dataclass(frozen=True)
class RoleMap:
    group_claim: str = "groups"
    """The claim holding the user's groups (a list of strings, or one string)."""
    email_claim: str = "email"
    """The claim holding the user's e-mail address."""
    entries: Mapping[str, RoleEntry] = field(default_factory=dict)

    def role_of(self, claims: Mapping[str, object]) -> str | None:
        """The highest role whose e-mail addresses or groups match the claims; None if none.
        An address the provider marks as unverified (email_verified = false) matches
        nothing."""
        email = claims.get(self.email_claim)
        verified = claims.get("email_verified", True) not in (False, "false")
        address = email.strip().casefold() if isinstance(email, str) and verified else None
        found = claims.get(self.group_claim)
        groups = {found} if isinstance(found, str) else {
            g for g in (found if isinstance(found, list | tuple) else ()) if isinstance(g, str)}
        for role in reversed(ROLES):
            entry = self.entries.get(role)
            if entry and ((address and address in entry.emails) or groups & entry.groups):
                return role
        return None


NO_ROLES = RoleMap()
"""What a missing roles file gives: nobody has a role."""


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RolesFileError(f"{where} ska vara en lista med texter.")
    return value


def parse(text: str, name: str = "roles.toml") -> RoleMap:
    """The role map a roles file's text describes; RolesFileError says what is wrong."""
    return _role_map(settings.read_toml(text, name, RolesFileError), name)


def _role_map(raw: dict, name: str) -> RoleMap:
    claims = {}
    for key in ("group_claim", "email_claim"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise RolesFileError(f"{name}: {key} ska vara namnet på ett claim.")
            claims[key] = raw.pop(key).strip()
    entries = {}
    for role, table in raw.items():
        if role not in ROLES or not isinstance(table, dict):
            raise RolesFileError(f"{name}: okänd nyckel ”{role}” (roller: {', '.join(ROLES)}).")
        unknown = set(table) - {"emails", "groups"}
        if unknown:
            raise RolesFileError(f"{name}: [{role}] har okända nycklar: "
                                 f"{', '.join(sorted(unknown))} (tillåtna: emails, groups).")
        entries[role] = RoleEntry(
            emails=frozenset(e.strip().casefold() for e in
                             _strings(table.get("emails", []), f"{name}: [{role}] emails")),
            groups=frozenset(_strings(table.get("groups", []), f"{name}: [{role}] groups")),
        )
    return RoleMap(entries=entries, **claims)


def load(path: Path) -> RoleMap:
    """The role map in the file; NO_ROLES when there is no file."""
    try:
        raw = settings.read_toml(path, path.name, RolesFileError)
    except FileNotFoundError:
        return NO_ROLES
    return _role_map(raw, path.name)
