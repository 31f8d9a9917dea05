"""The metric registry: every metric's id, unit, definition, the aggregate that computes it and
which way is better.

Each metric is one aggregate over one registered frame
(:data:`asyncmaturity.metrics.frameset.FRAMES`), so every metric of a frame is computed in one
set-based query per scope. Listings, docs and the JSON ``definitions`` block are generated from
:data:`METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from asyncmaturity.units import Unit
from asyncmaturity.vocabulary import Visibility

Aggregate = Callable[[ir.Table], ir.Scalar]
RowValue = Callable[[ir.Table], ir.Value]
Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Sample:
    """How a metric decomposes by day, so bootstrap replicates cost one grouped query, not many.

    ``mean``: the metric is the mean of ``value`` over the rows where it is not null (a share is
    the mean of a boolean); ``sum``: the sum of ``value`` (a count is the sum of 1); ``quantile``:
    the ``q`` quantile of ``value`` over non-null rows. The frame's registered ``day`` column
    puts each row on a UTC day, the unit that bootstrap resamples.
    """

    kind: Literal["mean", "sum", "quantile"]
    value: RowValue
    q: float = 0.5


@dataclass(frozen=True)
class Metric:
    """One registered metric; `definition` is the exact contract, `parameters` the charter fields."""

    id: str
    label: str
    unit: Unit
    frame: str  # a registered frame (asyncmaturity.metrics.frameset.FRAMES)
    definition: str
    aggregate: Aggregate
    parameters: tuple[str, ...] = ()
    differs_from: str = ""  # where our definition departs from the field's anchor, and why
    contract: bool = False  # part of DESIGN.md's metric contract
    # Which way is an improvement, where that is plain from the definition alone; None for
    # volumes and for figures a mature team may move either way (a compare verdict then says
    # "increased" or "decreased"). A criterion's threshold on the metric must agree with it.
    better: Better | None = None
    # None where no day decomposition exists (distinct counts), and ignored on a frame without a
    # day column: such a metric gets no interval.
    sample: Sample | None = None
    # What the evidence must show for the value to mean anything (beside its frame's needs):
    # where no export in the store can see it, the metric is unknown, not 0.
    needs: tuple[Visibility, ...] = ()
    # An after-hours figure (after-hours messages, meetings outside hours, focus time): it does
    # not apply where the team keeps no shared working hours, so it is unknown there, not 0.
    after_hours: bool = False


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Add `metric` to the registry; ids are unique."""
    if metric.id in METRICS:
        raise ValueError(f"metric {metric.id!r} registered twice")
    METRICS[metric.id] = metric
    return metric


def share_metric(
    metric_id: str,
    label: str,
    frame: str,
    definition: str,
    value: Callable[[ir.Table], ir.BooleanValue],
    where: Callable[[ir.Table], ir.BooleanValue] | None = None,
    **extra: Any,
) -> Metric:
    """A share metric: the mean of boolean `value` over the rows where `where` holds (all rows
    when None), nulls left out."""

    def aggregate(t: ir.Table) -> ir.Scalar:
        if where is None:
            return value(t).cast("float64").mean()
        return value(t).cast("float64").mean(where=where(t))

    def sampled(t: ir.Table) -> ir.Value:
        if where is None:
            return value(t)
        return ibis.cases((where(t), value(t)), else_=ibis.null("boolean"))

    sample = Sample("mean", sampled)
    return Metric(metric_id, label, "share", frame, definition, aggregate, sample=sample, **extra)


WORKING_HOURS_TEXT: str = (
    "Working hours come from the charter; where it is silent, from the person's own messages "
    "(the team's where they sent fewer than 30; see Working norms), else Monday to Friday "
    "09:00-17:00, in the person's own time zone (the charter's, else the source's, else the "
    "charter default, UTC). A team that keeps no shared working hours has none: its working "
    "time is the wall clock and after-hours figures are unknown. "
    "The charter's holidays (those of the person's zone) and the person's out-of-office days "
    "are whole days on their own clock without working hours."
)
# The charter fields that decide a person's working time.
SCHEDULE_PARAMETERS: tuple[str, ...] = (
    "working_days",
    "working_hours",
    "timezone",
    "people",
    "holidays",
)
