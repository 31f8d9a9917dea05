"""A folder holding several exports (what `simulate --out` writes) is ingested part by part."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import asyncmaturity.sources as registry
from asyncmaturity.cli import app
from asyncmaturity.errors import AsyncMaturityError, UnknownFormat
from asyncmaturity.simulate.export import simulate_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.sources import detect_exports, get_source
from asyncmaturity.sources.interface import Source
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
REAL_MAILDIR = FIXTURES / "real" / "maildir" / "staktrace_testdata"
runner = CliRunner()


def _counts(store: Path) -> dict[str, int]:
    with EvidenceStore.open(store, create=False) as opened:
        return opened.counts()


def _ingest_rows(store: Path) -> list[tuple[str, str]]:
    with EvidenceStore.open(store, create=False) as opened:
        rows = opened.con.execute("SELECT source, origin FROM ingests ORDER BY origin").fetchall()
    return [(str(source), str(origin)) for source, origin in rows]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `asyncmaturity simulate --out DIR --meetings --work-items` writes, kept small."""
    out = tmp_path_factory.mktemp("simulated") / "exports"
    simulate_export(out, SimulationParams(people=6, days=5, seed=1, meetings=True, work_items=True))
    return out


def test_simulated_folder_is_ingested_part_by_part(simulated: Path, tmp_path: Path) -> None:
    assert sorted(p.name for p in simulated.iterdir()) == ["calendar.ics", "github", "slack"]
    store = tmp_path / "folder.duckdb"
    summary = ingest([simulated], store=store)
    found = [(Path(e.path).name, e.source, e.part_of) for e in summary.exports]
    assert found == [
        ("calendar.ics", "ical", str(simulated)),
        ("github", "github", str(simulated)),
        ("slack", "slack", str(simulated)),
    ]
    assert summary.not_read == []
    # The same as giving the three parts by hand, as `simulate` suggests.
    by_hand = tmp_path / "parts.duckdb"
    ingest([simulated / n for n in ("slack", "calendar.ics", "github")], store=by_hand)
    assert _counts(store) == _counts(by_hand)
    assert _ingest_rows(store) == [
        ("ical", str(simulated / "calendar.ics")),
        ("github", str(simulated / "github")),
        ("slack", str(simulated / "slack")),
    ]
    # Each part is idempotent under its own origin, whichever way it is given later.
    again = ingest([simulated / "github", simulated], store=store)
    assert sum(again.added.values()) == 0


def test_one_transaction_for_all_parts(simulated: Path, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    shutil.copytree(simulated, folder)
    (folder / "github" / "issues.json").write_text('[{"number": 1, "created_at": "2026', "utf-8")
    store = tmp_path / "s.duckdb"
    ingest([FIXTURES / "slack" / "reply_by_root_author"], store=store)
    before = _counts(store)
    with pytest.raises(AsyncMaturityError, match=r"issues\.json"):
        ingest([folder], store=store)
    assert _counts(store) == before  # the calendar part, read before it, was rolled back


def test_folder_mixing_real_samples(tmp_path: Path) -> None:
    """A real Maildir (staktrace/maildir's test data), an iCalendar and a Slack fixture, and a
    note no source reads: each part in its own format, the note named as not read."""
    folder = tmp_path / "team"
    shutil.copytree(REAL_MAILDIR, folder / "mail")
    shutil.copy(FIXTURES / "ical" / "attendees_partstat_role.ics", folder / "meetings.ics")
    shutil.copytree(FIXTURES / "slack" / "reply_by_root_author", folder / "chat")
    (folder / "README.txt").write_text("exported on Monday\n", "utf-8")
    summary = ingest([folder], store=tmp_path / "s.duckdb")
    assert [(Path(e.path).name, e.source) for e in summary.exports] == [
        ("chat", "slack"),
        ("mail", "maildir"),
        ("meetings.ics", "ical"),
    ]
    mail = summary.exports[1]
    assert mail.records_read == 2 and mail.added["messages"] == 2  # the two real messages
    assert summary.not_read == [str(folder / "README.txt")]
    result = runner.invoke(
        app, ["ingest", str(folder), "--store", str(tmp_path / "cli.duckdb"), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert f"{folder}: a folder of 3 exports:" in result.output
    assert f"{folder / 'mail'} (maildir): Maildir: 2 folder(s)" in result.output
    assert "2 records read" in result.output
    assert f"{folder / 'README.txt'}: not read" in result.output


def test_a_folder_one_format_claims_is_split_when_it_holds_others(
    simulated: Path, tmp_path: Path
) -> None:
    # The .ics file makes the calendar reader claim the whole folder: a Slack export beside it
    # would be left unread if that claim were taken as it is.
    team = tmp_path / "exports" / "team"
    shutil.copytree(simulated / "slack", team / "slack")
    shutil.copy(simulated / "calendar.ics", team)
    assert [s.name for s in registry.registered_sources() if s.detect(team)] == ["ical"]
    found = detect_exports(tmp_path / "exports")
    assert [(p.relative_to(tmp_path).as_posix(), s.name) for p, s in found.parts] == [
        ("exports/team/calendar.ics", "ical"),
        ("exports/team/slack", "slack"),
    ]


def test_format_forces_one_format_on_the_folder(simulated: Path, tmp_path: Path) -> None:
    summary = ingest([simulated], store=tmp_path / "s.duckdb", format="ical")
    assert [(e.path, e.source, e.part_of) for e in summary.exports] == [
        (str(simulated), "ical", None)
    ]


def test_an_ambiguous_part_is_named(
    simulated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ical = get_source("ical")

    class AlsoCalendars:
        """A second reader that claims .ics files, as an installed plugin might."""

        name = "othercal"
        family = ical.family
        summary = accepts = parser_version = "othercal"

        def detect(self, path: Path) -> bool:
            return path.suffix == ".ics"

        ingest = ical.ingest

    assert isinstance(AlsoCalendars(), Source)
    real = registry.registered_sources
    monkeypatch.setattr(registry, "registered_sources", lambda: [*real(), AlsoCalendars()])
    with pytest.raises(UnknownFormat, match=r"calendar\.ics: looks like several export types"):
        detect_exports(simulated)
    # A single export is still what it was.
    assert [s.name for _, s in detect_exports(simulated / "slack").parts] == ["slack"]


def test_a_folder_with_no_export_still_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("hello\n", "utf-8")
    with pytest.raises(UnknownFormat, match="cannot tell the export type"):
        detect_exports(tmp_path / "notes")


def test_the_shared_folder_of_real_exports_is_found_part_by_part(shared_data: Path) -> None:
    """../shared/data holds real exports side by side (README.md there lists them)."""
    found = detect_exports(shared_data)
    parts = {(path.name, source.name) for path, source in found.parts}
    assert {
        ("ics-finos-community.ics", "ical"),
        ("mbox-twisted-2010", "mbox"),
        ("slack-houston-2016", "slack"),
    } <= parts
    assert shared_data / "README.md" in found.not_read


def _zip_folder(folder: Path, archive: Path, under: str = "") -> Path:
    """`folder` zipped as `archive`, its entries under `under` (a top folder) when given."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(file, f"{under}{file.relative_to(folder).as_posix()}")
    return archive


def test_a_zip_of_several_exports_is_ingested_part_by_part(simulated: Path, tmp_path: Path) -> None:
    archive = _zip_folder(simulated, tmp_path / "exports.zip", under="exports/")
    store = tmp_path / "zip.duckdb"
    summary = ingest([archive], store=store)
    # Each part is named as the archive's member, in the summary and in the store.
    assert [(e.path, e.source, e.part_of) for e in summary.exports] == [
        (f"{archive}!exports/calendar.ics", "ical", str(archive)),
        (f"{archive}!exports/github", "github", str(archive)),
        (f"{archive}!exports/slack", "slack", str(archive)),
    ]
    by_folder = tmp_path / "folder.duckdb"
    ingest([simulated], store=by_folder)
    assert _counts(store) == _counts(by_folder)
    assert _ingest_rows(store) == [
        ("ical", f"{archive}!exports/calendar.ics"),
        ("github", f"{archive}!exports/github"),
        ("slack", f"{archive}!exports/slack"),
    ]
    with EvidenceStore.open(store, create=False) as opened:
        origins = opened.con.execute(
            "SELECT DISTINCT origin FROM messages UNION SELECT DISTINCT origin FROM work_items "
            "UNION SELECT DISTINCT origin FROM meetings UNION SELECT DISTINCT origin FROM visibility"
        ).fetchall()
    # No row names the unpacked copy, which is gone.
    assert origins and all(str(o).startswith(f"{archive}!exports/") for (o,) in origins)
    again = ingest([archive], store=store)
    assert sum(again.added.values()) == 0
    result = runner.invoke(
        app, ["ingest", str(archive), "--store", str(tmp_path / "cli.duckdb"), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert f"{archive}: a zip of 3 exports:" in result.output


def test_a_zip_of_several_exports_is_one_transaction_naming_the_member(
    simulated: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    shutil.copytree(simulated, folder)
    (folder / "README.txt").write_text("exported on Monday\n", "utf-8")
    archive = _zip_folder(folder, tmp_path / "notes.zip")
    store = tmp_path / "s.duckdb"
    summary = ingest([archive], store=store)
    assert summary.not_read == [f"{archive}!README.txt"]
    (folder / "github" / "issues.json").write_text('[{"number": 1, "created_at": "2026', "utf-8")
    broken = _zip_folder(folder, tmp_path / "broken.zip")
    before = _counts(store)
    with pytest.raises(AsyncMaturityError, match=rf"{re.escape(str(broken))}!github/issues\.json"):
        ingest([broken], store=store)
    assert _counts(store) == before  # the calendar part, read before it, was rolled back


def test_a_zip_of_one_export_is_left_to_its_source(simulated: Path, tmp_path: Path) -> None:
    archive = _zip_folder(simulated / "slack", tmp_path / "slack.zip")
    summary = ingest([archive], store=tmp_path / "s.duckdb")
    assert [(e.path, e.source, e.part_of) for e in summary.exports] == [
        (str(archive), "slack", None)
    ]
