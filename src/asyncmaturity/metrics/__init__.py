"""Metrics: the registry (:mod:`.registry`), the frames they aggregate (:mod:`.frameset`,
built by :mod:`.frames`, :mod:`.evidence_frames`, :mod:`.request_frames` and
:mod:`.ledger_metrics`), and one measurement over a store (:mod:`.measure`).

Importing this package registers every built-in frame and metric, chat first, then AWAIT,
meetings, work and the ledger: the listing order of `asyncmaturity metrics` and the docs.
"""

from __future__ import annotations

from asyncmaturity.metrics import evidence_frames, frames, request_frames
from asyncmaturity.metrics.activity_metrics import ACTIVITY_METRICS
from asyncmaturity.metrics.await_metrics import AWAIT_METRICS, FINDABILITY_METRICS
from asyncmaturity.metrics.chat_metrics import CHAT_METRICS
from asyncmaturity.metrics.evidence_metrics import EVIDENCE_METRICS
from asyncmaturity.metrics.ledger_metrics import LEDGER_METRICS, STACK_LEDGER_METRICS
from asyncmaturity.metrics.registry import (
    METRICS,
    SCHEDULE_PARAMETERS,
    WORKING_HOURS_TEXT,
    Metric,
    Sample,
    register,
    share_metric,
)

for metric in (
    *CHAT_METRICS,
    *AWAIT_METRICS,
    *FINDABILITY_METRICS,
    *EVIDENCE_METRICS,
    *LEDGER_METRICS,
    *STACK_LEDGER_METRICS,
    *ACTIVITY_METRICS,
):
    register(metric)

# The frame modules register their frames when imported.
FRAME_MODULES = (frames, evidence_frames, request_frames)

__all__ = [
    "METRICS",
    "SCHEDULE_PARAMETERS",
    "WORKING_HOURS_TEXT",
    "Metric",
    "Sample",
    "register",
    "share_metric",
]
