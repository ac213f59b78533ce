"""Putting cops on and taking them off duty when the police density changes during a run."""

from __future__ import annotations

import numpy as np

from uprising.engine.codes import COP, EMPTY, F_FOREIGN, K_COP, S_OFF, S_QUIET
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
    the kernel's stream. ``cop_ids`` must hold police slots only (never a defector: a slot
    that changed sides is a citizen and no density change may remove it).
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


def flee(cells: np.ndarray, radius: float, width: int, height: int, torus: bool,
         slots: np.ndarray, code: np.ndarray, occupant: np.ndarray, state: np.ndarray,
         pos: np.ndarray) -> int:
    """Takes off duty every police slot on duty within Euclidean ``radius`` of any of ``cells``
    (a seized building's surroundings); returns how many left."""
    on = slots[state[slots] != S_OFF]
    if len(on) == 0 or len(cells) == 0:
        return 0
    x, y = pos[on] % width, pos[on] // width
    near = np.zeros(len(on), dtype=bool)
    for c in cells:
        dx, dy = np.abs(x - c % width), np.abs(y - c // width)
        if torus:
            dx, dy = np.minimum(dx, width - dx), np.minimum(dy, height - dy)
        near |= dx * dx + dy * dy <= radius * radius
    for a in on[near]:
        code[pos[a]] = EMPTY
        occupant[pos[a]] = -1
        pos[a] = -1
        state[a] = S_OFF
    return int(near.sum())


def police_slots(slots: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Returns the slots of ``slots`` that are police now (defected slots are citizens)."""
    return slots[kind[slots] == K_COP]


def mark_foreign(slots: np.ndarray, state: np.ndarray, flags: np.ndarray, n_foreign: int) -> None:
    """Flags ``n_foreign`` on-duty police slots as a foreign contingent (``F_FOREIGN``).

    The foreign ones are the on-duty slots with the highest indices: off-duty slots are put on
    duty lowest first, so the slots placed when the outside power arrived are the highest ones
    on duty. A foreign cop never defects and is never reluctant (its loyalty is to its own
    command). Every other police slot loses the flag.
    """
    if n_foreign <= 0 and not np.any(flags[slots] & F_FOREIGN):
        return  # nothing to flag or clear (the fast engine's flags are a read-only view)
    flags[slots] &= ~np.int8(F_FOREIGN)
    on = slots[state[slots] != S_OFF]
    if n_foreign > 0 and len(on):
        flags[on[-n_foreign:]] |= np.int8(F_FOREIGN)
