"""The pages and the sidebar's menu of them.

Streamlit's own sidebar menu puts each section's heading and links in a <div> inside its <ul>,
which a screen reader cannot read as one list (axe-core: "list" and "listitem", serious;
Streamlit 1.67). So st.navigation only routes (position "hidden") and the menu is drawn here:
a heading per section and a link per page (st.page_link), in the same order, with the same
titles and icons. The links navigate within the session, as Streamlit's menu does.
"""

from __future__ import annotations

from itertools import groupby

import streamlit as st

from ui import roles, sitemap
from ui.auth import User

MENU_KEY = "navigation"
"""The menu's container: class st-key-navigation in the page, where the browser tests look."""

Route = tuple[sitemap.PageSpec, st.Page, bool]
"""A page's spec, its Streamlit page and whether the user's role may open it."""


def routes(user: User) -> list[Route]:
    """Every page, in the menu's order. A page the role may not open stays registered but
    hidden, so that its deep link reaches the page's own refusal rather than a silent
    redirect."""
    out = []
    for spec in sitemap.ALL_PAGES:
        allowed = roles.at_least(user.role, spec.role)
        page = st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                       default=spec.default, visibility="visible" if allowed else "hidden")
        out.append((spec, page, allowed))
    return out


def sections(pages: list[Route]) -> dict[str, list[st.Page]]:
    """The pages by menu section, as st.navigation takes them ("" for those outside one)."""
    out: dict[str, list[st.Page]] = {}
    for spec, page, allowed in pages:
        out.setdefault(spec.section if allowed and spec.section else "", []).append(page)
    return out


def menu(pages: list[Route]) -> None:
    """The sidebar's menu: the pages the user may open, under their section's heading."""
    shown = [(spec, page) for spec, page, allowed in pages if allowed]
    with st.sidebar.container(key=MENU_KEY):
        for section, group in groupby(shown, key=lambda route: route[0].section):
            if section:
                st.markdown(f"**{section}**")  # our own section names, never data
            for spec, page in group:
                st.page_link(page, label=spec.title, icon=spec.icon, width="stretch")
        st.divider()
