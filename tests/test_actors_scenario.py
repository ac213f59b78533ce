"""Scenario sections of the macro actors: defaults off, bad settings rejected by field."""

from __future__ import annotations

import pytest

from uprising.actors import build_actors
from uprising.engine.state import max_cops
from uprising.scenario import ScenarioError, load_scenario, preset_names
from uprising.scenario.actors import max_police_density

SMALL = {"world": {"width": 20, "height": 20}, "population": {"vision": 4},
         "police": {"vision": 4}, "ticks": 50}


def test_presets_switch_no_actor_on():
    """The replication presets run no macro actor (the mechanisms-tour demos and the Kazakhstan
    case, whose government acts on dated script entries, do on purpose)."""
    for name in preset_names():
        if name.startswith(("mechanisms-tour", "kazakhstan-20")):
            continue
        sc = load_scenario(name)
        assert build_actors(sc) == [], name
        assert sc.sites == ()


def test_build_actors_orders_elite_government_external():
    sc = load_scenario({**SMALL, "government": {"mode": "rule", "crackdown": {}},
                        "external_power": {"enabled": True}, "elite": {"enabled": True}})
    assert [a.name for a in build_actors(sc)] == ["elite", "government", "external_power"]


def test_cop_slots_cover_what_the_actors_can_ask_for():
    sc = load_scenario({**SMALL, "police": {"vision": 4, "density": 0.04},
                        "government": {"mode": "rule",
                                       "crackdown": {"police_factor": 1.5, "max_times": 2}},
                        "external_power": {"enabled": True, "police_share": 0.03}})
    assert max_police_density(sc) == pytest.approx(0.04 * 1.5**2 + 0.03)
    assert max_cops(sc, 400) == round((0.04 * 2.25 + 0.03) * 400)
    capped = load_scenario({**SMALL, "government": {
        "mode": "rule", "crackdown": {"police_factor": 100.0}}})
    assert max_police_density(capped) == pytest.approx(1 - 0.7)


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ({"government": {"mode": "rule"}}, "mode = rule needs at least one response"),
        ({"government": {"mode": "script"}}, "mode = script needs at least one entry"),
        ({"government": {"mode": "panic"}}, "government.mode"),
        ({"government": {"mode": "script", "script": [{"at": 3, "action": "crackdown"}]}},
         "script[0].action = 'crackdown' needs the crackdown section"),
        ({"government": {"mode": "script", "crackdown": {},
                         "script": [{"at": 80, "action": "crackdown"}]}},
         "government.script[0].at = 80 is after the run's last tick 50"),
        ({"government": {"mode": "script", "crackdown": {},
                         "script": [{"at": 0, "action": "crackdown"}]}},
         "government.script.0.at"),
        ({"government": {"mode": "rule", "crackdown": {"threshold": 1.5}}},
         "government.crackdown.threshold"),
        ({"government": {"mode": "rule", "crackdown": {"police_factor": 0.5}}},
         "government.crackdown.police_factor"),
        ({"government": {"mode": "rule", "crackdown": {"cooldown": -2}}},
         "government.crackdown.cooldown"),
        ({"government": {"mode": "rule", "crackdown": {"max_term": -1}}},
         "government.crackdown.max_term"),
        ({"government": {"mode": "rule", "crackdown": {"force_level": "brutal"}}},
         "government.crackdown.force_level"),
        ({"government": {"mode": "rule", "emergency": {"move_probability": -0.1}}},
         "government.emergency.move_probability"),
        ({"government": {"mode": "rule", "cut_information": {"vision_factor": 0}}},
         "government.cut_information.vision_factor"),
        ({"government": {"mode": "rule", "concede": {"weakness_signal": 2}}},
         "government.concede.weakness_signal"),
        ({"government": {"mode": "rule", "concede": {"groups": ["bad name"]}}},
         "government.concede.groups.0"),
        ({"government": {"mode": "rule", "concede": {"groups": ["kazakh"]}}},
         "government.concede.groups: unknown group 'kazakh'"),
        ({"government": {"start_tick": 51}}, "government.start_tick = 51 is after"),
        ({"external_power": {"start_tick": 0}}, "external_power.start_tick"),
        ({"government": {"resolve": -0.1}}, "government.resolve"),
        ({"government": {"window": 0}}, "government.window"),
        ({"government": {"tyranny": 1}}, "government.tyranny"),
        ({"external_power": {"border_km": -5}}, "external_power.border_km"),
        ({"external_power": {"diaspora_share": 1.2}}, "external_power.diaspora_share"),
        ({"external_power": {"strategic_sites": -1}}, "external_power.strategic_sites"),
        ({"external_power": {"delay_ticks": -1}}, "external_power.delay_ticks"),
        ({"external_power": {"police_share": 1.5}}, "external_power.police_share"),
        ({"external_power": {"freed_share": -0.1}}, "external_power.freed_share"),
        ({"external_power": {"theta_max": 2}}, "external_power.theta_max"),
        ({"external_power": {"weights": {"border": 0.5, "sites": 0.5, "diaspora": 0.5}}},
         "must sum to 1"),
        ({"external_power": {"weights": {"border": -0.2, "sites": 0.6, "diaspora": 0.6}}},
         "external_power.weights.border"),
        ({"external_power": {"trigger": "whim"}}, "external_power.trigger"),
        ({"elite": {"cohesion": 1.3}}, "elite.cohesion"),
        ({"elite": {"split_to": -0.3}}, "elite.split_to"),
        ({"elite": {"split_at": 51}}, "elite.split_at = 51 is after the run's last tick 50"),
        ({"elite": {"loyalty_sensitivity": 3}}, "elite.loyalty_sensitivity"),
    ],
)
def test_bad_actor_settings_name_the_field(section, field):
    with pytest.raises(ScenarioError) as err:
        load_scenario({**SMALL, **section})
    assert field in str(err.value)


def test_overrides_reach_actor_sections():
    sc = load_scenario({**SMALL}, ["government.mode=rule", "government.crackdown.threshold=0.2",
                                   "external_power.enabled=true", "elite.split_at=10"])
    assert sc.government.crackdown.threshold == 0.2
    assert sc.external_power.enabled and sc.elite.split_at == 10


def test_documented_example_loads_runs_and_logs_decisions():
    import re
    from pathlib import Path

    import yaml

    from uprising.api import make_model

    doc = (Path(__file__).parents[1] / "docs" / "mechanisms-macro.md").read_text("utf-8")
    block = re.search(r"## Example.*?```yaml\n(.*?)```", doc, re.S).group(1)
    sc = load_scenario(yaml.safe_load(block), ["ticks=40"])
    model = make_model(sc, rng=0)
    model.run()
    res = model.result()
    assert {"almaty", "aktau", "astana", "total"} == set(res.timeseries["site"])
    actors = {(e["site"], e["actor"]) for e in res.metadata["events"]}
    assert ("almaty", "elite") in actors and ("almaty", "government") in actors
