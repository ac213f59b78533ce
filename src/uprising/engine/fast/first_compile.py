"""The fast engine's first compilation, split over two processes.

Compiling the fast kernels on a fresh install is single-threaded, and about half of it is
one function: ``scheduler._activate`` (one agent's activation, with four Numba-inlined move
sites). ``uprising.api.warm_up`` therefore starts a helper process that compiles only
``_activate`` into Numba's on-disk cache, while the calling process compiles everything
else; just before the calling process compiles ``scheduler._run`` (which calls
``_activate``), it waits for the helper, so that ``_activate`` is loaded from the cache
instead of compiled a second time.

The split changes only where compilation happens, never what is compiled: if the helper
fails, or derives a signature that ``_run`` does not use, the calling process compiles
``_activate`` itself, as it always did.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np

_only_activation = False  # set in the helper process
_wait_for_helper: Callable[[], object] | None = None  # set in the calling process


class ActivationCompiled(Exception):
    """Raised in the helper process, after ``_activate`` is compiled, to end its run."""


def activation_signature(run_args: tuple) -> tuple:
    """Returns the Numba argument types with which ``scheduler._run`` calls ``_activate``,
    given the arguments of ``_run`` (the scheduler passes rows of its per-thread arrays and
    of the per-block counts, and one element of the int32 activation list)."""
    (_, rng, code, occupant, kind, state, pos, term, arrest_cell, grievance, risk, threshold,
     sw, k, geo, cops, actives, stamp, _plan, lists, rngs, scratch, _ahead) = run_args
    del rng
    row = numba.typeof(np.zeros(1, dtype=np.int64))
    return (numba.typeof(lists[0, 0]), numba.typeof(rngs[0]), *map(numba.typeof, (
        code, occupant, kind, state, pos, term, arrest_cell, grievance, risk, threshold, sw,
        k, geo, cops, actives, stamp)), numba.typeof(scratch[0]), row)


def helper_mode() -> None:
    """Makes this process a helper: its next fast run compiles ``_activate`` and stops."""
    global _only_activation
    _only_activation = True


def expect_helper(wait: Callable[[], object] | None) -> None:
    """Makes the next first compilation of ``_run`` call ``wait()`` before it starts
    (``None``: no helper)."""
    global _wait_for_helper
    _wait_for_helper = wait


def stop_if_helper(activate: numba.core.dispatcher.Dispatcher, run_args: tuple) -> None:
    """In a helper process: compiles ``activate`` for ``run_args`` and raises
    ``ActivationCompiled``. Elsewhere nothing happens."""
    if _only_activation:
        activate.compile(activation_signature(run_args))
        raise ActivationCompiled


def wait_for_helper() -> None:
    """Waits for the helper, if one was started for this process (once). How the helper
    ended does not matter: whatever it did not cache is compiled here, as without it."""
    global _wait_for_helper
    wait, _wait_for_helper = _wait_for_helper, None
    if wait is not None:
        wait()
