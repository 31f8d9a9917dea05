"""Any mix of exports goes into one store in one call, and measure reports each kind's metrics."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from asyncmaturity.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()
MIX = [
    FIXTURES / "slack" / "zone_plus_0545",
    FIXTURES / "mail" / "first_reply_metrics.mbox",
    FIXTURES / "ical" / "small_team_week.ics",
    FIXTURES / "github" / "wrapped_issues_and_pulls.json",
    FIXTURES / "mattermost" / "replies_and_direct_posts.jsonl",
]


def test_a_mix_of_exports_in_one_call(tmp_path: Path) -> None:
    store = tmp_path / "mix.duckdb"
    result = runner.invoke(app, ["ingest", *map(str, MIX), "--store", str(store)])
    assert result.exit_code == 0, result.output + result.stderr
    for name in ("Slack", "mbox", "iCalendar", "GitHub", "Mattermost"):
        assert name in result.output
    measured = runner.invoke(app, ["measure", "--store", str(store), "--json", "-"])
    document = json.loads(measured.output)
    metrics = document["metrics"]
    # Chat and mail, calendar, and tracker figures all come from the one store.
    assert metrics["messages.human"] > 0 and metrics["response.answered_share"] is not None
    assert metrics["meetings.instances"] > 0 and metrics["meetings.hours"] > 0
    assert metrics["work.items"] > 0 and metrics["work.close.median_s"] is not None
    counts = document["store"]["counts"]
    assert all(counts[t] > 0 for t in ("messages", "meetings", "attendance", "work_items"))
    # Re-ingesting the same mix adds nothing.
    again = runner.invoke(app, ["ingest", *map(str, MIX), "--store", str(store)])
    assert again.exit_code == 0
    assert _counts(store) == counts


def _counts(store: Path) -> dict[str, int]:
    measured = runner.invoke(app, ["measure", "--store", str(store), "--json", "-"])
    counts: dict[str, int] = json.loads(measured.output)["store"]["counts"]
    return counts


def test_one_bad_export_in_a_mix_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "mix.duckdb"
    first = runner.invoke(app, ["ingest", str(MIX[0]), "--store", str(store)])
    assert first.exit_code == 0
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\nthis is not a calendar", encoding="utf-8")
    before = _counts(store)
    result = runner.invoke(app, ["ingest", str(MIX[1]), str(broken), "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and "broken.ics" in result.stderr
    # Nothing of the mail archive went in either: the whole call was one transaction.
    assert _counts(store) == before
