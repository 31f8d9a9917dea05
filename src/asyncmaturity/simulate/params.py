"""The parameters of a simulated organization, their validation, and the metrics they plant.

:class:`SimulationParams` shapes everything the simulator draws (:mod:`asyncmaturity.simulate.chat`,
:mod:`asyncmaturity.simulate.meetings`, :mod:`asyncmaturity.simulate.work_items`);
:func:`expected_metrics` states the metric values that an export simulated with them measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asyncmaturity.simulate.clock import DAY_S, US, epoch_day, weekday

__all__ = ["SHAPING_FIELDS", "SimulationParams", "expected_metrics"]

# The charter's default working hours (Monday to Friday): the ground truth is stated in them.
WORK_START_S = 9 * 3600
WORK_END_S = 17 * 3600
WORK_START_US = WORK_START_S * US
WORK_END_US = WORK_END_S * US
# An unanswered thread holds 1 + Poisson(0.3) self-replies (a fixed part of the thread shape).
UNANSWERED_SELF_REPLIES_EXTRA = 0.3

_DEFAULT_TIMEZONES: tuple[tuple[str, float], ...] = (
    ("America/New_York", 0.3),
    ("Europe/Berlin", 0.3),
    ("Asia/Kolkata", 0.2),
    ("America/Los_Angeles", 0.1),
    ("Asia/Kathmandu", 0.1),
)


@dataclass(frozen=True)
class SimulationParams:
    """Everything that shapes a simulated organization; invalid values raise ``ValueError``.

    Attributes:
        people: human members of the workspace (at least 2).
        days: length of the period in calendar days, starting at ``start`` (local dates).
        seed: seed of every random draw; the same parameters give byte-identical files.
        start: first local calendar day of the period.
        channels: public channels; the first two are #general and #random (everyone is a member).
        messages_per_person_day: expected human messages per person per working day (Monday to
            Friday in the period); the expected total is ``people * messages_per_person_day *
            working_days``, weekend and after-hours messages included.
        dm_share: share of human messages sent in DMs and group DMs (a root lands there with this
            probability, and its thread follows it).
        thread_share: share of human root messages that start a thread (get at least one reply,
            possibly only from the author or a bot).
        answered_share: share of those threads that get a reply from a human other than the
            root's author. The share of *all* roots that are answered, the metric
            ``response.answered_share``, is therefore ``thread_share * answered_share``.
        reply_delay_median_s: median wall-clock seconds from a root to the first reply by another
            human, over answered roots.
        reply_delay_sigma: sigma of the log-normal distribution of that delay.
        after_hours_share: share of human messages (roots and replies) sent outside the author's
            working hours, Monday to Friday 09:00-17:00 in the author's ``users.json`` time zone.
        bot_share: share of bot records (a legacy integration, an app bot and Slackbot) among all
            message records that are not system records such as ``channel_join``.
        timezones: IANA time zones and their weights; people are allotted to zones in these
            proportions (largest remainder), the weights need not sum to one.
        private_channels: private channels (listed in ``groups.json``).
        group_dms: group DMs (``mpims.json``); ``None`` means one per ten people. Needs 3 people.
        dm_partners: average number of people each person has a DM conversation with.
        followup_replies: mean number of replies after the first answer in an answered thread.
        self_reply_before_share: share of answered threads in which the author adds a reply
            before the first answer arrives.
        weekend_share: share of after-hours roots that are posted on a weekend day, the rest in
            the evening or early morning of a working day.
        broadcast_share: share of human messages that notify a whole channel (``<!here>`` or
            ``<!channel>``).
        record_link_share: share of human messages linking to a system of record (GitHub issues
            and pull requests, Jira, Confluence, Google Docs, Notion, Linear) as the charter's
            default ``record_systems`` patterns recognise them; other messages may carry links
            that are not records (a repository's home page, a blog post).
        bot_thread_reply_share: share of threads in triage channels that get a bot auto-reply
            seconds after the root (ignored when ``bot_share`` is 0).
        decision_record_share: when set, this share of the plain messages that state a decision
            ('we decided', 'approved' ...) instead state it with a link to its record, which plants
            ``decisions.record_link_share`` (decisions in link messages always carry one). None
            leaves texts as drawn.
        await_request_share: when set, this share of the plain thread roots that state no
            decision are instead AWAIT-complete requests (an owner mentioned, a window, an action,
            a link to the record, nothing moving the talk elsewhere), which plants
            ``await.complete_share``. None leaves texts as drawn.
        meetings: also simulate a calendar (see :mod:`asyncmaturity.simulate.meetings`): weekly
            team meetings, daily stand-ups of some teams, weekly or fortnightly 1:1s of each
            manager with each report, fortnightly review meetings of a few teams' leads, and ad
            hoc meetings, with agendas, notes links, cancelled instances and declines. Off by
            default: the chat simulation is the same either way.
        work_items: also simulate a GitHub tracker: issues and pull requests by the people with
            a GitHub account (and a dependency bot), with comments, reviews, CI bot comments,
            closes and merges. Off by default.
        team_size: people per team (the last team takes the remainder); a team's first member
            is its manager. Teams are drawn mostly within a time zone.
        standup_team_share: share of teams that also hold a 15-minute stand-up every working
            day.
        ad_hoc_meetings_per_person_day: expected ad hoc meetings organized per person per
            working day.
        ad_hoc_same_hour_share: share of ad hoc meetings booked 5 to 55 minutes before they
            start (what ``meetings.ad_hoc_share`` counts); the rest are booked a log-normal lead
            ahead, at least an hour.
        meeting_cancel_share: share of recurring meeting instances that are cancelled.
        meeting_decline_share: share of invitations (the organizer's aside) declined, per
            instance.
        agenda_share: share of meetings whose invitation carries an agenda.
        notes_share: share of meetings whose invitation links notes or a recording.
        agenda_lead_median_s: when set, agendas are written per occurrence: a recurring
            meeting's own invitation carries the call details (and its notes link) only, and
            every instance is an override with its own description, an agenda drawn with
            ``agenda_share``, last modified a log-normal lead before it starts (this median,
            clipped to 15 minutes .. 6 days). None keeps one description per series, agenda
            included.
        work_items_per_person_day: expected issues and pull requests opened per person per
            working day (authored by the people with a GitHub account, and a dependency bot).
        pull_request_share: share of work items that are pull requests (the rest are issues, a
            few of them decision records).
        dependency_bot_share: share of pull requests opened by the dependency bot (version
            bumps: never assigned, never linked to an item).
        decision_issue_share: share of issues that are decision records (labelled and titled
            as decisions).
        issue_owner_share: share of people's issues that have an assignee (another engineer).
        pr_owner_share: share of people's pull requests assigned to their author (the
            dependency bot's never are).
        pr_link_share: share of people's pull requests whose body says which earlier item of
            the repository they fix (``Fixes #N``; the dependency bot's never do).
        work_response_median_s: median seconds from an item's creation to the first comment or
            review by another person, over the items that get one.
        work_response_share: share of items that get a comment or review by another person.
        work_close_median_s: median seconds from an item's creation to its close or merge.
        work_close_share: share of items closed or merged (pull requests mostly merged); a close
            that would fall after the export (a day after the period) leaves the item open.
        change_at: the first local day on which ``after_change`` governs the day-by-day draws
            (chat, ad hoc meetings, meeting instances' cancellations, declines and agendas, work
            items), for a pilot planted halfway; None: these parameters hold for the whole
            period. The organization, its channels and its recurring meeting series are drawn
            once, from these parameters.
        after_change: the parameters in force from ``change_at``; they must shape the same
            organization (the fields of :data:`SHAPING_FIELDS` equal) and plant no change of
            their own.
    """

    people: int = 40
    days: int = 60
    seed: int = 0
    start: date = date(2026, 1, 5)
    channels: int = 8
    messages_per_person_day: float = 6.0
    dm_share: float = 0.2
    thread_share: float = 0.35
    answered_share: float = 0.8
    reply_delay_median_s: float = 1800.0
    reply_delay_sigma: float = 1.2
    after_hours_share: float = 0.1
    bot_share: float = 0.05
    timezones: tuple[tuple[str, float], ...] = _DEFAULT_TIMEZONES
    private_channels: int = 2
    group_dms: int | None = None
    dm_partners: int = 4
    followup_replies: float = 1.5
    self_reply_before_share: float = 0.1
    weekend_share: float = 0.25
    broadcast_share: float = 0.02
    record_link_share: float = 0.1
    bot_thread_reply_share: float = 0.1
    decision_record_share: float | None = None
    await_request_share: float | None = None
    meetings: bool = False
    work_items: bool = False
    team_size: int = 8
    standup_team_share: float = 0.35
    ad_hoc_meetings_per_person_day: float = 0.15
    ad_hoc_same_hour_share: float = 0.25
    meeting_cancel_share: float = 0.05
    meeting_decline_share: float = 0.08
    agenda_share: float = 0.5
    notes_share: float = 0.3
    agenda_lead_median_s: float | None = None
    work_items_per_person_day: float = 0.2
    pull_request_share: float = 0.5
    dependency_bot_share: float = 0.1
    decision_issue_share: float = 0.04
    issue_owner_share: float = 0.6
    pr_owner_share: float = 0.7
    pr_link_share: float = 0.5
    work_response_median_s: float = 4 * 3600.0
    work_response_share: float = 0.8
    work_close_median_s: float = 2 * 86_400.0
    work_close_share: float = 0.75
    change_at: date | None = None
    after_change: SimulationParams | None = None

    def __post_init__(self) -> None:
        validate_params(self)

    @property
    def group_dm_count(self) -> int:
        """Group DMs to create: ``group_dms``, or one per ten people; none with fewer than 3."""
        if self.people < 3:
            return 0
        return self.group_dms if self.group_dms is not None else max(1, self.people // 10)

    def in_force(self, day: int) -> SimulationParams:
        """The parameters that govern local day ``day`` (days since 1970-01-01)."""
        changed = self.change_at is not None and day >= epoch_day(self.change_at)
        return self.after_change if changed and self.after_change is not None else self


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _check_float(name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def validate_params(p: SimulationParams) -> None:
    """Raise ``ValueError`` naming the first parameter that is out of range."""
    _check_int("people", p.people, 2, 1_000_000)
    _check_int("days", p.days, 1, 3660)
    _check_int("seed", p.seed, 0, 2**63 - 1)
    _check_int("channels", p.channels, 1, 10_000)
    _check_int("private_channels", p.private_channels, 0, 10_000)
    if p.group_dms is not None:
        _check_int("group_dms", p.group_dms, 0, 1_000_000)
    _check_int("dm_partners", p.dm_partners, 1, 1_000)
    if not isinstance(p.start, date) or isinstance(p.start, datetime):
        raise ValueError(f"start must be a date, got {p.start!r}")
    if not date(1971, 1, 1) <= p.start <= date(2200, 1, 1):
        raise ValueError(f"start must be between 1971 and 2200, got {p.start}")
    _check_float("messages_per_person_day", p.messages_per_person_day, 0.0, 10_000.0)
    for name in (
        "dm_share",
        "thread_share",
        "answered_share",
        "after_hours_share",
        "self_reply_before_share",
        "weekend_share",
        "broadcast_share",
        "record_link_share",
        "bot_thread_reply_share",
    ):
        _check_float(name, getattr(p, name), 0.0, 1.0)
    _check_float("bot_share", p.bot_share, 0.0, 0.9)
    for optional in ("decision_record_share", "await_request_share"):
        if getattr(p, optional) is not None:
            _check_float(optional, getattr(p, optional), 0.0, 1.0)
    for flag in ("meetings", "work_items"):
        if not isinstance(getattr(p, flag), bool):
            raise ValueError(f"{flag} must be true or false, got {getattr(p, flag)!r}")
    _check_int("team_size", p.team_size, 2, 1_000)
    for name in (
        "standup_team_share",
        "ad_hoc_same_hour_share",
        "meeting_cancel_share",
        "meeting_decline_share",
        "agenda_share",
        "notes_share",
        "pull_request_share",
        "dependency_bot_share",
        "decision_issue_share",
        "issue_owner_share",
        "pr_owner_share",
        "pr_link_share",
        "work_response_share",
        "work_close_share",
    ):
        _check_float(name, getattr(p, name), 0.0, 1.0)
    if p.agenda_lead_median_s is not None:
        _check_float("agenda_lead_median_s", p.agenda_lead_median_s, 900.0, 6 * DAY_S)
    _check_float("ad_hoc_meetings_per_person_day", p.ad_hoc_meetings_per_person_day, 0.0, 20.0)
    _check_float("work_items_per_person_day", p.work_items_per_person_day, 0.0, 100.0)
    _check_float("work_response_median_s", p.work_response_median_s, 1.0, 30 * DAY_S)
    _check_float("work_close_median_s", p.work_close_median_s, 1.0, 365 * DAY_S)
    _check_float("followup_replies", p.followup_replies, 0.0, 100.0)
    _check_float("reply_delay_median_s", p.reply_delay_median_s, 1.0, 7 * DAY_S)
    _check_float("reply_delay_sigma", p.reply_delay_sigma, 0.0, 3.0)
    if p.broadcast_share + p.record_link_share > 1.0:
        raise ValueError("broadcast_share + record_link_share must not exceed 1")
    if not isinstance(p.timezones, tuple | list) or not p.timezones:
        raise ValueError("timezones must be a non-empty tuple of (IANA name, weight) pairs")
    for entry in p.timezones:
        if not (isinstance(entry, tuple | list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ValueError(f"timezones entry {entry!r} is not a (name, weight) pair")
        try:
            ZoneInfo(entry[0])
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {entry[0]!r} in timezones") from None
        _check_float(f"weight of {entry[0]}", entry[1], 0.0, 1e9)
    if sum(float(w) for _, w in p.timezones) <= 0:
        raise ValueError("timezones weights must have a positive sum")
    _check_change(p)


# What draws the organization itself (people, zones, teams, conversations, the period): a change
# halfway keeps them, so the same people are present before and after it.
SHAPING_FIELDS = (
    "people",
    "days",
    "seed",
    "start",
    "channels",
    "timezones",
    "private_channels",
    "group_dms",
    "dm_partners",
    "meetings",
    "work_items",
    "team_size",
)


def _check_change(p: SimulationParams) -> None:
    """Raise ``ValueError`` unless a planted change is inside the period and keeps the
    organization."""
    if (p.change_at is None) != (p.after_change is None):
        raise ValueError("change_at and after_change go together: give both or neither")
    if p.change_at is None or p.after_change is None:
        return
    if not isinstance(p.change_at, date) or isinstance(p.change_at, datetime):
        raise ValueError(f"change_at must be a date, got {p.change_at!r}")
    first, change = epoch_day(p.start), epoch_day(p.change_at)
    if not first < change < first + p.days:
        raise ValueError(
            f"change_at must fall after the first day and inside the period "
            f"({p.start} + {p.days} days), got {p.change_at}"
        )
    if p.after_change.change_at is not None:
        raise ValueError("the parameters after a change plant no change of their own")
    differing = [f for f in SHAPING_FIELDS if getattr(p, f) != getattr(p.after_change, f)]
    if differing:
        raise ValueError(
            f"a change halfway keeps the organization: {', '.join(differing)} must not change"
        )


def period_days(params: SimulationParams) -> tuple[int, int]:
    """(working days, weekend days) of the period."""
    first = epoch_day(params.start)
    weekdays = [weekday(first + k) for k in range(params.days)]
    working = sum(1 for w in weekdays if w < 5)
    return working, params.days - working


def human_per_root(params: SimulationParams) -> float:
    """Expected human messages per root: the root plus its thread's human replies."""
    answered = 1.0 + params.followup_replies + params.self_reply_before_share
    unanswered = 1.0 + UNANSWERED_SELF_REPLIES_EXTRA
    threads = params.answered_share * answered + (1 - params.answered_share) * unanswered
    return 1.0 + params.thread_share * threads


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def expected_metrics(params: SimulationParams) -> dict[str, float]:
    """The metric values an export simulated with ``params`` should measure, by metric id.

    Shares and delays are what the simulation is built to produce; counts (``messages.*`` counts,
    ``threads.count``) are expectations with Poisson noise of about one over the square root of
    the number of roots. The definitions are the metric registry's (human messages, roots,
    replies; working hours Monday to Friday 09:00-17:00 in the author's zone):

    * ``people.active``: every person, as long as the run has at least ``people`` roots (the first
      roots are dealt out so that everyone posts).
    * ``hours.after_hours_share``: ``after_hours_share``; steered day by day, so it is exact to
      within a few messages, except near 0 where answers that no member is working to give (a
      weekend, a very long delay) must land outside hours (about 0.006 at 0).
    * ``response.answered_share``: ``thread_share * answered_share``.
    * ``response.first_reply.median_s``, ``p90_s`` and ``response.immediate_share`` (first reply
      within 300 s): quantiles of the log-normal delay.
    * ``messages.dm_share``, ``messages.broadcast_share``, ``messages.record_link_share``: the
      parameters of the same names (record links as the default ``record_systems`` match them).
    * ``messages.bot_share``: ``bot_share``, bot records (legacy ``bot_message`` integrations, app
      bots with a bot user, Slackbot) over bot plus human records.
    """
    working, _ = period_days(params)
    human = params.people * params.messages_per_person_day * working
    roots = human / human_per_root(params)
    threads = roots * params.thread_share
    median = params.reply_delay_median_s
    sigma = params.reply_delay_sigma
    if sigma > 0:
        immediate = _normal_cdf((math.log(300.0) - math.log(median)) / sigma)
    else:
        immediate = 1.0 if median <= 300.0 else 0.0
    return {
        "messages.human": human,
        "messages.thread_replies": human - roots,
        "threads.count": threads,
        "people.active": float(params.people),
        "hours.after_hours_share": params.after_hours_share,
        "messages.dm_share": params.dm_share,
        "messages.broadcast_share": params.broadcast_share,
        "messages.record_link_share": params.record_link_share,
        "messages.bot_share": params.bot_share,
        "response.answered_share": params.thread_share * params.answered_share,
        "response.first_reply.median_s": median,
        "response.first_reply.p90_s": median * math.exp(1.2815515655446004 * sigma),
        "response.immediate_share": immediate,
    }


def export_time_s(params: SimulationParams) -> int:
    """When the exports are taken, a day after the period: nothing happens from then on."""
    return (epoch_day(params.start) + params.days + 1) * DAY_S
