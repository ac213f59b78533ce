"""Scenario loading and validation (issue 2: scenario format; bad input → one clear message).

Every preset loads and matches the parameters the spec gives for it (epstein_spec.md §1.6
Table 2, §3.1 Mesa, §3.2 NetLogo). Every kind of bad input raises ``ScenarioError`` whose
message names the field path and what is allowed.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from uprising import ScenarioError, load_scenario, preset_names
from uprising.api import make_model
from uprising.scenario import scenario_to_yaml

REQUIRED = [
    "epstein2002-run1", "epstein2002-run2", "epstein2002-run3", "epstein2002-run4",
    "epstein2002-run5", "netlogo-rebellion", "mesa-example",
]


def test_required_presets_exist():
    assert set(REQUIRED) <= set(preset_names())


@pytest.mark.parametrize("name", sorted(set(preset_names()) | set(REQUIRED)))
def test_every_preset_loads_runs_and_is_documented(name):
    sc = load_scenario(name)
    assert sc.description.strip() and sc.reproduces.strip()
    m = make_model(sc, rng=0)  # the factory picks Model, Model II or multi-site classes
    m.run(3)
    assert m.tick == 3
    # the resolved YAML round-trips to the same scenario
    assert load_scenario(__import__("yaml").safe_load(scenario_to_yaml(sc))) == sc


# Table 2 of the paper as transcribed in spec §1.6 (Model I runs):
# (vision, legitimacy, max jail term, movement, cop density)
TABLE2 = {
    "epstein2002-run1": (1.7, 0.89, 15, False, 0.04),
    "epstein2002-run2": (7, 0.82, 30, True, 0.04),
    "epstein2002-run3": (7, 0.9, math.inf, True, 0.074),
    "epstein2002-run4": (7, 0.9, math.inf, True, 0.074),
    "epstein2002-run5": (7, 0.8, math.inf, True, 0.074),
}


@pytest.mark.parametrize("name", sorted(TABLE2))
def test_epstein_presets_match_table_2(name):
    vision, legitimacy, jail, movement, cops = TABLE2[name]
    sc = load_scenario(name)
    assert (sc.world.width, sc.world.height, sc.world.torus) == (40, 40, True)
    assert sc.population.density == 0.7
    assert sc.police.k == 2.3 and sc.population.threshold == 0.1
    assert sc.population.vision == vision and sc.police.vision == vision
    assert sc.population.legitimacy == legitimacy
    assert sc.jail.max_term == jail
    assert sc.rules.movement is movement
    assert sc.police.density == cops
    assert sc.population.hardship.dist == "uniform" and sc.population.risk_aversion.dist == (
        "uniform")
    assert (sc.population.hardship.low, sc.population.hardship.high) == (0.0, 1.0)
    assert (sc.population.risk_aversion.low, sc.population.risk_aversion.high) == (0.0, 1.0)
    # paper-literal switches where the paper is specific (spec §1.2, §1.8 defaults)
    assert sc.rules.order == "move_then_act"
    assert sc.neighbourhood.shape == "euclidean" and not sc.neighbourhood.include_center
    assert sc.rules.self_count == "once"
    assert sc.rules.jailed == "removed"


def test_run1_cops_move_while_citizens_do_not():
    sc = load_scenario("epstein2002-run1")
    assert sc.rules.movement is False and sc.rules.cops_move_when_movement_off is True


def test_mesa_preset_matches_mesa_rules():
    """Spec §3.1 (Mesa 3.3.1 example, model.py defaults)."""
    sc = load_scenario("mesa-example")
    assert sc.neighbourhood.shape == "von_neumann" and not sc.neighbourhood.include_center
    r = sc.rules
    assert r.arrest_ratio == "round_half_even" and r.self_count == "once"
    assert r.order == "act_then_move" and r.jailed == "stay_and_block"
    assert r.initial_counts == "bernoulli" and r.cops_move_when_movement_off is False
    assert r.cop_moves_to_arrestee is False
    assert sc.jail.term_range == "zero_to_max" and sc.jail.countdown == "own_step"
    assert (sc.population.legitimacy, sc.police.density, sc.jail.max_term) == (0.8, 0.074, 1000)
    assert sc.population.vision == 7 and sc.police.vision == 7


def test_netlogo_preset_matches_netlogo_rules():
    """Spec §3.2 (NetLogo Rebellion defaults)."""
    sc = load_scenario("netlogo-rebellion")
    assert sc.neighbourhood.shape == "euclidean" and sc.neighbourhood.include_center
    r = sc.rules
    assert r.arrest_ratio == "floor" and r.self_count == "twice_if_active"
    assert r.order == "move_then_act" and r.cop_moves_to_arrestee is True
    assert r.initial_counts == "exact" and r.cops_move_when_movement_off is True
    assert r.jailed == "stay_as_empty"
    assert sc.jail.term_range == "zero_to_max_minus_one" and sc.jail.countdown == "end_of_tick"
    assert (sc.population.legitimacy, sc.police.density, sc.jail.max_term) == (0.82, 0.04, 30)
    assert sc.population.vision == 7


def test_arrest_ratio_override_values():
    for rule in ("literal", "floor", "round_half_even", "round_half_up"):
        sc = load_scenario("epstein2002-run2", [f"rules.arrest_ratio={rule}"])
        assert sc.rules.arrest_ratio == rule


def test_overrides_and_infinite_jail_parse():
    sc = load_scenario("epstein2002-run2", ["police.density=0.05", "world.width=60",
                                            "jail.max_term=inf"])
    assert sc.police.density == 0.05 and sc.world.width == 60 and math.isinf(sc.jail.max_term)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
def error_of(*args, **kwargs) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(*args, **kwargs)
    msg = str(info.value)
    assert "Traceback" not in msg
    return msg


@pytest.mark.parametrize(("override", "must_contain"), [
    # unknown field: the path and the word 'unknown'
    ("population.foo=1", ["population.foo", "unknown field"]),
    ("rules.arrest=floor", ["rules.arrest", "unknown field"]),
    ("colour=red", ["colour", "unknown field"]),
    # wrong type: the path and the expected type
    ("world.width=abc", ["world.width", "integer", "abc"]),
    ("world.torus=maybe", ["world.torus", "boolean"]),
    ("population.legitimacy=high", ["population.legitimacy", "number"]),
    # out of range: the path and the bound
    ("population.density=1.5", ["population.density", "1.0", "1.5"]),
    ("population.legitimacy=-0.1", ["population.legitimacy", "0.0"]),
    ("police.density=-0.01", ["police.density", "0.0"]),
    ("police.vision=0", ["police.vision", "0"]),
    ("world.width=2", ["world.width", "3"]),
    ("ticks=0", ["ticks", "1"]),
    ("jail.max_term=-1", ["jail.max_term", "0"]),
    ("jail.max_term=2.5", ["jail.max_term", "whole number", "inf"]),
    # not one of the allowed values: the path and the allowed values
    ("rules.arrest_ratio=ceil",
     ["rules.arrest_ratio", "literal", "floor", "round_half_even", "round_half_up"]),
    ("neighbourhood.shape=hexagon",
     ["neighbourhood.shape", "euclidean", "von_neumann", "moore", "cross"]),
    ("jail.term_range=1..J", ["jail.term_range", "one_to_max"]),
    # cross-field rules
    ("police.density=0.31", ["population.density", "police.density", "exceeds 1"]),
    ("population.vision=20", ["population.vision", "20", "< 20"]),
    ("police.vision=25", ["police.vision", "< 20"]),
])
def test_invalid_override_message_names_field_and_allowed(override, must_contain):
    msg = error_of("epstein2002-run2", [override])
    for part in must_contain:
        assert part in msg, (override, part, msg)


def test_density_sum_exactly_one_is_allowed():
    sc = load_scenario("epstein2002-run2", ["police.density=0.3"])
    assert sc.population.density + sc.police.density == pytest.approx(1.0)


def test_vision_bound_depends_on_world_size():
    assert load_scenario("epstein2002-run2", ["population.vision=19.9"]).population.vision == 19.9
    msg = error_of("epstein2002-run2",
                   ["world.width=30", "world.height=30", "population.vision=15"])
    assert "population.vision" in msg and "< 15" in msg
    # no wrap on a bounded world: large vision is fine
    sc = load_scenario("epstein2002-run2", ["world.torus=false", "population.vision=30"])
    assert sc.population.vision == 30


def test_timeline_event_after_last_tick():
    msg = error_of("epstein2002-run3", ["ticks=100"])
    assert "timeline[0]" in msg and "147" in msg and "100" in msg
    msg = error_of("epstein2002-run4", ["ticks=50"])
    assert "timeline[0]" in msg and "77" in msg and "50" in msg


def test_timeline_value_out_of_range(tmp_path: Path):
    f = tmp_path / "bad_timeline.yaml"
    f.write_text("base: epstein2002-run2\ntimeline:\n  - {kind: set, path: population.legitimacy,"
                 " at: 10, value: 1.5}\n")
    msg = error_of(f)
    assert "timeline[0]" in msg and "population.legitimacy" in msg and "1.5" in msg


def test_timeline_unknown_path(tmp_path: Path):
    f = tmp_path / "bad_path.yaml"
    f.write_text("timeline:\n  - {kind: set, path: population.hapiness, at: 10, value: 0.5}\n")
    msg = error_of(f)
    assert "timeline" in msg and "path" in msg and "population.legitimacy" in msg


@pytest.mark.parametrize("text", [
    "world: {width: 40\n",  # unclosed flow mapping
    "population:\n  density: 0.7\n legitimacy: 0.8\n",  # bad indentation
    "rules: [floor\n",
])
def test_malformed_yaml(tmp_path: Path, text):
    f = tmp_path / "broken.yaml"
    f.write_text(text)
    msg = error_of(f)
    assert "malformed YAML" in msg and str(f) in msg


def test_yaml_that_is_not_a_mapping(tmp_path: Path):
    f = tmp_path / "list.yaml"
    f.write_text("- 1\n- 2\n")
    msg = error_of(f)
    assert "mapping" in msg and str(f) in msg


def test_unknown_nested_field_in_file(tmp_path: Path):
    f = tmp_path / "typo.yaml"
    f.write_text("police:\n  densty: 0.05\n")
    msg = error_of(f)
    assert "police.densty" in msg and "unknown field" in msg and str(f) in msg


def test_missing_file(tmp_path: Path):
    missing = tmp_path / "nope.yaml"
    msg = error_of(missing)
    assert "not found" in msg and str(missing) in msg


def test_unknown_preset_lists_presets():
    msg = error_of("epstein2002-run9")
    assert "epstein2002-run9" in msg and "epstein2002-run2" in msg


@pytest.mark.parametrize(("override", "must_contain"), [
    ("police.density", ["police.density", "path.to.field=value"]),
    ("=0.5", ["empty field path"]),
    ("population..density=0.5", ["empty field path"]),
    ("population.density.max=1", ["density", "not a section"]),
])
def test_bad_override_syntax(override, must_contain):
    msg = error_of("epstein2002-run2", [override])
    for part in must_contain:
        assert part in msg, (override, part, msg)


def test_valid_file_with_base_and_override(tmp_path: Path):
    f = tmp_path / "mine.yaml"
    f.write_text("base: epstein2002-run2\npolice: {density: 0.05}\n")
    sc = load_scenario(f, ["population.legitimacy=0.8"])
    assert sc.police.density == 0.05 and sc.population.legitimacy == 0.8
    assert sc.population.vision == 7  # inherited from the base preset
