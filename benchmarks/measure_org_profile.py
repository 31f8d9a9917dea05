"""Where the organization-only measure's time goes on DuckDB: each statement it runs (the kept
frames and the queries whose rows come back), its wall and CPU time, and what keeping each frame
costs per column.

    .venv/bin/python benchmarks/measure_org_profile.py STORE
    .venv/bin/python benchmarks/measure_org_profile.py STORE --threads 1 --columns --explain 5

STORE is an evidence store (never a shared one: DuckDB opens it for writing its temporary
tables), such as the 10M-message one of the benchmarks' measure section. The run is
``benchmarks/run.py``'s ``measure_org`` task (the frames as `measure` keeps them, the contract
figures of the organization), in this process. CPU is the process's (every DuckDB thread): on a
shared machine compare it, with one thread, rather than wall time. ``--explain N`` runs each
statement once more under ``EXPLAIN ANALYZE`` first and prints its N costliest operators
(profiling slows them, so read the shares, not the seconds). ``--columns`` copies each kept
frame's columns one at a time into a temporary table: what keeping that column costs.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

# An operator's box in DuckDB's EXPLAIN ANALYZE rendering: its name, then its rows and time.
_OPERATOR = re.compile(r"╭─ ([A-Za-z_ ]+?) ─")
_TIMING = re.compile(r"([\d,]+) rows\s+([\d.]+)(ms|s|µs)")


def costliest_operators(plan: str, top: int) -> list[tuple[str, int, float]]:
    """The `top` operators of a rendered EXPLAIN ANALYZE `plan` by time: (name, rows, seconds).

    Boxes sit side by side, so an operator's name and its timing are matched by column.
    """
    names: dict[int, str] = {}
    found: list[tuple[str, int, float]] = []
    for line in plan.splitlines():
        for match in _OPERATOR.finditer(line):
            names[match.start()] = match.group(1)
        for match in _TIMING.finditer(line):
            left = [start for start in names if start <= match.start()]
            name = names[max(left)] if left else "?"
            scale = {"s": 1.0, "ms": 1e-3, "µs": 1e-6}[match.group(3)]
            found.append(
                (name, int(match.group(1).replace(",", "")), float(match.group(2)) * scale)
            )
    return sorted(found, key=lambda row: -row[2])[:top]


def profile(store: Path, threads: int | None, explain: int, columns: bool) -> None:
    """Run the organization-only measure on `store`, printing every statement as it ends."""
    import ibis
    import ibis.backends.duckdb as duckdb_backend
    import run

    kept: list[tuple[Any, str]] = []

    def timed(method: str) -> None:
        original: Callable[..., Any] = getattr(duckdb_backend.Backend, method)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if threads is not None:
                self.con.execute(f"SET threads = {threads}")
            name = args[0] if method == "create_table" else "fetch"
            expr = args[1] if method == "create_table" else args[0]
            if explain:
                self._run_pre_execute_hooks(expr)
                sql = str(ibis.to_sql(expr, dialect="duckdb"))
                plan = self.con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()[0][1]
            started, cpu = time.perf_counter(), time.process_time()
            result = original(self, *args, **kwargs)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"{method:12s} {name:12s} wall {wall:6.2f} s  CPU {cpu:6.2f} s", flush=True)
            if explain:
                for operator, rows, seconds in costliest_operators(plan, explain):
                    print(f"    {operator:20s} {rows:>12,} rows {seconds:7.2f} s (profiled)")
            if method == "create_table":
                kept.append((self, name))
            return result

        setattr(duckdb_backend.Backend, method, wrapper)

    timed("create_table")
    timed("to_pyarrow")
    started, cpu = time.perf_counter(), time.process_time()
    result = run._task_measure_org({"store": str(store)})
    total_wall, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{'total':25s} wall {total_wall:6.2f} s  CPU {total_cpu:6.2f} s")
    print(f"figures: {result['figures']}")
    if columns:
        _column_costs(store, threads)


def _column_costs(store: Path, threads: int | None) -> None:
    """Copy each kept frame's columns one at a time, the best of two: what keeping each costs."""
    from asyncmaturity.charter import Charter
    from asyncmaturity.metrics.frames import build_frames
    from asyncmaturity.store.evidence import open_evidence

    with open_evidence(store) as evidence:
        assert evidence.store is not None, "a DuckDB store"
        con = evidence.store.con
        frames = build_frames(evidence, Charter())
        frames.require("roots")  # builds and keeps both chat frames
        if threads is not None:
            con.execute(f"SET threads = {threads}")
        for frame in ("_am_human", "_am_roots"):
            costs: dict[str, float] = {}
            for (column,) in con.execute(
                f"SELECT column_name FROM (DESCRIBE temp.{frame})"
            ).fetchall():
                best = float("inf")
                for _ in range(2):
                    cpu = time.process_time()
                    con.execute(
                        f'CREATE OR REPLACE TEMP TABLE _column_cost AS SELECT "{column}" FROM temp.{frame}'
                    )
                    best = min(best, time.process_time() - cpu)
                costs[column] = best
            print(f"{frame}: {sum(costs.values()):.2f} CPU s to copy its columns one at a time")
            for column, seconds in sorted(costs.items(), key=lambda item: -item[1]):
                print(f"    {column:20s} {seconds:6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="an evidence store of your own")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: DuckDB's own)")
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="print each statement's N costliest operators",
    )
    parser.add_argument("--columns", action="store_true", help="what keeping each column costs")
    args = parser.parse_args()
    profile(args.store, args.threads, args.explain, args.columns)


if __name__ == "__main__":
    main()
