"""Frames with a caption and a legend (matplotlib, Agg): one renderer reused for every frame of
a snapshot series or an animation."""

from __future__ import annotations

from typing import Any

import numpy as np

from uprising.visual.lattice import (
    CATEGORIES,
    D_ACTIVE,
    D_COP,
    D_DEFECTOR,
    D_DESTROYED,
    D_EMPTY,
    D_JAILED,
    D_QUIET,
    D_TARGET,
    D_VIOLENT,
    display_codes,
    palette_rgb,
    site_models,
    site_names,
)

#: Frame size in pixels; both multiples of 16 so every MP4 encoder takes them unchanged.
FRAME_SIZE = (800, 560)
_DPI = 100


def legend_codes(scenario: Any) -> list[int]:
    """Returns the display codes a scenario can show (the legend leaves out the others)."""
    codes = [D_EMPTY, D_QUIET, D_ACTIVE]
    if getattr(scenario, "violence", None) is not None and scenario.violence.enabled:
        codes.append(D_VIOLENT)
    if scenario.rules.jailed == "stay_and_block":
        codes.append(D_JAILED)
    codes.append(D_COP)
    if getattr(scenario, "defection", None) is not None and scenario.defection.enabled:
        codes.append(D_DEFECTOR)
    violence = getattr(scenario, "violence", None)
    if violence is not None and violence.enabled and (violence.targets or violence.target_cells):
        codes += [D_TARGET, D_DESTROYED]
    return codes


def counts_line(model: Any, site: int | None) -> str:
    """Returns 'active 12 · quiet 900 · jailed 40 · cops 64' for the model (or one site)."""
    m = site_models(model)[site or 0]
    row = m.last_row() if hasattr(m, "last_row") else m.get_model_vars_dataframe().iloc[-1]
    parts = [f"{k} {int(row[k])}" for k in ("active", "quiet", "jailed", "cops") if k in row]
    if "violent" in row:
        parts.insert(1, f"violent {int(row['violent'])}")
    return " · ".join(parts)


class FrameRenderer:
    """Draws the lattice of one model (site) with a caption and a legend into RGB frames.

    Args:
        model: a model (``Model``, ``MultiSiteModel`` or ``InterGroupModel``).
        site: site index for several sites.
        title: first caption line (default: the scenario's name and the site).
        total_ticks: shown as 'tick t / total' when given.
    """

    def __init__(self, model: Any, site: int = 0, title: str | None = None,
                 total_ticks: int | None = None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch

        self.model = model
        self.site = site
        self.total_ticks = total_ticks
        sub = site_models(model)[site]
        names = site_names(model)
        self.title = title or (
            model.scenario.name + (f" · site {names[site]}" if names else "")
        )
        self.palette = palette_rgb()
        w, h = FRAME_SIZE
        self.fig = Figure(figsize=(w / _DPI, h / _DPI), dpi=_DPI, facecolor="white")
        FigureCanvasAgg(self.fig)
        ax = self.fig.add_axes((0.03, 0.04, 0.64, 0.80))
        ax.set_xticks([])
        ax.set_yticks([])
        codes = display_codes(model, site)
        self.image = ax.imshow(self.palette[codes], interpolation="nearest", origin="upper")
        for spine in ax.spines.values():
            spine.set_color("#555555")
        handles = [
            Patch(facecolor=CATEGORIES[c][2], edgecolor="#555555", label=CATEGORIES[c][1])
            for c in legend_codes(sub.scenario)
        ]
        self.fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.69, 0.45),
                        frameon=False, fontsize=13, title="cells", title_fontsize=13)
        self.caption = self.fig.text(0.03, 0.965, "", fontsize=15, weight="bold", va="top")
        self.sub = self.fig.text(0.03, 0.905, "", fontsize=12, va="top", color="#333333")

    def frame(self) -> np.ndarray:
        """Returns the current state as an (height, width, 3) uint8 RGB frame."""
        self.image.set_data(self.palette[display_codes(self.model, self.site)])
        tick = self.model.tick
        clock = f"tick {tick}" + (f" / {self.total_ticks}" if self.total_ticks else "")
        counts = counts_line(self.model, self.site)
        calendar = getattr(self.model.scenario, "clock", None)
        if calendar is not None:  # the local date and time at the end of the tick
            counts = f"{clock} · {counts}"
            clock = f"{calendar.datetime_of(tick):%d %b %Y %H:%M}"
        self.caption.set_text(f"{self.title} — {clock}")
        self.sub.set_text(counts)
        self.fig.canvas.draw()
        return np.asarray(self.fig.canvas.buffer_rgba())[..., :3].copy()
