"""A reply stamped before its root (clock skew): answered at zero delay, and counted at ingest."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.ingest import ingest

# Named after the quirk: bob's "yes" is stamped 90 s before alice's root (a real Mattermost
# export had such a pair); the other thread is answered after 600 s.
EXPORT = Path(__file__).parent / "fixtures" / "mattermost" / "reply_stamped_before_root.jsonl"
NOTE = (
    "1 reply is stamped before the thread's root (clock skew): a first reply among them counts "
    "as answered at zero delay"
)


def test_first_reply_is_never_negative(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([EXPORT], store=store)
    assert summary.exports[0].notes == [NOTE]
    metrics = measure(store=store).metrics
    # By hand: latencies max(-90, 0) = 0 and 600; median 300, p90 0 + 0.9 * 600 = 540.
    # Unclamped the median would be (-90 + 600) / 2 = 255.
    assert metrics["response.answered_share"] == 1.0
    assert metrics["response.first_reply.median_s"] == 300.0
    assert metrics["response.first_reply.p90_s"] == 540.0
    # Both threads fall on Monday 2 February 2026 in working hours (UTC, the default schedule).
    assert metrics["response.first_reply.business.median_s"] == 300.0
    again = ingest([EXPORT], store=store)
    assert again.exports[0].notes == []  # nothing new added, nothing new to note


def test_ingest_prints_the_note(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(EXPORT), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert f"note: {NOTE}" in " ".join(result.output.split())


REAL_EXPORT = Path(__file__).parent / "fixtures" / "real" / "mattermost" / "export.json"


def test_real_mattermost_export_with_a_reply_before_its_root(tmp_path: Path) -> None:
    # Independently of the reader: every post is a root; a root is answered by a reply from
    # someone else; its latency is max(reply - root, 0) in seconds.
    roots = [
        json.loads(line)["post"]
        for line in REAL_EXPORT.read_text("utf-8").splitlines()
        if json.loads(line)["type"] == "post"
    ]
    latencies = [
        max(min(r["create_at"] for r in p["replies"] if r["user"] != p["user"]) - p["create_at"], 0)
        / 1000
        for p in roots
        if any(r["user"] != p["user"] for r in p["replies"] or [])
    ]
    assert latencies == [0.0]  # Ron's reply is stamped 72.11 s before Harry's root
    store = tmp_path / "s.duckdb"
    summary = ingest([REAL_EXPORT], store=store)
    assert summary.skipped_total == 0
    assert summary.exports[0].notes == [NOTE]
    metrics = measure(store=store).metrics
    assert metrics["response.first_reply.median_s"] == statistics.median(latencies)
    assert metrics["response.answered_share"] == len(latencies) / len(roots)
