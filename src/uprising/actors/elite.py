"""Elite cohesion: scales police loyalty and government resolve; a dated split changes it."""

from __future__ import annotations

from typing import Any

from uprising.actors.common import active_share
from uprising.actors.interface import ActorModel
from uprising.scenario.actors import Elite


class EliteActor:
    """Holds elite cohesion c and pushes its consequences into the model.

    police.loyalty_scale = 1 − λ·(1 − c); government resolve factor = 1 − μ·(1 − c). The scale is
    written before tick 1 when c₀ < 1 and again at ``split_at`` (never when λ = 0). With
    ``erosion`` η > 0 cohesion is also endogenous: before each tick t > 1,
    c ← max(0, c − η·max(0, a − a_tol)), a the active share of tick t − 1.
    """

    name = "elite"

    def __init__(self, cfg: Elite):
        self.cfg = cfg
        self.cohesion = cfg.cohesion
        self._started = False

    def loyalty_scale(self) -> float:
        """Returns the multiplier of cop loyalty implied by the current cohesion."""
        return 1.0 - self.cfg.loyalty_sensitivity * (1.0 - self.cohesion)

    def resolve_factor(self) -> float:
        """Returns the multiplier of government resolve implied by the current cohesion."""
        return 1.0 - self.cfg.resolve_sensitivity * (1.0 - self.cohesion)

    def before_tick(self, model: ActorModel, tick: int) -> None:
        """Applies the initial cohesion (first call) and the split (at ``split_at``)."""
        if not self._started:
            self._started = True
            if self.cohesion < 1.0:
                self._push(model, "cohesion")
        if self.cfg.split_at is not None and tick == self.cfg.split_at:
            before = self.cohesion
            self.cohesion = self.cfg.split_to
            self._push(model, "split", cohesion_before=before)
        elif self.cfg.erosion > 0 and tick > 1:  # endogenous: unrest above tolerance erodes c
            excess = active_share(model) - self.cfg.tolerance
            if excess > 0 and self.cohesion > 0:
                before = self.cohesion
                self.cohesion = max(0.0, before - self.cfg.erosion * excess)
                self._push(model, "erode", cohesion_before=before)

    def _push(self, model: ActorModel, action: str, **detail: Any) -> None:
        scale = self.loyalty_scale()
        if self.cfg.loyalty_sensitivity > 0:  # λ = 0 switches the loyalty channel off
            model.set_parameter("police.loyalty_scale", scale)
        model.log_event(
            self.name, action, cohesion=self.cohesion, loyalty_scale=scale,
            resolve_factor=self.resolve_factor(), **detail,
        )
