"""The WMI model's principles: tied to criteria, metric checks and survey items in the framework
file (validated on load), judged by the stated rule, kept in the assessment JSON and shown in the
Markdown, HTML, terminal and docs."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from asyncmaturity.assess import assess
from asyncmaturity.assess.document import (
    PRINCIPLE_RULE,
    AssessmentDocument,
    PrincipleEvidence,
    Status,
)
from asyncmaturity.assess.evaluate import CriterionOutcome
from asyncmaturity.assess.principles import judge_principle, margin, principle_status, weakest
from asyncmaturity.errors import InvalidFramework
from asyncmaturity.frameworks import (
    Criterion,
    Principle,
    combined_survey,
    load_framework,
    load_framework_file,
    shipped_frameworks,
)
from asyncmaturity.report import render_html, report_data
from asyncmaturity.report.docs import frameworks_markdown
from asyncmaturity.report.markdown import assessment_markdown
from asyncmaturity.report.terminal import assessment_tables
from asyncmaturity.simulate.profiles import PROFILES, simulate_survey
from asyncmaturity.survey import SurveyDefinition

SEVEN = (
    "Clarity over chaos",
    "Systems over silos",
    "Visibility over assumption",
    "Flow over friction",
    "Adaptability over rigidity",
    "Progress over perfection",
    "Humanity over tools",
)

# A stages framework of one's own on the five-area model, with one principle citing one of each.
OWN_STAGES: dict[str, Any] = {
    "id": "own-stages",
    "name": "Our stages",
    "kind": "stages",
    "version": "1",
    "description": "Two stages.",
    "based_on": "five-area",
    "levels": [
        {"value": 0, "name": "Start", "summary": "Not yet."},
        {"value": 1, "name": "Done", "summary": "Done."},
    ],
    "stages": [{"level": 1, "requires": [{"areas_at_least": 1, "count": 2}]}],
    "principles": [
        {
            "id": "openness",
            "name": "Openness",
            "description": "Work in the open.",
            "criteria": ["leadership-culture.mostly-in-the-open"],
            "metrics": [{"id": "messages.dm_share", "op": "<=", "threshold": 0.3}],
            "survey": {"items": ["culture.leaders_model_async"], "min_score": 0.6},
            "rationale": "Our own reading of openness.",
        }
    ],
}


def _write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "own.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


# -- the framework file -----------------------------------------------------------------------


def test_every_principle_of_the_wmi_model_has_evidence_and_the_survey_asks_the_rest() -> None:
    wmi = load_framework("wmi")
    assert tuple(p.name for p in wmi.principles) == SEVEN
    for principle in wmi.principles:
        assert principle.criteria or principle.metrics or principle.survey, principle.id
        assert principle.rationale, principle.id
    own_items = {item.id for item in wmi.survey.items} if wmi.survey else set()
    # No export shows whether norms change with the work or whether tools serve people: each of
    # these principles asks at least one question of the WMI file's own survey.
    for asked in ("adaptability", "humanity", "progress"):
        principle = next(p for p in wmi.principles if p.id == asked)
        assert principle.survey is not None
        assert own_items & set(principle.survey.items), asked


def test_a_stages_file_of_ones_own_with_principles_loads(tmp_path: Path) -> None:
    framework = load_framework_file(_write(tmp_path, OWN_STAGES))
    assert framework.principles[0].metrics[0].id == "messages.dm_share"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda p: p["criteria"].append("no.such-criterion"),
            "principles[0] (openness).criteria",
            "unknown criterion 'no.such-criterion'",
        ),
        (
            lambda p: p["survey"]["items"].append("nobody.asked"),
            "principles[0] (openness).survey.items",
            "unknown survey item 'nobody.asked'",
        ),
        (
            lambda p: p["metrics"].append({"id": "no.such", "op": ">=", "threshold": 1}),
            "principles[0]",
            "principle 'openness': unknown metric 'no.such'",
        ),
        (
            lambda p: p.pop("rationale"),
            "principles[0]",
            "principle 'openness': evidence needs a rationale",
        ),
    ],
)
def test_a_bad_principle_names_the_file_and_the_principle(
    tmp_path: Path, change: Any, field: str, message: str
) -> None:
    data = copy.deepcopy(OWN_STAGES)
    change(data["principles"][0])
    path = _write(tmp_path, data)
    with pytest.raises(InvalidFramework) as caught:
        load_framework_file(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: field {field}"), text
    assert message in text


def test_the_docs_list_each_principle_with_what_evidences_it() -> None:
    text = frameworks_markdown()
    section = text[text.index("### Principles") :]
    assert PRINCIPLE_RULE in section
    for principle in load_framework("wmi").principles:
        row = next(line for line in section.splitlines() if f"**{principle.name}**" in line)
        for cited in [*principle.criteria, *(m.id for m in principle.metrics)]:
            assert f"`{cited}`" in row, (principle.id, cited)
        for item in principle.survey.items if principle.survey else []:
            assert f"`{item}`" in row, (principle.id, item)


# -- the status rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["met", "met"], "met"),
        (["met", "unknown", "not applicable"], "met"),  # unknown counts neither way
        (["not met", "unknown"], "not met"),
        (["met", "not met", "unknown"], "partly met"),
        (["unknown", "unknown"], "unknown"),
        (["not applicable"], "unknown"),
        ([], "unknown"),
    ],
)
def test_principle_status(statuses: list[Status], expected: str) -> None:
    assert principle_status(statuses) == expected


def test_margin_is_relative_to_the_bar_and_negative_below_it() -> None:
    # (0.4 - 0.5) / 0.5 = -0.2; (10 - 15) / 15 below a ceiling of 15 is +1/3; a bar of 0
    # measures in absolute terms: 0 - 0.25 = -0.25.
    assert margin(0.4, ">=", 0.5) == pytest.approx(-0.2)
    assert margin(10, "<=", 15) == pytest.approx(1 / 3)
    assert margin(0.25, "<=", 0.0) == pytest.approx(-0.25)


def _piece(id_: str, status: Status, margin_: float | None) -> PrincipleEvidence:
    return PrincipleEvidence(kind="metric", id=id_, text=id_, status=status, margin=margin_)


def test_the_weakest_point_is_the_known_evidence_with_the_lowest_margin() -> None:
    pieces = [
        _piece("a", "met", 0.1),
        _piece("b", "not met", -0.3),
        _piece("c", "unknown", None),
        _piece("d", "not met", -0.05),
    ]
    assert weakest(pieces) == "b"
    # When everything passes, the weakest is the one that clears its bar by the least.
    assert weakest([_piece("a", "met", 0.4), _piece("b", "met", 0.02)]) == "b"
    assert weakest([_piece("c", "unknown", None)]) is None


def _outcome(
    criterion_id: str, status: Status, *, metric_value: float | None, score: float | None
) -> CriterionOutcome:
    criterion = Criterion.model_validate(
        {
            "id": criterion_id,
            "text": f"{criterion_id} holds.",
            "metric": {"id": "messages.dm_share", "op": "<=", "threshold": 0.5},
            "survey": {"items": ["culture.leaders_model_async"], "min_score": 0.4},
            "rationale": "A line for the test.",
        }
    )
    decided = "data" if metric_value is not None else "survey" if score is not None else None
    return CriterionOutcome(
        criterion=criterion,
        status=status,
        decided_by=decided,
        metric_value=metric_value,
        metric_status=status if metric_value is not None else "unknown",
        survey_score=score,
        survey_status=status if score is not None else "unknown",
    )


PRINCIPLE = Principle.model_validate(
    {
        "id": "openness",
        "name": "Openness",
        "description": "Work in the open.",
        "criteria": ["open.by-data", "open.by-survey", "open.unknown"],
        "metrics": [
            {"id": "messages.broadcast_share", "op": "<=", "threshold": 0.05},
            {"id": "messages.thread_reply_share", "op": ">=", "threshold": 0.5},
            {"id": "response.answered_share", "op": ">=", "threshold": 0.5},
        ],
        "survey": {"items": ["culture.leaders_model_async", "never.answered"], "min_score": 0.6},
        "rationale": "A principle for the test.",
    }
)


def test_a_principle_is_judged_on_its_evidence_by_hand() -> None:
    outcomes = {
        # dm_share 0.4 <= 0.5: met, margin (0.5 - 0.4) / 0.5 = 0.2.
        "open.by-data": (
            "leadership-culture",
            1,
            _outcome("open.by-data", "met", metric_value=0.4, score=None),
        ),
        # survey 0.3 < 0.4: not met, margin (0.3 - 0.4) / 0.4 = -0.25.
        "open.by-survey": (
            "stage",
            3,
            _outcome("open.by-survey", "not met", metric_value=None, score=0.3),
        ),
        "open.unknown": (
            "meetings",
            2,
            _outcome("open.unknown", "unknown", metric_value=None, score=None),
        ),
    }
    metrics = {
        # 0.08 > 0.05: not met, margin (0.05 - 0.08) / 0.05 = -0.6 (the weakest).
        "messages.broadcast_share": 0.08,
        # Drawn from too few items: shown, but unknown.
        "messages.thread_reply_share": 0.9,
        "response.answered_share": None,
    }
    undecided = {"messages.thread_reply_share": "drawn from 3 items: too few"}
    # 0.75 >= 0.6: met, margin 0.25; the other item has no answers.
    scores = {"culture.leaders_model_async": 0.75}
    definition = combined_survey(list(shipped_frameworks().values()))
    result = judge_principle(PRINCIPLE, outcomes, metrics, undecided, scores, definition)
    by_id = {e.id: e for e in result.evidence}
    assert [e.kind for e in result.evidence] == ["criterion"] * 3 + ["metric"] * 3 + ["survey"] * 2
    assert {i: e.status for i, e in by_id.items()} == {
        "open.by-data": "met",
        "open.by-survey": "not met",
        "open.unknown": "unknown",
        "messages.broadcast_share": "not met",
        "messages.thread_reply_share": "unknown",
        "response.answered_share": "unknown",
        "culture.leaders_model_async": "met",
        "never.answered": "unknown",
    }
    assert by_id["open.by-data"].margin == pytest.approx(0.2)
    assert by_id["open.by-data"].metric == "messages.dm_share"
    assert by_id["open.by-survey"].margin == pytest.approx(-0.25)
    assert by_id["open.by-survey"].metric is None
    assert by_id["messages.broadcast_share"].margin == pytest.approx(-0.6)
    assert by_id["messages.thread_reply_share"].value == 0.9
    assert by_id["messages.thread_reply_share"].reason == "drawn from 3 items: too few"
    assert by_id["culture.leaders_model_async"].margin == pytest.approx(0.25)
    # Four known (two met, two not met), four unknown that count neither way.
    assert (result.status, result.known, result.weakest) == (
        "partly met",
        4,
        "messages.broadcast_share",
    )


def test_a_principle_with_no_known_evidence_is_unknown_not_failing() -> None:
    outcomes = {
        c: ("stage", 3, _outcome(c, "unknown", metric_value=None, score=None))
        for c in PRINCIPLE.criteria
    }
    result = judge_principle(PRINCIPLE, outcomes, {}, {}, {}, SurveyDefinition())
    assert (result.status, result.known, result.weakest) == ("unknown", 0, None)


# -- the assessment and its renderings --------------------------------------------------------


@pytest.fixture(scope="module")
def survey_only(tmp_path_factory: pytest.TempPathFactory) -> AssessmentDocument:
    """A survey-only assessment whose people disagree that tools fit their day."""
    folder = tmp_path_factory.mktemp("principles")
    definition = combined_survey(list(shipped_frameworks().values()))
    optimized = PROFILES["optimized"]
    profile = dataclasses.replace(
        optimized,
        survey_overrides={**optimized.survey_overrides, "principles.tools_fit_people": 0.2},
    )
    simulate_survey(folder / "answers.csv", definition, profile, respondents=20)
    return assess(survey=folder / "answers.csv").document()


def test_the_assessment_carries_the_seven_principles(survey_only: AssessmentDocument) -> None:
    principles = {p.id: p for p in survey_only.principles}
    assert tuple(p.name for p in survey_only.principles) == SEVEN
    # No measurement: the metric checks are unknown; the survey speaks for the rest. Every item
    # of an optimized organization scores 0.9 but the one planted at 0.2, so humanity is partly
    # met and stands weakest on that item: (0.2 - 0.6) / 0.6 = -2/3.
    humanity = principles["humanity"]
    assert humanity.status == "partly met"
    assert humanity.weakest == "principles.tools_fit_people"
    weakest_piece = next(e for e in humanity.evidence if e.id == humanity.weakest)
    assert weakest_piece.margin == pytest.approx((0.2 - 0.6) / 0.6, abs=0.05)
    metric_pieces = [e for p in survey_only.principles for e in p.evidence if e.kind == "metric"]
    assert metric_pieces and all(e.status == "unknown" for e in metric_pieces)
    assert principles["adaptability"].status == "met"


def test_principles_survive_a_json_round_trip(survey_only: AssessmentDocument) -> None:
    again = AssessmentDocument.from_json(json.loads(survey_only.dumps()))
    assert again.principles == survey_only.principles
    assert again.dumps() == survey_only.dumps()


def test_a_document_without_principles_still_reads(survey_only: AssessmentDocument) -> None:
    older = survey_only.to_json()
    del older["principles"]
    document = AssessmentDocument.from_json(older)
    assert document.principles == []
    assert "## Principles" not in assessment_markdown(document)
    html = render_html(report_data(None, assessment=document))
    assert 'id="principles"' not in html


def test_markdown_html_and_terminal_show_the_principles(
    survey_only: AssessmentDocument,
) -> None:
    markdown = assessment_markdown(survey_only)
    section = markdown[markdown.index("\n## Principles\n") : markdown.index("\n## Roadmap\n")]
    assert PRINCIPLE_RULE in section
    for principle in survey_only.principles:
        assert f"### {principle.name}: {principle.status}" in section
    assert (
        "| Humanity over tools | partly met | 5 of 6 | survey principles.tools_fit_people: "
        in section
    )
    html = render_html(report_data(None, assessment=survey_only))
    assert 'id="principles"' in html and 'href="#principles"' in html
    assert html.index('id="levels"') < html.index('id="principles"') < html.index('id="roadmap"')
    assert 'class="status status-partly">partly met<' in html
    tables = assessment_tables(survey_only)
    assert any(getattr(t, "title", None) == "Principles" for t in tables)
