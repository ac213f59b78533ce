"""The check, where a model is built, that its worlds fit in this machine's memory."""

from __future__ import annotations

from uprising.engine.fast.memory import MEMORY_FRACTION, check_fits, estimate_bytes, physical_memory
from uprising.scenario import Scenario, ScenarioError
from uprising.scenario.events import timeline_max_density
from uprising.scenario.sites import site_scenario


def _largest_cop_density(scenario: Scenario) -> float:
    return min(timeline_max_density(scenario), 1.0)


def check_buildable(scenario: Scenario) -> None:
    """Raises ScenarioError, stating the estimate, when the scenario's world (at the largest
    police density its timeline reaches) cannot fit in memory."""
    w = scenario.world
    try:
        check_fits(scenario.engine, w.width, w.height, scenario.population.density,
                   _largest_cop_density(scenario))
    except ValueError as exc:
        raise ScenarioError(f"world: {exc}") from None


def check_all_fit(scenarios: list[Scenario], names: list[str]) -> None:
    """Raises ScenarioError when several worlds (the sites of one run) together cannot fit in
    memory, although each may fit alone."""
    ram = physical_memory()
    peaks = [
        estimate_bytes(s.engine, s.world.width, s.world.height, s.population.density,
                       _largest_cop_density(s)).peak
        for s in scenarios
    ]
    if ram and sum(peaks) > MEMORY_FRACTION * ram:
        gib = 2.0**30
        parts = ", ".join(f"{n} {p / gib:.1f} GiB" for n, p in zip(names, peaks, strict=True))
        raise ScenarioError(
            f"sites: the {len(scenarios)} worlds need about {sum(peaks) / gib:.1f} GiB together "
            f"({parts}), more than {MEMORY_FRACTION:.0%} of this machine's {ram / gib:.1f} GiB; "
            "use smaller worlds or fewer sites"
        )


def check_scenario_fits(scenario: Scenario) -> None:
    """Raises ScenarioError when the worlds a scenario builds (one, or one per site) cannot
    fit in memory; front ends call it before they prepare any output."""
    if scenario.sites:
        sites = [site_scenario(scenario, site) for site in scenario.sites]
        for site in sites:
            check_buildable(site)
        check_all_fit(sites, [s.name for s in scenario.sites])
    else:
        check_buildable(scenario)
