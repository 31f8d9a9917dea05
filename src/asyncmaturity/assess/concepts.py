"""Concepts of the models read off one measurement and survey: the WMI Coordination Stack layer
by layer, and the business guide's metrics table row by row.

Both are data in the framework files (``wmi.yaml``'s ``coordination_stack``, ``acf.yaml``'s
``business_metrics``); this module only looks their figures up, so a figure no export can show
stays unknown (None) here too.
"""

from __future__ import annotations

from collections.abc import Mapping

from asyncmaturity.assess.document import GuideMetricResult, StackLayerResult, Value
from asyncmaturity.frameworks import Framework


def coordination_stack(
    framework: Framework, metrics: Mapping[str, Value]
) -> list[StackLayerResult]:
    """Each layer of `framework`'s Coordination Stack with its share of the archive's requests
    and of the ledger's requests that carry it (None where no such request is visible).

    Parameters:
        framework: the stages framework that defines the stack (WMI).
        metrics: the measured metrics by id.
    """
    elements = {element.id: element for element in framework.protocol}
    return [
        StackLayerResult(
            id=layer.id,
            name=layer.name,
            description=layer.description,
            await_element=elements[layer.await_element].name,
            archive_metric=layer.archive_metric,
            archive_share=_share(metrics.get(layer.archive_metric)),
            ledger_metric=layer.ledger_metric,
            ledger_share=_share(metrics.get(layer.ledger_metric)),
        )
        for layer in framework.coordination_stack
    ]


def business_metrics(
    framework: Framework,
    metrics: Mapping[str, Value],
    scores: Mapping[str, float | None],
) -> list[GuideMetricResult]:
    """Each row of `framework`'s business-guide table with how it is answered and its figures.

    Parameters:
        framework: the framework holding the table (the Asynchronous Communication Framework).
        metrics: the measured metrics by id.
        scores: the survey items' scores (0 worst .. 1 best) by id; empty without a survey.
    """
    rows = []
    for row in framework.business_metrics:
        answered_by = (
            "not measurable"
            if row.not_measurable is not None
            else " and ".join(
                part for part, used in (("data", row.metrics), ("survey", row.survey)) if used
            )
        )
        rows.append(
            GuideMetricResult(
                id=row.id,
                name=row.name,
                description=row.description,
                answered_by=answered_by,
                metrics={metric_id: metrics.get(metric_id) for metric_id in row.metrics},
                survey={item: scores.get(item) for item in row.survey},
                reason=row.not_measurable,
            )
        )
    return rows


def _share(value: Value) -> float | None:
    return None if value is None else float(value)
