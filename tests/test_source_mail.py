"""The e-mail sources (mbox, pipermail archives, Maildir): keys, dates, threads, people, metrics.

Fixtures under tests/fixtures/mail/ are named after the quirk they hold; expected rows and figures
are worked out by hand in the comments.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import io
import itertools
import json
import mailbox
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.errors import InvalidExport, RejectedRecords
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_exports, detect_source, get_source
from asyncmaturity.sources.mail import normalise_id, parse_date, parse_sender, split_mbox
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest

MAIL = Path(__file__).parent / "fixtures" / "mail"
SLACK = Path(__file__).parent / "fixtures" / "slack"


def _key(message_id: str) -> str:
    return hashlib.md5(f"mail|{message_id}".encode()).hexdigest()


def _rows(store: Path, sql: str) -> list[tuple[Any, ...]]:
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        return opened.con.execute(sql).fetchall()


def _messages(store: Path) -> dict[str, dict[str, Any]]:
    """Every stored message by key, as a dict of its columns."""
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        cursor = opened.con.execute("SELECT * FROM messages")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _secret(store: Path) -> str:
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        return opened.secret


# ---------------------------------------------------------------------------------------------
# Parsing helpers


def test_header_helpers() -> None:
    assert normalise_id(" < Shared-1@Example.org > ") == "shared-1@example.org"
    assert normalise_id("<a@b> (added by postmaster)") == "a@b"
    assert normalise_id("bare@host") == "bare@host"
    assert normalise_id("not an id") is None
    assert parse_sender("exarkun at twistedmatrix.com (exarkun at twistedmatrix.com)") == (
        "exarkun@twistedmatrix.com",
        "exarkun@twistedmatrix.com",
    )
    assert parse_sender("Bob <Bob@Example.org>") == ("bob@example.org", "Bob")
    assert parse_sender("bob@example.org") == ("bob@example.org", None)
    # 1 Jan 2010 05:05 at -05:00 is 10:05 UTC: 1262340300 s after the epoch.
    assert parse_date("Fri, 1 Jan 2010 05:05:00 -0500") == (1262340300_000000, -18000)
    assert parse_date("1 Jan 2010 05:05 -0500") == (1262340300_000000, -18000)
    assert parse_date("Fri, 01 Jan 10 10:05:00 GMT") == (1262340300_000000, 0)  # stdlib path
    assert parse_date("Fri, 1 Jan 2010 05:05:00 +9900") is None  # offset beyond a day
    assert parse_date("Mon, 31 Feb 2010 10:00:00 +0000") is None
    assert parse_date("yesterday") is None


def test_split_does_not_depend_on_block_boundaries() -> None:
    """Separators straddling read blocks are found; a "From " body line without a date is text."""
    data = gzip.decompress((MAIL / "pipermail_obfuscated_at.mbox.gz").read_bytes())
    whole = list(split_mbox(io.BytesIO(data)))
    assert len(whole) == 3  # "From now on, ..." in message 2 is not a separator
    assert b"From now on" in whole[1]
    for block in (1, 5, 7, 64, 100):
        assert list(split_mbox(io.BytesIO(data), block_bytes=block)) == whole
    assert b"".join(whole) == data


def test_an_over_long_message_keeps_its_head_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message past MAX_MESSAGE_BYTES (a bomb, a giant paste) is cut; the next one is intact."""
    from asyncmaturity.sources import mail

    monkeypatch.setattr(mail, "MAX_MESSAGE_BYTES", 10_000)
    big = b"From a@x.org Mon Jan  4 10:00:00 2010\nFrom: a@x.org\n\n" + b"x" * 200_000 + b"\n"
    small = b"From b@x.org Mon Jan  4 11:00:00 2010\nFrom: b@x.org\n\nsmall\n"
    parts = list(split_mbox(io.BytesIO(big + small), block_bytes=4096))
    assert len(parts) == 2 and parts[1] == small
    assert parts[0] == big[:10_000]


def test_byte_ranges_split_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers split plain files in byte ranges cut at separator lines: whatever the range size,
    the ranges' messages are the whole file's, in order (blank lines before the first message,
    "From " body lines that separate nothing, an undated separator, CRLF lines, a message cut
    to its head, a last line without its newline)."""
    from asyncmaturity.sources import mail

    # Small blocks, look-ahead and message bound, so that every limit is met in a small file.
    monkeypatch.setattr(mail, "BLOCK_BYTES", 1_024)
    monkeypatch.setattr(mail, "SEPARATOR_LOOKAHEAD", 300)
    monkeypatch.setattr(mail, "MAX_MESSAGE_BYTES", 3_000)
    pipermail = gzip.decompress((MAIL / "pipermail_obfuscated_at.mbox.gz").read_bytes())
    data = (
        b"\n\r\n"
        + pipermail
        + b"From a@x.org\r\nFrom: a@x.org\r\nDate: Mon, 4 Jan 2010 10:00:00 +0000\r\n\r\nhi\r\n"
        + b"From now on:\nNote: text, not headers\n\n"
        + b"From b@x.org Mon Jan  4 11:00:00 2010\nFrom: b@x.org\n\n"
        + b"y" * 8_000
        + b"\nFrom c@x.org Mon Jan  4 12:00:00 2010\nSubject: last\n\nFrom here"
    )
    archive = tmp_path / "quirks.mbox"
    archive.write_bytes(data)
    whole = list(split_mbox(io.BytesIO(data)))
    assert len(whole) == 6 and len(whole[4]) == 3_000  # the pipermail three, hi, b (cut), c
    file = mail.MailFile(archive, archive.name, "quirks")
    for size in (1, 7, 100, 1_000, 3_500, 100_000):
        monkeypatch.setattr(mail, "RANGE_BYTES", size)
        chunks = list(mail._ranges(0, file, False, None))
        assert [m for chunk in chunks for m in mail._chunk_messages(chunk)] == whole
        assert (len(chunks) == 1) == (size == 100_000)
        assert chunks[-1].end == len(data) and all(
            a.end == b.start for a, b in itertools.pairwise(chunks)
        )
    # Ranges that start small and double (the first rows come back soon): the same messages.
    monkeypatch.setattr(mail, "FIRST_RANGE_BYTES", 50)
    monkeypatch.setattr(mail, "RANGE_BYTES", 1_000)
    chunks = list(mail._ranges(0, file, False, None))
    assert [m for chunk in chunks for m in mail._chunk_messages(chunk)] == whole
    assert chunks[0].end < 1_000 <= chunks[-2].end - chunks[-2].start


# ---------------------------------------------------------------------------------------------
# Detection


def test_detection_by_content(tmp_path: Path) -> None:
    mbox, maildir = get_source("mbox"), get_source("maildir")
    for name in (
        "pipermail_obfuscated_at.mbox.gz",
        "no_message_id.mbox",
        "duplicate_message_id_across_archives",
        "reply_before_parent",
    ):
        assert detect_source(MAIL / name).name == "mbox", name
    assert detect_source(MAIL / "maildir_basic").name == "maildir"
    assert not mbox.detect(MAIL / "maildir_basic")
    assert not maildir.detect(MAIL / "duplicate_message_id_across_archives")
    # Whatever the name: a file called .json holding an mbox is an mbox; JSON is not, even gzipped.
    renamed = tmp_path / "export.json"
    shutil.copy(MAIL / "no_message_id.mbox", renamed)
    assert mbox.detect(renamed)
    json_gz = tmp_path / "data.json.gz"
    json_gz.write_bytes(gzip.compress(b'[{"From ": 1}]'))
    assert not mbox.detect(json_gz)
    # The Slack fixtures are never claimed by the mail sources.
    for folder in sorted(p for p in SLACK.iterdir() if p.is_dir()):
        assert not mbox.detect(folder) and not maildir.detect(folder), folder


def test_zip_of_mbox_files_is_read(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "lists.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(MAIL / "pipermail_obfuscated_at.mbox.gz", "2010-January.txt.gz")
        for file in sorted((MAIL / "duplicate_message_id_across_archives").iterdir()):
            zf.write(file, f"export/{file.name}")
    assert detect_source(archive).name == "mbox"  # by the gzipped member's content
    summary = ingest([archive], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 3 + 3
    # The monthly archive at the zip's top level belongs to the list named after the zip.
    names = _rows(tmp_path / "s.duckdb", "SELECT name FROM conversations ORDER BY name")
    assert names == [("lists",), ("team.example.org",)]
    assert "lists.zip!export/list-a.mbox" in str(
        _rows(tmp_path / "s.duckdb", "SELECT list(origin ORDER BY origin) FROM messages")[0][0]
    )


# ---------------------------------------------------------------------------------------------
# Keys, dates, people


def test_pipermail_obfuscated_addresses_and_threads(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([MAIL / "pipermail_obfuscated_at.mbox.gz"], store=store)
    assert summary.records_read == 3 and summary.added["messages"] == 3
    secret = _secret(store)
    messages = _messages(store)
    root, first, second = (
        messages[_key(i)]
        for i in ("root-1@twistedmatrix.com", "reply-1@twistedmatrix.com", "reply-2@gmail.com")
    )
    # "glyph at twistedmatrix.com" is glyph@twistedmatrix.com; "Kevin.Horn at Gmail.com" is
    # lower-cased.
    assert root["author_key"] == person_key(secret, "email:glyph@twistedmatrix.com")
    assert second["author_key"] == person_key(secret, "email:kevin.horn@gmail.com")
    assert (root["is_root"], root["is_reply"], root["thread_root_key"]) == (
        True,
        False,
        root["message_key"],
    )
    assert (first["parent_key"], first["thread_root_key"], first["is_reply"]) == (
        root["message_key"],
        root["message_key"],
        True,
    )
    assert (second["parent_key"], second["thread_root_key"]) == (
        first["message_key"],
        root["message_key"],
    )
    # Local offsets from the Date headers: -0500, -0000 (UTC), -0600.
    assert [m["local_offset_s"] for m in (root, first, second)] == [-18000, 0, -21600]
    assert root["links"] == 1 and root["is_question"]
    assert first["decision_language"]  # "We decided to go with Sphinx." (the quote left out)
    assert not first["is_question"]  # its only "?" is in the quoted line
    assert all(
        m["kind"] == "human" and m["text"] is None and m["subject"] is None
        for m in messages.values()
    )
    identities = _rows(store, "SELECT kind, count(*) FROM identities GROUP BY kind")
    assert identities == [("email", 3)]
    assert _rows(store, "SELECT kind, name FROM conversations") == [
        ("mailing list", "pipermail_obfuscated_at")
    ]


def test_message_without_message_id_counts_once_by_its_headers(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert ingest([MAIL / "no_message_id.mbox"], store=store).added["messages"] == 2
    # Key of the message with no Message-ID: md5('mail|' || address || UTC Date || subject).
    headers_key = hashlib.md5(b"mail|bob@example.org2010-01-04T11:00:00No id here").hexdigest()
    assert set(_messages(store)) == {_key("with-id@example.org"), headers_key}
    again = ingest([MAIL / "no_message_id.mbox"], store=store)
    assert again.added.get("messages", 0) == 0 and again.duplicates["messages"] == 2


def test_duplicate_message_id_across_archives_counts_once(tmp_path: Path) -> None:
    folder = MAIL / "duplicate_message_id_across_archives"
    store = tmp_path / "s.duckdb"
    summary = ingest([folder], store=store)
    # 4 messages read, "<Shared-1@Example.org>" and "< shared-1@example.org >" are one message.
    assert summary.records_read == 4
    assert summary.added["messages"] == 3 and summary.duplicates["messages"] == 1
    assert _key("shared-1@example.org") in _messages(store)
    # List-Id names the one list (stored like a channel name), whichever file a message came in.
    assert _rows(store, "SELECT kind, name FROM conversations") == [
        ("mailing list", "team.example.org")
    ]
    # The same across separate ingests, one archive at a time.
    other = tmp_path / "t.duckdb"
    assert ingest([folder / "list-a.mbox"], store=other).added["messages"] == 2
    second = ingest([folder / "list-b.mbox"], store=other)
    assert second.added["messages"] == 1 and second.duplicates["messages"] == 1


def test_unparseable_date_is_counted_and_reported(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([MAIL / "unparseable_date.mbox"], store=store)
    # Message 2 says "yesterday", message 3 has no Date, message 4 is 31 February: rejected.
    assert summary.skipped == {"unparseable Date": 3}
    assert summary.added["messages"] == 1
    examples = summary.exports[0].examples
    assert any(
        "unparseable_date.mbox message 2: Date 'yesterday' is not a date" in e for e in examples
    )
    assert any("message 3: no Date header" in e for e in examples)


def test_strict_makes_a_rejected_date_fatal(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    with pytest.raises(RejectedRecords, match=r"unparseable_date\.mbox message 2"):
        ingest([MAIL / "unparseable_date.mbox"], store=store, strict=True)
    assert not store.exists()


def test_unreadable_archive_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "2010-March.txt.gz"
    broken.write_bytes(
        gzip.compress(b"From a@b.org Mon Jan  4 10:00:00 2010\nFrom: a@b.org\n" * 50)[:60]
    )
    with pytest.raises(InvalidExport, match=r"2010-March\.txt\.gz: cannot read"):
        ingest([broken], store=tmp_path / "s.duckdb", format="mbox")


def test_date_without_zone_is_utc(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([MAIL / "date_without_zone.mbox"], store=store)
    rows = _rows(
        store, "SELECT sent_at, local_offset_s FROM messages ORDER BY sent_at, local_offset_s"
    )
    as_text = [(str(sent_at), offset) for sent_at, offset in rows]
    # No zone and -0000 are 10:00 UTC with offset 0; +0530 at 10:00 local is 04:30 UTC.
    assert as_text == [
        ("2010-01-04 04:30:00", 19800),
        ("2010-01-04 10:00:00", 0),
        ("2010-01-04 10:00:00", 0),
    ]


# ---------------------------------------------------------------------------------------------
# Threads


def test_references_without_in_reply_to(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([MAIL / "references_without_in_reply_to.mbox"], store=store)
    messages = _messages(store)
    root, first, second = (messages[_key(f"{n}@example.org")] for n in ("root", "first", "second"))
    # The last of References, <FIRST@example.org>, normalised, is the parent.
    assert second["parent_key"] == first["message_key"]
    assert second["thread_root_key"] == first["thread_root_key"] == root["message_key"]
    assert [m["is_reply"] for m in (root, first, second)] == [False, True, True]


def test_subject_fallback_only_without_thread_headers(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([MAIL / "subject_fallback_only_without_headers.mbox"], store=store)
    messages = _messages(store)
    budget, reply, elsewhere, orphan, again = (
        messages[_key(f"{n}@example.org")]
        for n in ("budget", "budget-reply", "budget-elsewhere", "orphan", "budget-again")
    )
    # "Re: [team] Budget" without headers joins "[team] Budget" (tags stripped, same list).
    assert (reply["parent_key"], reply["is_reply"], reply["thread_root_key"]) == (
        budget["message_key"],
        True,
        budget["message_key"],
    )
    # Its In-Reply-To names a message not in the store: a root, never matched by subject.
    assert elsewhere["parent_key"] == _key("not-in-this-archive@example.org")
    assert elsewhere["is_root"] and not elsewhere["is_reply"]
    assert orphan["is_root"] and orphan["parent_key"] is None  # no earlier "Nothing before me"
    assert again["is_root"] and again["parent_key"] is None  # not marked as a reply


def test_subject_fallback_between_tied_parents_takes_the_later_in_the_archive(
    tmp_path: Path,
) -> None:
    # Alice and Bob both post "[team] Release" at 10:00; Carol's "Re:" at 11:00 has no headers.
    # Both are the most recent earlier message: Bob's, the later in the file, is the parent,
    # every time (an ASOF join alone picks either).
    for attempt in range(3):
        store = tmp_path / f"s{attempt}.duckdb"
        ingest([MAIL / "subject_fallback_tied_parents.mbox"], store=store)
        reply = _messages(store)[_key("release-reply@example.org")]
        assert reply["parent_key"] == _key("release-bob@example.org")


def test_reply_ingested_before_its_parent_is_linked_later(tmp_path: Path) -> None:
    folder = MAIL / "reply_before_parent"
    store = tmp_path / "s.duckdb"
    ingest([folder / "2010-February.txt"], store=store)
    answer = _messages(store)[_key("feb-answer@example.org")]
    assert answer["is_root"] and not answer["is_reply"]
    assert answer["parent_key"] == _key("jan-question@example.org")
    ingest([folder / "2010-January.txt"], store=store)
    messages = _messages(store)
    answer, question = (
        messages[_key("feb-answer@example.org")],
        messages[_key("jan-question@example.org")],
    )
    assert (answer["is_reply"], answer["is_root"], answer["thread_root_key"]) == (
        True,
        False,
        question["message_key"],
    )
    # Monthly archives are one list, named after their folder.
    assert _rows(store, "SELECT name FROM conversations") == [("reply_before_parent",)]
    assert measure(store=store).metrics["threads.count"] == 1


def test_reference_cycle_leaves_roots(tmp_path: Path) -> None:
    """Forged headers pointing at each other end neither in a loop nor in a missing root."""
    cycle = tmp_path / "cycle.mbox"
    cycle.write_text(
        "From a@x.org Mon Jan  4 10:00:00 2010\nFrom: a@x.org\n"
        "Date: Mon, 4 Jan 2010 10:00:00 +0000\nMessage-ID: <one@x>\nIn-Reply-To: <two@x>\n\n"
        "One.\n\n"
        "From b@x.org Mon Jan  4 11:00:00 2010\nFrom: b@x.org\n"
        "Date: Mon, 4 Jan 2010 11:00:00 +0000\nMessage-ID: <two@x>\nIn-Reply-To: <one@x>\n\n"
        "Two.\n"
    )
    store = tmp_path / "s.duckdb"
    ingest([cycle], store=store)
    rows = _rows(store, "SELECT is_root, is_reply, thread_root_key = message_key FROM messages")
    assert rows == [(True, False, True), (True, False, True)]


# ---------------------------------------------------------------------------------------------
# Text, names and encodings


def test_rfc2047_encoded_from_and_subject(tmp_path: Path) -> None:
    kept = tmp_path / "kept.duckdb"
    ingest([MAIL / "rfc2047_encoded_from.mbox"], store=kept, keep_text=True)
    secret = _secret(kept)
    (message,) = _messages(kept).values()
    assert message["author_key"] == person_key(secret, "email:therve@free.fr")
    assert message["subject"] == "Résumé of the sprint"
    assert message["text"].strip() == "Café at 10?"  # quoted-printable, ISO-8859-1
    assert _rows(kept, "SELECT display_name FROM people") == [("Thomas Hervé",)]
    private = tmp_path / "private.duckdb"
    ingest([MAIL / "rfc2047_encoded_from.mbox"], store=private)
    (message,) = _messages(private).values()
    assert message["subject"] is None and message["text"] is None
    assert _rows(private, "SELECT display_name FROM people") == [(None,)]


def test_multipart_first_plain_part_attachments_skipped(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([MAIL / "multipart_alternative_base64.mbox"], store=store, keep_text=True)
    (message,) = _messages(store).values()
    # The base64 text/plain part inside multipart/alternative; the PDF is never decoded.
    assert message["text"] == "Report at https://example.org/r — ready?"
    assert (message["text_length"], message["links"], message["is_question"]) == (40, 1, True)


# ---------------------------------------------------------------------------------------------
# Maildir


def test_maildir_basic(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([MAIL / "maildir_basic"], store=store)
    assert summary.exports[0].source == "maildir"
    # cur/ (2, one with CRLF lines and a leading From_ line) and new/ (1); tmp/ is never read.
    assert summary.records_read == 3 and summary.added["messages"] == 3
    messages = _messages(store)
    root, reply, new = (messages[_key(f"md-{n}@example.org")] for n in ("root", "reply", "new"))
    assert reply["parent_key"] == root["message_key"] and new["parent_key"] == reply["message_key"]
    assert {m["thread_root_key"] for m in messages.values()} == {root["message_key"]}
    assert [m["is_reply"] for m in (root, reply, new)] == [False, True, True]
    assert _rows(store, "SELECT kind, name FROM conversations") == [
        ("mailing list", "team.example.org")
    ]
    again = ingest([MAIL / "maildir_basic"], store=store)
    assert sum(again.added.values()) == 0


TREE = MAIL / "maildir_tree_nested_and_maildir_plus_plus"
REAL_MAILDIR = Path(__file__).parent / "fixtures" / "real" / "maildir" / "staktrace_testdata"


def test_maildir_tree_reads_nested_and_maildir_plus_plus_folders(tmp_path: Path) -> None:
    """A Dovecot-style mailbox: the root is INBOX, .Sent/ .work.projects/ .lists.dev/ are
    Maildir++ folders, archive/2024/ a nested one; one message in each (files listed by hand)."""
    store = tmp_path / "s.duckdb"
    summary = ingest([TREE], store=store)
    export = summary.exports[0]
    assert export.source == "maildir" and export.skipped == {}
    assert summary.records_read == 5 and summary.added["messages"] == 5
    # Each folder is a conversation named by its path; a List-Id still names its list.
    assert sorted(_rows(store, "SELECT name FROM conversations")) == [
        ("dev.lists.example.org",),
        ("maildir_tree_nested_and_maildir_plus_plus",),
        ("maildir_tree_nested_and_maildir_plus_plus/Sent",),
        ("maildir_tree_nested_and_maildir_plus_plus/archive/2024",),
        ("maildir_tree_nested_and_maildir_plus_plus/work/projects",),
    ]
    messages = _messages(store)
    # Bob's reply, filed in Sent, answers Alice's message in INBOX.
    assert messages[_key("tree-b@example.org")]["parent_key"] == _key("tree-a@example.org")
    # Nothing is left out silently: tmp/ and the stray notes are counted and named;
    # Dovecot's dovecot-uidlist and Maildir++'s maildirfolder marks are bookkeeping, not mail.
    assert "5 folder(s)" in export.detected and "5 messages" in export.detected
    assert "2 file(s) not read" in export.detected
    assert str(TREE / "tmp" / "1262952000.M6P1.host") + " (in tmp/" in export.detected
    assert str(TREE / "notes" / "readme.txt") in export.detected
    assert "dovecot-uidlist" not in export.detected and "maildirfolder" not in export.detected
    again = ingest([TREE], store=store)
    assert sum(again.added.values()) == 0


def test_maildir_trees_are_detected_at_any_depth(tmp_path: Path) -> None:
    maildir, mbox = get_source("maildir"), get_source("mbox")
    deep = tmp_path / "backup" / "2024" / "alice"
    shutil.copytree(TREE, deep)
    assert detect_source(tmp_path / "backup").name == "maildir"
    assert not mbox.detect(tmp_path / "backup")
    # Copied by git or a zip, a Maildir loses its empty new/ and tmp/: cur/ with mail is enough.
    only_cur = tmp_path / "only_cur"
    shutil.copytree(TREE / ".Sent", only_cur)
    assert maildir.detect(only_cur)
    summary = ingest([tmp_path / "backup"], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 5
    assert ("backup/2024/alice/work/projects",) not in _rows(
        tmp_path / "s.duckdb", "SELECT name FROM conversations"
    )
    assert ("2024/alice/work/projects",) in _rows(
        tmp_path / "s.duckdb", "SELECT name FROM conversations"
    )


def test_a_maildir_whose_files_keep_from_lines_is_one_export(tmp_path: Path) -> None:
    # Some tools keep the mbox "From " line atop each message file: cur/ is still no mbox.
    tree = tmp_path / "alice"
    shutil.copytree(TREE, tree)
    shutil.copy(MAIL / "maildir_basic" / "cur" / "1262602800.M2P100.host,S=430", tree / "cur")
    assert not get_source("mbox").detect(tree / "cur")
    found = detect_exports(tree)
    assert [(path, source.name) for path, source in found.parts] == [(tree, "maildir")]


def test_real_maildir_test_data_of_the_maildir_crate(tmp_path: Path) -> None:
    """staktrace/maildir's testdata (PROVENANCE.md): maildir/ holds two delivered messages (one
    in cur/, one in new/) beside dot-files that are not mail; submaildirs/ is an empty Maildir
    with Maildir++ folders (.Subdir1, .Subdir2, ..Subdir3) that git kept without cur/ or new/."""
    store = tmp_path / "s.duckdb"
    summary = ingest([REAL_MAILDIR], store=store)
    export = summary.exports[0]
    assert export.source == "maildir" and export.skipped == {}
    assert summary.records_read == 2 and summary.added["messages"] == 2
    assert "2 folder(s)" in export.detected and "not read" not in export.detected
    assert _rows(store, "SELECT name FROM conversations") == [("maildir",)]
    assert _rows(
        store, "SELECT strftime(sent_at, '%Y-%m-%d %H:%M:%S') FROM messages ORDER BY 1"
    ) == [
        ("2016-05-21 22:08:25",),
        ("2016-05-22 18:16:50",),
    ]


DOVECOT_TREES = REAL_MAILDIR.parent / "dovecot_lda_ponymail"
PONYMAIL_MBOX = REAL_MAILDIR.parents[1] / "mbox" / "users_ponymail_apache_org_2022-01.mbox"


@pytest.mark.parametrize("layout", ["maildir_plus_plus", "layout_fs"])
def test_maildir_trees_written_by_dovecot_hold_the_mbox_messages(
    layout: str, tmp_path: Path
) -> None:
    """Dovecot delivered the ponymail archive's six messages two by two into the inbox and two
    sub-folders, Maildir++ (.lists.ponymail/) or nested (lists/ponymail/), beside its index
    files (PROVENANCE.md). Every message is found, none twice, and they are the archive's own:
    ingesting the mbox afterwards adds nothing."""
    store = tmp_path / "s.duckdb"
    summary = ingest([DOVECOT_TREES / layout], store=store)
    export = summary.exports[0]
    assert export.source == "maildir" and export.skipped == {}
    assert "3 folder(s)" in export.detected and "6 messages" in export.detected
    assert summary.records_read == 6 and summary.added["messages"] == 6
    # The archive's two threads (PROVENANCE.md of the mbox): 2 roots and 4 replies.
    assert _rows(
        store, "SELECT count(DISTINCT thread_root_key), sum(is_reply::INT) FROM messages"
    ) == [(2, 4)]
    again = ingest([PONYMAIL_MBOX], store=store)
    assert again.added.get("messages", 0) == 0 and again.duplicates["messages"] == 6


def test_same_message_in_mbox_and_maildir_is_one_message(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([MAIL / "maildir_basic"], store=store)
    mbox = tmp_path / "copy.mbox"
    mbox.write_bytes(
        b"From alice@example.org Mon Jan  4 10:00:00 2010\n"
        + (MAIL / "maildir_basic" / "cur" / "1262599200.M1P100.host,S=420").read_bytes()
    )
    summary = ingest([mbox], store=store)
    assert summary.added.get("messages", 0) == 0 and summary.duplicates["messages"] == 1


# ---------------------------------------------------------------------------------------------
# Metrics over mail


def test_mail_metrics_by_hand(tmp_path: Path) -> None:
    """first_reply_metrics.mbox, default charter (Mon-Fri 09:00-17:00 in each Date's own offset).

    Roots and replies (UTC; local per the Date header):
      A alice Mon 4 10:00 (local 10:00, in)   B bob -> A 11:00 (local 13:00 +0200, in)
      C alice -> B 11:30 (in)                  D bob Wed 6 01:00 (local Tue 20:00 -0500, after)
      F bob -> D Wed 02:00 (local Tue 21:00, after)   E carol -> D Wed 08:30 (local 09:30 +0100, in)
      G carol Sat 9 10:00 (weekend, after)     H alice Mon 11 16:59 (in)
      I bob -> H Mon 11 17:00 (17:00 is outside: the end is exclusive)
    Roots A, D, G, H; first replies by someone else: A<-B 3600 s, D<-E 27000 s (F is D's own
    author), H<-I 60 s; G unanswered. answered_share = 3/4; median of [60, 3600, 27000] = 3600.
    After hours: D, F, G, I = 4 of 9 human messages.
    """
    store = tmp_path / "s.duckdb"
    ingest([MAIL / "first_reply_metrics.mbox"], store=store)
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == 9
    assert metrics["messages.thread_replies"] == 5  # B, C, F, E, I
    assert metrics["threads.count"] == 3  # A, D, H
    assert metrics["people.active"] == 3
    assert metrics["response.answered_share"] == pytest.approx(0.75)
    assert metrics["response.first_reply.median_s"] == pytest.approx(3600)
    assert metrics["hours.after_hours_share"] == pytest.approx(4 / 9)


def test_charter_exclusion_by_address_applies_to_mail(tmp_path: Path) -> None:
    from asyncmaturity.charter import Charter

    store = tmp_path / "s.duckdb"
    ingest([MAIL / "first_reply_metrics.mbox"], store=store)
    # Without bob (B, D, F, I): A, C, E, G, H remain; E's root D is gone, so E is no first reply.
    metrics = measure(store=store, charter=Charter(exclude=["Bob@Example.org"])).metrics
    assert metrics["messages.human"] == 5


# ---------------------------------------------------------------------------------------------
# The real archive: twisted-python, 2010, Mailman monthly archives


def _reference(folder: Path, tmp_path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """Plain stdlib reading of the archives: first copy of each message by key, and rejections.

    stdlib's mbox splits at every line starting "From ", so an unescaped body line such as
    "From now on, ..." makes a fragment with no headers at all; those are not messages.
    """
    first: dict[str, dict[str, Any]] = {}
    rejected = 0
    for archive in sorted(folder.glob("*.txt.gz")):
        plain = tmp_path / archive.stem
        plain.write_bytes(gzip.decompress(archive.read_bytes()))
        for message in mailbox.mbox(plain, create=False):
            if not any(message.get(h) for h in ("From", "Date", "Message-ID")):
                continue
            try:
                when = email.utils.parsedate_to_datetime(str(message.get("Date", "")))
            except (TypeError, ValueError):
                rejected += 1
                continue
            raw_id = str(message.get("Message-ID", "")).strip()
            found = re.search(r"<\s*([^<>\s]+)\s*>", raw_id)
            message_id = (found.group(1) if found else raw_id).lower()
            if not message_id:
                message_id = f"{message.get('From')}|{when.isoformat()}|{message.get('Subject')}"
            refs = re.findall(r"<([^<>\s]+)>", str(message.get("References", "")))
            irt = re.findall(r"<([^<>\s]+)>", str(message.get("In-Reply-To", "")))
            parent = (irt[0] if irt else refs[-1] if refs else None) if (irt or refs) else None
            first.setdefault(
                message_id,
                {
                    "parent": parent.lower() if parent else None,
                    "headers": bool(message.get("In-Reply-To") or message.get("References")),
                    "re": bool(re.search(r"(?i)\bre\s*:", str(message.get("Subject", "")))),
                },
            )
        plain.unlink()
    return first, rejected


def test_twisted_archive_against_a_reference_reader(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "mbox-twisted-2010"
    if not folder.is_dir():
        pytest.skip("mbox-twisted-2010 is not in ../shared/data")
    expected, rejected = _reference(folder, tmp_path)
    store = tmp_path / "s.duckdb"
    summary = ingest([folder], store=store)
    assert summary.exports[0].source == "mbox"
    assert summary.skipped.get("unparseable Date", 0) == rejected
    assert summary.added["messages"] == len(expected)
    assert set(_messages(store)) == {_key(message_id) for message_id in expected}
    assert _rows(store, "SELECT count(*) FROM conversations") == [(1,)]
    # Replies by header: the parent named is present. The subject fallback may add a few more,
    # only among messages with neither header and a "Re:" subject.
    by_header = sum(1 for m in expected.values() if m["parent"] in expected)
    candidates = sum(1 for m in expected.values() if not m["headers"] and m["re"])
    (stored_replies,) = _rows(store, "SELECT count(*) FROM messages WHERE is_reply")[0]
    assert by_header <= stored_replies <= by_header + candidates
    before = _rows(
        store, "SELECT count(*), sum(is_reply::INT), count(DISTINCT thread_root_key) FROM messages"
    )
    again = ingest([folder], store=store)
    assert sum(again.added.values()) == 0
    assert again.duplicates["messages"] == summary.records_read - rejected
    assert (
        _rows(
            store,
            "SELECT count(*), sum(is_reply::INT), count(DISTINCT thread_root_key) FROM messages",
        )
        == before
    )
    assert json.dumps(measure(store=store).metrics)  # the chat metrics run over mail


def test_parsing_workers_give_the_rows_and_counts_of_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Several files, rejected Dates among the messages, chunks of two messages (compressed
    # files) and byte ranges of about 200 bytes (plain ones, which workers split themselves), so
    # that chunks, files and rejections cross in the workers; one process is the reference.
    from asyncmaturity.sources import mail
    from asyncmaturity.sources.interface import SourceReport

    monkeypatch.setattr(mail, "ROWS_PER_BATCH", 2)
    monkeypatch.setattr(mail, "RANGE_BYTES", 200)
    names = ("unparseable_date.mbox", "first_reply_metrics.mbox", "pipermail_obfuscated_at.mbox.gz")
    files = [mail.MailFile(MAIL / name, name, "list") for name in names]
    span = mail.plausible_span((datetime(1990, 1, 1), datetime(2026, 1, 1)))
    results = {}
    for workers in (0, 2):
        report = SourceReport()
        tables = list(mail.parse_mbox(files, report=report, span=span, workers=workers))
        rows = [row for table in tables for row in table.to_pylist()]
        results[workers] = (rows, report.records_read, report.skipped, report.examples)
    assert results[0][0] and results[0][2]  # rows and rejections both present
    assert results[2] == results[0]
    # Numbered within each file from 1, stored and rejected messages together, in file order.
    numbers: dict[str, list[int]] = {name: [] for name in names}
    for row in results[0][0]:
        numbers[names[row["file_no"]]].append(row["msg_no"])
    for example in results[0][3]:
        name, number = re.match(r"(\S+) message (\d+):", example).groups()  # type: ignore[union-attr]
        numbers[name].append(int(number))
    assert all(sorted(found) == list(range(1, len(found) + 1)) for found in numbers.values())
    assert sum(len(found) for found in numbers.values()) == results[0][1]


@given(
    st.lists(
        st.tuples(
            st.integers(-(2**31), 2**31 - 1),
            st.integers(-(2**63), 2**63 - 1),
            st.booleans(),
            st.one_of(st.none(), st.text()),  # None and "" must stay apart
        ),
        max_size=40,
    )
)
def test_staged_columns_built_from_buffers_equal_pyarrows_conversion(
    rows: list[tuple[int, int, bool, str | None]],
) -> None:
    """The staged columns, built from buffers to spare pandas' import, hold what pyarrow's own
    conversion of the same Python values holds (nulls, empty and non-ASCII text included)."""
    import pyarrow as pa

    from asyncmaturity.sources.mail import _column

    kinds = (pa.int32(), pa.int64(), pa.bool_(), pa.string())
    for position, kind in enumerate(kinds):
        values = tuple(row[position] for row in rows)
        built = _column(values, kind)
        built.validate(full=True)
        assert built.equals(pa.array(values, type=kind))
    stamps = tuple(row[1] // 2**12 for row in rows)
    assert _column(stamps, pa.timestamp("us")).equals(pa.array(stamps, type=pa.timestamp("us")))


# Header-like lines and pieces of lines: blocks of header lines with one a known header or none,
# folded lines, blank and CR-only lines, body text.
HEADER_LINES = [b"From: a@x.org", b"DATE :", b"X-Mailer: m", b"Note: n", b"Summary:", b" folded",
                b"\tfolded", b"", b"\r", b"\r\r", b"from now on", b"text", b"\xff:"]  # fmt: skip
HEADERISH = st.one_of(
    st.lists(st.sampled_from(HEADER_LINES), max_size=12).map(b"\n".join),
    st.lists(st.sampled_from([*HEADER_LINES, b"\n", b"\r\n", b":", b"x-"]), max_size=30).map(
        b"".join
    ),
)


@settings(max_examples=1_000)
@given(HEADERISH, st.booleans(), st.integers(1, 60))
def test_header_blocks_read_at_once_as_line_by_line(block: bytes, eof: bool, look: int) -> None:
    """The one-pattern answer for plain header blocks is the line-by-line reading's, for any
    mix of header, folded, blank, CR and body lines, at any look-ahead and with or without the
    end of the file."""
    from asyncmaturity.sources import mail

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mail, "SEPARATOR_LOOKAHEAD", look)
        for start in (0, 1):
            buf = b"\n" * start + block
            expected = mail.headers_follow_by_line(buf, start, eof)
            assert mail.headers_follow(buf, start, eof) == expected


# Pieces of header blocks and From values: wanted names in either case, blanks before colons,
# folded lines, pipermail's " at " between names and hosts, characters that stop a name.
FIELD_PIECES = [b"\n", b" ", b"\t", b":", b"From", b"DATE", b"message-id", b"x-other", b"<a@b>",
                b" at ", b"at", b"host.org", b"(", b")", b"\"", b"@", b"-", b"\xff", b"v"]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(FIELD_PIECES), max_size=40).map(b"".join))
def test_fast_spellings_of_the_header_and_at_patterns_match_as_their_plain_ones(
    block: bytes,
) -> None:
    """The header pattern with possessive quantifiers, and pipermail's " at " pattern starting
    with its space, find exactly what their plain spellings find."""
    from asyncmaturity.sources import mail

    plain_header = re.compile(
        rb"^(" + mail.WANTED.encode() + rb")[ \t]*:[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)", re.M | re.I
    )
    plain_at = re.compile(
        r"(?<=[^\s<>()\[\]\",;:@]) at (?=[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)"
    )
    assert mail.HEADER.findall(block) == plain_header.findall(block)
    value = block.decode("utf-8", "replace")
    assert mail.OBFUSCATED_AT.sub("@", value) == plain_at.sub("@", value)
