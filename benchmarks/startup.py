"""Benchmark section for issue 19: a cold `lint TEXT` and `--help`, as whole processes.

Chat hooks and pre-send checks start `asyncmaturity lint` once per message, so what counts is the
whole process, from the interpreter's start to its exit, imports included. Each command runs as
`python -m asyncmaturity ...` in a fresh process, this checkout's and an earlier commit's (its
`src` from `git archive`, the same installed dependencies) in turn, and the report gives medians
and the ratio of each pair's seconds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pipeline  # benchmarks/pipeline.py, beside this script: baseline_source

# The last commit before the commands were loaded lazily (issue 19).
BASELINE_COMMIT = "0aaea5c"
TARGET_SECONDS = 0.25
DRAFT = "@dana could you review the rollout plan by Friday 3pm? https://example.org/plan"
COMMANDS = {
    "lint": ["lint", DRAFT],
    "help": ["--help"],
}
# How the table and the targets name each command.
NAMES = {"lint": "lint TEXT", "help": "--help"}

METHOD = (
    "* **Cold start** (`benchmarks/startup.py`): each command is one whole process, "
    "`python -m asyncmaturity ...` from the interpreter's start to its exit (output to "
    f"/dev/null), TEXT being `{DRAFT}`; this checkout and the earlier commit (its `src` from "
    "`git archive` into `benchmarks/work/commits/`, first on `PYTHONPATH`, the same installed "
    "dependencies) run in turn, one pair per round after one unrecorded warm-up pair, so both "
    "meet the same warm file cache. Seconds are wall-clock; CPU is the child's user + system "
    "time (`os.wait4`), which noise from other processes moves less; the ratio is the median of "
    "each pair's ratio."
)


def run_whole(args: list[str], *, source: Path | None = None) -> dict[str, Any]:
    """`python -m asyncmaturity ARGS...` as one fresh process: its wall and CPU seconds."""
    environment = dict(os.environ)
    if source is not None:
        # Ahead of the editable install's path entry, so that tree's package is the one imported.
        environment["PYTHONPATH"] = str(source)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "asyncmaturity", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    # wait4 rather than wait: the child's own CPU time, not all children's. (Its peak memory is
    # not reported: a child started by fork counts the parent's pages until it execs.)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "status": child.returncode,
    }


def bench_startup(
    report: Any,
    *,
    workdir: Path,
    baseline: str,
    runs: int,
    reproduce: str,
) -> None:
    """Time a cold `lint` and `--help` of this checkout against `baseline`'s, pair by pair."""
    source = pipeline.baseline_source(workdir, baseline)
    current: dict[str, list[dict[str, Any]]] = {kind: [] for kind in COMMANDS}
    earlier: dict[str, list[dict[str, Any]]] = {kind: [] for kind in COMMANDS}
    for kind, args in COMMANDS.items():
        now, before = current[kind], earlier[kind]
        run_whole(args)
        run_whole(args, source=source)
        for round_ in range(runs):
            # Alternate which goes first, so neither always follows the other's process.
            pair = [(now, None), (before, source)]
            for into, tree in pair if round_ % 2 == 0 else reversed(pair):
                into.append(run_whole(args, source=tree))
        statuses = {r["status"] for r in now} | {r["status"] for r in before}
        print(
            f"startup {kind}: now {_ms(_median(now, 'seconds'))}, at {baseline} "
            f"{_ms(_median(before, 'seconds'))} (exit {sorted(statuses)})",
            flush=True,
        )
    rows = []
    for kind in COMMANDS:
        now, before = current[kind], earlier[kind]
        ratio = statistics.median(
            a["seconds"] / b["seconds"] for a, b in zip(now, before, strict=True)
        )
        for label, results, comparison in (
            (f"asyncmaturity {NAMES[kind]} (this checkout)", now, f"{ratio:.2f}x"),
            (f"asyncmaturity {NAMES[kind]} (commit {baseline})", before, "1.00x"),
        ):
            rows.append(
                [
                    label,
                    _ms(_median(results, "seconds")),
                    f"{_ms(min(r['seconds'] for r in results))} - "
                    f"{_ms(max(r['seconds'] for r in results))}",
                    _ms(_median(results, "cpu")),
                    comparison,
                ]
            )
        median = _median(now, "seconds")
        report.target(
            f"a cold `{NAMES[kind]}` in <= {TARGET_SECONDS:g} s as a whole process",
            median <= TARGET_SECONDS,
            f"{_ms(median)} median of {runs} ({ratio:.2f}x commit {baseline}'s "
            f"{_ms(_median(before, 'seconds'))})",
        )
    report.table(
        f"Cold start: whole processes, this checkout against commit {baseline} (before the "
        f"commands loaded lazily), {runs} pairs each; reproduce: `{reproduce}`",
        ["command", "median", "range", "CPU (median)", "vs before (per pair)"],
        rows,
    )


def _median(results: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def _ms(seconds: float) -> str:
    return f"{seconds:.3f} s"
