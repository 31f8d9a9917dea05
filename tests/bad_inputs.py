"""Bad inputs built from each source's documented shape, and the contract every source keeps on them.

A :class:`BadCase` writes one faulty export and says what the contract expects of it: the file
REFUSED (one ``Error:`` line naming it, no store left behind, an existing store unchanged) or
the record SKIPPED (counted with its file, nothing lost silently, ``--strict`` fails). The JSON
cases are generated from a :class:`JsonShape` (where a source keeps its records, which field is
their time and which their id); :func:`check_case` holds the contract.
"""

from __future__ import annotations

import copy
import json
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from asyncmaturity.errors import InvalidExport, RejectedRecords, UnsafeArchive
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"


class Expect(Enum):
    """What the contract asks of a bad input."""

    REFUSED = "refused"  # the whole file: one Error: line naming it, the store untouched
    SKIPPED = "skipped"  # one record: counted with its file, --strict fails, the rest is read


@dataclass(frozen=True)
class BadCase:
    """One faulty export: its name (after the fault), how to write it, and what is expected."""

    name: str
    write: Callable[[Path], Path]  # writes the export under the folder; returns what to ingest
    expect: Expect
    names: str  # what the error line or a skip example must name (a file name)


# --- the contract ---------------------------------------------------------------------------


def evidence_counts(store: Path) -> dict[str, int]:
    """Rows of every evidence table and of the ingest log."""
    with EvidenceStore.open(store, create=False) as opened:
        found = opened.counts()
        row = opened.con.execute("SELECT count(*) FROM ingests").fetchone()
    return {**found, "ingests": row[0] if row else 0}


def run_cli_ingest(export: Path, source: str, store: Path, *extra: str) -> tuple[int, list[str]]:
    """Exit code and stderr lines of the CLI's ingest, run as a process of its own.

    A process of its own, not CliRunner: CliRunner captures the test process's sys.stderr, where
    any thread of an earlier test (a web job's heartbeat logging a failure) may write meanwhile,
    which once made a case fail under load that passed alone.
    """
    command = ["ingest", str(export), "--format", source, "--store", str(store), "--quiet"]
    done = subprocess.run(
        [sys.executable, "-c", "from asyncmaturity.cli import app; app()", *command, *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stderr.splitlines()


def no_traceback(lines: list[str]) -> None:
    """The CLI ended by its own exit, never by an exception it did not translate."""
    assert not any(line.startswith("Traceback") for line in lines), lines


def check_case(
    case: BadCase,
    source: str,
    folder: Path,
    existing: Path | None = None,
    *,
    strict: bool = False,
    cli: bool = False,
) -> dict[str, int]:
    """Hold `case` to the contract for `source`; return what a skip case skipped, by reason.

    The core is called in-process: a refusal is an InvalidExport or UnsafeArchive (what the CLI
    prints as its one ``Error:`` line) naming the file; any other exception is the traceback
    the contract forbids. `existing` is a store already holding other records: a refused case
    must leave it as it was (ingest rolls every refusal back alike, so a corpus checks it on a
    few cases, not all). `strict`: a skip case is also ingested strictly, which must fail (ingest
    makes any skip fatal alike, so a corpus checks it on a few cases). `cli`: the case is also
    run through the CLI, which must print one ``Error:`` line and exit 1 (on a skip case, with
    --strict).
    """
    export = case.write(folder)
    fresh = folder / "fresh" / "new.duckdb"
    fresh.parent.mkdir()
    if case.expect is Expect.REFUSED:
        with pytest.raises((InvalidExport, UnsafeArchive)) as refused:
            ingest([export], store=fresh, format=source)
        message = str(refused.value).strip()
        assert "\n" not in message and case.names in message, message
        assert list(fresh.parent.iterdir()) == [], "a refused ingest left a store file behind"
        if existing is not None:
            before = evidence_counts(existing)
            with pytest.raises((InvalidExport, UnsafeArchive)):
                ingest([export], store=existing, format=source)
            assert evidence_counts(existing) == before
        if cli:
            code, lines = run_cli_ingest(export, source, fresh)
            no_traceback(lines)
            assert code == 1 and len(lines) == 1, lines
            assert lines[0].startswith("Error: ") and case.names in lines[0], lines[0]
            assert list(fresh.parent.iterdir()) == []
        return {}
    summary = ingest([export], store=fresh, format=source)
    assert summary.skipped, "the bad record was neither refused nor counted as skipped"
    examples = " ".join(summary.exports[0].examples)
    assert case.names in examples, examples
    strict_store = folder / "strict" / "new.duckdb"
    strict_store.parent.mkdir()
    if strict:
        with pytest.raises(RejectedRecords):
            ingest([export], store=strict_store, format=source, strict=True)
        assert list(strict_store.parent.iterdir()) == []
    if cli:
        code, lines = run_cli_ingest(export, source, strict_store, "--strict")
        no_traceback(lines)
        assert code == 1 and lines[0].startswith("Error: "), lines
        assert list(strict_store.parent.iterdir()) == []
    return summary.skipped


# --- JSON shapes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JsonShape:
    """Where a JSON source keeps its records in a sample, and which fields the cases break."""

    sample: Path  # a clean export: a file, or a folder holding `member`
    member: str  # the file of the folder the cases change ("" when `sample` is the file)
    container: str | None  # the key of the record list (None: the document is the list)
    time_field: str  # a record's time, dotted path
    time_kind: str  # "iso", "epoch_s" or "epoch_ms"
    id_field: str | None  # a record's native id, dotted path
    zip_member: str | None = None  # the sample's path inside a zip of it, when zips are read
    author_field: str | None = None  # a record's sender or author, dotted path

    @property
    def file_name(self) -> str:
        """The name of the file the cases change."""
        return Path(self.member).name if self.member else self.sample.name


def set_field(record: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        record = record[key]
    record[last] = value


def first_record(document: Any, shape: JsonShape) -> Any:
    """The first record of a parsed sample `document` of this `shape`."""
    return records_of(document, shape)[0]


def records_of(document: Any, shape: JsonShape) -> list[Any]:
    found: list[Any] = document if shape.container is None else document[shape.container]
    return found


def _copy_with(shape: JsonShape, folder: Path, content: bytes) -> Path:
    """A copy of the sample whose changed file holds `content`."""
    if not shape.member:
        export = folder / shape.sample.name
        export.write_bytes(content)
        return export
    export = folder / shape.sample.name
    shutil.copytree(shape.sample, export)
    (export / shape.member).write_bytes(content)
    return export


def _sample_document(shape: JsonShape) -> Any:
    path = shape.sample / shape.member if shape.member else shape.sample
    return json.loads(path.read_bytes())


def _whole(content: bytes) -> Callable[[JsonShape], Callable[[Path], Path]]:
    return lambda shape: lambda folder: _copy_with(shape, folder, content)


def _record_changed(
    change: Callable[[dict[str, Any], JsonShape], None],
) -> Callable[[JsonShape], Callable[[Path], Path]]:
    def build(shape: JsonShape) -> Callable[[Path], Path]:
        def write(folder: Path) -> Path:
            document = copy.deepcopy(_sample_document(shape))
            change(records_of(document, shape)[0], shape)
            return _copy_with(shape, folder, json.dumps(document).encode())

        return write

    return build


def _time(value_for: dict[str, Any]) -> Callable[[dict[str, Any], JsonShape], None]:
    return lambda record, shape: set_field(record, shape.time_field, value_for[shape.time_kind])


def _id(value: Any) -> Callable[[dict[str, Any], JsonShape], None]:
    def change(record: dict[str, Any], shape: JsonShape) -> None:
        assert shape.id_field is not None
        set_field(record, shape.id_field, value)

    return change


def _container_is_a_string(shape: JsonShape) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        document: Any = {shape.container or "records": "none"}
        if shape.container is not None:
            document = {**_sample_document(shape), shape.container: "none"}
        return _copy_with(shape, folder, json.dumps(document).encode())

    return write


def _first_record_not_an_object(shape: JsonShape) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        document = copy.deepcopy(_sample_document(shape))
        records_of(document, shape).insert(0, "not a record")
        return _copy_with(shape, folder, json.dumps(document).encode())

    return write


DEPTH = 100_000
# Year 0, year 99999, 1e300 and two sane-looking but implausible times, in each time notation.
YEAR_0 = {"iso": "0000-01-01T00:00:00Z", "epoch_s": -62167219200, "epoch_ms": -62167219200000}
YEAR_99999 = {
    "iso": "99999-01-01T00:00:00Z",
    "epoch_s": 3093496473600,
    "epoch_ms": 3093496473600000,
}
HUGE = {"iso": 1e300, "epoch_s": 1e300, "epoch_ms": 1e300}
BEFORE_1990 = {"iso": "1971-03-02T09:00:00Z", "epoch_s": 36320400, "epoch_ms": 36320400000}
# A time of another JSON type than its notation's, alike in every notation.
AN_OBJECT = {"iso": {"date": 1}, "epoch_s": {"date": 1}, "epoch_ms": {"date": 1}}
A_LIST = {"iso": ["2026-03-02"], "epoch_s": [1772442000], "epoch_ms": [1772442000000]}
A_BOOLEAN = {"iso": True, "epoch_s": True, "epoch_ms": True}
NEXT_CENTURY = {"iso": "2199-03-02T09:00:00Z", "epoch_s": 7263046800, "epoch_ms": 7263046800000}

# (name, builder, expectation): the file-level faults are refused, the record-level ones skipped.
JSON_FAULTS: list[tuple[str, Callable[[JsonShape], Callable[[Path], Path]], Expect]] = [
    ("top_level_string", _whole(b'"hello"'), Expect.REFUSED),
    ("top_level_number", _whole(b"42"), Expect.REFUSED),
    ("top_level_null", _whole(b"null"), Expect.REFUSED),
    ("top_level_bool", _whole(b"true"), Expect.REFUSED),
    ("empty_file", _whole(b""), Expect.REFUSED),
    ("whitespace_only", _whole(b"  \n\t\n"), Expect.REFUSED),
    ("binary_garbage", _whole(bytes(range(256)) * 8), Expect.REFUSED),
    ("nesting_deeper_than_the_limit", _whole(b"[" * DEPTH + b"]" * DEPTH), Expect.REFUSED),
    ("invalid_utf8", _whole(b'{"value": ["\xff\xfe caf\xe9"]}'), Expect.REFUSED),
    ("record_list_is_a_string", _container_is_a_string, Expect.REFUSED),
    ("record_not_an_object", _first_record_not_an_object, Expect.SKIPPED),
    ("time_in_year_0", _record_changed(_time(YEAR_0)), Expect.SKIPPED),
    ("time_in_year_99999", _record_changed(_time(YEAR_99999)), Expect.SKIPPED),
    ("time_1e300", _record_changed(_time(HUGE)), Expect.SKIPPED),
    ("time_before_1990", _record_changed(_time(BEFORE_1990)), Expect.SKIPPED),
    ("time_next_century", _record_changed(_time(NEXT_CENTURY)), Expect.SKIPPED),
    ("time_is_an_object", _record_changed(_time(AN_OBJECT)), Expect.SKIPPED),
    ("time_is_a_list", _record_changed(_time(A_LIST)), Expect.SKIPPED),
    ("time_is_a_boolean", _record_changed(_time(A_BOOLEAN)), Expect.SKIPPED),
]
ID_FAULTS: list[tuple[str, Callable[[JsonShape], Callable[[Path], Path]], Expect]] = [
    ("id_of_40_digits", _record_changed(_id(10**39 + 7)), Expect.SKIPPED),
    ("id_is_infinity", _record_changed(_id(1e400)), Expect.SKIPPED),
    ("id_is_an_object", _record_changed(_id({"id": 1})), Expect.SKIPPED),
    ("id_string_too_long", _record_changed(_id("x" * 5000)), Expect.SKIPPED),
    ("id_is_a_list", _record_changed(_id(["1"])), Expect.SKIPPED),
    ("id_is_a_boolean", _record_changed(_id(True)), Expect.SKIPPED),
]


# --- zip archives -----------------------------------------------------------------------------


def zip_of(shape: JsonShape, folder: Path, extra: Callable[[zipfile.ZipFile], None]) -> Path:
    """A zip of the shape's clean sample under `folder`, with `extra` adding members to it."""
    export = folder / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        root = shape.sample
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for file in files:
            inner = file.name if root.is_file() else file.relative_to(root).as_posix()
            archive.write(file, f"{shape.zip_member or ''}{inner}")
        extra(archive)
    return export


def _zip_slip(shape: JsonShape) -> Callable[[Path], Path]:
    return lambda folder: zip_of(shape, folder, lambda z: z.writestr("../../escaped.json", "[]"))


def _zip_bomb(shape: JsonShape) -> Callable[[Path], Path]:
    # 64 MiB of spaces deflate to about 64 KiB: a ratio of about 1000, far past any export's.
    # Made when the case runs: at collection, every worker would hold 64 MiB per corpus.
    return lambda folder: zip_of(
        shape, folder, lambda z: z.writestr("bomb.json", b"[" + b" " * (64 << 20) + b"]")
    )


def _zip_symlink(shape: JsonShape) -> Callable[[Path], Path]:
    def add(archive: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("link.json")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")

    return lambda folder: zip_of(shape, folder, add)


def _zip_truncated(shape: JsonShape) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        export = zip_of(shape, folder, lambda z: None)
        export.write_bytes(export.read_bytes()[: export.stat().st_size // 2])
        return export

    return write


def _zip_of_garbage(shape: JsonShape) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        export = folder / "export.zip"
        export.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
        return export

    return write


ZIP_FAULTS: list[tuple[str, Callable[[JsonShape], Callable[[Path], Path]], Expect]] = [
    ("zip_member_escapes_the_folder", _zip_slip, Expect.REFUSED),
    ("zip_bomb_member", _zip_bomb, Expect.REFUSED),
    ("zip_member_is_a_symlink", _zip_symlink, Expect.REFUSED),
    ("zip_truncated", _zip_truncated, Expect.REFUSED),
    ("zip_of_garbage", _zip_of_garbage, Expect.REFUSED),
]


def _author(value: Any) -> Callable[[dict[str, Any], JsonShape], None]:
    def change(record: dict[str, Any], shape: JsonShape) -> None:
        assert shape.author_field is not None
        set_field(record, shape.author_field, value)

    return change


# A sender of another JSON type than its format's: read as its JSON text, it would be a person.
AUTHOR_FAULTS: list[tuple[str, Callable[[JsonShape], Callable[[Path], Path]], Expect]] = [
    ("author_is_a_list", _record_changed(_author(["Ana Lima"])), Expect.SKIPPED),
    ("author_is_a_boolean", _record_changed(_author(True)), Expect.SKIPPED),
]


def json_cases(shape: JsonShape, *, ids: bool = True) -> list[BadCase]:
    """The bad-input corpus of a JSON source of this `shape`."""
    faults = JSON_FAULTS + (ID_FAULTS if ids and shape.id_field else [])
    faults += AUTHOR_FAULTS if shape.author_field else []
    cases = [BadCase(name, build(shape), expect, shape.file_name) for name, build, expect in faults]
    if shape.zip_member is not None:
        cases += [
            BadCase(name, build(shape), expect, "export.zip") for name, build, expect in ZIP_FAULTS
        ]
    return cases


# --- JSON Lines (one record a line, the first a version object) -------------------------------


def _jsonl_lines(sample: Path) -> list[str]:
    return [line for line in sample.read_text("utf-8").splitlines() if line.strip()]


def _first_post(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines) if json.loads(line).get("type") == "post")


def _jsonl_with(sample: Path, change: Callable[[list[str]], list[str]]) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        export = folder / sample.name
        export.write_text("\n".join(change(_jsonl_lines(sample))) + "\n", "utf-8")
        return export

    return write


def _jsonl_bytes(sample: Path, content: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        export = folder / sample.name
        export.write_bytes(content)
        return export

    return write


def _post_line_replaced(sample: Path, line: str | bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        lines = [text.encode() for text in _jsonl_lines(sample)]
        lines[_first_post(_jsonl_lines(sample))] = (
            line if isinstance(line, bytes) else line.encode()
        )
        export = folder / sample.name
        export.write_bytes(b"\n".join(lines) + b"\n")
        return export

    return write


def _post_field(sample: Path, field: str, value: Any) -> Callable[[Path], Path]:
    def change(lines: list[str]) -> list[str]:
        index = _first_post(lines)
        record = json.loads(lines[index])
        record["post"][field] = value
        lines[index] = json.dumps(record)
        return lines

    return _jsonl_with(sample, change)


def _post_time(sample: Path, value: Any) -> Callable[[Path], Path]:
    return _post_field(sample, "create_at", value)


def jsonl_cases(sample: Path, zip_member: str = "export.jsonl") -> list[BadCase]:
    """The bad-input corpus of a JSON Lines export (Mattermost's bulk format)."""
    name = sample.name
    shape = JsonShape(sample, "", None, "", "epoch_ms", None, zip_member="")
    refused = {
        "empty_file": _jsonl_bytes(sample, b""),
        "binary_garbage": _jsonl_bytes(sample, bytes(range(256)) * 8),
        "first_line_not_a_version_object": _jsonl_with(sample, lambda lines: lines[1:]),
        "top_level_string": _jsonl_bytes(sample, b'"hello"\n'),
        "nesting_deeper_than_the_limit": _jsonl_bytes(sample, b"[" * DEPTH + b"]" * DEPTH),
    }
    skipped = {
        "malformed_line": _post_line_replaced(sample, '{"type": "post", "post": {"team": '),
        "line_is_a_number": _post_line_replaced(sample, "42"),
        "line_not_utf8": _post_line_replaced(sample, b'{"type": "post", "post": "caf\xe9"}'),
        "line_nested_deeper_than_the_limit": _post_line_replaced(
            sample, '{"type": "post", "post": ' + "[" * DEPTH + "]" * DEPTH + "}"
        ),
        "post_is_a_string": _post_line_replaced(sample, '{"type": "post", "post": "none"}'),
        "time_in_year_0": _post_time(sample, YEAR_0["epoch_ms"]),
        "time_in_year_99999": _post_time(sample, YEAR_99999["epoch_ms"]),
        "time_1e300": _post_time(sample, HUGE["epoch_ms"]),
        "time_before_1990": _post_time(sample, BEFORE_1990["epoch_ms"]),
        "time_next_century": _post_time(sample, NEXT_CENTURY["epoch_ms"]),
        "post_user_is_an_object": _post_field(sample, "user", {"username": "ana"}),
        "post_replies_is_an_object": _post_field(sample, "replies", {"user": "ana"}),
        "post_time_is_a_string": _post_field(sample, "create_at", "yesterday"),
    }
    cases = [BadCase(fault, write, Expect.REFUSED, name) for fault, write in refused.items()]
    cases += [BadCase(fault, write, Expect.SKIPPED, name) for fault, write in skipped.items()]
    cases += [
        BadCase(fault, build(shape), expect, "export.zip") for fault, build, expect in ZIP_FAULTS
    ]
    return cases


# --- iCalendar ----------------------------------------------------------------------------------


def _calendar(events: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n".encode()


def _event(uid: str, start: str, end: str = "", extra: str = "") -> str:
    end_line = f"DTEND{end}\r\n" if end else ""
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260301T000000Z\r\nDTSTART{start}\r\n"
        f"{end_line}{extra}SUMMARY:{uid}\r\nEND:VEVENT\r\n"
    )


GOOD_EVENT = _event("good@example.org", ":20260302T100000Z", ":20260302T110000Z")


def _ics(name: str, content: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        export = folder / name
        export.write_bytes(content)
        return export

    return write


def ical_cases() -> list[BadCase]:
    """The bad-input corpus of iCalendar files: file faults refused, event faults skipped."""
    name = "calendar.ics"
    refused = {
        "empty_file": b"",
        "binary_garbage": b"BEGIN:VCALENDAR\r\n" + bytes(range(256)) * 8,
        "cut_before_end_vcalendar": _calendar(GOOD_EVENT)[:-30],
        "json_instead_of_ical": b'{"value": []}',
        "whitespace_only": b"  \r\n\r\n",
        "utf16_encoded": _calendar(GOOD_EVENT).decode().encode("utf-16"),
    }
    skipped = {
        "tzid_not_a_known_zone": _event(
            "mars@example.org",
            ";TZID=Mars/Olympus_Mons:20260303T100000",
            ";TZID=Mars/Olympus_Mons:20260303T110000",
        ),
        "tzid_empty_string_zone": _event(
            "nowhere@example.org", ";TZID=Nowhere Standard Time:20260303T100000"
        ),
        "dtstart_not_a_date": _event("bad-start@example.org", ":tomorrow"),
        "ends_before_it_starts": _event(
            "backwards@example.org", ":20260303T100000Z", ":20260303T090000Z"
        ),
        "duration_unreadable": _event(
            "duration@example.org", ":20260303T100000Z", extra="DURATION:PT-bad\r\n"
        ),
        "dtend_not_a_date": _event("bad-end@example.org", ":20260303T100000Z", ":soon"),
        "event_without_dtstart": (
            "BEGIN:VEVENT\r\nUID:no-start@example.org\r\nDTSTAMP:20260301T000000Z\r\n"
            "SUMMARY:no start\r\nEND:VEVENT\r\n"
        ),
        "tzid_unknown_on_dtend_only": _event(
            "end-zone@example.org", ":20260303T100000Z", ";TZID=Atlantis/Capital:20260303T110000"
        ),
        "rrule_unreadable": _event(
            "rule@example.org", ":20260303T100000Z", extra="RRULE:FREQ=SOMETIMES\r\n"
        ),
    }
    cases = [
        BadCase(fault, _ics(name, data), Expect.REFUSED, name) for fault, data in refused.items()
    ]
    cases += [
        BadCase(fault, _ics(name, _calendar(GOOD_EVENT + event)), Expect.SKIPPED, name)
        for fault, event in skipped.items()
    ]
    return cases
