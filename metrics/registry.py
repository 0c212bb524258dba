"""The one registry of metrics: id -> record, in the order the dashboard shows them."""

from __future__ import annotations

from metrics.careers import CAREER_METRICS
from metrics.definition import Metric
from metrics.development import DEVELOPMENT_METRICS
from metrics.health import HEALTH_METRICS
from metrics.mission import MISSION_METRICS
from metrics.readiness import READINESS_METRICS
from metrics.supply import SUPPLY_METRICS
from metrics.workforce import WORKFORCE_METRICS

METRICS: dict[str, Metric] = {
    m.id: m
    for m in (*MISSION_METRICS, *WORKFORCE_METRICS, *SUPPLY_METRICS, *HEALTH_METRICS,
              *CAREER_METRICS, *DEVELOPMENT_METRICS, *READINESS_METRICS)
}


class UnknownMetricError(KeyError):
    def __str__(self) -> str:
        return f"Okänt nyckeltal '{self.args[0]}'. Finns: {', '.join(METRICS)}"


def get(metric_id: str) -> Metric:
    try:
        return METRICS[metric_id]
    except KeyError:
        raise UnknownMetricError(metric_id) from None
