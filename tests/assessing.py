"""Assess as every interface does (the pipeline's use case), for tests that read the JSON."""

from __future__ import annotations

from typing import Any

from asyncmaturity.assess.compare import compare_assessments
from asyncmaturity.assess.document import AssessmentDocument
from asyncmaturity.pipeline import AssessmentRequest, run_assessment


def assessed(**request: Any) -> dict[str, Any]:
    """The assessment JSON of `AssessmentRequest(**request)` (no report figures needed)."""
    return run_assessment(AssessmentRequest(figures=False, **request)).document.to_json()


def compared(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The comparison JSON of two assessment JSON documents."""
    return compare_assessments(
        AssessmentDocument.from_json(before), AssessmentDocument.from_json(after)
    ).to_json()
