"""Page "mal": scaffold, being built (issue 12)."""

import streamlit as st

from ui import auth

spec = auth.require_page("mal")
st.title(spec.title)
st.markdown(spec.intro)
