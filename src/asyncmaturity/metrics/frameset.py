"""The frame registry, and the set of frames one measurement builds from one evidence opening.

A frame is a table that metrics aggregate: one row per human message, per thread root, per
meeting, per work item... Each is registered once with what a measurement needs to know about
it (:class:`FrameSpec`): its evidence family (a scope group shows or withholds a family's metrics
together), how to count the family's people in a group (the minimum group size), the column that
puts a row on a UTC day (the unit bootstrap resamples), and its builder. :class:`Frames` builds a
frame the first time it is asked for, from a :class:`FrameContext` resolved once per run, so a
measurement builds only the frames its metrics read.

A frame whose builder returns None has no evidence in the period: its metrics are unknown, not 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeVar

import ibis
import ibis.expr.types as ir

from asyncmaturity.charter import Charter
from asyncmaturity.metrics.norms import WorkingNorms
from asyncmaturity.metrics.record_systems import RecordSystems
from asyncmaturity.store.evidence import Evidence
from asyncmaturity.vocabulary import Visibility

Family = Literal["chat", "meetings", "work", "requests", "ledger"]
FAMILIES: tuple[Family, ...] = ("chat", "meetings", "work", "requests", "ledger")
T = TypeVar("T")


@dataclass(frozen=True)
class FrameContext:
    """What a run resolves once from the charter, the period and the evidence, for every frame.

    Attributes:
        evidence: the store's tables on the chosen engine.
        charter: the working norms the frames apply.
        start, end: the half-open UTC period, naive (None: unbounded).
        first, last: the first and last human message in the period.
        schedule: per person: s_key, person_id, tz, start_s, len_s, w0..w6 (and a day-off profile).
        defaults: the schedule of a person the store does not know.
        zones: every time zone a schedule names, for local-time lookups.
        excluded: person keys the charter leaves out of every metric.
        bots: person keys the charter lists as bots.
        focus_spans: the charter's protected time on local clocks: (weekdays, start_s, end_s).
        no_meeting_days: weekdays (Monday 0) the charter keeps free of meetings.
        days_off: local dates off (holidays, out-of-office days) by day-off profile.
        unmatched_charter_ids: charter identities the store does not know.
        people: the people the store knows.
        defaulted: per norm (``timezone``, ``working_hours``), how many of them have the
            charter's default for want of their own.
        norms: whether the team keeps shared working hours and where its hours come from
            (:mod:`asyncmaturity.metrics.norms`).
        record_systems: where the systems of record come from, with those detected in the
            period's messages (:mod:`asyncmaturity.metrics.record_systems`).
    """

    evidence: Evidence
    charter: Charter
    start: datetime | None
    end: datetime | None
    first: datetime | None
    last: datetime | None
    schedule: ir.Table
    defaults: dict[str, Any]
    zones: frozenset[str]
    excluded: frozenset[str]
    bots: frozenset[str]
    focus_spans: tuple[tuple[frozenset[int], int, int], ...] = ()
    no_meeting_days: frozenset[int] = frozenset()
    days_off: Mapping[int, frozenset[date]] = field(default_factory=dict)
    unmatched_charter_ids: tuple[str, ...] = ()
    people: int = 0
    defaulted: Mapping[str, int] = field(default_factory=dict)
    norms: WorkingNorms = field(default_factory=lambda: WorkingNorms(shared=True, basis="default"))
    record_systems: RecordSystems = field(default_factory=RecordSystems)

    @property
    def charter_keys(self) -> frozenset[str]:
        """Person keys the charter excludes or calls bots."""
        return self.excluded | self.bots

    def with_schedule(self, table: ir.Table, person: str) -> ir.Table:
        """`table` with the schedule of the person in column `person` (the defaults if unknown)."""
        joined = table.left_join(self.schedule, table[person] == self.schedule.s_key)
        return joined.mutate(
            **{name: joined[name].coalesce(ibis.literal(v)) for name, v in self.defaults.items()}
        ).drop("s_key")


Builder = Callable[["Frames"], ir.Table | None]
PeopleCounter = Callable[[ir.Table], ir.Scalar]


@dataclass(frozen=True)
class FrameSpec:
    """One registered frame.

    Attributes:
        name: what metrics give as their ``frame``.
        family: the evidence family whose metrics a scope group shows or withholds together.
        day: the timestamp column that puts a row on a UTC day for bootstrap replicates; None
            where rows have no day (their metrics get no interval).
        build: makes the frame from the frames of the run (None: no evidence in the period).
        people: counts the family's people in a scope group, on the frame that says who they
            are (one frame per family has it).
        needs: what the evidence must show for every metric of the frame to mean anything.
    """

    name: str
    family: Family
    day: str | None
    build: Builder
    people: PeopleCounter | None = None
    needs: tuple[Visibility, ...] = ()


FRAMES: dict[str, FrameSpec] = {}


def register_frame(spec: FrameSpec) -> FrameSpec:
    """Add `spec` to the frame registry; names are unique."""
    if spec.name in FRAMES:
        raise ValueError(f"frame {spec.name!r} registered twice")
    FRAMES[spec.name] = spec
    return spec


class Frames:
    """The frames of one run: each built from :attr:`context` the first time it is asked for."""

    def __init__(self, context: FrameContext) -> None:
        self.context = context
        self._built: dict[str, ir.Table | None] = {}
        self._shared: dict[Callable[..., Any], Any] = {}

    @property
    def charter(self) -> Charter:
        """The charter the frames apply."""
        return self.context.charter

    @property
    def evidence(self) -> Evidence:
        """The evidence the frames read."""
        return self.context.evidence

    @property
    def first(self) -> datetime | None:
        """The first human message of the period."""
        return self.context.first

    @property
    def last(self) -> datetime | None:
        """The last human message of the period."""
        return self.context.last

    @property
    def human(self) -> ir.Table:
        """One row per human message (always built: chat evidence may be empty, never absent)."""
        return self.require("human")

    @property
    def roots(self) -> ir.Table:
        """One row per thread root, with its first reply by another human."""
        return self.require("roots")

    def get(self, name: str) -> ir.Table | None:
        """Frame `name`, built once; None where the period holds no evidence for it."""
        if name not in self._built:
            self._built[name] = FRAMES[name].build(self)
        return self._built[name]

    def require(self, name: str) -> ir.Table:
        """Frame `name` of a builder that always gives one."""
        table = self.get(name)
        if table is None:
            raise ValueError(f"frame {name!r} has no rows to build from")
        return table

    def shared(self, build: Callable[[FrameContext], T]) -> T:
        """`build(context)` computed once per run, for builders that make several frames at once."""
        if build not in self._shared:
            self._shared[build] = build(self.context)
        result: T = self._shared[build]
        return result


__all__ = [
    "FAMILIES",
    "FRAMES",
    "Family",
    "FrameContext",
    "FrameSpec",
    "Frames",
    "register_frame",
]
