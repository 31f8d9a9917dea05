"""The source registry: every reader declared in the `asyncmaturity.sources` entry-point group.

Built-in sources are declared in asyncmaturity's own pyproject.toml exactly as another package
declares its own, by the source's name and a class (or any callable without arguments) that makes
an :class:`~asyncmaturity.sources.interface.Source`::

    [project.entry-points."asyncmaturity.sources"]
    discord = "asyncmaturity_discord:DiscordSource"

Nothing is imported until it is needed: the names come from the installed metadata, a source is
loaded when it is asked for by name, and all of them when an export is detected or listed.
Listings (`asyncmaturity sources`, the docs) show them family by family, by name within one.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from asyncmaturity.errors import InvalidSource, UnknownFormat

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import Source

ENTRY_POINT_GROUP = "asyncmaturity.sources"
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
    names = ", ".join(source.name for source in matches)
    raise UnknownFormat(f"{path}: looks like several export types ({names}); pass --format")


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
