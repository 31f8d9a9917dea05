"""The word-level layer's helpers of issue 18 (`benchmarks/await_lexical.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import await_lexical


def test_mentions_links_and_numbers_fold_into_one_token_each() -> None:
    text = "<@U061A5N1G> See https://x.org/a?b=1 and [~jdoe] , version 9.0.0 @ops"
    assert await_lexical.normalised(text).split() == [
        *("zmention", "see", "zlink", "and", "zmention", ","),
        *("version", "znumber", "zmention"),
    ]


def test_threshold_reaches_the_recall_asked_for() -> None:
    # Four positives at 0.9, 0.8, 0.4, 0.2: recall 0.75 needs three of them, so the cut is the
    # third highest positive, 0.4; a negative's probability does not move it.
    probs = np.array([0.9, 0.8, 0.7, 0.4, 0.2])
    truth = np.array([1, 1, 0, 1, 1])
    assert await_lexical.threshold_for_recall(probs, truth, 0.75) == 0.4
    assert await_lexical.threshold_for_recall(probs, truth, 1.0) == 0.2
    assert await_lexical.threshold_for_recall(probs, np.zeros(5, dtype=int), 0.9) == 0.5


def test_threads_group_by_day_file_issue_or_message() -> None:
    slack = {"id": "sd1", "set": "real-dev", "source": {"archive": "slack-x", "file": "g/d.json"}}
    jira = {"id": "td1", "set": "tracker-dev", "source": {"archive": "inline", "key": "A-1#c-2"}}
    written = {"id": "m001", "set": "main"}
    assert await_lexical.thread_of(slack) == "slack:g/d.json"
    assert await_lexical.thread_of(jira) == "jira:A-1"
    assert await_lexical.thread_of(written) == "main:m001"
