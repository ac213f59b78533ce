"""`uprising report`: one self-contained, escaped HTML file from plain data (fake case)."""

from __future__ import annotations

import base64
import json
import re
import sys
import types
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from uprising import cli
from uprising.counterfactual.compare import compare
from uprising.counterfactual.variants import Variant
from uprising.report import collect as collect_mod
from uprising.report.build import ReportData, build_html, write_report
from uprising.report.collect import collect
from uprising.report.sections import TITLES
from uprising.report.series import bands, national, observed_days, regional_median
from uprising.testing.case import FAKE_DAYS, FAKE_REGIONS, fake_run_case, fake_run_case_series

runner = CliRunner()
EVIL = '<script>alert("x")</script><img src="http://evil.example/x.png">'
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def fake_series(runs: int = 6) -> pd.DataFrame:
    """Returns stacked fake daily tables of ``runs`` runs."""
    return pd.concat([fake_run_case_series("fake", {"gain": 1.0 + 0.1 * i}, {},
                                           np.random.SeedSequence(i)).assign(run=i)
                      for i in range(runs)], ignore_index=True)


def full_data() -> ReportData:
    """Returns report data with every input filled, strings from data included."""
    comparison = compare("fake", [Variant("more", {"fake.boost": 0.5}, EVIL)], values={},
                         seeds=8, run_case=fake_run_case, n_boot=200)
    observed = pd.DataFrame({"measure": ["participants", "deaths"], "day": [2, 5],
                             "value": [900.0, 4.0], "low": [700.0, 3.0], "high": [1200.0, 8.0]})
    return ReportData(
        case=EVIL, summary={"runs": 6, EVIL: "x"}, series=fake_series(), observed=observed,
        evidence=pd.DataFrame({"claim": [EVIL], "source": ["https://example.org"]}),
        calibration={"method": "NPE", "fit": {"peak": {"observed": 1.0, "simulated": 1.2}}},
        posterior=pd.DataFrame({"gain": np.linspace(0.5, 1.5, 50)}),
        effects=comparison.effects, variants=comparison.metadata["variants"],
        prediction={"collapse": False, "peak": 1200}, prediction_source="p.json",
        ablations=pd.DataFrame({"ablation": ["no network"], "peak": [0.4]}),
        acceptance=[{"id": "A1", "description": EVIL, "value": 1, "target": "< 2", "met": True},
                    {"id": "A2", "description": "b", "value": 9, "target": "< 2", "met": False}])


def images(text: str) -> list[bytes]:
    """Returns the decoded embedded images of a page."""
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', text)]


def test_report_is_one_self_contained_file_with_every_section(tmp_path):
    path = write_report(tmp_path / "r.html", full_data())
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
    text = path.read_text(encoding="utf-8")
    for title in TITLES.values():
        assert f"<h2>{title}</h2>" in text
    refs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', text)
    assert refs and not [r for r in refs if "http" in r or r.startswith("//")]
    pictures = images(text)
    assert len(pictures) >= 4 and all(p.startswith(PNG_MAGIC) for p in pictures)
    assert "<script" not in text and "<link" not in text


def test_strings_from_data_are_escaped():
    text = build_html(full_data())
    assert EVIL not in text and "&lt;script&gt;" in text
    assert 'src="http' not in text


def test_missing_inputs_give_placeholders_not_errors():
    data = ReportData("fake", problems={"evidence": "evidence not available yet"})
    text = build_html(data)
    for title in TITLES.values():
        assert f"<h2>{title}</h2>" in text
    assert "evidence not available yet" in text and not images(text)


def test_acceptance_counts_met_checks():
    text = build_html(full_data())
    assert "1 of 2 checks met." in text and 'class="unmet"' in text


def test_series_bands_and_regional_spread():
    series = fake_series().drop(columns="regions_with_protest")
    nat = national(series)
    assert (nat["regions_with_protest"] <= len(FAKE_REGIONS)).all()
    b = bands(series)
    assert set(b["measure"]) == {"participants", "regions_with_protest", "detentions", "deaths"}
    assert (b["q05"] <= b["q25"]).all() and (b["q25"] <= b["median"]).all()
    assert (b["median"] <= b["q75"]).all() and (b["q75"] <= b["q95"]).all()
    spread = regional_median(series)
    assert list(spread.index) == list(FAKE_REGIONS) and spread.shape[1] == FAKE_DAYS
    dated = pd.DataFrame({"measure": ["deaths"], "date": ["2022-01-05"], "value": [1.0]})
    assert observed_days(dated, series)["day"].tolist() == [3]


def _fake_calibration(monkeypatch):
    module = types.ModuleType("uprising.calibration.posterior")
    module.load_posterior = lambda case, directory: pd.DataFrame(
        {"gain": np.linspace(0.8, 1.2, 30)})
    module.load_metadata = lambda case, directory: {"method": "NPE", "simulations": 1000}
    monkeypatch.setitem(sys.modules, "uprising.calibration.posterior", module)
    import uprising.calibration

    monkeypatch.setattr(uprising.calibration, "posterior", module, raising=False)


def test_collect_runs_series_and_comparison_on_the_same_draws(monkeypatch, tmp_path):
    _fake_calibration(monkeypatch)
    prediction = tmp_path / "p.json"
    prediction.write_text(json.dumps({"collapse": False}), encoding="utf-8")
    kw = {"run_case": fake_run_case, "run_case_series": fake_run_case_series,
          "prediction": prediction, "variants": [Variant("more", {"fake.boost": 0.5})]}
    data = collect("fake", replicates=4, **kw)
    assert data.summary["parameter values"] == "posterior draws"
    assert data.summary["simulation runs"] == 4 + 2 * 4
    assert data.series["run"].nunique() == 4 and data.posterior is not None
    assert set(data.effects["variant"]) == {"more"} and data.prediction == {"collapse": False}
    pooled = collect("fake", replicates=4, workers=2, **kw)
    pd.testing.assert_frame_equal(data.series, pooled.series, check_exact=True)
    pd.testing.assert_frame_equal(data.effects, pooled.effects, check_exact=True)
    assert "Evidence" in build_html(data)


def test_cli_report_writes_the_file(monkeypatch, tmp_path):
    monkeypatch.setattr(collect_mod, "default_run_case_series", lambda: fake_run_case_series)
    monkeypatch.setattr(collect_mod, "default_run_case", lambda: fake_run_case)
    checks = tmp_path / "checks.json"
    checks.write_text(json.dumps([{"id": "A1", "description": "d", "value": 1, "target": 1,
                                   "met": True}]), encoding="utf-8")
    ablations = tmp_path / "abl.csv"
    ablations.write_text("ablation,peak\nno network,0.4\n", encoding="utf-8")
    out = tmp_path / "sub" / "report.html"
    result = runner.invoke(cli.app, ["report", "fake", "--out", str(out), "--replicates", "3",
                                     "--acceptance", str(checks), "--ablations",
                                     str(ablations), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "wrote" in result.output and "no network" in text and "1 of 1 checks met." in text
    assert "acceptance checks" in result.output and "1 of 1 checks met" in result.output


@pytest.mark.parametrize("content, words", [
    ("not json", "not JSON"), ('{"id": 1}', "must be a JSON list"), ('[{"id": 1}]', "met"),
])
def test_cli_report_bad_acceptance_exits_2(tmp_path, content, words):
    checks = tmp_path / "checks.json"
    checks.write_text(content, encoding="utf-8")
    result = runner.invoke(cli.app, ["report", "fake", "--acceptance", str(checks), "--out",
                                     str(tmp_path / "r.html"), "-q"])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_collect_without_posterior_runs_the_case_defaults(monkeypatch, tmp_path):
    module = types.ModuleType("uprising.calibration.posterior")

    def missing(case, directory):
        raise FileNotFoundError("no posterior file")

    module.load_posterior = module.load_metadata = missing
    monkeypatch.setitem(sys.modules, "uprising.calibration.posterior", module)
    data = collect("fake", replicates=3, run_case=fake_run_case,
                   run_case_series=fake_run_case_series, prediction=tmp_path / "none.json",
                   variants=[])
    assert data.summary["parameter values"].startswith("the case's default parameters")
    assert data.series["run"].nunique() == 3 and data.effects is None
    assert "peak national participants" in data.summary
    text = build_html(data)
    assert "no posterior file" in text and "no variants" in text


def test_observed_and_evidence_are_taken_from_their_modules(monkeypatch):
    observed = types.ModuleType("uprising.casestudy.observed")
    observed.load_observed = lambda case: pd.DataFrame({
        "date": pd.to_datetime(["2022-01-04", "2022-01-05", "2022-01-05"]),
        "region": ["national", "national", "almaty"],
        "observable": ["cumulative_detentions", "event", "participants"],
        "value": [100.0, float("nan"), 5000.0], "low": [80.0, float("nan"), 1000.0],
        "high": [150.0, float("nan"), 10000.0]})
    entry = types.SimpleNamespace(confidence="high", source="gov.kz", note="")
    evidence = types.ModuleType("uprising.scenario.evidence")
    evidence.explain = lambda case: [
        types.SimpleNamespace(path="population.legitimacy", value=0.9, kind="assumption",
                              entry=entry, inert=False)]
    monkeypatch.setitem(sys.modules, "uprising.casestudy.observed", observed)
    monkeypatch.setitem(sys.modules, "uprising.scenario.evidence", evidence)
    seen = collect_mod.observed("fake")
    assert seen.to_dict("records") == [{"measure": "detentions",
                                        "date": pd.Timestamp("2022-01-04"), "value": 100.0,
                                        "low": 80.0, "high": 150.0}]
    assert observed_days(seen, fake_series())["day"].tolist() == [2]
    table, problem = collect_mod.evidence("fake")
    assert problem == "" and table.loc[0, "source"] == "gov.kz"


def test_observed_values_outside_the_simulated_days_are_counted_not_drawn():
    observed = pd.DataFrame({"measure": ["deaths", "deaths"], "day": [3, 300],
                             "value": [4.0, 238.0], "low": [3.0, 225.0], "high": [5.0, 241.0]})
    data = ReportData("fake", series=fake_series(3), observed=observed)
    text = build_html(data)
    assert "1 observed values (points" in text and "1 observed values outside" in text


class _Tags(HTMLParser):
    """Records tags closed out of order and tags left open."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in {"meta", "img", "br", "hr"}:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.errors.append(tag)


def test_page_tags_are_balanced():
    parser = _Tags()
    parser.feed(build_html(full_data()))
    assert parser.errors == [] and parser.stack == []
