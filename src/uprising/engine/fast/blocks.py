"""Block plans of the fast scheduler: which parts of the lattice may run at the same time.

The lattice is cut into ``nbx × nby`` rectangular blocks (shifted by a random offset each tick)
and the blocks are coloured ``(bx mod cx, by mod cy)``. An agent activated in a block reads and
writes only cells within ``footprint`` of the block (its move, a cop's arrest and the
window-count updates those cause), so two blocks of one colour can run at once if every gap
between them, ``(c − 1)`` blocks wide, is at least twice the footprint. One block per axis
(``nb = c = 1``) is the plain random asynchronous schedule over the whole lattice.
"""

from __future__ import annotations

from typing import NamedTuple

MAX_COLOURS_PER_AXIS = 4
ENOUGH_PER_AXIS = 4  # same-colour blocks per axis beyond which bigger blocks are preferred
MIN_BLOCK = 16  # cells along a coloured axis, at least
MAX_BLOCK_WIDTH = 1024  # cells; wider lattices are cut into 2, 4, … blocks across


class BlockPlan(NamedTuple):
    """Blocks and colours along x and y (a colour class holds ``nbx/cx · nby/cy`` blocks)."""

    nbx: int
    cx: int
    nby: int
    cy: int

    @property
    def colours(self) -> int:
        """Returns how many colour classes run one after the other in a tick."""
        return self.cx * self.cy

    @property
    def blocks_per_colour(self) -> int:
        """Returns how many blocks of one colour may run in parallel."""
        return (self.nbx // self.cx) * (self.nby // self.cy)


def footprint(cit_reach: int, cop_reach: int) -> int:
    """Returns how far (Chebyshev) from its cell an activation may read or write.

    A citizen moves ≤ v and then changes the counts of cells ≤ v around its new cell (2v); a cop
    moves ≤ v′, arrests ≤ v′ from there, and the victim's cell change reaches v more (2v′ + v).
    """
    return max(2 * cit_reach, 2 * cop_reach + cit_reach)


def _axis(length: int, gap: int) -> tuple[int, int]:
    """Returns (blocks, colours) along one axis, (1, 1) if no colouring gives two blocks of a
    colour. The fewest colours (biggest blocks) that give ``ENOUGH_PER_AXIS`` same-colour
    blocks win; failing that, the most same-colour blocks. Blocks are at least ``MIN_BLOCK``
    long (fewer, bigger blocks where a short view would allow very thin ones).

    Blocks of one colour are ``c − 1`` blocks apart; the shortest block has ⌊length/nb⌋ cells.
    """
    best = (1, 1)
    best_par = 1
    for c in range(2, MAX_COLOURS_PER_AXIS + 1):
        size = max(-(-gap // (c - 1)), MIN_BLOCK)
        nb = (length // max(size, 1)) // c * c
        if nb // c >= ENOUGH_PER_AXIS:
            if (nb // c) % 2:  # an even number per colour shares evenly between 2 threads
                nb -= c
            return nb, c
        if nb // c >= 2 and nb // c > best_par:
            best, best_par = (nb, c), nb // c
    return best


def _row_axis(width: int, gap: int) -> tuple[int, int]:
    """Returns (blocks, colours) along x when the bands of rows are already coloured: whole
    rows up to ``MAX_BLOCK_WIDTH`` cells, else an even number of blocks in two colours. Two
    same-colour blocks in one band have a block between them, so with more than two blocks
    across, blocks are at least ``gap`` wide (two blocks across never share a colour)."""
    if width <= MAX_BLOCK_WIDTH:
        return 1, 1
    nb = 2 * -(-width // (2 * MAX_BLOCK_WIDTH))
    while nb > 2 and width // nb < gap:
        nb -= 2
    return nb, 2


def block_plan(width: int, height: int, cit_reach: int, cop_reach: int) -> BlockPlan:
    """Returns the plan for a lattice; small lattices get one block (serial, exact schedule).

    Bands of rows are coloured first (``_axis``), cut into blocks at most ``MAX_BLOCK_WIDTH``
    wide: long rows stream well from memory, and fewer colours mean fewer parallel launches.
    A lattice too short for coloured bands colours its columns instead.
    """
    gap = 2 * footprint(cit_reach, cop_reach)
    nby, cy = _axis(height, gap)
    if nby == 1:
        nbx, cx = _axis(width, gap)
    else:
        nbx, cx = _row_axis(width, gap)
    return BlockPlan(nbx, cx, nby, cy)
