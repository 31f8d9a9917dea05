"""Compare two assessments (before and after a pilot) with bootstrap intervals.

Each assessment carries bootstrap replicates of its metrics and area levels (see
:mod:`asyncmaturity.metrics.bootstrap`). The change of a metric is `after - before`; its 95% interval comes
from the replicate differences, centred on the measured change. A change is called an improvement
or a decline only when the interval excludes zero, and the direction is judged by the criteria
that cite the metric (higher is better for `>=` thresholds); otherwise it is 'no clear change'.
"""

from __future__ import annotations

from typing import Any

from asyncmaturity.metrics.bootstrap import interval


def _directions(document: dict[str, Any]) -> dict[str, int]:
    """+1 where higher is better, -1 where lower is, from the criteria's thresholds."""
    found: dict[str, int] = {}
    levels = [level for area in document.get("areas", []) for level in area["levels"]]
    levels += (document.get("stage") or {}).get("stages", [])
    for level in levels:
        for criterion in level["criteria"]:
            metric = criterion.get("metric")
            if metric:
                found[metric["id"]] = 1 if metric["op"] in (">=", ">") else -1
    return found


def _verdict(change: float | None, bounds: tuple[float, float] | None, direction: int) -> str:
    if change is None:
        return "no data"
    if bounds is None:
        return "no interval"
    low, high = bounds
    if low <= 0 <= high:
        return "no clear change"
    if direction == 0:
        return "increased" if low > 0 else "decreased"
    better = (low > 0) == (direction > 0)
    return "improved" if better else "worsened"


def compare_assessments(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The change per metric and per area, with 95% bootstrap intervals and a verdict each."""
    directions = _directions(after) | _directions(before)
    before_reps = (before.get("bootstrap") or {}).get("metrics", {})
    after_reps = (after.get("bootstrap") or {}).get("metrics", {})
    metrics = []
    for metric_id, after_value in (after.get("metrics") or {}).items():
        before_value = (before.get("metrics") or {}).get(metric_id)
        change = None if before_value is None or after_value is None else after_value - before_value
        bounds = None
        if change is not None and metric_id in before_reps and metric_id in after_reps:
            bounds = interval(before_reps[metric_id], after_reps[metric_id], change)
        metrics.append(
            {
                "id": metric_id,
                "before": before_value,
                "after": after_value,
                "change": change,
                "relative_change": change / before_value
                if change is not None and before_value
                else None,
                "interval": list(bounds) if bounds else None,
                "verdict": _verdict(change, bounds, directions.get(metric_id, 0)),
            }
        )
    areas = []
    before_areas = {a["id"]: a for a in before.get("areas", [])}
    before_area_reps = (before.get("bootstrap") or {}).get("areas", {})
    after_area_reps = (after.get("bootstrap") or {}).get("areas", {})
    for area in after.get("areas", []):
        was = before_areas.get(area["id"], {}).get("level")
        now = area["level"]
        change = None if was is None or now is None else now - was
        bounds = None
        if change is not None:
            bounds = interval(
                before_area_reps.get(area["id"], []), after_area_reps.get(area["id"], []), change
            )
        areas.append(
            {
                "id": area["id"],
                "name": area["name"],
                "before": was,
                "after": now,
                "change": change,
                "interval": list(bounds) if bounds else None,
                "verdict": _verdict(change, bounds, 1),
            }
        )
    stage_before = (before.get("stage") or {}).get("level")
    stage_after = (after.get("stage") or {}).get("level")
    stage_change = (
        None if stage_before is None or stage_after is None else stage_after - stage_before
    )
    stage_bounds = None
    if stage_change is not None:
        stage_bounds = interval(
            (before.get("bootstrap") or {}).get("stage", []),
            (after.get("bootstrap") or {}).get("stage", []),
            stage_change,
        )
    framework_id = (after.get("framework") or {}).get("id", "five-area")
    return {
        "kind": "asyncmaturity.comparison",
        "framework": framework_id,
        "before": {"generated_at": before.get("generated_at"), "period": before.get("period")},
        "after": {"generated_at": after.get("generated_at"), "period": after.get("period")},
        "method": "95% percentile interval of bootstrap replicate differences (Poisson bootstrap "
        "over UTC days; survey answers redrawn), centred on the measured change",
        "stage": {
            "before": stage_before,
            "after": stage_after,
            "change": stage_change,
            "interval": list(stage_bounds) if stage_bounds else None,
            "verdict": _verdict(stage_change, stage_bounds, 1),
        },
        "areas": areas,
        "metrics": metrics,
        "follow_up": _follow_up(before, after),
    }


def _follow_up(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each earlier roadmap action's target checked against the later metrics."""
    from asyncmaturity.assess import follow_up

    scores = {
        item_id: figures.get("score")
        for item_id, figures in (
            ((after.get("survey") or {}).get("organization") or {}).get("items") or {}
        ).items()
    }
    return follow_up(before, after.get("metrics") or {}, scores)


__all__ = ["compare_assessments"]
