"""What the evidence can see, and which metrics are unknown because no export shows what they need.

Each ingested export records, per aspect (:class:`~asyncmaturity.vocabulary.Visibility`: messages
at all, direct and group messages, private channels, meeting attendees, assignees, replies in
threads), whether it can see it: a calendar or a tracker export shows no messages at all; a Slack
export without ``dms.json``, a public Zulip archive or a mailing-list archive shows no direct
messages; a Slack export of days before Slack had threads shows no replies in them. An aspect is *seen* when some export in the store shows it, *not seen* when
exports state it and none shows it, and *not stated* when no export says (a store ingested
before visibility was recorded): a metric that needs an aspect no export shows is unknown, with
the reason, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from asyncmaturity.metrics.frameset import FRAMES
from asyncmaturity.metrics.registry import Metric
from asyncmaturity.store.evidence import Evidence
from asyncmaturity.vocabulary import Visibility


@dataclass(frozen=True)
class AspectVisibility:
    """Whether the exports of a store show one aspect, and which of them do and do not."""

    aspect: Visibility
    visible: bool | None  # None: no export stated it
    seen_by: list[str] = field(default_factory=list)  # "slack export.zip"
    not_seen_by: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The machine-readable form (part of the measure and assessment JSON)."""
        return {"visible": self.visible, "seen_by": self.seen_by, "not_seen_by": self.not_seen_by}


def read_visibility(evidence: Evidence) -> dict[Visibility, AspectVisibility]:
    """What the store's exports state they can see, aspect by aspect (every aspect present)."""
    table = evidence.table("visibility")
    stated = table.group_by(["aspect", "source", "origin"]).aggregate(visible=table.visible.any())
    rows = stated.order_by(["aspect", "source", "origin"]).to_pyarrow().to_pylist()
    found: dict[Visibility, AspectVisibility] = {}
    for aspect in Visibility:
        mine = [row for row in rows if row["aspect"] == aspect]
        seen = [_export(row) for row in mine if row["visible"]]
        unseen = [_export(row) for row in mine if not row["visible"]]
        visible = None if not mine else bool(seen)
        found[aspect] = AspectVisibility(aspect, visible, seen, unseen)
    return found


def _export(row: dict[str, object]) -> str:
    """'slack export.zip': the source and the file name of an export (no server folders)."""
    origin = str(row["origin"] or "")
    return f"{row['source']} {PurePath(origin).name}".strip()


def needs_of(metric: Metric) -> tuple[Visibility, ...]:
    """What a metric needs the evidence to show: its own needs and its frame's."""
    return tuple(dict.fromkeys((*metric.needs, *FRAMES[metric.frame].needs)))


def unknown_metrics(
    metrics: Iterable[Metric], visibility: dict[Visibility, AspectVisibility]
) -> dict[str, str]:
    """Metric id -> why it is unknown, for the metrics that need what no export shows."""
    unknown: dict[str, str] = {}
    for metric in metrics:
        missing = [
            visibility[aspect] for aspect in needs_of(metric) if visibility[aspect].visible is False
        ]
        # An export without messages has no threads either: the first reason is the one to give.
        deeper = [state for state in missing if state.aspect == Visibility.MESSAGES]
        if missing:
            unknown[metric.id] = _reason(deeper or missing)
    return unknown


def _reason(missing: list[AspectVisibility]) -> str:
    """'no export shows direct messages or group messages (slack export.zip cannot)'."""
    by_exports: dict[tuple[str, ...], list[str]] = {}
    for state in missing:
        by_exports.setdefault(tuple(state.not_seen_by), []).append(str(state.aspect))
    return "; ".join(
        f"no export shows {' or '.join(aspects)} ({', '.join(exports)} cannot)"
        for exports, aspects in by_exports.items()
    )


def partial_notes(visibility: dict[Visibility, AspectVisibility]) -> list[str]:
    """Notes for the aspects some exports show and others do not."""
    return [
        f"Only some exports show {state.aspect} ({', '.join(state.seen_by)}; not "
        f"{', '.join(state.not_seen_by)}): figures that read them cover those exports alone."
        for state in visibility.values()
        # A calendar or tracker beside a chat export holds no messages of its own to miss.
        if state.visible and state.not_seen_by and state.aspect != Visibility.MESSAGES
    ]
