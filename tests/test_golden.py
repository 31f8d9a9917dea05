"""Figures do not move: the demo organization's and the Houston export's metrics and assessment
are those kept in tests/golden (written by the code before issue 13's restructuring).

Only what a run cannot reproduce is left out: when it ran and the tool's version; the run's
working folder is written as ``<work>``. Floating-point values may differ in the last bits (summation order); nothing else may.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from asyncmaturity.assess.document import AssessmentDocument
from tests.golden.pipeline import HOUSTON, PIPELINES, golden_path, without_work_folder

VOLATILE = {"generated_at", "tool"}


def figures(document: Any) -> Any:
    """`document` without what changes from run to run."""
    if isinstance(document, dict):
        return {k: figures(v) for k, v in document.items() if k not in VOLATILE}
    if isinstance(document, list):
        return [figures(v) for v in document]
    return document


def assert_same(found: Any, expected: Any, where: str = "$") -> None:
    """Equal, floats to 1e-9 relative; the first difference is named by its JSON path."""
    if isinstance(expected, dict):
        assert isinstance(found, dict), where
        assert sorted(found) == sorted(expected), f"{where}: keys differ"
        for key in expected:
            assert_same(found[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), f"{where}: length"
        for index, (a, b) in enumerate(zip(found, expected, strict=True)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(expected, float) and isinstance(found, int | float):
        assert math.isclose(found, expected, rel_tol=1e-9, abs_tol=1e-9), (
            f"{where}: {found} != {expected}"
        )
    else:
        assert found == expected, f"{where}: {found!r} != {expected!r}"


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_metrics_and_assessment_match_the_golden_documents(name: str, tmp_path: Path) -> None:
    if name == "houston" and not HOUSTON.is_dir():
        pytest.skip("../shared/data is not present")
    metrics, assessment = (without_work_folder(d, tmp_path) for d in PIPELINES[name](tmp_path))
    kept_metrics = json.loads(golden_path(name, "metrics").read_text(encoding="utf-8"))
    kept_assessment = json.loads(golden_path(name, "assessment").read_text(encoding="utf-8"))
    assert_same(figures(metrics), figures(kept_metrics))
    # Read back through the document, as a kept file of any format version is read.
    read_back = AssessmentDocument.from_json(kept_assessment).to_json()
    assert_same(
        figures({**assessment, "format_version": None}),
        figures({**read_back, "format_version": None}),
    )


def test_a_changed_figure_is_caught() -> None:
    kept = json.loads(golden_path("demo", "assessment").read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(kept))
    changed["areas"][0]["levels"][0]["criteria"][0]["status"] = "changed"
    with pytest.raises(AssertionError, match=r"areas\[0\]\.levels\[0\]\.criteria\[0\]\.status"):
        assert_same(figures(changed), figures(kept))
