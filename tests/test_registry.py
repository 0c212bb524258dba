"""The registry is the catalogue users read: every record must be complete and tested."""

from __future__ import annotations

import dataclasses

import pytest

import settings
from metrics import registry
from metrics.compute import missing_columns
from metrics.definition import BREAKDOWNS, Metric
from pipelines.schema import TABLES
from store import SOURCE_TABLE
from tests.employment_fixture import EXPECTED

REQUIRED_TEXT = ("label_sv", "label_en", "definition_sv", "population_sv", "unit", "source")


@pytest.mark.parametrize("metric", registry.METRICS.values(), ids=lambda m: m.id)
def test_every_metric_is_complete(metric: Metric):
    for field in REQUIRED_TEXT:
        assert getattr(metric, field).strip(), f"{metric.id} lacks {field}"
    assert metric.columns, f"{metric.id} names no columns"
    stored = {name for name, _ in TABLES[SOURCE_TABLE[metric.table]][0]}
    for column in metric.columns:
        assert set(column.split("|")) <= stored, f"{metric.id}: unknown column {column}"
    assert metric.protection.setting in {f.name for f in dataclasses.fields(settings.Settings)}
    assert set(metric.breakdowns) <= set(BREAKDOWNS)


def test_every_metric_has_a_hand_computed_test():
    assert set(registry.METRICS) == set(EXPECTED)


def test_missing_columns_are_named():
    metric = registry.get("working_full_time_share")
    assert missing_columns(metric, {"pay_form", "contracted_rate"}) == ["actual_rate"]
    assert missing_columns(metric, {"pay_form", "actual_rate"}) == []
    salary = registry.get("social_worker_salary_median")
    assert missing_columns(salary, {"pay_form", "ssyk_code", "monthly_salary_actual"}) == []
    assert missing_columns(salary, {"pay_form"}) == [
        "ssyk_code", "monthly_salary_fte|monthly_salary_actual"
    ]
