"""Acting on a running model: validated parameter changes, interventions, forks.

Everything here goes through the public model API (``set_parameter``, ``concede``,
``log_event``; a fork is ``Simulation.fork``) except one addition the model class does not
offer yet (to move there):

* ``ensure_cop_slots`` — the engine preallocates only the cop slots the scenario can ask for
  (``engine.state.max_cops``), so ``set_parameter`` refuses (ValueError) a ``police.density``
  beyond that; this grows the per-agent arrays with off-duty cop slots first (reference
  engine), so a crackdown may exceed the scenario's police capacity.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from uprising.scenario import ScenarioError, load_scenario
from uprising.scenario.registry import PATH_RANGES
from uprising.visual.lattice import site_models

#: Sliders of the page: (path, label, low, high, step). The page's ranges are only a
#: convenience: every value is validated on the server like the scenario file.
SLIDERS: tuple[tuple[str, str, float, float, float], ...] = (
    ("population.legitimacy", "legitimacy L", 0.0, 1.0, 0.01),
    ("population.threshold", "threshold T", 0.0, 1.0, 0.01),
    ("population.vision", "citizen vision v", 0.5, 20.0, 0.1),
    ("police.density", "police density", 0.0, 0.3, 0.005),
    ("jail.max_term", "max jail term", 0.0, 100.0, 1.0),
)

#: Intervention buttons: action -> (label, what it does).
INTERVENTIONS: dict[str, tuple[str, str]] = {
    "concede": ("Concede", "concession: legitimacy +0.05 for every group"),
    "crackdown": ("Crack down", "police density × 1.5 (at least +0.01)"),
    "cut_information": ("Cut information", "internet cut-off: citizen vision × 0.3"),
    "external_help": ("Call external help", "request the external power (if the scenario has "
                      "one), else +0.02 police density of external police"),
    "shoot_to_kill": ("Order shoot-to-kill", "violence.force_level to its maximum (lethal)"),
}

#: Largest lattice the page draws (cells per site).
MAX_CELLS = 1_000_000

_PER_AGENT = ("kind", "state", "pos", "term", "fresh", "arrest_cell", "hardship", "grievance",
              "risk_aversion", "risk", "threshold", "group", "flags", "loyalty",
              "defect_threshold")


class UserError(ValueError):
    """A message for the page: bad input, not a server fault."""


def scenario_value(scenario: Any, path: str) -> float | None:
    """Returns the value at a dotted scenario path, or None when the path is not a field."""
    obj = scenario
    for part in path.split("."):
        if not hasattr(obj, part):
            return None
        obj = getattr(obj, part)
    return float(obj) if isinstance(obj, int | float) else None


def check_number(value: Any, what: str) -> float:
    """Returns ``value`` as a float, or raises UserError (NaN and non-numbers refused)."""
    if isinstance(value, bool):
        raise UserError(f"{what}: expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{what}: expected a number, got {value!r}") from None
    if math.isnan(number):
        raise UserError(f"{what}: expected a number, got NaN")
    return number


def validate_change(scenario: Any, path: str, value: Any) -> float:
    """Returns the value once it passes the scenario file's validation, else raises UserError.

    Validated exactly as the scenario file validates the same change: as an override of the
    scenario field (when the path is one; e.g. vision against the torus, densities summing to
    at most 1) and as a dated ``set`` event of the timeline (range of the path).
    """
    if path not in PATH_RANGES:
        raise UserError(f"{path!r} cannot be changed during a run; settable: "
                        f"{', '.join(PATH_RANGES)}")
    number = check_number(value, path)
    try:
        if scenario_value(scenario, path) is not None:
            load_scenario(scenario, [f"{path}={number!r}"])
        data = scenario.model_dump(mode="json")
        data["timeline"] = [*data.get("timeline", []),
                            {"kind": "set", "at": 1, "path": path, "value": number}]
        load_scenario(data)
    except ScenarioError as exc:
        raise UserError(_tidy(str(exc))) from None
    return number


def _tidy(message: str) -> str:
    """Returns the scenario loader's message without its 'NAME: invalid scenario' preamble."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    body = [ln.removeprefix("<scenario>: ") for ln in lines[1:]] if len(lines) > 1 else lines
    return "; ".join(body).replace(f"timeline[{0}] ", "")


def ensure_cop_slots(model: Any, density: float) -> int:
    """Returns how many off-duty cop slots were added so ``police.density = density`` can be
    honoured (0 when enough exist, or for engines other than the reference one)."""
    st = model.state
    if model.scenario.engine != "reference" or not hasattr(st, "kind"):
        return 0
    need = round(density * len(st.code))
    extra = need - (len(st.kind) - st.n_citizens)
    if extra <= 0:
        return 0
    from uprising.engine.state import draw

    sc = model.scenario
    fill: dict[str, Any] = {"kind": 1, "state": 3, "pos": -1, "arrest_cell": -1,
                            "threshold": sc.population.threshold}
    rng = model.macro_rng
    new: dict[str, np.ndarray] = {}
    if sc.reluctance.enabled:
        new["loyalty"] = draw(sc.police.loyalty, rng, extra)
    if sc.defection.enabled:
        new["defect_threshold"] = draw(sc.defection.threshold, rng, extra)
    defaults = {"loyalty": 1.0, "defect_threshold": np.inf}
    for name in _PER_AGENT:
        arr = getattr(st, name)
        tail = new.get(name)
        if tail is None:
            tail = np.full(extra, fill.get(name, defaults.get(name, 0)), dtype=arr.dtype)
        setattr(st, name, np.concatenate([arr, tail.astype(arr.dtype)]))
    return extra


def set_parameter(model: Any, path: str, value: Any, site: int | None = None) -> float:
    """Returns the validated value after setting it on the model (every site, or one)."""
    targets = _targets(model, site)
    number = validate_change(targets[0].scenario, path, value)
    for m in targets[1:]:
        validate_change(m.scenario, path, number)
    for m in targets:
        if path == "police.density":
            ensure_cop_slots(m, number)
        m.set_parameter(path, number)
        m.log_event("user", "set", path=path, value=number)
    return number


def intervene(model: Any, action: str, site: int | None = None) -> list[dict[str, Any]]:
    """Returns the events logged after taking ``action`` (see INTERVENTIONS) on the model."""
    if action not in INTERVENTIONS:
        raise UserError(f"unknown intervention {action!r}; known: {', '.join(INTERVENTIONS)}")
    logged = []
    for m in _targets(model, site):
        detail = _act(m, action)
        m.log_event("user", action, **detail)
        logged.append(m.events[-1])
    return logged


def _act(m: Any, action: str) -> dict[str, Any]:
    p = m.params
    if action == "concede":
        m.concede(legitimacy_gain=0.05)
        return {"legitimacy_gain": 0.05}
    if action == "crackdown":
        before = float(p["police.density"])
        after = min(max(before * 1.5, before + 0.01), 1.0 - m.scenario.population.density)
        return {**_police(m, after), "police_density_before": before}
    if action == "cut_information":
        vision = float(p["population.vision"])
        after = max(vision * 0.3, PATH_RANGES["population.vision"][0])
        m.set_parameter("population.vision", validate_change(m.scenario, "population.vision",
                                                             after))
        return {"vision_before": vision, "vision": after}
    if action == "external_help":
        external = [a for a in getattr(m, "actors", []) if hasattr(a, "request")]
        if external:
            external[0].request(m.tick + 1)
            return {"external_power": "requested (it decides by its own rule)"}
        before = float(p["police.density"])
        after = min(before + 0.02, 1.0 - m.scenario.population.density)
        return {**_police(m, after), "external_power": "none in scenario: +0.02 police"}
    level = PATH_RANGES["violence.force_level"][1]
    m.set_parameter("violence.force_level", level)
    detail: dict[str, Any] = {"force_level": level}
    if not m.scenario.violence.enabled:
        detail["note"] = "no effect: the violence mechanism is off in this scenario"
    return detail


def _police(m: Any, density: float) -> dict[str, Any]:
    density = validate_change(m.scenario, "police.density", density)
    added = ensure_cop_slots(m, density)
    m.set_parameter("police.density", density)
    cops = int(((m.state.kind == 1) & (m.state.state != 3)).sum())
    return {"police_density": round(density, 4), "cops_on_duty": cops, "slots_added": added}


def _targets(model: Any, site: int | None) -> list[Any]:
    models = site_models(model)
    if not hasattr(models[0], "set_parameter"):
        raise UserError("this scenario's model (Model II) takes changes only on reset")
    return models if site is None else [models[site]]
