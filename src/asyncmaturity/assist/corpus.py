"""What the assistants read from an evidence store: question roots, who answered, threads.

Every query runs on a read-only connection, and only rows whose text was kept (`ingest
--keep-text`) take part. A question root is a human thread root with a `?` in its text (the
store's `is_question`) or in its subject (mail, where the question is often the subject alone);
it is answered once another human replied in its thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.vocabulary import MessageKind


class NoKeptText(AsyncMaturityError):
    """The store was ingested without `--keep-text`, so there is no text to compare."""


@dataclass(frozen=True)
class Question:
    """A question thread root and the people who answered it."""

    message_key: str
    conversation_key: str
    author_key: str | None
    sent_at: datetime
    text: str
    answerers: tuple[str, ...] = ()  # person keys, in the order of their first reply
    answered_at: datetime | None = None  # the first reply by another human

    @property
    def answered(self) -> bool:
        return bool(self.answerers)


@dataclass(frozen=True)
class Message:
    """One message of a thread, as the decision assistant reads it."""

    message_key: str
    author_key: str | None
    sent_at: datetime
    text: str
    human: bool


@dataclass(frozen=True)
class Thread:
    """A thread: its root (None when the root's text was not kept) and its messages, in order."""

    conversation_key: str
    thread_root_key: str
    root: Message | None
    messages: tuple[Message, ...]


# The root's text, with a mail subject in front unless the body already holds it.
_ROOT_TEXT = """CASE WHEN coalesce(subject, '') <> '' AND NOT contains(text, subject)
    THEN subject || chr(10) || text ELSE text END"""

QUESTIONS_SQL = f"""
WITH roots AS (
    SELECT message_key, conversation_key, author_key, sent_at, {_ROOT_TEXT} AS text
    FROM messages
    WHERE is_root AND kind = '{MessageKind.HUMAN}' AND nullif(trim(text), '') IS NOT NULL
      AND (coalesce(is_question, false) OR coalesce(contains(subject, '?'), false))
), answers AS (
    SELECT r.message_key, m.author_key, min(m.sent_at) AS first_at
    FROM roots r JOIN messages m
      ON m.thread_root_key = r.message_key AND m.conversation_key = r.conversation_key
    WHERE m.is_reply AND m.kind = '{MessageKind.HUMAN}' AND m.message_key <> r.message_key
      AND m.author_key IS NOT NULL AND m.author_key IS DISTINCT FROM r.author_key
    GROUP BY ALL
)
SELECT r.message_key, r.conversation_key, r.author_key, r.sent_at, r.text,
       coalesce(list(a.author_key ORDER BY a.first_at, a.author_key)
                FILTER (WHERE a.author_key IS NOT NULL), []) AS answerers,
       min(a.first_at) AS answered_at
FROM roots r LEFT JOIN answers a USING (message_key)
GROUP BY ALL
ORDER BY r.sent_at, r.message_key
"""

THREADS_SQL = f"""
SELECT conversation_key, coalesce(thread_root_key, message_key) AS thread_root_key, message_key,
       author_key, sent_at, text, kind = '{MessageKind.HUMAN}' AS human
FROM messages
WHERE nullif(trim(text), '') IS NOT NULL
ORDER BY conversation_key, thread_root_key, sent_at, message_key
"""

NAMES_SQL = """
SELECT person_key, min(display_name) FROM people
WHERE display_name IS NOT NULL GROUP BY person_key
"""


def _open(store: Path | str) -> EvidenceStore:
    """The store, read-only, after checking that it kept message text."""
    opened = EvidenceStore.open(store, create=False, read_only=True)
    row = opened.con.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL").fetchone()
    if not row or not row[0]:
        opened.close()
        raise NoKeptText(f"store {store} keeps no message text; ingest with --keep-text")
    return opened


def load_questions(store: Path | str, *, answered_only: bool = False) -> list[Question]:
    """Every question root with kept text, oldest first; with `answered_only`, the answered ones."""
    with _open(store) as opened:
        rows = opened.con.execute(QUESTIONS_SQL).fetchall()
    questions = [
        Question(key, conversation, author, sent_at, text, tuple(answerers), answered_at)
        for key, conversation, author, sent_at, text, answerers, answered_at in rows
    ]
    return [q for q in questions if q.answered] if answered_only else questions


def load_names(store: Path | str) -> dict[str, str]:
    """Display names by person key, for the people whose name the store kept."""
    with _open(store) as opened:
        return dict(opened.con.execute(NAMES_SQL).fetchall())


def load_threads(store: Path | str) -> list[Thread]:
    """Every thread with at least one kept text, its messages oldest first."""
    with _open(store) as opened:
        rows = opened.con.execute(THREADS_SQL).fetchall()
    threads: list[Thread] = []
    current: list[tuple[str, str, Message]] = []
    for conversation, root_key, key, author, sent_at, text, human in rows:
        if current and (current[0][0], current[0][1]) != (conversation, root_key):
            threads.append(_thread(current))
            current = []
        current.append((conversation, root_key, Message(key, author, sent_at, text, human)))
    if current:
        threads.append(_thread(current))
    return threads


def _thread(rows: list[tuple[str, str, Message]]) -> Thread:
    conversation, root_key = rows[0][0], rows[0][1]
    messages = tuple(message for _, _, message in rows)
    root = next((m for m in messages if m.message_key == root_key), None)
    return Thread(conversation, root_key, root, messages)
