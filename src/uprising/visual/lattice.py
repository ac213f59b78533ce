"""What a lattice cell shows: display categories, the colour-blind-safe palette, and the
per-frame image of a model's lattice (read-only access to the model's state arrays).

Display categories refine the engine's cell codes (``uprising.engine.lattice``): an active
citizen flagged violent, a cop who defected (the engine gives defectors a citizen's code) and a
destroyed target building are shown apart. Colours are the Okabe–Ito palette (Okabe & Ito 2008),
distinguishable with every common colour-vision deficiency.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from uprising.engine.codes import (
    ACTIVE,
    COP,
    EMPTY,
    F_VIOLENT,
    JAILED,
    K_DEFECTOR,
    QUIET,
    TARGET,
)

#: (display code, label, hex colour), in legend order. Okabe–Ito colours.
CATEGORIES: tuple[tuple[int, str, str], ...] = (
    (0, "empty", "#ffffff"),
    (1, "quiet", "#56b4e9"),
    (2, "active", "#e69f00"),
    (3, "violent", "#d55e00"),
    (4, "jailed (held in place)", "#999999"),
    (5, "cop", "#000000"),
    (6, "defected cop", "#cc79a7"),
    (7, "target", "#009e73"),
    (8, "target destroyed", "#f0e442"),
)
D_EMPTY, D_QUIET, D_ACTIVE, D_VIOLENT, D_JAILED, D_COP, D_DEFECTOR, D_TARGET, D_DESTROYED = range(9)

#: Engine cell code -> display code (codes the engine does not use map to empty).
_LUT = np.zeros(256, dtype=np.uint8)
_LUT[EMPTY], _LUT[QUIET], _LUT[ACTIVE], _LUT[JAILED], _LUT[COP] = (
    D_EMPTY, D_QUIET, D_ACTIVE, D_JAILED, D_COP,
)
_LUT[TARGET] = D_TARGET



def palette_rgb() -> np.ndarray:
    """Returns the (n, 3) uint8 RGB colour of each display code."""
    return np.array(
        [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, _, c in CATEGORIES], dtype=np.uint8
    )


def site_models(model: Any) -> list[Any]:
    """Returns the single-lattice models behind ``model`` (one per site for several sites)."""
    return list(getattr(model, "models", None) or [model])


def site_names(model: Any) -> list[str]:
    """Returns the site names of a multi-site model, [] for a single lattice."""
    return list(getattr(model, "names", []) if getattr(model, "models", None) else [])


def world_shape(model: Any, site: int = 0) -> tuple[int, int]:
    """Returns (width, height) of the lattice of ``site``."""
    sc = site_models(model)[site].scenario
    return sc.world.width, sc.world.height


def display_codes(model: Any, site: int = 0) -> np.ndarray:
    """Returns the (height, width) uint8 display codes of the lattice now (see CATEGORIES).

    Works for ``Model``, ``MultiSiteModel`` (lattice of ``site``) and Model II's
    ``InterGroupModel``; it only reads the model's arrays.
    """
    m = site_models(model)[site]
    width, height = world_shape(model, site)
    st = getattr(m, "state", None)
    if isinstance(st, np.ndarray):  # InterGroupModel: per-agent states, the lattice on itself
        return _LUT[m.code.view(np.uint8)].reshape(height, width)
    code = st.code
    out = _LUT[code.view(np.uint8)]
    if hasattr(st, "flags"):
        occ = st.occupant
        active = np.flatnonzero(code == ACTIVE)
        if active.size and (st.flags & F_VIOLENT).any():
            out[active[(st.flags[occ[active]] & F_VIOLENT) != 0]] = D_VIOLENT
        if (st.kind == K_DEFECTOR).any():
            held = np.flatnonzero(occ >= 0)
            out[held[st.kind[occ[held]] == K_DEFECTOR]] = D_DEFECTOR
        if st.damage.size:
            cells = np.flatnonzero(st.target_index >= 0)
            out[cells[st.damage[st.target_index[cells]] >= 1.0]] = D_DESTROYED
    return out.reshape(height, width)


def category_counts(codes: np.ndarray) -> dict[str, int]:
    """Returns the number of cells of each display category."""
    counts = np.bincount(codes.ravel(), minlength=len(CATEGORIES))
    return {label: int(counts[c]) for c, label, _ in CATEGORIES}
