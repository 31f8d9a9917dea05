"""The assessment as Markdown, rendered from its typed document (so it works on a kept file too)."""

from __future__ import annotations

from asyncmaturity.assess.document import PRINCIPLE_RULE, AssessmentDocument
from asyncmaturity.report.activities import activities_markdown
from asyncmaturity.report.concepts import concepts_markdown
from asyncmaturity.report.format import (
    action_caveats,
    assumption_reach,
    criterion_evidence,
    level_text,
    principle_evidence_text,
    principle_weakest_text,
    target_text,
    target_value_text,
)
from asyncmaturity.units import format_period, format_share, format_timestamp, format_value


def assessment_markdown(document: AssessmentDocument) -> str:
    """A readable report of levels, evidence per criterion, roadmap, cost and follow-up."""
    lines = ["# Asynchronous communication maturity assessment", ""]
    period = document.period
    respondents = document.survey.respondents if document.survey is not None else 0
    lines.append(
        f"Generated {format_timestamp(document.generated_at)}; evidence "
        f"{format_period(period.first, period.last)}; survey respondents: {respondents}."
    )
    lines.append("")
    stage = document.stage
    if stage:
        lines.append(f"**WMI stage: {level_text(stage.level, stage.name)}.** Rules:")
        lines += [f"- {rule}" for rule in stage.rules]
        lines.append("")
    overall = document.overall
    lines.append(
        f"**{document.framework.name}: overall level "
        f"{level_text(overall.level, overall.name)}.** {overall.rule}"
    )
    lines.append("")
    lines += ["| area | level | confidence | coverage |", "|---|---|---|---|"]
    for area in document.areas:
        lines.append(
            f"| {area.name} | {area.level if area.level is not None else '-'} "
            f"{area.level_name} | {area.confidence} | {format_share(area.coverage, 0)} |"
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
    if document.principles:
        lines += ["## Principles", "", PRINCIPLE_RULE, ""]
        lines += ["| principle | status | known evidence | weakest |", "|---|---|---|---|"]
        for principle in document.principles:
            lines.append(
                f"| {principle.name} | {principle.status} | {principle.known} of "
                f"{len(principle.evidence)} | {principle_weakest_text(principle)} |"
            )
        lines.append("")
        for principle in document.principles:
            lines += [
                f"### {principle.name}: {principle.status}",
                "",
                f"{principle.description} Evidence known: {principle.known} of "
                f"{len(principle.evidence)}.",
                "",
            ]
            lines += [f"- {principle_evidence_text(e)}" for e in principle.evidence]
            lines.append("")
    lines += activities_markdown(document.activities)
    lines += ["## Roadmap", ""]
    if not document.roadmap:
        lines += ["No failing criterion at the next level: nothing to add.", ""]
    for rank, action in enumerate(document.roadmap, start=1):
        saving = action.saving
        hours = saving.hours_per_person_week if saving else None
        projected = (
            f" Projected saving: {format_value(hours, 'hours per person-week')} ({saving.basis})"
            if saving is not None and hours is not None
            else ""
        )
        lines.append(
            f"{rank}. **{action.title}** ({action.quadrant_name}, effort {action.effort}). "
            f"{action.description} Target: {target_text(action.target)} "
            f"(now {target_value_text(action.target, action.baseline)}).{projected}"
            + "".join(f" {label} {text}" for label, text in action_caveats(action))
        )
    lines.append("")
    lines += concepts_markdown(document)
    cost = document.cost
    if cost:
        lines += ["## Coordination cost", ""]
        for component in cost.components:
            time = format_value(component.hours_per_person_week, "hours per person-week")
            lines.append(f"- {component.label}: {time}. {component.basis}")
        lines += [f"- Assumed: {text}" for text in cost.assumed]
        lines.append("")
    if document.follow_up:
        lines += ["## Previous roadmap: were the targets met?", ""]
        for item in document.follow_up:
            lines.append(
                f"- {item.title}: {item.status} (target {target_text(item.target)}; before "
                f"{target_value_text(item.target, item.before)}, now "
                f"{target_value_text(item.target, item.now)})"
            )
        lines.append("")
    if document.assumptions:
        lines += ["## Assumptions", ""]
        lines += [
            f"- {'Detected: ' if a.basis == 'detected' else ''}{a.text} "
            f"(override: `{a.override}`; {assumption_reach(len(a.metrics), a.criteria)})"
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
