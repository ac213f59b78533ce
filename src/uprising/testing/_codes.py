"""The engine's cell and agent codes the testing helpers need (one place to import them from)."""

from uprising.engine.lattice import ACTIVE, COP, EMPTY, JAILED, QUIET
from uprising.engine.mechanisms import TARGET
from uprising.engine.rules import K_COP, S_ACTIVE, S_DEAD, S_JAILED, S_OFF, S_QUIET

__all__ = [
    "ACTIVE", "COP", "EMPTY", "JAILED", "K_COP", "QUIET", "S_ACTIVE", "S_DEAD", "S_JAILED",
    "S_OFF", "S_QUIET", "TARGET",
]
