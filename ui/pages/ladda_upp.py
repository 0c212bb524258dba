"""Page "Ladda upp": files in, the validation report out, and the latest loads."""

import polars as pl
import streamlit as st

import settings
from ui import data, numbers, sitemap, texts

REPORT_KEY = "upload_report"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forget_report() -> None:
    st.session_state.pop(REPORT_KEY, None)


def _show_report(report) -> None:
    if report.loaded:
        message = texts.UPLOAD_SUCCESS.format(
            rows=numbers.number(report.rows),
            files=", ".join(report.files),
            dates=", ".join(d.isoformat() for d in report.snapshot_dates),
        )
        if report.warnings:
            message += texts.UPLOAD_SUCCESS_WARNINGS.format(count=len(report.warnings))
        st.success(message, icon=":material/check_circle:")
    else:
        if report.needs_snapshot_date:
            st.warning(texts.UPLOAD_NEEDS_DATE.format(
                files=", ".join(report.needs_snapshot_date), field=texts.UPLOAD_DATE,
                button=texts.UPLOAD_BUTTON), icon=":material/event:")
        st.error(texts.UPLOAD_REFUSED.format(count=len(report.errors)),
                 icon=":material/error:")

    st.subheader(texts.UPLOAD_FINDINGS)
    if not report.findings:
        st.caption(texts.UPLOAD_FINDINGS_NONE)
        return
    findings = report.findings_frame()
    st.dataframe(findings, hide_index=True, key="upload_findings")
    st.download_button(
        texts.UPLOAD_FINDINGS_DOWNLOAD,
        data=data.findings_workbook(findings, texts.UPLOAD_FINDINGS_SHEET),
        file_name="valideringsrapport.xlsx", mime=MIME_XLSX, on_click="ignore",
        icon=":material/download:", key="upload_findings_download",
    )


def _load_log_table(log: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame({
        texts.LOG_HEADERS["load_id"]: log["load_id"].to_list(),
        texts.LOG_HEADERS["loaded_at"]: [t.strftime("%Y-%m-%d %H:%M")
                                         for t in log["loaded_at"].to_list()],
        texts.LOG_HEADERS["file_name"]: log["file_name"].to_list(),
        texts.LOG_HEADERS["snapshot_dates"]: log["snapshot_dates"].to_list(),
        texts.LOG_HEADERS["rows"]: [numbers.number(r) for r in log["rows"].to_list()],
        texts.LOG_HEADERS["seconds"]: [numbers.number(s, 1) for s in log["seconds"].to_list()],
        texts.LOG_HEADERS["source"]: [texts.LOG_SOURCES.get(s, s)
                                      for s in log["source"].to_list()],
    })


spec = sitemap.PAGE_BY_PATH["ladda-upp"]
st.title(spec.title)
st.markdown(spec.intro)

max_mb = settings.get().max_upload_mb
files = st.file_uploader(
    texts.UPLOAD_LABEL, type=["xlsx", "xlsm", "csv", "txt"], accept_multiple_files=True,
    key="upload", help=texts.UPLOAD_HELP.format(mb=max_mb), max_upload_size=max_mb,
    on_change=_forget_report,
)
snapshot_date = st.date_input(texts.UPLOAD_DATE, value=None, key="upload_date",
                              format="YYYY-MM-DD", help=texts.UPLOAD_DATE_HELP)

if st.button(texts.UPLOAD_BUTTON, type="primary", icon=":material/upload:", key="upload_go"):
    if not files:
        st.warning(texts.UPLOAD_NO_FILES)
    else:
        bar = st.progress(0.0, text=texts.UPLOAD_PROGRESS)

        def _progress(share: float, message: str) -> None:
            bar.progress(min(max(share, 0.0), 1.0), text=message or texts.UPLOAD_PROGRESS)

        try:
            report = data.ingest([(f.name, f.getvalue()) for f in files],
                                 snapshot_date=snapshot_date, progress=_progress)
        except ImportError as exc:
            bar.empty()
            st.warning(texts.UPLOAD_UNAVAILABLE.format(error=exc))
        except Exception as exc:  # ingest refuses bad files with findings; this is a bug
            bar.empty()
            st.error(texts.UPLOAD_FAILED.format(error=exc))
        else:
            st.session_state[REPORT_KEY] = report
            st.rerun()  # the sidebar filters pick up new förvaltningar and snapshot dates

if REPORT_KEY in st.session_state:
    _show_report(st.session_state[REPORT_KEY])

st.divider()
st.subheader(texts.UPLOAD_LOG)
log = data.load_log(10)
if log.is_empty():
    st.caption(texts.UPLOAD_LOG_EMPTY)
else:
    st.dataframe(_load_log_table(log), hide_index=True, key="load_log")
