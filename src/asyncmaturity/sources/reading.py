"""The bad-input contract every source keeps, in one place: what is refused, skipped or checked.

A file that is not its format, or whose top level has the wrong type, is REFUSED:
:class:`~asyncmaturity.errors.InvalidExport` with one line naming the file (the CLI prints it as
one ``Error:`` line and ingest leaves the store as it was, removing one it created). A record
that cannot be read is SKIPPED: counted with its file and position (``--strict`` makes that
fatal). Values are checked at the edge: a time outside the plausible range, an id that is no
integer or short string, is a skipped record with that reason, never a database error.

The plausible range runs from :data:`EARLIEST_PLAUSIBLE` (1990-01-01, before any of the tools
these exports come from) to the time of ingest plus :data:`LATEST_AHEAD` (a year: clocks and
scheduled posts run ahead, a century does not); ``ingest --earliest`` moves the first bound.
"""

from __future__ import annotations

import errno
import json
import math
import stat
import zipfile
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

import duckdb

from asyncmaturity.errors import InvalidExport, UnsafeArchive

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1)
LATEST_AHEAD = timedelta(days=366)
# Python's parser recurses once per level; past this the document is refused, not a traceback.
MAX_JSON_DEPTH = 500
# Ids longer than this are no id a chat or tracker gives (UUIDs, snowflakes, keys: under 100).
MAX_ID_LENGTH = 255
INT64 = 1 << 63
IMPLAUSIBLE_TIME = "time outside the plausible range"
BAD_ID = "id that is not an integer or a short string"
# A field of another JSON type than its format's, read as unknown: counted like a skip.
WRONG_TYPE = "field of the wrong type (read as unknown)"

# Zip safety: exports are JSON or text, which compresses about 5-30x; far beyond is a bomb.
MAX_RATIO = 200
RATIO_CHECK_FLOOR = 1 << 20  # small members may legitimately compress extremely well
MAX_TOTAL_BYTES = 64 << 30


def contract_markdown() -> list[str]:
    """The bad-input contract and the plausible-range rules, as Markdown lines for docs/sources.md."""
    return [
        "## Bad input",
        "",
        "Every source keeps one contract (`sources/reading.py`; the conformance suite and "
        "`tests/test_bad_input*.py` hold each source to it on a corpus of faults and on random "
        "mutations of a clean sample):",
        "",
        "- **A file that is not its format is refused**, with one `Error:` line naming it: "
        "an empty file, malformed JSON, text that is not UTF-8, a top level of the wrong type "
        '(a string, number, null or boolean; `{"issues": "none"}`: a record list that is no '
        f"array), JSON nested deeper than {MAX_JSON_DEPTH} levels, a ledger file whose format "
        "marker is another's. The ingest then adds nothing: a store it created is removed, an "
        "existing store is left exactly as it was.",
        "- **A zip archive is checked before anything is read from it**, by every source alike: "
        "a member that points outside the archive or is a symbolic link, one that expands more "
        f"than {MAX_RATIO}x (past {RATIO_CHECK_FLOOR >> 20} MiB) or beyond its declared size, "
        f"or an archive past {MAX_TOTAL_BYTES >> 30} GiB in all, refuses the archive; so does a "
        "truncated or corrupt one.",
        "- **A record that cannot be read is skipped and counted** with its file and position "
        "(record N, line N, event N); `--strict` makes any skip fatal. One bad line of a JSON "
        "Lines file is such a record in every source.",
        "- **Values are checked at the edge.** A record whose time lies outside the plausible "
        f"range is skipped as '{IMPLAUSIBLE_TIME}': from {EARLIEST_PLAUSIBLE:%Y-%m-%d} (before "
        "any of these tools; `ingest --earliest` moves it) to the time of ingest plus "
        f"{LATEST_AHEAD.days} days (clocks and scheduled posts run ahead; a century does not), "
        "and so is one whose time is beyond what a timestamp holds (year 99999, 1e300). A record "
        f"whose id is no integer within 64 bits nor a string of at most {MAX_ID_LENGTH} "
        f"characters (NaN, Infinity, an object) is skipped as '{BAD_ID}'. A calendar event "
        "whose TZID is neither an IANA zone nor defined in the file is skipped. A record where a "
        "field it is read by (its id, time, sender, thread or conversation reference, text) is "
        "of another JSON type than its format's is skipped with a reason naming the field "
        f'("{wrong_type_reason("user", (STRING,))}"), never read as the value\'s JSON text; '
        "a field of the wrong type that the record can stand without (Teams' nested replies) is "
        f"read as unknown and counted ('{WRONG_TYPE}').",
        "",
    ]


def load_json(file: Path, shown: str, *, expect: type | tuple[type, ...] | None = None) -> Any:
    """The parsed JSON document of a file; InvalidExport names it (`shown`) when it is not one.

    file: the file to read.
    shown: how messages name it ('export.zip!inner/file.json').
    expect: the type(s) its top level must have (dict, list); None takes any JSON value.
    """
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InvalidExport(f"{shown}: cannot read: {exc}") from None
    return parse_json(content, shown, expect=expect)


def parse_json(
    content: bytes | str, shown: str, *, expect: type | tuple[type, ...] | None = None
) -> Any:
    """`content` parsed as one JSON document, refused (naming `shown`) as :func:`load_json` does."""
    if not content.strip():
        raise InvalidExport(f"{shown}: empty file, not a JSON document")
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InvalidExport(
            f"{shown}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except UnicodeDecodeError as exc:
        raise InvalidExport(f"{shown}: malformed JSON: not UTF-8 text ({exc.reason})") from None
    except ValueError as exc:  # NaN, Infinity: not JSON (RFC 8259), though Python reads them
        raise InvalidExport(f"{shown}: malformed JSON: {exc}") from None
    except RecursionError:
        raise InvalidExport(too_deep(shown)) from None
    check_top_level(document, shown, expect)
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def too_deep(shown: str) -> str:
    """The refusal of a document nested beyond what the readers take."""
    return f"{shown}: JSON nested deeper than {MAX_JSON_DEPTH} levels; refusing it"


def check_top_level(document: Any, shown: str, expect: type | tuple[type, ...] | None) -> None:
    """Refuse `document` (naming `shown`) when its top level is not of the `expect` type(s)."""
    if expect is None or isinstance(document, expect):
        return
    wanted = expect if isinstance(expect, tuple) else (expect,)
    names = " or ".join(JSON_TYPE_NAMES.get(t, t.__name__) for t in wanted)
    raise InvalidExport(f"{shown}: its top level is {json_type(document)}, not {names}")


JSON_TYPE_NAMES: dict[type, str] = {dict: "an object", list: "an array", str: "a string"}


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, with its article ('a string', 'null')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def record_list(document: dict[str, Any], key: str, shown: str) -> list[Any]:
    """The array under `key` of a wrapper object (absent or null: empty); refused when another type."""
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidExport(f"{shown}: '{key}' is {json_type(value)}, not an array of records")
    return value


def json_lines(file: Path, shown: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, value, None) per JSON line, or (line number, None, why) for one that fails.

    One bad line is a skipped record in every source; a file that is not UTF-8 text is refused.
    """
    try:
        with file.open("r", encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    yield number, json.loads(line), None
                except json.JSONDecodeError as exc:
                    yield number, None, f"malformed JSON at column {exc.colno}: {exc.msg}"
                except ValueError as exc:
                    yield number, None, f"malformed JSON: {exc}"
                except RecursionError:
                    yield number, None, f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    except UnicodeDecodeError as exc:
        raise InvalidExport(f"{shown}: not UTF-8 text: {exc.reason}") from None
    except OSError as exc:
        raise InvalidExport(f"{shown}: cannot read: {exc}") from None


# A run of more opening brackets than the limit (each maybe after a key) is nesting no export
# has. It is looked for twice: in the text as it is (cheap, and what nearly every file passes),
# then, only where that matched, with every string emptied, so that brackets inside a string
# (a message of "[[[[...") never refuse a file. A run is exactly as deep as it is long; nesting
# that interleaves other values (`[0,[0,[0,...`) is not counted, and needs no refusal: DuckDB's
# parser does not recurse, and the Python readers refuse it by their own limit (RecursionError).
DEEP_NESTING = r'([\[{]\s*("([^"\\]|\\.)*"\s*:\s*)?){' + str(MAX_JSON_DEPTH + 1) + "}"
JSON_STRING = r'"([^"\\]|\\.)*"'


def json_checks_sql(lists: tuple[str, ...] = ()) -> str:
    """SELECT-list SQL of what :func:`check_json_files` finds in a document: `empty`, `valid`,
    `kind`, `deep` and `wrong_list`, from the columns `content` (its text) and `valid`
    (``json_valid(content)``, computed once by the query).

    lists: the keys of a top-level object that must hold arrays.
    The query needs the parameters of :func:`json_check_params`.
    """
    checks = " OR ".join(
        f"json_type(content, '$.\"{key}\"') NOT IN ('ARRAY', 'NULL')" for key in lists
    )
    # A valid document is never blank, and the nesting pattern needs as many brackets: the
    # costly tests run only where they can hold.
    return f"""CASE WHEN valid THEN false ELSE trim(content, ' \t\r\n') = '' END AS empty,
               valid,
               CASE WHEN valid THEN json_type(content) END AS kind,
               CASE WHEN length(content) - length(replace(replace(content, '[', ''),
                         '{{', '')) < $depth THEN false
                    WHEN regexp_matches(content, $deep)
                    THEN regexp_matches(regexp_replace(content, $string, '""', 'g'), $deep)
                    ELSE false END AS deep,
               CASE WHEN valid AND json_type(content) = 'OBJECT'
                    THEN {checks or "false"} ELSE false END AS wrong_list"""


# The condition on the columns of :func:`json_checks_sql` that refuses a document.
JSON_REFUSED = "empty OR NOT valid OR NOT list_contains($top, kind) OR deep OR wrong_list"


def json_check_params(top: tuple[str, ...]) -> dict[str, Any]:
    """The parameters of :func:`json_checks_sql` and :data:`JSON_REFUSED`.

    top: the JSON types a document's top level may have ('OBJECT', 'ARRAY').
    """
    return {"deep": DEEP_NESTING, "depth": MAX_JSON_DEPTH, "string": JSON_STRING, "top": list(top)}


def check_json_files(
    con: duckdb.DuckDBPyConnection,
    files: list[str],
    shown: Callable[[Path], str],
    *,
    top: tuple[str, ...] = ("OBJECT", "ARRAY"),
    lists: tuple[str, ...] = (),
) -> None:
    """Refuse the first of `files` that is not a JSON document of the `top` type(s).

    The DuckDB-read sources' side of :func:`load_json`: an empty file, malformed JSON or text
    that is not UTF-8, a top level of another type, nesting past :data:`MAX_JSON_DEPTH`, or a
    top-level object whose key in `lists` holds something other than an array, each refused
    with one line naming the file (`shown` gives its name).
    """
    try:
        rows = con.execute(
            f"""SELECT filename, empty, valid, kind, deep, wrong_list
                FROM (SELECT filename, {json_checks_sql(lists)}
                      FROM (SELECT filename, content, json_valid(content) AS valid
                            FROM read_text($files)))
                WHERE {JSON_REFUSED}
                LIMIT 1""",
            {**json_check_params(top), "files": files},
        ).fetchall()
    except duckdb.Error:
        refuse_text_not_utf8(files, shown)
        raise
    if rows:
        refuse_json(rows[0], shown, top=top, lists=lists)


def refuse_text_not_utf8(files: list[str], shown: Callable[[Path], str]) -> None:
    """Refuse the first of `files` that is not UTF-8 text; return when every one is.

    Text that is not UTF-8 fails a whole batch read by read_text, and the failed statement
    aborted the ingest's transaction: the file is found with a connection of our own.
    """
    with duckdb.connect() as scratch:
        for file in files:
            try:
                scratch.execute("SELECT length(content) FROM read_text(?)", [file]).fetchall()
            except duckdb.Error:
                raise InvalidExport(
                    f"{shown(Path(file))}: malformed JSON: not UTF-8 text"
                ) from None


def refuse_json(
    found: tuple[Any, ...],
    shown: Callable[[Path], str],
    *,
    top: tuple[str, ...],
    lists: tuple[str, ...] = (),
) -> NoReturn:
    """Refuse the document of `found`, a row (file name and the columns of
    :func:`json_checks_sql`) that :data:`JSON_REFUSED` holds for, naming why in one line.

    shown: gives the file's name; top, lists: as the checks had them.
    """
    file, empty, valid, kind, deep, wrong_list = found
    name = shown(Path(file))
    if empty:
        raise InvalidExport(f"{name}: empty file, not a JSON document")
    if not valid:
        raise InvalidExport(f"{name}: malformed JSON")
    if deep:
        raise InvalidExport(too_deep(name))
    if wrong_list:
        raise InvalidExport(f"{name}: one of {', '.join(lists)} is not an array of records")
    wanted = " or ".join(DUCKDB_TYPE_NAMES.get(t, t.lower()) for t in top)
    raise InvalidExport(
        f"{name}: its top level is {DUCKDB_TYPE_NAMES.get(kind, str(kind).lower())}, not {wanted}"
    )


DUCKDB_TYPE_NAMES = {
    "OBJECT": "an object",
    "ARRAY": "an array",
    "VARCHAR": "a string",
    "BIGINT": "a number",
    "UBIGINT": "a number",
    "DOUBLE": "a number",
    "BOOLEAN": "a boolean",
    "NULL": "null",
}


# --- values at the edge -----------------------------------------------------------------------


def plausible_range(now: datetime, earliest: datetime | None = None) -> tuple[datetime, datetime]:
    """The naive UTC bounds a record's time must lie within: (earliest, now + a year)."""
    return (earliest or EARLIEST_PLAUSIBLE), now + LATEST_AHEAD


def set_plausible_range(con: duckdb.DuckDBPyConnection, bounds: tuple[datetime, datetime]) -> None:
    """Make the bounds visible to the sources' SQL as getvariable('plausible_from'/'_until')."""
    con.execute("SET VARIABLE plausible_from = ?::TIMESTAMP", [bounds[0]])
    con.execute("SET VARIABLE plausible_until = ?::TIMESTAMP", [bounds[1]])


def implausible_sql(column: str, raw: str | None = None) -> str:
    """A SQL condition: the TIMESTAMP `column` is outside the plausible range.

    column: the time as a TIMESTAMP expression (NULL when it could not be converted).
    raw: the value it was converted from, when a set `raw` whose conversion overflowed (NULL
        `column`) is implausible too (an epoch of 1e300); None: a NULL `column` is not.
    """
    outside = (
        f"({column} < getvariable('plausible_from') OR {column} > getvariable('plausible_until'))"
    )
    if raw is None:
        return f"({column} IS NOT NULL AND {outside})"
    return f"({raw} IS NOT NULL AND ({column} IS NULL OR {outside}))"


def implausible_time(column: str, raw: str | None = None) -> tuple[str, str]:
    """A (reason, SQL condition) problem for a source's list (see :func:`implausible_sql`)."""
    return IMPLAUSIBLE_TIME, implausible_sql(column, raw)


def epoch_ms_sql(value: str) -> str:
    """`value` (milliseconds since 1970) as a TIMESTAMP; NULL when beyond what one holds."""
    return f"try(make_timestamp(try(CAST({value} AS BIGINT) * 1000)))"


def epoch_seconds_sql(value: str) -> str:
    """`value` (seconds since 1970, any number) as a TIMESTAMP; NULL when beyond what one holds."""
    return f"try(make_timestamp(CAST(round(TRY_CAST({value} AS DOUBLE) * 1e6) AS BIGINT)))"


def bad_id_sql(column: str) -> str:
    """A SQL condition: the VARCHAR id `column` is too long, not finite, all digits beyond 64
    bits, or a boolean, object or array (json_transform gives those as their JSON text)."""
    return (
        f"({column} IS NOT NULL AND (length({column}) > {MAX_ID_LENGTH} "
        f"OR lower({column}) IN ('nan', 'inf', '-inf', 'infinity', '-infinity', 'true', 'false') "
        f"OR left(ltrim({column}), 1) IN ('{{', '[') "
        f"OR (regexp_full_match({column}, '-?[0-9]+') AND TRY_CAST({column} AS BIGINT) IS NULL)))"
    )


# --- fields of the wrong JSON type -------------------------------------------------------------

STRING = "a string"
NUMBER = "a number"
OBJECT = "an object"
ARRAY = "an array"
BOOLEAN = "a boolean"
# An id is written as a string or a number, depending on the tool and its version.
ID_KINDS = (STRING, NUMBER)
# DuckDB's json_type names of each JSON type, by the name a reason gives it.
DUCKDB_JSON_TYPES: dict[str, tuple[str, ...]] = {
    STRING: ("VARCHAR",),
    NUMBER: ("BIGINT", "UBIGINT", "DOUBLE"),
    OBJECT: ("OBJECT",),
    ARRAY: ("ARRAY",),
    BOOLEAN: ("BOOLEAN",),
}


def wrong_type_reason(field: str, kinds: tuple[str, ...]) -> str:
    """The skip reason of a record whose `field` is set but of none of the JSON `kinds`."""
    return f"field '{field}' is not {' or '.join(kinds)}"


def wrong_type_sql(value: str, kinds: tuple[str, ...]) -> str:
    """A SQL condition: the JSON `value` is set (not null or absent) and of none of `kinds`.

    value: a JSON expression (a field read with json_transform's "JSON" type, json_extract).
    kinds: the JSON types the field may hold (:data:`STRING`, :data:`NUMBER`...).
    """
    allowed = ", ".join(f"'{t}'" for kind in kinds for t in DUCKDB_JSON_TYPES[kind])
    return f"(coalesce(json_type({value}), 'NULL') NOT IN ({allowed}, 'NULL'))"


def wrong_types(
    fields: Mapping[str, tuple[str, ...]], value: Callable[[str], str]
) -> list[tuple[str, str]]:
    """(reason, SQL condition) problems for a source's list: each of `fields` of another type.

    fields: the fields a reader relies on (ids, times, author, thread references, channel),
        each with the JSON types it may hold; a record where one is of another type is skipped
        with a reason naming the field, never read as something else or dropped unseen.
    value: the JSON expression of a field, given its name.
    """
    return [
        (wrong_type_reason(field, kinds), wrong_type_sql(value(field), kinds))
        for field, kinds in fields.items()
    ]


def raw_fields_structure(fields: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """A json_transform structure reading each of `fields` as raw JSON, for :func:`wrong_types`."""
    return dict.fromkeys(fields, "JSON")


def wrong_type_of(record: dict[str, Any], fields: Mapping[str, tuple[str, ...]]) -> str | None:
    """The reason a parsed `record` is skipped for a field of the wrong type, or None.

    The Python readers' side of :func:`wrong_types`: the first of `fields` that the record sets
    (not null) to a value of none of its JSON types.
    """
    for field, kinds in fields.items():
        value = record.get(field)
        if value is not None and json_type(value) not in kinds:
            return wrong_type_reason(field, kinds)
    return None


def bad_id(column: str) -> tuple[str, str]:
    """A (reason, SQL condition) problem for a source's list: the record's id is not sane."""
    return BAD_ID, bad_id_sql(column)


def is_sane_id(value: Any) -> bool:
    """True for an id a record may carry: an integer in 64 bits, or a short non-empty string."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -INT64 <= value < INT64
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer() and abs(value) < INT64
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH


# --- zip archives -----------------------------------------------------------------------------


def open_zip(archive: Path) -> zipfile.ZipFile:
    """`archive` opened and checked by :func:`check_zip`; UnsafeArchive when it is not readable."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise UnsafeArchive(f"{archive}: truncated or not a zip archive ({exc})") from None
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError) as exc:
        raise UnsafeArchive(f"{archive}: cannot be read as a zip archive ({exc})") from None
    try:
        check_zip(zf, archive)
    except BaseException:
        zf.close()
        raise
    return zf


def check_zip(
    zf: zipfile.ZipFile, archive: Path, *, max_total_bytes: int = MAX_TOTAL_BYTES
) -> None:
    """Refuse an archive whose members escape their folder, are links, or declare a bomb's size.

    Every source that reads a zip, extracting it or streaming its members, checks it here first;
    what a member really expands to is checked again as it is read (:func:`read_member`).
    """
    total = 0
    for info in zf.infolist():
        member_path(info.filename, archive)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise UnsafeArchive(
                f"{archive}: member {info.filename!r} is a symbolic link; refusing it"
            )
        if info.file_size > RATIO_CHECK_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise UnsafeArchive(
                f"{archive}: member {info.filename!r} expands "
                f"{info.file_size // max(info.compress_size, 1)}x (limit {MAX_RATIO}x); "
                "refusing a possible zip bomb"
            )
        total += info.file_size
        if total > max_total_bytes:
            raise UnsafeArchive(
                f"{archive}: expands beyond {max_total_bytes:,} bytes; refusing a possible zip bomb"
            )


def member_path(name: str, archive: Path) -> PurePosixPath:
    """The relative path of member `name`; UnsafeArchive when it points outside the archive."""
    member = PurePosixPath(name.replace("\\", "/"))
    if member.is_absolute() or ".." in member.parts or (member.parts and ":" in member.parts[0]):
        raise UnsafeArchive(f"{archive}: member {name!r} points outside the archive; refusing it")
    return member


def oversized_member(archive: Path, name: str) -> UnsafeArchive:
    """The refusal of a member that expands past its declared or allowed size."""
    return UnsafeArchive(
        f"{archive}: member {name!r} expands beyond its declared or allowed size; "
        "refusing a possible zip bomb"
    )


def zip_read_error(archive: Path, exc: BaseException) -> UnsafeArchive:
    """The refusal of an archive whose data fails while it is read (a CRC error, a cut)."""
    return UnsafeArchive(f"{archive}: corrupt or truncated zip archive ({exc})")


ZIP_READ_ERRORS = (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError)


# What entry_problem says of a folder (a Maildir counts one inside cur/ or new/ apart).
FOLDER = "a folder"


def entry_problem(path: Path) -> str | None:
    """Why the entry `path` of an export's folder cannot be read as a file, or None.

    :data:`FOLDER` for a folder; otherwise what it is: a symlink loop, a broken symlink, a FIFO,
    a socket, a device, or the error that stops it being looked at. Nothing is opened: a FIFO
    would block the reader.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop"
        if path.is_symlink():
            return "a broken symlink"
        return f"cannot look at it: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return FOLDER
    if stat.S_ISFIFO(mode):
        return "a FIFO, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "a device or other special file, not a file"
