"""Helpers for testing uprising and code built on it, in the style of ``xarray.testing``.

- ``ScriptedModel``: a stand-in model replaying an active series, to drive macro actors.
- ``assert_lattice_consistent``: the lattice invariants of a model's world (either engine).
- ``handmade_world``: replaces a model's world by agents placed by hand.
- ``uprising.testing.case``: a fake case study with the case contract (``fake_run_case``,
  ``fake_run_case_series``) for the comparison and report tests.
- ``flaky``, ``process_id``: experiment-layer test models, named in an experiment file as
  ``model: uprising.testing:flaky`` (importable by name in every worker process).
"""

from uprising.testing.experiment_models import flaky, process_id
from uprising.testing.lattice import assert_lattice_consistent
from uprising.testing.scripted import DEFAULT_PARAMS, ScriptedModel
from uprising.testing.worlds import CitizenSpec, handmade_world

__all__ = [
    "DEFAULT_PARAMS",
    "CitizenSpec",
    "ScriptedModel",
    "assert_lattice_consistent",
    "flaky",
    "handmade_world",
    "process_id",
]
