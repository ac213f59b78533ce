"""The fuzz corpus of malformed inputs (issue 17): named, hand-written cases for every class of
problem the fuzz run found, cases derived from the schema (every numeric field × nasty values),
and hypothesis strategies over the scenario and experiment schemas.

A case is one scenario or experiment file (plus the files it refers to); ``tests/
test_fuzz_inputs.py`` feeds each through the CLI and checks that it is refused cleanly (exit 2, a
short message naming the field or the file) or accepted (exit 0) — never a traceback.
``"{dir}"`` in a file's text is replaced by the folder the files are written to.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from uprising.scenario.schema import Scenario


@dataclass(frozen=True)
class Case:
    """One input: ``files["case.yaml"]`` is the file given to the CLI."""

    name: str
    cls: str  # class of problem (for the count by class)
    kind: str  # "scenario" (uprising show) or "experiment" (uprising sweep --dry-run)
    files: dict[str, str | bytes]
    needle: str | None = None  # text the refusal must contain (field or file); "a|b": either
    refuse: bool | None = True  # True: must exit 2; False: must exit 0; None: either
    isolate: bool = False  # run in a subprocess with a memory limit (bombs)
    extra: dict[str, Any] = field(default_factory=dict)


def _one(name: str, cls: str, text: str | bytes, needle: str | None = None, *,
         kind: str = "scenario", refuse: bool | None = True, isolate: bool = False,
         **files: str) -> Case:
    return Case(name, cls, kind, {"case.yaml": text, **{k.replace("_", "."): v
                                                         for k, v in files.items()}},
                needle, refuse, isolate)


# -- YAML structure ------------------------------------------------------------------------
def _laughs(levels: int, prefix: str = "") -> str:
    lines = [f'{prefix}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*l{i - 1}"] * 9)
        lines.append(f"{prefix}l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _yaml_cases() -> list[Case]:
    c = "yaml-structure"
    bomb = _laughs(10)
    return [
        _one("alias-bomb-scenario", c, bomb, "alias", isolate=True),
        _one("alias-bomb-in-name", c, bomb + "name: *l9\n", "alias", isolate=True),
        _one("alias-bomb-in-description", c, _laughs(9, "") + "description: *l8\n", "alias",
             isolate=True),
        _one("alias-bomb-sweep", c, "name: bomb\n" + _laughs(10).replace("l", "q") +
             "enumerated:\n  population.legitimacy: *q9\n", "alias", kind="experiment",
             isolate=True),
        _one("alias-bomb-mappings", c, "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6}\n" + "".join(
            f"m{i}: &m{i} {{{', '.join(f'k{j}: *m{i - 1}' for j in range(9))}}}\n"
            for i in range(1, 10)), "alias", isolate=True),
        _one("alias-many", c, "x: &x 1\nlist: [" + ", ".join(["*x"] * 2000) + "]\n", "aliases"),
        _one("alias-recursive", c, "world: &w {width: 10, again: *w}\n", "recursive"),
        _one("alias-undefined", c, "world: *nothing\n", "malformed"),
        _one("deep-list-10000", c, "name: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested"),
        _one("deep-mapping-3000", c, "".join(f"{' ' * i}k{i}:\n" for i in range(3000))
             + " " * 3000 + "v: 1\n", "nested|bytes"),
        _one("deep-flow-mapping-3000", c, "x: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
             "nested"),
        _one("deep-list-60", c, "population: " + "[" * 60 + "]" * 60 + "\n", "nested"),
        _one("deep-list-20", c, "population: " + "[" * 20 + "]" * 20 + "\n", "population"),
        _one("duplicate-key-top", c, "ticks: 10\nticks: 20\n", "duplicate key 'ticks'"),
        _one("duplicate-key-nested", c, "police:\n  density: 0.04\n  density: 0.05\n",
             "duplicate key 'density' (line 3"),
        _one("duplicate-key-flow", c, "world: {width: 10, width: 20}\n", "duplicate key"),
        _one("duplicate-key-experiment", c, "name: x\nrepetitions: 1\nrepetitions: 2\n",
             "duplicate key 'repetitions'", kind="experiment"),
        _one("anchor-reuse-ok", c, "population: {vision: &v 5}\npolice: {vision: *v}\n", None,
             refuse=False),
        _one("merge-key-ok", c, "police: {<<: {density: 0.05}, vision: 5}\n", None,
             refuse=False),
        _one("merge-key-then-explicit-ok", c,
             "police: {<<: {density: 0.05}, density: 0.06}\n", None, refuse=False),
        _one("tag-binary-name", c, "name: !!binary aGVsbG8=\n", "!!binary"),
        _one("tag-python-object", c, "name: !!python/object:os.system {}\n", "python"),
        _one("tag-python-name", c, "name: !!python/name:os.system ''\n", "python"),
        _one("tag-python-apply", c, "seed: !!python/object/apply:os.getpid []\n", "python"),
        _one("tag-set", c, "groups: !!set {a: null}\n", "!!set"),
        _one("tag-omap", c, "world: !!omap [{width: 10}]\n", "!!omap"),
        _one("tag-custom", c, "ticks: !mine 5\n", "!mine"),
        _one("tag-timestamp", c, "name: !!timestamp 2024-01-01\n", "timestamp"),
        _one("tag-experiment-binary", c, "name: !!binary aGVsbG8=\n", "!!binary",
             kind="experiment"),
        _one("date-is-a-string", c, "name: 2024-01-01\n", None, refuse=False),
        _one("equals-is-a-string", c, "name: =\n", None, refuse=False),
        _one("not-a-mapping-list", c, "- 1\n- 2\n", "mapping"),
        _one("not-a-mapping-scalar", c, "hello\n", "mapping"),
        _one("experiment-not-a-mapping", c, "[1, 2]\n", "mapping", kind="experiment"),
        _one("empty-scenario", c, "", None, refuse=False),
        _one("malformed-indent", c, "world:\n  width: 10\n height: 20\n", "malformed"),
        _one("malformed-unclosed", c, "name: [1, 2\n", "malformed"),
        _one("malformed-tab", c, "world:\n\twidth: 10\n", "malformed"),
        _one("malformed-experiment", c, "name: {\n", "malformed", kind="experiment"),
        _one("two-documents", c, "ticks: 10\n---\nticks: 20\n", "malformed"),
        _one("non-utf8", c, b"name: caf\xe9\n", "UTF-8"),
        _one("non-utf8-experiment", c, b"name: caf\xe9\n", "UTF-8", kind="experiment"),
        _one("control-char-in-stream", c, "name: a\x07b\n", "malformed"),
        _one("too-large", c, "description: '" + "x" * 1_100_000 + "'\n", "bytes"),
        _one("too-large-experiment", c, "description: '" + "x" * 1_100_000 + "'\n", "bytes",
             kind="experiment"),
        _one("unknown-keys-20000", c, "".join(f"k{i}: {i}\n" for i in range(20_000)),
             "more problems"),
        _one("unknown-key-huge-name", c, "k" * 50_000 + ": 1\n", "malformed"),
        _one("unknown-key-long-name", c, "k" * 1000 + ": 1\n", "unknown field"),
        _one("unknown-keys-experiment-5000", c,
             "".join(f"k{i}: {i}\n" for i in range(5000)), "more problems", kind="experiment"),
        _one("huge-value-in-message", c, "world: {width: '" + "9" * 100_000 + "x'}\n",
             "world.width"),
    ]


# -- base chains ---------------------------------------------------------------------------
def _base_cases() -> list[Case]:
    c = "base-chain"
    chain = {f"s{i}.yaml": f"base: {{dir}}/s{i + 1}.yaml\n" for i in range(30)}
    chain["s30.yaml"] = "ticks: 10\n"
    return [
        _one("base-self", c, "base: {dir}/case.yaml\nticks: 5\n", "circular"),
        Case("base-cycle-a-b-a", c, "scenario", {
            "case.yaml": "base: {dir}/a.yaml\n", "a.yaml": "base: {dir}/b.yaml\n",
            "b.yaml": "base: {dir}/a.yaml\n"}, "a.yaml → {dir}/b.yaml → "),
        Case("base-cycle-3", c, "scenario", {
            "case.yaml": "base: {dir}/a.yaml\n", "a.yaml": "base: {dir}/b.yaml\n",
            "b.yaml": "base: {dir}/c.yaml\n", "c.yaml": "base: {dir}/a.yaml\n"}, "circular"),
        Case("base-chain-31", c, "scenario", {"case.yaml": "base: {dir}/s0.yaml\n", **chain},
             "chain"),
        Case("base-chain-3-ok", c, "scenario", {
            "case.yaml": "base: {dir}/a.yaml\nticks: 7\n", "a.yaml": "base: {dir}/b.yaml\n",
            "b.yaml": "base: epstein2002-run1\n"}, None, refuse=False),
        _one("base-missing-file", c, "base: {dir}/missing.yaml\n", "missing.yaml"),
        _one("base-unknown-preset", c, "base: no-such-preset\n", "no-such-preset"),
        _one("base-list", c, "base: [a, b]\n", "base"),
        _one("base-mapping", c, "base: {a: 1}\n", "base"),
        _one("base-number", c, "base: 5\n", "base"),
        _one("base-empty", c, "base: ''\n", "base"),
        _one("base-huge-name", c, "base: " + "x" * 5000 + "\n", "unknown scenario"),
        _one("base-directory", c, "base: {dir}\n", "not found"),
        _one("base-nul", c, 'base: "a\\0b"\n', "base"),
        _one("base-bad-yaml", c, "base: {dir}/bad.yaml\n", "bad.yaml", bad_yaml="x: [\n"),
        _one("experiment-scenario-cycle", c,
             "name: x\nscenario: {dir}/a.yaml\n", "circular", kind="experiment",
             a_yaml="base: {dir}/a.yaml\n"),
        _one("experiment-scenario-missing", c, "name: x\nscenario: missing.yaml\n",
             "missing.yaml", kind="experiment"),
    ]


# -- strict values -------------------------------------------------------------------------
def _strict_cases() -> list[Case]:
    c = "strict-values"
    return [
        _one("legitimacy-yes", c, "population: {legitimacy: yes}\n", "population.legitimacy"),
        _one("legitimacy-true", c, "population: {legitimacy: true}\n", "population.legitimacy"),
        _one("ticks-on", c, "ticks: on\n", "ticks"),
        _one("width-no", c, "world: {width: no}\n", "world.width"),
        _one("target-cell-bool", c, "violence: {target_cells: [[true, 1]]}\n",
             "violence.target_cells"),
        _one("beta-a-inf", c, "population: {hardship: {dist: beta, a: .inf}}\n",
             "population.hardship.a"),
        _one("beta-b-nan", c, "population: {hardship: {dist: beta, b: .nan}}\n",
             "population.hardship.b"),
        _one("k-inf", c, "police: {k: .inf}\n", "police.k"),
        _one("outburst-inf", c, "observer: {outburst_start: .inf}\n", "observer.outburst_start"),
        _one("name-lone-surrogate", c, 'name: "a\\ud800b"\n', "name"),
        _one("name-nul", c, 'name: "a\\0b"\n', "name"),
        _one("name-newline", c, 'name: "a\\nb"\n', "name"),
        _one("name-bell", c, 'name: "a\\ab"\n', "name"),
        _one("name-long", c, "name: " + "n" * 300 + "\n", "name"),
        _one("name-number-ok", c, "name: 5\n", "name"),
        _one("name-unicode-ok", c, "name: émeute-日本\n", None, refuse=False),
        _one("description-surrogate", c, 'description: "x\\udfffy"\n', "description"),
        _one("description-multiline-ok", c, "description: |\n  two\n  lines\n", None,
             refuse=False),
        _one("output-directory-nul", c, 'output: {directory: "a\\0b"}\n', "output.directory"),
        _one("group-name-surrogate", c,
             'groups: [{name: "a\\ud800", share: 1.0}]\n', "groups.0.name"),
        _one("site-name-slash", c, "sites: [{name: ../x}]\n", "sites.0.name"),
        _one("seed-huge", c, "seed: 100000000000000000000000000000\n", "seed"),
        _one("seed-negative", c, "seed: -1\n", "seed"),
        _one("timeline-value-bool", c,
             "timeline: [{kind: set, at: 5, path: police.density, value: yes}]\n", "timeline"),
        _one("timeline-value-nan", c,
             "timeline: [{kind: set, at: 5, path: police.density, value: .nan}]\n", "timeline"),
        _one("timeline-ramp-inf", c, "timeline: [{kind: ramp, start: 1, end: 5, "
             "path: jail.max_term, start_value: 1, end_value: .inf}]\n", "timeline"),
        _one("timeline-set-max-term-inf-ok", c,
             "timeline: [{kind: set, at: 5, path: jail.max_term, value: .inf}]\n", None,
             refuse=False),
        _one("experiment-name-surrogate", c, 'name: "a\\ud800"\n', "name",
             kind="experiment"),
        _one("experiment-name-slash", c, "name: ../../escape\n", "name", kind="experiment"),
        _one("experiment-stepped-nan", c,
             "name: x\nstepped: {population.legitimacy: {start: .nan, stop: 1, step: 0.1}}\n",
             "start", kind="experiment"),
        _one("experiment-bounds-inf", c, "name: x\nsampler: {method: lhs, n: 4, bounds: "
             "{population.legitimacy: [0, .inf]}}\n", "bounds", kind="experiment"),
        _one("experiment-repetitions-bool", c, "name: x\nrepetitions: yes\n", "repetitions",
             kind="experiment"),
    ]


# -- bounds --------------------------------------------------------------------------------
def _bound_cases() -> list[Case]:
    c = "bounds"
    v = "violence: {enabled: true, "
    return [
        _one("max-term-1e308", c, "jail: {max_term: 1e308}\n", "jail.max_term"),
        _one("max-term-1.0e+308", c, "jail: {max_term: 1.0e+308}\n", "jail.max_term"),
        _one("max-term-10**30", c, "jail: {max_term: 1000000000000000000000000000000}\n",
             "jail.max_term"),
        _one("max-term-1e6-ok", c, "jail: {max_term: 1000000}\n", None, refuse=False),
        _one("max-term-1e6+1", c, "jail: {max_term: 1000001}\n", "jail.max_term"),
        _one("max-term-inf-ok", c, "jail: {max_term: .inf}\n", None, refuse=False),
        _one("max-term-never-ok", c, "jail: {max_term: never}\n", None, refuse=False),
        _one("max-term-nan", c, "jail: {max_term: .nan}\n", "jail.max_term"),
        _one("max-term-negative", c, "jail: {max_term: -1}\n", "jail.max_term"),
        _one("max-term-fraction", c, "jail: {max_term: 2.5}\n", "jail.max_term"),
        _one("timeline-max-term-1e308", c,
             "timeline: [{kind: set, at: 5, path: jail.max_term, value: 1.0e+308}]\n",
             "jail.max_term"),
        _one("crackdown-max-term-1e308", c, "government: {mode: rule, crackdown: "
             "{max_term: 1.0e+308}}\n", "government.crackdown.max_term"),
        _one("crackdown-100-x1000", c, "government: {mode: rule, crackdown: "
             "{police_factor: 100, max_times: 1000}}\n", "government.crackdown"),
        _one("crackdown-2-x40", c, "government: {mode: rule, crackdown: "
             "{police_factor: 2, max_times: 40}}\n", "police_factor"),
        _one("crackdown-100-x1-ok", c, "government: {mode: rule, crackdown: "
             "{police_factor: 100}}\n", None, refuse=False),
        _one("crackdown-factor-inf", c, "government: {mode: rule, crackdown: "
             "{police_factor: .inf}}\n", "police_factor"),
        _one("crackdown-duration-huge", c, "government: {mode: rule, crackdown: "
             "{duration: 100000000000}}\n", "duration"),
        _one("cooldown-huge", c, "government: {mode: rule, crackdown: "
             "{cooldown: 100000000000}}\n", "cooldown"),
        _one("targets-1e9", c, v + "targets: 1000000000}\n", "violence.targets"),
        _one("targets-all-cells", c, v + "targets: 1600}\n", "violence.targets"),
        _one("targets-leave-room-ok", c, v + "targets: 416}\n", None, refuse=False),
        _one("targets-leave-no-room", c, v + "targets: 417}\n", "violence.targets"),
        _one("targets-all-cells-no-agents-ok", c, v + "targets: 1600}\npopulation: "
             "{density: 0}\npolice: {density: 0}\n", None, refuse=False),
        _one("targets-cells-plus-one", c, v + "targets: 1601}\n", "violence.targets"),
        _one("targets-10**30", c, v + "targets: 1000000000000000000000000000000}\n",
             "violence.targets"),
        _one("target-cell-1000", c, v + "target_cells: [[1000, 1000]]}\n",
             "violence.target_cells"),
        _one("target-cell-negative", c, v + "target_cells: [[-1, -1]]}\n",
             "violence.target_cells[0]"),
        _one("target-cell-x-beyond", c, v + "target_cells: [[40, 0]]}\n",
             "violence.target_cells[0]"),
        _one("target-cell-y-beyond", c, v + "target_cells: [[0, 40]]}\n",
             "violence.target_cells[0]"),
        _one("target-cell-duplicate", c, v + "target_cells: [[1, 2], [3, 4], [1, 2]]}\n",
             "violence.target_cells[2]"),
        _one("target-cell-triple", c, v + "target_cells: [[1, 2, 3]]}\n",
             "violence.target_cells"),
        _one("target-cell-corner-ok", c, v + "target_cells: [[39, 39], [0, 0]]}\n", None,
             refuse=False),
        _one("targets-plus-cells-exceed", c, v + "targets: 1599, target_cells: [[0, 0], "
             "[1, 1]]}\n", "violence.targets"),
        _one("timeline-police-cannot-fit", c,
             "timeline: [{kind: set, at: 5, path: police.density, value: 0.5}]\n",
             "police.density"),
        _one("timeline-police-ramp-cannot-fit", c, "timeline: [{kind: ramp, start: 2, end: 5, "
             "path: police.density, start_value: 0.1, end_value: 0.9}]\n", "police.density"),
        _one("timeline-police-scale-cannot-fit", c, "timeline: [{kind: scale, at: 5, "
             "path: police.density, factor: 100}]\n", "police.density"),
        _one("timeline-police-fits-ok", c,
             "timeline: [{kind: set, at: 5, path: police.density, value: 0.3}]\n", None,
             refuse=False),
        _one("timeline-at-huge", c,
             "timeline: [{kind: set, at: 100000000000, path: police.density, value: 0.1}]\n",
             "timeline.0.at"),
        _one("timeline-20000-events", c, "timeline:\n" + "".join(
            f"  - {{kind: set, at: {1 + i % 900}, path: police.density, value: 0.04}}\n"
            for i in range(20_000)), "timeline"),
        _one("groups-200", c, "groups:\n" + "".join(
            f"  - {{name: g{i}, share: 0.005}}\n" for i in range(200)), "groups"),
        _one("world-huge-ok-for-show", c, "world: {width: 100000, height: 100000}\n"
             "population: {vision: 7}\n", None, refuse=False),
        _one("world-too-wide", c, "world: {width: 100001}\n", "world.width"),
        _one("ticks-huge", c, "ticks: 100000000000\n", "ticks"),
        _one("script-at-huge", c, "government: {mode: script, crackdown: {}, script: "
             "[{at: 100000000000, action: crackdown}]}\n", "at"),
        _one("split-at-huge", c, "elite: {enabled: true, split_at: 100000000000}\n",
             "split_at"),
        _one("border-ref-inf", c, "external_power: {border_ref_km: .inf}\n", "border_ref_km"),
        _one("sites-ref-huge", c, "external_power: {sites_ref: 1.0e+300}\n", "sites_ref"),
        _one("stay-ticks-huge", c, "external_power: {stay_ticks: 100000000000}\n",
             "stay_ticks"),
        _one("guard-index-huge", c, "violence: {enabled: true, targets: 2}\nexternal_power: "
             "{enabled: true, guard_targets: [100000000000]}\n", "guard_targets"),
        _one("on-seized-after-huge", c, "violence: {enabled: true, targets: 2}\ngovernment: "
             "{mode: rule, crackdown: {}, on_seized: {action: crackdown, after: 100000000000}}\n",
             "after"),
        _one("news-cut-end-huge", c, "sites: [{name: a}, {name: b}]\nnews: {cuts: "
             "[{start: 1, end: 100000000000}]}\n", "end"),
        _one("site-override-bad", c, "sites: [{name: a, overrides: {jail.max_term: "
             "1.0e+308}}]\n", "sites"),
        _one("site-overrides-many", c, "sites: [{name: a, overrides: {" + ", ".join(
            f"k{i}: 1" for i in range(1200)) + "}}]\n", "overrides"),
        _one("intergroup-max-age-huge", c, "model: intergroup\nintergroup: "
             "{max_age: 100000000000}\n", "max_age"),
        _one("decay-ticks-inf", c, "timeline: [{kind: concession, at: 2, "
             "decay_ticks: .inf}]\n", "decay_ticks"),
    ]


# -- experiment sizes ----------------------------------------------------------------------
def _size_cases() -> list[Case]:
    c = "design-size"
    e = "experiment"
    axes = "  population.legitimacy: {start: 0, stop: 1, step: 0.25}\n"
    return [
        _one("grid-product-explodes", c, "name: x\nenumerated:\n" + "".join(
            f"  {p}: [{', '.join(str(v / 1000) for v in range(1, 300))}]\n"
            for p in ("population.legitimacy", "population.threshold", "police.density"))
             + "stepped:\n  police.k: {start: 0, stop: 99999, step: 1}\n", "runs", kind=e),
        _one("grid-stepped-product", c, "name: x\nstepped:\n"
             "  population.legitimacy: {start: 0, stop: 1, step: 0.00002}\n"
             "  population.threshold: {start: 0, stop: 1, step: 0.00002}\n", "points", kind=e),
        _one("grid-repetitions-product", c, "name: x\nrepetitions: 1000000\nenumerated: "
             "{population.legitimacy: [0.1, 0.2]}\n", "runs", kind=e),
        _one("stepped-too-many", c, "name: x\nstepped: {police.k: {start: 0, stop: 1000000, "
             "step: 1}}\n", "values", kind=e),
        _one("lhs-1e6", c, "name: x\nsampler: {method: lhs, n: 1000000, bounds: "
             "{population.legitimacy: [0, 1]}}\n", "sampler.n", kind=e),
        _one("morris-1e6", c, "name: x\nsampler: {method: morris, n: 1000000, bounds: "
             "{population.legitimacy: [0, 1], population.threshold: [0, 1]}}\n", "sampler.n",
             kind=e),
        _one("morris-points", c, "name: x\nsampler: {method: morris, n: 20000, bounds: "
             "{population.legitimacy: [0, 1], population.threshold: [0, 1], "
             "police.k: [0, 5]}}\n", "points", kind=e),
        _one("sobol-2**20", c, "name: x\nsampler: {method: sobol, n: 1048576, bounds: "
             "{population.legitimacy: [0, 1]}}\n", "sampler.n", kind=e),
        _one("sobol-points", c, "name: x\nsampler: {method: sobol, n: 16384, second_order: true,"
             " bounds: {population.legitimacy: [0, 1], population.threshold: [0, 1]}}\n",
             "points", kind=e),
        _one("sobol-not-power-of-2", c, "name: x\nsampler: {method: sobol, n: 100, bounds: "
             "{population.legitimacy: [0, 1]}}\n", "power of 2", kind=e),
        _one("lhs-small-ok", c, "name: x\nticks: 5\nsampler: {method: lhs, n: 8, bounds: "
             "{population.legitimacy: [0, 1]}}\n", None, refuse=False, kind=e),
        _one("grid-small-ok", c, "name: x\nticks: 5\nstepped:\n" + axes, None, refuse=False,
             kind=e),
        _one("enumerated-empty", c, "name: x\nenumerated: {population.legitimacy: []}\n",
             "no values", kind=e),
        _one("enumerated-mixed", c, "name: x\nenumerated: {population.legitimacy: [1, a]}\n",
             "population.legitimacy", kind=e),
        _one("point-invalid", c, "name: x\nenumerated: {population.legitimacy: [0.5, 2]}\n",
             "population.legitimacy", kind=e),
        _one("point-world-too-big", c, "name: x\nset: {population.vision: 2, police.vision: 2}"
             "\nenumerated: {world.width: [40, 100000], world.height: [100000]}\n", "GiB",
             kind=e),
        _one("set-unknown-field", c, "name: x\nset: {nope: 1}\n", "nope", kind=e),
        _one("set-through-value", c, "name: x\nset: {ticks.x: 1}\n", "ticks", kind=e),
        _one("metrics-unknown", c, "name: x\nticks: 5\nmetrics: [nope]\n", "metrics", kind=e),
        _one("model-not-importable", c, "name: x\nmodel: 'no.such.module:f'\n", "model",
             kind=e),
        _one("experiment-ticks-huge", c, "name: x\nticks: 100000000000\n", "ticks", kind=e),
        _one("measure-every-huge", c, "name: x\nmeasure_every: 100000000000\n", "measure_every",
             kind=e),
        _one("sampler-bounds-reversed", c, "name: x\nsampler: {method: lhs, n: 4, bounds: "
             "{population.legitimacy: [1, 0]}}\n", "bounds", kind=e),
        _one("sampler-too-many-bounds", c, "name: x\nsampler: {method: lhs, n: 4, bounds: {"
             + ", ".join(f"p{i}: [0, 1]" for i in range(150)) + "}}\n", "bounds", kind=e),
    ]


# -- schema-derived: every numeric field × nasty values ------------------------------------
#: Nasty YAML scalars for a number field; the default suite uses the first four.
NASTY_NUMBERS = ("yes", ".inf", "1.0e+308", "-1", ".nan", "1000000000000000000000000000000",
                 "'abc'", "[]", "{}", "-.inf", "1e308", "0.5")


def _numeric(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_numeric(a) for a in get_args(annotation) if a is not type(None))
    return annotation in (int, float)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) in (Union, types.UnionType):
        models = [a for a in get_args(annotation) if isinstance(a, type)
                  and issubclass(a, BaseModel)]
        return models[0] if models else None
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation if is_model else None


def numeric_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Returns the dotted path of every numeric field reachable through nested sections."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        sub = _model_of(info.annotation)
        if sub is not None:
            out += numeric_paths(sub, path + ".")
        elif _numeric(info.annotation):
            out.append(path)
    return out


#: Settings that switch a field's section on, so its value is read at all.
def _context(path: str) -> dict[str, Any]:
    if path.startswith("government."):
        return {"government": {"mode": "rule", **{s: {} for s in (
            "concede", "emergency", "cut_information", "crackdown", "request_help")}}}
    if path.startswith("intergroup."):
        return {"model": "intergroup", "intergroup": {}}
    return {}


def _render(data: dict[str, Any]) -> str:
    """Returns flow-style YAML of a mapping whose leaves are raw YAML scalars (strings)."""
    def flow(v: Any) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k}: {flow(x)}" for k, x in v.items()) + "}"
        return str(v)
    return "".join(f"{k}: {flow(v)}\n" for k, v in data.items())


def _nest(path: str, scalar: str, data: dict[str, Any] | None = None) -> str:
    data = data if data is not None else {}
    node = data
    parts = path.split(".")
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = scalar
    return _render(data)


def schema_cases(values: tuple[str, ...] = NASTY_NUMBERS[:4]) -> list[Case]:
    """Returns one case per (numeric field of the scenario schema, nasty value)."""
    out = []
    for path in numeric_paths():
        for value in values:
            text = _nest(path, value, _context(path))
            out.append(Case(f"field-{path}={value}", "schema-fields", "scenario",
                            {"case.yaml": text}, path.rsplit(".", 1)[-1], None))
    return out


def experiment_field_cases(values: tuple[str, ...] = NASTY_NUMBERS[:4]) -> list[Case]:
    """Returns one case per (numeric field of an experiment, nasty value)."""
    from uprising.experiments.spec import Experiment

    out = []
    for path in numeric_paths(Experiment):
        for value in values:
            context: dict[str, Any] = {"name": "x"}
            if path.startswith("sampler."):
                context["sampler"] = {"method": "lhs", "n": "4",
                                      "bounds": "{population.legitimacy: [0, 1]}"}
            text = _nest(path, value, context)
            out.append(Case(f"experiment-{path}={value}", "schema-fields", "experiment",
                            {"case.yaml": text}, path.rsplit(".", 1)[-1], None))
    return out


def hand_written() -> list[Case]:
    """Returns the named, hand-written cases (every class the fuzz run found)."""
    return [*_yaml_cases(), *_base_cases(), *_strict_cases(), *_bound_cases(), *_size_cases()]


def default_corpus() -> list[Case]:
    """Returns the corpus of the default test suite."""
    return [*hand_written(), *schema_cases(), *experiment_field_cases()]


def slow_corpus() -> list[Case]:
    """Returns the extra cases of the slow suite (every nasty value on every field)."""
    return [*schema_cases(NASTY_NUMBERS[4:]), *experiment_field_cases(NASTY_NUMBERS[4:])]
