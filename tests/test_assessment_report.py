"""The assessment through the CLI: HTML and Markdown reports, history with follow-up of the previous
roadmap, and the page in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.frameworks import load_framework
from tests.test_report_html import _BalanceChecker, _open_offline

runner = CliRunner()
ASSESSMENT_SECTIONS = ("levels", "roadmap", "change", "criteria", "cost", "survey", "credits")
DATA_SECTIONS = ("headline", "first-reply", "hour-of-week", "after-hours", "by-kind")


def _run(*args: str) -> Any:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def systematic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A simulated organization planted at level 2, its survey answers and its store."""
    root = tmp_path_factory.mktemp("systematic")
    export, answers, store = root / "export", root / "answers.csv", root / "s.duckdb"
    _run(
        "simulate",
        "--out",
        str(export),
        "--profile",
        "systematic",
        "--people",
        "15",
        "--days",
        "14",
        "--seed",
        "2",
        "--survey-out",
        str(answers),
    )
    _run("ingest", str(export), "--store", str(store), "--quiet")
    return {"root": root, "answers": answers, "store": store}


@pytest.fixture(scope="module")
def full_report(systematic: dict[str, Path]) -> dict[str, Any]:
    """`assess` with store and survey, writing JSON, HTML and Markdown."""
    root = systematic["root"]
    outputs = {"json": root / "a.json", "html": root / "a.html", "markdown": root / "a.md"}
    _run(
        "assess",
        "--store",
        str(systematic["store"]),
        "--survey",
        str(systematic["answers"]),
        "--json",
        str(outputs["json"]),
        "--html",
        str(outputs["html"]),
        "--markdown",
        str(outputs["markdown"]),
    )
    return {
        "document": json.loads(outputs["json"].read_text()),
        "html": outputs["html"].read_text(),
        "markdown": outputs["markdown"].read_text(),
        "html_path": outputs["html"],
    }


def _passes(value: float, target: dict[str, Any]) -> bool:
    threshold = target["threshold"]
    return {
        ">=": value >= threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        "<": value < threshold,
    }[target["op"]]


def _section_ids(page: str) -> list[str]:
    return re.findall(r'<section class="report-section" id="([^"]+)"', page)


def _escaped(text: str) -> str:
    """`text` as markupsafe writes it into the page."""
    from markupsafe import escape

    return str(escape(text))


# -- HTML ----------------------------------------------------------------------------------------


def test_html_has_the_assessment_and_the_data_sections(full_report: dict[str, Any]) -> None:
    page = full_report["html"]
    ids = _section_ids(page)
    for section_id in (*ASSESSMENT_SECTIONS, *DATA_SECTIONS, "notes"):
        assert section_id in ids, section_id
        assert f'href="#{section_id}"' in page, section_id  # listed in the contents
    # The assessment leads, the evidence figures follow, credits and notes close.
    assert ids.index("levels") < ids.index("roadmap") < ids.index("headline")
    assert ids[-2:] == ["credits", "notes"]
    document = full_report["document"]
    assert document["overall"]["level"] == 2
    for area in document["areas"]:
        assert _escaped(area["name"]) in page
    for action in document["roadmap"]:
        assert f'id="action-{action["id"]}"' in page


def test_html_credits_the_cc_by_models(full_report: dict[str, Any]) -> None:
    page = full_report["html"]
    credits = page[page.index('id="credits"') : page.index('id="notes"')]
    notice = load_framework("five-area").attribution
    assert notice is not None and notice.licence == "CC-BY-4.0"
    assert _escaped(notice.notice) in credits
    assert "CC BY 4.0" in credits


def test_html_shows_cost_and_survey(full_report: dict[str, Any]) -> None:
    page = full_report["html"]
    cost = page[page.index('id="cost"') : page.index('id="survey"')]
    assert "Interruptions in focus time" in cost and "Waiting on requests" in cost
    assert "No focus blocks in the charter" in cost  # the assumption is stated
    survey = page[page.index('id="survey"') : page.index('id="headline"')]
    assert "15 respondents" in survey
    assert "score (0-1)" in survey
    assert "No earlier assessment" in page  # the change section without history


def test_html_is_one_self_contained_well_formed_file(full_report: dict[str, Any]) -> None:
    page = full_report["html"]
    lowered = page.lower()
    for marker in ("<script", "<link", "<img", "@import", "url("):
        assert marker not in lowered, marker
    for attr, value in re.findall(r'\b(src|href|xlink:href)\s*=\s*["\']([^"\']*)', lowered):
        assert value.startswith("#"), f"{attr}={value!r} is not an in-page anchor"
    checker = _BalanceChecker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []


def test_survey_only_assessment_renders_without_the_data_sections(
    systematic: dict[str, Path], tmp_path: Path
) -> None:
    html, markdown = tmp_path / "survey.html", tmp_path / "survey.md"
    result = _run(
        "assess",
        "--survey",
        str(systematic["answers"]),
        "--html",
        str(html),
        "--markdown",
        str(markdown),
    )
    assert "Error" not in result.output
    page = html.read_text()
    ids = _section_ids(page)
    assert [i for i in ids if i in DATA_SECTIONS] == []
    for section_id in ("levels", "roadmap", "criteria", "cost", "survey", "credits"):
        assert section_id in ids, section_id
    assert "no store was assessed" in page.lower()
    checker = _BalanceChecker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    text = markdown.read_text()
    assert "## Coordination cost" not in text and "## Roadmap" in text


def test_the_demo_run_shows_the_principles(full_report: dict[str, Any]) -> None:
    """What `make demo` runs (simulate, ingest, assess with a survey) shows the seven principles in
    the JSON, the Markdown and the HTML."""
    document, text, page = full_report["document"], full_report["markdown"], full_report["html"]
    principles = document["principles"]
    assert len(principles) == 7
    assert "principles" in _section_ids(page) and 'href="#principles"' in page
    for principle in principles:
        assert principle["status"] in ("met", "partly met", "not met", "unknown")
        assert f"### {principle['name']}: {principle['status']}" in text
        assert _escaped(principle["name"]) in page


def test_markdown_has_every_area_and_the_roadmap(full_report: dict[str, Any]) -> None:
    text, document = full_report["markdown"], full_report["document"]
    for area in document["areas"]:
        assert f"\n## {area['name']}\n" in text, area["name"]
    roadmap = text[text.index("\n## Roadmap\n") :]
    assert document["roadmap"], "a level-2 organization has a next level to reach"
    for rank, action in enumerate(document["roadmap"], start=1):
        assert f"{rank}. **{action['title']}**" in roadmap
    assert "## Coordination cost" in text
    assert document["framework"]["attribution"]["notice"] in text


# -- history and follow-up ------------------------------------------------------------------------


def test_history_follows_up_the_previous_roadmap(
    systematic: dict[str, Path], tmp_path: Path
) -> None:
    history = tmp_path / "history"
    first_json, second_json, html = tmp_path / "1.json", tmp_path / "2.json", tmp_path / "2.html"
    store, answers = str(systematic["store"]), str(systematic["answers"])
    common = ["assess", "--store", store, "--survey", answers, "--history", str(history)]
    _run(*common, "--json", str(first_json))
    assert len(list(history.glob("assessment-*.json"))) == 1
    _run(*common, "--json", str(second_json), "--html", str(html))
    assert len(list(history.glob("assessment-*.json"))) == 2
    first, second = json.loads(first_json.read_text()), json.loads(second_json.read_text())

    assert first["follow_up"] == [] and len(first["history"]) == 1
    follow = second["follow_up"]
    assert [f["action"] for f in follow] == [a["id"] for a in first["roadmap"]]
    assert follow, "the first run has a roadmap to follow up"
    scores = {
        item_id: figures["score"]
        for item_id, figures in second["survey"]["organization"]["items"].items()
    }
    for item, action in zip(follow, first["roadmap"], strict=True):
        assert item["target"] == action["target"]
        assert item["before"] == action["baseline"]
        target = item["target"]
        if target and "metric" in target:
            value = second["metrics"][target["metric"]]
            # The same evidence both times: now is the baseline the first roadmap recorded.
            assert item["now"] == value == item["before"]
            if value is None:  # no calendar or tracker evidence for this target
                assert item["status"] == "unknown"
            else:
                assert item["status"] == ("met" if _passes(value, target) else "not met")
        elif target:
            expected = [scores[i] for i in target["survey_items"] if scores.get(i) is not None]
            assert item["now"] == pytest.approx(sum(expected) / len(expected))
            met = item["now"] >= target["min_score"]
            assert item["status"] == ("met" if met else "not met")
        else:
            assert item["status"] == "unknown"
    statuses = {f["status"] for f in follow}
    assert "not met" in statuses and "unknown" in statuses

    points = second["history"]
    assert len(points) == 2
    assert points[0]["generated_at"] == first["generated_at"]
    assert points[0]["areas"] == {a["id"]: a["level"] for a in first["areas"]}
    assert points[1]["stage"] == second["stage"]["level"]

    page = html.read_text()
    change = page[page.index('id="change"') : page.index('id="criteria"')]
    assert "Trend: level per area over time" in change
    assert "Were the previous roadmap&#39;s targets met?" in change
    # The same evidence twice: each principle's row says nothing moved.
    assert "Change per principle" in change
    for principle in second["principles"]:
        assert principle["name"] in change, principle["id"]
    assert change.count("<tr>") >= 1 + len(follow) + 1 + 2  # header, actions, header, points


def test_previous_file_gives_the_follow_up_without_history(
    systematic: dict[str, Path], full_report: dict[str, Any], tmp_path: Path
) -> None:
    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps(full_report["document"]))
    result = _run(
        "assess", "--store", str(systematic["store"]), "--previous", str(earlier), "--json", "-"
    )
    document = json.loads(result.stdout)
    roadmap = full_report["document"]["roadmap"]
    assert [f["action"] for f in document["follow_up"]] == [a["id"] for a in roadmap]
    # Without a survey this time, survey targets cannot be checked.
    for item in document["follow_up"]:
        if item["target"] and "survey_items" in item["target"]:
            assert (item["status"], item["now"]) == ("unknown", None)
    assert len(document["history"]) == 1


def test_previous_that_is_not_an_assessment_is_one_error_line(
    systematic: dict[str, Path], tmp_path: Path
) -> None:
    earlier = tmp_path / "earlier.json"
    earlier.write_text('{"kind": "asyncmaturity.metrics"}')
    result = runner.invoke(
        app, ["assess", "--store", str(systematic["store"]), "--previous", str(earlier)]
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {earlier}: not an assessment")


# -- real browser ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_assessment_page_renders_in_chromium(full_report: dict[str, Any]) -> None:
    def check(page: Any) -> None:
        toc = page.locator("nav.toc").inner_text()
        assert "Maturity levels" in toc and "Roadmap to the next level" in toc
        chart = page.locator("#levels svg")
        assert chart.count() == 1
        assert "Level per area" in chart.locator("title").first.text_content()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
        assert page.locator("#roadmap li.action").count() == len(full_report["document"]["roadmap"])

    assert _open_offline(full_report["html_path"], check) == []
