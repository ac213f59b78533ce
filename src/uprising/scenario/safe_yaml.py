"""The one YAML reader of user input (scenarios, experiments, ``--set`` values): plain data only.

PyYAML's safe loader still accepts inputs that hurt a program which then walks the data: an
alias bomb ("billion laughs") expands a 1 kB file into billions of nodes, a 10,000-deep list
overflows the stack, a repeated key silently replaces the first, ``!!binary`` yields bytes. This
loader refuses each of them while it composes the document, before any Python object is built:

- the text is at most ``MAX_BYTES`` long and nests at most ``MAX_DEPTH`` collections deep;
- it holds at most ``MAX_ALIASES`` aliases, and at most ``MAX_NODES`` nodes once every alias is
  expanded (an alias counts the size of the node it names, so a bomb is refused while small);
- an alias may not name the collection that contains it (a recursive structure);
- a key may appear only once in a mapping (the message names the key and its line);
- only the plain tags are allowed: strings, numbers, booleans, null, lists, mappings (and the
  ``<<`` merge key); dates stay strings, ``!!binary``, ``!!python/…``, ``!!set`` and custom tags
  are refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from uprising.scenario.errors import ScenarioError, shorten

#: Largest YAML text accepted, in bytes (the presets are a few kB).
MAX_BYTES = 1_000_000
#: Deepest nesting of lists and mappings (a scenario nests 4 deep).
MAX_DEPTH = 50
#: Most aliases (``*name``) in one document.
MAX_ALIASES = 1_000
#: Most nodes in one document once every alias is expanded.
MAX_NODES = 200_000

#: Words that start the message of a text that is not YAML at all (as opposed to refused YAML).
MALFORMED = "malformed YAML"

_TAG = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
)


class YAMLLimitError(yaml.YAMLError):
    """The YAML text is well-formed but breaks one of this module's limits or rules."""


class _Resolver(Resolver):
    """YAML 1.1 implicit types without timestamps (dates stay strings) and ``=`` values, and
    booleans as in YAML 1.2: only ``true``/``false`` (``off``, ``on``, ``yes``, ``no`` stay text,
    so ``government.mode: off`` means the mode called off)."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, rx) for tag, rx in rules
                if tag not in (_TAG + "timestamp", _TAG + "value", _TAG + "bool")]
        for first, rules in Resolver.yaml_implicit_resolvers.items()
    }


for _first in "tTfF":
    _Resolver.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, (_TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")))


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _check_unique_keys(node: MappingNode) -> None:
    """Raises YAMLLimitError when a mapping, as written (before ``<<`` merges), repeats a key."""
    seen: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == _TAG + "merge":
            continue
        key = (key_node.tag, key_node.value)
        if key in seen:
            raise YAMLLimitError(
                f"duplicate key {shorten(repr(key_node.value), 60)} (line {_line(key_node)}; "
                f"first at line {seen[key]})"
            )
        seen[key] = _line(key_node)


class _Composer(Composer):
    """Counts depth, aliases and expanded nodes while composing; checks every tag."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YAMLLimitError(
                    f"more than {MAX_ALIASES} aliases (line {event.start_mark.line + 1}): "
                    "write the values out"
                )
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:
                raise YAMLLimitError(
                    f"alias *{event.anchor} (line {event.start_mark.line + 1}) refers to the "
                    "collection that contains it: a recursive structure is not allowed"
                )
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise YAMLLimitError(
                f"nested more than {MAX_DEPTH} levels deep (line {mark.line + 1})"
            )
        node = super().compose_node(parent, index)
        self._depth -= 1
        if node.tag not in ALLOWED_TAGS:
            tag = node.tag.replace(_TAG, "!!")
            raise YAMLLimitError(
                f"tag {shorten(tag, 40)} is not allowed (line {_line(node)}): only plain "
                "strings, numbers, booleans, null, lists and mappings"
            )
        if isinstance(node, MappingNode):
            _check_unique_keys(node)
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(self._sizes[id(c)] for c in node.value)
        elif isinstance(node, MappingNode):
            size += sum(self._sizes[id(k)] + self._sizes[id(v)] for k, v in node.value)
        if size > MAX_NODES:
            raise YAMLLimitError(
                f"more than {MAX_NODES} values once aliases are expanded (line {_line(node)}): "
                "an alias bomb, or far too large an input"
            )
        self._sizes[id(node)] = size
        return node


class _Loader(Reader, Scanner, Parser, _Composer, SafeConstructor, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Composer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)


def _yaml_message(exc: yaml.YAMLError) -> str:
    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
    return shorten(" ".join(ln.strip() for ln in lines[:6]), 300)


def load_yaml(text: str, source: str, error: type[ScenarioError] = ScenarioError) -> Any:
    """Returns the plain data of a YAML text, or raises ``error`` naming ``source``.

    Raises:
        error: the text is malformed, too large, too deep, an alias bomb, repeats a key or uses
            a tag other than the plain ones (the message says which, with the line).
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise error(f"{source}: larger than {MAX_BYTES} bytes")
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here
        return loader.get_single_data()
    except YAMLLimitError as exc:
        raise error(f"{source}: {exc}") from None
    except yaml.YAMLError as exc:
        raise error(f"{source}: {MALFORMED}: {_yaml_message(exc)}") from None
    except RecursionError:  # a safety net: MAX_DEPTH stops far earlier
        raise error(f"{source}: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_text_file(path: Path, error: type[ScenarioError] = ScenarioError,
                   missing: str = "file not found") -> str:
    """Returns the UTF-8 text of a file (size checked before it is read).

    Raises:
        error: the file is missing (message ``missing: path``), not a regular file, too large
            or not UTF-8.
    """
    try:
        if not path.is_file():
            raise error(f"{missing}: {shorten(str(path), 200)}")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise error(f"{path}: larger than {MAX_BYTES} bytes ({size} bytes)")
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return text


def read_yaml_file(path: Path, error: type[ScenarioError] = ScenarioError) -> Any:
    """Returns the plain data of a YAML file (size checked before it is read).

    Raises:
        error: the file is missing, not a regular file, too large, not UTF-8 or bad YAML.
    """
    return load_yaml(read_text_file(path, error), str(path), error)
