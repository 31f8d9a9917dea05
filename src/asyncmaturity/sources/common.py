"""What several sources share: staging rows, reading JSON files, adding people and identities."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.reading import check_json_files, entry_problem, wrong_types
from asyncmaturity.store.database import identity_hash_sql, person_key_sql
from asyncmaturity.vocabulary import ConversationKind

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext, SourceReport

BYTES_PER_BATCH = 128 << 20
FILES_PER_BATCH = 2000


def file_label(path: Path, root: Path) -> Callable[[Path], str]:
    """How messages name a file under `root`: 'export.zip!inner/file' when `path` is a zip."""
    if path.is_file():
        return lambda file: f"{path}!{file.relative_to(root).as_posix()}"
    return str


def sole_folder(path: Path) -> Path | None:
    """The one folder in `path` when it holds nothing else (hidden and __MACOSX entries aside)."""
    children = [p for p in path.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    return children[0] if len(children) == 1 and children[0].is_dir() else None


# The skip reason of a folder entry named like an export file that is no file to read.
UNREADABLE_ENTRY = "unreadable folder entry"


def walk_files(
    root: Path,
    suffixes: tuple[str, ...],
    limit: int | None = None,
    unreadable: list[str] | None = None,
) -> Iterator[Path]:
    """Up to `limit` files under `root` ending in `suffixes` (any case), hidden ones left out.

    An entry so named that is no regular file (a FIFO would block the reader, a symlink loop
    raise) is not given: it goes to `unreadable` as 'path: why', for the ingest to count.
    """
    found = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__MACOSX")))
        for name in sorted(names):
            if name.lower().endswith(suffixes) and not name.startswith("."):
                path = Path(folder) / name
                problem = entry_problem(path)
                if problem is not None:
                    if unreadable is not None:
                        unreadable.append(f"{path}: {problem}")
                    continue
                yield path
                found += 1
                if limit is not None and found >= limit:
                    return


# The SQL type of each Arrow type that staged rows use. The rows go to DuckDB as one list
# parameter per column: building Arrow arrays from Python objects imports pandas (about half a
# second of every ingest) and is no faster.
SQL_TYPES: dict[pa.DataType, str] = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.bool_(): "BOOLEAN",
    pa.float64(): "DOUBLE",
    pa.timestamp("us"): "TIMESTAMP",
    pa.date32(): "DATE",
    pa.list_(pa.string()): "VARCHAR[]",
}


def register_rows(
    ctx: IngestContext, name: str, rows: list[dict[str, Any]], schema: pa.Schema
) -> None:
    """Create (or replace) the temp table `name` from Python rows shaped by `schema`.

    ctx: the ingest, whose connection gets the table.
    name: the temp table's name.
    rows: one mapping per row; a column a row lacks is NULL.
    schema: the columns, in order, of the types in :data:`SQL_TYPES`.
    """
    types = [(column.name, SQL_TYPES[column.type]) for column in schema]
    params: dict[str, list[Any]] = {}
    if rows:
        select = ", ".join(
            f'unnest($c{i}::{kind}[]) AS "{column}"' for i, (column, kind) in enumerate(types)
        )
        params = {f"c{i}": [row.get(column) for row in rows] for i, (column, _) in enumerate(types)}
    else:
        # unnest of empty lists gives no rows, but the table still needs its columns' types.
        select = ", ".join(f'NULL::{kind} AS "{column}"' for column, kind in types) + " LIMIT 0"
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}", params)


def json_structure_type(con: duckdb.DuckDBPyConnection, structure: str) -> str:
    """The SQL type that json_transform gives a document shaped by `structure` (JSON text)."""
    kind = con.execute("SELECT typeof(json_transform('null', ?))", [structure]).fetchone()
    return str(kind[0]) if kind else "JSON"


def insert_json_files(
    ctx: IngestContext,
    files: list[Path],
    sql: str,
    structure: str,
    label: Callable[[Path], str],
    *,
    progress: str | None = None,
    top: tuple[str, ...] = ("OBJECT", "ARRAY"),
    lists: tuple[str, ...] = (),
) -> None:
    """Run `sql` (params: `structure`, file names) over `files` in batches bounded by size.

    Each batch is first held to the JSON contract (:func:`~.reading.check_json_files`, with
    `top` and `lists`): a file that is not a JSON document of that shape is refused, named.
    """
    batch: list[str] = []
    size = 0

    def flush() -> None:
        check_json_files(ctx.con, batch, label, top=top, lists=lists)
        try:
            ctx.con.execute(sql, [structure, batch])
        except duckdb.Error as exc:
            raise InvalidExport(describe_json_error(batch, exc, label)) from None

    for done, file in enumerate(files, start=1):
        batch.append(str(file))
        size += file.stat().st_size
        if size >= BYTES_PER_BATCH or len(batch) >= FILES_PER_BATCH:
            flush()
            if progress is not None:
                ctx.progress(progress, done, len(files))
            batch, size = [], 0
    if batch:
        flush()


def describe_json_error(batch: list[str], exc: duckdb.Error, label: Callable[[Path], str]) -> str:
    """Name the file behind a parse error (only run on the failure path)."""
    detail = re.sub(r"^[A-Za-z ]*Error: ", "", str(exc).strip().splitlines()[0])
    scratch = duckdb.connect()
    bad: str | None = None
    try:
        for file in batch:
            try:
                valid = scratch.execute(
                    "SELECT json_valid(content) FROM read_text(?)", [file]
                ).fetchone()
            except duckdb.Error:
                valid = (False,)
            if not valid or not valid[0]:
                bad = file
                break
    finally:
        scratch.close()
    where = label(Path(bad)) if bad else "a message file"
    return f"{where}: malformed JSON ({detail.rstrip('.')})"


def problem_sql(problems: Iterable[tuple[str, str]]) -> str:
    """A SQL CASE naming the first of `problems` (reason, SQL condition) a row has, else NULL.

    >>> problem_sql([("message without an id", "id IS NULL")])
    "CASE WHEN id IS NULL THEN 'message without an id' END"
    """
    quoted = ((why.replace("'", "''"), cond) for why, cond in problems)
    return "CASE " + " ".join(f"WHEN {cond} THEN '{why}'" for why, cond in quoted) + " END"


def report_problems(ctx: IngestContext, report: SourceReport, sql: str) -> None:
    """Count the skips that `sql` lists as (reason, count, up to three examples) rows."""
    for reason, count, examples in ctx.con.execute(sql).fetchall():
        report.skip(reason, int(count), list(examples))


def skip_wrong_types(
    ctx: IngestContext,
    report: SourceReport,
    table: str,
    fields: Mapping[str, tuple[str, ...]],
    place: str,
    *,
    joined: str = "",
) -> None:
    """Skip the rows of `table` (as ``r``) where one of `fields` is of another JSON type.

    Each is counted with a reason naming the field (:func:`~.reading.wrong_types`), then
    deleted, so that nothing downstream reads it as something else.
    table: a staging table with a ``raw`` column: the fields as raw JSON
        (:func:`~.reading.raw_fields_structure`).
    fields: the fields the reader relies on, each with the JSON types it may hold.
    place: SQL naming a row's place ('file record N'); `joined`: joins it needs.
    """
    problem = wrong_type_sql(fields, "r.raw")
    count_skips(ctx, report, table, problem, place, joined=joined)
    ctx.con.execute(f"DELETE FROM {table} r WHERE {problem} IS NOT NULL")


def wrong_type_sql(fields: Mapping[str, tuple[str, ...]], raw: str) -> str:
    """SQL naming the first of `fields` that the struct `raw` holds of another JSON type, else
    NULL (:func:`~.reading.wrong_types`)."""
    return problem_sql(wrong_types(fields, lambda field: f'{raw}."{field}"'))


def count_skips(
    ctx: IngestContext,
    report: SourceReport,
    table: str,
    problem: str,
    place: str,
    *,
    joined: str = "",
) -> None:
    """Count the rows of `table` (as ``r``) whose `problem` (SQL: the reason, NULL for none) is
    not NULL, by reason, with the first places (`place`, SQL; `joined`: joins it needs)."""
    report_problems(
        ctx,
        report,
        f"""SELECT problem, count(*), list(place || ': ' || problem ORDER BY place)[1:3]
            FROM (SELECT {problem} AS problem, {place} AS place FROM {table} r {joined})
            WHERE problem IS NOT NULL GROUP BY problem ORDER BY min(place)""",
    )


def insert_conversations(
    ctx: IngestContext,
    source: str,
    rows: str,
    origin: str,
    *,
    created: str = "created",
    order: str = "",
) -> None:
    """Add the new conversations of `rows` (conversation_id, kind, name): one per id, by `order`."""
    # Channel names are shared knowledge; the names of direct conversations are people's names.
    ctx.insert_new(
        "conversations",
        f"""SELECT DISTINCT ON (conversation_id)
                  md5('{source}|' || conversation_id) AS conversation_key, kind,
                  CASE WHEN kind IN ('{ConversationKind.PUBLIC_CHANNEL}',
                                     '{ConversationKind.PRIVATE_CHANNEL}') OR $keep
                       THEN name END AS name,
                  {created} AS created
           FROM {rows} ORDER BY conversation_id{", " + order if order else ""}""",
        origin=origin,
    )


def known_person_sql(rows: str, identity: str, native: str) -> str:
    """SELECT of `rows` (as ``r``) with a person key: `native`'s known one, else `identity`'s."""
    # An account the store already knows keeps its person: an earlier export may have lacked the
    # e-mail address (or the user objects) that this one gives, or the other way round.
    return f"""
        SELECT r.*, coalesce(known.person_key, {person_key_sql(identity)}) AS person_key
        FROM {rows} r
        LEFT JOIN identities known ON known.identity_hash = {identity_hash_sql(native)}"""


def insert_people(
    ctx: IngestContext,
    table: str,
    origin: str,
    *,
    order: str,
    tz: str = "tz",
    name: str = "display_name",
) -> None:
    """Add the new people of `table` (person_key, is_bot): per person, the first row by `order`."""
    ctx.insert_new(
        "people",
        f"""SELECT DISTINCT ON (person_key) person_key, {tz} AS tz, is_bot,
                  NULL::VARCHAR AS team, CASE WHEN $keep THEN {name} END AS display_name
           FROM {table} ORDER BY person_key, {order}""",
        origin=origin,
    )


def insert_identities(
    ctx: IngestContext,
    table: str,
    origin: str,
    *,
    kind: str,
    other: str,
    identity: str = "identity",
    other_kind: str | None = None,
    prefix_kinds: dict[str, str] | None = None,
) -> None:
    """Add the new identities of `table`'s people: `identity`, and `other` where it differs."""
    # E-mail identities are of kind 'email' in every source, whichever column holds them.
    named = {"email:": "email", **(prefix_kinds or {})}
    cases = " ".join(
        f"WHEN starts_with({identity}, '{prefix}') THEN '{name}'" for prefix, name in named.items()
    )
    ctx.insert_new(
        "identities",
        f"""SELECT {identity_hash_sql(identity)} AS identity_hash, person_key,
                   CASE {cases} ELSE '{kind}' END AS kind
            FROM {table}
            UNION ALL
            SELECT {identity_hash_sql(other)}, person_key, '{other_kind or kind}'
            FROM {table}
            WHERE {other} IS NOT NULL AND {other} <> {identity}""",
        origin=origin,
        params={"secret": ctx.secret},
    )
