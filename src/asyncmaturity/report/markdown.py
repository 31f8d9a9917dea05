"""The assessment as Markdown, rendered from its JSON document (so it works on a kept file too)."""

from __future__ import annotations

from typing import Any

from asyncmaturity.report.format import criterion_evidence, metric_value_text


def _target(action: dict[str, Any]) -> str:
    target = action.get("target")
    if not target:
        return "-"
    if "metric" in target:
        return f"{target['metric']} {target['op']} {metric_value_text(target['metric'], target['threshold'])}"
    return f"survey {', '.join(target['survey_items'])} >= {target['min_score']:.2f}"


def assessment_markdown(document: dict[str, Any]) -> str:
    """A readable report of levels, evidence per criterion, roadmap, cost and follow-up."""
    lines = ["# Asynchronous communication maturity assessment", ""]
    period = document.get("period") or {}
    lines.append(
        f"Generated {document['generated_at']}; evidence from {period.get('first') or '-'} to "
        f"{period.get('last') or '-'}; survey respondents: "
        f"{(document.get('survey') or {}).get('respondents', 0)}."
    )
    lines.append("")
    stage = document.get("stage")
    if stage:
        lines.append(f"**WMI stage: {stage['level']} {stage['name']}.** Rules:")
        lines += [f"- {rule}" for rule in stage["rules"]]
        lines.append("")
    overall = document["overall"]
    lines.append(
        f"**{document['framework']['name']}: overall level {overall['level']} "
        f"({overall['name']}).** {overall['rule']}"
    )
    lines.append("")
    lines += ["| area | level | confidence | coverage |", "|---|---|---|---|"]
    for area in document["areas"]:
        lines.append(
            f"| {area['name']} | {area['level'] if area['level'] is not None else '-'} "
            f"{area['level_name']} | {area['confidence']} | {area['coverage']:.0%} |"
        )
    lines.append("")
    for area in document["areas"]:
        lines += [f"## {area['name']}", ""]
        for level in area["levels"]:
            lines.append(f"### Level {level['level']} {level['name']}: {level['status']}")
            lines += ["", level["text"], ""]
            for criterion in level["criteria"]:
                lines.append(
                    f"- **{criterion['status']}** {criterion['text']} "
                    f"({criterion_evidence(criterion)}). _{criterion['rationale']}_"
                )
                if criterion.get("disagreement"):
                    lines.append(f"  - Disagreement: {criterion['disagreement']}")
            lines.append("")
    lines += ["## Roadmap", ""]
    if not document["roadmap"]:
        lines += ["No failing criterion at the next level: nothing to add.", ""]
    for rank, action in enumerate(document["roadmap"], start=1):
        saving = action.get("saving") or {}
        hours = saving.get("hours_per_person_week")
        projected = (
            f" Projected saving: {hours:.2f} h per person-week ({saving['basis']})"
            if hours is not None
            else ""
        )
        lines.append(
            f"{rank}. **{action['title']}** ({action['quadrant_name']}, effort {action['effort']}). "
            f"{action['description']} Target: {_target(action)}.{projected}"
        )
    lines.append("")
    cost = document.get("cost")
    if cost:
        lines += ["## Coordination cost", ""]
        for component in cost["components"]:
            hours = component["hours_per_person_week"]
            lines.append(
                f"- {component['label']}: "
                f"{'-' if hours is None else f'{hours:.2f} h'} per person-week. {component['basis']}"
            )
        lines += [f"- Assumed: {text}" for text in cost["assumed"]]
        lines.append("")
    if document.get("follow_up"):
        lines += ["## Previous roadmap: were the targets met?", ""]
        for item in document["follow_up"]:
            lines.append(f"- {item['title']}: {item['status']} (now {item['now']})")
        lines.append("")
    if document.get("disagreements"):
        lines += ["## Where people and data disagree", ""]
        lines += [f"- {d['text']}" for d in document["disagreements"]]
        lines.append("")
    attribution = document["framework"].get("attribution")
    if attribution:
        lines += ["---", "", attribution["notice"], ""]
    return "\n".join(lines)
