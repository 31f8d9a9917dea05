"""The meeting and work-tracking metrics, registered after the chat metrics in that order."""

from __future__ import annotations

import ibis

from asyncmaturity.metrics.registry import SCHEDULE_PARAMETERS, WORKING_HOURS_TEXT, Metric, Sample
from asyncmaturity.vocabulary import Visibility

_COUNTED = (
    "A meeting instance counts when it starts in the period (--since/--until on its start), is "
    "not cancelled and is not all-day (recurrences expanded, overrides and exceptions applied). "
    "A calendar lists meetings before they happen, so the period never runs past what has: "
    "without --until it ends at the evidence's end, the last message, work item creation, close "
    "or merge, or work event (due times left out) in the store, or, in a store of calendars "
    "only, at the time of ingest (ingest reads no instance that starts after it); it never ends "
    "after now, and an --until in the future ends now (the measurement's notes say so, and how "
    "many instances the end left out)."
)
_SHARED = "over counted instances that are not private (Viva Insights never reads them)"
_VIVA_SET = (
    "Following Viva Insights, only counted instances that are not private, last less than 8 h "
    "and have 2 to 249 attendees (the source's attendee count, else the invitations in the "
    "store) count. A person attended an instance when their response is not declined "
    "(accepted, tentative, needs-action or no reply); bots and people the charter excludes "
    "attend nothing. Active attendees: people who attended at least one such instance in the "
    "period. Weeks: the period's whole UTC days / 7 (--since to --until, or to now when --until "
    "is later, else the first to the last counted meeting's start day, inclusive)."
)
_VIVA_DEPARTURE = (
    "Viva Insights measures each person-week and averages them over measured people; this "
    "divides the total by active attendees x weeks of the period. Attendance comes from "
    "attendance rows only: an organizer with no attendance row of their own attends nothing."
)
_KEPT_FOR_CONTRACT = (
    "Viva Insights' meeting figures leave out private meetings, meetings of 8 h or more, of 250 "
    "attendees or more and of a single attendee; this contract figure keeps them (the calendar's "
    "whole volume, not time spent together)."
)
_HOURS = WORKING_HOURS_TEXT
_ITEMS = (
    "Work items are issues and pull/merge requests created in the period (--since/--until on "
    "their creation); items authored by people the charter excludes are left out."
)
_BOTS = (
    "Bots: people a source flags as bots (a login ending in [bot], an app) or the charter lists "
    "in bots; the charter's excluded people count as no one."
)
_SCHEDULE = SCHEDULE_PARAMETERS

# Viva Insights' meeting types: (value of the frame's meeting_type, id part, label, rule).
_MEETING_TYPES = (
    (
        "decision-making",
        "decision_making",
        "Decision-making meetings",
        "up to 1 h and up to 8 attendees",
    ),
    ("large", "large", "Large meetings", "up to 1 h and 9 attendees or more"),
    ("long", "long", "Long meetings", "over 1 h and up to 8 attendees"),
    (
        "long and large",
        "long_and_large",
        "Long and large meetings",
        "over 1 h and 9 attendees or more",
    ),
)


def _meeting_type(value: str, ident: str, label: str, rule: str) -> Metric:
    """The share of counted shared instances of one Viva meeting type."""
    return Metric(
        f"meetings.type.{ident}_share",
        label,
        "share",
        "meetings",
        f"Share, {_SHARED}, of {value} meetings: {rule} (Viva Insights' meeting types; "
        f"attendees as the source counts them, else the invitations). {_COUNTED}",
        lambda t: (t.meeting_type == value).cast("float64").mean(),
        sample=Sample("mean", lambda t: t.meeting_type == value),
        needs=(Visibility.ATTENDEES,),
    )


EVIDENCE_METRICS: tuple[Metric, ...] = (
    Metric(
        "meetings.instances",
        "Meetings",
        "count",
        "meetings",
        f"Count of meeting instances. {_COUNTED} Private instances count.",
        lambda t: t.count(),
        sample=Sample("sum", lambda t: ibis.literal(1)),
        differs_from=_KEPT_FOR_CONTRACT,
        contract=True,
    ),
    Metric(
        "meetings.hours",
        "Meeting hours",
        "hours",
        "meetings",
        f"Total scheduled duration of the counted meeting instances, in hours (overlaps count "
        f"twice: this is the calendar's volume). {_COUNTED} Private instances count.",
        lambda t: t.duration_s.sum().coalesce(0) / 3600,
        sample=Sample("sum", lambda t: t.duration_s / 3600),
        differs_from=_KEPT_FOR_CONTRACT,
        contract=True,
    ),
    Metric(
        "meetings.hours_per_person_week",
        "Meeting hours per person and week",
        "hours",
        "attendee_days",
        f"Attended meeting hours per active attendee per week, one person's overlapping "
        f"meetings merged (10:00-11:00 and 10:30-11:30 is 1.5 h). {_VIVA_SET}",
        # Every active attendee has a row for every day, so the mean over rows is per person-day.
        lambda t: t.meeting_s.mean() * 7 / 3600,
        sample=Sample("mean", lambda t: t.meeting_s * 7 / 3600),
        differs_from=_VIVA_DEPARTURE,
        contract=True,
        better="lower",
    ),
    Metric(
        "focus.hours_per_person_week",
        "Focus hours per person and week",
        "hours",
        "attendee_days",
        f"Hours in blocks of at least 2 h free of attended meetings inside each active "
        f"attendee's working hours, per active attendee per week; each working day of the "
        f"period is taken as that date in the person's own time zone, and a day off (holiday, "
        f"out-of-office) has no focus time, like a weekend. {_HOURS} The meetings "
        f"(Viva Insights' set), active attendees and weeks are those of "
        f"meetings.hours_per_person_week.",
        lambda t: t.focus_s.mean() * 7 / 3600,
        sample=Sample("mean", lambda t: t.focus_s * 7 / 3600),
        parameters=_SCHEDULE,
        after_hours=True,
        differs_from=f"Viva Insights' default working hours are 08:00-17:00; ours are the "
        f"charter's. {_VIVA_DEPARTURE}",
        contract=True,
        better="higher",
    ),
    Metric(
        "meetings.agenda_share",
        "Meetings with an agenda",
        "share",
        "meetings",
        f"Share, {_SHARED}, whose invitation carries an agenda (instances where the source does "
        f"not say are left out). {_COUNTED}",
        lambda t: t.has_agenda.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.has_agenda),
        better="higher",
    ),
    Metric(
        "meetings.ad_hoc_share",
        "Ad hoc meetings",
        "share",
        "meetings",
        f"Share, {_SHARED} and with a booking time, booked less than 1 h before they start "
        f"(start - booked_at < 3600 s; booked after the start counts; instances with no booking "
        f"time are left out). {_COUNTED}",
        lambda t: t.ad_hoc.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.ad_hoc),
        better="lower",
    ),
    Metric(
        "meetings.recurring_share",
        "Recurring meetings",
        "share",
        "meetings",
        f"Share, {_SHARED}, that belong to a recurring series (instances where the source does "
        f"not say are left out). {_COUNTED}",
        lambda t: t.in_series.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.in_series),
    ),
    Metric(
        "meetings.outside_hours_share",
        "Meetings outside the organizer's hours",
        "share",
        "meetings",
        f"Share, {_SHARED}, that start outside the organizer's working hours (the organizer's "
        f"charter schedule in their time zone; the charter's default schedule when the "
        f"organizer is unknown); instances starting on a day off of the organizer (on their "
        f"clock) are neither and left out. {_HOURS} {_COUNTED}",
        lambda t: t.outside_hours.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.outside_hours),
        parameters=_SCHEDULE,
        after_hours=True,
        differs_from="Viva Insights counts the after-hours part of each attendee's meeting "
        "hours; this classifies whole instances by their start, in the organizer's hours (as "
        "Viva evaluates meeting metrics in the organizer's time zone).",
        better="lower",
    ),
    Metric(
        "meetings.agenda_lead_time.median_s",
        "Agenda lead time (median)",
        "seconds",
        "meetings",
        f"Median, {_SHARED} and carry an agenda whose time the source tells for that very "
        f"instance, of the seconds from that time to the instance's start; linear-interpolated "
        f"(quantile_cont). Per occurrence: an instance that is its own invitation (a single event, "
        f"or an override of one occurrence of a series) has that invitation's last change (in "
        f"iCalendar its own LAST-MODIFIED, else DTSTAMP, else CREATED), by which its agenda was "
        f"there, so each lead is at least the true one. An instance that a recurring series' rule "
        f"makes has only the master's text and stamps, which tell when the series was written, "
        f"not when this occurrence's agenda was: unknown and left out (the age of the series is "
        f"no lead time), as is an instance whose invitation last changed after it started (that "
        f"change hides when the agenda was written). {_COUNTED}",
        lambda t: t.agenda_lead_s.median(),
        sample=Sample("quantile", lambda t: t.agenda_lead_s, q=0.5),
        better="higher",
    ),
    *(_meeting_type(*kind) for kind in _MEETING_TYPES),
    Metric(
        "meetings.outside_attendee_hours_share",
        "Meetings outside attendees' hours",
        "share",
        "attended",
        f"Over attended (person, instance) pairs of Viva's set: the share whose start falls "
        f"outside that attendee's own working hours, on their own clock; pairs on a day off of "
        f"the attendee are neither and left out. {_VIVA_SET} {_HOURS}",
        lambda t: t.outside_hours.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.outside_hours),
        parameters=_SCHEDULE,
        after_hours=True,
        better="lower",
    ),
    Metric(
        "meetings.on_no_meeting_days_share",
        "Meetings on no-meeting days",
        "share",
        "meetings",
        f"Share, {_SHARED}, that start on one of the charter's no_meeting_days (the organizer's "
        f"local weekday). Unknown when the charter names no such day. {_COUNTED}",
        lambda t: t.on_no_meeting_day.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.on_no_meeting_day),
        parameters=("no_meeting_days", "timezone", "people"),
        better="lower",
    ),
    Metric(
        "meetings.in_focus_blocks_share",
        "Meetings inside focus blocks",
        "share",
        "meetings",
        f"Share, {_SHARED}, that overlap one of the charter's focus_blocks on the organizer's "
        f"clock (on the day they start). Unknown when the charter has no focus blocks. {_COUNTED}",
        lambda t: t.in_focus_block.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.in_focus_block),
        parameters=("focus_blocks", "timezone", "people"),
        better="lower",
    ),
    Metric(
        "work.items",
        "Issues and pull requests",
        "count",
        "work_items",
        f"Count of issues and pull/merge requests created in the period, bot-authored ones "
        f"included. {_ITEMS}",
        lambda t: t.is_item.cast("int64").sum().coalesce(0),
        sample=Sample("sum", lambda t: t.is_item.cast("int64")),
        contract=True,
    ),
    Metric(
        "work.first_response.median_s",
        "Time to first response on work items (median)",
        "seconds",
        "work_items",
        f"Median, over issues and pull/merge requests that got one, of the seconds from "
        f"creation to the first "
        f"comment or review by someone other than the author, bots left out; wall clock; "
        f"linear-interpolated (quantile_cont). {_ITEMS} {_BOTS}",
        lambda t: t.first_response_s.median(),
        sample=Sample("quantile", lambda t: t.first_response_s, q=0.5),
        parameters=("bots", "exclude"),
        differs_from="github/issue-metrics starts a pull request's clock when it is ready for "
        "review and GrimoireLab's time to first attention also counts reactions; this starts "
        "at creation and counts comments and reviews only.",
        contract=True,
        better="lower",
    ),
    Metric(
        "work.close.median_s",
        "Time to close work items (median)",
        "seconds",
        "work_items",
        f"Median, over issues and pull/merge requests closed or merged (at any time in the "
        f"store), of the seconds "
        f"from creation to the close; a merge counts as a close, the earlier of the two when "
        f"both; linear-interpolated (quantile_cont). Items still open are left out, so a period "
        f"with many open items reads faster than it is. {_ITEMS}",
        lambda t: t.close_s.median(),
        sample=Sample("quantile", lambda t: t.close_s, q=0.5),
        contract=True,
    ),
    Metric(
        "work.owner_share",
        "Work items with an owner",
        "share",
        "work_items",
        f"Share of issues and pull/merge requests with at least one assignee (items whose "
        f"source does not say are left out). {_ITEMS}",
        lambda t: t.has_owner.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.has_owner),
        needs=(Visibility.ASSIGNEES,),
        better="higher",
    ),
    Metric(
        "work.pr_linked_share",
        "Pull requests linked to an issue",
        "share",
        "work_items",
        f"Share of pull/merge requests whose list of links to other items is not empty (pull "
        f"requests whose source gives no list are left out). {_ITEMS}",
        lambda t: t.linked.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.linked),
        better="higher",
    ),
    Metric(
        "work.decision_records",
        "Decision records",
        "count",
        "work_items",
        "Count of work items of kind decision (decision records) created in the period; those "
        "authored by people the charter excludes are left out.",
        lambda t: t.is_decision.cast("int64").sum().coalesce(0),
        sample=Sample("sum", lambda t: t.is_decision.cast("int64")),
    ),
    Metric(
        "work.decision_cycle.median_s",
        "Decision cycle time (median)",
        "seconds",
        "work_items",
        "Median, over decision records (work items of kind decision: an issue labelled or "
        "titled as a decision, an ADR) that were closed, of the seconds from creation to close; "
        "linear-interpolated (quantile_cont). Decision records without a close (ADR files) are "
        "left out.",
        lambda t: t.decision_cycle_s.median(),
        sample=Sample("quantile", lambda t: t.decision_cycle_s, q=0.5),
        better="lower",
    ),
)
