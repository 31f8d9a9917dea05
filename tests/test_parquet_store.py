"""measure over a Parquet export (DuckDB engine): the same figures as over the store it came from.

A Parquet export carries no secret, so a charter that names people needs the one `export
--secret-file` wrote; Spark reads exports only; the secret file is owner-only and never part of
the export.
"""

from __future__ import annotations

import json
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.metrics.measure import measure
from asyncmaturity.pipeline import AssessmentOutcome, AssessmentRequest, run_assessment
from asyncmaturity.store.evidence import SECRET_VARIABLE
from asyncmaturity.store.export import export_parquet
from asyncmaturity.store.ingest import ingest
from tests.evidence_mix import Mix, assessment_differences, build_mix, differences

runner = CliRunner()


@pytest.fixture(scope="module")
def mix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mix]:
    yield build_mix(tmp_path_factory.mktemp("mix"))


@pytest.fixture(autouse=True)
def no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)


def _charter_file(mix: Mix, folder: Path) -> Path:
    path = folder / "charter.yaml"
    # Only the fields the mix's charter sets: a field written out is a norm the team chose
    # (record systems listed, say, are no longer detected), so the file must be that charter.
    chosen = mix.charter.model_dump(mode="json", exclude_unset=True)
    path.write_text(yaml.safe_dump(chosen), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(mix: Mix) -> AssessmentOutcome:
    """The mix's assessment from its store file, for the export to equal."""
    return run_assessment(AssessmentRequest(store=mix.store, charter=mix.charter))


def test_every_metric_and_the_assessment_of_a_parquet_export_equal_the_store(
    mix: Mix, reference: AssessmentOutcome
) -> None:
    """Every metric and scope; levels, criteria, roadmap, cost, bootstrap replicates; the
    report's figures and text."""
    found = run_assessment(
        AssessmentRequest(store=mix.parquet, charter=mix.charter, secret=mix.secret)
    )
    assert reference.measurement is not None and found.measurement is not None
    measured, measured_export = reference.measurement.to_json(), found.measurement.to_json()
    # The mix and its charter give every registered metric a value, so none is compared vacuously.
    assert [k for k, v in measured["metrics"].items() if v is None] == []
    assert differences(measured, measured_export) == []
    assert measured_export["store"]["counts"] == measured["store"]["counts"]
    assert reference.document.bootstrap.metrics  # replicates were drawn and compared
    assert reference.document.cost is not None
    assert assessment_differences(reference.document.to_json(), found.document.to_json()) == []
    assert found.report.first_reply_distribution == reference.report.first_reply_distribution
    assert found.report.hour_of_week == reference.report.hour_of_week
    assert found.report.sources == reference.report.sources
    # The same text but for when it was generated.
    assert found.markdown().splitlines()[3:] == reference.markdown().splitlines()[3:]


def test_assess_and_report_commands_read_a_parquet_export(
    mix: Mix, reference: AssessmentOutcome, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text(mix.secret, encoding="utf-8")
    options = ["--charter", str(_charter_file(mix, tmp_path)), "--secret-file", str(secret)]
    from_export = runner.invoke(
        app, ["assess", "--store", str(mix.parquet), *options, "--json", "-"]
    )
    assert from_export.exit_code == 0, from_export.output
    found = json.loads(from_export.stdout)
    assert assessment_differences(reference.document.to_json(), found) == []
    assert found["store"] == str(mix.parquet)
    html = tmp_path / "report.html"
    result = runner.invoke(
        app, ["report", "--store", str(mix.parquet), *options, "--html", str(html)]
    )
    assert result.exit_code == 0, result.output
    assert "Time to first reply" in html.read_text(encoding="utf-8")


def test_an_export_without_calendar_or_tracker_tables_reads_them_as_empty(
    tmp_path: Path, slack_fixture: Any
) -> None:
    store = tmp_path / "chat.duckdb"
    ingest([slack_fixture("reply_by_root_author")], store=store)
    folder = tmp_path / "chat-parquet"
    summary = export_parquet(store, folder)
    assert summary.rows["meetings"] == 0 and not (folder / "meetings").exists()
    reference = measure(store=store).to_json()
    found = measure(store=folder).to_json()
    assert differences(reference, found) == []
    assert found["metrics"]["meetings.instances"] is None


def test_a_charter_naming_people_needs_the_exported_secret(mix: Mix, tmp_path: Path) -> None:
    charter = _charter_file(mix, tmp_path)
    base = ["measure", "--store", str(mix.parquet), "--charter", str(charter), "--json", "-"]
    refused = runner.invoke(app, base)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: ") and SECRET_VARIABLE in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    secret_file = tmp_path / "secret"
    secret_file.write_text(mix.secret + "\n", encoding="utf-8")
    accepted = runner.invoke(app, [*base, "--secret-file", str(secret_file)])
    assert accepted.exit_code == 0, accepted.stderr
    reference = measure(store=mix.store, charter=mix.charter).to_json()
    assert differences(reference, json.loads(accepted.stdout)) == []


def test_the_secret_can_come_from_the_environment(
    mix: Mix, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, mix.secret)
    found = measure(store=mix.parquet, charter=mix.charter).to_json()
    assert differences(measure(store=mix.store, charter=mix.charter).to_json(), found) == []


def test_spark_reads_parquet_exports_only(mix: Mix) -> None:
    result = runner.invoke(app, ["measure", "--engine", "spark", "--store", str(mix.store)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "export --store" in result.stderr


def test_an_unknown_engine_is_refused(mix: Mix) -> None:
    result = runner.invoke(app, ["measure", "--engine", "polars", "--store", str(mix.parquet)])
    assert result.exit_code == 2
    assert "--engine" in result.output + result.stderr


def test_a_folder_that_is_no_export_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["measure", "--store", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "not a Parquet export" in result.stderr


def test_the_secret_file_is_owner_only_and_never_inside_the_export(
    mix: Mix, tmp_path: Path
) -> None:
    inside = runner.invoke(
        app,
        [
            "export",
            "--store",
            str(mix.store),
            "--parquet",
            str(tmp_path / "out"),
            "--secret-file",
            str(tmp_path / "out" / "secret"),
        ],
    )
    assert inside.exit_code == 1 and inside.stderr.startswith("Error: ")
    assert not (tmp_path / "out").exists()
    secret = tmp_path / "keys" / "secret"
    written = runner.invoke(
        app,
        [
            "export",
            "--store",
            str(mix.store),
            "--parquet",
            str(tmp_path / "out"),
            "--secret-file",
            str(secret),
        ],
    )
    assert written.exit_code == 0, written.stderr
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.read_text(encoding="utf-8").strip() == mix.secret
    assert mix.secret not in "".join(
        p.read_bytes().decode("latin-1") for p in (tmp_path / "out").rglob("*") if p.is_file()
    )


def test_measure_leaves_no_frames_behind(
    mix: Mix, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frames' throwaway database lives in the temporary folder and goes with the result."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    measure(store=mix.parquet, charter=mix.charter, secret=mix.secret)
    assert list(scratch.iterdir()) == []
    assert not (Path.cwd() / ".tmp").exists()
