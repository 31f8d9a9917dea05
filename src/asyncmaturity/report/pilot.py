"""The pilot's result as Markdown and as one self-contained HTML page, from its typed document.

Both read the same tables (:func:`pilot_tables`): the stage and areas, the criteria and the
metrics, each row with its change, its 95% interval and its verdict; the page reuses the
assessment report's layout and styles.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from asyncmaturity.assess.pilot import PilotDocument, PilotPeriod
from asyncmaturity.report.format import interval_text, metric_unit, target_text
from asyncmaturity.report.html import render_page
from asyncmaturity.units import (
    NO_DATA,
    Unit,
    format_change,
    format_period,
    format_score,
    format_share,
    format_timestamp,
    format_value,
)

PILOT_TITLE = "Six-week pilot: baseline and pilot compared"
CHANGE_HEADERS = ["before", "after", "change", "95% interval", "verdict"]


@dataclass(frozen=True)
class PilotTable:
    """One table of the pilot's result: its anchor, title, what it shows, headers and rows."""

    id: str
    title: str
    caption: str
    headers: list[str]
    rows: list[list[str]]


def _change_cells(
    before: float | None,
    after: float | None,
    change: float | None,
    bounds: list[float] | None,
    verdict: str,
    reason: str | None,
    unit: Unit | None,
) -> list[str]:
    """A change's cells; `unit` None for survey scores."""
    shown = f"{verdict} ({reason})" if reason and verdict == "cannot conclude" else verdict
    if unit is None:
        difference = NO_DATA if change is None else f"{change:+.2f}"
        return [format_score(before), format_score(after), difference, "-", shown]
    return [
        format_value(before, unit),
        format_value(after, unit),
        format_change(change, unit),
        interval_text(bounds, unit),
        shown,
    ]


def pilot_tables(document: PilotDocument) -> list[PilotTable]:
    """The stage and areas, the criteria and the metrics as rows every renderer shows."""
    stage = document.stage
    levels = [
        [
            "WMI stage",
            *_change_cells(
                stage.before,
                stage.after,
                stage.change,
                stage.interval,
                stage.verdict,
                stage.reason,
                "count",
            ),
        ]
    ]
    levels += [
        [
            area.name,
            *_change_cells(
                area.before,
                area.after,
                area.change,
                area.interval,
                area.verdict,
                area.reason,
                "count",
            ),
        ]
        for area in document.areas
    ]
    criteria = []
    for row in document.criteria:
        surveyed = row.evidence is None or row.evidence.startswith("survey")
        unit = None if surveyed or row.evidence is None else metric_unit(row.evidence)
        criteria.append(
            [
                f"{row.scope} {row.level}",
                row.text,
                f"{row.status_before} → {row.status_after}",
                row.evidence or "none",
                *_change_cells(
                    row.before, row.after, row.change, row.interval, row.verdict, row.reason, unit
                ),
            ]
        )
    metrics = [
        [
            row.id,
            row.better or "neither",
            *_change_cells(
                row.before,
                row.after,
                row.change,
                row.interval,
                row.verdict,
                row.reason,
                metric_unit(row.id),
            ),
        ]
        for row in document.metrics
        if row.before is not None or row.after is not None
    ]
    return [
        PilotTable(
            "pilot-levels",
            "Stage and areas",
            "Levels in each period; a level changes in whole steps, so its interval is coarse.",
            ["", *CHANGE_HEADERS],
            levels,
        ),
        PilotTable(
            "pilot-criteria",
            "Criteria",
            "Each criterion's status in each period and the change of what evidences it, judged "
            "in the direction its threshold asks for.",
            ["scope", "criterion", "status", "evidence", *CHANGE_HEADERS],
            criteria,
        ),
        PilotTable(
            "pilot-principles",
            "Principles",
            "Each principle's status in each period and the evidence that moved it; a move counts "
            "only where the metrics that moved it changed significantly.",
            ["principle", "before", "after", "evidence that moved", "verdict"],
            [
                [
                    row.name,
                    row.before or "not judged",
                    row.after,
                    ", ".join(row.moved) or "none",
                    f"{row.verdict} ({row.reason})" if row.reason else row.verdict,
                ]
                for row in document.principles
            ],
        ),
        PilotTable(
            "pilot-metrics",
            "Metrics",
            "Every metric with a value in either period; 'better' is the direction that counts "
            "as progress.",
            ["metric", "better", *CHANGE_HEADERS],
            metrics,
        ),
    ]


def _period_text(period: PilotPeriod) -> str:
    people = f"; {period.people_active} people active" if period.people_active is not None else ""
    return (
        f"{period.since[:10]} to {period.until[:10]} (until excluded; {period.days:g} days); "
        f"evidence {format_period(period.first, period.last)}{people}"
    )


def _summary_text(document: PilotDocument) -> str:
    counted = ", ".join(f"{count} {verdict}" for verdict, count in document.summary.items())
    return f"Metrics: {counted or 'none compared'}."


def _follow_up_lines(document: PilotDocument) -> list[str]:
    return [
        f"{item.title or item.action}: {target_text(item.target)}: {item.status}"
        for item in document.follow_up
    ]


def pilot_markdown(document: PilotDocument) -> str:
    """The pilot's result as Markdown: periods, checks, verdicts and what it cannot conclude."""
    lines = [f"# {PILOT_TITLE}", ""]
    lines.append(f"Store `{document.store}`; generated {format_timestamp(document.generated_at)}.")
    lines += [
        "",
        f"- **Baseline**: {_period_text(document.baseline)}",
        f"- **Pilot**: {_period_text(document.pilot)}",
        "",
        f"**How to read the verdicts.** {document.rule}. Intervals: {document.method}.",
        "",
        "## Checks",
        "",
    ]
    lines += [f"- {check.id} ({check.status}): {check.text}" for check in document.checks]
    lines += ["", "## Summary", "", _summary_text(document), ""]
    for table in pilot_tables(document):
        lines += [f"## {table.title}", "", table.caption, ""]
        lines.append("| " + " | ".join(table.headers) + " |")
        lines.append("|" + "---|" * len(table.headers))
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
        lines.append("")
    follow_up = _follow_up_lines(document)
    if follow_up:
        lines += ["## The baseline's roadmap targets, checked in the pilot", ""]
        lines += [f"- {line}" for line in follow_up]
        lines.append("")
    lines += ["## What this pilot cannot conclude", ""]
    lines += [f"- {line}" for line in document.cannot_conclude] or ["- nothing beyond the above"]
    return "\n".join(lines).rstrip() + "\n"


def pilot_terminal(document: PilotDocument) -> list[RenderableType]:
    """What `pilot` prints: the checks, the stage and areas, the metrics, and what it cannot
    conclude (the criteria are in the Markdown and HTML)."""
    shown: list[RenderableType] = [
        Text(f"Baseline: {_period_text(document.baseline)}"),
        Text(f"Pilot: {_period_text(document.pilot)}"),
    ]
    shown += [
        Text(f"{c.id} ({c.status}): {c.text}", style="yellow" if c.status != "passed" else "")
        for c in document.checks
    ]
    for table in pilot_tables(document):
        if table.id == "pilot-criteria":
            continue
        rendered = Table(*table.headers, title=table.title)
        rendered.columns[0].no_wrap = True
        for row in table.rows:
            rendered.add_row(*row)
        shown.append(rendered)
    shown.append(Text(_summary_text(document)))
    shown += [Text(f"Cannot conclude: {line}", style="yellow") for line in document.cannot_conclude]
    return shown


def _cell(text: str) -> str:
    """A Markdown table cell: a pipe in it would end the cell."""
    return text.replace("|", "\\|")


def _html_table(table: PilotTable) -> Markup:
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(h) for h in table.headers)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(c) for c in row))
        for row in table.rows
    )
    return Markup(
        '<p>{}</p><div class="table-wrap"><table class="pilot"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table></div>"
    ).format(table.caption, head, body)


def _html_list(items: list[str]) -> Markup:
    return Markup("<ul>{}</ul>").format(
        Markup("").join(Markup("<li>{}</li>").format(item) for item in items)
    )


def pilot_html(document: PilotDocument) -> str:
    """The pilot's result as one self-contained HTML page in the assessment report's style."""
    overview = Markup("{}<p>{}</p><p><strong>How to read the verdicts.</strong> {}.</p>").format(
        _html_list(
            [
                f"Baseline: {_period_text(document.baseline)}",
                f"Pilot: {_period_text(document.pilot)}",
            ]
        ),
        _summary_text(document),
        document.rule,
    )
    checks = _html_list([f"{c.id} ({c.status}): {c.text}" for c in document.checks])
    sections = [
        ("pilot-overview", "Periods and verdicts", overview),
        ("pilot-checks", "Checks", checks),
        *((t.id, t.title, _html_table(t)) for t in pilot_tables(document)),
    ]
    follow_up = _follow_up_lines(document)
    if follow_up:
        sections.append(
            ("pilot-follow-up", "The baseline's roadmap targets", _html_list(follow_up))
        )
    sections.append(
        (
            "pilot-cannot-conclude",
            "What this pilot cannot conclude",
            _html_list(document.cannot_conclude or ["nothing"]),
        )
    )
    meta = [
        ("Baseline", f"{document.baseline.since[:10]} to {document.baseline.until[:10]}"),
        ("Pilot", f"{document.pilot.since[:10]} to {document.pilot.until[:10]}"),
        (
            "Same people",
            format_share(document.people.share)
            if document.people is not None and document.people.share is not None
            else "unknown",
        ),
    ]
    return render_page(
        PILOT_TITLE, meta=meta, sections=sections, generated_at=document.generated_at
    )


__all__ = [
    "PILOT_TITLE",
    "PilotTable",
    "pilot_html",
    "pilot_markdown",
    "pilot_tables",
    "pilot_terminal",
]
