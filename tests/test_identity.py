"""One person across sources: an e-mail address links them, pseudonymously, whatever came first."""

from __future__ import annotations

import json
from pathlib import Path

from asyncmaturity.store.database import EvidenceStore, identity_hash, person_key
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"


def _slack_export_with_ana(root: Path) -> Path:
    """A one-message Slack export whose author's profile has Ana's address in another case."""
    (root / "general").mkdir(parents=True)
    ana = {
        "id": "UANA00001",
        "name": "ana",
        "tz": "America/New_York",
        "profile": {"email": " ANA@example.org "},
    }
    (root / "users.json").write_text(json.dumps([ana]))
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    message = {"type": "message", "user": "UANA00001", "text": "hello", "ts": "1767582900.000000"}
    (root / "general" / "2026-01-05.json").write_text(json.dumps([message]))
    return root


def test_calendar_then_chat_link_by_email_and_the_zone_is_filled_in(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    # The calendar knows Ana only by address (no time zone); the Slack profile gives the same
    # address and her zone.
    ingest([FIXTURES / "ical" / "attendees_partstat_role.ics"], store=store)
    ingest([_slack_export_with_ana(tmp_path / "slack")], store=store)
    with EvidenceStore.open(store, create=False) as opened:
        ana = person_key(opened.secret, "email:ana@example.org")
        rows = opened.con.execute(
            "SELECT count(*), any_value(tz) FROM people WHERE person_key = ?", [ana]
        ).fetchone()
        assert rows == (1, "America/New_York")
        # Her calendar attendance and her Slack messages carry the same key.
        attended = opened.con.execute(
            "SELECT count(*) FROM attendance WHERE person_key = ?", [ana]
        ).fetchone()
        wrote = opened.con.execute(
            "SELECT count(*) FROM messages WHERE author_key = ?", [ana]
        ).fetchone()
        assert attended is not None and attended[0] >= 1
        assert wrote is not None and wrote[0] >= 1
        kinds = {
            row[0]
            for row in opened.con.execute(
                "SELECT kind FROM identities WHERE person_key = ?", [ana]
            ).fetchall()
        }
        assert "email" in kinds and "slack user" in kinds
        # No address or name is stored, only keyed hashes.
        stored = opened.con.execute(
            "SELECT count(*) FROM identities WHERE identity_hash = ?",
            [identity_hash(opened.secret, "email:ana@example.org")],
        ).fetchone()
        assert stored == (1,)
        leaked = opened.con.execute(
            "SELECT count(*) FROM people WHERE display_name IS NOT NULL"
        ).fetchone()
        assert leaked == (0,)


def test_a_later_export_fills_in_the_close_of_an_issue_first_seen_open(tmp_path: Path) -> None:
    def export(name: str, closed_at: str | None) -> Path:
        path = tmp_path / name / "issues.json"
        path.parent.mkdir()
        issue = {
            "number": 22,
            "title": "Cache the build",
            "author": "erik",
            "createdAt": "2026-03-03T08:00:00Z",
            "closedAt": closed_at,
            "state": "CLOSED" if closed_at else "OPEN",
            "labels": [],
            "assignees": [],
            "url": "https://github.com/acme/tools/issues/22",
            "comments": [],
        }
        path.write_text(json.dumps([issue]))
        return path

    store = tmp_path / "s.duckdb"
    ingest([export("monday", None)], store=store, format="github")
    later = ingest([export("friday", "2026-03-06T08:00:00Z")], store=store, format="github")
    assert later.added.get("work_items", 0) == 0  # the same item, not a second one
    with EvidenceStore.open(store, create=False) as opened:
        rows = opened.con.execute(
            "SELECT count(*), any_value(closed_at) FROM work_items"
        ).fetchone()
    assert rows is not None and rows[0] == 1 and str(rows[1]) == "2026-03-06 08:00:00"
