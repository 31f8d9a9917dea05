"""Working days and hours read from the team's own messages where the charter is silent.

The method (also in ``docs/metrics.md``), over the human messages of the measured period, each
at its author's local time (their zone: the charter's, else the export's, else the charter's
default zone; an e-mail at the offset of its own Date header):

- A person's *working days* are the weekdays holding at least half an even share (1/14) of
  their messages; their *working hours* are the span of whole local hours, as long as the
  charter's working day (8 hours by default), holding most of their messages on those days
  (the earliest such span on a tie, never across midnight).
- A person with fewer than 30 messages (``MIN_PERSON_MESSAGES``) gets the team's days and hours:
  the same method over every message of the team, each in its author's own zone.
- The team keeps *shared working hours* unless its two quietest consecutive weekdays (Saturday
  and Sunday for most teams) hold more than 15% (``MAX_QUIET_DAYS_SHARE``) of its messages: an
  even spread over the week puts 2/7 (29%) there, an office team a few percent. Without shared
  hours (volunteer and open-source communities), after-hours figures do not apply and working
  time is the wall clock.
- With fewer than 50 messages (``MIN_TEAM_MESSAGES``) nothing is detected: the charter's defaults
  apply, and are stated as assumed.

The charter overrides each part: ``working_hours`` and ``working_days`` (the team's),
``people[].working_hours`` (a person's), ``shared_working_hours`` (whether there are any).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from asyncmaturity.charter import WEEKDAYS
from asyncmaturity.metrics.registry import Metric

MIN_PERSON_MESSAGES = 30
MIN_TEAM_MESSAGES = 50
MAX_QUIET_DAYS_SHARE = 0.15
HOUR_S = 3600

Basis = Literal["charter", "detected", "default"]


@dataclass(frozen=True)
class DetectedHours:
    """Working days and a daily span of local hours read from someone's messages."""

    working_days: frozenset[int]  # Monday 0
    start_s: int
    end_s: int
    messages: int
    inside_share: float  # of the messages, the share on those days within those hours

    def describe(self) -> str:
        """'Mon-Fri 09:00-17:00'."""
        return f"{days_text(self.working_days)} {_hhmm(self.start_s)}-{_hhmm(self.end_s)}"

    def to_json(self) -> dict[str, object]:
        """The machine-readable form."""
        return {
            "working_days": [WEEKDAYS[d] for d in sorted(self.working_days)],
            "working_hours": {"start": _hhmm(self.start_s), "end": _hhmm(self.end_s)},
            "messages": self.messages,
            "inside_share": self.inside_share,
        }


@dataclass(frozen=True)
class WorkingNorms:
    """Whether the team keeps shared working hours, and whose hours come from where.

    Attributes:
        shared: whether the team keeps shared working hours.
        basis: what decided `shared`: the charter, the team's messages, or the default (too
            few messages to tell).
        quiet_days: the team's two quietest consecutive weekdays (Monday 0), when detected.
        quiet_days_share: the share of the team's messages on those days.
        team: the team's detected days and hours (None when not detected).
        own: people whose hours come from their own messages.
        from_team: people given the team's detected hours for want of enough messages.
    """

    shared: bool
    basis: Basis
    quiet_days: tuple[int, ...] = ()
    quiet_days_share: float | None = None
    team: DetectedHours | None = None
    own: int = 0
    from_team: int = 0
    by_person: dict[str, DetectedHours] = field(default_factory=dict, repr=False)

    def describe(self) -> str:
        """One sentence for a reader: what was detected and on what figures."""
        quiet = (
            f"{self.quiet_days_share:.0%} of the messages fall on the team's two quietest days "
            f"({days_text(frozenset(self.quiet_days))})"
            if self.quiet_days_share is not None
            else ""
        )
        if not self.shared:
            how = "declared in the charter" if self.basis == "charter" else "detected"
            return (
                f"The team keeps no shared working hours ({how}"
                + (f": {quiet}" if quiet and self.basis == "detected" else "")
                + "): after-hours figures do not apply and working time is the wall clock."
            )
        if self.team is None:
            return ""
        return (
            f"Working hours read from the messages: the team's {self.team.describe()} in each "
            f"person's own zone ({self.team.inside_share:.0%} of its messages fall within); "
            f"{self.own} people by their own messages, {self.from_team} by the team's; {quiet}."
        )

    def to_json(self) -> dict[str, object]:
        """The machine-readable form (part of the measure and assessment JSON)."""
        return {
            "shared_working_hours": self.shared,
            "basis": self.basis,
            "quiet_days": [WEEKDAYS[d] for d in self.quiet_days],
            "quiet_days_share": self.quiet_days_share,
            "team": self.team.to_json() if self.team else None,
            "people_by_own_messages": self.own,
            "people_by_team_messages": self.from_team,
        }


def days_text(days: frozenset[int]) -> str:
    """'Mon-Fri', 'Sat, Sun', 'Mon, Wed-Fri': runs of consecutive weekdays."""
    names = [WEEKDAYS[d].capitalize() for d in range(7)]
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        names[r[0]]
        if len(r) == 1
        else f"{names[r[0]]}-{names[r[-1]]}"
        if len(r) > 2
        else f"{names[r[0]]}, {names[r[1]]}"
        for r in runs
    )


def _hhmm(seconds: int) -> str:
    return f"{seconds // HOUR_S:02d}:{seconds % HOUR_S // 60:02d}"


def detect_hours(histogram: npt.NDArray[np.int64], length_s: int) -> DetectedHours | None:
    """Working days and hours from a 7 x 24 count of messages by local weekday and hour.

    >>> h = np.zeros((7, 24), dtype=np.int64); h[:5, 10:18] = 2; h[5, 12] = 1
    >>> detect_hours(h, 8 * 3600).describe()
    'Mon-Fri 10:00-18:00'
    """
    total = int(histogram.sum())
    if total == 0:
        return None
    by_day = histogram.sum(axis=1)
    days = by_day * 14 >= total
    hours = max(1, min(24, round(length_s / HOUR_S)))
    on_days = histogram[days].sum(axis=0)
    cumulative = np.concatenate([[0], np.cumsum(on_days)])
    windows = cumulative[hours:] - cumulative[:-hours]
    start = int(np.argmax(windows))  # the first of the largest: the earliest on a tie
    return DetectedHours(
        working_days=frozenset(int(d) for d in np.flatnonzero(days)),
        start_s=start * HOUR_S,
        end_s=(start + hours) * HOUR_S,
        messages=total,
        inside_share=float(windows[start]) / total,
    )


def quiet_days(histogram: npt.NDArray[np.int64]) -> tuple[tuple[int, int], float]:
    """The two consecutive weekdays (Sunday-Monday included) with the fewest messages, and
    their share of all; the earliest pair on a tie."""
    by_day = histogram.sum(axis=1)
    pairs = by_day + np.roll(by_day, -1)
    first = int(np.argmin(pairs))
    total = int(by_day.sum())
    return (first, (first + 1) % 7), float(pairs[first]) / total if total else 0.0


def detect_norms(activity: pa.Table, length_s: int) -> WorkingNorms | None:
    """Detected working norms from `activity` (person_key, weekday, hour, messages), or None
    when the team sent fewer than ``MIN_TEAM_MESSAGES`` messages."""
    keys = activity.column("person_key").to_pylist()
    people = sorted({k for k in keys if k is not None})
    if not people:
        return None
    index = {key: i for i, key in enumerate(people)}
    histograms = np.zeros((len(people), 7, 24), dtype=np.int64)
    rows = np.array([index.get(k, -1) for k in keys], dtype=np.int64)
    weekday = activity.column("weekday").to_numpy(zero_copy_only=False).astype(np.int64)
    hour = activity.column("hour").to_numpy(zero_copy_only=False).astype(np.int64)
    counts = activity.column("messages").to_numpy(zero_copy_only=False).astype(np.int64)
    known = rows >= 0
    np.add.at(histograms, (rows[known], weekday[known], hour[known]), counts[known])
    team_histogram = histograms.sum(axis=0)
    if team_histogram.sum() < MIN_TEAM_MESSAGES:
        return None
    team = detect_hours(team_histogram, length_s)
    pair, share = quiet_days(team_histogram)
    by_person = {
        person: hours
        for person, histogram in zip(people, histograms, strict=True)
        if histogram.sum() >= MIN_PERSON_MESSAGES
        and (hours := detect_hours(histogram, length_s)) is not None
    }
    return WorkingNorms(
        shared=share <= MAX_QUIET_DAYS_SHARE,
        basis="detected",
        quiet_days=pair,
        quiet_days_share=share,
        team=team,
        by_person=by_person,
    )


def not_applicable(metrics: Iterable[Metric], norms: WorkingNorms) -> dict[str, str]:
    """Metric id -> why it does not apply, for the after-hours figures of a team that keeps no
    shared working hours (none otherwise)."""
    if norms.shared:
        return {}
    how = (
        "the charter says so (shared_working_hours: false)"
        if norms.basis == "charter"
        else f"detected: {norms.quiet_days_share:.0%} of the messages fall on the team's two "
        f"quietest days; set shared_working_hours in the charter to override"
    )
    return {
        m.id: f"not applicable: the team keeps no shared working hours ({how})"
        for m in metrics
        if m.after_hours
    }
