"""Statistical acceptance of the national frame: diffusion, network off, blackout, scale.

Scenario: ``kazakhstan-demo`` with a trigger in Mangystau only, and its blackouts, curfews,
emergencies and contingent switched off (``BASE``), ``--days`` days. Experiments, each over
``--seeds`` seeds (replicates 0 … n−1 of the scenario's seed):

A. network on: onset tick of every other region (first tick with active share ≥ onset_share;
   never = censored at days·ticks_per_day + 1); Spearman ρ between onset and (i) great-circle
   distance from Aktau, (ii) hops on the transport-link graph, pooled over seeds and regions.
B. network off: share of seeds in which no untriggered region reaches the onset share.
C. media blackout over the whole run (media factor 0), paired with A by seed: regions reached by
   the end of day 2 and mean onset tick; paired difference with a 95 % CI (t interval).
D. scale: people per agent 100 vs 50, network on; medians of national peak participants (people)
   and distinct detainees at the end (people). With the network on the runs saturate, so
E. repeats D with the network off (Mangystau alone, far from saturation).

Usage: PYTHONPATH=src python validation/national_diffusion.py [--seeds 50] [--days 7]
Writes validation/results/national_diffusion.{txt,json}.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import deque
from pathlib import Path

import numpy as np
from scipy import stats

from uprising.scenario import load_scenario
from uprising.simulation.factory import make_model
from uprising.simulation.network import distances_km

OUT = Path(__file__).resolve().parent / "results"
SOURCE = "mangystau"
BASE = ["national.blackouts=[]", "national.curfews=[]", "national.emergencies=[]",
        "national.emergency_rule.enabled=false", "national.contingent.enabled=false",
        "national.contingent.at=null"]


def run(overrides: list[str], seed: int) -> tuple[dict[str, float], dict[str, float], object]:
    """Returns (onset ticks by region, national outputs, model) of one replicate."""
    m = make_model(load_scenario("kazakhstan-demo", overrides), replicate=seed).run()
    r = m.result()
    onset = {n: r.summary[f"{n}.onset_tick"] for n in m.names}
    out = {"peak": r.summary["peak_participants_people"],
           "distinct": r.summary["distinct_detainees_people"]}
    return onset, out, m


def hops(m: object) -> dict[str, int]:
    """Returns the number of transport links between Mangystau and every region (BFS)."""
    adj: dict[str, set[str]] = {n: set() for n in m.names}
    for link in m.nat.network.links:
        adj[link.a].add(link.b)
        adj[link.b].add(link.a)
    seen, todo = {SOURCE: 0}, deque([SOURCE])
    while todo:
        a = todo.popleft()
        for b in adj[a]:
            if b not in seen:
                seen[b] = seen[a] + 1
                todo.append(b)
    return {n: seen.get(n, 99) for n in m.names}


def ci95(x: np.ndarray) -> tuple[float, float, float]:
    """Returns (mean, low, high) of a t interval."""
    mean, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))
    t = float(stats.t.ppf(0.975, len(x) - 1))
    return mean, mean - t * se, mean + t * se


def scale_check(tag: str, title: str, full: list, half: list, lines: list[str],
                res: dict) -> None:
    """Compares medians at 100 and 50 people per agent (within 15 %?) and records them."""
    for key, label in (("peak", "national peak participants (people)"),
                       ("distinct", "distinct detainees at the end (people)")):
        a = np.median([o[key] for _, o, _ in full])
        b = np.median([o[key] for _, o, _ in half])
        rel = abs(a - b) / max(a, b)
        lines.append(f"{tag}. {title}: {label}: median {a:,.0f} at 100 people/agent vs "
                     f"{b:,.0f} at 50 people/agent: relative difference {100 * rel:.1f} % "
                     f"({'within' if rel <= 0.15 else 'NOT within'} 15 %)")
        res[f"{tag}_{key}"] = {"scale100": a, "scale50": b, "rel": rel}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--days", type=int, default=7)
    args = ap.parse_args()
    days = [f"clock.days={args.days}"]
    t0 = time.time()
    lines: list[str] = []
    res: dict[str, object] = {"seeds": args.seeds, "days": args.days}

    on = [run(BASE + days, s) for s in range(args.seeds)]
    m = on[0][2]
    censor = m.scenario.ticks - m.burn_in + 1
    dist = dict(zip(m.names, distances_km(m.data)[m.names.index(SOURCE)], strict=True))
    hop = hops(m)
    others = [n for n in m.names if n != SOURCE]
    onset_on = np.array([[o[n] if np.isfinite(o[n]) else censor for n in others]
                         for o, _, _ in on])
    x_d = np.tile([dist[n] for n in others], args.seeds)
    x_h = np.tile([hop[n] for n in others], args.seeds)
    rho_d, p_d = stats.spearmanr(x_d, onset_on.ravel())
    rho_h, p_h = stats.spearmanr(x_h, onset_on.ravel())
    lines += [f"A. network on, trigger in {SOURCE} only ({args.seeds} seeds, {args.days} days, "
              f"{len(others)} other regions; never = censored at tick {censor}):",
              f"   Spearman rho(onset, km from Aktau) = {rho_d:.3f}, p = {p_d:.2g}",
              f"   Spearman rho(onset, link hops)     = {rho_h:.3f}, p = {p_h:.2g}",
              f"   regions reached (median over seeds): "
              f"{np.median((onset_on < censor).sum(axis=1)):.0f} of {len(others)}"]
    res["A"] = {"rho_km": rho_d, "p_km": p_d, "rho_hops": rho_h, "p_hops": p_h,
                "median_onset_by_region": dict(zip(others, np.median(onset_on, 0).tolist(),
                                                   strict=True))}

    off = [run([*BASE, *days, "national.network.enabled=false"], s) for s in range(args.seeds)]
    calm = [all(not np.isfinite(o[n]) for n in others) for o, _, _ in off]
    lines += [f"B. network off: no untriggered region reaches the onset share in "
              f"{sum(calm)} of {args.seeds} seeds ({100 * np.mean(calm):.0f} %)"]
    res["B"] = {"calm_seeds": int(sum(calm)), "share": float(np.mean(calm))}

    end = f"2022-01-{2 + args.days:02d}T00:00"
    cut = [f"national.blackouts=[{{start: 2022-01-02T00:00, end: {end}, media: 0.0}}]"]
    bl = [run(BASE + days + cut, s) for s in range(args.seeds)]
    onset_bl = np.array([[o[n] if np.isfinite(o[n]) else censor for n in others]
                         for o, _, _ in bl])
    day2 = 2 * 24 / m.clock.hours_per_tick
    reach_on = (onset_on <= day2).sum(axis=1)
    reach_bl = (onset_bl <= day2).sum(axis=1)
    d_reach = ci95((reach_bl - reach_on).astype(float))
    d_onset = ci95(onset_bl.mean(axis=1) - onset_on.mean(axis=1))
    lines += ["C. media blackout all run (media factor 0), paired seeds:",
              f"   regions reached by end of day 2: {reach_on.mean():.2f} -> {reach_bl.mean():.2f};"
              f" difference {d_reach[0]:+.2f} (95 % CI {d_reach[1]:+.2f} .. {d_reach[2]:+.2f})",
              f"   mean onset tick of the other regions: {onset_on.mean():.1f} -> "
              f"{onset_bl.mean():.1f}; difference {d_onset[0]:+.2f} ticks "
              f"(95 % CI {d_onset[1]:+.2f} .. {d_onset[2]:+.2f}; 1 tick = "
              f"{m.clock.hours_per_tick:g} h)"]
    res["C"] = {"reach_day2_diff": d_reach, "onset_diff_ticks": d_onset}

    half = [run([*BASE, *days, "national.scale.people_per_agent=50"], s)
            for s in range(args.seeds)]
    scale_check("D", "scale", on, half, lines, res)
    net_off = [*BASE, *days, "national.network.enabled=false"]
    half_off = [run([*net_off, "national.scale.people_per_agent=50"], s)
                for s in range(args.seeds)]
    scale_check("E", "scale, network off", off, half_off, lines, res)
    mob = sum(m.citizens) * m.scale
    lines.append(f"(mobilisable population at 100 people/agent: {mob:,.0f} people)")
    lines.append(f"({time.time() - t0:.0f} s wall)")
    text = "\n".join(lines)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "national_diffusion.txt").write_text(text + "\n", encoding="utf-8")
    (OUT / "national_diffusion.json").write_text(json.dumps(res, indent=1, default=float),
                                                 encoding="utf-8")


if __name__ == "__main__":
    main()
