"""Identical parameters for Mesa 3.3.1's Epstein example and uprising's ``mesa-example`` preset.

Two regimes (Mesa's ``model.py`` defaults and its ``app.py`` slider defaults), returned as
Mesa's ``EpsteinCivilViolence`` keyword arguments or as dotted uprising scenario overrides.
"""

from __future__ import annotations

from typing import Any

# Parameters shared by both regimes (Mesa model.py defaults = the mesa-example preset).
COMMON: dict[str, Any] = {
    "citizen_density": 0.7,
    "citizen_vision": 7,
    "cop_vision": 7,
    "active_threshold": 0.1,
    "arrest_prob_constant": 2.3,
    "movement": True,
}
# Mesa's model.py defaults and its app.py slider defaults.
REGIMES: dict[str, dict[str, Any]] = {
    "default": {"cop_density": 0.074, "legitimacy": 0.8, "max_jail_term": 1000},
    "app": {"cop_density": 0.04, "legitimacy": 0.82, "max_jail_term": 30},
}
# Mesa keyword -> uprising dotted scenario path.
MESA_TO_UPRISING = {
    "citizen_density": "population.density",
    "citizen_vision": "population.vision",
    "cop_vision": "police.vision",
    "active_threshold": "population.threshold",
    "arrest_prob_constant": "police.k",
    "movement": "rules.movement",
    "cop_density": "police.density",
    "legitimacy": "population.legitimacy",
    "max_jail_term": "jail.max_term",
}


def mesa_kwargs(regime: str, width: int = 40, height: int = 40) -> dict[str, Any]:
    """Returns the keyword arguments of Mesa's ``EpsteinCivilViolence`` for a regime."""
    return {"width": width, "height": height, **COMMON, **REGIMES[regime]}


def uprising_overrides(regime: str, width: int = 40, height: int = 40) -> list[str]:
    """Returns dotted overrides making the ``mesa-example`` preset identical to Mesa's kwargs."""
    out = [f"world.width={width}", f"world.height={height}"]
    for key, value in mesa_kwargs(regime, width, height).items():
        if key in MESA_TO_UPRISING:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            out.append(f"{MESA_TO_UPRISING[key]}={text}")
    return out
