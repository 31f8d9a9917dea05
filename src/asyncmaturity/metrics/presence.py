"""Who was present in each of several periods: the people a before/after comparison compares.

A pilot's change means something only when mostly the same people wrote in both periods;
:func:`active_people` returns, per period, the pseudonymous keys of the authors of human
messages (the people `people.active` counts), for the adapters to compare as counts only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from asyncmaturity.charter import Charter
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.store.evidence import open_evidence

Bounds = tuple[date | datetime | None, date | datetime | None]


def active_people(
    store: Path | str,
    periods: Sequence[Bounds],
    *,
    charter: Charter | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    secret: str | None = None,
) -> list[frozenset[str]]:
    """The authors of human messages in each period, in one opening of the evidence.

    Parameters:
        store: an evidence store, or a Parquet export (see :func:`open_evidence`).
        periods: (since, until) pairs, UTC; a date `until` includes that whole day.
        charter: the norms that say who is a bot or excluded (the defaults when omitted).
        engine, spark_master, secret: how to read the store.
    """
    charter = charter or Charter()
    found = []
    with open_evidence(store, engine=engine, spark_master=spark_master, secret=secret) as opened:
        for since, until in periods:
            # One query reads the period's frame: computing it into a table would cost more.
            frames = build_frames(opened, charter, since=since, until=until, keep=False)
            authors = frames.human.select("author_id").distinct().to_pyarrow()
            ids = authors["author_id"].to_pylist()
            # Person ids count from 0: only a missing one (an author the store does not know) is
            # left out.
            found.append(frozenset(str(key) for key in ids if key is not None))
    return found


__all__ = ["active_people"]
