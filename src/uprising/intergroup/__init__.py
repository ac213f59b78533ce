"""Epstein (2002) Model II: inter-group (ethnic) violence and peacekeeping.

Import ``uprising.intergroup.model.InterGroupModel`` for the model; ``schema`` holds the
scenario section and is imported by ``uprising.scenario.schema`` (so this package must not import
the scenario package at import time).
"""

from __future__ import annotations

from typing import Any

__all__ = ["InterGroup", "InterGroupModel"]


def __getattr__(name: str) -> Any:
    if name == "InterGroupModel":
        from uprising.intergroup.model import InterGroupModel

        return InterGroupModel
    if name == "InterGroup":
        from uprising.intergroup.schema import InterGroup

        return InterGroup
    raise AttributeError(name)
