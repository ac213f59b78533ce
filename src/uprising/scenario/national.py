"""The ``national`` scenario section: a country of regions linked by a diffusion network.

Each region is one lattice (an ordinary Model I run) whose size follows from its population
and the scale (people per agent); regions are coupled by a weighted network (distance decay,
transport links, a national media term) with delays in hours. Dates are local date-times of
the scenario's ``clock`` (required). Equations and sources: docs/real-world-frame.md.
"""

from __future__ import annotations

import csv
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field, model_validator

from uprising.scenario.base import Frozen, LegitimacyOffset, Probability
from uprising.scenario.clock import Clock, resolve_tick

RegionName = str


class RegionData(Frozen):
    """One first-level region: who lives there and where its capital is."""

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$", max_length=40)
    population: int = Field(gt=0, le=100_000_000, description="people (census)")
    lat: float = Field(ge=-90.0, le=90.0, description="capital latitude, degrees")
    lon: float = Field(ge=-180.0, le=180.0, description="capital longitude, degrees")
    police_per_100k: float = Field(380.0, ge=0.0, le=10_000.0, description="police per 100k")
    kazakh_share: Probability = 0.0
    russian_share: Probability = 0.0
    label: str = ""

    @model_validator(mode="after")
    def _shares(self) -> RegionData:
        if self.kazakh_share + self.russian_share > 1.0 + 1e-9:
            raise ValueError("kazakh_share + russian_share exceeds 1")
        return self


class Trigger(Frozen):
    """A dated change in one region (e.g. a price shock lowering legitimacy)."""

    at: datetime | int
    path: Literal["population.legitimacy", "population.threshold",
                  "population.hardship_scale"] = "population.legitimacy"
    value: float = Field(ge=0.0, le=10.0)


class Region(Frozen):
    """A region of the scenario: data-file values may be overridden; own triggers."""

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$", max_length=40)
    population: int | None = Field(None, gt=0, le=100_000_000)
    lat: float | None = Field(None, ge=-90.0, le=90.0)
    lon: float | None = Field(None, ge=-180.0, le=180.0)
    police_per_100k: float | None = Field(None, ge=0.0, le=10_000.0)
    legitimacy: Probability | None = Field(None, description="L of this region")
    triggers: tuple[Trigger, ...] = ()


class Link(Frozen):
    """A transport link (road, rail, air corridor) between two regions."""

    a: str
    b: str
    weight: float = Field(1.0, ge=0.0, le=100.0)


class Network(Frozen):
    """Diffusion network between regions (see docs/real-world-frame.md §4)."""

    enabled: bool = True
    gain: float = Field(3.0, ge=0.0, le=1000.0, description="g: effect of the news signal")
    target: Literal["threshold", "hardship"] = "threshold"
    distance_km: float = Field(400.0, gt=0.0, le=10_000.0, description="D of exp(−d/D)")
    population_exponent: float = Field(1.0, ge=0.0, le=3.0, description="α of P_j^α")
    link_weight: float = Field(1.0, ge=0.0, le=100.0, description="τ: weight of a link")
    links: tuple[Link, ...] = ()
    media_weight: Probability = Field(0.3, description="μ: share of the national media term")
    speed_kmh: float = Field(60.0, gt=0.0, le=10_000.0, description="news travel speed")
    base_delay_hours: float = Field(1.0, ge=0.0, le=1000.0)
    media_delay_hours: float = Field(1.0, ge=0.0, le=1000.0)
    during_burn_in: bool = Field(False, description="news flows during the burn-in too")
    memory_hours: float = Field(
        0.0, ge=0.0, le=10_000.0,
        description="half-life (hours) of what a region last learned through a channel a "
        "blackout has cut: the cut share of each term shows that knowledge, fading, instead of "
        "nothing (0: a cut channel shows nothing)",
    )


class Blackout(Frozen):
    """A dated information blackout: multiplies the media and network terms of the news."""

    start: datetime | int
    end: datetime | int
    media: Probability = Field(0.0, description="factor on the media term (0 = cut)")
    network: Probability = Field(1.0, description="factor on the region-to-region term")
    regions: tuple[str, ...] = Field((), description="regions affected; empty = all")


class Curfew(Frozen):
    """A daily window of local hours between two dates when free citizens barely move."""

    start: datetime | int
    end: datetime | int
    from_hour: float = Field(23.0, ge=0.0, le=24.0)
    to_hour: float = Field(7.0, ge=0.0, le=24.0)
    move_probability: Probability = 0.2
    regions: tuple[str, ...] = ()


class Scale(Frozen):
    """From people to agents."""

    people_per_agent: float = Field(50.0, gt=0.0, le=1e7, description="real people per agent")
    mobilisable_share: Probability = Field(
        0.05, description="share of a region's population that is in the model (citizens)"
    )
    min_citizens: int = Field(20, ge=1, description="a region with fewer citizens is refused")
    max_cells: int = Field(1_000_000, ge=9, description="a region with a larger lattice is "
                           "refused")


class Sweep(Frozen):
    """Post-peak sweep: after the national peak, former participants are detained at home."""

    enabled: bool = False
    after_peak_drop: Probability = Field(0.5, description="starts when a day's peak of national "
                                         "participants fell below this share of the highest "
                                         "earlier day's peak")
    per_tick: Probability = Field(0.05, description="share of the free former participants "
                                  "detained per tick")
    days: float = Field(3.0, gt=0.0, le=365.0, description="how long the sweep lasts")


class RallyCall(Frozen):
    """A rally called in a region: before it, bystanders near the rally site are detained."""

    at: datetime | int
    region: str
    radius: int = Field(5, ge=0, le=10_000, description="cells around the lattice centre")
    probability: Probability = Field(0.5, description="chance a quiet citizen there is detained")


class Detention(Frozen):
    """Detention as a process."""

    capacity_per_100k: float | None = Field(None, ge=0.0, le=100_000.0,
                                            description="places per 100k people; None = no limit")
    term_days: float | None = Field(None, gt=0.0, le=3650.0,
                                    description="maximum term in days (sets jail.max_term)")
    sweep: Sweep = Field(default_factory=Sweep)
    preemptive: tuple[RallyCall, ...] = Field((), description="pre-emptive detentions")


class Emergency(Frozen):
    """A regional state of emergency declared at a date (scripted)."""

    at: datetime | int
    regions: tuple[str, ...] = ()
    police_factor: float = Field(1.5, ge=1.0, le=10.0)
    move_probability: Probability = 1.0


class EmergencyRule(Frozen):
    """The national government declares a region's emergency when its active share ≥ share."""

    enabled: bool = False
    share: Probability = Field(0.05, description="active share of the region's citizens")
    people: float | None = Field(None, ge=0.0, le=1e10, description="or: participants in the "
                                 "region, real people (used instead of share when set)")
    population_share: Probability | None = Field(
        None, description="or: participants as a share of the region's real population")
    police_factor: float = Field(1.5, ge=1.0, le=10.0)


class Contingent(Frozen):
    """One external contingent for the country: arrives at named regions, guards sites there and
    frees local police for the streets; foreign troops never defect."""

    enabled: bool = False
    at: datetime | int | None = Field(None, description="arrival (scripted); None = rule")
    national_share: Probability = Field(0.02, description="rule: arrives when the national "
                                        "active share ≥ this")
    national_people: float | None = Field(None, ge=0.0, le=1e10, description="or: when national "
                                          "participants (real people) ≥ this")
    regions: tuple[str, ...] = ()
    sites: tuple[str, ...] = Field((), description="named sites guarded (logged)")
    frees_police: int = Field(0, ge=0, le=1_000_000, description="real police freed per region")
    guard: bool = Field(False, description="sites guarded on the lattice: in each of `regions`, "
                        "site k is the region's target k (violence); guarded targets take no "
                        "damage from arrival on")


class GroupMix(Frozen):
    """Each region's citizens as Kazakh, Russian and other groups with the data file's shares."""

    enabled: bool = False
    legitimacy: dict[Literal["kazakh", "russian", "other"], Probability] = Field(
        default_factory=dict, description="L per group (default: the region's L)")
    legitimacy_offset: dict[Literal["kazakh", "russian", "other"], LegitimacyOffset] = Field(
        default_factory=dict, description="L per group = the region's L + this, kept when "
        "the region's L changes (a shock); a group in `legitimacy` takes that instead")

    @model_validator(mode="after")
    def _one_legitimacy(self) -> GroupMix:
        for name in self.legitimacy_offset:
            if name in self.legitimacy:
                raise ValueError(f"legitimacy_offset.{name}: the group also has a legitimacy; "
                                 "give one of them")
        return self


class National(Frozen):
    """A country: regions from a data file, a scale, a diffusion network, national actors."""

    data: Literal["kazakhstan", "none"] = "kazakhstan"
    regions: tuple[Region, ...] = Field((), description="regions (data rows if not listed)")
    only_listed: bool = Field(False, description="use only the listed regions")
    scale: Scale = Field(default_factory=Scale)
    network: Network = Field(default_factory=Network)
    blackouts: tuple[Blackout, ...] = ()
    curfews: tuple[Curfew, ...] = ()
    detention: Detention = Field(default_factory=Detention)
    emergencies: tuple[Emergency, ...] = ()
    emergency_rule: EmergencyRule = Field(default_factory=EmergencyRule)
    contingent: Contingent = Field(default_factory=Contingent)
    onset_share: Probability = Field(0.02, description="a region's onset: active share ≥ this")
    groups: GroupMix = Field(default_factory=GroupMix)


@cache
def data_rows(name: str) -> dict[str, RegionData]:
    """Returns the rows of a shipped region data file, by region name."""
    if name == "none":
        return {}
    text = resources.files("uprising.scenario").joinpath(f"data/{name}_regions.csv").read_text(
        encoding="utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["name"]] = RegionData(
            name=row["name"], label=row["label"], population=int(row["population"]),
            lat=float(row["lat"]), lon=float(row["lon"]),
            police_per_100k=float(row["police_per_100k"]),
            kazakh_share=float(row["kazakh_share"]), russian_share=float(row["russian_share"]))
    return out


def regions_of(nat: National) -> list[tuple[RegionData, Region]]:
    """Returns (data, scenario entry) of every region of the country, in data-file order.

    Raises:
        ValueError: an unknown region name or a region without data, naming the field.
    """
    rows = data_rows(nat.data)
    listed = {r.name: r for r in nat.regions}
    for i, r in enumerate(nat.regions):
        if r.name not in rows and (r.population is None or r.lat is None or r.lon is None):
            raise ValueError(f"national.regions[{i}].name: unknown region {r.name!r} (not in "
                             f"data {nat.data!r}; give population, lat and lon); known: "
                             f"{sorted(rows)}")
    names = [n for n in rows if n in listed or not nat.only_listed]
    names += [n for n in listed if n not in rows]
    out = []
    for n in names:
        entry = listed.get(n, Region(name=n))
        base = rows[n].model_dump() if n in rows else {"name": n}
        for f in ("population", "lat", "lon", "police_per_100k"):
            if getattr(entry, f) is not None:
                base[f] = getattr(entry, f)
        out.append((RegionData(**base), entry))
    if not out:
        raise ValueError("national.regions: no region (data 'none' and none listed)")
    return out


def check_national(scenario: Any) -> None:
    """Raises ValueError when the national section is inconsistent: unknown region names,
    dates outside the run, a missing clock, or a scale giving empty or oversized lattices."""
    nat: National | None = scenario.national
    if nat is None:
        return
    clock: Clock | None = scenario.clock
    if clock is None:
        raise ValueError("national: a national scenario needs a `clock` section")
    if scenario.sites:
        raise ValueError("national: a national scenario cannot also have `sites`")
    regions = regions_of(nat)
    names = {d.name for d, _ in regions}

    def known(where: str, listed: tuple[str, ...]) -> None:
        for n in listed:
            if n not in names:
                raise ValueError(f"{where}: unknown region {n!r}; regions: {sorted(names)}")

    def tick(where: str, value: Any) -> int:
        return int(resolve_tick(clock, value, scenario.ticks, where))

    for i, link in enumerate(nat.network.links):
        known(f"national.network.links[{i}]", (link.a, link.b))
    for _, r in regions:
        for j, t in enumerate(r.triggers):
            tick(f"national.regions[{r.name}].triggers[{j}].at", t.at)
    for key, items in (("blackouts", nat.blackouts), ("curfews", nat.curfews)):
        for i, b in enumerate(items):
            known(f"national.{key}[{i}].regions", b.regions)
            if tick(f"national.{key}[{i}].end", b.end) < tick(f"national.{key}[{i}].start",
                                                               b.start):
                raise ValueError(f"national.{key}[{i}]: end is before start")
    for i, rc in enumerate(nat.detention.preemptive):
        known(f"national.detention.preemptive[{i}].region", (rc.region,))
        tick(f"national.detention.preemptive[{i}].at", rc.at)
    for i, e in enumerate(nat.emergencies):
        known(f"national.emergencies[{i}].regions", e.regions)
        tick(f"national.emergencies[{i}].at", e.at)
    known("national.contingent.regions", nat.contingent.regions)
    v, con = scenario.violence, nat.contingent
    if con.enabled and con.guard:
        n_targets = v.targets + len(v.target_cells) if v.enabled else 0
        if not con.sites or len(con.sites) > n_targets:
            raise ValueError(
                f"national.contingent.guard needs 1 to {n_targets} sites (one per target of "
                f"violence.targets + violence.target_cells in each region); got "
                f"{len(con.sites)}")
    if nat.contingent.at is not None:
        tick("national.contingent.at", nat.contingent.at)
    for d, _ in regions:
        citizens = citizens_of(d, nat.scale)
        cells = cells_of(citizens, scenario.population.density)
        if citizens < nat.scale.min_citizens:
            raise ValueError(
                f"national.scale.people_per_agent = {nat.scale.people_per_agent:g} gives region "
                f"{d.name!r} {citizens} citizens (< min_citizens = {nat.scale.min_citizens}): "
                "lower people_per_agent")
        if cells > nat.scale.max_cells:
            raise ValueError(
                f"national.scale.people_per_agent = {nat.scale.people_per_agent:g} gives region "
                f"{d.name!r} a lattice of {cells} cells (> max_cells = {nat.scale.max_cells}): "
                "raise people_per_agent")


def citizens_of(d: RegionData, scale: Scale) -> int:
    """Returns the citizens (agents) of a region: round(population · share / people per agent)."""
    return round(d.population * scale.mobilisable_share / scale.people_per_agent)


def side_of(citizens: int, density: float) -> int:
    """Returns the side of the square lattice holding ``citizens`` at ``density`` (≥ 3)."""
    import math

    return max(3, math.ceil(math.sqrt(citizens / max(density, 1e-9))))


def cells_of(citizens: int, density: float) -> int:
    """Returns the cells of the square lattice of a region."""
    return side_of(citizens, density) ** 2
