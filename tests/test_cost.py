"""Coordination cost on a hand-made Slack export whose every interruption is counted by hand.

The fixture ``focus_block_interruptions`` (tests/fixtures/slack) holds one week, Monday 2 March to
Sunday 8 March 2026. ana, ben and cat are on UTC; dev is on Asia/Tokyo (UTC+9, no DST). Times
below are UTC; the default focus block is 09:00-11:00 Monday to Friday on the sender's clock,
start inclusive, end exclusive.

| # | when (UTC)     | where          | who | what                         | default block |
|---|----------------|----------------|-----|------------------------------|---------------|
| 1 | Mon 08:59      | #general       | ana | "morning all"                | 0 (before)    |
| 2 | Mon 09:00      | #general       | ana | @here                        | 2 (see below) |
| 3 | Mon 15:00      | #general       | ana | question, answered (3a)      | 0             |
| 3a| Tue 10:00      | #general thread| ben | answer to 3                  | 0 (a reply)   |
| 4 | Wed 10:15      | #general       | cat | two mentions                 | 2             |
| 5 | Wed 11:00      | #general       | ben | one mention, at the end      | 0 (exclusive) |
| 6 | Wed 16:00      | #general       | cat | question, never answered     | 0             |
| 7 | Thu 14:30      | #general       | ben | @channel                     | 0             |
| 8 | Tue 09:30      | DM ana-ben     | ben | DM                           | 1             |
| 9 | Tue 12:00      | DM ana-ben     | ana | DM                           | 0             |
|10 | Thu 01:00      | DM dev-cat     | dev | DM, 10:00 in Tokyo           | 1 (his clock) |
|11 | Thu 09:30      | DM dev-cat     | dev | DM, 18:30 in Tokyo           | 0 (his clock) |
|12 | Sun 10:00      | DM dev-cat     | cat | DM on a Sunday               | 0 (weekend)   |
|13 | Fri 10:00      | group DM       | cat | group-DM message             | 2 (assumed)   |

The @here (2) interrupts the other *active* members of #general: ana, ben and cat write there,
dev is a member in channels.json but never writes there, so 3 - 1 = 2.
Interruptions: 2 + 2 + 1 + 1 + 2 = 8. People active: 4. Period: Monday 00:00 to the end of
Sunday = 7 days = 1 week, so 4 person-weeks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from asyncmaturity.charter import Charter, FocusBlock
from asyncmaturity.cli import app
from asyncmaturity.errors import InvalidFramework
from asyncmaturity.metrics.cost import (
    CoordinationCost,
    CostAssumptions,
    coordination_cost,
    load_assumptions,
    period_weeks,
)
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.metrics.measure import compute
from asyncmaturity.store.evidence import open_evidence
from asyncmaturity.store.ingest import ingest

runner = CliRunner()
FIXTURE = Path(__file__).parent / "fixtures" / "slack" / "focus_block_interruptions"
# Stated here rather than taken from the defaults, so a change of default does not move the
# hand-computed figures.
PINNED = CostAssumptions(refocus_minutes=23, waiting_cap_hours=16, waiting_blocking_share=0.1)


@pytest.fixture(scope="module")
def focus_week_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `focus_block_interruptions` export ingested once for the module."""
    path = tmp_path_factory.mktemp("cost") / "s.duckdb"
    ingest([FIXTURE], store=path)
    return path


def _cost(
    store: Path, charter: Charter | None = None, assumptions: CostAssumptions = PINNED
) -> CoordinationCost:
    charter = charter or Charter()
    with open_evidence(store) as opened:
        frames = build_frames(opened, charter)
        metrics, *_ = compute(frames)
        weeks = period_weeks(frames.first, frames.last, None, None)
        return coordination_cost(frames, metrics, assumptions, weeks=weeks)


def test_period_is_first_to_last_day_inclusive(focus_week_store: Path) -> None:
    cost = _cost(focus_week_store)
    # Mon 08:59 to Sun 10:00: whole days Monday to Sunday are 7 days, not 7 days and 1 hour.
    assert cost.weeks == 1.0
    assert cost.people == 4


def test_period_weeks_counts_whole_days_or_the_given_bounds() -> None:
    from datetime import datetime

    first, last = datetime(2026, 3, 2, 8, 59), datetime(2026, 3, 8, 10, 0)
    assert period_weeks(first, last, None, None) == 1.0
    # A single message: one day, at least.
    assert period_weeks(first, first, None, None) == pytest.approx(1 / 7)
    # [since, until) taken as given, times of day included: 3 March 12:00 to 5 March 00:00.
    since, until = datetime(2026, 3, 3, 12), datetime(2026, 3, 5)
    assert period_weeks(first, last, since, until) == pytest.approx(1.5 / 7)
    assert period_weeks(None, None, None, None) == 0.0


def test_interruptions_in_the_default_focus_block(focus_week_store: Path) -> None:
    cost = _cost(focus_week_store)
    interruptions = cost.component("interruptions")
    assert interruptions.events == 8
    # 8 x 23 min = 184 min = 3.0667 h over 4 person-weeks = 0.76667 h per person-week.
    assert interruptions.hours_per_person_week == pytest.approx(8 * 23 / 60 / 4)
    assert any("No focus blocks in the charter" in text for text in cost.assumed)


def test_waiting_on_requests_counts_working_hours_and_caps_the_unanswered(
    focus_week_store: Path,
) -> None:
    cost = _cost(focus_week_store)
    waiting = cost.component("waiting")
    assert waiting.events == 2
    # Question 3, Mon 15:00, answered Tue 10:00 by ben (09:00-17:00 UTC): 2 h on Monday and 1 h on
    # Tuesday = 3 working hours. Question 6 is never answered: the 16 h cap.
    # (3 + 16) h x 10% blocking = 1.9 h over 4 person-weeks = 0.475 h per person-week.
    assert waiting.hours_per_person_week == pytest.approx((3 + 16) * 0.1 / 4)
    # A lower cap also cuts the answered one: (3 + 2) x 0.5 / 4.
    capped = _cost(
        focus_week_store,
        assumptions=CostAssumptions(waiting_cap_hours=2, waiting_blocking_share=0.5),
    ).component("waiting")
    assert capped.hours_per_person_week == pytest.approx((2 + 2) * 0.5 / 4)


def test_no_calendar_means_no_meeting_figure_and_total_of_the_rest(focus_week_store: Path) -> None:
    cost = _cost(focus_week_store)
    assert cost.component("meetings").hours_per_person_week is None
    assert cost.total_hours_per_person_week == pytest.approx(8 * 23 / 60 / 4 + 19 * 0.1 / 4)


def test_charter_focus_blocks_replace_the_default(focus_week_store: Path) -> None:
    charter = Charter(
        focus_blocks=[
            FocusBlock(start="14:00", end="15:00"),  # Monday to Friday
            FocusBlock(days=["sun"], start="09:00", end="11:00"),
        ]
    )
    cost = _cost(focus_week_store, charter)
    # 14:00-15:00 on weekdays: only the @channel (7), Thu 14:30, to ben's 2 fellow writers of
    # #general; question 3 at Mon 15:00 sits on the block's exclusive end. Sunday 09:00-11:00:
    # cat's DM (12). dev's DMs are 10:00 and 18:30 on his clock, in neither block. 2 + 1 = 3.
    interruptions = cost.component("interruptions")
    assert interruptions.events == 3
    assert interruptions.hours_per_person_week == pytest.approx(3 * 23 / 60 / 4)
    assert not any("No focus blocks in the charter" in text for text in cost.assumed)


def test_refocus_minutes_scale_the_interruption_hours(focus_week_store: Path) -> None:
    cost = _cost(focus_week_store, assumptions=CostAssumptions(refocus_minutes=30))
    assert cost.component("interruptions").hours_per_person_week == pytest.approx(8 * 0.5 / 4)


def _assess_json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, ["assess", *args, "--json", "-"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_hourly_cost_turns_hours_into_money_in_the_json(
    focus_week_store: Path, tmp_path: Path
) -> None:
    assumptions = tmp_path / "assumptions.yaml"
    assumptions.write_text(
        "refocus_minutes: 23\nwaiting_cap_hours: 16\nwaiting_blocking_share: 0.1\ncurrency: CHF\n"
    )
    document = _assess_json(
        [
            "--store",
            str(focus_week_store),
            "--assumptions",
            str(assumptions),
            "--hourly-cost",
            "100",
        ]
    )
    cost = document["cost"]
    assert cost["assumptions"]["hourly_cost"] == 100
    assert cost["assumptions"]["currency"] == "CHF"
    assert cost["weeks"] == 1.0 and cost["people"] == 4
    components = {c["id"]: c for c in cost["components"]}
    # 0.76667 h x 100 = 76.67 per person-week; 0.475 h x 100 = 47.50.
    assert components["interruptions"]["money_per_person_week"] == pytest.approx(
        8 * 23 / 60 / 4 * 100
    )
    assert components["waiting"]["money_per_person_week"] == pytest.approx(19 * 0.1 / 4 * 100)
    assert components["meetings"]["money_per_person_week"] is None
    assert cost["total_money_per_person_week"] == pytest.approx((184 / 240 + 0.475) * 100)
    # Without an hourly cost there is no money anywhere.
    plain = _assess_json(["--store", str(focus_week_store)])["cost"]
    assert plain["total_money_per_person_week"] is None
    assert all(c["money_per_person_week"] is None for c in plain["components"])


@pytest.mark.parametrize(
    ("yaml_text", "field"),
    [
        ("refocus_minutes: -5\n", "refocus_minutes"),
        ("waiting_blocking_share: 1.5\n", "waiting_blocking_share"),
        ("refocus: 20\n", "refocus"),
        ("action_savings:\n  focus-time: lots\n", "action_savings.focus-time"),
    ],
)
def test_invalid_assumption_names_the_field(tmp_path: Path, yaml_text: str, field: str) -> None:
    path = tmp_path / "assumptions.yaml"
    path.write_text(yaml_text)
    with pytest.raises(InvalidFramework, match=rf"field {field}:"):
        load_assumptions(path)


def test_invalid_assumptions_file_is_one_error_line(focus_week_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "assumptions.yaml"
    path.write_text("refocus_minutes: 0\n")
    result = runner.invoke(
        app, ["assess", "--store", str(focus_week_store), "--assumptions", str(path)]
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {path}: field refocus_minutes: ")
    assert "Traceback" not in result.output
