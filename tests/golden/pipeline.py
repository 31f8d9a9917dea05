"""The golden pipelines: the demo organization and the real Houston Slack export, through the CLI.

Each pipeline writes the metrics JSON (`measure --json`) and the assessment JSON (`assess
--json`) of one organization. :mod:`tests.test_golden` compares them with the files kept beside
this module. They were written by the code before the restructuring of issue 13 and rewritten
only for the changes of figures issue 14 intends (unknown where an export cannot see, stated
assumptions, detected norms); regenerate them only when a change of figures is intended::

    .venv/bin/python -m tests.golden.pipeline --write
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from asyncmaturity.cli import app

HERE = Path(__file__).parent
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
HOUSTON = SHARED_DATA / "slack-houston-2016"
# The demo organization of `make demo`.
DEMO_SIMULATION = ["--people", "40", "--days", "60", "--seed", "7", "--profile", "reactive"]


def _run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def demo_documents(work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Metrics and assessment JSON of the demo organization (simulated, with survey answers)."""
    export, survey, store = work / "export", work / "survey.csv", work / "store.duckdb"
    _run("simulate", "--out", str(export), *DEMO_SIMULATION, "--survey-out", str(survey))
    _run("ingest", str(export), "--store", str(store), "--quiet")
    return _measure_and_assess(store, work, "--survey", str(survey))


def houston_documents(work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Metrics and assessment JSON of ../shared/data/slack-houston-2016 (no charter, no survey)."""
    store = work / "houston.duckdb"
    _run("ingest", str(HOUSTON), "--store", str(store), "--quiet")
    return _measure_and_assess(store, work)


def _measure_and_assess(
    store: Path, work: Path, *assess_options: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    metrics, assessment = work / "metrics.json", work / "assessment.json"
    _run("measure", "--store", str(store), "--json", str(metrics))
    _run("assess", "--store", str(store), *assess_options, "--json", str(assessment))
    return _read(metrics), _read(assessment)


PIPELINES = {"demo": demo_documents, "houston": houston_documents}


WORK = "<work>"


def without_work_folder(document: Any, work: Path) -> Any:
    """`document` with the run's working folder written as ``<work>`` in every string."""
    if isinstance(document, dict):
        return {k: without_work_folder(v, work) for k, v in document.items()}
    if isinstance(document, list):
        return [without_work_folder(v, work) for v in document]
    if isinstance(document, str):
        return document.replace(str(work), WORK)
    return document


def golden_path(name: str, kind: str) -> Path:
    """The kept document `kind` (metrics or assessment) of pipeline `name`."""
    return HERE / f"{name}-{kind}.json"


def write_golden() -> None:
    """Run every pipeline and keep its documents beside this module."""
    for name, pipeline in PIPELINES.items():
        with tempfile.TemporaryDirectory() as work:
            metrics, assessment = pipeline(Path(work))
            for kind, document in (("metrics", metrics), ("assessment", assessment)):
                kept = without_work_folder(document, Path(work))
                golden_path(name, kind).write_text(
                    json.dumps(kept, indent=1, sort_keys=True) + "\n", encoding="utf-8"
                )


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.golden.pipeline --write")
    write_golden()
