"""Meetings and work items of a simulated organization, and the calendar and GitHub files of them.

With ``SimulationParams.meetings`` or ``work_items`` on, the organization of
:mod:`asyncmaturity.simulate.chat` also keeps a calendar and an issue tracker. Both are drawn one local
day at a time from random streams of their own, so the chat is the same with or without them.

* People get teams of ``team_size`` (drawn mostly within a time zone, the first member the
  manager), an e-mail address (``handle@example.org``, as in the Slack profile, so that the
  calendar's attendees are the chat's people) and, for about three in five, a GitHub login. (A
  login stays a person of its own in the store: the GitHub source reads no e-mail address.)
* Calendar: each team meets weekly; about a third of the teams also hold a 15-minute stand-up
  every working day; each manager has a weekly or fortnightly 1:1 with each report (some private);
  the leads of every five teams meet fortnightly in a review board. These series are booked weeks
  ahead. Ad hoc meetings (``ad_hoc_meetings_per_person_day``) are booked from minutes to days
  ahead, some titled as kick-offs, approvals or decisions. Times are the organizer's working
  hours on their own clock (recurrences keep their local time across clock changes). Invitations
  carry an agenda (``agenda_share``), a notes or recording link (``notes_share``) and a video
  call's join details; ``meeting_cancel_share`` of recurring instances are cancelled and
  ``meeting_decline_share`` of invitations declined instance by instance.
* Work items: issues and pull requests (``work_items_per_person_day``, ``pull_request_share``) in
  three repositories, by the people with a GitHub login and a dependency bot; a few issues are
  decision records. ``work_response_share`` of them get a comment or review by someone else after
  a log-normal delay (median ``work_response_median_s``), then follow-up comments; a CI bot
  comments on pull requests. ``work_close_share`` are closed after a log-normal time (median
  ``work_close_median_s``), pull requests mostly merged. What would happen after the export, a day
  after the period, does not happen: such items stay open.

:func:`simulate_export` writes the files the sources read: the Slack export in ``slack/``, the
calendar as ``calendar.ics`` (one VCALENDAR: each series once with its RRULE, cancelled and
declined instances as overrides) and the tracker as GitHub REST JSON in ``github/``
(``issues.json``, ``pulls.json``, ``comments.json``, ``reviews.json``, ``events.json``);
``asyncmaturity ingest DIR/slack DIR/calendar.ics DIR/github`` reads them all.
:mod:`asyncmaturity.simulate.parquet` writes the same records as evidence tables directly.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from asyncmaturity.simulate.chat import (
    Csr,
    IntArray,
    Org,
    SimulationParams,
    SimulationSummary,
    Zones,
    chat_run,
    check_output_folder,
    write_slack_export,
)
from asyncmaturity.sources.ical import DECISION_MEETING, has_agenda, has_notes_link

__all__ = [
    "CALENDAR_FILE",
    "GITHUB_FOLDER",
    "SLACK_FOLDER",
    "EvidenceExportSummary",
    "simulate_export",
]

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.object_]

SLACK_FOLDER = "slack"
CALENDAR_FILE = "calendar.ics"
GITHUB_FOLDER = "github"
EMAIL_DOMAIN = "example.org"
REPOSITORIES = ("acme/app", "acme/api", "acme/web")
GITHUB_FILES = ("issues.json", "pulls.json", "comments.json", "reviews.json", "events.json")

_US = 1_000_000
_DAY_S = 86_400
_DAY_US = _DAY_S * _US
# 1970-01-01 was a Thursday, three days after a Monday.
_EPOCH_WEEKDAY = 3

# Calendar shape (see SimulationParams for the tunable parts).
STANDUP_TEAM_SHARE = 0.35
PRIVATE_ONE_ON_ONE_SHARE = 0.15
TEAM_GUEST_SHARE = 0.3
TEAMS_PER_REVIEW = 5
REVIEW_MEMBERS_PER_TEAM = 2
SLOTS_S = (9 * 3600 + 1800, 10 * 3600, 11 * 3600, 14 * 3600, 15 * 3600, 16 * 3600)
TEAM_DURATIONS_S = (1800, 2700, 3600)
AD_HOC_DURATIONS_S = (900, 1800, 1800, 2700, 3600)
AD_HOC_TEAM_SHARE = 0.6
AD_HOC_EXTRA_ATTENDEES = 1.5  # an ad hoc meeting invites 1 + Poisson(1.5) people, at most 7
AD_HOC_SAME_HOUR_SHARE = 0.25  # booked 5 to 55 minutes ahead; the rest a log-normal lead
AD_HOC_LEAD_MEDIAN_S = 2 * _DAY_S
# Series-level answers of invitees: accepted, tentative, needs-action (declines are per instance).
SERIES_ANSWERS = (0.9, 0.05, 0.05)
OPTIONAL_SHARE = 0.1
ACCEPTED, TENTATIVE, DECLINED, NEEDS_ACTION = 0, 1, 2, 3
REQUIRED, OPTIONAL, CHAIR = 0, 1, 2
PARTSTAT = ("ACCEPTED", "TENTATIVE", "DECLINED", "NEEDS-ACTION")
RESPONSE = ("accepted", "tentative", "declined", "needs-action")
ICS_ROLE = ("REQ-PARTICIPANT", "OPT-PARTICIPANT", "CHAIR")
ROLE = ("required", "optional", "required")

# Work shape.
ENGINEER_SHARE = 0.6
DECISION_ISSUE_SHARE = 0.04
DEPENDABOT_SHARE = 0.1
CI_COMMENT_SHARE = 0.5
ISSUE_ASSIGNED_SHARE = 0.6
PR_ASSIGNED_SHARE = 0.7
PR_LINK_SHARE = 0.5
REVIEW_FIRST_SHARE = 0.7
FOLLOWUP_COMMENTS = 1.0
FOLLOWUP_GAP_MEDIAN_S = 2 * 3600.0
MERGED_SHARE = 0.85
RESPONSE_SIGMA = 1.2
CLOSE_SIGMA = 1.0
ISSUE, PULL_REQUEST, DECISION = 0, 1, 2
COMMENT, REVIEW, CLOSED, MERGED = 0, 1, 2, 3
REVIEW_STATES = ("APPROVED", "COMMENTED", "CHANGES_REQUESTED")
BOT_LOGINS = ("dependabot[bot]", "github-actions[bot]")
# Label sets (sorted, as the tracker source stores them): issues draw among the first five.
LABEL_SETS: tuple[tuple[str, ...], ...] = (
    (),
    ("bug",),
    ("enhancement",),
    ("bug", "priority: high"),
    ("documentation",),
    ("decision",),
    ("dependencies",),
)
_ISSUE_LABEL_SETS = 5
_DECISION_LABELS = 5
_DEPENDENCY_LABELS = 6


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``: long word lists stay readable in source."""
    return tuple(text.split())


_TOPICS = _words(
    "billing onboarding search payments analytics auth pricing checkout notifications exports "
    "dashboard invoicing sso mobile-app api webhooks reporting caching migrations permissions "
    "audit-log signup pipeline scheduler importer release sandbox metrics alerts storage"
)
_LIBRARIES = _words("requests urllib3 pydantic react webpack lodash eslint typescript jest axios")
_POOL = 64

_TEAM_TITLES = ("{w} team sync", "{w} weekly", "{w} planning")
_STANDUP_TITLES = ("{w} stand-up", "Daily {w} stand-up")
_REVIEW_TITLES = (
    "Architecture review board",
    "Product steering committee",
    "Roadmap approvals",
    "Release go/no-go",
)
_AD_HOC_TITLES = (
    "Quick sync on {w}",
    "{w} design discussion",
    "Kick-off: {w}",
    "Go/no-go for the {w} release",
    "Decision: {w} vendor",
    "Pairing on {w}",
    "{w} retro",
    "{w} incident debrief",
    "Approval of the {w} budget",
    "Catch-up about {w}",
)
_AGENDAS = (
    "Agenda:\n1. Updates from each of us\n2. Blockers on {w}\n3. Decisions needed",
    "Agenda: review the {w} proposal and agree on next steps.",
    "Goals: settle the {w} rollout plan and its owners.\n- open questions\n- timeline",
    "We will walk through the {w} numbers and pick the next experiment.",
)
_NOTES = (
    "Notes: https://docs.google.com/document/d/1{n}abc/edit",
    "Meeting notes: https://www.notion.so/acme/{w}-notes-{n}",
    "Recording: https://acme.zoom.us/rec/share/{n}",
)
_JOIN = "Join Zoom Meeting\nhttps://acme.zoom.us/j/{n}\nMeeting ID: {n}\nPasscode: 4{n}"

_ISSUE_TITLES = (
    "{w} page is slow to load",
    "Crash when exporting {w} data",
    "Add retries to the {w} client",
    "Document the {w} settings",
    "Flaky test in {w}",
    "Support bulk edits in {w}",
    "Error message for {w} is unclear",
)
_ISSUE_BODIES = (
    "Steps to reproduce: open {w} and wait a minute.",
    "We should make {w} easier to configure.",
    "Seen twice this week in production.",
    "Customers asked for this in the {w} survey.",
    "",
)
_DECISION_TITLES = (
    "Decision: keep {w} in the monolith",
    "Decision: adopt a queue for {w}",
    "Decision: drop the legacy {w} endpoint",
)
_DECISION_BODIES = (
    "We decided to keep {w} where it is for this quarter; comments welcome until Friday.",
    "Proposal and trade-offs for {w}. Approved unless someone objects.",
)
_PR_TITLES = (
    "Fix {w} timeout",
    "Refactor the {w} module",
    "Add tests for {w}",
    "Speed up {w} queries",
    "Update {w} docs",
)
_PR_BODIES = ("Part of the {w} work.", "Small cleanup in {w}.", "")
_COMMENTS = (
    "Looks good to me.",
    "Can you add a test for the {w} case?",
    "I can reproduce this on staging.",
    "Could you review this by Friday? It blocks the {w} release.",
    "Thanks, merging after CI.",
    "Why do we need a new dependency here?",
    "Let's discuss in the {w} sync.",
    "Fixed in the latest push.",
    "Any updates on this?",
    "What do you mean by the second point?",
    "@{login} please take a look when you can.",
)
_REVIEWS = (
    "",
    "LGTM",
    "Nice work on {w}.",
    "Please split this into two PRs.",
    "A few nits inline.",
)
_CI_COMMENTS = (
    "CI passed: https://ci.example.org/builds/{n}",
    "Coverage report: 87% of lines covered. https://ci.example.org/coverage/{n}",
    "Preview deployed to https://preview-{n}.example.org",
)


def _weekday(day: int | IntArray) -> Any:
    return (day + _EPOCH_WEEKDAY) % 7


def _lognormal(
    rng: np.random.Generator, median: float, sigma: float, n: int, low: float, high: float
) -> IntArray:
    """Whole seconds drawn log-normally around ``median``, clipped to [low, high]."""
    seconds = np.clip(median * np.exp(sigma * rng.standard_normal(n)), low, high)
    result: IntArray = np.floor(seconds).astype(np.int64)
    return result


def _group_starts(counts: IntArray) -> IntArray:
    """Index of each group's first element in a flat array of groups of ``counts``."""
    starts: IntArray = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return starts


def _expand(offset: IntArray, counts: IntArray) -> IntArray:
    """Flat positions ``offset[g] .. offset[g] + counts[g] - 1`` of every group g, in order."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    base = np.repeat(offset - _group_starts(counts), counts)
    result: IntArray = base + np.arange(total, dtype=np.int64)
    return result


def _pool(rng: np.random.Generator, templates: Sequence[str], size: int, **fixed: str) -> list[str]:
    """``size`` texts rendered from ``templates`` with topics and numbers drawn from ``rng``."""
    texts = []
    for _ in range(size):
        template = templates[int(rng.integers(len(templates)))]
        texts.append(
            template.format(
                w=_TOPICS[int(rng.integers(len(_TOPICS)))],
                n=int(rng.integers(1000, 100_000)),
                lib=_LIBRARIES[int(rng.integers(len(_LIBRARIES)))],
                **fixed,
            )
        )
    return texts


# --------------------------------------------------------------------------------------------
# Teams, addresses and logins


@dataclass
class Staff:
    """Teams, e-mail addresses and GitHub logins of the simulated people."""

    team: IntArray  # each person's team
    teams: Csr  # members of each team, its manager first
    emails: list[str]  # per person
    names: list[str]  # per person, as the calendar shows them
    engineers: IntArray  # people with a GitHub login, by index
    engineer_cdf: FloatArray  # cumulative activity of the engineers, to draw authors
    logins: list[str]  # per person ('' without a GitHub login), then the bots of BOT_LOGINS
    people: int

    @property
    def dependabot(self) -> int:
        """Login index of the dependency bot."""
        return self.people

    @property
    def ci_bot(self) -> int:
        """Login index of the CI bot."""
        return self.people + 1


def build_staff(params: SimulationParams, org: Org) -> Staff:
    """Draw teams and GitHub accounts from the seed (independent of ``days``)."""
    rng = np.random.default_rng([params.seed, 5])
    people = params.people
    # Sorted by zone, then shuffled within it: teams are mostly co-located.
    order = np.lexsort((rng.random(people), org.person_zone))
    n_teams = max(1, people // params.team_size)
    position_team = np.minimum(np.arange(people) // params.team_size, n_teams - 1)
    team = np.empty(people, dtype=np.int64)
    team[order] = position_team
    # Consecutive runs of `order` (the last one takes the remainder), the manager first.
    teams = Csr.from_rows(
        [chunk.tolist() for chunk in np.split(order, np.arange(1, n_teams) * params.team_size)]
    )
    engineer = rng.random(people) < ENGINEER_SHARE
    if engineer.sum() < 2:
        engineer[:2] = True
    engineers = np.flatnonzero(engineer).astype(np.int64)
    activity = np.diff(np.concatenate([[0.0], org.activity_cdf]))
    return Staff(
        team=team,
        teams=teams,
        emails=[f"{handle}@{EMAIL_DOMAIN}" for handle in org.handles],
        names=list(org.real_names),
        engineers=engineers,
        engineer_cdf=np.cumsum(activity[engineers]),
        logins=[
            handle.replace(".", "-") if engineer[i] else "" for i, handle in enumerate(org.handles)
        ]
        + list(BOT_LOGINS),
        people=people,
    )


def _draw_engineers(rng: np.random.Generator, staff: Staff, n: int) -> IntArray:
    """Engineers drawn in proportion to their activity."""
    slot = np.searchsorted(staff.engineer_cdf, rng.random(n) * staff.engineer_cdf[-1], "right")
    result: IntArray = staff.engineers[np.minimum(slot, len(staff.engineers) - 1)]
    return result


# --------------------------------------------------------------------------------------------
# Calendar


@dataclass
class MeetingTexts:
    """Descriptions of invitations, with what the iCalendar source makes of each."""

    descriptions: list[str]
    agenda: BoolArray  # per description: has_agenda
    notes: BoolArray  # per description: has_notes_link
    by_kind: dict[tuple[bool, bool], IntArray]  # (agenda wanted, notes wanted) -> descriptions
    ad_hoc_titles: StrArray
    ad_hoc_decision: BoolArray


def build_meeting_texts(params: SimulationParams) -> MeetingTexts:
    """Pools of descriptions and ad hoc titles, with the flags the ingest rules give them."""
    rng = np.random.default_rng([params.seed, 5, 1])
    descriptions: list[str] = []
    by_kind: dict[tuple[bool, bool], IntArray] = {}
    for agenda in (False, True):
        for notes in (False, True):
            start = len(descriptions)
            joins = _pool(rng, (_JOIN,), _POOL)
            agendas = _pool(rng, _AGENDAS, _POOL) if agenda else [""] * _POOL
            links = _pool(rng, _NOTES, _POOL) if notes else [""] * _POOL
            for parts in zip(agendas, links, joins, strict=True):
                descriptions.append("\n\n".join(p for p in parts if p))
            by_kind[(agenda, notes)] = np.arange(start, len(descriptions), dtype=np.int64)
    titles = _pool(rng, _AD_HOC_TITLES, _POOL)
    return MeetingTexts(
        descriptions=descriptions,
        agenda=np.array([has_agenda(d, []) for d in descriptions], dtype=np.bool_),
        notes=np.array([has_notes_link(d, []) for d in descriptions], dtype=np.bool_),
        by_kind=by_kind,
        ad_hoc_titles=np.array(titles, dtype=object),
        ad_hoc_decision=np.array([DECISION_MEETING.search(t) is not None for t in titles]),
    )


def _descriptions(
    rng: np.random.Generator, texts: MeetingTexts, params: SimulationParams, n: int
) -> IntArray:
    """Descriptions of ``n`` invitations, with an agenda and a notes link at the planted shares."""
    agenda = rng.random(n) < params.agenda_share
    notes = rng.random(n) < params.notes_share
    pick = rng.integers(_POOL, size=n)
    result = np.empty(n, dtype=np.int64)
    for (want_agenda, want_notes), pool in texts.by_kind.items():
        mask = (agenda == want_agenda) & (notes == want_notes)
        result[mask] = pool[pick[mask]]
    return result


@dataclass
class Series:
    """Recurring meetings: each one's rule, and its invitations (the organizer's first)."""

    organizer: IntArray
    first_day: IntArray  # local day of the first instance, in days since 1970-01-01
    interval: IntArray  # days between instances; 1 for a stand-up (working days only)
    count: IntArray  # instances in the period
    local_start_s: IntArray
    duration_s: IntArray
    created_s: IntArray  # booked
    private: BoolArray
    title: StrArray
    decision: BoolArray
    description: IntArray
    invites: Csr  # invited people per series, the organizer first
    response: IntArray  # aligned with invites.flat
    role: IntArray  # aligned with invites.flat

    def __len__(self) -> int:
        return len(self.organizer)


def _first_on(start_day: int, weekday: IntArray) -> IntArray:
    """The first day on or after ``start_day`` that falls on each weekday (Monday 0)."""
    result: IntArray = start_day + (weekday - _weekday(start_day)) % 7
    return result


def build_series(
    params: SimulationParams, staff: Staff, texts: MeetingTexts, start_day: int
) -> Series:
    """Draw the recurring meetings of the period from the seed (one Python step per series)."""
    rng = np.random.default_rng([params.seed, 5, 2])
    end_day = start_day + params.days
    rows: list[dict[str, Any]] = []

    def add(
        organizer: int,
        invitees: list[int],
        roles: list[int],
        *,
        weekly_every: int,
        duration_s: int,
        title: str,
        private: bool = False,
    ) -> None:
        if weekly_every == 0:  # stand-up: every working day, from the first one
            weekend = _weekday(start_day) > 4
            first = int(_first_on(start_day, np.array([0]))[0]) if weekend else start_day
            slot = SLOTS_S[int(rng.integers(2))]
        else:
            weekday = int(rng.integers(5))
            first = int(_first_on(start_day, np.array([weekday]))[0])
            first += 7 * int(rng.integers(weekly_every))
            slot = SLOTS_S[int(rng.integers(len(SLOTS_S)))]
        # A meeting ends by 17:00 on its organizer's clock.
        slot = min(slot, 17 * 3600 - duration_s)
        answers = rng.choice(3, size=len(invitees), p=SERIES_ANSWERS)
        rows.append(
            {
                "organizer": organizer,
                "first_day": first,
                "interval": 7 * weekly_every if weekly_every else 1,
                "local_start_s": slot,
                "duration_s": duration_s,
                "created_s": (start_day - int(rng.integers(7, 120))) * _DAY_S
                + int(rng.integers(8 * 3600, 18 * 3600)),
                "private": private,
                "title": title,
                "people": [organizer, *invitees],
                "responses": [ACCEPTED, *(int(a) if a < 2 else NEEDS_ACTION for a in answers)],
                "roles": [CHAIR, *roles],
            }
        )

    n_teams = len(staff.teams.count)
    for t in range(n_teams):
        start = int(staff.teams.offset[t])
        members = staff.teams.flat[start : start + int(staff.teams.count[t])].tolist()
        manager, reports = members[0], members[1:]
        topic = _TOPICS[t % len(_TOPICS)].capitalize()
        if not reports:
            continue
        guests: list[int] = []
        if rng.random() < TEAM_GUEST_SHARE:
            guest = int(rng.integers(params.people))
            if guest not in members:
                guests.append(guest)
        add(
            manager,
            reports + guests,
            [REQUIRED] * len(reports) + [OPTIONAL] * len(guests),
            weekly_every=1,
            duration_s=TEAM_DURATIONS_S[int(rng.integers(len(TEAM_DURATIONS_S)))],
            title=_TEAM_TITLES[int(rng.integers(len(_TEAM_TITLES)))].format(w=topic),
        )
        if rng.random() < STANDUP_TEAM_SHARE:
            add(
                manager,
                reports,
                [REQUIRED] * len(reports),
                weekly_every=0,
                duration_s=900,
                title=_STANDUP_TITLES[int(rng.integers(len(_STANDUP_TITLES)))].format(w=topic),
            )
        for report in reports:
            add(
                manager,
                [report],
                [REQUIRED],
                weekly_every=1 + int(rng.integers(2)),
                duration_s=1800,
                title=f"{staff.names[manager].split()[0]} / {staff.names[report].split()[0]} 1:1",
                private=bool(rng.random() < PRIVATE_ONE_ON_ONE_SHARE),
            )
    for group in range(0, n_teams if n_teams > 1 else 0, TEAMS_PER_REVIEW):
        leads: list[int] = []
        invited: list[int] = []
        for t in range(group, min(group + TEAMS_PER_REVIEW, n_teams)):
            start = int(staff.teams.offset[t])
            members = staff.teams.flat[start : start + int(staff.teams.count[t])].tolist()
            leads.append(members[0])
            size = min(REVIEW_MEMBERS_PER_TEAM, len(members) - 1)
            invited += [int(m) for m in rng.choice(members[1:], size=size, replace=False)]
        if len(leads) < 2:
            continue
        add(
            leads[0],
            leads[1:] + invited,
            [REQUIRED] * (len(leads) - 1) + [OPTIONAL] * len(invited),
            weekly_every=2,
            duration_s=3600,
            title=_REVIEW_TITLES[int(rng.integers(len(_REVIEW_TITLES)))],
        )

    first_day = np.array([r["first_day"] for r in rows], dtype=np.int64)
    interval = np.array([r["interval"] for r in rows], dtype=np.int64)
    count = _instances_before(first_day, interval, end_day)
    kept = [r for r, c in zip(rows, count.tolist(), strict=True) if c > 0]
    titles = [r["title"] for r in kept]
    return Series(
        organizer=np.array([r["organizer"] for r in kept], dtype=np.int64),
        first_day=first_day[count > 0],
        interval=interval[count > 0],
        count=count[count > 0],
        local_start_s=np.array([r["local_start_s"] for r in kept], dtype=np.int64),
        duration_s=np.array([r["duration_s"] for r in kept], dtype=np.int64),
        created_s=np.array([r["created_s"] for r in kept], dtype=np.int64),
        private=np.array([r["private"] for r in kept], dtype=np.bool_),
        title=np.array(titles, dtype=object),
        decision=np.array([DECISION_MEETING.search(t) is not None for t in titles], dtype=bool),
        description=_descriptions(rng, texts, params, len(kept)),
        invites=Csr.from_rows([r["people"] for r in kept]),
        response=np.array([x for r in kept for x in r["responses"]], dtype=np.int64),
        role=np.array([x for r in kept for x in r["roles"]], dtype=np.int64),
    )


def _instances_before(first_day: IntArray, interval: IntArray, end_day: int) -> IntArray:
    """Instances of each rule from ``first_day`` to before ``end_day`` (stand-ups on weekdays)."""
    span = np.maximum(end_day - first_day, 0)
    periodic = -(-span // np.maximum(interval, 1))
    # Working days in [first, end): whole weeks, then the weekdays of the rest.
    weeks, rest = span // 7, span % 7
    weekday = _weekday(first_day)
    extra = np.zeros(len(first_day), dtype=np.int64)
    for offset in range(6):
        extra += (offset < rest) & ((weekday + offset) % 7 < 5)
    working = weeks * 5 + extra
    result: IntArray = np.where(interval == 1, working, periodic).astype(np.int64)
    return result


@dataclass
class MeetingDay:
    """The meeting instances of one local day, with their invitations (flat, by instance)."""

    k: int  # day of the period
    series: IntArray  # series of each instance, -1 for an ad hoc meeting
    number: IntArray  # an ad hoc meeting's number within the day, -1 for a series instance
    organizer: IntArray
    zone: IntArray  # the organizer's time zone
    local_us: IntArray  # start on the organizer's clock
    start_us: IntArray
    end_us: IntArray
    booked_s: IntArray
    cancelled: BoolArray
    private: BoolArray
    overridden: BoolArray  # a series instance that differs from its series (cancelled, declines)
    title: StrArray
    decision: BoolArray
    description: IntArray
    invite_meeting: IntArray  # instance of each invitation
    invite_person: IntArray
    invite_response: IntArray
    invite_role: IntArray

    def __len__(self) -> int:
        return len(self.start_us)

    def invite_counts(self) -> IntArray:
        """Invitations per instance (the organizer included, declines too)."""
        counts: IntArray = np.bincount(self.invite_meeting, minlength=len(self)).astype(np.int64)
        return counts


class MeetingModel:
    """Draws each local day's meeting instances: series instances, then ad hoc meetings."""

    def __init__(
        self, params: SimulationParams, org: Org, zones: Zones, staff: Staff, start_day: int
    ) -> None:
        self.p = params
        self.org = org
        self.zones = zones
        self.staff = staff
        self.start_day = start_day
        self.texts = build_meeting_texts(params)
        self.series = build_series(params, staff, self.texts, start_day)
        self.rng = np.random.default_rng([params.seed, 5, 3])

    def day(self, k: int) -> MeetingDay:
        """The instances whose local start day (the organizer's) is day ``k`` of the period."""
        recurring = self._series_instances(k)
        ad_hoc = self._ad_hoc(k)
        parts = (recurring, ad_hoc)
        shift = len(recurring)
        columns: dict[str, Any] = {"k": k}
        for name in MeetingDay.__dataclass_fields__:
            if name == "k":
                continue
            values = [getattr(part, name) for part in parts]
            if name == "invite_meeting":
                values = [values[0], values[1] + shift]
            columns[name] = np.concatenate(values)
        return MeetingDay(**columns)

    def _series_instances(self, k: int) -> MeetingDay:
        s, rng, p = self.series, self.rng, self.p
        day = self.start_day + k
        delta = day - s.first_day
        # Stand-ups (interval 1) meet every working day of the period from their first.
        periodic = (delta % s.interval == 0) & (delta // s.interval < s.count)
        on = (delta >= 0) & np.where(s.interval == 1, _weekday(day) < 5, periodic)
        index = np.flatnonzero(on).astype(np.int64)
        n = len(index)
        organizer = s.organizer[index]
        zone = self.org.person_zone[organizer]
        local = day * _DAY_US + s.local_start_s[index] * _US
        start = self.zones.utc_us(zone, local)
        cancelled = rng.random(n) < p.meeting_cancel_share
        counts = s.invites.count[index]
        flat = _expand(s.invites.offset[index], counts)
        meeting = np.repeat(np.arange(n, dtype=np.int64), counts)
        response = s.response[flat].copy()
        role = s.role[flat]
        declines = (role != CHAIR) & (rng.random(len(flat)) < p.meeting_decline_share)
        response[declines] = DECLINED
        changed = np.bincount(meeting[declines], minlength=n) > 0
        return MeetingDay(
            k=k,
            series=index,
            number=np.full(n, -1, dtype=np.int64),
            organizer=organizer,
            zone=zone,
            local_us=local,
            start_us=start,
            end_us=start + s.duration_s[index] * _US,
            booked_s=s.created_s[index],
            cancelled=cancelled,
            private=s.private[index],
            overridden=cancelled | changed,
            title=s.title[index],
            decision=s.decision[index],
            description=s.description[index],
            invite_meeting=meeting,
            invite_person=s.invites.flat[flat],
            invite_response=response,
            invite_role=role,
        )

    def _ad_hoc(self, k: int) -> MeetingDay:
        rng, p, org, staff = self.rng, self.p, self.org, self.staff
        day = self.start_day + k
        working = _weekday(day) < 5
        n = int(rng.poisson(p.ad_hoc_meetings_per_person_day * p.people)) if working else 0
        organizer = np.searchsorted(
            org.activity_cdf, rng.random(n) * org.activity_cdf[-1], side="right"
        ).astype(np.int64)
        organizer = np.minimum(organizer, p.people - 1)
        # Invitees: teammates mostly, anyone otherwise; repeats and the organizer drop out.
        size = 1 + np.minimum(rng.poisson(AD_HOC_EXTRA_ATTENDEES, n), 6)
        slots = 7
        teammates = staff.teams.sample(staff.team[organizer], rng.random((n, slots)))
        anyone = rng.integers(p.people, size=(n, slots))
        drawn = np.where(rng.random((n, slots)) < AD_HOC_TEAM_SHARE, teammates, anyone)
        drawn[:, 0] = np.where(drawn[:, 0] == organizer, (organizer + 1) % p.people, drawn[:, 0])
        drawn = np.concatenate([organizer[:, None], drawn], axis=1)
        keep = np.arange(slots + 1)[None, :] <= size[:, None]
        # Keep each person's first slot: a stable sort puts repeats right after it (slots left
        # out get distinct negative values, so they repeat nobody).
        masked = np.where(keep, drawn, -1 - np.arange(slots + 1)[None, :])
        order = np.argsort(masked, axis=1, kind="stable")
        ranked = np.take_along_axis(masked, order, axis=1)
        repeated = np.zeros_like(keep)
        repeated[:, 1:] = ranked[:, 1:] == ranked[:, :-1]
        repeat = np.zeros_like(keep)
        np.put_along_axis(repeat, order, repeated, axis=1)
        keep &= ~repeat
        counts = keep.sum(axis=1).astype(np.int64)
        meeting = np.repeat(np.arange(n, dtype=np.int64), counts)
        person = drawn[keep]
        is_organizer = (np.arange(slots + 1)[None, :] == 0).repeat(n, axis=0)[keep]
        answer = rng.random(len(person))
        response = np.where(
            answer < p.meeting_decline_share,
            DECLINED,
            np.where(
                answer < p.meeting_decline_share + 0.05,
                TENTATIVE,
                np.where(answer < p.meeting_decline_share + 0.1, NEEDS_ACTION, ACCEPTED),
            ),
        ).astype(np.int64)
        role = np.where(rng.random(len(person)) < OPTIONAL_SHARE, OPTIONAL, REQUIRED)
        response[is_organizer] = ACCEPTED
        role = np.where(is_organizer, CHAIR, role).astype(np.int64)

        zone = org.person_zone[organizer]
        slot = rng.integers(16, size=n)  # 09:00 to 16:30, on the half hour
        duration = np.array(AD_HOC_DURATIONS_S)[rng.integers(len(AD_HOC_DURATIONS_S), size=n)]
        local = day * _DAY_US + (9 * 3600 + slot * 1800) * _US
        start = self.zones.utc_us(zone, local)
        same_hour = rng.random(n) < AD_HOC_SAME_HOUR_SHARE
        lead = np.where(
            same_hour,
            rng.integers(5 * 60, 56 * 60, size=n),
            _lognormal(rng, AD_HOC_LEAD_MEDIAN_S, 1.0, n, 3600.0, 30 * _DAY_S),
        )
        title = rng.integers(len(self.texts.ad_hoc_titles), size=n)
        return MeetingDay(
            k=k,
            series=np.full(n, -1, dtype=np.int64),
            number=np.arange(n, dtype=np.int64),
            organizer=organizer,
            zone=zone,
            local_us=local,
            start_us=start,
            end_us=start + duration * _US,
            booked_s=start // _US - lead,
            cancelled=np.zeros(n, dtype=np.bool_),
            private=np.zeros(n, dtype=np.bool_),
            overridden=np.zeros(n, dtype=np.bool_),
            title=self.texts.ad_hoc_titles[title],
            decision=self.texts.ad_hoc_decision[title],
            description=_descriptions(rng, self.texts, p, n),
            invite_meeting=meeting,
            invite_person=person.astype(np.int64),
            invite_response=response,
            invite_role=role,
        )


def meeting_uid(seed: int, series: int, k: int, number: int) -> str:
    """The UID of a series, or of ad hoc meeting ``number`` of day ``k`` (see :func:`uid_sql`)."""
    if series >= 0:
        return f"sim{seed}-s{series}@{EMAIL_DOMAIN}"
    return f"sim{seed}-d{k}-{number}@{EMAIL_DOMAIN}"


def uid_sql(seed: int) -> str:
    """DuckDB SQL of :func:`meeting_uid` over columns ``series``, ``k`` and ``number``."""
    return (
        f"CASE WHEN series >= 0 THEN 'sim{seed}-s' || series::VARCHAR "
        f"ELSE 'sim{seed}-d' || k::VARCHAR || '-' || number::VARCHAR END || '@{EMAIL_DOMAIN}'"
    )


# --------------------------------------------------------------------------------------------
# Work items


@dataclass
class WorkDay:
    """The work items opened on one local day, and every event of them (flat)."""

    repo: IntArray
    number: IntArray
    kind: IntArray  # ISSUE, PULL_REQUEST or DECISION
    created_s: IntArray
    closed_s: IntArray  # -1: open
    merged_s: IntArray  # -1: not merged
    author: IntArray  # login index
    assignee: IntArray  # login index, -1 for none
    labels: IntArray  # index into LABEL_SETS
    link: IntArray  # number of the item a pull request fixes, -1 for none
    title: StrArray
    body: StrArray
    event_item: IntArray  # item (of this day) of each event
    event_kind: IntArray  # COMMENT, REVIEW, CLOSED or MERGED
    event_actor: IntArray  # login index
    event_s: IntArray
    event_id: IntArray  # a comment's or review's numeric id, -1 for state events
    event_text: StrArray  # body of a comment or review, None for state events
    event_state: IntArray  # a review's state (REVIEW_STATES), -1 otherwise

    def __len__(self) -> int:
        return len(self.repo)


@dataclass
class WorkTexts:
    """Text pools of the tracker; none holds an item reference ('#12') by accident."""

    issue_titles: StrArray
    issue_bodies: StrArray
    decision_titles: StrArray
    decision_bodies: StrArray
    pr_titles: StrArray
    pr_bodies: StrArray
    dependabot_titles: StrArray
    comments: StrArray
    reviews: StrArray
    ci_comments: StrArray


def build_work_texts(params: SimulationParams, staff: Staff) -> WorkTexts:
    """Render the tracker's text pools from the seed."""
    rng = np.random.default_rng([params.seed, 6, 1])
    login = staff.logins[int(staff.engineers[0])]

    def pool(templates: Sequence[str]) -> StrArray:
        return np.array(_pool(rng, templates, _POOL, login=login), dtype=object)

    return WorkTexts(
        issue_titles=pool(_ISSUE_TITLES),
        issue_bodies=pool(_ISSUE_BODIES),
        decision_titles=pool(_DECISION_TITLES),
        decision_bodies=pool(_DECISION_BODIES),
        pr_titles=pool(_PR_TITLES),
        pr_bodies=pool(_PR_BODIES),
        dependabot_titles=pool(("Bump {lib} from 1.{n}.0 to 1.{n}.1",)),
        comments=pool(_COMMENTS),
        reviews=pool(_REVIEWS),
        ci_comments=pool(_CI_COMMENTS),
    )


class WorkModel:
    """Draws each working day's new issues and pull requests with their whole history."""

    def __init__(
        self, params: SimulationParams, org: Org, zones: Zones, staff: Staff, start_day: int
    ) -> None:
        self.p = params
        self.org = org
        self.zones = zones
        self.staff = staff
        self.start_day = start_day
        self.texts = build_work_texts(params, staff)
        self.rng = np.random.default_rng([params.seed, 6, 2])
        self.next_number = np.zeros(len(REPOSITORIES), dtype=np.int64)
        self.next_id = 1_000_000
        # Nothing happens after the export, taken a day after the period.
        self.export_s = (start_day + params.days + 1) * _DAY_S

    def _other_engineer(self, person: IntArray) -> IntArray:
        """An engineer drawn by activity, the next one in the list where that is ``person``."""
        drawn = _draw_engineers(self.rng, self.staff, len(person))
        engineers = self.staff.engineers
        position = np.searchsorted(engineers, drawn)
        following = engineers[(position + 1) % len(engineers)]
        result: IntArray = np.where(drawn == person, following, drawn)
        return result

    def day(self, k: int) -> WorkDay:
        """The items opened on day ``k`` of the period (none at weekends)."""
        p, rng, staff = self.p, self.rng, self.staff
        day = self.start_day + k
        n = int(rng.poisson(p.work_items_per_person_day * p.people)) if _weekday(day) < 5 else 0
        repo = rng.integers(len(REPOSITORIES), size=n)
        pull = rng.random(n) < p.pull_request_share
        decision = ~pull & (rng.random(n) < DECISION_ISSUE_SHARE)
        bot = pull & (rng.random(n) < DEPENDABOT_SHARE)
        kind = np.where(pull, PULL_REQUEST, np.where(decision, DECISION, ISSUE)).astype(np.int64)
        person = _draw_engineers(rng, staff, n)
        author = np.where(bot, staff.dependabot, person)
        # Numbers in opening order, issues and pull requests sharing each repository's sequence.
        number = np.zeros(n, dtype=np.int64)
        for r in range(len(REPOSITORIES)):
            mine = np.flatnonzero(repo == r)
            number[mine] = self.next_number[r] + 1 + np.arange(len(mine))
            self.next_number[r] += len(mine)
        zone = self.org.person_zone[person]
        local = day * _DAY_US + rng.integers(9 * 3600, 17 * 3600, size=n) * _US
        created = np.where(
            bot,
            day * _DAY_S + rng.integers(_DAY_S, size=n),
            self.zones.utc_us(zone, local) // _US,
        ).astype(np.int64)

        assigned = (
            np.where(pull, rng.random(n) < PR_ASSIGNED_SHARE, rng.random(n) < ISSUE_ASSIGNED_SHARE)
            & ~bot
        )
        assignee = np.where(
            assigned, np.where(pull, person, self._other_engineer(person)), -1
        ).astype(np.int64)
        labels = np.where(
            kind == DECISION,
            _DECISION_LABELS,
            np.where(bot, _DEPENDENCY_LABELS, rng.integers(_ISSUE_LABEL_SETS, size=n)),
        )
        labels = np.where(pull & ~bot, 0, labels).astype(np.int64)
        links = pull & ~bot & (number > 1) & (rng.random(n) < PR_LINK_SHARE)
        link = np.where(links, 1 + (rng.random(n) * np.maximum(number - 1, 1)).astype(np.int64), -1)
        texts = self.texts
        pick = rng.integers(_POOL, size=(n, 2))
        title = np.where(
            kind == ISSUE,
            texts.issue_titles[pick[:, 0]],
            np.where(
                kind == DECISION,
                texts.decision_titles[pick[:, 0]],
                np.where(bot, texts.dependabot_titles[pick[:, 0]], texts.pr_titles[pick[:, 0]]),
            ),
        )
        body = np.where(
            kind == ISSUE,
            texts.issue_bodies[pick[:, 1]],
            np.where(
                kind == DECISION, texts.decision_bodies[pick[:, 1]], texts.pr_bodies[pick[:, 1]]
            ),
        ).astype(object)
        if links.any():
            fixes = np.array([f"Fixes #{x}." for x in link[links].tolist()], dtype=object)
            body[links] = np.where(body[links] == "", fixes, body[links] + "\n\n" + fixes)
        body[bot] = "Bumps the dependency. Release notes are in the changelog."

        # The first response, by another engineer: a review on most pull requests.
        responded = rng.random(n) < p.work_response_share
        responder = self._other_engineer(person)
        first_s = created + _lognormal(
            rng, p.work_response_median_s, RESPONSE_SIGMA, n, 60.0, 30 * _DAY_S
        )
        as_review = pull & (rng.random(n) < REVIEW_FIRST_SHARE)
        # Follow-ups after it, by the author or the responder.
        follow = np.where(responded, rng.poisson(FOLLOWUP_COMMENTS, n), 0)
        f_item = np.repeat(np.arange(n, dtype=np.int64), follow)
        gaps = _lognormal(rng, FOLLOWUP_GAP_MEDIAN_S, 1.0, len(f_item), 60.0, 7 * _DAY_S)
        f_s = np.repeat(first_s, follow) + _grouped_cumsum(gaps, follow)
        f_by_author = (rng.random(len(f_item)) < 0.5) & ~bot[f_item]
        f_actor = np.where(f_by_author, author[f_item], responder[f_item])
        # CI comments on people's pull requests, minutes after opening.
        ci = pull & ~bot & (rng.random(n) < CI_COMMENT_SHARE)
        c_item = np.flatnonzero(ci).astype(np.int64)
        c_s = created[c_item] + rng.integers(120, 1200, size=len(c_item))

        # Closing: after the last response; a merge for most closed pull requests.
        last = np.maximum(created, np.where(responded, first_s, created))
        if len(f_item):
            np.maximum.at(last, f_item, f_s)
        close_s = np.maximum(
            created + _lognormal(rng, p.work_close_median_s, CLOSE_SIGMA, n, 60.0, 365 * _DAY_S),
            last + 60,
        )
        closed = (rng.random(n) < p.work_close_share) & (close_s < self.export_s)
        merged = closed & pull & (rng.random(n) < MERGED_SHARE)
        closer = np.where(
            pull, np.where(responded, responder, person), np.where(assignee >= 0, assignee, author)
        )
        closer = np.where(bot & ~responded, responder, closer)

        respond_item = np.flatnonzero(responded).astype(np.int64)
        close_item = np.flatnonzero(closed).astype(np.int64)
        merge_item = np.flatnonzero(merged).astype(np.int64)
        event_item = np.concatenate([respond_item, f_item, c_item, close_item, merge_item])
        nf, nc = len(f_item), len(c_item)
        event_kind = np.concatenate(
            [
                np.where(as_review[respond_item], REVIEW, COMMENT),
                np.where(pull[f_item] & (rng.random(nf) < 0.3), REVIEW, COMMENT),
                np.full(nc, COMMENT),
                np.full(len(close_item), CLOSED),
                np.full(len(merge_item), MERGED),
            ]
        ).astype(np.int64)
        event_actor = np.concatenate(
            [
                responder[respond_item],
                f_actor,
                np.full(nc, staff.ci_bot),
                closer[close_item],
                closer[merge_item],
            ]
        ).astype(np.int64)
        event_s = np.concatenate(
            [first_s[respond_item], f_s, c_s, close_s[close_item], close_s[merge_item]]
        ).astype(np.int64)
        keep = event_s < self.export_s
        event_item, event_kind = event_item[keep], event_kind[keep]
        event_actor, event_s = event_actor[keep], event_s[keep]
        talk = np.flatnonzero(event_kind <= REVIEW)
        event_s[talk] = _unique_seconds(event_item[talk], event_actor[talk], event_s[talk])
        ne = len(event_item)
        event_id = np.full(ne, -1, dtype=np.int64)
        event_id[talk] = self.next_id + np.arange(len(talk))
        self.next_id += len(talk)
        text_pick = rng.integers(_POOL, size=ne)
        event_text = np.full(ne, None, dtype=object)
        comments = event_kind == COMMENT
        event_text[comments] = texts.comments[text_pick[comments]]
        ci_rows = comments & (event_actor == staff.ci_bot)
        event_text[ci_rows] = texts.ci_comments[text_pick[ci_rows]]
        reviews = event_kind == REVIEW
        event_text[reviews] = texts.reviews[text_pick[reviews]]
        event_state = np.where(reviews, rng.integers(len(REVIEW_STATES), size=ne), -1)
        return WorkDay(
            repo=repo.astype(np.int64),
            number=number,
            kind=kind,
            created_s=created,
            closed_s=np.where(closed, close_s, -1).astype(np.int64),
            merged_s=np.where(merged, close_s, -1).astype(np.int64),
            author=author.astype(np.int64),
            assignee=assignee,
            labels=labels,
            link=link.astype(np.int64),
            title=title.astype(object),
            body=body,
            event_item=event_item,
            event_kind=event_kind,
            event_actor=event_actor,
            event_s=event_s,
            event_id=event_id,
            event_text=event_text,
            event_state=event_state.astype(np.int64),
        )


def _grouped_cumsum(values: IntArray, counts: IntArray) -> IntArray:
    """Running sums of ``values`` restarting at each group of ``counts`` consecutive entries."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    total = np.cumsum(values)
    before = np.concatenate([[0], total])[_group_starts(counts)]
    result: IntArray = total - np.repeat(before, counts)
    return result


def _unique_seconds(item: IntArray, actor: IntArray, seconds: IntArray) -> IntArray:
    """Nudge times by a second until (item, actor, second) is unique: reviews are keyed by it."""
    seconds = seconds.copy()
    while True:
        order = np.lexsort((np.arange(len(seconds)), seconds, actor, item))
        a, b = order[:-1], order[1:]
        same = (item[a] == item[b]) & (actor[a] == actor[b]) & (seconds[a] == seconds[b])
        if not same.any():
            return seconds
        seconds[b[same]] += 1


# --------------------------------------------------------------------------------------------
# The models of one run


@dataclass
class Evidence:
    """The calendar and tracker models of a run, where its parameters ask for them."""

    staff: Staff
    meetings: MeetingModel | None
    work: WorkModel | None


def build_evidence(params: SimulationParams, org: Org, zones: Zones, start_day: int) -> Evidence:
    """Draw teams, series and the day-by-day models of the meetings and work items asked for."""
    staff = build_staff(params, org)
    return Evidence(
        staff=staff,
        meetings=MeetingModel(params, org, zones, staff, start_day) if params.meetings else None,
        work=WorkModel(params, org, zones, staff, start_day) if params.work_items else None,
    )


# --------------------------------------------------------------------------------------------
# Writing the calendar


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1; every text here is ASCII)."""
    if len(line) <= 75:
        return line + "\r\n"
    parts = [line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)]
    return "\r\n ".join(parts) + "\r\n"


def _local_stamp(local_us: int) -> str:
    return (datetime(1970, 1, 1) + timedelta(microseconds=local_us)).strftime("%Y%m%dT%H%M%S")


def _utc_stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y%m%dT%H%M%SZ")


class CalendarWriter:
    """Writes the calendar as one VCALENDAR: series first, then overrides and ad hoc meetings."""

    def __init__(self, path: Path, run_model: MeetingModel, seed: int, export_s: int) -> None:
        self.model = run_model
        self.seed = seed
        self.zone_names = run_model.org.zone_names
        self.staff = run_model.staff
        self.stamp = _utc_stamp(export_s)
        self.events = 0
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.handle.write(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//asyncmaturity//simulate//EN\r\n"
            "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
        )
        self._write_series()

    def _invites(self, people: list[int], responses: list[int], roles: list[int]) -> list[str]:
        staff = self.staff
        lines = [_fold(f'ORGANIZER;CN="{staff.names[people[0]]}":mailto:{staff.emails[people[0]]}')]
        for person, response, role in zip(people, responses, roles, strict=True):
            lines.append(
                _fold(
                    f'ATTENDEE;CN="{staff.names[person]}";CUTYPE=INDIVIDUAL;'
                    f"ROLE={ICS_ROLE[role]};PARTSTAT={PARTSTAT[response]};RSVP=FALSE:"
                    f"mailto:{staff.emails[person]}"
                )
            )
        return lines

    def _event(
        self,
        uid: str,
        *,
        zone: str,
        local_us: int,
        duration_s: int,
        created_s: int,
        title: str,
        description: int,
        private: bool,
        cancelled: bool,
        invites: list[str],
        rule: str | None = None,
        override: bool = False,
    ) -> str:
        start = _local_stamp(local_us)
        lines = ["BEGIN:VEVENT\r\n", _fold(f"UID:{uid}"), f"DTSTAMP:{self.stamp}\r\n"]
        if override:
            lines.append(f"RECURRENCE-ID;TZID={zone}:{start}\r\n")
        else:
            lines.append(f"CREATED:{_utc_stamp(created_s)}\r\n")
        lines.append(f"DTSTART;TZID={zone}:{start}\r\n")
        lines.append(f"DTEND;TZID={zone}:{_local_stamp(local_us + duration_s * _US)}\r\n")
        if rule is not None:
            lines.append(f"RRULE:{rule}\r\n")
        lines.append(_fold(f"SUMMARY:{_ics_escape(title)}"))
        text = self.model.texts.descriptions[description]
        lines.append(_fold(f"DESCRIPTION:{_ics_escape(text)}"))
        if private:
            lines.append("CLASS:PRIVATE\r\n")
        lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}\r\n")
        lines.append(f"SEQUENCE:{1 if override else 0}\r\n")
        lines += invites
        lines.append("END:VEVENT\r\n")
        self.events += 1
        return "".join(lines)

    def _write_series(self) -> None:
        s = self.model.series
        zones = self.model.org.person_zone
        for i in range(len(s)):
            organizer = int(s.organizer[i])
            start, end = int(s.invites.offset[i]), int(s.invites.offset[i] + s.invites.count[i])
            interval, count = int(s.interval[i]), int(s.count[i])
            if interval == 1:
                rule = f"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT={count}"
            else:
                rule = f"FREQ=WEEKLY;INTERVAL={interval // 7};COUNT={count}"
            self.handle.write(
                self._event(
                    meeting_uid(self.seed, i, 0, 0),
                    zone=self.zone_names[int(zones[organizer])],
                    local_us=int(s.first_day[i]) * _DAY_US + int(s.local_start_s[i]) * _US,
                    duration_s=int(s.duration_s[i]),
                    created_s=int(s.created_s[i]),
                    title=str(s.title[i]),
                    description=int(s.description[i]),
                    private=bool(s.private[i]),
                    cancelled=False,
                    invites=self._invites(
                        s.invites.flat[start:end].tolist(),
                        s.response[start:end].tolist(),
                        s.role[start:end].tolist(),
                    ),
                    rule=rule,
                )
            )

    def write_day(self, day: MeetingDay) -> None:
        """Write the day's overridden series instances and its ad hoc meetings."""
        counts = day.invite_counts()
        starts = _group_starts(counts)
        for i in np.flatnonzero(day.overridden | (day.series < 0)).tolist():
            start, end = int(starts[i]), int(starts[i] + counts[i])
            series = int(day.series[i])
            self.handle.write(
                self._event(
                    meeting_uid(self.seed, series, day.k, int(day.number[i])),
                    zone=self.zone_names[int(day.zone[i])],
                    local_us=int(day.local_us[i]),
                    duration_s=int((day.end_us[i] - day.start_us[i]) // _US),
                    created_s=int(day.booked_s[i]),
                    title=str(day.title[i]),
                    description=int(day.description[i]),
                    private=bool(day.private[i]),
                    cancelled=bool(day.cancelled[i]),
                    invites=self._invites(
                        day.invite_person[start:end].tolist(),
                        day.invite_response[start:end].tolist(),
                        day.invite_role[start:end].tolist(),
                    ),
                    override=series >= 0,
                )
            )

    def close(self) -> None:
        """End the VCALENDAR and close the file."""
        self.handle.write("END:VCALENDAR\r\n")
        self.handle.close()


# --------------------------------------------------------------------------------------------
# Writing the tracker


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GitHubWriter:
    """Writes the tracker as GitHub REST JSON arrays, one file per record kind."""

    def __init__(self, folder: Path, staff: Staff) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.staff = staff
        self.files: dict[str, IO[str]] = {
            name: (folder / name).open("w", encoding="utf-8") for name in GITHUB_FILES
        }
        self.written: dict[str, int] = dict.fromkeys(GITHUB_FILES, 0)
        self.next_item_id = 5_000_000
        for handle in self.files.values():
            handle.write("[")

    def _user(self, login_index: int) -> dict[str, Any] | None:
        if login_index < 0:
            return None
        bot = login_index >= self.staff.people
        return {
            "login": self.staff.logins[login_index],
            "id": 7_000_000 + login_index,
            "type": "Bot" if bot else "User",
            "site_admin": False,
        }

    def _add(self, name: str, record: dict[str, Any]) -> None:
        handle = self.files[name]
        handle.write(("\n" if self.written[name] == 0 else ",\n") + json.dumps(record))
        self.written[name] += 1

    def write_day(self, day: WorkDay) -> None:
        """Write the day's items and all their events."""
        updated = day.created_s.copy()
        if len(day.event_item):
            np.maximum.at(updated, day.event_item, day.event_s)
        comments = np.bincount(day.event_item[day.event_kind == COMMENT], minlength=len(day))
        api = "https://api.github.com/repos"
        for i in range(len(day)):
            repo, number = REPOSITORIES[int(day.repo[i])], int(day.number[i])
            pull = int(day.kind[i]) == PULL_REQUEST
            closed, merged = int(day.closed_s[i]), int(day.merged_s[i])
            assignee = self._user(int(day.assignee[i]))
            record: dict[str, Any] = {
                "url": f"{api}/{repo}/{'pulls' if pull else 'issues'}/{number}",
                "repository_url": f"{api}/{repo}",
                "html_url": f"https://github.com/{repo}/{'pull' if pull else 'issues'}/{number}",
                "id": self.next_item_id,
                "number": number,
                "title": str(day.title[i]),
                "user": self._user(int(day.author[i])),
                "labels": [{"name": label} for label in LABEL_SETS[int(day.labels[i])]],
                "state": "closed" if closed >= 0 else "open",
                "assignee": assignee,
                "assignees": [assignee] if assignee else [],
                "comments": int(comments[i]),
                "created_at": _iso(int(day.created_s[i])),
                "updated_at": _iso(int(updated[i])),
                "closed_at": _iso(closed) if closed >= 0 else None,
                "author_association": "MEMBER",
                "body": str(day.body[i]),
            }
            self.next_item_id += 1
            if pull:
                record["merged_at"] = _iso(merged) if merged >= 0 else None
                record["draft"] = False
                record["head"] = {"ref": f"change-{number}"}
                record["base"] = {"ref": "main"}
            self._add("pulls.json" if pull else "issues.json", record)
        for e in range(len(day.event_item)):
            i = int(day.event_item[e])
            repo, number = REPOSITORIES[int(day.repo[i])], int(day.number[i])
            pull = int(day.kind[i]) == PULL_REQUEST
            kind, when = int(day.event_kind[e]), _iso(int(day.event_s[e]))
            actor = self._user(int(day.event_actor[e]))
            native = int(day.event_id[e])
            page = f"https://github.com/{repo}/{'pull' if pull else 'issues'}/{number}"
            if kind == COMMENT:
                self._add(
                    "comments.json",
                    {
                        "url": f"{api}/{repo}/issues/comments/{native}",
                        "html_url": f"{page}#issuecomment-{native}",
                        "issue_url": f"{api}/{repo}/issues/{number}",
                        "id": native,
                        "user": actor,
                        "created_at": when,
                        "updated_at": when,
                        "author_association": "MEMBER",
                        "body": str(day.event_text[e]),
                    },
                )
            elif kind == REVIEW:
                self._add(
                    "reviews.json",
                    {
                        "id": native,
                        "user": actor,
                        "body": str(day.event_text[e]),
                        "state": REVIEW_STATES[int(day.event_state[e])],
                        "html_url": f"{page}#pullrequestreview-{native}",
                        "pull_request_url": f"{api}/{repo}/pulls/{number}",
                        "submitted_at": when,
                    },
                )
            else:
                self._add(
                    "events.json",
                    {
                        "id": self.next_item_id,
                        "actor": actor,
                        "event": "closed" if kind == CLOSED else "merged",
                        "created_at": when,
                        "issue": {
                            "url": f"{api}/{repo}/issues/{number}",
                            "html_url": page,
                            "number": number,
                        },
                    },
                )
                self.next_item_id += 1

    def close(self) -> None:
        """End every array and close the files."""
        for handle in self.files.values():
            handle.write("\n]\n")
            handle.close()


# --------------------------------------------------------------------------------------------
# Export files


@dataclass
class EvidenceExportSummary:
    """What :func:`simulate_export` wrote, and the paths to ingest, in order."""

    out_dir: Path
    chat: SimulationSummary
    ingest_paths: list[Path]
    meetings: int = 0  # meeting instances, cancelled ones included
    work_items: int = 0
    work_events: int = 0
    files: dict[str, int] = field(default_factory=dict)  # GitHub records per file


def simulate_export(
    out_dir: Path,
    params: SimulationParams,
    progress: Callable[[int, int], None] | None = None,
) -> EvidenceExportSummary:
    """Write the exports of a simulated organization to ``out_dir``: chat, calendar, tracker.

    Without meetings and work items this is :func:`asyncmaturity.simulate.chat.simulate_slack_export`
    (the Slack export in ``out_dir`` itself). With either, the Slack export goes to
    ``out_dir/slack``, the calendar to ``out_dir/calendar.ics`` and the work items to
    ``out_dir/github/``; ``ingest_paths`` lists what to give ``asyncmaturity ingest``.

    Parameters:
        out_dir: a missing or empty folder (``ValueError`` otherwise).
        params: the simulation's parameters.
        progress: called as ``progress(done_days, total_days)`` after each local day.
    """
    out_dir = Path(out_dir)
    check_output_folder(out_dir)
    run = chat_run(params)
    if not (params.meetings or params.work_items):
        chat = write_slack_export(
            run, out_dir, (lambda k: progress(k + 1, params.days)) if progress else None
        )
        return EvidenceExportSummary(out_dir=out_dir, chat=chat, ingest_paths=[out_dir])
    evidence = build_evidence(params, run.org, run.zones, run.start_day)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / SLACK_FOLDER]
    export_s = (run.start_day + params.days + 1) * _DAY_S
    calendar = None
    if evidence.meetings is not None:
        calendar = CalendarWriter(out_dir / CALENDAR_FILE, evidence.meetings, params.seed, export_s)
        paths.append(out_dir / CALENDAR_FILE)
    github = None
    if evidence.work is not None:
        github = GitHubWriter(out_dir / GITHUB_FOLDER, evidence.staff)
        paths.append(out_dir / GITHUB_FOLDER)
    summary = EvidenceExportSummary(
        out_dir=out_dir, chat=SimulationSummary(out_dir, 0, 0, 0, 0), ingest_paths=paths
    )

    def on_day(k: int) -> None:
        if calendar is not None and evidence.meetings is not None:
            day = evidence.meetings.day(k)
            calendar.write_day(day)
            summary.meetings += len(day)
        if github is not None and evidence.work is not None:
            work = evidence.work.day(k)
            github.write_day(work)
            summary.work_items += len(work)
            summary.work_events += len(work.event_item)
        if progress is not None:
            progress(k + 1, params.days)

    summary.chat = write_slack_export(run, out_dir / SLACK_FOLDER, on_day)
    if calendar is not None:
        calendar.close()
    if github is not None:
        github.close()
        summary.files = dict(github.written)
        if not summary.work_items:
            # Empty arrays are no export any source recognises: a run without items has none.
            shutil.rmtree(out_dir / GITHUB_FOLDER)
            paths.remove(out_dir / GITHUB_FOLDER)
    return summary


def ingest_command(paths: Sequence[Path], store: str = "STORE") -> str:
    """The ``asyncmaturity ingest`` command line that reads ``paths`` into ``store``."""
    return "asyncmaturity ingest " + " ".join(str(p) for p in paths) + f" --store {store}"
