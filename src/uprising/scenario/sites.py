"""Scenario sections of several sites (cities): the sites, the news coupling between them,
and the scenario of one site. The coordinator is ``uprising.simulation.sites``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from uprising.scenario.base import Frozen, Probability, Tick
from uprising.scenario.errors import validate_as
from uprising.scenario.paths import set_path

if TYPE_CHECKING:
    from uprising.scenario.schema import Scenario

SiteName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", max_length=40)]

#: Reserved: the ``site`` value of the summed rows in a multi-site time series.
TOTAL_SITE = "total"


class Site(Frozen):
    """One site (city): its own lattice, built from the base scenario plus ``overrides``."""

    name: SiteName
    overrides: dict[str, Any] = Field(
        default_factory=dict, max_length=1000,
        description="{dotted.path: value} applied to the base scenario",
    )

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, v: str) -> str:
        if v == TOTAL_SITE:
            raise ValueError(f"{TOTAL_SITE!r} is reserved for the summed rows")
        return v


class NewsCut(Frozen):
    """From ``start`` to ``end`` (inclusive) news to and from ``sites`` (all if empty) is
    multiplied by ``factor``."""

    start: Tick
    end: Tick
    sites: tuple[SiteName, ...] = Field((), max_length=100)
    factor: Probability = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> NewsCut:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) must be ≥ start ({self.start})")
        return self


class News(Frozen):
    """Coupling of sites: news of activity elsewhere raises hardship or lowers thresholds."""

    gain: float = Field(0.0, ge=0.0, le=100.0, description="g; 0 = sites are independent")
    delay: int = Field(0, ge=0, le=1_000_000, description="ticks news takes to arrive")
    target: Literal["hardship", "threshold"] = Field(
        "hardship",
        description="hardship: hardship × (1 + g·news) on top of the hardship scale; threshold: "
        "population.threshold = T₀·max(0, 1 − g·news)",
    )
    cuts: tuple[NewsCut, ...] = Field((), max_length=10_000)


def site_scenario(scenario: Scenario, site: Site) -> Scenario:
    """Returns the scenario of one site: the base without sites/news, plus its overrides,
    validated as the base's own class.

    Raises:
        ScenarioError: the overrides make an invalid scenario (message names the field).
    """
    data = scenario.model_dump(mode="python", exclude={"sites", "news"})
    data["name"] = f"{scenario.name}/{site.name}"
    for key, value in site.overrides.items():
        try:
            set_path(data, key, value)
        except ValueError as exc:
            raise ValueError(f"{key!r}: {exc}") from None
    return validate_as(type(scenario), data, f"site {site.name}")
