"""The fast scheduler: thread-count independence, bookkeeping invariants and exact rule checks."""

from __future__ import annotations

import itertools

import numba
import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import (
    S_ACTIVE,
    S_JAILED,
)
from uprising.engine.fast import blocks
from uprising.engine.fast import scheduler as fast
from uprising.engine.neighbourhood import offsets
from uprising.testing import assert_lattice_consistent

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


@pytest.mark.parametrize("block_width", [64, 1024])
@pytest.mark.parametrize("name", list(RULE_SETS))
def test_same_seed_same_run_with_one_and_two_threads(name, block_width, monkeypatch):
    """Seed 3, 128×128, 25 ticks: bands of rows (2 or 4 of a colour run in parallel), whole
    rows (block_width 1024, the default) or cut in two colours across (block_width 64)."""
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 Numba threads")
    monkeypatch.setattr(blocks, "MAX_BLOCK_WIDTH", block_width)
    assert fast.PARALLEL_MIN_CELLS <= 128 * 128
    runs = []
    before = numba.get_num_threads()
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            m = _model(name, 128)
            m.run(25)
            assert_lattice_consistent(m, counts=True)
            runs.append(_snapshot(m))
    finally:
        numba.set_num_threads(before)
    assert runs[0]["series"][:, 4].sum() > 0 or name == "cross-bounded"  # arrests happened
    for key in runs[0]:
        np.testing.assert_array_equal(runs[0][key], runs[1][key], err_msg=key)


def test_prefetch_hints_change_no_result(monkeypatch):
    """Prefetch hints (activation look-ahead) only move data into cache: with them off, the
    run is the same bit for bit (Mesa app regime, 128×128 in blocks, 30 ticks)."""
    assert fast.AHEAD > 0
    runs = []
    for ahead in (fast.AHEAD, 0):
        monkeypatch.setattr(fast, "AHEAD", ahead)
        m = _model("mesa-app", 128)
        m.run(30)
        runs.append(_snapshot(m))
    for key in runs[0]:
        np.testing.assert_array_equal(runs[0][key], runs[1][key], err_msg=key)


@pytest.mark.parametrize("name", list(RULE_SETS))
def test_window_count_fields_stay_exact(name, monkeypatch):
    """After 40 ticks of incremental updates (moves, decisions, arrests, releases), the cop and
    active fields equal a fresh count of the lattice (``fast.VERIFY_FIELDS``)."""
    monkeypatch.setattr(fast, "VERIFY_FIELDS", True)
    monkeypatch.setattr(blocks, "MAX_BLOCK_WIDTH", 64)  # blocks across too, as on big lattices
    m = _model(name, 128, extra=["population.legitimacy=0.7"])
    m.run(40)
    df = m.get_model_vars_dataframe()
    assert df["arrests"].sum() > 0 and df["active"].max() > 0


def test_fields_check_catches_a_wrong_field(monkeypatch):
    """The check above can fail: a field off by one in one cell is reported."""
    from uprising.engine.fast import fields

    real = fields.build_fields

    def off_by_one(*args):
        real(*args)
        args[-1][7] += 1  # the actives field

    monkeypatch.setattr(fast, "VERIFY_FIELDS", True)
    m = _model("run2", 64)
    m.run(1)
    monkeypatch.setattr(fast, "build_fields", off_by_one)
    fast.FIELDS.clear()  # the fields are kept between calls: make the next call build them
    with pytest.raises(AssertionError, match="window counts"):
        m.run(1)


def test_fields_kept_between_calls_are_rebuilt_after_a_change(monkeypatch):
    """Between calls the kernel keeps its fields; a lattice changed in between (here: more
    cops) makes it rebuild them, and the fields stay exact (checked after every call)."""
    from uprising.engine.fast import fields

    builds = []
    real = fields.build_fields

    def counted(*args):
        builds.append(1)
        real(*args)

    monkeypatch.setattr(fast, "VERIFY_FIELDS", True)
    monkeypatch.setattr(fast, "build_fields", counted)
    fast.FIELDS.clear()
    m = _model("run2", 64, extra=["police.density=0.02", "timeline=[{kind: set, at: 50, "
                                  "path: police.density, value: 0.04}]"])
    for _ in range(3):
        m.step()
    assert len(builds) == 1
    m.set_parameter("police.density", 0.04)
    m.step()
    assert len(builds) == 2


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
    np.testing.assert_array_equal(st.state[:n] == S_ACTIVE, want)
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
    assert_lattice_consistent(m, counts=True)


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
    jailed = st.state[: st.n_citizens] == S_JAILED
    terms = st.term[: st.n_citizens][jailed]
    assert ((terms >= 0) & (terms <= 30)).all()
    assert_lattice_consistent(m, counts=True)


@pytest.mark.parametrize("name", list(RULE_SETS))
def test_invariants_hold_for_every_rule_set(name):
    m = _model(name, 40, extra=["population.legitimacy=0.7"])
    for _ in range(5):
        m.run(10)
        assert_lattice_consistent(m, counts=True)


def test_cop_density_ramp_runs_on_fast_engine():
    """Run 5's cop ramp (timeline events between kernel calls) works with the fast engine."""
    m = Model("epstein2002-run5", rng=1, overrides=["engine=fast"])
    m.run(120)
    df = m.get_model_vars_dataframe()
    assert df["cops"].iloc[0] == 118 and df["cops"].iloc[-1] < 118
    assert_lattice_consistent(m, counts=True)


def _cyclic_gap(a: tuple[int, int], b: tuple[int, int], length: int) -> int:
    """Returns the cells strictly between intervals [a0, a1) and [b0, b1) on a ring (0 if they
    are the same interval)."""
    if a == b:
        return 0
    return min((b[0] - a[1]) % length, (a[0] - b[1]) % length)


@pytest.mark.parametrize("max_width", [64, 1024])
def test_block_plans_keep_same_colour_blocks_apart(max_width, monkeypatch):
    """For many sizes and radii, any two blocks of one colour are ≥ 2·footprint apart along x
    or along y (cyclically, whatever the offset), which is what lets them run at the same
    time; every colour has the same number of blocks."""
    from uprising.engine.fast.blocks import block_plan, footprint

    monkeypatch.setattr(blocks, "MAX_BLOCK_WIDTH", max_width)
    for v, v_cop in ((1, 1), (3, 2), (7, 7), (10, 4)):
        gap = 2 * footprint(v, v_cop)
        for width, height in ((40, 40), (97, 97), (128, 128), (160, 160), (333, 200),
                              (1000, 90), (2001, 2001), (3000, 60)):
            plan = block_plan(width, height, v, v_cop)
            assert plan.nbx % plan.cx == 0 and plan.nby % plan.cy == 0
            xs = [((b * width) // plan.nbx, ((b + 1) * width) // plan.nbx)
                  for b in range(plan.nbx)]
            ys = [((b * height) // plan.nby, ((b + 1) * height) // plan.nby)
                  for b in range(plan.nby)]
            found = [(bx, by) for bx in range(plan.nbx) for by in range(plan.nby)]
            for (ax, ay), (bx, by) in itertools.combinations(found, 2):
                if ax % plan.cx != bx % plan.cx or ay % plan.cy != by % plan.cy:
                    continue  # different colours
                apart = max(_cyclic_gap(xs[ax], xs[bx], width),
                            _cyclic_gap(ys[ay], ys[by], height))
                assert apart >= gap, (width, height, v, v_cop, plan, (ax, ay), (bx, by))
            if plan.nby > 1:  # bands of rows, cut across only when wider than max_width
                assert (plan.nbx > 1) == (width > max_width)


def test_kernels_cached_tells_a_cold_cache(tmp_path):
    """A fresh Numba cache (NUMBA_CACHE_DIR empty) means the next run compiles: the CLI warns."""
    import os
    import subprocess
    import sys

    code = "from uprising.engine.fast.scheduler import kernels_cached; print(kernels_cached())"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    assert cold.stdout.strip() == "False"
    m = _model("run2", 40)
    m.run(1)
    assert fast.kernels_cached()
