"""Paired ensembles: every variant runs the same (posterior draw, seed) pairs, so an effect is
measured against a baseline run with the same parameters and the same random numbers.

Run ``(draw d, replicate r)`` of every variant gets the parameter values of draw ``d`` and the
streams of ``SeedSequence(seed, spawn_key=(RUN_STREAM, d, r))`` (common random numbers); the
choice of posterior rows uses ``spawn_key=(DRAW_STREAM,)``. Results are gathered by pair, so the
table is the same whatever the executor or the number of workers.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.counterfactual.variants import BASELINE, CompareError, Variant
from uprising.experiments.executors import open_executor
from uprising.experiments.progress import RunProgress
from uprising.scenario import preset_names
from uprising.scenario.errors import ScenarioError
from uprising.scenario.loader import PRESET_PACKAGE, raw_scenario, validate
from uprising.scenario.paths import set_path

#: ``run_case(case, values, overrides, seed) -> outcomes`` (``uprising.casestudy.simulate``).
RunCase = Callable[[str, dict[str, float], dict[str, Any], np.random.SeedSequence],
                   dict[str, float]]

RUN_STREAM, DRAW_STREAM, BOOT_STREAM = 0, 1, 2
#: Outcomes shown first, in this order; other numeric keys a run returns follow.
OUTCOMES = ("peak_participants", "days_to_order", "detentions", "deaths", "buildings_damaged",
            "regime_collapse")
#: 0/1 outcomes, compared as differences of proportions.
PROBABILITIES = frozenset({"regime_collapse"})
#: Most posterior draws and seeds per draw: 10 000 × 100 runs per variant is days of work.
MAX_DRAWS, MAX_SEEDS = 10_000, 100
#: Most runs in one comparison: every run is a pending future until it is done.
MAX_RUNS = 200_000
ID_COLUMNS = ("variant", "pair", "draw", "replicate")


def default_run_case() -> RunCase:
    """Returns the case simulator's ``run_case`` (``uprising.casestudy.simulate``)."""
    from uprising.casestudy.simulate import run_case

    return run_case


def posterior_directory(case: str) -> Path:
    """Returns the folder of the case's posterior files: beside its calibration file (see
    ``uprising.calibration.spec.spec_path``), else the presets folder."""
    try:
        from uprising.calibration.spec import spec_path
    except ImportError:
        return Path(str(resources.files(PRESET_PACKAGE)))
    return spec_path(case).parent


def posterior_draws(case: str, n: int, seed: int,
                    directory: str | Path | None = None) -> pd.DataFrame:
    """Returns ``n`` rows of the case's posterior (all of them if it holds fewer), chosen by a
    seeded permutation; numeric columns only, index 0..n-1. The posterior is read by
    ``uprising.calibration.posterior.load_posterior(case, directory)`` (default directory:
    ``posterior_directory(case)``).

    Raises:
        CompareError: no posterior for the case (the message says how to get one).
    """
    hint = (f"run `uprising calibrate {case}` first, or compare at a fixed point with "
            "--values NAME=VALUE")
    try:
        from uprising.calibration.posterior import load_posterior
    except ImportError:
        raise CompareError(f"no posterior for {case!r}: the calibration package cannot load "
                           f"posteriors yet; {hint}") from None
    folder = posterior_directory(case) if directory is None else Path(directory)
    try:
        table = load_posterior(case, folder)
    except (OSError, LookupError, ScenarioError) as exc:
        raise CompareError(f"no posterior for {case!r} ({exc}); {hint}") from None
    table = table.select_dtypes("number")
    if table.empty or table.shape[1] == 0:
        raise CompareError(f"the posterior of {case!r} holds no numeric draws; {hint}")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DRAW_STREAM,)))
    rows = rng.permutation(len(table))[:n]
    return table.iloc[np.sort(rows)].reset_index(drop=True).astype(float)


def fixed_draws(values: dict[str, float]) -> pd.DataFrame:
    """Returns a one-row table of fixed parameter values (``--values``)."""
    return pd.DataFrame([{k: float(v) for k, v in values.items()}], index=[0])


def check_overrides(case: str, variants: Sequence[Variant]) -> None:
    """Raises ScenarioError naming the field if a variant's overrides do not give a valid
    scenario; checked against the preset of the same name as the case, when there is one."""
    if case not in preset_names():
        return
    base = raw_scenario(case)
    for variant in variants:
        data = copy.deepcopy(base)
        for path, value in variant.overrides.items():
            try:
                set_path(data, path, value)
            except ValueError as exc:
                raise CompareError(f"variant {variant.name}: {path}: {exc}") from None
        validate(data, f"variant {variant.name}")


def run_seed(seed: int, draw: int, replicate: int) -> np.random.SeedSequence:
    """Returns the seed of run (draw, replicate), the same in every variant."""
    return np.random.SeedSequence(seed, spawn_key=(RUN_STREAM, draw, replicate))


def _one(run_case: RunCase, case: str, values: dict[str, float], overrides: dict[str, Any],
         seed: np.random.SeedSequence) -> dict[str, float]:
    out = run_case(case, values, overrides, seed)
    return {str(k): float(v) for k, v in out.items()
            if isinstance(v, bool | int | float | np.number | np.bool_)}


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """Returns the outcome columns of a runs table: the known ones in order, then the rest."""
    rest = [c for c in runs.columns if c not in ID_COLUMNS and c not in OUTCOMES]
    return [c for c in OUTCOMES if c in runs.columns] + sorted(rest)


def run_pairs(case: str, variants: Sequence[Variant], draws: pd.DataFrame, seeds: int,
              seed: int, run_case: RunCase, executor: Executor,
              progress: RunProgress | None = None) -> pd.DataFrame:
    """Returns one row per run: variant, pair, draw, replicate and the outcomes; the baseline
    first, then the variants, each over the same pairs (pair = draw × seeds + replicate)."""
    arms = [Variant(BASELINE), *variants]
    futures = {}
    for a, arm in enumerate(arms):
        for d in range(len(draws)):
            values = {str(k): float(v) for k, v in draws.iloc[d].items()}
            for r in range(seeds):
                future = executor.submit(_one, run_case, case, values, dict(arm.overrides),
                                         run_seed(seed, d, r))
                futures[future] = (a, d, r)
    results: dict[tuple[int, int, int], dict[str, float]] = {}
    for future in as_completed(futures):
        a, d, r = futures[future]
        try:
            results[(a, d, r)] = future.result()
        except ScenarioError as exc:
            raise CompareError(f"{arms[a].name}, draw {d}, seed {r}: {exc}") from None
        except Exception as exc:  # a simulator error: say which run it was
            exc.add_note(f"in the run of {arms[a].name}, draw {d}, seed {r}")
            raise
        if progress is not None:
            progress.advance(1)
    rows = [{"variant": arms[a].name, "pair": d * seeds + r, "draw": d, "replicate": r,
             **results[(a, d, r)]} for (a, d, r) in sorted(results)]
    runs = pd.DataFrame(rows)
    return runs[[*ID_COLUMNS, *outcome_columns(runs)]]


def run_ensemble(case: str, variants: Sequence[Variant], draws: pd.DataFrame, seeds: int = 1,
                 seed: int = 0, run_case: RunCase | None = None, workers: int = 1,
                 progress: bool = False) -> pd.DataFrame:
    """Returns the runs table of the baseline and every variant over paired draws and seeds,
    on ``workers`` processes (1: in this process); identical for any number of workers."""
    if not 1 <= len(draws) <= MAX_DRAWS:
        raise CompareError(f"draws: between 1 and {MAX_DRAWS} parameter draws (got {len(draws)})")
    if not 1 <= seeds <= MAX_SEEDS:
        raise CompareError(f"seeds: between 1 and {MAX_SEEDS} per draw (got {seeds})")
    total = (len(variants) + 1) * len(draws) * seeds
    if total > MAX_RUNS:
        raise CompareError(f"{total} runs (variants + baseline × draws × seeds): at most "
                           f"{MAX_RUNS} in one comparison; lower --draws or --seeds")
    run_case = run_case or default_run_case()
    with RunProgress(total, f"compare {case}", enabled=progress) as bar, \
            open_executor("processes" if workers > 1 else "serial", workers) as executor:
        return run_pairs(case, variants, draws, seeds, seed, run_case, executor, bar)
