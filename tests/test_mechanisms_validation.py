"""Bad mechanism parameters are rejected with a message naming the field (issue 4)."""

from __future__ import annotations

import pytest

from uprising import ScenarioError, load_scenario

AB = "groups=[{name: a, share: 0.5}, {name: b, share: 0.5}]"


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        (["violence.damage_per_tick=-0.1"], "violence.damage_per_tick"),
        (["reluctance.half_ratio=-1"], "reluctance.half_ratio"),
        (["mobilisers.share=1.5"], "mobilisers.share"),
        (["mobilisers.threshold_drop=-0.2"], "mobilisers.threshold_drop"),
        (["crowd.out_group_weight=2"], "crowd.out_group_weight"),
        (["groups=[{name: a, share: 0.5}, {name: b, share: 0.4}]"], "shares must sum to 1"),
        (["groups=[{name: a, share: 0.5}, {name: a, share: 0.5}]"], "duplicate names"),
        (["groups=[{name: 'bad name', share: 1.0}]"], "groups.0.name"),
        (["groups=[{name: a, share: 1.0, legitimacy: 1.2}]"], "groups.0.legitimacy"),
        ([AB, "mobilisers.share=0.1", "mobilisers.groups=[c]"], "unknown group 'c'"),
        (
            [AB, "timeline=[{kind: set, at: 5, path: population.legitimacy, value: 0.5, "
                 "group: c}]"],
            "unknown group 'c'",
        ),
        (
            [AB, "timeline=[{kind: concession, at: 5, groups: [zz], legitimacy_gain: 0.1}]"],
            "unknown group 'zz'",
        ),
        (["timeline=[{kind: concession, at: 5000, weakness_signal: 0.5}]"], "after the run"),
        (["timeline=[{kind: concession, at: 5, weakness_signal: 1.5}]"], "weakness_signal"),
        (["timeline=[{kind: concession, at: 5, decay_ticks: 0}]"], "decay_ticks"),
        (["timeline=[{kind: scale, at: 5, path: police.density, factor: -1}]"], "factor"),
        (
            ["timeline=[{kind: set, at: 5, path: police.density, value: 0.5, group: a}]"],
            "cannot target a group",
        ),
        (["timeline=[{kind: set, at: 5, path: rules.move_probability, value: 2}]"], "[0, 1]"),
        (["timeline=[{kind: set, at: 5, path: population.vision, value: 0}]"], "[0.5, 1000]"),
        (["timeline=[{kind: set, at: 5, path: nonsense.path, value: 1}]"], "timeline.0"),
        (["violence.force_level=brutal"], "violence.force_level"),
        (
            ["violence.casualty_rates={lethal: {protester: 2, police: 0}}"],
            "violence.casualty_rates",
        ),
        (["defection.threshold={dist: uniform, low: 0.9, high: 0.1}"], "defection.threshold"),
        (["police.loyalty={dist: constant, value: -1}"], "police.loyalty.value"),
        # issue 15
        (["defection.sanction=-0.1"], "defection.sanction"),
        (["defection.peer_weight=-1"], "defection.peer_weight"),
        (["defection.return_fraction=1.5"], "defection.return_fraction"),
        (["timeline=[{kind: set, at: 5, path: defection.sanction, value: -1}]"], "[0, 10]"),
        (["violence.deterrence=-1"], "violence.deterrence"),
        (
            ["violence.casualty_rates={restrained: {protester: 0, police: 0}, normal: "
             "{protester: 0, police: 0}, lethal: {protester: 0, police: 0, fire: 1.5}}"],
            "fire",
        ),
        (["timeline=[{kind: concession, at: 5, credibility: 1.2}]"], "credibility"),
        (["government={mode: rule, concede: {credibility: -0.5}}"], "credibility"),
        (["demands.concession_shift=2"], "demands.concession_shift"),
        (["demands.alienation={dist: uniform, low: 0.9, high: 0.1}"], "demands.alienation"),
        (["engine=fast", "curfew.move_probability=0.5"], "curfew.move_probability"),
        (["engine=fast", "demands.enabled=true"], "demands"),
    ],
)
def test_bad_mechanism_parameters_are_rejected(overrides: list[str], needle: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("epstein2002-run2", overrides)
    assert needle in str(info.value)


def test_every_mechanism_is_off_by_default() -> None:
    for preset in ("epstein2002-run1", "epstein2002-run2", "netlogo-rebellion", "mesa-example"):
        assert load_scenario(preset).micro_mechanisms == []


def test_bad_mechanism_parameter_exits_2_naming_the_field() -> None:
    from typer.testing import CliRunner

    from uprising import cli

    result = CliRunner().invoke(
        cli.app, ["show", "epstein2002-run2", "--set", "defection.sanction=-1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert "defection.sanction" in result.output + getattr(result, "stderr", "")
    assert "Traceback" not in result.output
