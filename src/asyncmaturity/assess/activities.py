"""The activity map: the team's measured activity placed on the Asynchronous Communication
Framework's scheduled/unscheduled x synchronous/asynchronous grid.

Each activity of an activities framework that states its ``evidence`` is placed by one figure:
where the figure meets the activity's check, the activity sits where the framework intends it;
where it misses, it sits on the other side of the axis the figure measures, and the departure is
said in words. A figure no export can show, or one drawn from too few items, leaves the activity
unknown, never placed by a zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asyncmaturity.frameworks import Activity, Framework
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.frameset import FRAMES

Value = float | int | None
NO_EVIDENCE = "nothing in the period that this figure counts"
# Why a figure of an evidence family has no value where the measurement names no reason.
MISSING = {
    # A share's denominator is a subset (messages that signal urgency, say): an archive full of
    # messages may still hold none that the figure counts.
    "chat": "no human message in the period that this figure counts",
    "meetings": "no calendar event in the period that this figure counts: no calendar export, "
    "or none of its events qualifies",
    "work": "no work item in the period",
    "requests": "no request in the period with what this figure counts; an export without "
    "reply threads shows no answer",
    "ledger": "no ledger request in the period",
}


def missing_reason(metric_id: str) -> str:
    """Why `metric_id` has no value when the measurement names no reason: its evidence family
    holds nothing it counts."""
    family = FRAMES[METRICS[metric_id].frame].family
    return MISSING.get(family, NO_EVIDENCE)


def quadrant_name(scheduled: bool | None, synchronous: bool | None) -> str:
    """'scheduled, asynchronous' and the like; an open axis reads 'either'."""
    when = {True: "scheduled", False: "unscheduled", None: "scheduled or not"}[scheduled]
    how = {True: "synchronous", False: "asynchronous", None: "sync or async"}[synchronous]
    return f"{when}, {how}"


def _place(scheduled: bool | None, synchronous: bool | None) -> dict[str, Any]:
    return {
        "scheduled": scheduled,
        "synchronous": synchronous,
        "quadrant": quadrant_name(scheduled, synchronous),
    }


def _figure(metric_id: str, value: Value, reason: str | None) -> dict[str, Any]:
    metric = METRICS[metric_id]
    return {
        "id": metric_id,
        "label": metric.label,
        "unit": metric.unit,
        "value": value,
        "reason": reason if value is None else None,
    }


def place_activity(
    activity: Activity,
    shown: Mapping[str, Value],
    deciding: Mapping[str, Value],
    unknown: Mapping[str, str],
) -> dict[str, Any] | None:
    """One activity's placement (the JSON of the document's ``ActivityPlacement``); None for
    an activity whose framework states no evidence for it.

    Parameters:
        activity: the activity with its evidence.
        shown: the measured figures, as the report shows them.
        deciding: the figures that may decide (None where too few items stand behind one).
        unknown: metric id -> why it is unknown or decides nothing.
    """
    evidence = activity.evidence
    if evidence is None:
        return None
    check = evidence.placement
    value = shown.get(check.id)
    decider = deciding.get(check.id)
    reason = unknown.get(check.id) or (missing_reason(check.id) if value is None else None)
    measured = None
    departure = None
    status = "unknown"
    if decider is not None:
        holds = check.passes(float(decider))
        status = "as intended" if holds else "departs"
        place = {"scheduled": activity.scheduled, "synchronous": activity.synchronous}
        if not holds:
            place[evidence.axis] = not place[evidence.axis]
            departure = evidence.departs
        measured = _place(place["scheduled"], place["synchronous"])
    return {
        "id": activity.id,
        "name": activity.name,
        "intended": _place(activity.scheduled, activity.synchronous),
        "measured": measured,
        "status": status,
        "axis": evidence.axis,
        "figure": {
            **_figure(check.id, value, reason),
            "reason": reason if decider is None else None,
        },
        "op": check.op,
        "threshold": check.threshold,
        "departure": departure,
        "supporting": [
            _figure(m, shown.get(m), unknown.get(m) or missing_reason(m))
            for m in evidence.supporting
        ],
    }


def activity_map(
    framework: Framework,
    shown: Mapping[str, Value],
    deciding: Mapping[str, Value],
    unknown: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Every activity of `framework` that states its evidence, placed (see :func:`place_activity`)."""
    placed = (place_activity(a, shown, deciding, unknown) for a in framework.activities)
    return [p for p in placed if p is not None]


__all__ = ["activity_map", "place_activity", "quadrant_name"]
