"""The ledger and the decision log as evidence: the web app's export, ingested by the `ledger`
source, measured and assessed. Every figure is counted by hand below.

Default charter: Mon-Fri 09:00-17:00 UTC, normal requests 24 working hours, urgent 4. March 2026:
Mon 2, Tue 3, Wed 4, Thu 5, Fri 6.

Requests (requester -> owner):
  R1 normal, Mon 10:00, ana -> ben; due Thu 10:00; ben replies Tue 09:00: within the window.
  R2 normal, Mon 10:00, ana -> cat; due Thu 10:00; ana's own reply Wed answers nothing; cat
     replies Fri 12:00: answered late (overdue).
  R3 urgent, Tue 16:00, ben -> ana; Tue 1 h + Wed 3 h: due Wed 12:00; never answered: overdue.
  R4 urgent, Wed 10:00, ana -> dan; due Wed 14:00; ana closes it at 11:00 unanswered: withdrawn,
     no outcome.
  R5 emergency, Thu 10:00, dan -> ben: no window; ben replies 10:05: no window, no outcome.
  R6 normal, created now, unanswered and not yet due: no outcome.
  ledger.requests 6; within_window_share: R1 yes, R2 no = 0.5; overdue_share: R1 no, R2 yes,
  R3 yes = 2/3.
Decision log:
  D1 proposed Mon 09:00, accepted Wed 15:00 (54 h = 194400 s); context and consequences; Ana.
  D2 recorded accepted Tue 12:00 (after the fact: no latency); context only; no deciders.
  D3 proposed Thu 09:00, still proposed; context and consequences; Ben and Cat.
  D4 proposed Mon 12:00, rejected Fri 12:00 (96 h = 345600 s); no context; Dan.
  decisions.log_records 4; with_rationale_share 2/4; with_owner_share 3/4; latency median of
  194400 and 345600 = 270000 s; work.decision_cycle.median_s over closed D1, D2 (0), D4 = 194400.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from asyncmaturity.decisions.records import DecisionRecord
from asyncmaturity.errors import EveryRecordSkipped
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest
from asyncmaturity.web import create_app
from asyncmaturity.web.deps import CSRF_HEADER, SESSION_COOKIE
from asyncmaturity.web.models import LedgerRequest, Membership, Team, User
from asyncmaturity.web.services import accounts, decisions, ledger
from tests.assessing import assessed
from tests.web.conftest import PASSWORD, settings_for


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of March 2026 in UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[FastAPI]:
    """A web app over a fresh SQLite database."""
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'web.db'}", escalation_interval_s=0))
    yield app
    app.state.context.engine.dispose()


def _fill(app: FastAPI) -> tuple[int, User]:
    """The team of the module docstring; returns its id and its admin (ana)."""
    context = app.state.context
    with context.sessions() as db:
        people = {
            name: accounts.create_user(
                db, email=f"{name}@example.org", password=PASSWORD, passwords=context.passwords
            )
            for name in ("ana", "ben", "cat", "dan")
        }
        team = Team(name="Platform")
        db.add(team)
        db.flush()
        for name, user in people.items():
            db.add(
                Membership(
                    user_id=user.id, team_id=team.id, role="admin" if name == "ana" else "member"
                )
            )

        def ask(asker: str, owner: str, urgency: str, when: datetime) -> LedgerRequest:
            draft = ledger.RequestDraft(
                title="Pricing review",
                action="Approve the new tiers",
                information="Doc: https://docs.google.com/d/1",
                urgency=urgency,
                owner_id=people[owner].id,
            )
            return ledger.create_request(
                db, team=team, requester=people[asker], draft=draft, now=when
            )

        def reply(request: LedgerRequest, author: str, when: datetime) -> None:
            ledger.add_reply(db, request=request, author=people[author], body="Done.", now=when)

        r1, r2 = ask("ana", "ben", "normal", at(2, 10)), ask("ana", "cat", "normal", at(2, 10))
        r3, r4 = ask("ben", "ana", "urgent", at(3, 16)), ask("ana", "dan", "urgent", at(4, 10))
        r5 = ask("dan", "ben", "emergency", at(5, 10))
        ask("ana", "ben", "normal", datetime.now(UTC))
        assert (r1.due_at, r3.due_at, r4.due_at, r5.due_at) == (
            at(5, 10),
            at(4, 12),
            at(4, 14),
            None,
        )
        reply(r1, "ben", at(3, 9))
        reply(r2, "ana", at(4, 9))
        reply(r2, "cat", at(6, 12))
        reply(r5, "ben", at(5, 10, 5))
        ledger.close_request(db, request=r4, user=people["ana"], is_admin=False, now=at(4, 11))

        def record(title: str, when: datetime, **fields: object) -> None:
            decisions.create_decision(
                db,
                team=team,
                proposer=people["ana"],
                now=when,
                record=DecisionRecord(title=title, **fields),  # type: ignore[arg-type]
            )

        record("D1", at(2, 9), context="Why", consequences="So", deciders=["Ana"])
        record("D2", at(3, 12), status="accepted", context="Why")
        record("D3", at(5, 9), context="Why", consequences="So", deciders=["Ben", "Cat"])
        record("D4", at(2, 12), deciders=["Dan"])
        for number, status, when in ((1, "accepted", at(4, 15)), (4, "rejected", at(6, 12))):
            found = decisions.decision_by_number(db, team=team, number=number)
            decisions.update_decision(
                db,
                decision=found,
                changes=DecisionRecord(title=found.title, status=status),
                fields=["status"],
                now=when,
            )
        db.commit()
        return team.id, people["ana"]


def _export(app: FastAPI, team_id: int, admin: User, path: Path) -> Path:
    with app.state.context.sessions() as db:
        token, session = accounts.open_session(db, user=admin, hours=1)
        db.commit()
    client = TestClient(
        app, cookies={SESSION_COOKIE: token}, headers={CSRF_HEADER: session.csrf_token}
    )
    response = client.get(f"/api/v1/teams/{team_id}/ledger/export")
    assert response.status_code == 200
    path.write_text(response.text)
    return path


def test_the_ledger_export_is_evidence_for_measure_and_assess(web: FastAPI, tmp_path: Path) -> None:
    team_id, admin = _fill(web)
    export = _export(web, team_id, admin, tmp_path / "ledger.json")
    assert detect_source(export).name == "ledger"
    store = tmp_path / "store.duckdb"
    summary = ingest([export], store=store)
    assert summary.added["work_items"] == 10  # 6 requests, 4 records
    again = ingest([export], store=store)
    assert sum(again.added.values()) == 0  # idempotent

    metrics = measure(store=store).metrics
    assert metrics["ledger.requests"] == 6
    assert metrics["ledger.within_window_share"] == 0.5
    assert metrics["ledger.overdue_share"] == pytest.approx(2 / 3)
    assert metrics["decisions.log_records"] == 4
    assert metrics["decisions.with_rationale_share"] == 0.5
    assert metrics["decisions.with_owner_share"] == 0.75
    assert metrics["decisions.latency.median_s"] == 270000
    # The tracker metrics read the same records: decisions with a close, and no issue or PR.
    assert metrics["work.decision_records"] == 4
    assert metrics["work.decision_cycle.median_s"] == 194400
    assert metrics["work.items"] == 0
    # Each request's text is an AWAIT request ("Approve the new tiers" with its doc link).
    assert metrics["await.requests"] >= 6

    assessment = assessed(store=store)
    assert assessment["metrics"]["decisions.with_owner_share"] == 0.75

    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        stored = opened.con.execute(
            "SELECT count(*) FROM identities WHERE identity_hash LIKE '%@%'"
        ).fetchone()
        names = opened.con.execute("SELECT count(display_name) FROM people").fetchone()
    assert stored == (0,) and names == (0,)  # only keyed hashes, no addresses or names


def test_a_later_export_adds_the_answers_and_closes(web: FastAPI, tmp_path: Path) -> None:
    team_id, admin = _fill(web)
    store = tmp_path / "store.duckdb"
    ingest([_export(web, team_id, admin, tmp_path / "first.json")], store=store)
    assert measure(store=store).metrics["ledger.within_window_share"] == 0.5
    with web.state.context.sessions() as db:
        late = db.get(LedgerRequest, 3)  # R3, due Wed 12:00
        owner = db.get(User, late.owner_id) if late else None
        assert late is not None and owner is not None
        ledger.add_reply(db, request=late, author=owner, body="Sorry, here.", now=at(4, 11))
        db.commit()
    later = ingest([_export(web, team_id, admin, tmp_path / "second.json")], store=store)
    assert later.added["work_events"] == 1 and later.added["work_items"] == 0
    # R3 now answered at 11:00, before its 12:00 due: within 2 of 3, overdue 1 (R2) of 3.
    metrics = measure(store=store).metrics
    assert metrics["ledger.within_window_share"] == pytest.approx(2 / 3)
    assert metrics["ledger.overdue_share"] == pytest.approx(1 / 3)


def test_a_document_that_is_not_a_ledger_export_is_refused_naming_the_record(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "ledger.json").write_text(
        json.dumps(
            {
                "format": "asyncmaturity-ledger",
                "version": 1,
                "team": {"id": 1, "name": "T"},
                "requests": [{"id": 1, "title": "x"}, "junk"],
                "decisions": [],
            }
        )
    )
    (folder / "other.json").write_text("{}")
    # Every record skipped and nothing read is no success: one error names the first reason and
    # its record, with the count of the three skipped (the two requests and the other file).
    with pytest.raises(EveryRecordSkipped) as refused:
        ingest([folder], store=tmp_path / "s.duckdb")
    message = str(refused.value)
    assert "every one of its 3 record(s) was skipped" in message
    assert "ledger.json requests[0]: no created_at" in message
