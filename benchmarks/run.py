"""Benchmarks: ingest and measure at scale, side by side with their floors and baselines.

Run by hand or with ``make bench``; never a timed unit test. Every timed step runs in its own
subprocess (so its peak RSS, DuckDB's native memory included, is its own), the contenders of one
comparison run interleaved round by round on the same files, and the report gives medians over
``--repeat`` rounds and their ratios.

    .venv/bin/python benchmarks/run.py                       # 5M-message ingest, 10M measure
    .venv/bin/python benchmarks/run.py --write-md            # ... and rewrite BENCHMARKS.md
    .venv/bin/python benchmarks/run.py --messages 200000 --measure-messages 400000 --repeat 1

Simulated exports and the measure store are cached under ``--workdir`` (git-ignored), keyed by
their parameters, so a re-run only re-times.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pipeline  # benchmarks/pipeline.py, beside this script
import scale  # benchmarks/scale.py, beside this script
import startup  # benchmarks/startup.py, beside this script

from asyncmaturity.store.database import SCHEMA_VERSION

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

TARGET_PEAK_BYTES = 2 * 1024**3
TARGET_FLOOR_FRACTION = 1 / 2
# ingest + measure against the json + pandas baseline: faster than it.
TARGET_PANDAS_SPEEDUP = 1.0
# ingest + measure against a plain json + Python script: at least 3x faster.
TARGET_PLAIN_SPEEDUP = 3.0
TARGET_ORGANIZATION_RATIO = 1.5
TARGET_MEASURE_RATIO = 2.0
TARGET_INCREMENTAL_RATIO = 1.5
INCREMENTAL_MESSAGES = 10_000_000
# The benchmark's sections, in the order they run; each is a --skip choice.
SECTIONS = (
    "ingest",
    "measure",
    "incremental",
    "scale",
    "spark",
    "pipeline",
    "sources",
    "await",
    "assist",
    "startup",
)
PANDAS_FULL_LIMIT_S = 15 * 60
COUNT_METRICS = ("messages.human", "messages.thread_replies", "threads.count", "people.active")
SHARE_METRICS = ("hours.after_hours_share", "response.answered_share")
LATENCY_METRICS = (
    "response.first_reply.median_s",
    "response.first_reply.p90_s",
    "response.first_reply.business.median_s",
)
COMPARED = COUNT_METRICS + SHARE_METRICS + LATENCY_METRICS
MESSAGES_PER_PERSON_DAY = 20.0
SEED = 20260105
# The export shapes the ingest section reads, by name: the simulator's own (every person's DMs
# with four partners, so many small day files), and one of long-lived channels alone (no DMs or
# group DMs: fewer, larger day files, where the JSON reader's fixed cost per file weighs less).
SHAPES: dict[str, dict[str, Any]] = {
    "day files": {},
    "channel files": {"dm_share": 0.0, "group_dms": 0},
}


# ---------------------------------------------------------------------------------------------
# Children: each timed task runs in a fresh interpreter and reports one JSON line.


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _task_ingest(args: dict[str, Any]) -> dict[str, Any]:
    from asyncmaturity.store.ingest import ingest

    started, cpu = time.perf_counter(), time.process_time()
    summary = ingest([args["export"]], store=args["store"])
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "added": summary.added,
        "records_read": summary.records_read,
    }


def _task_ingest_plain(args: dict[str, Any]) -> dict[str, Any]:
    """ingest as it was before the time-span filter: the anti-join reads every stored key."""
    import asyncmaturity.sources.interface

    asyncmaturity.sources.interface.TIME_KEYED = {}
    return _task_ingest(args)


def _task_floor(args: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    from asyncmaturity.sources.slack import MESSAGE_COLUMNS

    files = json.loads(Path(args["files"]).read_text())
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in MESSAGE_COLUMNS.items()) + "}"
    con = duckdb.connect()
    started = time.perf_counter()
    row = con.execute(
        f"SELECT count(*) FROM read_json(?, format = 'array', columns = {columns})", [files]
    ).fetchone()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "count": int(row[0]) if row else 0}


def _task_text_floor(args: dict[str, Any]) -> dict[str, Any]:
    """Informational: the same count by read_text + json_transform (what the source now uses)."""
    import duckdb

    from asyncmaturity.sources.slack import MESSAGE_COLUMNS

    files = json.loads(Path(args["files"]).read_text())
    con = duckdb.connect()
    started = time.perf_counter()
    row = con.execute(
        "SELECT sum(len(json_transform(content, ?))) FROM read_text(?)",
        [json.dumps([MESSAGE_COLUMNS]), files],
    ).fetchone()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "count": int(row[0]) if row and row[0] is not None else 0}


def _task_measure(args: dict[str, Any]) -> dict[str, Any]:
    from asyncmaturity.metrics.measure import measure

    started, cpu = time.perf_counter(), time.process_time()
    result = measure(store=args["store"])
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    scopes = {
        scope: {group: {k: values.get(k) for k in COMPARED} for group, values in groups.items()}
        for scope, groups in result.scopes.items()
    }
    return {
        "seconds": seconds,
        "cpu": cpu,
        "figures": {k: result.metrics.get(k) for k in COMPARED},
        "scopes": scopes,
    }


def _task_assess(args: dict[str, Any]) -> dict[str, Any]:
    """assess as `assess --json --markdown --html` runs it: one measurement with 200 bootstrap
    replicates, the coordination cost and the report's figures, the placement, and the three
    renderings."""
    from asyncmaturity.pipeline import AssessmentRequest, run_assessment

    started = time.perf_counter()
    outcome = run_assessment(AssessmentRequest(store=args["store"]))
    rendered = (outcome.json(), outcome.markdown(), outcome.html())
    seconds = time.perf_counter() - started
    metrics = outcome.document.metrics
    return {
        "seconds": seconds,
        "figures": {k: metrics.get(k) for k in COMPARED},
        "rendered_bytes": sum(len(text) for text in rendered),
    }


def _task_measure_org(args: dict[str, Any]) -> dict[str, Any]:
    """measure's frames and aggregates for the organization scope only (a diagnostic: the frames
    are built as `measure` builds them, kept, since `measure` reads them in many queries)."""
    from asyncmaturity.charter import Charter
    from asyncmaturity.metrics import METRICS
    from asyncmaturity.metrics.frames import build_frames
    from asyncmaturity.metrics.measure import _stacked
    from asyncmaturity.store.evidence import open_evidence

    started, cpu = time.perf_counter(), time.process_time()
    figures: dict[str, Any] = {}
    with open_evidence(args["store"]) as evidence:
        frames = build_frames(evidence, Charter())
        tables = {
            name: (
                frames.require(name),
                {
                    "organization": (
                        [m for m in METRICS.values() if m.frame == name and m.id in COMPARED],
                        [],
                        None,
                    )
                },
            )
            for name in ("human", "roots")
        }
        for row in _stacked(tables):
            figures.update({k: v for k, v in row.items() if k in COMPARED and v is not None})
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "figures": figures}


def _task_sql(args: dict[str, Any]) -> dict[str, Any]:
    import sql_baseline

    started, cpu = time.perf_counter(), time.process_time()
    figures = sql_baseline.figures(Path(args["store"]))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "figures": figures}


def _task_sql_scopes(args: dict[str, Any]) -> dict[str, Any]:
    import sql_baseline

    started, cpu = time.perf_counter(), time.process_time()
    scopes = sql_baseline.figures_by_scope(Path(args["store"]))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "figures": scopes["organization"][""],
        "scopes": scopes,
    }


def _task_pandas(args: dict[str, Any]) -> dict[str, Any]:
    import pandas_baseline

    started, cpu = time.perf_counter(), time.process_time()
    users, messages = pandas_baseline.load(Path(args["export"]))
    loaded = time.perf_counter()
    figures = pandas_baseline.compute(users, messages)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "load_seconds": loaded - started,
        "figures": figures,
    }


def _task_plain(args: dict[str, Any]) -> dict[str, Any]:
    import plain_baseline

    started, cpu = time.perf_counter(), time.process_time()
    figures = plain_baseline.figures(Path(args["export"]))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "figures": figures}


TASKS = {
    "ingest": _task_ingest,
    "ingest_plain": _task_ingest_plain,
    "floor": _task_floor,
    "text_floor": _task_text_floor,
    "measure": _task_measure,
    "assess": _task_assess,
    "measure_org": _task_measure_org,
    "sql": _task_sql,
    "sql_scopes": _task_sql_scopes,
    "pandas": _task_pandas,
    "plain": _task_plain,
    **scale.TASKS,
}


def _child_main(task: str, raw: str) -> None:
    result = TASKS[task](json.loads(raw))
    result["peak_rss"] = _peak_rss_bytes()
    print("RESULT " + json.dumps(result))


def run_child(task: str, timeout: float | None = None, **args: Any) -> dict[str, Any]:
    """Run one task in a fresh interpreter; its result, with peak_rss and wall seconds."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", task, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{task} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT ") :])
    result["wall"] = wall
    return result


# ---------------------------------------------------------------------------------------------
# Inputs: simulated exports and stores, cached in the work folder.


def simulation_params(messages: int, shape: str = "day files") -> Any:
    """Parameters whose export of `shape` (:data:`SHAPES`) holds at least `messages` message
    records (bots included)."""
    from asyncmaturity.simulate.params import SimulationParams, expected_metrics

    people = max(40, min(1000, messages // 5000))
    base = SimulationParams(
        people=people,
        days=7,
        seed=SEED,
        channels=40,
        messages_per_person_day=MESSAGES_PER_PERSON_DAY,
        **SHAPES[shape],
    )
    # Human messages scale with working days; bot records add bot_share of all records.
    per_week = expected_metrics(base)["messages.human"] / (1 - base.bot_share)
    days = max(7, math.ceil(messages / per_week * 7 * 1.03))
    return SimulationParams(
        people=people,
        days=days,
        seed=SEED,
        channels=40,
        messages_per_person_day=MESSAGES_PER_PERSON_DAY,
        **SHAPES[shape],
    )


def _key(params: Any) -> str:
    # The simulator's shape keeps its key of old, so cached exports and stores stay valid.
    shape = "-nodm" if params.dm_share == 0 else ""
    return (
        f"slack-p{params.people}-d{params.days}-s{params.seed}-c{params.channels}"
        f"-m{params.messages_per_person_day:g}{shape}"
    )


def cached_export(
    workdir: Path, messages: int, shape: str = "day files"
) -> tuple[Path, dict[str, Any]]:
    """The simulated export of `shape` for `messages` (generated once) and its summary."""
    from asyncmaturity.simulate.export import simulate_slack_export

    params = simulation_params(messages, shape)
    folder = workdir / "exports" / _key(params)
    marker = folder.with_suffix(".json")
    if marker.exists():
        return folder, json.loads(marker.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    print(f"simulating {_key(params)} (>= {messages:,} messages) ...", flush=True)
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30 or done == total:
            last[0] = time.perf_counter()
            print(f"  day {done}/{total}", flush=True)

    summary = simulate_slack_export(folder, params, progress=progress)
    info = {
        "params": {
            k: (str(v) if not isinstance(v, int | float | str) else v)
            for k, v in asdict(params).items()
            if k != "timezones"
        },
        "messages": summary.messages,
        "human_messages": summary.human_messages,
        "seconds": time.perf_counter() - started,
        "day_files": len(day_files(folder)),
        "bytes": sum(f.stat().st_size for f in folder.rglob("*.json")),
    }
    print(f"  {summary.messages:,} messages in {info['seconds']:.0f} s", flush=True)
    marker.write_text(json.dumps(info, indent=2))
    return folder, info


def day_files(export: Path) -> list[str]:
    """Every conversation day file of an export, in the order ingest reads them."""
    return sorted(str(f) for f in export.glob("*/*.json"))


def cached_store(workdir: Path, export: Path) -> tuple[Path, dict[str, Any]]:
    """A store of `export` (ingested once); what that ingest reported (seconds, peak_rss)."""
    store = workdir / "stores" / f"{export.name}.duckdb"
    marker = store.with_suffix(".json")
    if marker.exists() and store.exists():
        cached = json.loads(marker.read_text())
        # A store from an older schema lacks what ingest now derives: ingest it again.
        if cached.get("schema_version") == SCHEMA_VERSION:
            return store, cached
    store.parent.mkdir(parents=True, exist_ok=True)
    store.unlink(missing_ok=True)
    print(f"ingesting {export.name} into {store} ...", flush=True)
    result = run_child("ingest", export=str(export), store=str(store))
    result["schema_version"] = SCHEMA_VERSION
    marker.write_text(json.dumps(result))
    return store, result


def warm_page_cache(files: list[str]) -> None:
    """Read every file once so that no contender pays for a cold cache."""
    for name in files:
        with open(name, "rb") as handle:
            while handle.read(1 << 20):
                pass


def last_weekday(info: dict[str, Any]) -> date:
    """The last Monday-to-Friday day that a cached export's simulation covers."""
    params = info["params"]
    day = date.fromisoformat(str(params["start"])) + timedelta(days=int(params["days"]) - 1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def partial_export(target: Path, export: Path, keep: Any) -> Path:
    """`export` with only the day files whose name `keep` accepts (listings always), made once.

    Files are hard links (symbolic links where the file system refuses), so a partial copy of
    a 10M-message export costs seconds and no space. Built under a temporary name and renamed,
    so an interrupted build is never taken for a finished one.
    """
    if target.is_dir():
        return target
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)

    def link(source: str, destination: Path) -> None:
        try:
            os.link(source, destination)
        except OSError:
            os.symlink(source, destination)

    for entry in os.scandir(export):
        if entry.is_file():
            link(entry.path, building / entry.name)
        elif entry.is_dir():
            names = [f.name for f in os.scandir(entry.path) if keep(f.name)]
            if names:
                (building / entry.name).mkdir()
                for name in names:
                    link(os.path.join(entry.path, name), building / entry.name / name)
    building.rename(target)
    return target


def copy_store(source: Path, target: Path) -> None:
    """Copy a store file and flush it to disk, so that no timed ingest pays for the copy.

    Without the fsync, the ingest's own checkpoint waits for the copy's dirty pages to be
    written: about 0.2 s per 500 MB, which once passed for a cost of the store's size.
    """
    target.unlink(missing_ok=True)
    Path(str(target) + ".wal").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


# ---------------------------------------------------------------------------------------------
# Comparisons


def agree(a: Any, b: Any, metric: str) -> bool:
    """Counts and shares within 1e-6 relative, latencies within 1 s."""
    if a is None or b is None:
        return a is None and b is None
    if metric in LATENCY_METRICS:
        return abs(float(a) - float(b)) <= 1.0
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))


def disagreements(
    reference: dict[str, Any], other: dict[str, Any], metrics: tuple[str, ...]
) -> list[str]:
    return [m for m in metrics if not agree(reference.get(m), other.get(m), m)]


@dataclass
class Report:
    command: str
    machine: dict[str, str]
    started: str
    repeat: int
    lines: list[str] = field(default_factory=list)
    targets: list[tuple[str, bool, str]] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The section (a --skip choice) now running, and the section of each table and target: a
    # partial run's --write-md replaces only its own sections in BENCHMARKS.md.
    section: str = ""
    table_sections: list[str] = field(default_factory=list)
    target_sections: dict[str, str] = field(default_factory=dict)

    def target(self, name: str, passed: bool, detail: str) -> None:
        self.targets.append((name, passed, detail))
        self.target_sections[name] = self.section
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}", flush=True)

    def table(self, title: str, header: list[str], rows: list[list[str]]) -> None:
        width = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        text = [f"### {title}", ""]
        text.append(
            "| " + " | ".join(h.ljust(w) for h, w in zip(header, width, strict=True)) + " |"
        )
        text.append("|" + "|".join("-" * (w + 2) for w in width) + "|")
        for row in rows:
            text.append(
                "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, width, strict=True)) + " |"
            )
        block = "\n".join(text)
        self.tables.append(block)
        self.table_sections.append(self.section)
        print("\n" + block + "\n", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print("note: " + text, flush=True)


def machine_info() -> dict[str, str]:
    import duckdb
    import ibis
    import pandas

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "ibis": ibis.__version__,
        "pandas": pandas.__version__,
        "commit": _git_commit(),
    }


def _git_commit() -> str:
    """The checked-out commit, marked when src/ has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in src/" if dirty else "")


def _timing_row(label: str, runs: list[dict[str, Any]], comparison: str) -> list[str]:
    """A table row: contender, median seconds, every run, a comparison, the highest peak RSS."""
    median = statistics.median(r["seconds"] for r in runs)
    return [
        label,
        _s(median),
        ", ".join(_s(r["seconds"]) for r in runs),
        comparison,
        _gib(max(r["peak_rss"] for r in runs)),
    ]


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s"


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds / 1e3:,.0f}k msg/s"


def _gib(value: float) -> str:
    return f"{value / 1024**3:.2f} GiB"


def _fmt(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, int) or (
        isinstance(value, float) and value.is_integer() and abs(value) > 1e3
    ):
        return f"{int(value):,}"
    return f"{float(value):.6f}" if abs(float(value)) < 10 else f"{float(value):,.3f}"


def figures_table(report: Report, title: str, columns: dict[str, dict[str, Any]]) -> None:
    names = list(columns)
    reference = columns[names[0]]
    rows = []
    for metric in COMPARED:
        cells = [_fmt(columns[n].get(metric)) for n in names]
        same = all(agree(reference.get(metric), columns[n].get(metric), metric) for n in names[1:])
        rows.append([metric, *cells, "yes" if same else "**NO**"])
    report.table(title, ["metric", *names, "agree"], rows)


# ---------------------------------------------------------------------------------------------
# The benchmark


def bench_ingest(
    report: Report, workdir: Path, messages: int, repeat: int, shape: str = "day files"
) -> dict[str, Any]:
    export, info = cached_export(workdir, messages, shape)
    files = day_files(export)
    count = int(info["messages"])
    listing = workdir / f"{export.name}.files.json"
    listing.write_text(json.dumps(files))
    print(
        f"export {export.name} ({shape}): {count:,} messages, {len(files):,} day files, "
        f"{info['bytes'] / 1024**3:.2f} GiB",
        flush=True,
    )
    warm_page_cache(files)
    scratch = workdir / "ingest-scratch.duckdb"
    ingests: list[dict[str, Any]] = []
    floors: list[dict[str, Any]] = []
    text_floors: list[dict[str, Any]] = []
    for round_ in range(repeat):
        scratch.unlink(missing_ok=True)
        Path(str(scratch) + ".wal").unlink(missing_ok=True)
        floors.append(run_child("floor", files=str(listing)))
        text_floors.append(run_child("text_floor", files=str(listing)))
        ingests.append(run_child("ingest", export=str(export), store=str(scratch)))
        print(
            f"round {round_ + 1}/{repeat}: floor {floors[-1]['seconds']:.1f} s, "
            f"read_text floor {text_floors[-1]['seconds']:.1f} s, "
            f"ingest {ingests[-1]['seconds']:.1f} s (peak {_gib(ingests[-1]['peak_rss'])})",
            flush=True,
        )
    if text_floors[0]["count"] != floors[0]["count"]:
        report.note(
            f"read_text + json_transform counted {text_floors[0]['count']:,} records, "
            f"read_json {floors[0]['count']:,}"
        )
    if floors[0]["count"] != count:
        report.note(
            f"read_json counted {floors[0]['count']:,} records, the simulator wrote {count:,}"
        )
    added = int(ingests[-1]["added"].get("messages", 0))
    ingest_s = statistics.median(r["seconds"] for r in ingests)
    floor_s = statistics.median(r["seconds"] for r in floors)
    text_s = statistics.median(r["seconds"] for r in text_floors)
    peak = max(r["peak_rss"] for r in ingests)
    store = workdir / "stores" / f"{export.name}.duckdb"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.unlink(missing_ok=True)
    scratch.rename(store)
    store.with_suffix(".json").write_text(json.dumps(ingests[-1]))
    report.table(
        f"Ingest, {shape}: {count:,} messages ({len(files):,} day files, "
        f"{count / len(files):.0f} messages each, {info['bytes'] / 1024**3:.2f} GiB of JSON), "
        f"median of {repeat}",
        ["contender", "median", "runs", "messages/s", "peak RSS"],
        [
            _timing_row(
                "asyncmaturity ingest",
                ingests,
                _rate(count, ingest_s),
            ),
            _timing_row(
                "floor: read_json count(*)",
                floors,
                _rate(count, floor_s),
            ),
            _timing_row(
                "(information) read_text + json_transform count",
                text_floors,
                _rate(count, text_s),
            ),
        ],
    )
    fraction = statistics.median(
        f["seconds"] / i["seconds"] for f, i in zip(floors, ingests, strict=True)
    )
    report.target(
        f"ingest peak memory <= 2 GiB ({shape})",
        peak <= TARGET_PEAK_BYTES,
        f"peak RSS {_gib(peak)} (max over {repeat} runs), {count:,} messages",
    )
    report.target(
        f"ingest >= 1/2 of the read_json floor's messages/s ({shape})",
        fraction >= TARGET_FLOOR_FRACTION,
        f"ingest {_rate(count, ingest_s)} = {fraction:.2f} of floor {_rate(count, floor_s)} "
        f"(median of the rounds' ratios; medians' ratio {floor_s / ingest_s:.2f})",
    )
    return {
        "shape": shape,
        "export": export,
        "store": store,
        "count": count,
        "added": added,
        "ingest_s": ingest_s,
        "ingest_cpu": statistics.median(r["cpu"] for r in ingests),
        "floor_s": floor_s,
        "peak": peak,
    }


def bench_pandas(
    report: Report, workdir: Path, ingested: dict[str, Any], pandas_messages: int | None
) -> None:
    count, shape = ingested["count"], ingested["shape"]
    measured = run_child("measure", store=str(ingested["store"]))
    print(f"measure on the ingest store: {measured['seconds']:.1f} s", flush=True)
    if pandas_messages is None:
        export, store, subset_count = ingested["export"], ingested["store"], count
        reference = measured["figures"]
        scale = 1.0
    else:
        export, info = cached_export(workdir, pandas_messages, shape)
        subset_count = int(info["messages"])
        store, _ = cached_store(workdir, export)
        reference = run_child("measure", store=str(store))["figures"]
        scale = count / subset_count
        report.note(
            f"the pandas baseline ran on a {subset_count:,}-message export (same simulator, "
            f"fewer people and days) and its time is scaled linearly by {scale:.2f}"
        )
    sql = run_child("sql", store=str(store))["figures"]
    try:
        pandas = run_child("pandas", timeout=PANDAS_FULL_LIMIT_S * 2, export=str(export))
    except subprocess.TimeoutExpired:
        report.note(
            "the pandas baseline did not finish in 30 minutes; rerun with --pandas-messages"
        )
        return
    plain = run_child("plain", timeout=PANDAS_FULL_LIMIT_S * 2, export=str(export))
    pandas_s = pandas["seconds"] * scale
    plain_s = plain["seconds"] * scale
    ours_s = ingested["ingest_s"] + measured["seconds"]
    # CPU seconds too: on a loaded machine they say more than wall time does.
    pandas_cpu, plain_cpu = pandas["cpu"] * scale, plain["cpu"] * scale
    ours_cpu = ingested["ingest_cpu"] + measured["cpu"]
    report.table(
        f"Against plain json + pandas and a json + Python script, {shape}, same figures from the same export "
        f"({subset_count:,} messages"
        f"{'' if scale == 1 else f', scaled x{scale:.2f}'}), one run each",
        ["contender", "seconds", "of which loading", "CPU s", "peak RSS"],
        [
            [
                "json + pandas, end to end",
                _s(pandas_s),
                _s(pandas["load_seconds"] * scale),
                _s(pandas_cpu),
                _gib(pandas["peak_rss"]),
            ],
            [
                "json + Python script, end to end",
                _s(plain_s),
                "",
                _s(plain_cpu),
                _gib(plain["peak_rss"]),
            ],
            [
                "asyncmaturity ingest (median)",
                _s(ingested["ingest_s"]),
                "",
                _s(ingested["ingest_cpu"]),
                _gib(ingested["peak"]),
            ],
            [
                "asyncmaturity measure (once)",
                _s(measured["seconds"]),
                "",
                _s(measured["cpu"]),
                _gib(measured["peak_rss"]),
            ],
            ["ingest + measure", _s(ours_s), "", _s(ours_cpu), ""],
        ],
    )
    report.target(
        f"ingest + measure faster than the pandas baseline ({shape})",
        pandas_s / ours_s > TARGET_PANDAS_SPEEDUP,
        f"{pandas_s / ours_s:.2f}x (pandas {_s(pandas_s)} / ingest + measure {_s(ours_s)}; "
        f"ingest alone {pandas_s / ingested['ingest_s']:.2f}x); CPU {pandas_cpu / ours_cpu:.2f}x",
    )
    report.target(
        f"ingest + measure >= 3x faster than a plain json + Python script ({shape})",
        plain_s / ours_s >= TARGET_PLAIN_SPEEDUP,
        f"{plain_s / ours_s:.2f}x (script {_s(plain_s)} / ingest + measure {_s(ours_s)}); "
        f"CPU {plain_cpu / ours_cpu:.2f}x",
    )
    figures_table(
        report,
        f"Figures on the {subset_count:,}-message export ({shape}): measure vs pandas vs script vs SQL",
        {
            "measure": reference,
            "json + pandas": pandas["figures"],
            "json + Python": plain["figures"],
            "one SQL query": sql,
        },
    )
    bad = (
        disagreements(reference, pandas["figures"], COMPARED)
        + [f"{m} (script)" for m in disagreements(reference, plain["figures"], COMPARED)]
        + [f"{m} (SQL)" for m in disagreements(reference, sql, COMPARED)]
    )
    report.target(
        f"pandas baseline, json + Python script and SQL query agree with measure ({shape})",
        not bad,
        "all figures agree" if not bad else "disagree on " + ", ".join(bad),
    )


def bench_measure(report: Report, workdir: Path, messages: int, repeat: int) -> None:
    export, info = cached_export(workdir, messages)
    store, ingested = cached_store(workdir, export)
    count = int(info["messages"])
    measures: list[dict[str, Any]] = []
    orgs: list[dict[str, Any]] = []
    sqls: list[dict[str, Any]] = []
    scoped_sqls: list[dict[str, Any]] = []
    assessments: list[dict[str, Any]] = []
    load_before = os.getloadavg()[0]
    for round_ in range(repeat):
        sqls.append(run_child("sql", store=str(store)))
        scoped_sqls.append(run_child("sql_scopes", store=str(store)))
        measures.append(run_child("measure", store=str(store)))
        orgs.append(run_child("measure_org", store=str(store)))
        assessments.append(run_child("assess", store=str(store)))
        print(
            f"round {round_ + 1}/{repeat}: SQL {sqls[-1]['seconds']:.1f} s, SQL with scopes "
            f"{scoped_sqls[-1]['seconds']:.1f} s, measure {measures[-1]['seconds']:.1f} s, "
            f"organization only {orgs[-1]['seconds']:.1f} s, assess {assessments[-1]['seconds']:.1f} s",
            flush=True,
        )
    sql_s = statistics.median(r["seconds"] for r in sqls)
    scoped_s = statistics.median(r["seconds"] for r in scoped_sqls)
    measure_s = statistics.median(r["seconds"] for r in measures)
    org_s = statistics.median(r["seconds"] for r in orgs)
    assess_s = statistics.median(r["seconds"] for r in assessments)
    load_after = os.getloadavg()[0]

    def cpu(runs: list[dict[str, Any]], sql_runs: list[dict[str, Any]]) -> str:
        """Median CPU seconds (every thread) and their ratio to the SQL query's: the fairer
        comparison on a loaded machine."""
        median = statistics.median(r["cpu"] for r in runs)
        return f"{_s(median)} ({median / statistics.median(r['cpu'] for r in sql_runs):.2f}x)"

    cpus = [cpu(measures, scoped_sqls), cpu(scoped_sqls, scoped_sqls), cpu(orgs, sqls)]
    cpus += [cpu(sqls, sqls), ""]
    report.table(
        f"Measure: store of {count:,} messages (ingested once in {_s(ingested['seconds'])}, "
        f"peak RSS {_gib(ingested['peak_rss'])}), median of {repeat}; 1-minute load average "
        f"{load_before:.0f} before, {load_after:.0f} after, on {os.cpu_count()} cores",
        ["contender", "median", "runs", "vs its SQL query", "CPU s (vs its SQL)", "peak RSS"],
        [
            [*row[:4], cpu_s, row[4]]
            for row, cpu_s in zip(
                [
                    _timing_row(
                        "asyncmaturity measure (all metrics, organization + 3 breakdowns)",
                        measures,
                        f"{measure_s / scoped_s:.2f}x",
                    ),
                    _timing_row(
                        "one SQL query: the contract figures for organization + 3 breakdowns "
                        "(GROUPING SETS)",
                        scoped_sqls,
                        "1.00x",
                    ),
                    _timing_row(
                        "measure's frames, organization scope, contract figures only",
                        orgs,
                        f"{org_s / sql_s:.2f}x",
                    ),
                    _timing_row(
                        "one SQL query: the contract figures for the organization",
                        sqls,
                        "1.00x",
                    ),
                    _timing_row(
                        "(information) asyncmaturity assess: measure + 200 bootstrap replicates, "
                        "coordination cost, placement and roadmap",
                        assessments,
                        f"{assess_s / scoped_s:.2f}x ({assess_s / measure_s:.2f}x measure)",
                    ),
                ],
                cpus,
                strict=True,
            )
        ],
    )
    figures_table(
        report,
        f"Figures on the {count:,}-message store: measure vs SQL",
        {
            "measure": measures[0]["figures"],
            "measure, org scope": orgs[0]["figures"],
            "one SQL query": sqls[0]["figures"],
        },
    )
    bad = disagreements(measures[0]["figures"], sqls[0]["figures"], COMPARED)
    bad += [
        f"{m} (assess)"
        for m in disagreements(assessments[0]["figures"], measures[0]["figures"], COMPARED)
    ]
    # Every breakdown group measure shows (those at or above the minimum group size).
    compared_groups = 0
    for scope, groups in measures[0]["scopes"].items():
        for group, values in groups.items():
            compared_groups += 1
            other = scoped_sqls[0]["scopes"].get(scope, {}).get(group, {})
            bad += [f"{m} ({scope} {group})" for m in disagreements(values, other, COMPARED)]
    report.target(
        "SQL queries agree with measure (1e-6 relative, 1 s for latencies)",
        not bad,
        f"all figures agree, organization and {compared_groups} breakdown groups"
        if not bad
        else "disagree on " + ", ".join(bad[:10]),
    )
    report.target(
        "measure within 2x of a hand-written SQL query computing the same figures",
        measure_s / scoped_s <= TARGET_MEASURE_RATIO and org_s / sql_s <= TARGET_MEASURE_RATIO,
        f"{measure_s / scoped_s:.2f}x with every breakdown ({_s(measure_s)} vs {_s(scoped_s)}); "
        f"{org_s / sql_s:.2f}x for the organization alone ({_s(org_s)} vs {_s(sql_s)})",
    )
    report.target(
        "measure for the organization within 1.5x of the hand-written query",
        org_s / sql_s <= TARGET_ORGANIZATION_RATIO,
        f"{org_s / sql_s:.2f}x ({_s(org_s)} vs {_s(sql_s)}), {count:,} messages",
    )


INCREMENTAL_ROWS = {
    "empty": "an empty store",
    "quarter": "a store of the export's first {quarter} days (about a quarter)",
    "rest": "a store of the export's other {rest} days",
    "again": "that store again, the day already in it (re-ingest)",
    "plain": "(before) a store of the other {rest} days, anti-join over every stored key",
}


def bench_incremental(report: Report, workdir: Path, messages: int, repeat: int) -> None:
    """Adding one weekday to a store costs in proportion to the day, not the store (issue 7)."""
    export, info = cached_export(workdir, messages)
    params = info["params"]
    start = date.fromisoformat(str(params["start"]))
    days = int(params["days"])
    day = last_weekday(info)
    quarter_days = days // 4
    day_file = f"{day}.json"
    quarter_end = f"{start + timedelta(days=quarter_days)}.json"
    folder = workdir / "incr"
    # Day files are named YYYY-MM-DD.json: the name orders them by date.
    only_day = partial_export(folder / f"{export.name}-only-{day}", export, day_file.__eq__)
    rest = partial_export(folder / f"{export.name}-minus-{day}", export, day_file.__ne__)
    quarter = partial_export(
        folder / f"{export.name}-first-{quarter_days}-days", export, quarter_end.__gt__
    )
    rest_store, rest_ingest = cached_store(workdir, rest)
    quarter_store, quarter_ingest = cached_store(workdir, quarter)
    files = day_files(only_day)
    warm_page_cache(files)
    scratch = workdir / "incremental-scratch.duckdb"
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in INCREMENTAL_ROWS}
    for round_ in range(repeat):
        scratch.unlink(missing_ok=True)
        Path(str(scratch) + ".wal").unlink(missing_ok=True)
        runs["empty"].append(run_child("ingest", export=str(only_day), store=str(scratch)))
        copy_store(quarter_store, scratch)
        runs["quarter"].append(run_child("ingest", export=str(only_day), store=str(scratch)))
        copy_store(rest_store, scratch)
        runs["plain"].append(run_child("ingest_plain", export=str(only_day), store=str(scratch)))
        copy_store(rest_store, scratch)
        runs["rest"].append(run_child("ingest", export=str(only_day), store=str(scratch)))
        runs["again"].append(run_child("ingest", export=str(only_day), store=str(scratch)))
        print(
            f"incremental round {round_ + 1}/{repeat}: "
            + ", ".join(f"{kind} {runs[kind][-1]['seconds']:.2f} s" for kind in runs),
            flush=True,
        )
    scratch.unlink(missing_ok=True)
    median = {kind: statistics.median(r["seconds"] for r in v) for kind, v in runs.items()}
    per_round = {
        kind: statistics.median(
            r["seconds"] / e["seconds"] for r, e in zip(v, runs["empty"], strict=True)
        )
        for kind, v in runs.items()
    }
    added = {kind: [int(r["added"].get("messages", 0)) for r in v] for kind, v in runs.items()}
    others = {
        kind: {sum(r["added"].values()) - int(r["added"].get("messages", 0)) for r in v}
        for kind, v in runs.items()
    }
    day_messages = added["empty"][0]
    before = {
        "empty": 0,
        "quarter": int(quarter_ingest["added"]["messages"]),
        "rest": int(rest_ingest["added"]["messages"]),
        "plain": int(rest_ingest["added"]["messages"]),
        "again": int(rest_ingest["added"]["messages"]) + day_messages,
    }
    names = {k: v.format(quarter=quarter_days, rest=days - 1) for k, v in INCREMENTAL_ROWS.items()}
    alone = " ".join(f"--skip {s}" for s in SECTIONS if s != "incremental")
    alone += f" --incremental-messages {messages}" if messages != INCREMENTAL_MESSAGES else ""
    alone += f" --repeat {repeat}" if repeat != 3 else ""
    report.table(
        f"Incremental ingest: one weekday ({day}: {len(files):,} day files, {day_messages:,} "
        f"messages) of a {days}-day, {int(info['messages']):,}-message export, into stores of "
        f"its other days, median of {repeat}; reproduce: "
        f"`.venv/bin/python benchmarks/run.py {alone}`",
        [
            "ingest the day into",
            "messages stored",
            "median",
            "runs",
            "vs empty store",
            "messages added",
            "peak RSS",
        ],
        [
            [
                names[kind],
                f"{before[kind]:,}",
                _s(median[kind]),
                ", ".join(_s(r["seconds"]) for r in runs[kind]),
                f"{median[kind] / median['empty']:.2f}x (per round {per_round[kind]:.2f}x)",
                ", ".join(f"{a:,}" for a in sorted(set(added[kind])))
                + "".join(f" (+{o:,} other rows)" for o in sorted(others[kind]) if o),
                _gib(max(r["peak_rss"] for r in runs[kind])),
            ]
            for kind in ("empty", "quarter", "rest", "again", "plain")
        ],
    )
    ratio = median["rest"] / median["empty"]
    report.target(
        "incremental ingest: a weekday into a store of the export's other days within "
        f"{TARGET_INCREMENTAL_RATIO:g}x of the same day into an empty store",
        ratio <= TARGET_INCREMENTAL_RATIO,
        f"{ratio:.2f}x ({_s(median['rest'])} into {before['rest']:,} messages vs "
        f"{_s(median['empty'])}); into the "
        f"{quarter_days}-day store {median['quarter'] / median['empty']:.2f}x; "
        f"before (anti-join over every key) {median['plain'] / median['empty']:.2f}x",
    )
    exact = all(
        a == day_messages for kind in ("quarter", "rest", "plain") for a in added[kind]
    ) and all(sum(r["added"].values()) == 0 for r in runs["again"])
    report.target(
        "incremental ingest is exact: the day adds the same messages to every store, "
        "and nothing when ingested again",
        exact,
        f"{day_messages:,} messages into each store, "
        f"{max(sum(r['added'].values()) for r in runs['again'])} rows on re-ingest"
        if exact
        else "added: "
        + "; ".join(f"{kind} {sorted(set(a))}" for kind, a in added.items())
        + f"; re-ingest rows {[sum(r['added'].values()) for r in runs['again']]}",
    )


def bench_mbox(
    report: Report, workdir: Path, repeat: int, sizes: tuple[int, ...] = (11_000, 100_000)
) -> None:
    """mbox parsing and ingest against GrimoireLab's Perceval on the same archive, two sizes."""
    sys.path.insert(0, str(HERE))
    import mbox_bench

    if not mbox_bench.SOURCE.is_dir() or importlib.util.find_spec("perceval") is None:
        report.note(
            "mbox vs Perceval not run: it needs ../shared/data/mbox-twisted-2010 and the `bench` "
            "extra (`pip install -e '.[bench]'`, which `make bench` does)."
        )
        return
    folder = workdir / "mbox"
    labels = {
        "perceval": "Perceval `MBox(...).fetch()` (all items)",
        "parse": "asyncmaturity mbox parse (staged rows)",
        "ingest": "asyncmaturity ingest into a new store",
    }
    for messages in sizes:
        archive = mbox_bench.build_archive(folder, messages)
        load_before = os.getloadavg()[0]
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in mbox_bench.CONTENDERS}
        for round_ in range(repeat):
            for kind in mbox_bench.CONTENDERS:
                runs[kind].append(mbox_bench.run_child(kind, archive, folder))
            print(
                f"mbox {messages:,} round {round_ + 1}/{repeat}: "
                + ", ".join(f"{k} {runs[k][-1]['seconds']:.1f} s" for k in mbox_bench.CONTENDERS),
                flush=True,
            )
        load_after = os.getloadavg()[0]
        median = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
        cpu = {k: statistics.median(r["cpu"] for r in v) for k, v in runs.items()}
        per_round = {
            k: statistics.median(
                b["seconds"] / r["seconds"] for b, r in zip(runs["perceval"], v, strict=True)
            )
            for k, v in runs.items()
        }
        report.table(
            f"E-mail: mbox archive of {messages:,} messages "
            f"({archive.stat().st_size / 2**20:,.0f} MiB, from the twisted-python 2010 archives "
            f"with renumbered Message-IDs), median of {repeat}; 1-minute load average "
            f"{load_before:.0f} before, {load_after:.0f} after, on {os.cpu_count()} cores; "
            f"reproduce: `.venv/bin/python benchmarks/mbox_bench.py --messages {messages}`",
            ["contender", "median", "runs", "messages/s", "vs Perceval", "CPU s", "peak RSS"],
            [
                [
                    labels[kind],
                    _s(median[kind]),
                    ", ".join(_s(r["seconds"]) for r in runs[kind]),
                    _rate(messages, median[kind]),
                    f"{median['perceval'] / median[kind]:.1f}x (per round {per_round[kind]:.1f}x)",
                    f"{_s(cpu[kind])} ({cpu['perceval'] / cpu[kind]:.1f}x)",
                    _gib(max(r["peak_rss"] for r in runs[kind])),
                ]
                for kind in mbox_bench.CONTENDERS
            ],
        )
        ingest_speedup = min(median["perceval"] / median["ingest"], per_round["ingest"])
        target = mbox_bench.INGEST_TARGETS.get(messages)
        if target is not None:
            report.target(
                f"mbox end-to-end ingest >= {target:.0f}x faster than Perceval's mbox backend "
                f"at {messages:,} messages",
                ingest_speedup >= target,
                f"{ingest_speedup:.1f}x (Perceval {_s(median['perceval'])} / ingest "
                f"{_s(median['ingest'])}); CPU {cpu['perceval'] / cpu['ingest']:.1f}x",
            )
        if messages == max(sizes):
            speedup = min(median["perceval"] / median["parse"], per_round["parse"])
            report.target(
                "mbox parsing >= 5x faster than Perceval's mbox backend",
                speedup >= mbox_bench.TARGET_SPEEDUP,
                f"{speedup:.1f}x (Perceval {_s(median['perceval'])} / parse {_s(median['parse'])})",
            )


def bench_calendar(report: Report, workdir: Path, repeat: int, series: int = 500) -> None:
    """A year of a 500-series calendar: recurrence expansion, overrides and attendees."""
    sys.path.insert(0, str(HERE))
    import ical_bench

    since, until = date(2025, 1, 1), date(2025, 12, 31)
    _, runs = ical_bench.run_rounds(workdir / "ical", series, since, until, repeat)
    seconds = statistics.median(r["seconds"] for r in runs)
    last = runs[-1]
    report.table(
        f"Calendar: {series} recurring series ({last['events']:,} VEVENTs incl. overrides, five "
        f"zones, EXDATEs), expanded for {since} to {until}, median of {repeat}",
        ["contender", "median", "runs", "instances", "attendance rows", "peak RSS"],
        [
            [
                "asyncmaturity ingest (expand + store)",
                _s(seconds),
                ", ".join(_s(r["seconds"]) for r in runs),
                f"{last['instances']:,}",
                f"{last['attendance']:,}",
                _gib(max(r["peak_rss_mb"] for r in runs) * 2**20),
            ]
        ],
    )
    report.target(
        "a year of a 500-series calendar expands in seconds (< 10 s)",
        seconds < 10,
        f"{_s(seconds)} for {last['instances']:,} instances",
    )


AWAIT_SETS = {
    "main": "main set (`messages.jsonl`, the rules are tuned on it)",
    "heldout": "held-out set (`heldout.jsonl`, written before tuning)",
    "real": "real test split (`real_test.jsonl`, real chat and list messages, frozen before "
    "any rule change, never tuned on)",
    "real-dev": "real dev split (`real_dev.jsonl`, the real messages the rules were tuned on)",
    "real-dev2": "second real dev split (`real_dev2.jsonl`, twisted-python and twisted-web mail "
    "of other years without time words, labelled before any rule read them, then tuned on)",
    "real-dev3": "third real dev split (`real_dev3.jsonl`, Houston Slack and twisted-python 2010 "
    "messages no other set holds, labelled before any rule read them, then tuned on)",
    "real-chat-dev": "real chat dev split (`real_chat_dev.jsonl`, lines of the #duraspace IRC "
    "channel, CC BY 4.0, labelled before any rule read them)",
    "real-windows": "real windows part (`real_windows.jsonl`, list messages with time words, "
    "frozen test part 2, never tuned on)",
    "real-windows-dev": "real windows dev part (`real_windows_dev.jsonl`, list and Bugzilla "
    "messages with time words, labelled before any rule read them, then tuned on)",
    "tracker": "tracker test split (`tracker_test.jsonl`, real Jira descriptions and comments, "
    "frozen before any rule read them, never tuned on)",
    "tracker-dev": "tracker dev split (`tracker_dev.jsonl`, real Jira texts the rules were tuned on)",
    "tracker-dev2": "second tracker dev split (`tracker_dev2.jsonl`, real Bugzilla texts, labelled "
    "before any rule read them, then tuned on)",
    "tracker-dev3": "third tracker dev split (`tracker_dev3.jsonl`, the remaining Bugzilla "
    "descriptions and more comments of the same fixture, labelled before any rule read them, "
    "then tuned on)",
    "friction": "friction set (`friction.jsonl`)",
    **{
        f"lang-{code}": f"{name} held-out part (`lang_{code}_heldout.jsonl`, written and committed "
        "before the rules were extended)"
        for code, name in (("de", "German"), ("pt", "Portuguese"), ("nl", "Dutch"))
    },
    **{
        f"lang-{code}-h4": f"{name} held-out part 4 (`lang_{code}_heldout4.jsonl`, written blind "
        "by someone who had not read the rules, committed before any rule read it)"
        for code, name in (("fr", "French"), ("es", "Spanish"))
    },
    **{
        f"lang-{code}-h3": f"{name} held-out part 3, spent for estimates (`lang_{code}_heldout3"
        ".jsonl`, written blind, never tuned on, but scored three times while the rules were "
        "tuned on parts 4 and 5)"
        for code, name in (("fr", "French"), ("es", "Spanish"))
    },
    **{
        f"lang-{code}-2": f"{name} held-out part 2, spent for estimates (`lang_{code}_heldout2"
        ".jsonl`, written blind, never tuned on, but scored four times while the rules were "
        "tuned on parts 3 and 4)"
        for code, name in (("fr", "French"), ("es", "Spanish"))
    },
    **{
        f"lang-{code}": f"{name} first held-out part, spent (`lang_{code}_heldout.jsonl`: the "
        "rules were tuned on its misses; now a tuning part)"
        for code, name in (("fr", "French"), ("es", "Spanish"))
    },
    **{
        f"lang-{code}-{part}": f"{name} dev part {part} (`lang_{code}_dev{part}.jsonl`, written "
        "before its writer read the rules, committed before anything scored it; the rules may be "
        "tuned on it)"
        for part in ("3", "4", "5")
        for code, name in (("fr", "French"), ("es", "Spanish"))
    },
    "lang-tune": "five languages' tuning parts and the French and Spanish dev parts 3, 4 and 5 "
    "together (`lang_??.jsonl`, `lang_??_dev?.jsonl`, the rules were extended on them)",
}
# Held-out parts the rules were since tuned on, and dev parts: shown, not judged as held-out.
SPENT_PARTS = frozenset(
    {
        "lang-fr",
        "lang-es",
        "lang-fr-2",
        "lang-es-2",
        "lang-fr-h3",
        "lang-es-h3",
        "lang-fr-3",
        "lang-es-3",
        "lang-fr-4",
        "lang-es-4",
        "lang-fr-5",
        "lang-es-5",
    }
)
# The elements the five other languages are read for (issue 18): windows and requests; the
# other elements' rules are English and are shown for reference.
LANGUAGE_TARGETS = ("is_request", "window")


def _await_row(row: dict[str, object]) -> list[str]:
    """One table row; recall and the verdict are n/a where the set has no labelled positive."""
    support = int(row["tp"]) + int(row["fn"])  # type: ignore[call-overload]
    if support == 0:
        return [
            str(row["field"]),
            f"{row['precision']:.3f}",
            "n/a",
            "0",
            f"n/a (no labelled positive; {row['fp']} predicted)",
        ]
    return [
        str(row["field"]),
        f"{row['precision']:.3f}",
        f"{row['recall']:.3f}",
        str(support),
        ("yes" if row["pass"] else "**no**")
        + (" (reference)" if row["field"] == "is_request" else ""),
    ]


def bench_await(report: Report) -> None:
    """The AWAIT linter and the friction signals scored on the labelled sets (seconds)."""
    import await_eval
    from await_real import ArchiveMissing

    for name, label in AWAIT_SETS.items():
        try:
            result = await_eval.report(name)
        except ArchiveMissing as exc:
            report.note(f"AWAIT {label.split(' (')[0]}: skipped, its archive is absent ({exc})")
            continue
        scores = list(result["elements"].values())
        if "is_request" in result:
            scores.insert(0, result["is_request"])
        rows = [_await_row(row) for row in scores]
        title = f"AWAIT rules, {label}: {result['messages']} messages"
        deadline = result.get("deadline")
        if deadline:
            accuracy = "n/a" if deadline["accuracy"] is None else f"{deadline['accuracy']:.3f}"
            title += (
                f", {result['requests']} requests; deadline accuracy "
                f"{accuracy} ({deadline['exact']}/{deadline['labelled']})"
            )
        title += f"; reproduce: `.venv/bin/python benchmarks/await_eval.py --set {name}`"
        report.table(title, ["element", "precision", "recall", "support", "target met"], rows)
        if name.startswith("lang-") and name not in ("lang-tune", *SPENT_PARTS):
            language = label.split(" ")[0]
            checked = [row for row in scores if row["field"] in LANGUAGE_TARGETS]
            accuracy = deadline["accuracy"] if deadline else None
            passed = all(row["pass"] for row in checked) and (accuracy or 0) >= 0.9
            report.target(
                f"AWAIT in {language} (held-out): request and window precision >= 0.9, "
                "recall >= 0.85; deadline accuracy >= 0.9",
                passed,
                ", ".join(
                    f"{row['field']} {row['precision']:.3f}/{row['recall']:.3f}" for row in checked
                )
                + (f", deadline {accuracy:.3f}" if accuracy is not None else ""),
            )
            # The issue asks every element at target per language, not only the two above.
            report.target(
                f"AWAIT elements in {language} (held-out): precision >= 0.9, recall >= 0.85 each",
                result["all_elements_pass"],
                _elements_detail(scores),
            )
        if name in ("main", "heldout", "real", "real-windows", "tracker"):
            report.target(
                f"AWAIT elements on the {label.split(' (')[0]}: precision >= 0.9, "
                "recall >= 0.85 each",
                result["all_elements_pass"],
                _elements_detail(scores),
            )


def _elements_detail(scores: list[dict[str, Any]]) -> str:
    """Which of the five elements (`scores` after is_request) missed, and which had no positive."""
    elements = [row for row in scores if row["field"] != "is_request"]
    missed = [row["field"] for row in elements if not row["pass"] and row["tp"] + row["fn"]]
    unmeasured = [row["field"] for row in elements if not row["tp"] + row["fn"]]
    detail = "all five elements" if not missed else "missed: " + ", ".join(missed)
    if unmeasured:
        detail += "; no labelled positive for " + ", ".join(unmeasured)
    return detail


def bench_assist(report: Report) -> None:
    """The optional assistants scored on their labelled sets (tune and held-out halves)."""
    import importlib.util

    if importlib.util.find_spec("sentence_transformers") is None:
        report.notes.append(
            "The assistants' evaluation did not run: the `assist` extra is not installed "
            "(`pip install torch==2.13.0` then `pip install -e '.[assist]'`)."
        )
        return
    import assist_eval

    result = assist_eval.evaluate_all(assist_eval.load_sets(assist_eval.SETS))
    reproduce = "reproduce: `.venv/bin/python benchmarks/assist_eval.py`"
    dup, route, dec = result["duplicates"], result["routing"], result["decisions"]
    report.table(
        f"Assistants: duplicate questions, threshold {dup['threshold']:.2f}; {reproduce}",
        ["half", "pairs", "precision", "recall", "F1", "right question first"],
        [
            [
                part,
                str(row["pairs"]),
                f"{row['precision']:.3f}",
                f"{row['recall']:.3f}",
                f"{row['f1']:.3f}",
                f"{row['hit_at_1']:.3f}",
            ]
            for part, row in dup["halves"].items()
        ],
    )
    report.table(
        f"Assistants: predictive routing, k = {route['k']} (baseline: the most active answerers)",
        ["half", "questions", "top-1", "top-3", "baseline top-1", "baseline top-3"],
        [
            [
                part,
                str(row["questions"]),
                f"{row['top1']:.3f}",
                f"{row['top3']:.3f}",
                f"{row['baseline_top1']:.3f}",
                f"{row['baseline_top3']:.3f}",
            ]
            for part, row in route["halves"].items()
        ],
    )
    report.table(
        f"Assistants: decisions in threads, margin {dec['margin']:+.2f} (the regex of "
        "decision_language as the baseline)",
        ["half", "classifier", "precision", "recall", "F1"],
        [
            [part, name, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}"]
            for part, row in dec["halves"].items()
            for name, c in row["variants"].items()
        ],
    )


def write_markdown(report: Report, path: Path, *, merge: bool = False) -> None:
    """Write BENCHMARKS.md; with `merge` (a run of some sections), replace only those sections."""
    text = render_markdown(report)
    if merge and path.exists():
        try:
            text = merge_markdown(path.read_text(), report)
        except ValueError as exc:
            print(f"{path} is not laid out as expected ({exc}): rewriting it whole", flush=True)
    path.write_text(text)
    print(f"wrote {path}", flush=True)


def render_markdown(report: Report) -> str:
    """The whole of BENCHMARKS.md for this run's sections."""
    m = report.machine
    passed = sum(1 for _, ok, _ in report.targets if ok)
    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py`; do not edit by hand. Reproduce with:",
        "",
        "```sh",
        report.command,
        "```",
        "",
        f"Run on {report.started}: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, "
        f"{m['os']}; Python {m['python']}, DuckDB {m['duckdb']}, Ibis {m['ibis']}, "
        f"pandas {m['pandas']}; code at commit {m['commit']}. The machine is shared and noisy: "
        "compare the ratios (contenders "
        "run interleaved in the same session), not absolute seconds across runs.",
        "",
        "Every timed step runs in a fresh Python process; seconds are the operation itself "
        "(imports excluded), peak RSS is the process's (`getrusage` maxrss, DuckDB's native "
        "memory included). Day files are read once before timing so no contender pays for a "
        "cold page cache. Inputs come from `asyncmaturity.simulate.chat` (default shape, "
        f"{MESSAGES_PER_PERSON_DAY:g} messages per person per working day, 40 channels, seed "
        f"{SEED}).",
        "",
        f"## Targets: {passed} of {len(report.targets)} met",
        "",
        "| target | status | measured |",
        "|---|---|---|",
        *[
            f"| {name} | {'PASS' if ok else '**FAIL**'} | {detail} |"
            for name, ok, detail in report.targets
        ],
        "",
        "## Results",
        "",
    ]
    for section, blocks in _section_blocks(report):
        lines += [_region(section, blocks), ""]
    lines += [
        "## How each figure is obtained",
        "",
        "* **Ingest**: `asyncmaturity.store.ingest.ingest([export], store=new_file)`, default options "
        "(1 GB DuckDB memory limit), into a fresh store each run, on two export shapes "
        "(`--shape`): *day files*, the simulator's own (every person's DMs with four partners: "
        "many small day files), and *channel files*, the same simulation without DMs or group "
        "DMs (40 public and 2 private channels: fewer, larger day files, as long-lived channels "
        "produce). The floor's fraction is the median of the rounds' ratios (floor and ingest "
        "run back to back in each round).",
        "* **Floor**: `SELECT count(*) FROM read_json([every day file], format = 'array', "
        "columns = {the nine columns the Slack source reads})` in a fresh in-memory DuckDB: the "
        "cost of parsing the JSON with DuckDB's JSON reader. The read_text row is the same count "
        "by `read_text` + `json_transform` (how the Slack source parses day files since "
        "commit cffcb12), shown for information: it is not a target.",
        "* **json + pandas** (`benchmarks/pandas_baseline.py`): `json.loads` of every file, "
        "columns into pyarrow-backed pandas frames, then the contract figures vectorised "
        "(per-zone `tz_convert`, merge of replies on roots, `numpy.busday_count` for working "
        "time). It runs once, end to end (load + compute); ingest + measure is what our tool "
        "needs to produce the same figures.",
        "* **json + Python** (`benchmarks/plain_baseline.py`): the script a user writes in an "
        "afternoon: `json.load` per file, dicts keyed by conversation and ts, local time by "
        "`datetime.fromtimestamp` with a `zoneinfo` zone per message, the first reply per root "
        "in one pass, quantiles by hand. It runs once, end to end.",
        "* **Measure**: `asyncmaturity.metrics.measure.measure(store=...)`: every registered metric for "
        "the organization and each scope (conversation kind, channel, month). The "
        "organization-only row builds the same frames, as `measure` keeps them, for the contract "
        "figures of the organization only (`measure` has no organization-only mode: a run that "
        "read its frames in one query could leave them unkept, `build_frames(keep=False)`, as "
        "`presence.active_people` does). CPU "
        "seconds count every thread of the process; on a loaded machine their ratio is the "
        "fairer one.",
        "* **SQL** (`benchmarks/sql_baseline.py`): hand-written DuckDB queries for the "
        "contract figures under the default charter, local time by ICU `timezone()` per row: "
        "one for the organization, and one with GROUPING SETS for the organization and the "
        "three breakdowns measure computes (conversation kind, channel, month). measure also "
        "computes six more metrics per group that the queries leave out.",
        "* **Agreement**: counts and shares within 1e-6 relative, latencies within 1 s.",
        "* **AWAIT** (`benchmarks/await_eval.py`): the rules of `asyncmaturity lint` (the "
        "signals ingest stores) against hand-labelled messages; precision and recall per element "
        "over the labelled requests (is_request over all messages), support = labelled positives, "
        "target precision >= 0.9 and recall >= 0.85; the deadline is exact when it equals the "
        "label to the local minute. Definitions in `benchmarks/await_eval/README.md`; the real "
        "sets' sources, licences and sampling in `benchmarks/await_eval/PROVENANCE.md` (their "
        "texts are read from ../shared/data and the sets are skipped where it is absent). "
        "What the rules cost, against an earlier revision's side by side (the signal SQL and "
        "Python's `signals`, CPU time per message): `.venv/bin/python benchmarks/await_cost.py "
        "REV`; the last round's figures are in that README.",
    ]
    if "scale" in report.table_sections:
        lines += [SCALE_METHOD]
    if "spark" in report.table_sections:
        lines += [SPARK_METHOD]
    if "pipeline" in report.table_sections:
        lines += [pipeline.METHOD]
    if "startup" in report.table_sections:
        lines += [startup.METHOD]
    if "incremental" in report.table_sections:
        lines += [
            "* **Incremental**: the day files of the export's last weekday alone (hard links "
            "under `benchmarks/work/incr/`), ingested with default options into an empty store, "
            "into a copy of a store of the export's first quarter of days, into a copy of a store "
            "of every other day, and then into that store again. The stores are ingested once and "
            "cached; each copy is flushed to disk before the timed ingest (else the ingest's "
            "checkpoint waits for the copy's writes). Slack messages are matched against the "
            "store only within the day's time span, since their key fixes their time "
            "(`TIME_KEYED` in `src/asyncmaturity/sources/interface.py`); the (before) row empties "
            "`TIME_KEYED`, so that the anti-join reads every stored key, as it still does for "
            "the other sources' tables.",
        ]
    lines += [""]
    lines += _why_missed(report.targets)
    if report.notes:
        lines += ["## Notes", "", *[f"* {n}" for n in report.notes], ""]
    return "\n".join(lines)


def _section_blocks(report: Report) -> list[tuple[str, list[str]]]:
    """This run's tables grouped by section, in order."""
    grouped: list[tuple[str, list[str]]] = []
    for section, block in zip(report.table_sections, report.tables, strict=True):
        if grouped and grouped[-1][0] == section:
            grouped[-1][1].append(block)
        else:
            grouped.append((section, [block]))
    return grouped


def _region(section: str, blocks: list[str]) -> str:
    """A section's tables between markers that a later partial run finds and replaces."""
    return "\n\n".join([f"<!-- section: {section} -->", *blocks, f"<!-- /section: {section} -->"])


SECTION_MARKER = re.compile(r"(?m)^<!-- /?section: [^>]* -->$")


def _masked(title: str) -> str:
    """A table's title with its numbers masked: the same table in another run."""
    return re.sub(r"\d[\d,.]*", "#", title.strip())


def merge_markdown(old: str, report: Report) -> str:
    """`old` BENCHMARKS.md with this run's sections, targets and notes on method replaced.

    A section's tables replace those between its markers; in a file written before the
    markers, the tables of the same titles (numbers aside); else they go at the end of the
    results. Each section says when and by what command it was measured, since the file's
    header describes the run that wrote it whole.
    """
    text = old
    for section, blocks in _section_blocks(report):
        stamp = (
            f"_Measured {report.started}, code at commit {report.machine['commit']}, by "
            f"`{report.command}`._"
        )
        region = _region(section, [stamp, *blocks])
        start, end = f"<!-- section: {section} -->", f"<!-- /section: {section} -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            text = head + region + rest.split(end, 1)[1]
            continue
        results = text.index("\n## Results\n")
        after = text.find("\n## ", results + 1)
        after = len(text) if after < 0 else after
        titles = {_masked(b.splitlines()[0]) for b in blocks}
        pieces, placed, inside = [], False, False
        for piece in re.split(r"(?m)^(?=### )", text[results:after]):
            # A table inside another section's markers is that section's, whatever its title;
            # a replaced piece keeps the markers it ends with (the next section's start).
            within, markers = inside, SECTION_MARKER.findall(piece)
            inside = not markers[-1].startswith("<!-- /") if markers else inside
            if piece.startswith("### ") and not within and _masked(piece.splitlines()[0]) in titles:
                if not placed:
                    pieces.append(region + "\n\n")
                    placed = True
                pieces += [marker + "\n\n" for marker in markers]
                continue
            pieces.append(piece)
        body = "".join(pieces).rstrip("\n")
        if not placed:
            body += "\n\n" + region
        text = text[:results] + body + "\n" + text[after:]
    return _merge_bullets(_merge_targets(text, report), render_markdown(report))


SCALE_METHOD = (
    "* **Scale** (`benchmarks/scale.py`): organizations of 10,000 people with chat, meetings and "
    "work items, written by `asyncmaturity.simulate.parquet.simulate_parquet` straight into the "
    "`export --parquet` layout; only the period grows (23, 228 and 1,137 days). Each run is "
    "`measure(store=folder)` on DuckDB, every metric and every scope, in a fresh process; "
    "DuckDB keeps the frames in a throwaway database file and uses its default memory limit "
    "(80% of RAM), spilling beyond it. The largest size runs once."
)
SPARK_METHOD = (
    "* **Spark** (`benchmarks/scale.py`): the same `measure` on the 1M-message folder with "
    '`engine="spark"` (PySpark local mode, `local[2]`, with the settings of `LOCAL_SETTINGS` in '
    "`src/asyncmaturity/store/evidence.py`: 4 shuffle partitions, a 4 GiB heap, no adaptive "
    "execution, the JIT's C1 tier only, the parallel collector) and on DuckDB, "
    "each in a fresh process, the two alternating round by round; seconds are the child's wall "
    "time, the JVM's start included; Spark jobs are those the run's Spark context reports; the "
    "JVM's memory is sampled every 0.2 s (getrusage cannot see it). Every organization and scope "
    "value is compared (counts exactly, other values to 1e-9 relative)."
)


def _merge_targets(text: str, report: Report) -> str:
    """The targets table with this run's rows replaced (by name) or added, and recounted."""
    lines = text.split("\n")
    header = next((i for i, line in enumerate(lines) if line.startswith("## Targets:")), None)
    if header is None or header + 2 >= len(lines) or not lines[header + 2].startswith("| target"):
        raise ValueError("no targets table")
    first = header + 4
    last = first
    while last < len(lines) and lines[last].startswith("| "):
        last += 1
    new = {
        name: f"| {name} | {'PASS' if ok else '**FAIL**'} | {detail} |"
        for name, ok, detail in report.targets
    }
    rows = [new.pop(row[2:].split(" | ", 1)[0], row) for row in lines[first:last]]
    rows += new.values()
    passed = sum(1 for row in rows if " | PASS | " in row)
    lines[header] = f"## Targets: {passed} of {len(rows)} met"
    lines[first:last] = rows
    return "\n".join(lines)


def _merge_bullets(text: str, rendered: str) -> str:
    """The notes on method with this run's (`rendered`) bullets replaced by label or added."""
    heading = "## How each figure is obtained\n"

    def bullets(doc: str) -> tuple[int, int, list[str]]:
        start = doc.index(heading) + len(heading)
        end = doc.find("\n## ", start)
        end = len(doc) if end < 0 else end
        lines = [line for line in doc[start:end].split("\n") if line]
        if not all(line.startswith("* **") for line in lines):
            raise ValueError("a note on method is not a one-line bullet")
        return start, end, lines

    def label(line: str) -> str:
        return line.split("**", 2)[1]

    start, end, old = bullets(text)
    merged = list(old)
    for line in bullets(rendered)[2]:
        same = [i for i, o in enumerate(merged) if label(o) == label(line)]
        if same:
            merged[same[0]] = line
        else:
            merged.append(line)
    return text[:start] + "\n" + "\n".join(merged) + "\n" + text[end:]


# Why a target is out of reach when it is missed, keyed by the start of the target's name.
WHY_MISSED = {
    "ingest >= 10x": "**10x the json + pandas baseline** is out of reach on this machine for any "
    "ingest that parses the JSON: parsing alone (the read_text + json_transform row, the fastest "
    "way we found to get the fields out of hundreds of thousands of small files) takes about a "
    "third of the pandas baseline's whole time, so even an ingest that did nothing but parse "
    "would be about 3-5x faster, not 10x. The baseline is a fair, vectorised one (no Python loop "
    "per message); against it ingest is about as fast while keeping less than half its peak "
    "memory, and the store pays off on every later question: measure answers again in seconds "
    "where pandas re-reads the JSON.",
    "ingest >= 1/2 of the read_json floor": "**Ingest at half the read_json floor on channel "
    "files** is missed: there the JSON reader's cost per file weighs little, and ingest's own "
    "work per message dominates. Profiled by CPU time on a 180,912-message channel-files export "
    "(2,616 day files): ingest 2.85-2.94 s against the floor's 0.72 s. The statement that "
    "derives the messages takes 1.6 s, about three quarters of it the projection of the text "
    "features and AWAIT signals (some 25 RE2 evaluations per message, 5.4 us per message); "
    "parsing (read_text + json_transform, unnest) 0.3 s, the insert into the store 0.4 s. "
    "Prefilters do not pay here: gates derived from each pattern's required literals, with "
    "the intermediate texts computed once, saved 3-7% of the signals' time (messages are short, "
    "RE2 rejects them about as fast as a substring test), and gates inside the one SELECT list "
    "doubled it (DuckDB does not share subexpressions inside CASE). The feature projection runs "
    "one task per 122,880-row row group of the staged table, so a batch below that size uses "
    "one core whatever the thread count (the same time with 1 and 2 threads on 105k messages).",
    "ingest + measure faster than the pandas": "**ingest + measure faster than json + pandas** "
    "is missed: the baseline computes the contract figures only, while ingest also derives "
    "every message's text features and AWAIT signals (about half its time) and measure every "
    "metric and scope; at this size measure's fixed costs weigh as much as its work. The store "
    "pays off on every later question, which pandas answers by reading the JSON again.",
    "measure cost grows linearly": "**Linear growth of measure holds to 10M messages, not to "
    "50M**: per million messages, the 1M run costs more than the 10M run (fixed costs such as "
    "Parquet discovery and the per-person tables weigh more on a small organization-period), "
    "and the 50M run costs about 1.7x the 10M run. Its peak memory (14.4 GiB) stays below "
    "DuckDB's default limit (80% of RAM, 18.8 GiB). Which steps grow faster than the messages "
    "has not been profiled yet.",
    "measure for the organization within 1.5x": "**measure for the organization within 1.5x "
    "of the hand-written query** is missed: by CPU time with one DuckDB thread on the "
    "10,313,322-message store (commit 92273e6), the query takes 9.5-9.7 s and the organization "
    "row 16.9 s (1.76x; 18.6 s before that commit): 1.7 s resolving the charter (the working norms are detected from every "
    "message's local weekday and hour, which the query does not do), 6.1-6.4 s building the "
    "human frame, about half of it copying its 29 columns into a temporary table (each "
    "32-character key about 1.1 s), 6.5-7.0 s the roots frame (the first-reply pairs and their "
    "arg-min about 2 s, the copy about 2 s) and 2.2 s the aggregates. The query's own human CTE "
    "carries the 7 columns its figures read; the frames carry every column some metric reads "
    "(a full measure reads them all), so the gap closes only with frames narrowed to the "
    "columns a run's metrics read.",
    "measure within 2x": "**measure within 2x of one SQL query**: measure materializes its two "
    "frames (human messages with local time, thread roots with their first reply) so that every "
    "metric of every scope reads them, and goes through Ibis so that the same definitions run "
    "on Spark; one query fused by DuckDB's optimizer does less copying.",
}


def _why_missed(targets: list[tuple[str, bool, str]]) -> list[str]:
    reasons = {
        text
        for name, ok, _ in targets
        if not ok
        for prefix, text in WHY_MISSED.items()
        if name.startswith(prefix)
    }
    if not reasons:
        return []
    return ["## Why the missed targets are missed", "", *[f"* {r}" for r in sorted(reasons)], ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--messages",
        type=int,
        default=5_000_000,
        help="messages in the export that ingest, the floor and pandas read",
    )
    parser.add_argument(
        "--measure-messages",
        type=int,
        default=10_000_000,
        help="messages in the store that measure and the SQL query read",
    )
    parser.add_argument(
        "--incremental-messages",
        type=int,
        default=INCREMENTAL_MESSAGES,
        help="messages in the export whose last weekday the incremental section adds",
    )
    parser.add_argument(
        "--scale-sizes",
        default="1000000,10000000,50000000",
        help="message counts of the simulated organizations that measure reads (comma-separated)",
    )
    parser.add_argument(
        "--spark-messages",
        type=int,
        default=1_000_000,
        help="messages of the simulated organization measured on Spark local mode and DuckDB",
    )
    parser.add_argument(
        "--pipeline-messages",
        type=int,
        default=1_000_000,
        help="messages in the store that assess and measure read side by side",
    )
    parser.add_argument(
        "--baseline-commit",
        default=pipeline.BASELINE_COMMIT,
        help="the commit whose measure runs beside this checkout's on the measure store",
    )
    parser.add_argument(
        "--startup-baseline",
        default=startup.BASELINE_COMMIT,
        help="the commit whose cold `lint` and `--help` run beside this checkout's",
    )
    parser.add_argument(
        "--startup-runs", type=int, default=20, help="pairs of whole processes per command"
    )
    parser.add_argument(
        "--shape",
        choices=list(SHAPES),
        action="append",
        help="the export shapes the ingest section reads (default: every one)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds per comparison (median)")
    parser.add_argument("--workdir", type=Path, default=HERE / "work")
    parser.add_argument(
        "--pandas-messages",
        type=int,
        default=None,
        help="run the pandas baseline on an export this size and scale its time "
        "(default: the ingest export itself)",
    )
    parser.add_argument(
        "--skip",
        choices=SECTIONS,
        action="append",
        default=[],
    )
    parser.add_argument("--write-md", action="store_true", help="rewrite BENCHMARKS.md")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child_main(*args.child)
        return 0
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    shown = [a for a in (argv if argv is not None else sys.argv[1:])]
    report = Report(
        command=" ".join([".venv/bin/python benchmarks/run.py", *shown]),
        machine=machine_info(),
        started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        repeat=args.repeat,
    )
    print(json.dumps(report.machine), flush=True)
    started = time.perf_counter()
    if "ingest" not in args.skip:
        report.section = "ingest"
        for shape in args.shape or list(SHAPES):
            ingested = bench_ingest(report, workdir, args.messages, args.repeat, shape)
            bench_pandas(report, workdir, ingested, args.pandas_messages)
    if "measure" not in args.skip:
        report.section = "measure"
        bench_measure(report, workdir, args.measure_messages, args.repeat)
    if "incremental" not in args.skip:
        report.section = "incremental"
        bench_incremental(report, workdir, args.incremental_messages, args.repeat)
    formats = {"s": _s, "gib": _gib}
    if "scale" not in args.skip:
        report.section = "scale"
        sizes = [int(size) for size in args.scale_sizes.split(",")]
        scale.bench_scale(report, workdir, sizes, args.repeat, run_child, formats)
    if "spark" not in args.skip:
        report.section = "spark"
        alone = " ".join(f"--skip {s}" for s in SECTIONS if s != "spark")
        alone += f" --repeat {args.repeat}"
        scale.bench_spark(
            report,
            workdir,
            args.spark_messages,
            run_child,
            formats,
            repeat=args.repeat,
            reproduce=f".venv/bin/python benchmarks/run.py {alone}",
        )
    if "pipeline" not in args.skip:
        report.section = "pipeline"
        small, small_info = cached_export(workdir, args.pipeline_messages)
        large, large_info = cached_export(workdir, args.measure_messages)
        pipeline.bench_pipeline(
            report,
            workdir=workdir,
            store=cached_store(workdir, small)[0],
            store_title=f"store of {int(small_info['messages']):,} messages",
            large_store=cached_store(workdir, large)[0],
            large_title=f"store of {int(large_info['messages']):,} messages",
            baseline=args.baseline_commit,
            repeat=args.repeat,
            formats=formats,
        )
    if "sources" not in args.skip:
        report.section = "sources"
        bench_mbox(report, workdir, args.repeat)
        bench_calendar(report, workdir, args.repeat)
    if "await" not in args.skip:
        report.section = "await"
        bench_await(report)
    if "assist" not in args.skip:
        report.section = "assist"
        bench_assist(report)
    if "startup" not in args.skip:
        report.section = "startup"
        alone = " ".join(f"--skip {s}" for s in SECTIONS if s != "startup")
        startup.bench_startup(
            report,
            workdir=workdir,
            baseline=args.startup_baseline,
            runs=args.startup_runs,
            reproduce=f".venv/bin/python benchmarks/run.py {alone}",
        )
    print(f"benchmarks took {time.perf_counter() - started:.0f} s", flush=True)
    print("\nTargets:")
    for name, ok, detail in report.targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    if args.write_md:
        write_markdown(report, REPO / "BENCHMARKS.md", merge=bool(args.skip))
    return 0 if all(ok for _, ok, _ in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main())
