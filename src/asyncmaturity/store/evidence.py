"""The canonical evidence tables as Ibis tables on one engine, wherever they are stored.

Metrics read the store through :class:`Evidence`, never through an engine's own API, so the same
metric definitions run on a DuckDB store file, on a Parquet export (`asyncmaturity export
--parquet`) read by DuckDB, and on that export read by Apache Spark (the optional ``spark``
extra): local mode on one machine, or a cluster given by a master URL or by ``spark-submit``.
A store file is opened read-only: readers take no write lock, so several (in other processes too)
read one store at once, and an older store is read as its migration would leave it, not migrated.

>>> from pathlib import Path
>>> # with open_evidence(Path("team.duckdb")) as evidence: evidence.table("messages").count()
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir

from asyncmaturity.errors import AsyncMaturityError, StoreError
from asyncmaturity.store.database import EVIDENCE_KEYS, MIGRATIONS, SCHEMA, EvidenceStore

ENGINES = ("duckdb", "spark")
SECRET_VARIABLE = "ASYNCMATURITY_STORE_SECRET"
MASTER_VARIABLE = "ASYNCMATURITY_SPARK_MASTER"


class EngineUnavailable(AsyncMaturityError):
    """The chosen engine cannot run here: its optional dependency is not installed."""


class EngineStoreMismatch(AsyncMaturityError):
    """The chosen engine cannot read this kind of store (Spark reads Parquet exports only)."""


class SecretRequired(AsyncMaturityError):
    """The charter names people, but the evidence carries no secret to find their keys by."""


@dataclass
class Evidence:
    """The evidence tables of one store on one Ibis backend, and how to keep a result for reuse.

    Attributes:
        backend: the Ibis backend the tables live on.
        engine: ``duckdb`` or ``spark``.
        location: the store file or Parquet folder, for messages.
        secret: the key of the store's pseudonymous hashes; for a Parquet export, which never
            carries it, the one given (`--secret-file` or :data:`SECRET_VARIABLE`), else None.
    """

    backend: ibis.BaseBackend
    engine: str
    location: str
    secret: str | None
    tables: dict[str, ir.Table]
    # Computes a table once and keeps it, for frames that many metric queries read.
    materialize: Callable[[str, ir.Table], ir.Table]
    store: EvidenceStore | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def table(self, name: str) -> ir.Table:
        """The canonical table `name` (empty, with the store's columns, when the export lacks it)."""
        return self.tables[name]

    def require_secret(self, what: str) -> str:
        """The store's secret; raises :class:`SecretRequired` naming `what` needed it."""
        if self.secret is None:
            raise SecretRequired(
                f"{self.location}: {what}, but a Parquet export carries no store secret; set "
                f"{SECRET_VARIABLE} to the store's secret (`asyncmaturity export --secret-file`)"
            )
        return self.secret

    def counts(self) -> dict[str, int]:
        """Row count of every evidence table."""
        if self.store is not None:
            return self.store.counts()
        # One query for every table: on Spark each query is a job with a fixed cost.
        counted = ibis.union(
            *[
                self.tables[name].aggregate(rows=ibis._.count()).mutate(table=ibis.literal(name))
                for name in EVIDENCE_KEYS
            ]
        )
        found = {row["table"]: int(row["rows"]) for row in counted.to_pyarrow().to_pylist()}
        return {name: found[name] for name in EVIDENCE_KEYS}

    def close(self) -> None:
        """Release the engine's resources (temporary tables, the DuckDB connection)."""
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()


def as_evidence(store: EvidenceStore | Evidence) -> Evidence:
    """`store` as :class:`Evidence` (a DuckDB store file opened already is wrapped, not copied)."""
    if isinstance(store, Evidence):
        return store
    backend = ibis.duckdb.from_connection(store.con)

    def keep(name: str, expr: ir.Table) -> ir.Table:
        # Ibis's overwrite=True emits SQL that this DuckDB rejects for temp tables; drop it first.
        store.con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        table: ir.Table = backend.create_table(name, expr, temp=True)
        return table

    present = store.tables()
    # A table of a later schema version is empty in an older store opened read-only.
    tables = {
        name: _conform(backend.table(name), name, schema, store.path)
        if name in present
        else ibis.memtable(schema.to_pyarrow().empty_table())
        for name, schema in canonical_schemas().items()
    }
    return Evidence(
        backend=backend,
        engine="duckdb",
        location=str(store.path),
        secret=store.secret,
        tables=tables,
        materialize=keep,
        store=store,
    )


def is_uri(path: Path | str) -> bool:
    """Whether `path` names a location of a cluster's file system (``scheme://...``)."""
    return isinstance(path, str) and "://" in path


def is_parquet_export(path: Path) -> bool:
    """Whether `path` is a folder in the layout `asyncmaturity export --parquet` writes."""
    return path.is_dir()


@contextmanager
def open_evidence(
    path: Path | str,
    *,
    engine: str = "duckdb",
    spark_master: str | None = None,
    secret: str | None = None,
) -> Iterator[Evidence]:
    """Open the evidence at `path` (a store file or a Parquet export folder) on `engine`.

    Parameters:
        path: a DuckDB store written by `ingest`, or a folder written by `export --parquet`
            (or by `simulate --parquet`); for Spark also a URI such as ``hdfs:///exports/team``
            or ``s3a://bucket/team`` that the cluster reads.
        engine: ``duckdb`` (default) or ``spark`` (Parquet folders only; needs the ``spark``
            extra and Java 17).
        spark_master: the Spark master URL (``local[2]``, ``spark://host:7077``, ``yarn``);
            by default the session ``spark-submit`` configured, else :data:`MASTER_VARIABLE`,
            else ``local[*]``.
        secret: a Parquet export's store secret (`export --secret-file`), needed only when the
            charter names people; by default :data:`SECRET_VARIABLE` of the environment.
    """
    opened = _open(path, engine, spark_master, secret or _secret_from_environment())
    try:
        yield opened
    finally:
        opened.close()


def _open(path: Path | str, engine: str, master: str | None, secret: str | None) -> Evidence:
    if engine not in ENGINES:
        raise EngineStoreMismatch(f"{engine!r}: unknown engine; use one of {', '.join(ENGINES)}")
    if is_uri(path):
        if engine != "spark":
            raise EngineStoreMismatch(f"{path}: a URI is read by the spark engine only")
        return _open_parquet_spark(str(path), master, secret)
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path}: no such store; create one with `asyncmaturity ingest`")
    if is_parquet_export(path):
        if engine == "duckdb":
            return _open_parquet_duckdb(path, secret)
        return _open_parquet_spark(path, master, secret)
    if engine != "duckdb":
        raise EngineStoreMismatch(
            f"{path}: the {engine} engine reads a Parquet export; write one with "
            f"`asyncmaturity export --store {path} --parquet DIR` and pass that folder"
        )
    store = EvidenceStore.open(path, create=False, read_only=True)
    try:
        evidence = as_evidence(store)
    except BaseException:
        store.close()
        raise
    evidence._closers.append(store.close)
    return evidence


def _parquet_tables(path: Path) -> dict[str, Path]:
    """The evidence tables the export folder holds (an empty table is not written)."""
    tables = {name: path / name for name in EVIDENCE_KEYS if (path / name).is_dir()}
    if not tables and not any((path / name).exists() for name in EVIDENCE_KEYS):
        raise StoreError(
            f"{path}: not a Parquet export of an evidence store (none of "
            f"{', '.join(EVIDENCE_KEYS)} is in it)"
        )
    return tables


def canonical_schemas() -> dict[str, ibis.Schema]:
    """The Ibis schema of every evidence table, from the store's own table statements."""
    return dict(_canonical_schemas())


# Made once per process: the schemas are constants of the code, and reading them back from a
# scratch DuckDB database costs 0.03-0.06 CPU-s, which every measure paid.
@functools.cache
def _canonical_schemas() -> dict[str, ibis.Schema]:
    con = duckdb.connect()
    try:
        backend = ibis.duckdb.from_connection(con)
        schemas = {}
        for name in EVIDENCE_KEYS:
            con.execute(f"CREATE TABLE {name} ({SCHEMA[name]})")
            schemas[name] = backend.table(name).schema()
        return schemas
    finally:
        con.close()


# The columns each table gained in later schema versions: where an older store (opened read-only,
# so not migrated) or its export lacks them, they read as NULL, as the migration leaves them.
_LATER_COLUMNS = {
    (table, column.split()[0]) for changes in MIGRATIONS.values() for table, column in changes
}


def _conform(table: ir.Table, name: str, schema: ibis.Schema, where: Path) -> ir.Table:
    """`table` with exactly the store's columns and types (partition columns dropped)."""
    missing = [
        column
        for column in schema.names
        if column not in table.columns and (name, column) not in _LATER_COLUMNS
    ]
    if missing:
        raise StoreError(f"{where}: table {name} lacks column(s) {', '.join(missing)}")
    return table.select(*[_column(table, column, dtype) for column, dtype in schema.items()])


def _column(table: ir.Table, name: str, dtype: Any) -> ir.Value:
    if name not in table.columns:
        return ibis.null(dtype).name(name)
    found = table[name]
    return found if _same_type(found.type(), dtype) else found.cast(dtype).name(name)


def _same_type(found: Any, wanted: Any) -> bool:
    # Engines report a timestamp's precision differently (DuckDB 6, Spark none); the instants
    # are the same, and a cast would only make frames of the two disagree on their schema.
    if found.is_timestamp() and wanted.is_timestamp():
        return bool(found.timezone == wanted.timezone)
    return bool(found == wanted)


def _secret_from_environment() -> str | None:
    value = os.environ.get(SECRET_VARIABLE, "").strip()
    return value or None


def _open_parquet_duckdb(path: Path, secret: str | None) -> Evidence:
    # The frames live in a throwaway database file, not in memory: its tables are compressed
    # and paged by DuckDB's buffer manager, which halves measure's peak memory at 10M messages
    # (BENCHMARKS.md, scale), and anything DuckDB spills stays in that folder too.
    spill = Path(tempfile.mkdtemp(prefix="asyncmaturity-duckdb-"))
    con = duckdb.connect(str(spill / "frames.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    backend = ibis.duckdb.from_connection(con)
    schemas = canonical_schemas()
    present = _parquet_tables(path)
    tables: dict[str, ir.Table] = {}
    for name, schema in schemas.items():
        if name in present:
            glob = str(present[name] / "**" / "*.parquet")
            raw = backend.read_parquet(glob, table_name=f"_pq_{name}", hive_partitioning=True)
            tables[name] = _conform(raw, name, schema, present[name])
        else:
            tables[name] = backend.create_table(f"_pq_{name}", schema=schema, temp=True)

    def keep(name: str, expr: ir.Table) -> ir.Table:
        # Ibis's overwrite=True emits SQL this DuckDB rejects; drop the table first.
        con.execute(f"DROP TABLE IF EXISTS {name}")
        table: ir.Table = backend.create_table(name, expr)
        return table

    evidence = Evidence(
        backend=backend,
        engine="duckdb",
        location=str(path),
        secret=secret,
        tables=tables,
        materialize=keep,
    )
    evidence._closers.append(lambda: shutil.rmtree(spill, ignore_errors=True))
    evidence._closers.append(con.close)
    return evidence


# Spark settings of a local-mode session (the JVM runs in this process's machine, driver and
# executor in one).
LOCAL_SETTINGS = {
    # Spark's default of 200 is meant for clusters and makes small local jobs slow.
    "spark.sql.shuffle.partitions": "4",
    # Spark's default heap of 1 GiB holds the cached frames of a million messages only with
    # constant garbage collection: in a 1M-message measure the JVM spent over half its CPU time
    # in GC, its old generation full (BENCHMARKS.md, spark).
    "spark.driver.memory": "4g",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # Adaptive execution runs each shuffle stage as a job of its own and plans the rest again
    # after it: 170 jobs in a 317k-message measure, 70 without. Its gains (fewer partitions,
    # joins turned into broadcasts) are for cluster-sized data.
    "spark.sql.adaptive.enabled": "false",
    # Inferring constraints over the frames' wide plans of many cases cost more than it saved.
    "spark.sql.constraintPropagation.enabled": "false",
    # The JIT compiler's optimising tier (C2) took 50 of the JVM's 120 CPU-seconds in a
    # 317k-message measure, compiling code (Spark's planner, each query's generated classes)
    # that ran too briefly to repay it; C1 alone took 5, while the tasks took a fifth longer.
    # The parallel collector costs less CPU than G1 at this heap size. With C1 alone the JIT's
    # code cache is 48 MiB, which a measurement's generated classes filled in 2 of 9 runs at
    # 317k messages ("CodeCache is full. Compiler has been disabled"): every query after that
    # ran interpreted. The reservation is address space; only code compiled takes memory.
    "spark.driver.extraJavaOptions": (
        "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC -XX:ReservedCodeCacheSize=256m"
    ),
}


def spark_session(master: str | None = None) -> Any:
    """The Spark session to run on: ``spark-submit``'s when there is one, else a new one.

    Local runs get :data:`LOCAL_SETTINGS`; a session configured by ``spark-submit`` keeps its own
    settings.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailable(
            "the spark engine needs PySpark: pip install 'asyncmaturity[spark]' (and Java 17)"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    chosen = master or os.environ.get(MASTER_VARIABLE)
    builder = SparkSession.builder.appName("asyncmaturity")
    if chosen is None and _under_spark_submit():
        # spark-submit's --master and --conf reach the session through its launcher: keep them.
        chosen = "(spark-submit)"
    else:
        chosen = chosen or "local[*]"
        builder = builder.master(chosen)
        if chosen.startswith("local"):
            for key, value in LOCAL_SETTINGS.items():
                builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # PySpark raises its own errors when Java or the master is missing
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineUnavailable(
            f"cannot start Spark with master {chosen!r} (it needs Java 17): {first}"
        ) from None


def _under_spark_submit() -> bool:
    # spark-submit starts the Python driver with the port of the JVM it launched.
    return "PYSPARK_GATEWAY_PORT" in os.environ


def _teach_spark_microseconds() -> None:
    """Let Ibis extract a timestamp's microseconds on Spark, which Ibis 12 refuses to do.

    Spark has had ``unix_micros`` since 3.1; every latency reads sub-second parts (Slack times
    carry microseconds), so without it no frame could be built on Spark.
    """
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    def visit_extract_microsecond(self: Any, op: Any, *, arg: Any) -> Any:
        return self.cast(self.f.pmod(self.f.unix_micros(arg), 1_000_000), op.dtype)

    PySparkCompiler.visit_ExtractMicrosecond = visit_extract_microsecond


def _teach_spark_distinct_sets() -> None:
    """Have Ibis count distinct values on Spark as the size of each group's set of them.

    Spark plans ``COUNT(DISTINCT x)`` beside other aggregates by repeating every row once per
    distinct argument (an Expand) and aggregating twice more, keyed by the argument itself;
    ``size(collect_set(x))`` keeps one hash set per group in a single aggregation. It counts the
    same values (nulls left out, 0 for a group without any): in a 317,195-message measure the
    human frame's breakdowns took 3.1 JVM CPU-seconds instead of 4.5.
    """
    from ibis.backends.sql.compilers.base import NULL
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    def visit_count_distinct(self: Any, op: Any, *, arg: Any, where: Any) -> Any:
        if where is not None:
            arg = self.if_(where, arg, NULL)
        return self.cast(self.f.size(self.f.collect_set(arg)), op.dtype)

    PySparkCompiler.visit_CountDistinct = visit_count_distinct


def _open_parquet_spark(location: Path | str, master: str | None, secret: str | None) -> Evidence:
    session = spark_session(master)
    _teach_spark_microseconds()
    _teach_spark_distinct_sets()
    backend = ibis.pyspark.connect(session)
    schemas = canonical_schemas()
    if isinstance(location, Path):
        folders = {name: str(folder) for name, folder in _parquet_tables(location).items()}
    else:
        folders = {name: f"{location.rstrip('/')}/{name}" for name in schemas}
    tables: dict[str, ir.Table] = {}
    for name, schema in schemas.items():
        raw = _spark_parquet(backend, folders[name], name) if name in folders else None
        tables[name] = (
            _conform(raw, name, schema, Path(folders[name]))
            if raw is not None
            else ibis.memtable(schema.to_pyarrow().empty_table())
        )

    kept: dict[str, Any] = {}

    def keep(name: str, expr: ir.Table) -> ir.Table:
        # Computed once, now, and cut from its lineage: a query over a frame then reads a leaf.
        # A cached view would keep the frame's whole definition in every plan that reads it,
        # and Spark's analyzer, not the data, then dominated a run of many stacked aggregates.
        backend._register_in_memory_tables(expr)
        frame = session.sql(backend.compile(expr)).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        kept[name] = frame
        table: ir.Table = backend.table(name)
        return table

    def release() -> None:
        # The session outlives the evidence (spark-submit's, or the next run's in one process):
        # it should not keep this run's frames.
        for name, frame in kept.items():
            session.catalog.dropTempView(name)
            frame.unpersist()
        kept.clear()

    evidence = Evidence(
        backend=backend,
        engine="spark",
        location=str(location),
        secret=secret,
        tables=tables,
        materialize=keep,
    )
    evidence._closers.append(release)
    return evidence


def _spark_parquet(backend: Any, folder: str, name: str) -> ir.Table | None:
    """The Parquet table in `folder`, or None where the export has none (an empty table)."""
    from pyspark.errors import AnalysisException

    try:
        table: ir.Table = backend.read_parquet(folder, table_name=f"_pq_{name}")
    except AnalysisException as exc:
        if "PATH_NOT_FOUND" in str(exc) or "does not exist" in str(exc):
            return None
        raise StoreError(f"{folder}: cannot read as Parquet: {str(exc).splitlines()[0]}") from None
    return table
