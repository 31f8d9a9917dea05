"""What the assistants read from the evidence: question roots, who answered, threads.

The evidence is a store file or a Parquet export folder, read as Ibis tables through
:func:`~asyncmaturity.store.evidence.open_evidence`; only rows whose text was kept (`ingest
--keep-text`) take part. A question root is a human thread root with a `?` in its text (the
store's `is_question`) or in its subject (mail, where the question is often the subject alone);
it is answered once another human replied in its thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.store.evidence import Evidence, open_evidence
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


def _kept(text: ir.StringColumn) -> ir.BooleanColumn:
    """Whether a message's text was kept: not NULL, and not spaces alone."""
    # Only spaces make a text blank: a body of line breaks was kept all the same.
    return text.notnull() & text.re_search("[^ ]")


def _root_text(messages: ir.Table) -> ir.StringValue:
    """The root's text, with a mail subject in front unless the body already holds it."""
    subject = messages.subject.fill_null("")
    in_front = (subject != "") & ~messages.text.contains(subject)
    return ibis.ifelse(in_front, subject + "\n" + messages.text, messages.text)


def _questions(messages: ir.Table) -> ir.Table:
    """One row per question root and answerer (NULL when unanswered), in the order they are read."""
    human = messages.kind == MessageKind.HUMAN.value
    roots = messages.filter(
        messages.is_root,
        human,
        _kept(messages.text),
        messages.is_question.fill_null(False) | messages.subject.contains("?").fill_null(False),
    ).select("message_key", "conversation_key", "author_key", "sent_at", text=_root_text(messages))
    replies = messages.filter(messages.is_reply, human, messages.author_key.notnull())
    answers = (
        roots.join(
            replies,
            [
                replies.thread_root_key == roots.message_key,
                replies.conversation_key == roots.conversation_key,
                replies.message_key != roots.message_key,
                ~replies.author_key.identical_to(roots.author_key),
            ],
        )
        .group_by(message_key=roots.message_key, answerer=replies.author_key)
        .aggregate(first_at=replies.sent_at.min())
    )
    joined = roots.left_join(answers, "message_key").select(*roots.columns, "answerer", "first_at")
    return joined.order_by("sent_at", "message_key", "first_at", "answerer")


@contextmanager
def _open(store: Path | str) -> Iterator[Evidence]:
    """The evidence at `store`, after checking that it kept message text."""
    with open_evidence(store) as evidence:
        if not evidence.table("messages").text.count().to_pyarrow().as_py():
            raise NoKeptText(f"store {store} keeps no message text; ingest with --keep-text")
        yield evidence


def _rows(table: ir.Table) -> list[tuple[Any, ...]]:
    """The rows of `table`, computed, as tuples of Python values."""
    result = table.to_pyarrow()
    return list(zip(*(column.to_pylist() for column in result.columns), strict=True))


def load_questions(store: Path | str, *, answered_only: bool = False) -> list[Question]:
    """Every question root with kept text, oldest first; with `answered_only`, the answered ones."""
    with _open(store) as evidence:
        rows = _rows(_questions(evidence.table("messages")))
    questions = [
        _question(key, [row[1:] for row in group])
        for key, group in groupby(rows, key=lambda row: row[0])
    ]
    return [q for q in questions if q.answered] if answered_only else questions


def _question(key: str, rows: list[tuple[Any, ...]]) -> Question:
    conversation, author, sent_at, text, _, answered_at = rows[0]
    answerers = tuple(answerer for *_, answerer, _ in rows if answerer is not None)
    return Question(key, conversation, author, sent_at, text, answerers, answered_at)


def load_names(store: Path | str) -> dict[str, str]:
    """Display names by person key, for the people whose name the store kept."""
    with _open(store) as evidence:
        people = evidence.table("people")
        names = (
            people.filter(people.display_name.notnull())
            .group_by("person_key")
            .aggregate(name=people.display_name.min())
        )
        return dict(_rows(names))


def load_threads(store: Path | str) -> list[Thread]:
    """Every thread with at least one kept text, its messages oldest first."""
    with _open(store) as evidence:
        messages = evidence.table("messages")
        kept = messages.filter(_kept(messages.text)).select(
            messages.conversation_key,
            messages.thread_root_key.fill_null(messages.message_key).name("thread_root_key"),
            messages.message_key,
            messages.author_key,
            messages.sent_at,
            messages.text,
            (messages.kind == MessageKind.HUMAN.value).name("human"),
        )
        rows = _rows(kept.order_by("conversation_key", "thread_root_key", "sent_at", "message_key"))
    return [
        _thread(conversation, root_key, tuple(Message(*row[2:]) for row in group))
        for (conversation, root_key), group in groupby(rows, key=lambda row: (row[0], row[1]))
    ]


def _thread(conversation: str, root_key: str, messages: tuple[Message, ...]) -> Thread:
    root = next((m for m in messages if m.message_key == root_key), None)
    return Thread(conversation, root_key, root, messages)
