"""The vocabulary module names exactly the values the sources write into the store's closed
columns (every fixture of every source ingested: each value found is a member, and each member
a source writes is found), and the charter's response windows are keyed by conversation kind."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import duckdb
import pytest

from asyncmaturity.charter import parse_charter
from asyncmaturity.errors import AsyncMaturityError, InvalidCharter
from asyncmaturity.store.ingest import ingest
from asyncmaturity.vocabulary import (
    AttendanceRole,
    ConversationKind,
    MeetingResponse,
    MessageKind,
    WorkEventKind,
    WorkItemKind,
)

FIXTURES = Path(__file__).parent / "fixtures"
# Each closed column, its vocabulary, and the members that only metrics give (never a source).
COLUMNS: list[tuple[str, str, type[StrEnum], set[StrEnum]]] = [
    (
        "conversations",
        "kind",
        ConversationKind,
        {ConversationKind.ISSUE_TRACKER, ConversationKind.URGENT_CHANNEL},
    ),
    ("messages", "kind", MessageKind, set()),
    ("attendance", "response", MeetingResponse, set()),
    ("attendance", "role", AttendanceRole, set()),
    ("work_items", "kind", WorkItemKind, set()),
    ("work_events", "kind", WorkEventKind, set()),
]


@pytest.fixture(scope="module")
def every_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store holding every fixture that ingests (those built to be refused add nothing), and
    the ledger's fixture again with a request escalated, which no fixture has."""
    folder = tmp_path_factory.mktemp("vocabulary")
    store = folder / "s.duckdb"
    ledger = json.loads((FIXTURES / "ledger/requests_and_records.json").read_text("utf-8"))
    ledger["requests"][0]["escalated_at"] = ledger["requests"][0]["due_at"]
    escalated = folder / "escalated.json"
    escalated.write_text(json.dumps(ledger), "utf-8")
    exports = [
        p for source in FIXTURES.iterdir() if source.name != "survey" for p in source.iterdir()
    ]
    for export in [*sorted(exports), escalated]:
        try:
            ingest([export], store=store)
        except AsyncMaturityError:
            continue
    return store


@pytest.mark.parametrize(("table", "column", "vocabulary", "metrics_only"), COLUMNS)
def test_sources_write_exactly_the_vocabulary(
    every_fixture: Path,
    table: str,
    column: str,
    vocabulary: type[StrEnum],
    metrics_only: set[StrEnum],
) -> None:
    con = duckdb.connect(str(every_fixture), read_only=True)
    try:
        rows = con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")
        written = {value for (value,) in rows.fetchall()}
    finally:
        con.close()
    assert written == {member.value for member in vocabulary} - metrics_only


def test_the_charter_response_windows_are_keyed_by_conversation_kind() -> None:
    windows = {"default": 24, **{kind.value: 8 for kind in ConversationKind}}
    charter = parse_charter({"response_windows": windows})
    assert charter.window_hours(ConversationKind.GROUP_DM) == 8
    assert all(type(kind) is str for kind in charter.response_windows)  # written back as YAML
    with pytest.raises(
        InvalidCharter,
        match="unknown conversation kind 'chat'; use default or one of public channel, private channel, dm",
    ):
        parse_charter({"response_windows": {"chat": 8}})
