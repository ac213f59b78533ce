"""The free (behavioural) parameters of the Kazakhstan cases, and how each sets scenario data.

A free parameter is a name with a value; ``apply_values`` writes the values into a preset's raw
data (before validation). The names are shared by the 2022 and the 2019 case where the parameter
is behavioural (legitimacy, its western offset, the network's gain, the mobilisable share, the
activation threshold), so values fitted on 2022 can be frozen for 2019. ``shock`` (the LPG price
rise in Mangystau) and ``sweep_rate`` (post-peak detention of former participants) only exist in
2022: 2019 had no price shock and no post-peak sweep.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from uprising.scenario.national import RegionData, data_rows
from uprising.scenario.paths import set_path
from uprising.scenario.schema import Population

#: Regions given the western legitimacy offset (Mangystau, Atyrau, Aktobe, West Kazakhstan: the
#: oil region of the 2011 Zhanaozen shootings and of the first 2022 protests).
WEST = ("mangystau", "atyrau", "aktobe", "west_kazakhstan")


def _regions(data: dict[str, Any]) -> list[dict[str, Any]]:
    nat = data.setdefault("national", {})
    regions = nat.get("regions")
    if regions is None:
        regions = nat["regions"] = []
    return regions


def _region(data: dict[str, Any], name: str) -> dict[str, Any]:
    for r in _regions(data):
        if r.get("name") == name:
            return r
    entry: dict[str, Any] = {"name": name}
    _regions(data).append(entry)
    return entry


def _national_legitimacy(data: dict[str, Any]) -> float:
    """Returns ``population.legitimacy`` of raw ``data`` (the schema's default if unset)."""
    default = Population.model_fields["legitimacy"].default
    return float(data.get("population", {}).get("legitimacy", default))


def _simulated_regions(data: dict[str, Any]) -> tuple[dict[str, RegionData], list[str]]:
    """Returns (the data file's rows, the names of the regions the run simulates: the listed
    ones with ``only_listed``, else every row)."""
    nat = data.get("national", {})
    rows = data_rows(nat.get("data", "kazakhstan"))
    names = [r["name"] for r in _regions(data)] if nat.get("only_listed") else list(rows)
    return rows, names


def _legitimacy_and_west(data: dict[str, Any], values: dict[str, float]) -> None:
    """Sets national legitimacy and the western regions' (legitimacy − west gap); a missing
    gap keeps the preset's own offset (0 when its western regions carry none)."""
    if "legitimacy" not in values and "west_gap" not in values:
        return
    now = _national_legitimacy(data)
    pop = data.setdefault("population", {})
    listed = {r.get("name"): r for r in _regions(data)}
    gap = values.get("west_gap")
    if gap is None:
        west = listed.get(WEST[0], {}).get("legitimacy")
        gap = 0.0 if west is None else now - float(west)
    base = float(values.get("legitimacy", now))
    pop["legitimacy"] = base
    only = bool(data.get("national", {}).get("only_listed"))
    for name in WEST:  # only the regions simulated: ``only_listed`` keeps its list
        if not only or name in listed:
            _region(data, name)["legitimacy"] = max(0.0, min(1.0, base - float(gap)))


def _legitimacy_trigger(region: dict[str, Any]) -> dict[str, Any] | None:
    """Returns a region's first trigger on ``population.legitimacy`` (the price shock), if any."""
    return next((t for t in region.get("triggers", [])
                 if t.get("path") == "population.legitimacy"), None)


def _shock(data: dict[str, Any], value: float) -> None:
    """The price shock: Mangystau's legitimacy falls by ``value`` below its own level from the
    first Mangystau trigger on ``population.legitimacy`` (grievance = hardship × lost
    legitimacy, and G ≤ 1 − L: a hardship rise alone cannot lift grievance above 1 − L)."""
    region = _region(data, "mangystau")
    trigger = _legitimacy_trigger(region)
    if trigger is None:
        raise ValueError("shock: the preset has no Mangystau legitimacy trigger to set")
    base = region.get("legitimacy", _national_legitimacy(data))
    trigger["value"] = max(0.0, float(base) - value)


def _preset_shock(data: dict[str, Any]) -> float | None:
    """Returns the preset's own shock (Mangystau's legitimacy minus its legitimacy trigger's
    value), or None when Mangystau has no such trigger."""
    region = next((r for r in _regions(data) if r.get("name") == "mangystau"), None)
    trigger = None if region is None else _legitimacy_trigger(region)
    if trigger is None:
        return None
    return float(region.get("legitimacy", _national_legitimacy(data))) - float(trigger["value"])


def _police_on_duty(data: dict[str, Any], value: float) -> None:
    """Every region's police per 100k = the data file's rate × ``value`` (the share of the
    force deployed against protest: shifts, posts and orders keep the rest away)."""
    rows, names = _simulated_regions(data)
    for name in names:
        _region(data, name)["police_per_100k"] = rows[name].police_per_100k * value


def _news_delay(data: dict[str, Any], value: float) -> None:
    """The hours before news of a region's protest reaches others: the network's base delay
    and the national media's delay, set together (the distance term ``speed_kmh`` stays)."""
    set_path(data, "national.network.base_delay_hours", value)
    set_path(data, "national.network.media_delay_hours", value)


def _tolerance(data: dict[str, Any], value: float) -> None:
    """Police at their most hesitant until the first state of emergency: every cop's loyalty ℓ
    (how rarely a cop skips an arrest in a crowd) × ``value`` from the clock's start until the
    first ``national.emergencies`` entry, then back (two ``police.loyalty_scale`` timeline
    events; ``value`` in [0.01, 1], 1 = no tolerance).

    Raises:
        ValueError: ``value`` outside [0.01, 1], or no clock start or emergency to date it by.
    """
    if not 0.01 <= value <= 1.0:
        raise ValueError(f"tolerance must be in [0.01, 1]; got {value}")
    emergencies = data.get("national", {}).get("emergencies") or []
    start = data.get("clock", {}).get("start")
    if not emergencies or start is None:
        raise ValueError("tolerance needs clock.start and a national.emergencies entry")
    data.setdefault("timeline", []).extend([
        {"kind": "scale", "at": start, "path": "police.loyalty_scale", "factor": value},
        {"kind": "scale", "at": emergencies[0]["at"], "path": "police.loyalty_scale",
         "factor": 1.0 / value}])


def _russian_offset(data: dict[str, Any], value: float) -> None:
    """Each region's citizens as Kazakh, Russian and other groups in the data file's census
    shares (``national.groups``), the Russians' legitimacy = the region's + ``value`` (kept
    through the price shock: ``Group.legitimacy_offset``); negative: a minority more alienated
    than the rest, positive: less.

    Raises:
        ValueError: ``value`` outside [-1, 1].
    """
    if not -1.0 <= value <= 1.0:
        raise ValueError(f"russian_offset must be in [-1, 1]; got {value}")
    set_path(data, "national.groups.enabled", True)
    set_path(data, "national.groups.legitimacy_offset.russian", value)


#: Parameters set one path each (legitimacy and the west gap are set together, then the shock,
#: which is relative to Mangystau's legitimacy).
SETTERS: dict[str, Callable[[dict[str, Any], float], None]] = {
    "network_gain": lambda d, v: set_path(d, "national.network.gain", v),
    "mobilisable_share": lambda d, v: set_path(d, "national.scale.mobilisable_share", v),
    "threshold": lambda d, v: set_path(d, "population.threshold", v),
    "police_on_duty": _police_on_duty,
    "sweep_rate": lambda d, v: set_path(d, "national.detention.sweep.per_tick", v),
    "credibility": lambda d, v: set_path(d, "government.concede.credibility", v),
    "news_delay": _news_delay,
    "population_exponent": lambda d, v: set_path(d, "national.network.population_exponent", v),
    "tolerance": _tolerance,
    "crackdown_police": lambda d, v: set_path(d, "government.crackdown.police_factor", v),
    "russian_offset": _russian_offset,
}

#: Every free parameter's name (``region_spread`` is applied by ``simulate.build``, which has
#: the run's seed: ``region_effects``; ``detention_reporting`` and ``detention_lag`` by
#: ``simulate.run_observed``, to the observed detentions: ``observables.observe`` and
#: ``observables.delay_detentions``).
OBSERVATION = ("detention_reporting", "detention_lag")
ORDER = ("legitimacy", "west_gap", "shock", *SETTERS, "region_spread", *OBSERVATION)


def apply_values(data: dict[str, Any], values: dict[str, float]) -> dict[str, Any]:
    """Returns a copy of raw scenario ``data`` with the free parameters' ``values`` written in.

    Raises:
        ValueError: an unknown parameter name (the message lists the known ones).
    """
    unknown = sorted(set(values) - set(ORDER))
    if unknown:
        raise ValueError(f"unknown free parameter(s) {unknown}; known: {', '.join(ORDER)}")
    out = copy.deepcopy(data)
    if "region_spread" in values:
        raise ValueError("region_spread needs the run's seed: use casestudy.simulate.build")
    observation = sorted(set(values) & set(OBSERVATION))
    if observation:
        raise ValueError(f"{', '.join(observation)}: part of the observation model, not of the "
                         "scenario: use casestudy.simulate.run_daily")
    shock = values.get("shock")
    if shock is None and ("legitimacy" in values or "west_gap" in values):
        shock = _preset_shock(out)  # a fit that leaves the shock fixed keeps it relative
    _legitimacy_and_west(out, values)
    if shock is not None:
        _shock(out, float(shock))
    for name, setter in SETTERS.items():
        if name in values:
            setter(out, float(values[name]))
    return out


def region_effects(data: dict[str, Any], spread: float, rng: np.random.Generator) -> dict[str, Any]:
    """Returns a copy of ``data`` with every simulated region's legitimacy shifted by its own
    random effect ~ N(0, ``spread``), clipped to [0, 1]; a region's legitimacy triggers (the
    Mangystau shock) move with it. Regions are drawn in the data file's order, so the same
    seed gives the same effect to the same region whichever regions are listed.

    Raises:
        ValueError: ``spread`` is negative or not finite.
    """
    if not np.isfinite(spread) or spread < 0:
        raise ValueError(f"region_spread must be a finite number >= 0; got {spread}")
    out = copy.deepcopy(data)
    rows, names = _simulated_regions(out)
    effects = dict(zip(rows, rng.normal(0.0, spread, len(rows)), strict=True))
    base = _national_legitimacy(out)
    for name in names:
        region = _region(out, name)
        shift = float(effects[name])
        own = float(region.get("legitimacy", base))
        region["legitimacy"] = min(1.0, max(0.0, own + shift))
        for t in region.get("triggers", []):
            if t.get("path") == "population.legitimacy":
                t["value"] = min(1.0, max(0.0, float(t["value"]) + shift))
    return out
