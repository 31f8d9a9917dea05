"""Real public exports of Slack, GitHub, Teams, mbox and Zulip: figures computed independently.

Each sample is described in its folder's PROVENANCE.md; expected figures are read from the
sample's JSON here, not from the reader.
"""

from __future__ import annotations

import hashlib
import json
import mailbox
import re
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source
from asyncmaturity.store.ingest import ingest
from tests.stores import store_rows

REAL = Path(__file__).parent / "fixtures" / "real"
SLACK = REAL / "slack" / "zulip_test_slack_importer"


def _slack_instant(ts: str) -> datetime:
    """Slack's 'seconds.micros' ts as a naive UTC instant, without float rounding."""
    seconds, _, micros = ts.partition(".")
    instant = datetime.fromtimestamp(int(seconds), UTC).replace(tzinfo=None)
    return instant.replace(microsecond=int(Decimal("0." + micros) * 1_000_000))


def test_real_slack_export_without_a_channel_listing(tmp_path: Path) -> None:
    records = [m for day in sorted((SLACK / "random").glob("*.json"))
               for m in json.loads(day.read_text("utf-8"))]  # fmt: skip
    expected = sorted(
        (
            _slack_instant(m["ts"]),
            "system" if m.get("subtype") == "channel_join" else "human",
            # Slack writes a broadcast as <!channel>, <!here> or <!everyone>; "@everyone"
            # typed as plain text is not one.
            bool(re.search(r"<!(channel|here|everyone)>", m["text"])),
            len(re.findall(r"<@U[A-Z0-9]+>", m["text"])),
        )
        for m in records
    )
    assert len(expected) == 13 and sum(e[2] for e in expected) == 2
    assert detect_source(SLACK).name == "slack"
    store = tmp_path / "s.duckdb"
    summary = ingest([SLACK], store=store)
    assert summary.skipped_total == 0
    assert summary.added["messages"] == 13 and summary.added["people"] == 4
    rows = store_rows(store, "SELECT sent_at, kind, broadcast, mentions FROM messages ORDER BY 1")
    assert rows == expected
    assert store_rows(store, "SELECT kind, name FROM conversations") == [
        ("public channel", "random")
    ]
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == sum(e[1] == "human" for e in expected) == 9
    authors = {m["user"] for m in records if m.get("subtype") != "channel_join"}
    assert metrics["people.active"] == len(authors) == 3


GITHUB = REAL / "github" / "octokit_paginate_issues"


def _naive_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def test_real_github_issue_list_pages(tmp_path: Path) -> None:
    pages = sorted(GITHUB.glob("issues_page_*.json"))
    issues = [issue for page in pages for issue in json.loads(page.read_text("utf-8"))]
    expected = {}
    for issue in issues:
        repo = issue["repository_url"].removeprefix("https://api.github.com/repos/")
        key = hashlib.md5(f"github|{repo}|{issue['number']}".encode()).hexdigest()
        kind = "pull_request" if "pull_request" in issue else "issue"
        closed = _naive_utc(issue["closed_at"]) if issue["closed_at"] else None
        expected[key] = (kind, _naive_utc(issue["created_at"]), closed)
    assert len(pages) == 5 and len(expected) == 13
    assert detect_source(GITHUB).name == "github"
    store = tmp_path / "s.duckdb"
    summary = ingest([GITHUB], store=store)
    assert summary.skipped_total == 0 and summary.added["work_items"] == 13
    rows = store_rows(store, "SELECT item_key, kind, created_at, closed_at FROM work_items")
    assert {key: tuple(rest) for key, *rest in rows} == expected
    authors = {issue["user"]["login"] for issue in issues}
    assert store_rows(store, "SELECT count(DISTINCT author_key) FROM work_items") == [
        (len(authors),)
    ]


TEAMS = REAL / "teams" / "cli_microsoft365_graph_responses"


def test_real_teams_graph_pages_replies_without_root_and_records_without_channel(
    tmp_path: Path,
) -> None:
    replies = json.loads((TEAMS / "message_replies.json").read_text("utf-8"))
    context = unquote(replies["@odata.context"])
    channel = re.search(r"channels\('([^']+)'\)", context)
    assert channel is not None
    expected = sorted((_naive_utc(m["createdDateTime"]), m["replyToId"]) for m in replies["value"])
    # The channel pages' records name no channel (no channelIdentity, no @odata.context); the
    # first page's @odata.nextLink names its channel in its path, the second page has no link.
    first_page = json.loads((TEAMS / "channel_messages_page_1.json").read_text("utf-8"))
    linked = re.search(r"/channels/([^/?]+)/messages", unquote(first_page["@odata.nextLink"]))
    assert linked is not None
    by_link = sorted(_naive_utc(m["createdDateTime"]) for m in first_page["value"])
    unplaced = [
        ("channel_messages_page_2.json", n)
        for n, m in enumerate(
            json.loads((TEAMS / "channel_messages_page_2.json").read_text("utf-8"))["value"]
        )
        if not m.get("channelIdentity") and not m.get("chatId")
    ]
    assert len(expected) == 2 and len(by_link) == 2 and len(unplaced) == 1
    assert detect_source(TEAMS).name == "teams"
    store = tmp_path / "s.duckdb"
    summary = ingest([TEAMS], store=store)
    assert summary.added["messages"] == 4 and summary.skipped_total == len(unplaced)
    assert sorted(summary.exports[0].examples) == [
        f"{TEAMS / name} record {n}: message without channelIdentity or chatId"
        for name, n in unplaced
    ]
    rows = store_rows(
        store,
        """SELECT m.sent_at, m.is_reply, m.thread_root_key = m.parent_key, c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key)
           WHERE m.is_reply ORDER BY 1""",
    )
    assert rows == [(sent, True, True, "public channel", channel[1]) for sent, _ in expected]
    assert len({root for _, root in expected}) == 1  # both answer message 1501527481624
    roots = store_rows(
        store,
        """SELECT m.sent_at, c.kind, c.name FROM messages m
           JOIN conversations c USING (conversation_key) WHERE NOT m.is_reply ORDER BY 1""",
    )
    assert roots == [(sent, "public channel", linked[1]) for sent in by_link]
    assert store_rows(store, "SELECT count(DISTINCT thread_root_key) FROM messages") == [(3,)]


MBOX = REAL / "mbox" / "users_ponymail_apache_org_2022-01.mbox"


def _base_subject(subject: str) -> str:
    return re.sub(r"^((re|fwd?|aw)\s*:\s*)+", "", subject.strip(), flags=re.IGNORECASE)


def test_real_mailing_list_month_with_a_reply_without_threading_headers(tmp_path: Path) -> None:
    # Independently of the reader: Python's mailbox and email.utils, In-Reply-To first, else
    # the latest earlier message with the same subject once "Re:" is taken off.
    sent, parents, senders = [], [], set()
    for message in mailbox.mbox(MBOX):
        at = parsedate_to_datetime(message["Date"]).astimezone(UTC).replace(tzinfo=None)
        message_id = (message["Message-ID"] or "").strip()
        replied = (message["In-Reply-To"] or "").strip()
        parent = next((s for s, mid, _ in sent if mid == replied), None) if replied else None
        if parent is None and _base_subject(message["Subject"]) != message["Subject"].strip():
            same = [s for s, _, subj in sent if subj == _base_subject(message["Subject"])]
            parent = max(same, default=None)
        sent.append((at, message_id, _base_subject(message["Subject"])))
        parents.append((at, parent))
        senders.add(parseaddr(message["From"])[1])
    assert len(parents) == 6 and sum(p is None for _, p in parents) == 2
    assert detect_source(MBOX).name == "mbox"
    store = tmp_path / "s.duckdb"
    summary = ingest([MBOX], store=store)
    assert summary.skipped_total == 0 and summary.added["messages"] == 6
    rows = store_rows(
        store,
        """SELECT m.sent_at, p.sent_at FROM messages m
           LEFT JOIN messages p ON p.message_key = m.parent_key ORDER BY 1""",
    )
    assert rows == sorted(parents)
    assert store_rows(store, "SELECT kind, name FROM conversations") == [
        ("mailing list", "users.ponymail.apache.org")
    ]
    assert store_rows(store, "SELECT count(*) FROM people") == [(len(senders),)]
