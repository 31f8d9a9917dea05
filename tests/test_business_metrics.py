"""The business guide's metrics table: every metric computed, asked, or not measurable and why,
validated on load, and carried with its figures into the assessment."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from asyncmaturity.errors import InvalidFramework
from asyncmaturity.frameworks import check_references, load_framework, parse_framework
from asyncmaturity.metrics import METRICS
from tests.assessing import assessed

ACF = Path(__file__).parent.parent / "src" / "asyncmaturity" / "frameworks" / "data" / "acf.yaml"
# The business guide's table (../shared/reference/maturity-models.md, D) and the "where is
# this?" count the issue adds to it.
GUIDE = {
    "project-cycle-time",
    "deep-work-hours",
    "meeting-hours",
    "after-hours-messages",
    "focus-score",
    "stress-score",
    "autonomy-score",
    "hub-usage",
    "search-success",
    "where-questions",
}


def _acf() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(ACF.read_text(encoding="utf-8")))


def test_every_metric_of_the_guide_is_answered() -> None:
    rows = {row.id: row for row in load_framework("acf").business_metrics}
    assert set(rows) == GUIDE
    for row in rows.values():
        assert row.metrics or row.survey or row.not_measurable, row.id
        assert all(metric in METRICS for metric in row.metrics)
    assert rows["search-success"].survey == ["search.found_by_search"]
    assert rows["hub-usage"].survey == ["hub.first_stop"]
    assert rows["where-questions"].metrics == ["findability.where_question_share"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda row: row.update(metrics=[], survey=[]),
            "computed (metrics), asked (survey) or both, or else not_measurable",
        ),
        (
            lambda row: row.update(not_measurable="No export holds it at all."),
            "never both",
        ),
        (lambda row: row.update(metrics=["nobody.measures_this"]), "unknown metric"),
    ],
)
def test_a_guide_metric_without_an_answer_is_refused(change: Any, message: str) -> None:
    raw = _acf()
    change(raw["business_metrics"][0])
    with pytest.raises(InvalidFramework, match=r"business_metrics\[0\]") as caught:
        parse_framework(raw, origin="acf.yaml")
    assert message in str(caught.value)


def test_a_guide_metric_asking_an_unknown_item_is_refused() -> None:
    raw = _acf()
    raw["business_metrics"][4]["survey"] = ["nobody.asked"]
    framework = parse_framework(raw, origin="acf.yaml")
    with pytest.raises(InvalidFramework, match=r"business_metrics\[4\].survey: unknown survey"):
        check_references(framework, origin="acf.yaml")


def test_the_assessment_carries_the_guide_with_the_survey_scores(tmp_path: Path) -> None:
    survey = tmp_path / "survey.csv"
    answers = ["5", "5", "4", "4", "2"]
    rows = ["team,hub.first_stop,search.found_by_search"]
    rows += [f"core,{a},{b}" for a, b in zip(answers, reversed(answers), strict=True)]
    survey.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = {row["id"]: row for row in assessed(survey=survey)["business_metrics"]}
    # By hand: agreement 1..5 scores (v - 1) / 4, so 5 5 4 4 2 -> 1 1 .75 .75 .25, mean 0.75,
    # for both items (the same answers in another order).
    assert table["hub-usage"]["answered_by"] == "data and survey"
    assert table["hub-usage"]["survey"] == {"hub.first_stop": pytest.approx(0.75)}
    assert table["search-success"]["survey"] == {"search.found_by_search": pytest.approx(0.75)}
    # Without a store nothing is computed: unknown, not 0.
    assert table["project-cycle-time"] == {
        **table["project-cycle-time"],
        "answered_by": "data",
        "metrics": {"work.close.median_s": None},
    }
    assert table["focus-score"]["survey"] == {
        "focus.protected_time": None,
        "focus.interruptions": None,
    }
