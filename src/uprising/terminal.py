"""Terminal output and error exits shared by the CLI and its plugin commands.

Invalid input of any kind prints one message to stderr and exits with code ``EXIT_USAGE`` (2),
no traceback. Kept below ``uprising.cli`` so plugins import it without importing the CLI that
loads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from uprising.scenario.errors import ScenarioError, format_validation_error

EXIT_USAGE = 2

console = Console()
err_console = Console(stderr=True)


def print_error(message: str) -> None:
    """Prints ``error: message`` to stderr (no markup interpretation, no wrapping)."""
    err_console.print(
        f"error: {message}", style="bold red", markup=False, highlight=False, soft_wrap=True
    )


def fail(message: str) -> NoReturn:
    """Prints ``message`` to stderr and exits with code 2 (never returns)."""
    print_error(message)
    raise typer.Exit(code=EXIT_USAGE)


def error_message(exc: Exception) -> str:
    """Returns the user-facing message of an input error (a pydantic error, one line each)."""
    if isinstance(exc, ValidationError):
        return format_validation_error(exc, "input")
    return str(exc)


@contextmanager
def user_errors() -> Iterator[None]:
    """Returns a context in which ScenarioError / pydantic ValidationError exit with code 2."""
    try:
        yield
    except (ScenarioError, ValidationError) as exc:
        fail(error_message(exc))
