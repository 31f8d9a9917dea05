"""Bad input for the mail sources (mbox, Maildir) and Jira's CSV: refused with one line, or read
with every record either stored or counted as skipped; never a traceback, never a changed store.

Each case is generated here and named after its fault. A case's expected figures are counted by
hand from the text it builds (the comment beside it says how). The property tests mutate the real
samples in tests/fixtures/real/ and count the input's records with a line-by-line oracle written
independently of the readers' block-based code.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.errors import AsyncMaturityError, EveryRecordSkipped, RejectedRecords
from asyncmaturity.sources.interface import SourceReport
from asyncmaturity.sources.mail import MailFile, parse_maildir
from asyncmaturity.store.ingest import IngestSummary, ingest
from tests.stores import store_rows

REAL = Path(__file__).parent / "fixtures" / "real"
MBOX_SAMPLE = REAL / "mbox" / "users_ponymail_apache_org_2022-01.mbox"
MAILDIR_SAMPLE = REAL / "maildir" / "staktrace_testdata" / "maildir"
runner = CliRunner()


def mail(number: int, date: str | None = None, body: str = "", separator: str | None = None) -> str:
    """One message with its mbox separator line ('' for none, as in a Maildir file)."""
    date = date or f"Fri, {number % 28 + 1} Jan 2010 05:05:00 +0000"
    line = f"From a{number}@example.org  Fri Jan  1 05:05:00 2010\n"
    return (
        (line if separator is None else separator)
        + f"From: A{number} <a{number}@example.org>\nDate: {date}\n"
        f"Message-ID: <m{number}@example.org>\nSubject: note {number}\n\n"
        f"{body or f'Text {number}.'}\n\n"
    )


@dataclass(frozen=True)
class Case:
    """A bad input: how to build it, and either the refusal's words or the figures it reads to."""

    name: str
    build: Callable[[Path], Path]
    format: str
    refused: str | None = None  # a fragment of the one Error line
    stored: int = 0  # new messages or work items
    skipped: dict[str, int] = field(default_factory=dict)
    not_read: str | None = None  # a fragment of the detection line's files-not-read note


def mbox_file(name: str, content: str | bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return build


def truncated_gzip(folder: Path) -> Path:
    path = folder / "2010-January.txt.gz"
    path.write_bytes(gzip.compress((mail(1) + mail(2)).encode())[:-20])
    return path


UNPARSEABLE, IMPLAUSIBLE = "unparseable Date", "implausible Date"
MBOX_CASES = [
    Case("empty_file", mbox_file("list.mbox", ""), "mbox", refused="empty"),
    Case("only_blank_lines", mbox_file("list.mbox", "\n\n\r\n"), "mbox", refused="empty"),
    Case(
        "binary_garbage",
        mbox_file("list.mbox", bytes(random.Random(1).randrange(256) for _ in range(999))),
        "mbox",
        refused="not an mbox archive",
    ),
    Case("non_gzip_dot_gz", mbox_file("list.mbox.gz", "hello\n"), "mbox", refused="not gzip"),
    Case("truncated_gzip", truncated_gzip, "mbox", refused="cannot read"),
    # The issue's case: the second separator has no date; four messages, four stored.
    Case(
        "separator_without_date",
        mbox_file("list.mbox", mail(1) + mail(2, separator="From a2@example.org\n") + mail(3)),
        "mbox",
        stored=3,
    ),
    Case(
        "separator_with_nothing_after_from",
        mbox_file("list.mbox", mail(1) + mail(2, separator="From \n")),
        "mbox",
        stored=2,
    ),
    # "From now on" in a body, then text: one message holding it, two in all.
    Case(
        "from_in_body_followed_by_text",
        mbox_file("list.mbox", mail(1, body="Hi\nFrom now on we ship weekly.\nBye") + mail(2)),
        "mbox",
        stored=2,
    ),
    # A dated "From " line in a body (a pasted log) followed by text is not a separator either.
    Case(
        "dated_from_in_body_followed_by_text",
        mbox_file(
            "list.mbox", mail(1, body="Log:\nFrom bob  Fri Jan  1 05:05:00 2010\nok") + mail(2)
        ),
        "mbox",
        stored=2,
    ),
    # "Note:" looks like a header but is none that mail writers set.
    Case(
        "from_in_body_followed_by_header_like_text",
        mbox_file("list.mbox", mail(1, body="From the docs:\nNote: read it\n\nok") + mail(2)),
        "mbox",
        stored=2,
    ),
    Case(
        "date_year_zero",
        mbox_file("list.mbox", mail(1, "1 Jan 0000 10:00 +0000") + mail(2)),
        "mbox",
        stored=1,
        skipped={UNPARSEABLE: 1},
    ),
    Case(
        "date_year_99999",
        mbox_file("list.mbox", mail(1, "1 Jan 99999 10:00 +0000") + mail(2)),
        "mbox",
        stored=1,
        skipped={UNPARSEABLE: 1},
    ),
    Case(
        "date_not_a_date",
        mbox_file("list.mbox", mail(1, "soon") + mail(2)),
        "mbox",
        stored=1,
        skipped={UNPARSEABLE: 1},
    ),
    Case(
        "date_before_1990",
        mbox_file("list.mbox", mail(1, "1 Jan 1970 00:00 +0000") + mail(2)),
        "mbox",
        stored=1,
        skipped={IMPLAUSIBLE: 1},
    ),
    Case(
        "date_far_future",
        mbox_file("list.mbox", mail(1, "1 Jan 2999 10:00 +0000") + mail(2)),
        "mbox",
        stored=1,
        skipped={IMPLAUSIBLE: 1},
    ),
    Case(
        "no_date_header",
        mbox_file("list.mbox", mail(1).replace("Date: ", "X-Date: ") + mail(2)),
        "mbox",
        stored=1,
        skipped={UNPARSEABLE: 1},
    ),
    Case(
        "every_date_bad",
        mbox_file("list.mbox", mail(1, "never") + mail(2, "never")),
        "mbox",
        refused="every one of its 2 record(s) was skipped",
    ),
    Case(
        "crlf_line_ends",
        mbox_file("list.mbox", (mail(1) + mail(2) + mail(3)).replace("\n", "\r\n")),
        "mbox",
        stored=3,
    ),
    # The last message ends in its headers (no blank line, no body): still a message.
    Case(
        "last_message_headers_only",
        mbox_file("list.mbox", mail(1) + mail(2).split("\n\n")[0]),
        "mbox",
        stored=2,
    ),
    Case(
        "leading_blank_lines", mbox_file("list.mbox", "\n\n" + mail(1) + mail(2)), "mbox", stored=2
    ),
    Case(
        "nul_bytes_in_body",
        mbox_file("list.mbox", mail(1, body="a\0b") + mail(2)),
        "mbox",
        stored=2,
    ),
]


def maildir(*messages: tuple[str, str | bytes]) -> Callable[[Path], Path]:
    """A Maildir with the named files (paths under it: 'cur/1', 'new/2')."""

    def build(folder: Path) -> Path:
        root = folder / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (root / sub).mkdir(parents=True)
        for name, content in messages:
            data = content.encode() if isinstance(content, str) else content
            (root / name).write_bytes(data)
        return root

    return build


def with_entry(make: Callable[[Path], None]) -> Callable[[Path], Path]:
    """A Maildir of two messages in cur/ and one odd entry made by `make` in new/."""

    def build(folder: Path) -> Path:
        root = maildir(("cur/1", mail(1, separator="")), ("cur/2", mail(2, separator="")))(folder)
        make(root / "new")
        return root

    return build


def unix_socket(new: Path) -> None:
    # A socket's path is limited to ~100 bytes: bind it by a name relative to its folder.
    here = Path.cwd()
    os.chdir(new)
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind("sock")
    finally:
        os.chdir(here)


def maildir_symlink_to_folder(folder: Path) -> Path:
    root = maildir(("cur/1", mail(1, separator="")))(folder)
    (folder / "elsewhere").mkdir()
    (root / "linked").symlink_to(folder / "elsewhere")
    return root


def every_entry_unreadable(folder: Path) -> Path:
    root = maildir()(folder)
    os.mkfifo(root / "cur" / "fifo")
    (root / "new" / "loop").symlink_to(root / "new" / "loop")
    return root


def cur_is_a_symlink_loop(folder: Path) -> Path:
    root = folder / "Maildir"
    for sub in ("new", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "new" / "1").write_text(mail(1, separator=""))
    (root / "cur").symlink_to(root / "cur")
    return root


def two_files(folder: Path) -> Path:
    (folder / "not-a-maildir").mkdir()
    (folder / "not-a-maildir" / "notes.txt").write_text("hello")
    return folder / "not-a-maildir"


UNREADABLE = "unreadable Maildir entry"
MAILDIR_CASES = [
    Case(
        "symlink_loop",
        with_entry(lambda new: (new / "loop").symlink_to(new / "loop")),
        "maildir",
        stored=2,
        skipped={UNREADABLE: 1},
    ),
    Case(
        "broken_symlink",
        with_entry(lambda new: (new / "gone").symlink_to(new / "nowhere")),
        "maildir",
        stored=2,
        skipped={UNREADABLE: 1},
    ),
    Case(
        "fifo",
        with_entry(lambda new: os.mkfifo(new / "fifo")),
        "maildir",
        stored=2,
        skipped={UNREADABLE: 1},
    ),
    Case("unix_socket", with_entry(unix_socket), "maildir", stored=2, skipped={UNREADABLE: 1}),
    Case(
        "folder_inside_new",
        with_entry(lambda new: (new / "sub").mkdir()),
        "maildir",
        stored=2,
        not_read="a folder inside new/",
    ),
    Case(
        "empty_message_file",
        with_entry(lambda new: (new / "3").write_bytes(b"")),
        "maildir",
        stored=2,
        skipped={UNPARSEABLE: 1},
    ),
    Case(
        "binary_garbage_message",
        with_entry(lambda new: (new / "3").write_bytes(bytes(range(256)) * 4)),
        "maildir",
        stored=2,
        skipped={UNPARSEABLE: 1},
    ),
    Case(
        "message_date_year_zero",
        maildir(
            ("cur/1", mail(1, "1 Jan 0000 10:00 +0000", separator="")),
            ("cur/2", mail(2, separator="")),
        ),
        "maildir",
        stored=1,
        skipped={UNPARSEABLE: 1},
    ),
    Case(
        "message_date_1900",
        maildir(
            ("cur/1", mail(1, "1 Jan 1900 10:00 +0000", separator="")),
            ("cur/2", mail(2, separator="")),
        ),
        "maildir",
        stored=1,
        skipped={IMPLAUSIBLE: 1},
    ),
    Case(
        "message_keeps_mbox_separator",
        maildir(("new/1", mail(1)), ("cur/2", mail(2))),
        "maildir",
        stored=2,
    ),
    Case(
        "crlf_message",
        maildir(("cur/1", mail(1, separator="").replace("\n", "\r\n"))),
        "maildir",
        stored=1,
    ),
    Case(
        "message_in_tmp",
        maildir(("cur/1", mail(1, separator="")), ("tmp/2", mail(2))),
        "maildir",
        stored=1,
        not_read="still being delivered",
    ),
    Case(
        "dot_files_and_dovecot_bookkeeping",
        maildir(
            ("cur/1", mail(1, separator="")), ("cur/.hidden", "x"), ("dovecot-uidlist", "3 V1 N2\n")
        ),
        "maildir",
        stored=1,
    ),
    Case(
        "symlink_to_folder",
        maildir_symlink_to_folder,
        "maildir",
        stored=1,
        not_read="a symlink to a folder: not followed",
    ),
    Case(
        "every_entry_unreadable",
        every_entry_unreadable,
        "maildir",
        refused="every one of its 2 record(s) was skipped",
    ),
    Case("not_a_maildir", two_files, "maildir", refused="not a Maildir"),
    Case("a_file_not_a_folder", mbox_file("mail.txt", mail(1)), "maildir", refused="not a Maildir"),
    Case(
        "cur_is_a_symlink_loop",
        cur_is_a_symlink_loop,
        "maildir",
        stored=1,
        not_read="cur (not in a Maildir's cur/ or new/)",
    ),
]


HEADER = "Summary,Issue key,Created\n"


def issue(number: int, created: str = "2024-01-0{d} 10:00", summary: str = "ok") -> str:
    return f"{summary},P-{number},{created.format(d=number % 9 + 1)}\n"


def csv_file(content: str | bytes) -> Callable[[Path], Path]:
    return mbox_file("issues.csv", content)


QUOTE = "CSV row with an unbalanced quote"
CSV_CASES = [
    # The issue's case: the quote opened in row 2 closes inside row 4's cell, then text follows:
    # rows 2-4 are lost to the reader and counted (3), row 5 stands.
    Case(
        "quote_opened_then_text_after_close",
        csv_file(
            HEADER
            + '"broken,P-1,2024-01-01 10:00\n'
            + issue(2)
            + '"ok",P-3,2024-01-03\n'
            + issue(4)
        ),
        "jira",
        stored=1,
        skipped={QUOTE: 3},
    ),
    # The quote closes cleanly at the start of row 4's last cell: rows 2-4 read as one record.
    Case(
        "quote_closes_cleanly_rows_later",
        csv_file(
            HEADER + '"broken,P-1,2024-01-01 10:00\n' + issue(2) + 'x,P-3,",2024\n' + issue(4)
        ),
        "jira",
        stored=1,
        skipped={QUOTE: 3},
    ),
    Case(
        "quote_never_closed",
        csv_file(HEADER + issue(1) + '"open,P-2,2024-01-02 10:00\n' + issue(3)),
        "jira",
        stored=1,
        skipped={QUOTE: 2},
    ),
    Case(
        "text_after_closing_quote",
        csv_file(HEADER + '"a"b,P-1,2024-01-01\n' + issue(2)),
        "jira",
        stored=1,
        skipped={QUOTE: 1},
    ),
    # A description spanning lines, one of them naming another issue: one issue, not damage.
    Case(
        "multiline_cell_naming_an_issue",
        csv_file(HEADER + '"first\nsee, P-9, later\nend",P-1,2024-01-01 10:00\n' + issue(2)),
        "jira",
        stored=2,
    ),
    Case(
        "doubled_quotes_inside_a_cell",
        csv_file(HEADER + '"say ""hi"", then",P-1,2024-01-01 10:00\n' + issue(2)),
        "jira",
        stored=2,
    ),
    Case("empty_file", csv_file(""), "jira", refused="empty file"),
    Case(
        "header_quote_error",
        csv_file('"Summary"x,Issue key,Created\n' + issue(1)),
        "jira",
        refused="line 1: the header row cannot be read",
    ),
    Case("binary_garbage", csv_file(bytes(range(128, 256)) * 8), "jira", refused="not UTF-8"),
    Case(
        "latin1_on_line_3",
        csv_file((HEADER + issue(1) + issue(2, summary="caf\xe9")).encode("latin-1")),
        "jira",
        refused="line 3: not UTF-8",
    ),
    Case(
        "no_issue_key_column",
        csv_file("Summary,Created\nok,2024-01-01\n"),
        "jira",
        refused="no 'Issue key'",
    ),
    Case(
        "bad_issue_key",
        csv_file(HEADER + "ok,not a key,2024-01-01\n" + issue(2)),
        "jira",
        stored=1,
        skipped={"issue without a key": 1},
    ),
    Case(
        "created_not_a_date",
        csv_file(HEADER + issue(1, "whenever") + issue(2)),
        "jira",
        stored=1,
        skipped={"date that cannot be read": 1},
    ),
    Case(
        "created_year_zero",
        csv_file(HEADER + issue(1, "0000-01-01 10:00") + issue(2)),
        "jira",
        stored=1,
        skipped={"date that cannot be read": 1},
    ),
    Case(
        "byte_order_mark_and_crlf",
        csv_file(("\ufeff" + HEADER + issue(1) + issue(2)).replace("\n", "\r\n")),
        "jira",
        stored=2,
    ),
    Case(
        "blank_lines_between_rows",
        csv_file(HEADER + issue(1) + "\n\n" + issue(2)),
        "jira",
        stored=2,
    ),
    Case("nul_in_a_cell", csv_file(HEADER + issue(1, summary="a\0b") + issue(2)), "jira", stored=2),
    Case(
        "short_row_without_created",
        csv_file(HEADER + "ok,P-1\n" + issue(2)),
        "jira",
        stored=1,
        skipped={"issue without a creation time": 1},
    ),
]
CASES = MBOX_CASES + MAILDIR_CASES + CSV_CASES


def test_each_source_has_fifteen_cases_named_once() -> None:
    for cases in (MBOX_CASES, MAILDIR_CASES, CSV_CASES):
        assert len(cases) >= 15
    assert len({(c.format, c.name) for c in CASES}) == len(CASES)


def table_counts(store: Path) -> dict[str, int]:
    """Rows per table of a store (the ingests log included): what a refusal must leave alone."""
    tables = [row[0] for row in store_rows(store, "SELECT table_name FROM duckdb_tables()")]
    return {t: store_rows(store, f'SELECT count(*) FROM "{t}"')[0][0] for t in sorted(tables)}


def stored(summary: IngestSummary, fmt: str) -> int:
    table = "work_items" if fmt == "jira" else "messages"
    return summary.added.get(table, 0)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.format}-{c.name}")
def test_bad_input(case: Case, tmp_path: Path) -> None:
    export = case.build(tmp_path)
    store = tmp_path / "s.duckdb"
    if case.refused is not None:
        result = runner.invoke(
            app, ["ingest", str(export), "--format", case.format, "--store", str(store)]
        )
        lines = result.stderr.splitlines()
        assert result.exit_code == 1 and len(lines) == 1, result.output
        assert lines[0].startswith(f"Error: {export}"), lines[0]
        assert case.refused in lines[0], lines[0]
        assert not store.exists()
        return
    summary = ingest([export], store=store, format=case.format)
    assert stored(summary, case.format) == case.stored
    assert summary.skipped == case.skipped
    detected = summary.exports[0].detected
    if case.not_read is not None:
        assert case.not_read in detected, detected
    if case.skipped:
        # Every skip names the file (or the entry inside the export) it comes from.
        assert all(str(export) in example for example in summary.exports[0].examples)
        again = tmp_path / "strict.duckdb"
        with pytest.raises(RejectedRecords):
            ingest([export], store=again, format=case.format, strict=True)
        assert not again.exists()


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the real mbox sample, built once: each refusal test works on a copy."""
    store = tmp_path_factory.mktemp("sample") / "s.duckdb"
    ingest([MBOX_SAMPLE], store=store)
    return store


@pytest.mark.parametrize("case", [c for c in CASES if c.refused], ids=lambda c: c.name)
def test_a_refusal_leaves_an_existing_store_unchanged(
    case: Case, sample_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    shutil.copy(sample_store, store)
    before = table_counts(store)
    with pytest.raises(AsyncMaturityError):
        ingest([case.build(tmp_path)], store=store, format=case.format)
    assert table_counts(store) == before


def test_a_stray_quote_opening_the_first_cell_runs_over_a_row_that_is_counted(
    tmp_path: Path,
) -> None:
    """A quote before 'title 0' and one after 'title 1' make one well-formed record of three
    cells ('title 0,P-0,2024-01-01 10:00\ntitle 1', 'P-1', ...): its first line is a whole row
    of its own, so the record and the row it ran over are counted, not one issue stored."""
    export = tmp_path / "issues.csv"
    export.write_text(
        'Summary,Issue key,Created\n"title 0,P-0,2024-01-01 10:00\ntitle 1",P-1,2024-01-02 10:00\n'
    )
    # Nothing is left to store, so the whole file is refused, naming the damage.
    with pytest.raises(EveryRecordSkipped, match="2 for 'CSV row with an unbalanced quote'"):
        ingest([export], store=tmp_path / "s.duckdb", format="jira")
    assert not (tmp_path / "s.duckdb").exists()


def test_the_earliest_plausible_date_is_the_ingest_s_for_mail_too(tmp_path: Path) -> None:
    """`ingest --earliest` moves the bound every source holds record times to: a 1985 message
    of a list archive is kept when the bound is 1980, skipped by default."""
    archive = tmp_path / "list.mbox"
    archive.write_text(mail(1, "1 Mar 1985 10:00 +0000") + mail(2))
    default = ingest([archive], store=tmp_path / "default.duckdb")
    assert default.added["messages"] == 1 and default.exports[0].skipped == {IMPLAUSIBLE: 1}
    moved = ingest([archive], store=tmp_path / "moved.duckdb", earliest=date(1980, 1, 1))
    assert moved.added["messages"] == 2 and moved.exports[0].skipped == {}


def test_a_folder_of_mbox_files_with_odd_entries_is_detected_and_read(tmp_path: Path) -> None:
    """A symlink loop, a broken link and a FIFO beside the archives: detection neither fails nor
    blocks, and they are counted among the other files (3), the two messages stored."""
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "2010-January.txt").write_text(mail(1) + mail(2))
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "gone").symlink_to(folder / "nowhere")
    os.mkfifo(folder / "fifo")
    summary = ingest([folder], store=tmp_path / "s.duckdb")
    assert summary.exports[0].source == "mbox"
    assert summary.added["messages"] == 2
    assert "3 other file(s) ignored" in summary.exports[0].detected


def test_a_maildir_with_symlink_loops_is_detected_without_format(tmp_path: Path) -> None:
    """Loops at its root and in new/ (the issue's traceback): every source's detection passes
    them by; the loop in new/ is counted (1), the root's is named among the files not read."""
    root = with_entry(lambda new: (new / "loop").symlink_to(new / "loop"))(tmp_path)
    (root / "rootloop").symlink_to(root / "rootloop")
    summary = ingest([root], store=tmp_path / "s.duckdb")
    assert summary.exports[0].source == "maildir"
    assert (summary.added["messages"], summary.skipped) == (2, {UNREADABLE: 1})
    assert "rootloop (not in a Maildir's cur/ or new/)" in summary.exports[0].detected


def test_a_file_that_cannot_be_opened_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permissions do not stop root (the test may run as root): the open itself is made to fail."""
    root = maildir(("cur/1", mail(1, separator="")), ("cur/2", mail(2, separator="")))(tmp_path)
    original = Path.open

    def refusing(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "2":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refusing)
    files = [MailFile(root / "cur" / n, f"cur/{n}", "list") for n in ("1", "2")]
    report = SourceReport()
    rows = sum(table.num_rows for table in parse_maildir(files, report=report))
    assert (rows, report.records_read, report.skipped) == (1, 2, {UNREADABLE: 1})
    assert "cur/2: cannot read: Permission denied" in report.examples


# ---------------------------------------------------------------------------------------------
# Mutated real samples


HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
WELL_KNOWN = re.compile(
    rb"^(?i:from|date|message-id|subject|to|cc|sender|reply-to|in-reply-to|references|received"
    rb"|return-path|delivered-to|mime-version|content-type|list-id|x-[!-9;-~]+)[ \t]*:"
)


def mbox_messages(data: bytes) -> int:
    """Messages in an mbox by the rule mail tools follow, line by line: a "From " line starts
    one when the lines after it, up to a blank line, are header lines (folded ones too), one of
    them a well-known header. The first message starts the file (after any blank lines)."""
    lines = data.lstrip(b"\r\n").split(b"\n")
    if not lines or lines == [b""]:
        return 0
    count = 1
    for index in range(1, len(lines)):
        if not lines[index].startswith(b"From "):
            continue
        known = False
        ok = False
        for offset, line in enumerate(lines[index + 1 :]):
            line = line.rstrip(b"\r")
            if not line:
                ok = known
                break
            if line[:1] in (b" ", b"\t") and offset:
                continue
            if not HEADER_LINE.match(line):
                break
            known = known or bool(WELL_KNOWN.match(line))
        else:
            ok = known
        count += ok
    return count


def mutate(data: bytes, seed: int, edits: int) -> bytes:
    """`data` with `edits` random edits: bytes cut, garbage or mail-like lines put in, lines
    repeated or dropped, the end cut off."""
    rng = random.Random(seed)
    pieces = [
        b"\nFrom x\n",
        b"\nFrom x  Mon Jan  3 10:00:00 2022\nFrom: x@y\nDate: 1 Jan 0000 10:00\n\nbody\n",
        b"\nFrom y\nSubject: s\nDate: Mon, 3 Jan 2022 10:00:00 +0000\n\nb\n",
        b"\nDate: 1 Jan 99999 10:00 +0000\n",
        b'"',
        b"\0\xff\xfe",
        b"\r\n",
    ]
    for _ in range(edits):
        at = rng.randrange(len(data) + 1)
        action = rng.randrange(5)
        if action == 0:
            data = data[:at] + data[at + rng.randrange(1, 200) :]
        elif action == 1:
            data = data[:at] + rng.choice(pieces) + data[at:]
        elif action == 2:
            garbage = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
            data = data[:at] + garbage + data[at:]
        elif action == 3:
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        else:
            data = data[: max(at, len(data) - 300)]
    return data


def check_no_silent_loss(export: Path, fmt: str, expected: int, scratch: Path) -> None:
    """Ingest `export`: a refusal leaves no store; otherwise stored + repeated + skipped records
    make `expected`, what the input holds."""
    store = scratch / "s.duckdb"
    try:
        summary = ingest([export], store=store, format=fmt)
    except AsyncMaturityError:
        assert not store.exists()
        return
    messages = summary.added.get("messages", 0) + summary.duplicates.get("messages", 0)
    assert summary.records_read == expected
    assert messages + summary.skipped_total == expected, summary


PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(seed=st.integers(0, 2**32), edits=st.integers(1, 8))
def test_mutated_mbox_loses_nothing(seed: int, edits: int) -> None:
    data = mutate(MBOX_SAMPLE.read_bytes(), seed, edits)
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "list.mbox"
        export.write_bytes(data)
        check_no_silent_loss(export, "mbox", mbox_messages(data), Path(scratch))


def test_the_oracle_counts_the_real_sample_as_its_separators() -> None:
    # The sample's six messages each start with a "From users-return-..." line (grep -c '^From ').
    data = MBOX_SAMPLE.read_bytes()
    assert mbox_messages(data) == len(re.findall(rb"(?m)^From ", data)) == 6


ODD_ENTRIES: list[Callable[[Path, str], None]] = [
    lambda folder, name: (folder / name).symlink_to(folder / name),
    lambda folder, name: (folder / name).symlink_to(folder / "absent"),
    lambda folder, name: os.mkfifo(folder / name),
    lambda folder, name: (folder / name).write_bytes(b""),
]


@PROPERTY
@given(
    seed=st.integers(0, 2**32),
    edits=st.integers(0, 6),
    odd=st.lists(st.integers(0, len(ODD_ENTRIES) - 1), max_size=4),
)
def test_mutated_maildir_loses_nothing(seed: int, edits: int, odd: list[int]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "maildir"
        shutil.copytree(MAILDIR_SAMPLE, root)
        for number, message in enumerate(sorted((root / "cur").iterdir())):
            if not message.name.startswith("."):
                message.write_bytes(mutate(message.read_bytes(), seed + number, edits))
        for number, kind in enumerate(odd):
            ODD_ENTRIES[kind](root / ("new" if number % 2 else "cur"), f"odd{number}")
        entries = [
            entry
            for sub in ("cur", "new")
            for entry in os.listdir(root / sub)
            if not entry.startswith(".")
        ]
        check_no_silent_loss(root, "maildir", len(entries), Path(scratch))


@PROPERTY
@given(
    rows=st.integers(2, 12),
    quotes=st.lists(
        st.tuples(st.integers(0, 11), st.sampled_from([0, 2]), st.booleans()),
        min_size=1,
        max_size=4,
    ),
)
def test_stray_quotes_in_a_jira_csv_lose_no_issue(
    rows: int, quotes: list[tuple[int, int, bool]]
) -> None:
    """Quotes put at the start or end of Summary or Created cells (an unescaped quote in a
    title, a spreadsheet's stray one): every issue row is stored or counted as skipped."""
    table = [["Summary", "Issue key", "Created"]] + [
        [f"title {n}", f"P-{n}", f"2024-01-{n % 28 + 1:02d} 10:00"] for n in range(rows)
    ]
    for row, column, at_start in quotes:
        cells = table[1 + row % rows]
        cells[column] = '"' + cells[column] if at_start else cells[column] + '"'
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "issues.csv"
        export.write_text("".join(",".join(cells) + "\n" for cells in table))
        store = Path(scratch) / "s.duckdb"
        try:
            summary = ingest([export], store=store, format="jira")
        except AsyncMaturityError:
            assert not store.exists()
            return
        items = summary.added.get("work_items", 0) + summary.duplicates.get("work_items", 0)
        assert items + summary.skipped_total == rows, summary
