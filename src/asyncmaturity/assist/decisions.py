"""Automated documentation: find the decisions made in threads and draft decision records.

A message is a decision when it makes, announces or approves a choice for the team. The
classifier combines rules, read one sentence at a time, and embeddings:

* a sentence with a *hedge* decides nothing: a question ("did we decide?", "shall we go with
  X?"), a proposal or opinion ("maybe we should", "I propose", "I'd prefer"), a personal choice
  ("I decided to take Friday off"), a negation ("we can't ship it"), a condition ("if legal
  agrees, ...") or a consultation ("comments welcome");
* a sentence without one decides the message when the ingest's `DECISION_PATTERN` or the wider
  :data:`DECISION_CUES` match ("ship it", "LGTM", "final answer", "going with", "approving");
* a message with neither a deciding nor a hedged sentence is a decision when its embedding is
  nearer the decision prototypes than the other ones by at least :data:`DEFAULT_MARGIN` (cosine),
  chosen on the tuning half of `benchmarks/assist_eval`.

One draft per thread: the thread's last decision message (a later decision supersedes an earlier
one), as a :class:`~asyncmaturity.decisions.records.DecisionRecord` with status "proposed" and
links back to the thread, written as MADR by the records module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from asyncmaturity.assist.corpus import Message, Thread, load_names, load_threads
from asyncmaturity.assist.embed import Encoder, embed
from asyncmaturity.decisions.records import DecisionRecord, file_name, render_madr
from asyncmaturity.sources.features import DECISION_PATTERN

DEFAULT_MARGIN = 0.07
TITLE_WORDS = 12
MIN_TITLE_WORDS = 4  # a shorter decision ("Ship it.") takes its title from the thread root
DRAFT_NOTE = (
    "Drafted by `asyncmaturity assist decisions` from a chat or e-mail thread; review\n"
    "it, name the considered options, and change the status when it is accepted."
)

# Written for the classifier (not taken from the evaluation set): typical ways to decide ...
DECISION_PROTOTYPES = (
    "We decided to use the new provider.",
    "Decision: we will move forward with option two.",
    "Let's go with the second proposal.",
    "We'll go with the cheaper plan.",
    "Approved, go ahead.",
    "Ship it.",
    "LGTM, merging.",
    "Final decision: we are switching to the new tool.",
    "Agreed, we'll do it that way.",
    "The team has chosen the new vendor.",
    "Signed off, you can proceed.",
    "It's settled: the launch moves to next month.",
    "Confirmed, we're going ahead with the plan.",
    "Green light from me, deploy it.",
    "From now on, all changes go through review.",
    "We're postponing the migration until after the release.",
    "The request is approved.",
    "Going forward we will use the new process.",
    "Looks good to me, approved.",
)
# ... and messages that ask, argue, agree, answer or inform without deciding.
OTHER_PROTOTYPES = (
    "Did we decide on this yet?",
    "Have we made a decision?",
    "Should we go with option A?",
    "Maybe we could use the other tool?",
    "I propose we switch providers.",
    "What do you think about this approach?",
    "I'd prefer the first option.",
    "I decided to take the day off.",
    "We haven't decided yet.",
    "Can you approve my request?",
    "Let's discuss this in the meeting.",
    "Here are the options, feedback welcome.",
    "Thanks, sounds good!",
    "I'm working on it now.",
    "+1",
    "Status update: the deploy finished.",
    "I think the second option is better.",
    "That one is faster but harder to maintain.",
    "Sounds good to me.",
    "FYI: the job now runs every night.",
    "The technician is coming tomorrow.",
    "Customers keep asking for this feature.",
    "The results look promising so far.",
    "I'll write up a draft.",
    "The postmortem is published.",
    "That was decided a long time ago.",
    "You can find it in the shared drive under Templates.",
    "Use the admin page and click reset.",
    "It's back up now.",
    "It should be fixed in about ten minutes.",
    "The numbers for last month are in the report.",
    "Note that this figure excludes refunds.",
    "First run the migration, then restart the service.",
    "Yes, it works on my machine.",
)
DECISION_CUES = re.compile(
    r"\b(ship it|lgtm|final answer|final decision|decision:|decided:|"
    r"(?:we|we've|we have|it's|has been) decided|going with|go with|approv(?:ed|ing)|"
    r"signed off|green light|good to go|confirmed|"
    r"settled|outcome:|from now on|going forward|effective (?:immediately|today|from|next)|"
    r"starting (?:today|tomorrow|next|from|on|monday|tuesday|wednesday|thursday|friday))"
    r"|^decided\b",
    re.IGNORECASE,
)
HEDGES = re.compile(
    r"\?\s*$|\b(maybe|perhaps|what if|how about|should we|shall we|could we|can we|"
    r"i propose|we propose|i suggest|i'd (?:prefer|rather|approve)|i(?:'ve| have)? decided|"
    r"(?:can't|cannot|won't|not|haven't|hasn't)\s+(?:yet\s+|been\s+)?"
    r"(?:ship|approv|decid|go with)|"
    r"no decision|undecided|if\b.*\bagrees?|comments welcome|feedback (?:welcome|please)|"
    r"please vote)\b",
    re.IGNORECASE,
)
# A sentence ends at . ! ? or a line break; decision rules read one sentence at a time.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_DECISION_REGEX = re.compile(DECISION_PATTERN, re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """The classifier's reading of one message."""

    text: str
    decision: bool
    reason: str  # "hedge", "pattern", "cue", "embedding" or "none"
    margin: float  # cosine to the nearest decision prototype minus to the nearest other one

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "decision": self.decision,
            "reason": self.reason,
            "margin": round(self.margin, 4),
        }


def regex_baseline(text: str) -> bool:
    """The ingest's own decision-language feature: `DECISION_PATTERN`, case-insensitive."""
    return _DECISION_REGEX.search(text) is not None


def classify(
    texts: Sequence[str], *, margin: float = DEFAULT_MARGIN, encoder: Encoder | None = None
) -> list[Verdict]:
    """A verdict for each of `texts` (rules first, then the embedding margin; see the module)."""
    if not texts:
        return []
    vectors = embed([*texts, *DECISION_PROTOTYPES, *OTHER_PROTOTYPES], encoder)
    messages, prototypes = vectors[: len(texts)], vectors[len(texts) :]
    similarities = messages @ prototypes.T
    split = len(DECISION_PROTOTYPES)
    margins = similarities[:, :split].max(axis=1) - similarities[:, split:].max(axis=1)
    return [
        _verdict(text, value, margin) for text, value in zip(texts, margins.tolist(), strict=True)
    ]


def _verdict(text: str, value: float, margin: float) -> Verdict:
    """Rules per sentence: a decision sentence that no hedge qualifies decides the message."""
    sentences = [s for s in SENTENCE_END.split(text) if s.strip()]
    hedged = [bool(HEDGES.search(s)) for s in sentences]
    for sentence, hedge in zip(sentences, hedged, strict=True):
        if not hedge and regex_baseline(sentence):
            return Verdict(text, True, "pattern", value)
    for sentence, hedge in zip(sentences, hedged, strict=True):
        if not hedge and DECISION_CUES.search(sentence):
            return Verdict(text, True, "cue", value)
    if any(hedged):
        return Verdict(text, False, "hedge", value)
    if value >= margin:
        return Verdict(text, True, "embedding", value)
    return Verdict(text, False, "none", value)


@dataclass(frozen=True)
class DecisionDraft:
    """A thread's decision, found by the classifier, to draft a proposed record from."""

    title: str
    date: datetime
    conversation_key: str
    thread_root_key: str
    message_key: str
    decider_key: str | None
    decider_name: str | None  # the decider's display name, where the store kept it
    context: str | None  # the thread root's text; None when the root's text was not kept
    decision: str

    def record(self, number: int | None = None) -> DecisionRecord:
        """The draft as a proposed decision record dated the day of the decision message: the
        root and the decision quoted, and the links back to the thread as More Information."""
        context = self.context if self.context is not None else "(the thread root kept no text)"
        decider = self.decider_name or self.decider_key
        return DecisionRecord(
            title=self.title,
            number=number,
            date=datetime.combine(self.date.date(), time(), tzinfo=UTC),
            context=_quote(context),
            decision=_quote(self.decision),
            deciders=[decider] if decider else [],
            more_information="\n".join(
                [
                    DRAFT_NOTE,
                    "",
                    f"* Conversation: `{self.conversation_key}`",
                    f"* Thread root: `{self.thread_root_key}`",
                    f"* Decision message: `{self.message_key}` ({self.date.isoformat()} UTC)",
                ]
            ),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "status": "proposed",
            "date": self.date.isoformat(),
            "conversation_key": self.conversation_key,
            "thread_root_key": self.thread_root_key,
            "message_key": self.message_key,
            "decider_key": self.decider_key,
            "decider_name": self.decider_name,
            "context": self.context,
            "decision": self.decision,
        }


@dataclass(frozen=True)
class DecisionDrafts:
    """The drafts found in a store: at most one per thread, oldest decision first."""

    threads: int
    messages: int  # human messages classified
    drafts: tuple[DecisionDraft, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "threads": self.threads,
            "messages": self.messages,
            "drafts": [draft.to_json() for draft in self.drafts],
        }


def draft_threads(
    threads: Sequence[Thread],
    *,
    margin: float = DEFAULT_MARGIN,
    names: Mapping[str, str] | None = None,
    encoder: Encoder | None = None,
) -> DecisionDrafts:
    """A draft for each thread with a decision among its human messages (the last one).

    `names` gives the deciders' display names by person key, where known.
    """
    candidates = [(t, m) for t in threads for m in t.messages if m.human]
    verdicts = classify([m.text for _, m in candidates], margin=margin, encoder=encoder)
    last: dict[int, Message] = {}
    for (thread, message), verdict in zip(candidates, verdicts, strict=True):
        if verdict.decision:
            last[id(thread)] = message
    drafts = [
        _draft(thread, last[id(thread)], names or {}) for thread in threads if id(thread) in last
    ]
    drafts.sort(key=lambda d: (d.date, d.message_key))
    return DecisionDrafts(len(threads), len(candidates), tuple(drafts))


def decision_drafts(
    store: Path | str, *, margin: float = DEFAULT_MARGIN, encoder: Encoder | None = None
) -> DecisionDrafts:
    """The decision-record drafts of every thread of the store (see :func:`draft_threads`).

    Raises :class:`~asyncmaturity.assist.corpus.NoKeptText` for a store ingested without text.
    """
    threads = load_threads(store)
    return draft_threads(threads, margin=margin, names=load_names(store), encoder=encoder)


def write_drafts(drafts: DecisionDrafts, folder: Path) -> list[Path]:
    """Write each draft as MADR, numbered from 1, into `folder` (created) under its record's
    :func:`~asyncmaturity.decisions.records.file_name`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for number, draft in enumerate(drafts.drafts, 1):
        record = draft.record(number)
        path = folder / file_name(record)
        path.write_text(render_madr(record), encoding="utf-8")
        paths.append(path)
    return paths


def _draft(thread: Thread, message: Message, names: Mapping[str, str]) -> DecisionDraft:
    context = thread.root.text if thread.root is not None else None
    return DecisionDraft(
        title=_title(message.text, context),
        date=message.sent_at,
        conversation_key=thread.conversation_key,
        thread_root_key=thread.thread_root_key,
        message_key=message.message_key,
        decider_key=message.author_key,
        decider_name=names.get(message.author_key) if message.author_key else None,
        context=context,
        decision=message.text,
    )


def _title(decision: str, context: str | None) -> str:
    """The decision's first sentence, or the root's when the decision is a bare approval."""
    title = _first_sentence(decision)
    if len(title.split()) < MIN_TITLE_WORDS and context:
        title = "Decision on: " + _first_sentence(context)
    words = title.split()
    return " ".join(words[:TITLE_WORDS]) + (" ..." if len(words) > TITLE_WORDS else "")


def _first_sentence(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s+|\n", text.strip(), maxsplit=1)[0]
    return first.strip().rstrip(".!:") or text.strip()


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())
