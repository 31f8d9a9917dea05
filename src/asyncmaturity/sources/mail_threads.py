"""E-mail threads over the whole store: who replies to whom, and which message roots each thread.

A mail message names its parent by Message-ID (In-Reply-To, else the last of References), and
monthly archives are often ingested one by one, so a parent may arrive in a later ingest than its
reply. Threads are therefore resolved over every mail message in the store, and the ones being
added, at each mail ingest, in one set-based pass: a message whose parent is present is a reply,
and its thread root is its top-most present ancestor; any other message is a root of its own
thread.
"""

from __future__ import annotations

import duckdb

# Both mail sources share one key space (md5('mail|' || message-id)), so a message found in an
# mbox archive and again in a Maildir is one message, and a reply in one may answer the other.
MAIL_SOURCES = ("mbox", "maildir")
# Longest reply chain followed from a root; deeper messages (never seen in real lists) and the
# messages of a reference cycle (forged or broken headers: no root reaches them) stay roots.
MAX_DEPTH = 1000
THREADS_TABLE = "_mail_threads"


def resolve_threads(con: duckdb.DuckDBPyConnection, new_rows: str | None = None) -> int:
    """Resolve the threads of every mail message, stored or about to be; return rows updated.

    `new_rows` names a table of messages about to be added (message_key, parent_key; keys
    already stored are ignored). The result for every message, stored or new, is left in the
    temp table :data:`THREADS_TABLE` (message_key, root_key, is_reply) for the caller to insert
    the new rows with; stored rows whose values change (a reply whose parent has just arrived)
    are updated in place, and only those: new rows never need an update.

    The walk goes down from the roots (messages whose parent_key names no mail message present),
    one level per step of a recursive query, so each message is reached once, through its only
    parent.
    """
    sources = ", ".join(f"'{s}'" for s in MAIL_SOURCES)
    pending = (
        f"""UNION ALL SELECT n.message_key, n.parent_key FROM {new_rows} n
            WHERE NOT EXISTS (SELECT 1 FROM messages s WHERE s.message_key = n.message_key)"""
        if new_rows
        else ""
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {THREADS_TABLE} AS
        WITH RECURSIVE mail AS (
            SELECT message_key, parent_key FROM messages WHERE source IN ({sources})
            {pending}
        ), linked AS (
            SELECT c.message_key, c.parent_key
            FROM mail c JOIN mail p ON p.message_key = c.parent_key
            WHERE c.parent_key <> c.message_key
        ), tree(message_key, root_key, depth) AS (
            SELECT message_key, message_key, 0 FROM mail
            WHERE message_key NOT IN (SELECT message_key FROM linked)
            UNION ALL
            SELECT l.message_key, t.root_key, t.depth + 1
            FROM tree t JOIN linked l ON l.parent_key = t.message_key
            WHERE t.depth < {MAX_DEPTH}
        )
        SELECT mail.message_key,
               coalesce(tree.root_key, mail.message_key) AS root_key,
               coalesce(tree.depth > 0, false) AS is_reply
        FROM mail LEFT JOIN tree USING (message_key)
        """
    )
    row = con.execute(
        f"""
        UPDATE messages AS m
        SET is_reply = r.is_reply, is_root = NOT r.is_reply, thread_root_key = r.root_key
        FROM {THREADS_TABLE} r
        WHERE m.message_key = r.message_key AND m.source IN ({sources})
          AND (m.is_reply IS DISTINCT FROM r.is_reply
               OR m.thread_root_key IS DISTINCT FROM r.root_key)
        """
    ).fetchone()
    return int(row[0]) if row else 0
