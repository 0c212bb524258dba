"""The indicator section every metric page is built from, and the indicator page itself.

A section reads the filters, asks the data layer for computed frames, hands them to the chart
factories and shows the metric's own definition beside the chart. It holds no metric logic:
what a value means is the registry's business (metrics/).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import polars as pl
import streamlit as st

import settings
from metrics import disclosure, kolada, registry, targets
from metrics.compute import missing_columns, source_table
from metrics.definition import AGE_BANDS, BREAKDOWNS, Metric
from metrics.disclosure import SUPPRESSED_MARK, numerator_rule
from pipelines.schema import EXTRACTS
from ui import auth, chart_text, charts, data, filters, numbers, plain, roles, sitemap, texts

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AGE_BAND_ORDER = (*(label for _, label in AGE_BANDS), "65-", texts.UNKNOWN)
YEARS_TO_RETIREMENT = tuple(range(0, 11))  # 0: reached this year or already passed


# --- small helpers shared by the pages ---------------------------------------------------------


def md(text: str) -> str:
    """Text from the registry (ours), safe to show as Markdown (a "$" would start LaTeX).
    Text from files and the store goes through plain.md() instead."""
    return text.replace("$", "\\$")


def column_label(name: str) -> str:
    """The Swedish name of a canonical column ("a|b" reads "A eller B")."""
    if "|" in name:
        return texts.COLUMN_OR.join(column_label(part) for part in name.split("|"))
    for extract in EXTRACTS:
        for column in extract.columns:
            if column.name == name and column.label_sv:
                return column.label_sv
    return texts.DERIVED_COLUMN_LABELS.get(name, name)


def column_list(names: list[str]) -> str:
    labels = [f"”{column_label(n)}”" for n in names]
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + texts.COLUMNS_AND + labels[-1]


def threshold(metric: Metric) -> int:
    return disclosure.threshold(metric)


def threshold_text(metric: Metric) -> str:
    """The disclosure threshold as the metric's about box says it."""
    template = (texts.ABOUT_THRESHOLD_NUMERATOR if numerator_rule(metric)
                else texts.ABOUT_THRESHOLD_VALUE)
    return template.format(n=threshold(metric), mark=SUPPRESSED_MARK)


def hidden_caption(frame: pl.DataFrame, metric: Metric) -> None:
    """Below a chart: how many of its cells are hidden by the disclosure rule."""
    hidden = int(frame["suppressed"].sum()) if frame.height else 0
    if hidden:
        st.caption(texts.suppressed_caption(hidden, threshold(metric), numerator_rule(metric),
                                            metric.protection.secondary))


def chart_caption(text: str) -> None:
    """A chart's summary in words (ui/chart_text.py), as a caption right under it: Plotly's
    SVG has no accessible name, so sighted and screen-reader users read the same sentence
    (issue 24). It may name förvaltningar (data): shown as text."""
    if text:
        st.caption(plain.md(text))


def period_label(day: date, yearly: bool) -> str:
    return str(day.year) if yearly else day.isoformat()


def cell_text(value: float | None, suppressed: bool, decimals: int) -> str:
    return SUPPRESSED_MARK if suppressed else numbers.number(value, decimals)


def shown_decimals(frame: pl.DataFrame, metric: Metric) -> int:
    """The decimals of a frame's values: fewer in publication mode (a frame of
    compute(publication=True), which has the column `change`), so '70 %', not '70,0 %'."""
    return disclosure.decimals(metric, publication="change" in frame.columns)


def values_table(frame: pl.DataFrame, metric: Metric, *, yearly: bool) -> pl.DataFrame:
    """The total per snapshot as the table shows it: hidden cells as '..'."""
    rows = zip(frame["snapshot_date"].to_list(), frame["n"].to_list(),
               frame["value"].to_list(), frame["suppressed"].to_list(), strict=True)
    n_header = texts.TABLE_N_HME if metric.table == "hme" else texts.TABLE_N
    date_header = texts.TABLE_YEAR if yearly else texts.TABLE_DATE
    value_header = texts.TABLE_VALUE.format(unit=metric.unit)
    return pl.DataFrame(
        [(period_label(d, yearly), cell_text(n, hidden, 0),
          cell_text(v, hidden, shown_decimals(frame, metric))) for d, n, v, hidden in rows],
        schema=[date_header, n_header, value_header], orient="row",
    )


def scale_table(series: list[tuple[str, pl.DataFrame]], metric: Metric, *,
                yearly: bool) -> pl.DataFrame:
    """The lines of a scale chart (charts.scale_trend) as a table: one row per period, one
    column per line, hidden cells as '..', a period a line lacks as '–'."""
    header = texts.TABLE_YEAR if yearly else texts.TABLE_DATE

    def cells(frame: pl.DataFrame) -> list[str]:
        places = shown_decimals(frame, metric)
        return [cell_text(v, hidden, places) for v, hidden in
                zip(frame["value"].to_list(), frame["suppressed"].to_list(), strict=True)]

    long = pl.concat([pl.DataFrame({
        header: [period_label(d, yearly) for d in frame["snapshot_date"].to_list()],
        "line": [label] * frame.height,
        "cell": cells(frame),
    }, schema={header: pl.String, "line": pl.String, "cell": pl.String})
        for label, frame in series])
    wide = long.sort(header, maintain_order=True).pivot(on="line", index=header,
                                                        values="cell", maintain_order=True)
    return wide.fill_null(texts.NO_CELL)


def breakdown_table(frame: pl.DataFrame, metric: Metric, column: str, *, yearly: bool,
                    labels: dict | None = None) -> pl.DataFrame:
    """A breakdown over time as a wide table: one row per group, one column per period; a
    group absent in a period (a förvaltning not yet formed) has "–" there."""
    label = BREAKDOWNS[column].label_sv
    cells = [cell_text(v, h, shown_decimals(frame, metric))
              for v, h in zip(frame["value"].to_list(), frame["suppressed"].to_list(),
                              strict=True)]
    groups = [labels.get(g, g) if labels else g for g in frame[column].to_list()]
    long = pl.DataFrame({
        label: [str(g) if g is not None else texts.UNKNOWN for g in groups],
        "period": [period_label(d, yearly) for d in frame["snapshot_date"].to_list()],
        "cell": cells,
    })
    wide = long.pivot(on="period", index=label, values="cell", maintain_order=True)
    return wide.fill_null(texts.NO_CELL)  # a group without a row in a period (no "None")


def delta_args(latest: Row, previous: Row | None, metric: Metric, yearly: bool) -> dict:
    """st.metric arguments for the change since the previous snapshot, coloured by the
    metric's direction (neutral when it has none). In publication mode (rows of a frame
    with the exact change, compute(publication=True)) the change is the exact one rounded like
    the values, or 'mindre än' half the step where it rounds to 0, never the difference of
    two rounded values."""
    if previous is None:
        return {"delta": texts.NO_PREVIOUS, "delta_color": "off", "delta_arrow": "off"}
    since = texts.CHANGE_SINCE.format(date=period_label(previous.date, yearly))
    if latest.suppressed or previous.suppressed:
        return {"delta": None}
    if latest.published:
        text = numbers.published_change(latest._asdict(), previous._asdict(), metric)
    else:
        text = numbers.metric_change(latest.value - previous.value, metric)
    colour = {True: "normal", False: "inverse", None: "off"}[metric.higher_is_better]
    if not text.startswith(("+", numbers.MINUS)):  # no change, or none that can be shown
        return {"delta": text, "delta_color": "off", "delta_arrow": "off",
                "delta_description": since}
    return {"delta": text, "delta_color": colour, "delta_description": since}


def current_target(metric_id: str) -> targets.Target | None:
    """The metric's current programme target in the store on screen (read on every run, not
    cached: a target changes without a load)."""
    return targets.current(data.connection()).get(metric_id)


def target_words(target: targets.Target, metric: Metric) -> str:
    """The target in a few words, for a sentence: 'minst 80 % år 2027', '40–60 % år 2026',
    'högst 300 personer år 2026'."""
    def plain_number(value: float) -> str:  # without trailing zeros: '40', '1,3'
        text = numbers.number(value, metric.decimals)
        return text.rstrip("0").rstrip(",") if "," in text else text

    unit = numbers.with_unit(0, metric.unit).removeprefix("0")  # '\u00a0%' or '\u00a0personer'
    if target.direction == targets.HIGHER:
        value = texts.TARGET_AT_LEAST.format(value=plain_number(target.low) + unit)
    elif target.direction == targets.LOWER:
        value = texts.TARGET_AT_MOST.format(value=plain_number(target.high) + unit)
    else:
        value = f"{plain_number(target.low)}–{plain_number(target.high)}{unit}"
    return texts.TARGET_WORDS.format(value=value, year=target.target_year)


def target_badge(metric: Metric, target: targets.Target, frame: pl.DataFrame, *,
                 subset: bool = False) -> targets.Assessment:
    """The status of a target on the series shown (metrics/targets.py): a badge and the
    target after it, as text that wraps in a narrow card ("[Inte på väg] mot målet minst
    80 % år 2027"); the help says the programme it comes from and the rule. `subset`: the
    series is a choice of förvaltningar, which the municipality's target is not; a caption
    says so."""
    assessment = targets.assess_series(frame, target, metric.decimals)
    status = assessment.status
    badge = (f":{charts.STATUS_COLOURS[status]}-badge[{texts.TARGET_STATUS_ICONS[status]} "
             f"{texts.TARGET_STATUS[status]}]")
    words = texts.TARGET_STATUS_TARGET[status].format(target=target_words(target, metric))
    st.markdown(f"{badge} {words}",
                help=texts.TARGET_HELP.format(target=charts.target_text(target, metric),
                                              programme=plain.md(target.programme),
                                              rule=texts.TARGET_RULE))
    if subset:
        st.caption(texts.TARGET_SUBSET)
    return assessment


class Row(NamedTuple):
    """One snapshot of a total as the headline and the overview's cards read it; `change` is
    the published change (publication mode only, else None and `published` false)."""

    date: date
    value: float | None
    suppressed: bool
    n: int | None = None
    change: float | None = None
    published: bool = False


def latest_rows(frame: pl.DataFrame) -> tuple[Row, Row | None]:
    """The last and the second-last snapshot of a total (a frame of compute(); one in
    publication mode has the column `change`)."""
    published = "change" in frame.columns
    tail = frame.tail(2)
    rows = [Row(r["snapshot_date"], r["value"], r["suppressed"], r["n"], r.get("change"),
                published) for r in tail.iter_rows(named=True)]
    return rows[-1], (rows[-2] if len(rows) > 1 else None)


def unavailable_reason(metric: Metric) -> str | None:
    """Why a metric cannot be shown at all: nothing loaded, or the extract lacks a column. An
    analyst reads what to load; a viewer, who loads nothing, only what is missing."""
    table = source_table(metric)
    available = data.available(table)
    analyst = auth.may(roles.ANALYST)
    if not available:
        return (texts.NO_DATA_FOR_TABLE[table] if analyst
                else texts.NO_DATA_FOR_TABLE_VIEWER.get(table, texts.NO_DATA_VIEWER))
    missing = missing_columns(metric, set(available))
    if missing:
        template = texts.MISSING_COLUMNS if analyst else texts.MISSING_COLUMNS_VIEWER
        return template.format(label=metric.label_sv, columns=column_list(missing))
    return None


# --- the section -------------------------------------------------------------------------------


def render(metric_id: str, chosen: filters.Filters | None = None) -> None:
    """One indicator: headline figures, trend, definition, breakdowns, table and download."""
    metric = registry.get(metric_id)
    chosen = chosen or filters.current()
    yearly = data.is_yearly(metric)
    st.subheader(metric.label_sv, anchor=metric.id)
    reason = unavailable_reason(metric)
    if reason:
        st.info(reason, icon=":material/info:")
        return
    args = {**chosen.compute_args(metric), "monthly": _monthly(metric)}
    total = data.metric_frame(metric.id, **args)
    if total.is_empty():
        st.info(no_values(metric, chosen, monthly=args["monthly"]), icon=":material/info:")
        return

    latest, previous = latest_rows(total)
    _headline(metric, total, latest, previous, yearly)

    chart, about = st.columns([2, 1], gap="large")
    with chart:
        target = current_target(metric.id)
        assessment = (target_badge(metric, target, total,
                                   subset=chosen.forvaltningar is not None)
                      if target else None)
        plotted = disclosure.shown(metric, chosen.publication)
        st.plotly_chart(charts.trend(total, plotted, yearly=yearly, target=target,
                                     assessment=assessment),
                        config=charts.CONFIG, key=f"trend_{metric.id}")
        chart_caption(chart_text.trend(total, plotted, yearly=yearly, target=target))
        hidden_caption(total, metric)
        if metric.table == "manager_span":
            _span_method_caption(total["snapshot_date"].to_list())
    with about:
        _about(metric)

    compared = kolada.verified(metric.id) is not None  # a Kolada KPI whose id is checked
    names = ([texts.BREAKDOWN_TAB[b] for b in metric.breakdowns]
             + ([texts.KOLADA_TAB] if compared else []) + [texts.TAB_TABLE])
    tabs = st.tabs(names)
    for tab, by in zip(tabs, metric.breakdowns, strict=False):
        with tab:
            _breakdown(metric, by, args, latest[0], yearly)
    if compared:
        with tabs[-2]:
            kolada_section(metric, chosen)
    with tabs[-1]:
        st.dataframe(values_table(total, metric, yearly=yearly), hide_index=True,
                     key=f"table_{metric.id}")
        # A viewer's is in publication mode (filters.current) without the loaded files.
        file_name = f"personalpanelen_{metric.id}_{date.today().isoformat()}.xlsx"
        st.download_button(
            texts.DOWNLOAD_METRIC,
            data=auth.metrics_download([metric.id], file_name,
                                       forvaltningar=chosen.forvaltningar,
                                       publication=chosen.publication),
            file_name=file_name, mime=MIME_XLSX, on_click="ignore",
            icon=":material/download:", key=f"download_{metric.id}",
        )


def kolada_table(frame: pl.DataFrame, metric: Metric) -> pl.DataFrame:
    """A Kolada comparison (metrics/kolada.comparison) as the table shows it: our hidden
    cells as '..', a year Kolada lacks as '–' (never 0)."""
    def cell(value: float | None) -> str:
        return numbers.number(value, metric.decimals) if value is not None else texts.NO_CELL

    heads = texts.KOLADA_TABLE_HEADERS
    return pl.DataFrame({
        heads["year"]: [str(y) for y in frame["year"].to_list()],
        heads["ours"]: [SUPPRESSED_MARK if hidden else cell(v) for v, hidden in
                        zip(frame["ours"].to_list(), frame["ours_suppressed"].to_list(),
                            strict=True)],
        heads["kolada_own"]: [cell(v) for v in frame["kolada_own"].to_list()],
        heads["group_median"]: [cell(v) for v in frame["group_median"].to_list()],
        heads["group_range"]: [f"{cell(lo)}–{cell(hi)}" if lo is not None else texts.NO_CELL
                               for lo, hi in zip(frame["group_min"].to_list(),
                                                 frame["group_max"].to_list(), strict=True)],
        heads["group_count"]: [str(n) for n in frame["group_count"].to_list()],
    })


def kolada_section(metric: Metric, chosen: filters.Filters) -> None:
    """Our yearly figure beside Kolada's and the comparison group's, with Kolada's KPI, where
    our definition differs, and the source."""
    mapping = kolada.verified(metric.id)
    analyst = auth.may(roles.ANALYST)  # a viewer reads no KPI id, no check note
    none_loaded = (texts.KOLADA_NO_VALUES.format(id=mapping.kpi_id) if analyst
                   else texts.KOLADA_NO_VALUES_VIEWER)
    if not kolada.has_values(data.connection(), mapping.kpi_id):  # nothing to compare with
        st.info(none_loaded, icon=":material/info:")
        return
    frame = kolada.comparison(data.connection(), metric.id, publication=chosen.publication)
    if not frame["group_count"].sum() and frame["kolada_own"].is_null().all():
        st.info(none_loaded, icon=":material/info:")
        return
    if mapping.differs:  # the levels are not comparable as they stand: say so first
        st.warning(texts.KOLADA_MISMATCH.format(note=md(mapping.mismatch_sv)),
                   icon=":material/warning:")
    st.plotly_chart(charts.kolada_comparison(frame, metric), config=charts.CONFIG,
                    key=f"kolada_{metric.id}")
    chart_caption(chart_text.kolada_comparison(frame, metric))
    st.dataframe(kolada_table(frame, metric), hide_index=True, key=f"kolada_table_{metric.id}")
    if chosen.forvaltningar is not None:
        st.caption(texts.KOLADA_WHOLE_MUNICIPALITY)
    if analyst:
        st.caption(texts.KOLADA_KPI.format(id=mapping.kpi_id, title=md(mapping.expected_title),
                                           checked=md(mapping.verified_by),
                                           on=mapping.verified_on))
    else:
        st.caption(texts.KOLADA_KPI_VIEWER.format(title=md(mapping.expected_title)))
    st.caption(texts.KOLADA_DEFINITION.format(definition=md(mapping.kolada_definition_sv)))
    if mapping.match == "unverified":
        st.caption(texts.KOLADA_UNVERIFIED)
    if mapping.differs_sv:
        st.caption(texts.KOLADA_DIFFERS.format(note=md(mapping.differs_sv)))
    if analyst:
        st.caption(texts.KOLADA_DEFINITION_SOURCE.format(source=md(mapping.definition_source)))
    st.caption(texts.KOLADA_MISSING_NOTE)
    if kolada.has_demo_values(data.connection()):
        st.caption(texts.KOLADA_DEMO_VALUES)
    st.caption(texts.KOLADA_SOURCE)


def _monthly(metric: Metric) -> bool:
    """The series chosen for a metric with a monthly series, when the store has other months
    than the reference month: per year (the default) or per month."""
    if not (metric.monthly and data.has_other_months()):
        return False
    month = settings.get().reference_month_name
    choice = st.segmented_control(
        texts.CADENCE, (False, True), default=False, key=f"cadence_{metric.id}",
        format_func=lambda monthly: texts.CADENCE_OPTIONS[monthly].format(month=month),
        help=texts.CADENCE_HELP.format(month=month), persist_state="session",
    )
    return bool(choice)


def no_values(metric: Metric, chosen: filters.Filters, *, monthly: bool = False) -> str:
    """Why a series is empty: nothing in the filter, nothing at all in the data loaded (no
    social workers, say), or no reference-month snapshot."""
    if monthly or data.is_yearly(metric) or not data.has_other_months():
        unfiltered = chosen.forvaltningar is None and chosen.start is None and chosen.end is None
        return texts.NO_VALUES_ALL if unfiltered else texts.NO_VALUES
    month = settings.get().reference_month_name
    return texts.NO_REFERENCE_MONTH.format(month=month)


def _span_method_caption(shown: list[date]) -> None:
    """Say which of the two methods of M9 each snapshot of the series rests on."""
    methods = data.manager_span_methods()
    for by_link, text in ((True, texts.SPAN_BY_LINK), (False, texts.SPAN_BY_UNIT)):
        dates = [d.isoformat() for d, linked in methods.items()
                 if linked == by_link and d in shown]
        if dates:
            st.caption(text.format(dates=", ".join(dates)))


def _headline(metric: Metric, total: pl.DataFrame, latest: Row, previous: Row | None,
              yearly: bool) -> None:
    n_latest = total["n"].to_list()[-1]
    value_col, date_col, n_col = st.columns([2, 1, 1])  # the change and its date need room
    rounded = latest.published and disclosure.rounded(metric)
    with value_col:
        word = numbers.word_unit(metric.unit)  # in the label, so the figure fits its card
        st.metric(
            texts.LATEST_VALUE_UNIT.format(unit=metric.unit) if word else texts.LATEST_VALUE,
            SUPPRESSED_MARK if latest.suppressed
            else numbers.metric_value(latest.value, disclosure.shown(metric, latest.published),
                                      short=True),
            help=(texts.OVERVIEW_SUPPRESSED if latest.suppressed
                  else texts.ROUNDED_VALUE_HELP if rounded else None),
            border=True, height="stretch",
            **delta_args(latest, previous, metric, yearly),
        )
    with date_col:
        st.metric(texts.LATEST_YEAR if yearly else texts.LATEST_DATE,
                  period_label(latest.date, yearly), border=True, height="stretch")
    with n_col:
        noun = "svarande" if metric.table == "hme" else "personer"
        st.metric(texts.PERSONS_IN_BASE.format(noun=noun),
                  SUPPRESSED_MARK if n_latest is None else numbers.number(n_latest),
                  border=True, height="stretch")


def _about(metric: Metric) -> None:
    with st.container(border=True):
        st.markdown(f"**{texts.ABOUT_METRIC}**")
        lines = [
            (texts.ABOUT_DEFINITION, metric.definition_sv),
            (texts.ABOUT_POPULATION, metric.population_text),
            (texts.ABOUT_UNIT, metric.unit),
            (texts.ABOUT_THRESHOLD, threshold_text(metric)),
            (texts.ABOUT_SOURCE, metric.source),
            (texts.ABOUT_NOTE, metric.note_sv),
        ]
        st.markdown("\n\n".join(f"**{name}:** {md(text)}" for name, text in lines if text))


def _breakdown(metric: Metric, by: str, args: dict, latest: date, yearly: bool) -> None:
    label = BREAKDOWNS[by].label_sv
    plotted = disclosure.shown(metric, args["publication"])  # hover values as the tables
    if by == "gender":
        frame = data.metric_frame(metric.id, by=[by], **args)
        st.plotly_chart(charts.gender_split(frame, plotted, yearly=yearly), config=charts.CONFIG,
                        key=f"gender_{metric.id}")
        chart_caption(chart_text.gender_split(frame, plotted, yearly=yearly))
        hidden_caption(frame, metric)
        st.dataframe(breakdown_table(frame, metric, by, yearly=yearly,
                                     labels=texts.GENDER_LABELS),
                     hide_index=True, key=f"gender_table_{metric.id}")
        return

    at_latest = {**args, "start": latest, "end": latest}
    frame = data.metric_frame(metric.id, by=[by], **at_latest)
    caption = (texts.BREAKDOWN_CAPTION_YEAR.format(label=label, year=latest.year) if yearly
               else texts.BREAKDOWN_CAPTION_LATEST.format(label=label, date=latest.isoformat()))
    st.caption(caption)
    names: dict = {}  # how the bars name the categories: the same in the summary and table
    if by == "years_to_retirement":
        names = {"label": texts.YEARS_LABEL, "labels": {0: texts.YEARS_TO_RETIREMENT_REACHED}}
        figure = charts.ordered_bars(frame, plotted, by, order=YEARS_TO_RETIREMENT,
                                     axis_title=texts.YEARS_TO_RETIREMENT_AXIS, **names)
    elif by == "age_band":
        figure = charts.ordered_bars(frame, plotted, by, order=AGE_BAND_ORDER,
                                     axis_title=label)
    elif by == "occupation":
        names = {"labels": {code: texts.OCCUPATION_LABEL.format(code=code)
                            for code in frame[by].to_list() if code and code != texts.UNKNOWN}}
        figure = charts.group_bars(frame, plotted, by, **names)
    else:
        figure = charts.group_bars(frame, plotted, by)
    st.plotly_chart(figure, config=charts.CONFIG, key=f"{by}_{metric.id}")
    chart_caption(chart_text.breakdown(frame, plotted, by, period_label(latest, yearly),
                                       **names))
    hidden_caption(frame, metric)
    if by == "forvaltning":
        over_time = data.metric_frame(metric.id, by=[by], **args)
        with st.expander(texts.BREAKDOWN_TABLE):
            st.dataframe(breakdown_table(over_time, metric, by, yearly=yearly),
                         hide_index=True, key=f"{by}_table_{metric.id}")
    else:  # the bars' values, as the chart names them
        keys = frame[by].to_list()
        with st.expander(texts.CHART_TABLE):
            st.dataframe(breakdown_table(frame, metric, by, yearly=yearly, labels=dict(
                zip(keys, charts.category_names(keys, **names), strict=True))),
                hide_index=True, key=f"{by}_bars_table_{metric.id}")


def render_scale(metric_ids: tuple[str, ...], title: str, chosen: filters.Filters) -> None:
    """Metrics of one unit that form a scale, in one chart (each line is its own metric)."""
    metrics = [registry.get(m) for m in metric_ids]
    st.subheader(title)
    if any(unavailable_reason(m) for m in metrics):
        return  # each metric says why below
    series = [(texts.SCALE_LABELS.get(m.id, m.label_sv),
               data.metric_frame(m.id, **chosen.compute_args(m))) for m in metrics]
    yearly = data.is_yearly(metrics[0])
    plotted = disclosure.shown(metrics[0], chosen.publication)
    st.plotly_chart(charts.scale_trend(series, plotted, yearly=yearly), config=charts.CONFIG,
                    key="scale_" + "_".join(metric_ids))
    chart_caption(chart_text.scale_trend(series, plotted, title, yearly=yearly))
    hidden_caption(pl.concat([frame for _, frame in series]), metrics[0])
    with st.expander(texts.CHART_TABLE):
        dates = [d for _, frame in series for d in frame["snapshot_date"].to_list()]
        st.dataframe(scale_table(series, metrics[0], yearly=charts.by_year(dates, yearly)),
                     hide_index=True, key="scale_table_" + "_".join(metric_ids))
    st.caption(texts.SCALE_CAPTION)


# --- the page ----------------------------------------------------------------------------------


def page_top(spec: sitemap.PageSpec) -> filters.Filters:
    """The top of a page of figures: title, intro, and which filters the figures follow."""
    st.title(spec.title)
    st.markdown(spec.intro)
    chosen = filters.current()
    filters.subset_caption(chosen)
    if chosen.publication:
        st.caption(texts.PUBLICATION_ON)
    return chosen


def page(url_path: str) -> None:
    """An indicator page: its primary metrics one below the other, the others in a selector."""
    spec = sitemap.PAGE_BY_PATH[url_path]
    chosen = page_top(spec)
    for i, metric_id in enumerate(spec.primary):
        if i:
            st.divider()
        render(metric_id, chosen)
    if spec.scale:
        st.divider()
        render_scale(spec.scale, texts.SCALE_TITLE[url_path], chosen)
    if spec.secondary:
        st.divider()
        st.header(texts.MORE_METRICS)
        metric_id = st.selectbox(
            texts.CHOOSE_METRIC, spec.secondary, key=f"more_{url_path}",
            format_func=lambda m: registry.get(m).label_sv, persist_state="session",
        )
        render(metric_id, chosen)
