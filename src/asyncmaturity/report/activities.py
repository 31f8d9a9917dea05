"""The activity map in the report: the team's activity on the Asynchronous Communication
Framework's grid, as an SVG chart with its table (HTML) and as a Markdown table.

Both render from the assessment document's ``activities``, so a kept assessment renders the
same as a fresh one.
"""

from __future__ import annotations

from markupsafe import Markup

from asyncmaturity.assess.document import ActivityFigure, ActivityPlacement, GridPlace
from asyncmaturity.report import svg
from asyncmaturity.report.model import ReportData
from asyncmaturity.units import format_value

UNKNOWN = "unknown"


def has_activities(data: ReportData) -> bool:
    """Whether the report carries an assessment with an activity map."""
    return data.assessment is not None and bool(data.assessment.activities)


def figure_text(figure: ActivityFigure) -> str:
    """'62.0%', or 'unknown, why' where the figure has no value."""
    if figure.value is None:
        return f"{UNKNOWN}, {figure.reason}" if figure.reason else UNKNOWN
    return format_value(figure.value, figure.unit)


def _value_text(figure: ActivityFigure) -> str:
    return UNKNOWN if figure.value is None else format_value(figure.value, figure.unit)


def bar_text(activity: ActivityPlacement) -> str:
    """The line the figure must meet for the activity to sit where intended: '>= 50.0%'."""
    return f"{activity.op} {format_value(activity.threshold, activity.figure.unit)}"


def check_text(activity: ActivityPlacement) -> str:
    """The placement's check in words: 'Days with protected deep work >= 50.0%'."""
    return f"{activity.figure.label} {bar_text(activity)}"


def _cell(place: GridPlace) -> tuple[bool, bool]:
    # An axis the framework leaves open draws on its first side (scheduled, synchronous).
    return (place.scheduled is not False, place.synchronous is not False)


def placement_text(activity: ActivityPlacement) -> str:
    """What the map says of one activity, in a sentence."""
    if activity.measured is None:
        return (
            f"Unknown: {activity.figure.reason or 'no figure'}. The framework puts it "
            f"{activity.intended.quadrant}."
        )
    if activity.status == "as intended":
        return f"Where the framework puts it: {activity.measured.quadrant}."
    return (
        f"Measured {activity.measured.quadrant}; the framework puts it "
        f"{activity.intended.quadrant}. {activity.departure}"
    )


def render_activity_map(data: ReportData) -> str:
    """The activity grid chart, with each activity's figure, placement and departure."""
    assert data.assessment is not None
    activities = data.assessment.activities
    items = [
        svg.GridItem(
            label=a.name,
            intended=_cell(a.intended),
            measured=_cell(a.measured) if a.measured is not None else None,
            value_text=_value_text(a.figure),
            tooltip=f"{a.name}: {a.figure.label} {figure_text(a.figure)}. {placement_text(a)}",
        )
        for a in activities
    ]
    chart = svg.activity_grid(
        items,
        title="Activity map",
        description="Each kind of work on the grid of scheduled or unscheduled and synchronous "
        "or asynchronous work: a filled marker where the team's activity was measured, a hollow "
        "one where the framework puts it, an arrow where they differ, grey where unknown.",
    )
    rows = Markup("").join(
        Markup(
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
        ).format(
            a.name,
            Markup("{}: <strong>{}</strong>").format(a.figure.label, figure_text(a.figure)),
            check_text(a),
            a.status,
            placement_text(a),
        )
        for a in activities
    )
    supporting = Markup("").join(
        Markup("<li><strong>{}</strong>: {}</li>").format(
            a.name,
            "; ".join(f"{f.label} {figure_text(f)}" for f in a.supporting) or "none",
        )
        for a in activities
    )
    table = Markup(
        '<div class="table-wrap"><table class="assessment"><thead><tr><th scope="col">activity'
        '</th><th scope="col">figure</th><th scope="col">meant to sit where</th>'
        '<th scope="col">status</th><th scope="col">placement</th></tr></thead><tbody>{}'
        "</tbody></table></div><h3>Figures beside each</h3><ul>{}</ul>"
    ).format(rows, supporting)
    caption = (
        "Where the team's own activity sits on the Asynchronous Communication Framework's grid, "
        "against where the framework puts each kind of work. Unknown where no export shows it."
    )
    return Markup(
        '<figure class="chart"><div class="chart-scroll">{}</div><figcaption>{}</figcaption>'
        "</figure>{}"
    ).format(Markup(chart), caption, table)


def activities_markdown(activities: list[ActivityPlacement]) -> list[str]:
    """The activity map as Markdown lines: a table, then the departures."""
    if not activities:
        return []
    lines = [
        "## Activity map",
        "",
        "| activity | figure | framework | measured | status |",
        "|---|---|---|---|---|",
    ]
    for a in activities:
        measured = a.measured.quadrant if a.measured is not None else UNKNOWN
        lines.append(
            f"| {a.name} | {a.figure.label}: {figure_text(a.figure)} (needs {bar_text(a)}) "
            f"| {a.intended.quadrant} | {measured} | {a.status} |"
        )
    lines.append("")
    lines += [f"- {a.name}: {a.departure}" for a in activities if a.departure]
    if any(a.departure for a in activities):
        lines.append("")
    return lines


__all__ = ["activities_markdown", "has_activities", "render_activity_map"]
