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
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise error(f"{path}: not valid YAML{where}") from None
    except ValueError as exc:  # a value YAML itself types, such as a date 2026-13-01
        line, value = bad_value(text) or (None, "")
        where = f"line {line}: " if line is not None else ""
        raise error(f"{path}: {where}{value!r} is not a valid date or time ({exc})") from None


def bad_value(text: str) -> tuple[int, str] | None:
    """The one-based line and text of the first value YAML types but cannot build (a date such as
    2026-13-01 is typed a timestamp and then fails), or None when there is none."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop(0)
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError):
                return node.start_mark.line + 1, str(node.value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in node.value for part in pair)
    return None


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
