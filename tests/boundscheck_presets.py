"""The bounds-checked pass (issue 17): every preset, every preset on the fast engine where it
runs the plain Model I, and every scenario the fuzz corpus accepts (``tests/fuzz_corpus.py``,
experiments: their first point) run for a few ticks with Numba's bounds checking on, so an
out-of-bounds access in a kernel raises IndexError instead of reading or writing memory it
does not own.

``NUMBA_BOUNDSCHECK`` is read when Numba is imported, and kernels compiled without it are cached
next to the sources, so the script re-runs itself in a fresh interpreter with
``NUMBA_BOUNDSCHECK=1`` and an empty, temporary ``NUMBA_CACHE_DIR`` (everything compiles anew,
with checks). Usage: ``python tests/boundscheck_presets.py [--ticks N] [--no-fuzz]``; exits 1
when any run raised, listing them. ``.ci/run`` runs it as its own phase after pytest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
#: Worlds larger than this (cells) are shrunk to 80×80 so the pass stays small.
MAX_CELLS = 80 * 80


def _relaunch(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="uprising-boundscheck-") as cache:
        env = {**os.environ, "NUMBA_BOUNDSCHECK": "1", "NUMBA_CACHE_DIR": cache,
               "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
        return subprocess.call([sys.executable, str(Path(__file__).resolve()), *argv], env=env)


def _small(data: dict) -> dict:
    """Returns the scenario mapping with its world shrunk to at most 80×80 cells."""
    world = dict(data.get("world") or {})
    width, height = int(world.get("width", 40)), int(world.get("height", 40))
    if width * height <= MAX_CELLS:
        return data
    return {**data, "world": {**world, "width": min(width, 80), "height": min(height, 80)}}


def _scenarios(ticks: int, fuzz: bool) -> list[tuple[str, dict]]:
    """Returns (label, scenario mapping) of every run of the pass."""
    from uprising.scenario import load_scenario, preset_names

    out = []
    for name in preset_names():
        sc = load_scenario(name)
        out.append((f"preset {name}", sc.model_dump(mode="python")))
        if sc.engine == "reference" and sc.model == "civil_violence" and not (
                sc.micro_mechanisms or sc.sites):
            out.append((f"preset {name} (fast engine)",
                        {**sc.model_dump(mode="python"), "engine": "fast"}))
    if fuzz:
        out += _accepted_fuzz_inputs()
    return out


def _accepted_fuzz_inputs() -> list[tuple[str, dict]]:
    """Returns the scenarios of the default fuzz corpus that validate."""
    sys.path.insert(0, str(HERE))
    import fuzz_corpus
    from uprising.experiments.design import build_design
    from uprising.experiments.spec import load_experiment
    from uprising.scenario import ScenarioError, load_scenario

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(fuzz_corpus.default_corpus()):
            if case.isolate or case.refuse:
                continue
            folder = Path(tmp) / str(i)
            folder.mkdir()
            for fname, content in case.files.items():
                target = folder / fname
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content.replace("{dir}", str(folder)), encoding="utf-8",
                                      errors="surrogatepass")
            try:
                if case.kind == "scenario":
                    data = load_scenario(str(folder / "case.yaml")).model_dump(mode="python")
                else:
                    exp, where = load_experiment(folder / "case.yaml")
                    design = build_design(exp, where)
                    if design.base is None:
                        continue
                    data = design.scenario_data(0)
            except ScenarioError:
                continue
            out.append((f"fuzz {case.name}", data))
    return out


def _run_one(data: dict, ticks: int) -> str:
    """Returns 'ok', 'skipped: why' or raises what the run raised."""
    from uprising.scenario import ScenarioError, load_scenario
    from uprising.simulation import make_model
    from uprising.simulation.memory import check_scenario_fits

    try:
        sc = load_scenario(_small(data))
        check_scenario_fits(sc)
    except ScenarioError as exc:
        return f"skipped: {str(exc).splitlines()[-1].strip()[:100]}"
    model = make_model(sc, rng=sc.seed)
    model.run(min(ticks, sc.ticks))
    return "ok"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ticks", type=int, default=3, help="ticks per run (default 3)")
    parser.add_argument("--no-fuzz", action="store_true", help="presets only")
    args = parser.parse_args(argv)
    if os.environ.get("NUMBA_BOUNDSCHECK") != "1":
        return _relaunch(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    import numba

    assert numba.config.BOUNDSCHECK, "NUMBA_BOUNDSCHECK was not applied"
    runs = _scenarios(args.ticks, not args.no_fuzz)
    failures, skipped = [], 0
    for label, data in runs:
        t0 = time.perf_counter()
        try:
            status = _run_one(data, args.ticks)
        except Exception as exc:  # IndexError from a bounds check, or any other crash
            failures.append(label)
            status = f"FAILED: {type(exc).__name__}: {exc}"
            traceback.print_exc()
        skipped += status.startswith("skipped")
        print(f"{time.perf_counter() - t0:7.2f} s  {label}: {status}", flush=True)
    total = time.perf_counter() - start
    print(f"boundscheck: {len(runs)} runs ({skipped} skipped), {len(failures)} failed, "
          f"{total:.0f} s")
    for label in failures:
        print(f"  failed: {label}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
