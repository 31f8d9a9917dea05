"""The placement rules on crafted metric sets and survey scores, and the roadmap's ranking."""

from __future__ import annotations

from typing import Any

import pytest

from asyncmaturity.assess.evaluate import place, rule_holds
from asyncmaturity.assess.roadmap import build_roadmap
from asyncmaturity.frameworks import StageRule, load_framework, practices_catalogue
from asyncmaturity.metrics.assumptions import Assumption

FIVE = load_framework("five-area")
WMI = load_framework("wmi")
ACF = load_framework("acf")

# Chat figures of a team that meets every level-3 chat criterion of the five-area model.
OPTIMIZED_CHAT: dict[str, float | int | None] = {
    "messages.record_link_share": 0.2,
    "response.record_answer_share": 0.5,
    "decisions.record_link_share": 0.9,
    "messages.dm_share": 0.1,
    "hours.after_hours_share": 0.03,
    "messages.broadcast_share": 0.005,
    "response.within_window_share": 0.95,
    "response.immediate_share": 0.1,
}


def _levels(
    metrics: dict[str, Any], survey: dict[str, float | None] | None = None
) -> dict[str, Any]:
    placement = place(FIVE, metrics, survey or {}, stages=WMI)
    return {a.area_id: a.level for a in placement.areas} | {"stage": placement.stage}


def test_crafted_optimized_chat_figures_reach_level_3_where_chat_is_evidence() -> None:
    levels = _levels(OPTIMIZED_CHAT)
    assert levels == {
        "documentation": 3,
        "decision-making": 3,
        "work-tracking": None,  # no evidence: unknown, not a pass
        "meetings": None,
        "leadership-culture": 3,
        "stage": 4,  # stage 5 needs four areas with evidence
    }


@pytest.mark.parametrize(
    ("metric", "value", "area", "level"),
    [
        # DM share 0.3 fails level 3 (<= 0.2) but passes level 2 (<= 0.35).
        ("messages.dm_share", 0.3, "leadership-culture", 2),
        # 0.45 fails level 2 (<= 0.35), passes level 1 (<= 0.5).
        ("messages.dm_share", 0.45, "leadership-culture", 1),
        ("messages.dm_share", 0.6, "leadership-culture", 0),
        # Exactly on the threshold meets it.
        ("messages.dm_share", 0.2, "leadership-culture", 3),
        ("decisions.record_link_share", 0.5, "decision-making", 2),
        ("decisions.record_link_share", 0.05, "decision-making", 0),
        ("response.record_answer_share", 0.2, "documentation", 2),
    ],
)
def test_one_failing_criterion_caps_its_area(
    metric: str, value: float, area: str, level: int
) -> None:
    assert _levels({**OPTIMIZED_CHAT, metric: value})[area] == level


def test_missing_data_is_unknown_never_a_silent_pass() -> None:
    # Documentation level 2 has two criteria; only records-in-use has data (and passes): half
    # known meets the coverage rule. Level 3's two criteria have no evidence: unknown, so the
    # area stays at 2 rather than passing silently.
    metrics = {"messages.record_link_share": 0.2, "response.record_answer_share": None}
    documentation = place(FIVE, metrics, {}).areas[0]
    assert [lv.status for lv in documentation.levels] == ["met", "met", "unknown"]
    assert documentation.level == 2
    statuses = {o.criterion.id: o.status for lv in documentation.levels for o in lv.criteria}
    assert statuses["documentation.linked-answers"] == "unknown"
    assert statuses["documentation.answers-are-links"] == "unknown"
    # Leadership level 2 has four criteria; one known and passing (1/4 < half) is not enough
    # (level 1: one of two known, enough).
    leadership = place(FIVE, {"messages.dm_share": 0.1}, {}).areas[4]
    assert [lv.status for lv in leadership.levels][:2] == ["met", "unknown"]
    assert leadership.level == 1


def test_no_evidence_at_all_places_nothing() -> None:
    placement = place(FIVE, {}, {}, stages=WMI)
    assert all(a.level is None for a in placement.areas)
    assert placement.overall is None and placement.stage is None


def test_survey_decides_when_there_is_no_data_and_data_decides_over_survey() -> None:
    survey = {"meetings.async_first": 0.5}  # level-1 meeting criterion via the survey: 0.5 >= 0.4
    placement = place(FIVE, {}, survey)
    meetings = next(a for a in placement.areas if a.area_id == "meetings")
    assert meetings.level == 1
    outcome = meetings.levels[0].criteria[0]
    assert outcome.decided_by == "survey" and not outcome.disagrees
    # Data present and failing: data decides, and the disagreement is recorded.
    placement = place(FIVE, {"meetings.hours_per_person_week": 20.0}, survey)
    outcome = next(a for a in placement.areas if a.area_id == "meetings").levels[0].criteria[0]
    assert outcome.status == "not met" and outcome.decided_by == "data" and outcome.disagrees


def test_overall_is_the_weakest_area_with_evidence() -> None:
    placement = place(FIVE, {**OPTIMIZED_CHAT, "decisions.record_link_share": 0.2}, {})
    assert placement.overall == 1


def test_one_measured_area_places_neither_the_overall_level_nor_the_stage() -> None:
    # Only documentation has evidence (a mailing list's links): 1 of 5 areas is under the half
    # the overall level and the stage need, however clear that one area is.
    only_documentation = {"messages.record_link_share": 0.01, "response.record_answer_share": 0.0}
    placement = place(FIVE, only_documentation, {}, stages=WMI)
    assert [a.level for a in placement.areas] == [0, None, None, None, None]
    assert placement.overall is None and placement.stage is None
    # Three of five areas placed: the overall level is the weakest of them, and the stage
    # follows its rules (two areas above 0: Reactive).
    three = {**only_documentation, "decisions.record_link_share": 0.9, "messages.dm_share": 0.1}
    placement = place(FIVE, three, {}, stages=WMI)
    assert sum(a.level is not None for a in placement.areas) == 3
    assert placement.overall == 0 and placement.stage == 2


AFTER_HOURS = frozenset({"hours.after_hours_share"})


def test_a_criterion_that_does_not_apply_is_neither_decided_nor_counted() -> None:
    # A team without shared working hours: the after-hours criteria do not apply, whatever the
    # figure or the survey says, and no disagreement is read from them.
    survey = {"stress.after_hours_pressure": 0.1}
    leadership = place(
        FIVE,
        {"messages.dm_share": 0.4, "hours.after_hours_share": 0.9},
        survey,
        not_applicable=AFTER_HOURS,
    ).areas[4]
    level_1 = leadership.levels[0]
    statuses = {o.criterion.id: o.status for o in level_1.criteria}
    assert statuses == {
        "leadership-culture.mostly-in-the-open": "met",
        "leadership-culture.bounded-after-hours": "not applicable",
    }
    bounded = level_1.criteria[1]
    assert bounded.decided_by is None and not bounded.disagrees
    # Level 1 is met on its one applicable criterion, with full coverage; counted as unknown it
    # would be half covered, and counted as failing it would cap the area at 0.
    assert level_1.status == "met" and level_1.coverage == 1.0
    assert leadership.level == 1
    # The same figures with the criterion applying: 0.9 after hours fails level 1.
    applying = place(FIVE, {"messages.dm_share": 0.4, "hours.after_hours_share": 0.9}, survey)
    assert applying.areas[4].level == 0


def test_a_level_whose_only_applicable_criterion_is_unknown_stays_unknown() -> None:
    # No DMs visible and no shared hours: nothing that applies is known, so leadership level 1
    # is unknown, not met on the strength of a criterion that does not apply.
    leadership = place(FIVE, {}, {}, not_applicable=AFTER_HOURS).areas[4]
    assert leadership.levels[0].status == "unknown" and leadership.level is None
    assert leadership.levels[0].coverage == 0.0


@pytest.mark.parametrize(
    ("rule", "levels", "holds"),
    [
        (StageRule(areas_at_least=1, count=2), {"a": 1, "b": 0, "c": None}, False),
        (StageRule(areas_at_least=1, count=2), {"a": 1, "b": 2, "c": None}, True),
        (StageRule(areas_at_least=2, count="all"), {"a": 2, "b": 3, "c": None}, True),
        (StageRule(areas_at_least=2, count="all"), {"a": 2, "b": 1}, False),
        (StageRule(areas_at_least=2, count="all"), {"a": None}, False),
        (StageRule(areas_at_least=0, count=3), {"a": 0, "b": 0, "c": None}, False),
    ],
)
def test_stage_rules(rule: StageRule, levels: dict[str, int | None], holds: bool) -> None:
    assert rule_holds(rule, levels) is holds


def test_stages_follow_the_documented_rules() -> None:
    # Areas 2/2/2 with windows met: Systematic (3); at 3/3/3 with reliable windows: Optimized.
    systematic = {
        **OPTIMIZED_CHAT,
        "messages.dm_share": 0.3,
        "response.record_answer_share": 0.2,
        "decisions.record_link_share": 0.5,
    }
    assert _levels(systematic)["stage"] == 3
    assert _levels({**systematic, "response.within_window_share": 0.7})["stage"] == 2
    # Only one area above 0: Reactive needs two.
    chaotic = {**OPTIMIZED_CHAT, "messages.dm_share": 0.6, "decisions.record_link_share": 0.01}
    assert _levels(chaotic)["stage"] == 1


def test_roadmap_ranks_bottleneck_and_large_gaps_first() -> None:
    # Decision making is the bottleneck (level 0, far below its threshold); leadership is at 2
    # and misses level 3 on DM share by a small margin.
    metrics = {**OPTIMIZED_CHAT, "decisions.record_link_share": 0.01, "messages.dm_share": 0.21}
    placement = place(FIVE, metrics, {}, stages=WMI)
    roadmap = build_roadmap(
        FIVE, placement, practices_catalogue(), ACF, metrics=metrics, cost=None, stages=WMI
    )
    ids = [a.practice.id for a in roadmap]
    assert ids[0] == "decision-log"
    first = roadmap[0]
    assert first.quadrant == "do-first"  # bottleneck (important) and gap 90% (urgent)
    assert first.baseline == pytest.approx(0.01)
    open_action = next(a for a in roadmap if a.practice.id == "work-in-the-open")
    assert open_action.quadrant == "eliminate"  # neither bottleneck nor a large gap
    assert ids.index("decision-log") < ids.index("work-in-the-open")


def _documentation_gap_roadmap(**extra: Any) -> list[Any]:
    # Records linked in 3% of messages: documentation level 1 met (>= 2%), level 2 not (>= 5%).
    # Its actions are answer-with-a-link (target: response.record_answer_share, measured) and
    # central-tracker (target: work.owner_share, which a chat-only store cannot measure).
    metrics = {**OPTIMIZED_CHAT, "messages.record_link_share": 0.03}
    placement = place(FIVE, metrics, {}, stages=WMI)
    return build_roadmap(
        FIVE, placement, practices_catalogue(), ACF, metrics=metrics, cost=None, stages=WMI, **extra
    )


def test_an_action_whose_target_has_no_value_says_what_to_add_and_ranks_last() -> None:
    roadmap = _documentation_gap_roadmap(counts={"messages": 100, "work_items": 0})
    ids = [a.practice.id for a in roadmap]
    tracker = roadmap[ids.index("central-tracker")]
    assert tracker.baseline is None
    assert tracker.needs_evidence is not None
    assert tracker.needs_evidence.startswith("add the tracker export (")
    assert tracker.needs_evidence.endswith(") to measure work.owner_share")
    assert "github" in tracker.needs_evidence
    # Every action with a measured target comes first, whatever its quadrant.
    measured = [a.needs_evidence is None for a in roadmap]
    assert measured == sorted(measured, reverse=True) and measured[0]
    assert roadmap[ids.index("answer-with-a-link")].needs_evidence is None
    assert tracker.to_json(None)["needs_evidence"] == tracker.needs_evidence


def test_an_unknown_target_says_why_the_exports_cannot_show_it() -> None:
    why = "no export shows assignees (github issues.json cannot)"
    roadmap = _documentation_gap_roadmap(unknown={"work.owner_share": why})
    tracker = next(a for a in roadmap if a.practice.id == "central-tracker")
    assert tracker.needs_evidence == f"work.owner_share is unknown: {why}"


def test_tracker_evidence_without_the_figure_says_so() -> None:
    roadmap = _documentation_gap_roadmap(counts={"messages": 100, "work_items": 3})
    tracker = next(a for a in roadmap if a.practice.id == "central-tracker")
    assert tracker.needs_evidence is not None
    assert tracker.needs_evidence.startswith("the store's work evidence gives work.owner_share")


def test_an_action_resting_on_an_assumed_default_names_it() -> None:
    assumed = Assumption(
        "record-systems",
        "default patterns",
        "charter: record_systems",
        metrics=("messages.record_link_share",),
    )
    detected = Assumption(
        "working-hours",
        "read from messages",
        "charter: working_hours",
        metrics=("messages.record_link_share",),
        basis="detected",
    )
    roadmap = _documentation_gap_roadmap(assumptions=[assumed, detected])
    link = next(a for a in roadmap if a.practice.id == "answer-with-a-link")
    # The criterion it addresses reads the assumed default; a detected norm is no assumption.
    assert link.assumes == ["record-systems"]
    assert _documentation_gap_roadmap()[0].assumes == []
