"""Load scenarios from presets or YAML files, apply dotted overrides, report errors clearly."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from uprising.scenario.errors import ScenarioError, shorten, validate_as
from uprising.scenario.paths import set_path
from uprising.scenario.safe_yaml import MALFORMED, load_yaml, read_text_file
from uprising.scenario.schema import Scenario

PRESET_PACKAGE = "uprising.scenario.presets"
#: Longest chain of ``base:`` references (a scenario, its base, the base's base, …).
MAX_BASE_CHAIN = 20


def preset_names() -> list[str]:
    """Returns the names of the scenarios shipped with the package, sorted (companion files
    such as ``<case>.variants.yaml`` are not scenarios)."""
    folder = resources.files(PRESET_PACKAGE)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir()
                  if p.name.endswith(".yaml") and "." not in p.name[: -len(".yaml")])


def read_scenario_yaml(text: str, source: str) -> dict[str, Any]:
    """Returns scenario YAML text as a mapping (empty text: {}); ScenarioError otherwise."""
    data = load_yaml(text, source)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario must be a mapping, got {type(data).__name__}")
    return data


def raw_scenario(name_or_path: str | Path, _chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """Returns the unvalidated mapping of a preset name or YAML file (``base:`` resolved).

    Raises:
        ScenarioError: unreadable or unsafe YAML, or a ``base:`` chain that is circular (the
            message names the chain) or longer than ``MAX_BASE_CHAIN``.
    """
    try:
        text, source, key = _locate(name_or_path)
    except ScenarioError as exc:
        if not _chain:
            raise
        raise ScenarioError(f"{shorten(_chain[-1], 200)}: base: {exc}") from None
    if key in _chain:
        loop = " → ".join([*_chain[_chain.index(key):], key])
        raise ScenarioError(f"{source}: base: circular reference {shorten(loop, 400)}")
    if len(_chain) >= MAX_BASE_CHAIN:
        raise ScenarioError(f"{source}: base: more than {MAX_BASE_CHAIN} scenarios in the chain")
    data = read_scenario_yaml(text, source)
    base = data.pop("base", None)
    if base is not None:
        if not isinstance(base, str) or not base.strip():
            raise ScenarioError(
                f"{source}: base: must be a preset name or a scenario file path, "
                f"got {type(base).__name__}"
            )
        parent = raw_scenario(base, (*_chain, key))
        data = deep_merge(parent, data)
    return data


def looks_like_file(path: Path) -> bool:
    """Returns whether ``path`` names a scenario file rather than a preset: a YAML suffix or
    an existing path (False for a name too long for a path or holding a NUL byte)."""
    try:
        return path.suffix in {".yaml", ".yml"} or path.exists()
    except (OSError, ValueError):
        return False


def _locate(name_or_path: str | Path) -> tuple[str, str, str]:
    """Returns (text, source for messages, identity of the file for cycle detection)."""
    path = Path(name_or_path)
    if looks_like_file(path):
        text = read_text_file(path, missing="scenario file not found")
        return text, str(path), str(path.resolve())
    name = str(name_or_path)
    if name in preset_names():
        res = resources.files(PRESET_PACKAGE).joinpath(f"{name}.yaml")
        return res.read_text(encoding="utf-8"), f"preset {name}", f"preset {name}"
    raise ScenarioError(
        f"unknown scenario {shorten(repr(name), 200)}: not a file and not a preset "
        f"(presets: {', '.join(preset_names())})"
    )


def deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Returns ``base`` updated recursively with ``update`` (neither is modified)."""
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def parse_override(text: str) -> tuple[list[str], Any]:
    """Returns (path parts, value) of a ``dotted.path=value`` override; the value is YAML."""
    if "=" not in text:
        raise ScenarioError(f"override {shorten(repr(text))} must look like path.to.field=value")
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ScenarioError(f"override {shorten(repr(text))} has an empty field path")
    if not raw.strip():
        return key.split("."), ""
    try:
        value = load_yaml(raw, f"override {shorten(key, 80)}")
    except ScenarioError as exc:
        if MALFORMED not in str(exc):  # refused YAML (a tag, a bomb) stays refused
            raise
        value = raw  # not YAML at all: the text itself
    return key.split("."), value


def apply_overrides(data: dict[str, Any], overrides: list[str] | None) -> dict[str, Any]:
    """Returns a copy of ``data`` with every ``path=value`` override applied."""
    out = copy.deepcopy(data)
    for text in overrides or []:
        parts, value = parse_override(text)
        try:
            set_path(out, ".".join(parts), value)
        except ValueError as exc:
            raise ScenarioError(f"override {shorten(repr(text))}: {exc}") from None
    return out


def validate(data: dict[str, Any], source: str = "scenario") -> Scenario:
    """Returns the validated scenario, or raises ScenarioError with a readable message."""
    return validate_as(Scenario, data, source)


def load_scenario(
    name_or_path: str | Path | Scenario | dict[str, Any] = "epstein2002-run2",
    overrides: list[str] | str | None = None,
) -> Scenario:
    """Returns a validated scenario from a preset name, a YAML path, a mapping or a Scenario.

    Args:
        name_or_path: preset name (see ``preset_names()``), YAML file, mapping or Scenario.
        overrides: dotted ``path=value`` strings, e.g. ``["police.density=0.05"]``, or one
            such string.
    """
    if isinstance(overrides, str):
        overrides = [overrides]
    if isinstance(name_or_path, Scenario):
        data, source = name_or_path.model_dump(mode="python"), name_or_path.name
    elif isinstance(name_or_path, dict):
        data, source = copy.deepcopy(name_or_path), "scenario"
    else:
        data, source = raw_scenario(name_or_path), str(name_or_path)
    return validate(apply_overrides(data, overrides), source)


def scenario_to_yaml(scenario: Scenario) -> str:
    """Returns the fully resolved scenario as YAML text."""
    data = scenario.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
