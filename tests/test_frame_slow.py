"""Seeded statistical checks of the national frame (slow; the full 50-seed runs are
validation/national_diffusion.py and its committed output).

Scenario: kazakhstan-demo, trigger in Mangystau only, its actors, blackouts and curfews off,
5 days; 20 seeds (replicates 0–19). Tolerances: p < 0.01 for ρ > 0; ≥ 95 % calm seeds with the
network off; a paired 95 % CI of the blackout effect excluding 0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from uprising.scenario import load_scenario
from uprising.simulation.factory import make_model
from uprising.simulation.network import distances_km

BASE = ["national.blackouts=[]", "national.curfews=[]", "national.emergencies=[]",
        "national.emergency_rule.enabled=false", "national.contingent.enabled=false",
        "national.contingent.at=null", "clock.days=5"]
SEEDS = range(20)


def _onsets(overrides: list[str], seed: int):
    m = make_model(load_scenario("kazakhstan-demo", overrides), replicate=seed).run()
    s = m.result().summary
    censor = m.scenario.ticks - m.burn_in + 1
    return m, {n: (s[f"{n}.onset_tick"] if math.isfinite(s[f"{n}.onset_tick"]) else censor)
               for n in m.names if n != "mangystau"}


@pytest.mark.slow
def test_diffusion_network_off_and_blackout() -> None:
    on = [_onsets(BASE, s) for s in SEEDS]
    m = on[0][0]
    dist = dict(zip(m.names, distances_km(m.data)[m.names.index("mangystau")], strict=True))
    x = [dist[n] for _, o in on for n in o]
    y = [o[n] for _, o in on for n in o]
    rho, p = stats.spearmanr(x, y)
    assert rho > 0 and p < 0.01
    off = [_onsets([*BASE, "national.network.enabled=false"], s) for s in SEEDS]
    censor = m.scenario.ticks - m.burn_in + 1
    calm = [all(v == censor for v in o.values()) for _, o in off]
    assert np.mean(calm) >= 0.95
    cut = [*BASE, "national.blackouts=[{start: 2022-01-02T00:00, end: 2022-01-07T00:00, "
                  "media: 0.0}]"]
    bl = [_onsets(cut, s) for s in SEEDS]
    diff = np.array([np.mean(list(b.values())) - np.mean(list(a.values()))
                     for (_, a), (_, b) in zip(on, bl, strict=True)])
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
    assert diff.mean() - half > 0  # the blackout delays onsets
