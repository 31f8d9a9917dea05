"""The typed assessment document: written and read back without loss, and format version 1 files
(written by earlier commits, tests/fixtures/assessment) still read, compare and feed a history."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from asyncmaturity.assess.document import FORMAT_VERSION, AssessmentDocument, read_assessment
from asyncmaturity.cli import app
from asyncmaturity.errors import InvalidAssessment
from asyncmaturity.metrics.cost import CostAssumptions
from asyncmaturity.pipeline import AssessmentRequest, run_assessment
from asyncmaturity.simulate.export import simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.ingest import ingest
from tests.stores import simulated_store

VERSION_1 = Path(__file__).parent / "fixtures" / "assessment"
COMMITS = ("f2bd3f5", "63a0d33")
runner = CliRunner()


def _unpacked(name: str, folder: Path) -> Path:
    """The fixture `name` (gzip) as a plain JSON file in `folder`."""
    target = folder / name.removesuffix(".gz")
    with gzip.open(VERSION_1 / name, "rb") as packed, target.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    return target


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("document")
    return simulated_store(folder, SimulationParams(people=12, days=14, seed=8))


def test_a_document_reads_back_without_loss(store: Path, tmp_path: Path) -> None:
    document = run_assessment(AssessmentRequest(store=store, figures=False)).document
    assert document.format_version == FORMAT_VERSION == 2
    path = tmp_path / "a.json"
    path.write_text(document.dumps(), encoding="utf-8")
    again = read_assessment(path)
    assert again == document
    assert again.dumps() == document.dumps()
    # Counts stay integers and shares floats through the file.
    assert isinstance(again.metrics["messages.human"], int)
    assert isinstance(again.metrics["hours.after_hours_share"], float)


@pytest.mark.parametrize("commit", COMMITS)
def test_a_version_1_file_is_read_whole(commit: str, tmp_path: Path) -> None:
    path = _unpacked(f"v1_written_by_{commit}.json.gz", tmp_path)
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    document = read_assessment(path)
    assert document.format_version == 1
    assert document.roadmap and document.follow_up and document.bootstrap.metrics
    written = document.to_json()
    # Nothing of the file is lost. What later versions added reads as empty: the earliest files
    # lack the frameworks' dimensions; every version 1 file lacks what the exports can see, the
    # unknown metrics' reasons, the assumptions, the working norms, the active person-weeks
    # of the cost, the count of criteria that do not apply, the activity map, the Coordination
    # Stack and the business guide's metrics.
    for framework in ("framework", "stage_framework"):
        raw[framework].setdefault("dimensions", [])
    raw.setdefault("visibility", {})
    raw.setdefault("unknown", {})
    raw.setdefault("assumptions", [])
    raw.setdefault("working_norms", None)
    raw.setdefault("principles", [])
    raw.setdefault("activities", [])
    raw.setdefault("coordination_stack", [])
    raw.setdefault("business_metrics", [])
    raw["cost"].setdefault("person_weeks", 0)
    raw["coverage"].setdefault("not_applicable", 0)
    # Version 1 costed group DMs at the default the cost assumptions now name.
    raw["cost"]["assumptions"].setdefault(
        "group_dm_recipients", CostAssumptions().group_dm_recipients
    )
    for _, _, criterion in read_assessment(path).criteria():
        assert criterion.metric is None or criterion.metric.reason is None
    assert _without_later_keys(written) == raw


def _without_later_keys(document: Any) -> Any:
    """`document` without what version 1 criteria and roadmap actions lack: the metric's `reason`
    (always null), the criterion's `assumed` and the action's `needs_evidence` and `assumes`
    (always empty)."""
    if isinstance(document, dict):
        return {
            k: _without_later_keys(v)
            for k, v in document.items()
            if not (k == "reason" and v is None and "threshold" in document)
            and not (k == "assumed" and v == [] and "rationale" in document)
            and not (k in ("needs_evidence", "assumes") and not v and "quadrant" in document)
        }
    if isinstance(document, list):
        return [_without_later_keys(v) for v in document]
    return document


@pytest.mark.parametrize("commit", COMMITS)
def test_compare_and_follow_up_read_version_1(commit: str, store: Path, tmp_path: Path) -> None:
    before = _unpacked(f"v1_before_written_by_{commit}.json.gz", tmp_path)
    after = _unpacked(f"v1_written_by_{commit}.json.gz", tmp_path)
    result = runner.invoke(app, ["compare", str(before), str(after), "--json", "-"])
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.stdout)
    assert comparison["kind"] == "asyncmaturity.comparison" and comparison["metrics"]
    # A version 2 assessment checks a version 1 roadmap and trends after a version 1 history.
    history = tmp_path / "history"
    history.mkdir()
    shutil.copy(after, history / "assessment-20260101T000000000000Z.json")
    out = tmp_path / "now.json"
    result = runner.invoke(
        app,
        ["assess", "--store", str(store), "--history", str(history), "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    now = read_assessment(out)
    earlier = read_assessment(after)
    assert [f.action for f in now.follow_up] == [a.id for a in earlier.roadmap]
    assert [point.generated_at for point in now.history[:-1]] == [earlier.generated_at]
    assert len(list(history.glob("assessment-*.json"))) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": 3}, "format version 3"),
        ({"kind": "asyncmaturity.comparison"}, "not an assessment"),
        ({"areas": "none"}, "field areas"),
    ],
)
def test_a_document_of_another_shape_is_refused(
    change: dict[str, Any], message: str, tmp_path: Path
) -> None:
    raw = json.loads(_unpacked("v1_written_by_63a0d33.json.gz", tmp_path).read_text("utf-8"))
    with pytest.raises(InvalidAssessment, match=message):
        AssessmentDocument.from_json({**raw, **change}, origin="kept.json")


def test_a_chat_only_roadmap_says_which_export_measures_its_last_actions(tmp_path: Path) -> None:
    # Few record links: documentation misses level 2, whose actions include a central tracker,
    # checked by work.owner_share, which a Slack export alone cannot measure.
    params = SimulationParams(people=12, days=14, seed=8, record_link_share=0.05)
    simulate_slack_export(tmp_path / "export", params)
    ingest([tmp_path / "export"], store=tmp_path / "s.duckdb")
    outcome = run_assessment(AssessmentRequest(store=tmp_path / "s.duckdb", figures=False))
    roadmap = outcome.document.roadmap
    unmeasured = [a for a in roadmap if a.needs_evidence]
    assert unmeasured, "a chat-only store leaves some target unmeasured"
    # Last in the ranking, each with its export named, in every output.
    assert roadmap[-len(unmeasured) :] == unmeasured
    markdown, html = outcome.markdown(), outcome.html()
    for action in unmeasured:
        assert action.baseline is None and action.needs_evidence
        assert f"Not measurable yet: {action.needs_evidence}." in markdown
        assert action.needs_evidence.replace("`", "") in html.replace("<code>", "")
    tracker = next(a for a in roadmap if a.id == "central-tracker")
    assert tracker.needs_evidence is not None
    assert tracker.needs_evidence.startswith("add the tracker export (")
    again = AssessmentDocument.from_json(json.loads(outcome.document.dumps()))
    assert [a.needs_evidence for a in again.roadmap] == [a.needs_evidence for a in roadmap]
