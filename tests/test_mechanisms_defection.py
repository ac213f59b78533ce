"""Exact rules of local, reversible defection with peers and sanctions (issue 15, ODD §8.1 E5).

A cop defects when π = a + β·q − σ·(1 − q_σ) > θ_i·ℓ: a is the active share of the citizens in
its view, q the share of defectors among the security forces in view, β the peer weight, σ the
sanction, q_σ = q (``sanction_scope: view``) or the force-wide share Q (``force``). A defector
returns when π < return_fraction·θ_i·ℓ (reversible). Foreign cops never defect, and a density
change never removes a defector.
"""

from __future__ import annotations

import numpy as np
import pytest

from uprising import Model
from uprising.engine.codes import (
    ACTIVE,
    F_FOREIGN,
    K_CITIZEN,
    K_COP,
    K_DEFECTOR,
    S_ACTIVE,
    S_DEAD,
    S_JAILED,
    S_OFF,
    S_QUIET,
)
from uprising.engine.mechanisms import defection_pressure, force_defected_share
from uprising.testing import handmade_world


def _world(overrides: list[str], citizens, cops) -> Model:
    m = Model("epstein2002-run2", rng=0, overrides=[
        "world.width=15", "world.height=15", "population.density=0.5", "police.density=0.1",
        "population.vision=3", "police.vision=3", "rules.movement=false",
        "rules.cops_move_when_movement_off=false", "ticks=50", "population.legitimacy=0",
        "defection.enabled=true", *overrides])
    m = handmade_world(m, citizens, cops)
    n = m.state.n_citizens
    m.state.hardship[:n] = 0.0  # nobody turns active on their own: the crowd is as placed
    m.state.risk_aversion[:n] = 0.0
    m.parameters.refresh_citizens(m.state, 0)
    return m


def _defect(m: Model, slot: int) -> None:
    st = m.state
    st.kind[slot] = K_DEFECTOR
    st.state[slot] = S_ACTIVE
    st.code[st.pos[slot]] = ACTIVE


def test_pressure_formula() -> None:
    view = -1.0  # the sanction weakened by q, the share defected in view
    assert defection_pressure(2, 2, 0, 0, 0.0, 0.0, view) == pytest.approx(0.5)
    assert defection_pressure(2, 2, 1, 1, 0.4, 0.0, view) == pytest.approx(0.5 + 0.4 * 0.5)
    assert defection_pressure(2, 2, 3, 0, 0.4, 0.3, view) == pytest.approx(0.5 - 0.3)
    assert defection_pressure(2, 2, 0, 2, 0.4, 0.3, view) == pytest.approx(0.5 + 0.4)  # q = 1
    assert defection_pressure(0, 0, 0, 0, 1.0, 1.0, view) == pytest.approx(-1.0)  # nobody
    # sanction_scope = force: the force-wide share Q replaces q in the sanction term only
    assert defection_pressure(2, 2, 0, 2, 0.4, 0.3, 0.0) == pytest.approx(0.5 + 0.4 - 0.3)
    assert defection_pressure(2, 2, 3, 0, 0.4, 0.3, 0.5) == pytest.approx(0.5 - 0.15)


def test_force_defected_share_counts_alive_defectors_and_cops_on_duty() -> None:
    kind = np.array([K_CITIZEN, K_CITIZEN, K_COP, K_COP, K_COP, K_DEFECTOR, K_DEFECTOR], np.int8)
    state = np.array([S_ACTIVE, S_QUIET, S_QUIET, S_OFF, S_QUIET, S_JAILED, S_DEAD], np.int8)
    # cops on duty 2 (one is off duty), defectors alive 1 (one jailed, one dead): Q = 1/3
    assert force_defected_share(kind, state) == pytest.approx(1 / 3)
    assert force_defected_share(kind[:2], state[:2]) == 0.0


@pytest.mark.parametrize(("scope", "defects"), [("view", True), ("force", False)])
def test_force_wide_sanction_holds_where_a_unit_has_gone_over(scope: str, defects: bool) -> None:
    # θ = 0.5, σ = 0.3, β = 0. The cop at (7, 7) sees 3 actives of 5 citizens (the defector at
    # (9, 9) included): a = 0.6, and no loyal cop: q = 1. In view scope the sanction is gone:
    # π = 0.6 > 0.5. Three loyal cops far away (out of view) keep the force-wide share at
    # Q = 1/5: π = 0.6 − 0.3·(1 − 0.2) = 0.36 < 0.5, it stays.
    m = _crowd_world(["defection.threshold={dist: constant, value: 0.5}",
                      "defection.sanction=0.3", f"defection.sanction_scope={scope}"],
                     cops=[(7, 7), (9, 9), (0, 0), (0, 14), (14, 0)])
    cop, other = m.state.n_citizens, m.state.n_citizens + 1
    _defect(m, other)
    m.step()
    assert bool(m.state.kind[cop] == K_DEFECTOR) is defects


# Citizens: two active (held active by hardship 1 below), two quiet: a = 1/2.
CROWD = [(6, 7, True), (8, 7, True), (7, 6, False), (7, 8, False)]


def _crowd_world(overrides: list[str], cops) -> Model:
    m = _world(overrides, CROWD, cops)
    m.state.hardship[:2] = 1.0
    m.parameters.refresh_citizens(m.state, 0)
    return m


@pytest.mark.parametrize(("sanction", "defects"), [(0.0, True), (0.2, False)])
def test_sanction_holds_a_cop_back(sanction: float, defects: bool) -> None:
    # θ = 0.4: a = 0.5 > 0.4 defects without sanction; 0.5 − 0.2·(1 − 0) = 0.3 < 0.4 stays.
    m = _crowd_world(["defection.threshold={dist: constant, value: 0.4}",
                      f"defection.sanction={sanction}"], cops=[(7, 7)])
    m.step()
    assert bool(m.state.kind[m.state.n_citizens] == K_DEFECTOR) is defects


@pytest.mark.parametrize(("peer", "defects"), [(0.0, False), (0.6, True)])
def test_peers_who_defected_pull_a_cop_over(peer: float, defects: bool) -> None:
    # θ = 0.6. The defector at (9, 9) is an active citizen in view: 3 actives of 5, a = 0.6,
    # not > 0.6; q = 1 (the only security force in view has defected): π = 0.6 + β.
    m = _crowd_world(["defection.threshold={dist: constant, value: 0.6}",
                      f"defection.peer_weight={peer}"], cops=[(7, 7), (9, 9)])
    cop, other = m.state.n_citizens, m.state.n_citizens + 1
    _defect(m, other)
    m.step()
    assert bool(m.state.kind[cop] == K_DEFECTOR) is defects


@pytest.mark.parametrize(("reversible", "returns"), [(False, False), (True, True)])
def test_defector_returns_when_the_crowd_thins(reversible: bool, returns: bool) -> None:
    # A defector among four quiet citizens: π = 1/5 (itself not counted; nobody else active)
    # = 0 < 0.5·0.6: it returns to duty if defection is reversible.
    quiet = [(6, 7, False), (8, 7, False), (7, 6, False), (7, 8, False)]
    m = _world(["defection.threshold={dist: constant, value: 0.6}",
                f"defection.reversible={str(reversible).lower()}", "defection.join_crowd=false"],
               quiet, cops=[(7, 7)])
    slot = m.state.n_citizens
    _defect(m, slot)
    m.step()
    assert bool(m.state.kind[slot] == K_COP) is returns


def test_a_foreign_cop_never_defects() -> None:
    # The crowd is all active (a = 1 > θ = 0): a local cop defects, a foreign one does not.
    active = [(6, 7, True), (8, 7, True), (7, 6, True), (7, 8, True)]
    m = _world(["defection.threshold={dist: constant, value: 0.0}"], active,
               cops=[(7, 7), (8, 8)])
    m.state.hardship[:4] = 1.0
    m.parameters.refresh_citizens(m.state, 0)
    foreign, local = m.state.n_citizens, m.state.n_citizens + 1
    m.state.flags[foreign] |= F_FOREIGN
    m.step()
    assert m.state.kind[foreign] == K_COP
    assert m.state.kind[local] == K_DEFECTOR


def test_external_police_are_flagged_foreign_and_stay() -> None:
    # An outside power sends police (0.02 density = 32 cops on 40×40) at t = 6; with θ = 0
    # every local cop who sees a single active defects, the foreign ones never do.
    m = Model("epstein2002-run2", rng=2, overrides=[
        "ticks=30", "population.legitimacy=0.6", "defection.enabled=true",
        "defection.threshold={dist: constant, value: 0.0}",
        "government={mode: script, request_help: {}, script: [{at: 3, action: request_help}]}",
        "external_power={enabled: true, trigger: request, delay_ticks: 3, "
        "reinforcement: police, police_share: 0.02}"])
    m.run()
    st = m.state
    slots = slice(st.n_citizens, None)
    foreign = (st.flags[slots] & F_FOREIGN) != 0
    assert int(foreign.sum()) == 32
    assert bool((st.kind[slots][foreign] == K_COP).all())
    assert int((st.kind[slots] == K_DEFECTOR).sum()) > 0  # local police did defect
