"""Command ``uprising explain SCENARIO``: where each value of a preset comes from.

Registered by ``uprising.cli``. ``uprising.terminal`` sits in this package's layer, which the
layers contract keeps independent, so the command prints its own errors the same way: one
``error: ...`` line on stderr and exit code 2, no traceback.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich import box
from rich.console import Console
from rich.table import Table

from uprising.scenario.errors import ScenarioError, format_validation_error, shorten
from uprising.scenario.evidence import (
    KINDS,
    SWITCHED_OFF,
    EvidenceRow,
    evidence_problems,
    explain,
)

EXIT_USAGE = 2
#: Longest source shown in the table form (csv and markdown show it in full).
TABLE_SOURCE_CHARS = 48
TABLE_VALUE_CHARS = 16
COLUMNS = ("path", "value", "kind", "confidence", "source", "note", "covered_by", "inert")


class Format(StrEnum):
    """Output forms of ``uprising explain``."""

    table = "table"
    csv = "csv"
    markdown = "markdown"


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(f"error: {message}", style="bold red", markup=False,
                               highlight=False, soft_wrap=True)
    raise typer.Exit(code=EXIT_USAGE)


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except ValidationError as exc:
        _fail(format_validation_error(exc, "input"))
    except ScenarioError as exc:
        _fail(str(exc))


def _value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "[]"
    return "{}" if value == {} else str(value)


def _record(row: EvidenceRow) -> dict[str, str]:
    entry = row.entry
    return {"path": row.path, "value": _value(row.value), "kind": row.kind,
            "confidence": entry.confidence if entry else "", "source": entry.source if entry
            else "", "note": entry.note if entry else "", "covered_by": row.covered_by or "",
            "inert": "inert" if row.inert else ""}


def _counts(rows: list[EvidenceRow]) -> str:
    counts = Counter(row.kind for row in rows)
    return ", ".join(f"{kind} {counts[kind]}" for kind in (*KINDS, "missing") if counts[kind])


def _inert_lines(rows: list[EvidenceRow]) -> dict[str, list[str]]:
    """Returns {why: paths} of the inert values, in the order first met."""
    out: dict[str, list[str]] = {}
    for row in rows:
        if row.inert:
            out.setdefault(row.inert_reason or SWITCHED_OFF, []).append(row.path)
    return out


def _markdown(records: list[dict[str, str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r[c]) for c in COLUMNS) + " |" for r in records]
    return "\n".join(lines)


def _print_table(title: str, rows: list[EvidenceRow]) -> None:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("path", overflow="fold", ratio=2)
    table.add_column("value", no_wrap=True, overflow="ellipsis", max_width=TABLE_VALUE_CHARS)
    table.add_column("kind", no_wrap=True, min_width=10)
    table.add_column("conf.", no_wrap=True, min_width=6)
    table.add_column("inert", no_wrap=True, min_width=5)
    table.add_column("source", overflow="fold", ratio=1)
    for record in map(_record, rows):
        style = "red" if record["kind"] == "missing" else ("dim" if record["inert"] else None)
        table.add_row(record["path"], shorten(record["value"], TABLE_VALUE_CHARS),
                      record["kind"], record["confidence"], record["inert"],
                      shorten(record["source"], TABLE_SOURCE_CHARS),
                      style=style)
    Console().print(table)


def explain_cmd(
    scenario: Annotated[str, typer.Argument(help="Preset name or scenario YAML.")],
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit with code 2 if a value has no evidence or an evidence path "
        "matches no value.")] = False,
    format_: Annotated[Format, typer.Option(
        "--format", "-f", help="table (sources shortened), csv or markdown (sources in full).",
    )] = Format.table,
) -> None:
    """Show where each value of a scenario comes from: its evidence (source, kind, confidence),
    the count per kind, and the settings that do nothing (inert) in a run."""
    with _user_errors():
        rows = explain(scenario)
        missing, unknown = evidence_problems(scenario)
    records = [_record(row) for row in rows]
    inert = _inert_lines(rows)
    if format_ is Format.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        sys.stdout.write(out.getvalue())
    elif format_ is Format.markdown:
        sys.stdout.write(f"{_markdown(records)}\n\nper kind: {_counts(rows)}\n")
        for why, paths in inert.items():
            sys.stdout.write(f"\ninert ({why}):\n\n")
            sys.stdout.write("".join(f"- `{path}`\n" for path in paths))
    else:
        _print_table(f"evidence of {scenario}", rows)
        console = Console(highlight=False, soft_wrap=True)
        console.print(f"per kind: {_counts(rows)}", markup=False)
        for why, paths in inert.items():
            console.print(f"inert ({why}): " + ", ".join(paths), markup=False)
    problems = []
    if missing:
        problems.append(f"{len(missing)} values without evidence: {', '.join(missing)}")
    if unknown:
        problems.append(f"{len(unknown)} evidence paths matching no value: {', '.join(unknown)}")
    if problems and strict:
        _fail(f"{scenario}: " + "; ".join(problems))
    if unknown:
        Console(stderr=True).print(f"warning: {problems[-1]}", markup=False, highlight=False,
                                   soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Adds ``uprising explain`` to the ``uprising`` CLI."""
    app.command("explain")(explain_cmd)
