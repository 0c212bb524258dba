"""Page "Exportera": the chosen metrics as one Excel workbook, built when the button is
clicked, with the sidebar's förvaltning filter and publication mode."""

from datetime import date

import streamlit as st

from metrics import registry
from ui import auth, filters, texts

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

spec = auth.require_page("exportera")
st.title(spec.title)
st.markdown(spec.intro)
chosen = filters.current()

all_ids = list(registry.METRICS)
metric_ids = st.multiselect(
    texts.EXPORT_METRICS, all_ids, default=all_ids, key="export_metrics",
    format_func=lambda m: registry.get(m).label_sv, help=texts.EXPORT_METRICS_HELP,
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
