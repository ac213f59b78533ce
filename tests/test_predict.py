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
