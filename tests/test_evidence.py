"""Evidence of a preset's values: coverage, missing and unknown paths, inert settings, and the
``uprising explain`` command."""

from __future__ import annotations

import csv
import io
import textwrap
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from uprising import cli
from uprising.scenario import ScenarioError
from uprising.scenario.evidence import (
    ancestors,
    check_evidence,
    evidence_table,
    explain,
    leaves,
    load_evidence,
    missing_evidence,
    preset_data,
    unknown_paths,
)
from uprising.scenario.loader import PRESET_PACKAGE

PRESET = """\
name: tiny
description: a tiny preset for the evidence tests
population: {density: 0.7, legitimacy: 0.8}
world: {width: 20, height: 20}
defection: {enabled: false, return_fraction: 0.1}
reluctance: {half_ratio: 2.0}
government:
  mode: script
  concede: {legitimacy_gain: 0.05}
  script:
    - {at: 5, action: concede}
seed: 7
"""
EVIDENCE = """\
population.legitimacy:
  source: "2021 poll, docs/reference/kazakhstan-2022.md §4"
  kind: assumption
  confidence: low
  note: "the article says 0.6, the poll 0.8; the poll is used (a measurement, not a claim)"
population: {source: "demo value", kind: assumption, confidence: low}
world: {source: "small for speed", kind: assumption, confidence: high}
defection: {source: "off in 2022: no count of defections (§7.6)", kind: fact, confidence: medium}
government: {source: "scripted response, §1", kind: claim, confidence: medium}
government.script[0]: {source: "timeline §1, 5 Jan", kind: fact, confidence: high}
"""

runner = CliRunner()


def write(tmp_path: Path, preset: str = PRESET, evidence: str | None = EVIDENCE) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(preset, encoding="utf-8")
    if evidence is not None:
        (tmp_path / "tiny.evidence.yaml").write_text(evidence, encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(cli.app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def test_leaves_walk_mappings_and_lists_but_not_documentation():
    data = {"name": "x", "description": "d", "a": {"b": 1, "c": [1, 2]},
            "s": [{"at": 1}, {"at": 2}], "e": {}}
    assert leaves(data) == [("a.b", 1), ("a.c", [1, 2]), ("s[0].at", 1), ("s[1].at", 2),
                            ("e", {})]


def test_most_specific_entry_covers_a_value(tmp_path):
    path = write(tmp_path)
    table = {row.path: row for row in explain(path)}
    assert table["population.legitimacy"].covered_by == "population.legitimacy"
    assert "poll is used" in table["population.legitimacy"].entry.note
    assert table["population.density"].covered_by == "population"
    assert table["government.script[0].action"].covered_by == "government.script[0]"
    assert table["government.script[0].at"].kind == "fact"


def test_missing_and_unknown_paths(tmp_path):
    path = write(tmp_path, evidence=EVIDENCE + "police.density: {source: s, kind: fact, "
                 "confidence: low}\ngovernment.script[3]: {source: s, kind: fact, "
                 "confidence: low}\n")
    data, evidence = preset_data(path), load_evidence(path)
    assert missing_evidence(data, evidence) == ["reluctance.half_ratio", "seed"]
    assert unknown_paths(data, evidence) == ["police.density", "government.script[3]"]
    with pytest.raises(ScenarioError) as info:
        check_evidence(path)
    message = str(info.value)
    for text in ("2 values without evidence", "    seed", "reluctance.half_ratio",
                 "police.density", "government.script[3]"):
        assert text in message


def test_complete_evidence_passes(tmp_path):
    path = write(tmp_path, evidence=EVIDENCE + "reluctance: {source: s, kind: assumption, "
                 "confidence: low}\nseed: {source: any, kind: assumption, confidence: high}\n")
    assert check_evidence(path) is None


def test_inert_from_the_file_and_from_defaults(tmp_path):
    table = {row.path: row for row in explain(write(tmp_path))}
    assert table["defection.return_fraction"].inert  # enabled: false in the file
    assert not table["defection.enabled"].inert  # the switch itself does something
    assert table["reluctance.half_ratio"].inert  # reluctance is off by default
    assert not table["population.legitimacy"].inert
    data = {"defection": {"enabled": True, "return_fraction": 0.1}}
    assert not any(row.inert for row in evidence_table(data, {}))
    data = {"government": {"script": [{"at": 1, "action": "concede"}]}}
    rows = evidence_table(data, {}, resolved={"government": {"mode": "off", "script": []}})
    assert [row.inert for row in rows] == [True, True]  # mode is off by default
    data = {"government": {"mode": False, "window": 3}}  # a bare `off` in YAML 1.1
    assert [row.inert for row in evidence_table(data, {})] == [False, True]


def test_no_sibling_file_means_no_evidence(tmp_path):
    path = write(tmp_path, evidence=None)
    assert load_evidence(path) == {}
    assert "seed" in missing_evidence(preset_data(path), {})


@pytest.mark.parametrize(("evidence", "message"), [
    ("seed: {source: s, kind: rumour, confidence: low}\n", "seed.kind: Input should be"),
    ("seed: {source: s, kind: fact}\n", "seed.confidence: Field required"),
    ("seed: {source: s, kind: fact, confidence: low, url: x}\n", "seed.url: unknown field"),
    ("- seed\n", "must map paths to evidence entries"),
    ("seed: {source: s\n", "malformed YAML"),
])
def test_bad_evidence_file_names_the_path_and_field(tmp_path, evidence, message):
    path = write(tmp_path, evidence=evidence)
    with pytest.raises(ScenarioError, match=r"tiny\.evidence\.yaml") as info:
        load_evidence(path)
    assert message in str(info.value)


def test_explain_table_counts_and_inert(tmp_path):
    result = invoke("explain", str(write(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "population.legitimacy" in result.output
    assert "per kind: fact 4, claim 2, assumption 4, missing 2" in result.output
    assert "inert (in a section switched off): defection.return_fraction, reluctance.half_ratio" \
        in result.output


def test_explain_strict_exits_2_naming_the_paths(tmp_path):
    result = invoke("explain", str(write(tmp_path)), "--strict", "--format", "csv")
    assert result.exit_code == 2
    assert "2 values without evidence: reluctance.half_ratio, seed" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_explain_csv_parses_with_full_sources(tmp_path):
    result = invoke("explain", str(write(tmp_path)), "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_path = {row["path"]: row for row in rows}
    assert by_path["population.legitimacy"]["source"] == (
        "2021 poll, docs/reference/kazakhstan-2022.md §4")
    assert by_path["seed"]["kind"] == "missing"
    assert by_path["defection.return_fraction"]["inert"] == "inert"


def test_explain_markdown(tmp_path):
    result = invoke("explain", str(write(tmp_path)), "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("| path | value | kind |")
    assert "- `reluctance.half_ratio`" in result.stdout


def test_explain_bad_input_exits_2(tmp_path):
    result = invoke("explain", str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert "scenario file not found" in result.stderr
    path = write(tmp_path, evidence="seed: {source: s, kind: maybe, confidence: low}\n")
    result = invoke("explain", str(path))
    assert result.exit_code == 2
    assert "seed.kind" in result.stderr
    bad = write(tmp_path, preset=textwrap.dedent(PRESET).replace("0.8", "1.8"))
    result = invoke("explain", str(bad))
    assert result.exit_code == 2
    assert "population.legitimacy" in result.stderr


SHIPPED = sorted(p.name.removesuffix(".evidence.yaml")
                 for p in resources.files(PRESET_PACKAGE).iterdir()
                 if p.name.endswith(".evidence.yaml"))


@pytest.mark.parametrize("name", SHIPPED or [
    pytest.param(None, marks=pytest.mark.skip(reason="no shipped preset has evidence yet"))])
def test_shipped_evidence_loads_and_matches_its_preset(name):
    assert unknown_paths(preset_data(name), load_evidence(name)) == []


def test_ancestors_and_unsafe_evidence(tmp_path):
    assert ancestors("a.b[0].c") == ["a.b[0].c", "a.b[0]", "a.b", "a"]
    assert ancestors("seed") == ["seed"]
    path = write(tmp_path, evidence="seed: !!python/object:os.system {}\n")
    with pytest.raises(ScenarioError, match="tag"):
        load_evidence(path)
