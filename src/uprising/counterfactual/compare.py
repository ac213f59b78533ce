"""One call for a whole comparison: draws, paired ensemble, effects (used by the command and
by the report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from uprising.counterfactual.effects import effects_table
from uprising.counterfactual.ensemble import (
    RunCase,
    check_overrides,
    fixed_draws,
    posterior_draws,
    run_ensemble,
)
from uprising.counterfactual.figure import forest_plot
from uprising.counterfactual.variants import Variant

DEFAULT_DRAWS, DEFAULT_SEEDS, DEFAULT_BOOT = 25, 2, 2000


@dataclass
class Comparison:
    """The runs (one row per variant and pair), the effects table and what produced them."""

    runs: pd.DataFrame
    effects: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def figure(self) -> Figure:
        """Returns the forest plot of the effects."""
        return forest_plot(self.effects)


def compare(case: str, variants: Sequence[Variant], *, draws: int = DEFAULT_DRAWS,
            seeds: int = DEFAULT_SEEDS, values: dict[str, float] | None = None, seed: int = 0,
            workers: int = 1, n_boot: int = DEFAULT_BOOT, level: float = 0.95,
            run_case: RunCase | None = None, progress: bool = False,
            posterior_dir: str | Path | None = None) -> Comparison:
    """Returns the comparison of ``variants`` with the unchanged case.

    Parameter values come from ``draws`` rows of the case's posterior
    (``uprising.calibration.posterior.load_posterior``, files in ``posterior_dir``, default
    beside the case's calibration file), or, with ``values``, from that one
    fixed point (the case's defaults fill the names not given). Each draw runs ``seeds``
    times; draw and seed are shared by all variants (paired runs).

    Raises:
        CompareError: no posterior and no ``values``, invalid overrides, bad counts.
    """
    check_overrides(case, variants)
    table = (fixed_draws(values) if values is not None
             else posterior_draws(case, draws, seed, posterior_dir))
    runs = run_ensemble(case, variants, table, seeds, seed, run_case, workers, progress)
    effects = effects_table(runs, seed, n_boot, level)
    metadata = {
        "case": case, "seed": seed, "draws": len(table), "seeds_per_draw": seeds,
        "pairs": len(table) * seeds, "bootstrap": n_boot, "level": level,
        "values": "fixed point (--values)" if values is not None else "posterior draws",
        "fixed_values": values or {},
        "variants": [{"name": v.name, "description": v.description,
                      "overrides": v.overrides} for v in variants],
        "pairing": "run (draw d, seed r) uses draw d's values and SeedSequence(seed, "
                   "spawn_key=(0, d, r)) in every variant",
    }
    return Comparison(runs, effects, metadata)
