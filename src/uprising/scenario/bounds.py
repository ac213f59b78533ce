"""Bounds of a scenario's fields that depend on another section (the world's size, the
population's density): checked by ``Scenario``'s model validator, so each message names the
field. Static bounds are on the fields themselves (``Field(le=…)``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uprising.scenario.schema import Scenario


#: Largest product police_factor^max_times of repeated crackdowns: it takes one cop in the
#: largest world (1 / MAX_CELLS of the cells) to every cell; any larger product changes nothing
#: (the density is capped by the free cells), and a bound keeps the running factor finite, so
#: undoing a crackdown restores the density exactly.
MAX_CRACKDOWN_GROWTH = 1e10


def check_crackdown_reach(scenario: Scenario) -> None:
    """Raises ValueError when police_factor^max_times exceeds MAX_CRACKDOWN_GROWTH (computed in
    logarithms: a factor of 100 repeated 1000 times is refused instead of overflowing)."""
    gov = scenario.government
    c = gov.crackdown
    if gov.mode == "off" or c is None:
        return
    log_growth = c.max_times * math.log(c.police_factor)
    if log_growth > math.log(MAX_CRACKDOWN_GROWTH) + 1e-9:
        growth = f"{math.exp(log_growth):.3g}" if log_growth < 700 else "more than 1e300"
        raise ValueError(
            f"government.crackdown: police_factor {c.police_factor:g} applied max_times = "
            f"{c.max_times} times multiplies police.density by {growth}, more than "
            f"{MAX_CRACKDOWN_GROWTH:.0e} (enough to fill the largest world from one cop): "
            "lower police_factor or max_times"
        )


def check_violence(scenario: Scenario) -> None:
    """Raises ValueError (naming the field) unless every listed target cell lies in the world,
    none is listed twice, the listed plus random targets fit in the world's cells and, when
    the mechanism is on and agents are placed in exact numbers, the cells targets leave free
    hold every agent (targets never hold one)."""
    violence, world = scenario.violence, scenario.world
    width, height = world.width, world.height
    seen: set[tuple[int, int]] = set()
    for i, (x, y) in enumerate(violence.target_cells):
        if not (0 <= x < width and 0 <= y < height):
            raise ValueError(
                f"violence.target_cells[{i}] = [{x}, {y}] is outside the {width}×{height} world "
                f"(0 ≤ x < {width}, 0 ≤ y < {height})"
            )
        if (x, y) in seen:
            raise ValueError(f"violence.target_cells[{i}] = [{x}, {y}] is listed twice")
        seen.add((x, y))
    cells = width * height
    blocked = violence.targets + len(seen)
    if blocked > cells:
        raise ValueError(
            f"violence.targets = {violence.targets} plus {len(seen)} listed target cells "
            f"exceed the world's {cells} cells"
        )
    if violence.enabled and blocked and scenario.rules.initial_counts == "exact":
        agents = round(scenario.population.density * cells) + round(
            scenario.police.density * cells)
        if agents > cells - blocked:
            raise ValueError(
                f"violence.targets = {violence.targets} plus {len(seen)} listed target cells "
                f"leave {cells - blocked} of the {cells} cells free, too few for the {agents} "
                "agents (population.density + police.density); targets never hold an agent"
            )


def check_timeline_density(scenario: Any) -> None:
    """Raises ValueError when a timeline event can set a police density that does not fit in
    the cells the citizens leave free (it used to be capped silently)."""
    free = 1.0 - scenario.population.density
    reached = scenario.police.density
    for i, ev in enumerate(scenario.timeline):
        if getattr(ev, "path", None) != "police.density":
            continue
        if ev.kind == "set":
            values = [ev.value]
        elif ev.kind == "ramp":
            values = [ev.start_value, ev.end_value]
        else:
            values = [reached * ev.factor]
        for value in values:
            if value > free + 1e-12:
                what = "scaled" if ev.kind == "scale" else "set"
                raise ValueError(
                    f"timeline[{i}] police.density {what} to {value:g} does not fit: "
                    f"population.density {scenario.population.density:g} leaves {free:g} of "
                    "the cells free (one agent per cell)"
                )
            reached = max(reached, value)
