"""Derived features every message source computes the same way, as DuckDB SQL fragments.

Sources stage their records in a temp table and select the canonical columns from it; these
fragments keep the text-derived features (length, links, links to a system of record, question,
decision language) identical across sources. Source-specific features (mentions, @here and the
like) stay with each source, since every format marks them differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asyncmaturity.ingest import IngestContext

DECISION_PATTERN = (
    r"\b(we decided|decided to|decision:|let's go with|lets go with|we will go with|"
    r"we'll go with|agreed to|we agreed|approved)\b"
)
URL_PATTERN = r"https?://[^\s<>|)\]\"']+"


def text_features_sql(text: str) -> str:
    """SELECT-list SQL for text_length, links, record_links, is_question and decision_language.

    `text` is an SQL expression of the message's plain text; the query needs the parameters of
    :func:`feature_params`.
    """
    urls = f"regexp_extract_all(coalesce({text}, ''), $url_pattern)"
    return f"""
        length(coalesce({text}, '')) AS text_length,
        len({urls}) AS links,
        len(list_filter({urls}, lambda u: regexp_matches(u, $record_pattern))) AS record_links,
        coalesce(contains({text}, '?'), false) AS is_question,
        coalesce(regexp_matches({text}, $decision_pattern, 'i'), false) AS decision_language"""


def feature_params(ctx: IngestContext) -> dict[str, Any]:
    """The parameters :func:`text_features_sql` uses, from the ingest's charter settings."""
    return {
        "url_pattern": URL_PATTERN,
        "record_pattern": "|".join(f"(?:{p})" for p in ctx.record_systems) or "$^",
        "decision_pattern": DECISION_PATTERN,
    }
