"""Draw the third tracker dev set: Bugzilla descriptions and comments no labelled set holds, seeded.

    .venv/bin/python benchmarks/await_tracker_sample.py OUT.jsonl [--bugs GIT_DIR] [--size N]

Writes one candidate a line (pointer, send time, zone, stratum and the text, for labelling), from
the Bugzilla fixture of mozilla/bugbug (its ``bugs.json`` test fixture, MPL-2.0, read from a bare
git snapshot), cleaned as ``tracker_dev2.jsonl``'s draw did: no bots, no "Invalid Bugs", quoted lines
and "(In reply to ...)" removed, 1 to 1,500 characters. A text whose key a labelled dev set holds
(``tracker_dev2.jsonl``, ``real_windows_dev.jsonl``) is left out. Every remaining description
(comment 0, stratum "description") is taken first, since the frozen tracker part is mostly
descriptions; then comments (stratum "comment"), shuffled with seed 20261230, at most 2 a bug,
until N texts (120).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from await_windows_sample import BUGS, bugzilla_records

SEED = 20261230
SIZE = 120
COMMENTS_PER_BUG = 2
HERE = Path(__file__).resolve().parent / "await_eval"
# Labelled dev sets that hold Bugzilla texts of the same fixture.
LABELLED = (HERE / "tracker_dev2.jsonl", HERE / "real_windows_dev.jsonl")


def taken_keys() -> set[str]:
    """The source keys the labelled Bugzilla sets already hold."""
    return {
        json.loads(line)["source"]["key"]
        for path in LABELLED
        for line in path.read_text(encoding="utf-8").splitlines()
    }


def candidates(bugs: Path) -> list[dict]:
    """Every human description and comment of the fixture no labelled set holds, in file order."""
    return list(bugzilla_records(bugs, taken_keys()))


def draw(rows: list[dict], size: int) -> list[dict]:
    """All descriptions, then seeded comments at most ``COMMENTS_PER_BUG`` a bug, up to ``size``."""
    descriptions = [r for r in rows if r["stratum"] == "description"]
    comments = [r for r in rows if r["stratum"] == "comment"]
    random.Random(SEED).shuffle(descriptions)
    random.Random(SEED).shuffle(comments)
    chosen = descriptions[:size]
    per_bug: dict[str, int] = {}
    for row in comments:
        if len(chosen) >= size:
            break
        bug = row["source"]["key"].split("#")[0]
        if per_bug.get(bug, 0) < COMMENTS_PER_BUG:
            per_bug[bug] = per_bug.get(bug, 0) + 1
            chosen.append(row)
    return chosen


def main(out: Path, bugs: Path, size: int) -> None:
    rows = draw(candidates(bugs), size)
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    print(len(rows), "texts", file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("out", type=Path, metavar="OUT.jsonl", help="the file to write")
    parser.add_argument(
        "--bugs", type=Path, default=BUGS, metavar="GIT_DIR", help="bugbug's snapshot"
    )
    parser.add_argument("--size", type=int, default=SIZE, help=f"texts to draw (default {SIZE})")
    args = parser.parse_args()
    main(args.out, args.bugs, args.size)
