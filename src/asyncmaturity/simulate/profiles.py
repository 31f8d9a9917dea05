"""Maturity profiles for the simulator: organizations planted at a known five-area level.

A profile sets the simulator's parameters so that every area lands on the profile's level under
the shipped criteria, and the WMI stage one above it (chaotic 1 .. optimized 4), and writes survey
answers whose scores fall in that level's band. Chat plants documentation, decision making and
leadership; with ``--meetings`` and ``--work-items`` the calendar and the tracker plant meetings
and work tracking. The calibration test checks that assessment places each profile where it was
planted; the demo uses one to show a roadmap. The levels follow from the behaviour planted here
as the metrics measure it, never from the profile's name.

Planted chat values and the thresholds they straddle (five-area criteria; AWAIT requests plant
``await.complete_share``, which the WMI stage 3 asks to be at least 0.5):

| profile | level | DM share | after hours | @here | record links | decisions linked | AWAIT | reply median |
|---|---|---|---|---|---|---|---|---|
| chaotic | 0 | 0.60 (> 0.5) | 0.35 | 0.06 | 0.005 (< 0.02) | ~0.02 (< 0.1) | 0 | 10 min |
| reactive | 1 | 0.42 (> 0.35) | 0.20 | 0.04 | 0.01 (+ decisions) | ~0.3 | 0.08 | 15 min |
| systematic | 2 | 0.28 (> 0.2) | 0.10 | 0.02 | 0.045 (+ AWAIT) | ~0.65 | 0.55 | 30 min |
| optimized | 3 | 0.12 | 0.04 | 0.005 | 0.20 (+ AWAIT) | ~0.95 | 0.85 | 1 h |

Messages are posted in each person's own working hours on their own clock, but for the planted
after-hours share. Systematic's record links in replies keep about a quarter of answered questions
answered with a link, inside the band of 0.15 .. 0.35 that level 2 asks for and level 3 exceeds.

Calendar: meeting hours per person-week come from the daily stand-ups (``standup_team_share``)
and the ad hoc meetings (per person-day) on top of the weekly team meetings and 1:1s; agendas are
written per occurrence, ``agenda_lead_median_s`` ahead of it (an ad hoc meeting's at its
booking); ad hoc meetings booked within the hour make ``meetings.ad_hoc_share``; focus hours are
what the meetings leave of the working day in blocks of two hours or more. Every meeting starts
before the period ends. The thresholds: at most 15 h (level 1) and 10 h (level 2) of meetings,
at least 10 focus hours and 60% agendas (level 2), 90% agendas and at most 10% booked less than
an hour ahead (level 3). Measured (16 people, 60 days) in the last columns:

| profile | stand-ups | ad hoc | within the hour | agendas | agenda lead | meeting h | focus h |
|---|---|---|---|---|---|---|---|
| chaotic | every team | 2.6 | 0.6 | 0.1 | 30 min | ~22 (> 15) | ~16 |
| reactive | every team | 1.25 | 0.4 | 0.3 (< 0.6) | 2 h | ~13 (> 10) | ~25 |
| systematic | 0.35 | 0.3 | 0.35 (~0.2 > 0.1) | 0.75 (< 0.9) | 3 d | ~5 | ~34 |
| optimized | none | 0.1 | 0.03 | 0.98 | 3 d | ~2 | ~38 |

Tracker: owners (assignees) of issues and pull requests, the first response's median, pull
requests linked to the item they fix, decision records. The thresholds: 30% (level 1) and 70%
(level 2) of items with an owner, a first response within 2 days (level 2), 80% of pull requests
linked (level 3). The dependency bot's version bumps are never owned or linked: a tenth of the
pull requests, and fewer (grouped updates) in the optimized profile.

| profile | issue / PR owners | first response | PRs linked | bot PRs | decision records |
|---|---|---|---|---|---|
| chaotic | 0.10 / 0.15 (~0.13 < 0.3) | 4 d, half answered | 0.1 | 0.1 | none |
| reactive | 0.50 / 0.60 (~0.5 < 0.7) | 4 d (~3 d > 2 d) | 0.3 | 0.1 | 0.02 |
| systematic | 0.85 / 0.90 (~0.84) | 6 h | 0.55 (< 0.8) | 0.1 | 0.05 |
| optimized | 0.95 / 0.95 (~0.93) | 2 h | 1.0 (~0.95) | 0.04 | 0.08 |
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.survey import SurveyDefinition

# Target mean item score of the survey at each planted level: inside the band between the
# criteria's survey thresholds (0.4, 0.6, 0.75).
LEVEL_SCORES = {0: 0.2, 1: 0.5, 2: 0.68, 3: 0.9}


@dataclass(frozen=True)
class MaturityProfile:
    """A simulated organization planted at `level` in every area."""

    name: str
    level: int
    params: dict[str, Any]
    # Items whose answers do not follow the level (nothing in the profile automates coordination).
    survey_overrides: dict[str, float] = field(default_factory=dict)

    def simulation(self, **overrides: Any) -> SimulationParams:
        """The simulator's parameters for this profile, with `overrides` (people, days, seed)."""
        return replace(SimulationParams(**self.params), **overrides)


_NO_AUTOMATION = {"await.routine_automated": 0.3}
PROFILES: dict[str, MaturityProfile] = {
    p.name: p
    for p in (
        MaturityProfile(
            "chaotic",
            0,
            dict(
                dm_share=0.6,
                after_hours_share=0.35,
                broadcast_share=0.06,
                record_link_share=0.005,
                decision_record_share=0.0,
                await_request_share=0.0,
                reply_delay_median_s=600.0,
                reply_delay_sigma=1.5,
                standup_team_share=1.0,
                ad_hoc_meetings_per_person_day=2.6,
                ad_hoc_same_hour_share=0.6,
                agenda_share=0.1,
                agenda_lead_median_s=1800.0,
                notes_share=0.05,
                decision_issue_share=0.0,
                issue_owner_share=0.1,
                pr_owner_share=0.15,
                pr_link_share=0.1,
                work_response_median_s=4 * 86_400.0,
                work_response_share=0.5,
            ),
            _NO_AUTOMATION,
        ),
        MaturityProfile(
            "reactive",
            1,
            dict(
                dm_share=0.42,
                after_hours_share=0.2,
                broadcast_share=0.04,
                record_link_share=0.01,
                decision_record_share=0.3,
                await_request_share=0.08,
                reply_delay_median_s=900.0,
                reply_delay_sigma=1.4,
                standup_team_share=1.0,
                ad_hoc_meetings_per_person_day=1.25,
                ad_hoc_same_hour_share=0.4,
                agenda_share=0.3,
                agenda_lead_median_s=7200.0,
                notes_share=0.15,
                decision_issue_share=0.02,
                issue_owner_share=0.5,
                pr_owner_share=0.6,
                pr_link_share=0.3,
                work_response_median_s=4 * 86_400.0,
                work_response_share=0.7,
            ),
            _NO_AUTOMATION,
        ),
        MaturityProfile(
            "systematic",
            2,
            dict(
                dm_share=0.28,
                after_hours_share=0.1,
                broadcast_share=0.02,
                record_link_share=0.045,
                decision_record_share=0.65,
                await_request_share=0.55,
                reply_delay_median_s=1800.0,
                reply_delay_sigma=1.2,
                standup_team_share=0.35,
                ad_hoc_meetings_per_person_day=0.3,
                ad_hoc_same_hour_share=0.35,
                agenda_share=0.75,
                agenda_lead_median_s=3 * 86_400.0,
                notes_share=0.5,
                decision_issue_share=0.05,
                issue_owner_share=0.85,
                pr_owner_share=0.9,
                pr_link_share=0.55,
                work_response_median_s=6 * 3600.0,
                work_response_share=0.85,
            ),
            _NO_AUTOMATION,
        ),
        MaturityProfile(
            "optimized",
            3,
            dict(
                dm_share=0.12,
                after_hours_share=0.04,
                broadcast_share=0.005,
                record_link_share=0.2,
                decision_record_share=0.95,
                await_request_share=0.85,
                reply_delay_median_s=3600.0,
                reply_delay_sigma=1.0,
                standup_team_share=0.0,
                ad_hoc_meetings_per_person_day=0.1,
                ad_hoc_same_hour_share=0.03,
                agenda_share=0.98,
                agenda_lead_median_s=3 * 86_400.0,
                notes_share=0.9,
                work_items_per_person_day=0.4,
                dependency_bot_share=0.04,
                decision_issue_share=0.08,
                issue_owner_share=0.95,
                pr_owner_share=0.95,
                pr_link_share=1.0,
                work_response_median_s=2 * 3600.0,
                work_response_share=0.95,
            ),
            _NO_AUTOMATION,
        ),
    )
}


def _answers(rng: np.random.Generator, values: list[float], target: float, n: int) -> list[float]:
    """`n` answers whose mean normalized score is `target` to within 1/n.

    Answers fall on the two options either side of the target position, in the proportions that
    give the target mean, then a few matched pairs spread one option further out each way (which
    keeps the mean) so the answers are not all alike.
    """
    k = len(values)
    centre = min(max(target, 0.0), 1.0) * (k - 1)
    low = min(math.floor(centre), k - 2)
    upper = round((centre - low) * n)
    positions = [low + 1] * upper + [low] * (n - upper)
    spread = n // 5
    for i in range(0, spread - 1, 2):
        a, b = i, n - 1 - i  # one from each end of the sorted list
        if positions[a] < k - 1 and positions[b] > 0:
            positions[a] += 1
            positions[b] -= 1
    rng.shuffle(positions)
    return [values[i] for i in positions]


def simulate_survey(
    path: Path,
    definition: SurveyDefinition,
    profile: MaturityProfile,
    *,
    respondents: int = 30,
    teams: int = 3,
    seed: int = 0,
) -> int:
    """Write survey responses as a Google Forms CSV export (question texts as headers).

    Every item is answered so that its mean score sits in the profile level's band (or at the
    profile's override for that item). Returns the number of respondents written.
    """
    rng = np.random.default_rng([seed, 11])
    columns: dict[str, list[str]] = {}
    for item in definition.items:
        scale = definition.scale_of(item)
        target = profile.survey_overrides.get(item.id, LEVEL_SCORES[profile.level])
        raw_target = 1 - target if item.reverse else target
        values = [option.value for option in scale.options]
        answers = _answers(rng, values, raw_target, respondents)
        labels = {option.value: option.label for option in scale.options}
        columns[item.text] = [labels[a] for a in answers]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", "Team", *columns])
        for r in range(respondents):
            writer.writerow(
                [
                    f"2026/03/{1 + r % 28:02d} 10:00:00",
                    f"team-{r % teams + 1}",
                    *(answers[r] for answers in columns.values()),
                ]
            )
    return respondents


__all__ = ["LEVEL_SCORES", "PROFILES", "MaturityProfile", "simulate_survey"]
