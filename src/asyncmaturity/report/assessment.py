"""Report sections of an assessment: levels, roadmap, evidence, cost, survey, change and trend.

Each renders from the typed assessment document held in ``ReportData.assessment`` (and the
comparison in ``ReportData.comparison``), so a kept assessment renders the same as a fresh one.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from asyncmaturity.assess.document import PRINCIPLE_RULE, AssessmentDocument
from asyncmaturity.report import svg
from asyncmaturity.report.format import (
    AREA_CHANGE_HEADERS,
    METRIC_CHANGE_HEADERS,
    PRINCIPLE_CHANGE_HEADERS,
    action_caveats,
    area_change_cells,
    cost_settings,
    criterion_evidence,
    level_text,
    metric_change_cells,
    metric_value_text,
    not_applicable_text,
    principle_change_cells,
    principle_evidence_text,
    principle_weakest_text,
    shown_metric_changes,
    target_text,
    target_value_text,
)
from asyncmaturity.report.model import ReportData
from asyncmaturity.units import (
    format_date,
    format_money,
    format_score,
    format_share,
    format_value,
)

STATUS_CLASS = {
    "met": "ok",
    "partly met": "partly",
    "not met": "bad",
    "unknown": "unknown",
    "not applicable": "unknown",
}


def _doc(data: ReportData) -> AssessmentDocument:
    assert data.assessment is not None
    return data.assessment


def has_assessment(data: ReportData) -> bool:
    """Whether the report carries an assessment."""
    return data.assessment is not None


def _table(headers: list[str], rows: list[list[Any]], caption: str = "") -> Markup:
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(h) for h in headers)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(c) for c in row))
        for row in rows
    )
    cap = Markup("<caption>{}</caption>").format(caption) if caption else Markup("")
    return Markup(
        '<div class="table-wrap"><table class="assessment">{}<thead><tr>{}</tr>'
        "</thead><tbody>{}</tbody></table></div>"
    ).format(cap, head, body)


def _status(status: str) -> Markup:
    return Markup('<span class="status status-{}">{}</span>').format(
        STATUS_CLASS.get(status, "unknown"), status
    )


def render_levels(data: ReportData) -> str:
    """The WMI stage, the overall level and each area's level as a bar chart with confidence."""
    doc = _doc(data)
    framework = doc.framework
    top = max(level.value for level in framework.levels)
    bars = [
        svg.Bar(
            label=area.name,
            value=None if area.level is None else float(area.level),
            value_text="unknown" if area.level is None else f"{area.level} {area.level_name}",
            sublabel=f"confidence {area.confidence}",
            tooltip=f"{area.name}: {area.level_name} (coverage {format_share(area.coverage, 0)})",
        )
        for area in doc.areas
    ]
    chart = svg.bar_chart(
        bars,
        title="Level per area",
        description=f"Levels 0 to {top} of the {framework.name}",
        axis_format=lambda v: f"{v:g}",
        integer_axis=True,
        height=260,
        # The whole scale, so that level 0 reads as the bottom of 0 to 5, not an empty chart.
        axis_max=float(top),
    )
    stage = doc.stage
    lead = Markup("")
    if stage:
        lead = Markup(
            '<p class="lead">WMI stage <strong>{}</strong>. Overall five-area level '
            "<strong>{}</strong> ({})</p>"
        ).format(
            level_text(stage.level, stage.name),
            level_text(doc.overall.level, doc.overall.name),
            doc.overall.rule,
        )
    rows = [
        [
            area.name,
            f"{area.level if area.level is not None else '-'} {area.level_name}",
            area.confidence,
            format_share(area.coverage, 0),
        ]
        for area in doc.areas
    ]
    coverage = doc.coverage
    summary = Markup(
        '<p class="note">{} of {} criteria have evidence ({} from data, {} from the '
        "survey){}; the rest are unknown, never counted as passed.</p>"
    ).format(
        coverage.known,
        coverage.criteria - coverage.not_applicable,
        coverage.from_data,
        coverage.from_survey,
        not_applicable_text(coverage.not_applicable),
    )
    table = _table(["area", "level", "confidence", "criteria with evidence"], rows)
    dimensions = Markup("")
    stage_framework = doc.stage_framework
    if stage_framework is not None and stage_framework.dimensions:
        dimension_rows = [
            [
                d.name,
                Markup("<br>").join(
                    f"{m} = {metric_value_text(m, doc.metrics.get(m))}" for m in d.metrics
                ),
            ]
            for d in stage_framework.dimensions
        ]
        dimensions = _table(
            ["WMI assessment dimension", "evidence"],
            dimension_rows,
            caption="The WMI model's six assessment dimensions and the metrics that measure them",
        )
    return Markup("{}{}{}{}{}").format(lead, Markup(chart), table, summary, dimensions)


def has_principles(data: ReportData) -> bool:
    """Whether the report's assessment judged the stage model's principles."""
    return data.assessment is not None and bool(data.assessment.principles)


def render_principles(data: ReportData) -> str:
    """Each principle's status, how much of its evidence is known, where it stands weakest, and
    the evidence itself."""
    doc = _doc(data)
    rows = [
        [
            Markup("<strong>{}</strong><br>{}").format(p.name, p.description),
            _status(p.status),
            f"{p.known} of {len(p.evidence)}",
            principle_weakest_text(p),
            Markup('<ul class="evidence">{}</ul>').format(
                Markup("").join(
                    Markup("<li>{} {}</li>").format(_status(e.status), principle_evidence_text(e))
                    for e in p.evidence
                )
            ),
        ]
        for p in doc.principles
    ]
    return Markup("<p>{}</p>{}").format(
        PRINCIPLE_RULE,
        _table(["principle", "status", "known evidence", "weakest", "evidence"], rows),
    )


def render_roadmap(data: ReportData) -> str:
    """The ranked actions: quadrant, effort, target and projected saving."""
    doc = _doc(data)
    if not doc.roadmap:
        return Markup(
            '<p class="note note-empty">No criterion of a next level fails: nothing to '
            "add to the roadmap. Unknown criteria may still need evidence.</p>"
        )
    currency = doc.cost.assumptions.currency if doc.cost is not None else ""
    items = []
    for action in doc.roadmap:
        saving = action.saving
        hours = saving.hours_per_person_week if saving else None
        money = saving.money_per_person_week if saving else None
        projected = (
            Markup("<p><strong>Projected saving:</strong> {}{}. {}</p>").format(
                format_value(hours, "hours per person-week"),
                f" ({format_money(money, currency)} per person-week)" if money is not None else "",
                saving.basis if saving else "",
            )
            if hours is not None
            else Markup("")
        )
        addresses = ", ".join(a.criterion_id for a in action.addresses)
        steps = Markup("").join(Markup("<li>{}</li>").format(s) for s in action.steps)
        done = (
            Markup(' <span class="tag tag-done">target already met</span>')
            if action.target_met_now
            else Markup("")
        )
        caveats = Markup("").join(
            Markup('<p class="caveat"><strong>{}</strong> {}</p>').format(label, text)
            for label, text in action_caveats(action)
        )
        items.append(
            Markup(
                '<li class="action" id="action-{}"><h3>{} <span class="tag">{}</span> '
                '<span class="tag">effort {}</span></h3><p>{}</p><ol class="steps">{}</ol>'
                "<p><strong>Target that shows it worked:</strong> {} (now {}){}.</p>{}{}"
                '<p class="muted">Addresses: {}. Source: {}</p></li>'
            ).format(
                action.id,
                action.title,
                action.quadrant_name or action.quadrant,
                action.effort,
                action.description,
                steps,
                target_text(action.target),
                target_value_text(action.target, action.baseline),
                done,
                caveats,
                projected,
                addresses,
                action.source,
            )
        )
    return Markup('<ol class="roadmap">{}</ol>').format(Markup("").join(items))


def render_criteria(data: ReportData) -> str:
    """Every criterion with its measured value against its threshold, per area and level."""
    doc = _doc(data)
    parts = []
    for area in doc.areas:
        rows = []
        for level in area.levels:
            for c in level.criteria:
                disagreement = (
                    Markup('<br><span class="disagree">{}</span>').format(c.disagreement)
                    if c.disagreement
                    else Markup("")
                )
                rows.append(
                    [
                        f"{level.level} {level.name}",
                        Markup("{}{}").format(c.text, disagreement),
                        _status(c.status),
                        criterion_evidence(c) or "-",
                        c.rationale,
                    ]
                )
        parts.append(
            _table(
                ["level", "criterion", "status", "evidence", "threshold rationale"],
                rows,
                caption=f"{area.name}: level {area.level if area.level is not None else '-'} "
                f"{area.level_name}",
            )
        )
    stage = doc.stage
    if stage:
        rows = []
        for s in stage.stages:
            rules = "; ".join(
                f"{r.count} areas at >= {r.areas_at_least}: {'holds' if r.holds else 'fails'}"
                for r in s.requires
            )
            criteria = "; ".join(f"{c.text} ({c.status})" for c in s.criteria)
            rows.append([f"{s.level} {s.name}", _status(s.status), rules or "-", criteria or "-"])
        parts.append(_table(["stage", "status", "rules", "criteria"], rows, caption="WMI stages"))
    return Markup("").join(parts)


def render_cost(data: ReportData) -> str:
    """What coordination costs per person-week, with every assumption stated."""
    cost = _doc(data).cost
    if not cost:
        return Markup(
            '<p class="note note-empty">No store was assessed, so there is no cost estimate.</p>'
        )
    rows = []
    currency = cost.assumptions.currency
    for c in cost.components:
        hours = c.hours_per_person_week
        money = c.money_per_person_week
        rows.append(
            [
                c.label,
                format_value(hours, "hours"),
                "-" if money is None else format_money(money, currency),
                c.basis,
            ]
        )
    total = cost.total_hours_per_person_week
    total_money = cost.total_money_per_person_week
    rows.append(
        [
            "Total",
            format_value(total, "hours"),
            "-" if total_money is None else format_money(total_money, currency),
            f"{cost.people} active people over {cost.weeks:.1f} weeks",
        ]
    )
    assumptions = Markup("").join(Markup("<li>{}</li>").format(a) for a in cost.assumed)
    knobs = Markup("").join(
        Markup("<li><code>{}</code>: {}</li>").format(field, value)
        for field, value in cost_settings(cost.assumptions)
    )
    return Markup("{}<h3>Assumptions</h3><ul>{}{}</ul>").format(
        _table(["component", "per person-week", "money", "how"], rows), assumptions, knobs
    )


def render_survey(data: ReportData) -> str:
    """Survey scores per item with the spread of answers, and where people and data disagree."""
    doc = _doc(data)
    survey = doc.survey
    parts = []
    if survey:
        rows = []
        questions = doc.questions
        for item_id, f in survey.organization.items.items():
            question = questions.get(item_id)
            rows.append(
                [
                    Markup('{}<br><span class="muted">{}</span>').format(
                        question.text if question else "", item_id
                    ),
                    f.n,
                    format_score(f.score),
                    "-"
                    if f.disagreement is None
                    else format_score(f.disagreement) + (" (polarized)" if f.polarized else ""),
                ]
            )
        privacy = survey.privacy
        parts.append(
            Markup(
                "<p>{} respondents; teams under {} people are not shown ({} suppressed).</p>"
            ).format(survey.respondents, privacy.min_group_size, privacy.suppressed_teams)
        )
        parts.append(_table(["question", "answers", "score (0-1)", "disagreement (0-1)"], rows))
        teams = survey.teams
        if teams:
            areas = [a.id for a in doc.areas]
            names = {a.id: a.name for a in doc.areas}
            team_rows = []
            for team, figures in teams.items():
                row: list[Any] = [team, figures.respondents]
                for area in areas:
                    scores = [
                        f.score
                        for item_id, f in figures.items.items()
                        if f.score is not None
                        and item_id in questions
                        and questions[item_id].area == area
                    ]
                    row.append(format_score(sum(scores) / len(scores)) if scores else "-")
                team_rows.append(row)
            parts.append(
                _table(
                    ["team", "respondents", *[names[a] for a in areas]],
                    team_rows,
                    caption="Mean survey score per team and area (teams of at least the "
                    "minimum group size)",
                )
            )
    else:
        parts.append(Markup('<p class="note note-empty">No survey responses were given.</p>'))
    if doc.disagreements:
        parts.append(
            Markup("<h3>Where people and data disagree</h3><ul>{}</ul>").format(
                Markup("").join(Markup("<li>{}</li>").format(d.text) for d in doc.disagreements)
            )
        )
    return Markup("").join(parts)


def render_change(data: ReportData) -> str:
    """Before and after: the previous roadmap's targets, the comparison with intervals, the trend."""
    doc = _doc(data)
    parts = []
    rows: list[list[Any]]
    if doc.follow_up:
        rows = [
            [
                f.title,
                target_text(f.target),
                f.status,
                target_value_text(f.target, f.before),
                target_value_text(f.target, f.now),
            ]
            for f in doc.follow_up
        ]
        parts.append(
            _table(
                ["previous action", "target", "target met?", "before", "now"],
                rows,
                caption="Were the previous roadmap's targets met?",
            )
        )
    comparison = data.comparison
    if comparison:
        rows = [area_change_cells(a) for a in comparison.areas]
        parts.append(_table(list(AREA_CHANGE_HEADERS), rows, caption="Change per area"))
        if comparison.principles:
            rows = [principle_change_cells(p) for p in comparison.principles]
            parts.append(
                _table(list(PRINCIPLE_CHANGE_HEADERS), rows, caption="Change per principle")
            )
        rows = [metric_change_cells(m) for m in shown_metric_changes(comparison)]
        parts.append(_table(list(METRIC_CHANGE_HEADERS), rows, caption="Change per metric"))
        parts.append(Markup('<p class="note">{}</p>').format(comparison.method))
    history = doc.history
    if len(history) > 1:
        area_ids = [a.id for a in doc.areas]
        names = {a.id: a.name for a in doc.areas}
        rows = [
            [format_date(p.period_last or p.generated_at)]
            + ["-" if p.areas.get(a) is None else p.areas[a] for a in area_ids]
            + ["-" if p.stage is None else p.stage]
            for p in history
        ]
        parts.append(
            _table(
                ["assessment", *[names[a] for a in area_ids], "WMI stage"],
                rows,
                caption="Trend: level per area over time",
            )
        )
    if not parts:
        parts.append(
            Markup(
                '<p class="note note-empty">No earlier assessment: rerun with '
                "<code>--history DIR</code> after the pilot to see the change.</p>"
            )
        )
    return Markup("").join(parts)


def render_credits(data: ReportData) -> str:
    """Credit lines of the models used (CC-BY-4.0 requires attribution)."""
    doc = _doc(data)
    notices = [
        f.attribution.notice
        for f in (doc.framework, doc.stage_framework)
        if f is not None and f.attribution is not None
    ]
    return Markup("<ul>{}</ul>").format(
        Markup("").join(Markup("<li>{}</li>").format(n) for n in notices)
    )
