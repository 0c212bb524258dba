"""Page "Handlingsprogram" (issue 12): the action programme's points, their status at a glance,
the points past their deadline, the table, what changed, and Excel; analysts and admins edit
it in a table or replace it from Excel. Storage, validation, import and export are
metrics/programme.py's; the points' texts are data, shown as text (st.dataframe, plain.md)."""

from datetime import date

import polars as pl
import streamlit as st

import settings
from metrics import programme
from ui import auth, chart_text, charts, data, plain, roles, texts, uploads
from ui.indicator import chart_caption

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FLASH_KEY = "programme_flash"  # session state: a save's or import's message, after the rerun

spec = auth.require_page("handlingsprogram")
st.title(spec.title)
st.markdown(spec.intro)

con = data.connection()
may_edit = auth.may(roles.ANALYST)
about = programme.current(con)
today = date.today()
headers = programme.HEADERS

# The points' tables fit a 1280 px window (a table 820 px wide beside the sidebar) with every
# column in view: fixed widths (px; a cell pads 17 px, so Ansvarig takes
# "Kommunledningskontoret", 154 px of text), the text wrapped in rows tall enough for five
# lines (Streamlit wraps above 4rem), and whether the deadline has passed written under it
# rather than in a column of its own.
ROW_HEIGHT = 100
WIDTHS = {"nr": 30, "text": 182, "deadline": 84, "forvaltning": 172, "status": 86,
          "comment": 128, "indicator": 136}
TABLE_COLUMNS = {headers[key]: st.column_config.TextColumn(width=width)
                 for key, width in WIDTHS.items()}


def _export(later: data.Later, day: date):
    """The programme as Excel, built when the download button is clicked (after this run)."""
    def build() -> bytes:
        with later() as store:
            return programme.export_xlsx(store, day)
    return build


def _points_table(frame: pl.DataFrame, key: str, **kwargs) -> None:
    """programme.table's frame on screen: the deadline as text, '(passerat)' after it when
    past; an empty cell left empty, not Streamlit's "None"."""
    deadline, passed = headers["deadline"], headers["overdue"]
    shown = frame.with_columns(
        pl.concat_str(pl.col(deadline).dt.to_string("%Y-%m-%d").fill_null(""),
                      pl.when(pl.col(passed) == "Ja").then(pl.lit(texts.PROGRAMME_DEADLINE_PASSED))
                      .otherwise(pl.lit("")))).drop(passed)
    st.dataframe(shown, hide_index=True, key=key, column_config=TABLE_COLUMNS,
                 row_height=ROW_HEIGHT, placeholder="", **kwargs)


flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(plain.md(flash), icon=":material/check_circle:")


# A refusal: our intro, then every problem as a line of text (they quote file names and cell
# values: data). Comments, not docstrings, in a page: Streamlit's magic would show them.
def _problems(intro: str, lines: list[str]) -> None:
    st.error(intro + "\n\n" + "\n".join(f"- {plain.md(line)}" for line in lines),
             icon=":material/error:")


if about is None:
    st.info(texts.PROGRAMME_NONE + (" " + texts.PROGRAMME_NONE_EDIT if may_edit else ""))
else:
    if about.title:
        st.subheader(plain.md(about.title))
    # Who saved is for analysts and admins; the committee sees when and how.
    st.caption((texts.PROGRAMME_VERSION if may_edit else texts.PROGRAMME_VERSION_SHORT).format(
        version=about.version, set_at=about.set_at.strftime("%Y-%m-%d %H:%M"),
        set_by=plain.md(about.set_by),
        source=programme.SOURCE_TEXT.get(about.source, about.source)))

    counts = programme.status_counts(con, today)
    overdue = int(counts["overdue"].sum())
    # The last card's label, "Passerat slutdatum", is the longest: its column is wider.
    cards = st.columns([1] * (len(counts) + 1) + [1.6])
    cards[0].metric(texts.PROGRAMME_TOTAL, int(counts["n"].sum()))
    for card, (label, n) in zip(cards[1:], counts.select("status", "n").iter_rows(),
                                strict=False):
        card.metric(label, n)
    cards[-1].metric(texts.PROGRAMME_OVERDUE, overdue, help=texts.PROGRAMME_OVERDUE_HELP)

    st.markdown(f"##### {texts.PROGRAMME_STATUS_HEADER}")
    # The chart's legend could show only one colour of the status bars: a caption says what
    # the colours mean instead.
    status_chart = charts.programme_status(counts)
    status_chart.update_layout(showlegend=False)
    st.plotly_chart(status_chart, key="programme_status_chart", config=charts.CONFIG)
    chart_caption(chart_text.programme_status(counts))
    st.caption(texts.PROGRAMME_CHART_LEGEND)
    with st.expander(texts.CHART_TABLE):
        st.dataframe(counts.select(
            pl.col("status").alias(texts.PACK_PROGRAMME_STATUS),
            pl.col("n").alias(texts.PACK_PROGRAMME_POINTS),
            pl.col("overdue").alias(texts.PACK_PROGRAMME_OVERDUE)),
            hide_index=True, key="programme_status_table")

    if overdue:
        st.warning(texts.PROGRAMME_OVERDUE_WARNING.format(count=overdue),
                   icon=":material/schedule:")
        _points_table(programme.table(con, today, only_overdue=True),
                      "programme_overdue_table")
    else:
        st.success(texts.PROGRAMME_OVERDUE_NONE, icon=":material/check_circle:")

    st.markdown(f"##### {texts.PROGRAMME_TABLE_HEADER}")
    shown = programme.table(con, today)
    _points_table(shown, "programme_table", height="content")
    file_name = texts.PROGRAMME_FILE_NAME.format(day=today.isoformat())
    st.download_button(
        texts.PROGRAMME_DOWNLOAD,
        data=auth.audited_download(_export(data.shown_later(), today),
                                   texts.AUDIT_EXPORT_TABLE.format(file=file_name,
                                                                   rows=shown.height)),
        file_name=file_name, mime=MIME_XLSX, on_click="ignore", icon=":material/download:",
        key="programme_download",
    )

    with st.expander(texts.PROGRAMME_HISTORY_HEADER):
        st.caption(texts.PROGRAMME_HISTORY_INTRO)
        changes = programme.history(con)
        if not may_edit:
            changes = changes.drop("set_by", "file_name")
        st.dataframe(changes.rename(texts.PROGRAMME_HISTORY_HEADERS, strict=False),
                     hide_index=True, key="programme_history", placeholder=texts.NO_CELL,
                     column_config={texts.PROGRAMME_HISTORY_HEADERS["set_at"]:
                                    st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})

if may_edit:
    version = about.version if about else None
    st.divider()
    st.subheader(texts.PROGRAMME_EDIT_HEADER)
    st.caption(texts.PROGRAMME_EDIT_HELP)
    # Keyed by the version: after a save the editor starts afresh from the new version.
    with st.form(f"programme_form_{version or 0}", border=False):
        title = st.text_input(texts.PROGRAMME_TITLE_LABEL, value=about.title if about else "",
                              max_chars=200, key=f"programme_title_{version or 0}")
        edited = st.data_editor(
            programme.editor_frame(con), key=f"programme_editor_{version or 0}",
            num_rows="dynamic", hide_index=True, placeholder="", row_height=ROW_HEIGHT,
            column_config={  # the widths of the tables above: every column in view
                headers["nr"]: st.column_config.TextColumn(max_chars=20, width=WIDTHS["nr"]),
                # The deadline's header has a help icon beside it: 20 px more, from the text.
                headers["text"]: st.column_config.TextColumn(max_chars=1000,
                                                             width=WIDTHS["text"] - 20),
                headers["deadline"]: st.column_config.TextColumn(
                    help=texts.PROGRAMME_EDIT_HELP, width=WIDTHS["deadline"] + 20),
                headers["forvaltning"]: st.column_config.TextColumn(
                    max_chars=200, width=WIDTHS["forvaltning"]),
                headers["status"]: st.column_config.SelectboxColumn(
                    options=list(programme.STATUSES.values()), width=WIDTHS["status"]),
                headers["comment"]: st.column_config.TextColumn(max_chars=2000,
                                                                width=WIDTHS["comment"]),
                headers["indicator"]: st.column_config.SelectboxColumn(
                    options=programme.indicator_options(), width=WIDTHS["indicator"]),
            },
        )
        submitted = st.form_submit_button(texts.PROGRAMME_SAVE, type="primary",
                                          icon=":material/save:")
    if submitted:
        try:
            saved = programme.save(con, programme.validate(programme.editor_rows(edited)),
                                   auth.actor(), title=title, base_version=version)
        except programme.ProgrammeError as exc:
            _problems(texts.PROGRAMME_INVALID, exc.lines())
        except programme.StaleVersionError as exc:
            st.error(plain.md(exc), icon=":material/error:")
        else:
            if saved.version is None:
                st.info(texts.PROGRAMME_UNCHANGED)
            else:
                st.session_state[FLASH_KEY] = texts.PROGRAMME_SAVED.format(
                    version=saved.version, added=saved.added, changed=saved.changed,
                    removed=saved.removed)
                st.rerun()

    st.subheader(texts.PROGRAMME_IMPORT_HEADER)
    st.warning(texts.PROGRAMME_IMPORT_WARNING, icon=":material/warning:")
    upload = uploads.file_uploader(texts.PROGRAMME_IMPORT_FILE, ["xlsx"],
                                   key="programme_upload", max_mb=settings.get().max_upload_mb)
    if st.button(texts.PROGRAMME_IMPORT_BUTTON, key="programme_import",
                 disabled=upload is None):
        try:
            saved = programme.import_xlsx(con, upload.name, upload.getvalue(), auth.actor(),
                                          base_version=version)
        except programme.ProgrammeError as exc:
            _problems(texts.PROGRAMME_IMPORT_REFUSED, exc.lines())
        except programme.StaleVersionError as exc:
            st.error(plain.md(exc), icon=":material/error:")
        else:
            st.session_state[FLASH_KEY] = texts.PROGRAMME_IMPORTED.format(
                file=upload.name, version=saved.version,
                count=len(programme.stored_points(con, saved.version)))
            st.rerun()
