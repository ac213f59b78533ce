"""Same-world comparison: Mesa and uprising started from one identical Mesa-built world.

Removes the initial-condition spread between seeds, so the first steps' rules are compared over
many activation-order seeds with much more power than the many-seed comparison.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mesa_params import mesa_kwargs, uprising_overrides


def same_world(
    world_seed: int, regime: str, mesa_trials: int, ours_trials: int, steps: int = 2
) -> dict[str, Any]:
    """Returns per-step active/jailed means of both engines started from one identical world.

    Mesa builds the world (seed ``world_seed``): positions, kinds, hardship and risk aversion.
    The same world is loaded into uprising's reference kernel. Each trial then re-seeds only
    the activation order and choices (Mesa: ``model.random.seed``; uprising: a fresh kernel RNG),
    so the initial-condition spread that dominates early statistics across seeds is removed and
    the per-step rules are compared with much more power.
    """
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen, Cop
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    import uprising
    from uprising.engine import reference as ref
    from uprising.engine.bundles import Agents, World
    from uprising.engine.codes import COP, K_COP, QUIET
    from uprising.engine.rng import seed_state
    from uprising.engine.state import kernel_config

    kw = mesa_kwargs(regime)
    width = kw["width"]

    def mesa_world() -> tuple[Any, list, list]:
        model = EpsteinCivilViolence(seed=world_seed, **kw)
        return model, list(model.agents_by_type[Citizen]), list(model.agents_by_type[Cop])

    _, cits, cops = mesa_world()
    n_cit, n = len(cits), len(cits) + len(cops)
    code = np.zeros(width * kw["height"], np.int8)
    occupant = np.full(code.shape, -1, np.int32)
    pos = np.zeros(n, np.int32)
    kind = np.zeros(n, np.int8)
    kind[n_cit:] = K_COP
    hardship = np.zeros(n)
    risk = np.zeros(n)
    for i, agent in enumerate(cits + cops):
        x, y = agent.cell.coordinate
        pos[i] = y * width + x
        occupant[pos[i]] = i
        code[pos[i]] = QUIET if i < n_cit else COP
        if i < n_cit:
            hardship[i], risk[i] = agent.hardship, agent.risk_aversion
    cfg = kernel_config(uprising.load_scenario("mesa-example", uprising_overrides(regime)))
    grievance = hardship * (1.0 - kw["legitimacy"])
    threshold = np.full(n, kw["active_threshold"])
    ours = []
    for trial in range(ours_trials):
        out = ref.run_ticks(
            steps,
            seed_state(np.random.SeedSequence(trial)),
            World(code.copy(), occupant.copy()),
            Agents(kind.copy(), np.zeros(n, np.int8), pos.copy(), np.zeros(n, np.int32),
                   np.zeros(n, bool), np.full(n, -1, np.int32), grievance.copy(), risk.copy(),
                   threshold.copy()),
            cfg.views,
            cfg.switches.copy(),
            cfg.k,
        )
        ours.append(np.r_[out[:, 1], out[:, 2]])
    mesa = []
    for trial in range(mesa_trials):
        model, _, _ = mesa_world()
        model.random.seed(10**6 + trial)
        for _ in range(steps):
            model.step()
        df = model.datacollector.get_model_vars_dataframe()
        mesa.append(np.r_[df["active"].to_numpy()[1:], df["arrested"].to_numpy()[1:]])
    a, b = np.array(ours, float), np.array(mesa, float)
    rows = []
    for j in range(2 * steps):
        diff = a[:, j].mean() - b[:, j].mean()
        se = np.sqrt(a[:, j].var(ddof=1) / len(a) + b[:, j].var(ddof=1) / len(b))
        rows.append(
            {
                "count": "active" if j < steps else "jailed",
                "step": j % steps + 1,
                "uprising_mean": float(a[:, j].mean()),
                "uprising_sd": float(a[:, j].std(ddof=1)),
                "mesa_mean": float(b[:, j].mean()),
                "mesa_sd": float(b[:, j].std(ddof=1)),
                "diff": float(diff),
                "diff_in_se": float(diff / se) if se > 0 else 0.0,
            }
        )
    return {
        "world_seed": world_seed,
        "regime": regime,
        "citizens": n_cit,
        "cops": n - n_cit,
        "mesa_trials": mesa_trials,
        "uprising_trials": ours_trials,
        "rows": rows,
    }
