"""Predictive routing: who is likely to answer this question, from who answered similar ones.

The `k` answered questions most similar to the new one vote for the people who answered them,
each vote weighted by that question's cosine similarity (negative similarities vote nothing).
People are ranked by their summed weight; `k` (:data:`DEFAULT_K`) was chosen on the tuning half
of the labelled set in `benchmarks/assist_eval`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asyncmaturity.assist.corpus import Question, load_names, load_questions
from asyncmaturity.assist.duplicates import Match, nearest
from asyncmaturity.assist.embed import Encoder

DEFAULT_K = 5


@dataclass(frozen=True)
class Candidate:
    """A person ranked for a question: summed similarity of the neighbours they answered."""

    person_key: str
    display_name: str | None
    score: float
    answered: int  # how many of the k neighbours this person answered

    def to_json(self) -> dict[str, Any]:
        return {
            "person_key": self.person_key,
            "display_name": self.display_name,
            "score": round(self.score, 4),
            "answered": self.answered,
        }


@dataclass(frozen=True)
class Routing:
    """The people to ask about one question, best first, and the neighbours that chose them."""

    question: str
    k: int
    candidates: tuple[Candidate, ...]
    neighbours: tuple[Match, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "k": self.k,
            "candidates": [candidate.to_json() for candidate in self.candidates],
            "neighbours": [match.to_json() for match in self.neighbours],
        }


def route(
    questions: Sequence[str],
    answered: Sequence[Question],
    *,
    k: int = DEFAULT_K,
    top: int = 3,
    names: Mapping[str, str] | None = None,
    encoder: Encoder | None = None,
) -> list[Routing]:
    """A routing for each text of `questions`, from the archive of `answered` questions.

    Parameters:
        questions: the new questions.
        answered: past questions with their answerers; unanswered ones are ignored.
        k: neighbours that vote; top: people returned per question.
        names: display names by person key, where known.
    """
    archive = [q for q in answered if q.answerers]
    if not archive:
        return [Routing(text, k, (), ()) for text in questions]
    people = sorted({person for q in archive for person in q.answerers})
    column = {person: j for j, person in enumerate(people)}
    answered_by = np.zeros((len(archive), len(people)), dtype=np.float32)
    for i, question in enumerate(archive):
        answered_by[i, [column[p] for p in question.answerers]] = 1.0
    similarities = nearest(questions, archive, encoder)
    k = min(k, len(archive))
    neighbours = np.argsort(-similarities, axis=1, kind="stable")[:, :k]
    weights = np.zeros_like(similarities)
    np.put_along_axis(
        weights, neighbours, np.take_along_axis(similarities, neighbours, axis=1), axis=1
    )
    weights = np.clip(weights, 0.0, None)
    scores = weights @ answered_by
    votes = (weights > 0).astype(np.float32) @ answered_by
    routings: list[Routing] = []
    for row, text in enumerate(questions):
        ranked = [j for j in np.argsort(-scores[row], kind="stable")[:top] if scores[row, j] > 0]
        routings.append(
            Routing(
                text,
                k,
                tuple(
                    Candidate(
                        people[j],
                        (names or {}).get(people[j]),
                        float(scores[row, j]),
                        int(votes[row, j]),
                    )
                    for j in ranked
                ),
                tuple(Match(archive[i], float(similarities[row, i])) for i in neighbours[row]),
            )
        )
    return routings


def route_question(
    question: str,
    store: Path | str,
    *,
    k: int = DEFAULT_K,
    top: int = 3,
    encoder: Encoder | None = None,
) -> Routing:
    """The people of the store most likely to answer `question` (see :func:`route`).

    Raises :class:`~asyncmaturity.assist.corpus.NoKeptText` for a store ingested without text.
    """
    answered = load_questions(store, answered_only=True)
    names = load_names(store)
    return route([question], answered, k=k, top=top, names=names, encoder=encoder)[0]
