"""The calendar engine: a simulated organization's meetings, one local day at a time.

With ``SimulationParams.meetings`` on, the organization of
:mod:`asyncmaturity.simulate.organization` also keeps a calendar, drawn from random streams of its
own so that the chat is the same with or without it. Each team meets weekly;
``standup_team_share`` of the teams also hold a 15-minute stand-up every working day; each manager
has a weekly or fortnightly 1:1 with each report (some private); the leads of every five teams
meet fortnightly in a review board. These series are booked weeks ahead. Ad hoc meetings
(``ad_hoc_meetings_per_person_day``) are booked from minutes (``ad_hoc_same_hour_share``) to days
ahead, some titled as kick-offs, approvals or decisions, and their invitation is written then.
Times are the organizer's working hours on their own clock (recurrences keep their local time
across clock changes), and every meeting starts before the period ends. Invitations carry an
agenda (``agenda_share``), a notes or recording link (``notes_share``) and a video call's join
details; with ``agenda_lead_median_s`` set, a series' agendas are its instances' own, each written
ahead of its instance (every instance then overrides its series). ``meeting_cancel_share`` of
recurring instances are cancelled and ``meeting_decline_share`` of invitations declined instance
by instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from asyncmaturity.simulate.arrays import (
    BoolArray,
    Csr,
    IntArray,
    StrArray,
    draw_weighted,
    lognormal,
)
from asyncmaturity.simulate.clock import DAY_S, DAY_US, US, weekday
from asyncmaturity.simulate.organization import EMAIL_DOMAIN, Org, Staff, Zones
from asyncmaturity.simulate.params import WORK_END_S, WORK_START_S, SimulationParams
from asyncmaturity.simulate.texts import POOL_SIZE, TOPICS, render_pool
from asyncmaturity.sources.ical import DECISION_MEETING, has_agenda, has_notes_link
from asyncmaturity.vocabulary import AttendanceRole, MeetingResponse

# Calendar shape (see SimulationParams for the tunable parts).
PRIVATE_ONE_ON_ONE_SHARE = 0.15
TEAM_GUEST_SHARE = 0.3
TEAMS_PER_REVIEW = 5
REVIEW_MEMBERS_PER_TEAM = 2
SLOTS_S = (9 * 3600 + 1800, 10 * 3600, 11 * 3600, 14 * 3600, 15 * 3600, 16 * 3600)
TEAM_DURATIONS_S = (1800, 2700, 3600)
AD_HOC_DURATIONS_S = (900, 1800, 1800, 2700, 3600)
AD_HOC_TEAM_SHARE = 0.6
AD_HOC_EXTRA_ATTENDEES = 1.5  # an ad hoc meeting invites 1 + Poisson(1.5) people, at most 7
AD_HOC_LEAD_MEDIAN_S = 2 * DAY_S
AGENDA_LEAD_SIGMA = 0.5
# An occurrence's agenda is written at least this long before it starts, and at most six days
# before: series are booked a week or more before the period, so the edit follows the booking.
AGENDA_LEAD_MIN_S = 900.0
AGENDA_LEAD_MAX_S = 6 * DAY_S
# Series-level answers of invitees: accepted, tentative, needs-action (declines are per instance).
SERIES_ANSWERS = (0.9, 0.05, 0.05)
OPTIONAL_SHARE = 0.1
ACCEPTED, TENTATIVE, DECLINED, NEEDS_ACTION = 0, 1, 2, 3
REQUIRED, OPTIONAL, CHAIR = 0, 1, 2
# The codes' names in iCalendar (PARTSTAT, ICS_ROLE) and in the store (RESPONSE, ROLE).
PARTSTAT = ("ACCEPTED", "TENTATIVE", "DECLINED", "NEEDS-ACTION")
RESPONSE = tuple(MeetingResponse)
ICS_ROLE = ("REQ-PARTICIPANT", "OPT-PARTICIPANT", "CHAIR")
ROLE = (AttendanceRole.REQUIRED, AttendanceRole.OPTIONAL, AttendanceRole.REQUIRED)


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
            joins = render_pool(rng, (_JOIN,), POOL_SIZE)
            agendas = render_pool(rng, _AGENDAS, POOL_SIZE) if agenda else [""] * POOL_SIZE
            links = render_pool(rng, _NOTES, POOL_SIZE) if notes else [""] * POOL_SIZE
            for parts in zip(agendas, links, joins, strict=True):
                descriptions.append("\n\n".join(p for p in parts if p))
            by_kind[(agenda, notes)] = np.arange(start, len(descriptions), dtype=np.int64)
    titles = render_pool(rng, _AD_HOC_TITLES, POOL_SIZE)
    return MeetingTexts(
        descriptions=descriptions,
        agenda=np.array([has_agenda(d, []) for d in descriptions], dtype=np.bool_),
        notes=np.array([has_notes_link(d, []) for d in descriptions], dtype=np.bool_),
        by_kind=by_kind,
        ad_hoc_titles=np.array(titles, dtype=object),
        ad_hoc_decision=np.array([DECISION_MEETING.search(t) is not None for t in titles]),
    )


def _descriptions(
    rng: np.random.Generator, texts: MeetingTexts, agenda: BoolArray, notes: BoolArray
) -> IntArray:
    """Descriptions of invitations that carry an agenda and a notes link where the flags say."""
    n = len(agenda)
    pick = rng.integers(POOL_SIZE, size=n)
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
    notes: BoolArray  # the series links notes or a recording
    description: IntArray
    invites: Csr  # invited people per series, the organizer first
    response: IntArray  # aligned with invites.flat
    role: IntArray  # aligned with invites.flat

    def __len__(self) -> int:
        return len(self.organizer)


def _first_on(start_day: int, day_of_week: IntArray) -> IntArray:
    """The first day on or after ``start_day`` that falls on each weekday (Monday 0)."""
    result: IntArray = start_day + (day_of_week - weekday(start_day)) % 7
    return result


def build_series(
    params: SimulationParams, org: Org, staff: Staff, texts: MeetingTexts, start_day: int
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
            weekend = weekday(start_day) > 4
            first = int(_first_on(start_day, np.array([0]))[0]) if weekend else start_day
            slot = SLOTS_S[int(rng.integers(2))]
        else:
            day_of_week = int(rng.integers(5))
            first = int(_first_on(start_day, np.array([day_of_week]))[0])
            first += 7 * int(rng.integers(weekly_every))
            slot = SLOTS_S[int(rng.integers(len(SLOTS_S)))]
        # A meeting ends by 17:00 on its organizer's clock.
        slot = min(slot, WORK_END_S - duration_s)
        answers = rng.choice(3, size=len(invitees), p=SERIES_ANSWERS)
        rows.append(
            {
                "organizer": organizer,
                "first_day": first,
                "interval": 7 * weekly_every if weekly_every else 1,
                "local_start_s": slot,
                "duration_s": duration_s,
                "created_s": (start_day - int(rng.integers(7, 120))) * DAY_S
                + int(rng.integers(8 * 3600, 18 * 3600)),
                "private": private,
                "title": title,
                "people": [organizer, *invitees],
                "responses": [ACCEPTED, *(int(a) if a < 2 else NEEDS_ACTION for a in answers)],
                "roles": [CHAIR, *roles],
            }
        )

    first_names = [name.split()[0] for name in org.real_names]
    n_teams = len(staff.teams.count)
    for t in range(n_teams):
        members = staff.teams.row(t)
        manager, reports = members[0], members[1:]
        topic = TOPICS[t % len(TOPICS)].capitalize()
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
        if rng.random() < params.standup_team_share:
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
                title=f"{first_names[manager]} / {first_names[report]} 1:1",
                private=bool(rng.random() < PRIVATE_ONE_ON_ONE_SHARE),
            )
    for group in range(0, n_teams if n_teams > 1 else 0, TEAMS_PER_REVIEW):
        leads: list[int] = []
        invited: list[int] = []
        for t in range(group, min(group + TEAMS_PER_REVIEW, n_teams)):
            members = staff.teams.row(t)
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
    agenda = rng.random(len(kept)) < params.agenda_share
    notes = rng.random(len(kept)) < params.notes_share
    if params.agenda_lead_median_s is not None:
        agenda[:] = False  # the instances carry the agendas
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
        notes=notes,
        description=_descriptions(rng, texts, agenda, notes),
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
    first_weekday = weekday(first_day)
    extra = np.zeros(len(first_day), dtype=np.int64)
    for offset in range(6):
        extra += (offset < rest) & ((first_weekday + offset) % 7 < 5)
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
    # The invitation's last edit: an ad hoc meeting's booking, an override's own agenda; -1 when
    # the calendar does not say (an override that only cancels or records declines).
    modified_s: IntArray
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
        self.series = build_series(params, org, staff, self.texts, start_day)
        self.rng = np.random.default_rng([params.seed, 5, 3])
        # Occurrences' own agendas draw from a stream of their own: the rest of the calendar is
        # the same with them or without.
        self.occurrence_rng = np.random.default_rng([params.seed, 5, 4])

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
        day = self.start_day + k
        s, rng, p = self.series, self.rng, self.p.in_force(day)
        delta = day - s.first_day
        # Stand-ups (interval 1) meet every working day of the period from their first.
        periodic = (delta % s.interval == 0) & (delta // s.interval < s.count)
        on = (delta >= 0) & np.where(s.interval == 1, weekday(day) < 5, periodic)
        index = np.flatnonzero(on).astype(np.int64)
        n = len(index)
        organizer = s.organizer[index]
        zone = self.org.person_zone[organizer]
        local = day * DAY_US + s.local_start_s[index] * US
        start = self.zones.utc_us(zone, local)
        cancelled = rng.random(n) < p.meeting_cancel_share
        counts = s.invites.count[index]
        flat = s.invites.positions(index)
        meeting = np.repeat(np.arange(n, dtype=np.int64), counts)
        response = s.response[flat].copy()
        role = s.role[flat]
        declines = (role != CHAIR) & (rng.random(len(flat)) < p.meeting_decline_share)
        response[declines] = DECLINED
        changed = np.bincount(meeting[declines], minlength=n) > 0
        overridden = cancelled | changed
        description = s.description[index]
        modified = np.full(n, -1, dtype=np.int64)
        if p.agenda_lead_median_s is not None:
            description, modified = self._occurrence_agendas(
                index, start, p.agenda_lead_median_s, p.agenda_share
            )
            overridden[:] = True
        return MeetingDay(
            k=k,
            series=index,
            number=np.full(n, -1, dtype=np.int64),
            organizer=organizer,
            zone=zone,
            local_us=local,
            start_us=start,
            end_us=start + s.duration_s[index] * US,
            booked_s=s.created_s[index],
            cancelled=cancelled,
            private=s.private[index],
            overridden=overridden,
            title=s.title[index],
            decision=s.decision[index],
            description=description,
            modified_s=modified,
            invite_meeting=meeting,
            invite_person=s.invites.flat[flat],
            invite_response=response,
            invite_role=role,
        )

    def _occurrence_agendas(
        self, index: IntArray, start_us: IntArray, lead_median_s: float, agenda_share: float
    ) -> tuple[IntArray, IntArray]:
        """Each instance's own description (its series' notes link kept) and when it was written."""
        rng = self.occurrence_rng
        agenda = rng.random(len(index)) < agenda_share
        description = _descriptions(rng, self.texts, agenda, self.series.notes[index])
        lead = lognormal(
            rng, lead_median_s, AGENDA_LEAD_SIGMA, len(index), AGENDA_LEAD_MIN_S, AGENDA_LEAD_MAX_S
        )
        modified: IntArray = (start_us // US - lead.astype(np.int64)).astype(np.int64)
        return description, modified

    def _ad_hoc(self, k: int) -> MeetingDay:
        day = self.start_day + k
        rng, p, org, staff = self.rng, self.p.in_force(day), self.org, self.staff
        working = weekday(day) < 5
        n = int(rng.poisson(p.ad_hoc_meetings_per_person_day * p.people)) if working else 0
        organizer = draw_weighted(rng, org.activity_cdf, n)
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
        local = day * DAY_US + (WORK_START_S + slot * 1800) * US
        start = self.zones.utc_us(zone, local)
        same_hour = rng.random(n) < p.ad_hoc_same_hour_share
        lead = np.where(
            same_hour,
            rng.integers(5 * 60, 56 * 60, size=n),
            lognormal(rng, AD_HOC_LEAD_MEDIAN_S, 1.0, n, 3600.0, 30 * DAY_S).astype(np.int64),
        )
        title = rng.integers(len(self.texts.ad_hoc_titles), size=n)
        booked = start // US - lead
        return MeetingDay(
            k=k,
            series=np.full(n, -1, dtype=np.int64),
            number=np.arange(n, dtype=np.int64),
            organizer=organizer,
            zone=zone,
            local_us=local,
            start_us=start,
            end_us=start + duration * US,
            booked_s=booked,
            cancelled=np.zeros(n, dtype=np.bool_),
            private=np.zeros(n, dtype=np.bool_),
            overridden=np.zeros(n, dtype=np.bool_),
            title=self.texts.ad_hoc_titles[title],
            decision=self.texts.ad_hoc_decision[title],
            description=_descriptions(
                rng, self.texts, rng.random(n) < p.agenda_share, rng.random(n) < p.notes_share
            ),
            # Written once, when booked: its agenda (if any) was there from then.
            modified_s=booked,
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
