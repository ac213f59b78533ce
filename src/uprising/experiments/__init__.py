"""Experiments at scale: sweeps, sensitivity analysis, executors and a resumable Parquet store.

Example:
    >>> import tempfile
    >>> from uprising.experiments import open_executor, parse_experiment, run_experiment
    >>> exp = parse_experiment({"name": "tiny", "scenario": "epstein2002-run2", "ticks": 20,
    ...                         "repetitions": 2, "enumerated": {"police.density": [0.02, 0.06]}})
    >>> with tempfile.TemporaryDirectory() as out:
    ...     with open_executor("serial") as ex:   # or ("processes", workers=2), or dask="local"
    ...         report = run_experiment(exp, out, executor=ex)
    >>> report.status.counts
    {'done': 4, 'failed': 0, 'missing': 0}
"""

from uprising.experiments.design import Design, build_design
from uprising.experiments.executors import DaskExecutor, SerialExecutor, open_executor
from uprising.experiments.export import behaviorspace_table, to_ema
from uprising.experiments.query import query
from uprising.experiments.runner import SweepReport, run_experiment
from uprising.experiments.spec import Experiment, ExperimentError, load_experiment, parse_experiment
from uprising.experiments.store import Status, Store
from uprising.simulation.seeds import run_seed

__all__ = [
    "DaskExecutor",
    "Design",
    "Experiment",
    "ExperimentError",
    "SerialExecutor",
    "Status",
    "Store",
    "SweepReport",
    "behaviorspace_table",
    "build_design",
    "load_experiment",
    "open_executor",
    "parse_experiment",
    "query",
    "run_experiment",
    "run_seed",
    "to_ema",
]
