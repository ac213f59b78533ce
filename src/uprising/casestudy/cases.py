"""The case studies: which preset, which statistics (and how the record gives them), which
structural alternatives the calibration compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: A region has protest on a day when its peak participants reach this many people.
PROTEST_PEOPLE = 200.0


@dataclass(frozen=True)
class CaseSpec:
    """One case: its preset, statistics and structural alternatives."""

    name: str
    preset: str
    statistics: dict[str, dict[str, Any]]
    structural: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Burn-in draws allowed for a quiet start (``simulate.start_quiet``); 0: no conditioning.
    quiet_start: int = 0

    def observed(self) -> dict[str, float | None]:
        """Returns each statistic's observed value from the shipped record (None if absent)."""
        from uprising.casestudy.observables import log1p10
        from uprising.casestudy.observed import observed_value

        out: dict[str, float | None] = {}
        for name, s in self.statistics.items():
            if name.startswith("_"):
                continue
            if "observed" in s:  # derived from the record's dated events (see its source)
                out[name] = float(s["observed"])
                continue
            v = observed_value(self.name, s["observable"], s.get("region", "national"),
                               s.get("date"))
            if v is not None and s.get("transform") == "log10":
                v = log1p10(v)
            out[name] = v
        return out


def _stat(observable: str, when: str | None = None, region: str = "national",
          log: bool = False) -> dict[str, Any]:
    s: dict[str, Any] = {"observable": observable, "region": region}
    if when is not None:
        s["date"] = when
    if log:
        s["transform"] = "log10"
    return s


KZ2022 = CaseSpec(
    name="kazakhstan-2022",
    preset="kazakhstan-2022",
    statistics={
        "_protest_people": PROTEST_PEOPLE,
        "regions_0102": _stat("regions_with_protest", "2022-01-02"),
        "regions_0103": _stat("regions_with_protest", "2022-01-03"),
        "regions_0104": _stat("regions_with_protest", "2022-01-04"),
        "participants_mangystau_0102": _stat("participants", "2022-01-02", "mangystau", True),
        "participants_0104": _stat("participants", "2022-01-04", log=True),
        "participants_0105": _stat("participants", "2022-01-05", log=True),
        "participants_0109": _stat("participants", "2022-01-09", log=True),
        "detentions_0106": _stat("cumulative_detentions", "2022-01-06", log=True),
        "detentions_0107": _stat("cumulative_detentions", "2022-01-07", log=True),
        "detentions_0108": _stat("cumulative_detentions", "2022-01-08", log=True),
        "detentions_0109": _stat("cumulative_detentions", "2022-01-09", log=True),
        "detentions_0110": _stat("cumulative_detentions", "2022-01-10", log=True),
        "detentions_0111": _stat("cumulative_detentions", "2022-01-11", log=True),
        "deaths_0115": _stat("cumulative_deaths", "2022-01-15", log=True),
        # 9 Jan: "situation stable in all regions, all administrative buildings liberated"
        # (operational HQ via Interfax 73527); the last square, Aktau's, was cleared on 8 Jan
        # (§6): no region with a protest of PROTEST_PEOPLE or more (a claim, not a count)
        "regions_0109": {**_stat("regions_with_protest", "2022-01-09"), "observed": 0.0},
        # the record's peak of violence: 5 Jan (akimat stormed, airport seized), day 3 from 2 Jan
        "peak_violence_day": {**_stat("peak_violence_day"), "observed": 3.0},
        # 2 Jan: Mangystau the only region with protest (GPO), so it was first
        "mangystau_first": {**_stat("first_region_is", region="mangystau"), "observed": 1.0},
        # 2 Jan 00:00, before the shock: no region in protest (research note §1), so the run's
        # own first burn-in ended quiet (round 18: P(quiet | θ) as evidence)
        "quiet_before_shock": {**_stat("first_burn_in_quiet"), "observed": 1.0},
    },
    structural={
        "arrest_literal": {"rules.arrest_ratio": "literal"},
        "no_concession_backfire": {"demands.concession_shift": 0.0,
                                   "government.concede.weakness_signal": 0.0},
        "no_defection": {"defection.enabled": False},
    },
    # the record's 2 January 00:00: no region in protest (research note §1; round 17)
    quiet_start=10,
)

KZ2019 = CaseSpec(
    name="kazakhstan-2019",
    preset="kazakhstan-2019",
    statistics={
        "_protest_people": PROTEST_PEOPLE,
        "detentions_0609": _stat("cumulative_detentions", "2019-06-09", log=True),
        "detentions_0611": _stat("cumulative_detentions", "2019-06-11", log=True),
        "detentions_0613": _stat("cumulative_detentions", "2019-06-13", log=True),
        "deaths_0613": _stat("cumulative_deaths", "2019-06-13"),
    },
    quiet_start=10,  # before the election-day rallies no protest (round 17)
)

CASES = {c.name: c for c in (KZ2022, KZ2019)}


def case_spec(name: str) -> CaseSpec:
    """Returns the case named ``name``.

    Raises:
        ValueError: an unknown case, listing the known ones.
    """
    try:
        return CASES[name]
    except KeyError:
        raise ValueError(f"unknown case {name!r}; known: {', '.join(CASES)}") from None
