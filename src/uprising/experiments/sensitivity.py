"""Sobol and Morris sensitivity indices from a finished sampler sweep (SALib), with plots."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from uprising.experiments.design import Design, design_from_manifest, salib_problem
from uprising.experiments.spec import ExperimentError
from uprising.experiments.store import Store

NON_OUTPUTS = {"run_id", "point", "replicate", "wall_time_s", "cpu_time_s", "n_citizens"}
# Sample sizes below which the indices are too noisy to read (Sobol: base sample N; Morris:
# trajectories); the analysis still runs and says so in ``warnings``.
MIN_SOBOL_N = 512
MIN_MORRIS_TRAJECTORIES = 10


def bootstrap_seed(experiment_seed: int, sampler_seed: int) -> int:
    """Returns the (non-zero) seed of the bootstrap, derived from the experiment's seeds.

    SALib treats a seed of 0 as no seed at all, so the seed is drawn from a SeedSequence.
    """
    state = np.random.SeedSequence([experiment_seed, sampler_seed, 0x5E45]).generate_state(1)
    return int(state[0]) or 1


def sample_warning(method: str, n: int) -> str | None:
    """Returns a warning when the sample is smaller than ``method`` needs, else None."""
    if method == "sobol" and n < MIN_SOBOL_N:
        return (f"sobol with N = {n} < {MIN_SOBOL_N}: the indices are noisy (S1 may exceed 1 "
                "or be negative); read them with their confidence intervals")
    if method == "morris" and n < MIN_MORRIS_TRAJECTORIES:
        return (f"morris with {n} trajectories < {MIN_MORRIS_TRAJECTORIES}: the elementary "
                "effects are noisy")
    return None


@dataclass
class SensitivityResult:
    """Indices per output and parameter, plus outputs that could not be analysed.

    Attributes:
        method: sobol or morris.
        indices: long table: metric, parameter and S1, S1_conf, ST, ST_conf (sobol) or
            mu, mu_star, mu_star_conf, sigma (morris).
        skipped: metric → reason it was not analysed (NaN or constant output).
        reduce: statistic that reduced replicates (mean or median).
        warnings: notes on the reliability of the indices (e.g. a too small sample).
        seed: seed of the bootstrap behind the confidence intervals.
    """

    method: str
    indices: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)
    reduce: str = "mean"
    conf_level: float = 0.95
    warnings: list[str] = field(default_factory=list)
    seed: int = 0


def output_columns(runs: pd.DataFrame, design: Design) -> list[str]:
    """Returns the numeric output columns of a runs table (parameters and ids excluded)."""
    params = set(design.experiment.parameters)
    return [
        c for c in runs.columns
        if c not in NON_OUTPUTS and c not in params and pd.api.types.is_numeric_dtype(runs[c])
    ]


def reduce_replicates(runs: pd.DataFrame, metrics: list[str], statistic: str) -> pd.DataFrame:
    """Returns one row per point (sorted) with ``statistic`` (mean or median) of each metric."""
    grouped = runs.groupby("point", sort=True)[metrics]
    return grouped.mean() if statistic == "mean" else grouped.median()


def _check_complete(design: Design, store: Store) -> pd.DataFrame:
    status = store.status(range(design.n_runs))
    if status.failed or status.missing:
        raise ExperimentError(
            f"{store.directory}: {len(status.failed)} failed and {len(status.missing)} missing "
            "runs — sensitivity needs every point (resume the sweep, or see `uprising status`)"
        )
    return store.runs()


def _check_points(design: Design, runs: pd.DataFrame) -> None:
    """Raises ExperimentError unless the stored parameter values are the design's points."""
    params = design.experiment.parameters
    stored = runs[params].to_numpy(dtype=float)
    expected = design.points[params].to_numpy(dtype=float)[runs["point"].to_numpy()]
    if stored.shape != expected.shape or not np.allclose(stored, expected, rtol=0, atol=1e-12):
        raise ExperimentError("stored parameter values differ from the experiment's design")


def analyse(
    directory: str | Path,
    metrics: list[str] | None = None,
    reduce: str | None = None,
    num_resamples: int = 200,
    conf_level: float = 0.95,
    seed: int | None = None,
) -> SensitivityResult:
    """Returns Sobol (sobol sampler) or Morris (morris sampler) indices of a finished sweep.

    Args:
        directory: the sweep's store.
        metrics: outputs to analyse (default: every numeric output).
        reduce: mean or median over replicates (default: the experiment's ``reduce``).
        num_resamples: bootstrap resamples for the confidence intervals.
        conf_level: confidence level of the intervals.
        seed: seed of the bootstrap (default: derived from the experiment's seeds, so the
            same sweep gives the same confidence intervals, bit for bit).
    """
    store = Store(directory)
    design = design_from_manifest(store.manifest())
    exp = design.experiment
    if exp.sampler is None or exp.sampler.method == "lhs":
        raise ExperimentError(
            "sensitivity needs a sweep sampled with sampler.method sobol or morris"
        )
    problem = salib_problem(exp)
    runs = _check_complete(design, store)
    _check_points(design, runs)
    available = output_columns(runs, design)
    chosen = metrics or available
    unknown = [m for m in chosen if m not in available]
    if unknown:
        raise ExperimentError(f"unknown metrics {unknown} (outputs: {', '.join(available)})")
    statistic = reduce or exp.reduce
    if seed is None:
        seed = bootstrap_seed(exp.seed, exp.sampler.seed)
    elif seed == 0:
        seed = bootstrap_seed(0, 0)  # SALib would read 0 as "unseeded"
    notes = [w for w in [sample_warning(exp.sampler.method, exp.sampler.n)] if w]
    table = reduce_replicates(runs, chosen, statistic)
    rows, skipped = [], {}
    for metric in chosen:
        y = table[metric].to_numpy(dtype=float)
        if np.isnan(y).any():
            skipped[metric] = f"{int(np.isnan(y).sum())} points have no value (NaN)"
            continue
        if np.ptp(y) == 0:
            skipped[metric] = "constant over the sample"
            continue
        rows.extend(_indices(exp.sampler.method, problem, design, y, metric,
                             num_resamples, conf_level, seed, exp.sampler.second_order,
                             exp.sampler.levels))
    return SensitivityResult(exp.sampler.method, pd.DataFrame(rows), skipped, statistic,
                             conf_level, notes, seed)


def _indices(method: str, problem: dict, design: Design, y: np.ndarray, metric: str,
             num_resamples: int, conf_level: float, seed: int, second_order: bool,
             levels: int) -> list[dict]:
    if method == "sobol":
        from SALib.analyze import sobol

        si = sobol.analyze(problem, y, calc_second_order=second_order,
                           num_resamples=num_resamples, conf_level=conf_level, seed=seed)
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    else:
        from SALib.analyze import morris

        assert design.sample is not None
        si = morris.analyze(problem, design.sample, y, num_resamples=num_resamples,
                            conf_level=conf_level, num_levels=levels, seed=seed)
        keys = ("mu", "mu_star", "mu_star_conf", "sigma")
    return [
        {"metric": metric, "parameter": name, **{k: float(si[k][i]) for k in keys}}
        for i, name in enumerate(problem["names"])
    ]


def plot_sensitivity(result: SensitivityResult, path: str | Path, title: str = "") -> Path:
    """Returns ``path`` after drawing one bar panel per output (indices with CI error bars)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from uprising.atomic import write_atomic

    frame = result.indices
    if frame.empty:
        raise ExperimentError("nothing to plot: no output could be analysed")
    metrics = list(dict.fromkeys(frame["metric"]))
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.6 * nrows), squeeze=False)
    bars = (("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST"))
    if result.method == "morris":
        bars = (("mu_star", "mu_star_conf", "μ* (mean |effect|)"), ("sigma", None, "σ"))
    for ax, metric in zip(axes.flat, metrics, strict=False):
        sub = frame[frame["metric"] == metric]
        x = np.arange(len(sub))
        for j, (col, conf, label) in enumerate(bars):
            err = sub[conf].to_numpy() if conf else None
            ax.bar(x + (j - 0.5) * 0.38, sub[col].to_numpy(), 0.38, yerr=err, capsize=3,
                   label=label)
        ax.set_xticks(x, [p.split(".")[-1] if len(p) > 14 else p for p in sub["parameter"]],
                      rotation=20, ha="right", fontsize=9)
        ax.set_title(metric, fontsize=11)
        ax.axhline(0, color="black", lw=0.6)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(title or f"{result.method} indices ({result.reduce} over replicates, "
                 f"bars = {result.conf_level:.0%} CI)", fontsize=12)
    fig.tight_layout()
    write_atomic(Path(path), lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)
    return Path(path)
