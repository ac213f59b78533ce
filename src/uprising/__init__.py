"""uprising: a fast, validated agent-based simulator of civil unrest and regime response."""

from uprising.api import run_scenario, simulate
from uprising.results import RunResult
from uprising.scenario import Scenario, ScenarioError, load_scenario, preset_names
from uprising.simulation import Model

__all__ = [
    "Model",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "preset_names",
    "run_scenario",
    "simulate",
]
__version__ = "0.1.0"
