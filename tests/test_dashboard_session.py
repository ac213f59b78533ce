"""The dashboard's session logic and model controls, without a browser."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import uprising
from uprising.api import make_model

pytest.importorskip("starlette", reason="the dashboard extra is not installed")

from uprising.dashboard.control import (
    UserError,
    ensure_cop_slots,
    intervene,
    set_parameter,
    validate_change,
)
from uprising.dashboard.server import is_loopback
from uprising.dashboard.session import Session


def parse(messages):
    frames = [m for m in messages if isinstance(m, bytes)]
    docs = [json.loads(m) for m in messages if isinstance(m, str)]
    return frames, docs


def errors(messages):
    return [d["message"] for d in parse(messages)[1] if d["type"] == "error"]


@pytest.mark.parametrize("scenario", ["epstein2002-run1", "mechanisms-tour", "epstein2002-run7",
                                      "mechanisms-tour-sites"])
def test_fork_continues_bit_identically(scenario):
    m = make_model(uprising.load_scenario(scenario), rng=11)
    m.run(15)
    f = m.fork()
    m.run(40)
    f.run(40)
    assert m.get_model_vars_dataframe().equals(f.get_model_vars_dataframe())
    g = m.fork()  # and a changed copy departs from it
    if hasattr(m, "set_parameter") or hasattr(m, "models"):
        set_parameter(g, "population.legitimacy", 0.3)
        m.run(20)
        g.run(20)
        assert not m.get_model_vars_dataframe().equals(g.get_model_vars_dataframe())


def test_validation_is_the_scenario_files():
    sc = uprising.load_scenario("epstein2002-run1")
    assert validate_change(sc, "police.density", 0.1) == 0.1
    with pytest.raises(UserError, match=r"police\.density.*1"):
        validate_change(sc, "police.density", 5)
    with pytest.raises(UserError, match="exceeds 1"):
        validate_change(sc, "police.density", 0.5)  # 0.7 citizens + 0.5 cops
    with pytest.raises(UserError, match="sees the same cell twice"):
        validate_change(sc, "population.vision", 30)
    with pytest.raises(UserError, match="cannot be changed during a run"):
        validate_change(sc, "world.width", 10)
    for bad in ("x", None, float("nan"), True):
        with pytest.raises(UserError, match="expected a number"):
            validate_change(sc, "population.legitimacy", bad)


def test_crackdown_adds_cops_beyond_the_preallocated_slots():
    m = uprising.Model("epstein2002-run1", rng=1).run(5)
    assert m.last_row()["cops"] == 64
    (ev,) = intervene(m, "crackdown")
    assert ev["slots_added"] == 32
    m.run(1)
    assert m.last_row()["cops"] == 96
    assert ensure_cop_slots(m, 0.01) == 0
    set_parameter(m, "police.density", 0.02)
    m.run(1)
    assert m.last_row()["cops"] == 32


def test_every_intervention_is_logged_and_acts():
    m = make_model(uprising.load_scenario("mechanisms-tour"), rng=1).run(3)
    vision, force = m.params["population.vision"], m.params["violence.force_level"]
    for action in ("concede", "crackdown", "cut_information", "external_help", "shoot_to_kill"):
        intervene(m, action)
    assert [e["action"] for e in m.events if e["actor"] == "user"] == [
        "concede", "crackdown", "cut_information", "external_help", "shoot_to_kill"]
    assert m.params["population.vision"] == pytest.approx(vision * 0.3)
    assert m.params["violence.force_level"] == 2.0 > force
    ext = next(a for a in m.actors if hasattr(a, "request"))
    assert ext.requested_at == 4
    with pytest.raises(UserError, match="unknown intervention"):
        intervene(m, "nuke")


def test_session_plays_changes_and_forks():
    s = Session("epstein2002-run1", seed=3)
    frames, docs = parse(s.start())
    init = docs[0]
    assert init["type"] == "init" and init["width"] == 40 and len(frames) == 1
    header = struct.unpack("<4I", frames[0][:16])
    assert header == (0, 0, 40, 40) and len(frames[0]) == 16 + 1600
    for _ in range(5):
        s.advance()
    _, docs = parse(s.handle(json.dumps({"type": "intervene", "action": "crackdown"})))
    (event,) = docs[-1]["branches"][0]["events"]
    assert event["tick"] == 6
    assert "crackdown" in event["text"] and "cops_on_duty=96" in event["text"]
    _, docs = parse(s.handle(json.dumps({"type": "fork", "path": "population.legitimacy",
                                         "value": 0.2})))
    assert [d["type"] for d in docs] == ["series", "update"]
    frames, docs = parse(s.advance())
    assert [struct.unpack("<4I", f[:16])[:2] for f in frames] == [(0, 6), (1, 6)]
    main, fork = docs[-1]["branches"]
    cols = init["columns"]
    assert fork["row"][cols.index("active")] > main["row"][cols.index("active")]
    s.handle('{"type":"unfork"}')
    assert s.fork is None


@pytest.mark.parametrize("message, expected", [
    ("not json", "not JSON"),
    ("[1, 2]", "expected an object"),
    ('{"type": "explode"}', "unknown message type"),
    ('{"type": "set", "path": "police.density", "value": 7}', "police.density"),
    ('{"type": "set", "path": "population.legitimacy", "value": "high"}', "expected a number"),
    ('{"type": "reset", "scenario": "no-such-scenario"}', "unknown scenario"),
    ('{"type": "reset", "scenario": "../../etc/passwd"}', "unknown scenario"),
    ('{"type": "reset", "scenario": "epstein2002-run2", "overrides": '
     '{"world.width": 100000, "world.height": 100000}}', "cells"),
    ('{"type": "reset", "scenario": "epstein2002-run2", "overrides": '
     '{"world.width": 3000, "world.height": 3000}}', "larger than the dashboard draws"),
    ('{"type": "reset", "seed": -4}', "seed"),
    ('{"type": "every", "n": 0}', "render every"),
    ('{"type": "speed", "tps": "fast"}', "expected a number"),
    ('{"type": "site", "index": 9}', "unknown site"),
    ('{"type": "intervene", "action": "concede", "branch": "fork"}', "fork first"),
    ('{"type": "fork"}', "fork needs a change"),
])
def test_malformed_input_gets_a_message_and_the_session_survives(message, expected):
    s = Session("epstein2002-run1")
    s.start()
    s.advance()
    before = s.main.model.tick
    out = s.handle(message)
    assert any(expected in e for e in errors(out)), out
    assert s.main.model.tick == before
    frames, _docs = parse(s.advance())  # still serving
    assert s.main.model.tick == before + 1 and frames


def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_multi_site_session_picks_a_site():
    s = Session("mechanisms-tour-sites")
    _, docs = parse(s.start())
    assert docs[0]["sites"] == ["oil_town", "capital", "south"]
    s.advance()
    frames, docs = parse(s.handle('{"type": "site", "index": 2}'))
    w, h = struct.unpack("<4I", frames[0][:16])[2:]
    south = s.main.model.models[2]
    assert (w, h) == (south.scenario.world.width, south.scenario.world.height)
    assert np.array_equal(np.frombuffer(frames[0][16:], np.uint8).reshape(h, w) == 5,
                          south.state.code.reshape(h, w) == 4)  # cops where the engine has them
