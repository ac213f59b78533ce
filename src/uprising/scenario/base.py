"""Shared building blocks of the scenario schema."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class Frozen(BaseModel):
    """Base for all scenario parts: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class Distribution(Frozen):
    """A distribution for a per-agent attribute."""

    dist: Literal["uniform", "constant", "beta"] = "uniform"
    low: float = Field(0.0, ge=0.0, le=1.0)
    high: float = Field(1.0, ge=0.0, le=1.0)
    value: float = Field(0.5, ge=0.0, le=1.0, description="used when dist = constant")
    a: float = Field(2.0, gt=0.0, description="beta shape a")
    b: float = Field(2.0, gt=0.0, description="beta shape b")

    @model_validator(mode="after")
    def _ordered(self) -> Distribution:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must be ≤ high ({self.high})")
        return self
