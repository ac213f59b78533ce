"""Scenario errors and their user-facing messages, below the schema so any module can raise them."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ScenarioError(ValueError):
    """A scenario could not be loaded or validated; the message is meant for the user."""


def format_validation_error(exc: ValidationError, source: str) -> str:
    """Returns one readable line per problem: field path, value given, what is allowed."""
    lines = [f"{source}: invalid scenario"]
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        loc = loc.replace(".set.", ".").replace(".ramp.", ".")
        msg = err["msg"].removeprefix("Value error, ")
        ctx = err.get("ctx") or {}
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
            symbols = {"ge": "≥", "le": "≤", "gt": ">", "lt": "<"}
            bounds = " and ".join(f"{symbols.get(k, k)} {v}" for k, v in ctx.items())
            msg = f"out of range: must be {bounds}"
        elif err["type"] == "literal_error":
            msg = f"must be one of {ctx.get('expected', '')}"
        given = err.get("input")
        shown = "" if isinstance(given, dict) or loc == "" else f" (got {given!r})"
        lines.append(f"  {loc or '<scenario>'}: {msg}{shown}")
    return "\n".join(lines)


def validate_as(cls: type[M], data: dict, source: str) -> M:
    """Returns ``cls.model_validate(data)``, or raises ScenarioError with a readable message."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, source)) from None
