"""The fast engine (``engine: fast``): random asynchronous activation within blocks, blocks of
one colour in parallel, O(1) window-count fields. ``docs/fast-engine.md`` explains it.

Modules: ``scheduler`` (``run_ticks``, the tick loop over blocks), ``passes`` (per-tick passes
over all agents), ``rules`` (the agent rules over fields), ``blocks`` (block plans), ``fields``
(window-count fields), ``counts`` (O(1) window tables), ``stencils`` (move stencils), ``rng``
(block streams), ``prefetch`` (a cache hint for Numba kernels), ``memory`` (memory estimate and
compact state). This package imports nothing at import time, so that ``memory`` can be used
without compiling the kernels; ``uprising.engine.get_kernel("fast")`` loads ``scheduler``.
"""
