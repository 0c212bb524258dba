"""Page "Översikt": a card per mission indicator, with the latest value, the change since the
previous snapshot and a sparkline, and the data basis in one line. A card whose metric has a
programme target shows the target's status as a badge (its help says the rule) and the target
behind the sparkline; a card without a target says nothing about status."""

import streamlit as st

from metrics import disclosure, registry, targets
from metrics.disclosure import SUPPRESSED_MARK
from ui import auth, chart_text, charts, data, filters, numbers, plain, roles, sitemap, texts
from ui.indicator import (
    chart_caption,
    delta_args,
    latest_rows,
    md,
    no_values,
    target_badge,
    unavailable_reason,
    values_table,
)

CARDS_PER_ROW = 4
OPTIONAL = {"headcount", "sick_leave_total"}  # shown only when their data is loaded

spec = auth.require_page("oversikt")
st.title(spec.title)
st.markdown(spec.intro)
chosen = filters.current()
filters.subset_caption(chosen)

headcount = registry.get("headcount")
if unavailable_reason(headcount):
    st.info(texts.OVERVIEW_NO_DATA, icon=":material/info:")
else:
    total = data.metric_frame("headcount", **chosen.compute_args(headcount))
    log = data.load_log(1)
    if total.height:
        (latest_date, persons, hidden, *_), _ = latest_rows(total)
        basis = {"date": latest_date.isoformat(),
                 "persons": SUPPRESSED_MARK if hidden else numbers.count(int(persons))}
        if auth.may(roles.ANALYST):  # the load log (file names) is not for a viewer
            st.caption(texts.OVERVIEW_DATA_BASIS.format(
                **basis,
                loaded=numbers.clock(log["loaded_at"][0]) if log.height else "",
                file=plain.md(log["file_name"][0]) if log.height else "",
            ))
        else:
            st.caption(texts.OVERVIEW_DATA_BASIS_SHORT.format(**basis))
    if chosen.publication:
        st.caption(texts.PUBLICATION_ON)

    set_targets = targets.current(data.connection())
    if chosen.forvaltningar is not None and any(m in set_targets for m in sitemap.OVERVIEW_CARDS):
        st.caption(texts.TARGET_SUBSET)  # once, not on every card
    cards = [m for m in sitemap.OVERVIEW_CARDS
             if m not in OPTIONAL or not unavailable_reason(registry.get(m))]
    for row_start in range(0, len(cards), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, metric_id in zip(columns, cards[row_start:row_start + CARDS_PER_ROW],
                                     strict=False):
            metric = registry.get(metric_id)
            page = sitemap.page_of(metric_id)
            yearly = data.is_yearly(metric)
            with column, st.container(border=True, height="stretch"):
                reason = unavailable_reason(metric)
                frame = None if reason else data.metric_frame(
                    metric_id, **chosen.compute_args(metric))
                st.markdown(f"**{metric.label_sv}**", help=md(metric.definition_sv))
                if frame is None or frame.is_empty():
                    st.metric(metric.label_sv, "–", label_visibility="collapsed")
                    st.caption(reason or no_values(metric, chosen))
                else:
                    latest, previous = latest_rows(frame)
                    change = delta_args(latest, previous, metric, yearly)
                    change.pop("delta_description", None)  # too wide for a card
                    st.metric(
                        metric.label_sv,
                        SUPPRESSED_MARK if latest.suppressed
                        else numbers.metric_value(
                            latest.value, disclosure.shown(metric, latest.published), short=True),
                        label_visibility="collapsed",
                        **change,
                    )
                    target = set_targets.get(metric_id)
                    if target is not None:
                        target_badge(metric, target, frame)
                    plotted = disclosure.shown(metric, latest.published)
                    st.plotly_chart(charts.sparkline(frame, plotted, yearly=yearly, target=target),
                                    config=charts.SPARK_CONFIG, key=f"spark_{metric_id}")
                    # The sparkline in words and as a table (issue 24): it has no axes.
                    chart_caption(chart_text.trend(frame, plotted, yearly=yearly, target=target))
                    if latest[2]:
                        st.caption(texts.OVERVIEW_SUPPRESSED)
                    with st.expander(texts.CHART_TABLE):
                        by_year = charts.by_year(frame["snapshot_date"].to_list(), yearly)
                        table = values_table(frame, metric, yearly=by_year)
                        # The period and the value the line draws: a card has no room for
                        # the count (the indicator's page has it).
                        st.dataframe(table.select(table.columns[0], table.columns[-1]),
                                     hide_index=True, key=f"spark_table_{metric_id}")
                # The page's name in the help: a page link never wraps, and "Visa mer:
                # Personalstruktur" is cut in a card 190 px wide (4 cards at 1280 px).
                st.page_link(page.file, label=texts.OVERVIEW_MORE,
                             help=texts.OVERVIEW_MORE_HELP.format(page=page.title),
                             icon=":material/arrow_forward:")
