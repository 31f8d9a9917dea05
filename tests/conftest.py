"""Shared fixtures: quirk-named Slack exports on disk and the real exports in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# pytest-xdist's workers inherit COLUMNS=80, and the CLI's Rich consoles, made when the CLI is
# imported, would keep that width for good; the tests that read a listing give their own width
# to each command instead.
os.environ.pop("COLUMNS", None)

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def slack_fixture() -> object:
    """Path of a quirk-named Slack export fixture: ``slack_fixture("record_without_ts")``."""

    def path(name: str) -> Path:
        found = FIXTURES / "slack" / name
        assert found.is_dir(), found
        return found

    return path


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a clean skip where it is absent (a user's fresh clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
