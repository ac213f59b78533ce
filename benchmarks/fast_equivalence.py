"""Statistical equivalence of the fast scheduler to the reference engine (issue 6).

For each regime, runs both engines on seeds 1..N (``--paired``, the default: a seed builds the
same world, the citizens' H and R draws and the initial positions, for both engines, and the
engines' random streams then differ, so each pair shares only its world) or the fast engine on
seeds 10001..10000+N (``--independent``), then compares per-run and per-outburst statistics.
Pairing matters: most of the run-to-run spread of, e.g., mean jailed comes from the world's
draws, and with independent seeds it hides or fakes engine differences (with independent seeds
1..30 vs 10001..30, Run 2 floor showed mean jailed −4.5 % at p = 0.002; seeds 30001..30040,
paired, gave +0.0 %). Tests:

* KS: ``scipy.stats.ks_2samp`` (two-sided). For per-outburst statistics (peak, total
  activation, waiting time) the values of all runs are pooled, so outbursts of one run are not
  independent and the KS p-value is only indicative; the bootstrap below accounts for that.
* bootstrap: 95 % CI of the difference of means (fast − reference), resampling whole runs
  (cluster bootstrap, B = 4000; paired: the same run indices for both engines), and a two-sided
  bootstrap p-value (how often the resampled difference, centred on 0, is at least as large as
  the observed one);
* paired: the Wilcoxon signed-rank test of the per-run differences (per-run statistics only).

Writes ``benchmarks/results/fast_equivalence.{json,md}`` and prints the table.

Usage: python benchmarks/fast_equivalence.py [--seeds 30] [--first-seed 1] [--jobs 1]
       [--regimes run2-floor,...] [--tag _suffix] [--reference-from earlier.json]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

# One Numba thread per process (workers and this process), set before Numba starts its threads.
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results"

REGIMES: dict[str, tuple[str, list[str]]] = {
    "run2-floor": ("epstein2002-run2", []),
    "run2-literal": ("epstein2002-run2", ["rules.arrest_ratio=literal"]),
    "run5": ("epstein2002-run5", []),
    "mesa-default": ("mesa-example", []),
    "mesa-app": (
        "mesa-example",
        ["police.density=0.04", "population.legitimacy=0.82", "jail.max_term=30"],
    ),
    # The presets' 40×40 worlds are one block (the fast schedule is then the reference's);
    # at 160×160 (radius 7) the lattice is cut into 6 bands of rows in 3 colours, 2 bands of
    # a colour running in parallel, so these test the blocks.
    "run2-floor-160": ("epstein2002-run2", ["world.width=160", "world.height=160", "ticks=1000"]),
    "mesa-app-160": (
        "mesa-example",
        ["police.density=0.04", "population.legitimacy=0.82", "jail.max_term=30",
         "world.width=160", "world.height=160", "ticks=500"],
    ),
}
FAST_SEED_OFFSET = 10_000
PER_RUN = ("n_outbursts", "mean_jailed", "mean_active", "peak_active", "total_arrests")
PER_OUTBURST = ("peak", "total_activation", "wait")


def one_run(args: tuple[str, str, int]) -> dict:
    """Returns per-run statistics and per-outburst values of one run (a worker task)."""
    regime, engine, seed = args
    from uprising import Model
    from uprising.observer import find_outbursts, thresholds, waiting_times

    preset, overrides = REGIMES[regime]
    model = Model(preset, rng=seed, overrides=[*overrides, f"engine={engine}"])
    model.run()
    ts = model.get_model_vars_dataframe()
    run = ts[ts["tick"] >= 1]
    start, end = thresholds(model.scenario.observer, model.state.n_citizens)
    bursts = find_outbursts(run["tick"].to_numpy(), run["active"].to_numpy(), start, end)
    complete = bursts[bursts["complete"]]
    return {
        "regime": regime,
        "engine": engine,
        "seed": seed,
        "n_outbursts": len(bursts),
        "mean_jailed": float(run["jailed"].mean()),
        "mean_active": float(run["active"].mean()),
        "peak_active": int(run["active"].max()),
        "total_arrests": int(run["arrests"].sum()),
        "peak": bursts["peak"].astype(float).tolist(),
        "total_activation": complete["total_activation"].astype(float).tolist(),
        "wait": waiting_times(bursts).astype(float).tolist(),
    }


def _values(runs: list[dict], stat: str) -> list:
    if stat in PER_OUTBURST:
        return [np.asarray(r[stat], dtype=float) for r in runs]
    return [np.asarray([r[stat]], dtype=float) for r in runs]


def _pooled_mean(groups: list[np.ndarray]) -> float:
    allv = np.concatenate(groups) if groups else np.zeros(0)
    return float(allv.mean()) if allv.size else math.nan


def compare(ref_runs: list[dict], fast_runs: list[dict], stat: str, rng,
            paired: bool = False) -> dict:
    """Returns KS, cluster-bootstrap (and, paired, Wilcoxon) comparison of one statistic."""
    from scipy.stats import ks_2samp, wilcoxon

    a = _values(ref_runs, stat)
    b = _values(fast_runs, stat)
    va, vb = np.concatenate(a), np.concatenate(b)
    row = {
        "stat": stat,
        "n_ref": int(va.size),
        "n_fast": int(vb.size),
        "mean_ref": _pooled_mean(a),
        "mean_fast": _pooled_mean(b),
    }
    if va.size < 2 or vb.size < 2:
        return {
            **row,
            "ks_p": math.nan,
            "diff": math.nan,
            "ci_lo": math.nan,
            "ci_hi": math.nan,
            "boot_p": math.nan,
            "paired_p": math.nan,
        }
    row["ks_p"] = float(ks_2samp(va, vb).pvalue)
    diff = row["mean_fast"] - row["mean_ref"]
    boots = np.empty(4000)
    row["paired_p"] = math.nan
    if paired and stat not in PER_OUTBURST:
        d = vb - va
        row["paired_p"] = float(wilcoxon(d).pvalue) if np.any(d != 0) else 1.0
    for i in range(boots.size):
        ja = rng.integers(0, len(a), len(a))
        jb = ja if paired else rng.integers(0, len(b), len(b))
        ra = [a[j] for j in ja]
        rb = [b[j] for j in jb]
        boots[i] = _pooled_mean(rb) - _pooled_mean(ra)
    boots = boots[np.isfinite(boots)]
    lo, hi = np.percentile(boots, [2.5, 97.5])
    p = float(np.mean(np.abs(boots - boots.mean()) >= abs(diff))) if boots.size else math.nan
    return {**row, "diff": diff, "ci_lo": float(lo), "ci_hi": float(hi), "boot_p": p}


def _sorted_by_seed(runs: list[dict]) -> list[dict]:
    return sorted(runs, key=lambda r: r["seed"] % FAST_SEED_OFFSET)


def markdown(rows: list[dict], meta: dict) -> str:
    """Returns the comparison table as Markdown."""
    first = meta.get("first_seed", 1)
    last = first + meta["seeds"] - 1
    lines = [
        (f"Seeds {first}..{last} for both engines (paired: same worlds); "
         if meta["paired"] else f"Seeds: reference {first}..{last}, fast "
         f"{FAST_SEED_OFFSET + first}..{FAST_SEED_OFFSET + last}; ")
        + f"{meta['wall_s']:.0f} s; "
        f"load average at start {meta['load_start']}, at end {meta['load_end']}.",
        "",
        "| regime | statistic | n ref | n fast | mean ref | mean fast | fast − ref (95 % CI) "
        "| rel. diff | KS p | bootstrap p | paired p |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rel = r["diff"] / r["mean_ref"] if r["mean_ref"] not in (0, 0.0) else math.nan
        ci = (
            "–"
            if not math.isfinite(r["diff"])
            else f"{r['diff']:+.3g} ({r['ci_lo']:+.3g}, {r['ci_hi']:+.3g})"
        )
        lines.append(
            f"| {r['regime']} | {r['stat']} | {r['n_ref']} | {r['n_fast']} | "
            f"{r['mean_ref']:.4g} | {r['mean_fast']:.4g} | {ci} | "
            f"{rel:+.1%} | {r['ks_p']:.3g} | {r['boot_p']:.3g} | "
            f"{r.get('paired_p', math.nan):.3g} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Runs the comparison and writes the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--first-seed", type=int, default=1,
                    help="seeds first..first+N-1 (a fresh sample; default 1)")
    ap.add_argument("--regimes", default=",".join(REGIMES))
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (1 thread each)")
    ap.add_argument("--tag", default="", help="suffix of the output files")
    ap.add_argument("--independent", action="store_true",
                    help="fast engine on seeds 10001.. instead of the reference's seeds")
    ap.add_argument(
        "--reference-from",
        default=None,
        help="reuse the reference runs stored in this earlier JSON output",
    )
    args = ap.parse_args()
    regimes = [r for r in args.regimes.split(",") if r]
    tasks = [
        (g, e, s + (FAST_SEED_OFFSET if e == "fast" and args.independent else 0))
        for g in regimes
        for e in ("reference", "fast")
        for s in range(args.first_seed, args.first_seed + args.seeds)
    ]
    reused: list[dict] = []
    if args.reference_from:
        old = json.loads(Path(args.reference_from).read_text())["runs"]
        reused = [r for r in old if r["engine"] == "reference" and r["regime"] in regimes
                  and args.first_seed <= r["seed"] < args.first_seed + args.seeds]
        have = {(r["regime"], r["seed"]) for r in reused}
        tasks = [t for t in tasks if t[1] != "reference" or (t[0], t[2]) not in have]
    load_start = [round(x, 2) for x in os.getloadavg()]
    t0 = time.perf_counter()
    if args.jobs > 1 and len(tasks) > 1:
        # One run here first compiles (and caches) every kernel, so that the workers only
        # load the cache and never write it at the same time.
        warm = [next(t for t in tasks if t[1] == e) for e in ("reference", "fast")
                if any(t[1] == e for t in tasks)]
        results = [one_run(t) for t in warm]
        ctx = multiprocessing.get_context("spawn")  # no fork after Numba's threads start
        with ProcessPoolExecutor(args.jobs, mp_context=ctx) as pool:
            results += list(pool.map(one_run, [t for t in tasks if t not in warm]))
    else:
        results = [one_run(t) for t in tasks]
    results = reused + results
    meta = {
        "seeds": args.seeds,
        "first_seed": args.first_seed,
        "paired": not args.independent,
        "wall_s": time.perf_counter() - t0,
        "load_start": load_start,
        "load_end": [round(x, 2) for x in os.getloadavg()],
    }
    rng = np.random.default_rng(20261125)
    rows = []
    for g in regimes:
        ref_runs = _sorted_by_seed([r for r in results
                                    if r["regime"] == g and r["engine"] == "reference"])
        fast_runs = _sorted_by_seed([r for r in results
                                     if r["regime"] == g and r["engine"] == "fast"])
        for stat in PER_RUN[:2] + PER_OUTBURST + PER_RUN[2:]:
            rows.append({"regime": g, **compare(ref_runs, fast_runs, stat, rng,
                                                paired=not args.independent)})
    OUT.mkdir(parents=True, exist_ok=True)
    from uprising.atomic import write_json_atomic, write_text_atomic

    write_json_atomic(
        OUT / f"fast_equivalence{args.tag}.json", {"meta": meta, "rows": rows, "runs": results}
    )
    md = markdown(rows, meta)
    write_text_atomic(OUT / f"fast_equivalence{args.tag}.md", md)
    print(md)


if __name__ == "__main__":
    main()
