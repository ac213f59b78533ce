"""Shared building blocks of the scenario schema."""

from __future__ import annotations

import math
import types
import unicodedata
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
#: A legitimacy difference: a group's L minus the population's (``legitimacy_offset``).
LegitimacyOffset = Annotated[float, Field(ge=-1.0, le=1.0)]

#: Longest tick number a field may name: the largest ``ticks`` a scenario may run.
MAX_TICKS = 10_000_000
#: Longest finite jail term (ticks); longer terms are 'inf' (never released). The kernels keep
#: terms in integers; a bound far below 2**31 keeps every term and countdown exact.
MAX_JAIL_TERM = 1_000_000
#: Most cells of a world (``world.width`` × ``world.height`` at their limits).
MAX_CELLS = 100_000 * 100_000


def _check_text(value: str, multiline: bool) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it holds a lone surrogate)") from None
    allowed = {"\n", "\t", "\r"} if multiline else set()
    bad = [c for c in value if c not in allowed and unicodedata.category(c) in {"Cc", "Cs"}]
    if bad:
        raise ValueError(f"must be printable text; it holds the control character {bad[0]!r}")
    return value


def _line_text(value: str) -> str:
    return _check_text(value, multiline=False)


def _long_text(value: str) -> str:
    return _check_text(value, multiline=True)


#: A one-line printable name (no control characters, no lone surrogates).
Name = Annotated[str, Field(max_length=200), AfterValidator(_line_text)]
#: Free printable text (descriptions): line breaks and tabs allowed.
Text = Annotated[str, Field(max_length=20_000), AfterValidator(_long_text)]
#: A file or folder path: one printable line (no NUL byte), at most 1000 characters.
PathText = Annotated[str, Field(max_length=1000), AfterValidator(_line_text)]
#: A tick number (at most the longest run).
Tick = Annotated[int, Field(ge=1, le=MAX_TICKS)]
#: A number of ticks (a delay, a duration, a cooldown; at most the longest run).
Ticks = Annotated[int, Field(ge=0, le=MAX_TICKS)]


def check_jail_term(value: float) -> float:
    """Returns a maximum jail term that is 'inf' or a whole number of ticks ≤ MAX_JAIL_TERM;
    raises ValueError otherwise (1e308 or 10**30 are not 'never': they would overflow)."""
    if math.isnan(value):
        raise ValueError("must be a whole number of ticks or 'inf', got nan")
    if math.isfinite(value):
        if value != int(value):
            raise ValueError(f"must be a whole number of ticks or 'inf', got {value}")
        if value > MAX_JAIL_TERM:
            raise ValueError(
                f"must be ≤ {MAX_JAIL_TERM} ticks or 'inf' (never released), got {value:g}"
            )
    return value


def _numeric_only(annotation: Any) -> bool:
    """Returns whether a field annotation accepts numbers (and None) but no booleans."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return bool(args) and all(_numeric_only(a) for a in args)
    return annotation in (int, float)


def bool_for_number(annotation: Any, value: Any) -> bool:
    """Returns whether ``value`` holds a boolean where ``annotation`` expects a number (YAML's
    ``yes``/``no``/``on``/``off`` are booleans, and pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        return _numeric_only(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        return any(bool_for_number(a, value) for a in args if a is not type(None))
    if origin in (tuple, list) and isinstance(value, list | tuple) and args:
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            return any(bool_for_number(args[0], v) for v in value)
        return any(bool_for_number(a, v) for a, v in zip(args, value, strict=False))
    return False


def _mentions_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    return any(_mentions_number(a) for a in get_args(annotation))


_NUMBER_FIELDS: dict[type, dict[str, Any]] = {}


def number_fields(cls: type[BaseModel]) -> dict[str, Any]:
    """Returns {field name: annotation} of the fields of ``cls`` that hold numbers somewhere
    (computed once per class: the check runs for every section of every scenario)."""
    found = _NUMBER_FIELDS.get(cls)
    if found is None:
        found = {name: f.annotation for name, f in cls.model_fields.items()
                 if _mentions_number(f.annotation)}
        _NUMBER_FIELDS[cls] = found
    return found


def refuse_bool_for_number(cls: type[BaseModel], data: Any) -> Any:
    """Returns ``data`` (the raw input of a model) or raises ValueError naming the first field
    given a boolean where it expects a number."""
    if isinstance(data, dict):
        for name, annotation in number_fields(cls).items():
            if name in data and bool_for_number(annotation, data[name]):
                raise ValueError(
                    f"{name}: must be a number, not a boolean (true/false/yes/no/on/off)"
                )
    return data


class Frozen(BaseModel):
    """Base for all scenario parts: immutable, unknown keys rejected, numbers finite (a field
    that means 'never' with infinity says so), no booleans where a number is expected."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_number(cls, data: Any) -> Any:
        return refuse_bool_for_number(cls, data)


class Distribution(Frozen):
    """A distribution for a per-agent attribute."""

    dist: Literal["uniform", "constant", "beta"] = "uniform"
    low: float = Field(0.0, ge=0.0, le=1.0)
    high: float = Field(1.0, ge=0.0, le=1.0)
    value: float = Field(0.5, ge=0.0, le=1.0, description="used when dist = constant")
    # shapes above 10⁴ make a beta indistinguishable from a point mass; finite (no .inf)
    a: float = Field(2.0, gt=0.0, le=10_000.0, description="beta shape a")
    b: float = Field(2.0, gt=0.0, le=10_000.0, description="beta shape b")

    @model_validator(mode="after")
    def _ordered(self) -> Distribution:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must be ≤ high ({self.high})")
        return self
