"""The six-week pilot: a planted change is reported with intervals that exclude zero, no change is
reported as none, periods that cannot be compared are refused, and the JSON keeps its shape."""

from __future__ import annotations

import inspect
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncmaturity.assess.pilot import (
    GUIDE_PERIOD_DAYS,
    MIN_PERIOD_DAYS,
    MIN_SHARED_PEOPLE,
    PeriodRequest,
    PilotDocument,
    check_people,
    check_periods,
    one_sided_doubt,
)
from asyncmaturity.cli import app
from asyncmaturity.cli.assessment import pilot as pilot_command
from asyncmaturity.errors import InvalidPilotPeriods
from asyncmaturity.pipeline import PilotRequest, run_pilot
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.simulate.parquet import simulate_parquet
from asyncmaturity.simulate.profiles import PROFILES

runner = CliRunner()

# 8 weeks from Monday 5 January 2026: a four-week baseline, then four weeks of pilot.
PEOPLE, DAYS, SEED = 14, 56, 7
CHANGE = date(2026, 2, 2)
BASELINE = PeriodRequest("baseline", date(2026, 1, 5), date(2026, 2, 1))
PILOT = PeriodRequest("pilot", date(2026, 2, 2), date(2026, 3, 1))
# Planted by reactive -> systematic (simulate/profiles.py): AWAIT-complete requests 0.08 -> 0.55,
# DM share 0.42 -> 0.28, after-hours share 0.20 -> 0.10, first-reply median 15 -> 30 min, and
# ad hoc meetings 1.25 -> 0.3 per person-day (meeting hours ~13 -> ~5 per person-week).
PLANTED_BETTER = {
    "meetings.hours_per_person_week": "lower",
    "await.complete_share": "higher",
    "messages.dm_share": "lower",
    "hours.after_hours_share": "lower",
}
PERIOD_ARGS = [
    "--baseline-since",
    "2026-01-05",
    "--baseline-until",
    "2026-02-01",
    "--pilot-since",
    "2026-02-02",
    "--pilot-until",
    "2026-03-01",
]


def _organization(folder: Path, *, changes: bool) -> Path:
    # The changed organization also keeps a calendar, so the planted meeting load shows.
    overrides = {"people": PEOPLE, "days": DAYS, "seed": SEED, "meetings": changes}
    params = PROFILES["reactive"].simulation(**overrides)
    if changes:
        after = PROFILES["systematic"].simulation(**overrides)
        params = replace(params, change_at=CHANGE, after_change=after)
    simulate_parquet(folder, params)
    return folder


@pytest.fixture(scope="module")
def changed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _organization(tmp_path_factory.mktemp("changed") / "pq", changes=True)


@pytest.fixture(scope="module")
def unchanged_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _organization(tmp_path_factory.mktemp("unchanged") / "pq", changes=False)


@pytest.fixture(scope="module")
def changed_outputs(changed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder where `pilot` wrote pilot.json, pilot.md and pilot.html of the changed one."""
    folder = tmp_path_factory.mktemp("outputs")
    result = runner.invoke(
        app,
        [
            "pilot",
            "--store",
            str(changed_store),
            *PERIOD_ARGS,
            "--json",
            str(folder / "pilot.json"),
            "--markdown",
            str(folder / "pilot.md"),
            "--html",
            str(folder / "pilot.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def changed_pilot(changed_outputs: Path) -> PilotDocument:
    text = (changed_outputs / "pilot.json").read_text(encoding="utf-8")
    return PilotDocument.model_validate(json.loads(text))


def test_the_planted_change_is_reported_with_intervals_that_exclude_zero(
    changed_pilot: PilotDocument,
) -> None:
    metrics = {m.id: m for m in changed_pilot.metrics}
    for metric_id, better in PLANTED_BETTER.items():
        row = metrics[metric_id]
        assert row.interval is not None and row.better == better, row
        low, high = row.interval
        assert (low > 0) if better == "higher" else (high < 0), row
        assert row.verdict == "improved", row
    # The first reply was planted slower (15 -> 30 min); no direction is registered for it.
    latency = metrics["response.first_reply.median_s"]
    assert latency.interval is not None and latency.interval[0] > 0
    assert latency.verdict in ("changed", "worsened")
    # A criterion the change crosses: AWAIT-complete requests are judged by its threshold.
    crossed = [c for c in changed_pilot.criteria if c.evidence == "await.complete_share"]
    assert crossed and all(c.verdict == "improved" for c in crossed)
    # A principle moves only as far as the metrics that moved it changed significantly.
    verdicts = {m.id: m.verdict for m in changed_pilot.metrics}
    assert changed_pilot.principles
    for principle in changed_pilot.principles:
        if principle.verdict in ("improved", "worsened"):
            assert principle.before != principle.after and principle.moved, principle
        if principle.before == principle.after:
            assert principle.verdict in ("no significant change", "cannot conclude"), principle
    assert any(p.verdict == "improved" for p in changed_pilot.principles), [
        (p.id, p.before, p.after, p.verdict) for p in changed_pilot.principles
    ]
    assert "improved" in verdicts.values()


def test_an_unchanged_organization_shows_no_significant_change(unchanged_store: Path) -> None:
    document = run_pilot(
        PilotRequest(store=unchanged_store, baseline=BASELINE, pilot=PILOT)
    ).document
    metrics = {m.id: m for m in document.metrics}
    # Its calendar is not simulated: the meeting load has no value to compare.
    chat = [m for m in PLANTED_BETTER if not m.startswith("meetings.")]
    for metric_id in [*chat, "response.first_reply.median_s"]:
        row = metrics[metric_id]
        assert row.interval is not None and row.interval[0] <= 0 <= row.interval[1], row
        assert row.verdict == "no significant change", row
    assert document.people is not None and document.people.share == 1.0
    # The same organization in both periods: no principle moves significantly.
    assert document.principles
    assert all(
        p.verdict in ("no significant change", "cannot conclude") for p in document.principles
    )


def test_every_verdict_follows_its_interval_and_direction(changed_pilot: PilotDocument) -> None:
    # Recomputed here from the rule as stated, independently of the comparison's code.
    for row in changed_pilot.metrics:
        if row.verdict == "cannot conclude":
            assert row.reason
            continue
        assert row.interval is not None
        low, high = row.interval
        if low <= 0 <= high:
            assert row.verdict == "no significant change", row
        elif row.verdict == "no significant change":
            # Excluding zero only once centred: the reason says how many replicates disagree.
            assert row.reason and "resampled differences" in row.reason, row
        elif row.better is None:
            assert row.verdict == "changed", row
        else:
            up = low > 0
            assert row.verdict == ("improved" if up == (row.better == "higher") else "worsened")


def test_the_pilot_json_has_its_shape(changed_outputs: Path) -> None:
    out, tmp_path = changed_outputs / "pilot.json", changed_outputs
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["kind"] == "asyncmaturity.pilot" and document["format_version"] == 1
    assert {
        "baseline",
        "pilot",
        "checks",
        "people",
        "stage",
        "areas",
        "criteria",
        "metrics",
    } <= set(document)
    assert document["baseline"]["days"] == 28 and document["pilot"]["days"] == 28
    assert {c["id"] for c in document["checks"]} == {
        "order",
        "overlap",
        "length",
        "evidence",
        "people",
    }
    # 28-day periods are shorter than the guide's six weeks: said, not refused.
    assert any("shorter than the 42 days" in line for line in document["cannot_conclude"])
    row = document["metrics"][0]
    assert set(row) == {
        "id",
        "before",
        "after",
        "change",
        "relative_change",
        "interval",
        "verdict",
        "reason",
        "better",
    }
    assert PilotDocument.model_validate(document).to_json() == document
    markdown = (tmp_path / "pilot.md").read_text(encoding="utf-8")
    assert "## What this pilot cannot conclude" in markdown and "await.complete_share" in markdown
    page = (tmp_path / "pilot.html").read_text(encoding="utf-8")
    assert 'id="pilot-metrics"' in page and "default-src 'none'" in page
    assert 'id="pilot-principles"' in page and "## Principles" in markdown
    assert {p["id"] for p in document["principles"]} >= {"clarity", "flow"}


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        (
            ["2026-02-01", "2026-01-05", "2026-02-02", "2026-03-01"],
            "the baseline period ends (2026-01-05) before it starts",
        ),
        (["2026-01-05", "2026-02-01", "2026-02-01", "2026-03-01"], "the periods overlap"),
        (
            ["2026-02-02", "2026-03-01", "2026-01-05", "2026-02-01"],
            "starts before the baseline",
        ),
        (["2026-01-05", "2026-01-17", "2026-02-02", "2026-03-01"], "holds 13 days"),
    ],
)
def test_periods_that_cannot_be_compared_give_one_error_line(
    periods: list[str], message: str, tmp_path: Path
) -> None:
    args = [
        "pilot",
        "--store",
        str(tmp_path / "never-read.duckdb"),
        "--baseline-since",
        periods[0],
        "--baseline-until",
        periods[1],
        "--pilot-since",
        periods[2],
        "--pilot-until",
        periods[3],
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines


def test_a_missing_store_gives_one_error_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["pilot", "--store", str(tmp_path / "none.duckdb"), *PERIOD_ARGS])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no such store" in lines[0]


def test_period_lengths_at_the_minimum_and_the_guide() -> None:
    # A date `until` includes its day: 5..18 January is 14 days, the least accepted.
    shortest = PeriodRequest("baseline", date(2026, 1, 5), date(2026, 1, 18))
    after = PeriodRequest("pilot", date(2026, 1, 19), date(2026, 3, 1))
    assert shortest.days() == MIN_PERIOD_DAYS
    checks = {c.id: c for c in check_periods(shortest, after)}
    assert (
        checks["length"].status == "warning" and "the baseline (14 days)" in checks["length"].text
    )
    six_weeks = PeriodRequest("baseline", date(2025, 11, 3), date(2025, 12, 14))
    assert six_weeks.days() == GUIDE_PERIOD_DAYS
    assert {c.id: c for c in check_periods(six_weeks, after)}["length"].status == "passed"


def test_the_same_people_check_counts_those_in_both_of_those_in_either() -> None:
    # {a, b, c, d} and {b, c, d, e}: 3 in both of 5 in either, 60%, under the 80% warning.
    check, overlap = check_people(frozenset("abcd"), frozenset("bcde"))
    assert overlap is not None and (overlap.both, overlap.share) == (3, 0.6)
    assert check.status == "warning"
    # {a, b} and {b, c, d}: 1 of 4, 25%, under the 50% refusal.
    with pytest.raises(InvalidPilotPeriods, match="1 of the 4 people"):
        check_people(frozenset("ab"), frozenset("bcd"))
    check, overlap = check_people(frozenset(), frozenset())
    assert check.status == "unknown" and overlap is None


def test_a_planted_change_keeps_the_organization() -> None:
    base = SimulationParams(people=6, days=20)
    with pytest.raises(ValueError, match="inside the period"):
        replace(base, change_at=date(2026, 3, 1), after_change=SimulationParams(people=6, days=20))
    with pytest.raises(ValueError, match="people must not change"):
        replace(base, change_at=date(2026, 1, 12), after_change=SimulationParams(people=7, days=20))
    with pytest.raises(ValueError, match="go together"):
        replace(base, change_at=date(2026, 1, 12))


def test_the_command_states_the_core_threshold_of_shared_people() -> None:
    default = inspect.signature(pilot_command).parameters["min_shared_people"].default
    assert default == MIN_SHARED_PEOPLE


def test_a_change_carried_by_one_rare_event_is_not_significant() -> None:
    # None before; after, one event on a day left out of 74 of 200 replicates (weight 0): those
    # show no change, so 74/200 = 37% of the differences are zero, far above 2.5%.
    before = [0.0] * 200
    after = [0.0] * 74 + [0.01] * 126
    assert "37% of the resampled differences" in (one_sided_doubt(before, after, 0.01) or "")
    # Every replicate on the side of the change: 4 of 200 against (2%) is within the tolerance.
    steady = [0.3] * 196 + [-0.1] * 4
    assert one_sided_doubt(before, steady, 0.3) is None
    assert one_sided_doubt(before, [-0.1] * 6 + [0.3] * 194, 0.3) is not None  # 3%
