"""mbox parsing speed side by side with GrimoireLab's Perceval mbox backend, on the same archive.

The requirement: the mbox source parses at least 5x faster than Perceval's ``MBox`` backend.
The archive is built (once, cached under ``--workdir``) from the real Mailman archives of the
twisted-python list in ../shared/data/mbox-twisted-2010: its distinct messages repeated, each copy
renumbered (Message-ID, In-Reply-To and References get a copy prefix, so every Message-ID is
unique and threads stay within a copy), up to ``--messages`` messages in one plain mbox file.

Each contender runs in a fresh interpreter (its peak RSS is its own; imports are not timed) and
the contenders run interleaved, round by round, ``--repeat`` rounds; the table gives medians:

- perceval: ``list(MBox(uri, path).fetch())``, every item of the archive (its own copy to a
  temporary file included, as its fetch always does);
- parse: ours, the step that turns the archive into staged Arrow rows (``parse_mbox``);
- ingest: ours, the whole ``ingest`` into a new store (parse, features, keys, threads, commit).

    .venv/bin/python benchmarks/mbox_bench.py                     # 100k messages, 3 rounds
    .venv/bin/python benchmarks/mbox_bench.py --messages 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SOURCE = REPO.parent / "shared" / "data" / "mbox-twisted-2010"
TARGET_SPEEDUP = 5.0
# End-to-end ingest against Perceval, by archive size (issue 19).
INGEST_TARGETS = {11_000: 5.0, 100_000: 10.0}
CONTENDERS = ("perceval", "parse", "ingest")
ID_HEADERS = re.compile(
    rb"^(message-id|in-reply-to|references)([ \t]*:)(.*(?:\n[ \t].*)*)", re.M | re.I
)
ANGLED = re.compile(rb"<([^<>\s]+)>")


# ---------------------------------------------------------------------------------------------
# The archive


def _source_messages() -> list[bytes]:
    """The distinct messages (by Message-ID) of the twisted-python 2010 archives, in order."""
    from asyncmaturity.sources.mail import split_mbox

    seen: set[bytes] = set()
    messages: list[bytes] = []
    for archive in sorted(SOURCE.glob("*.txt.gz")):
        with gzip.open(archive, "rb") as stream:
            for raw in split_mbox(stream):
                found = re.search(rb"(?im)^message-id:[ \t]*<([^<>\s]+)>", raw)
                if found is None or found.group(1) in seen:
                    continue
                seen.add(found.group(1))
                messages.append(raw if raw.endswith(b"\n") else raw + b"\n")
    return messages


def _renumbered(raw: bytes, copy: int) -> bytes:
    """`raw` with every message id in its header block prefixed by the copy number."""
    end = raw.find(b"\n\n")
    head, body = (raw, b"") if end < 0 else (raw[:end], raw[end:])

    def rename(match: re.Match[bytes]) -> bytes:
        ids = ANGLED.sub(lambda m: b"<c%d." % copy + m.group(1) + b">", match.group(3))
        return match.group(1) + match.group(2) + ids

    return ID_HEADERS.sub(rename, head) + body


def build_archive(workdir: Path, messages: int) -> Path:
    """The benchmark mbox of `messages` messages (built once, then reused)."""
    target = workdir / f"twisted-x{messages}.mbox"
    if target.exists():
        return target
    workdir.mkdir(parents=True, exist_ok=True)
    source = _source_messages()
    partial = target.with_suffix(".partial")
    written = 0
    with partial.open("wb") as out:
        copy = 0
        while written < messages:
            for raw in source:
                out.write(_renumbered(raw, copy))
                written += 1
                if written >= messages:
                    break
            copy += 1
    partial.rename(target)
    return target


# ---------------------------------------------------------------------------------------------
# Children: one contender, one run, one JSON line


def _children_cpu() -> float:
    """CPU seconds of this process's reaped children (the ingest's parsing workers)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _child(kind: str, archive: Path, workdir: Path) -> dict[str, Any]:
    """One timed run of contender `kind`; cpu counts its worker processes too."""
    children = _children_cpu()
    if kind == "perceval":
        import logging

        from perceval.backends.core.mbox import MBox

        logging.disable(logging.WARNING)  # it logs every message it drops
        started, cpu = time.perf_counter(), time.process_time()
        items = sum(1 for _ in MBox("https://example.org/list", str(archive)).fetch())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    elif kind == "parse":
        from asyncmaturity.sources.mail import MailFile, parse_mbox

        started, cpu = time.perf_counter(), time.process_time()
        files = [MailFile(archive, str(archive), "twisted")]
        items = sum(table.num_rows for table in parse_mbox(files))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    else:
        # The ingest loads its source's module when it meets the format; imported here, as
        # Perceval's backend is above, so that neither contender's imports are timed.
        import asyncmaturity.sources.mail  # noqa: F401
        from asyncmaturity.store.ingest import ingest

        store = workdir / "bench-ingest.duckdb"
        store.unlink(missing_ok=True)
        started, cpu = time.perf_counter(), time.process_time()
        summary = ingest([archive], store=store, format="mbox")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        items = summary.added.get("messages", 0) + summary.duplicates.get("messages", 0)
        store.unlink(missing_ok=True)
    cpu += _children_cpu() - children
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    # The largest worker's own peak (forked workers share the parent's pages until written).
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "kind": kind,
        "seconds": seconds,
        "cpu": cpu,
        "items": items,
        "peak_rss": peak,
        "worker_peak_rss": worker_peak,
    }


def run_child(kind: str, archive: Path, workdir: Path) -> dict[str, Any]:
    env = {**os.environ, "TMPDIR": str(workdir)}  # Perceval copies the archive to a temp file
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--archive",
            str(archive),
            "--workdir",
            str(workdir),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------------------------
# The comparison


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=HERE / "work" / "mbox")
    parser.add_argument("--child", choices=CONTENDERS)
    parser.add_argument("--archive", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.archive, args.workdir)))
        return
    if not SOURCE.is_dir():
        raise SystemExit(f"{SOURCE}: the twisted-python archives are needed to build the archive")
    archive = build_archive(args.workdir, args.messages)
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in CONTENDERS}
    for round_no in range(args.repeat):
        for kind in CONTENDERS:
            result = run_child(kind, archive, args.workdir)
            runs[kind].append(result)
            print(
                f"round {round_no + 1}: {kind:8} {result['seconds']:7.2f} s  "
                f"{result['items']:,} items  {result['peak_rss'] / 2**20:,.0f} MiB",
                file=sys.stderr,
            )
    print(report(archive, args.messages, runs))


def report(archive: Path, messages: int, runs: dict[str, list[dict[str, Any]]]) -> str:
    """The Markdown table: medians, messages per second, ratios against Perceval, peak RSS.

    Besides the ratio of median wall times, the table gives the median of the per-round ratios
    (each contender against the Perceval run of the same round, which cancels load that drifts
    between rounds) and the ratio of CPU times (process time of the timed section; DuckDB's own
    threads count in it, so it is no flattery for the ingest).
    """
    median = {k: statistics.median(r["seconds"] for r in results) for k, results in runs.items()}
    cpu = {k: statistics.median(r["cpu"] for r in results) for k, results in runs.items()}
    base = runs["perceval"]
    labels = {
        "perceval": "Perceval `MBox(...).fetch()` (all items)",
        "parse": "asyncmaturity mbox parse (`parse_mbox`, staged rows)",
        "ingest": "asyncmaturity `ingest` into a new store",
    }
    rounds = len(base)
    lines = [
        f"mbox archive: {archive.name}, {messages:,} messages, "
        f"{archive.stat().st_size / 2**20:,.0f} MiB; {rounds} interleaved round(s), a fresh "
        f"interpreter each; {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs",
        "",
        "| contender | items | median s | messages/s | vs Perceval (medians) "
        "| vs Perceval (per round) | vs Perceval (CPU s) | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    paired: dict[str, list[float]] = {}
    for kind in CONTENDERS:
        results = runs[kind]
        paired[kind] = [b["seconds"] / r["seconds"] for b, r in zip(base, results, strict=True)]
        per_round = statistics.median(paired[kind])
        spread = f" ({min(paired[kind]):.1f}-{max(paired[kind]):.1f})" if rounds > 1 else ""
        peak = max(r["peak_rss"] for r in results) / 2**20
        lines.append(
            f"| {labels[kind]} | {results[-1]['items']:,} | {median[kind]:.2f} | "
            f"{messages / median[kind]:,.0f} | {median['perceval'] / median[kind]:.1f}x | "
            f"{per_round:.1f}x{spread} | {cpu['perceval'] / cpu[kind]:.1f}x | {peak:,.0f} |"
        )
    speedup = min(median["perceval"] / median["parse"], statistics.median(paired["parse"]))
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "MISSES"
    lines += [
        "",
        f"Parse speed-up over Perceval: {speedup:.1f}x, the lower of the two wall-time ratios "
        f"({verdict} the {TARGET_SPEEDUP:.0f}x target).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
