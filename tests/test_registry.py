"""Every row of the run-time parameter registry is settable from a timeline event and from
``set_parameter``, in every model that declares it, and takes its declared effect."""

from __future__ import annotations

import math

import numpy as np
import pytest

from uprising.api import make_model
from uprising.engine.codes import SW_MAX_TERM
from uprising.engine.state import count_for
from uprising.scenario import ScenarioError, load_scenario
from uprising.scenario.loader import raw_scenario
from uprising.scenario.registry import PATHS, REGISTRY, Effect, RuntimeParameter, row_for

BASE = {"civil_violence": "epstein2002-run2", "intergroup": "epstein2002-peacekeepers"}
AT = 3  # the event's tick


def _value(row: RuntimeParameter) -> float:
    """Returns an in-range value that differs from the base presets' initial one (fewer cops:
    the run has no cop slots beyond the largest density its timeline reaches)."""
    if row.effect is Effect.COP_COUNT:
        return 0.02
    top = min(row.high, row.low + 4.0)
    return round(row.low + 0.93 * (top - row.low), 6)


def _scenario(model: str, timeline: list[dict] | None = None):
    data = raw_scenario(BASE[model])
    data["ticks"] = 10
    data["timeline"] = timeline or []
    data["police"]["density"] = 0.04
    return load_scenario(data)


def _cops_on_duty(m) -> int:
    code = m.state.code if model_kind(m) == "civil_violence" else m.code
    return int((code == 4).sum())  # COP cell code


def model_kind(m) -> str:
    return m.scenario.model


def _assert_effect(row: RuntimeParameter, m, before, value: float) -> None:
    """Asserts that the change's declared effect reached the model's state."""
    checks = {
        Effect.CITIZENS: _check_citizens,
        Effect.COP_COUNT: _check_cop_count,
        Effect.MAX_TERM: _check_max_term,
        Effect.VISION: _check_vision,
        Effect.MECH: _check_mech,
    }
    checks[row.effect](row, m, before, value)  # a new Effect needs a check here


def _check_citizens(row, m, before, value) -> None:
    if model_kind(m) == "intergroup":  # the kernel reads the scalar at every call
        if row.path == "population.legitimacy":
            assert m.last_row()["legitimacy"] == pytest.approx(value)
        return
    n = m.state.n_citizens
    field = row.group_field
    assert m.params[f"groups.all.{field}"] == value
    if field == "threshold":
        assert np.allclose(m.state.threshold[:n], value)
    elif field == "legitimacy":
        assert np.allclose(m.state.grievance[:n], m.state.hardship[:n] * (1 - value))
    elif field == "hardship_scale":
        g = np.minimum(m.state.hardship[:n] * value, 1.0) * (1 - m.params["population.legitimacy"])
        assert np.allclose(m.state.grievance[:n], g)
    elif field == "risk_scale":
        assert np.allclose(m.state.risk[:n], m.state.risk_aversion[:n] * value)
    else:
        pytest.fail(f"no check for group field {field}")


def _check_cop_count(row, m, before, value) -> None:
    cells = m.scenario.world.width * m.scenario.world.height
    assert before["cops"] > count_for(value, cells)  # the value takes cops off duty
    assert _cops_on_duty(m) == count_for(value, cells)


def _check_max_term(row, m, before, value) -> None:
    assert m.switches[SW_MAX_TERM] == (-1 if math.isinf(value) else int(value))


def _check_vision(row, m, before, value) -> None:
    assert not np.array_equal(m.config.cit_offs, before["cit_offs"])
    assert np.abs(m.config.cit_offs).max() <= value


def _check_mech(row, m, before, value) -> None:
    assert not np.array_equal(m.mech, before["mech"])


def _snapshot(m) -> dict:
    code = m.state.code if model_kind(m) == "civil_violence" else m.code
    out = {"cops": int((code == 4).sum()), "agents_on_lattice": int((code > 0).sum())}
    if model_kind(m) == "civil_violence":
        out["cit_offs"] = m.config.cit_offs.copy()
        out["mech"] = m.mech.copy()
    return out


CASES = [(row.path, model) for row in REGISTRY for model in row.models]


@pytest.mark.parametrize(("path", "model"), CASES, ids=[f"{p}-{m}" for p, m in CASES])
def test_row_settable_from_the_timeline(path: str, model: str) -> None:
    row = row_for(path)
    value = _value(row)
    m = make_model(_scenario(model, [{"kind": "set", "at": AT, "path": path, "value": value}]),
                   rng=1)
    assert m.params[path] == pytest.approx(row.initial(m.scenario))
    m.run(AT - 1)
    before = _snapshot(m)
    m.run(1)
    assert m.params[path] == value
    _assert_effect(row, m, before, value)


@pytest.mark.parametrize(("path", "model"), CASES, ids=[f"{p}-{m}" for p, m in CASES])
def test_row_settable_with_set_parameter(path: str, model: str) -> None:
    row = row_for(path)
    value = _value(row)
    m = make_model(_scenario(model), rng=1)
    m.run(1)
    before = _snapshot(m)
    m.set_parameter(path, value)
    m.run(1)
    assert m.params[path] == value
    _assert_effect(row, m, before, value)


@pytest.mark.parametrize("path", [r.path for r in REGISTRY if "intergroup" not in r.models])
def test_model_two_refuses_what_it_does_not_have(path: str) -> None:
    m = make_model(_scenario("intergroup"), rng=1)
    with pytest.raises(KeyError, match="cannot be changed"):
        m.set_parameter(path, _value(row_for(path)))
    with pytest.raises(ScenarioError, match=f"{path} cannot change during a run of model = inter"):
        _scenario("intergroup", [{"kind": "set", "at": AT, "path": path,
                                  "value": _value(row_for(path))}])


def test_more_cops_than_slots_is_refused() -> None:
    m = make_model(_scenario("civil_violence"), rng=1)
    with pytest.raises(ValueError, match="cop slots"):
        m.set_parameter("police.density", 0.5)


def test_unknown_path_is_refused_everywhere() -> None:
    m = make_model(_scenario("civil_violence"), rng=1)
    with pytest.raises(KeyError, match="allowed"):
        m.set_parameter("police.vision", 3.0)
    with pytest.raises(ScenarioError, match="timeline"):
        _scenario("civil_violence", [{"kind": "set", "at": 2, "path": "police.vision",
                                      "value": 3.0}])


@pytest.mark.parametrize("row", REGISTRY, ids=lambda r: r.path)
def test_timeline_refuses_values_outside_the_row_range(row: RuntimeParameter) -> None:
    bad = row.low - 1.0
    with pytest.raises(ScenarioError, match=row.path):
        _scenario(row.models[0], [{"kind": "set", "at": 2, "path": row.path, "value": bad}])


def test_timeline_vision_is_bounded_by_the_world() -> None:
    """A vision that sees a cell twice on the torus is refused in a timeline as statically
    (it made the kernel write out of bounds)."""
    with pytest.raises(ScenarioError, match=r"population\.vision = 50 sees the same cell twice"):
        _scenario("civil_violence", [{"kind": "set", "at": 2, "path": "population.vision",
                                      "value": 50}])


def test_registry_is_the_timeline_vocabulary() -> None:
    from typing import get_args

    from uprising.scenario.events import SetEvent

    assert get_args(SetEvent.model_fields["path"].annotation) == PATHS
