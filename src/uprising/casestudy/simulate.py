"""The case simulator: one national run of a case at given free-parameter values, reduced to
statistics (calibration), outcomes (counterfactuals) or daily series (report).

``simulate`` is an experiment-layer model function (``f(params, seed) -> metrics``):
``params`` holds ``case`` (a preset name), the free parameters by name
(``casestudy.parameters``), and optionally ``structural`` (a named alternative of the case's
calibration file, given as dotted overrides).
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pandas as pd

from uprising.casestudy.cases import case_spec
from uprising.casestudy.observables import (
    NATIONAL,
    check_lag,
    daily_national,
    delay_detentions,
    observe,
    outcomes,
    regions_with_protest,
    statistics,
)
from uprising.casestudy.parameters import apply_values, region_effects
from uprising.scenario.loader import raw_scenario, validate
from uprising.scenario.paths import set_path
from uprising.scenario.schema import Scenario
from uprising.simulation.national import NationalModel
from uprising.simulation.seeds import (
    STREAM_CASE_EFFECTS,
    STREAM_QUIET_START,
    child,
    generator,
    seed_sequence,
)

#: Keys of ``params`` that are not free parameters.
RESERVED = ("case", "structural")


def build(case: str, values: dict[str, float], overrides: dict[str, Any] | None = None,
          seed: np.random.SeedSequence | int | None = None) -> NationalModel:
    """Returns the (unrun) national model of ``case`` at ``values`` with dotted ``overrides``
    (values as YAML would give them, e.g. ``{"national.contingent.enabled": False}``).

    Overrides are applied first, the free parameters' values last: an override cannot change a
    fitted value, and a variant that replaces ``national.regions`` keeps the fitted regional
    legitimacy and shock."""
    data = copy.deepcopy(raw_scenario(case_spec(case).preset))
    for path, value in (overrides or {}).items():
        set_path(data, path, value)
    values = dict(values)
    spread = values.pop("region_spread", None)
    data = apply_values(data, values)
    if spread is not None:  # regional random effects, drawn from the run's own seed
        ss = seed_sequence(seed, int(data.get("seed", Scenario.model_fields["seed"].default)))
        data = region_effects(data, float(spread), generator(ss, STREAM_CASE_EFFECTS))
        seed = ss
    return NationalModel(validate(data, case), rng=seed)


def start_quiet(case: str, values: dict[str, float], overrides: dict[str, Any] | None = None,
                seed: np.random.SeedSequence | int | None = None) -> NationalModel:
    """Returns the model of ``case`` (``build``) after its burn-in, conditioned on the
    record's initial state: a country with no region in protest.

    With ``quiet_start`` k > 0 in the case's spec, a burn-in that ends with protest
    (the case's ``_protest_people`` or more in a region) is drawn again, on the seed
    ``child(root, STREAM_QUIET_START + j)`` of the run's root for the j-th redraw, up to k draws
    in all; the first draw is the run's own seed (a run that starts quiet is unchanged). A
    point with no quiet start in k draws keeps its last draw. With k = 0, or no burn-in, the
    model is returned as built, before its burn-in. ``model.burn_in_draws`` counts the draws.
    """
    spec = case_spec(case)
    model = build(case, values, overrides, seed)
    if spec.quiet_start <= 0 or model.burn_in == 0:
        return model
    protest = float(spec.statistics["_protest_people"])
    root = model.seed_sequence
    for j in range(spec.quiet_start):
        if j:
            model = build(case, values, overrides, child(root, STREAM_QUIET_START + j))
            model.burn_in_draws = j + 1
        model.run(model.burn_in)
        if not (model.participants_people() >= protest).any():
            break
    return model


def run_observed(case: str, values: dict[str, float],
                 overrides: dict[str, Any] | None = None,
                 seed: np.random.SeedSequence | int | None = None,
                 ) -> tuple[NationalModel, pd.DataFrame]:
    """Runs one national run of ``case`` and returns (the model, its daily table seen through
    the observation model: ``observables.delay_detentions`` and ``observables.observe``;
    ``values`` may hold ``detention_lag`` and ``detention_reporting``)."""
    values = dict(values)
    reporting = float(values.pop("detention_reporting", 1.0))
    lag = check_lag(float(values.pop("detention_lag", 0.0)))  # before the run, not after
    m = start_quiet(case, values, overrides, seed)
    m.run()
    ts = m.get_model_vars_dataframe()
    daily = observe(delay_detentions(daily_national(ts, m.clock.hours_per_tick), ts, lag),
                    reporting)
    daily.attrs["burn_in_draws"] = m.burn_in_draws  # for ``first_burn_in_quiet``
    return m, daily


def run_daily(case: str, values: dict[str, float], overrides: dict[str, Any] | None = None,
              seed: np.random.SeedSequence | int | None = None) -> pd.DataFrame:
    """Returns the observed daily table (``run_observed``) of one run."""
    return run_observed(case, values, overrides, seed)[1]


def simulate(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, float]:
    """Returns the case's summary statistics of one run (experiment-layer model function)."""
    case = str(params["case"])
    spec = case_spec(case)
    values = {k: float(v) for k, v in params.items() if k not in RESERVED and "." not in k}
    overrides = {k: v for k, v in params.items() if "." in k}  # a structural alternative's
    if not overrides:
        overrides = spec.structural.get(str(params.get("structural") or ""), {})
    daily = run_daily(case, values, overrides, seed)
    return statistics(daily, spec.statistics)


def run_case(case: str, values: dict[str, float], overrides: dict[str, Any],
             seed: np.random.SeedSequence | int | None) -> dict[str, float]:
    """Returns the outcomes (``observables.outcomes``) and statistics of one run."""
    daily = run_daily(case, values, overrides, seed)
    out = outcomes(daily)
    out.update(statistics(daily, case_spec(case).statistics))
    return out


def run_case_series(case: str, values: dict[str, float], overrides: dict[str, Any],
                    seed: np.random.SeedSequence | int | None) -> pd.DataFrame:
    """Returns the daily table of one run (regions and ``national``) with ``day`` (0 = the
    first day) and, on national rows, ``regions_with_protest``."""
    daily = run_daily(case, values, overrides, seed)
    first = daily["date"].min()
    daily.insert(1, "day", [(d - first).days for d in daily["date"]])
    counts = regions_with_protest(daily, float(case_spec(case).statistics["_protest_people"]))
    nat = daily["region"] == NATIONAL
    daily.loc[nat, "regions_with_protest"] = daily.loc[nat, "date"].map(counts).to_numpy()
    return daily


def observed_statistics(case: str) -> dict[str, float]:
    """Returns the observed values of the case's statistics (NaN where the record is silent)."""
    spec = case_spec(case)
    return {k: (v if v is not None else math.nan) for k, v in spec.observed().items()}
