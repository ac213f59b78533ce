"""Output of a comparison: a Rich table for the terminal, and files written atomically."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from rich import box
from rich.table import Table

from uprising.atomic import write_atomic, write_json_atomic
from uprising.counterfactual.ensemble import PROBABILITIES
from uprising.counterfactual.figure import forest_plot, outcome_label

EFFECTS_FILE, RUNS_FILE, FIGURE_FILE, META_FILE = (
    "effects", "runs.parquet", "effects.png", "compare.json")


def _num(value: float, outcome: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if outcome in PROBABILITIES:
        return f"{value:+.0%}" if value else "0%"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def effects_rich(effects: pd.DataFrame, title: str, level: float = 0.95) -> Table:
    """Returns a Rich table of an effects table: one row per variant and outcome."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for name in ("variant", "outcome", "baseline", "variant value", "effect",
                 f"{level:.0%} interval", "pairs"):
        table.add_column(name, justify="left" if name in ("variant", "outcome") else "right")
    for row in effects.itertuples(index=False):
        prob = row.outcome in PROBABILITIES
        show = (lambda v: f"{v:.0%}" if not math.isnan(v) else "–") if prob else (
            lambda v, o=row.outcome: _num(v, o))
        table.add_row(row.variant, outcome_label(row.outcome), show(row.baseline),
                      show(row.value), _num(row.effect, row.outcome),
                      f"{_num(row.low, row.outcome)} … {_num(row.high, row.outcome)}",
                      str(row.n_pairs))
    return table


def write_outputs(out: Path, runs: pd.DataFrame, effects: pd.DataFrame,
                  metadata: dict[str, Any]) -> list[Path]:
    """Returns the files written atomically in ``out``: effects.csv and .parquet, runs.parquet,
    the forest plot (effects.png) and compare.json (what was compared, seeds, draws)."""
    out.mkdir(parents=True, exist_ok=True)
    fig = forest_plot(effects)
    return [
        write_atomic(out / f"{EFFECTS_FILE}.csv", lambda p: effects.to_csv(p, index=False)),
        write_atomic(out / f"{EFFECTS_FILE}.parquet",
                     lambda p: effects.to_parquet(p, index=False)),
        write_atomic(out / RUNS_FILE, lambda p: runs.to_parquet(p, index=False)),
        write_atomic(out / FIGURE_FILE, lambda p: fig.savefig(p, format="png", dpi=120)),
        write_json_atomic(out / META_FILE, metadata),
    ]
