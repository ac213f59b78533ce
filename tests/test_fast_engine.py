"""The fast scheduler: thread-count independence, bookkeeping invariants and exact rule checks."""

from __future__ import annotations

import itertools

import numba
import numpy as np
import pytest

from uprising import Model
from uprising.engine import fast
from uprising.engine import reference as ref
from uprising.engine.lattice import ACTIVE, COP, EMPTY, JAILED, QUIET
from uprising.engine.neighbourhood import offsets

APP = ["police.density=0.04", "population.legitimacy=0.82", "jail.max_term=30"]
RULE_SETS = {
    "run2": ("epstein2002-run2", []),
    "mesa-app": ("mesa-example", APP),
    "netlogo": ("netlogo-rebellion", []),
    "moore-literal": ("epstein2002-run2", ["neighbourhood.shape=moore",
                                           "rules.arrest_ratio=literal",
                                           "rules.order=act_then_move"]),
    "cross-bounded": ("epstein2002-run2", ["neighbourhood.shape=cross", "world.torus=false",
                                           "rules.release=anywhere"]),
}


def _model(name: str, size: int, seed: int = 3, extra: list[str] | None = None) -> Model:
    preset, overrides = RULE_SETS[name]
    return Model(preset, rng=seed, overrides=[*overrides, "engine=fast",
                                               f"world.width={size}", f"world.height={size}",
                                               *(extra or [])])


def _snapshot(m: Model) -> dict[str, np.ndarray]:
    st = m.state
    return {
        "series": m.get_model_vars_dataframe().to_numpy(),
        "code": st.code.copy(), "occupant": st.occupant.copy(), "pos": st.pos.copy(),
        "state": st.state.copy(), "term": st.term.copy(), "arrest_cell": st.arrest_cell.copy(),
    }


def check_invariants(m: Model) -> None:
    """Asserts that the lattice, the agent arrays and the last counts agree."""
    st = m.state
    n_cit = st.n_citizens
    on = np.flatnonzero(st.pos >= 0)
    np.testing.assert_array_equal(st.occupant[st.pos[on]], on)
    assert len(np.unique(st.pos[on])) == len(on)
    occupied = np.flatnonzero(st.occupant >= 0)
    assert len(occupied) == len(on)
    assert (st.code[st.occupant < 0] == EMPTY).all()
    want = np.where(st.kind[on] == ref.K_COP, COP,
                    np.array([QUIET, ACTIVE, JAILED, EMPTY])[st.state[on]])
    np.testing.assert_array_equal(st.code[st.pos[on]], want)
    assert (st.state[n_cit:][st.pos[n_cit:] < 0] == ref.S_OFF).all()
    last = m.get_model_vars_dataframe().iloc[-1]
    cit = st.state[:n_cit]
    assert last["quiet"] == (cit == ref.S_QUIET).sum()
    assert last["active"] == (cit == ref.S_ACTIVE).sum()
    assert last["jailed"] == (cit == ref.S_JAILED).sum()
    assert last["quiet"] + last["active"] + last["jailed"] == n_cit


@pytest.mark.parametrize("name", list(RULE_SETS))
def test_same_seed_same_run_with_one_and_two_threads(name, monkeypatch):
    """Seed 3, 128×128 (2×2 blocks of each colour run in parallel), 25 ticks."""
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 Numba threads")
    monkeypatch.setattr(fast, "MIN_PARALLEL_BLOCKS", 2)  # 4 blocks per colour: run them in parallel
    runs = []
    before = numba.get_num_threads()
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            m = _model(name, 128)
            m.run(25)
            check_invariants(m)
            runs.append(_snapshot(m))
    finally:
        numba.set_num_threads(before)
    assert runs[0]["series"][:, 4].sum() > 0 or name == "cross-bounded"  # arrests happened
    for key in runs[0]:
        np.testing.assert_array_equal(runs[0][key], runs[1][key], err_msg=key)


@pytest.mark.parametrize("name", list(RULE_SETS))
def test_window_count_fields_stay_exact(name, monkeypatch):
    """After 40 ticks of incremental updates (moves, decisions, arrests, releases), the cop and
    active fields equal a fresh count of the lattice (``fast.VERIFY_FIELDS``)."""
    monkeypatch.setattr(fast, "VERIFY_FIELDS", True)
    monkeypatch.setattr(fast, "MIN_PARALLEL_BLOCKS", 2)  # 6×6 blocks, as on big lattices
    m = _model(name, 128, extra=["population.legitimacy=0.7"])
    m.run(40)
    df = m.get_model_vars_dataframe()
    assert df["arrests"].sum() > 0 and df["active"].max() > 0


def test_fields_check_catches_a_wrong_field(monkeypatch):
    """The check above can fail: a field off by one in one cell is reported."""
    from uprising.engine import fields

    real = fields.build_fields

    def off_by_one(*args):
        real(*args)
        args[-1][7] += 1  # the actives field

    monkeypatch.setattr(fast, "VERIFY_FIELDS", True)
    m = _model("run2", 64)
    m.run(1)
    monkeypatch.setattr(fast, "build_fields", off_by_one)
    with pytest.raises(AssertionError, match="window counts"):
        m.run(1)


def test_chunking_does_not_change_the_run():
    """run(30) equals 30 calls of step(): one xoshiro output per tick keys all draws."""
    a = _model("mesa-app", 40)
    a.run(30)
    b = _model("mesa-app", 40)
    for _ in range(30):
        b.step()
    for key, value in _snapshot(a).items():
        np.testing.assert_array_equal(value, _snapshot(b)[key], err_msg=key)


def test_seed_changes_the_run():
    a = _model("run2", 40, seed=1)
    b = _model("run2", 40, seed=2)
    a.run(20)
    b.run(20)
    assert not np.array_equal(a.state.code, b.state.code)


def test_full_legitimacy_means_nobody_rebels():
    """L = 1 gives G = 0, and rule A is strict (G − N > T), so no one is ever active."""
    m = _model("run2", 40, extra=["population.legitimacy=1.0"])
    m.run(50)
    df = m.get_model_vars_dataframe()
    assert df["active"].max() == 0 and df["arrests"].sum() == 0


def test_without_cops_active_iff_grievance_exceeds_threshold():
    """No cops: P = 0 for everyone, so after one tick the actives are exactly {G > T}."""
    m = _model("run2", 40, extra=["police.density=0.0"])
    m.step()
    st = m.state
    n = st.n_citizens
    want = st.grievance[:n] > st.threshold[:n]
    np.testing.assert_array_equal(st.state[:n] == ref.S_ACTIVE, want)
    assert 0 < want.sum() < n


def test_everyone_moves_within_vision_in_a_sparse_world():
    """Density 0.1, no cops: every citizen finds an empty cell in view and moves there."""
    m = _model("run2", 60, extra=["population.density=0.1", "police.density=0.0",
                                  "population.legitimacy=1.0"])
    before = m.state.pos.copy()
    m.step()
    after = m.state.pos
    assert (after != before).all()
    w = 60
    dx = (after % w - before % w + w // 2) % w - w // 2
    dy = (after // w - before // w + w // 2) % w - w // 2
    allowed = {tuple(o) for o in offsets("euclidean", 7.0).tolist()}
    assert all((int(a), int(b)) in allowed for a, b in zip(dx, dy, strict=True))
    check_invariants(m)


def test_no_movement_keeps_citizens_in_place():
    m = _model("mesa-app", 40, extra=["rules.movement=false"])
    before = m.state.pos[: m.state.n_citizens].copy()
    m.run(10)
    after = m.state.pos[: m.state.n_citizens]
    on = (before >= 0) & (after >= 0)
    np.testing.assert_array_equal(after[on], before[on])


def test_arrests_bounded_by_cops_and_terms_in_range():
    m = _model("run2", 50, extra=["population.legitimacy=0.6"])
    m.run(30)
    df = m.get_model_vars_dataframe().iloc[1:]
    assert df["arrests"].sum() > 0
    assert (df["arrests"] <= df["cops"]).all()
    st = m.state
    jailed = st.state[: st.n_citizens] == ref.S_JAILED
    terms = st.term[: st.n_citizens][jailed]
    assert ((terms >= 0) & (terms <= 30)).all()
    check_invariants(m)


@pytest.mark.parametrize("name", list(RULE_SETS))
def test_invariants_hold_for_every_rule_set(name):
    m = _model(name, 40, extra=["population.legitimacy=0.7"])
    for _ in range(5):
        m.run(10)
        check_invariants(m)


def test_cop_density_ramp_runs_on_fast_engine():
    """Run 5's cop ramp (timeline events between kernel calls) works with the fast engine."""
    m = Model("epstein2002-run5", rng=1, overrides=["engine=fast"])
    m.run(120)
    df = m.get_model_vars_dataframe()
    assert df["cops"].iloc[0] == 118 and df["cops"].iloc[-1] < 118
    check_invariants(m)


def test_block_plans_keep_same_colour_blocks_apart():
    """For many sizes and radii, two blocks of one colour are ≥ 2·footprint apart (cyclically),
    which is what lets them run at the same time."""
    from uprising.engine.blocks import block_plan, footprint

    for v, v_cop in ((1, 1), (3, 2), (7, 7), (10, 4)):
        gap = 2 * footprint(v, v_cop)
        for length in (40, 97, 128, 160, 333, 1000, 2001):
            plan = block_plan(length, length, v, v_cop)
            for nb, c in ((plan.nbx, plan.cx), (plan.nby, plan.cy)):
                assert nb % c == 0
                if nb == 1:
                    continue
                edges = [(b * length) // nb for b in range(nb + 1)]
                shortest = min(b - a for a, b in itertools.pairwise(edges))
                assert (c - 1) * shortest >= gap
                assert nb // c >= 2
