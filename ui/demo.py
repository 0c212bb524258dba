"""The demo municipality on screen: a banner while it is shown, and the sidebar switch that
brings it back once the municipality has its own data (ui/data.py keeps the two stores apart).

The demo is for those who set the dashboard up (analysts and admins). A viewer (the
committee) never sees it: no switch, and while the municipality's own store is still empty a
line saying so in place of every page, so that invented figures (and the demo's invented
Kolada values) can never be taken for the municipality's.
"""

from __future__ import annotations

import streamlit as st

from ui import auth, data, roles, texts


def sidebar() -> None:
    """The switch "Visa exempeldata", offered to an analyst once the own store has data; off
    after a load. For a viewer, before the own store has data: the line that says so, and a
    stop (app.py calls this before the filters and the page)."""
    if st.session_state.pop(data.KEY_LEAVE_DEMO, False):
        st.session_state[data.KEY_SHOW_DEMO] = False
    if not auth.may(roles.ANALYST):
        st.session_state[data.KEY_SHOW_DEMO] = False
        if not data.has_own_data():
            st.title(texts.APP_TITLE)
            st.info(texts.DEMO_VIEWER_NO_DATA, icon=":material/info:")
            st.stop()
        return
    if data.has_own_data():
        with st.sidebar:
            st.toggle(texts.DEMO_SHOW, key=data.KEY_SHOW_DEMO, help=texts.DEMO_SHOW_HELP)


def banner() -> None:
    """Above every page while the demo is shown: whose figures these are, and the way out."""
    if data.showing_demo():
        way_out = texts.DEMO_BANNER_BACK if data.has_own_data() else texts.DEMO_BANNER_UPLOAD
        st.warning(f"{texts.DEMO_BANNER} {way_out}", icon=":material/science:")
