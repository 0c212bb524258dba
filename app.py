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
from ui import a11y, auth, data, demo, filters, navigation, plain, texts

st.set_page_config(page_title=texts.APP_TITLE, page_icon=texts.APP_ICON, layout="wide")
a11y.patch_page()  # the page's language and Swedish names for screen readers (ui/a11y.py)

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

pages = navigation.routes(user)
current_page = st.navigation(navigation.sections(pages), position="hidden")
navigation.menu(pages)  # the sidebar's menu, drawn by us (ui/navigation.py says why)
# Each page's own title in the browser's tab and history (WCAG 2.4.2).
st.set_page_config(page_title=texts.PAGE_TITLE.format(page=current_page.title))

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
    if over and current_page.url_path not in STORE_PAGES:
        st.error(texts.STORE_OVER_LIMITS, icon=":material/error:")
        for message in over:
            st.markdown(plain.md(message))
        st.stop()
    current_page.run()
except Exception:  # st.stop and st.rerun are no Exception: they pass through
    # No traceback on the page (server paths, data): a Swedish line there, the whole of it in
    # the server's log, a personnummer in it masked. client.showErrorDetails = "none" covers
    # what fails outside the script run (a widget's callback).
    logging.getLogger("personalpanelen").error(
        "unhandled error in a page run:\n%s", mask_personnummer(traceback.format_exc()))
    st.error(texts.UNEXPECTED_ERROR, icon=":material/error:")
