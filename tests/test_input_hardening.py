"""Unit tests of the input hardening (issue 17): the safe YAML loader's limits, short error
messages, ``base:`` chains, value bounds and the design size computed before the design."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from uprising.experiments.spec import MAX_POINTS, ExperimentError, parse_experiment
from uprising.scenario import ScenarioError, load_scenario
from uprising.scenario.actors import max_police_density
from uprising.scenario.safe_yaml import MAX_ALIASES, MAX_DEPTH, MAX_NODES, load_yaml


def test_plain_yaml_loads_as_before():
    text = "a: 1\nb: [1.5, .inf, true, null, text]\nc: {d: 2024-01-01}\n"
    assert load_yaml(text, "t") == {"a": 1, "b": [1.5, math.inf, True, None, "text"],
                                    "c": {"d": "2024-01-01"}}


def test_booleans_are_true_and_false_only():
    """YAML 1.2's booleans: ``off``/``on``/``yes``/``no`` stay text (``mode: off`` is a mode)."""
    assert load_yaml("[true, False, off, on, yes, no, Off]", "t") == \
        [True, False, "off", "on", "yes", "no", "Off"]


def test_anchors_and_merge_keys_still_work():
    data = load_yaml("x: &x {a: 1, b: 2}\ny: {<<: *x, b: 3}\nz: *x\n", "t")
    assert data["y"] == {"a": 1, "b": 3} and data["z"] == {"a": 1, "b": 2}


def test_duplicate_key_names_key_and_both_lines():
    with pytest.raises(ScenarioError, match=r"t: duplicate key 'b' \(line 3; first at line 2\)"):
        load_yaml("a: 1\nb: 2\nb: 3\n", "t")


@pytest.mark.parametrize(("text", "match"), [
    ("x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested more than"),
    ("x: &x 1\ny: [" + ", ".join(["*x"] * (MAX_ALIASES + 1)) + "]", "aliases"),
    ("a: &a [" + ", ".join(["0"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 300) + "]",
     f"more than {MAX_NODES} values"),
    ("a: &a [1, *a]", "recursive"),
    ("a: !!binary aGk=", r"tag !!binary is not allowed \(line 1\)"),
    ("a: !!python/tuple [1]", "tag !!python/tuple"),
    ("a: !custom 1", "tag !custom"),
])
def test_limits_refuse_with_a_message(text, match):
    with pytest.raises(ScenarioError, match=match):
        load_yaml(text, "t")


def test_oversized_text_is_refused_before_parsing():
    with pytest.raises(ScenarioError, match="larger than"):
        load_yaml("#" * 2_000_000, "t")


def test_messages_are_short_and_capped():
    data = {f"k{i}": "v" * 1000 for i in range(100)}
    with pytest.raises(ScenarioError) as info:
        load_scenario(data)
    lines = str(info.value).splitlines()
    assert len(lines) == 22 and lines[-1] == "  … and 80 more problems"
    assert all(len(line) < 200 for line in lines)


def test_base_cycle_names_the_chain(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(f"base: {tmp_path}/b.yaml\n")
    (tmp_path / "b.yaml").write_text(f"base: {tmp_path}/a.yaml\n")
    chain = r"circular reference .*a\.yaml → .*b\.yaml → .*a\.yaml"
    with pytest.raises(ScenarioError, match=chain):
        load_scenario(str(tmp_path / "a.yaml"))


def test_booleans_are_not_numbers():
    with pytest.raises(ScenarioError, match=r"population\.legitimacy: must be a number"):
        load_scenario({"population": {"legitimacy": True}})
    assert load_scenario({"rules": {"movement": False}}).rules.movement is False


def test_jail_term_inf_or_bounded():
    assert math.isinf(load_scenario({"jail": {"max_term": "inf"}}).jail.max_term)
    for bad in (1e308, 10**30, 1_000_001):
        with pytest.raises(ScenarioError, match=r"jail\.max_term"):
            load_scenario({"jail": {"max_term": bad}})


def test_crackdown_growth_is_bounded_and_never_overflows():
    sc = load_scenario({"government": {"mode": "rule", "crackdown": {"police_factor": 10.0,
                                                                     "max_times": 10}}})
    assert max_police_density(sc) == pytest.approx(1 - sc.population.density)
    with pytest.raises(ScenarioError, match="more than 1e\\+10"):
        load_scenario({"government": {"mode": "rule", "crackdown": {"police_factor": 100.0,
                                                                    "max_times": 1000}}})


def test_target_cells_in_bounds_and_unique():
    ok = load_scenario({"violence": {"target_cells": [[0, 0], [39, 39]], "targets": 1598}})
    assert len(ok.violence.target_cells) == 2
    for cells, match in (([[40, 0]], "outside"), ([[1, 1], [1, 1]], "listed twice")):
        with pytest.raises(ScenarioError, match=match):
            load_scenario({"violence": {"target_cells": cells}})


def test_timeline_police_density_must_fit():
    ev = {"kind": "set", "at": 5, "path": "police.density", "value": 0.31}
    with pytest.raises(ScenarioError, match=r"timeline\[0\] police.density"):
        load_scenario({"timeline": [ev]})
    load_scenario({"timeline": [{**ev, "value": 0.3}]})


@pytest.mark.parametrize(("sampler", "points"), [
    ({"method": "lhs", "n": 10}, 10),
    ({"method": "sobol", "n": 8}, 8 * 4),
    ({"method": "sobol", "n": 8, "second_order": True}, 8 * 6),
    ({"method": "morris", "n": 5}, 5 * 3),
])
def test_design_size_is_computed_without_building(sampler, points):
    bounds = {"population.legitimacy": [0, 1], "police.density": [0, 0.1]}
    exp = parse_experiment({"sampler": {**sampler, "bounds": bounds}})
    assert exp.n_points == points


def test_grid_product_refused_with_its_size():
    axis = list(range(300))
    with pytest.raises(ExperimentError, match=r"27000000 points × 1 repetitions"):
        parse_experiment({"enumerated": {"a": axis, "b": axis, "c": axis}})
    assert MAX_POINTS >= 10_000
