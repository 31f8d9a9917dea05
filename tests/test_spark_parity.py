"""Every registered metric, and the assessment and report built on them, on Apache Spark (local
mode) equal DuckDB's, over the same evidence.

Slow (a JVM and many small Spark jobs, about two minutes), and run in CI: `make test` installs
the ``spark`` extra. Skipped only where PySpark or Java is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import asyncmaturity.__main__ as entry_point
from asyncmaturity.cli import app
from asyncmaturity.metrics.measure import measure
from asyncmaturity.pipeline import AssessmentRequest, run_assessment
from asyncmaturity.store.export import export_parquet
from asyncmaturity.store.ingest import ingest
from tests.evidence_mix import Mix, assessment_differences, build_mix, differences

pytest.importorskip("pyspark", reason="the spark extra is not installed")
if shutil.which("java") is None:
    pytest.skip("Java (17) is not installed", allow_module_level=True)

pytestmark = pytest.mark.slow
runner = CliRunner()
LOCAL = "local[2]"


@pytest.fixture(scope="module")
def mix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mix]:
    yield build_mix(tmp_path_factory.mktemp("mix"))


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small chat-only store and its export: quick to run a second time."""
    folder = tmp_path_factory.mktemp("chat")
    store = folder / "chat.duckdb"
    ingest([Path(__file__).parent / "fixtures" / "slack" / "thread_across_dst_change"], store=store)
    export_parquet(store, folder / "parquet")
    return store, folder / "parquet"


def test_every_metric_and_the_assessment_are_identical_on_spark(mix: Mix) -> None:
    """Every metric and scope; then the assessment built on them: levels, criterion statuses and
    values, roadmap, cost, and bootstrap replicates (hence intervals) from the same seed; and the
    report's distributions. One Spark run measures and assesses, as `assess` does."""
    reference = run_assessment(AssessmentRequest(store=mix.store, charter=mix.charter))
    on_spark = run_assessment(
        AssessmentRequest(
            store=mix.parquet,
            charter=mix.charter,
            secret=mix.secret,
            engine="spark",
            spark_master=LOCAL,
        )
    )
    assert reference.measurement is not None and on_spark.measurement is not None
    measured, measured_on_spark = reference.measurement.to_json(), on_spark.measurement.to_json()
    assert [k for k, v in measured["metrics"].items() if v is None] == []
    assert differences(measured, measured_on_spark) == []
    assert measured_on_spark["store"]["counts"] == measured["store"]["counts"]
    expected = reference.document
    assert expected.bootstrap.metrics and expected.cost is not None and expected.roadmap
    assert assessment_differences(expected.to_json(), on_spark.document.to_json()) == []
    assert on_spark.report.first_reply_distribution == reference.report.first_reply_distribution
    assert on_spark.report.hour_of_week == reference.report.hour_of_week
    assert on_spark.report.sources == reference.report.sources


def test_the_cli_assesses_and_reports_on_spark(chat: tuple[Path, Path], tmp_path: Path) -> None:
    store, parquet = chat
    spark = ("--engine", "spark", "--spark-master", LOCAL, "--store", str(parquet))
    result = runner.invoke(app, ["assess", *spark, "--json", "-"])
    assert result.exit_code == 0, result.stderr
    expected = runner.invoke(app, ["assess", "--store", str(store), "--json", "-"])
    assert assessment_differences(json.loads(expected.stdout), json.loads(result.stdout)) == []
    html = tmp_path / "report.html"
    result = runner.invoke(app, ["report", *spark, "--html", str(html)])
    assert result.exit_code == 0, result.stderr
    assert "Time to first reply" in html.read_text(encoding="utf-8")


def test_the_cli_runs_measure_on_spark(chat: tuple[Path, Path]) -> None:
    store, parquet = chat
    result = runner.invoke(
        app,
        [
            *("measure", "--engine", "spark", "--spark-master", LOCAL),
            *("--store", str(parquet), "--json", "-"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert differences(measure(store=store).to_json(), json.loads(result.stdout)) == []


def test_spark_submit_runs_the_same_command_line(chat: tuple[Path, Path], tmp_path: Path) -> None:
    """What docs/spark.md tells a cluster user to run, with a local master instead of a cluster."""
    store, parquet = chat
    submit = Path(sys.executable).parent / "spark-submit"
    out = tmp_path / "metrics.json"
    environment: dict[str, Any] = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
    }
    completed = subprocess.run(
        [
            *(str(submit), "--master", "local[1]", "--conf", "spark.sql.shuffle.partitions=1"),
            *(str(entry_point.__file__), "measure", "--engine", "spark"),
            *("--store", str(parquet), "--json", str(out)),
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert differences(measure(store=store).to_json(), json.loads(out.read_text())) == []
