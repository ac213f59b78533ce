"""Statistical equivalence of the ``mesa-example`` preset with Mesa 3.3.1's own example (slow).

Design (fixed, so the outcome is deterministic for given package versions):

* Mesa's app regime (cops 0.04, L 0.82, J_max 30; everything else model.py defaults), 40×40.
* 30 Mesa seeds (1..30) and 30 uprising seeds (1..30), 100 steps each; statistics over steps
  1..100 (Mesa's initial DataCollector row and our tick 0 are excluded on both sides):
  mean active, peak active, fraction of steps with more than 10 active, mean jailed (Mesa's
  ARRESTED count).
* Pass: two-sample KS p > 0.01 for each of the four statistics. Why 0.01: four correlated tests,
  so if the two models are the same the chance that any p falls below 0.01 is at most about 4 %
  (Bonferroni) for a given engine version. A stricter level would cost power; at this level the
  negative control below (NetLogo's floor rule instead of Mesa's round half to even) is rejected
  with p around 1e-10. KS p-values are conservative here because the statistics are discrete.
* Power is limited: at 30 × 100 the comparison detects the arrest-ratio rounding, the move/act
  order and the neighbourhood shape, but not the jail-term range (0..J vs 1..J) or the countdown
  point. The 40-seed × 200-step run in ``benchmarks/mesa_equivalence.py`` is the fuller check.

Mesa takes ≈ 40–80 ms per step here, so this module runs for about 2–4 minutes.
Run with ``pytest -m slow tests/test_mesa_equivalence.py``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.mesa]

pytest.importorskip("mesa")
pytest.importorskip("networkx")  # importing mesa.examples imports an example that needs it
pytest.importorskip("scipy")

SEEDS = range(1, 31)
STEPS = 100
REGIME = "app"
ALPHA = 0.01


def _load_benchmark_module():
    folder = Path(__file__).resolve().parents[1] / "benchmarks"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))  # the script imports its sibling modules by name
    return importlib.import_module("mesa_equivalence")


eq = _load_benchmark_module()


def _uprising_stats(extra_overrides: list[str]) -> list[dict[str, float]]:
    import uprising

    out = []
    for seed in SEEDS:
        model = uprising.Model(
            "mesa-example", rng=seed, overrides=eq.uprising_overrides(REGIME) + extra_overrides
        )
        model.run(STEPS)
        df = model.get_model_vars_dataframe()
        assert len(df) == STEPS + 1 and df["tick"].iloc[0] == 0
        out.append(eq.run_statistics(df["active"].to_numpy()[1:], df["jailed"].to_numpy()[1:]))
    return out


@pytest.fixture(scope="module")
def mesa_stats() -> list[dict[str, float]]:
    out = []
    for seed in SEEDS:
        run = eq.run_mesa(REGIME, seed, STEPS)
        assert len(run["active"]) == STEPS  # initial row dropped, one row per step
        out.append(eq.run_statistics(run["active"], run["jailed"]))
    return out


def test_overrides_reproduce_mesa_parameters() -> None:
    import uprising

    sc = uprising.load_scenario("mesa-example", eq.uprising_overrides(REGIME))
    kw = eq.mesa_kwargs(REGIME)
    assert (sc.world.width, sc.world.height) == (kw["width"], kw["height"])
    assert sc.population.density == kw["citizen_density"]
    assert sc.police.density == kw["cop_density"]
    assert sc.population.legitimacy == kw["legitimacy"]
    assert sc.jail.max_term == kw["max_jail_term"]
    assert sc.population.threshold == kw["active_threshold"]
    assert sc.police.k == kw["arrest_prob_constant"]
    assert sc.population.vision == kw["citizen_vision"]
    assert sc.police.vision == kw["cop_vision"]
    assert sc.rules.movement is kw["movement"]


def test_mesa_example_matches_mesa_app_regime(mesa_stats) -> None:
    ours = _uprising_stats([])
    result = eq.compare(ours, mesa_stats)
    table = eq.format_table({REGIME: result})
    print(f"\nuprising vs Mesa, {REGIME} regime, seeds 1..30 each, steps 1..{STEPS}\n{table}")
    for stat, r in result.items():
        assert r["ks_p"] > ALPHA, f"{stat} differs from Mesa (KS p = {r['ks_p']:.2g})\n{table}"


def test_comparison_rejects_a_wrong_arrest_rule(mesa_stats) -> None:
    """Negative control: the same comparison must reject NetLogo's floor rule."""
    wrong = _uprising_stats(["rules.arrest_ratio=floor"])
    result = eq.compare(wrong, mesa_stats)
    smallest = min(r["ks_p"] for r in result.values())
    table = eq.format_table({REGIME: result})
    print(f"\nuprising with rules.arrest_ratio=floor vs Mesa (negative control)\n{table}")
    assert smallest < ALPHA, table
