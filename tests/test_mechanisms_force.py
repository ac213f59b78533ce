"""Force: fire on violent crowds with separate deaths and injuries (protesters, bystanders,
police), and the deterrence of force in perceived risk (issue 15, docs/ODD.md §8.1 E7)."""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import F_VIOLENT, S_DEAD, S_QUIET
from uprising.testing import handmade_world


def _rates(fire: float, lethality: float, bystander: float) -> str:
    level = (f"{{protester: 0, police: 0, fire: {fire}, lethality: {lethality}, "
             f"bystander: {bystander}}}")
    zero = "{protester: 0, police: 0}"
    return f"violence.casualty_rates={{restrained: {zero}, normal: {zero}, lethal: {level}}}"


def _crowd(fire: float, lethality: float, bystander: float, quiet: bool) -> Model:
    # Four violent actives at crowd threshold 4 around (7, 7) hold still; one cop at (7, 9)
    # sees them (vision 3); optionally one quiet citizen at (9, 9) in its view.
    m = Model("epstein2002-run2", rng=0, overrides=[
        "world.width=15", "world.height=15", "population.density=0.5", "police.density=0.1",
        "population.vision=3", "police.vision=3", "rules.movement=false",
        "rules.cops_move_when_movement_off=false", "ticks=50", "population.legitimacy=0",
        "violence.enabled=true", "violence.crowd_threshold=4", "violence.force_level=lethal",
        _rates(fire, lethality, bystander)])
    people = [(6, 7, True), (8, 7, True), (7, 6, True), (7, 8, True)]
    if quiet:
        people.append((9, 9, False))
    m = handmade_world(m, people, cops=[(7, 10)])
    n = m.state.n_citizens
    m.state.hardship[:n] = [1.0, 1.0, 1.0, 1.0, 0.0][:n]
    m.state.risk_aversion[:n] = 0.0
    m.state.flags[:4] |= F_VIOLENT
    m.parameters.refresh_citizens(m.state, 0)
    return m


@pytest.mark.parametrize(("lethality", "column"), [(1.0, "killed"), (0.0, "injured")])
def test_fire_on_a_violent_crowd_kills_or_injures_a_protester(lethality: float, column: str):
    m = _crowd(fire=1.0, lethality=lethality, bystander=0.0, quiet=False)
    m.step()
    row = m.last_row()
    assert row[column] == 1 and row["arrests"] == 0  # the cop fired instead of arresting
    other = "injured" if column == "killed" else "killed"
    assert row[other] == 0 and row["bystanders_killed"] + row["bystanders_injured"] == 0
    hit = np.flatnonzero(m.state.state[:4] == (S_DEAD if lethality else S_QUIET))
    assert len(hit) >= 1


def test_fire_hits_a_bystander() -> None:
    m = _crowd(fire=1.0, lethality=1.0, bystander=1.0, quiet=True)
    m.step()
    row = m.last_row()
    assert row["bystanders_killed"] == 1 and row["killed"] == 0
    assert m.state.state[4] == S_DEAD and m.state.pos[4] == -1


def test_no_fire_without_the_order() -> None:
    m = _crowd(fire=0.0, lethality=1.0, bystander=0.0, quiet=False)
    m.step()
    row = m.last_row()
    assert row["killed"] + row["injured"] == 0 and row["arrests"] == 1


def test_deterrence_multiplies_perceived_risk_by_force_harm() -> None:
    # D = 1 + φ·(protester + fire) of the level in force; a crackdown to lethal raises it.
    m = Model("epstein2002-run2", rng=0, overrides=[
        "ticks=10", "violence.enabled=true", "violence.deterrence=10",
        "violence.casualty_rates={restrained: {protester: 0.0, police: 0}, normal: {protester:"
        " 0.01, police: 0}, lethal: {protester: 0.1, police: 0, fire: 0.05}}"])
    n = m.state.n_citizens
    np.testing.assert_allclose(m.state.risk[:n], m.state.risk_aversion[:n] * 1.1)
    m.set_parameter("violence.force_level", 2)
    np.testing.assert_allclose(m.state.risk[:n], m.state.risk_aversion[:n] * 2.5)
    m.set_parameter("violence.force_level", 0)
    np.testing.assert_allclose(m.state.risk[:n], m.state.risk_aversion[:n])


def test_police_flee_a_seized_building() -> None:
    # A target at (7, 7) with damage 1 (seized); cops at distance 1 and 2 flee (radius 2), the
    # one at distance 5 stays; the event is logged for the government.
    m = Model("epstein2002-run2", rng=0, overrides=[
        "world.width=15", "world.height=15", "population.density=0.5", "police.density=0.1",
        "population.vision=3", "police.vision=3", "rules.movement=false",
        "rules.cops_move_when_movement_off=false", "ticks=50", "violence.enabled=true",
        "violence.target_cells=[[7, 7]]", "violence.police_flee_radius=2"])
    m = handmade_world(m, [(1, 1, False)], cops=[(8, 7), (7, 9), (12, 7)])
    m.state.damage[:] = 1.0
    m.step()
    st = m.state
    n = st.n_citizens
    assert [int(s) for s in st.state[n:n + 3]] == [3, 3, 0]  # S_OFF, S_OFF, on duty
    assert m.events[0]["action"] == "seized" and m.events[0]["police_fled"] == 2
    m.step()  # only newly seized buildings count
    assert len(m.events) == 1
