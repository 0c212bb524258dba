"""The demo municipality on screen: a banner while it is shown, and the sidebar switch that
brings it back once the municipality has its own data (ui/data.py keeps the two stores apart).
"""

from __future__ import annotations

import streamlit as st

from ui import data, texts


def sidebar() -> None:
    """The switch "Visa exempeldata", offered once the own store has data; off after a load."""
    if st.session_state.pop(data.KEY_LEAVE_DEMO, False):
        st.session_state[data.KEY_SHOW_DEMO] = False
    if data.has_own_data():
        with st.sidebar:
            st.toggle(texts.DEMO_SHOW, key=data.KEY_SHOW_DEMO, help=texts.DEMO_SHOW_HELP)


def banner() -> None:
    """Above every page while the demo is shown: whose figures these are, and the way out."""
    if data.showing_demo():
        way_out = texts.DEMO_BANNER_BACK if data.has_own_data() else texts.DEMO_BANNER_UPLOAD
        st.warning(f"{texts.DEMO_BANNER} {way_out}", icon=":material/science:")
