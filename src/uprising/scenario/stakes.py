"""Inert stakes: the external power's values that cannot change its decision in a scenario.

The stakes (border, sites, diaspora, their references and weights) and θ_max act only through
θ = θ_max·(1 − S) (docs/ODD.md E9). Decidable from the scenario data alone, θ cannot change
the decision tick when

* trigger = request and the government never requests (mode off, no ``request_help``
  section, or script mode with no scripted or ``on_seized`` request): it never intervenes;
* trigger = request and request_factor = 0: any request is honoured at once (I ≥ 0);
* trigger = either, request_factor = 0 and a scripted request comes no later than
  ``start_tick``: the request decides before instability may.

With θ still in play, θ_max = 0 makes every stake inert (θ = 0 whatever S), a component with
weight 0 makes its value and reference inert, and a component of value 0 makes its reference
inert. "Inert" concerns a run of the scenario: the ``decide`` event still logs S and θ, and the
dashboard's external-help button can request help where the scenario never does.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from uprising.scenario.actors import ExternalPower, Government
from uprising.scenario.errors import ScenarioWarning
from uprising.scenario.sites import site_scenario

if TYPE_CHECKING:
    from uprising.scenario.schema import Scenario

#: (weight, value, reference) field names of the three stakes components.
COMPONENTS = (
    ("border", "border_km", "border_ref_km"),
    ("sites", "strategic_sites", "sites_ref"),
    ("diaspora", "diaspora_share", "diaspora_ref"),
)
STAKES = (*(f for _, value, ref in COMPONENTS for f in (value, ref)), "weights")
#: Every input of θ.
THETA_INPUTS = (*STAKES, "theta_max")
SECTION = "external_power"


def _scripted_request(gov: Government) -> int | None:
    """Returns the first tick of a scripted request for help, or None."""
    if gov.mode != "script":
        return None
    return min((e.at for e in gov.script if e.action == "request_help"), default=None)


def _never_requests(gov: Government) -> bool:
    if gov.mode == "off" or gov.request_help is None:
        return True
    seized = gov.on_seized is not None and gov.on_seized.action == "request_help"
    return gov.mode == "script" and _scripted_request(gov) is None and not seized


def theta_unused(ep: ExternalPower, gov: Government) -> str:
    """Returns why θ cannot change the power's decision ("" when it can)."""
    if ep.trigger == "instability":
        return ""
    if ep.trigger == "request" and _never_requests(gov):
        return "trigger = request and the government never requests: no intervention"
    if ep.request_factor > 0:
        return ""
    if ep.trigger == "request":
        return "trigger = request and request_factor = 0: any request is honoured"
    first = _scripted_request(gov)
    if first is not None and first <= ep.start_tick:
        return (f"request_factor = 0 and a request scripted at tick {first} ≤ start_tick = "
                f"{ep.start_tick}: the request decides first")
    return ""


def inert_power_fields(ep: ExternalPower, gov: Government) -> dict[str, str]:
    """Returns {external_power field: why it is inert} for the θ inputs of an enabled power."""
    if not ep.enabled:
        return {}
    unused = theta_unused(ep, gov)
    if unused:
        return dict.fromkeys(THETA_INPUTS, unused)
    if ep.theta_max == 0:
        return dict.fromkeys(STAKES, "theta_max = 0: θ = 0 whatever the stakes")
    out: dict[str, str] = {}
    for weight, value, ref in COMPONENTS:
        if getattr(ep.weights, weight) == 0:
            out |= dict.fromkeys((value, ref), f"weights.{weight} = 0")
        elif getattr(ep, value) == 0:
            out[ref] = f"{value} = 0: the reference divides 0"
    return out


def inert_stakes(scenario: Scenario) -> dict[str, str]:
    """Returns {path: reason} of the θ inputs (``external_power.…``) that cannot change a run
    of ``scenario``: inert in the scenario and, with sites, in every site's scenario."""
    found = inert_power_fields(scenario.external_power, scenario.government)
    for site in scenario.sites if found else ():
        sub = site_scenario(scenario, site)
        there = inert_power_fields(sub.external_power, sub.government)
        found = {f: why for f, why in found.items() if f in there}
    return {f"{SECTION}.{f}": why for f, why in found.items()}


def warn_inert_stakes(scenario: Scenario) -> None:
    """Warns (``ScenarioWarning``) when a θ input set to a non-default value is inert."""
    if scenario.sites:
        return  # each site's scenario is validated, and warns, on its own
    ep = scenario.external_power
    default = ExternalPower()
    inert = inert_power_fields(ep, scenario.government)
    changed = [f for f in inert if getattr(ep, f) != getattr(default, f)]
    if not changed:
        return
    fields = ", ".join(f"{SECTION}.{f}" for f in changed)
    reasons = "; ".join(sorted({inert[f] for f in changed}))
    warnings.warn(
        f"{fields} cannot change the run ({reasons}); see `uprising explain` and docs/ODD.md E9",
        ScenarioWarning, stacklevel=2,
    )
