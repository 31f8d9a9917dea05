"""The survey: definitions that name the bad field, form-tool exports read as people write them,
anonymous responses, and figures that hide every group smaller than min_group_size."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncmaturity.errors import InvalidResponses, InvalidSurvey
from asyncmaturity.survey import (
    RejectedAnswer,
    Response,
    Scale,
    SurveyDefinition,
    SurveyResponses,
    aggregate,
    load_responses,
    load_survey_definition,
    parse_survey_definition,
    questionnaire,
)

FIXTURES = Path(__file__).parent / "fixtures" / "survey"
DOC = "documentation.written_answers"
FOCUS = "focus.interruptions"  # reverse: agreeing (being interrupted) is worse
AGENDA = "meetings.agenda"  # yes_no
STRESS = "stress.after_hours"  # reverse, topic stress, no area
AGREEMENT_HINT = "1-5: Strongly disagree ... Strongly agree"


def fixture(name: str) -> Path:
    found = FIXTURES / name
    assert found.is_file(), found
    return found


@pytest.fixture(scope="module")
def definition() -> SurveyDefinition:
    return load_survey_definition(fixture("definition.yaml"))


def responses(*rows: tuple[str | None, dict[str, float]]) -> SurveyResponses:
    return SurveyResponses(rows=[Response(team=team, answers=answers) for team, answers in rows])


# --- definitions ------------------------------------------------------------------------------


def test_bad_definition_names_field() -> None:
    path = fixture("bad_definition_unknown_scale.yaml")
    with pytest.raises(InvalidSurvey) as raised:
        load_survey_definition(path)
    assert str(raised.value) == (
        f"{path}: field survey.items[1].scale: unknown scale 'agree' (defined scales: agreement)"
    )


@pytest.mark.parametrize(
    ("survey", "field", "message"),
    [
        (
            {"scales": [{"id": "s", "kind": "likert", "options": [{"value": 1, "label": "a"}]}]},
            "survey.scales[0].options",
            "a likert scale has 2 to 11 options, not 1",
        ),
        (
            {
                "scales": [
                    {
                        "id": "s",
                        "kind": "likert",
                        "options": [
                            {"value": 1, "label": "a"},
                            {"value": 3, "label": "b"},
                            {"value": 2, "label": "c"},
                        ],
                    }
                ]
            },
            "survey.scales[0].options[2].value",
            "2 is not greater than the value before it",
        ),
        (
            {"scales": [{"id": "yn", "kind": "yes_no", "options": [{"value": 1, "label": "Y"}]}]},
            "survey.scales[0].options",
            "a yes_no scale has exactly 2 options, not 1",
        ),
        (
            {"scales": [{"id": "Agreement", "kind": "yes_no"}]},
            "survey.scales[0].id",
            "'Agreement' is not an id",
        ),
        (
            {"scales": [{"id": "yn", "kind": "yes_no"}], "items": [{"id": "a", "text": "T"}]},
            "survey.items[0].scale",
            "Field required",
        ),
        (
            {
                "scales": [{"id": "yn", "kind": "yes_no"}],
                "items": [
                    {"id": "a", "text": "T", "scale": "yn"},
                    {"id": "a", "text": "U", "scale": "yn"},
                ],
            },
            "survey.items[1].id",
            "id 'a' appears twice",
        ),
        (
            {"items": [{"id": "a", "text": "T", "scale": "yn", "revers": True}]},
            "survey.items[0].revers",
            "Extra inputs are not permitted",
        ),
    ],
)
def test_definition_errors_name_the_field(survey: object, field: str, message: str) -> None:
    with pytest.raises(InvalidSurvey) as raised:
        parse_survey_definition(survey, "framework.yaml")
    assert str(raised.value).startswith(f"framework.yaml: field {field}: {message}")


def test_duplicate_item_on_merge(definition: SurveyDefinition) -> None:
    path = fixture("team_questions_duplicate_item.yaml")
    with pytest.raises(InvalidSurvey) as raised:
        load_survey_definition(path, base=definition)
    assert str(raised.value) == (
        f"{path}: duplicate item id 'focus.interruptions': both definitions define it"
    )
    with pytest.raises(InvalidSurvey, match="duplicate scale id 'agreement'"):
        definition.merged(definition)


def test_team_file_uses_the_base_scales(definition: SurveyDefinition) -> None:
    path = fixture("team_questions_use_base_scale.yaml")
    merged = load_survey_definition(path, base=definition)
    assert [item.id for item in merged.items][-2:] == ["team.reviews_async", "team.standup_skipped"]
    assert merged.scale_of("team.reviews_async").id == "agreement"
    # On its own the file names a scale it does not define.
    with pytest.raises(InvalidSurvey, match=r"field survey\.items\[0\]\.scale: unknown scale"):
        load_survey_definition(path)


def test_file_without_survey_key(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scales: []\n", encoding="utf-8")
    with pytest.raises(InvalidSurvey, match=r"s\.yaml: no top-level `survey:` key"):
        load_survey_definition(path)


def test_scales_normalize_and_default_yes_no(definition: SurveyDefinition) -> None:
    agreement = definition.scale("agreement")
    # (value - first) / (last - first): 1 -> 0, 2 -> 0.25, 5 -> 1
    assert [agreement.normalize(v) for v in (1, 2, 5)] == [0.0, 0.25, 1.0]
    yes_no = definition.scale("yes_no")
    assert [(o.value, o.label) for o in yes_no.options] == [(0.0, "No"), (1.0, "Yes")]
    # Unevenly spaced values normalize linearly in value, not in rank: 10 on 0..40 is 0.25.
    uneven = Scale.model_validate(
        {
            "id": "u",
            "kind": "likert",
            "options": [{"value": v, "label": str(v)} for v in (0, 10, 40)],
        }
    )
    assert uneven.normalize(10) == 0.25
    item = definition.item(FOCUS)
    assert item.score(5, agreement) == 0.0 and item.score(1, agreement) == 1.0


# --- questionnaire ----------------------------------------------------------------------------


def test_questionnaire_markdown(definition: SurveyDefinition) -> None:
    text = questionnaire(definition, format="markdown", min_group_size=7)
    assert text.startswith("# ")
    assert "answers are reported only for groups of at least 7 people" in text
    # Areas in file order, then the area-less item under its topic; numbering runs on.
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Documentation", "## Focus", "## Meetings", "## Stress"]
    assert (
        "4. I feel I must answer messages outside my working hours. (`stress.after_hours`)" in text
    )
    assert "   - [ ] Strongly agree (5)" in text and "   - [ ] Yes" in text
    assert "*Count the meetings you attended in the last two weeks.*" in text


def test_questionnaire_markdown_general_section() -> None:
    survey = parse_survey_definition(
        {
            "scales": [{"id": "yn", "kind": "yes_no"}],
            "items": [
                {"id": "t", "text": "Tagged?", "scale": "yn", "topic": "tool_stack"},
                {"id": "g", "text": "Plain?", "scale": "yn"},
                {"id": "a", "text": "Area?", "scale": "yn", "area": "psychological_safety"},
            ],
        },
        "s.yaml",
    )
    text = questionnaire(survey, format="markdown")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Psychological safety", "## General", "## Tool stack"]


def test_questionnaire_json_and_csv(definition: SurveyDefinition) -> None:
    document = json.loads(questionnaire(definition, format="json"))
    assert list(document) == ["scales", "items"]
    assert SurveyDefinition.model_validate(document) == definition
    rows = list(csv.reader(io.StringIO(questionnaire(definition, format="csv"))))
    assert rows[0][0] == "team"
    assert rows[0][2] == "I'm often interrupted while I try to concentrate. [focus.interruptions]"
    assert rows[1] == ["your team's name", AGREEMENT_HINT, AGREEMENT_HINT, "Yes/No", AGREEMENT_HINT]


def test_our_template_roundtrip(definition: SurveyDefinition, tmp_path: Path) -> None:
    template = questionnaire(definition, format="csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["platform", "4", "Disagree", "yes", ""])
    writer.writerow(["product", "Strongly agree", "5", "No", "2"])
    path = tmp_path / "filled.csv"
    path.write_text(template + buffer.getvalue(), encoding="utf-8")
    read = load_responses(path, definition)
    # The hint row (row 2) is skipped, not rejected: nothing unreadable, nothing empty.
    assert read.rejected == [] and read.empty_rows == 0 and read.notes == []
    assert read.rows == [
        Response("platform", {DOC: 4.0, FOCUS: 2.0, AGENDA: 1.0}),
        Response("product", {DOC: 5.0, FOCUS: 5.0, AGENDA: 0.0, STRESS: 2.0}),
    ]
    assert set(read.columns.values()) == {DOC, FOCUS, AGENDA, STRESS}


def test_template_hint_row_changed_by_hand_is_read_as_answers(
    definition: SurveyDefinition, tmp_path: Path
) -> None:
    lines = questionnaire(definition, format="csv").splitlines()
    path = tmp_path / "filled.csv"
    path.write_text(lines[0] + "\nplatform,4,2,Yes/No,1\n", encoding="utf-8")
    read = load_responses(path, definition)
    assert read.rejected == [
        RejectedAnswer(
            str(path), 2, "Do our meetings have a written agenda? [meetings.agenda]", "Yes/No"
        )
    ]


# --- form-tool exports ------------------------------------------------------------------------


def test_google_forms_export(definition: SurveyDefinition) -> None:
    read = load_responses(
        fixture("google_forms_export.csv"), definition, team_column="which team are you in?"
    )
    # Headers match despite a missing full stop, a curly apostrophe and a doubled space.
    assert read.columns == {
        "When I need to know how something works, I can find it written down": DOC,
        "I\u2019m often interrupted while I try to concentrate.": FOCUS,
        "Do our meetings have  a written agenda?": AGENDA,
    }
    assert [r.team for r in read.rows] == ["Platform", "Platform", "Product", "Product", "Platform"]
    assert read.rows[2] == Response("Product", {DOC: 2.0, FOCUS: 4.0, AGENDA: 0.0})
    assert read.notes == [
        "1 column(s) match no survey item and were not read: 'Anything else you want to tell us?'"
    ]
    assert "@" not in repr(read) and "pings" not in repr(read)

    results = aggregate(read, definition, min_group_size=5)
    doc = results.item(DOC)
    assert doc is not None
    # Answers 4, 5, 2, 3, 4: mean 18/5 = 3.6; scores .75 1 .25 .5 .75 -> 3.25/5 = .65;
    # favourable (4 or 5) 3/5; sd: deviations .1 .35 -.4 -.15 .1, squares sum .325, /5 = .065.
    assert doc.n == 5 and doc.mean == pytest.approx(3.6) and doc.score == pytest.approx(0.65)
    assert doc.share_favourable == pytest.approx(0.6)
    assert doc.sd == pytest.approx(math.sqrt(0.065))
    assert doc.disagreement == pytest.approx(math.sqrt(0.065) / 0.5)
    assert doc.distribution == {1.0: 0, 2.0: 1, 3.0: 1, 4.0: 2, 5.0: 1}
    # Yes, Yes, No, Yes, No: 3/5 favourable; 40% No and 60% Yes are both >= 25%: polarized.
    agenda = results.item(AGENDA)
    assert agenda is not None and agenda.share_favourable == pytest.approx(0.6)
    assert agenda.polarized is True
    # Platform has 3 respondents and Product 2: both below 5, neither shown.
    assert results.teams == {} and results.suppressed_teams == 2


def test_microsoft_forms_export(definition: SurveyDefinition) -> None:
    read = load_responses(fixture("microsoft_forms_export.csv"), definition)
    assert read.rows == [
        Response("Platform", {DOC: 4.0, FOCUS: 2.0, AGENDA: 1.0}),
        Response("Platform", {DOC: 5.0, FOCUS: 1.0, AGENDA: 1.0}),
        Response("Product", {DOC: 2.0, FOCUS: 4.0, AGENDA: 0.0}),
    ]
    # ID, times, Email and Name are known metadata: dropped without a note, and never kept.
    assert read.notes == []
    kept = repr(read)
    assert "@" not in kept and "Alice" not in kept and "Example" not in kept


def test_typeform_semicolon(definition: SurveyDefinition) -> None:
    # Question texts hold commas unquoted; the semicolon is found because it maps the items.
    read = load_responses(fixture("typeform_semicolon.csv"), definition, team_column="Which team?")
    assert read.rows == [
        Response("Platform", {DOC: 4.0, FOCUS: 2.0, AGENDA: 1.0}),
        Response("Product", {DOC: 2.0, FOCUS: 5.0, AGENDA: 0.0}),
    ]
    assert read.notes == []


def test_surveymonkey_two_header_rows(definition: SurveyDefinition) -> None:
    read = load_responses(
        fixture("surveymonkey_two_header_rows.csv"),
        definition,
        team_column="Which team are you in?",
    )
    assert read.rows == [
        Response("Platform", {DOC: 4.0, FOCUS: 2.0, AGENDA: 1.0}),
        Response("Product", {DOC: 1.0, FOCUS: 5.0, AGENDA: 0.0}),
    ]
    assert read.notes == [] and "192.0.2" not in repr(read) and "@" not in repr(read)


def test_label_answers_case_insensitive(definition: SurveyDefinition) -> None:
    read = load_responses(fixture("label_answers_case_insensitive.csv"), definition)
    assert read.rejected == []
    assert [r.answers for r in read.rows] == [
        {DOC: 5.0, FOCUS: 2.0, AGENDA: 1.0},  # "  strongly AGREE ", "disagree", "yes"
        {DOC: 3.0, FOCUS: 1.0, AGENDA: 0.0},  # trailing full stop, upper case, "NO"
        {DOC: 4.0, FOCUS: 4.0, AGENDA: 1.0},  # "4.0", "True"
        {DOC: 1.0, FOCUS: 5.0, AGENDA: 0.0},  # "1", "n"
    ]


def test_unreadable_answer_counted_and_strict_fails(definition: SurveyDefinition) -> None:
    path = fixture("unreadable_answer.csv")
    read = load_responses(path, definition)
    assert read.rejected == [RejectedAnswer(str(path), 3, FOCUS, "sometimes")]
    # The rest of row 3 is kept.
    assert read.rows[1] == Response("platform", {DOC: 5.0})
    with pytest.raises(InvalidResponses) as raised:
        load_responses(path, definition, strict=True)
    assert str(raised.value) == (
        f"{path}: row 3, column 'focus.interruptions': cannot read 'sometimes' as an answer "
        f"({AGREEMENT_HINT})"
    )


def test_empty_row_counted(definition: SurveyDefinition) -> None:
    read = load_responses(fixture("empty_row.csv"), definition)
    # Row 3 has a timestamp and a team but no answer: counted. Row 4 is a blank line: not a row.
    assert read.empty_rows == 1
    assert read.rows == [
        Response("platform", {DOC: 4.0, FOCUS: 2.0}),
        Response("product", {DOC: 2.0}),
    ]


def test_csv_without_item_columns_says_how_to_fix(
    definition: SurveyDefinition, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Timestamp,Q1,Q2\n2026-03-02,4,2\n", encoding="utf-8")
    with pytest.raises(InvalidResponses) as raised:
        load_responses(path, definition)
    message = str(raised.value)
    assert message.startswith(f"{path}: no column matches a survey item")
    assert "column mapping" in message and "survey questions --format csv" in message
    # The mapping file the CLI reads fixes it; a mapped column absent from the file is noted.
    read = load_responses(path, definition, columns={"Q1": DOC, "q2": FOCUS, "Q3": AGENDA})
    assert read.rows == [Response(None, {DOC: 4.0, FOCUS: 2.0})]
    assert "the column mapping names 'Q3', which is not in the file" in read.notes
    with pytest.raises(InvalidResponses, match="'Q1' is mapped to 'nope', which is not a survey"):
        load_responses(path, definition, columns={"Q1": "nope"})


def test_personal_column_cannot_be_the_team(definition: SurveyDefinition, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"Email,{DOC}\na@example.com,4\n", encoding="utf-8")
    with pytest.raises(InvalidResponses, match="'Email' holds personal data"):
        load_responses(path, definition, team_column="email")


def test_bom_and_tabs(definition: SurveyDefinition, tmp_path: Path) -> None:
    path = tmp_path / "export.tsv"
    path.write_bytes(f"\ufeffteam\t{DOC}\nops\t3\n".encode())
    assert load_responses(path, definition).rows == [Response("ops", {DOC: 3.0})]


def test_json_responses_wrapped_and_bare_list(definition: SurveyDefinition) -> None:
    wrapped = load_responses(fixture("json_responses_wrapped.json"), definition)
    bare = load_responses(fixture("json_responses_bare_list.json"), definition)
    expected = [
        Response("platform", {DOC: 4.0, AGENDA: 1.0}),  # true -> Yes
        Response("platform", {DOC: 5.0, AGENDA: 0.0}),  # a label; "no"
        Response(None, {FOCUS: 2.0}),  # "2" as text
    ]
    assert wrapped.rows == expected and bare.rows == expected
    assert wrapped.notes == ["answers to 1 unknown item(s) were ignored: 'retired.question' (1x)"]


def test_json_wrong_shape_names_the_path(definition: SurveyDefinition, tmp_path: Path) -> None:
    path = fixture("json_answers_not_an_object.json")
    with pytest.raises(InvalidResponses) as raised:
        load_responses(path, definition)
    assert str(raised.value) == f"{path}: responses[3].answers: expected an object"
    bare = tmp_path / "r.json"
    bare.write_text('[{"answers": {}}, "x"]', encoding="utf-8")
    with pytest.raises(InvalidResponses, match=r"r\.json: \[1\]: expected an object$"):
        load_responses(bare, definition)
    bare.write_text('{"responses": [', encoding="utf-8")
    with pytest.raises(InvalidResponses, match=r"r\.json: malformed JSON \(line 1\)"):
        load_responses(bare, definition)


def test_json_unreadable_answer_strict(definition: SurveyDefinition, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"answers": {DOC: 4}}, {"answers": {DOC: 9}}]), encoding="utf-8")
    assert load_responses(path, definition).rejected == [RejectedAnswer(str(path), 1, DOC, "9")]
    with pytest.raises(InvalidResponses) as raised:
        load_responses(path, definition, strict=True)
    assert str(raised.value) == (
        f"{path}: [1].answers.{DOC}: cannot read '9' as an answer ({AGREEMENT_HINT})"
    )


# --- aggregation ------------------------------------------------------------------------------


def test_team_below_min_group_suppressed(definition: SurveyDefinition) -> None:
    read = responses(
        ("a", {DOC: 5, AGENDA: 1}),
        ("a", {DOC: 4, AGENDA: 1}),
        ("a", {DOC: 4, AGENDA: 0}),
        ("a", {DOC: 3}),
        ("a", {DOC: 5}),
        ("b", {DOC: 1}),
        ("b", {DOC: 2}),
        *[("c", {DOC: 3})] * 6,
    )
    results = aggregate(read, definition, min_group_size=5)
    # b (2) is below the minimum; a (5) is hidden too, because the organization minus a and c
    # would otherwise reveal b's two answers (complementary suppression, smallest team first).
    assert list(results.teams) == ["c"] and results.suppressed_teams == 2
    # Organization, everyone included: 5 4 4 3 5 1 2 + six 3s -> mean 42/13; scores
    # 1 .75 .75 .5 1 0 .25 + six .5 -> 7.25/13; favourable (4 or 5) 4/13.
    doc = results.item(DOC)
    assert doc is not None and doc.n == 13
    assert doc.mean == pytest.approx(42 / 13) and doc.score == pytest.approx(7.25 / 13)
    assert doc.share_favourable == pytest.approx(4 / 13)
    document = results.to_json()
    assert set(document["teams"]) == {"c"} and document["privacy"]["suppressed_teams"] == 2
    # Without b, nothing smaller than the minimum can be subtracted out: a and c are both shown.
    without_b = [(r.team, r.answers) for r in read.rows if r.team != "b"]
    shown = aggregate(responses(*without_b), definition, min_group_size=5)
    assert list(shown.teams) == ["a", "c"] and shown.suppressed_teams == 0
    results = shown
    # Team a: 5 4 4 3 5 -> mean 4.2, scores 1 .75 .75 .5 1 -> .8, favourable 4/5.
    team_doc = results.teams["a"].items[DOC]
    assert (team_doc.mean, team_doc.score, team_doc.share_favourable) == pytest.approx(
        (4.2, 0.8, 0.8)
    )
    # Only 3 of team a answered the agenda question: n shown, nothing else.
    assert results.teams["a"].items[AGENDA].n == 3
    assert results.teams["a"].items[AGENDA].score is None
    assert results.teams["a"].items[AGENDA].distribution is None
    json.dumps(results.to_json())  # plain JSON types only


def test_organization_below_min_group_withheld(definition: SurveyDefinition) -> None:
    results = aggregate(responses(*[(None, {DOC: 4})] * 4), definition, min_group_size=5)
    doc = results.item(DOC)
    assert results.withheld and doc is not None and doc.n == 4
    assert (doc.mean, doc.score, doc.distribution, doc.polarized) == (None, None, None, None)
    assert results.topics["documentation"].score is None
    assert any("only 4 people answered" in note for note in results.notes)
    assert results.item("no.such.item") is None


def test_reverse_item_scored_lower_is_better(definition: SurveyDefinition) -> None:
    answers = [5, 5, 4, 2]
    read = responses(*[(None, {FOCUS: v, DOC: v}) for v in answers])
    results = aggregate(read, definition, min_group_size=1)
    focus, doc = results.item(FOCUS), results.item(DOC)
    assert focus is not None and doc is not None
    # Reversed scores 1-(v-1)/4: 0 0 .25 .75 -> 1/4; favourable is the bottom two (1, 2): 1/4.
    assert focus.score == pytest.approx(0.25) and focus.share_favourable == pytest.approx(0.25)
    # The same answers on a plain item: .75 and 3/4 (top two).
    assert doc.score == pytest.approx(0.75) and doc.share_favourable == pytest.approx(0.75)
    # Mean, spread and distribution do not depend on the direction.
    assert focus.mean == doc.mean == 4.0
    assert focus.sd == pytest.approx(doc.sd) and focus.distribution == doc.distribution


def test_topic_and_area_scores_weigh_items_equally(definition: SurveyDefinition) -> None:
    survey = parse_survey_definition(
        {"items": [{"id": "x.more", "text": "More", "scale": "agreement", "topic": "focus"}]},
        "extra.yaml",
        base=definition,
    )
    # FOCUS answered by 1 person (score 1 - 1/4 = .75 for a 2), x.more by 2 (5 and 5 -> 1).
    read = responses((None, {FOCUS: 2, "x.more": 5}), (None, {"x.more": 5}))
    results = aggregate(read, survey, min_group_size=1)
    # Equal weight per item: (.75 + 1) / 2, not (.75 + 1 + 1) / 3.
    assert results.topics["focus"].score == pytest.approx(0.875)
    assert results.topics["focus"].items == 2
    assert results.areas["focus"].score == pytest.approx(0.75)
    assert results.topics["stress"].score is None and results.topics["stress"].items == 0


def test_polarized_needs_both_ends(definition: SurveyDefinition) -> None:
    # 1 1 5 5 5 5 5 5: bottom two 2/8 = 25%, top two 6/8: polarized; sd of 0 0 1 1 1 1 1 1
    # is sqrt(.25 * .75) = .433, disagreement .866.
    split = responses(*[(None, {DOC: v}) for v in (1, 1, 5, 5, 5, 5, 5, 5)])
    doc = aggregate(split, definition, min_group_size=1).item(DOC)
    assert doc is not None and doc.polarized is True
    assert doc.disagreement == pytest.approx(math.sqrt(0.25 * 0.75) / 0.5)
    # 1 5 5 5 5: bottom 20% < 25%: not polarized.
    lopsided = responses(*[(None, {DOC: v}) for v in (1, 5, 5, 5, 5)])
    doc = aggregate(lopsided, definition, min_group_size=1).item(DOC)
    assert doc is not None and doc.polarized is False


FIVE_POINT = SurveyDefinition.model_validate(
    {
        "scales": [
            {
                "id": "five",
                "kind": "likert",
                "options": [{"value": v, "label": f"option {v}"} for v in range(1, 6)],
            }
        ],
        "items": [
            {"id": "plain", "text": "Plain", "scale": "five"},
            {"id": "flipped", "text": "Flipped", "scale": "five", "reverse": True},
        ],
    }
)


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=60))
def test_figures_match_brute_force(answers: list[int]) -> None:
    read = responses(*[(None, {"plain": v, "flipped": v}) for v in answers])
    results = aggregate(read, FIVE_POINT, min_group_size=1)
    n = len(answers)
    for item_id, reverse in (("plain", False), ("flipped", True)):
        figures = results.item(item_id)
        assert figures is not None and figures.n == n
        scores = [(5 - v) / 4 if reverse else (v - 1) / 4 for v in answers]
        mean = sum(scores) / n
        sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / n)
        low = sum(1 for v in answers if v <= 2) / n
        high = sum(1 for v in answers if v >= 4) / n
        assert figures.mean == pytest.approx(sum(answers) / n)
        assert figures.score == pytest.approx(mean)
        assert figures.share_favourable == pytest.approx(low if reverse else high)
        assert figures.sd == pytest.approx(sd, abs=1e-12)
        assert figures.disagreement == pytest.approx(min(1.0, sd / 0.5), abs=1e-12)
        assert figures.polarized == (low >= 0.25 and high >= 0.25)
        assert figures.distribution == {float(v): answers.count(v) for v in range(1, 6)}
