"""The assessment as Markdown, rendered from its typed document (so it works on a kept file too)."""

from __future__ import annotations

from asyncmaturity.assess.document import (
    AssessmentDocument,
    MetricTarget,
    RoadmapItem,
    SurveyTarget,
)
from asyncmaturity.report.format import criterion_evidence, metric_value_text


def _target(action: RoadmapItem) -> str:
    target = action.target
    if isinstance(target, MetricTarget):
        threshold = metric_value_text(target.metric, target.threshold)
        return f"{target.metric} {target.op} {threshold}"
    if isinstance(target, SurveyTarget):
        return f"survey {', '.join(target.survey_items)} >= {target.min_score:.2f}"
    return "-"


def assessment_markdown(document: AssessmentDocument) -> str:
    """A readable report of levels, evidence per criterion, roadmap, cost and follow-up."""
    lines = ["# Asynchronous communication maturity assessment", ""]
    period = document.period
    respondents = document.survey.respondents if document.survey is not None else 0
    lines.append(
        f"Generated {document.generated_at}; evidence from {period.first or '-'} to "
        f"{period.last or '-'}; survey respondents: {respondents}."
    )
    lines.append("")
    stage = document.stage
    if stage:
        lines.append(f"**WMI stage: {stage.level} {stage.name}.** Rules:")
        lines += [f"- {rule}" for rule in stage.rules]
        lines.append("")
    overall = document.overall
    lines.append(
        f"**{document.framework.name}: overall level {overall.level} "
        f"({overall.name}).** {overall.rule}"
    )
    lines.append("")
    lines += ["| area | level | confidence | coverage |", "|---|---|---|---|"]
    for area in document.areas:
        lines.append(
            f"| {area.name} | {area.level if area.level is not None else '-'} "
            f"{area.level_name} | {area.confidence} | {area.coverage:.0%} |"
        )
    lines.append("")
    for area in document.areas:
        lines += [f"## {area.name}", ""]
        for level in area.levels:
            lines.append(f"### Level {level.level} {level.name}: {level.status}")
            lines += ["", level.text, ""]
            for criterion in level.criteria:
                lines.append(
                    f"- **{criterion.status}** {criterion.text} "
                    f"({criterion_evidence(criterion)}). _{criterion.rationale}_"
                )
                if criterion.disagreement:
                    lines.append(f"  - Disagreement: {criterion.disagreement}")
            lines.append("")
    lines += ["## Roadmap", ""]
    if not document.roadmap:
        lines += ["No failing criterion at the next level: nothing to add.", ""]
    for rank, action in enumerate(document.roadmap, start=1):
        saving = action.saving
        hours = saving.hours_per_person_week if saving else None
        projected = (
            f" Projected saving: {hours:.2f} h per person-week ({saving.basis})"
            if saving is not None and hours is not None
            else ""
        )
        lines.append(
            f"{rank}. **{action.title}** ({action.quadrant_name}, effort {action.effort}). "
            f"{action.description} Target: {_target(action)}.{projected}"
        )
    lines.append("")
    cost = document.cost
    if cost:
        lines += ["## Coordination cost", ""]
        for component in cost.components:
            hours = component.hours_per_person_week
            lines.append(
                f"- {component.label}: "
                f"{'-' if hours is None else f'{hours:.2f} h'} per person-week. {component.basis}"
            )
        lines += [f"- Assumed: {text}" for text in cost.assumed]
        lines.append("")
    if document.follow_up:
        lines += ["## Previous roadmap: were the targets met?", ""]
        for item in document.follow_up:
            lines.append(f"- {item.title}: {item.status} (now {item.now})")
        lines.append("")
    if document.assumptions:
        lines += ["## Assumptions", ""]
        lines += [
            f"- {'Detected: ' if a.basis == 'detected' else ''}{a.text} "
            f"(override: `{a.override}`; {a.criteria} criteria depend on it)"
            for a in document.assumptions
        ]
        lines.append("")
    hidden = [(a, v) for a, v in document.visibility.items() if v.visible is False]
    if hidden or document.unknown:
        lines += ["## What the exports do not show", ""]
        lines += [f"- {aspect}: not shown by {', '.join(v.not_seen_by)}" for aspect, v in hidden]
        lines += [f"- `{metric_id}` unknown: {why}" for metric_id, why in document.unknown.items()]
        lines.append("")
    if document.disagreements:
        lines += ["## Where people and data disagree", ""]
        lines += [f"- {d.text}" for d in document.disagreements]
        lines.append("")
    attribution = document.framework.attribution
    if attribution:
        lines += ["---", "", attribution.notice, ""]
    return "\n".join(lines)
