"""The benchmarks' draw scripts read their command line as it is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
DRAWS = ["await_real_sample.py", "await_tracker_sample.py", "await_windows_sample.py"]


@pytest.mark.parametrize("script", DRAWS)
def test_a_draw_answers_help_with_its_usage_and_writes_nothing(script: str, tmp_path: Path) -> None:
    # A draw writes real texts (for labelling outside the repository): `--help` once wrote
    # them to a file of that name, in the folder it was run from.
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {script}") and "OUT.jsonl" in done.stdout
    assert list(tmp_path.iterdir()) == []
