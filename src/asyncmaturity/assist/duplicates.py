"""Duplicate-question detection: has this question been answered before?

A question duplicates an earlier one when the cosine similarity of their embeddings is at or above
a threshold (:data:`DEFAULT_THRESHOLD`, chosen on the tuning half of the labelled set in
`benchmarks/assist_eval`). Only answered questions count as "earlier": in the batch mode over a
store, the earlier question's first answer must predate the new question, since an answer given
later could not have been found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asyncmaturity.assist.corpus import Question, load_questions
from asyncmaturity.assist.embed import Encoder, embed

DEFAULT_THRESHOLD = 0.53
BLOCK_ROWS = 1024  # rows of the similarity matrix computed at once, to bound memory


def question_json(question: Question) -> dict[str, Any]:
    """A question as JSON: its keys, time, text and answerers."""
    return {
        "message_key": question.message_key,
        "conversation_key": question.conversation_key,
        "author_key": question.author_key,
        "sent_at": question.sent_at.isoformat(),
        "text": question.text,
        "answerers": list(question.answerers),
    }


@dataclass(frozen=True)
class Match:
    """An earlier answered question and its similarity to the question asked."""

    question: Question
    similarity: float

    def to_json(self) -> dict[str, Any]:
        return {**question_json(self.question), "similarity": round(self.similarity, 4)}


@dataclass(frozen=True)
class SimilarQuestions:
    """The answered questions at or above the threshold for one new question, best first."""

    question: str
    threshold: float
    compared: int  # answered questions compared against
    matches: tuple[Match, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "threshold": self.threshold,
            "compared": self.compared,
            "matches": [match.to_json() for match in self.matches],
        }


@dataclass(frozen=True)
class DuplicatePair:
    """A question root and the most similar earlier answered question, above the threshold."""

    question: Question
    earlier: Question
    similarity: float

    def to_json(self) -> dict[str, Any]:
        return {
            "question": question_json(self.question),
            "earlier": question_json(self.earlier),
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True)
class DuplicateReport:
    """Over a store: how many question roots duplicate an earlier answered question."""

    threshold: float
    questions: int  # question roots with kept text
    pairs: tuple[DuplicatePair, ...]

    @property
    def duplicates(self) -> int:
        return len(self.pairs)

    @property
    def share(self) -> float | None:
        return self.duplicates / self.questions if self.questions else None

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "questions": self.questions,
            "duplicates": self.duplicates,
            "share": round(self.share, 4) if self.share is not None else None,
            "pairs": [pair.to_json() for pair in self.pairs],
        }


def nearest(
    queries: Sequence[str], candidates: Sequence[Question], encoder: Encoder | None = None
) -> np.ndarray:
    """Cosine similarities, one row per query text and one column per candidate question."""
    if not queries or not candidates:
        return np.zeros((len(queries), len(candidates)), dtype=np.float32)
    vectors = embed([*queries, *(c.text for c in candidates)], encoder)
    return vectors[: len(queries)] @ vectors[len(queries) :].T


def match_answered(
    question: str,
    answered: Sequence[Question],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top: int = 5,
    encoder: Encoder | None = None,
) -> SimilarQuestions:
    """The (at most `top`) questions of `answered` similar to `question` at `threshold` or more."""
    similarities = nearest([question], answered, encoder)[0]
    order = np.argsort(-similarities, kind="stable")[:top]
    matches = tuple(
        Match(answered[i], float(similarities[i])) for i in order if similarities[i] >= threshold
    )
    return SimilarQuestions(question, threshold, len(answered), matches)


def similar_questions(
    question: str,
    store: Path | str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top: int = 5,
    encoder: Encoder | None = None,
) -> SimilarQuestions:
    """Earlier answered questions of the store similar to `question` (see :func:`match_answered`).

    Raises :class:`~asyncmaturity.assist.corpus.NoKeptText` for a store ingested without text.
    """
    answered = load_questions(store, answered_only=True)
    return match_answered(question, answered, threshold=threshold, top=top, encoder=encoder)


def find_duplicates(
    questions: Sequence[Question],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    encoder: Encoder | None = None,
) -> DuplicateReport:
    """Each question of `questions` paired with its most similar earlier answered question.

    An earlier question is eligible when its first answer came before the new question was sent;
    the pair is reported when their similarity is at or above `threshold`.
    """
    rows = [i for i, q in enumerate(questions) if q.answered_at is not None]
    if not rows:
        return DuplicateReport(threshold, len(questions), ())
    answered = [questions[i] for i in rows]
    vectors = embed([q.text for q in questions], encoder)
    candidates = vectors[rows]
    answered_at = np.array([q.answered_at for q in answered], dtype="datetime64[us]")
    sent_at = np.array([q.sent_at for q in questions], dtype="datetime64[us]")
    pairs: list[DuplicatePair] = []
    for start in range(0, len(questions), BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, len(questions))
        similarities = vectors[start:stop] @ candidates.T
        eligible = answered_at[None, :] < sent_at[start:stop, None]
        similarities = np.where(eligible, similarities, -np.inf)
        best = similarities.argmax(axis=1)
        best_similarity = similarities[np.arange(stop - start), best]
        for row in np.flatnonzero(best_similarity >= threshold).tolist():
            pairs.append(
                DuplicatePair(
                    questions[start + row], answered[int(best[row])], float(best_similarity[row])
                )
            )
    return DuplicateReport(threshold, len(questions), tuple(pairs))


def duplicate_report(
    store: Path | str, *, threshold: float = DEFAULT_THRESHOLD, encoder: Encoder | None = None
) -> DuplicateReport:
    """The share of the store's question roots that duplicate an earlier answered question.

    Raises :class:`~asyncmaturity.assist.corpus.NoKeptText` for a store ingested without text.
    """
    return find_duplicates(load_questions(store), threshold=threshold, encoder=encoder)
