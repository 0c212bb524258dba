"""Page "kolada": scaffold, being built (issue 12)."""

import streamlit as st

from ui import auth

spec = auth.require_page("kolada")
st.title(spec.title)
st.markdown(spec.intro)
