"""What every command-line module shares: the consoles and the domain-error translation.

Kept apart from `cli` so that sub-apps (`cli_assist`) that `cli` mounts can use them without a
circular import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from asyncmaturity.errors import AsyncMaturityError

out = Console(soft_wrap=True)
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def domain_errors(func: F) -> F:
    """Turn domain exceptions into `Error: ...` on stderr and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AsyncMaturityError as exc:
            err.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]
