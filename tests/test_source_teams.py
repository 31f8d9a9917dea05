"""Microsoft Teams (Graph chatMessage JSON): replies, bots, deleted messages, pages, bad records."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from asyncmaturity.errors import EveryRecordSkipped, InvalidExport, RejectedRecords
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source, get_source
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest
from tests.stores import store_rows

FIXTURES = Path(__file__).parent / "fixtures"
TEAMS = FIXTURES / "teams"
CHANNEL = "19:eng@thread.tacv2"


def _key(conversation: str, message_id: str) -> str:
    return hashlib.md5(f"teams|{conversation}|{message_id}".encode()).hexdigest()


def test_channel_messages_with_nested_replies(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([TEAMS / "channel_messages_with_replies.json"], store=store, keep_text=True)
    assert summary.exports[0].source == "teams"
    assert summary.skipped_total == 0
    rows = store_rows(
        store,
        """SELECT m.message_key, m.text, m.kind, m.subtype, m.is_reply, m.thread_root_key,
                  m.mentions, m.broadcast, m.links, m.record_links, m.reactions, m.edited,
                  c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key) ORDER BY m.sent_at""",
    )
    root = _key(CHANNEL, "1770026400000")
    channel = ("public channel", CHANNEL)  # no channel listing: public, named by its id
    assert rows == [
        # "Ben" and "Lee" are two mention entries of one person: one mention.
        (root, "Can someone review the PR? Ben Lee", "human", None, False, root,
         1, False, 1, 1, 1, False, *channel),
        (_key(CHANNEL, "1770027300000"), "On it", "human", None, True, root,
         0, False, 0, 0, 0, False, *channel),
        (_key(CHANNEL, "1770027600000"), "thanks & cheers", "human", None, True, root,
         0, False, 0, 0, 0, True, *channel),
        # A channel mention is a broadcast; urgent importance is kept in the subtype.
        (_key(CHANNEL, "1770030000000"), "Prod is down General", "human", "importance:urgent",
         False, _key(CHANNEL, "1770030000000"), 0, True, 0, 0, 0, False, *channel),
        (_key(CHANNEL, "1770031000000"), "", "system", "systemEventMessage", False,
         _key(CHANNEL, "1770031000000"), 0, False, 0, 0, 0, False, *channel),
    ]  # fmt: skip
    with EvidenceStore.open(store, create=False) as opened:
        secret = opened.secret
    keys = {row[0] for row in store_rows(store, "SELECT person_key FROM people")}
    assert keys == {person_key(secret, "teams:aad-ana"), person_key(secret, "teams:aad-ben")}


def test_figures_by_hand(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([TEAMS / "channel_messages_with_replies.json"], store=store)
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == 4  # the system event is not human
    assert metrics["messages.thread_replies"] == 2
    assert metrics["threads.count"] == 1
    # Roots: Ana's question (Ben answers after 15 min) and Ben's outage post (unanswered).
    assert metrics["response.answered_share"] == 0.5
    assert metrics["response.first_reply.median_s"] == 900.0
    assert metrics["people.active"] == 2


def test_application_sender_is_a_bot(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([TEAMS / "application_sender_is_bot.json"], store=store, keep_text=True)
    rows = store_rows(
        store,
        """SELECT m.text, m.kind, m.links, c.kind FROM messages m
           JOIN conversations c USING (conversation_key) ORDER BY m.sent_at""",
    )
    assert rows == [
        ("lunch?", "human", 0, "dm"),  # a chat id ending in @unq.gbl.spaces is one-on-one
        ("sure, see https://maps.example.org/x", "human", 1, "dm"),  # a text body
        ("Poll: where?", "bot", 0, "dm"),  # from.application
        ("build passed", "bot", 0, "dm"),  # a user named "Build Bot"
    ]
    with EvidenceStore.open(store, create=False) as opened:
        secret = opened.secret
    people = dict(store_rows(store, "SELECT person_key, is_bot FROM people"))
    # Ana's userPrincipalName is an address: her person key links to other sources.
    assert people[person_key(secret, "email:ana@example.org")] is False
    assert people[person_key(secret, "teams-app:app-polly")] is True
    assert people[person_key(secret, "teams:aad-build")] is True


def test_deleted_message_is_counted_not_stored(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([TEAMS / "deleted_message_counted.json"], store=store, strict=True)
    assert summary.added["messages"] == 1
    assert "1 deleted messages left out" in summary.exports[0].detected
    # A deleted message is no bad record: --strict accepts the export.
    assert summary.skipped_total == 0


def test_paged_value_wrapper(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([TEAMS / "paged_value_wrapper"], store=store, keep_text=True)
    # 2 + 3 channel messages (one repeated across pages) and 2 group-chat messages.
    assert summary.added["messages"] == 6 and summary.duplicates["messages"] == 1
    rows = store_rows(
        store,
        """SELECT m.text, m.is_reply, m.thread_root_key, c.kind, c.name FROM messages m
           JOIN conversations c USING (conversation_key) ORDER BY m.sent_at""",
    )
    runbook = _key(CHANNEL, "1770282000000")
    eng = ("private channel", "Engineering")  # from the channel listing in the folder
    assert rows == [
        ("Who owns the runbook?", False, runbook, *eng),
        ("Retro at 3", False, _key(CHANNEL, "1770285600000"), *eng),
        ("I do", True, runbook, *eng),
        # No channelIdentity: the channel comes from the page's @odata.context.
        ("thanks", True, runbook, *eng),
        ("offsite?", False, _key("19:a1b2c3@thread.v2", "1770296400000"), "group dm", None),
        ("yes", False, _key("19:a1b2c3@thread.v2", "1770297000000"), "group dm", None),
    ]
    metrics = measure(store=store).metrics
    # Roots: runbook (Ben after 2 h), retro, offsite?, yes = 1 of 4 answered.
    assert metrics["response.answered_share"] == 0.25
    assert metrics["response.first_reply.median_s"] == 7200.0


def test_chat_kind_by_senders_when_the_id_does_not_say(tmp_path: Path) -> None:
    page = (TEAMS / "application_sender_is_bot.json").read_text("utf-8")
    export = tmp_path / "chat.json"
    export.write_text(page.replace("19:aad-ana_aad-ben@unq.gbl.spaces", "chat-42"), "utf-8")
    store = tmp_path / "s.duckdb"
    ingest([export], store=store)
    # Three people post (Ana, Ben, "Build Bot"): not exactly two, so a group DM.
    assert store_rows(store, "SELECT kind FROM conversations") == [("group dm",)]


def test_bad_records_are_counted_and_strict_fails(tmp_path: Path) -> None:
    export = TEAMS / "record_without_created_date.json"
    summary = ingest([export], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 1
    assert summary.skipped == {"createdDateTime is not a date": 1, "message without an id": 1}
    assert summary.exports[0].examples == [
        f"{export} record 1: createdDateTime is not a date",
        f"{export} record 2: message without an id",
    ]
    with pytest.raises(RejectedRecords, match="record 1: createdDateTime is not a date"):
        ingest([export], store=tmp_path / "strict.duckdb", strict=True)


def test_malformed_file_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(TEAMS / "paged_value_wrapper", folder)
    (folder / "page-2.json").write_text('{"value": [', "utf-8")
    with pytest.raises(InvalidExport, match=r"page-2\.json: malformed JSON"):
        ingest([folder], store=tmp_path / "s.duckdb", format="teams")
    other = tmp_path / "other.json"
    other.write_text('{"total": 3}', "utf-8")
    with pytest.raises(InvalidExport, match=r'other\.json: expected a Graph page \{"value"'):
        ingest([other], store=tmp_path / "s.duckdb", format="teams")


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([TEAMS / "paged_value_wrapper"], store=store)
    again = ingest([TEAMS / "paged_value_wrapper"], store=store)
    assert sum(again.added.values()) == 0
    assert again.duplicates["messages"] == 7


def test_detection() -> None:
    source = get_source("teams")
    for export in sorted(TEAMS.iterdir()):
        assert detect_source(export).name == "teams", export
    folders = [*FIXTURES.iterdir(), *(FIXTURES / "real").glob("*")]  # real/<format>/ samples
    for fixture in [
        path
        for folder in sorted(folders)
        if folder.is_dir() and folder.name not in ("teams", "survey", "real")
        for path in sorted(folder.iterdir())
        if path.name != "PROVENANCE.md"
    ]:
        assert not source.detect(fixture), fixture


def test_powershell_pascalcase_export_reads_like_graph(tmp_path: Path) -> None:
    """PowerShell's ConvertTo-Json of Get-MgTeamChannelMessage (PascalCase keys, /Date(ms)/ dates).

    No public real export in this spelling was found: the fixture is named after the quirk.
    """
    export = TEAMS / "powershell_pascalcase_export.json"
    assert detect_source(export).name == "teams"
    store = tmp_path / "s.duckdb"
    summary = ingest([export], store=store, keep_text=True)
    assert summary.skipped_total == 0
    channel = "19:release@thread.tacv2"
    root = _key(channel, "1772442000000")
    rows = store_rows(
        store,
        """SELECT message_key, sent_at::VARCHAR, is_reply, thread_root_key, kind, subtype,
                  links, reactions, edited, broadcast, text
           FROM messages ORDER BY sent_at""",
    )
    assert rows == [
        (root, "2026-03-02 09:00:00", False, root, "human", None, 1, 1, False, False,
         "Is the release checklist final?"),
        (_key(channel, "1772444400000"), "2026-03-02 09:40:00", True, root, "human", None,
         0, 0, False, False, "Yes, final since Friday."),
        (_key(channel, "1772445600000"), "2026-03-02 10:00:00", True, root, "human", None,
         0, 0, True, False, "Thanks!"),
        # /Date(1772528400000)/ is 2026-03-03 09:00 UTC; a channel mention is a broadcast.
        (_key(channel, "1772528400000"), "2026-03-03 09:00:00", False,
         _key(channel, "1772528400000"), "human", "importance:high", 0, 0, False, True,
         "Deploy window moved to Release Thursday"),
        (_key(channel, "1772611200000"), "2026-03-04 08:00:00", False,
         _key(channel, "1772611200000"), "system", "systemEventMessage", 0, 0, False, False, ""),
    ]  # fmt: skip
    metrics = measure(store=store).metrics
    # Ben answers Ana's question after 40 minutes; Ben's notice is unanswered.
    assert metrics["response.first_reply.median_s"] == 2400.0
    assert metrics["response.answered_share"] == 0.5


def test_pascalcase_and_camelcase_files_in_one_folder(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(TEAMS / "powershell_pascalcase_export.json", folder / "a.json")
    shutil.copy(TEAMS / "channel_messages_with_replies.json", folder / "b.json")
    summary = ingest([folder], store=tmp_path / "s.duckdb")
    assert summary.skipped_total == 0
    assert summary.added["messages"] == 5 + 5


def test_every_record_skipped_is_an_error_not_an_empty_success(tmp_path: Path) -> None:
    export = tmp_path / "messages.json"
    export.write_text('[{"Identifier": "1", "MessageType": "message"}, {"text": "hi"}]', "utf-8")
    store = tmp_path / "s.duckdb"
    with pytest.raises(EveryRecordSkipped, match=r"every one of its 2 record\(s\) was skipped"):
        ingest([export], store=store, format="teams")
    assert not store.exists()


def test_convertto_json_at_its_default_depth_is_refused_with_the_fix(tmp_path: Path) -> None:
    # ConvertTo-Json without -Depth writes objects below depth 2 as their .NET type name.
    export = tmp_path / "messages.json"
    export.write_text(
        '[{"Id": "1", "MessageType": "message", "CreatedDateTime": "2026-03-02T09:00:00Z",'
        ' "ChannelIdentity": "Microsoft.Graph.PowerShell.Models.MicrosoftGraphChannelIdentity",'
        ' "From": "Microsoft.Graph.PowerShell.Models.MicrosoftGraphChatMessageFromIdentitySet",'
        ' "Body": "Microsoft.Graph.PowerShell.Models.MicrosoftGraphItemBody"}]',
        "utf-8",
    )
    with pytest.raises(InvalidExport, match=r"messages\.json: written by ConvertTo-Json .*-Depth"):
        ingest([export], store=tmp_path / "s.duckdb")
