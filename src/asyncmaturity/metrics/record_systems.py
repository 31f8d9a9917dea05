"""The team's systems of record, detected from the links its own messages carry.

Ingest keeps, for every message, the record-system sites its links point at (``record_sites``:
a host and the path up to a tracker, review or wiki segment, or a docs or wiki host; see
:func:`asyncmaturity.sources.features.record_sites_sql`). Where the charter does not list the
team's ``record_systems``, the sites that at least :data:`MIN_DETECTED_MESSAGES` human messages of
the period link are its detected systems of record: a message linking one counts as linking a
record, as does one matching the charter's default patterns. Public references that any team
cites but none keeps its records in (:data:`PUBLIC_REFERENCE_HOSTS`: encyclopedias, language and
web references, public Q&A) are never detected. A charter that lists them decides
alone; a store ingested before schema 5 has no sites, so nothing is detected in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from asyncmaturity.charter import Charter

# A site linked by fewer human messages is an aside, not a place where the team keeps records.
MIN_DETECTED_MESSAGES = 3
# Hosts (and their subdomains) of public references: a wiki or docs path there is somebody
# else's documentation that the team cites, not where it keeps its own records.
PUBLIC_REFERENCE_HOSTS = (
    "wikipedia.org",
    "wikimedia.org",
    "wiktionary.org",
    "wikidata.org",
    "docs.python.org",
    "developer.mozilla.org",
    "docs.oracle.com",
    "learn.microsoft.com",
    "docs.microsoft.com",
    "cppreference.com",
    "man7.org",
    "stackoverflow.com",
    "stackexchange.com",
    "w3.org",
)
_PUBLIC_REFERENCE = (
    "^([^/]*\\.)?("
    + "|".join(host.replace(".", "\\.") for host in PUBLIC_REFERENCE_HOSTS)
    + ")(/|$)"
)
# The stand-in site of a message ingested before record sites were kept (no real site is empty),
# so that the one detection query also counts them.
_UNRECORDED = ""

Basis = Literal["charter", "detected", "default"]


@dataclass(frozen=True)
class DetectedSite:
    """One detected system of record: its site and how many human messages link it."""

    site: str
    messages: int

    def to_json(self) -> dict[str, object]:
        """The machine-readable form."""
        return {"site": self.site, "messages": self.messages}


@dataclass(frozen=True)
class RecordSystems:
    """Where a run's systems of record come from, those detected (most linked first), and how
    many messages could not show theirs.

    ``source`` is ``charter`` when the charter lists them, ``detected`` when the evidence shows
    some, else ``default`` (the charter's default patterns alone).
    """

    source: Basis = "default"
    detected: tuple[DetectedSite, ...] = ()
    # Human messages of the period ingested before schema 5: their sites are unknown.
    unrecorded: int = 0

    @property
    def sites(self) -> list[str]:
        """The detected sites."""
        return [d.site for d in self.detected]

    def to_json(self) -> dict[str, object]:
        """The machine-readable form (``record_systems`` of the measure JSON)."""
        return {"source": self.source, "detected": [d.to_json() for d in self.detected]}


def detect_record_systems(messages: ir.Table, charter: Charter) -> RecordSystems:
    """The record systems of a run over `messages` (the human messages of the period), in one
    query; none are detected where the charter lists its own."""
    if "record_systems" in charter.model_fields_set:
        return RecordSystems("charter")
    # Sites are distinct within a message, so a row per site and message counts messages.
    sites = messages.record_sites.coalesce(ibis.literal([_UNRECORDED], type="array<string>"))
    linked = messages.select(site=sites.unnest())
    counts = linked.group_by("site").aggregate(messages=linked.count())
    counts = counts.filter(
        ((counts.messages >= MIN_DETECTED_MESSAGES) & ~counts.site.re_search(_PUBLIC_REFERENCE))
        | (counts.site == _UNRECORDED)
    ).order_by([ibis.desc("messages"), "site"])
    rows = counts.to_pyarrow().to_pylist()
    detected = tuple(
        DetectedSite(str(row["site"]), int(row["messages"]))
        for row in rows
        if row["site"] != _UNRECORDED
    )
    unrecorded = sum(int(row["messages"]) for row in rows if row["site"] == _UNRECORDED)
    return RecordSystems("detected" if detected else "default", detected, unrecorded)


def record_links(table: ir.Table, systems: RecordSystems) -> ir.IntegerValue:
    """The links to a system of record of each message of `table`: those ingest counted by the
    charter's patterns, or, where there are none, how many detected systems its sites name."""
    counted: ir.IntegerValue = table.record_links
    if not systems.detected:
        return counted
    named = ibis.literal(systems.sites, type="array<string>")
    # An empty list for a message without sites: Spark sizes a null array as -1.
    sites = table.record_sites.coalesce(ibis.literal([], type="array<string>"))
    hits = sites.intersect(named).length()
    return ibis.cases((counted.coalesce(0) > 0, counted), else_=hits.cast(counted.type()))


__all__ = [
    "MIN_DETECTED_MESSAGES",
    "PUBLIC_REFERENCE_HOSTS",
    "DetectedSite",
    "RecordSystems",
    "detect_record_systems",
    "record_links",
]
