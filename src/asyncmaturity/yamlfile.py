"""Reading the project's YAML files (charter, frameworks, survey questions, assumptions) with one
error style: a missing file, an unreadable one or bad YAML is one line naming the file."""

from __future__ import annotations

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
