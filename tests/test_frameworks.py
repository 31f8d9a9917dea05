"""Framework files: the shipped ones load and are complete; a bad file names the bad field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.errors import InvalidFramework, UnknownFramework
from asyncmaturity.frameworks import (
    SHIPPED,
    combined_survey,
    load_framework,
    load_framework_file,
    practices_catalogue,
    shipped_frameworks,
    validate_shipped,
)
from asyncmaturity.metrics import METRICS

runner = CliRunner()

MINIMAL = {
    "id": "mini",
    "name": "A team's own model",
    "kind": "areas",
    "version": "1",
    "description": "Two levels, one area.",
    "levels": [
        {"value": 0, "name": "Low", "summary": "Not yet."},
        {"value": 1, "name": "High", "summary": "Done."},
    ],
    "areas": [
        {
            "id": "replies",
            "name": "Replies",
            "description": "Do people answer?",
            "levels": [
                {
                    "level": 1,
                    "text": "Most questions get an answer.",
                    "criteria": [
                        {
                            "id": "replies.answered",
                            "text": "Half the threads are answered.",
                            "metric": {
                                "id": "response.answered_share",
                                "op": ">=",
                                "threshold": 0.5,
                            },
                            "rationale": "Half is our team's own line.",
                            "actions": ["response-charter"],
                        }
                    ],
                }
            ],
        }
    ],
}


def test_every_shipped_framework_loads_and_its_references_resolve() -> None:
    validate_shipped()
    frameworks = shipped_frameworks()
    assert list(frameworks) == list(SHIPPED)


def test_five_area_model_is_complete() -> None:
    model = load_framework("five-area")
    assert [a.name for a in model.areas] == [
        "Documentation",
        "Decision making",
        "Work tracking",
        "Meetings",
        "Leadership and culture",
    ]
    assert [(lv.value, lv.name) for lv in model.levels] == [
        (0, "Unaware"),
        (1, "Initial"),
        (2, "Defined"),
        (3, "Optimizing"),
    ]
    assert model.attribution is not None and model.attribution.licence == "CC-BY-4.0"
    for area in model.areas:
        assert [lv.level for lv in area.levels] == [1, 2, 3]
        for level in area.levels:
            for criterion in level.criteria:
                assert criterion.rationale and criterion.actions, criterion.id
                if criterion.metric is not None:
                    assert criterion.metric.id in METRICS


def test_wmi_model_is_complete() -> None:
    wmi = load_framework("wmi")
    assert [lv.name for lv in wmi.levels] == [
        "Chaotic",
        "Reactive",
        "Systematic",
        "Optimized",
        "Autonomous",
    ]
    assert "".join(e.letter or "" for e in wmi.protocol) == "AWAIT"
    assert [e.name for e in wmi.coordination_stack] == ["Who", "What", "When", "Why", "How"]
    assert len(wmi.principles) == 7 and len(wmi.dimensions) == 6
    assert [s.level for s in wmi.stages] == [2, 3, 4, 5] and wmi.based_on == "five-area"


def test_acf_has_the_quadrants_and_activities_the_roadmap_uses() -> None:
    acf = load_framework("acf")
    assert {a.id for a in acf.activities} == {
        "deep-work",
        "daily-operations",
        "online-meetings",
        "offline-activities",
        "emergencies",
    }
    assert {(q.urgent, q.important) for q in acf.prioritization} == {
        (True, True),
        (False, True),
        (True, False),
        (False, False),
    }
    for practice in practices_catalogue().values():
        assert practice.target is not None or practice.survey_target is not None, practice.id


def test_the_survey_asks_what_data_cannot_show() -> None:
    definition = combined_survey(list(shipped_frameworks().values()))
    topics = {item.topic for item in definition.items}
    assert {"focus", "stress", "autonomy", "psychological_safety", "tool_stack"} <= topics
    tools = {item.id for item in definition.items if item.topic == "tool_stack"}
    assert tools == {
        "tools.project_hub",
        "tools.async_communication",
        "tools.async_video",
        "tools.document_collaboration",
    }


def _write(tmp_path: Path, data: object, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_framework_of_ones_own_loads(tmp_path: Path) -> None:
    framework = load_framework_file(_write(tmp_path, MINIMAL))
    assert framework.criteria()[0].metric is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda d: d["areas"][0]["levels"][0]["criteria"][0]["metric"].update(id="no.such"),
            "areas[0].levels[0].criteria[0].metric.id",
            "unknown metric 'no.such'",
        ),
        (
            lambda d: d["areas"][0]["levels"][0]["criteria"][0].pop("rationale"),
            "areas[0].levels[0].criteria[0].rationale",
            "Field required",
        ),
        (
            lambda d: d["areas"][0]["levels"][0]["criteria"][0].pop("metric"),
            "areas[0].levels[0].criteria[0]",
            "needs a metric check, survey items, or both",
        ),
        (
            lambda d: d["areas"][0]["levels"][0]["criteria"][0]["metric"].update(op="=="),
            "areas[0].levels[0].criteria[0].metric.op",
            "Input should be",
        ),
        (
            lambda d: d["areas"][0]["levels"][0].update(level=2),
            "areas[0].levels",
            "needs criteria for levels [1]",
        ),
        (
            lambda d: d["areas"][0]["levels"][0]["criteria"][0].update(actions=["fly-to-mars"]),
            "areas[0].levels[0].criteria[0].actions",
            "unknown practice 'fly-to-mars'",
        ),
        (
            lambda d: d["areas"][0]["levels"][0]["criteria"][0].update(
                survey={"items": ["nobody.asked"], "min_score": 0.5}
            ),
            "areas[0].levels[0].criteria[0].survey.items",
            "unknown survey item 'nobody.asked'",
        ),
    ],
)
def test_a_bad_framework_file_names_the_field(
    tmp_path: Path, change: object, field: str, message: str
) -> None:
    import copy

    data = copy.deepcopy(MINIMAL)
    change(data)  # type: ignore[operator]
    path = _write(tmp_path, data)
    with pytest.raises(InvalidFramework) as caught:
        load_framework_file(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: field {field}"), text
    assert message in text


def test_a_file_that_is_not_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nlevels: [\n", encoding="utf-8")
    with pytest.raises(InvalidFramework, match=r"broken.yaml: not valid YAML \(line"):
        load_framework_file(path)


def test_an_unknown_framework_name_says_what_exists() -> None:
    with pytest.raises(UnknownFramework, match="five-area"):
        load_framework("six-area")


def test_frameworks_commands(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["frameworks", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and all(name in listed.output for name in SHIPPED)
    shown = runner.invoke(app, ["frameworks", "show", "five-area"])
    assert shown.exit_code == 0 and "response.within_window_share" in shown.output
    assert "CC BY 4.0" in shown.output
    assert runner.invoke(app, ["frameworks", "validate"]).exit_code == 0
    good = _write(tmp_path, MINIMAL)
    assert runner.invoke(app, ["frameworks", "validate", str(good)]).exit_code == 0
    bad_data = {**MINIMAL, "kind": "pyramid"}
    bad = _write(tmp_path, bad_data, "bad.yaml")
    result = runner.invoke(app, ["frameworks", "validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: field kind:")
    assert "Traceback" not in result.output + result.stderr


def test_every_data_file_of_the_package_is_declared_package_data() -> None:
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["asyncmaturity"]
    package = root / "src" / "asyncmaturity"
    data = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc")
    ]
    assert any(name.startswith("frameworks/data/") for name in data)
    missing = [name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert not missing, f"not shipped in a wheel: {missing}"
