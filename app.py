"""Personalpanelen: page config, navigation and the shared sidebar filters; nothing else.

Run with `uv run streamlit run app.py`. The pages live in ui/pages/, the metric-to-page map in
ui/sitemap.py, who may open which page in ui/auth.py and ui/roles.py.
"""

import logging
import traceback

import streamlit as st

import settings
import store
from pipelines.personnummer import mask_personnummer
from ui import auth, data, demo, filters, plain, roles, sitemap, texts

st.set_page_config(page_title=texts.APP_TITLE, page_icon=texts.APP_ICON, layout="wide")

try:
    settings.get()
except settings.SettingsError as exc:  # a threshold below the law, a month that is none
    st.error(texts.SETTINGS_REFUSED.format(error=plain.md(exc)))
    st.stop()

auth.refuse_network()  # without login: this machine only, unless a setting says otherwise
user = auth.logged_in()  # with [auth] configured: nothing but the login screen until then

try:
    data.connection()
except store.StoreLockedError as exc:  # another process (a CLI load?) holds the store
    st.error(plain.md(exc))
    st.stop()

auth.admit(user)

# A page the role may not open stays registered but hidden, so that its deep link reaches the
# page's own refusal rather than a silent redirect.
sections: dict[str, list] = {}
for spec in sitemap.ALL_PAGES:
    allowed = roles.at_least(user.role, spec.role)
    page = st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.default, visibility="visible" if allowed else "hidden")
    sections.setdefault(spec.section if allowed and spec.section else "", []).append(page)

navigation = st.navigation(sections, expanded=True)  # no English "View N more"

# A store holding a load beyond validate.LIMITS (made before they existed) shows no page of
# figures, which would take the disclosure model minutes, only these, where it is deleted.
STORE_PAGES = ("ladda-upp", "logg")

# After st.navigation, so that the rerun after the demo load keeps a deep-linked page.
DEMO_FAILED_KEY = "demo_load_failed"

if data.demo_missing() and not st.session_state.get(DEMO_FAILED_KEY):
    bar = st.progress(0.0, text=texts.DEMO_LOADING)

    def _progress(share: float, message: str) -> None:
        bar.progress(min(max(share, 0.0), 1.0), text=f"{texts.DEMO_LOADING} {plain.md(message)}")

    try:
        data.load_demo_if_empty(progress=_progress)
    except Exception as exc:  # the app must still open, so the analyst can upload data
        bar.empty()
        st.session_state[DEMO_FAILED_KEY] = True
        st.error(texts.DEMO_FAILED.format(error=plain.md(exc)))
    else:
        st.rerun()

try:
    auth.sidebar(user)
    demo.sidebar()
    filters.sidebar()
    demo.banner()
    over = data.over_limits()
    if over and navigation.url_path not in STORE_PAGES:
        st.error(texts.STORE_OVER_LIMITS, icon=":material/error:")
        for message in over:
            st.markdown(plain.md(message))
        st.stop()
    navigation.run()
except Exception:  # st.stop and st.rerun are no Exception: they pass through
    # No traceback on the page (server paths, data): a Swedish line there, the whole of it in
    # the server's log, a personnummer in it masked. client.showErrorDetails = "none" covers
    # what fails outside the script run (a widget's callback).
    logging.getLogger("personalpanelen").error(
        "unhandled error in a page run:\n%s", mask_personnummer(traceback.format_exc()))
    st.error(texts.UNEXPECTED_ERROR, icon=":material/error:")
