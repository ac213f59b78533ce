"""Exact unit tests of the reference engine's micro rules (epstein_spec.md §6.1).

Expectations are derived from the spec (§1.1–§1.5, §3.2, §6.1), not from the engine's code:
arrest probability per ratio rule, the self-count in A, the strict activation threshold,
G = H(1 − L), exact initial counts, jail-term ranges, one arrest per cop activation, and
movement only to empty sites. Kernel-level tests run the real Numba kernel for one tick on a
hand-built world (movement off, cops unable to see anyone) so the outcome depends only on the
rule under test. Neighbourhood sizes and torus wrap are in test_neighbourhood.py.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from uprising import Model
from uprising.engine import rules
from uprising.engine.codes import (
    ARREST_RULES,
    COP,
    EMPTY,
    K_CITIZEN,
    K_COP,
    N_SWITCHES,
    QUIET,
    S_ACTIVE,
    S_JAILED,
    S_OFF,
    S_QUIET,
    SW_ARREST_RULE,
    SW_MAX_TERM,
    SW_TERM_RANGE,
    TERM_RANGES,
)
from uprising.engine.rng import seed_state
from uprising.engine.state import build_state
from uprising.scenario import load_scenario
from uprising.testing import assert_lattice_consistent, handmade_world

K = 2.3
P11 = 1.0 - math.exp(-K)  # C = A = 1: 0.899741 (spec §1.1)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def expected_ratio(c: int, a: int, rule: str) -> Fraction:
    """The ratio entering P under each rule, computed exactly with fractions (spec §1.3)."""
    x = Fraction(c, a)
    if rule == "literal":
        return x
    if rule == "floor":
        return Fraction(math.floor(x))
    if rule == "round_half_up":
        return Fraction(math.floor(x + Fraction(1, 2)))
    # round half to even (Python's round on the exact rational)
    lo = math.floor(x)
    frac = x - lo
    if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and lo % 2 == 1):
        return Fraction(lo + 1)
    return Fraction(lo)


def expected_p(c: int, a: int, rule: str, k: float = K) -> float:
    return 1.0 - math.exp(-k * float(expected_ratio(c, a, rule)))


def small_model(*extra: str, width: int = 15, height: int = 15, cit_vision: float = 3.0,
                cop_vision: float = 1.0) -> Model:
    """A model on a small torus with movement off and immobile cops (state replaced later)."""
    overrides = [
        f"world.width={width}", f"world.height={height}",
        f"population.vision={cit_vision}", f"police.vision={cop_vision}",
        "rules.movement=false", "rules.cops_move_when_movement_off=false", *extra,
    ]
    return Model("epstein2002-run2", rng=0, overrides=overrides)


def one_tick(model: Model) -> dict:
    """Runs one tick; returns that tick's counts row."""
    model.step()
    row = model.get_model_vars_dataframe().iloc[-1]
    return {k: int(row[k]) for k in ("active", "quiet", "jailed", "arrests")}


def torus_dist2(a: tuple[int, int], b: tuple[int, int], w: int, h: int) -> int:
    dx = abs(a[0] - b[0])
    dy = abs(a[1] - b[1])
    dx = min(dx, w - dx)
    dy = min(dy, h - dy)
    return dx * dx + dy * dy


# ---------------------------------------------------------------------------------------------
# §6.1 items 1–2: arrest probability per rule
# ---------------------------------------------------------------------------------------------
# (C, A, literal, floor, round_half_even) from the table of spec §1.3 (3 decimals).
SPEC_TABLE = [
    (1, 1, 0.900, 0.900, 0.900),
    (1, 2, 0.683, 0.0, 0.0),
    (1, 3, 0.535, 0.0, 0.0),
    (1, 4, 0.437, 0.0, 0.0),
    (2, 3, 0.784, 0.0, 0.900),
    (3, 5, 0.748, 0.0, 0.900),
    (3, 2, 0.968, 0.900, 0.990),
    (2, 1, 0.990, 0.990, 0.990),
]


@pytest.mark.parametrize(("c", "a", "lit", "flo", "rhe"), SPEC_TABLE)
def test_arrest_probability_matches_spec_table(c, a, lit, flo, rhe):
    for rule, want in (("literal", lit), ("floor", flo), ("round_half_even", rhe)):
        got = rules.arrest_probability(c, a, ARREST_RULES.index(rule), K)
        assert abs(got - want) < 6e-4, (c, a, rule, got, want)


def test_arrest_probability_spec_611_values():
    code = ARREST_RULES.index
    for rule in ARREST_RULES:
        assert rules.arrest_probability(1, 1, code(rule), K) == pytest.approx(0.899741, abs=1e-6)
    assert rules.arrest_probability(1, 2, code("literal"), K) == pytest.approx(0.683, abs=5e-4)
    assert rules.arrest_probability(1, 2, code("floor"), K) == 0.0
    assert rules.arrest_probability(1, 2, code("round_half_even"), K) == 0.0
    assert rules.arrest_probability(2, 3, code("round_half_even"), K) == pytest.approx(
        0.8997, abs=1e-4)
    assert rules.arrest_probability(2, 3, code("floor"), K) == 0.0
    assert rules.arrest_probability(3, 2, code("floor"), K) == pytest.approx(0.8997, abs=1e-4)
    assert rules.arrest_probability(3, 2, code("round_half_even"), K) == pytest.approx(
        0.98995, abs=1e-5)
    # round_half_up differs from half-even at x.5 with x even: 0.5 → 1, 2.5 → 3
    assert rules.arrest_probability(1, 2, code("round_half_up"), K) == pytest.approx(P11, abs=1e-12)
    assert rules.arrest_probability(5, 2, code("round_half_up"), K) == pytest.approx(
        1 - math.exp(-3 * K), abs=1e-12)
    assert rules.arrest_probability(5, 2, code("round_half_even"), K) == pytest.approx(
        1 - math.exp(-2 * K), abs=1e-12)


@pytest.mark.parametrize("rule", ARREST_RULES)
def test_arrest_probability_exhaustive_small_counts(rule):
    """Every C in 0..40 and A in 1..40 against exact rational rounding (ties included)."""
    code = ARREST_RULES.index(rule)
    for c in range(41):
        for a in range(1, 41):
            got = rules.arrest_probability(c, a, code, K)
            assert got == pytest.approx(expected_p(c, a, rule), abs=1e-12), (c, a)


@pytest.mark.parametrize("rule", ARREST_RULES)
def test_no_cops_means_zero_probability(rule):
    """§6.1 item 1 and §6.2 item 13: P(C = 0) = 0 for any A (exactly)."""
    code = ARREST_RULES.index(rule)
    for a in range(1, 200):
        assert rules.arrest_probability(0, a, code, K) == 0.0


@pytest.mark.parametrize("rule", ARREST_RULES)
def test_scenario_switch_selects_rule(rule):
    m = Model("epstein2002-run2", rng=0, overrides=[f"rules.arrest_ratio={rule}"])
    assert m.switches[SW_ARREST_RULE] == ARREST_RULES.index(rule)


# ---------------------------------------------------------------------------------------------
# Rule A through the real kernel on a hand-built world
# ---------------------------------------------------------------------------------------------
# Focal citizen at (7, 7), citizen vision 3; always-active helpers at distance 2; cops at the
# diagonal cells (7 ± 2, 7 ± 2), distance 2.83 from the focal citizen and ≥ 2 from every
# citizen, so with cop vision 1 (4 orthogonal neighbours) no cop ever sees a citizen.
FOCAL = (7, 7)
HELPERS = [(7, 9), (7, 5), (9, 7)]
COP_CELLS = [(5, 5), (9, 9), (9, 5), (5, 9)]
DELTA = 1e-7


def focal_outcome(rule: str, n_cops: int, n_active_helpers: int, g: float, *extra: str,
                  focal_active: bool = False) -> tuple[bool, dict]:
    """Returns (focal citizen is active after one tick, counts) for a hand-built world."""
    m = small_model(f"rules.arrest_ratio={rule}", *extra)
    citizens = [{"x": FOCAL[0], "y": FOCAL[1], "g": g, "r": 1.0, "active": focal_active}]
    citizens += [{"x": x, "y": y, "g": 1.0, "r": 0.0, "active": True}
                 for x, y in HELPERS[:n_active_helpers]]
    cops = COP_CELLS[:n_cops]
    for c in cops:  # the cops really are blind to every citizen
        for ci in citizens:
            assert torus_dist2(c, (ci["x"], ci["y"]), 15, 15) > 1
    handmade_world(m, citizens, cops)
    counts = one_tick(m)
    assert counts["arrests"] == 0 and counts["jailed"] == 0
    assert (m.state.state[1:len(citizens)] == S_ACTIVE).all()  # helpers stay active
    return bool(m.state.state[0] == S_ACTIVE), counts


@pytest.mark.parametrize("rule", ARREST_RULES)
@pytest.mark.parametrize(("c", "a"), [(1, 1), (1, 2), (2, 3), (3, 2), (1, 4), (3, 4)])
def test_kernel_decision_pins_arrest_probability(rule, c, a):
    """With R = 1 and T = 0.1 the focal citizen is active iff G > 0.1 + P; bracketing G by
    ±1e-7 around 0.1 + P(C, A) pins the P the kernel used to 1e-7, for each rule."""
    p = expected_p(c, a, rule)
    active_hi, _ = focal_outcome(rule, c, a - 1, 0.1 + p + DELTA)
    active_lo, _ = focal_outcome(rule, c, a - 1, 0.1 + p - DELTA)
    assert active_hi, (rule, c, a, p)
    assert not active_lo, (rule, c, a, p)


def test_isolated_agent_counts_itself():
    """§6.1 item 3: alone with one cop, A = 1 and P = 0.8997 (not A = 0, not P = 1)."""
    for rule in ARREST_RULES:
        assert focal_outcome(rule, 1, 0, 0.1 + P11 + DELTA)[0]
        assert not focal_outcome(rule, 1, 0, 0.1 + P11 - DELTA)[0]


def test_netlogo_double_count_of_an_active_agent():
    """§6.1 item 3: under twice_if_active an already-active agent has A = 2, so with one cop
    floor(1/2) = 0 and P = 0; a quiet agent still has A = 1 (P = 0.8997); 'once' keeps A = 1."""
    twice = "rules.self_count=twice_if_active"
    # already active, floor, twice: P = 0 → active iff G > T
    assert focal_outcome("floor", 1, 0, 0.1 + DELTA, twice, focal_active=True)[0]
    assert not focal_outcome("floor", 1, 0, 0.1 - DELTA, twice, focal_active=True)[0]
    # already active, literal, twice: A = 2, P = 1 − e^(−1.15) = 0.683
    p12 = expected_p(1, 2, "literal")
    assert focal_outcome("literal", 1, 0, 0.1 + p12 + DELTA, twice, focal_active=True)[0]
    assert not focal_outcome("literal", 1, 0, 0.1 + p12 - DELTA, twice, focal_active=True)[0]
    # quiet agent under twice: A = 1
    assert not focal_outcome("floor", 1, 0, 0.5, twice, focal_active=False)[0]
    assert focal_outcome("floor", 1, 0, 0.1 + P11 + DELTA, twice, focal_active=False)[0]
    # active agent, once: A = 1, P = 0.8997 → G = 0.5 is quiet
    assert not focal_outcome("floor", 1, 0, 0.5, focal_active=True)[0]


def test_strict_threshold_no_cops():
    """§6.1 item 4: G − R·P = T exactly (here P = 0, G = T) → quiet; the next float → active."""
    for rule in ARREST_RULES:
        assert not focal_outcome(rule, 0, 0, 0.1)[0]
        assert focal_outcome(rule, 0, 0, math.nextafter(0.1, 1.0))[0]


def test_strict_threshold_with_positive_arrest_probability():
    """§6.1 item 4 with P > 0: T is set to the float G − R·P itself (R = 0.5 keeps R·P exact,
    and G − R·P is exact by Sterbenz), so the rule must answer quiet; one ulp more → active."""
    p = rules.arrest_probability(1, 1, ARREST_RULES.index("floor"), K)
    g, r = 0.6, 0.5
    t = g - r * p
    assert g - r * p == t
    for g_try, want in ((g, False), (math.nextafter(g, 1.0), True)):
        m = small_model("rules.arrest_ratio=floor")
        handmade_world(m, [{"x": 7, "y": 7, "g": g_try, "r": r, "t": t}], [COP_CELLS[0]])
        one_tick(m)
        assert bool(m.state.state[0] == S_ACTIVE) is want, g_try


# ---------------------------------------------------------------------------------------------
# §6.1 item 5: G = H(1 − L); at L = 0.9 nobody is ever active
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("legitimacy", [0.0, 0.5, 0.82, 0.9])
def test_grievance_is_hardship_times_one_minus_legitimacy(legitimacy):
    m = Model("epstein2002-run2", rng=3, overrides=[f"population.legitimacy={legitimacy}"])
    n = m.state.n_citizens
    h = m.state.hardship[:n]
    assert np.all((h >= 0) & (h < 1))
    np.testing.assert_array_equal(m.state.grievance[:n], h * (1.0 - legitimacy))


@pytest.mark.parametrize("police", ["0.04", "0.0"])
def test_legitimacy_09_nobody_ever_active(police):
    """L = 0.9 → G ≤ 0.1 = T and the rule is strict, so max active is 0 over 300 ticks, with
    and without cops (P = 0 is the boldest case). Control: L = 0.89 without cops is not 0."""
    for seed in (0, 1):
        m = Model("epstein2002-run2", rng=seed, overrides=[
            "population.legitimacy=0.9", f"police.density={police}", "ticks=300"])
        m.run()
        assert m.get_model_vars_dataframe()["active"].max() == 0
    m = Model("epstein2002-run2", rng=0, overrides=[
        "population.legitimacy=0.89", "police.density=0", "ticks=20"])
    m.run()
    assert m.get_model_vars_dataframe()["active"].iloc[-1] > 50  # ≈ 0.0909 × 1120 = 102


# ---------------------------------------------------------------------------------------------
# §6.1 item 7: initial counts
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("cop_density", "n_cops"), [(0.04, 64), (0.074, 118)])
def test_exact_initial_counts(cop_density, n_cops):
    for seed in range(5):
        m = Model("epstein2002-run2", rng=seed, overrides=[f"police.density={cop_density}"])
        st = m.state
        cit = st.kind == K_CITIZEN
        on_duty = (st.kind == K_COP) & (st.state != S_OFF)
        assert cit.sum() == 1120
        assert on_duty.sum() == n_cops
        assert (st.code == QUIET).sum() == 1120
        assert (st.code == COP).sum() == n_cops
        assert (st.code == EMPTY).sum() == 1600 - 1120 - n_cops
        row = m.get_model_vars_dataframe().iloc[0]
        assert (row["quiet"], row["active"], row["jailed"], row["cops"]) == (1120, 0, 0, n_cops)


def test_bernoulli_initial_counts_are_random_with_the_right_mean():
    """Per-cell draws: citizens ~ Bin(1600, 0.7), cops ~ Bin(1600, 0.074). 300 seeds; the
    mean must be within 4 standard errors and the counts must vary."""
    sc = load_scenario("mesa-example")  # bernoulli, cops 0.074, citizens 0.7
    assert sc.rules.initial_counts == "bernoulli"
    n_seeds = 300
    cit, cop = [], []
    for s in range(n_seeds):
        st = build_state(sc, np.random.default_rng(s))
        cit.append(int((st.code == QUIET).sum()))
        cop.append(int((st.code == COP).sum()))
        assert st.n_citizens == cit[-1]
    for counts, p in ((cit, 0.7), (cop, 0.074)):
        mean, sd = 1600 * p, math.sqrt(1600 * p * (1 - p))
        assert abs(np.mean(counts) - mean) < 4 * sd / math.sqrt(n_seeds), (np.mean(counts), mean)
        assert np.std(counts) == pytest.approx(sd, rel=0.25)
        assert len(set(counts)) > 10


# ---------------------------------------------------------------------------------------------
# §6.1 item 8: jail terms
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "lo", "hi"), [
    ("one_to_max", 1, 30), ("zero_to_max_minus_one", 0, 29), ("zero_to_max", 0, 30)])
def test_jail_term_draw_ranges(mode, lo, hi):
    """20 000 draws with J = 30: min and max are the mode's bounds, every value in between
    occurs and the counts are uniform (chi-square, p > 1e-4 with this fixed seed)."""
    from scipy import stats

    sw = np.zeros(N_SWITCHES, dtype=np.int64)
    sw[SW_MAX_TERM] = 30
    sw[SW_TERM_RANGE] = TERM_RANGES.index(mode)
    rng = seed_state(np.random.SeedSequence(11))
    draws = np.array([rules._draw_term(rng, sw) for _ in range(20_000)])
    assert draws.min() == lo and draws.max() == hi
    counts = np.bincount(draws - lo, minlength=hi - lo + 1)
    assert (counts > 0).all()
    assert stats.chisquare(counts).pvalue > 1e-4


def test_jail_term_infinite_draw():
    sw = np.zeros(N_SWITCHES, dtype=np.int64)
    sw[SW_MAX_TERM] = -1
    rng = seed_state(np.random.SeedSequence(1))
    assert {rules._draw_term(rng, sw) for _ in range(100)} == {-1}


def test_infinite_jail_never_releases():
    """J = ∞ with Run 2's inputs (many arrests): no release ever, jail never shrinks."""
    m = Model("epstein2002-run2", rng=0, overrides=["ticks=400", "jail.max_term=inf"])
    m.run()
    df = m.get_model_vars_dataframe()
    assert df["arrests"].sum() > 50
    assert df["releases"].sum() == 0
    assert (np.diff(df["jailed"].to_numpy()) >= 0).all()
    assert df["jailed"].iloc[-1] == df["arrests"].sum()
    jailed = m.state.state == S_JAILED
    assert (m.state.term[jailed] == -1).all()


def _served_ticks(overrides: list[str], ticks: int, seed: int = 0) -> tuple[list[int], int]:
    """Steps a run and returns (tick-ends spent jailed per arrest, arrests never seen jailed).

    An arrest at tick t is seen as a citizen jailed at the end of t but not of t − 1; it has
    served s ticks if it is jailed at the ends of t .. t + s − 1 and free at the end of t + s.
    Arrests released within their own tick are counted as 'never seen'.
    """
    m = Model("epstein2002-run2", rng=seed, overrides=overrides)
    n = m.state.n_citizens
    prev = m.state.state[:n].copy()
    since: dict[int, int] = {}
    served: list[int] = []
    unseen = 0
    for t in range(1, ticks + 1):
        m.step()
        cur = m.state.state[:n]
        new = np.flatnonzero((cur == S_JAILED) & (prev != S_JAILED))
        out = np.flatnonzero((cur != S_JAILED) & (prev == S_JAILED))
        for a in out:
            served.append(t - since.pop(int(a)))
        for a in new:
            since[int(a)] = t
        arrests = int(m.get_model_vars_dataframe()["arrests"].iloc[-1])
        unseen += arrests - len(new)
        prev = cur.copy()
    return served, unseen


def test_end_of_tick_countdown_counts_the_arrest_tick():
    """Spec §3.2 step 4 / §1.8 item 8: with end-of-tick countdown every jailed agent's term
    is decremented after all agents acted, the arrest tick included. With terms 1..J
    (J = 10), a citizen therefore spends 0..J − 1 tick-ends in jail (term 1 = free again
    before its next activation), each with probability 1/J."""
    served, unseen = _served_ticks(["jail.max_term=10", "ticks=400"], 400)
    total = len(served) + unseen
    assert total > 1000
    assert max(served) == 9
    assert unseen / total == pytest.approx(0.1, abs=0.03)


def test_end_of_tick_stays_follow_the_drawn_range():
    """Whatever the countdown convention, the longest stay is J or J − 1 tick-ends and the
    stays cover every length in between (terms 1..10 over > 1000 arrests)."""
    served, unseen = _served_ticks(["jail.max_term=10", "ticks=400"], 400)
    assert len(served) + unseen > 1000
    assert max(served) in (9, 10)
    assert set(range(1, 10)) <= set(served)


def test_own_step_countdown_mesa_semantics():
    """Mesa (spec §3.1): a prisoner's own activation decrements a positive sentence and does
    nothing else; with sentence 0 it is freed and acts (and may be re-arrested in that same
    tick). Checked after each of 300 ticks (J = 5, sentences 0..J): a sentence s > 0 becomes
    s − 1 and the prisoner is still jailed (one activation per tick, no early release); a
    prisoner at 0 is free unless re-arrested (≤ that tick's arrests); every sentence seen
    lies in 0..5 and both ends occur."""
    over = ["jail.max_term=5", "jail.term_range=zero_to_max", "jail.countdown=own_step",
            "rules.jailed=stay_and_block", "rules.release=in_place", "ticks=300"]
    m = Model("epstein2002-run2", rng=2, overrides=over)
    n = m.state.n_citizens
    prev_state = m.state.state[:n].copy()
    prev_term = m.state.term[:n].copy()
    seen: set[int] = set()
    decrements = releases = 0
    for _ in range(300):
        m.step()
        cur = m.state.state[:n]
        term = m.state.term[:n]
        arrests = int(m.get_model_vars_dataframe()["arrests"].iloc[-1])
        was = prev_state == S_JAILED
        now = cur == S_JAILED
        counting = was & (prev_term > 0)
        assert now[counting].all()
        np.testing.assert_array_equal(term[counting], prev_term[counting] - 1)
        due = was & (prev_term == 0)
        assert (due & now).sum() <= arrests
        decrements += int(counting.sum())
        releases += int((due & ~now).sum())
        seen.update(int(x) for x in term[now])
        prev_state, prev_term = cur.copy(), term.copy()
    assert decrements > 1000 and releases > 500
    assert seen == set(range(6))


# ---------------------------------------------------------------------------------------------
# §6.1 item 9: one arrest per cop activation, only active agents within v*
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("preset", ["epstein2002-run2", "netlogo-rebellion", "mesa-example"])
def test_arrests_per_tick_at_most_cops_on_duty(preset):
    m = Model(preset, rng=0, overrides=["ticks=600"])
    m.run()
    df = m.get_model_vars_dataframe()
    assert df["arrests"].sum() > 100
    assert (df["arrests"] <= df["cops"]).all()
    # every arrest jails exactly one citizen: jailed(t) = jailed(t−1) + arrests − releases
    j = df["jailed"].to_numpy()
    np.testing.assert_array_equal(j[1:], j[:-1] + df["arrests"].to_numpy()[1:]
                                  - df["releases"].to_numpy()[1:])


def test_arrest_picks_one_active_citizen_in_view_uniformly():
    """Direct test of rule C's choice: cop at (0, 0) with vision 3 on a 15×15 torus; actives
    at d² = 1, 4, 9, 8 (wrapping), quiet citizens in view and actives outside v*. 4000 picks:
    always one of the four in-view actives, about equally often (chi-square p > 1e-4), and
    the pick changes nothing on the lattice (jailing is a separate step)."""
    from scipy import stats

    m = small_model(cop_vision=3.0)
    inside = [(14, 0), (0, 13), (12, 0), (2, 2)]
    outside = [(4, 0), (0, 4), (11, 11)]  # d² = 16, 16, 32
    quiet_inside = [(1, 1), (0, 1)]
    citizens = [{"x": x, "y": y, "g": 1.0, "r": 0.0, "active": True} for x, y in inside + outside]
    citizens += [{"x": x, "y": y, "g": 0.0, "r": 0.0} for x, y in quiet_inside]
    handmade_world(m, citizens, [(0, 0)])
    cop = len(citizens)
    st = m.state
    code0 = st.code.copy()
    cop_offs = m.config.cop_offs
    scratch = np.empty(len(cop_offs), dtype=np.int64)
    rng = seed_state(np.random.SeedSequence(5))
    picks = np.zeros(len(citizens), dtype=int)
    for _ in range(4000):
        victim = rules._pick_arrestee(rng, st.code, st.occupant, st.pos, cop, cop_offs,
                                      m.config.cop_spans, m.switches, scratch)
        assert 0 <= victim < len(inside)
        picks[victim] += 1
    np.testing.assert_array_equal(st.code, code0)
    assert stats.chisquare(picks[: len(inside)]).pvalue > 1e-4


def test_arrest_with_no_active_in_view_picks_nobody():
    m = small_model(cop_vision=3.0)
    handmade_world(m, [{"x": 7, "y": 8, "g": 0.0, "r": 0.0},
                {"x": 12, "y": 7, "g": 1.0, "r": 0.0, "active": True}], [(7, 7)])
    st = m.state
    rng = seed_state(np.random.SeedSequence(5))
    for _ in range(20):
        got = rules._pick_arrestee(rng, st.code, st.occupant, st.pos, 2, m.config.cop_offs,
                                   m.config.cop_spans, m.switches,
                                   np.empty(len(m.config.cop_offs), dtype=np.int64))
        assert got == -1


def test_one_arrest_per_cop_activation_in_the_kernel():
    """A single cop (vision 3, immobile) next to five always-active citizens it can see:
    each tick it is activated once, so exactly one arrest per tick until nobody is left in
    view (terms are infinite), never two in a tick."""
    m = small_model("jail.max_term=inf", cop_vision=3.0)
    around = [(8, 7), (6, 7), (7, 8), (7, 6), (8, 8)]
    handmade_world(m, [{"x": x, "y": y, "g": 1.0, "r": 0.0, "active": True} for x, y in around],
            [(7, 7)])
    for t in range(1, 8):
        counts = one_tick(m)
        assert counts["arrests"] == (1 if t <= 5 else 0), t
        assert counts["jailed"] == min(t, 5)


# ---------------------------------------------------------------------------------------------
# §6.1 item 10: movement only to empty sites within vision; stay if none
# ---------------------------------------------------------------------------------------------
def test_move_goes_uniformly_to_an_empty_site_in_view():
    """Direct test of rule M: 9×9 torus, citizen at (0, 0) (its view wraps), vision 1.7
    (8 neighbours); 5 neighbours full, 3 empty. 4000 moves from fresh copies: always one of
    the 3 empty neighbours, uniformly (chi-square p > 1e-4)."""
    from scipy import stats

    m = small_model(width=9, height=9, cit_vision=1.7)
    full = [(1, 0), (8, 0), (0, 8), (1, 1), (8, 8)]
    empty = {(0, 1), (1, 8), (8, 1)}
    citizens = [{"x": 0, "y": 0, "g": 0.0, "r": 0.0}]
    citizens += [{"x": x, "y": y, "g": 0.0, "r": 0.0} for x, y in full]
    handmade_world(m, citizens, [])
    st0 = m.state
    rng = seed_state(np.random.SeedSequence(9))
    offs = m.config.cit_offs
    hits: dict[tuple[int, int], int] = {}
    for _ in range(4000):
        code, occ, pos = st0.code.copy(), st0.occupant.copy(), st0.pos.copy()
        rules._move(rng, code, occ, pos, 0, offs, m.switches, np.empty(len(offs), np.int64))
        xy = (int(pos[0]) % 9, int(pos[0]) // 9)
        assert xy in empty
        assert occ[pos[0]] == 0 and code[pos[0]] == QUIET and code[0] == EMPTY and occ[0] == -1
        hits[xy] = hits.get(xy, 0) + 1
    assert set(hits) == empty
    assert stats.chisquare(list(hits.values())).pvalue > 1e-4


def test_move_stays_when_no_empty_site_in_view():
    m = small_model(width=9, height=9, cit_vision=1.7)
    ring = [(dx % 9, dy % 9) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]
    handmade_world(m, [{"x": 0, "y": 0, "g": 0.0, "r": 0.0}]
            + [{"x": x, "y": y, "g": 0.0, "r": 0.0} for x, y in ring], [])
    st = m.state
    code0 = st.code.copy()
    rng = seed_state(np.random.SeedSequence(1))
    offs = m.config.cit_offs
    for _ in range(50):
        rules._move(rng, st.code, st.occupant, st.pos, 0, offs, m.switches,
                  np.empty(len(offs), np.int64))
        assert st.pos[0] == 0
    np.testing.assert_array_equal(st.code, code0)


def in_view(dx: np.ndarray, dy: np.ndarray, shape: str, radius: float) -> np.ndarray:
    """Returns whether each offset (dx, dy) lies in the neighbourhood (spec §1.4 definitions)."""
    r = math.floor(radius)
    if shape == "euclidean":
        return dx * dx + dy * dy <= radius * radius
    if shape == "von_neumann":
        return np.abs(dx) + np.abs(dy) <= r
    if shape == "moore":
        return np.maximum(np.abs(dx), np.abs(dy)) <= r
    return ((dx == 0) | (dy == 0)) & (np.maximum(np.abs(dx), np.abs(dy)) <= r)


def wrapped(a: np.ndarray, b: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Returns the shortest torus displacement from cells ``a`` to cells ``b``."""
    dx = (b % w - a % w) % w
    dy = (b // w - a // w) % h
    dx = np.where(dx > w // 2, dx - w, dx)
    dy = np.where(dy > h // 2, dy - h, dy)
    return dx, dy


@pytest.mark.parametrize(("preset", "extra"), [
    ("epstein2002-run2", []),
    ("epstein2002-run2", ["neighbourhood.shape=von_neumann", "rules.order=act_then_move"]),
    ("epstein2002-run1", []),
    ("epstein2002-run1", ["rules.cops_move_when_movement_off=false"]),
    ("netlogo-rebellion", []),
    ("mesa-example", ["police.density=0.04", "population.legitimacy=0.82", "jail.max_term=30"]),
    ("epstein2002-run5", []),
])
def test_lattice_invariants_and_moves_within_vision(preset, extra):
    """After every one of 250 ticks the lattice is consistent; every agent free at both ends
    of a tick (and never jailed in between) moved at most once, to a cell within its vision
    (with the scenario's shape, on the torus); with movement off citizens never move and cops
    move only if cops_move_when_movement_off."""
    m = Model(preset, rng=1, overrides=extra)
    sc = m.scenario
    w, h = sc.world.width, sc.world.height
    shape = sc.neighbourhood.shape
    st = m.state
    cop = st.kind == K_COP
    assert_lattice_consistent(m, counts=True)
    moved_cit = moved_cop = 0
    for _ in range(250):
        pos0 = st.pos.copy()
        state0 = st.state.copy()
        releases_before = int(m.get_model_vars_dataframe()["releases"].sum())
        m.step()
        st = m.state
        assert_lattice_consistent(m, counts=True)
        released = int(m.get_model_vars_dataframe()["releases"].sum()) - releases_before
        free_both = (pos0 >= 0) & (st.pos >= 0) & (state0 != S_JAILED) & (
            st.state != S_JAILED)
        moved = free_both & (pos0 != st.pos)
        dx, dy = wrapped(pos0.astype(np.int64), st.pos.astype(np.int64), w, h)
        cop_vision = sc.police.vision
        if sc.rules.cop_moves_to_arrestee:
            cop_vision *= 2  # a move, then a step onto the arrestee
        cit_vision = sc.population.vision
        if released or sc.jail.term_range != "one_to_max":
            cit_vision *= 2  # possibly arrested and re-placed near the arrest site
        mc = moved & cop
        mz = moved & ~cop
        moved_cop += int(mc.sum())
        moved_cit += int(mz.sum())
        if mc.any():
            assert sc.rules.movement or sc.rules.cops_move_when_movement_off
            assert in_view(dx[mc], dy[mc], shape, cop_vision).all()
        if mz.any():
            # with movement off a citizen can only be displaced by an arrest + release
            assert sc.rules.movement or released > 0, "citizen moved with movement off"
            assert in_view(dx[mz], dy[mz], shape, cit_vision).all()
    if sc.rules.movement:
        assert moved_cit > 1000
    if sc.rules.movement or sc.rules.cops_move_when_movement_off:
        assert moved_cop > 100
    else:
        assert moved_cop == 0


# ---------------------------------------------------------------------------------------------
# Order within an activation, cop onto arrestee, release placement (spec §1.2, §1.5, §1.8)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("order", "want_active"), [("move_then_act", True),
                                                    ("act_then_move", False)])
def test_move_then_act_versus_act_then_move(order, want_active):
    """Citizen at (7, 7), vision 1.7, G = 0.5, R = 1; a blind, immobile cop at (6, 7) (vision
    0.5 covers no site); life prisoners block (7, 6), (7, 8), (6, 6), (6, 8). The only free
    sites, (8, 6..8), are out of the cop's sight. Moving first, the citizen decides with C = 0
    (P = 0, active); acting first, it decides next to the cop (P = 0.8997, quiet). It moves
    in both cases."""
    m = small_model(f"rules.order={order}", "rules.movement=true", "rules.jailed=stay_and_block",
                    "rules.release=in_place", "jail.max_term=inf", cit_vision=1.7,
                    cop_vision=0.5)
    assert len(m.config.cop_offs) == 0
    blockers = [(7, 6), (7, 8), (6, 6), (6, 8)]
    citizens = [{"x": 7, "y": 7, "g": 0.5, "r": 1.0}]
    citizens += [{"x": x, "y": y, "g": 0.0, "r": 0.0, "jailed": True} for x, y in blockers]
    handmade_world(m, citizens, [(6, 7)])
    one_tick(m)
    st = m.state
    assert (int(st.pos[0]) % 15, int(st.pos[0]) // 15) in {(8, 6), (8, 7), (8, 8)}
    assert int(st.pos[len(citizens)]) == 7 * 15 + 6  # the cop did not move
    assert bool(st.state[0] == S_ACTIVE) is want_active


@pytest.mark.parametrize("moves", [True, False])
def test_cop_moves_onto_the_arrestee(moves):
    """NetLogo (spec §3.2 step 3): the arresting cop steps onto the suspect's cell; default:
    it stays. Immobile cop at (7, 7) with vision 3, one always-active citizen at (9, 8)."""
    m = small_model(f"rules.cop_moves_to_arrestee={str(moves).lower()}", cop_vision=3.0)
    handmade_world(m, [{"x": 9, "y": 8, "g": 1.0, "r": 0.0, "active": True}], [(7, 7)])
    counts = one_tick(m)
    assert counts["arrests"] == 1
    st = m.state
    want = 8 * 15 + 9 if moves else 7 * 15 + 7
    assert int(st.pos[1]) == want and st.code[want] == COP and st.occupant[want] == 1
    assert st.pos[0] == -1 and st.state[0] == S_JAILED
    assert_lattice_consistent(m, counts=True)


def test_release_near_the_arrest_site():
    """Jailed citizens leave the lattice and come back quiet on an empty cell within their
    vision of the arrest site (spec §1.5, ndouglas), checked for every release of 300 ticks
    of Run 2 (J = 5 for many releases)."""
    m = Model("epstein2002-run2", rng=3, overrides=["jail.max_term=5"])
    n = m.state.n_citizens
    w = m.scenario.world.width
    v = m.scenario.population.vision
    released = 0
    prev = m.state.state[:n].copy()
    for _ in range(300):
        m.step()
        st = m.state
        back = np.flatnonzero((prev == S_JAILED) & (st.state[:n] != S_JAILED))
        if len(back):
            assert (st.state[back] == S_QUIET).all()
            dx, dy = wrapped(st.arrest_cell[back].astype(np.int64),
                             st.pos[back].astype(np.int64), w, w)
            assert (in_view(dx, dy, "euclidean", v) | ((dx == 0) & (dy == 0))).all()
            released += len(back)
        prev = st.state[:n].copy()
    assert released > 1000
