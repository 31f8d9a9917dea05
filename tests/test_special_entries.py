"""A folder entry named like an export file that is no file (a FIFO, a symlink loop) is neither
opened nor silently passed over: detection steps over it, and ingest counts it as skipped."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from asyncmaturity.errors import RejectedRecords
from asyncmaturity.sources import detect_source
from asyncmaturity.sources.common import UNREADABLE_ENTRY
from asyncmaturity.store.ingest import ingest

REAL = Path(__file__).parent / "fixtures" / "real"
# A real sample folder of each source whose folder reader lists files by their suffix.
SAMPLES = {
    "discord": (REAL / "discord" / "zulip_discord_importer", ".json"),
    "teams": (REAL / "teams" / "cli_microsoft365_graph_responses", ".json"),
    "rocketchat": (REAL / "rocketchat" / "sdk_rest_responses", ".json"),
    "ical": (REAL / "ical", ".ics"),
}


@pytest.fixture
def no_blocking() -> Iterator[None]:
    """Fail instead of hanging for good should a reader open the FIFO."""

    def blocked(signum: int, frame: object) -> None:
        raise TimeoutError("a reader opened the FIFO and blocked")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _with_special_entries(source: str, tmp_path: Path) -> Path:
    sample, suffix = SAMPLES[source]
    folder = tmp_path / source
    shutil.copytree(sample, folder, ignore=shutil.ignore_patterns("PROVENANCE.md"))
    os.mkfifo(folder / f"a-fifo{suffix}")
    (folder / f"a-loop{suffix}").symlink_to(folder / f"a-loop{suffix}")
    return folder


@pytest.mark.parametrize("source", sorted(SAMPLES))
def test_a_fifo_and_a_symlink_loop_beside_the_export_are_counted(
    source: str, tmp_path: Path, no_blocking: None
) -> None:
    folder = _with_special_entries(source, tmp_path)
    assert detect_source(folder).name == source
    summary = ingest([folder], store=tmp_path / "s.duckdb", format=source)
    (export,) = summary.exports
    assert export.skipped[UNREADABLE_ENTRY] == 2
    assert {line for line in export.examples if line.startswith(str(folder / "a-"))} == {
        f"{folder / ('a-fifo' + SAMPLES[source][1])}: a FIFO, not a file",
        f"{folder / ('a-loop' + SAMPLES[source][1])}: a symlink loop",
    }
    with pytest.raises(RejectedRecords):
        ingest([folder], store=tmp_path / "strict.duckdb", format=source, strict=True)
