"""CLI: a national run end to end (results with datetimes, map PNG and GIF, daily table), and
bad national input exits with code 2 and a message naming the field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from frame_worlds import small_nation
from uprising import cli

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli.app, list(args), catch_exceptions=False)


def _yaml(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "nation.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_national_run_then_map_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = invoke("run", _yaml(tmp_path, small_nation()), "--out", str(out), "--no-plot")
    assert result.exit_code == 0, result.output
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert {"datetime", "participants_people", "distinct_detainees_people"} <= set(ts.columns)
    result = invoke("map", str(out))
    assert result.exit_code == 0, result.output
    for name in ("map.png", "map.gif", "daily.csv"):
        assert (out / name).stat().st_size > 0
    daily = pd.read_csv(out / "daily.csv")
    assert set(daily["region"]) == {"mangystau", "atyrau", "aktobe", "national"}
    assert sorted(set(daily["date"])) == ["2022-01-02", "2022-01-03"]


@pytest.mark.parametrize(("national", "field"), [
    ({"network": {"links": [{"a": "mangystau", "b": "atlantis"}]}}, "national.network.links[0]"),
    ({"regions": [{"name": "mangystau", "population": -1}]}, "population"),
    ({"scale": {"people_per_agent": 1e6}}, "national.scale.people_per_agent"),
    ({"curfews": [{"start": "2022-01-02T00:00", "end": "2022-01-03T00:00", "to_hour": 30}]},
     "to_hour"),
    ({"emergencies": [{"at": "2023-01-01T00:00"}]}, "national.emergencies[0].at"),
])
def test_bad_national_input_exits_2_naming_the_field(tmp_path: Path, national: dict,
                                                     field: str) -> None:
    result = invoke("run", _yaml(tmp_path, small_nation(**national)), "--out",
                    str(tmp_path / "x"), "--no-plot")
    assert result.exit_code == 2
    assert field in result.output.replace("\n", " ")
    assert "Traceback" not in result.output


def test_map_of_a_non_national_folder_exits_2(tmp_path: Path) -> None:
    result = invoke("map", str(tmp_path))
    assert result.exit_code == 2
