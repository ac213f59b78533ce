"""A fake case study with the case contract of ``uprising.casestudy.simulate``, for tests of
the comparison and the report (cheap, deterministic from the seed, importable in workers).

``fake.boost`` (an override) scales participants, detentions and the collapse probability, so a
variant has a known effect; the parameter ``gain`` (a value) scales participants.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

FAKE_REGIONS = ("north", "south", "east", "west")
FAKE_DAYS = 8


def fake_run_case(case: str, values: dict[str, float], overrides: dict[str, Any],
                  seed: np.random.SeedSequence) -> dict[str, float]:
    """Returns the outcomes of one fake run (the keys of the case contract, plus ``extra``)."""
    rng = np.random.default_rng(seed)
    boost = float(overrides.get("fake.boost", 0.0))
    gain = float(values.get("gain", 1.0))
    peak = 1000.0 * gain * (1.0 + boost) * rng.lognormal(0.0, 0.3)
    collapse = float(rng.random() < min(1.0, 0.1 + 0.5 * boost))
    return {
        "peak_participants": peak,
        "days_to_order": float("nan") if collapse else float(rng.integers(3, 15)),
        "detentions": 0.2 * peak * (1.0 + boost) + rng.normal(0.0, 5.0),
        "deaths": float(rng.poisson(5.0 * (1.0 + boost))),
        "buildings_damaged": float(rng.poisson(20.0)),
        "regime_collapse": collapse,
        "extra": float(rng.random()),
    }


def fake_run_case_series(case: str, values: dict[str, float], overrides: dict[str, Any],
                         seed: np.random.SeedSequence) -> pd.DataFrame:
    """Returns a fake daily table: one row per day and region plus ``national`` rows, columns
    day, date, region, participants, detentions, deaths (cumulative), regions_with_protest."""
    rng = np.random.default_rng(seed)
    gain = float(values.get("gain", 1.0))
    days = np.arange(FAKE_DAYS)
    shape = np.exp(-0.5 * ((days - 3.0) / 1.5) ** 2)
    rows = []
    for region in FAKE_REGIONS:
        part = np.round(200.0 * gain * shape * rng.lognormal(0.0, 0.4, FAKE_DAYS))
        det = np.cumsum(np.round(0.1 * part))
        dead = np.cumsum(rng.poisson(0.2 * shape))
        rows += [{"day": int(d), "region": region, "participants": float(p),
                  "detentions": float(x), "deaths": float(k)}
                 for d, p, x, k in zip(days, part, det, dead, strict=True)]
    table = pd.DataFrame(rows)
    national = table.groupby("day", as_index=False)[["participants", "detentions",
                                                     "deaths"]].sum()
    national["region"] = "national"
    national["regions_with_protest"] = (
        table[table["participants"] > 0].groupby("day")["region"].nunique()
        .reindex(days, fill_value=0).to_numpy(float))
    out = pd.concat([national, table], ignore_index=True)
    out["date"] = pd.Timestamp("2022-01-02") + pd.to_timedelta(out["day"], unit="D")
    return out
