"""Dotted field paths into plain scenario mappings: `police.density` is data["police"]["density"]"""

from __future__ import annotations

from typing import Any


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Sets the field at the dotted ``path`` of the mapping ``data`` to ``value``, in place.

    Missing or ``None`` sections on the way are created as empty mappings.

    Raises:
        ValueError: a step of the path holds a value that is not a section (a mapping).
    """
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = {}
            node[part] = child
        if not isinstance(child, dict):
            raise ValueError(f"{part!r} is not a section")
        node = child
    node[parts[-1]] = value
