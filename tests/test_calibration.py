"""Calibration: organizations simulated at each maturity profile are placed where they were planted.

Each profile is simulated with its chat, calendar and tracker (``--meetings --work-items``) and
its survey answers at two seeds: one as export files ingested into a store, the other as Parquet
written directly. Each is measured once and assessed from data alone and from data and survey:
every one of the five areas must be at the planted level and the WMI stage at the planted one.
The survey alone places every area at the planted level too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from asyncmaturity.assess import assess
from asyncmaturity.cli import app
from asyncmaturity.metrics.measure import MeasureResult, measure
from asyncmaturity.simulate.profiles import PROFILES

runner = CliRunner()
PEOPLE, DAYS = 16, 60
# One seed through the export files and ingest, the other through the direct Parquet writer.
SEEDS = {3: "exports", 4: "parquet"}
STAGES = {"chaotic": 1, "reactive": 2, "systematic": 3, "optimized": 4}
CASES = [(name, seed) for name in PROFILES for seed in SEEDS]
Simulated = dict[tuple[str, int], tuple[MeasureResult, Path]]


def _simulate(root: Path, name: str, seed: int) -> tuple[Path, Path]:
    """The evidence (a store, or a Parquet folder) and the survey answers of one run."""
    case, answers = root / f"{name}-{seed}", root / f"{name}-{seed}.csv"
    common = ["--people", str(PEOPLE), "--days", str(DAYS), "--seed", str(seed)]
    common += ["--profile", name, "--meetings", "--work-items", "--survey-out", str(answers)]
    if SEEDS[seed] == "parquet":
        result = runner.invoke(app, ["simulate", "--parquet", str(case), *common])
        assert result.exit_code == 0, result.output
        return case, answers
    result = runner.invoke(app, ["simulate", "--out", str(case), *common])
    assert result.exit_code == 0, result.output
    store = root / f"{name}-{seed}.duckdb"
    exports = [str(case / part) for part in ("slack", "calendar.ics", "github")]
    result = runner.invoke(app, ["ingest", *exports, "--store", str(store), "--quiet"])
    assert result.exit_code == 0, result.output
    return store, answers


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Simulated:
    """The measurement and survey answers of every profile at every seed (16 people, 60 days)."""
    root = tmp_path_factory.mktemp("profiles")
    made = {}
    for name, seed in CASES:
        evidence, answers = _simulate(root, name, seed)
        made[(name, seed)] = (measure(store=evidence), answers)
    return made


def _placed(document: dict[str, Any]) -> tuple[dict[str, int | None], int | None]:
    return {a["id"]: a["level"] for a in document["areas"]}, document["stage"]["level"]


def _why(document: dict[str, Any]) -> list[str]:
    """Every criterion of the areas with its status and value, for a failing assertion."""
    return [
        f"{c['id']}: {c['status']} ({(c.get('metric') or {}).get('value')})"
        for area in document["areas"]
        for level in area["levels"]
        for c in level["criteria"]
    ]


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_data_alone_places_every_area_and_the_stage(
    simulated: Simulated, name: str, seed: int
) -> None:
    measurement, _ = simulated[(name, seed)]
    document = assess(measurement).document().to_json()
    levels, stage = _placed(document)
    assert levels == dict.fromkeys(levels, PROFILES[name].level), _why(document)
    assert len(levels) == 5
    assert stage == STAGES[name], document["stage"]
    assert document["coverage"]["from_survey"] == 0


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_data_and_survey_place_every_area_and_the_stage(
    simulated: Simulated, name: str, seed: int
) -> None:
    measurement, answers = simulated[(name, seed)]
    document = assess(measurement, answers).document().to_json()
    levels, stage = _placed(document)
    assert levels == dict.fromkeys(levels, PROFILES[name].level), _why(document)
    assert document["overall"]["level"] == PROFILES[name].level
    assert stage == STAGES[name], document["stage"]
    assert document["coverage"]["from_survey"] > 0 and document["coverage"]["from_data"] > 0


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_survey_alone_places_every_area_at_the_planted_level(
    simulated: Simulated, name: str, seed: int
) -> None:
    _, answers = simulated[(name, seed)]
    document = assess(survey=answers).document().to_json()
    levels, _ = _placed(document)
    assert levels == dict.fromkeys(levels, PROFILES[name].level)
    assert document["coverage"]["from_data"] == 0
    assert document["cost"] is None and document["metrics"] == {}
