"""Maturity profiles for the simulator: organizations planted at a known five-area level.

A profile sets the simulator's chat parameters so that every area with chat evidence lands on
the profile's level under the shipped criteria, and writes survey answers whose scores fall in
that level's band. The calibration test checks that assessment places each profile where it
was planted; the demo uses one to show a roadmap.

Planted values and the thresholds they straddle (five-area criteria):

| profile | level | DM share | after hours | @here | record links | decisions linked | reply median |
|---|---|---|---|---|---|---|---|
| chaotic | 0 | 0.60 (> 0.5) | 0.35 | 0.06 | 0.005 (< 0.02) | ~0.02 (< 0.1) | 10 min |
| reactive | 1 | 0.42 (> 0.35) | 0.20 | 0.04 | 0.01 (+ decisions) | ~0.25 | 15 min |
| systematic | 2 | 0.28 (> 0.2) | 0.10 | 0.02 | 0.055 (+ decisions) | ~0.6 | 30 min |
| optimized | 3 | 0.12 | 0.04 | 0.005 | 0.20 (+ decisions) | ~0.95 | 1 h |
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
                record_link_share=0.055,
                decision_record_share=0.65,
                await_request_share=0.4,
                reply_delay_median_s=1800.0,
                reply_delay_sigma=1.2,
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
                await_request_share=0.6,
                reply_delay_median_s=3600.0,
                reply_delay_sigma=1.0,
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
