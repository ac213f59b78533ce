"""National actors of a ``national`` scenario: one government, one external contingent.

They act on the whole country (``simulation.national.NationalModel``) before each tick, through
the model's ``region_shares()``, ``region_people()`` (participants in real people),
``populations``, ``national_share()``, ``add_police(i, factor, people)`` and
``log_event(actor, action, **detail)``; ``names`` lists the regions. Thresholds may be given as
shares of the citizens (agents), in real people, or as shares of the real population.

* **Government.** Declares a regional state of emergency at scripted dates
  (``national.emergencies``) or when a region's observed active share reaches
  ``emergency_rule.share``: police on duty there × ``police_factor`` (a scripted one may also
  scale movement all day by ``move_probability``); once per region.
* **External contingent.** One for the country; arrives at a scripted date or when the national
  active share reaches ``national_share``; in each named region it guards the named sites and
  frees ``frees_police`` local police (real people) for the streets; with ``guard`` the named
  sites are the region's first targets (site k = target k), which take no damage from then on.
  The foreign troops themselves never enter the lattice, so they cannot defect.
"""

from __future__ import annotations

from typing import Any

from uprising.scenario.clock import resolve_tick


class NationalGovernment:
    """Regional states of emergency, scripted or by rule."""

    name = "government"

    def __init__(self, nat: Any, clock: Any, names: list[str]):
        self.rule = nat.emergency_rule
        self.script: dict[int, list[Any]] = {}
        for j, e in enumerate(nat.emergencies):
            tick = resolve_tick(clock, e.at, None, f"national.emergencies[{j}].at")
            self.script.setdefault(tick, []).append(e)
        self.declared: set[str] = set()
        self.names = names

    def max_factor(self) -> float:
        """Returns the largest police factor an emergency may apply."""
        factors = [e.police_factor for es in self.script.values() for e in es]
        if self.rule.enabled:
            factors.append(self.rule.police_factor)
        return max(factors, default=1.0)

    def before_tick(self, model: Any, tick: int) -> None:
        """Declares the emergencies due before ``tick``."""
        for e in self.script.get(tick, []):
            for name in e.regions or self.names:
                self._declare(model, name, e.police_factor, "scripted", e.move_probability)
        if self.rule.enabled and tick > 1:
            shares = model.region_shares()
            people = model.region_people()
            for i, name in enumerate(self.names):
                if self._reached(shares[i], people[i], model.populations[i]):
                    self._declare(model, name, self.rule.police_factor, "rule",
                                  share=float(shares[i]), people=float(people[i]))

    def _reached(self, share: float, people: float, population: float) -> bool:
        """Returns whether the rule's threshold (people, population share or share) is met."""
        r = self.rule
        if r.people is not None:
            return people >= r.people
        if r.population_share is not None:
            return people >= r.population_share * population
        return share >= r.share

    def _declare(self, model: Any, name: str, factor: float, why: str, move: float = 1.0,
                 **detail: Any) -> None:
        if name in self.declared:
            return
        self.declared.add(name)
        model.add_police(self.names.index(name), factor=factor)
        if move < 1.0:
            model.restrict_movement(self.names.index(name), move)
        model.log_event(self.name, "emergency", region=name, police_factor=factor, why=why,
                        **detail)


class ExternalContingent:
    """One contingent for the whole country (see the module docstring)."""

    name = "contingent"

    def __init__(self, nat: Any, clock: Any, names: list[str]):
        self.cfg = nat.contingent
        self.at = None if self.cfg.at is None else resolve_tick(
            clock, self.cfg.at, None, "national.contingent.at")
        self.arrived = False
        self.names = names

    def before_tick(self, model: Any, tick: int) -> None:
        """Arrives when due (date or national share) and frees local police."""
        if self.arrived or not self.cfg.enabled:
            return
        if self.at is not None:
            due = tick >= self.at
        elif self.cfg.national_people is not None:
            due = float(model.region_people().sum()) >= self.cfg.national_people
        else:
            due = model.national_share() >= self.cfg.national_share
        if not due:
            return
        self.arrived = True
        guarded: dict[str, Any] = {}
        for name in self.cfg.regions:
            model.add_police(self.names.index(name), people=self.cfg.frees_police)
            if self.cfg.guard:  # site k guards the region's target k
                guarded[name] = model.guard_sites(self.names.index(name), len(self.cfg.sites))
        extra = {"guarded": guarded} if self.cfg.guard else {}
        model.log_event(self.name, "arrived", regions=list(self.cfg.regions),
                        sites=list(self.cfg.sites), frees_police=self.cfg.frees_police, **extra)


class NationalActors(list):  # type: ignore[type-arg]
    """The national actors, plus the police head-room they need."""

    def __init__(self, gov: NationalGovernment, ext: ExternalContingent, scale: float):
        super().__init__([gov, ext])
        self.gov, self.ext, self.scale = gov, ext, scale

    def max_police_density(self, i: int, base: float, cells: int) -> float:
        """Returns the highest police density region i may reach (cop slots to allocate).

        The contingent's head-room is allocated for its regions whether or not it is enabled:
        a run without it then draws the same random numbers as one with it until it would
        arrive, so a counterfactual or an ablation that disables it stays paired."""
        density = base * self.gov.max_factor()
        name = self.gov.names[i]
        if name in self.ext.cfg.regions:
            density += self.ext.cfg.frees_police / self.scale / cells
        return density


def build_national_actors(model: Any) -> NationalActors:
    """Returns the national actors of a NationalModel under construction."""
    nat, clock, names = model.nat, model.clock, model.names
    return NationalActors(NationalGovernment(nat, clock, names),
                          ExternalContingent(nat, clock, names), model.scale)
