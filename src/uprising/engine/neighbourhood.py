"""Vision neighbourhoods as lists of (dx, dy) offsets."""

from __future__ import annotations

import math

import numpy as np

SHAPES = ("euclidean", "von_neumann", "moore", "cross")


def offsets(shape: str, radius: float, include_center: bool = False) -> np.ndarray:
    """Returns an int32 array (n, 2) of (dx, dy) offsets of the sites seen within ``radius``.

    euclidean: dx² + dy² ≤ radius² (radius 1.7 gives the 8 Moore neighbours);
    von_neumann: |dx| + |dy| ≤ ⌊radius⌋; moore: max(|dx|, |dy|) ≤ ⌊radius⌋;
    cross: dx = 0 or dy = 0, within ⌊radius⌋ (the paper's "north, south, east and west").
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown neighbourhood shape {shape!r}; allowed: {', '.join(SHAPES)}")
    r = math.floor(radius)
    out = []
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dx == 0 and dy == 0:
                if include_center:
                    out.append((0, 0))
                continue
            if shape == "euclidean":
                inside = dx * dx + dy * dy <= radius * radius + 1e-9
            elif shape == "von_neumann":
                inside = abs(dx) + abs(dy) <= r
            elif shape == "moore":
                inside = True
            else:
                inside = dx == 0 or dy == 0
            if inside:
                out.append((dx, dy))
    return np.asarray(out, dtype=np.int32).reshape(-1, 2)


def cells_in_view(
    x: int, y: int, offs: np.ndarray, width: int, height: int, torus: bool
) -> list[tuple[int, int]]:
    """Returns the lattice cells seen from (x, y), wrapping on a torus, clipped otherwise."""
    seen = []
    for dx, dy in offs:
        nx, ny = x + int(dx), y + int(dy)
        if torus:
            nx %= width
            ny %= height
        elif not (0 <= nx < width and 0 <= ny < height):
            continue
        seen.append((nx, ny))
    return seen
