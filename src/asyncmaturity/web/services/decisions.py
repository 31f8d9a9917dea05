"""The decision log of a team: numbered records with the fields of a MADR decision record,
filterable, superseded by later ones, imported from and exported to MADR Markdown files.

Records travel as the core's :class:`~asyncmaturity.decisions.records.DecisionRecord`: the API
and the pages build one from their input, imports parse one per file, exports render one.

Example::

    decision = create_decision(db, team=team, proposer=user, now=utcnow(),
                               record=DecisionRecord(title="Use Postgres", status="accepted"))
    decision.number   # 1, the team's first
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asyncmaturity.decisions.records import (
    DECIDED_STATUSES,
    DECISION_STATUSES,
    DecisionRecord,
    DecisionStatus,
    InvalidDecisionRecord,
    decision_files,
    file_name,
    parse_decision_bytes,
    read_decision_record,
    render_madr,
)
from asyncmaturity.errors import UnsafeArchive
from asyncmaturity.sources.archive import extracted
from asyncmaturity.web.errors import Conflict, InvalidInput, NotFound
from asyncmaturity.web.models import Decision, Team, User
from asyncmaturity.web.services.accounts import emails_by_id

MAX_TEXT = 100_000
MAX_NAMES = 50
MAX_IMPORT_FILES = 500
MAX_IMPORT_BYTES = 20 * 1024 * 1024
# Fields an edit may change (number, links and times are the log's own).
EDITABLE = (
    "title",
    "status",
    "context",
    "decision",
    "consequences",
    "deciders",
    "consulted",
    "informed",
    "tags",
    "work_item_url",
    "thread_url",
)


@dataclass
class ImportResult:
    """What an import added, and the files it left out (their number is taken) with why."""

    created: list[Decision] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def decisions_of(
    db: Session,
    *,
    team: Team,
    status: str | None = None,
    tag: str | None = None,
    text: str | None = None,
) -> list[Decision]:
    """The team's records by number, filtered by status, a tag (any case) and a text found in
    the title, context, decision or consequences (any case)."""
    query = select(Decision).where(Decision.team_id == team.id)
    if status:
        query = query.where(Decision.status == status)
    found = list(db.scalars(query.order_by(Decision.number)))
    if tag and tag.strip():
        wanted = tag.strip().lower()
        found = [d for d in found if wanted in (t.lower() for t in d.tags)]
    if text and text.strip():
        needle = text.strip().lower()
        found = [
            d
            for d in found
            if any(
                needle in part.lower() for part in (d.title, d.context, d.decision, d.consequences)
            )
        ]
    return found


def decision_by_number(db: Session, *, team: Team, number: int) -> Decision:
    """The team's record `number`; NotFound otherwise."""
    found = db.scalar(
        select(Decision).where(Decision.team_id == team.id, Decision.number == number)
    )
    if found is None:
        raise NotFound("no such decision")
    return found


def numbers_by_id(db: Session, *, team: Team) -> dict[int, int]:
    """Record id -> number, to show and export the supersedes links."""
    rows = db.execute(select(Decision.id, Decision.number).where(Decision.team_id == team.id))
    return {ident: number for ident, number in rows}


def record_of(decision: Decision, numbers: dict[int, int]) -> DecisionRecord:
    """The stored record as a MADR record (dated when decided, else when proposed)."""
    return DecisionRecord(
        title=decision.title,
        status=_status(decision.status),
        number=decision.number,
        date=decision.decided_at or decision.created_at,
        context=decision.context,
        decision=decision.decision,
        consequences=decision.consequences,
        deciders=list(decision.deciders),
        consulted=list(decision.consulted),
        informed=list(decision.informed),
        tags=list(decision.tags),
        supersedes=numbers.get(decision.supersedes_id or 0),
        superseded_by=numbers.get(decision.superseded_by_id or 0),
        work_item_url=decision.work_item_url,
        thread_url=decision.thread_url,
    )


def _status(value: str) -> DecisionStatus:
    if value not in DECISION_STATUSES:  # the table's check constraint rules it out
        raise ValueError(f"unknown decision status {value!r}")
    return value


def _text(value: str, what: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{what} has at most {MAX_TEXT} characters")
    return value


def _names(values: Sequence[str], what: str) -> list[str]:
    names: list[str] = []
    for value in values:
        name = " ".join(value.split())
        if not name:
            continue
        if len(name) > 200:
            raise InvalidInput(f"an entry of {what} has at most 200 characters")
        if name not in names:
            names.append(name)
    if len(names) > MAX_NAMES:
        raise InvalidInput(f"{what} lists at most {MAX_NAMES} entries")
    return names


def _url(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not value.startswith(("http://", "https://")) or len(value) > 2000 or " " in value:
        raise InvalidInput(f"{what} must be an http(s) URL")
    return value


def _apply(decision: Decision, record: DecisionRecord) -> None:
    title = " ".join(record.title.split())
    if not title:
        raise InvalidInput("a decision needs a title")
    if len(title) > 200:
        raise InvalidInput("a decision's title has at most 200 characters")
    decision.title = title
    decision.status = record.status
    decision.context = _text(record.context, "the context")
    decision.decision = _text(record.decision_with_more_information(), "the decision")
    decision.consequences = _text(record.consequences, "the consequences")
    decision.deciders = _names(record.deciders, "deciders")
    decision.consulted = _names(record.consulted, "consulted")
    decision.informed = _names(record.informed, "informed")
    decision.tags = _names(record.tags, "tags")
    decision.work_item_url = _url(record.work_item_url, "the work item link")
    decision.thread_url = _url(record.thread_url, "the thread link")


def _next_number(db: Session, team: Team) -> int:
    top = db.scalar(select(func.max(Decision.number)).where(Decision.team_id == team.id))
    return int(top or 0) + 1


def create_decision(
    db: Session,
    *,
    team: Team,
    proposer: User | None,
    record: DecisionRecord,
    now: datetime,
    number: int | None = None,
) -> Decision:
    """Add `record` to the log under the next number (or `number`, when free). A decided record
    (accepted, rejected...) is decided at its `date`, else now; `superseded` comes only from
    :func:`supersede` (or an import naming its successor). Its supersedes links are not read:
    :func:`supersede` and :func:`import_records` set them."""
    if record.status == "superseded" and number is None:
        raise InvalidInput("a new decision cannot start superseded; supersede the old one instead")
    decision = Decision(
        team_id=team.id,
        number=number if number is not None else _next_number(db, team),
        proposer_id=proposer.id if proposer is not None else None,
        created_at=record.date or now,
        updated_at=now,
    )
    _apply(decision, record)
    if record.status in DECIDED_STATUSES:
        decision.decided_at = record.date or now
    db.add(decision)
    db.flush()
    return decision


def update_decision(
    db: Session,
    *,
    decision: Decision,
    changes: DecisionRecord,
    fields: Sequence[str],
    now: datetime,
) -> Decision:
    """Change the named `fields` of a record to their values in `changes`. Deciding a proposal
    (accepted, rejected) dates the decision now; a superseded record's status stays."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}")
    merged = record_of(decision, {})
    for name in fields:
        setattr(merged, name, getattr(changes, name))
    if "status" in fields and merged.status != decision.status:
        if decision.status == "superseded" or merged.status == "superseded":
            raise Conflict("supersede a decision with a new one; its status follows from that")
        if merged.status in DECIDED_STATUSES and decision.decided_at is None:
            decision.decided_at = now
    _apply(decision, merged)
    decision.updated_at = now
    db.flush()
    return decision


def supersede(
    db: Session,
    *,
    team: Team,
    old: Decision,
    proposer: User | None,
    record: DecisionRecord,
    now: datetime,
) -> Decision:
    """Record `record` as a new decision that supersedes `old` (which becomes superseded)."""
    if old.status == "superseded":
        raise Conflict(f"decision {old.number} is superseded already")
    newer = create_decision(
        db, team=team, proposer=proposer, record=_without_links(record), now=now
    )
    newer.supersedes_id = old.id
    old.status = "superseded"
    old.superseded_by_id = newer.id
    old.updated_at = now
    db.flush()
    return newer


def _without_links(record: DecisionRecord) -> DecisionRecord:
    return DecisionRecord(**{**record.__dict__, "supersedes": None, "superseded_by": None})


# -- MADR files -----------------------------------------------------------------------------


def read_upload(files: Sequence[tuple[str, bytes]]) -> list[DecisionRecord]:
    """The records in uploaded ``.md`` files and ``.zip`` archives of them (a decision folder).

    A bad file is :class:`InvalidDecisionRecord` naming it (``upload.zip!docs/adr/0002-x.md``);
    an archive that is unsafe or too large is :class:`UnsafeArchive`.
    """
    records: list[DecisionRecord] = []
    for name, data in files:
        shown = Path(name.replace("\\", "/")).name or "upload"
        if shown.lower().endswith(".zip"):
            records += _zip_records(shown, data)
        elif shown.lower().endswith((".md", ".markdown")):
            records.append(parse_decision_bytes(data, name=shown))
        else:
            raise InvalidDecisionRecord(f"{shown}: not a Markdown file (.md) or a .zip of them")
        if len(records) > MAX_IMPORT_FILES:
            raise InvalidInput(f"at most {MAX_IMPORT_FILES} decision records at once")
    return records


def _zip_records(name: str, data: bytes) -> list[DecisionRecord]:
    with tempfile.TemporaryDirectory(prefix="asyncmaturity-import-") as scratch:
        archive = Path(scratch) / "upload.zip"
        archive.write_bytes(data)
        try:
            with extracted(archive, max_total_bytes=MAX_IMPORT_BYTES) as folder:
                files = decision_files(folder)
                if len(files) > MAX_IMPORT_FILES:
                    raise InvalidInput(f"at most {MAX_IMPORT_FILES} decision records at once")
                return [
                    read_decision_record(f, name=f"{name}!{f.relative_to(folder).as_posix()}")
                    for f in files
                ]
        except UnsafeArchive as exc:
            raise UnsafeArchive(str(exc).replace(str(archive), name)) from None


def import_records(
    db: Session,
    *,
    team: Team,
    proposer: User | None,
    records: Sequence[DecisionRecord],
    now: datetime,
) -> ImportResult:
    """Add imported records: each under its own number when free (one already in the log is
    left out and reported, so importing a folder again adds only the new files), else under the
    next one; then link supersedes / superseded-by among the team's records by number."""
    result = ImportResult()
    taken = set(numbers_by_id(db, team=team).values())
    added: list[tuple[Decision, DecisionRecord]] = []
    for record in sorted(records, key=lambda r: (r.number is None, r.number or 0)):
        if record.number is not None and record.number in taken:
            result.skipped.append(
                f"{record.source or record.title}: number {record.number} is in the log already"
            )
            continue
        decision = create_decision(
            db,
            team=team,
            proposer=proposer,
            record=_without_links(record),
            now=now,
            number=record.number if record.number is not None else _next_number(db, team),
        )
        taken.add(decision.number)
        added.append((decision, record))
        result.created.append(decision)
    by_number = {number: ident for ident, number in numbers_by_id(db, team=team).items()}
    for decision, record in added:
        if record.supersedes is not None and record.supersedes in by_number:
            decision.supersedes_id = by_number[record.supersedes]
        if record.superseded_by is not None and record.superseded_by in by_number:
            decision.superseded_by_id = by_number[record.superseded_by]
    db.flush()
    return result


def render_decision(db: Session, *, team: Team, decision: Decision) -> tuple[str, str]:
    """One record as a MADR file: its name (``0003-use-postgres.md``) and its Markdown."""
    record = record_of(decision, numbers_by_id(db, team=team))
    return file_name(record), render_madr(record)


def proposers(db: Session, *, decisions: Sequence[Decision]) -> dict[int, str]:
    """Record id -> the address of whoever proposed it (records of a gone account left out)."""
    emails = emails_by_id(db, (d.proposer_id for d in decisions))
    return {d.id: emails[d.proposer_id] for d in decisions if d.proposer_id in emails}


def export_zip(db: Session, *, team: Team) -> bytes:
    """Every record of the log as MADR files (``0001-title.md``) in a zip, byte-for-byte the same
    for the same log (fixed member times)."""
    numbers = numbers_by_id(db, team=team)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for decision in decisions_of(db, team=team):
            record = record_of(decision, numbers)
            info = zipfile.ZipInfo(
                f"decisions/{file_name(record)}", date_time=(1980, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, render_madr(record))
    return buffer.getvalue()
