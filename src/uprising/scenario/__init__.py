"""Scenario format: typed models, presets, YAML loading and overrides."""

from uprising.scenario.loader import (
    ScenarioError,
    apply_overrides,
    load_scenario,
    preset_names,
    scenario_to_yaml,
)
from uprising.scenario.schema import Scenario

__all__ = [
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "load_scenario",
    "preset_names",
    "scenario_to_yaml",
]
