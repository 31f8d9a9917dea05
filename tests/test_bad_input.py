"""Every JSON, JSON Lines and calendar source keeps the bad-input contract (issue 20).

Two halves: a corpus of faulty exports per source, generated from its documented shape and named
after the fault (tests/bad_inputs.py holds the generators and the contract itself), and a
property test that feeds each reader random mutations of a clean sample and asks for no
traceback, a refusal that leaves no store behind, and no record lost without a count.
The mail and CSV sources have their corpus in tests/test_bad_input_mail.py.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncmaturity.errors import InvalidExport, UnsafeArchive
from asyncmaturity.sources.reading import MAX_JSON_DEPTH, check_json_files
from asyncmaturity.store.ingest import ingest
from tests.bad_inputs import (
    FIXTURES,
    BadCase,
    Expect,
    JsonShape,
    check_case,
    evidence_counts,
    first_record,
    ical_cases,
    json_cases,
    jsonl_cases,
    set_field,
    zip_of,
)

MATTERMOST_SAMPLE = FIXTURES / "mattermost" / "replies_and_direct_posts.jsonl"
SHAPES: dict[str, JsonShape] = {
    "slack": JsonShape(
        FIXTURES / "slack" / "bot_reply_in_thread",
        "general/2026-02-04.json",
        None,
        "ts",
        "epoch_s",
        None,
        zip_member="",
        author_field="user",
    ),
    "zulip": JsonShape(
        FIXTURES / "zulip" / "realm_export_topic_threads",
        "messages-000001.json",
        "zerver_message",
        "date_sent",
        "epoch_s",
        "id",
        zip_member="",
        author_field="sender",
    ),
    "teams": JsonShape(
        FIXTURES / "teams" / "channel_messages_with_replies.json",
        "",
        "value",
        "createdDateTime",
        "iso",
        "id",
        author_field="from",
    ),
    "discord": JsonShape(
        FIXTURES / "discord" / "guild_channel_threads_and_replies",
        "Acme - Text Channels - general [100].json",
        "messages",
        "timestamp",
        "iso",
        "id",
        zip_member="",
        author_field="author",
    ),
    "rocketchat": JsonShape(
        FIXTURES / "rocketchat" / "history_threads_rooms",
        "channels.history-GENERAL.json",
        "messages",
        "ts",
        "iso",
        "_id",
        zip_member="",
        author_field="u",
    ),
    "googlechat": JsonShape(
        FIXTURES / "googlechat" / "takeout_topics_and_dms",
        "Takeout/Google Chat/Groups/Space AAAAq1w2e3r/messages.json",
        "messages",
        "created_date",
        "iso",
        "message_id",
        zip_member="",
        author_field="creator",
    ),
    "github": JsonShape(
        FIXTURES / "github" / "rest_issues_with_pr_marker.json",
        "",
        None,
        "created_at",
        "iso",
        "id",
        zip_member="",
        author_field="user",
    ),
    "gitlab": JsonShape(
        FIXTURES / "gitlab" / "system_notes_are_events.json",
        "",
        "issues",
        "created_at",
        "iso",
        "id",
        zip_member="",
        author_field="author",
    ),
    "jira": JsonShape(
        FIXTURES / "jira" / "changelog_status_transitions.json",
        "",
        "issues",
        "fields.created",
        "iso",
        "id",
        zip_member="",
        author_field="fields.reporter",
    ),
    "ledger": JsonShape(
        FIXTURES / "ledger" / "requests_and_records.json",
        "",
        "requests",
        "created_at",
        "iso",
        "id",
    ),
}


def _teams_sender_is_a_string(folder: Path) -> Path:
    shape = SHAPES["teams"]
    document = json.loads(shape.sample.read_bytes())
    document["value"][0]["from"] = "Ana Lima"
    export = folder / shape.sample.name
    export.write_text(json.dumps(document), "utf-8")
    return export


def _first_record_with(source: str, dotted: str, value: Any) -> Callable[[Path], Path]:
    """The sample of `source` with the field `dotted` ('fields.labels') of its first record set
    to `value`."""

    def write(folder: Path) -> Path:
        shape = SHAPES[source]
        document = json.loads(shape.sample.read_bytes())
        set_field(first_record(document, shape), dotted, value)
        export = folder / shape.sample.name
        export.write_text(json.dumps(document), "utf-8")
        return export

    return write


def _jsonl_with_a_bad_line(source: str) -> Callable[[Path], Path]:
    """The sample's records as JSON Lines, one line among them cut short."""

    def write(folder: Path) -> Path:
        shape = SHAPES[source]
        document = json.loads(shape.sample.read_bytes())
        records = document if shape.container is None else document[shape.container]
        lines = [json.dumps(record) for record in records]
        lines.insert(1, lines[0][: len(lines[0]) // 2])
        export = folder / "records.jsonl"
        export.write_text("\n".join(lines) + "\n", "utf-8")
        return export

    return write


# Faults of one source's own fields, beside the faults every JSON source is tried with.
OWN_CASES = {
    # One bad JSON line is a skipped record in every source (Mattermost's too).
    **{
        source: [
            BadCase(
                "jsonl_line_cut_short",
                _jsonl_with_a_bad_line(source),
                Expect.SKIPPED,
                "records.jsonl",
            )
        ]
        for source in ("github", "gitlab")
    },
    # Jira's issue fields of another JSON type: labels of true raised a TypeError, an assignee
    # of [] read as "unassigned".
    "jira": [
        BadCase(
            name,
            _first_record_with("jira", f"fields.{field}", value),
            Expect.SKIPPED,
            SHAPES["jira"].file_name,
        )
        for name, field, value in (
            ("labels_is_a_boolean", "labels", True),
            ("issue_links_is_a_number", "issuelinks", 3),
            ("assignee_is_a_list", "assignee", ["ana"]),
            ("status_is_a_string", "status", "Done"),
        )
    ],
    "teams": [
        BadCase(
            "sender_is_a_string",
            _teams_sender_is_a_string,
            Expect.SKIPPED,
            SHAPES["teams"].file_name,
        ),
        # The mutation that once lost a message silently: a deletedDateTime of [] read as a
        # deletion (its JSON text '[]' is not NULL), so the message was left out uncounted.
        BadCase(
            "deleted_date_time_is_an_empty_array",
            _first_record_with("teams", "deletedDateTime", []),
            Expect.SKIPPED,
            SHAPES["teams"].file_name,
        ),
        BadCase(
            "deleted_date_time_not_a_date",
            _first_record_with("teams", "deletedDateTime", "yesterday"),
            Expect.SKIPPED,
            SHAPES["teams"].file_name,
        ),
        BadCase(
            "replies_is_an_object",
            _first_record_with("teams", "replies", {"id": "1"}),
            Expect.SKIPPED,
            SHAPES["teams"].file_name,
        ),
    ],
}
# The corpus of each source this module covers, by source name.
CORPORA: dict[str, Callable[[], list[BadCase]]] = {
    **{
        source: (lambda shape=shape, source=source: json_cases(shape) + OWN_CASES.get(source, []))
        for source, shape in SHAPES.items()
    },
    "mattermost": lambda: jsonl_cases(MATTERMOST_SAMPLE),
    "ical": ical_cases,
}
ROLLBACK_CHECKED = frozenset({"binary_garbage", "record_list_is_a_string", "zip_truncated"})
CASES = [(source, case) for source, corpus in CORPORA.items() for case in corpus()]
# Per corpus, --strict is checked on its first skip case and the CLI on its first refusal (and
# on one strict skip): ingest makes any skip fatal, and the CLI prints any refusal, alike.
FIRST_OF = {
    (source, expect): next(c.name for s, c in CASES if s == source and c.expect is expect)
    for source in CORPORA
    for expect in Expect
}
CLI_STRICT_CHECKED = ("teams", FIRST_OF["teams", Expect.SKIPPED])


@pytest.fixture(scope="module")
def existing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding another export's records: a refused ingest must leave it as it was."""
    store = tmp_path_factory.mktemp("existing") / "existing.duckdb"
    ingest([FIXTURES / "slack" / "reply_by_root_author"], store=store)
    return store


def test_every_corpus_has_at_least_15_cases_named_after_their_fault() -> None:
    for source, corpus in CORPORA.items():
        names = [case.name for case in corpus()]
        assert len(names) >= 15 and len(set(names)) == len(names), (source, names)


@pytest.mark.parametrize(
    ("source", "case"), CASES, ids=[f"{source}-{case.name}" for source, case in CASES]
)
def test_bad_input_is_refused_or_skipped_as_the_contract_says(
    source: str, case: BadCase, tmp_path: Path, existing: Path
) -> None:
    # Every refusal is rolled back by the same ingest code: the existing store is checked on the
    # faults where a reader is most likely to have written something first.
    rollback = case.name in ROLLBACK_CHECKED
    first = FIRST_OF[source, case.expect] == case.name
    cli = (first and case.expect is Expect.REFUSED) or (source, case.name) == CLI_STRICT_CHECKED
    check_case(case, source, tmp_path, existing if rollback else None, strict=first, cli=cli)


def test_an_implausible_time_is_skipped_with_its_reason_and_earliest_moves_the_bound(
    tmp_path: Path,
) -> None:
    # One Teams message of 1971: skipped under the default bound (1990), read with --earliest.
    shape = SHAPES["teams"]
    document = json.loads(shape.sample.read_bytes())
    document["value"][0]["createdDateTime"] = "1971-03-02T09:00:00Z"
    export = tmp_path / "page.json"
    export.write_text(json.dumps(document), "utf-8")
    summary = ingest([export], store=tmp_path / "a.duckdb")
    assert summary.skipped == {"time outside the plausible range": 1}
    assert "page.json record 0" in summary.exports[0].examples[0]
    moved = ingest([export], store=tmp_path / "b.duckdb", earliest=date(1970, 1, 1))
    assert moved.skipped == {}
    assert moved.added["messages"] == summary.added["messages"] + 1


# --- mutations of a clean sample ----------------------------------------------------------------

# The evidence table each source's records land in: what "records stored" counts.
TABLES = {
    "slack": "messages",
    "zulip": "messages",
    "teams": "messages",
    "discord": "messages",
    "rocketchat": "messages",
    "googlechat": "messages",
    "mattermost": "messages",
    "github": "work_items",
    "gitlab": "work_items",
    "jira": "work_items",
    "ledger": "work_items",
}
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
BYTE_MUTATIONS = st.tuples(
    st.sampled_from(["truncate", "flip", "insert", "delete"]),
    st.floats(min_value=0, max_value=1),
    st.binary(min_size=1, max_size=8),
)


def _mutated_bytes(content: bytes, mutation: tuple[str, float, bytes]) -> bytes:
    kind, where, data = mutation
    at = int(where * len(content))
    if kind == "truncate":
        return content[:at]
    if kind == "flip":
        return content[:at] + data + content[at + len(data) :]
    if kind == "insert":
        return content[:at] + data + content[at:]
    return content[:at] + content[at + 1 + len(data) * 8 :]


def _main_file(source: str) -> Path:
    if source == "mattermost":
        return MATTERMOST_SAMPLE
    shape = SHAPES[source]
    return shape.sample / shape.member if shape.member else shape.sample


def _copy_sample(source: str, folder: Path, content: bytes) -> Path:
    """A copy of the source's sample whose main file holds `content`."""
    if source == "mattermost":
        export = folder / MATTERMOST_SAMPLE.name
        export.write_bytes(content)
        return export
    shape = SHAPES[source]
    export = folder / shape.sample.name
    if shape.member:
        shutil.copytree(shape.sample, export)
        (export / shape.member).write_bytes(content)
    else:
        export.write_bytes(content)
    return export


def _field_mutated(source: str, data: st.DataObject) -> tuple[bytes, int]:
    """The main file with fields of some records set to random JSON values, and how many of the
    clean sample's records the mutation took out of the export (a Mattermost post's nested
    replies, where its `replies` field was replaced: they are no longer in the export to lose).
    """
    if source == "mattermost":
        lines = MATTERMOST_SAMPLE.read_text("utf-8").splitlines()
        index = data.draw(st.integers(min_value=1, max_value=len(lines) - 1))
        record = json.loads(lines[index])
        inner = record.get(record.get("type"), record)
        removed = 0
        if isinstance(inner, dict) and inner:
            field = data.draw(st.sampled_from(sorted(inner)))
            if field == "replies" and isinstance(inner[field], list):
                removed = len(inner[field])
            inner[field] = data.draw(JSON_VALUES)
        lines[index] = json.dumps(record)
        return ("\n".join(lines) + "\n").encode(), removed
    shape = SHAPES[source]
    document = copy.deepcopy(json.loads(_main_file(source).read_bytes()))
    records = document if shape.container is None else document[shape.container]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        record = records[data.draw(st.integers(min_value=0, max_value=len(records) - 1))]
        if isinstance(record, dict) and record:
            record[data.draw(st.sampled_from(sorted(record)))] = data.draw(JSON_VALUES)
    return json.dumps(document).encode(), 0


def _stored(store: Path, table: str) -> int:
    return evidence_counts(store)[table]


CLEAN: dict[str, int] = {}


def _clean_count(source: str) -> int:
    """Rows the clean sample stores in the source's table (computed once)."""
    if source not in CLEAN:
        with tempfile.TemporaryDirectory() as folder:
            store = Path(folder) / "clean.duckdb"
            ingest(
                [_copy_sample(source, Path(folder), _main_file(source).read_bytes())],
                store=store,
                format=source,
            )
            CLEAN[source] = _stored(store, TABLES[source])
    return CLEAN[source]


@pytest.mark.parametrize("source", sorted(TABLES))
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_samples_keep_the_contract(
    source: str, existing: Path, data: st.DataObject
) -> None:
    by_field = data.draw(st.booleans(), label="mutate fields (else bytes)")
    removed = 0
    if by_field:
        content, removed = _field_mutated(source, data)
    else:
        content = _mutated_bytes(_main_file(source).read_bytes(), data.draw(BYTE_MUTATIONS))
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        export = _copy_sample(source, folder, content)
        store = folder / "store" / "new.duckdb"
        store.parent.mkdir()
        # In-process: the CLI prints a refusal (InvalidExport, UnsafeArchive) as its one Error:
        # line (the corpus holds it to that); any other exception is the traceback the contract
        # forbids, and a StoreError is the database error naming the store that it forbids too.
        try:
            summary = ingest([export], store=store, format=source)
        except (InvalidExport, UnsafeArchive) as refused:
            assert "\n" not in str(refused).strip(), refused
            assert list(store.parent.iterdir()) == []
            before = evidence_counts(existing)
            with pytest.raises((InvalidExport, UnsafeArchive)):
                ingest([export], store=existing, format=source)
            assert evidence_counts(existing) == before
            return
        if by_field:
            # No silent loss: every record of the clean sample still in the export is stored, a
            # duplicate, or skipped.
            table = TABLES[source]
            kept = summary.added.get(table, 0) + summary.duplicates.get(table, 0)
            assert kept + summary.skipped_total >= _clean_count(source) - removed, summary


def test_a_reader_that_fails_unexpectedly_leaves_no_store_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever stops an ingest (here a reader's own bug), a store it created is removed.
    from asyncmaturity.sources import get_source

    source = get_source("teams")

    def broken(*_: Any) -> Any:
        raise RuntimeError("a reader's bug")

    monkeypatch.setattr(type(source), "ingest", broken)
    store = tmp_path / "new.duckdb"
    with pytest.raises(RuntimeError):
        ingest([SHAPES["teams"].sample], store=store, format="teams")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("source", ["discord", "rocketchat"])
def test_detection_reads_no_member_of_a_zip_that_fails_the_safety_check(
    source: str, tmp_path: Path
) -> None:
    # Both sources recognise a zip by the first bytes of its .json members: a zip bomb member
    # beside a clean export makes the archive unclaimed rather than opened (with --format, the
    # ingest refuses it naming the bomb: the corpus' zip_bomb_member case).
    from asyncmaturity.sources import get_source

    shape = SHAPES[source]
    clean = tmp_path / "clean"
    clean.mkdir()
    bomb = tmp_path / "bomb"
    bomb.mkdir()
    detector = get_source(source)
    assert detector.detect(zip_of(shape, clean, lambda _: None))
    assert not detector.detect(
        zip_of(shape, bomb, lambda z: z.writestr("bomb.json", b" " * (64 << 20)))
    )


# --- the DuckDB-side depth check ----------------------------------------------------------------

BRACKETY_TEXT = st.text(alphabet='[]{}"\\:, ab', max_size=12)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    depth=st.integers(min_value=MAX_JSON_DEPTH - 3, max_value=MAX_JSON_DEPTH + 3),
    objects=st.lists(st.booleans(), min_size=1, max_size=8),
    key=BRACKETY_TEXT,
    before=st.booleans(),
    text=BRACKETY_TEXT,
)
def test_the_depth_check_refuses_a_run_past_the_limit_and_never_brackets_in_strings(
    depth: int, objects: list[bool], key: str, before: bool, text: str
) -> None:
    # Nest a string of bracket-laden text `depth` levels deep, arrays and objects in turn (keys
    # of brackets and quotes too), every level with a sibling string of brackets after the
    # nested value or, when `before`, before it. True depth is `depth`, by construction: a
    # document no deeper than the limit is never refused, whatever its strings hold (the check
    # once refused a message of 600 "["); a run of openings past it always is. A sibling
    # before each nested value breaks the run: such a document may pass (the docstring says
    # why that needs no refusal), so only the first direction is asked of it.
    sibling = json.dumps("[" * 600 + text)
    document = json.dumps(text)
    for level in range(depth):
        if objects[level % len(objects)]:
            inner = f"{json.dumps(key + str(level))}: {document}"
            other = f"{json.dumps(text + '{')}: {sibling}"
            document = "{" + (f"{other}, {inner}" if before else f"{inner}, {other}") + "}"
        else:
            document = (
                "[" + (f"{sibling}, {document}" if before else f"{document}, {sibling}") + "]"
            )
    assert json.loads(document) is not None  # valid JSON, as the check expects
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "deep.json"
        file.write_text(document, "utf-8")
        with duckdb.connect() as con:
            try:
                check_json_files(con, [str(file)], str)
                refused = False
            except InvalidExport as exc:
                assert "nested deeper" in str(exc), exc
                refused = True
    if depth <= MAX_JSON_DEPTH:
        assert not refused
    elif not before:
        assert refused
