"""Run one `asyncmaturity` command line in this interpreter and print its time and peak memory.

`benchmarks/pipeline.py` starts it in a fresh interpreter per run, with `PYTHONPATH` set to an
earlier commit's source tree when that commit's command is timed. It imports the package only
through its command line, which every commit has had.

    .venv/bin/python benchmarks/cli_child.py measure --store team.duckdb --json metrics.json
"""

from __future__ import annotations

import json
import resource
import sys
import time
from contextlib import redirect_stdout
from io import StringIO


def main(argv: list[str]) -> int:
    """Run `asyncmaturity ARGV...`; print RESULT {seconds, peak_rss}; its exit status."""
    started = time.perf_counter()
    from asyncmaturity.cli import app

    status = 0
    with redirect_stdout(StringIO()):
        try:
            app(argv, standalone_mode=False)
        except SystemExit as stopped:
            status = int(stopped.code or 0)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print("RESULT " + json.dumps({"seconds": seconds, "peak_rss": peak}))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
