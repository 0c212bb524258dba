"""Page "Logg" (admin only): the audit log, filtered by action and user, and as Excel; and
the raw archive's retention period."""

from datetime import date

import polars as pl
import streamlit as st

from metrics import registry
from pipelines.lifecycle import MAX_RETENTION_DAYS
from ui import auth, data, numbers, texts

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column widths (px) that keep the table within the page at 1280 px and wider, as on
# Handlingsprogram: a long detail (a load's file name) is cut in its cell, not off the page;
# the Excel download has it whole.
WIDTHS = {"logged_at": 140, "user_id": 110, "role": 90, "action": 110, "detail": 380}



def _detail(action: str, detail: str | None) -> str | None:
    """A target change names its indicator by title, not by its id ('full_time_share: minst
    80 år 2027' is stored; 'Andel heltidsanställda: minst 80 år 2027' is shown)."""
    metric_id, colon, rest = (detail or "").partition(": ")
    if action == "target" and colon and metric_id in registry.METRICS:
        return f"{registry.get(metric_id).label_sv}: {rest}"
    return detail


spec = auth.require_page("logg")
st.title(spec.title)
st.markdown(spec.intro)

everything = data.audit_log()
action_column, user_column = st.columns(2)
actions = action_column.multiselect(
    texts.AUDIT_ACTION, list(texts.AUDIT_ACTIONS), key="audit_actions",
    format_func=lambda action: texts.AUDIT_ACTIONS[action],
    placeholder=texts.AUDIT_FILTER_ALL,
)
users = user_column.multiselect(  # option labels are plain text (ui/plain.py)
    texts.AUDIT_USER, sorted(everything["user_id"].unique().to_list()), key="audit_users",
    placeholder=texts.AUDIT_FILTER_ALL,
)
log = data.audit_log(actions, users)

if log.is_empty():
    st.caption(texts.AUDIT_EMPTY)
else:
    headers = texts.AUDIT_HEADERS
    table = pl.DataFrame({
        headers["logged_at"]: [t.astimezone(numbers.LOCAL_TIME).strftime("%Y-%m-%d %H:%M:%S")
                               for t in log["logged_at"]],  # Swedish time, as everywhere
        headers["user_id"]: log["user_id"],
        headers["role"]: [texts.ROLE_NAMES.get(r, texts.AUDIT_NO_ROLE) for r in log["role"]],
        headers["action"]: [texts.AUDIT_ACTIONS.get(a, a) for a in log["action"]],
        headers["detail"]: [_detail(a, d) for a, d in zip(log["action"], log["detail"],
                                                          strict=True)],
    })
    st.caption(texts.AUDIT_COUNT.format(count=table.height))
    st.dataframe(table, hide_index=True, key="audit_table", column_config={
        headers[key]: st.column_config.TextColumn(width=width) for key, width in WIDTHS.items()})
    file_name = texts.AUDIT_FILE_NAME.format(day=date.today().isoformat())
    st.download_button(
        texts.AUDIT_DOWNLOAD, data=auth.table_download(table, texts.AUDIT_SHEET, file_name),
        file_name=file_name, mime=MIME_XLSX, on_click="ignore", icon=":material/download:",
        key="audit_download",
    )

st.divider()
st.subheader(texts.RETENTION_HEADER)
with st.form("retention"):
    days = st.number_input(texts.RETENTION_DAYS, min_value=0, max_value=MAX_RETENTION_DAYS,
                           value=data.retention_days(), step=1, help=texts.RETENTION_HELP)
    if st.form_submit_button(texts.RETENTION_SAVE):
        removed = data.set_retention(int(days), auth.actor())
        st.success(texts.RETENTION_SAVED.format(days=int(days), removed=len(removed))
                   if days else texts.RETENTION_FOREVER)
