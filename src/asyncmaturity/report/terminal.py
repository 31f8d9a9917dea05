"""Results as terminal tables (Rich renderables), from the typed documents: what the CLI prints.

Each function returns the renderables in order, with the lines of warnings and notes as styled
text, so the CLI only prints them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from asyncmaturity.assess.document import AssessmentDocument, ComparisonDocument
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.measure import MeasureResult
from asyncmaturity.report.format import (
    AREA_CHANGE_HEADERS,
    METRIC_CHANGE_HEADERS,
    PRINCIPLE_CHANGE_HEADERS,
    action_caveats,
    area_change_cells,
    assumption_reach,
    level_text,
    metric_change_cells,
    not_applicable_text,
    principle_change_cells,
    principle_weakest_text,
    shown_metric_changes,
    target_text,
    target_value_text,
)
from asyncmaturity.units import format_period, format_value

ROADMAP_SHOWN = 10


def measurement_tables(result: MeasureResult, *, by: str | None = None) -> list[RenderableType]:
    """Every metric of the organization, and the breakdown by scope `by` when asked."""
    first = result.first.isoformat() if result.first else None
    last = result.last.isoformat() if result.last else None
    table = Table("metric", "value", title=f"{result.store} ({format_period(first, last)})")
    for metric_id, value in result.metrics.items():
        table.add_row(metric_id, format_value(value, METRICS[metric_id].unit))
    shown: list[RenderableType] = [table]
    if by is not None:
        groups = result.scopes[by]
        breakdown = Table("metric", *groups, title=f"By {by.replace('_', ' ')}")
        for metric_id, metric in METRICS.items():
            breakdown.add_row(
                metric_id,
                *(format_value(values[metric_id], metric.unit) for values in groups.values()),
            )
        shown.append(breakdown)
        shown.append(
            Text(
                f"{result.suppressed[by]} group(s) with fewer than "
                f"{result.charter.min_group_size} active people not shown."
            )
        )
    assumed = [(a.basis, a.text, a.override, len(a.metrics), None) for a in result.assumptions]
    return shown + _caveats(result.unknown, assumed, result.notes)


def assessment_tables(document: AssessmentDocument) -> list[RenderableType]:
    """The stage, the overall level, each area's level, the top of the roadmap and the caveats."""
    shown: list[RenderableType] = []
    if document.stage:
        shown.append(
            Text.from_markup(
                f"WMI stage: [bold]{level_text(document.stage.level, document.stage.name)}[/bold]"
            )
        )
    overall = document.overall
    shown.append(
        Text(f"Overall ({document.framework.name}): {level_text(overall.level, overall.name)}")
    )
    table = Table("area", "level", "confidence", "criteria met", title="Areas")
    for area in document.areas:
        criteria = [c for level in area.levels for c in level.criteria]
        met = sum(c.status == "met" for c in criteria)
        unknown = sum(c.status == "unknown" for c in criteria)
        applicable = [c for c in criteria if c.status != "not applicable"]
        table.add_row(
            area.name,
            f"{area.level if area.level is not None else '-'} {area.level_name}",
            area.confidence,
            f"{met}/{len(applicable)} ({unknown} unknown"
            f"{not_applicable_text(len(criteria) - len(applicable))})",
        )
    shown.append(table)
    if document.principles:
        principles = Table("principle", "status", "known", "weakest", title="Principles")
        for p in document.principles:
            principles.add_row(
                p.name, p.status, f"{p.known}/{len(p.evidence)}", principle_weakest_text(p)
            )
        shown.append(principles)
    roadmap = Table("#", "action", "quadrant", "effort", "target", "now", title="Roadmap")
    for rank, action in enumerate(document.roadmap[:ROADMAP_SHOWN], start=1):
        roadmap.add_row(
            str(rank),
            action.title,
            action.quadrant_name,
            action.effort,
            target_text(action.target),
            target_value_text(action.target, action.baseline),
        )
    shown.append(roadmap)
    shown += [
        Text(f"Roadmap {rank}: {label} {text}", style="yellow")
        for rank, action in enumerate(document.roadmap[:ROADMAP_SHOWN], start=1)
        for label, text in action_caveats(action)
    ]
    shown += [Text(f"Disagreement: {d.text}", style="yellow") for d in document.disagreements]
    assumed = [
        (a.basis, a.text, a.override, len(a.metrics), a.criteria) for a in document.assumptions
    ]
    return shown + _caveats(document.unknown, assumed, document.notes)


def _caveats(
    unknown: Mapping[str, str],
    assumed: Sequence[tuple[str, str, str, int, int | None]],
    notes: Sequence[str],
) -> list[RenderableType]:
    """What the figures cannot say, the defaults and detected norms they lean on (basis, text,
    override, metrics and criteria reading it), and the notes: one yellow line each."""
    lines = [f"Unknown: {metric_id}: {why}" for metric_id, why in unknown.items()]
    lines += [
        f"{_assumed(basis)}: {text} (override: {override}; {assumption_reach(metrics, criteria)})"
        for basis, text, override, metrics, criteria in assumed
    ]
    lines += [f"Note: {note}" for note in notes]
    return [Text(line, style="yellow") for line in lines]


def comparison_tables(comparison: ComparisonDocument) -> list[RenderableType]:
    """The change per area and per metric with data, with intervals and verdicts."""
    areas = Table(*AREA_CHANGE_HEADERS, title="Areas")
    for area in comparison.areas:
        areas.add_row(*area_change_cells(area))
    metrics = Table(title="Metrics (those with data)")
    metrics.add_column(METRIC_CHANGE_HEADERS[0], no_wrap=True)
    for heading in METRIC_CHANGE_HEADERS[1:]:
        metrics.add_column(heading)
    for row in shown_metric_changes(comparison):
        metrics.add_row(*metric_change_cells(row))
    if not comparison.principles:
        return [areas, metrics]
    principles = Table(*PRINCIPLE_CHANGE_HEADERS, title="Principles")
    for principle in comparison.principles:
        principles.add_row(*principle_change_cells(principle))
    return [areas, principles, metrics]


def _assumed(basis: str) -> str:
    """How a norm is introduced: assumed by default, or detected in the team's own evidence."""
    return "Detected" if basis == "detected" else "Assumed"
