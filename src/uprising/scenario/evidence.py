"""Evidence of a preset's values: where each number and date of a scenario comes from.

A preset ``X.yaml`` may have a sibling ``X.evidence.yaml``: a mapping from a path into the
preset's own YAML data to an entry ``{source, kind, confidence, note}``::

    population.legitimacy: {source: "2021 poll ...", kind: assumption, confidence: low}
    national.blackouts[0]: {source: "NetBlocks ...", kind: fact, confidence: high}

Paths join mapping keys with ``.`` and list positions with ``[i]``. An entry covers the value at
its path and every value under it, so one entry per dated event or list item is enough; the most
specific entry wins. A list of plain values (``regions: [almaty, mangystau]``) is one value.
The documentation fields (``name``, ``description``, ``reproduces``) need no evidence. Values a
preset inherits through ``base:`` are evidenced by the base's own evidence file; ``base`` itself
is a value of the preset.

A value is *inert* when it lies in a section switched off, by ``enabled: false`` or
``mode: off`` (in the file, or by default in the validated scenario): it is written down but
does nothing in a run. The switch itself is not inert. Values can also be inert in a section
that is on: the external power's stakes when θ cannot change its decision
(``uprising.scenario.stakes``); each inert row says why (``inert_reason``). Where the
sources disagree (the seed article's 18.4 % Russians against the 2021 census's 15.5 %), the
entry's ``note`` says which figure was used and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from uprising.scenario.errors import ScenarioError, shorten
from uprising.scenario.loader import (
    PRESET_PACKAGE,
    load_scenario,
    looks_like_file,
    preset_names,
    read_scenario_yaml,
)
from uprising.scenario.safe_yaml import load_yaml, read_text_file
from uprising.scenario.stakes import inert_stakes

EVIDENCE_SUFFIX = ".evidence"
#: Top-level fields that document a preset rather than set a value.
DOC_FIELDS = frozenset({"name", "description", "reproduces"})
Kind = Literal["fact", "claim", "assumption", "calibrated"]
KINDS: tuple[str, ...] = ("fact", "claim", "assumption", "calibrated")
#: Why a value in a section switched off is inert.
SWITCHED_OFF = "in a section switched off"
_INDEX = re.compile(r"\[(\d+)\]")
#: Keys that switch a section off (YAML 1.1 reads a bare ``off`` as false).
_SWITCHES: dict[str, Callable[[Any], bool]] = {
    "enabled": lambda value: value is False,
    "mode": lambda value: value is False or value == "off",
}


class EvidenceEntry(BaseModel):
    """Where one value (or a section of values) of a preset comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1, max_length=4000)
    kind: Kind
    confidence: Literal["high", "medium", "low"]
    note: str = Field(default="", max_length=4000)


@dataclass(frozen=True)
class EvidenceRow:
    """One value of a preset and the evidence that covers it (``covered_by`` None: none)."""

    path: str
    value: Any
    covered_by: str | None
    entry: EvidenceEntry | None
    inert: bool
    inert_reason: str = ""

    @property
    def kind(self) -> str:
        """Returns the entry's kind, or "missing"."""
        return self.entry.kind if self.entry else "missing"


def _is_plain(value: Any) -> bool:
    return not isinstance(value, dict | list)


def leaves(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Returns (path, value) for every value of a YAML mapping, in file order.

    Mappings are walked by key (``a.b``), lists by position (``a[0]``); an empty mapping or
    list, and a list of plain values, is one value.
    """
    if isinstance(data, dict) and data:
        out = []
        for key, value in data.items():
            if not prefix and key in DOC_FIELDS:
                continue
            out += leaves(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(data, list) and data and not all(_is_plain(v) for v in data):
        return [pair for i, v in enumerate(data) for pair in leaves(v, f"{prefix}[{i}]")]
    return [(prefix, data)] if prefix else []


def _under(path: str, key: str) -> bool:
    return path == key or path.startswith((key + ".", key + "["))


def ancestors(path: str) -> list[str]:
    """Returns ``path`` and the paths of the sections and items holding it, longest first
    (``a.b[0].c`` → ``a.b[0].c``, ``a.b[0]``, ``a.b``, ``a``)."""
    cuts = [i for i, ch in enumerate(path) if ch in ".["]
    return [path] + [path[:i] for i in reversed(cuts) if i > 0]


def covering(path: str, evidence: dict[str, EvidenceEntry]) -> str | None:
    """Returns the most specific evidence key covering ``path`` (itself or a parent), or None."""
    return next((key for key in ancestors(path) if key in evidence), None)


def _get(data: Any, path: str) -> Any:
    """Returns the value at a dotted path of plain data, or None when it is not there."""
    for part in path.split("."):
        name, _, rest = part.partition("[")
        data = data.get(name) if isinstance(data, dict) else None
        for index in _INDEX.findall("[" + rest if rest else ""):
            ok = isinstance(data, list | tuple) and int(index) < len(data)
            data = data[int(index)] if ok else None
    return data


def _switched_off(node: dict[str, Any], path: str, resolved: dict[str, Any] | None) -> str:
    """Returns the key that switches a section off (``enabled``: false or ``mode``: off),
    or "" when it is on. The file's value wins; the validated scenario fills in defaults."""
    section = _get(resolved, path) if resolved is not None else None
    merged = {**(section if isinstance(section, dict) else {}), **node}
    for key, is_off in _SWITCHES.items():
        if key in merged and is_off(merged[key]):
            return key
    return ""


def inert_sections(data: dict[str, Any],
                   resolved: dict[str, Any] | None = None) -> dict[str, str]:
    """Returns {section path: its switch key} of the sections switched off: ``enabled:
    false`` or ``mode: off``, in ``data`` or, where the file does not say, by default in
    ``resolved`` (the validated scenario as plain data)."""
    out: dict[str, str] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            switch = _switched_off(node, path, resolved) if path else ""
            if switch:
                out[path] = switch
                return
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(data, "")
    return out


def evidence_table(scenario_data: dict[str, Any], evidence: dict[str, EvidenceEntry],
                   resolved: dict[str, Any] | None = None,
                   inert_values: dict[str, str] | None = None) -> list[EvidenceRow]:
    """Returns one row per value of a preset's own YAML data, with its covering evidence.

    Args:
        scenario_data: the preset file's data (not merged with its ``base``).
        evidence: the entries of its evidence file (``load_evidence``).
        resolved: the validated scenario as plain data, for ``enabled`` defaults (optional).
        inert_values: {path: why} of values inert in a section that is on (e.g.
            ``stakes.inert_stakes``); a path covers the values under it.
    """
    sections = inert_sections(scenario_data, resolved)
    inert_values = inert_values or {}
    rows = []
    for path, value in leaves(scenario_data):
        key = covering(path, evidence)
        off = any(_under(path, s) and path != f"{s}.{key}" for s, key in sections.items())
        why = SWITCHED_OFF if off else next(
            (inert_values[k] for k in ancestors(path) if k in inert_values), "")
        rows.append(EvidenceRow(path, value, key, evidence[key] if key else None, bool(why), why))
    return rows


def missing_evidence(scenario_data: dict[str, Any],
                     evidence: dict[str, EvidenceEntry]) -> list[str]:
    """Returns the paths of the preset's values that no evidence entry covers."""
    return [path for path, _ in leaves(scenario_data) if covering(path, evidence) is None]


def unknown_paths(scenario_data: dict[str, Any], evidence: dict[str, EvidenceEntry]) -> list[str]:
    """Returns the evidence keys that match no value of the preset (a typo, a removed value)."""
    known = {key for path, _ in leaves(scenario_data) for key in ancestors(path)}
    return [key for key in evidence if key not in known]


def _files(preset: str | Path) -> tuple[str, str, Any]:
    """Returns (preset text, name for messages, evidence file or resource) of a preset."""
    path = Path(preset)
    if looks_like_file(path):
        text = read_text_file(path, missing="scenario file not found")
        return text, str(path), path.with_name(path.stem + EVIDENCE_SUFFIX + path.suffix)
    name = str(preset)
    if name not in preset_names() or name.endswith(EVIDENCE_SUFFIX):
        raise ScenarioError(f"unknown scenario {shorten(repr(name), 200)}: not a file and not "
                            "a preset")
    folder = resources.files(PRESET_PACKAGE)
    text = folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return text, f"preset {name}", folder.joinpath(f"{name}{EVIDENCE_SUFFIX}.yaml")


def preset_data(preset: str | Path) -> dict[str, Any]:
    """Returns the preset file's own YAML data (``base:`` not resolved)."""
    text, source, _ = _files(preset)
    return read_scenario_yaml(text, source)


def _entry(key: Any, value: Any, source: str) -> EvidenceEntry:
    if not isinstance(key, str) or not key.strip():
        raise ScenarioError(f"{source}: {shorten(repr(key))}: an evidence path must be text")
    try:
        return EvidenceEntry.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        field = f"{key}.{loc}" if loc else key
        msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        raise ScenarioError(f"{source}: {shorten(field, 200)}: {msg}") from None


def load_evidence(preset: str | Path) -> dict[str, EvidenceEntry]:
    """Returns the evidence entries of a preset name or YAML path ({} without a sibling
    ``X.evidence.yaml``).

    Raises:
        ScenarioError: unknown preset, unsafe YAML, or a bad entry (the message names the
            file, the path and the field).
    """
    _, _, location = _files(preset)
    if not location.is_file():
        return {}
    source = str(location) if isinstance(location, Path) else f"evidence of preset {preset}"
    text = (read_text_file(location) if isinstance(location, Path)
            else location.read_text(encoding="utf-8"))
    data = load_yaml(text, source)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: must map paths to evidence entries, "
                            f"got {type(data).__name__}")
    return {key: _entry(key, value, source) for key, value in data.items()}


def explain(preset: str | Path) -> list[EvidenceRow]:
    """Returns the evidence table of a preset name or YAML path (inert flags from the
    validated scenario)."""
    scenario = load_scenario(preset)
    resolved = scenario.model_dump(mode="python")
    return evidence_table(preset_data(preset), load_evidence(preset), resolved,
                          inert_stakes(scenario))


def evidence_problems(preset: str | Path) -> tuple[list[str], list[str]]:
    """Returns (values without evidence, evidence paths matching nothing) of a preset."""
    data, evidence = preset_data(preset), load_evidence(preset)
    return missing_evidence(data, evidence), unknown_paths(data, evidence)


def check_evidence(preset: str | Path) -> None:
    """Returns None when every value of the preset has evidence and every evidence path
    matches a value.

    Raises:
        ScenarioError: listing the paths without evidence and the unknown evidence paths.
    """
    missing, unknown = evidence_problems(preset)
    if not missing and not unknown:
        return
    lines = [f"{preset}: evidence incomplete"]
    if missing:
        lines += [f"  {len(missing)} values without evidence:"] + [f"    {p}" for p in missing]
    if unknown:
        lines += [f"  {len(unknown)} evidence paths matching no value:"]
        lines += [f"    {shorten(p, 200)}" for p in unknown]
    raise ScenarioError("\n".join(lines))
