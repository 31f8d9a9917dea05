"""The source registry: one entry per kind of export, each detecting and reading its own format.

Listings (`asyncmaturity sources`), detection and the docs are generated from :data:`SOURCES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from asyncmaturity.errors import UnknownFormat

if TYPE_CHECKING:
    from asyncmaturity.store.ingest import IngestContext


@dataclass
class SourceReport:
    """What one source read from one export: records per kind, skips with where and why."""

    records_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)  # "file record N: reason", a few per reason
    detected: str = ""

    def skip(self, reason: str, count: int, examples: list[str]) -> None:
        """Count `count` skipped records for `reason`, keeping a few places to show the user."""
        if count <= 0:
            return
        self.skipped[reason] = self.skipped.get(reason, 0) + count
        self.examples.extend(examples[:3])

    @property
    def skipped_total(self) -> int:
        """All skipped records, whatever the reason."""
        return sum(self.skipped.values())


class Source(Protocol):
    """A reader of one kind of export into the canonical evidence tables."""

    name: str
    summary: str
    parser_version: str
    accepts: str  # what paths it takes, for the docs

    def detect(self, path: Path) -> bool:
        """True when `path` looks like this kind of export (cheap: names and a peek, no full read)."""
        ...

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Stage the export's records and add the new ones to the store within ctx's transaction."""
        ...


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add a source to the registry under its name."""
    if source.name in SOURCES:
        raise ValueError(f"source {source.name!r} registered twice")
    SOURCES[source.name] = source
    return source


def get_source(name: str) -> Source:
    """The registered source called `name`; :class:`UnknownFormat` names the choices otherwise."""
    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownFormat(
            f"unknown format {name!r}; choose one of: {', '.join(sorted(SOURCES))}"
        ) from None


def detect_source(path: Path) -> Source:
    """The one registered source that recognises `path`; :class:`UnknownFormat` otherwise."""
    matches = [source for source in SOURCES.values() if source.detect(path)]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(sorted(SOURCES))
    if not matches:
        raise UnknownFormat(f"{path}: cannot tell the export type; pass --format ({choices})")
    names = ", ".join(source.name for source in matches)
    raise UnknownFormat(f"{path}: looks like several export types ({names}); pass --format")


def _register_builtins() -> None:
    # Imported here: the source modules import this one for SourceReport.
    from asyncmaturity.sources.github import GitHubSource
    from asyncmaturity.sources.gitlab import GitLabSource
    from asyncmaturity.sources.ical import IcalSource
    from asyncmaturity.sources.jira import JiraSource
    from asyncmaturity.sources.ledger import LedgerSource
    from asyncmaturity.sources.mail import MaildirSource, MboxSource
    from asyncmaturity.sources.mattermost import MattermostSource
    from asyncmaturity.sources.slack import SlackSource
    from asyncmaturity.sources.teams import TeamsSource
    from asyncmaturity.sources.zulip import ZulipSource

    # Listing order: chat, e-mail, calendars, trackers, the web app's ledger.
    for source in (
        SlackSource(),
        MattermostSource(),
        ZulipSource(),
        TeamsSource(),
        MboxSource(),
        MaildirSource(),
        IcalSource(),
        GitHubSource(),
        GitLabSource(),
        JiraSource(),
        LedgerSource(),
    ):
        register(source)


_register_builtins()
