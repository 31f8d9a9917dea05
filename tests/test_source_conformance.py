"""Every registered source keeps the same promises, checked by one suite (ibis and perceval style).

The suite is parametrized from the registry: a source added without an entry in
:data:`CONFORMANCE` fails here. Each entry names quirk fixtures under tests/fixtures/<source>/
and writes what is better generated (a corrupt file, a large export) into the test's folder.
"""

from __future__ import annotations

import copy
import gzip
import importlib
import json
import re
import shutil
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.errors import AsyncMaturityError, RejectedRecords
from asyncmaturity.sources import detect_source, get_source, registered_sources
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()

# An export that cannot be read, written under the given folder, and the file its error names.
Corrupt = Callable[[Path], tuple[Path, str]]
# An export of the given number of records, written under the given folder.
Generate = Callable[[Path, int], Path]


@dataclass(frozen=True)
class Conformance:
    """What the suite needs of one source."""

    sample: Path  # a small clean export: nothing skipped
    bad_records: Path  # good records and bad ones
    skipped: dict[str, int]  # what ingesting `bad_records` reports, by reason
    example: str  # part of a reported example: the file and the record
    corrupt: Corrupt
    generate: Generate
    table: str  # the evidence table the generated records land in
    # Module attributes (module, name) that bound how much the source holds at once, set lower
    # so that the bound shows at this suite's sizes.
    batch_limits: dict[tuple[str, str], int] = field(default_factory=dict)
    memory_gap: str = ""  # why its memory still grows with the export, until that is fixed


def truncated_copy(folder: Path, sample: Path, member: str, content: str) -> tuple[Path, str]:
    """A copy of the export folder `sample` whose file `member` holds `content` instead."""
    export = folder / "export_with_a_truncated_file"
    shutil.copytree(sample, export)
    (export / member).write_text(content, "utf-8")
    return export, member


def truncated_file(name: str, content: str) -> Corrupt:
    """A one-file export cut off in the middle."""

    def write(folder: Path) -> tuple[Path, str]:
        export = folder / name
        export.write_text(content, "utf-8")
        return export, name

    return write


def json_pages(folder: Path, pages: list[Any]) -> Path:
    """Write each page as page-NNNN.json in `folder`: how API exports hold many records."""
    folder.mkdir()
    for number, page in enumerate(pages):
        (folder / f"page-{number:04d}.json").write_text(json.dumps(page), "utf-8")
    return folder


def chunks(records: int, size: int) -> list[range]:
    """Record numbers 0..records-1 in runs of `size`."""
    return [range(start, min(start + size, records)) for start in range(0, records, size)]


def epoch(number: int) -> int:
    """A distinct minute for record `number`, from 2026-02-02 09:00 UTC on."""
    return 1770022800 + 60 * number


def instant(number: int) -> datetime:
    """:func:`epoch` as a UTC date-time."""
    return datetime.fromtimestamp(epoch(number), UTC)


def iso(number: int) -> str:
    """:func:`epoch` as an ISO 8601 UTC time."""
    return f"{instant(number):%Y-%m-%dT%H:%M:%SZ}"


def slack_export(folder: Path, records: int) -> Path:
    """One channel, 50 messages per day file, the way Slack splits a channel's history."""
    export = folder / "slack"
    (export / "general").mkdir(parents=True)
    for listing in ("users.json", "channels.json"):
        shutil.copy(FIXTURES / "slack" / "bot_reply_in_thread" / listing, export)
    for day, numbers in enumerate(chunks(records, 50)):
        messages = [
            {
                "type": "message",
                "user": "UANA00001",
                "text": f"note {n}",
                "ts": f"{epoch(n)}.000100",
            }
            for n in numbers
        ]
        (export / "general" / f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}.json").write_text(
            json.dumps(messages), "utf-8"
        )
    return export


def mattermost_export(folder: Path, records: int) -> Path:
    """One JSONL file: the version line, a team, a channel, a user, then one post per line."""
    lines: list[dict[str, Any]] = [
        {"type": "version", "version": 1},
        {"type": "team", "team": {"name": "acme", "display_name": "Acme", "type": "O"}},
        {"type": "channel", "channel": {"team": "acme", "name": "town", "type": "O"}},
        {"type": "user", "user": {"username": "ana", "email": "ana@example.org"}},
    ]
    lines += [
        {
            "type": "post",
            "post": {
                "team": "acme",
                "channel": "town",
                "user": "ana",
                "message": f"note {n}",
                "create_at": epoch(n) * 1000,
            },
        }
        for n in range(records)
    ]
    export = folder / "export.jsonl"
    export.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    return export


ZULIP_REALM = FIXTURES / "zulip" / "realm_export_topic_threads"


def zulip_export(folder: Path, records: int) -> Path:
    """A realm export: messages-NNNNNN.json files of 1000 messages, as Zulip writes them."""
    export = folder / "zulip"
    export.mkdir()
    shutil.copy(ZULIP_REALM / "realm.json", export)
    template = json.loads((ZULIP_REALM / "messages-000001.json").read_text())["zerver_message"][0]
    for number, numbers in enumerate(chunks(records, 1000), start=1):
        messages = [
            {**template, "id": 10_000 + n, "subject": f"topic {n % 40}", "date_sent": epoch(n)}
            for n in numbers
        ]
        (export / f"messages-{number:06d}.json").write_text(
            json.dumps({"zerver_message": messages}), "utf-8"
        )
    return export


TEAMS_SAMPLE = FIXTURES / "teams" / "channel_messages_with_replies.json"


def teams_export(folder: Path, records: int) -> Path:
    """Graph pages of 50 chatMessages, the most one Graph request returns."""
    template = json.loads(TEAMS_SAMPLE.read_text())["value"][0]
    pages = []
    for numbers in chunks(records, 50):
        messages = []
        for n in numbers:
            message = copy.deepcopy(template)
            message.update(id=str(epoch(n) * 1000), createdDateTime=iso(n), replies=[])
            messages.append(message)
        pages.append({"value": messages})
    return json_pages(folder / "teams", pages)


ROCKETCHAT_SAMPLE = FIXTURES / "rocketchat" / "history_threads_rooms"


def rocketchat_export(folder: Path, records: int) -> Path:
    """channels.history pages of 100 messages (the API's default page), one room."""
    user = {"_id": "aNa2kQ7pXwR3sT5vY", "username": "ana.lima", "name": "Ana Lima"}
    pages = [
        {
            "messages": [
                {"_id": f"m{n}", "rid": "GENERAL", "msg": f"note {n}", "ts": iso(n), "u": user}
                for n in numbers
            ],
            "success": True,
        }
        for numbers in chunks(records, 100)
    ]
    return json_pages(folder / "rocketchat", pages)


GOOGLECHAT_SAMPLE = FIXTURES / "googlechat" / "takeout_topics_and_dms"
GOOGLECHAT_SPACE = "Takeout/Google Chat/Groups/Space AAAAq1w2e3r/messages.json"


def googlechat_export(folder: Path, records: int) -> Path:
    """A Takeout with one space per 100 messages (each space's history is one messages.json)."""
    export = folder / "googlechat"
    creator = {"name": "Ana Lima", "email": "ana@example.org", "user_type": "Human"}
    for space, numbers in enumerate(chunks(records, 100)):
        group = export / "Google Chat" / "Groups" / f"Space AAAA{space:07d}"
        group.mkdir(parents=True)
        messages = [
            {
                "creator": creator,
                "created_date": f"{instant(n):%A, %B %-d, %Y at %-I:%M:%S %p} UTC",
                "text": f"note {n}",
                "topic_id": f"t{n % 40}",
                "message_id": f"AAAA{space:07d}/t{n % 40}/m{n}",
            }
            for n in numbers
        ]
        (group / "messages.json").write_text(json.dumps({"messages": messages}), "utf-8")
    return export


DISCORD_SAMPLE = FIXTURES / "discord" / "guild_channel_threads_and_replies"


def discord_export(folder: Path, records: int) -> Path:
    """One channel cut into files of 100 messages, as DiscordChatExporter's --partition does."""
    sample = DISCORD_SAMPLE / "Acme - Text Channels - general [100].json"
    document = json.loads(sample.read_text())
    template = document["messages"][0]
    export = folder / "discord"
    export.mkdir()
    for part, numbers in enumerate(chunks(records, 100), start=1):
        messages = [{**template, "id": str(10_000 + n), "timestamp": iso(n)} for n in numbers]
        (export / f"Acme - general [100] [part {part}].json").write_text(
            json.dumps({**document, "messages": messages}), "utf-8"
        )
    return export


def mbox_export(folder: Path, records: int) -> Path:
    """One mbox file holding every message."""
    export = folder / "list.mbox"
    with export.open("w", encoding="utf-8") as out:
        for n in range(records):
            out.write(_mail(n, mbox=True))
    return export


def _mail(number: int, *, mbox: bool = False) -> str:
    sent = instant(number).strftime("%a, %d %b %Y %H:%M:%S +0000")
    separator = "From ana@example.org Mon Feb  2 09:00:00 2026\n" if mbox else ""
    return (
        f"{separator}From: Ana <ana@example.org>\nDate: {sent}\nSubject: Note {number}\n"
        f"Message-ID: <note-{number}@example.org>\n\nText {number}.\n\n"
    )


def maildir_export(folder: Path, records: int) -> Path:
    """One Maildir: a file per message in cur/."""
    export = folder / "maildir"
    for sub in ("cur", "new", "tmp"):
        (export / sub).mkdir(parents=True)
    for n in range(records):
        (export / "cur" / f"{epoch(n)}.M{n}P1.host:2,S").write_text(_mail(n), "utf-8")
    return export


def ical_export(folder: Path, records: int) -> Path:
    """A folder of calendars, 100 single events each with two attendees."""
    export = folder / "calendars"
    export.mkdir()
    for number, numbers in enumerate(chunks(records, 100)):
        events = "".join(
            "BEGIN:VEVENT\r\n"
            f"UID:event-{n}@example.org\r\n"
            "DTSTAMP:20260201T000000Z\r\n"
            f"DTSTART:{instant(n):%Y%m%dT%H%M%SZ}\r\n"
            "DURATION:PT30M\r\n"
            f"SUMMARY:Meeting {n}\r\n"
            "ORGANIZER:mailto:ana@example.org\r\n"
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ben@example.org\r\n"
            "ATTENDEE;PARTSTAT=TENTATIVE:mailto:cat@example.org\r\n"
            "END:VEVENT\r\n"
            for n in numbers
        )
        (export / f"calendar-{number:04d}.ics").write_text(
            f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n",
            "utf-8",
        )
    return export


def github_export(folder: Path, records: int) -> Path:
    """REST /issues pages of 100 (the API's largest page)."""
    template = json.loads((FIXTURES / "github" / "rest_issues_with_pr_marker.json").read_text())[0]
    pages = [
        [{**template, "id": n, "number": n, "created_at": iso(n)} for n in numbers]
        for numbers in chunks(records, 100)
    ]
    return json_pages(folder / "github", pages)


def gitlab_export(folder: Path, records: int) -> Path:
    """REST /issues pages of 100 (the API's largest page)."""
    sample = json.loads((FIXTURES / "gitlab" / "system_notes_are_events.json").read_text())
    template = sample["issues"][0]
    pages = [
        [{**template, "id": n, "iid": n, "created_at": iso(n), "closed_at": None} for n in numbers]
        for numbers in chunks(records, 100)
    ]
    return json_pages(folder / "gitlab", pages)


def jira_export(folder: Path, records: int) -> Path:
    """REST search pages of 100 issues (the API's largest page)."""
    sample = json.loads((FIXTURES / "jira" / "changelog_status_transitions.json").read_text())
    template = sample["issues"][0]
    pages = []
    for numbers in chunks(records, 100):
        issues = []
        for n in numbers:
            issue = copy.deepcopy(template)
            issue.update(id=str(n), key=f"OPS-{n}")
            issue["fields"]["created"] = iso(n)
            issues.append(issue)
        pages.append({"startAt": numbers.start, "maxResults": 100, "issues": issues})
    return json_pages(folder / "jira", pages)


LEDGER_SAMPLE = FIXTURES / "ledger" / "requests_and_records.json"


def ledger_export(folder: Path, records: int) -> Path:
    """Ledger exports of 100 requests each, one per team."""
    document = json.loads(LEDGER_SAMPLE.read_text())
    template = document["requests"][0]
    pages = [
        {
            **document,
            "team": {"id": team, "name": f"Team {team}"},
            "requests": [{**template, "id": n, "created_at": iso(n)} for n in numbers],
            "decisions": [],
        }
        for team, numbers in enumerate(chunks(records, 100), start=1)
    ]
    return json_pages(folder / "ledger", pages)


def _truncated_gzip(folder: Path) -> tuple[Path, str]:
    export = folder / "2010-March.txt.gz"
    export.write_bytes(gzip.compress(_mail(1, mbox=True).encode() * 50)[:60])
    return export, export.name


def _truncated_zip(folder: Path) -> tuple[Path, str]:
    export = folder / "export_cut_short.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.jsonl", mattermost_export(folder, 200).read_bytes())
    export.write_bytes(export.read_bytes()[: export.stat().st_size // 2])
    return export, export.name


def _maildir_without_cur_and_new(folder: Path) -> tuple[Path, str]:
    # A Maildir's messages are read whatever their bytes (a damaged one is a skipped record);
    # what breaks the whole folder is losing its structure, as a partial copy does.
    export = folder / "maildir_without_cur_and_new"
    (export / "tmp").mkdir(parents=True)
    shutil.copy(
        FIXTURES / "mail" / "maildir_basic" / "tmp" / "1262610000.M4P100.host", export / "tmp"
    )
    return export, export.name


TRACKER_BAD_DATES = {"date that cannot be read": 2}
# Trackers stage 5,000 items, events or people at a time, more than this suite generates.
TRACKER_BATCH = {("asyncmaturity.sources.trackers", "BATCH_ROWS"): 200}
# Mail parses 1,000 messages into Python rows before it hands them to Arrow.
MAIL_BATCH = {("asyncmaturity.sources.mail", "ROWS_PER_BATCH"): 200}

CONFORMANCE: dict[str, Conformance] = {
    "slack": Conformance(
        sample=FIXTURES / "slack" / "bot_reply_in_thread",
        bad_records=FIXTURES / "slack" / "record_without_ts",
        skipped={"message without ts": 1, "ts is not a Slack timestamp": 1},
        example="general/2026-02-10.json record 1: message without ts",
        corrupt=lambda folder: truncated_copy(
            folder,
            FIXTURES / "slack" / "bot_reply_in_thread",
            "general/2026-02-04.json",
            '[{"type": "message", "ts": "1"',
        ),
        generate=slack_export,
        table="messages",
    ),
    "mattermost": Conformance(
        sample=FIXTURES / "mattermost" / "replies_and_direct_posts.jsonl",
        bad_records=FIXTURES / "mattermost" / "bad_lines_counted.jsonl",
        skipped={
            "post without a valid create_at": 1,
            "reply to a skipped post": 1,
            "malformed JSON": 1,
            "reply without a valid create_at": 1,
        },
        example="bad_lines_counted.jsonl line 4: post without a valid create_at",
        corrupt=_truncated_zip,
        generate=mattermost_export,
        table="messages",
        # It stages up to 20,000 lines (or 32 MiB) at a time, more than this suite generates.
        batch_limits={("asyncmaturity.sources.mattermost", "LINES_PER_BATCH"): 200},
    ),
    "zulip": Conformance(
        sample=ZULIP_REALM,
        bad_records=FIXTURES / "zulip" / "message_without_date_sent",
        skipped={
            "message without a valid date_sent": 1,
            "message whose recipient is not in realm.json": 1,
        },
        example="messages-000001.json record 1: message without a valid date_sent",
        corrupt=lambda folder: truncated_copy(
            folder, ZULIP_REALM, "messages-000002.json", '{"zerver_message": ['
        ),
        generate=zulip_export,
        table="messages",
    ),
    "teams": Conformance(
        sample=TEAMS_SAMPLE,
        bad_records=FIXTURES / "teams" / "record_without_created_date.json",
        skipped={"createdDateTime is not a date": 1, "message without an id": 1},
        example="record_without_created_date.json record 1: createdDateTime is not a date",
        corrupt=truncated_file("graph_page_cut_short.json", '{"value": [{"id": "1"'),
        generate=teams_export,
        table="messages",
    ),
    "discord": Conformance(
        sample=DISCORD_SAMPLE,
        bad_records=FIXTURES / "discord" / "record_without_timestamp.json",
        skipped={"timestamp is not a date": 1, "message without an id": 1},
        example="record_without_timestamp.json record 1: timestamp is not a date",
        corrupt=truncated_file("channel_cut_short.json", '{"guild": {"id": "1"}, "channel": {'),
        generate=discord_export,
        table="messages",
    ),
    "mbox": Conformance(
        sample=FIXTURES / "mail" / "first_reply_metrics.mbox",
        bad_records=FIXTURES / "mail" / "unparseable_date.mbox",
        skipped={"unparseable Date": 3},
        example="unparseable_date.mbox message 2: Date 'yesterday' is not a date",
        corrupt=_truncated_gzip,
        generate=mbox_export,
        table="messages",
        batch_limits=MAIL_BATCH,
    ),
    "maildir": Conformance(
        sample=FIXTURES / "mail" / "maildir_basic",
        bad_records=FIXTURES / "mail" / "maildir_unparseable_date",
        skipped={"unparseable Date": 1},
        example="new/1262602800.M2P100.host: Date 'a while ago' is not a date",
        corrupt=_maildir_without_cur_and_new,
        generate=maildir_export,
        table="messages",
        batch_limits=MAIL_BATCH,
    ),
    "ical": Conformance(
        sample=FIXTURES / "ical" / "attendees_partstat_role.ics",
        bad_records=FIXTURES / "ical" / "bad_records.ics",
        skipped={
            "event with an unreadable date, duration or rule": 1,
            "event that ends before it starts": 1,
        },
        example="bad_records.ics event 2: (UID bad-start@example.org) DTSTART",
        corrupt=truncated_file(
            "calendar_cut_short.ics",
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20260302T100000Z\n",
        ),
        generate=ical_export,
        table="meetings",
        memory_gap=(
            "the reader keeps every parsed event (its icalendar component, about 9 KB of "
            "Python objects) until all calendars are read, because a later file may hold an "
            "override (RECURRENCE-ID) or a newer SEQUENCE of the same UID; streaming needs "
            "the components staged outside Python"
        ),
    ),
    "github": Conformance(
        sample=FIXTURES / "github" / "rest_issues_with_pr_marker.json",
        bad_records=FIXTURES / "github" / "bad_created_date.json",
        skipped=TRACKER_BAD_DATES,
        example="bad_created_date.json record 0: created_at 'yesterday' is not a date",
        corrupt=truncated_file("issues_cut_short.json", '[{"number": 1, "created_at": "2026'),
        generate=github_export,
        table="work_items",
        batch_limits=TRACKER_BATCH,
    ),
    "gitlab": Conformance(
        sample=FIXTURES / "gitlab" / "system_notes_are_events.json",
        bad_records=FIXTURES / "gitlab" / "bad_created_date.json",
        skipped=TRACKER_BAD_DATES,
        example="bad_created_date.json record 0: created_at 'yesterday' is not a date",
        corrupt=truncated_file("issues_cut_short.json", '[{"iid": 1, "project_id": 2'),
        generate=gitlab_export,
        table="work_items",
        batch_limits={**TRACKER_BATCH, ("asyncmaturity.sources.gitlab", "BATCH_ROWS"): 200},
    ),
    "jira": Conformance(
        sample=FIXTURES / "jira" / "changelog_status_transitions.json",
        bad_records=FIXTURES / "jira" / "csv_row_with_unreadable_date.csv",
        skipped={"date that cannot be read": 1},
        example="csv_row_with_unreadable_date.csv row 3 (OPS-2): Created 'the 21st' is not a date",
        corrupt=truncated_file("search_cut_short.json", '{"issues": [{"key": "OPS-1"'),
        generate=jira_export,
        table="work_items",
        batch_limits=TRACKER_BATCH,
    ),
    "ledger": Conformance(
        sample=LEDGER_SAMPLE,
        bad_records=FIXTURES / "ledger" / "request_with_unreadable_created_at.json",
        skipped={"date that cannot be read": 1},
        example="request_with_unreadable_created_at.json requests[1]: created_at 'the day before'",
        corrupt=truncated_file(
            "ledger_cut_short.json", '{"format": "asyncmaturity-ledger", "team": {"id": 1'
        ),
        generate=ledger_export,
        table="work_items",
        batch_limits=TRACKER_BATCH,
    ),
    "rocketchat": Conformance(
        sample=ROCKETCHAT_SAMPLE,
        bad_records=FIXTURES / "rocketchat" / "record_with_unreadable_ts.json",
        skipped={"ts is not a date": 1, "message without an _id": 1},
        example="record_with_unreadable_ts.json record 1: ts is not a date",
        corrupt=truncated_file("history_page_cut_short.json", '{"messages": [{"_id": "1"'),
        generate=rocketchat_export,
        table="messages",
    ),
    "googlechat": Conformance(
        sample=GOOGLECHAT_SAMPLE,
        bad_records=FIXTURES / "googlechat" / "message_with_unreadable_date",
        skipped={"created_date is not a date": 1, "message without a message_id": 1},
        example="Space AAAAbad0001/messages.json record 1: created_date is not a date",
        corrupt=lambda folder: truncated_copy(
            folder, GOOGLECHAT_SAMPLE, GOOGLECHAT_SPACE, '{"messages": [{"creator"'
        ),
        generate=googlechat_export,
        table="messages",
    ),
}

SOURCES = [source.name for source in registered_sources()]


@pytest.fixture(params=SOURCES)
def source(request: pytest.FixtureRequest) -> str:
    """Each registered source in turn."""
    name: str = request.param
    return name


@pytest.fixture
def spec(source: str) -> Conformance:
    """The source's samples; a source without them fails here."""
    assert source in CONFORMANCE, (
        f"source {source!r} has no conformance data: add its samples to CONFORMANCE in {__file__}"
    )
    return CONFORMANCE[source]


def counts(store: Path) -> dict[str, int]:
    """Rows of every evidence table, and the ingests recorded."""
    with EvidenceStore.open(store, create=False) as opened:
        found = opened.counts()
        row = opened.con.execute("SELECT count(*) FROM ingests").fetchone()
    return {**found, "ingests": row[0] if row else 0}


def left_behind(folder: Path) -> list[str]:
    """Store files in `folder` (a DuckDB file and its write-ahead log)."""
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".duckdb", ".wal"))


def test_every_source_has_conformance_data() -> None:
    assert sorted(CONFORMANCE) == sorted(SOURCES)


def test_its_sample_is_detected_as_it_and_format_forces_it(
    source: str, spec: Conformance, tmp_path: Path
) -> None:
    assert detect_source(spec.sample).name == source
    others = [other for other in registered_sources() if other.name != source]
    assert [other.name for other in others if other.detect(spec.sample)] == []
    forced = ingest([spec.sample], store=tmp_path / "s.duckdb", format=source)
    assert forced.exports[0].source == source and forced.skipped == {}


def test_reingesting_the_sample_adds_nothing(spec: Conformance, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    first = ingest([spec.sample], store=store)
    assert sum(first.added.values()) > 0
    before = counts(store)
    again = ingest([spec.sample], store=store)
    assert sum(again.added.values()) == 0
    assert sum(again.duplicates.values()) >= sum(first.added.values())
    assert counts(store) == {**before, "ingests": before["ingests"] + 1}


def test_a_corrupt_file_fails_the_whole_ingest(
    source: str, spec: Conformance, tmp_path: Path
) -> None:
    corrupt, named = spec.corrupt(tmp_path)
    # No store yet: none is left behind.
    fresh = tmp_path / "stores"
    fresh.mkdir()
    with pytest.raises(AsyncMaturityError, match=re.escape(named)):
        ingest([spec.sample, corrupt], store=fresh / "new.duckdb", format=source)
    assert left_behind(fresh) == []
    # A store with records of another export: exactly as it was, though the sample would add.
    store = tmp_path / "s.duckdb"
    ingest([FIXTURES / "slack" / "reply_by_root_author"], store=store)
    before = counts(store)
    with pytest.raises(AsyncMaturityError, match=re.escape(named)):
        ingest([spec.sample, corrupt], store=store, format=source)
    assert counts(store) == before


def test_skipped_records_are_counted_and_strict_makes_them_fatal(
    spec: Conformance, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([spec.bad_records], store=store)
    assert summary.skipped == spec.skipped
    examples = summary.exports[0].examples
    assert any(spec.example in example for example in examples), examples
    assert sum(summary.added.values()) > 0  # the good records were kept
    before = counts(store)
    with pytest.raises(RejectedRecords, match=re.escape(spec.bad_records.name)):
        ingest([spec.sample, spec.bad_records], store=store, strict=True)
    assert counts(store) == before


def test_skips_name_the_file_when_the_export_is_given_as_a_folder(
    source: str, spec: Conformance, tmp_path: Path
) -> None:
    # Given the folder above it, a skip still names the file it is in, not just the folder.
    holder = tmp_path / "holder"
    if spec.bad_records.is_file():
        holder.mkdir()
        shutil.copy(spec.bad_records, holder)
    else:
        shutil.copytree(spec.bad_records, holder)
    if not get_source(source).detect(holder):
        pytest.skip(f"{source} does not read a folder holding {spec.bad_records.name}")
    summary = ingest([holder], store=tmp_path / "s.duckdb", format=source)
    files = [p.relative_to(holder).as_posix() for p in holder.rglob("*") if p.is_file()]
    examples = summary.exports[0].examples
    assert examples
    for example in examples:
        assert any(name in example for name in files), (example, files)


def test_cli_failures_are_one_error_line(source: str, spec: Conformance, tmp_path: Path) -> None:
    corrupt, named = spec.corrupt(tmp_path)
    store = tmp_path / "s.duckdb"
    for arguments, names in (
        ([str(corrupt), "--format", source], named),
        ([str(spec.bad_records), "--strict"], spec.bad_records.name),
    ):
        result = runner.invoke(app, ["ingest", *arguments, "--store", str(store)])
        lines = result.stderr.splitlines()
        assert result.exit_code == 1 and len(lines) == 1, result.output
        assert lines[0].startswith("Error: ") and names in lines[0], lines[0]
        assert not store.exists()


# The mail sources' bad-input corpus lives beside the JSON sources' one (tests/test_bad_input.py).
MAIL_CORPUS = Path(__file__).parent / "test_bad_input_mail.py"


def test_it_has_a_bad_input_corpus_of_15_faults(source: str) -> None:
    # The corpora run in tests/test_bad_input.py and tests/test_bad_input_mail.py; every registered source must
    # have one, so a new source cannot arrive without its bad inputs.
    from tests.test_bad_input import CORPORA

    if source in CORPORA:
        names = {case.name for case in CORPORA[source]()}
        assert len(names) >= 15, (source, sorted(names))
        return
    if not MAIL_CORPUS.exists():
        pytest.skip(f"{source}'s corpus is the mail helpers' ({MAIL_CORPUS.name}), not merged yet")
    assert f'"{source}"' in MAIL_CORPUS.read_text("utf-8"), f"{source} has no bad-input corpus"


# Records of the smaller generated export (at least twice the lowered batch limits); the larger
# one has four times as many.
RECORDS = 500
# Allocations that differ between two runs whatever their size (caches, interned strings, DuckDB
# result objects). A reader that keeps what it read holds more: a parsed record costs kilobytes.
MARGIN = 1 << 20


def traced_peak(export: Path, store: Path) -> int:
    """Peak bytes Python allocated while ingesting `export` into a new store."""
    tracemalloc.start()
    try:
        ingest([export], store=store)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_export(
    spec: Conformance,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DuckDB and Arrow allocate outside Python (bounded by the store's memory_limit); what a
    # reader keeps in Python objects is what would grow with the export.
    if spec.memory_gap:
        request.node.add_marker(pytest.mark.xfail(strict=True, reason=spec.memory_gap))
    for (module, name), limit in spec.batch_limits.items():
        monkeypatch.setattr(importlib.import_module(module), name, limit)
    ingest([spec.sample], store=tmp_path / "warm.duckdb")  # first-use imports and caches
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small = spec.generate(tmp_path / "small", RECORDS)
    large = spec.generate(tmp_path / "large", 4 * RECORDS)
    small_peak = traced_peak(small, tmp_path / "small.duckdb")
    large_peak = traced_peak(large, tmp_path / "large.duckdb")
    added = counts(tmp_path / "large.duckdb")[spec.table]
    assert added >= 4 * RECORDS
    assert large_peak < 2 * small_peak + MARGIN, (small_peak, large_peak)
