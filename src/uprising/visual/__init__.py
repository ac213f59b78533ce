"""Seeing a run: the lattice as images (snapshots, GIF/MP4 animations) and agent states as a
tidy table. See docs/dashboard.md.

    from uprising.visual import snapshot, animate, record_agents
    snapshot("epstein2002-run1", [0, 50, 100], "frames/")
    animate("epstein2002-run1", "run1.mp4", ticks=60)
    agents = record_agents(uprising.Model("epstein2002-run1", rng=1), every=10, ticks=200)
"""

from uprising.visual.animate import animate, extract_frame
from uprising.visual.lattice import CATEGORIES, display_codes, palette_rgb
from uprising.visual.snapshot import record_agents, snapshot

__all__ = [
    "CATEGORIES",
    "animate",
    "display_codes",
    "extract_frame",
    "palette_rgb",
    "record_agents",
    "snapshot",
]
