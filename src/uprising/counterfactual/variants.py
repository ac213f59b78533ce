"""Variants of a case: named sets of scenario overrides, from the command line or shipped with
the package (``scenario/presets/<case>.variants.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from uprising.scenario.errors import ScenarioError, shorten
from uprising.scenario.loader import PRESET_PACKAGE, parse_override
from uprising.scenario.safe_yaml import load_yaml

BASELINE = "baseline"
#: Most variants in one comparison: each costs a full ensemble; 50 is far beyond any study.
MAX_VARIANTS = 50
#: Most overrides in one variant (a variant is a policy change, not a new scenario).
MAX_OVERRIDES = 100
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class CompareError(ScenarioError):
    """A comparison cannot run as asked; the message is meant for the user."""


@dataclass(frozen=True)
class Variant:
    """A named set of overrides (dotted scenario path → value) applied to every run."""

    name: str
    overrides: dict[str, Any] = field(default_factory=dict)
    description: str = ""


def _check_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise CompareError(f"{where}: variant name {shorten(repr(name))} must be 1-64 letters, "
                           "digits, '_', '-' or '.', starting with a letter or digit")
    if name == BASELINE:
        raise CompareError(f"{where}: {BASELINE!r} is reserved for the unchanged case")
    return name


def parse_variant(text: str) -> tuple[str, dict[str, Any] | None]:
    """Returns (name, overrides) of ``NAME=PATH=VALUE[,PATH=VALUE…]``; overrides are None for a
    bare ``NAME`` (a shipped variant). Values are YAML (``true``, ``0.5``, ``[]``)."""
    name, sep, rest = text.partition("=")
    _check_name(name.strip(), f"--variant {shorten(repr(text))}")
    if not sep:
        return name.strip(), None
    if not rest.strip():
        raise CompareError(f"--variant {shorten(repr(text))}: no PATH=VALUE after the name")
    overrides: dict[str, Any] = {}
    for item in _split(rest):
        parts, value = parse_override(item)
        overrides[".".join(parts)] = value
    if len(overrides) > MAX_OVERRIDES:
        raise CompareError(f"--variant {name}: more than {MAX_OVERRIDES} overrides")
    return name.strip(), overrides


def _split(text: str) -> list[str]:
    """Returns the ``PATH=VALUE`` items of a comma list; a comma inside [] or {} is kept."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "[{"
        depth -= ch in "]}"
        if ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def variants_file(case: str) -> Path:
    """Returns the path of the variants shipped for ``case`` (it may not exist)."""
    return Path(str(resources.files(PRESET_PACKAGE).joinpath(f"{case}.variants.yaml")))


def parse_variants_data(data: Any, source: str) -> list[Variant]:
    """Returns the variants of a ``variants: [{name, description, overrides}]`` mapping.

    Raises:
        CompareError: a field is missing or has the wrong type (the message names it).
    """
    if not isinstance(data, dict) or not isinstance(data.get("variants"), list):
        raise CompareError(f"{source}: variants: must be a list of {{name, description, "
                           "overrides}")
    out: list[Variant] = []
    for i, item in enumerate(data["variants"]):
        where = f"{source}: variants[{i}]"
        if not isinstance(item, dict):
            raise CompareError(f"{where}: must be a mapping with name, description, overrides")
        unknown = set(item) - {"name", "description", "overrides"}
        if unknown:
            raise CompareError(f"{where}.{sorted(unknown)[0]}: unknown field")
        name = _check_name(item.get("name"), f"{where}.name")
        overrides = item.get("overrides")
        if not isinstance(overrides, dict) or not overrides:
            raise CompareError(f"{where}.overrides: must be a non-empty mapping path: value")
        if len(overrides) > MAX_OVERRIDES:
            raise CompareError(f"{where}.overrides: more than {MAX_OVERRIDES} overrides")
        description = item.get("description", "")
        if not isinstance(description, str):
            raise CompareError(f"{where}.description: must be text")
        out.append(Variant(name, {str(k): v for k, v in overrides.items()}, description))
    return out


def shipped_variants(case: str) -> list[Variant]:
    """Returns the variants shipped for ``case`` (none when there is no variants file)."""
    path = variants_file(case)
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    return parse_variants_data(load_yaml(text, path.name, CompareError), path.name)


def select_variants(case: str, specs: list[str], all_shipped: bool = False) -> list[Variant]:
    """Returns the variants asked for: ``--variant`` specs (bare names pick shipped ones) and,
    with ``all_shipped``, every shipped variant; in the order given, without repeats.

    Raises:
        CompareError: an unknown shipped name, a repeated name, or no variant at all.
    """
    shipped = {v.name: v for v in shipped_variants(case)}
    chosen: dict[str, Variant] = dict(shipped) if all_shipped else {}
    if all_shipped and not shipped:
        raise CompareError(f"--all: no variants shipped for case {case!r} "
                           f"({variants_file(case).name} not found)")
    for spec in specs:
        name, overrides = parse_variant(spec)
        if overrides is None:
            if name not in shipped:
                known = ", ".join(shipped) or "none"
                raise CompareError(f"--variant {name}: no shipped variant of that name for "
                                   f"{case!r} (shipped: {known}); or give NAME=PATH=VALUE")
            if name in chosen and not all_shipped:
                raise CompareError(f"--variant {name}: given twice")
            chosen[name] = shipped[name]
            continue
        if name in chosen:
            raise CompareError(f"--variant {name}: given twice (or also shipped with --all)")
        chosen[name] = Variant(name, overrides)
    if not chosen:
        raise CompareError("no variant to compare: give --variant NAME=PATH=VALUE, --variant "
                           "NAME (shipped) or --all")
    if len(chosen) > MAX_VARIANTS:
        raise CompareError(f"--variant: at most {MAX_VARIANTS} variants in one comparison")
    return list(chosen.values())
