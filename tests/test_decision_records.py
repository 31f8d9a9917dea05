"""Decision records as Markdown: MADR and Nygard files read, MADR written and read back to the
same record, and a bad file named in one error line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.decisions.records import (
    DECISION_STATUSES,
    DecisionRecord,
    InvalidDecisionRecord,
    decision_date,
    file_name,
    parse_decision_record,
    read_decision_record,
    read_decision_records,
    render_madr,
)

ADR_FOLDER = Path(__file__).parent / "fixtures/github/decision_label_and_adr_folder/docs/adr"


def test_a_repositorys_folder_reads_nygard_and_madr_records_and_skips_readme_and_template() -> None:
    records = read_decision_records(ADR_FOLDER)
    assert [r.number for r in records] == [1, 2]
    nygard, madr = records
    assert nygard.title == "Record architecture decisions"
    assert nygard.status == "accepted"
    assert nygard.date == datetime(2026, 2, 10, tzinfo=UTC)
    assert nygard.context == "We need to record the architectural decisions made on this project."
    assert nygard.decision.startswith("We will use Architecture Decision Records")
    assert nygard.consequences == "See Michael Nygard's article."
    assert madr.title == "Use Postgres for the ledger" and madr.number == 2  # from the file name
    assert madr.status == "accepted"
    assert madr.date == datetime(2026, 2, 20, 14, 30, tzinfo=UTC)
    assert madr.deciders == ["platform team"]
    assert madr.context == "We need a ledger store."
    assert madr.decision == "Chosen option: Postgres."  # the nested Consequences is its own
    assert madr.consequences == "* Good, because we know it."


MADR_FULL = """---
status: superseded
date: 2026-03-01
decision-makers: [Ana Ortiz, ben@example.org]
consulted: Cat, Dev
informed: everyone
tags: [storage, ledger]
supersedes: 0002-use-postgres.md
superseded-by: ADR-9
work-item: https://github.com/acme/app/issues/42
thread: https://chat.example.org/archives/C1/p1
---
# Use DuckDB for the evidence store

## Context and Problem Statement

We need an embedded analytical store.

## Decision Drivers

* fast scans

## Considered Options

* DuckDB
* SQLite

## Decision Outcome

Chosen option: DuckDB, because it scans fast.

### Consequences

* Good, because no server.

### Confirmation

A benchmark in CI.
"""


def test_madr_front_matter_and_extra_sections() -> None:
    record = parse_decision_record(MADR_FULL, name="docs/decisions/0005-use-duckdb.md")
    assert record.number == 5 and record.status == "superseded"
    assert record.date == datetime(2026, 3, 1, tzinfo=UTC)
    assert record.deciders == ["Ana Ortiz", "ben@example.org"]
    assert record.consulted == ["Cat", "Dev"] and record.informed == ["everyone"]
    assert record.tags == ["storage", "ledger"]
    assert (record.supersedes, record.superseded_by) == (2, 9)
    assert record.work_item_url == "https://github.com/acme/app/issues/42"
    assert record.thread_url == "https://chat.example.org/archives/C1/p1"
    assert record.consequences == "* Good, because no server."
    # The other sections stay with the decision, under their own headings.
    assert record.decision.startswith("Chosen option: DuckDB, because it scans fast.")
    for heading in ("### Decision Drivers", "### Considered Options", "### Confirmation"):
        assert heading in record.decision
    again = parse_decision_record(render_madr(record), name=file_name(record))
    assert again == DecisionRecord(**{**record.__dict__, "source": file_name(record)})


def test_nygard_status_lines_link_records() -> None:
    text = """# 3. Move to queues

Date: 12 March 2026

## Status

Superseded by [5. Use streams](0005-use-streams.md)

Supersedes [1. Use cron](0001-use-cron.md)

## Context

Cron jobs overlap.

## Decision

We use a queue.

## Consequences

One more service to run.
"""
    record = parse_decision_record(text, name="0003-move-to-queues.md")
    assert (record.number, record.title, record.status) == (3, "Move to queues", "superseded")
    assert (record.supersedes, record.superseded_by) == (1, 5)
    assert record.date == datetime(2026, 3, 12, tzinfo=UTC)


# Every form either reader accepted before the GitHub source's ADR files and the decision log
# shared one parser, with the instant each gave (the GitHub reader's naive UTC, made aware).
@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2026-02-10", datetime(2026, 2, 10, tzinfo=UTC)),
        ("2026-02-20T15:30:00+01:00", datetime(2026, 2, 20, 14, 30, tzinfo=UTC)),
        ("2026-02-20T15:30:00+0100", datetime(2026, 2, 20, 14, 30, tzinfo=UTC)),
        ("2026-02-20T15:30:00Z", datetime(2026, 2, 20, 15, 30, tzinfo=UTC)),
        ("2026-02-20T15:30z", datetime(2026, 2, 20, 15, 30, tzinfo=UTC)),
        ("2026-02-20 15:30", datetime(2026, 2, 20, 15, 30, tzinfo=UTC)),
        ("2026-02-20T15:30:00.250", datetime(2026, 2, 20, 15, 30, 0, 250000, tzinfo=UTC)),
        ("2026-02-10 (amended 2026-03-01)", datetime(2026, 2, 10, tzinfo=UTC)),
        ("accepted on 2026-02-10", datetime(2026, 2, 10, tzinfo=UTC)),
        ("**2026-02-10**", datetime(2026, 2, 10, tzinfo=UTC)),
        ("[2026-02-10]", datetime(2026, 2, 10, tzinfo=UTC)),
        ('"2026-02-10"', datetime(2026, 2, 10, tzinfo=UTC)),
        ("10 February 2026", datetime(2026, 2, 10, tzinfo=UTC)),
        ("10 Feb 2026", datetime(2026, 2, 10, tzinfo=UTC)),
        ("February 10, 2026", datetime(2026, 2, 10, tzinfo=UTC)),
        ("Feb 10, 2026", datetime(2026, 2, 10, tzinfo=UTC)),
        ("2026/02/10", datetime(2026, 2, 10, tzinfo=UTC)),
        ("10.02.2026", datetime(2026, 2, 10, tzinfo=UTC)),
        (date(2026, 2, 10), datetime(2026, 2, 10, tzinfo=UTC)),
        (datetime(2026, 2, 10, 9, 0), datetime(2026, 2, 10, 9, 0, tzinfo=UTC)),
    ],
)
def test_every_date_form_of_either_former_reader(value: object, instant: datetime) -> None:
    assert decision_date(value) == instant
    line = parse_decision_record(f"# T\n\nDate: {value}\n")
    assert line.date == instant


def test_an_offset_the_iso_pattern_missed_is_applied() -> None:
    # The GitHub reader took the ISO date within the line and dropped an hours-only offset and an
    # offset after a space; the whole value is ISO 8601 and its offset counts.
    assert decision_date("2026-02-20T15:30+01") == datetime(2026, 2, 20, 14, 30, tzinfo=UTC)
    assert decision_date("2026-02-20 15:30 +01:00") == datetime(2026, 2, 20, 14, 30, tzinfo=UTC)
    assert decision_date("") is None
    with pytest.raises(ValueError, match="date 'someday' is not a date"):
        decision_date("someday")


def test_more_information_is_its_own_section() -> None:
    text = MADR_FULL + "\n## More Information\n\n* Thread: `r1`\n"
    record = parse_decision_record(text, name="0005-use-duckdb.md")
    assert record.more_information == "* Thread: `r1`"
    assert "More Information" not in record.decision
    assert render_madr(record).endswith(
        "### Consequences\n\n* Good, because no server.\n\n## More Information\n\n* Thread: `r1`\n"
    )
    # A log that keeps only the decision text keeps it as parsing once kept every other section.
    assert record.decision_with_more_information() == (
        record.decision + "\n\n### More Information\n\n* Thread: `r1`"
    )
    assert DecisionRecord(title="T", decision="D").decision_with_more_information() == "D"


def test_file_names_and_titles_that_start_with_a_year() -> None:
    record = parse_decision_record("# 2026 roadmap freeze\n", name="roadmap.md")
    assert record.number is None and record.title == "2026 roadmap freeze"
    assert (
        file_name(DecisionRecord(title="Use C# for tools?", number=7)) == "0007-use-c-for-tools.md"
    )
    assert parse_decision_record("# Use C#\n").title == "Use C#"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("no heading at all\n", "no '# Title' heading"),
        ("---\nstatus: [unclosed\n---\n# T\n", "front matter is not valid YAML"),
        ("---\n- a list\n---\n# T\n", "not a mapping"),
        ("---\nstatus: maybe\n---\n# T\n", "unknown status 'maybe'"),
        ("---\ndate: someday\n---\n# T\n", "date 'someday' is not a date"),
        ("---\nwork-item: ftp://x\n---\n# T\n", "is not an http(s) URL"),
        ("---\nsupersedes: the old one\n---\n# T\n", "names no numbered record"),
        (b"\xff\xfe# T\n", "not UTF-8 text"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-good.md").write_text("# Good\n")
    bad = folder / "0002-bad.md"
    bad.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(InvalidDecisionRecord) as caught:
        read_decision_records(folder)
    text = str(caught.value)
    assert text.startswith(f"{bad}: ") and message in text and "\n" not in text


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidDecisionRecord, match="no such file"):
        read_decision_record(tmp_path / "gone.md")


_WORD = st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_TEXT = st.lists(_LINE, max_size=4).map("\n".join)
_NAMES = st.lists(st.lists(_WORD, min_size=1, max_size=3).map(" ".join), max_size=3, unique=True)
_TITLE = st.tuples(st.sampled_from("ABCDEFGHUWZ"), _LINE).map(lambda p: f"{p[0]}{p[1]}")
_INSTANT = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(
    record=st.builds(
        DecisionRecord,
        title=_TITLE,
        status=st.sampled_from(DECISION_STATUSES),
        number=st.none() | st.integers(0, 99999),
        date=st.none() | _INSTANT,
        context=_TEXT,
        decision=_TEXT,
        consequences=_TEXT,
        deciders=_NAMES,
        consulted=_NAMES,
        informed=_NAMES,
        tags=_NAMES,
        supersedes=st.none() | st.integers(0, 9999),
        superseded_by=st.none() | st.integers(0, 9999),
        work_item_url=st.none() | _WORD.map(lambda w: f"https://tracker.example/{w}"),
        thread_url=st.none() | _WORD.map(lambda w: f"https://chat.example/{w}"),
        more_information=_TEXT,
    )
)
def test_rendered_madr_reads_back_to_the_same_record(record: DecisionRecord) -> None:
    text = render_madr(record)
    name = file_name(record)
    assert parse_decision_record(text, name=name) == DecisionRecord(
        **{**record.__dict__, "source": name}
    )
