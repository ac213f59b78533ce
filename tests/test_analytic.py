"""Analytic checks of the reference engine (epstein_spec.md §1.3 'Eligible fraction', §6.2).

With H, R ~ U(0, 1) independent and a fixed arrest probability P, the expected share of
citizens with G − R·P > T, G = H(1 − L), is

    f(L, P) = ∫₀¹ max(0, 1 − (T + R·P)/(1 − L)) dR,

which is 1 − T/(1 − L) at P = 0. Two ways to fix P for everybody:

* no cops (police.density = 0): C = 0 so P = 0 under every rule;
* a hand-built static world where every citizen sees exactly C cops and no other citizen,
  the cops are blind (vision 0.5 covers no site) and nobody moves; then A = 1 and
  P = 1 − exp(−k·C) under floor (and literal). k is a scenario parameter, so P can be set to
  any table value (P = 0.5 with k = ln 2). H and R are the engine's own draws.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import (
    COP,
    QUIET,
    S_ACTIVE,
)
from uprising.testing import handmade_world

T = 0.1


def eligible_fraction(legitimacy: float, p: float, t: float = T) -> float:
    """f(L, P): the closed form of the integral above."""
    a = 1.0 - legitimacy
    if a <= t:
        return 0.0
    if p == 0:
        return 1.0 - t / a
    u = min(1.0, (a - t) / p)  # beyond R = u nobody is bold enough
    return u * (1.0 - t / a) - p * u * u / (2.0 * a)


# The table of spec §1.3 (T = 0.1): (L, P, fraction).
SPEC_TABLE = [
    (0.90, 0.0, 0.0), (0.90, 0.9, 0.0),
    (0.89, 0.0, 0.0909), (0.89, 0.5, 0.0009), (0.89, 0.9, 0.0005), (0.89, 0.99, 0.0005),
    (0.82, 0.0, 0.4444), (0.82, 0.5, 0.0356), (0.82, 0.535, 0.0332), (0.82, 0.9, 0.0198),
    (0.82, 0.99, 0.0180),
    (0.80, 0.0, 0.5000), (0.80, 0.5, 0.0500), (0.80, 0.535, 0.0467), (0.80, 0.9, 0.0278),
    (0.80, 0.99, 0.0253),
    (0.70, 0.0, 0.6667), (0.70, 0.5, 0.1333), (0.70, 0.535, 0.1246), (0.70, 0.9, 0.0741),
    (0.70, 0.99, 0.0673),
]


@pytest.mark.parametrize(("legitimacy", "p", "want"), SPEC_TABLE)
def test_closed_form_reproduces_spec_table(legitimacy, p, want):
    """The expectation used below agrees with the spec's own table (4 decimals)."""
    assert eligible_fraction(legitimacy, p) == pytest.approx(want, abs=6e-5)


def test_closed_form_matches_numerical_integral():
    from scipy import integrate

    for legitimacy in (0.7, 0.8, 0.82, 0.89):
        for p in (0.0, 0.3, 0.5, 0.9, 0.99):
            num, _ = integrate.quad(
                lambda r, legitimacy=legitimacy, p=p: max(
                    0.0, 1.0 - (T + r * p) / (1.0 - legitimacy)), 0.0, 1.0, limit=200)
            assert eligible_fraction(legitimacy, p) == pytest.approx(num, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# No cops: P = 0, steady state 1 − T/(1 − L)
# ---------------------------------------------------------------------------------------------
NO_COP_SEEDS = tuple(range(8))
NO_COP_TICKS = 200


@pytest.mark.parametrize("legitimacy", [0.82, 0.80, 0.89])
def test_no_cops_steady_state_active_share(legitimacy):
    """Run 2 inputs with police.density = 0, seeds 0..7, 200 ticks.

    Exact part: with C = 0 every citizen's decision is G > T, so from tick 1 on the number
    of actives equals #{i: G_i > T} at every tick, nobody is ever jailed.
    Statistical part: that count is Bin(1120, f) with f = 1 − T/(1 − L) (0.4444 at L = 0.82,
    0.5 at 0.80, 0.0909 at 0.89). The mean over ticks 50–200 and over the 8 seeds must lie
    within 3 binomial standard errors, sqrt(1120·f·(1 − f)/8), of 1120·f; each seed within
    4 binomial standard deviations.
    """
    f = eligible_fraction(legitimacy, 0.0)
    n = 1120
    per_seed = []
    for seed in NO_COP_SEEDS:
        m = Model("epstein2002-run2", rng=seed, overrides=[
            "police.density=0", f"population.legitimacy={legitimacy}",
            f"ticks={NO_COP_TICKS}"])
        st = m.state
        eligible = int((st.grievance[: st.n_citizens] > st.threshold[: st.n_citizens]).sum())
        m.run()
        df = m.get_model_vars_dataframe()
        run = df[df["tick"] >= 1]
        assert (run["active"] == eligible).all()
        assert (run["jailed"] == 0).all() and (run["cops"] == 0).all()
        assert (run["active"] + run["quiet"] == n).all()
        window = df[(df["tick"] >= 50) & (df["tick"] <= 200)]["active"]
        per_seed.append(float(window.mean()))
    sd = math.sqrt(n * f * (1 - f))
    for mean in per_seed:
        assert abs(mean - n * f) < 4 * sd, (per_seed, n * f)
    se = sd / math.sqrt(len(NO_COP_SEEDS))
    grand = float(np.mean(per_seed))
    assert abs(grand - n * f) < 3 * se, (grand, n * f, se)


# ---------------------------------------------------------------------------------------------
# Forced P > 0 on a static hand-built world
# ---------------------------------------------------------------------------------------------
WIDTH = 200  # even, so the checkerboard pattern below wraps consistently


def forced_world(legitimacy: float, k: float, n_cops_seen: int, seed: int):
    """Returns (model, P) after one tick on the static world described in the module doc.

    Citizens sit on (even x, even y): with vision 1 (4 orthogonal neighbours) they never see
    each other. Cop layer 1 sits on (x + 1, y) for x ≡ 0 (mod 4) and on (x − 1, y) for
    x ≡ 2 (mod 4), so each citizen sees exactly one of its cops; layer 2 does the same
    along y. H and R come from the engine's own draws for this scenario and seed.
    """
    m = Model("epstein2002-run2", rng=seed, overrides=[
        f"world.width={WIDTH}", f"world.height={WIDTH}", "population.vision=1",
        "police.vision=0.5", "rules.movement=false", "rules.cops_move_when_movement_off=false",
        "rules.arrest_ratio=floor", f"population.legitimacy={legitimacy}", f"police.k={k}"])
    assert len(m.config.cop_offs) == 0  # blind cops: no arrests possible
    w = WIDTH
    xs, ys = np.meshgrid(np.arange(0, w, 2), np.arange(0, w, 2))
    cit_cells = (ys * w + xs).ravel()
    n_cit = len(cit_cells)
    assert m.state.n_citizens >= n_cit
    cop_cells = []
    xs_all, ys_all = xs.ravel(), ys.ravel()
    if n_cops_seen >= 1:
        layer = np.where(xs_all % 4 == 0, xs_all + 1, xs_all - 1) % w
        cop_cells.append(ys_all * w + layer)
    if n_cops_seen >= 2:
        layer = np.where(ys_all % 4 == 0, ys_all + 1, ys_all - 1) % w
        cop_cells.append(layer * w + xs_all)
    cop_cells = np.unique(np.concatenate(cop_cells)) if cop_cells else np.zeros(0, np.int64)
    # citizen i keeps the engine's own H, R and T of citizen i
    handmade_world(m, [(int(c % w), int(c // w)) for c in cit_cells],
                   [(int(c % w), int(c // w)) for c in cop_cells])
    code = m.state.code
    # every citizen sees exactly n_cops_seen cops (checked by enumeration)
    cx, cy = cit_cells % w, cit_cells // w
    seen = np.zeros(n_cit, dtype=int)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        seen += code[((cy + dy) % w) * w + (cx + dx) % w] == COP
        assert (code[((cy + dy) % w) * w + (cx + dx) % w] != QUIET).all()
    assert (seen == n_cops_seen).all()
    m.step()
    return m, 1.0 - math.exp(-k * n_cops_seen)


FORCED = [
    # (L, k, C seen, nominal P of the spec table)
    (0.82, 2.3, 1, 0.9),
    (0.80, 2.3, 1, 0.9),
    (0.70, 2.3, 1, 0.9),
    (0.82, 2.3, 2, 0.99),
    (0.80, 2.3, 2, 0.99),
    (0.82, math.log(2), 1, 0.5),
    (0.80, math.log(2), 1, 0.5),
    (0.70, math.log(2), 1, 0.5),
    (0.89, math.log(2), 1, 0.5),
]
FORCED_SEEDS = tuple(range(12))


@pytest.mark.parametrize(("legitimacy", "k", "c", "nominal"), FORCED)
def test_forced_arrest_probability_active_share(legitimacy, k, c, nominal):
    """Seeds 0..11, 10 000 citizens each (120 000 in all), one tick.

    Exact part: the active set is exactly {i: G_i − R_i·P > T} with P = 1 − exp(−k·C)
    (agents within 1e-12 of the boundary excluded from the comparison), nobody arrested.
    Statistical part: the pooled active share is within 3 binomial standard errors of
    f(L, P) (e.g. 0.0198 at L = 0.82, P = 0.9; 0.0500 at L = 0.80, P = 0.5).
    """
    actives = total = 0
    for seed in FORCED_SEEDS:
        m, p = forced_world(legitimacy, k, c, seed)
        assert p == pytest.approx(nominal, abs=0.011)
        st = m.state
        nc = st.n_citizens
        margin = st.grievance[:nc] - st.risk[:nc] * p - st.threshold[:nc]
        clear = np.abs(margin) > 1e-12
        got = st.state[:nc] == S_ACTIVE
        np.testing.assert_array_equal(got[clear], (margin > 0)[clear])
        row = m.get_model_vars_dataframe().iloc[-1]
        assert row["arrests"] == 0 and row["jailed"] == 0
        actives += int(got.sum())
        total += nc
    f = eligible_fraction(legitimacy, p)
    se = math.sqrt(f * (1 - f) / total)
    share = actives / total
    assert abs(share - f) < 3 * se + 1e-12, (share, f, se)
