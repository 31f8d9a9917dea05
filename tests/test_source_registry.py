"""The source registry: built-in and third-party sources come in through the same entry points.

Third-party packages are installed for real, as a dist-info folder with an entry_points.txt on a
temporary sys.path entry, so these tests go through importlib.metadata exactly as a pip install
would.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from typer.testing import CliRunner

import asyncmaturity.sources
from asyncmaturity.cli import app
from asyncmaturity.errors import InvalidSource, UnknownFormat
from asyncmaturity.sources import (
    ENTRY_POINT_GROUP,
    detect_source,
    get_source,
    registered_sources,
    source_names,
)
from asyncmaturity.sources.interface import SourceFamily
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()

# A complete third-party source: a CSV chat log, one message per row, written only against
# asyncmaturity.sources.interface.
FAKE_CHAT = dedent(
    '''
    from pathlib import Path

    from asyncmaturity.sources.interface import IngestContext, SourceFamily, SourceReport


    class FakeChatSource:
        """A chat log as CSV (id, sent, author), one message per row."""

        name = "fakechat"
        family = SourceFamily.CHAT
        summary = "A chat log as CSV, for the registry tests"
        parser_version = "fakechat/1"
        accepts = "a .fakechat file"

        def detect(self, path: Path) -> bool:
            return path.suffix == ".fakechat"

        def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
            ctx.con.execute(
                "CREATE OR REPLACE TEMP TABLE fake AS SELECT * FROM read_csv(?, header = true, "
                "columns = {'id': 'VARCHAR', 'sent': 'TIMESTAMP', 'author': 'VARCHAR'})",
                [str(path)],
            )
            rows = ctx.con.execute("SELECT count(*) FROM fake").fetchone()
            ctx.insert_new(
                "messages",
                "SELECT md5('fakechat|' || id) AS message_key, md5('fakechat|room') AS "
                "conversation_key, md5(author) AS author_key, sent AS sent_at, true AS is_root, "
                "false AS is_reply, 'human' AS kind FROM fake",
                origin=path.name,
            )
            return SourceReport(records_read=rows[0] if rows else 0, detected="fake chat log")
    '''
)

Install = Callable[..., Path]


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    """Install a distribution declaring `sources` (name -> 'module:attr') with `modules` (name ->
    code) on a temporary sys.path entry; it is gone after the test."""
    imported: list[str] = []

    def install(distribution: str, sources: dict[str, str], modules: dict[str, str]) -> Path:
        site = tmp_path / f"site-{distribution}"
        info = site / f"{distribution.replace('-', '_')}-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n"
        )
        declared = "".join(f"{name} = {target}\n" for name, target in sources.items())
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{declared}")
        for module, code in modules.items():
            (site / f"{module}.py").write_text(code)
            imported.append(module)
        monkeypatch.syspath_prepend(str(site))
        return site

    yield install
    for module in imported:
        sys.modules.pop(module, None)


def test_builtins_are_listed_family_by_family() -> None:
    sources = registered_sources()
    assert [(s.family, s.name) for s in sources] == sorted((s.family, s.name) for s in sources)
    assert sources[0].family == SourceFamily.CHAT
    assert sources[-1].name == "ledger"
    assert sorted(s.name for s in sources) == source_names()


def test_importing_the_registry_imports_no_reader() -> None:
    code = (
        "import sys, asyncmaturity.sources as s; s.source_names(); "
        "print(sorted(m for m in sys.modules if m.startswith('asyncmaturity.sources.')))"
    )
    # A fresh interpreter: this one has imported every reader already.
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_a_third_party_source_is_detected_listed_and_ingested(
    install: Install, tmp_path: Path
) -> None:
    install("fake-chat", {"fakechat": "fake_chat:FakeChatSource"}, {"fake_chat": FAKE_CHAT})
    log = tmp_path / "team.fakechat"
    log.write_text("id,sent,author\n1,2026-02-02 09:00:00,ana\n2,2026-02-02 09:05:00,ben\n")
    assert "fakechat" in source_names()
    chat = [s.name for s in registered_sources() if s.family == SourceFamily.CHAT]
    assert chat == sorted(chat) and "fakechat" in chat
    assert detect_source(log).name == "fakechat"
    store = tmp_path / "s.duckdb"
    assert ingest([log], store=store).added["messages"] == 2
    with EvidenceStore.open(store, create=False) as opened:
        row = opened.con.execute("SELECT DISTINCT source, parser_version FROM messages").fetchall()
    assert row == [("fakechat", "fakechat/1")]
    listing = runner.invoke(app, ["sources"], env={"COLUMNS": "300"})
    assert "A chat log as CSV, for the registry tests" in listing.output
    again = runner.invoke(app, ["ingest", str(log), "--store", str(store), "--format", "fakechat"])
    assert again.exit_code == 0 and "2 already in the store" in again.output


def test_a_third_party_source_that_fails_to_load_is_one_clear_error(
    install: Install, tmp_path: Path
) -> None:
    install(
        "broken-chat",
        {"brokenchat": "broken_chat:BrokenSource"},
        {"broken_chat": "import a_module_nobody_installed\n"},
    )
    expected = (
        "source 'brokenchat' cannot be loaded from broken_chat:BrokenSource (broken-chat 1.0): "
        "ModuleNotFoundError: No module named 'a_module_nobody_installed'; "
        "fix or uninstall that package"
    )
    with pytest.raises(InvalidSource) as raised:
        detect_source(tmp_path)
    assert str(raised.value) == expected
    for arguments in (
        ["ingest", str(tmp_path), "--store", str(tmp_path / "s.duckdb")],
        ["sources"],
        ["docs", "sources"],
    ):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 1 and result.stderr == f"Error: {expected}\n", arguments
    # A named format loads only that source: the broken one stands in the way of nothing else.
    slack = FIXTURES / "slack" / "bot_reply_in_thread"
    result = runner.invoke(
        app, ["ingest", str(slack), "--format", "slack", "--store", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 0, result.output


def test_two_sources_with_one_name_are_refused(install: Install) -> None:
    install("other-slack", {"slack": "other_slack:SlackSource"}, {"other_slack": FAKE_CHAT})
    with pytest.raises(InvalidSource) as raised:
        get_source("slack")
    message = str(raised.value)
    assert message.startswith("two sources are named 'slack': ")
    assert "asyncmaturity.sources.slack:SlackSource (asyncmaturity 0.1.0)" in message
    assert "other_slack:SlackSource (other-slack 1.0)" in message


def test_an_entry_point_must_carry_its_source_name(install: Install) -> None:
    install("misnamed", {"chatlog": "fake_chat:FakeChatSource"}, {"fake_chat": FAKE_CHAT})
    with pytest.raises(InvalidSource, match="calls itself 'fakechat'; the entry point must carry"):
        get_source("chatlog")


def test_an_entry_point_that_makes_no_source(install: Install) -> None:
    install("not-a-source", {"nothing": "nothing:Nothing"}, {"nothing": "class Nothing: pass\n"})
    with pytest.raises(InvalidSource, match=r"'nothing' from nothing:Nothing .* is not a source"):
        registered_sources()


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(
        UnknownFormat, match="unknown format 'slak'; choose one of: discord, github, "
    ):
        get_source("slak")


def test_without_its_own_entry_points_the_package_says_to_reinstall(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(asyncmaturity.sources, "entry_points", lambda group: ())
    with pytest.raises(InvalidSource, match=r"reinstall it \(pip install -e \. in a checkout\)"):
        get_source("slack")
