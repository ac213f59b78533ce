"""The one simulation contract: every model class is a ``Simulation``, offers what macro actors
use (``uprising.actors.interface.ActorModel``), checks its arguments the same way, and forks.

``fork()`` is a deep copy that continues bit-identically (same state, same random streams): a
fork run N more ticks records what the original records in the same N ticks, and a change made
on the fork leaves the original as if there were no fork.
"""

from __future__ import annotations

import pandas as pd
import pytest

from uprising.actors.interface import ActorModel
from uprising.scenario import load_scenario
from uprising.simulation import InterGroupModel, Model, MultiSiteModel, Simulation, make_model

#: (id, preset, overrides, ticks before the fork, ticks after it). The tour forks just before its
#: government cracks down (t = 380) and asks for help, which the external power decides by a
#: draw of the macro stream (t = 390): the actors and their random stream act on both branches.
CASES: list[tuple[str, str, list[str], int, int]] = [
    ("model1-reference", "epstein2002-run1", ["engine=reference"], 30, 30),
    ("model1-fast", "epstein2002-run1", ["engine=fast"], 30, 30),
    ("model2", "epstein2002-run7", [], 30, 30),
    ("sites", "mechanisms-tour-sites", [], 30, 30),
    ("mechanisms-tour", "mechanisms-tour", [], 240, 40),
]
IDS = [c[0] for c in CASES]
SEED = 3
#: The change made on the fork: far from every preset's legitimacy, so the fork diverges.
CHANGE = ("population.legitimacy", 0.3)


def _model(preset: str, overrides: list[str]) -> Simulation:
    return make_model(load_scenario(preset, overrides), rng=SEED)


def _same_run(a: Simulation, b: Simulation) -> None:
    """Asserts two runs recorded the same ticks, made the same decisions and hold the same
    agents."""
    assert a.tick == b.tick
    pd.testing.assert_frame_equal(a.get_model_vars_dataframe(), b.get_model_vars_dataframe())
    assert a.events == b.events
    pd.testing.assert_frame_equal(a.get_agent_vars_dataframe(), b.get_agent_vars_dataframe())


@pytest.mark.parametrize(("preset", "overrides", "before", "after"),
                         [c[1:] for c in CASES], ids=IDS)
def test_a_fork_continues_bit_identically(preset: str, overrides: list[str], before: int,
                                          after: int) -> None:
    m = _model(preset, overrides)
    m.run(before)
    f = m.fork()
    assert type(f) is type(m) and f is not m and f.tick == m.tick == before
    f.run(after)
    m.run(after)
    _same_run(f, m)
    assert f.tick == before + after
    if preset == "mechanisms-tour":
        acted = {(e["actor"], e["action"]) for e in m.events if e["tick"] > before}
        assert {("government", "crackdown"), ("external_power", "decide")} <= acted


@pytest.mark.parametrize(("preset", "overrides", "before", "after"),
                         [c[1:] for c in CASES], ids=IDS)
def test_a_change_on_the_fork_leaves_the_original_untouched(
        preset: str, overrides: list[str], before: int, after: int) -> None:
    m = _model(preset, overrides)
    twin = _model(preset, overrides)  # never forked: what the original must stay equal to
    m.run(before)
    f = m.fork()
    path, value = CHANGE
    old = dict(m.params)
    f.set_parameter(path, value)
    assert m.params == old
    assert f.params != old
    f.run(after)
    m.run(after)
    twin.run(before + after)
    _same_run(m, twin)
    assert f.params != m.params
    # the change did act on the fork
    assert not f.get_model_vars_dataframe().equals(m.get_model_vars_dataframe())


@pytest.mark.parametrize("cls", [Model, InterGroupModel, MultiSiteModel])
def test_every_model_class_is_a_simulation(cls: type) -> None:
    assert issubclass(cls, Simulation)


#: The names of the actor-facing Protocol (n_citizens, params, last_row, set_parameter, ...).
ACTOR_MEMBERS = sorted(n for n in vars(ActorModel) if not n.startswith("_"))
#: A preset of each model class.
PRESETS = ["epstein2002-run1", "epstein2002-run7", "mechanisms-tour-sites"]
CLASS_IDS = ["Model", "InterGroupModel", "MultiSiteModel"]


@pytest.mark.parametrize("preset", PRESETS, ids=CLASS_IDS)
def test_every_model_offers_the_actor_interface(preset: str) -> None:
    m = _model(preset, [])
    assert {"n_citizens", "params", "last_row", "set_parameter", "concede", "log_event"} \
        <= set(ACTOR_MEMBERS)
    # ``n_citizens`` (what it holds) is checked by test_the_citizen_count_actors_read
    methods = [n for n in ACTOR_MEMBERS if n not in ("n_citizens", "params")]
    assert [n for n in methods if not callable(getattr(m, n, None))] == []
    assert isinstance(m.params, dict) and all(isinstance(v, float | int)
                                              for v in m.params.values())
    assert isinstance(m.last_row(), dict)


@pytest.mark.parametrize("preset", ["epstein2002-run1", "epstein2002-run7",
                                    "mechanisms-tour-sites"], ids=CLASS_IDS)
def test_the_citizen_count_actors_read(preset: str) -> None:
    """Actors read ``model.n_citizens`` (ActorModel) to turn counts into shares."""
    from uprising.actors.common import active_share

    m = _model(preset, [])
    m.run(3)
    assert isinstance(m.n_citizens, int) and m.n_citizens > 0
    assert active_share(m) == m.last_row()["active"] / m.n_citizens


def test_run_refuses_a_negative_tick_count() -> None:
    m = Model("epstein2002-run1", rng=0)
    with pytest.raises(ValueError, match="ticks"):
        m.run(-3)
    assert m.tick == 0


def test_a_negative_seed_is_refused_naming_rng() -> None:
    with pytest.raises(ValueError, match="rng"):
        Model("epstein2002-run1", rng=-1)


def test_one_override_may_be_a_string() -> None:
    m = Model("epstein2002-run1", rng=0, overrides="police.density=0.05")
    assert m.scenario.police.density == 0.05
    assert m.scenario == Model("epstein2002-run1", rng=0,
                               overrides=["police.density=0.05"]).scenario


def test_a_fast_fork_keeps_the_compact_layout() -> None:
    """The fast engine's one-value arrays (stride 0) stay so in a fork, with their writability,
    and still belong to the fork alone: the kernels see the same types (no second compilation)
    and the fork costs no extra memory."""
    import numpy as np

    m = _model("epstein2002-run1", ["engine=fast"])
    m.run(2)
    f = m.fork()
    compact = [k for k, v in vars(m.state).items()
               if isinstance(v, np.ndarray) and v.ndim == 1 and v.size and v.strides == (0,)]
    assert "threshold" in compact
    for name in compact:
        a, b = getattr(m.state, name), getattr(f.state, name)
        assert b.strides == (0,) and b.flags.writeable == a.flags.writeable
        np.testing.assert_array_equal(a, b)
    before = float(m.state.threshold[0])
    f.state.threshold[:] = before + 0.25
    assert float(m.state.threshold[0]) == before
