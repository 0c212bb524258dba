"""The sidebar filters every page shares, kept in st.session_state so they survive page
switches (app.py renders them before the page itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

import settings
from metrics.definition import Metric
from metrics.export import swedish_sorted
from pipelines import visible
from ui import auth, data, plain, roles, texts

KEY_FORVALTNINGAR = "filter_forvaltningar"
KEY_PERIOD = "filter_period"
KEY_PERIOD_OPTIONS = "filter_period_options"
KEY_PUBLICATION = "filter_publication"


@dataclass(frozen=True)
class Filters:
    forvaltningar: tuple[str, ...] | None
    """None: the whole municipality (no filter)."""
    start: date | None
    end: date | None
    """None: open end (the whole period in the store)."""
    publication: bool

    def compute_args(self, metric: Metric) -> dict:
        """Keyword arguments of compute() for a metric. The period is of snapshot dates; a
        yearly metric (sick leave, HME) counts whole calendar years within it."""
        start, end = self.start, self.end
        if data.is_yearly(metric):
            start = date(start.year, 1, 1) if start else None
            end = date(end.year, 12, 31) if end else None
        return {"forvaltningar": self.forvaltningar, "start": start, "end": end,
                "publication": self.publication}


def _prepare_state(options: data.FilterOptions) -> None:
    """Defaults on first run, and values that the store's content no longer allows reset (a
    period at its full range stays at the full range when a new snapshot arrives)."""
    state = st.session_state
    state.setdefault(KEY_PUBLICATION, False)
    chosen = [f for f in state.get(KEY_FORVALTNINGAR, []) if f in options.forvaltningar]
    state[KEY_FORVALTNINGAR] = chosen

    dates = options.snapshot_dates
    previous = state.get(KEY_PERIOD_OPTIONS)
    period = state.get(KEY_PERIOD)
    was_full = (previous is not None and previous != dates and len(previous) > 0
                and period == (previous[0], previous[-1]))
    valid = (isinstance(period, tuple) and len(period) == 2
             and all(d in dates for d in period))
    if len(dates) > 1 and KEY_PERIOD in state and (not valid or was_full):
        # Set, not deleted: the browser would otherwise send its old value back.
        state[KEY_PERIOD] = (dates[0], dates[-1])
    elif len(dates) <= 1 and not valid:
        state.pop(KEY_PERIOD, None)  # no slider to send it back (another store on screen)
    state[KEY_PERIOD_OPTIONS] = dates


def _publication_forced() -> bool:
    """A viewer (the committee) sees publication mode only."""
    return not auth.may(roles.ANALYST)


def sidebar() -> None:
    """Render the filters in the sidebar."""
    options = data.filter_options()
    _prepare_state(options)
    with st.sidebar:
        st.subheader(texts.FILTER_HEADER)
        if not options.snapshot_dates:
            st.caption(texts.SIDEBAR_NO_DATA)
        st.multiselect(
            texts.FILTER_FORVALTNING, options.forvaltningar, key=KEY_FORVALTNINGAR,
            placeholder=texts.FILTER_FORVALTNING_ALL, help=texts.FILTER_FORVALTNING_HELP,
            format_func=visible.text,  # a name loaded before they were removed on reading
        )
        dates = options.snapshot_dates
        if len(dates) > 1:
            st.select_slider(texts.FILTER_PERIOD, options=dates, value=(dates[0], dates[-1]),
                             key=KEY_PERIOD,
                             format_func=date.isoformat, help=texts.FILTER_PERIOD_HELP)
        elif dates:
            st.caption(texts.FILTER_PERIOD_SINGLE.format(date=dates[0].isoformat()))
        if data.has_other_months():
            month = settings.get().reference_month_name
            st.caption(texts.FILTER_REFERENCE_MONTH.format(month=month))
        forced = _publication_forced()
        if forced:
            st.session_state[KEY_PUBLICATION] = True
        st.toggle(texts.FILTER_PUBLICATION, key=KEY_PUBLICATION, disabled=forced,
                  help=texts.FILTER_PUBLICATION_FORCED if forced
                  else texts.FILTER_PUBLICATION_HELP)
        # One retirement age for everyone, the municipality's setting: the same persons cut at
        # two ages are tables the disclosure model does not protect together (docs/disclosure.md).
        st.caption(texts.FILTER_RETIREMENT_AGE.format(age=settings.get().retirement_age),
                   help=texts.FILTER_RETIREMENT_AGE_HELP)


def subset_names(chosen: Filters) -> str:
    """The chosen förvaltningar in Swedish alphabetical order, escaped for a Markdown
    context."""
    return ", ".join(plain.md(name) for name in swedish_sorted(chosen.forvaltningar or ()))


def subset_caption(chosen: Filters) -> None:
    """On a page of figures: which förvaltningar they cover, when the filter is on."""
    if chosen.forvaltningar is not None:
        st.caption(texts.FILTER_SUBSET.format(names=subset_names(chosen)))


def current() -> Filters:
    """The filters as the sidebar has them now."""
    state = st.session_state
    chosen = tuple(state.get(KEY_FORVALTNINGAR) or ())
    options = data.filter_options()
    forvaltningar = chosen if chosen and set(chosen) != set(options.forvaltningar) else None
    start = end = None
    period = state.get(KEY_PERIOD)
    dates = options.snapshot_dates
    if period and dates and tuple(period) != (dates[0], dates[-1]):
        start, end = period
    return Filters(
        forvaltningar=forvaltningar,
        start=start,
        end=end,
        publication=bool(state.get(KEY_PUBLICATION, False)) or _publication_forced(),
    )
