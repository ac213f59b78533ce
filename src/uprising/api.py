"""Functional entry points for experiment tools (EMA Workbench, SALib, pyabc).

``make_model`` (from ``uprising.simulation``) picks the model class of a scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from uprising.results import RunResult, combine
from uprising.scenario import Scenario, load_scenario
from uprising.simulation import make_model
from uprising.simulation.seeds import SeedLike


def params_to_overrides(params: dict[str, Any]) -> list[str]:
    """Returns ``path=value`` override strings for a flat {dotted.path: value} mapping."""
    return [f"{k}={v}" for k, v in params.items()]


def run_scenario(
    scenario: str | Path | Scenario | dict[str, Any] = "epstein2002-run2",
    *,
    seed: int | None = None,
    replicate: int = 0,
    ticks: int | None = None,
    overrides: list[str] | None = None,
) -> RunResult:
    """Returns the RunResult of one run.

    The run's random streams come from ``SeedSequence(seed, spawn_key=(replicate,))``, with
    ``seed`` defaulting to the scenario's own.
    """
    sc = load_scenario(scenario, overrides)
    if ticks is not None:
        sc = load_scenario(sc, [f"ticks={ticks}"])
    model = make_model(sc, rng=sc.seed if seed is None else seed, replicate=replicate)
    model.run()
    return model.result()


def run_replicates(
    scenario: str | Path | Scenario | dict[str, Any],
    replicates: int,
    *,
    seed: int | None = None,
    ticks: int | None = None,
    overrides: list[str] | None = None,
) -> RunResult:
    """Returns one RunResult holding ``replicates`` runs (replicate = 0 .. replicates−1)."""
    runs = [
        run_scenario(scenario, seed=seed, replicate=r, ticks=ticks, overrides=overrides)
        for r in range(replicates)
    ]
    return combine(runs)


def simulate(params: dict[str, Any], rng: SeedLike = None, **kwargs: Any) -> dict[str, Any]:
    """Returns the summary statistics of one run of ``params``.

    ``params`` is flat: ``{"scenario": "epstein2002-run2", "population.legitimacy": 0.8,
    "ticks": 500}``; every key but ``scenario`` is a dotted scenario path. ``rng`` is a seed,
    SeedSequence or Generator. Suited to EMA Workbench, SALib and pyabc model functions.
    """
    params = dict(params)
    params.update(kwargs)
    base = params.pop("scenario", "epstein2002-run2")
    sc = load_scenario(base, params_to_overrides(params))
    model = make_model(sc, rng=sc.seed if rng is None else rng)
    model.run()
    return model.result().summary
