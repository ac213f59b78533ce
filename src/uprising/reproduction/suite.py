"""The experiments of the Epstein (2002) reproduction (epstein_spec.md §6.3–6.5) as tasks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from uprising.reproduction.runner import Task

SWEEP_DENSITIES = tuple(round(float(d), 3) for d in np.arange(0.0, 0.1001, 0.002))
SWEEP_CAP = 15_000  # the paper's cap on cycles for Figs. 15-17
MODEL2_CAP = 5_000  # ticks for Run 8 and the peacekeeper run
JAIL_TERMS = (5, 10, 15, 30, 45, 60, 90)

#: Run 2 inputs (v = 7, L = 0.82, J_max = 30, cops 0.04) under NetLogo's and Mesa's rule sets.
MESA_AT_RUN2 = ("population.legitimacy=0.82", "police.density=0.04", "jail.max_term=30")


@dataclass(frozen=True)
class Experiment:
    """One experiment: a preset, overrides, and which seeds keep series or tension."""

    id: str
    scenario: str
    overrides: tuple[str, ...] = ()
    label: str = ""
    series: bool = True  # keep seed 0's time series
    tension: bool = False  # record tension for seed 0
    deception: bool = False  # count switches against cop movements (every seed)
    point: float = math.nan


def _run2(id_: str, label: str, *extra: str, tension: bool = False) -> Experiment:
    return Experiment(id_, "epstein2002-run2", ("ticks=3000", *extra), label, tension=tension)


#: Rule variants measured at Run 2's inputs (the waiting-time/activation tension).
RUN2_VARIANTS: tuple[Experiment, ...] = (
    _run2("run2-floor", "floor (NetLogo/ndouglas ratio, paper otherwise)", tension=True),
    _run2("run2-literal", "literal C/A (paper)", "rules.arrest_ratio=literal"),
    _run2("run2-round", "round half-even (Mesa ratio, paper otherwise)",
          "rules.arrest_ratio=round_half_even"),
    Experiment("run2-netlogo", "netlogo-rebellion", ("ticks=3000",),
               "NetLogo rule set (floor, self twice, cop steps to arrestee, jailed stay)"),
    Experiment("run2-mesa", "mesa-example", ("ticks=3000", *MESA_AT_RUN2),
               "Mesa rule set (von Neumann, round, act then move, jailed block)"),
    _run2("run2-literal-L0.45", "literal C/A at L = 0.45", "rules.arrest_ratio=literal",
          "population.legitimacy=0.45"),
    _run2("run2-literal-L0.40", "literal C/A at L = 0.40", "rules.arrest_ratio=literal",
          "population.legitimacy=0.40"),
)


def experiments() -> list[Experiment]:
    """Returns every experiment of the suite (the cop sweep as one experiment per density)."""
    out: list[Experiment] = [
        Experiment("run1", "epstein2002-run1", label="Run 1 (floor)", deception=True),
        Experiment("run1-literal", "epstein2002-run1", ("rules.arrest_ratio=literal",),
                   "Run 1, literal ratio", series=False, deception=True),
    ]
    out += RUN2_VARIANTS
    out.append(_run2("run2-no-movement", "floor, citizens immobile (cops move)",
                     "rules.movement=false"))
    out.append(_run2("run2-no-movement-at-all", "floor, citizens and cops immobile",
                     "rules.movement=false", "rules.cops_move_when_movement_off=false"))
    for j in JAIL_TERMS:
        if j != 30:
            out.append(_run2(f"jail-{j}", f"floor, J_max = {j}", f"jail.max_term={j}"))
    out += [
        Experiment("run3-salami", "epstein2002-run3", label="Run 3: salami"),
        Experiment("run4-jump", "epstein2002-run4", label="Run 4: one jump"),
        Experiment("run3-salami-literal", "epstein2002-run3", ("rules.arrest_ratio=literal",),
                   "Run 3, literal ratio", series=False),
        Experiment("run4-jump-literal", "epstein2002-run4", ("rules.arrest_ratio=literal",),
                   "Run 4, literal ratio", series=False),
        Experiment("run5-floor", "epstein2002-run5", label="Run 5, floor"),
        Experiment("run5-literal", "epstein2002-run5", ("rules.arrest_ratio=literal",),
                   "Run 5, literal"),
        Experiment("run6", "epstein2002-run6", label="Run 6"),
        Experiment("run7", "epstein2002-run7", label="Run 7"),
        Experiment("run8", "epstein2002-run8", (f"ticks={MODEL2_CAP}",), "Run 8"),
        Experiment("peacekeepers", "epstein2002-peacekeepers", (f"ticks={MODEL2_CAP}",),
                   "peacekeepers 0.04 at t = 50"),
    ]
    for d in SWEEP_DENSITIES:
        out.append(
            Experiment("copsweep", "epstein2002-run7",
                       (f"police.density={d}", f"ticks={SWEEP_CAP}"),
                       "cop-density sweep", series=False, point=d)
        )
    return out


def build_tasks(n_seeds: int, root: int = 2002) -> list[Task]:
    """Returns one task per experiment and seed (seeds 0 .. n_seeds − 1)."""
    tasks = []
    for exp in experiments():
        for i in range(n_seeds):
            tasks.append(
                Task(
                    experiment=exp.id,
                    scenario=exp.scenario,
                    overrides=exp.overrides,
                    replicate=i,
                    root=root,
                    keep_series=exp.series and i == 0,
                    tension=exp.tension and i == 0,
                    deception=exp.deception,
                    point=exp.point,
                )
            )
    return tasks


def labels() -> dict[str, str]:
    """Returns {experiment id: human label}."""
    return {e.id: e.label for e in experiments()}
