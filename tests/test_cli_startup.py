"""The command line starts light: `lint`, `--help` and `--version` import none of the data libraries
that only the evidence commands use (chat hooks run `lint` once per message)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

HEAVY = ("duckdb", "ibis", "pandas", "pyarrow")
# Runs the installed command line as `python -m asyncmaturity ARGS...` does, then reports which of
# the heavy libraries the process imported.
PROBE = f"""
import runpy, sys
sys.argv = ["asyncmaturity", *sys.argv[1:]]
try:
    runpy.run_module("asyncmaturity", run_name="__main__", alter_sys=True)
except SystemExit as stopped:
    status = stopped.code
else:
    status = 0
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))
print("PROBE " + __import__("json").dumps({{"status": status, "loaded": loaded}}))
"""


def _run(*args: str, stdin: str = "") -> dict[str, Any]:
    """The exit status of `asyncmaturity ARGS...` in a fresh interpreter, and what it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("PROBE "))
    result: dict[str, Any] = json.loads(line.removeprefix("PROBE "))
    return result


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["lint", "@dana can you review the PR by Friday? https://example.org/pr/1"], 0),
        (["lint", "Can you review this?"], 1),
        (["lint", "--json", "--sent-at", "2026-03-02T09:00", "review the doc by EOD"], 1),
        (["lint", "just an update"], 0),
        (["lint", "x", "--timezone", "Nowhere/Else"], 2),
        (["--help"], 0),
        (["lint", "--help"], 0),
        (["--version"], 0),
    ],
)
def test_lint_help_and_version_import_no_data_library(args: list[str], status: int) -> None:
    assert _run(*args) == {"status": status, "loaded": []}


def test_lint_from_stdin_imports_no_data_library() -> None:
    assert _run("lint", "-", stdin="@bob please approve the budget by EOD") == {
        "status": 1,
        "loaded": [],
    }


def test_the_probe_sees_a_command_that_loads_the_data_libraries() -> None:
    # `metrics` lists the metric registry, whose frames are Ibis expressions: were the probe blind,
    # the tests above would pass for nothing.
    result = _run("metrics")
    assert result["status"] == 0 and "ibis" in result["loaded"]


def test_the_root_app_stays_the_packages_app_when_a_command_loads() -> None:
    # Commands load late now, and the first import of the submodule `cli.app` would rebind the
    # package's `app` to that module; `from asyncmaturity.cli import app` must stay the Typer app.
    code = (
        "import typer, asyncmaturity.cli as cli, asyncmaturity.cli.lint; "
        "print(isinstance(cli.app, typer.Typer))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
