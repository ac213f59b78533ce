"""Experiments at scale: sweeps, sensitivity analysis, executors and a resumable Parquet store.

Example:
    >>> from uprising.experiments import load_experiment, run_experiment, open_executor
    >>> exp, folder = load_experiment("examples/run2-phase.yaml")
    >>> with open_executor("processes", workers=2) as ex:
    ...     report = run_experiment(exp, "results/run2-phase", executor=ex, workers=2,
    ...                             folder=folder)
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
