"""The defaults a measurement leans on where neither the charter nor the evidence says otherwise.

Every default that a figure (and so a verdict) depends on is listed with what it assumes, how
many people it applies to where it is per person, the metrics that read it (a metric's
registered ``parameters``), and what overrides it: a field of the team charter, or of the cost
assumptions file (``assess --assumptions``). Nothing listed here is a default the user chose:
a charter or assumptions file that sets the field removes it from the list. A norm the charter
leaves open but the evidence shows (the record systems the team's messages link) is listed as
detected (``basis``), and lowers no verdict's confidence as an assumed default does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from asyncmaturity.charter import DEFAULT_RECORD_SYSTEMS, Charter
from asyncmaturity.metrics.cost import CostAssumptions
from asyncmaturity.metrics.frameset import FrameContext
from asyncmaturity.metrics.record_systems import MIN_DETECTED_MESSAGES, RecordSystems
from asyncmaturity.metrics.registry import Metric

CHARTER = "charter"
# The figure that places emergencies on the activity map: the share of urgent signals sent in
# an urgent channel.
URGENT_FIGURE = "emergencies.urgent_channel_share"
COST = "assumptions"
# Detected record systems named in the assumption's sentence; the rest are counted.
SITES_NAMED = 5
_DEFAULT_PATTERNS = (
    f"the {len(DEFAULT_RECORD_SYSTEMS)} default patterns (GitHub and GitLab issues and pull "
    "requests, Jira and Confluence, Notion, Google Docs, Linear)"
)


@dataclass(frozen=True)
class Assumption:
    """One default a measurement leans on.

    Attributes:
        id: a stable name (``working-hours``, ``timezone``, ``record-systems``, ...).
        text: what is assumed, in a sentence.
        override: where to state otherwise: ``charter: working_hours`` or ``assumptions: ...``.
        people: how many of the people it applies to, where it is per person.
        metrics: the ids of the metrics that read it.
        basis: ``default`` (assumed for want of evidence) or ``detected`` (read from the
            team's own data; :mod:`asyncmaturity.metrics.norms`).
    """

    id: str
    text: str
    override: str
    people: int | None = None
    metrics: tuple[str, ...] = ()
    basis: Literal["default", "detected"] = "default"

    def to_json(self) -> dict[str, object]:
        """The machine-readable form (part of the measure and assessment JSON)."""
        return {
            "id": self.id,
            "text": self.text,
            "override": self.override,
            "people": self.people,
            "metrics": list(self.metrics),
            "basis": self.basis,
        }


def _reading(metrics: Iterable[Metric], *fields: str) -> tuple[str, ...]:
    return tuple(m.id for m in metrics if set(fields) & set(m.parameters))


def assumptions_of(
    context: FrameContext, metrics: Iterable[Metric], cost: CostAssumptions | None
) -> list[Assumption]:
    """The defaults the run leaned on: the charter's, per person where the charter and the
    exports are silent, and the cost estimate's when one was made."""
    charter: Charter = context.charter
    chosen = set(charter.model_fields_set)
    metrics = list(metrics)
    found: list[Assumption] = []
    hours = charter.working_hours
    days = ", ".join(charter.working_days)
    by_default = context.defaulted.get("working_hours", 0)
    norms = context.norms
    # Either the charter's default hours for people without their own, or the norms detected
    # in the messages instead (never both: detection gives everyone hours).
    if by_default or norms.basis == "detected":
        detected = norms.basis == "detected"
        found.append(
            Assumption(
                "working-hours",
                norms.describe()
                if detected
                else f"Working hours {hours.start}-{hours.end} on {days}, in each person's own "
                f"time zone, for {by_default} of {context.people} people the charter gives no "
                "hours.",
                f"{CHARTER}: working_hours, working_days, people[].working_hours, "
                "shared_working_hours"
                if detected
                else f"{CHARTER}: working_hours, working_days (or people[].working_hours)",
                people=(norms.own + norms.from_team if norms.shared else context.people)
                if detected
                else by_default,
                metrics=_reading(metrics, "working_hours", "working_days"),
                basis="detected" if detected else "default",
            )
        )
    zoneless = context.defaulted.get("timezone", 0)
    if zoneless:
        found.append(
            Assumption(
                "timezone",
                f"{zoneless} of {context.people} people have no time zone in the exports or the "
                f"charter: their working hours and local times are read in {charter.timezone} (an "
                "e-mail's local time is its own Date header's).",
                f"{CHARTER}: people[].timezone (or timezone, the default zone)",
                people=zoneless,
                metrics=_reading(metrics, "timezone"),
            )
        )
    systems = context.record_systems
    if "record_systems" not in chosen:
        found.append(
            Assumption(
                "record-systems",
                _record_systems_text(systems),
                f"{CHARTER}: record_systems",
                metrics=_reading(metrics, "record_systems"),
                basis="detected" if systems.detected else "default",
            )
        )
    for field, ident, text in (
        (
            "response_windows",
            "response-windows",
            "A reply is expected within "
            + ", ".join(
                f"{h:g} {'working ' if norms.shared else ''}hours ({k})"
                for k, h in charter.response_windows.items()
            )
            + ("." if norms.shared else ", on the wall clock (no shared working hours)."),
        ),
        (
            "focus_blocks",
            "focus-blocks",
            "The charter names no focus blocks: no meeting is counted as breaking one, and the "
            "cost estimate assumes 09:00-11:00 on Monday to Friday.",
        ),
        (
            "deep_work_block_hours",
            "deep-work-block",
            f"A working day holds protected deep work when it has a block of "
            f"{charter.deep_work_block_hours:g} h free of the person's meetings and messages.",
        ),
        (
            "offline_planning_days",
            "offline-planning",
            f"An all-day or multi-day event was planned when booked at least "
            f"{charter.offline_planning_days:g} days before it starts.",
        ),
    ):
        if field not in chosen:
            found.append(
                Assumption(ident, text, f"{CHARTER}: {field}", metrics=_reading(metrics, field))
            )
    if "urgent_channels" not in chosen:
        # Response windows read urgent channels too, but only a window the charter sets for them
        # makes them differ; the emergency figure is what leans on the default.
        found.append(
            Assumption(
                "urgent-channels",
                "The charter names no urgent channel: only conversations a source marks urgent "
                "count as the dedicated emergency path.",
                f"{CHARTER}: urgent_channels",
                metrics=tuple(m.id for m in metrics if m.id == URGENT_FIGURE),
            )
        )
    if cost is not None:
        set_in_file = cost.model_fields_set
        for field, ident, text in (
            (
                "refocus_minutes",
                "refocus-minutes",
                f"An interruption costs {cost.refocus_minutes:g} minutes to refocus.",
            ),
            (
                "group_dm_recipients",
                "group-dm-size",
                f"A group-DM message interrupts {cost.group_dm_recipients} people.",
            ),
            (
                "waiting_blocking_share",
                "waiting-blocking-share",
                f"{cost.waiting_blocking_share:.0%} of waiting on a request blocks work.",
            ),
        ):
            if field not in set_in_file:
                found.append(Assumption(ident, text, f"{COST}: {field}"))
    return found


def _record_systems_text(systems: RecordSystems) -> str:
    """The sentence of the record-systems norm: those detected with their counts, else the
    default patterns alone."""
    if not systems.detected:
        return (
            f"Links to a system of record are those matching {_DEFAULT_PATTERNS}; no wiki, docs "
            f"or tracker site is linked by {MIN_DETECTED_MESSAGES} or more human messages, so "
            "none of the team's own was detected."
        )
    named = ", ".join(f"{d.site} ({d.messages:,} messages)" for d in systems.detected[:SITES_NAMED])
    more = len(systems.detected) - SITES_NAMED
    if more > 0:
        named += f" and {more} more"
    return (
        f"Systems of record detected from the links the archive carries: {named}; a link to "
        f"one counts as a link to a system of record, as do those matching {_DEFAULT_PATTERNS}."
    )
