"""Putting cops on and taking them off duty when the police density changes during a run."""

from __future__ import annotations

import numpy as np

from uprising.engine.codes import COP, EMPTY, S_OFF, S_QUIET
from uprising.engine.lattice import random_empty_anywhere


def set_cop_count(
    target: int,
    cop_ids: np.ndarray,
    code: np.ndarray,
    occupant: np.ndarray,
    state: np.ndarray,
    pos: np.ndarray,
    macro_rng: np.random.Generator,
    kernel_rng: np.ndarray,
) -> None:
    """Brings the number of cops on duty to ``target`` (as far as empty cells allow).

    Too many: a uniformly random choice of the cops on duty (``macro_rng``) leaves the lattice.
    Too few: off-duty slots, lowest first, are placed on uniformly random empty cells drawn from
    the kernel's stream.
    """
    on_duty = cop_ids[state[cop_ids] != S_OFF]
    off_duty = cop_ids[state[cop_ids] == S_OFF]
    if target < len(on_duty):
        for a in macro_rng.choice(on_duty, len(on_duty) - target, replace=False):
            code[pos[a]] = EMPTY
            occupant[pos[a]] = -1
            pos[a] = -1
            state[a] = S_OFF
        return
    for a in off_duty[: target - len(on_duty)]:
        cell = random_empty_anywhere(kernel_rng, code)
        if cell < 0:
            break
        code[cell] = COP
        occupant[cell] = a
        pos[a] = cell
        state[a] = S_QUIET
