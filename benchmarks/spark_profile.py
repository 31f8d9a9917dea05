"""Where a Spark measure's time goes: per kept frame and per lookup, its Spark jobs, their wall
time, and its tasks' run, CPU and garbage-collection time, read from Spark's own event log.

    .venv/bin/python benchmarks/spark_profile.py FOLDER
    .venv/bin/python benchmarks/spark_profile.py FOLDER --conf spark.sql.shuffle.partitions=2 \\
        --values /tmp/after.json

FOLDER is a Parquet folder, such as the 1M-message one the benchmarks' spark section simulates
in its work folder (``parquet/org-p10000-d23-s20260105``).

One `measure` on Spark local mode (``local[2]``, the session of :data:`LOCAL_SETTINGS`, each
``--conf`` on top), in this process. Every Spark job is labelled with the line of asyncmaturity
that ran it (a kept frame by its name), so the report adds up by frame rather than by Spark's
own call sites, which all name Ibis. Task CPU is the executor threads' own; the JVM's CPU (the
process's user and system time, read from /proc) also holds the driver's planning, the JIT
compiler and the collector's threads, and the report splits it by thread. On a shared machine
compare CPU, not wall time, and run the two configurations in turn. ``--values`` writes every
metric and scope (sorted JSON), so that two runs' figures can be compared with ``cmp``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

# The Spark actions through which Ibis and the frames run jobs.
ACTIONS = ("toPandas", "localCheckpoint", "collect", "count", "toArrow")


def _label(stack: Any) -> str:
    """The innermost asyncmaturity line on `stack` (a kept frame by its name)."""
    while stack is not None:
        code = stack.f_code
        if "asyncmaturity" in code.co_filename:
            if code.co_name == "keep" and "name" in stack.f_locals:
                return f"frame {stack.f_locals['name']}"
            return f"{Path(code.co_filename).name}:{stack.f_lineno} {code.co_name}"
        stack = stack.f_back
    return "(outside asyncmaturity)"


def _label_jobs(session: Any) -> None:
    """Have every Spark action describe its jobs by the asyncmaturity line that called it."""
    from pyspark.sql.classic.dataframe import DataFrame

    context = session.sparkContext

    def wrapped(action: Callable[..., Any]) -> Callable[..., Any]:
        def labelled(self: Any, *args: Any, **kwargs: Any) -> Any:
            context.setJobDescription(_label(sys._getframe(1)))
            try:
                return action(self, *args, **kwargs)
            finally:
                context.setJobDescription(None)

        return labelled

    for name in ACTIONS:
        setattr(DataFrame, name, wrapped(getattr(DataFrame, name)))


# JVM threads by what they do, from the first characters of their names (Linux keeps 15).
THREAD_KINDS = (
    ("Executor task", "executor tasks"),
    # Py4J runs each Python call (Ibis's planning, an action's analysis, optimization, physical
    # planning and code generation) on a gateway thread of this name.
    ("Thread-", "driver calls (Py4J)"),
    ("C1 CompilerThre", "JIT compiler"),
    ("C2 CompilerThre", "JIT compiler"),
    ("GC Thread", "garbage collector"),
    ("VM Thread", "garbage collector"),
)


def _jvm_cpu_by_thread() -> Counter[str]:
    """User and system seconds of this process's children (PySpark's JVM), from /proc: in
    all (``(JVM)``) and per kind of thread of :data:`THREAD_KINDS` (the rest ``other threads``,
    and threads that have ended ``ended threads``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: Counter[str] = Counter()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) != os.getpid():
            continue
        total = (int(fields[11]) + int(fields[12])) / ticks
        found["(JVM)"] += total
        live = 0.0
        for thread in (stat.parent / "task").iterdir():
            try:
                name = (thread / "comm").read_text().strip()
                own = (thread / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            seconds = (int(own[11]) + int(own[12])) / ticks
            kind = next((k for prefix, k in THREAD_KINDS if name.startswith(prefix)), None)
            found[kind or "other threads"] += seconds
            live += seconds
        found["ended threads"] += max(total - live, 0.0)
    return found


def _by_label(log: Path) -> dict[str, Counter[str]]:
    """Per job description: jobs, wall seconds, task run, CPU and GC seconds, shuffled MB."""
    description: dict[int, str] = {}
    submitted: dict[int, int] = {}
    job_of_stage: dict[int, int] = {}
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for line in log.read_text().splitlines():
        event = json.loads(line)
        kind = event["Event"]
        if kind == "SparkListenerJobStart":
            job = event["Job ID"]
            description[job] = event.get("Properties", {}).get("spark.job.description") or (
                "(no action: Spark's own)"
            )
            submitted[job] = event["Submission Time"]
            job_of_stage.update((stage, job) for stage in event["Stage IDs"])
            totals[description[job]]["jobs"] += 1
        elif kind == "SparkListenerJobEnd":
            job = event["Job ID"]
            totals[description[job]]["wall"] += (event["Completion Time"] - submitted[job]) / 1e3
        elif kind == "SparkListenerTaskEnd":
            metrics = event.get("Task Metrics") or {}
            found = totals[description[job_of_stage[event["Stage ID"]]]]
            found["run"] += metrics.get("Executor Run Time", 0) / 1e3
            found["cpu"] += metrics.get("Executor CPU Time", 0) / 1e9
            found["gc"] += metrics.get("JVM GC Time", 0) / 1e3
            written = metrics.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
            found["shuffled"] += written / 1e6
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a Parquet folder (simulate --parquet, export)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting"
    )
    parser.add_argument("--values", type=Path, help="write every metric and scope here (JSON)")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    from asyncmaturity.metrics.measure import measure
    from asyncmaturity.store.evidence import LOCAL_SETTINGS

    events = Path(tempfile.mkdtemp(prefix="spark-profile-"))
    settings = dict(LOCAL_SETTINGS)
    settings |= {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": events.as_uri(),
        # Plain JSON lines: Spark 4 compresses its event log with zstd by default.
        "spark.eventLog.compress": "false",
    }
    settings |= dict(item.split("=", 1) for item in args.conf)
    started = time.perf_counter()
    builder = SparkSession.builder.appName("asyncmaturity").master(args.master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    jvm_started = time.perf_counter() - started
    _label_jobs(session)
    began = time.perf_counter()
    result = measure(store=args.folder, engine="spark")
    measured = time.perf_counter() - began
    jvm_cpu = _jvm_cpu_by_thread()
    session.stop()
    if args.values:
        document = result.to_json()
        values = {"metrics": document["metrics"], "scopes": document["scopes"]}
        args.values.write_text(json.dumps(values, sort_keys=True, indent=1))

    (log,) = (p for p in events.rglob("events_*") if p.is_file())
    totals = _by_label(log)
    load = os.getloadavg()[0]
    print(
        f"{args.folder.name} on {args.master}: JVM start {jvm_started:.1f} s, measure "
        f"{measured:.1f} s; JVM CPU {jvm_cpu['(JVM)']:.1f} s, Python CPU "
        f"{time.process_time():.1f} s; 1-minute load {load:.1f}; event log {log}"
    )
    # The JVM's CPU, start included, by thread: executor tasks against the driver's planning,
    # the JIT compiler and the collector.
    print(
        "JVM CPU by thread: "
        + ", ".join(
            f"{kind} {seconds:.1f} s"
            for kind, seconds in sorted(jvm_cpu.items(), key=lambda item: -item[1])
            if kind != "(JVM)"
        )
    )
    columns = ("jobs", "wall", "run", "cpu", "gc", "shuffled")
    print(f"{'jobs':>5} {'wall s':>8} {'run s':>8} {'cpu s':>8} {'gc s':>7} {'shuf MB':>8}  what")
    overall: Counter[str] = Counter()
    for label, found in sorted(totals.items(), key=lambda item: -item[1]["cpu"]):
        overall.update(found)
        jobs, wall, run, cpu, gc, shuffled = (found[c] for c in columns)
        print(f"{jobs:5.0f} {wall:8.1f} {run:8.1f} {cpu:8.1f} {gc:7.1f} {shuffled:8.0f}  {label}")
    jobs, wall, run, cpu, gc, shuffled = (overall[c] for c in columns)
    print(f"{jobs:5.0f} {wall:8.1f} {run:8.1f} {cpu:8.1f} {gc:7.1f} {shuffled:8.0f}  (all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
