"""A small national scenario for the real-world-frame tests (3 regions, 2 days, 3 h ticks)."""

from __future__ import annotations

import copy
from typing import Any

START = "2022-01-02T00:00"


def small_nation(**national: Any) -> dict[str, Any]:
    """Returns a scenario mapping: Mangystau (triggered), Atyrau and Aktobe at 1000 people per
    agent (37, 33 and 46 citizens), 4 burn-in ticks, 2 days of 3-hour ticks."""
    nat: dict[str, Any] = {
        "data": "kazakhstan",
        "only_listed": True,
        "regions": [
            {"name": "mangystau", "triggers": [{"at": START, "value": 0.5}]},
            {"name": "atyrau"},
            {"name": "aktobe"},
        ],
        "scale": {"people_per_agent": 1000},
        "network": {"gain": 3.0, "target": "hardship"},
    }
    nat.update(copy.deepcopy(national))
    return {
        "name": "small-nation",
        "clock": {"start": START, "timezone": "Asia/Almaty", "hours_per_tick": 3,
                  "burn_in_ticks": 4, "days": 2},
        "population": {"legitimacy": 0.89, "vision": 3},
        "police": {"vision": 3},
        "national": nat,
        "seed": 7,
    }
