"""Outcomes of one 2019 run for the out-of-sample prediction: cumulative detentions on 9 June,
9-11 June and 9-13 June, deaths, and the rally's duration in hours on 9 June.

The 2019 case has hourly ticks; the rally lasts from the first to the last hour of 9 June in
which national participants reach ``PROTEST_PEOPLE`` (0 hours if they never do).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from uprising.casestudy.cases import PROTEST_PEOPLE
from uprising.casestudy.observables import NATIONAL
from uprising.casestudy.simulate import run_observed

#: The behavioural parameters carried over from 2022 (the others are 2022-specific: the
#: LPG price shock, the post-peak sweep and the size of the 7 January deployment), and the
#: observation model's reporting share (the same ministry counted the detentions of both
#: years). A parameter is carried only by a posterior that fitted it; one 2022 fixes instead
#: (the mobilisable share since round 16) is carried in the 2019 preset's own value.
FROZEN = ("legitimacy", "west_gap", "network_gain", "mobilisable_share", "police_on_duty",
          "threshold", "news_delay", "population_exponent", "region_spread",
          "detention_reporting", "russian_offset")
ELECTION_DAY = date(2019, 6, 9)
PERIODS = {"detentions_0609": date(2019, 6, 9), "detentions_0611": date(2019, 6, 11),
           "detentions_0613": date(2019, 6, 13)}


def run_2019(values: dict[str, float], seed: np.random.SeedSequence | int,
             case: str = "kazakhstan-2019") -> dict[str, float]:
    """Returns the prediction outcomes of one run of the 2019 case at frozen 2022 ``values``."""
    frozen = {k: v for k, v in values.items() if k in FROZEN}
    m, daily = run_observed(case, frozen, None, seed)
    ts = m.get_model_vars_dataframe()
    nat = daily[daily["region"] == NATIONAL].set_index("date")
    out: dict[str, Any] = {k: float(nat["detentions"].get(d, np.nan)) for k, d in PERIODS.items()}
    out["deaths"] = float(nat["deaths"].iloc[-1])
    hourly = ts[(ts["region"] == NATIONAL) & (ts["tick"] > 0)]
    begin = hourly["datetime"] - np.timedelta64(int(m.clock.hours_per_tick * 60), "m")
    on_day = hourly[(begin.dt.date == ELECTION_DAY).to_numpy()]
    hot = on_day["participants_people"].to_numpy() >= PROTEST_PEOPLE
    out["rally_hours"] = float((np.flatnonzero(hot)[-1] - np.flatnonzero(hot)[0] + 1)
                               * m.clock.hours_per_tick) if hot.any() else 0.0
    p = nat["participants"].to_numpy(dtype=float)
    out["escalated"] = float(len(p) > 1 and p[1:].max() > p[0] > 0)
    active_days = int((p >= PROTEST_PEOPLE).sum())
    out["cycle_days"] = float(active_days)
    return out
