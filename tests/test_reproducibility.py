"""Reproducibility: same seed → same bits; different seeds or replicates → different runs.

A run's randomness comes from ``SeedSequence(seed, spawn_key=(replicate,))`` (HELPERS.md,
issue 2 acceptance point 5). Checked on saved Parquet files, on the in-memory series and on
the final world arrays.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from uprising import Model, load_scenario, run_scenario
from uprising.api import run_replicates
from uprising.results import SUMMARY_FILE, TIMESERIES_FILE, RunResult

TICKS = 400


def series(m: Model) -> pd.DataFrame:
    return m.get_model_vars_dataframe()


def world(m: Model) -> tuple[np.ndarray, ...]:
    st = m.state
    return st.code.copy(), st.occupant.copy(), st.pos.copy(), st.state.copy(), st.term.copy()


def same_world(a: Model, b: Model) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(world(a), world(b), strict=True))


def test_same_seed_identical_parquet(tmp_path: Path):
    """Two runs of Run 2 with seed 7 saved to two folders: the Parquet tables read back are
    identical (values, dtypes, column order), and so are the raw Parquet files."""
    a = run_scenario("epstein2002-run2", seed=7, ticks=TICKS)
    b = run_scenario("epstein2002-run2", seed=7, ticks=TICKS)
    da, db = a.save(tmp_path / "a"), b.save(tmp_path / "b")
    for name in (TIMESERIES_FILE, SUMMARY_FILE):
        ta, tb = pq.read_table(da / name), pq.read_table(db / name)
        assert ta.schema.equals(tb.schema)
        assert ta.equals(tb)
        pd.testing.assert_frame_equal(pd.read_parquet(da / name), pd.read_parquet(db / name),
                                      check_exact=True)
    assert (da / TIMESERIES_FILE).read_bytes() == (db / TIMESERIES_FILE).read_bytes()
    ts = pd.read_parquet(da / TIMESERIES_FILE)
    assert len(ts) == TICKS + 1
    assert ts["active"].max() > 50  # a non-trivial run (Run 2 erupts within 400 ticks)
    # the loaded result equals the one in memory
    back = RunResult.load(da)
    pd.testing.assert_frame_equal(back.timeseries, a.timeseries, check_exact=True)
    assert back.summary == pytest.approx(a.summary, nan_ok=True)
    assert back.metadata["seed"] == 7


def test_same_seed_identical_final_world():
    a = Model("epstein2002-run2", rng=11)
    b = Model("epstein2002-run2", rng=11)
    assert same_world(a, b)
    a.run(TICKS)
    b.run(TICKS)
    assert same_world(a, b)
    pd.testing.assert_frame_equal(series(a), series(b), check_exact=True)


def test_different_seeds_differ():
    runs = [series(Model("epstein2002-run2", rng=s).run(TICKS)) for s in (1, 2, 3)]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not runs[i]["active"].equals(runs[j]["active"])
    # the initial worlds differ too
    assert not same_world(Model("epstein2002-run2", rng=1), Model("epstein2002-run2", rng=2))


def test_replicate_index_changes_the_stream():
    r0 = run_scenario("epstein2002-run2", seed=5, replicate=0, ticks=TICKS)
    r1 = run_scenario("epstein2002-run2", seed=5, replicate=1, ticks=TICKS)
    assert not r0.timeseries["active"].equals(r1.timeseries["active"])
    assert r1.metadata["replicate"] == 1
    # ... and is reproducible
    r1b = run_scenario("epstein2002-run2", seed=5, replicate=1, ticks=TICKS)
    pd.testing.assert_frame_equal(r1.timeseries, r1b.timeseries, check_exact=True)


@pytest.mark.parametrize("replicate", [0, 1, 3])
def test_seed_sequence_and_int_seed_agree(replicate):
    """Model(rng=s, replicate=r) ≡ Model(rng=SeedSequence(s, spawn_key=(r,)))."""
    a = Model("epstein2002-run2", rng=9, replicate=replicate).run(TICKS)
    b = Model("epstein2002-run2",
              rng=np.random.SeedSequence(9, spawn_key=(replicate,))).run(TICKS)
    pd.testing.assert_frame_equal(series(a), series(b), check_exact=True)
    assert same_world(a, b)


def test_scenario_seed_is_the_default_rng():
    sc = load_scenario("epstein2002-run2", ["seed=21"])
    a = Model(sc).run(TICKS)
    b = Model("epstein2002-run2", rng=21).run(TICKS)
    pd.testing.assert_frame_equal(series(a), series(b), check_exact=True)
    c = run_scenario(sc, ticks=TICKS)
    pd.testing.assert_frame_equal(c.timeseries, series(a), check_exact=True)


def test_generator_rng_is_reproducible():
    a = Model("epstein2002-run2", rng=np.random.default_rng(3)).run(TICKS)
    b = Model("epstein2002-run2", rng=np.random.default_rng(3)).run(TICKS)
    c = Model("epstein2002-run2", rng=np.random.default_rng(4)).run(TICKS)
    pd.testing.assert_frame_equal(series(a), series(b), check_exact=True)
    assert not series(a)["active"].equals(series(c)["active"])


@pytest.mark.parametrize("preset", ["epstein2002-run2", "epstein2002-run4", "epstein2002-run5"])
def test_stepping_equals_one_run(preset):
    """The chunking of run() (timeline boundaries, 1000-tick chunks) never changes the bits:
    tick-by-tick step() gives the same series and world as run(), and as uneven chunks."""
    n = 1200 if preset == "epstein2002-run2" else 300
    a = Model(preset, rng=4).run(n)
    b = Model(preset, rng=4)
    for _ in range(n):
        b.step()
    c = Model(preset, rng=4)
    for chunk in (1, 76, 2, 500, 621):
        c.run(min(chunk, n - c.tick))
    for other in (b, c):
        assert other.tick == n
        pd.testing.assert_frame_equal(series(a), series(other), check_exact=True)
        assert same_world(a, other)


def test_replicates_table_is_reproducible(tmp_path: Path):
    a = run_replicates("epstein2002-run2", 3, seed=2, ticks=200)
    b = run_replicates("epstein2002-run2", 3, seed=2, ticks=200)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    assert sorted(a.timeseries["replicate"].unique()) == [0, 1, 2]
    reps = [g["active"].to_numpy() for _, g in a.timeseries.groupby("replicate")]
    assert not np.array_equal(reps[0], reps[1]) and not np.array_equal(reps[1], reps[2])
    a.save(tmp_path / "a")
    b.save(tmp_path / "b")
    assert ((tmp_path / "a" / TIMESERIES_FILE).read_bytes()
            == (tmp_path / "b" / TIMESERIES_FILE).read_bytes())
