"""External power: intervenes when instability exceeds a stakes-dependent threshold or after a
government request, and its reinforcements arrive after a delay."""

from __future__ import annotations

from uprising.actors.common import PoliceLevers, ShareWindow, active_share
from uprising.actors.interface import ActorModel
from uprising.scenario.actors import ExternalPower, intervention_threshold, stakes_index


class ExternalPowerActor:
    """State machine idle → en_route (decided) → deployed → withdrawn; intervenes at most once.

    Decision at tick t when (trigger allows instability, t ≥ start_tick and I(t) > θ) or (a
    request is pending, the trigger allows requests and I(t) ≥ request_factor·θ); I is the
    observed active share averaged over ``window`` ticks and θ = θ_max·(1 − S). Arrival at
    t + delay_ticks; withdrawal ``stay_ticks`` after arrival. While deployed it guards
    ``guard_targets`` (none by default): a guarded target takes no damage.
    """

    name = "external_power"

    def __init__(self, cfg: ExternalPower, levers: PoliceLevers):
        self.cfg = cfg
        self.levers = levers
        self.stakes = stakes_index(cfg)
        self.theta = intervention_threshold(cfg)
        self.window = ShareWindow(cfg.window)
        self.status = "idle"
        self.requested_at: int | None = None
        self.decided_at: int | None = None
        self.arrived_at: int | None = None
        self.left_at: int | None = None

    def request(self, tick: int) -> None:
        """Records a government request for help (the first one counts)."""
        if self.requested_at is None:
            self.requested_at = tick

    def before_tick(self, model: ActorModel, tick: int) -> None:
        """Decides, deploys or withdraws according to the rules in the class docstring."""
        instability = self.window.push(active_share(model, self.cfg.measure))
        cfg = self.cfg
        if self.status == "idle":
            reason = self._reason(instability, tick)
            if reason is not None:
                self.status, self.decided_at = "en_route", tick
                model.log_event(
                    self.name, "decide", reason=reason, stakes=self.stakes, theta=self.theta,
                    instability=instability, arrival_tick=tick + cfg.delay_ticks,
                )
        if self.status == "en_route" and tick >= (self.decided_at or 0) + cfg.delay_ticks:
            self.status, self.arrived_at = "deployed", tick
            before = float(model.params["police.density"])
            if cfg.reinforcement == "police":
                self.levers.extra += cfg.police_share
            else:
                self.levers.freed += cfg.freed_share
            after = self.levers.apply(model)
            guards = {} if cfg.guard_targets is None else {"guarded": self._guard(model, True)}
            model.log_event(
                self.name, "arrive", reinforcement=cfg.reinforcement,
                police_density_before=before, police_density_after=after, **guards,
            )
        if (
            self.status == "deployed"
            and cfg.stay_ticks is not None
            and tick >= (self.arrived_at or 0) + cfg.stay_ticks
        ):
            self.status, self.left_at = "withdrawn", tick
            if cfg.reinforcement == "police":
                self.levers.extra -= cfg.police_share
            else:
                self.levers.freed -= cfg.freed_share
            after = self.levers.apply(model)
            self._guard(model, False)
            model.log_event(self.name, "withdraw", police_density_after=after)

    def _guard(self, model: ActorModel, on: bool) -> int:
        """Returns the targets guarded after (un)guarding ``guard_targets`` (0 when unset)."""
        targets = self.cfg.guard_targets
        if targets is None:
            return 0
        return model.guard_targets(None if targets == "all" else list(targets), on)

    def _reason(self, instability: float, tick: int) -> str | None:
        trig = self.cfg.trigger
        warm = tick < self.cfg.start_tick
        if trig in ("instability", "either") and not warm and instability > self.theta:
            return "instability"
        if (
            trig in ("request", "either")
            and self.requested_at is not None
            and instability >= self.cfg.request_factor * self.theta
        ):
            return "request"
        return None
