"""The model function the experiment layer runs for a calibration: unit-cube point → statistics.

An experiment's function model receives only its swept values (here the unit coordinates of the
free parameters) and a SeedSequence. What else a run needs — the case simulator, the case, the
priors and the structural alternative — travels in the model reference itself:
``uprising.calibration.simulator:simulate_unit_<token>``, where the token is the URL-safe
base64 of that context as JSON. Any worker (a process, a Dask node) imports the reference and
gets the same function; the experiment's fingerprint, hence the store, changes with the context.
"""

from __future__ import annotations

import base64
import functools
import json
import math
from typing import Any

import numpy as np

from uprising.calibration.prior import Prior
from uprising.calibration.spec import CalibrationError, CalibrationSpec
from uprising.experiments.design import ModelFunction, import_model

PREFIX = "simulate_unit_"


def context(spec: CalibrationSpec, structural: str | None = None) -> dict[str, Any]:
    """Returns what a run needs besides its unit point: simulator, case, priors, alternative."""
    alt = spec.alternative(structural)
    prior = Prior.from_spec(spec)
    return {
        "simulator": spec.simulator,
        "case": spec.case,
        "prior": [list(row) for row in zip(prior.names, prior.log, prior.low, prior.high,
                                           strict=True)],
        "structural": alt.name if alt else None,
        "overrides": dict(alt.overrides) if alt else {},
    }


def model_reference(spec: CalibrationSpec, structural: str | None = None) -> str:
    """Returns the experiment ``model`` reference that runs this calibration's simulator."""
    text = json.dumps(context(spec, structural), sort_keys=True, separators=(",", ":"))
    token = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"{__name__}:{PREFIX}{token}"


def _decode(token: str) -> dict[str, Any]:
    padded = token + "=" * (-len(token) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))


def _prior(ctx: dict[str, Any]) -> Prior:
    names, log, low, high = zip(*ctx["prior"], strict=True)
    return Prior(tuple(names), tuple(bool(v) for v in log), tuple(low), tuple(high))


def case_params(ctx: dict[str, Any], theta: dict[str, float]) -> dict[str, Any]:
    """Returns the simulator's ``params``: case, θ, and the alternative's name and overrides."""
    params: dict[str, Any] = {"case": ctx["case"], **theta}
    if ctx.get("structural"):
        params["structural"] = ctx["structural"]
        params.update(ctx.get("overrides") or {})
    return params


def _statistics(out: Any, reference: str) -> dict[str, float]:
    if not isinstance(out, dict):
        raise TypeError(f"simulator {reference} returned {type(out).__name__}, expected a dict")
    stats = {}
    for key, value in out.items():
        try:
            stats[str(key)] = float(value)
        except (TypeError, ValueError):
            stats[str(key)] = math.nan  # a statistic that failed; the row is dropped later
    return stats


def simulate_theta(ctx: dict[str, Any], theta: dict[str, float],
                   seed: np.random.SeedSequence) -> dict[str, float]:
    """Returns the statistics of one run of the case simulator at θ (a {name: value} dict)."""
    fn: ModelFunction = import_model(ctx["simulator"])
    return _statistics(fn(case_params(ctx, theta), seed), ctx["simulator"])


def simulate_unit(params: dict[str, Any], seed: np.random.SeedSequence,
                  ctx: dict[str, Any]) -> dict[str, float]:
    """Returns the statistics of one run at the unit-cube point ``params`` ({name: u})."""
    prior = _prior(ctx)
    missing = [n for n in prior.names if n not in params]
    if missing:
        raise CalibrationError(f"unit point lacks {missing}")
    unit = np.array([float(params[n]) for n in prior.names])
    theta = prior.as_dict(prior.to_theta(unit))
    return simulate_theta(ctx, theta, seed)


@functools.lru_cache(maxsize=16)
def _bound(token: str) -> ModelFunction:
    try:
        ctx = _decode(token)
    except ValueError as exc:
        raise AttributeError(f"{PREFIX}{token[:20]}…: not a calibration context ({exc})") from None
    return functools.partial(simulate_unit, ctx=ctx)


def __getattr__(name: str) -> ModelFunction:
    """Returns the model function of a ``simulate_unit_<token>`` reference."""
    if name.startswith(PREFIX):
        return _bound(name[len(PREFIX):])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
