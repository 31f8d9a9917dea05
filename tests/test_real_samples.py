"""The real samples each source declares and the corpus in tests/fixtures/real/ agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asyncmaturity.sources import registered_sources
from asyncmaturity.sources.interface import NO_REAL_SAMPLE, WRITTEN_BY, Source, real_samples

REAL = Path(__file__).parent / "fixtures" / "real"
SAMPLE = re.compile(r"(?P<repo>[\w.-]+/[\w.-]+)@(?P<commit>[0-9a-f]{40}):(?P<path>.+)")
BUILT_IN = [s for s in registered_sources() if type(s).__module__.startswith("asyncmaturity.")]


@pytest.mark.parametrize("source", BUILT_IN, ids=lambda s: s.name)
def test_declared_real_samples_are_in_the_corpus(source: Source) -> None:
    declared = real_samples(source)
    assert declared, f"{source.name} declares no real samples and no reason for none"
    folder = REAL / source.name
    if declared[0].startswith(NO_REAL_SAMPLE):
        assert len(declared) == 1 and len(declared[0]) > len(NO_REAL_SAMPLE) + 20
        assert not folder.exists(), f"{folder} holds samples that {source.name} does not declare"
        return
    provenance = (folder / "PROVENANCE.md").read_text("utf-8")
    for entry in declared:
        if entry.startswith(NO_REAL_SAMPLE):  # a quirk no real sample shows, and why
            assert len(entry) > len(NO_REAL_SAMPLE) + 20
            continue
        if entry.startswith(WRITTEN_BY):  # written by the format's own software: say how
            written = entry.rsplit(": ", 1)[1]
            assert (folder / written).is_dir(), f"{folder / written} is missing"
            assert written in provenance, f"{folder}/PROVENANCE.md does not name {written}"
            continue
        sample = SAMPLE.fullmatch(entry)
        assert sample, f"{source.name}: {entry!r} is not 'owner/repo@commit:path'"
        for part in ("repo", "commit", "path"):
            assert sample[part] in provenance, f"{folder}/PROVENANCE.md does not name {entry}"


def test_every_real_folder_belongs_to_a_source() -> None:
    names = {source.name for source in BUILT_IN}
    folders = {path.name for path in REAL.iterdir() if path.is_dir()}
    assert folders <= names
    for name in folders:
        assert (REAL / name / "PROVENANCE.md").is_file()
