"""Page "Nyckeltalskatalog": the metric registry itself, so that what users read is what the
code runs: definitions, thresholds, the columns each metric needs, whether the loaded data
has them, and the SQL that computes it.

A metric's details are written only when its expander is opened (a stateful expander reruns
the page then): 58 closed expanders with their Markdown and syntax-highlighted SQL made the
page's run and, above all, the browser's drawing of it take seconds (issue 20)."""

import polars as pl
import streamlit as st

from metrics import disclosure, registry
from metrics.compute import missing_columns, source_table, tables_sql
from metrics.definition import PROTECTIONS
from ui import auth, data, sitemap, texts
from ui.indicator import column_label, column_list, md, threshold, threshold_text

DETAILS_KEY = "catalog_details_"  # + metric id: whether that metric's expander is open


def _status(metric, available: frozenset[str]) -> str:
    if not available:
        return texts.CATALOG_NO_DATA
    missing = missing_columns(metric, set(available))
    if missing:
        return texts.CATALOG_MISSING.format(columns=column_list(missing))
    return texts.CATALOG_HAS_ALL


spec = auth.require_page("katalog")
st.title(spec.title)
st.markdown(spec.intro)

metrics = list(registry.METRICS.values())
# Each table's columns with data, asked once (not once per metric and again per expander).
available = {table: data.available(table) for table in {source_table(m) for m in metrics}}
status = {m.id: _status(m, available[source_table(m)]) for m in metrics}
headers = texts.CATALOG_HEADERS
st.dataframe(
    pl.DataFrame({
        headers["label"]: [m.label_sv for m in metrics],
        headers["page"]: [sitemap.page_of(m.id).title for m in metrics],
        headers["unit"]: [m.unit for m in metrics],
        headers["threshold"]: [threshold(m) for m in metrics],
        headers["columns"]: [", ".join(column_label(c) for c in m.columns) for m in metrics],
        headers["status"]: [status[m.id] for m in metrics],
    }),
    hide_index=True, height="content", key="catalog_table",
)

st.subheader(texts.CATALOG_PROTECTIONS)
st.markdown("\n".join(
    "- " + texts.CATALOG_PROTECTION_LINE.format(label=p.label_sv, n=disclosure.class_threshold(p),
                                               reason=p.reason)
    for p in PROTECTIONS.values()))

st.subheader(texts.CATALOG_DETAILS)
for page in sitemap.PAGES:
    if not page.metric_ids:
        continue
    st.markdown(f"##### {page.title}")
    for metric in (registry.get(m) for m in page.metric_ids):
        details = st.expander(metric.label_sv, key=f"{DETAILS_KEY}{metric.id}", on_change="rerun")
        if not details.open:
            continue
        with details:
            lines = [
                (texts.CATALOG_ID, f"`{metric.id}`"),
                (texts.ABOUT_DEFINITION, md(metric.definition_sv)),
                (texts.ABOUT_POPULATION, md(metric.population_text)),
                (texts.ABOUT_UNIT, metric.unit),
                (texts.ABOUT_THRESHOLD, threshold_text(metric)),
                (texts.CATALOG_PROTECTION,
                 f"{metric.protection.label_sv}. {metric.protection.reason}"),
                (texts.CATALOG_COLUMNS, ", ".join(column_label(c) for c in metric.columns)),
                (texts.CATALOG_HEADERS["status"], status[metric.id]),
                (texts.ABOUT_SOURCE, md(metric.source)),
                (texts.ABOUT_NOTE, md(metric.note_sv)),
            ]
            st.markdown("\n\n".join(f"**{name}:** {text}" for name, text in lines if text))
            st.caption(texts.CATALOG_SQL)
            st.code(tables_sql(metric).strip(), language="sql", wrap_lines=True)  # no scrolling box
