"""Government actor: scripted or rule-based responses to the observed unrest.

Rule mode, each tick t ≥ ``start_tick`` (before it is simulated): the observed share a(t) is
the mean of actives/citizens (``measure: violent``: violent/citizens) over the last ``window``
recorded ticks. Responses are checked in the order concede, emergency, cut_information,
crackdown, request_help; a response fires when a(t) ≥ θ_r (for the crackdown θ_crackdown / ρ,
ρ = ρ₀·elite resolve factor; ρ = 0 never cracks down), it has fired fewer than ``max_times``
times, ``cooldown`` ticks have passed since it last fired and, for timed responses
(``duration`` set), it is not in force. Script mode takes the listed actions at their ticks
regardless of the share; taking a timed action that is in force extends it. With ``on_seized``
(either mode, from tick 1), once the record of tick t − 1 shows ≥ ``after`` destroyed targets the
government takes that action at t, once, like a scripted one (reason ``seized``). Every decision
and every restoration is logged with its tick.
"""

from __future__ import annotations

import math
from typing import Any

from uprising.actors.common import PoliceLevers, Reported, ShareWindow, active_share
from uprising.actors.elite import EliteActor
from uprising.actors.external_power import ExternalPowerActor
from uprising.actors.interface import ActorModel
from uprising.scenario.actors import FORCE_CODES, GOVERNMENT_ACTIONS, Government


class GovernmentActor:
    """Takes the government's decisions (see the module docstring for the rule)."""

    name = "government"

    def __init__(
        self,
        cfg: Government,
        levers: PoliceLevers,
        elite: EliteActor | None = None,
        external: ExternalPowerActor | None = None,
    ):
        self.cfg = cfg
        self.levers = levers
        self.elite = elite
        self.external = external
        self.window = ShareWindow(cfg.window)
        self.reported = Reported(cfg.reporting.lag, cfg.reporting.bias)
        self.times: dict[str, int] = dict.fromkeys(GOVERNMENT_ACTIONS, 0)
        self.last: dict[str, int | None] = dict.fromkeys(GOVERNMENT_ACTIONS)
        self.until: dict[str, int] = {}  # timed action -> first tick it is no longer in force
        self._saved: dict[str, dict[str, float]] = {}
        self.information_factor = 1.0  # multiplies news to and from this site
        self.seized_fired = False  # on_seized acts once
        self.script: dict[int, list[str]] = {}
        for entry in cfg.script:
            self.script.setdefault(entry.at, []).append(entry.action)

    # -- rule ---------------------------------------------------------------------------
    def resolve(self) -> float:
        """Returns ρ = ρ₀·(elite resolve factor), the readiness to crack down."""
        factor = self.elite.resolve_factor() if self.elite is not None else 1.0
        return self.cfg.resolve * factor

    def threshold(self, action: str) -> float:
        """Returns the active share at which ``action`` fires in rule mode (inf if never)."""
        section = getattr(self.cfg, action)
        if section is None:
            return math.inf
        if action == "crackdown":
            rho = self.resolve()
            return section.threshold / rho if rho > 0 else math.inf
        return section.threshold

    def ready(self, action: str, tick: int) -> bool:
        """Returns whether ``action`` may fire at ``tick`` (times, cooldown, not in force)."""
        section = getattr(self.cfg, action)
        if section is None or self.times[action] >= section.max_times:
            return False
        last = self.last[action]
        if last is not None and tick - last < section.cooldown:
            return False
        return action not in self.until

    def before_tick(self, model: ActorModel, tick: int) -> None:
        """Observes the share, restores expired measures, then takes the due actions."""
        share = self.window.push(self.reported.observe(active_share(model, self.cfg.measure)))
        self._restore_due(model, tick)
        if self.cfg.mode == "script":
            due = self.script.get(tick, [])
            reason = "script"
        elif tick < self.cfg.start_tick:
            due = []
        else:
            due = [
                a for a in GOVERNMENT_ACTIONS
                if self.ready(a, tick) and share >= self.threshold(a)
            ]
            reason = "rule"
        seized = self._seized_action(model)
        if seized is not None:
            due = [a for a in due if a != seized]
            self.times[seized] += 1
            self.last[seized] = tick
            destroyed = int(model.last_row().get("targets_destroyed", 0))
            getattr(self, f"_{seized}")(model, tick, reason="seized", seized=destroyed,
                                        observed_share=share)
        for action in due:
            self.times[action] += 1
            self.last[action] = tick
            getattr(self, f"_{action}")(model, tick, reason=reason, observed_share=share)

    def _seized_action(self, model: ActorModel) -> str | None:
        """Returns the on_seized action when it is due now (it then counts as fired)."""
        rule = self.cfg.on_seized
        if rule is None or self.seized_fired:
            return None
        if model.last_row().get("targets_destroyed", 0) < rule.after:
            return None
        self.seized_fired = True
        return rule.action

    # -- actions ------------------------------------------------------------------------
    def _concede(self, model: ActorModel, tick: int, **why: Any) -> None:
        c = self.cfg.concede
        model.concede(
            groups=c.groups, legitimacy_gain=c.legitimacy_gain, hardship_factor=c.hardship_factor,
            weakness_signal=c.weakness_signal, decay_ticks=c.decay_ticks,
            credibility=c.credibility,
        )
        model.log_event(
            self.name, "concede", groups=list(c.groups), legitimacy_gain=c.legitimacy_gain,
            hardship_factor=c.hardship_factor, weakness_signal=c.weakness_signal,
            credibility=c.credibility, **why,
        )

    def _crackdown(self, model: ActorModel, tick: int, **why: Any) -> None:
        c = self.cfg.crackdown
        if self._extend("crackdown", c.duration, tick):
            model.log_event(self.name, "crackdown_extended", until=self.until["crackdown"], **why)
            return
        before = float(model.params["police.density"])
        saved: dict[str, float] = {}
        self.levers.factor *= c.police_factor
        after = self.levers.apply(model)
        if c.max_term is not None:
            saved["jail.max_term"] = float(model.params["jail.max_term"])
            model.set_parameter("jail.max_term", c.max_term)
        if c.force_level is not None:
            saved["violence.force_level"] = float(model.params["violence.force_level"])
            model.set_parameter("violence.force_level", FORCE_CODES[c.force_level])
        if c.duration is not None:
            self.until["crackdown"] = tick + c.duration
            self._saved["crackdown"] = saved
        model.log_event(
            self.name, "crackdown", police_density_before=before, police_density_after=after,
            max_term=c.max_term, force_level=c.force_level, resolve=self.resolve(),
            until=self.until.get("crackdown"), **why,
        )

    def _emergency(self, model: ActorModel, tick: int, **why: Any) -> None:
        c = self.cfg.emergency
        if self._extend("emergency", c.duration, tick):
            model.log_event(self.name, "emergency_extended", until=self.until["emergency"], **why)
            return
        saved = {"rules.move_probability": float(model.params["rules.move_probability"])}
        model.set_parameter("rules.move_probability", c.move_probability)
        if c.duration is not None:
            self.until["emergency"] = tick + c.duration
            self._saved["emergency"] = saved
        model.log_event(
            self.name, "emergency", move_probability=c.move_probability,
            until=self.until.get("emergency"), **why,
        )

    def _cut_information(self, model: ActorModel, tick: int, **why: Any) -> None:
        c = self.cfg.cut_information
        if self._extend("cut_information", c.duration, tick):
            model.log_event(
                self.name, "cut_information_extended", until=self.until["cut_information"], **why
            )
            return
        vision = float(model.params["population.vision"])
        model.set_parameter("population.vision", vision * c.vision_factor)
        self.information_factor = c.news_factor
        if c.duration is not None:
            self.until["cut_information"] = tick + c.duration
            self._saved["cut_information"] = {"population.vision": vision}
        model.log_event(
            self.name, "cut_information", vision=vision * c.vision_factor,
            news_factor=c.news_factor, until=self.until.get("cut_information"), **why,
        )

    def _request_help(self, model: ActorModel, tick: int, **why: Any) -> None:
        if self.external is not None:
            self.external.request(tick)
        model.log_event(
            self.name, "request_help", external_power=self.external is not None, **why
        )

    # -- timed measures -----------------------------------------------------------------
    def _extend(self, action: str, duration: int | None, tick: int) -> bool:
        """Returns True (and pushes the end back) when a timed ``action`` is already in force."""
        if action in self.until and duration is not None:
            self.until[action] = tick + duration
            return True
        return False

    def _restore_due(self, model: ActorModel, tick: int) -> None:
        for action in [a for a, end in self.until.items() if end <= tick]:
            del self.until[action]
            saved = self._saved.pop(action, {})
            if action == "crackdown":
                self.levers.factor /= self.cfg.crackdown.police_factor
                self.levers.apply(model)
            if action == "cut_information":
                self.information_factor = 1.0
            for path, value in saved.items():
                model.set_parameter(path, value)
            model.log_event(self.name, f"{action}_ended", restored=saved)
