"""Markdown written in the app (decision records) as HTML for its pages: parsed by markdown-it
(CommonMark, raw HTML off, so a ``<script>`` typed into a record stays text), then sanitized by
nh3 to an allow-list of tags, attributes and link schemes, so that no field can carry script.

Example::

    markdown_html("See [the RFC](https://example.org/rfc) **now**")
    # Markup('<p>See <a href="https://example.org/rfc" rel="noopener noreferrer nofollow">the RFC</a>
    #         <strong>now</strong></p>\n')
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Block and inline structure only: no images (the pages fetch nothing from elsewhere).
ALLOWED_TAGS = frozenset(
    {
        "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# No style attributes: the pages' CSP allows the stylesheet only (a column's alignment is lost).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def markdown_html(text: str) -> Markup:
    """The HTML of Markdown `text`, safe to put in a page.

    Args:
        text: Markdown as a user typed or imported it.
    """
    html = _PARSER.render(text)
    return Markup(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(LINK_SCHEMES),
            link_rel="noopener noreferrer nofollow",
        )
    )
