"""Benchmark section for issue 13: one measurement per run, and no slower than before.

- `assess --json --markdown --html` against `measure --json` on the same store (the assessment
  adds bootstrap replicates, the coordination cost, the report's figures and three renderings to
  one measurement; the target is at most 1.3x);
- `measure --json` of this checkout against the same command of an earlier commit (by default
  the last one before issue 13's restructuring), on the same store.

Every contender is the command line itself, run by `benchmarks/cli_child.py` in a fresh
interpreter; an earlier commit's command runs from its own source tree (`git archive`, kept in
the work folder) with the same installed dependencies. Contenders alternate round by round.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The last commit before issue 13's restructuring.
BASELINE_COMMIT = "63a0d33"
TARGET_ASSESS_RATIO = 1.3
# measure may be this much slower than the earlier commit before it counts as slower: the
# machine is shared and medians of a few rounds move by about this much between runs.
NOISE = 1.05


METHOD = (
    "* **One measurement per run** (`benchmarks/pipeline.py`): each contender is the command "
    "line itself (`benchmarks/cli_child.py`) in a fresh interpreter, so import time counts; "
    "contenders alternate round by round on the same cached store. `assess --json --markdown "
    "--html` measures once (metrics, 200 bootstrap replicates, coordination cost, the report's "
    "distributions), assesses and renders three files; `measure --json` writes the metrics. The "
    "earlier commit's `measure` runs from its own source tree (`git archive` into "
    "`benchmarks/work/commits/`) with the same installed dependencies, and its metrics are "
    "compared with this checkout's (1e-9 relative)."
)


def baseline_source(workdir: Path, commit: str) -> Path:
    """The `src` folder of `commit`, extracted once into the work folder."""
    full = subprocess.run(
        ["git", "rev-parse", commit], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    target = workdir / "commits" / full[:12]
    if not (target / "src" / "asyncmaturity").is_dir():
        archive = subprocess.run(
            ["git", "archive", "--format=tar", full, "src"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target / "src"


def run_cli(args: list[str], *, source: Path | None = None) -> dict[str, Any]:
    """One command line in a fresh interpreter (from `source` when given): seconds, peak RSS."""
    environment = dict(os.environ)
    if source is not None:
        # Ahead of the editable install's path entry, so that tree's package is the one imported.
        environment["PYTHONPATH"] = str(source)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(HERE / "cli_child.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{args[0]} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT ") :])
    result["wall"] = wall
    return result


def _median(runs: list[dict[str, Any]]) -> float:
    return statistics.median(r["seconds"] for r in runs)


def bench_pipeline(
    report: Any,
    *,
    workdir: Path,
    store: Path,
    store_title: str,
    large_store: Path,
    large_title: str,
    baseline: str,
    repeat: int,
    formats: dict[str, Callable[[float], str]],
) -> None:
    """Time assess against measure on `store`, and measure against `baseline` on `large_store`."""
    s, gib = formats["s"], formats["gib"]
    out = workdir / "pipeline-out"
    out.mkdir(parents=True, exist_ok=True)
    rendered = [str(out / name) for name in ("a.json", "a.md", "a.html")]
    measures: list[dict[str, Any]] = []
    assessments: list[dict[str, Any]] = []
    for round_ in range(repeat):
        measures.append(run_cli(["measure", "--store", str(store), "--json", str(out / "m.json")]))
        assessments.append(
            run_cli(
                [
                    *("assess", "--store", str(store), "--json", rendered[0]),
                    *("--markdown", rendered[1], "--html", rendered[2]),
                ]
            )
        )
        print(
            f"round {round_ + 1}/{repeat}: measure {s(measures[-1]['seconds'])}, "
            f"assess {s(assessments[-1]['seconds'])}",
            flush=True,
        )
    ratio = _median(assessments) / _median(measures)
    report.table(
        f"One measurement per run: assess with its renderers against measure, {store_title}, "
        f"median of {repeat}",
        ["command", "median", "runs", "vs measure", "peak RSS"],
        [
            _row("asyncmaturity measure --json", measures, "1.00x", s, gib),
            _row(
                "asyncmaturity assess --json --markdown --html",
                assessments,
                f"{ratio:.2f}x",
                s,
                gib,
            ),
        ],
    )
    report.target(
        f"assess with JSON, Markdown and HTML at most {TARGET_ASSESS_RATIO}x measure",
        ratio <= TARGET_ASSESS_RATIO,
        f"{ratio:.2f}x ({s(_median(assessments))} / {s(_median(measures))})",
    )

    source = baseline_source(workdir, baseline)
    current: list[dict[str, Any]] = []
    earlier: list[dict[str, Any]] = []
    outputs = {"current": out / "now.json", "earlier": out / "before.json"}
    for round_ in range(repeat):
        # Alternate which goes first, so neither always meets a warmer cache.
        pairs = [("current", None, current), ("earlier", source, earlier)]
        for name, tree, runs in pairs if round_ % 2 == 0 else reversed(pairs):
            args = ["measure", "--store", str(large_store), "--json", str(outputs[name])]
            runs.append(run_cli(args, source=tree))
        print(
            f"round {round_ + 1}/{repeat}: measure now {s(current[-1]['seconds'])}, "
            f"at {baseline} {s(earlier[-1]['seconds'])}",
            flush=True,
        )
    speed = _median(current) / _median(earlier)
    now_metrics = json.loads(outputs["current"].read_text())["metrics"]
    before_metrics = json.loads(outputs["earlier"].read_text())["metrics"]
    report.table(
        f"measure now against commit {baseline} (before the restructuring), {large_title}, "
        f"median of {repeat}",
        ["command", "median", "runs", "vs earlier", "peak RSS"],
        [
            _row("asyncmaturity measure --json (this checkout)", current, f"{speed:.2f}x", s, gib),
            _row(f"asyncmaturity measure --json (commit {baseline})", earlier, "1.00x", s, gib),
        ],
    )
    different = sorted(
        k for k in before_metrics if not _same(now_metrics.get(k), before_metrics[k])
    )
    report.target(
        f"measure not slower than commit {baseline}, with the same figures",
        speed <= NOISE and not different,
        f"{speed:.2f}x ({s(_median(current))} / {s(_median(earlier))})"
        + (f"; figures differ: {', '.join(different)}" if different else "; figures equal"),
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
    return bool(a == b)


def _row(
    label: str,
    runs: list[dict[str, Any]],
    comparison: str,
    s: Callable[[float], str],
    gib: Callable[[float], str],
) -> list[str]:
    return [
        label,
        s(_median(runs)),
        ", ".join(s(r["seconds"]) for r in runs),
        comparison,
        gib(max(r["peak_rss"] for r in runs)),
    ]
