"""Which observed statistics can the 2022 model not reconcile with the others? A leave-one-out
predictive check on the shipped calibration's reference table.

For each of the 15 statistics in turn, the estimator is retrained on the other 14 (same table,
split and seeds as `uprising calibrate`), its posterior is sampled at the record's other 14
values, 100 draws are simulated (the calibration's predictive seeds), and the left-out
statistic is scored: its CRPS scaled by its spread in the table (as the calibration's
predictive check) and whether the record lies in the 90 % band. A statistic whose record is
predicted badly by the others, and whose omission improves the fit of the rest, conflicts with
them under this model: a sign of misspecification, not a parameter to tune. The row "none"
retrains on all 15 and reproduces the calibration's own check (same bits).

With ``--seeds K`` it instead retrains on all 15 statistics with K other training seeds
(children 100…100+K−1 of the calibration's root in place of child 1; everything else as the
calibration) and reports each estimator's predictive score: how much of a posterior's score at
the record is the luck of one trained network.

Usage: ``PYTHONPATH=src:validation python validation/kazakhstan_statistic_conflict.py OUT``
with OUT the folder of ``uprising calibrate kazakhstan-2022 --out OUT`` (holds table/); about
14 min on 2 cores. Writes validation/results/kazakhstan-statistic-conflict.md, or with
``--seeds K`` validation/results/kazakhstan-estimator-variability.md (about 1 min per seed;
``--ensemble M`` trains M members per estimator and writes ...-ensembleM.md; ``--label L``
appends -L to the name).
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from kazakhstan_diagnostics import write_result

from uprising.calibration import npe, predictive
from uprising.calibration.pipeline import observed_statistics, statistic_scale
from uprising.calibration.prior import Prior
from uprising.calibration.simulator import context
from uprising.calibration.spec import load_spec
from uprising.calibration.table import read_table

CASE = "kazakhstan-2022"


def leave_out(job: tuple[str, str | None, int, int | None]) -> pd.DataFrame:
    """Returns the predictive check of all 15 statistics with ``dropped`` left out of the fit,
    the estimator trained with the root's child ``training`` (the calibration's: 1) and
    ``ensemble`` members (None: the calibration file's)."""
    out, dropped, training, ensemble = job
    spec = load_spec(CASE)
    fitted = spec.model_copy(update={"statistics": tuple(
        s for s in spec.statistics if s != dropped)})  # as calibration.forecast selects them
    table = read_table(spec, Path(out) / "table")
    sub = read_table(fitted, Path(out) / "table")
    observed = observed_statistics(spec)
    root = np.random.SeedSequence(spec.budget.seed)
    train_mask, _ = sub.split(spec.budget.recovery_datasets, npe.child(root, 0))
    cfg = spec.training if ensemble is None else spec.training.model_copy(
        update={"ensemble": ensemble})
    post = npe.train(sub.unit[train_mask], fitted.features(sub.x[train_mask]), cfg,
                     npe.child(root, training))
    x_obs = fitted.features(np.array([observed[s] for s in fitted.statistics]))
    unit = post.sample(x_obs, spec.budget.posterior_samples, npe.child(root, 3))
    draws = pd.DataFrame(Prior.from_spec(spec).to_theta(unit), columns=spec.names)
    seed = int(npe.child(root, 4).generate_state(1)[0])
    sims = predictive.simulate_draws(context(spec), draws.iloc[:spec.budget.predictive_draws],
                                     seed)
    check = predictive.check(sims, observed, spec.statistics, statistic_scale(table))
    check.insert(0, "dropped", dropped or "none")
    check["police_on_duty"] = float(draws["police_on_duty"].median())
    return check


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", help="folder of `uprising calibrate --out` (holds table/)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=0,
                    help="instead: retrain on all statistics with this many other seeds")
    ap.add_argument("--ensemble", type=int, default=None,
                    help="with --seeds: members per estimator (default: the calibration's)")
    ap.add_argument("--label", default="",
                    help="with --seeds: appended to the result's file name (e.g. round13)")
    ap.add_argument("--score-without", default="", metavar="NAMES",
                    help="with --seeds: also sum the scores without these statistics "
                         "(comma-separated), to compare with a round that did not fit them")
    args = ap.parse_args()
    if args.seeds:
        without = [n for n in args.score_without.split(",") if n]
        return variability(args.out, args.seeds, args.workers, args.ensemble, args.label,
                           without)
    spec = load_spec(CASE)
    jobs = [(args.out, None, 1, None)] + [(args.out, s, 1, None) for s in spec.statistics]
    with ProcessPoolExecutor(args.workers) as pool:
        checks = list(pool.map(leave_out, jobs))
    base = checks[0].set_index("statistic")
    lines = ["# Kazakhstan 2022: which statistics conflict? (leave-one-out predictive check)", "",
             "Design: validation/kazakhstan_statistic_conflict.py (docstring), on the table of "
             f"the shipped calibration ({args.out}); 100 posterior draws per row, the "
             "calibration's seeds. Load average at the end: "
             f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}.", "",
             "Columns: the left-out statistic's scaled CRPS when fitted with all 15 and when "
             "left out (predicted by the other 14), whether the record lies in its 90 % band "
             "when left out, the summed scaled CRPS of the other 14 with all 15 fitted and "
             "with it left out, and the posterior median of police on duty.", "",
             "| left out | observed | its CRPS/sd, fitted | its CRPS/sd, left out | in 90 % "
             "band, left out | others' score, all fitted | others' score, left out | "
             "police on duty |",
             "|---|---|---|---|---|---|---|---|"]
    for check in checks[1:]:
        name = check["dropped"].iloc[0]
        row = check.set_index("statistic")
        others = [s for s in spec.statistics if s != name]
        lines.append(
            f"| {name} | {row.loc[name, 'observed']:.3g} | {base.loc[name, 'crps_scaled']:.3f} "
            f"| {row.loc[name, 'crps_scaled']:.3f} | {'yes' if row.loc[name, 'in_90'] else 'NO'} "
            f"| {base.loc[others, 'crps_scaled'].sum():.3f} "
            f"| {row.loc[others, 'crps_scaled'].sum():.3f} "
            f"| {100 * check['police_on_duty'].iloc[0]:.1f} % |")
    lines += ["", f"All 15 fitted: summed scaled CRPS {base['crps_scaled'].sum():.3f}, police on "
              f"duty {100 * checks[0]['police_on_duty'].iloc[0]:.1f} %."]
    write_result("kazakhstan-statistic-conflict.md", lines)


def variability(out: str, seeds: int, workers: int, ensemble: int | None = None,
                label: str = "", without: list[str] | None = None) -> None:
    """Writes the predictive score of the calibration's estimator and of ``seeds`` others
    (``ensemble`` members each; None: the calibration's); ``label`` names the file's variant;
    with ``without``, also each score summed without those statistics."""
    spec = load_spec(CASE)
    without = list(without or [])
    unknown = sorted(set(without) - set(spec.statistics))
    if unknown:
        raise SystemExit(f"--score-without: unknown statistic(s) {unknown}")
    training = [1] + [100 + k for k in range(seeds)]
    with ProcessPoolExecutor(workers) as pool:
        checks = list(pool.map(leave_out, [(out, None, t, ensemble) for t in training]))
    scores = [float(c["crps_scaled"].sum()) for c in checks]
    lines = ["# Kazakhstan 2022: how much does the posterior's fit depend on the trained network?",
             "", "Design: validation/kazakhstan_statistic_conflict.py --seeds "
             f"{seeds} (docstring), on the calibration table in {out}: the same "
             "table, split, statistics, sampling and predictive seeds; only the seed of the "
             "estimator's training (initial weights, validation split, batches) changes; "
             f"{ensemble or spec.training.ensemble} ensemble members per estimator (the "
             "first members of seed 1 are the calibration's). 100 posterior draws per row. "
             "Load average at the end: "
             f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}.", "",
             "| training seed (child of the root) | predictive score | police on duty | "
             + " | ".join(spec.statistics) + " |",
             "|---|---|---|" + "---|" * len(spec.statistics)]
    if without:
        kept = [c[~c["statistic"].isin(without)] for c in checks]
        partial = [float(k["crps_scaled"].sum()) for k in kept]
        lines[-2] = lines[-2].replace("| predictive score |", "| predictive score | score "
                                      f"without {', '.join(without)} |")
        lines[-1] += "---|"
    for i, (t, c, score) in enumerate(zip(training, checks, scores, strict=True)):
        row = c.set_index("statistic")["crps_scaled"]
        cell = f"{score:.3f}" + (f" | {partial[i]:.3f}" if without else "")
        lines.append(f"| {t}{' (the calibration)' if t == 1 else ''} | {cell} | "
                     f"{100 * c['police_on_duty'].iloc[0]:.1f} % | "
                     + " | ".join(f"{row[s]:.2f}" for s in spec.statistics) + " |")
    others = np.array(scores[1:])
    lines += ["", f"Other seeds: median {np.median(others):.3f}, range {others.min():.3f}–"
              f"{others.max():.3f}; the calibration's {scores[0]:.3f} is lower than "
              f"{int((others > scores[0]).sum())} of {len(others)}."]
    suffix = (f"-ensemble{ensemble}" if ensemble else "") + (f"-{label}" if label else "")
    write_result(f"kazakhstan-estimator-variability{suffix}.md", lines)


if __name__ == "__main__":
    main()
