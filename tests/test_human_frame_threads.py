"""The human frame keeps a message's thread on replies only: the only rows any reader takes it
from (thread counts, first replies, thread conduct), so that the frame copies no key for roots."""

from __future__ import annotations

from pathlib import Path

from asyncmaturity.charter import Charter
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.evidence import open_evidence
from asyncmaturity.store.ingest import ingest

# Two threads, each a root and a reply; each root's thread_root_key in the store is its own key.
EXPORT = Path(__file__).parent / "fixtures" / "mattermost" / "reply_stamped_before_root.jsonl"


def test_thread_root_key_is_kept_on_replies_only(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([EXPORT], store=store)
    with open_evidence(store) as evidence:
        stored = evidence.table("messages").to_pyarrow().to_pylist()
        frames = build_frames(evidence, Charter())
        human = frames.human.to_pyarrow().to_pylist()
    threads = {row["message_key"]: row["thread_root_key"] for row in stored}
    assert {row["message_key"] for row in human} == set(threads)
    for row in human:
        expected = threads[row["message_key"]] if row["is_reply"] else None
        assert row["thread_root_key"] == expected
    # Independently, from the stored rows: threads with a reply, and every root answered.
    replied = {row["thread_root_key"] for row in stored if row["is_reply"]}
    metrics = measure(store=store).metrics
    assert metrics["threads.count"] == len(replied) == 2
    assert metrics["response.answered_share"] == 1.0
