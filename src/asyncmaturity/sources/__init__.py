"""The source registry: every reader declared in the `asyncmaturity.sources` entry-point group.

Built-in sources are declared in asyncmaturity's own pyproject.toml exactly as another package
declares its own, by the source's name and a class (or any callable without arguments) that makes
an :class:`~asyncmaturity.sources.interface.Source`::

    [project.entry-points."asyncmaturity.sources"]
    discord = "asyncmaturity_discord:DiscordSource"

Nothing is imported until it is needed: the names come from the installed metadata, a source is
loaded when it is asked for by name, and all of them when an export is detected or listed.
Listings (`asyncmaturity sources`, the docs) show them family by family, by name within one.

A folder may hold several exports (what `asyncmaturity simulate --out` writes: ``slack/``,
``calendar.ics``, ``github/``): :func:`detect_exports` finds each part with its own format,
asking every registered source, so a newly installed source takes part without further code.
Ingest splits a zip of such a folder the same way, on its unpacked copy (``store/ingest.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from asyncmaturity.errors import InvalidSource, UnknownFormat

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import Source

ENTRY_POINT_GROUP = "asyncmaturity.sources"
# How many folder levels below an argument are searched for the parts of a folder of exports.
PART_DEPTH = 2
# The distribution whose metadata declares the built-in sources.
DISTRIBUTION = "asyncmaturity"


def source_names() -> list[str]:
    """The names of the declared sources, sorted, without importing any of them."""
    return sorted({entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)})


def registered_sources() -> list[Source]:
    """Every declared source, loaded, in listing order (by family, then by name)."""
    declared = _declared()
    sources = [_load(entry) for entry in declared.values()]
    return sorted(sources, key=lambda source: (source.family, source.name))


def get_source(name: str) -> Source:
    """The source called `name` (only it is loaded); :class:`UnknownFormat` names the choices."""
    declared = _declared()
    if name not in declared:
        raise UnknownFormat(
            f"unknown format {name!r}; choose one of: {', '.join(sorted(declared))}"
        )
    return _load(declared[name])


def detect_source(path: Path) -> Source:
    """The one registered source that recognises `path`; :class:`UnknownFormat` otherwise."""
    sources = registered_sources()
    matches = [source for source in sources if source.detect(path)]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(sorted(source.name for source in sources))
    if not matches:
        raise UnknownFormat(f"{path}: cannot tell the export type; pass --format ({choices})")
    raise _several(path, matches)


@dataclass
class DetectedExports:
    """The exports found at one path: each part with its source, and what no source reads."""

    parts: list[tuple[Path, Source]] = field(default_factory=list)
    not_read: list[Path] = field(default_factory=list)  # entries of a split folder left out
    # Paths that several sources claim and that hold no part of their own.
    ambiguous: list[tuple[Path, list[Source]]] = field(default_factory=list)

    @property
    def split(self) -> bool:
        """True when the path was read as a folder of several exports."""
        return len(self.parts) != 1 or bool(self.not_read)

    def add(self, other: DetectedExports) -> None:
        """Take in what was found in one entry of the folder."""
        self.parts.extend(other.parts)
        self.not_read.extend(other.not_read)
        self.ambiguous.extend(other.ambiguous)


def detect_exports(path: Path) -> DetectedExports:
    """The exports at `path`: the path itself when one source recognises it and it holds no
    exports of other formats, else the exports found in its entries.

    A folder is read part by part when no source or several recognise it, or when the entries
    that sources claim (save those the one source that claims the folder names as its export's
    own structure, :func:`~asyncmaturity.sources.interface.own_entries`) hold, :data:`PART_DEPTH` levels down at most, exports of at least two
    formats (a folder that one source claims may still hold others: an .ics file beside a Slack
    export); entries no source claims are then the export's own structure. An entry of a folder
    read part by part that no source recognises is listed in `not_read`. :class:`UnknownFormat`
    names a path that several sources recognise and that holds no export of its own, or says
    that no export is found at all.
    """
    sources = registered_sources()
    found = _detect_parts(path, sources, 0)
    if found.ambiguous:
        raise _several(*found.ambiguous[0])
    if not found.parts:
        choices = ", ".join(sorted(source.name for source in sources))
        raise UnknownFormat(f"{path}: cannot tell the export type; pass --format ({choices})")
    return found


def _detect_parts(
    path: Path, sources: list[Source], depth: int, matches: list[Source] | None = None
) -> DetectedExports:
    """The exports at `path`, which `matches` recognise (detected here when not given), looking
    into its entries down to :data:`PART_DEPTH` levels below the path given to ingest."""
    # Here, not at the top: the interface needs DuckDB, which listing the names does not.
    from asyncmaturity.sources.interface import own_entries

    if matches is None:
        matches = [source for source in sources if source.detect(path)]
    entries = _entries(path) if path.is_dir() and depth < PART_DEPTH else []
    # The claiming source's own structure (a Slack export's conversation folders) is claimed by
    # no other source: asking each source about each of thousands of them was most of the cost.
    own = own_entries(matches[0], path) if len(matches) == 1 and entries else set()
    claims = {
        entry: [] if entry in own else [source for source in sources if source.detect(entry)]
        for entry in entries
    }
    if len(matches) == 1:
        # Entries that no source claims are the export's own structure (a Slack channel folder,
        # a Maildir's cur/); the claimed ones may be exports of their own, looked into in turn.
        claimed = DetectedExports()
        for entry, claim in claims.items():
            if claim:
                claimed.add(_detect_parts(entry, sources, depth + 1, claim))
        if len({source.name for _, source in claimed.parts}) < 2:
            return DetectedExports(parts=[(path, matches[0])])
    inner = DetectedExports()
    for entry, claim in claims.items():
        inner.add(_detect_parts(entry, sources, depth + 1, claim))
    if inner.parts or inner.ambiguous:
        return inner
    if matches:
        return DetectedExports(ambiguous=[(path, matches)])
    return DetectedExports(not_read=[path])


def _several(path: Path, matches: list[Source]) -> UnknownFormat:
    """The refusal of `path`, which several sources recognise and which holds no part alone."""
    names = ", ".join(source.name for source in matches)
    return UnknownFormat(f"{path}: looks like several export types ({names}); pass --format")


def _entries(folder: Path) -> list[Path]:
    """The entries of `folder` that may be exports: hidden ones and macOS zip debris left out."""
    try:
        return sorted(
            entry
            for entry in folder.iterdir()
            if not entry.name.startswith(".") and entry.name != "__MACOSX"
        )
    except OSError:
        return []


def _declared() -> dict[str, EntryPoint]:
    """The group's entry points by name; :class:`InvalidSource` when a name is declared twice."""
    declared: dict[str, EntryPoint] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in declared:
            first = declared[entry.name]
            raise InvalidSource(
                f"two sources are named {entry.name!r}: {_origin(first)} and {_origin(entry)}; "
                "uninstall one of those packages"
            )
        declared[entry.name] = entry
    # Without its own entry points the package is not installed (run from a checkout) or was
    # installed before they were declared; every export would then be of an unknown type.
    if not any(
        entry.dist is not None and entry.dist.name == DISTRIBUTION for entry in declared.values()
    ):
        raise InvalidSource(
            "asyncmaturity's built-in sources are not registered: its installed metadata is "
            "missing or older than this code; reinstall it (pip install -e . in a checkout)"
        )
    return declared


def _load(entry: EntryPoint) -> Source:
    """The source `entry` makes; :class:`InvalidSource` names a broken entry point."""
    # Here, not at the top: the interface needs DuckDB, which listing the names does not.
    from asyncmaturity.sources.interface import Source

    try:
        source = entry.load()()
    except Exception as exc:
        # A third-party reader may fail in any way; the user needs to know which one, not where.
        raise InvalidSource(
            f"source {entry.name!r} cannot be loaded from {_origin(entry)}: "
            f"{type(exc).__name__}: {exc}; fix or uninstall that package"
        ) from exc
    if not isinstance(source, Source):
        raise InvalidSource(
            f"source {entry.name!r} from {_origin(entry)} is not a source: it needs the "
            "attributes and methods of asyncmaturity.sources.interface.Source"
        )
    if source.name != entry.name:
        raise InvalidSource(
            f"source {entry.name!r} from {_origin(entry)} calls itself {source.name!r}; "
            "the entry point must carry the source's name"
        )
    return source


def _origin(entry: EntryPoint) -> str:
    """`module:attr` (distribution version) of an entry point, for error messages."""
    dist = f" ({entry.dist.name} {entry.dist.version})" if entry.dist is not None else ""
    return f"{entry.value}{dist}"
