"""Scenario errors and their user-facing messages, below the schema so any module can raise them."""

from __future__ import annotations

import re
import reprlib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

#: Longest value shown in a message (longer ones end in "…").
MAX_VALUE_CHARS = 80
#: Most problems listed in one message (then "… and N more problems").
MAX_PROBLEMS = 20

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = MAX_VALUE_CHARS + 10
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 6
_repr.maxlevel = 3
_repr.maxlong = 40


def shorten(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """Returns ``text`` cut to ``limit`` characters ("…" marks a cut), lone surrogates escaped."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_value(value: Any) -> str:
    """Returns a short repr of a value given by the user, bounded in time and length."""
    try:
        text = _repr.repr(value)
    except Exception:  # a repr that fails must not hide the message
        text = f"<{type(value).__name__}>"
    return shorten(text)


class ScenarioError(ValueError):
    """A scenario could not be loaded or validated; the message is meant for the user."""


_FIELD_MESSAGE = re.compile(r"^([A-Za-z_]\w*): (must be a number, not a boolean.*)$", re.S)


def format_validation_error(exc: ValidationError, source: str) -> str:
    """Returns one readable line per problem: field path, value given, what is allowed."""
    lines = [f"{shorten(source, 200)}: invalid scenario"]
    errors = exc.errors()
    for err in errors[:MAX_PROBLEMS]:
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        loc = loc.replace(".set.", ".").replace(".ramp.", ".")
        msg = err["msg"].removeprefix("Value error, ")
        ctx = err.get("ctx") or {}
        named = _FIELD_MESSAGE.match(msg)
        if named:  # a section's validator that names one of its fields
            loc, msg = ".".join(p for p in (loc, named[1]) if p), named[2]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
            symbols = {"ge": "≥", "le": "≤", "gt": ">", "lt": "<"}
            bounds = " and ".join(f"{symbols.get(k, k)} {v}" for k, v in ctx.items())
            msg = f"out of range: must be {bounds}"
        elif err["type"] == "literal_error":
            msg = f"must be one of {ctx.get('expected', '')}"
        given = err.get("input")
        shown = "" if isinstance(given, dict) or loc == "" else f" (got {show_value(given)})"
        loc = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in loc)  # one line
        lines.append(f"  {shorten(loc, 120) or '<scenario>'}: {shorten(msg, 400)}{shown}")
    if len(errors) > MAX_PROBLEMS:
        lines.append(f"  … and {len(errors) - MAX_PROBLEMS} more problems")
    return "\n".join(lines)


def validate_as(cls: type[M], data: dict, source: str) -> M:
    """Returns ``cls.model_validate(data)``, or raises ScenarioError with a readable message."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, source)) from None


class ScenarioWarning(UserWarning):
    """A scenario is valid but a setting in it does nothing; the message is meant for the user."""
