"""Page "Jämställda löner" (issue 23). For everyone, the chosen year's pay
report in summary: the gap in hourly pay between women and men (mean and median), its trend
over the years, the quartile pay bands and who receives complementary pay, every figure that
rests on too few persons (pay_transparency.too_few) left out. For analysts and admins also, in
tabs: the report's every figure with its note, the pay survey (groups of equal work,
comparisons of work of equal value, the explanations and actions with their follow-up and
history) and the table of occupations -> categories. The figures, storage and validation are
metrics/pay_transparency.py's and metrics/pay_survey.py's; category names, occupations and
notes are data, shown as text (st.dataframe, st.data_editor, plain.md)."""

from collections.abc import Callable

import polars as pl
import streamlit as st

import settings
from metrics import pay_survey, pay_transparency
from metrics.disclosure import SUPPRESSED_MARK
from ui import auth, chart_text, charts, data, filters, numbers, plain, roles, texts
from ui import pay_texts as words
from ui.indicator import chart_caption

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_PDF = "application/pdf"
FLASH_KEY = "pay_flash"  # session state: (place, message) of a save, shown after the rerun
TABS_KEY = "pay_tabs"  # session state: the analyst's open tab, kept across the rerun

spec = auth.require_page("lonekartlaggning")
st.title(spec.title)
st.markdown(spec.intro)

con = data.connection()
analyst = auth.may(roles.ANALYST)
years = pay_transparency.years(con)
if not years:
    st.info(words.NO_PAY_DATA if analyst else words.NO_PAY_DATA_VIEWER, icon=":material/info:")
    st.stop()

chosen = filters.current()
if chosen.forvaltningar is not None or chosen.start is not None or chosen.end is not None:
    st.caption(words.FILTERS_NOT_USED)

newest_first = list(reversed(years))
if st.session_state.get("pay_year") not in years:  # a year of the other store (the demo's)
    st.session_state.pop("pay_year", None)
year = st.selectbox(words.YEAR, newest_first, key="pay_year", help=words.YEAR_HELP, width=200)
report = pay_transparency.report(con, year)
few = pay_transparency.too_few(report)
k = report.min_n
flag = settings.get().pay_gap_flag


# --- cells --------------------------------------------------------------------------------------
# Every table's cells are text in Swedish notation ('4,3 %', '198,52 kr'); a missing value is
# the dash, never "None".


def _percent(value: float | None) -> str:
    return texts.NO_CELL if value is None else numbers.with_unit(value, "%", 1)


def _kronor(value: float | None, decimals: int = 2) -> str:
    return texts.NO_CELL if value is None else numbers.with_unit(value, "kr", decimals)


def _count(value: int | None) -> str:
    return texts.NO_CELL if value is None else numbers.number(value)


def _text(value: object) -> str:
    return texts.NO_CELL if value is None or value == "" else str(value)


def _day(value) -> str:
    return texts.NO_CELL if value is None else numbers.day(value)


def _clock(value) -> str:
    return texts.NO_CELL if value is None else numbers.clock(value)


def _yes(value: bool | None) -> str:
    return words.YES if value else ""


def _table(frame: pl.DataFrame, headers: dict[str, str],
           formats: dict[str, Callable[[object], str]]) -> pl.DataFrame:
    """The frame's columns named in `headers`, in that order, as text under Swedish headers."""
    return pl.DataFrame({header: [formats.get(column, _text)(v) for v in frame[column].to_list()]
                         for column, header in headers.items() if column in frame.columns})


def _label(item: str) -> str:
    """A survey item as the page names it: 'Lika arbete: Undersköterska', 'Likvärdigt arbete:
    Undersköterska jämfört med Drifttekniker' (plain text: for tables and options)."""
    if item.startswith(pay_survey.ITEM_VALUE):
        group, _, other = item.removeprefix(pay_survey.ITEM_VALUE).partition(
            pay_survey.ITEM_SEPARATOR)
        return words.ITEM_VALUE.format(group=group, other=other)
    return words.ITEM_EQUAL.format(group=item.removeprefix(pay_survey.ITEM_EQUAL))


NOTE, FOLLOW_UP, RULES = "note", "follow_up", "rules"  # where a save's message shows


def _flash(place: str) -> None:
    """The message of the save made here, after its rerun: beside the form that made it,
    where the analyst is on the page."""
    saved = st.session_state.get(FLASH_KEY)
    if saved and saved[0] == place:
        st.session_state.pop(FLASH_KEY)
        st.success(saved[1], icon=":material/check_circle:")


def _saved(place: str, message: str) -> None:
    st.session_state[FLASH_KEY] = (place, message)
    st.rerun()


# --- the summary: what the committee sees -------------------------------------------------------


def _card(column, label: str, value: float | None, hidden: bool, help_text: str,
          missing: str = words.GAP_NOT_COMPUTED) -> None:
    with column:
        if hidden:  # "Visas inte" as the value, why under it
            st.metric(label, words.HIDDEN_VALUE, help=help_text)
            st.caption(words.HIDDEN_WHY.format(k=k))
        elif value is None:
            st.metric(label, words.NOT_COMPUTED, help=help_text)
            st.caption(missing)
        else:
            st.metric(label, _percent(value), help=help_text)


st.subheader(words.SUMMARY_HEADER.format(year=year))
if analyst:
    st.caption(words.SUMMARY_AS_COMMITTEE)
cards = st.columns(4)
_card(cards[0], words.MEAN_GAP, report.mean_gap, few["gap"], words.GAP_HELP)
_card(cards[1], words.MEDIAN_GAP, report.median_gap, few["gap"], words.GAP_HELP)
for card, label, gender in ((cards[2], words.RECEIVING_WOMEN, pay_transparency.WOMEN),
                            (cards[3], words.RECEIVING_MEN, pay_transparency.MEN)):
    _card(card, label, report.receiving_complementary[gender], few["receiving"],
          words.RECEIVING_HELP, missing=words.NO_COMPLEMENTARY)
st.caption(words.GAP_EXPLAINED)

left, right = st.columns(2, gap="large")
with left:
    st.markdown(f"##### {words.TREND_HEADER}")
    trend = pay_transparency.trend(con)
    shown_trend = pay_transparency.committee_trend(trend, k)
    st.plotly_chart(charts.pay_gap_trend(shown_trend), key="pay_trend_chart",
                    config=charts.CONFIG)
    chart_caption(chart_text.pay_gap_trend(shown_trend))
    hidden_years = int(shown_trend["too_few"].sum())
    if hidden_years:
        st.caption(words.TREND_HIDDEN.format(count=hidden_years, k=k))
    # The chart's values (issue 24): a year resting on too few persons as the tables mark a
    # hidden cell.
    with st.expander(texts.CHART_TABLE):
        st.dataframe(pl.DataFrame({
            words.TREND_HEADERS["year"]: [str(y) for y in shown_trend["year"].to_list()],
            **{words.TREND_HEADERS[c]: [SUPPRESSED_MARK if hidden else _percent(v)
                                        for v, hidden in zip(shown_trend[c].to_list(),
                                                             shown_trend["too_few"].to_list(),
                                                             strict=True)]
               for c in ("mean_gap", "median_gap")}}),
            hide_index=True, key="pay_trend_chart_table", width="content")
with right:
    st.markdown(f"##### {words.QUARTILES_HEADER.format(year=year)}")
    if few["quartiles"] or not report.quartiles:
        st.info(words.HIDDEN_NOTE.format(k=k), icon=":material/visibility_off:")
    else:
        st.plotly_chart(charts.pay_quartiles(report.quartiles), key="pay_quartiles_chart",
                        config=charts.CONFIG)
        chart_caption(chart_text.pay_quartiles(report.quartiles, year))
        st.caption(words.QUARTILES_CAPTION)
        with st.expander(texts.CHART_TABLE):  # the chart's shares (the counts: analysts' tab)
            names = charts.quartile_names(report.quartiles)
            st.dataframe(pl.DataFrame({
                words.QUARTILE_HEADERS["band"]: names,
                words.QUARTILE_HEADERS["women_share"]: charts.percent_texts(
                    [b.women_share for b in report.quartiles]),
                words.QUARTILE_HEADERS["men_share"]: charts.percent_texts(
                    [b.men_share for b in report.quartiles])}),
                hide_index=True, key="pay_quartiles_chart_table", width="content")

if not analyst:
    st.stop()

# --- downloads (analysts): the report for DO and the unions, the survey's documentation ----------


def _download(build: Callable[[object, int], bytes], for_year: int) -> Callable[[], bytes]:
    """`build(store, for_year)` when the download button is clicked (after this run)."""
    later = data.shown_later()

    def make() -> bytes:
        with later() as store:
            return build(store, for_year)
    return make


def _report_xlsx(store, for_year: int) -> bytes:
    from metrics import pay_export

    return pay_export.report_xlsx(store, for_year)


def _survey_pdf(store, for_year: int) -> bytes:
    from pack import pay_survey as survey_document

    return survey_document.survey_pdf(store, for_year)


left, right = st.columns(2)
for column, (label, build, file_name, mime, key) in zip((left, right), (
        (words.DOWNLOAD_REPORT, _report_xlsx, f"lonerapport-{year}.xlsx", MIME_XLSX,
         "pay_report_download"),
        (words.DOWNLOAD_SURVEY, _survey_pdf, f"lonekartlaggning-{year}.pdf", MIME_PDF,
         "pay_survey_download")), strict=True):
    with column:
        st.download_button(
            label, data=auth.audited_download(_download(build, year), words.AUDIT_DOWNLOAD.format(
                file=file_name)),
            file_name=file_name, mime=mime, on_click="ignore", icon=":material/download:",
            key=key, width="stretch")


# --- the report's every figure (analysts) -------------------------------------------------------


def _figures() -> pl.DataFrame:
    """The report's figures of the year, each with its note when the committee does not see
    it."""
    note = words.FEW_NOTE.format(k=k)
    counts = {pay_transparency.WOMEN: report.women, pay_transparency.MEN: report.men}

    def receiving(gender: str) -> str:
        share = report.receiving_complementary[gender]
        if share is None:
            return texts.NO_CELL
        return words.OF.format(part=_count(report.receiving[gender]),
                               whole=_count(counts[gender]), share=_percent(share))

    rows = [
        ("women", _count(report.women), ""),
        ("men", _count(report.men), ""),
        ("excluded", _count(report.excluded), ""),
        ("mean_gap", _percent(report.mean_gap), note if few["gap"] else ""),
        ("median_gap", _percent(report.median_gap), note if few["gap"] else ""),
        ("mean_gap_complementary", _percent(report.mean_gap_complementary),
         note if few["complementary"] and report.complementary_given else ""),
        ("median_gap_complementary", _percent(report.median_gap_complementary),
         note if few["complementary"] and report.complementary_given else ""),
        ("receiving_women", receiving(pay_transparency.WOMEN), note if few["receiving"] else ""),
        ("receiving_men", receiving(pay_transparency.MEN), note if few["receiving"] else ""),
    ]
    headers = words.FIGURE_HEADERS
    return pl.DataFrame({headers["figure"]: [words.FIGURES[key] for key, _, _ in rows],
                         headers["value"]: [value for _, value, _ in rows],
                         headers["note"]: [n for _, _, n in rows]})


def _quartiles() -> pl.DataFrame:
    headers, bands = words.QUARTILE_HEADERS, report.quartiles
    return pl.DataFrame({
        headers["band"]: charts.quartile_names(bands),  # as the chart names them
        headers["women"]: [_count(b.women) for b in bands],
        headers["men"]: [_count(b.men) for b in bands],
        headers["women_share"]: [_percent(b.women_share) for b in bands],
        headers["men_share"]: [_percent(b.men_share) for b in bands],
        headers["lowest"]: [_kronor(b.lowest) for b in bands],
        headers["highest"]: [_kronor(b.highest) for b in bands],
    })


def _categories() -> pl.DataFrame:
    headers, found = words.CATEGORY_HEADERS, report.categories
    women, men = pay_transparency.WOMEN, pay_transparency.MEN
    columns = {
        "category": [c.category for c in found],
        "value_level": [_count(c.value_level) for c in found],
        "women": [_count(c.women) for c in found],
        "men": [_count(c.men) for c in found],
        "basic_women": [_kronor(c.mean_basic[women]) for c in found],
        "basic_men": [_kronor(c.mean_basic[men]) for c in found],
        "complementary_women": [_kronor(c.mean_complementary[women]) for c in found],
        "complementary_men": [_kronor(c.mean_complementary[men]) for c in found],
        "mean_gap": [_percent(c.mean_gap) for c in found],
        "mean_gap_basic": [_percent(c.mean_gap_basic) for c in found],
        "mean_gap_complementary": [_percent(c.mean_gap_complementary) for c in found],
        "flagged": [_yes(c.flagged) for c in found],
        "note": [words.FEW_NOTE_CATEGORY.format(k=k)
                 if pay_transparency.category_too_few(c, k) else "" for c in found],
    }
    return pl.DataFrame({header: columns[key] for key, header in headers.items()},
                        schema={header: pl.String for header in headers.values()})


def _report_tab() -> None:
    st.markdown(f"##### {words.REPORT_FIGURES}")
    st.caption(words.REPORT_FIGURES_CAPTION)
    # The value column wide enough for "1 234 av 5 678 (21,7 %)", which its auto width cut.
    st.dataframe(_figures(), hide_index=True, key="pay_figures", width="content",
                 column_config={words.FIGURE_HEADERS["value"]:
                                st.column_config.TextColumn(width=170)})

    st.markdown(f"##### {words.REPORT_QUARTILES}")
    if few["quartiles"]:
        st.caption(words.FEW_QUARTILES.format(k=k))
    st.dataframe(_quartiles(), hide_index=True, key="pay_quartiles_table", width="content")

    st.markdown(f"##### {words.REPORT_CATEGORIES}")
    st.caption(words.CATEGORIES_CAPTION.format(flag=numbers.number(flag)))
    st.dataframe(_categories(), hide_index=True, key="pay_categories_table",
                 placeholder=texts.NO_CELL)

    st.markdown(f"##### {words.REPORT_TREND}")
    marked = pay_transparency.trend_too_few(trend, k)
    note = words.FEW_NOTE.format(k=k)
    st.dataframe(_table(marked, words.TREND_HEADERS, {
        "year": str, "women": _count, "men": _count, "mean_gap": _percent,
        "median_gap": _percent, "mean_gap_complementary": _percent,
        "median_gap_complementary": _percent,
    }).with_columns(pl.Series(words.TREND_HEADERS["note"],
                              [note if hidden else "" for hidden in marked["too_few"]])),
        hide_index=True, key="pay_trend_table", width="content", height="content")


# --- the pay survey (analysts) ------------------------------------------------------------------


def _note_form(items: pl.DataFrame) -> None:
    """A form to record an explanation or an action for one flagged item, the first without
    a note chosen; filled in with the item's current note, if it has one."""
    rows = {row["item"]: row for row in items.iter_rows(named=True)}
    order = list(rows)
    missing = [item for item in order if rows[item]["kind"] is None]
    # Keyed by how many items are noted: after a first note the choice moves on to the next
    # item without one (and its label loses "saknar anteckning").
    item = st.selectbox(
        words.NOTE_ITEM, order, index=order.index(missing[0]) if missing else 0,
        key=f"pay_note_item_{year}_{len(order) - len(missing)}",
        help=words.NOTE_ITEM_HELP,
        format_func=lambda i: (words.NOTE_ITEM_MISSING.format(label=_label(i))
                               if rows[i]["kind"] is None else _label(i)))
    current = rows[item]
    if current["kind"] is not None:
        st.caption(words.NOTE_CURRENT.format(set_at=_clock(current["set_at"]),
                                             set_by=plain.md(current["set_by"]),
                                             version=current["version"]))
    kinds = list(pay_survey.KINDS)
    statuses = list(pay_survey.STATUSES)
    with st.form(f"pay_note_form_{year}_{item}_{current['version'] or 0}"):
        kind = st.radio(words.NOTE_KIND, kinds, format_func=pay_survey.KINDS.get,
                        index=kinds.index(current["kind"]) if current["kind"] else 0,
                        horizontal=True, key=f"pay_note_kind_{year}_{item}")
        text = st.text_area(words.NOTE_TEXT, value=current["text"] or "", max_chars=4000,
                            help=words.NOTE_TEXT_HELP, key=f"pay_note_text_{year}_{item}")
        cost_column, due_column, status_column = st.columns(3)
        cost = cost_column.number_input(words.NOTE_COST, min_value=0.0, step=1000.0,
                                        value=current["cost"], format="%.0f",
                                        help=words.NOTE_COST_HELP,
                                        key=f"pay_note_cost_{year}_{item}")
        due = due_column.date_input(words.NOTE_DUE, value=current["due"], format="YYYY-MM-DD",
                                    key=f"pay_note_due_{year}_{item}")
        status = status_column.selectbox(
            words.NOTE_STATUS, statuses, format_func=pay_survey.STATUSES.get,
            index=statuses.index(current["status"]) if current["status"] else 0,
            key=f"pay_note_status_{year}_{item}")
        submitted = st.form_submit_button(words.NOTE_SAVE, type="primary",
                                          icon=":material/save:")
    if submitted:
        action = kind == "action"
        note = pay_survey.Note(year=year, item=item, kind=kind, text=text,
                               cost=cost if action else None, due=due if action else None,
                               status=status if action else "planned")
        try:
            version = pay_survey.save_note(con, note, auth.actor())
        except pay_survey.SurveyError as exc:
            st.error(plain.md(exc), icon=":material/error:")
        else:
            _saved(NOTE, words.NOTE_SAVED.format(label=plain.md(_label(item)),
                                                 version=version))
    _flash(NOTE)


ITEM_COLUMNS = ("item", "difference", "kind", "text", "cost", "due", "status")
HISTORY_COLUMNS = ("set_at", "set_by", "item", "version", "kind", "text", "cost", "due",
                   "status")
# The notes' tables fit a 1280 px window (a table 820 px wide beside the sidebar) with every
# column in view: fixed widths (px), the texts wrapped in rows tall enough for three lines
# (Streamlit wraps above 4rem).
NOTE_WIDTHS = {"item": 200, "difference": 64, "kind": 84, "text": 200, "cost": 90,
               "due": 90, "status": 92, "set_at": 110, "set_by": 110, "version": 60}
NOTE_ROW_HEIGHT = 76


def _notes_table(frame: pl.DataFrame, columns: tuple[str, ...], key: str, **kwargs) -> None:
    """Notes (or flagged items with their notes) as text: an item without a note says so, and
    the status is an action's only (an explanation's stored "planned" is not shown)."""
    headers = {column: words.NOTE_HEADERS[column] for column in columns}
    table = _table(frame, headers, {
        "item": _label, "difference": _percent, "cost": lambda v: _kronor(v, 0), "due": _day,
        "set_at": _clock, "version": _count,
        "kind": lambda v: pay_survey.KINDS.get(v, words.NOTE_MISSING)})
    table = table.with_columns(pl.Series(headers["status"], [
        pay_survey.STATUSES.get(status, "") if kind == "action" else ""
        for status, kind in zip(frame["status"].to_list(), frame["kind"].to_list(),
                                strict=True)]))
    st.dataframe(table, hide_index=True, key=key, placeholder=texts.NO_CELL,
                 row_height=NOTE_ROW_HEIGHT, **kwargs, column_config={
                     header: st.column_config.TextColumn(width=NOTE_WIDTHS[column])
                     for column, header in headers.items()})


def _follow_up() -> None:
    st.markdown(f"##### {words.FOLLOW_UP_HEADER.format(year=year - 1)}")
    actions = pay_survey.follow_up(con, year)
    if actions.is_empty():
        st.caption(words.FOLLOW_UP_NONE.format(year=year - 1))
        return
    st.caption(words.FOLLOW_UP_CAPTION)
    headers = words.NOTE_HEADERS
    editor = _table(actions, {"item": headers["item"], "text": headers["text"],
                              "cost": headers["cost"], "due": headers["due"]},
                    {"item": _label, "cost": lambda v: _kronor(v, 0), "due": _day})
    editor = editor.with_columns(pl.Series(headers["status"], [
        pay_survey.STATUSES[s] for s in actions["status"].to_list()]))
    versions = "_".join(str(v) for v in actions["version"].to_list())
    with st.form(f"pay_follow_up_{year}_{versions}", border=False):
        edited = st.data_editor(
            editor, key=f"pay_follow_up_editor_{year}_{versions}", hide_index=True,
            disabled=[headers["item"], headers["text"], headers["cost"], headers["due"]],
            column_config={headers["status"]: st.column_config.SelectboxColumn(
                options=list(pay_survey.STATUSES.values()), required=True)})
        submitted = st.form_submit_button(words.FOLLOW_UP_SAVE, icon=":material/save:")
    _flash(FOLLOW_UP)
    if not submitted:
        return
    by_label = {label: code for code, label in pay_survey.STATUSES.items()}
    wanted = (edited[headers["status"]].to_list() if isinstance(edited, pl.DataFrame)
              else list(edited[headers["status"]]))
    changed = 0
    for row, label in zip(actions.iter_rows(named=True), wanted, strict=True):
        status = by_label.get(label, row["status"])
        if status == row["status"]:
            continue
        pay_survey.save_note(con, pay_survey.Note(
            year=row["year"], item=row["item"], kind=row["kind"], text=row["text"],
            cost=row["cost"], due=row["due"], status=status), auth.actor())
        changed += 1
    if changed:
        _saved(FOLLOW_UP, words.FOLLOW_UP_SAVED.format(count=changed))
    st.info(words.FOLLOW_UP_UNCHANGED)


def _survey_tab(found: pay_survey.Survey) -> None:
    limits = settings.get()

    st.markdown(f"##### {words.SURVEY_EQUAL.format(year=year)}")
    st.caption(words.SURVEY_EQUAL_CAPTION.format(
        flag=numbers.number(flag), share=numbers.number(limits.women_dominated_share)))
    st.dataframe(_table(found.groups, words.GROUP_HEADERS, {
        "value_level": _count, "women": _count, "men": _count, "women_share": _percent,
        "women_dominated": _yes, "mean_women": _kronor, "mean_men": _kronor,
        "median_women": _kronor, "median_men": _kronor, "difference": _percent,
        "flagged": _yes}), hide_index=True, key="pay_groups_table", placeholder=texts.NO_CELL)
    if found.unvalued:
        st.caption(words.UNVALUED.format(names=", ".join(plain.md(n) for n in found.unvalued)))

    st.markdown(f"##### {words.SURVEY_VALUE}")
    if len(found.unvalued) == found.groups.height:
        st.caption(words.SURVEY_VALUE_NO_LEVELS)
    elif found.comparisons.is_empty():
        st.caption(words.SURVEY_VALUE_NONE)
    else:
        st.caption(words.SURVEY_VALUE_CAPTION)
        st.dataframe(_table(found.comparisons, words.COMPARISON_HEADERS, {
            "value_level": _count, "women_share": _percent, "mean": _kronor,
            "other_value_level": _count, "other_women_share": _percent,
            "other_mean": _kronor, "difference": _percent}),
            hide_index=True, key="pay_comparisons_table")

    st.markdown(f"##### {words.NOTES_HEADER.format(year=year)}")
    items = pay_survey.flagged(con, year, found)
    if items.is_empty():
        st.caption(words.NOTES_NONE.format(year=year))
    else:
        st.caption(words.NOTES_CAPTION)
        missing = int(items["kind"].is_null().sum())
        if missing:
            st.warning(words.NOTES_MISSING.format(count=missing, total=items.height),
                       icon=":material/edit_note:")
        else:
            st.success(words.NOTES_ALL_DONE.format(total=items.height),
                       icon=":material/check_circle:")
        # all items in view when they are few; a scrolled table of about eight when many
        _notes_table(items, ITEM_COLUMNS, "pay_items_table",
                     height="content" if items.height <= 8 else 8 * NOTE_ROW_HEIGHT + 40)
        _note_form(items)

    _follow_up()

    with st.expander(words.HISTORY_HEADER.format(year=year)):
        history = pay_survey.note_history(con, year)
        if history.is_empty():
            st.caption(words.HISTORY_NONE)
        else:
            _notes_table(history, HISTORY_COLUMNS, "pay_note_history")


# --- the table of occupations -> categories (analysts) ------------------------------------------


def _rules_tab(found: pay_survey.Survey) -> None:
    st.markdown(f"##### {words.RULES_HEADER}")
    st.caption(words.RULES_CAPTION)
    if found.unvalued:
        st.caption(words.RULES_UNVALUED.format(
            year=year, names=", ".join(plain.md(n) for n in found.unvalued)))
    headers = words.RULE_HEADERS
    history = pay_survey.rule_history(con)
    current = pay_survey.rules(con).select(list(headers)).rename(headers)
    # Keyed by how many versions are stored: after a save the editor starts afresh.
    with st.form(f"pay_rules_form_{history.height}", border=False):
        edited = st.data_editor(
            current, key=f"pay_rules_editor_{history.height}", num_rows="dynamic",
            hide_index=True, placeholder="",
            column_config={
                headers["occupation"]: st.column_config.TextColumn(
                    max_chars=200, help=words.RULE_OCCUPATION_HELP, width="medium"),
                headers["category"]: st.column_config.TextColumn(max_chars=200,
                                                                 width="medium"),
                headers["value_level"]: st.column_config.NumberColumn(
                    min_value=0, max_value=100, step=1, format="%d",
                    help=words.RULE_LEVEL_HELP),
            })
        submitted = st.form_submit_button(words.RULES_SAVE, type="primary",
                                          icon=":material/save:")
    if submitted:
        frame = (edited if isinstance(edited, pl.DataFrame)
                 else pl.from_pandas(edited, nan_to_null=True))
        try:
            count = pay_survey.save_rules(con, frame.rename({v: k for k, v in headers.items()}),
                                          auth.actor())
        except pay_survey.SurveyError as exc:
            st.error(plain.md(exc), icon=":material/error:")
        else:
            if count:
                _saved(RULES, words.RULES_SAVED.format(
                    count=count, changes=words.CHANGE if count == 1 else words.CHANGES))
            st.info(words.RULES_UNCHANGED)

    _flash(RULES)
    with st.expander(words.RULES_HISTORY):
        if history.is_empty():
            st.caption(words.RULES_HISTORY_NONE)
        else:
            st.dataframe(_table(history, words.RULE_HISTORY_HEADERS, {
                "set_at": _clock, "version": _count, "value_level": _count,
                "removed": _yes}), hide_index=True, key="pay_rules_history",
                placeholder=texts.NO_CELL)


survey = pay_survey.survey(con, year)
report_tab, survey_tab, rules_tab = st.tabs(list(words.TABS), key=TABS_KEY, on_change="rerun")
with report_tab:
    _report_tab()
with survey_tab:
    _survey_tab(survey)
with rules_tab:
    _rules_tab(survey)
