"""Calibration: organizations simulated at each maturity profile are placed where they were planted.

Each profile is simulated (chat export and survey answers), ingested and assessed three ways:
from data only (the areas chat can evidence: documentation, decision making, leadership and
culture; the others must be unknown, not guessed), from data and survey (all five areas), and
from the survey only (all five areas).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.simulate.profiles import PROFILES
from tests.assessing import assessed

runner = CliRunner()
CHAT_AREAS = ("documentation", "decision-making", "leadership-culture")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Store and survey answers of every profile (30 people, 4 weeks)."""
    root = tmp_path_factory.mktemp("profiles")
    made = {}
    for name in PROFILES:
        export, store, answers = root / name, root / f"{name}.duckdb", root / f"{name}.csv"
        result = runner.invoke(
            app,
            [
                "simulate",
                "--out",
                str(export),
                "--people",
                "30",
                "--days",
                "28",
                "--seed",
                "3",
                "--profile",
                name,
                "--survey-out",
                str(answers),
            ],
        )
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["ingest", str(export), "--store", str(store)])
        assert result.exit_code == 0, result.output
        made[name] = (store, answers)
    return made


def _levels(document: dict[str, Any]) -> dict[str, int | None]:
    return {area["id"]: area["level"] for area in document["areas"]}


@pytest.mark.parametrize("name", list(PROFILES))
def test_data_only_places_chat_areas_at_the_planted_level(
    simulated: dict[str, tuple[Path, Path]], name: str
) -> None:
    store, _ = simulated[name]
    planted = PROFILES[name].level
    document = assessed(store=store)
    levels = _levels(document)
    assert {a: levels[a] for a in CHAT_AREAS} == {a: planted for a in CHAT_AREAS}
    assert levels["work-tracking"] is None and levels["meetings"] is None
    assert document["stage"]["level"] == planted + 1  # chaotic 1 .. optimized 4


@pytest.mark.parametrize("name", list(PROFILES))
def test_data_and_survey_place_every_area_at_the_planted_level(
    simulated: dict[str, tuple[Path, Path]], name: str, tmp_path: Path
) -> None:
    store, answers = simulated[name]
    planted = PROFILES[name].level
    out = tmp_path / "a.json"
    result = runner.invoke(
        app, ["assess", "--store", str(store), "--survey", str(answers), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert set(_levels(document).values()) == {planted}
    assert document["overall"]["level"] == planted
    assert document["stage"]["level"] == planted + 1
    assert document["coverage"]["from_survey"] > 0 and document["coverage"]["from_data"] > 0


@pytest.mark.parametrize("name", list(PROFILES))
def test_survey_only_places_every_area_at_the_planted_level(
    simulated: dict[str, tuple[Path, Path]], name: str
) -> None:
    _, answers = simulated[name]
    planted = PROFILES[name].level
    document = assessed(survey=answers)
    assert set(_levels(document).values()) == {planted}
    assert document["coverage"]["from_data"] == 0
    assert document["cost"] is None and document["metrics"] == {}
