"""The evidence store: the canonical tables every metric reads.

:mod:`.database` holds the DuckDB store file and its table statements; :mod:`.ingest` adds
exports to it through the registered sources, all or nothing; :mod:`.evidence` opens a store
file or a Parquet export on DuckDB or Spark, the one way every command reads evidence;
:mod:`.export` writes the tables as Parquet.
"""
