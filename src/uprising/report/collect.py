"""Gathering a report's data: simulated series and the comparison (one progress bar over all
runs, one executor), the calibration, the evidence, observed values and the files given.

Each source that is not there yet (a module another part of the project provides, a file not
written) leaves its section as a placeholder that says why, rather than failing the report.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.counterfactual.effects import effects_table
from uprising.counterfactual.ensemble import (
    RunCase,
    check_overrides,
    default_run_case,
    fixed_draws,
    posterior_directory,
    posterior_draws,
    run_pairs,
    run_seed,
)
from uprising.counterfactual.variants import CompareError, Variant, shipped_variants
from uprising.experiments.executors import open_executor
from uprising.experiments.progress import RunProgress
from uprising.report.build import ReportData
from uprising.report.extras import (
    ablation_checks,
    ablation_variants,
    arrest_rule_variants,
    concession_by_rule,
    forecast_check_rows,
    prediction_check,
)
from uprising.report.series import headline
from uprising.scenario.errors import ScenarioError
from uprising.scenario.safe_yaml import read_text_file

#: ``run_case_series(case, values, overrides, seed) -> daily table`` (``report.series``).
RunCaseSeries = Callable[[str, dict[str, float], dict[str, Any], np.random.SeedSequence],
                         pd.DataFrame]
PREDICTION = Path("validation") / "kazakhstan-2019-prediction.json"
#: Most replicates of a report (each is one series run plus one run per variant).
MAX_REPLICATES = 1000


def default_run_case_series() -> RunCaseSeries:
    """Returns the case simulator's ``run_case_series`` (``uprising.casestudy.simulate``)."""
    from uprising.casestudy.simulate import run_case_series

    return run_case_series


def _series_one(fn: RunCaseSeries, case: str, values: dict[str, float],
                seed: np.random.SeedSequence) -> pd.DataFrame:
    return fn(case, values, {}, seed)


def run_series(case: str, draws: pd.DataFrame, seed: int, fn: RunCaseSeries, executor: Any,
               bar: RunProgress | None = None) -> pd.DataFrame:
    """Returns the daily tables of one run per draw, stacked with a ``run`` column; run j is
    seeded like pair j of a comparison's baseline (the same simulations)."""
    futures = {}
    for j in range(len(draws)):
        values = {str(k): float(v) for k, v in draws.iloc[j].items()}
        futures[executor.submit(_series_one, fn, case, values, run_seed(seed, j, 0))] = j
    tables: dict[int, pd.DataFrame] = {}
    for future in as_completed(futures):
        tables[futures[future]] = future.result().assign(run=futures[future])
        if bar is not None:
            bar.advance(1)
    return pd.concat([tables[j] for j in sorted(tables)], ignore_index=True)


def parameter_draws(case: str, n: int, seed: int,
                    directory: Path | None = None) -> tuple[pd.DataFrame, str]:
    """Returns (draws, where they come from): ``n`` posterior draws, or the case's defaults
    repeated ``n`` times when there is no posterior yet."""
    try:
        return posterior_draws(case, n, seed, directory), "posterior draws"
    except CompareError as exc:
        table = pd.concat([fixed_draws({})] * n, ignore_index=True)
        return table, f"the case's default parameters ({exc})"


def calibration(case: str, directory: Path | None = None
                ) -> tuple[dict[str, Any] | None, pd.DataFrame | None, str]:
    """Returns (the record of ``<case>.posterior.json``, the posterior draws, problem), read
    by ``uprising.calibration.posterior.load_metadata`` / ``load_posterior``."""
    try:
        from uprising.calibration import posterior as cal
    except ImportError as exc:
        return None, None, f"calibration not available ({exc})"
    folder = posterior_directory(case) if directory is None else directory
    meta = draws = None
    problems = []
    for name in ("load_metadata", "load_posterior"):
        try:
            value = getattr(cal, name)(case, folder)
        except (AttributeError, OSError, LookupError, ScenarioError) as exc:
            problems.append(str(exc))
            continue
        if name == "load_posterior":
            draws = value
        else:
            meta = dict(value)
    return meta, draws, "; ".join(dict.fromkeys(problems))


def evidence(case: str) -> tuple[pd.DataFrame | None, str]:
    """Returns (the evidence table of the case's preset, problem): one row per value with
    the kind, confidence and source of its evidence (``uprising.scenario.evidence.explain``)."""
    try:
        from uprising.scenario.evidence import explain
    except ImportError as exc:
        return None, f"evidence not available ({exc})"
    try:
        rows = explain(case)
    except (OSError, LookupError, ValueError) as exc:
        return None, f"no evidence for {case!r}: {exc}"
    return pd.DataFrame([{
        "path": r.path, "value": r.value, "kind": r.kind,
        "confidence": r.entry.confidence if r.entry else "", "inert": r.inert,
        "source": r.entry.source if r.entry else "", "note": r.entry.note if r.entry else "",
    } for r in rows]), ""


#: Observable of the case's observed data → measure of the timeline.
OBSERVED_MEASURES = {"participants": "participants",
                     "regions_with_protest": "regions_with_protest",
                     "cumulative_detentions": "detentions", "cumulative_deaths": "deaths"}


def observed(case: str) -> pd.DataFrame | None:
    """Returns the case's observed national values as measure, date, value, low, high
    (``uprising.casestudy.observed.load_observed``), or None."""
    try:
        from uprising.casestudy.observed import load_observed
        data = pd.DataFrame(load_observed(case))
    except (ImportError, OSError, LookupError, ValueError):
        return None
    rows = data[(data["region"] == "national") & data["observable"].isin(OBSERVED_MEASURES)]
    out = rows.assign(measure=rows["observable"].map(OBSERVED_MEASURES))
    return out[["measure", "date", "value", "low", "high"]].reset_index(drop=True)


def read_json(path: Path, option: str) -> Any:
    """Returns the JSON in ``path`` (size checked); raises CompareError naming ``option``."""
    text = read_text_file(path, CompareError, f"{option}: file not found")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CompareError(f"{option} {path}: not JSON ({exc})") from None


def read_acceptance(path: Path) -> list[dict[str, Any]]:
    """Returns acceptance checks from a JSON list of {id, description, value, target, met}."""
    data = read_json(path, "--acceptance")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise CompareError(f"--acceptance {path}: must be a JSON list of {{id, description, "
                           "value, target, met}")
    for i, row in enumerate(data):
        missing = [k for k in ("id", "met") if k not in row]
        if missing:
            raise CompareError(f"--acceptance {path}: [{i}].{missing[0]}: missing")
    return data


def read_table(path: Path, option: str) -> pd.DataFrame:
    """Returns a CSV or Parquet table; raises CompareError naming ``option``."""
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise CompareError(f"{option} {path}: cannot read the table ({exc})") from None


def collect(case: str, replicates: int = 20, seed: int = 0, workers: int = 1,
            progress: bool = False, run_case: RunCase | None = None,
            run_case_series: RunCaseSeries | None = None,
            prediction: Path = PREDICTION,
            variants: Sequence[Variant] | None = None,
            posterior_dir: Path | None = None, pairs: int = 50,
            extras: bool = True) -> ReportData:
    """Returns the report data of a case: ``replicates`` series runs over posterior draws,
    the comparison of ``variants`` (default: every shipped one), the case's ablations and
    arrest-rule variants (``extras``) on the first ``pairs`` of the same draws and seeds,
    and the rest."""
    if not 1 <= replicates <= MAX_REPLICATES:
        raise CompareError(f"--replicates: between 1 and {MAX_REPLICATES}")
    started = time.perf_counter()
    series_fn = run_case_series or default_run_case_series()
    variants = shipped_variants(case) if variants is None else list(variants)
    check_overrides(case, variants)
    ablations = ablation_variants(case) if extras else []
    rules = arrest_rule_variants(case) if extras else []
    check_overrides(case, [*ablations, *rules])
    pairs = min(pairs, replicates)
    draws, source = parameter_draws(case, replicates, seed, posterior_dir)
    arms = [*variants, *ablations, *rules]
    total = replicates + (pairs * (len(arms) + 1) if arms else 0)
    with RunProgress(total, f"report {case}", enabled=progress) as bar, \
            open_executor("processes" if workers > 1 else "serial", workers) as executor:
        series = run_series(case, draws, seed, series_fn, executor, bar)
        runs = (run_pairs(case, arms, draws.iloc[:pairs], 1, seed,
                          run_case or default_run_case(), executor, bar) if arms else None)
    data = ReportData(case, series=series, observed=observed(case), variants=[
        {"name": v.name, "description": v.description, "overrides": v.overrides}
        for v in variants])
    if runs is not None:
        shown = {"baseline", *(v.name for v in variants)}
        data.effects = effects_table(runs[runs["variant"].isin(shown)], seed)
    else:
        data.problems["counterfactuals"] = f"no variants shipped for {case!r}"
    data.evidence, data.problems["evidence"] = evidence(case)
    meta, posterior, data.problems["calibration"] = calibration(case, posterior_dir)
    data.calibration, data.posterior = meta, posterior
    if prediction.is_file():
        found = read_json(prediction, "prediction")
        data.prediction = found if isinstance(found, dict) else {"prediction": found}
    data.prediction_source = str(prediction)
    if runs is not None and extras:
        add_case_checks(case, data, series, runs, [v.name for v in ablations], seed)
    data.summary = {"case": case, **headline(series), "replicates": replicates,
                    "parameter values": source,
                    "root seed": seed, "variants compared": len(variants),
                    "paired draws per variant": pairs if arms else 0,
                    "simulation runs": total, "workers": workers,
                    "simulation time (s)": round(time.perf_counter() - started, 1)}
    return data


def add_case_checks(case: str, data: ReportData, series: pd.DataFrame, runs: pd.DataFrame,
                    ablations: list[str], seed: int) -> None:
    """Fills the ablations table and the acceptance checks of a case that has them."""
    from uprising.casestudy.acceptance import acceptance_2022, concessions
    from uprising.casestudy.fit import ablation_table
    from uprising.casestudy.simulate import observed_statistics
    from uprising.scenario import load_scenario

    if case != "kazakhstan-2022":
        return
    observed_stats = observed_statistics(case)
    if ablations:
        data.ablations = ablation_table(runs, observed_stats, ablations, seed=seed)
    own = load_scenario(case).rules.arrest_ratio
    checks = [r for r in acceptance_2022(series) if r["id"] != "AT4"]
    # AT4 under the scenario's own rule over every series run (the issue's 200), the other
    # rules over the paired runs of their arms
    checks += concessions(series, label=f" ({own})")
    checks += concession_by_rule(runs, own, with_baseline=False)
    if data.ablations is not None:
        checks += ablation_checks(data.ablations)
    checks += forecast_check_rows(case)
    checks += prediction_check(data.prediction)
    data.acceptance = checks
