"""The sections of the HTML report, in page order, in one registry that also drives the contents.

To add a section, write a ``render(data) -> str`` function that returns an HTML fragment (escape
every piece of user data, most simply by building it with :class:`markupsafe.Markup.format`) and
insert a :class:`ReportSection` for it in :data:`SECTIONS` where it should appear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from asyncmaturity.report import activities, assessment, concepts, svg
from asyncmaturity.report.format import assumption_reach, metric_unit
from asyncmaturity.report.model import ReportData
from asyncmaturity.units import (
    NO_DATA,
    Unit,
    format_axis_share,
    format_count,
    format_counted,
    format_month,
    format_period,
    format_share,
    format_timestamp,
    format_value,
    humanize_metric_id,
    is_missing,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS_PER_DAY = 24

Cell = str | Markup


@dataclass(frozen=True)
class ReportSection:
    """One section of the report: its anchor id, its heading and the function rendering its body."""

    id: str
    title: str
    render: Callable[[ReportData], str]
    # Sections that do not apply (no assessment, no store) are left out of page and contents.
    applies: Callable[[ReportData], bool] = lambda data: True


# -- shared building blocks ------------------------------------------------------------------


def value_html(value: float | int | None, unit: Unit) -> Markup:
    """Format a figure for the page, marking a missing value so it reads differently from zero."""
    if value is None or is_missing(value):
        return Markup('<span class="nodata">{}</span>').format(NO_DATA)
    return Markup("{}").format(format_value(value, unit))


def note(text: str, *, tone: str = "info") -> Markup:
    """Render a short explanatory note; ``tone`` is "info" or "empty" (no data to show)."""
    return Markup('<p class="note note-{}">{}</p>').format(tone, text)


def data_table(
    headers: Sequence[Cell],
    rows: Sequence[Sequence[Cell]],
    *,
    caption: str = "",
    header_titles: Sequence[str] = (),
) -> Markup:
    """Render a table whose first column heads each row and whose other columns are figures."""
    head = Markup("").join(
        Markup('<th scope="col"{}{}>{}</th>').format(
            Markup(' class="num"') if i else "",
            Markup(' title="{}"').format(header_titles[i])
            if i < len(header_titles) and header_titles[i]
            else "",
            header,
        )
        for i, header in enumerate(headers)
    )
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(
                Markup('<td class="num">{}</td>').format(cell)
                if i
                else Markup('<th scope="row">{}</th>').format(cell)
                for i, cell in enumerate(row)
            )
        )
        for row in rows
    )
    cap = Markup("<caption>{}</caption>").format(caption) if caption else ""
    return Markup(
        '<div class="table-wrap"><table>{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>'
    ).format(cap, head, body)


def chart_figure(chart_svg: str, caption: str, table: Markup) -> Markup:
    """Wrap a chart with its caption and its figures as a table, for screen readers and copying."""
    return Markup(
        '<figure class="chart"><div class="chart-scroll">{}</div><figcaption>{}</figcaption>'
        "<details><summary>Show the figures as a table</summary>{}</details></figure>"
    ).format(Markup(chart_svg), caption, table)


# -- sections --------------------------------------------------------------------------------


def render_headline(data: ReportData) -> str:
    """Render the headline figures as cards, each with its definition."""
    if not data.headline:
        return note("No headline figure was computed for this scope.", tone="empty")
    cards = Markup("").join(
        Markup(
            '<article class="card" id="metric-{}"><h3>{}</h3>'
            '<p class="value">{}</p><p class="definition">{}</p></article>'
        ).format(figure.id, figure.label, value_html(figure.value, figure.unit), figure.definition)
        for figure in data.headline
    )
    return Markup('<div class="cards">{}</div>').format(cards)


def render_first_reply(data: ReportData) -> str:
    """Render the distribution of time to first reply as a bar chart with counts."""
    buckets = data.first_reply_distribution
    total = sum(b.count for b in buckets)
    if not buckets:
        return note(
            "No conversation in scope received a reply, so there is no distribution.", tone="empty"
        )
    bars = [
        svg.Bar(
            label=b.label,
            value=b.count,
            value_text=format_count(b.count),
            sublabel=format_share(b.count / total) if total else "",
            tooltip=f"{b.label}: {format_counted(b.count, 'first reply', 'first replies')}",
        )
        for b in buckets
    ]
    chart = svg.bar_chart(
        bars,
        title="Distribution of time to first reply",
        description=f"Bar chart of {format_counted(total, 'first reply', 'first replies')} "
        f"over {format_counted(len(buckets), 'time range')}.",
        integer_axis=True,
    )
    table = data_table(
        ["Time to first reply", "First replies", "Share"],
        [
            [b.label, format_count(b.count), format_share(b.count / total) if total else NO_DATA]
            for b in buckets
        ],
    )
    caption = (
        f"How long the first message of a conversation waited for a reply from someone else; "
        f"{format_counted(total, 'first reply', 'first replies')} in total."
    )
    figure = chart_figure(chart, caption, table)
    if total == 0:
        return figure + note(
            "Every range is empty: no reply was observed in this period.", tone="empty"
        )
    return figure


def _hour_range(hour: int) -> str:
    """Write the local-time hour slot starting at ``hour``, as "09:00 to 10:00" with an en dash."""
    return f"{hour:02d}:00\N{EN DASH}{(hour + 1) % HOURS_PER_DAY:02d}:00"


def render_hour_of_week(data: ReportData) -> str:
    """Render human messages by weekday and local hour as a heatmap."""
    # Pad or trim to 7 x 24 so that a partial grid from the core still lines up with the labels.
    grid = [
        [int(v) for v in (list(row) + [0] * HOURS_PER_DAY)[:HOURS_PER_DAY]]
        for row in (list(data.hour_of_week) + [[]] * len(WEEKDAYS))[: len(WEEKDAYS)]
    ]
    total = sum(sum(row) for row in grid)
    hour_labels = [f"{h:02d}" for h in range(HOURS_PER_DAY)]
    chart = svg.heatmap(
        grid,
        row_labels=WEEKDAYS,
        col_labels=hour_labels,
        title="Messages by hour of the week, in local time",
        description=f"Heatmap of {format_counted(total, 'human message')} by weekday (rows, Monday "
        "first) and hour of day (columns) in each author's local time.",
        tooltip=lambda r, c, v: (
            f"{WEEKDAYS[r]} {_hour_range(c)}: {format_counted(int(v), 'message')}"
        ),
        col_label_every=3,
        legend_title="Messages per hour",
    )
    table = data_table(
        ["Day", *hour_labels, "Total"],
        [
            [day, *(format_count(v) for v in row), format_count(sum(row))]
            for day, row in zip(WEEKDAYS, grid, strict=True)
        ],
    )
    caption = (
        f"When people write, in each author's own time zone: {format_counted(total, 'human message')}. "
        "Darker cells hold more messages; hover a cell for its count."
    )
    figure = chart_figure(chart, caption, table)
    if total == 0:
        return figure + note("No human message was recorded in this period.", tone="empty")
    return figure


def render_after_hours(data: ReportData) -> str:
    """Render the monthly share of messages sent outside working hours, leaving gaps for None."""
    months = data.after_hours_by_month
    if not months:
        return note(
            "No month in scope has messages, so there is no after-hours trend.", tone="empty"
        )
    bars = [
        svg.Bar(
            label=format_month(m.month),
            value=m.after_hours_share,
            value_text=format_value(m.after_hours_share, "share"),
            sublabel=f"{format_count(m.messages)} msgs",
            tooltip=f"{format_month(m.month)}: {format_value(m.after_hours_share, 'share')} "
            f"after hours of {format_counted(m.messages, 'message')}",
        )
        for m in months
    ]
    chart = svg.bar_chart(
        bars,
        title="After-hours share by month",
        description=f"Bar chart of the after-hours share of messages for "
        f"{format_counted(len(months), 'month')}; months without data are gaps.",
        axis_format=format_axis_share,
        colour="#7c3aed",
    )
    table = data_table(
        ["Month", "Messages", "After-hours share"],
        [
            [
                format_month(m.month),
                format_count(m.messages),
                value_html(m.after_hours_share, "share"),
            ]
            for m in months
        ],
    )
    caption = (
        "Share of human messages written outside the author's working hours, per calendar "
        "month (UTC). A dashed outline marks a month without enough data."
    )
    return chart_figure(chart, caption, table)


def render_by_kind(data: ReportData) -> str:
    """Render the breakdown by conversation kind as a table with a suppression note."""
    labels = {figure.id: figure.label for figure in data.headline}
    metric_ids = data.breakdown_metric_ids
    suppressed = Markup(
        "Groups with fewer than {} are not shown, so that no one can be singled out; {} suppressed."
    ).format(
        format_counted(data.min_group_size, "person", "people"),
        format_counted(data.suppressed_groups, "group was", "groups were"),
    )
    if not data.by_conversation_kind:
        return note("No conversation kind reached the minimum group size.", tone="empty") + note(
            suppressed
        )
    table = data_table(
        [
            "Conversation kind",
            "People",
            *(labels.get(m) or humanize_metric_id(m) for m in metric_ids),
        ],
        [
            [
                row.group,
                format_count(row.people),
                *(value_html(row.values.get(m), metric_unit(m)) for m in metric_ids),
            ]
            for row in data.by_conversation_kind
        ],
        header_titles=["", "", *metric_ids],
    )
    return table + note(suppressed)


PRIVACY_STATEMENT = (
    "This report shows team-level figures only. People are known to the evidence store by "
    "pseudonymous keys and are never named here, message text is not shown, and any group with "
    "fewer than {min_size} is suppressed so that no individual can be singled out."
)


def render_notes(data: ReportData) -> str:
    """Render the charter summary, the privacy statement and when the report was generated."""
    if data.charter_summary:
        charter = Markup("<ul>{}</ul>").format(
            Markup("").join(Markup("<li>{}</li>").format(line) for line in data.charter_summary)
        )
    else:
        charter = Markup("<p>The charter's documented defaults were used.</p>")
    privacy = PRIVACY_STATEMENT.format(
        min_size=format_counted(data.min_group_size, "person", "people")
    )
    sources = ", ".join(data.sources) or "none"
    return Markup(
        '<div class="notes"><h3>Charter</h3>{}<h3>Privacy</h3><p>{}</p>'
        "<h3>About this report</h3><p>Generated on "
        '<time datetime="{}">{}</time> from {} covering {}.</p></div>'
    ).format(
        charter,
        privacy,
        data.generated_at,
        format_timestamp(data.generated_at),
        sources,
        format_period(data.period_start, data.period_end),
    )


def render_visibility(data: ReportData) -> str:
    """What the exports show and do not show, and the figures unknown because of it."""
    rows = [
        [
            row.aspect,
            "not stated" if row.visible is None else ("shown" if row.visible else "not shown"),
            ", ".join(row.seen_by) or "-",
            ", ".join(row.not_seen_by) or "-",
        ]
        for row in data.visibility
    ]
    head = Markup("").join(
        Markup('<th scope="col">{}</th>').format(h)
        for h in ("what", "in the evidence", "shown by", "not shown by")
    )
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(c) for c in r))
        for r in rows
    )
    unknown = Markup("").join(
        Markup("<li><code>{}</code>: {}</li>").format(metric_id, reason)
        for metric_id, reason in data.unknown.items()
    )
    return Markup(
        "<p>An export shows only what its platform put in it. What no export shows is unknown, "
        "never zero, and so is every criterion that needs it.</p>"
        '<div class="table-wrap"><table class="assessment"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table></div>{}"
    ).format(
        head,
        body,
        Markup("<h3>Unknown figures</h3><ul>{}</ul>").format(unknown) if unknown else "",
    )


def render_assumptions(data: ReportData) -> str:
    """Every default the figures lean on, what overrides it and how much depends on it."""
    items = Markup("").join(
        Markup('<li>{}{} <span class="muted">Override: <code>{}</code>; {}.</span></li>').format(
            Markup("<strong>Detected.</strong> ") if row.basis == "detected" else "",
            row.text,
            row.override,
            assumption_reach(row.metrics, row.criteria),
        )
        for row in data.assumptions
    )
    detected = (
        " A norm marked detected was read from the team's own evidence where the charter is "
        "silent: it lowers no confidence, and the charter overrides it."
        if any(row.basis == "detected" for row in data.assumptions)
        else ""
    )
    return Markup(
        "<p>Where neither the charter nor the evidence says, these defaults stand in. A "
        "criterion decided under one says so, and its area's confidence is one step lower.{}</p>"
        "<ul>{}</ul>"
    ).format(detected, items)


def has_assumptions(data: ReportData) -> bool:
    return bool(data.assumptions)


def has_visibility(data: ReportData) -> bool:
    return any(row.visible is not None for row in data.visibility)


def _has_store(data: ReportData) -> bool:
    """Evidence sections show unless the report is a survey-only assessment (no store)."""
    return data.assessment is None or bool(data.sources)


SECTIONS: list[ReportSection] = [
    ReportSection("levels", "Maturity levels", assessment.render_levels, assessment.has_assessment),
    ReportSection(
        "principles", "Principles", assessment.render_principles, assessment.has_principles
    ),
    # What the verdicts lean on comes before what they recommend.
    ReportSection("visibility", "What the exports show", render_visibility, has_visibility),
    ReportSection("assumptions", "Assumptions", render_assumptions, has_assumptions),
    ReportSection(
        "roadmap", "Roadmap to the next level", assessment.render_roadmap, assessment.has_assessment
    ),
    ReportSection(
        "change", "Before and after", assessment.render_change, assessment.has_assessment
    ),
    ReportSection(
        "criteria", "Criteria and evidence", assessment.render_criteria, assessment.has_assessment
    ),
    ReportSection(
        "activities",
        "Activity map",
        activities.render_activity_map,
        activities.has_activities,
    ),
    ReportSection(
        "coordination-stack",
        "Coordination Stack",
        concepts.render_coordination_stack,
        concepts.has_coordination_stack,
    ),
    ReportSection(
        "business-metrics",
        "Business guide metrics",
        concepts.render_business_metrics,
        concepts.has_business_metrics,
    ),
    ReportSection("cost", "Coordination cost", assessment.render_cost, assessment.has_assessment),
    ReportSection("survey", "Survey", assessment.render_survey, assessment.has_assessment),
    ReportSection("headline", "Headline figures", render_headline, _has_store),
    ReportSection("first-reply", "Time to first reply", render_first_reply, _has_store),
    ReportSection("hour-of-week", "Activity by hour of the week", render_hour_of_week, _has_store),
    ReportSection("after-hours", "After-hours share by month", render_after_hours, _has_store),
    ReportSection("by-kind", "Figures by conversation kind", render_by_kind, _has_store),
    ReportSection(
        "credits", "Models and credits", assessment.render_credits, assessment.has_assessment
    ),
    ReportSection("notes", "Notes", render_notes),
]
"""The report's sections in page order; the page and its table of contents follow this list."""
