"""Trackers on real exports: Jira issues done without a resolution date, GitLab kinds and closes."""

from __future__ import annotations

import hashlib
import json
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source
from asyncmaturity.store.ingest import ingest

REAL = Path(__file__).parent / "fixtures" / "real"
JIRA_SAMPLE = REAL / "jira" / "jira_search_changelog.json"


def _rows(store: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(sql).fetchall()


def _item_key(source: str, ref: str) -> str:
    return hashlib.md5(f"{source}|{ref}".encode()).hexdigest()


def _utc(text: str) -> datetime:
    """A naive UTC instant from Jira's '2015-11-21T07:03:02.000-0500'."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC).replace(tzinfo=None)


def _expected_jira_closes() -> dict[str, datetime | None]:
    """Independently of the reader: resolutiondate, else (done) the last status change, else open."""
    closes: dict[str, datetime | None] = {}
    for issue in json.loads(JIRA_SAMPLE.read_text("utf-8"))["issues"]:
        fields = issue["fields"]
        close = fields["resolutiondate"]
        if close is None and fields["status"]["statusCategory"]["key"] == "done":
            close = max(
                (h["created"] for h in issue["changelog"]["histories"]
                 for item in h["items"]
                 if item["field"] == "status" and item["to"] == fields["status"]["id"]),
                key=_utc,
            )  # fmt: skip
        closes[issue["key"]] = _utc(close) if close else None
    return closes


def test_jira_done_without_resolution_date_is_closed_at_its_move_into_done(tmp_path: Path) -> None:
    expected = _expected_jira_closes()
    assert sum(v is not None for v in expected.values()) == 17  # 4 resolved, 13 done without one
    assert detect_source(JIRA_SAMPLE).name == "jira"
    store = tmp_path / "s.duckdb"
    summary = ingest([JIRA_SAMPLE], store=store)
    assert summary.skipped_total == 0
    assert summary.exports[0].notes == [
        "13 done issues without a resolution date, closed at their move into that status in "
        "the changelog"
    ]
    created = {i["key"]: _utc(i["fields"]["created"]) for i in json.loads(
        JIRA_SAMPLE.read_text("utf-8"))["issues"]}  # fmt: skip
    rows = {
        key: rest
        for key, *rest in _rows(store, "SELECT item_key, created_at, closed_at FROM work_items")
    }
    assert rows == {_item_key("jira", f"UT|{k}"): [created[k], v] for k, v in expected.items()}
    durations = [(v - created[k]).total_seconds() for k, v in expected.items() if v is not None]
    metric = measure(store=store).metrics["work.close.median_s"]
    assert abs(metric - statistics.median(durations)) < 1e-3


def test_jira_csv_done_without_resolved_is_closed_at_the_category_change(tmp_path: Path) -> None:
    # Named after the quirk (no public Jira Cloud CSV with these columns was found).
    export = tmp_path / "jira.csv"
    export.write_text(
        "Issue key,Created,Resolved,Updated,Status Category,Status Category Changed\n"
        "OPS-1,2026-03-02 09:00,,2026-03-05 09:00,Done,2026-03-04 09:00\n"
        "OPS-2,2026-03-02 09:00,,2026-03-06 09:00,Done,\n"
        "OPS-3,2026-03-02 09:00,,2026-03-06 09:00,In Progress,2026-03-03 09:00\n",
        "utf-8",
    )
    store = tmp_path / "s.duckdb"
    summary = ingest([export], store=store)
    assert summary.exports[0].notes == [
        "1 done issues without a resolution date, closed at their status category change",
        "1 done issues without a resolution date, closed at their last update",
    ]
    rows = {k: v for k, v in _rows(store, "SELECT item_key, closed_at FROM work_items")}
    assert rows == {
        _item_key("jira", "OPS|OPS-1"): datetime(2026, 3, 4, 9),
        _item_key("jira", "OPS|OPS-2"): datetime(2026, 3, 6, 9),
        _item_key("jira", "OPS|OPS-3"): None,
    }
