"""Inert stakes: values of the external power that cannot change its decision are flagged by
``uprising explain`` and warned about on loading, and the claim holds in real runs."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from uprising import cli
from uprising.api import make_model
from uprising.scenario import load_scenario
from uprising.scenario.actors import ExternalPower, Government
from uprising.scenario.errors import ScenarioWarning
from uprising.scenario.evidence import explain
from uprising.scenario.stakes import THETA_INPUTS, inert_power_fields, inert_stakes

ARTICLE = {"border_km": 7000, "strategic_sites": 2, "diaspora_share": 0.184}
#: 40×40, ~1100 citizens; the active share is ≈ 0.19 at tick 5 (between θ = 0.058 of the
#: article's stakes and θ = 0.5 of none).
SMALL: dict[str, Any] = {
    "world": {"width": 40, "height": 40},
    "population": {"vision": 4, "legitimacy": 0.82},
    "police": {"vision": 4, "density": 0.04},
    "rules": {"arrest_ratio": "floor"},
    "ticks": 60,
}
REQUESTS_AT_10 = {"mode": "script", "request_help": {},
                  "script": [{"at": 10, "action": "request_help"}]}
REQUEST_ONLY = {"enabled": True, "trigger": "request", "request_factor": 0.0,
                "police_share": 0.04, "delay_ticks": 2}


def scenario(power: dict[str, Any], government: dict[str, Any] | None = None) -> dict[str, Any]:
    data = {**copy.deepcopy(SMALL), "external_power": power}
    if government is not None:
        data["government"] = government
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "stakes.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def quiet_load(data: dict[str, Any]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return load_scenario(data)


def run(data: dict[str, Any]) -> tuple[Any, list[tuple[int, str]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        model = make_model(load_scenario(data), rng=1)
        model.run()
    events = [(e["tick"], e["action"]) for e in model.result().metadata["events"]
              if e["actor"] == "external_power"]
    return model.get_model_vars_dataframe(), events


def test_request_only_with_factor_0_flags_the_stakes_and_warns(tmp_path):
    path = write(tmp_path, scenario({**REQUEST_ONLY, **ARTICLE, "theta_max": 0.3},
                                    REQUESTS_AT_10))
    with pytest.warns(ScenarioWarning, match=r"external_power\.border_km.*request_factor = 0"):
        rows = {row.path: row for row in explain(path)}
    for field in ("border_km", "strategic_sites", "diaspora_share", "theta_max"):
        row = rows[f"external_power.{field}"]
        assert row.inert and "request_factor = 0" in row.inert_reason
    assert not rows["external_power.trigger"].inert
    assert not rows["external_power.request_factor"].inert


def test_instability_trigger_flags_nothing_and_does_not_warn(tmp_path):
    data = scenario({"enabled": True, "trigger": "instability", **ARTICLE})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        sc = load_scenario(data)
        rows = explain(write(tmp_path, data))
    assert inert_stakes(sc) == {}
    assert not any(row.inert for row in rows)


def test_explain_prints_the_reason_and_the_warning_without_traceback(tmp_path):
    path = write(tmp_path, scenario({**REQUEST_ONLY, **ARTICLE}, REQUESTS_AT_10))
    result = CliRunner().invoke(cli.app, ["explain", str(path)], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert ("inert (trigger = request and request_factor = 0: any request is honoured): "
            "external_power.border_km, external_power.strategic_sites, "
            "external_power.diaspora_share") in result.stdout
    assert result.stderr.startswith("warning: external_power.border_km, ")
    assert "Traceback" not in result.output + result.stderr


GOV_OFF = Government()
SCRIPT_NO_REQUEST = Government(mode="script", concede={}, request_help={},
                               script=[{"at": 3, "action": "concede"}])


@pytest.mark.parametrize(("power", "government", "why"), [
    ({"trigger": "request"}, GOV_OFF, "never requests"),
    ({"trigger": "request", "request_factor": 0.5}, GOV_OFF, "never requests"),
    ({"trigger": "request", "request_factor": 0.5},
     Government(mode="rule", concede={}), "never requests"),
    ({"trigger": "request"}, Government(mode="rule", request_help={}), "request_factor = 0"),
    ({"trigger": "either", "start_tick": 20}, Government(**REQUESTS_AT_10), "decides first"),
])
def test_theta_cannot_matter(power, government, why):
    inert = inert_power_fields(ExternalPower(enabled=True, **power), government)
    assert set(inert) == set(THETA_INPUTS)
    assert all(why in reason for reason in inert.values())


@pytest.mark.parametrize(("power", "government"), [
    ({"trigger": "instability"}, Government(**REQUESTS_AT_10)),
    ({"trigger": "either"}, GOV_OFF),  # instability alone can still set it off
    ({"trigger": "request", "request_factor": 0.5}, Government(**REQUESTS_AT_10)),
    ({"trigger": "request", "request_factor": 0.5}, Government(mode="rule", request_help={})),
    ({"trigger": "either", "start_tick": 9}, Government(**REQUESTS_AT_10)),
    ({"enabled": False, "trigger": "request"}, GOV_OFF),  # switched off: evidence says so
])
def test_theta_can_matter(power, government):
    ep = ExternalPower(**{"enabled": True, **ARTICLE, **power})
    assert inert_power_fields(ep, government) == {}


def test_parts_of_the_stakes_that_cannot_change_theta():
    gov = Government()
    zero = inert_power_fields(ExternalPower(enabled=True, theta_max=0.0, **ARTICLE), gov)
    assert "theta_max" not in zero and set(zero) == set(THETA_INPUTS) - {"theta_max"}
    weights = {"border": 0.5, "sites": 0.5, "diaspora": 0.0}
    ep = ExternalPower(enabled=True, border_km=1000, weights=weights)
    assert inert_power_fields(ep, gov) == {
        "diaspora_share": "weights.diaspora = 0", "diaspora_ref": "weights.diaspora = 0",
        "sites_ref": "strategic_sites = 0: the reference divides 0"}


def test_script_mode_without_a_scripted_request_never_requests():
    inert = inert_power_fields(ExternalPower(enabled=True, trigger="request"), SCRIPT_NO_REQUEST)
    assert set(inert) == set(THETA_INPUTS)


@pytest.mark.parametrize(("power", "government"), [
    (REQUEST_ONLY, REQUESTS_AT_10),
    ({**REQUEST_ONLY, "trigger": "either", "start_tick": 10}, REQUESTS_AT_10),
])
def test_flagged_inert_stakes_leave_the_run_bit_identical(power, government):
    none = scenario(power, government)
    other = scenario({**power, "border_km": 9000, "strategic_sites": 3, "diaspora_share": 0.3,
                      "theta_max": 0.05, "weights": {"border": 0.6, "sites": 0.2,
                                                     "diaspora": 0.2}}, government)
    assert set(inert_stakes(quiet_load(other))) == {f"external_power.{f}" for f in THETA_INPUTS}
    series_a, events_a = run(none)
    series_b, events_b = run(other)
    assert events_a == events_b == [(10, "decide"), (12, "arrive")]  # it does intervene
    assert series_a.equals(series_b)


def test_stakes_change_the_decision_under_the_instability_trigger():
    power = {"enabled": True, "trigger": "instability", "start_tick": 5, "police_share": 0.04}
    assert inert_stakes(quiet_load(scenario({**power, **ARTICLE}))) == {}
    series_a, events_a = run(scenario(power))  # θ = 0.5 > the share: never
    series_b, events_b = run(scenario({**power, **ARTICLE}))  # θ = 0.058 < the share
    assert events_a == []
    assert events_b[0] == (5, "decide")
    assert not series_a.equals(series_b)
