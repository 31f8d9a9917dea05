"""Reading the project's YAML files (charter, frameworks, survey questions, assumptions) with one
error style: a missing file, an unreadable one or bad YAML is one line naming the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


def read_yaml(path: Path, error: type[Exception], *, what: str = "file") -> Any:
    """Parse the YAML file at `path`; problems raise `error` with the path (and the line for bad YAML).

    >>> read_yaml(Path("missing.yaml"), ValueError, what="charter file")
    Traceback (most recent call last):
    ValueError: missing.yaml: no such charter file
    """
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise error(f"{path}: not valid YAML{where}") from None
    except ValueError as exc:  # a value YAML itself types, such as a date 2026-13-01
        raise error(f"{path}: not valid YAML: {exc}") from None


def yaml_line(text: str, location: Sequence[str | int]) -> int | None:
    """The one-based line of the value at `location` (keys and list indexes) in YAML `text`.

    When the path stops early (a missing key), the line of the deepest part that exists; None
    when the text does not parse.

    >>> yaml_line("people:\n  - id: ana\n    timezone: Nope/X\n", ["people", 0, "timezone"])
    3
    """
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in location:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if getattr(k, "value", None) == str(part)]
            if found and not isinstance(found[0][1], yaml.ScalarNode):
                node = found[0][1]
            elif found:  # a scalar value: the line of its key, where the user reads it
                return int(found[0][0].start_mark.line) + 1
            else:
                node = None
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if 0 <= part < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line
