"""The disclosure model's work stays bounded (issue 25): a large group of hidden cells is
screened for sums that follow from the shown cells without listing its subsets, and finds the
same subset as listing them; a store of 100 förvaltningar of three persons each (nearly every
cell hidden: the upload that took the server down, cut to the load limit) is decided.
bench/disclosure_cost.py measures the time and memory."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from metrics import disclosure
from metrics.compute import compute
from pipelines import validate
from tests.test_attack import S1, store_of_rows


@st.composite
def group(draw):
    """m hidden cells, some sums of them known (a shown total over each), and their sizes."""
    m = draw(st.integers(disclosure.EXHAUSTIVE_UP_TO + 1, 24))
    length = st.sampled_from([2, 3, m - 2, m - 1, m, draw(st.integers(2, m))])
    sums = draw(st.lists(length.flatmap(
        lambda k: st.lists(st.integers(0, m - 1), min_size=k, max_size=k, unique=True)),
        min_size=1, max_size=5))
    sizes = draw(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 6)), min_size=m,
                          max_size=m))
    return m, [(m, parts) for parts in sums], np.array(sizes, dtype=float)


@hsettings(max_examples=300, deadline=None)
@given(group(), st.sampled_from([3, 5, 11]))
def test_screening_a_large_group_finds_what_listing_its_subsets_finds(drawn, threshold):
    m, equations, sizes = drawn
    column, null_space = disclosure._null_space(equations, [True] * m + [False])
    varies = null_space[:, [column[c] for c in range(m)]]
    listed = disclosure._first_pinned_of_all(varies, sizes, threshold)
    assert disclosure._first_pinned(varies, sizes, threshold) == listed


def test_100_forvaltningar_of_three_persons_are_decided(tmp_path, monkeypatch):
    monkeypatch.delenv("PERSONALPANELEN_MIN_CELL", raising=False)
    rows = [{"snapshot_date": S1, "employment_id": f"e{i}", "person_key": f"p{i}",
             "birth_year": 1960 + i % 40, "gender": "KM"[i % 2],
             "forvaltning": f"Förvaltning {i // 3}", "ssyk_code": "5321",
             "pay_form": "monthly", "contracted_rate": 100.0, "load_id": 1}
            for i in range(3 * validate.MAX_FORVALTNINGAR)]
    con = store_of_rows(tmp_path / "store.duckdb", rows, "test")
    frame = compute(con, "headcount", by=["forvaltning"])
    assert frame.height == validate.MAX_FORVALTNINGAR
    assert frame["suppressed"].all()
    con.close()
