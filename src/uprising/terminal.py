"""Terminal output and error exits shared by the CLI and its plugin commands.

Invalid input of any kind prints one message to stderr and exits with code ``EXIT_USAGE`` (2),
no traceback. Kept below ``uprising.cli`` so plugins import it without importing the CLI that
loads them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from uprising.scenario import Scenario, load_scenario
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


def resolve(scenario: str, overrides: Sequence[str] | None = None) -> Scenario:
    """Returns the validated scenario, or exits with code 2 and the validation message."""
    with user_errors():
        return load_scenario(scenario, list(overrides or []))


def prepare_output(directory: Path) -> Path:
    """Returns ``directory`` once it exists and accepts files; otherwise exits with code 2."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".uprising-write-test-"):
            pass
    except OSError as exc:
        fail(f"cannot write to output folder {directory}: {exc.strerror or exc}")
    return directory
