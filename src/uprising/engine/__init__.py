"""Simulation engines: struct-of-arrays state and Numba kernels (micro rules only).

Every engine exposes a ``run_ticks`` kernel with the signature of
``uprising.engine.reference.run_ticks``; ``get_kernel(name)`` returns it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

ENGINE_MODULES = {
    "reference": "uprising.engine.reference",
    "fast": "uprising.engine.fast.scheduler",
}


def get_kernel(name: str) -> Callable[..., object]:
    """Returns the ``run_ticks`` kernel of the engine called ``name``."""
    if name not in ENGINE_MODULES:
        raise ValueError(f"unknown engine {name!r}; allowed: {', '.join(ENGINE_MODULES)}")
    return import_module(ENGINE_MODULES[name]).run_ticks
