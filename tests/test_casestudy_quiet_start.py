"""A case run starts from the record's quiet country (``casestudy.simulate.start_quiet``)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from uprising.casestudy import cases
from uprising.casestudy.simulate import run_daily, simulate, start_quiet

CASE = "kazakhstan-2022"
PROTEST = cases.PROTEST_PEOPLE
# a point of round 16's posterior whose first burn-in (seed below) ends in a national protest
ERUPTS_AT_FIRST = {"legitimacy": 0.9412, "region_spread": 0.0387, "network_gain": 19.1664,
                   "police_on_duty": 0.015, "news_delay": 21.489, "crackdown_police": 2.5465}
SEED = (2027, 20)


@pytest.fixture
def tries(monkeypatch: pytest.MonkeyPatch):
    """Sets the case's ``quiet_start`` for one test."""
    def set_tries(k: int) -> None:
        spec = dataclasses.replace(cases.CASES[CASE], quiet_start=k)
        monkeypatch.setitem(cases.CASES, CASE, spec)
    return set_tries


def test_the_shipped_cases_start_quiet() -> None:
    assert cases.case_spec(CASE).quiet_start == 10
    assert cases.case_spec("kazakhstan-2019").quiet_start == 10


def test_without_conditioning_the_model_is_returned_unrun(tries) -> None:
    tries(0)
    m = start_quiet(CASE, ERUPTS_AT_FIRST, None, np.random.SeedSequence(list(SEED)))
    assert m.tick == 0


def test_a_burn_in_that_ends_in_protest_is_drawn_again_until_quiet(tries) -> None:
    tries(1)
    first = start_quiet(CASE, ERUPTS_AT_FIRST, None, np.random.SeedSequence(list(SEED)))
    assert first.tick == first.burn_in
    assert (first.participants_people() >= PROTEST).any()  # the run's own draw erupts
    tries(10)
    m = start_quiet(CASE, ERUPTS_AT_FIRST, None, np.random.SeedSequence(list(SEED)))
    assert m.tick == m.burn_in
    assert not (m.participants_people() >= PROTEST).any()
    again = start_quiet(CASE, ERUPTS_AT_FIRST, None, np.random.SeedSequence(list(SEED)))
    assert np.array_equal(again.models[0].state.state, m.models[0].state.state)  # same seed


def test_a_point_that_never_starts_quiet_keeps_its_eruption(tries) -> None:
    tries(2)
    low = {**ERUPTS_AT_FIRST, "legitimacy": 0.80}
    m = start_quiet(CASE, low, None, np.random.SeedSequence(list(SEED)))
    assert (m.participants_people() >= PROTEST).any()


def test_a_run_that_starts_quiet_is_unchanged_by_the_conditioning(tries) -> None:
    quiet = {**ERUPTS_AT_FIRST, "legitimacy": 0.97, "region_spread": 0.005}
    tries(10)
    a = run_daily(CASE, quiet, None, np.random.SeedSequence(list(SEED)))
    tries(0)
    b = run_daily(CASE, quiet, None, np.random.SeedSequence(list(SEED)))
    assert a.equals(b)
    assert a["participants"].max() > 0  # the shock still sets Mangystau going


def test_quiet_before_shock_says_whether_the_runs_own_first_burn_in_was_quiet(tries) -> None:
    tries(10)
    params = {"case": CASE, **ERUPTS_AT_FIRST, "detention_reporting": 0.5, "detention_lag": 0.0}
    erupted = simulate(params, np.random.SeedSequence(list(SEED)))
    assert erupted["quiet_before_shock"] == 0.0  # redrawn: its first burn-in erupted
    quiet = simulate({**params, "legitimacy": 0.97, "region_spread": 0.005},
                     np.random.SeedSequence(list(SEED)))
    assert quiet["quiet_before_shock"] == 1.0
    assert cases.case_spec(CASE).observed()["quiet_before_shock"] == 1.0
