"""The AWAIT request ledger and the decision log of `asyncmaturity serve`, from its JSON export.

Input: the document ``GET /api/v1/teams/{team_id}/ledger/export`` returns (``"format":
"asyncmaturity-ledger"``), as a file, or a folder or .zip of such files (one per team, or the
same team exported again later: records seen before add nothing, later replies and closes do).

Mapping (work items and their events, so that the tracker metrics read them too):

- A request is a work item of kind 'request' (key md5('ledger|team-<id>|R<id>')): created at
  its creation, closed when closed, authored by its requester, one assignee (its owner), label
  'urgency:<normal|urgent|emergency>'. Its events: 'request' by the requester at its creation,
  carrying the AWAIT signals of its text (title, action, information and links: the ledger's
  requests count among the ``await.*`` requests); 'due' at its due time (none for an
  emergency); 'comment' for each reply by its author, with the reply's AWAIT signals;
  'escalation' when escalated; 'state' when closed. Only replies have an actor besides the
  request itself, so only a reply answers it.
- A decision record is a work item of kind 'decision' (key md5('ledger|team-<id>|D<number>')):
  created when proposed, closed when decided (``work.decision_cycle_s`` counts it), authored by
  its proposer, as many assignees as deciders, its tags as labels, a link to the record it
  supersedes. Its events: 'state' when decided; 'rationale' when both its context and its
  consequences are written; 'deciders' when it names its deciders.

People are their e-mail addresses, so the same person is linked to their chat, mail and tracker
accounts; the store keeps only the keyed hash. Texts are read for AWAIT signals and dropped
(kept only with ``--keep-text``, like every source).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asyncmaturity.await_protocol.ledger import request_text
from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import (
    BAD_ID,
    WRONG_TYPE,
    is_sane_id,
    json_type,
    load_json,
    record_list,
)
from asyncmaturity.sources.trackers import InputFile, Stage, input_files, is_slack_folder, peek
from asyncmaturity.vocabulary import WorkEventKind, WorkItemKind

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

FORMAT = "asyncmaturity-ledger"
MARKER = re.compile(r'"format"\s*:\s*"asyncmaturity-ledger"')
SUFFIXES = (".json",)


class LedgerSource:
    """The request ledger and decision log exported by `asyncmaturity serve`."""

    name = "ledger"
    family = SourceFamily.LEDGER
    summary = "The AWAIT request ledger and decision log of `asyncmaturity serve` (its JSON export)"
    parser_version = "ledger/1"
    accepts = (
        "the JSON of GET /api/v1/teams/{team_id}/ledger/export, as a file or a folder or .zip "
        "of them"
    )

    real_samples = (
        (
            "none found: the format is this project's own; tests/test_ledger_evidence.py "
            "ingests exports written by the API of `asyncmaturity serve`"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A ledger export in the file, or in the first files of a folder or zip."""
        if is_slack_folder(path):
            return False
        return any(MARKER.search(head) for _, head in peek(path, SUFFIXES))

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the exports at `path` and add their new work items, events and people."""
        report = SourceReport()
        stage = Stage(ctx, report)
        with input_files(path, SUFFIXES) as (_, files):
            for file in files:
                document = load_json(file.path, file.label, expect=dict)
                marker = document.get("format")
                if marker is not None and marker != FORMAT:
                    raise InvalidExport(
                        f"{file.label}: its format marker is {str(marker)[:80]!r}, "
                        f"not {FORMAT!r}: not a ledger export"
                    )
                if marker != FORMAT:
                    stage.count("other files")
                    stage.skip("file that is not a ledger export", file.label)
                    continue
                _read_document(stage, file, document)
        if not files:
            raise InvalidExport(f"{path}: no ledger export (*.json)")
        return stage.commit(self.name, "Ledger", path, len(files))


def _person(stage: Stage, email: Any) -> str | None:
    if not isinstance(email, str) or "@" not in email:
        return None
    identity = f"ledger:{email.strip().lower()}"
    stage.person(identity, is_bot=False, email=email)
    return identity


def _array(stage: Stage, raw: dict[str, Any], field: str, where: str) -> list[Any]:
    """The list under `field` of a record; a value of another type is read as none, and counted."""
    value = raw.get(field)
    if value is None:
        return []
    if not isinstance(value, list):
        stage.skip(WRONG_TYPE, f"{where}: {field} is {json_type(value)}, not an array")
        return []
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _read_document(stage: Stage, file: InputFile, document: dict[str, Any]) -> None:
    team = document.get("team")
    if not isinstance(team, dict) or not isinstance(team.get("id"), int):
        raise InvalidExport(f"{file.label}: a ledger export names its team (team.id)")
    scope = f"team-{team['id']}"
    for index, request in enumerate(record_list(document, "requests", file.label)):
        _read_request(stage, file, f"{file.label} requests[{index}]", scope, request)
    for index, decision in enumerate(record_list(document, "decisions", file.label)):
        _read_decision(stage, file, f"{file.label} decisions[{index}]", scope, decision)


def _place(file: InputFile, where: str, scope: str, number: str) -> dict[str, Any]:
    """Where a staged item or event comes from and which item it is."""
    return {
        "origin": file.label,
        "record": where,
        "scope": scope,
        "scope_id": None,
        "number": number,
    }


def _event(
    stage: Stage,
    file: InputFile,
    where: str,
    scope: str,
    number: str,
    event_id: str,
    kind: WorkEventKind,
    when: Any,
    actor: str | None = None,
    text: str | None = None,
) -> None:
    stage.event(
        **_place(file, where, scope, number),
        event_id=event_id,
        kind=kind,
        actor=actor,
        occurred_at=when,
        text=text,
    )


def _opened(
    stage: Stage, where: str, raw: Any, what: str, key: str, times: tuple[str, ...]
) -> tuple[datetime, list[datetime | None]] | None:
    """A record's creation and other times (fields `times`), or None once skipped: not an
    object, without its integer `key`, or without a readable creation time."""
    stage.count({"reply": "replies"}.get(what, f"{what}s"))
    if not isinstance(raw, dict) or not isinstance(raw.get(key), int):
        stage.skip(f"{what} without {'an id' if key == 'id' else 'a number'}", where)
        return None
    if not is_sane_id(raw[key]):
        stage.skip(BAD_ID, where)
        return None
    return stage.times(
        where,
        f"{what} without a creation time",
        (raw.get("created_at"), "created_at"),
        *((raw.get(name), name) for name in times),
    )


def _item(
    stage: Stage,
    file: InputFile,
    where: str,
    scope: str,
    number: str,
    *,
    kind: WorkItemKind,
    created: datetime,
    closed: datetime | None,
    author: str | None,
    assignees: int,
    labels: list[str],
    links: list[str],
) -> None:
    stage.item(
        **_place(file, where, scope, number),
        kind=kind,
        created_at=created,
        closed_at=closed,
        merged_at=None,
        author=author,
        assignees=assignees,
        labels=labels,
        links=links,
        decision=kind == WorkItemKind.DECISION,
    )


def _read_request(stage: Stage, file: InputFile, where: str, scope: str, raw: Any) -> None:
    opened = _opened(stage, where, raw, "request", "id", ("due_at", "escalated_at", "closed_at"))
    if opened is None:
        return
    created, (due, escalated, closed) = opened
    number = f"R{raw['id']}"
    requester = _person(stage, raw.get("requester"))
    owner = _person(stage, raw.get("owner"))
    _item(
        stage,
        file,
        where,
        scope,
        number,
        kind=WorkItemKind.REQUEST,
        created=created,
        closed=closed,
        author=requester,
        # Without an owner nobody is assigned: the Coordination Stack's "who" is missing.
        assignees=1 if owner else 0,
        labels=[f"urgency:{_text(raw.get('urgency')) or 'normal'}"],
        links=[],
    )
    links = [link for link in _array(stage, raw, "links", where) if isinstance(link, str)]
    text = request_text(
        _text(raw.get("title")), _text(raw.get("action")), _text(raw.get("information")), links
    )
    _event(
        stage,
        file,
        where,
        scope,
        number,
        "request",
        WorkEventKind.REQUEST,
        created,
        requester,
        text,
    )
    for event_id, kind, when in (
        ("due", WorkEventKind.DUE, due),
        ("escalation", WorkEventKind.ESCALATION, escalated),
        ("closed", WorkEventKind.STATE, closed),
    ):
        if when is not None:
            _event(stage, file, where, scope, number, event_id, kind, when)
    for index, reply in enumerate(_array(stage, raw, "replies", where)):
        at = f"{where} replies[{index}]"
        replied = _opened(stage, at, reply, "reply", "id", ())
        if replied is not None:
            author = _person(stage, reply.get("from"))
            body = _text(reply.get("body"))
            _event(
                stage,
                file,
                at,
                scope,
                number,
                f"reply:{reply['id']}",
                WorkEventKind.COMMENT,
                replied[0],
                author,
                body,
            )


def _read_decision(stage: Stage, file: InputFile, where: str, scope: str, raw: Any) -> None:
    opened = _opened(stage, where, raw, "decision record", "number", ("decided_at",))
    if opened is None:
        return
    created, (decided,) = opened
    number = f"D{raw['number']}"
    deciders = [
        d for d in _array(stage, raw, "deciders", where) if isinstance(d, str) and d.strip()
    ]
    supersedes = raw.get("supersedes")
    _item(
        stage,
        file,
        where,
        scope,
        number,
        kind=WorkItemKind.DECISION,
        created=created,
        closed=decided,
        author=_person(stage, raw.get("proposer")),
        assignees=len(deciders),
        labels=[t for t in _array(stage, raw, "tags", where) if isinstance(t, str)],
        links=[f"|D{supersedes}"] if isinstance(supersedes, int) else [],
    )
    facts = (
        ("decided", WorkEventKind.STATE, decided is not None),
        (
            "rationale",
            WorkEventKind.RATIONALE,
            bool(_text(raw.get("context")).strip() and _text(raw.get("consequences")).strip()),
        ),
        ("deciders", WorkEventKind.DECIDERS, bool(deciders)),
    )
    for event_id, kind, holds in facts:
        if holds:
            _event(stage, file, where, scope, number, event_id, kind, decided or created)
