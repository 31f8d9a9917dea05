"""Benchmark sections for issue 7: measure at 1M, 10M and 50M messages, and Spark local mode.

The inputs are simulated organizations of 10,000 people with chat, meetings and work items,
written by `simulate_parquet` straight into the `export --parquet` layout. Only the period
grows, so the organization stays the same and only the amount of evidence changes.
`benchmarks/run.py` runs these sections in fresh interpreters (its `run_child`), which also
report their peak RSS.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PEOPLE = 10_000
SEED = 20260105
# Message records (bots and system records included) per calendar day for PEOPLE people with
# the simulator's defaults (about 45,000 measured; a little less, so a size is reached);
# used only to pick a period's length.
RECORDS_PER_DAY = 44_000
# The machine's memory: the 50M-message run must stay within it.
MEMORY_BUDGET_BYTES = 24 * 1024**3
# Spark local mode's time, JVM start included, at most this many times DuckDB's (issue 19).
SPARK_RATIO = 6.0


def scale_params(messages: int) -> Any:
    """Parameters of a 10,000-person organization whose period holds about `messages` records."""
    from asyncmaturity.simulate.params import SimulationParams

    days = max(7, math.ceil(messages / RECORDS_PER_DAY))
    return SimulationParams(people=PEOPLE, days=days, seed=SEED, meetings=True, work_items=True)


def _label(messages: int) -> str:
    return f"{messages // 1_000_000}M" if messages >= 1_000_000 else f"{messages // 1000}k"


def cached_parquet(
    workdir: Path, messages: int, run_child: Callable[..., dict[str, Any]]
) -> tuple[Path, dict[str, Any]]:
    """The simulated Parquet folder for about `messages` records (written once) and its summary."""
    params = scale_params(messages)
    folder = workdir / "parquet" / f"org-p{params.people}-d{params.days}-s{params.seed}"
    summary_file = folder.with_suffix(".json")
    if summary_file.exists() and folder.is_dir():
        summary: dict[str, Any] = json.loads(summary_file.read_text())
        return folder, summary
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    print(f"simulating {params.people} people over {params.days} days into {folder}", flush=True)
    summary = run_child("simulate_parquet", folder=str(folder), days=params.days)
    summary_file.write_text(json.dumps(summary))
    return folder, summary


def task_simulate_parquet(args: dict[str, Any]) -> dict[str, Any]:
    """Child task: write one simulated organization as Parquet."""
    from asyncmaturity.simulate.parquet import simulate_parquet

    params = scale_params(args["days"] * RECORDS_PER_DAY)
    started = time.perf_counter()
    written = simulate_parquet(Path(args["folder"]), params)
    return {
        "seconds": time.perf_counter() - started,
        "rows": written.rows,
        "messages": written.messages,
        "human_messages": written.human_messages,
        "days": params.days,
    }


class _ChildMemory:
    """The highest combined RSS of this process's children (Spark's JVM), sampled every 0.2 s.

    getrusage cannot see it: PySpark never waits for the JVM it starts.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil  # type: ignore[import-untyped]

        me = psutil.Process()
        while not self._stop.wait(0.2):
            total = 0
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak = max(self.peak, total)

    def __enter__(self) -> _ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def task_measure_parquet(args: dict[str, Any]) -> dict[str, Any]:
    """Child task: every metric and scope over a Parquet folder on one engine."""
    from asyncmaturity.metrics.measure import measure

    with _ChildMemory() as children:
        started = time.perf_counter()
        result = measure(
            store=Path(args["folder"]), engine=args["engine"], spark_master=args.get("master")
        )
        seconds = time.perf_counter() - started
    document = result.to_json()
    return {
        "seconds": seconds,
        "metrics": document["metrics"],
        "scopes": document["scopes"],
        "children_peak_rss": children.peak,
        "spark_jobs": _spark_jobs() if args["engine"] == "spark" else None,
    }


def _spark_jobs() -> int:
    """How many jobs this process's Spark context ran (none of measure's sets a job group)."""
    from pyspark import SparkContext

    context = SparkContext._active_spark_context
    return len(context.statusTracker().getJobIdsForGroup(None)) if context else 0


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "simulate_parquet": task_simulate_parquet,
    "measure_parquet": task_measure_parquet,
}


def _values_agree(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Metric ids (organization and scopes) where two measure results differ beyond 1e-9."""

    def same(x: Any, y: Any) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
        return bool(x == y)

    wrong = [k for k, v in a["metrics"].items() if not same(v, b["metrics"].get(k))]
    for scope, groups in a["scopes"].items():
        other = b["scopes"].get(scope, {})
        if set(groups) != set(other):
            wrong.append(f"{scope} groups")
            continue
        wrong += [
            f"{scope}={g}:{k}"
            for g, values in groups.items()
            for k, v in values.items()
            if not same(v, other[g].get(k))
        ]
    return wrong


def bench_scale(
    report: Any,
    workdir: Path,
    sizes: list[int],
    repeat: int,
    run_child: Callable[..., dict[str, Any]],
    fmt: dict[str, Callable[..., str]],
) -> None:
    """measure on DuckDB at each size: seconds, seconds per million messages, peak memory."""
    s, gib = fmt["s"], fmt["gib"]
    rows: list[list[str]] = []
    per_million: dict[int, float] = {}
    peaks: dict[int, int] = {}
    for size in sizes:
        folder, summary = cached_parquet(workdir, size, run_child)
        # The largest size runs once: one run is several minutes on two cores.
        rounds = repeat if size < 50_000_000 else 1
        runs = [run_child("measure_parquet", folder=str(folder), engine="duckdb")]
        runs += [
            run_child("measure_parquet", folder=str(folder), engine="duckdb")
            for _ in range(rounds - 1)
        ]
        median = statistics.median(r["seconds"] for r in runs)
        million = summary["messages"] / 1e6
        per_million[size] = median / million
        peaks[size] = max(r["peak_rss"] for r in runs)
        rows.append(
            [
                _label(size),
                f"{summary['messages']:,}",
                f"{summary['rows']['meetings']:,} / {summary['rows']['work_items']:,}",
                str(summary["days"]),
                s(summary["seconds"]) + f" ({gib(summary['peak_rss'])})",
                s(median),
                ", ".join(s(r["seconds"]) for r in runs),
                f"{per_million[size]:.2f}",
                gib(peaks[size]),
            ]
        )
    report.table(
        f"measure on DuckDB at growing size ({PEOPLE:,} people; only the period grows)",
        [
            "size",
            "messages",
            "meetings / work items",
            "days",
            "simulate --parquet (peak RSS)",
            "measure median",
            "runs",
            "s per million messages",
            "measure peak RSS",
        ],
        rows,
    )
    largest = max(sizes)
    if len(sizes) > 1:
        cheapest = min(per_million, key=lambda size: per_million[size])
        growth = per_million[largest] / per_million[cheapest]
        steps = ", ".join(f"{_label(size)} {per_million[size]:.2f}" for size in sizes)
        report.target(
            "measure cost grows linearly with messages",
            growth <= 1.5,
            f"seconds per million messages: {steps}; the largest size costs {growth:.2f}x the "
            f"cheapest per message (linear is 1.0, the target is at most 1.5)",
        )
    if largest >= 50_000_000:
        report.target(
            "a 50M-message measure within 24 GB",
            peaks[largest] <= MEMORY_BUDGET_BYTES,
            f"peak RSS {gib(peaks[largest])} at {_label(largest)}",
        )


def bench_spark(
    report: Any,
    workdir: Path,
    messages: int,
    run_child: Callable[..., dict[str, Any]],
    fmt: dict[str, Callable[..., str]],
    repeat: int = 1,
    master: str = "local[2]",
    reproduce: str = "",
) -> None:
    """The same measure on Spark local mode and on DuckDB over one folder: time and agreement.

    `reproduce` is the command line that runs this section alone, for the table's title.
    """
    s, gib = fmt["s"], fmt["gib"]
    folder, summary = cached_parquet(workdir, messages, run_child)
    ducks: list[dict[str, Any]] = []
    sparks: list[dict[str, Any]] = []
    # The machine is shared: the load says how much of its two cores the rounds had.
    load_before = os.getloadavg()[0]
    # Interleaved rounds, so both engines meet the same load on a shared machine.
    for round_ in range(repeat):
        ducks.append(run_child("measure_parquet", folder=str(folder), engine="duckdb"))
        sparks.append(
            run_child("measure_parquet", folder=str(folder), engine="spark", master=master)
        )
        print(
            f"round {round_ + 1}/{repeat}: DuckDB {ducks[-1]['wall']:.1f} s, "
            f"Spark {sparks[-1]['wall']:.1f} s ({sparks[-1]['spark_jobs']} jobs)",
            flush=True,
        )
    load_after = os.getloadavg()[0]
    duck_s = statistics.median(r["wall"] for r in ducks)
    spark_s = statistics.median(r["wall"] for r in sparks)
    per_round = statistics.median(b["wall"] / a["wall"] for a, b in zip(ducks, sparks, strict=True))
    wrong = _values_agree(ducks[0], sparks[0])
    compared = len(ducks[0]["metrics"]) + sum(
        len(values) for groups in ducks[0]["scopes"].values() for values in groups.values()
    )
    report.table(
        f"Spark local mode ({master}) against DuckDB, {summary['messages']:,} messages, "
        f"median of {repeat}; 1-minute load average {load_before:.0f} before, {load_after:.0f} "
        f"after, on {os.cpu_count()} cores" + (f"; reproduce: `{reproduce}`" if reproduce else ""),
        [
            "engine",
            "median (the child's wall time, JVM start included)",
            "runs",
            "vs DuckDB",
            "Spark jobs",
            "peak RSS",
        ],
        [
            [
                "DuckDB",
                s(duck_s),
                ", ".join(s(r["wall"]) for r in ducks),
                "1.0x",
                "",
                gib(max(r["peak_rss"] for r in ducks)),
            ],
            [
                "Spark " + master,
                s(spark_s),
                ", ".join(s(r["wall"]) for r in sparks),
                f"{spark_s / duck_s:.1f}x (per round {per_round:.1f}x)",
                str(sparks[0]["spark_jobs"]),
                f"{gib(max(r['peak_rss'] for r in sparks))} Python driver + "
                f"{gib(max(r['children_peak_rss'] for r in sparks))} JVM (sampled)",
            ],
        ],
    )
    report.note(
        f"Spark local mode: {spark_s / duck_s:.1f}x DuckDB's time on this 2-core machine, "
        f"{sparks[0]['spark_jobs']} Spark jobs in a run. Local mode checks parity; Spark pays "
        "off only on a cluster."
    )
    report.target(
        "Spark local mode within 6x of DuckDB (JVM start included)",
        spark_s / duck_s <= SPARK_RATIO,
        f"{spark_s / duck_s:.1f}x ({s(spark_s)} vs {s(duck_s)}; per round {per_round:.1f}x)",
    )
    report.target(
        "Spark gives every metric and scope as DuckDB does",
        not wrong,
        f"{compared - len(wrong):,} of {compared:,} values agree"
        + (f"; differ: {', '.join(wrong[:5])}" if wrong else ""),
    )
