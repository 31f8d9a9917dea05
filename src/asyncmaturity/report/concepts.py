"""The Coordination Stack and the business guide's metrics table, as Markdown and as report
sections, from the assessment document (so a kept assessment renders them the same)."""

from __future__ import annotations

from markupsafe import Markup

from asyncmaturity.assess.document import AssessmentDocument, GuideMetricResult
from asyncmaturity.report.format import metric_value_text
from asyncmaturity.report.model import ReportData
from asyncmaturity.units import format_score, format_value

STACK_INTRO = (
    "Each layer of the WMI Coordination Stack is read through the AWAIT element that asks for "
    "it: the share of requests that carry it in the archive (chat, mail and tracker comments) "
    "and in the request ledger. No data where no such request is visible."
)
GUIDE_INTRO = (
    "Every metric of the business guide's table: computed from the evidence, asked in the "
    "survey, or not measurable and why."
)
STACK_HEADERS = ("Layer", "AWAIT element", "Archive requests", "Ledger requests")
GUIDE_HEADERS = ("Metric", "Answered by", "Figures")


def stack_rows(document: AssessmentDocument) -> list[list[str]]:
    """One row per layer: its name and question, its AWAIT element and both shares."""
    return [
        [
            f"{layer.name}: {layer.description}",
            layer.await_element,
            format_value(layer.archive_share, "share"),
            format_value(layer.ledger_share, "share"),
        ]
        for layer in document.coordination_stack
    ]


def guide_figures(row: GuideMetricResult) -> str:
    """A row's figures: each metric in its unit, each survey item's score, or the reason."""
    if row.reason is not None:
        return row.reason
    parts = [f"{m} = {metric_value_text(m, value)}" for m, value in row.metrics.items()]
    parts += [f"survey {item} = {format_score(score)}" for item, score in row.survey.items()]
    return "; ".join(parts)


def guide_rows(document: AssessmentDocument) -> list[list[str]]:
    """One row per metric of the business guide's table."""
    return [[row.name, row.answered_by, guide_figures(row)] for row in document.business_metrics]


def concepts_markdown(document: AssessmentDocument) -> list[str]:
    """The Coordination Stack and the business guide's metrics as Markdown lines."""
    lines: list[str] = []
    for title, intro, headers, rows in (
        ("Coordination Stack", STACK_INTRO, STACK_HEADERS, stack_rows(document)),
        ("Business guide metrics", GUIDE_INTRO, GUIDE_HEADERS, guide_rows(document)),
    ):
        if not rows:
            continue
        lines += [f"## {title}", "", intro, ""]
        lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += [
            "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows
        ]
        lines.append("")
    return lines


def _section(intro: str, headers: tuple[str, ...], rows: list[list[str]]) -> str:
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(h) for h in headers)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(c) for c in row))
        for row in rows
    )
    return Markup(
        '<p>{}</p><div class="table-wrap"><table class="assessment"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table></div>"
    ).format(intro, head, body)


def render_coordination_stack(data: ReportData) -> str:
    """The Coordination Stack section: per layer, the share of requests that carry it."""
    assert data.assessment is not None
    return _section(STACK_INTRO, STACK_HEADERS, stack_rows(data.assessment))


def render_business_metrics(data: ReportData) -> str:
    """The business guide's metrics section: how each is answered, with its figures."""
    assert data.assessment is not None
    return _section(GUIDE_INTRO, GUIDE_HEADERS, guide_rows(data.assessment))


def has_coordination_stack(data: ReportData) -> bool:
    """Whether the report's assessment carries the stack (files before it do not)."""
    return data.assessment is not None and bool(data.assessment.coordination_stack)


def has_business_metrics(data: ReportData) -> bool:
    """Whether the report's assessment carries the business guide's table."""
    return data.assessment is not None and bool(data.assessment.business_metrics)
