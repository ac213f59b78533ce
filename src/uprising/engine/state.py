"""Struct-of-arrays world state and its construction from a scenario."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from uprising.engine.bundles import Agents, Mechanisms, Views, World
from uprising.engine.codes import (
    ACTIVE,
    ARREST_RULES,
    COP,
    EMPTY,
    F_MOBILISER,
    JAILED_MODES,
    K_COP,
    N_SWITCHES,
    QUIET,
    RELEASE_MODES,
    S_ACTIVE,
    S_OFF,
    S_QUIET,
    SW_ARREST_RULE,
    SW_COP_TO_ARRESTEE,
    SW_COPS_MOVE_WHEN_OFF,
    SW_COUNTDOWN_OWN_STEP,
    SW_HEIGHT,
    SW_JAILED,
    SW_MAX_TERM,
    SW_MOVE_FIRST,
    SW_MOVEMENT,
    SW_RELEASE,
    SW_TERM_RANGE,
    SW_TORUS,
    SW_TWICE_IF_ACTIVE,
    SW_WIDTH,
    TARGET,
    TERM_RANGES,
)
from uprising.engine.lattice import spans_from_offsets
from uprising.engine.neighbourhood import offsets
from uprising.scenario.actors import max_police_density
from uprising.scenario.events import timeline_max_density
from uprising.scenario.schema import Distribution, Scenario


@dataclass
class WorldState:
    """All mutable simulation state, as NumPy arrays the kernels read and write in place."""

    code: np.ndarray  # int8 per cell: EMPTY/QUIET/ACTIVE/JAILED/COP
    occupant: np.ndarray  # int32 per cell: agent id or −1
    kind: np.ndarray  # int8 per agent: K_CITIZEN / K_COP
    state: np.ndarray  # int8 per agent: S_QUIET / S_ACTIVE / S_JAILED / S_OFF
    pos: np.ndarray  # int32 per agent: cell or −1 (off the lattice)
    term: np.ndarray  # int32 per agent: remaining jail ticks, −1 = forever
    fresh: np.ndarray  # bool per agent: arrested during the current tick
    arrest_cell: np.ndarray  # int32 per agent: cell of the last arrest
    hardship: np.ndarray  # float64 per agent (cops: 0)
    grievance: np.ndarray  # float64 per agent: effective G the kernel reads
    risk_aversion: np.ndarray  # float64 per agent: R as drawn (cops: 0)
    risk: np.ndarray  # float64 per agent: effective R·(perceived-risk scale) the kernel reads
    threshold: np.ndarray  # float64 per agent
    n_citizens: int
    group: np.ndarray  # int8 per agent: group index (cops: 0)
    flags: np.ndarray  # int8 per agent: F_MOBILISER | F_VIOLENT bits
    loyalty: np.ndarray  # float64 per agent: ℓ of cops (reluctance)
    defect_threshold: np.ndarray  # float64 per agent: θ of cops (defection)
    target_index: np.ndarray  # int32 per cell: index into damage, −1 (size 1 without targets)
    damage: np.ndarray  # float64 per target building, in [0, 1]
    # float64 per agent: political alienation A_i (two-dimensional demands); empty when off
    alienation: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # int8 per target: ≠ 0 while guarded (takes no damage); shorter than damage = the rest unguarded
    guarded: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))

    def __deepcopy__(self, memo: dict) -> WorldState:
        """Returns a deep copy in which an array whose elements share one memory cell (the
        fast engine's compact layout: stride 0) stays so, with its writability: a fork keeps
        the original's memory and the kernels' signatures (a contiguous copy would make Numba
        compile the fast kernels again)."""
        out = copy.copy(self)
        memo[id(self)] = out
        for name, value in vars(self).items():
            shared = isinstance(value, np.ndarray) and value.ndim == 1 and value.size > 0
            if shared and value.strides == (0,):
                cell = np.array(value[:1])
                setattr(out, name, np.lib.stride_tricks.as_strided(
                    cell, shape=value.shape, strides=(0,), writeable=value.flags.writeable))
            else:
                setattr(out, name, copy.deepcopy(value, memo))
        return out

    def world(self) -> World:
        """Returns the lattice arrays as the kernels' ``World`` bundle (views, not copies)."""
        return World(self.code, self.occupant)

    def agents(self) -> Agents:
        """Returns the per-agent arrays of Epstein's rules as the kernels' ``Agents`` bundle."""
        return Agents(self.kind, self.state, self.pos, self.term, self.fresh, self.arrest_cell,
                      self.grievance, self.risk, self.threshold)

    def mechanisms(self) -> Mechanisms:
        """Returns the micro mechanisms' arrays as the kernels' ``Mechanisms`` bundle."""
        return Mechanisms(self.group, self.flags, self.loyalty, self.defect_threshold,
                          self.target_index, self.damage, self.guarded)


@dataclass(frozen=True)
class KernelConfig:
    """Read-only inputs of the kernel derived from the scenario's rules."""

    cit_offs: np.ndarray
    cit_spans: np.ndarray
    cop_offs: np.ndarray
    cop_spans: np.ndarray
    switches: np.ndarray
    k: float

    @property
    def views(self) -> Views:
        """Returns the neighbourhoods as the kernels' ``Views`` bundle."""
        return Views(self.cit_offs, self.cit_spans, self.cop_offs, self.cop_spans)


def draw(dist: Distribution, rng: np.random.Generator, n: int) -> np.ndarray:
    """Returns ``n`` draws of a per-agent attribute distribution."""
    if dist.dist == "constant":
        return np.full(n, dist.value)
    if dist.dist == "beta":
        return dist.low + (dist.high - dist.low) * rng.beta(dist.a, dist.b, n)
    return rng.uniform(dist.low, dist.high, n)


def count_for(density: float, cells: int) -> int:
    """Returns the exact agent count for a density (round half to even, as Python's round)."""
    return round(density * cells)


def kernel_config(scenario: Scenario, citizen_vision: float | None = None) -> KernelConfig:
    """Returns the kernel inputs (neighbourhoods and switch codes) of a scenario.

    ``citizen_vision`` replaces the scenario's citizen vision (information cut-off events).
    """
    nb = scenario.neighbourhood
    vision = scenario.population.vision if citizen_vision is None else citizen_vision
    cit_offs = offsets(nb.shape, vision, nb.include_center)
    cop_offs = offsets(nb.shape, scenario.police.vision, nb.include_center)
    # Movement and counting never use the own cell (it holds the agent itself).
    cit_move = cit_offs[(cit_offs != 0).any(axis=1)]
    cop_move = cop_offs[(cop_offs != 0).any(axis=1)]
    r = scenario.rules
    sw = np.zeros(N_SWITCHES, dtype=np.int64)
    sw[SW_ARREST_RULE] = ARREST_RULES.index(r.arrest_ratio)
    sw[SW_TWICE_IF_ACTIVE] = int(r.self_count == "twice_if_active")
    sw[SW_MOVE_FIRST] = int(r.order == "move_then_act")
    sw[SW_MOVEMENT] = int(r.movement)
    sw[SW_COPS_MOVE_WHEN_OFF] = int(r.cops_move_when_movement_off)
    sw[SW_JAILED] = JAILED_MODES.index(r.jailed)
    sw[SW_RELEASE] = RELEASE_MODES.index(r.release)
    sw[SW_COP_TO_ARRESTEE] = int(r.cop_moves_to_arrestee)
    sw[SW_TERM_RANGE] = TERM_RANGES.index(scenario.jail.term_range)
    sw[SW_COUNTDOWN_OWN_STEP] = int(scenario.jail.countdown == "own_step")
    sw[SW_MAX_TERM] = -1 if scenario.jail.infinite else int(scenario.jail.max_term)
    sw[SW_WIDTH] = scenario.world.width
    sw[SW_HEIGHT] = scenario.world.height
    sw[SW_TORUS] = int(scenario.world.torus)
    return KernelConfig(
        cit_offs=np.ascontiguousarray(cit_move),
        cit_spans=spans_from_offsets(cit_move),
        cop_offs=np.ascontiguousarray(cop_move),
        cop_spans=spans_from_offsets(cop_move),
        switches=sw,
        k=float(scenario.police.k),
    )


def max_cops(scenario: Scenario, cells: int) -> int:
    """Returns how many cop slots the run can ever need (timeline and macro actors included)."""
    timeline = timeline_max_density(scenario)
    return count_for(max(timeline, max_police_density(scenario, timeline)), cells)


def _place_targets(scenario: Scenario, rng: np.random.Generator, cells: int) -> np.ndarray:
    """Returns the cells of target buildings (violence mechanism), listed then random."""
    v = scenario.violence
    if not v.enabled or (v.targets == 0 and not v.target_cells):
        return np.zeros(0, dtype=np.int64)
    w = scenario.world.width
    listed = [y * w + x for x, y in v.target_cells]
    free = np.setdiff1d(np.arange(cells), listed)
    extra = rng.choice(free, size=min(v.targets, len(free)), replace=False)
    return np.concatenate([np.asarray(listed, dtype=np.int64), extra.astype(np.int64)])


def _split_counts(shares: list[float], n: int) -> list[int]:
    """Returns integer counts summing to ``n`` in proportion to ``shares`` (largest remainder)."""
    raw = np.asarray(shares) * n
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts.tolist()


def _citizen_attributes(
    scenario: Scenario, rng: np.random.Generator, n_cit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns (group index, hardship, risk aversion) of the citizens.

    Without declared groups everybody is group 0 and H, R are drawn as in the plain model;
    with groups, exact counts by share are shuffled over the citizens, then each group draws
    H and R from its own distributions (the population's when unset).
    """
    pop = scenario.population
    if not scenario.groups:
        return (
            np.zeros(n_cit, dtype=np.int8),
            draw(pop.hardship, rng, n_cit),
            draw(pop.risk_aversion, rng, n_cit),
        )
    counts = _split_counts([g.share for g in scenario.groups], n_cit)
    group = rng.permutation(np.repeat(np.arange(len(counts), dtype=np.int8), counts))
    hardship = np.zeros(n_cit)
    risk = np.zeros(n_cit)
    for gi, g in enumerate(scenario.groups):
        members = np.flatnonzero(group == gi)
        hardship[members] = draw(g.hardship or pop.hardship, rng, len(members))
        risk[members] = draw(g.risk_aversion or pop.risk_aversion, rng, len(members))
    return group, hardship, risk


def _mobiliser_flags(
    scenario: Scenario, rng: np.random.Generator, group: np.ndarray, pos: np.ndarray
) -> np.ndarray:
    """Returns int8 flags with F_MOBILISER set on round(share·eligible) random citizens, or
    (``mobilisers.organised``) on the eligible citizens nearest (torus distance) to a random
    eligible one: an organised cell rather than scattered individuals."""
    flags = np.zeros(len(group), dtype=np.int8)
    mob = scenario.mobilisers
    if mob.share <= 0:
        return flags
    names = scenario.group_names
    allowed = [names.index(g) for g in mob.groups] if mob.groups else list(range(len(names)))
    eligible = np.flatnonzero(np.isin(group, allowed))
    size = round(mob.share * len(eligible))
    if mob.organised and size > 0:
        w, h = scenario.world.width, scenario.world.height
        centre = pos[rng.choice(eligible)]
        dx = np.abs(pos[eligible] % w - centre % w)
        dy = np.abs(pos[eligible] // w - centre // w)
        if scenario.world.torus:
            dx, dy = np.minimum(dx, w - dx), np.minimum(dy, h - dy)
        chosen = eligible[np.argsort(dx * dx + dy * dy, kind="stable")[:size]]
    else:
        chosen = rng.choice(eligible, size=size, replace=False)
    flags[chosen] = F_MOBILISER
    return flags


def build_state(scenario: Scenario, rng: np.random.Generator) -> WorldState:
    """Returns the initial world: agents placed on the lattice, all citizens quiet.

    ``exact`` placement puts round(density·cells) cops, then citizens, on distinct random cells
    (NetLogo order); ``bernoulli`` draws each cell independently: citizen with probability
    d_citizen, else cop with probability d_cop (Mesa's cumulative weights). Target buildings
    (violence mechanism) are placed first and never hold an agent. Random draws for a
    mechanism happen only when it is switched on, so the plain model's streams are unchanged.
    """
    w, h = scenario.world.width, scenario.world.height
    cells = w * h
    d_cit, d_cop = scenario.population.density, scenario.police.density
    targets = _place_targets(scenario, rng, cells)
    if scenario.rules.initial_counts == "exact":
        n_cop, n_cit = count_for(d_cop, cells), count_for(d_cit, cells)
        if len(targets):
            perm = rng.permutation(np.setdiff1d(np.arange(cells), targets))
        else:
            perm = rng.permutation(cells)
        if n_cop + n_cit > len(perm):
            raise ValueError(f"{n_cop + n_cit} agents do not fit on {len(perm)} free cells")
        cop_cells, cit_cells = perm[:n_cop], perm[n_cop : n_cop + n_cit]
    else:
        u = rng.random(cells)
        if len(targets):
            u[targets] = 2.0
        cit_cells = np.flatnonzero(u < d_cit)
        cop_cells = np.flatnonzero((u >= d_cit) & (u < d_cit + d_cop))
        n_cop, n_cit = len(cop_cells), len(cit_cells)
    slots = max(n_cop, max_cops(scenario, cells))
    n = n_cit + slots
    code = np.full(cells, EMPTY, dtype=np.int8)
    occupant = np.full(cells, -1, dtype=np.int32)
    code[targets] = TARGET
    kind = np.zeros(n, dtype=np.int8)
    kind[n_cit:] = K_COP
    state = np.full(n, S_QUIET, dtype=np.int8)
    state[n_cit + n_cop :] = S_OFF
    pos = np.full(n, -1, dtype=np.int32)
    pos[:n_cit] = cit_cells
    pos[n_cit : n_cit + n_cop] = cop_cells
    code[cit_cells] = QUIET
    occupant[cit_cells] = np.arange(n_cit, dtype=np.int32)
    code[cop_cells] = COP
    occupant[cop_cells] = np.arange(n_cit, n_cit + n_cop, dtype=np.int32)
    group = np.zeros(n, dtype=np.int8)
    hardship = np.zeros(n)
    risk_aversion = np.zeros(n)
    group[:n_cit], hardship[:n_cit], risk_aversion[:n_cit] = _citizen_attributes(
        scenario, rng, n_cit
    )
    flags = np.zeros(n, dtype=np.int8)
    flags[:n_cit] = _mobiliser_flags(scenario, rng, group[:n_cit], pos[:n_cit])
    mobilisers = np.flatnonzero(flags[:n_cit] & F_MOBILISER)
    if scenario.mobilisers.start == 0:
        state[mobilisers] = S_ACTIVE  # always active while free, from the start
        code[pos[mobilisers]] = ACTIVE
    loyalty = np.ones(n)
    defect_threshold = np.full(n, np.inf)
    if scenario.reluctance.enabled:
        loyalty[n_cit:] = draw(scenario.police.loyalty, rng, slots)
    if scenario.defection.enabled:
        defect_threshold[n_cit:] = draw(scenario.defection.threshold, rng, slots)
    target_index = np.full(cells if len(targets) else 1, -1, dtype=np.int32)
    if len(targets):
        target_index[targets] = np.arange(len(targets), dtype=np.int32)
    grievance = hardship * (1.0 - scenario.population.legitimacy)
    threshold = np.full(n, scenario.population.threshold)
    return WorldState(
        code=code,
        occupant=occupant,
        kind=kind,
        state=state,
        pos=pos,
        term=np.zeros(n, dtype=np.int32),
        fresh=np.zeros(n, dtype=bool),
        arrest_cell=np.full(n, -1, dtype=np.int32),
        hardship=hardship,
        grievance=grievance,
        risk_aversion=risk_aversion,
        risk=risk_aversion.copy(),
        threshold=threshold,
        n_citizens=n_cit,
        group=group,
        flags=flags,
        loyalty=loyalty,
        defect_threshold=defect_threshold,
        target_index=target_index,
        damage=np.zeros(len(targets)),
    )
