"""Malformed input never gives a traceback (issue 17): every case of the fuzz corpus
(``tests/fuzz_corpus.py``) goes through the CLI — ``uprising show FILE`` for a scenario,
``uprising sweep FILE --dry-run`` for an experiment — and must exit 0, or exit 2 with a message of
at most ``MAX_LINES`` lines that names the field or the file; in under ``MAX_SECONDS`` and without
growing the process by ``MAX_MEMORY`` or more. Alias bombs run in a subprocess whose address
space is limited to ``MAX_MEMORY``. ``pytest -m slow`` adds every nasty value on every field and
more hypothesis examples.
"""

from __future__ import annotations

import collections
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import fuzz_corpus
import uprising
from fuzz_corpus import Case
from uprising import cli

MAX_LINES = 25
MAX_SECONDS = 10.0
MAX_MEMORY = 1 << 30  # bytes
SUBPROCESS_SECONDS = 30.0  # interpreter start-up and imports included
SRC = Path(uprising.__file__).resolve().parents[1]

runner = CliRunner()
DEFAULT = fuzz_corpus.default_corpus()


def _write(case: Case, folder: Path) -> Path:
    for name, content in case.files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content.replace("{dir}", str(folder)), encoding="utf-8",
                              errors="surrogatepass")
    return folder / "case.yaml"


def _args(case: Case, path: Path) -> list[str]:
    return ["show", str(path)] if case.kind == "scenario" else ["sweep", str(path), "--dry-run"]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY, MAX_MEMORY))


def _run(case: Case, folder: Path) -> tuple[int, str, str, float]:
    """Returns (exit code, stdout, stderr, seconds) of the case through the CLI."""
    path = _write(case, folder)
    start = time.perf_counter()
    if case.isolate:
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        proc = subprocess.run(
            [sys.executable, "-m", "uprising", *_args(case, path)], capture_output=True,
            text=True, env=env, cwd=folder, preexec_fn=_limit_memory,
            timeout=SUBPROCESS_SECONDS, check=False,
        )
        return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result = runner.invoke(cli.app, _args(case, path), catch_exceptions=True)
    elapsed = time.perf_counter() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    assert grown < MAX_MEMORY, f"{case.name}: the process grew by {grown / 2**20:.0f} MiB"
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(exc))
        pytest.fail(f"{case.name}: traceback\n{tb[-3000:]}")
    return result.exit_code, result.stdout, result.stderr, elapsed


def check(case: Case, folder: Path) -> tuple[int, str]:
    """Runs a case and asserts the clean behaviour; returns (exit code, message)."""
    code, out, err, elapsed = _run(case, folder)
    assert "Traceback" not in out + err, f"{case.name}: traceback\n{(out + err)[-3000:]}"
    assert code in (0, 2), f"{case.name}: exit {code}\n{(out + err)[-2000:]}"
    limit = SUBPROCESS_SECONDS if case.isolate else MAX_SECONDS
    assert elapsed < limit, f"{case.name}: took {elapsed:.1f} s"
    if case.refuse is not None:
        expected = 2 if case.refuse else 0
        assert code == expected, f"{case.name}: exit {code}, expected {expected}\n{err[-2000:]}"
    if code == 2:
        lines = err.strip().splitlines()
        assert 1 <= len(lines) <= MAX_LINES, f"{case.name}: {len(lines)} lines\n{err[:3000]}"
        needle = (case.needle or "case.yaml").replace("{dir}", str(folder))
        assert any(n.lower() in err.lower() for n in needle.split("|")), (
            f"{case.name}: {needle!r} not in\n{err[:3000]}")
    return code, err


@pytest.mark.parametrize("case", DEFAULT, ids=[c.name for c in DEFAULT])
def test_corpus_case(case: Case, tmp_path: Path) -> None:
    check(case, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("case", fuzz_corpus.slow_corpus(),
                         ids=[c.name for c in fuzz_corpus.slow_corpus()])
def test_corpus_case_slow(case: Case, tmp_path: Path) -> None:
    check(case, tmp_path)


def test_corpus_size_and_classes() -> None:
    counts = collections.Counter(c.cls for c in DEFAULT)
    assert len(DEFAULT) >= 300, counts
    assert len({c.name for c in DEFAULT}) == len(DEFAULT), "case names must be unique"
    for cls in ("yaml-structure", "base-chain", "strict-values", "bounds", "design-size",
                "schema-fields"):
        assert counts[cls] > 0, cls


# -- hypothesis: random mappings over the schemas -------------------------------------------
_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
)
_value = st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)


def _field_names(model: type) -> list[str]:
    return list(model.model_fields)


def _section(model: type) -> st.SearchStrategy:
    keys = st.one_of(st.sampled_from(_field_names(model)), st.text(max_size=12))
    return st.dictionaries(keys, _value, max_size=5)


def _scenario_strategy() -> st.SearchStrategy:
    from uprising.scenario.schema import Scenario

    sections = {}
    for name, info in Scenario.model_fields.items():
        sub = fuzz_corpus._model_of(info.annotation)
        sections[name] = _section(sub) if sub is not None else _value
    return st.fixed_dictionaries({}, optional=sections)


def _experiment_strategy() -> st.SearchStrategy:
    from uprising.experiments.spec import Sampler, Stepped

    scenario_paths = st.sampled_from(["population.legitimacy", "police.density", "ticks",
                                      "world.width", "jail.max_term", "nope"])
    return st.fixed_dictionaries({"name": st.just("fuzz"), "ticks": st.just(3)}, optional={
        "repetitions": _leaf, "seed": _leaf, "measure_every": _leaf,
        "enumerated": st.dictionaries(scenario_paths, st.lists(_leaf, max_size=4), max_size=2),
        "stepped": st.dictionaries(scenario_paths, _section(Stepped), max_size=2),
        "sampler": _section(Sampler),
        "set": st.dictionaries(scenario_paths, _leaf, max_size=2),
        **{k: _value for k in ("metrics", "reduce", "model", "description")},
    })


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _hypothesis_case(kind: str, data: dict, folder: Path) -> None:
    try:
        text = _dump(data)
    except yaml.YAMLError:
        return
    case = Case(f"hypothesis-{kind}", "hypothesis", kind, {"case.yaml": text}, None, None)
    check(case, folder)


FAST = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
SLOW = settings(FAST, max_examples=1000)


@FAST
@given(data=_scenario_strategy())
def test_hypothesis_scenarios(data: dict, tmp_path: Path) -> None:
    _hypothesis_case("scenario", data, tmp_path)


@FAST
@given(data=_experiment_strategy())
def test_hypothesis_experiments(data: dict, tmp_path: Path) -> None:
    _hypothesis_case("experiment", data, tmp_path)


@pytest.mark.slow
@SLOW
@given(data=_scenario_strategy())
def test_hypothesis_scenarios_slow(data: dict, tmp_path: Path) -> None:
    _hypothesis_case("scenario", data, tmp_path)


@pytest.mark.slow
@SLOW
@given(data=_experiment_strategy())
def test_hypothesis_experiments_slow(data: dict, tmp_path: Path) -> None:
    _hypothesis_case("experiment", data, tmp_path)
