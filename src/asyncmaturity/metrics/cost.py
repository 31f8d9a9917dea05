"""What coordination costs per person-week, with every assumption stated and configurable.

Three components, each in hours per active person per week:

- meetings: attended meeting hours (the ``meetings.hours_per_person_week`` metric: overlaps
  merged, declined invitations left out);
- interruptions: messages that land in focus blocks, times a refocus cost (default 23 minutes,
  the interruption-recovery figure the seeds cite). An interruption is a DM or group-DM message
  (one per other participant of the conversation), a mention (one per mention), or an @here or
  @channel message (one per other active member of the channel), sent inside a focus block;
- waiting: working hours that requests (thread roots asking a question) wait for their first
  answer, capped, times the share of waiting that blocks work.

Interruptions and waiting are divided by the active person-weeks: the (person, ISO week) pairs in
which the person sent a human message. A long archive whose people come and go is then not
divided by every week of everyone it ever saw.

The roadmap's projected savings apply each practice's assumed fraction to one component.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asyncmaturity.charter import Charter, FocusBlock
from asyncmaturity.errors import InvalidFramework
from asyncmaturity.metrics.business import in_daily_spans
from asyncmaturity.metrics.frameset import Frames
from asyncmaturity.vocabulary import ConversationKind
from asyncmaturity.yamlfile import read_yaml

DEFAULT_FOCUS = FocusBlock()


class CostAssumptions(BaseModel):
    """The knobs of the cost estimate; each default is stated in the report next to the figure."""

    model_config = ConfigDict(extra="forbid")
    refocus_minutes: float = Field(
        23.0, gt=0, description="Minutes lost to refocus after one interruption."
    )
    group_dm_recipients: int = Field(
        2,
        ge=1,
        description="People a group-DM message interrupts (exports do not list a group DM's "
        "members).",
    )
    waiting_cap_hours: float = Field(
        8.0,
        gt=0,
        description="Working hours after which a waiting request stops adding cost (people move "
        "on); unanswered requests count this much.",
    )
    waiting_blocking_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Share of waiting time that blocks the asker's work (the rest is spent on "
        "other work).",
    )
    hourly_cost: float | None = Field(
        None, gt=0, description="Cost of one working hour; turns hours into money when given."
    )
    currency: str = Field("EUR", description="Currency of hourly_cost.")
    action_savings: dict[str, float] = Field(
        default_factory=dict,
        description="Per practice id, a saving fraction that overrides the catalogue's.",
    )


def load_assumptions(path: Path | None, **overrides: Any) -> CostAssumptions:
    """Read assumptions from YAML (optional) and apply non-None keyword overrides."""
    raw: dict[str, Any] = {}
    if path is not None:
        loaded = read_yaml(path, InvalidFramework)
        raw = dict(loaded or {})
    raw.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return CostAssumptions.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidFramework(
            f"{path or 'assumptions'}: field {where}: {first['msg'].removeprefix('Value error, ')}"
        ) from None


@dataclass(frozen=True)
class CostComponent:
    """One component: hours per person-week (None without evidence) and how it was computed."""

    id: str
    label: str
    hours_per_person_week: float | None
    basis: str
    events: int | None = None


@dataclass(frozen=True)
class CoordinationCost:
    """The estimate, its components and the assumptions it rests on."""

    components: list[CostComponent]
    people: int
    weeks: float
    assumptions: CostAssumptions
    assumed: list[str] = field(default_factory=list)
    person_weeks: int = 0  # active person-weeks: (person, week) pairs with a human message

    @property
    def total_hours_per_person_week(self) -> float | None:
        """Sum of the components that have evidence (None when none has)."""
        known = [
            c.hours_per_person_week for c in self.components if c.hours_per_person_week is not None
        ]
        return sum(known) if known else None

    def component(self, component_id: str) -> CostComponent:
        """One component by id (meetings, interruptions, waiting)."""
        return next(c for c in self.components if c.id == component_id)

    def money(self, hours: float | None) -> float | None:
        """Hours times the hourly cost, when one is given."""
        if hours is None or self.assumptions.hourly_cost is None:
            return None
        return hours * self.assumptions.hourly_cost

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form (part of the assessment JSON)."""
        return {
            "people": self.people,
            "weeks": self.weeks,
            "person_weeks": self.person_weeks,
            "total_hours_per_person_week": self.total_hours_per_person_week,
            "total_money_per_person_week": self.money(self.total_hours_per_person_week),
            "components": [
                {
                    "id": c.id,
                    "label": c.label,
                    "hours_per_person_week": c.hours_per_person_week,
                    "money_per_person_week": self.money(c.hours_per_person_week),
                    "events": c.events,
                    "basis": c.basis,
                }
                for c in self.components
            ],
            "assumptions": self.assumptions.model_dump(),
            "assumed": self.assumed,
        }


def period_weeks(
    first: datetime | None, last: datetime | None, since: datetime | None, until: datetime | None
) -> float:
    """Length of the period in weeks: [since, until) when given, else first to last day inclusive."""
    start = since or (datetime(first.year, first.month, first.day) if first is not None else None)
    end = until or (
        datetime(last.year, last.month, last.day) + timedelta(days=1) if last is not None else None
    )
    if start is None or end is None:
        return 0.0
    days = max((end - start).total_seconds() / 86400, 1.0)
    return days / 7


def coordination_cost(
    frames: Frames,
    metrics: dict[str, float | int | None],
    assumptions: CostAssumptions,
    *,
    weeks: float,
    direct_messages_seen: bool | None = None,
) -> CoordinationCost:
    """Estimate the three components from the frames and the measured metrics.

    `direct_messages_seen` is False when no export shows direct or group messages: their
    interruptions cannot be counted, and the estimate says so.
    """
    charter: Charter = frames.charter
    people = int(metrics.get("people.active") or 0)
    person_weeks = active_person_weeks(frames)
    assumed: list[str] = []
    if direct_messages_seen is False:
        assumed.append(
            "No export shows direct or group messages: interruptions by them are not counted."
        )
    spans = charter.focus_spans()
    if not spans:
        spans = Charter(focus_blocks=[DEFAULT_FOCUS]).focus_spans()
        assumed.append(
            "No focus blocks in the charter: assumed 09:00-11:00 on Monday to Friday (two "
            "morning hours daily, the Asynchronous Communication Framework's focus-time rule)."
        )
    assumed.append(
        "Focus blocks are read on the sender's clock; for people in other time zones this is an "
        "approximation of the recipient's."
    )

    meeting_hours = metrics.get("meetings.hours_per_person_week")
    meetings = CostComponent(
        "meetings",
        "Meetings",
        float(meeting_hours) if meeting_hours is not None else None,
        "Attended meeting hours per person-week, overlaps merged (meetings.hours_per_person_week)."
        if meeting_hours is not None
        else "No calendar evidence in the store.",
    )

    human = frames.human
    in_focus = in_daily_spans(human.local_s, list(spans))
    channel_people = (
        human.filter(human.channel.notnull())
        .group_by("channel")
        .aggregate(members=human.author_id.nunique())
    )
    focus_rows = human.filter(in_focus)
    members = channel_people.rename(c_channel="channel")
    joined = focus_rows.left_join(members, focus_rows.channel == members.c_channel)
    count = (
        joined.aggregate(
            dms=(joined.conversation_kind == ConversationKind.DM).cast("int64").sum(),
            group_dms=(joined.conversation_kind == ConversationKind.GROUP_DM).cast("int64").sum(),
            mentions=joined.mentions.coalesce(0).sum(),
            broadcasts=(
                joined.broadcast.cast("int64") * (joined.members.coalesce(1) - 1).clip(lower=0)
            ).sum(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    assumed.append(
        f"A group-DM message interrupts {assumptions.group_dm_recipients} people (exports do not "
        "list members)."
    )
    interruptions = (
        (count["dms"] or 0)
        + (count["group_dms"] or 0) * assumptions.group_dm_recipients
        + (count["mentions"] or 0)
        + (count["broadcasts"] or 0)
    )
    interruption_hours = (
        interruptions * assumptions.refocus_minutes / 60 / person_weeks if person_weeks else None
    )
    interrupt = CostComponent(
        "interruptions",
        "Interruptions in focus time",
        interruption_hours if metrics.get("messages.human") else None,
        f"{interruptions:,} interruptions inside focus blocks x {assumptions.refocus_minutes:g} "
        "min to refocus, per active person-week.",
        events=interruptions,
    )

    roots = frames.roots
    cap_s = assumptions.waiting_cap_hours * 3600
    requests = roots.filter(roots.is_question)
    waited = (
        requests.aggregate(
            n=requests.count(),
            seconds=requests.business_latency_s.coalesce(cap_s).clip(upper=cap_s).sum(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    waiting_hours = (
        float(waited["seconds"] or 0) / 3600 * assumptions.waiting_blocking_share / person_weeks
        if person_weeks and waited["n"]
        else None
    )
    waiting = CostComponent(
        "waiting",
        "Waiting on requests",
        waiting_hours,
        f"{int(waited['n'] or 0):,} requests (questions starting a thread); working hours to the "
        f"first answer, capped at {assumptions.waiting_cap_hours:g} h, unanswered ones at the cap, "
        f"x {assumptions.waiting_blocking_share:.0%} assumed to block work, per active "
        "person-week.",
        events=int(waited["n"] or 0),
    )
    return CoordinationCost(
        components=[meetings, interrupt, waiting],
        people=people,
        weeks=weeks,
        assumptions=assumptions,
        assumed=assumed,
        person_weeks=person_weeks,
    )


def active_person_weeks(frames: Frames) -> int:
    """(Person, ISO week) pairs in which the person sent a human message."""
    human = frames.human
    pairs = human.select(person=human.author_id, week=human.sent_at.truncate("W")).distinct()
    return int(pairs.count().to_pyarrow().as_py())
