"""The out-of-sample prediction file: intervals, informativeness, write-once."""

from __future__ import annotations

import json

import numpy as np
import pytest

from uprising.counterfactual.predict import _interval, write_prediction
from uprising.counterfactual.variants import CompareError


def test_interval_ratio_and_informative_flag():
    q = _interval(np.linspace(100, 300, 101))
    assert q["median"] == pytest.approx(200)
    assert q["ratio_90"] == pytest.approx(290 / 110)
    assert q["informative"]
    wide = _interval(np.array([1.0] * 10 + [1000.0] * 10))
    assert not wide["informative"]
    zero = _interval(np.zeros(20))
    assert zero["ratio_90"] == 1.0 and zero["informative"]


def test_a_prediction_is_written_once(tmp_path):
    path = tmp_path / "p.json"
    write_prediction({"case": "x", "outcomes": {}}, path, "uprising predict x")
    assert json.loads(path.read_text())["command"] == "uprising predict x"
    with pytest.raises(CompareError, match="exists"):
        write_prediction({"case": "y"}, path, "again")
    assert json.loads(path.read_text())["case"] == "x"
    write_prediction({"case": "y"}, path, "again", force=True)
    assert json.loads(path.read_text())["case"] == "y"


def test_2019_carries_the_2022_news_delay_and_regional_effects_but_not_the_shock(monkeypatch):
    from uprising.casestudy import prediction

    base = {"legitimacy": 0.95, "network_gain": 4.0}
    plain = prediction.run_2019(base, 5)
    # The 2019 preset's own delays are 3 h and a zero spread draws no offset: the same run.
    assert prediction.run_2019({**base, "news_delay": 3.0, "region_spread": 0.0}, 5) == plain
    # 2022-only parameters are dropped.
    assert prediction.run_2019({**base, "shock": 0.2, "sweep_rate": 0.04}, 5) == plain
    # A regional spread from the 2022 posterior reaches the three cities.
    assert prediction.run_2019({**base, "region_spread": 0.05}, 5) != plain
    seen = {}

    def capture(case, values, overrides, seed):
        seen.update(values)
        raise RuntimeError("stop")

    monkeypatch.setattr(prediction, "run_observed", capture)
    with pytest.raises(RuntimeError, match="stop"):
        prediction.run_2019({**base, "news_delay": 12.0, "region_spread": 0.02, "shock": 0.1}, 5)
    assert seen == {**base, "news_delay": 12.0, "region_spread": 0.02}
