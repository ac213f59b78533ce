"""Reproduction suite: tasks, determinism, claim rules and the report on a small suite."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from uprising.reproduction import checks_model2
from uprising.reproduction import claims as cl
from uprising.reproduction.report import REPORT_FILE, load_results, write_report
from uprising.reproduction.runner import SuiteResults, Task, run_suite, run_task
from uprising.reproduction.stats import log_tail_slope
from uprising.reproduction.suite import SWEEP_DENSITIES, build_tasks, experiments

EXPERIMENTS_USED_BY_CLAIMS = {
    "run1", "run2-floor", "run2-literal", "run2-round", "run2-netlogo", "run2-mesa",
    "run2-no-movement", "run2-no-movement-at-all", "run3-salami", "run4-jump", "run5-floor",
    "run5-literal", "run6", "run7", "run8", "peacekeepers", "copsweep", "jail-5", "jail-90",
}


def test_suite_covers_every_experiment_and_pairs_seeds() -> None:
    tasks = build_tasks(3)
    ids = {t.experiment for t in tasks}
    assert ids >= EXPERIMENTS_USED_BY_CLAIMS
    assert len(tasks) == 3 * len(experiments())
    sweep = [t for t in tasks if t.experiment == "copsweep"]
    assert len(sweep) == 3 * len(SWEEP_DENSITIES) == 3 * 51
    assert SWEEP_DENSITIES[0] == 0.0 and SWEEP_DENSITIES[-1] == 0.1
    # every experiment's seed i uses the same stream (paired designs)
    assert {(t.root, t.replicate) for t in tasks} == {(2002, 0), (2002, 1), (2002, 2)}
    assert sum(t.tension for t in tasks) == 1


def test_run_task_same_seed_same_result() -> None:
    t = Task("run7", "epstein2002-run7", replicate=1)
    a, b = run_task(t), run_task(t)
    for k in ("kills", "extinction_tick", "victor", "births"):
        assert a[k] == b[k]
    c = run_task(Task("run7", "epstein2002-run7", replicate=2))
    assert (a["kills"], a["extinction_tick"]) != (c["kills"], c["extinction_tick"])


def test_log_tail_slope_recovers_an_exponential_rate() -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    waits = 30 + rng.exponential(1 / 0.07, 5000)
    assert abs(log_tail_slope(waits) + 0.07) < 0.005
    assert math.isnan(log_tail_slope(np.array([1.0, 2.0, 40.0])))


def _small_suite(tmp_ticks: int = 100) -> SuiteResults:
    short = (f"ticks={tmp_ticks}",)
    tasks = []
    for i in range(3):
        tasks += [
            Task("run6", "epstein2002-run6", ("ticks=100",), replicate=i, keep_series=i == 0),
            Task("run7", "epstein2002-run7", replicate=i, keep_series=i == 0),
            Task("run2-floor", "epstein2002-run2", short, replicate=i, keep_series=i == 0,
                 tension=i == 0),
            Task("run2-literal", "epstein2002-run2", (*short, "rules.arrest_ratio=literal"),
                 replicate=i, keep_series=i == 0),
        ]
    return run_suite(tasks, 3, workers=1, show_progress=False)


def test_report_on_a_small_suite(tmp_path) -> None:
    res = _small_suite()
    assert not res.failures
    summary = write_report(res, tmp_path, figures_for={"run6", "tension"})
    text = (tmp_path / REPORT_FILE).read_text(encoding="utf-8")
    assert "| Claim | Fig. | Paper | Ours (3 seeds) | Verdict |" in text
    for c in cl.CLAIMS:
        assert c.title in text
    v = summary["verdicts"]
    assert v["run6"] == cl.REPRODUCED  # zero kills is exact
    assert v["run2-literal"] == cl.REPRODUCED  # the literal rule never erupts
    assert v["salami"] == cl.NOT_ASSESSED  # experiment not run: said so, no crash
    png = tmp_path / "figures" / "fig12_run6.png"
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "figures" / "fig08_tension.png").exists()
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert len(runs) == 12
    # the saved runs render the same report again (uprising reproduce --report-only)
    again = write_report(load_results(tmp_path), tmp_path / "again", figures_for=set())
    assert again["verdicts"] == summary["verdicts"]
    assert again["ours"] == summary["ours"]


def test_claim_rules_can_fail() -> None:
    # A Run 6 result with a kill must not be called reproduced.
    rows = [{"experiment": "run6", "replicate": 0, "point": math.nan, "kills": 1,
             "ticks": 10}]
    out = checks_model2.run6(SuiteResults(rows=rows, n_seeds=1, root=0))
    assert out.verdict == cl.NOT_REPRODUCED
    # Run 7 with a victor count far from a fair coin is not reproduced.
    rows = [{"experiment": "run7", "replicate": i, "point": math.nan,
             "extinction_tick": 50.0, "victor": "blue"} for i in range(20)]
    assert checks_model2.run7(SuiteResults(rows=rows, n_seeds=20, root=0)).verdict == (
        cl.NOT_REPRODUCED
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reproduce", "smith1999", "--seeds", "1"], "unknown paper"),
        (["reproduce", "epstein2002", "--seeds", "0"], "seeds"),
    ],
)
def test_cli_bad_input_exits_2(args: list[str], message: str) -> None:
    from uprising.cli import app

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in (result.output + (result.stderr if result.stderr_bytes else ""))


def test_figures_1_2_are_lattice_snapshots(tmp_path) -> None:
    """Figs. 1–2 draw Run 1's lattice (action and grievance screens, an outburst), as the
    paper does, re-running the suite's replicate 0 of Run 1."""
    from PIL import Image

    from uprising.reproduction.lattice_figures import (
        SCREEN_TICK,
        _hidden_grievance,
        _run1,
        fig_run1_outburst,
        fig_run1_screens,
    )
    from uprising.reproduction.runner import SuiteResults
    from uprising.reproduction.verdicts import Outcome

    res = SuiteResults(rows=[], n_seeds=1, root=2002)
    out = Outcome(verdict=cl.REPRODUCED, ours="test")
    for fn, name in ((fig_run1_screens, "f1.png"), (fig_run1_outburst, "f2.png")):
        path = fn(res, out, tmp_path / name)
        with Image.open(path) as img:
            assert img.size[0] > 800 and img.size[1] > 400
    model = _run1(res).run(SCREEN_TICK)
    hidden, active = _hidden_grievance(model)
    assert active == model.last_row()["active"]
    assert hidden > 0  # deception: quiet citizens whose grievance exceeds their threshold
    assert cl.CLAIMS and any(c.id == "run1" for c in cl.CLAIMS)
