"""Page "Kolada" (analysts): import Kolada's values (fetch from the API, or a downloaded file),
what is loaded, and an overview of every metric with a Kolada KPI: latest year, our value,
the comparison group's median and range (metrics/kolada.py).

Values go to the store on screen (the demo's while the demo is shown), like the programme's
targets; every import is recorded in that store's audit log.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

import settings
from metrics import kolada, registry
from metrics.disclosure import SUPPRESSED_MARK
from ui import auth, data, filters, numbers, plain, roles, texts, uploads

KEY_MESSAGE = "kolada_message"  # session state: what the last import did, after the rerun

spec = auth.require_page("kolada")
st.title(spec.title)
st.markdown(spec.intro)
chosen = filters.current()
con = data.connection()
cfg = settings.get()


def _years(frame: pl.DataFrame) -> list[str]:
    return [f"{a}–{b}" if a != b else str(a)
            for a, b in zip(frame["first_year"].to_list(), frame["last_year"].to_list(),
                            strict=True)]


def _import(run) -> None:
    """Run an import; its outcome (or why it did not happen) is shown after the rerun."""
    try:
        report = run()
    except kolada.KoladaError as exc:
        template = texts.KOLADA_FETCH_FAILED if run is _fetch else texts.KOLADA_REFUSED
        st.session_state[KEY_MESSAGE] = ("error", template.format(error=plain.md(exc)))
    else:
        lines = [texts.KOLADA_IMPORTED.format(summary=report.summary())]
        lines += [plain.md(w) for w in report.warnings]
        st.session_state[KEY_MESSAGE] = ("success", "\n\n".join(lines))


def _fetch():
    return kolada.import_api(con, actor=auth.actor())


# --- import ------------------------------------------------------------------------------------

if auth.may(roles.ANALYST):
    st.header(texts.KOLADA_IMPORT_HEADER)
    message = st.session_state.pop(KEY_MESSAGE, None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(text)
    if data.showing_demo():
        st.caption(texts.KOLADA_INTO_DEMO)
    if cfg.kolada_municipality or cfg.kolada_group:
        years = kolada.fetch_years()
        group = (texts.KOLADA_GROUP_SETTING.format(count=len(cfg.kolada_group))
                 if cfg.kolada_group else texts.KOLADA_GROUP_DEFAULT)
        st.markdown(texts.KOLADA_FETCH_INTRO.format(
            own=plain.md(cfg.kolada_municipality) or texts.KOLADA_OWN_NONE, group=group,
            first=years[0], last=years[-1]))
        if st.button(texts.KOLADA_FETCH_BUTTON, icon=":material/cloud_download:",
                     key="kolada_fetch"):
            with st.spinner(texts.KOLADA_FETCH_BUTTON):
                _import(_fetch)
            st.rerun()
    else:
        st.info(texts.KOLADA_NEEDS_IDS, icon=":material/info:")
    upload = uploads.file_uploader(texts.KOLADA_UPLOAD, ["json", "csv", "xlsx"],
                                   key="kolada_upload", max_mb=settings.get().max_upload_mb)
    if upload is not None and st.button(texts.KOLADA_UPLOAD_BUTTON, key="kolada_upload_button",
                                        icon=":material/upload_file:"):
        name, content = upload.name, upload.getvalue()
        _import(lambda: kolada.import_file(con, name, content, actor=auth.actor()))
        st.rerun()

# --- what is loaded ----------------------------------------------------------------------------

st.header(texts.KOLADA_LOADED_HEADER)
loaded = kolada.loaded(con)
if loaded.is_empty():
    st.info(texts.KOLADA_NOTHING_LOADED, icon=":material/info:")
else:
    heads = texts.KOLADA_LOADED_HEADERS
    st.dataframe(pl.DataFrame({
        heads["kpi_id"]: loaded["kpi_id"],
        heads["kpi_title"]: loaded["kpi_title"].fill_null(""),
        heads["municipalities"]: loaded["municipalities"],
        heads["years"]: _years(loaded),
        heads["values"]: loaded["values"],
        heads["missing"]: loaded["missing"],
        heads["fetched_at"]: loaded["fetched_at"].dt.strftime("%Y-%m-%d %H:%M"),
        heads["sources"]: loaded["sources"],
    }), hide_index=True, key="kolada_loaded",  # a long KPI title wraps: every column in view
        column_config={heads["kpi_title"]: st.column_config.TextColumn(width=300)},
        row_height=60)
    places = kolada.municipalities(con)
    roles_text = [texts.KOLADA_ROLE_OWN if own else texts.KOLADA_ROLE_GROUP if member
                  else texts.KOLADA_ROLE_NONE
                  for own, member in zip(places["own"].to_list(), places["in_group"].to_list(),
                                         strict=True)]
    heads = texts.KOLADA_MUNICIPALITY_HEADERS
    st.dataframe(pl.DataFrame({
        heads["municipality_id"]: places["municipality_id"],
        heads["municipality_title"]: places["municipality_title"].fill_null(""),
        heads["role"]: roles_text,
    }), hide_index=True, key="kolada_municipalities")
    if kolada.has_demo_values(con):
        st.caption(texts.KOLADA_DEMO_VALUES)

# --- overview ----------------------------------------------------------------------------------

st.header(texts.KOLADA_OVERVIEW_HEADER)
overview = kolada.overview(con, publication=chosen.publication)
mappings = kolada.mappings()
rows = []
for row in overview.iter_rows(named=True):
    metric = registry.get(row["metric_id"])

    def cell(value, metric=metric) -> str:
        return numbers.number(value, metric.decimals) if value is not None else texts.NO_CELL

    rows.append({
        "metric": metric.label_sv,
        "kpi_id": row["kpi_id"],
        "year": str(row["year"]) if row["year"] is not None else texts.NO_CELL,
        "ours": SUPPRESSED_MARK if row["ours_suppressed"] else cell(row["ours"]),
        "kolada_own": cell(row["kolada_own"]),
        "group_median": cell(row["group_median"]),
        "group_range": (f"{cell(row['group_min'])}–{cell(row['group_max'])}"
                        if row["group_min"] is not None else texts.NO_CELL),
        "checked": texts.KOLADA_CHECKED[row["verified"]],
    })
heads = texts.KOLADA_OVERVIEW_HEADERS
st.dataframe(pl.DataFrame(rows, schema=list(heads), orient="row")
             .rename(heads), hide_index=True, key="kolada_overview")
for mapping in mappings.values():  # where a level is not comparable, say so beside it
    if mapping.kpi_id and mapping.differs:
        st.warning(texts.KOLADA_MISMATCH_ROW.format(
            metric=registry.get(mapping.metric_id).label_sv, kpi=mapping.kpi_id,
            match=texts.KOLADA_MATCH[mapping.match], note=plain.md(mapping.mismatch_sv)),
            icon=":material/warning:")
st.caption(texts.KOLADA_MISSING_NOTE)

# --- Kolada's definitions (the catalogue's `match`, kolada_kpis.toml) --------------------------

st.header(texts.KOLADA_DEFINITIONS_HEADER)
st.markdown(texts.KOLADA_DEFINITIONS_INTRO)
heads = texts.KOLADA_DEFINITIONS_HEADERS
defined = [m for m in mappings.values() if m.kpi_id]
st.dataframe(pl.DataFrame({
    heads["metric"]: [registry.get(m.metric_id).label_sv for m in defined],
    heads["kpi_id"]: [m.kpi_id for m in defined],
    heads["definition"]: [m.kolada_definition_sv for m in defined],
    heads["match"]: [texts.KOLADA_MATCH[m.match] for m in defined],
    heads["source"]: [m.definition_source for m in defined],
}), hide_index=True, key="kolada_definitions", row_height=80,
    column_config={heads["definition"]: st.column_config.TextColumn(width=250),
                   heads["source"]: st.column_config.TextColumn(width=250)})
st.caption(texts.KOLADA_SOURCE)
