"""Derived features every message source computes the same way, as DuckDB SQL fragments.

Sources stage their records in a temp table and select the canonical columns from it; these
fragments keep the text-derived features (length, links, links to a system of record, question,
decision language) identical across sources, and the HTML helpers give the plain text and links
of sources whose bodies are HTML (Zulip, Teams). Source-specific features (mentions, @here and the
like) stay with each source, since every format marks them differently.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from asyncmaturity.await_protocol.rules import URL_PATTERN, signals_sql

if TYPE_CHECKING:
    import duckdb


class RecordSystemsKnown(Protocol):
    """What :func:`feature_params` reads of an ingest (its IngestContext): the team's record
    systems' patterns. Named here, not imported, because the ingest's context plans its own
    statements with :func:`signal_planning`, from this module."""

    record_systems: list[str]


# "decision:" ends in a colon, after which a word boundary would need a letter: it stands apart.
DECISION_PATTERN = (
    r"\b(?:we decided|decided to|let's go with|lets go with|we will go with|"
    r"we'll go with|agreed to|we agreed|approved)\b|\bdecision:"
)
# A record system's site: a link's host and its path up to a segment that names records in
# trackers, code review and wikis (github.com/org/repo/issues, host/trac/ticket, host/browse),
# or Bugzilla's bug page; ids, queries and later segments are dropped, so only where links point
# is kept, never what they say. Hosts named for docs or a wiki are a site by themselves.
RECORD_MARKERS = (
    "issues",
    "pull",
    "pulls",
    "merge_requests",
    "tickets",
    "ticket",
    "bugs",
    "bug",
    "browse",
    "wiki",
    "changes",
    "discussions",
)
_SITE_HOST = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@\s]*@)?([^/?#:\s]+)"
_SITE_PATH = (
    r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*((?:/[^/?#\s]+)*?/(?:"
    + "|".join(RECORD_MARKERS)
    + r"|show_bug\.cgi))(?:[/?#]|$)"
)
_DOCS_HOST = r"^(?:wiki|docs)\.|\.readthedocs\.(?:io|org)$"
HREF_PATTERN = r"""href=["'](https?://[^"'\s>]+)"""
BLOCK_END_PATTERN = r"<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote|pre|tr)>"
HTML_PARAMS: dict[str, Any] = {
    "href_pattern": HREF_PATTERN,
    "block_end_pattern": BLOCK_END_PATTERN,
}


def text_features_sql(text: str) -> str:
    """SELECT-list SQL for text_length, links, record_links, record_sites, is_question,
    decision_language and the AWAIT signals (:func:`await_signals_sql`).

    `text` is an SQL expression of the message's plain text; the query needs the parameters of
    :func:`feature_params`.
    """
    urls = f"regexp_extract_all(coalesce({text}, ''), $url_pattern)"
    return f"""
        length(coalesce({text}, '')) AS text_length,
        len({urls}) AS links,
        len(list_filter({urls}, lambda u: regexp_matches(u, $record_pattern))) AS record_links,
        {record_sites_sql(urls)} AS record_sites,
        coalesce(contains({text}, '?'), false) AS is_question,
        coalesce(regexp_matches({text}, $decision_pattern, 'i'), false) AS decision_language,
        {await_signals_sql(text)}"""


def record_sites_sql(urls: str) -> str:
    """DuckDB SQL for the distinct record-system sites (sorted) that a list of URLs links.

    A URL's site is its lower-cased host, without ``www.`` or a port, and its path up to and
    including the first segment of :data:`RECORD_MARKERS` (or ``show_bug.cgi``); failing that, a
    host named ``wiki.*``, ``docs.*`` or ``*.readthedocs.io|org`` alone; other URLs have none.
    Measure detects a team's record systems from these (no parameters).
    """
    parts = (
        f"lambda u: {{'h': regexp_replace(lower(regexp_extract(u, '{_SITE_HOST}', 1)), "
        f"'^www\\.', ''), 'p': regexp_extract(u, '{_SITE_PATH}', 1)}}"
    )
    site = (
        "lambda x: CASE WHEN x.h = '' THEN NULL WHEN x.p <> '' THEN x.h || x.p "
        f"WHEN regexp_matches(x.h, '{_DOCS_HOST}') THEN x.h END"
    )
    return (
        f"list_sort(list_distinct(list_filter(list_transform(list_transform("
        f"coalesce({urls}, []::VARCHAR[]), {parts}), {site}), lambda s: s IS NOT NULL)))"
    )


def await_signals_sql(text: str) -> str:
    """SELECT-list SQL for the AWAIT and friction signals of a message text (no parameters)."""
    return signals_sql(text)


# Planning a statement with the AWAIT signals (:func:`await_signals_sql`) costs about 0.2 CPU-s,
# paid by every ingest: binding compiles each of its ~60 patterns, DuckDB's expression rewriter
# compiles every pattern tested for a match again (to look for a LIKE it could be), and
# statistics propagation (over a table with statistics) once more. Neither optimizer speeds the
# signals up: on the labelled messages they run as fast without them, and the staging of a
# simulated 108k-message Slack export too.
SIGNAL_DISABLED_OPTIMIZERS = ("expression_rewriter", "statistics_propagation")


@contextmanager
def signal_planning(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Plan the statements run in the block without :data:`SIGNAL_DISABLED_OPTIMIZERS`.

    DuckDB's setting is the database's, not the connection's: it holds for every connection
    to `con`'s database until the block ends. It is set and restored on a cursor of its own,
    which a failed statement's aborted transaction leaves free to restore it.
    """
    with con.cursor() as cursor:
        row = cursor.execute("SELECT current_setting('disabled_optimizers')").fetchone()
        before = str(row[0]) if row and row[0] else ""
        wanted = [name for name in before.split(",") if name]
        wanted += [name for name in SIGNAL_DISABLED_OPTIMIZERS if name not in wanted]
        cursor.execute(f"SET disabled_optimizers = '{','.join(wanted)}'")
        try:
            yield
        finally:
            cursor.execute(f"SET disabled_optimizers = '{before}'")


def duckdb_threads(con: duckdb.DuckDBPyConnection) -> int:
    """The threads DuckDB runs a statement on (its `threads` setting)."""
    row = con.execute("SELECT current_setting('threads')").fetchone()
    return max(1, int(row[0])) if row else 1


@contextmanager
def one_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the statements of the block on one DuckDB thread (its `threads` setting).

    Every DuckDB thread that computes :func:`text_features_sql` compiles each signal pattern
    again for its own state, so extra threads pay only where they share rows: not for a
    statement that reads fewer rows than DuckDB splits among threads (a row group, 122,880 rows,
    or an Arrow table's batches: mail's signals cost 0.16 CPU-s more on two threads than on one,
    for 11,000 messages or 100,000), nor for statements already run side by side on every core
    (Slack's batches). The setting is the database's (every connection's until the block ends)
    and is set and restored on a cursor of its own, as in :func:`signal_planning`.
    """
    with con.cursor() as cursor:
        before = duckdb_threads(cursor)
        cursor.execute("SET threads = 1")
        try:
            yield
        finally:
            cursor.execute(f"SET threads = {before}")


def feature_params(ctx: RecordSystemsKnown) -> dict[str, Any]:
    """The parameters :func:`text_features_sql` uses, from the ingest's charter settings."""
    return {
        "url_pattern": URL_PATTERN,
        "record_pattern": "|".join(f"(?:{p})" for p in ctx.record_systems) or "$^",
        "decision_pattern": DECISION_PATTERN,
    }


def html_text_sql(html: str) -> str:
    """DuckDB SQL for the plain text of an HTML body: tags dropped, common entities decoded.

    Block ends and line breaks become newlines. The query needs the parameters of
    :data:`HTML_PARAMS`.
    """
    text = f"regexp_replace(coalesce({html}, ''), $block_end_pattern, chr(10), 'gi')"
    text = f"regexp_replace({text}, '<[^>]*>', '', 'g')"
    for entity, char in (
        ("&nbsp;", "' '"),
        ("&lt;", "'<'"),
        ("&gt;", "'>'"),
        ("&quot;", "'\"'"),
        ("&#39;", "''''"),
        ("&#x27;", "''''"),
        ("&amp;", "'&'"),
    ):
        text = f"replace({text}, '{entity}', {char})"
    return f"trim({text}, chr(32) || chr(9) || chr(10) || chr(13))"


def href_urls_sql(html: str) -> str:
    """DuckDB SQL for the list of http(s) link targets (``href``) of an HTML body."""
    return f"regexp_extract_all(coalesce({html}, ''), $href_pattern, 1)"


def body_text_sql(body: str, is_html: str) -> str:
    """DuckDB SQL for the plain text of a body that is HTML where `is_html` holds, else text."""
    return f"CASE WHEN {is_html} THEN {html_text_sql(body)} ELSE {body} END"


def body_urls_sql(body: str, is_html: str) -> str:
    """DuckDB SQL for a body's links: its ``href`` targets where `is_html` holds, else its URLs."""
    return (
        f"CASE WHEN {is_html} THEN {href_urls_sql(body)} "
        f"ELSE regexp_extract_all(coalesce({body}, ''), $url_pattern) END"
    )


def links_from_urls_sql(table: str) -> str:
    """SELECT of `table` with links, record_links and record_sites from its `urls` column, left
    out."""
    return f"""
        SELECT * EXCLUDE (urls) REPLACE (
            len(urls) AS links,
            len(list_filter(urls, lambda u: regexp_matches(u, $record_pattern))) AS record_links,
            {record_sites_sql("urls")} AS record_sites)
        FROM {table}"""
