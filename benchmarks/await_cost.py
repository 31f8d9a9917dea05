"""What the AWAIT rules cost, this tree against an earlier revision's rules, side by side.

    .venv/bin/python benchmarks/await_cost.py [REV] [--copies N] [--rounds N]

REV (default ``main``) names the git revision whose ``await_protocol/rules.py`` is the
baseline; it is loaded beside this tree's module (the rules import only the vocabulary, so the
two coexist). Measured on the texts of every labelled AWAIT set (the real sets where
``../shared/data`` is present), repeated `--copies` times, each copy made distinct (its number
on a line of its own after the text: the signal SQL computes a text that several messages share
once, which copies alone would credit it with): the ingest's signal expression
(``signals_sql``) over a DuckDB table on one thread, CPU microseconds per message (one
``SELECT`` that counts every signal), the CPU seconds of the same statement over an empty table
(binding and planning it, the patterns' compilation included: every ingest statement pays it),
and ``rules.signals`` in Python (what ``lint`` adds its explanation to), CPU microseconds per
message; the best of `--rounds` rounds that alternate the two rules. With
`--ingest-planning`, each revision's statements are planned as its ingest plans them: under
``signal_planning`` (without the optimizers that compile the patterns again) where its
``sources/features.py`` has it, else with every optimizer. Nothing is written; the figures go
to stdout.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from types import ModuleType

import duckdb

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from await_eval import AWAIT_SETS, SETS, load  # noqa: E402
from await_real import ArchiveMissing  # noqa: E402

from asyncmaturity.await_protocol import rules as current  # noqa: E402
from asyncmaturity.sources.features import signal_planning  # noqa: E402

RULES = "src/asyncmaturity/await_protocol/rules.py"


def rules_at(revision: str, folder: Path) -> ModuleType:
    """The rules module as it was at `revision`, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{revision}:{RULES}"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    path = folder / "rules_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("rules_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def plans_lean(revision: str) -> bool:
    """Whether the ingest at `revision` plans the signals' statements under ``signal_planning``."""
    features = subprocess.run(
        ["git", "show", f"{revision}:src/asyncmaturity/sources/features.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return "def signal_planning(" in features


def texts() -> list[str]:
    """The text of every message of every labelled set that can be read here."""
    found: list[str] = []
    for name in [*SETS]:
        if name not in AWAIT_SETS and name != "friction":
            continue
        try:
            found += [record["text"] for record in load(name)]
        except ArchiveMissing:
            continue
    return found


def sql_us(module: ModuleType, con: duckdb.DuckDBPyConnection, count: int) -> float:
    """Microseconds per message of the signal expression, one run."""
    columns = ", ".join(f"count(*) FILTER ({name})" for name in module.SIGNALS)
    query = f"SELECT {columns} FROM (SELECT {module.signals_sql('text')} FROM drafts)"
    start = time.process_time()
    con.execute(query).fetchall()
    return (time.process_time() - start) / count * 1e6


def plan_s(module: ModuleType, con: duckdb.DuckDBPyConnection) -> float:
    """CPU seconds of the signal expression's statement over an empty table, one run."""
    columns = ", ".join(f"count(*) FILTER ({name})" for name in module.SIGNALS)
    query = f"SELECT {columns} FROM (SELECT {module.signals_sql('text')} FROM nothing)"
    start = time.process_time()
    con.execute(query).fetchall()
    return time.process_time() - start


def python_us(module: ModuleType, items: list[str]) -> float:
    """Microseconds per message of `signals` in Python, one pass."""
    start = time.process_time()
    for text in items:
        module.signals(text)
    return (time.process_time() - start) / len(items) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", nargs="?", default="main")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ingest-planning", action="store_true")
    args = parser.parse_args()
    items = texts()
    # One thread and CPU time: the machine is shared, and wall time there measures the load.
    con = duckdb.connect(config={"threads": 1})
    con.execute("CREATE TABLE drafts (text VARCHAR)")
    con.execute("CREATE TABLE nothing (text VARCHAR)")
    distinct = [f"{text}\n{copy}" for copy in range(args.copies) for text in items]
    con.executemany("INSERT INTO drafts VALUES (?)", [(t,) for t in distinct])
    count = len(items) * args.copies
    with tempfile.TemporaryDirectory() as folder:
        modules = {args.revision: rules_at(args.revision, Path(folder)), "this tree": current}
        lean = {args.revision: plans_lean(args.revision), "this tree": True}
        for module in modules.values():
            python_us(module, items)  # compile the patterns first
        # Rounds alternate the two rules, so that a load on a shared machine weighs on both; the
        # best round of each is reported.
        sql = {label: float("inf") for label in modules}
        python = {label: float("inf") for label in modules}
        plan = {label: float("inf") for label in modules}
        for _ in range(args.rounds):
            for label, module in modules.items():
                planning = args.ingest_planning and lean[label]
                with signal_planning(con) if planning else nullcontext():
                    plan[label] = min(plan[label], plan_s(module, con))
                    sql[label] = min(sql[label], sql_us(module, con, count))
                python[label] = min(python[label], python_us(module, items))
        planned = "as each ingest plans them" if args.ingest_planning else "with every optimizer"
        print(f"{len(items)} texts x {args.copies} distinct copies = {count} messages in DuckDB")
        print(f"statements planned {planned}")
        print(
            "| rules | signal SQL (us/message) | planning the statement (s) "
            "| signals in Python (us/message) |"
        )
        print("|---|---:|---:|---:|")
        for label in modules:
            print(f"| {label} | {sql[label]:.1f} | {plan[label]:.3f} | {python[label]:.0f} |")
        first, last = modules
        print(
            f"this tree / {first}: SQL {sql[last] / sql[first]:.2f}x, "
            f"planning {plan[last] / plan[first]:.2f}x, Python {python[last] / python[first]:.2f}x"
        )


if __name__ == "__main__":
    main()
