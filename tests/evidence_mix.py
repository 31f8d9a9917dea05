"""A store with every kind of evidence and a charter that uses every norm, for engine parity.

A small simulated organization (AWAIT requests planted) plus one export of every source kind
(Slack fixtures, mail, two calendars, GitHub, GitLab, Jira, Mattermost and the request ledger),
and a charter with per-person zones and hours, out-of-office days, holidays, urgent channels,
exclusions, bots, focus blocks and no-meeting days: every frame and every metric gets data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asyncmaturity.charter import Charter
from asyncmaturity.simulate.export import simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.export import export_parquet
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = [
    FIXTURES / "slack" / "zone_plus_0545",
    FIXTURES / "mail" / "first_reply_metrics.mbox",
    FIXTURES / "ical" / "small_team_week.ics",
    FIXTURES / "ical" / "attendees_partstat_role.ics",
    FIXTURES / "ical" / "decision_meetings_with_and_without_notes.ics",
    FIXTURES / "ical" / "offline_days_booked_ahead.ics",
    FIXTURES / "github" / "wrapped_issues_and_pulls.json",
    FIXTURES / "gitlab" / "system_notes_are_events.json",
    FIXTURES / "jira" / "changelog_status_transitions.json",
    FIXTURES / "mattermost" / "replies_and_direct_posts.jsonl",
    FIXTURES / "ledger" / "requests_and_records.json",
]


@dataclass(frozen=True)
class Mix:
    """The store file, its Parquet export, the store's secret and the charter to measure with."""

    store: Path
    parquet: Path
    secret: str
    charter: Charter


def build_mix(folder: Path) -> Mix:
    """Simulate, ingest and export the mix under `folder`."""
    simulated = folder / "simulated"
    simulate_slack_export(
        simulated, SimulationParams(people=30, days=20, seed=3, await_request_share=0.4)
    )
    store = folder / "mix.duckdb"
    ingest([simulated, *EXPORTS], store=store)
    parquet = folder / "parquet"
    secret_file = folder / "secret"
    export_parquet(store, parquet, secret_file=secret_file)
    users = json.loads((simulated / "users.json").read_text(encoding="utf-8"))
    humans = [u for u in users if not u.get("is_bot") and u["id"] != "USLACKBOT"]
    charter = Charter.model_validate(
        {
            "timezone": "Europe/Berlin",
            "holidays": [{"date": "2026-01-06", "name": "Epiphany", "timezone": "Europe/Berlin"}],
            "response_windows": {"default": 24, "dm": 8, "urgent channel": 1},
            "urgent_channels": ["incidents"],
            "people": [
                {
                    "id": humans[0]["id"],
                    "timezone": "Asia/Tokyo",
                    "working_hours": {"start": "08:00", "end": "16:00"},
                    "out_of_office": [{"start": "2026-01-12", "end": "2026-01-14"}],
                },
                {"id": humans[1]["profile"]["email"], "working_days": ["mon", "tue", "wed"]},
            ],
            "exclude": [humans[2]["id"]],
            "bots": [humans[3]["profile"]["email"]],
            "min_group_size": 3,
            "focus_blocks": [{"days": ["mon", "fri"], "start": "09:00", "end": "11:00"}],
            "no_meeting_days": ["wed"],
        }
    )
    return Mix(store, parquet, secret_file.read_text(encoding="utf-8").strip(), charter)


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Where two `measure --json` documents disagree on a metric value, organization or scope.

    Counts must be equal; other values equal to 12 significant digits (engines may add floats in
    another order, which moves the last bit).
    """

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
        return bool(a == b)

    problems = [
        f"organization {k}: {v!r} != {found['metrics'].get(k)!r}"
        for k, v in expected["metrics"].items()
        if not same(v, found["metrics"].get(k))
    ]
    for scope, groups in expected["scopes"].items():
        other = found["scopes"].get(scope, {})
        if set(groups) != set(other):
            problems.append(f"{scope}: groups {sorted(groups)} != {sorted(other)}")
            continue
        for group, values in groups.items():
            problems += [
                f"{scope}={group} {k}: {v!r} != {other[group].get(k)!r}"
                for k, v in values.items()
                if not same(v, other[group].get(k))
            ]
    if expected["privacy"] != found["privacy"]:
        problems.append(f"privacy: {expected['privacy']} != {found['privacy']}")
    return problems


VOLATILE = {"generated_at", "tool", "store"}


def assessment_differences(expected: Any, found: Any, where: str = "$") -> list[str]:
    """Where two assessment documents disagree, what a run cannot reproduce left out (when it ran,
    the tool's version, where the store was); floats to 1e-9 relative (engines may add in
    another order)."""
    if isinstance(expected, dict):
        if not isinstance(found, dict):
            return [f"{where}: {found!r} is not an object"]
        keys = set(expected) - VOLATILE
        if keys != set(found) - VOLATILE:
            return [f"{where}: keys {sorted(keys ^ (set(found) - VOLATILE))} differ"]
        return [
            problem
            for key in sorted(keys)
            for problem in assessment_differences(expected[key], found[key], f"{where}.{key}")
        ]
    if isinstance(expected, list):
        if not isinstance(found, list) or len(found) != len(expected):
            return [f"{where}: lengths differ"]
        return [
            problem
            for index, (a, b) in enumerate(zip(expected, found, strict=True))
            for problem in assessment_differences(a, b, f"{where}[{index}]")
        ]
    if isinstance(expected, float) and isinstance(found, int | float):
        if math.isclose(expected, found, rel_tol=1e-9, abs_tol=1e-9):
            return []
    elif expected == found:
        return []
    return [f"{where}: {expected!r} != {found!r}"]
