"""Page "handlingsprogram": scaffold, being built (issue 12)."""

import streamlit as st

from ui import auth

spec = auth.require_page("handlingsprogram")
st.title(spec.title)
st.markdown(spec.intro)
