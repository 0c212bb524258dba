"""Page "Exportera": the chosen metrics as one Excel workbook, built when the button is
clicked, with the sidebar's förvaltning filter and publication mode; and the committee's
meeting pack as PDF (pack/), always in publication mode."""

from datetime import date

import streamlit as st

import pack
from metrics import registry
from ui import auth, data, filters, plain, texts

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_PDF = "application/pdf"
# Session state: (filter and data key, PDF bytes, seconds) of the last pack built. A comment, not
# a docstring: Streamlit's magic would write that on the page.
PACK_STATE = "pack_pdf"

spec = auth.require_page("exportera")
st.title(spec.title)
st.markdown(spec.intro)
chosen = filters.current()

all_ids = list(registry.METRICS)
metric_ids = st.multiselect(
    texts.EXPORT_METRICS, all_ids, default=all_ids, key="export_metrics",
    format_func=lambda m: registry.get(m).label_sv, help=texts.EXPORT_METRICS_HELP,
    placeholder=texts.EXPORT_METRICS_PLACEHOLDER,  # not Streamlit's "Choose options"
)

scope = (texts.EXPORT_SCOPE_ALL if chosen.forvaltningar is None
         else texts.EXPORT_SCOPE_SOME.format(names=filters.subset_names(chosen)))
st.markdown(texts.EXPORT_SCOPE.format(count=len(metric_ids), scope=scope))
st.caption(texts.EXPORT_PUBLICATION if chosen.publication else texts.EXPORT_NO_PUBLICATION)

if not metric_ids:
    st.info(texts.EXPORT_NONE)
else:
    file_name = texts.EXPORT_FILE_NAME.format(day=date.today().isoformat())
    st.download_button(
        texts.EXPORT_BUTTON,
        data=auth.metrics_download(metric_ids, file_name, forvaltningar=chosen.forvaltningar,
                                   publication=chosen.publication),
        file_name=file_name, mime=MIME_XLSX, type="primary", icon=":material/download:",
        on_click="ignore", key="export_download",
    )

# The meeting pack: built on the click (about 5 s: a headless chromium draws the charts), then
# offered for download; the download is recorded in the audit log like the workbook's.
st.subheader(texts.PACK_HEADER)
pack_scope = (texts.AUDIT_SCOPE_ALL if chosen.forvaltningar is None
              else filters.subset_names(chosen))
st.markdown(texts.PACK_INTRO.format(scope=pack_scope))
pack_key = (chosen.forvaltningar, data.data_key())
if st.button(texts.PACK_BUTTON, icon=":material/picture_as_pdf:", key="pack_build"):
    with st.spinner(texts.PACK_SPINNER, show_time=True):
        try:
            st.session_state[PACK_STATE] = (pack_key, *pack.timed_build(
                data.connection(), forvaltningar=chosen.forvaltningar))
        except pack.PackError as exc:
            st.error(texts.PACK_FAILED.format(error=plain.md(exc)), icon=":material/error:")
built = st.session_state.get(PACK_STATE)
if built and built[0] == pack_key:
    _, pdf, seconds = built
    pack_file = texts.PACK_FILE_NAME.format(day=date.today().isoformat())
    st.caption(texts.PACK_READY.format(seconds=seconds))
    audit_scope = (texts.AUDIT_SCOPE_ALL if chosen.forvaltningar is None
                   else texts.AUDIT_SCOPE_SOME.format(names=", ".join(
                       sorted(chosen.forvaltningar))))
    st.download_button(
        texts.PACK_DOWNLOAD,
        data=auth.audited_download(
            lambda: pdf, texts.AUDIT_EXPORT_PACK.format(file=pack_file, scope=audit_scope)),
        file_name=pack_file, mime=MIME_PDF, type="primary", icon=":material/download:",
        on_click="ignore", key="pack_download",
    )
