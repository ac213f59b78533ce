"""The Markdown reproduction report: a summary table, one section per claim, figures, tables."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.atomic import write_atomic, write_json_atomic, write_text_atomic
from uprising.reproduction.claims import (
    NOT_ASSESSED,
    Claim,
    Outcome,
    evaluate_all,
    sweep_table,
    variant_table,
)
from uprising.reproduction.figures import FIGURES
from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.stats import fmt
from uprising.reproduction.suite import labels
from uprising.results import versions

REPORT_FILE = "report.md"
SUMMARY_FILE = "summary.json"
ROWS_FILE = "runs.parquet"
SERIES_FILE = "series.npz"
META_FILE = "suite.json"
LIST_COLUMNS = ("waits", "activations")

LITERATURE = (
    "Replication literature (epstein_spec.md §3–4, §8): ndouglas/SugarScape's 20-seed "
    "replication [ND-readme, ND-presets], NetLogo Rebellion's floor rule and Info tab [NL], "
    "Mesa's move to round(C/A) [MESA-2429], Thron & Jackson's critique [THRON]."
)


def summary_table(evaluated: list[tuple[Claim, Outcome]], n_seeds: int) -> str:
    """Returns the Markdown summary table: claim, figure, paper, ours, verdict."""
    lines = [
        f"| Claim | Fig. | Paper | Ours ({n_seeds} seeds) | Verdict |",
        "|---|---|---|---|---|",
    ]
    for c, o in evaluated:
        verdict = o.verdict + (" (known fail in replications)" if c.known_fail else "")
        ours = o.ours.replace("|", "/")
        lines.append(f"| {c.title} | {c.figure} | {c.paper} | {ours} | **{verdict}** |")
    return "\n".join(lines)


def _claim_section(c: Claim, o: Outcome, figures: dict[str, list[str]]) -> str:
    parts = [
        f"### {c.title} (Fig. {c.figure})",
        "",
        f"- **Paper:** {c.paper}",
        f"- **Replication literature:** {c.replication}",
        f"- **Rule for our verdict (fixed in advance):** {c.rule}",
        f"- **Ours:** {o.ours}",
    ]
    parts += [f"  - {line}" for line in o.detail]
    flag = " — a known failure in the replication literature, reported, not tuned" \
        if c.known_fail else ""
    parts.append(f"- **Verdict:** {o.verdict}{flag}")
    for name in figures.get(c.id, []):
        parts += ["", f"![{c.title}](figures/{name})"]
    return "\n".join(parts)


def _variants_md(res: SuiteResults) -> str:
    vt = variant_table(res)
    if vt.empty:
        return ""
    lines = [
        "| Variant | Outbursts / 3000 | Peak | Ticks < 10 actives | Wait mean ± s.d. | "
        "Activation mean ± s.d. | Tail slope |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, r in vt.iterrows():
        lines.append(
            f"| {r['description']} | {fmt(r['outbursts'])} | {fmt(r['peak'], 0)} | "
            f"{fmt(100 * r['share_under_10'])} % | {fmt(r['wait_mean'])} ± {fmt(r['wait_sd'])} | "
            f"{fmt(r['activation_mean'], 0)} ± {fmt(r['activation_sd'], 0)} | "
            f"{fmt(r['tail_slope'], 3)} |"
        )
    lines.append("| *paper* | — | — | — | 60 ± 55 | 708 ± 230 | −0.07 |")
    return "\n".join(lines)


def _sweep_md(res: SuiteResults) -> str:
    st = sweep_table(res)
    if st.empty:
        return ""
    lines = ["| Cop density | Runs | Extinct | Mean ticks | Median | S.d. |",
             "|---|---|---|---|---|---|"]
    for _, r in st.iterrows():
        lines.append(f"| {r['point']:.3f} | {int(r['runs'])} | {int(r['extinct'])} | "
                     f"{fmt(r['mean'])} | {fmt(r['median'])} | {fmt(r['sd'])} |")
    return "\n".join(lines)


def _experiments_md(res: SuiteResults) -> str:
    lab = labels()
    lines = ["| Experiment | Description | Runs | CPU time (s) | Worker wall time (s) |",
             "|---|---|---|---|---|"]
    for exp in res.experiments():
        df = res.frame(exp)
        cpu = df["cpu_time"].sum() if "cpu_time" in df else float("nan")
        lines.append(f"| `{exp}` | {lab.get(exp, '')} | {len(df)} | {fmt(cpu)} | "
                     f"{df['wall_time'].sum():.1f} |")
    return "\n".join(lines)


def write_report(
    res: SuiteResults, out: Path, argv: str = "", figures_for: set[str] | None = None
) -> dict[str, Any]:
    """Returns the summary written to ``out`` (report.md, figures/*.png, summary.json,
    runs.parquet); every file is written atomically.

    Args:
        res: the suite's results.
        out: output folder.
        argv: the command line, quoted in the report.
        figures_for: claim ids to draw figures for (default: all).
    """
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    evaluated = evaluate_all(res)
    figures: dict[str, list[str]] = {}
    figure_errors: list[str] = []
    for c, o in evaluated:
        if figures_for is not None and c.id not in figures_for:
            continue
        for name, fn in FIGURES.get(c.id, []):
            try:
                fn(res, o, out / "figures" / name)
                figures.setdefault(c.id, []).append(name)
            except Exception as exc:  # a missing series must not sink the report
                figure_errors.append(f"{name}: {type(exc).__name__}: {exc}")
    counts: dict[str, int] = {}
    for _, o in evaluated:
        key = o.verdict if o.verdict.startswith(("reproduced", "not")) else NOT_ASSESSED
        key = "reproduced only under a variant" if key.startswith("reproduced only") else key
        counts[key] = counts.get(key, 0) + 1
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    v = versions()
    md = [
        "# Reproduction report: Epstein (2002), *Modeling civil violence*",
        "",
        f"Generated {now} by `{argv or 'uprising reproduce epstein2002'}`: "
        f"{res.n_seeds} seeds per experiment (SeedSequence root {res.root}, seed i = "
        f"spawn key (i,), paired across experiments), {len(res.rows)} runs in "
        f"{res.wall_time:.0f} s wall time on {res.workers} worker processes, "
        f"{_cpu_total(res):.0f} CPU seconds in the workers "
        f"({platform.machine()}, uprising {v.get('uprising')}, numba {v.get('numba')}).",
        "",
        "Verdicts: " + ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) + ". "
        "A verdict follows the rule stated with each claim, fixed before the runs; claims "
        "that independent replications could not reproduce are reported as such, never tuned. "
        + LITERATURE,
        "",
        "## Summary",
        "",
        summary_table(evaluated, res.n_seeds),
        "",
        "## Claims",
        "",
    ]
    for c, o in evaluated:
        md += [_claim_section(c, o, figures), ""]
    md += ["## Rule variants at Run 2's inputs (all seeds pooled)", "", _variants_md(res), "",
           "## Cop-density sweep (Figs. 15–17)", "", _sweep_md(res), "",
           "## Experiments run", "", _experiments_md(res), ""]
    if res.failures or figure_errors:
        md += ["## Failures", ""] + [f"- {f}" for f in res.failures + figure_errors] + [""]
    text = "\n".join(md)
    write_text_atomic(out / REPORT_FILE, text)
    rows = pd.DataFrame([{k: _plain(v) for k, v in r.items() if k != "series"}
                         for r in res.rows])
    write_atomic(out / ROWS_FILE, lambda p: rows.to_parquet(p, index=False))
    arrays = {f"{r['experiment']}|{r['replicate']}|{col}": np.asarray(v)
              for r in res.rows if "series" in r for col, v in r["series"].items()}
    write_atomic(out / SERIES_FILE, lambda p: _save_npz(p, arrays))
    write_json_atomic(out / META_FILE, {"n_seeds": res.n_seeds, "root": res.root,
                                        "wall_time": res.wall_time, "workers": res.workers,
                                        "failures": res.failures})
    summary = {
        "seeds": res.n_seeds,
        "root": res.root,
        "runs": len(res.rows),
        "wall_time_s": res.wall_time,
        "cpu_time_s": _cpu_total(res),
        "workers": res.workers,
        "verdicts": {c.id: o.verdict for c, o in evaluated},
        "ours": {c.id: o.ours for c, o in evaluated},
        "failures": res.failures + figure_errors,
        "figures": figures,
    }
    write_json_atomic(out / SUMMARY_FILE, summary)
    return summary


def _cpu_total(res: SuiteResults) -> float:
    return float(sum(r.get("cpu_time", 0.0) or 0.0 for r in res.rows))


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def load_results(out: Path) -> SuiteResults:
    """Returns the SuiteResults saved in a report folder (runs, series and suite metadata), so
    the report can be rendered again without rerunning the simulations."""
    out = Path(out)
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    frame = pd.read_parquet(out / ROWS_FILE)
    rows = []
    for rec in frame.to_dict("records"):
        for col in LIST_COLUMNS:
            if isinstance(rec.get(col), str):
                rec[col] = json.loads(rec[col])
        rows.append(rec)
    series: dict[tuple[str, int], dict[str, np.ndarray]] = {}
    with np.load(out / SERIES_FILE) as npz:
        for key in npz.files:
            exp, rep, col = key.split("|")
            series.setdefault((exp, int(rep)), {})[col] = npz[key]
    for rec in rows:
        s = series.get((rec["experiment"], int(rec["replicate"])))
        if s is not None:
            rec["series"] = s
    return SuiteResults(rows=rows, n_seeds=meta["n_seeds"], root=meta["root"],
                        wall_time=meta["wall_time"], workers=meta["workers"],
                        failures=list(meta["failures"]))


def _plain(v: Any) -> Any:
    if isinstance(v, list | tuple | np.ndarray):
        return json.dumps([_plain(x) for x in v])
    if isinstance(v, np.generic):
        return v.item()
    return v
