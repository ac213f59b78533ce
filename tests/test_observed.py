"""Observed data of the case studies: shipped CSVs are valid, series and events, clear errors."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from uprising.casestudy.observed import (
    CASES,
    COLUMNS,
    REGIONS,
    events,
    load_observed,
    observed_series,
)


def shipped(case: str) -> str:
    return resources.files("uprising.casestudy").joinpath("data", CASES[case]).read_text("utf-8")


def test_region_keys_match_the_regions_table():
    text = resources.files("uprising.scenario").joinpath("data", "kazakhstan_regions.csv")
    names = {row["name"] for row in csv.DictReader(text.read_text("utf-8").splitlines())}
    assert names | {"national"} == REGIONS


@pytest.mark.parametrize("case", sorted(CASES))
def test_shipped_cases_load(case):
    data = load_observed(case)
    assert list(data.columns) == list(COLUMNS)
    assert data["date"].is_monotonic_increasing
    assert (data["source"].str.len() > 0).all()


def test_2022_detentions_and_spread():
    det = observed_series("kazakhstan-2022", "cumulative_detentions")
    assert det[pd.Timestamp("2022-01-09")] == 5800
    assert det[pd.Timestamp("2022-01-12")] == 12000
    data = load_observed("kazakhstan-2022")
    nine = data[(data["date"] == "2022-01-09") & (data["observable"] == "cumulative_detentions")]
    assert (nine["low"].item(), nine["high"].item()) == (5135, 5969)
    spread = observed_series("kazakhstan-2022", "regions_with_protest")
    assert spread.tolist() == [1, 8, 11]
    sec = observed_series("kazakhstan-2022", "cumulative_security_deaths")
    assert sec.tolist() == [8, 18, 19]
    almaty = observed_series("kazakhstan-2022", "cumulative_security_deaths", "almaty")
    assert almaty.tolist() == [13]
    assert observed_series("kazakhstan-2022", "participants")[pd.Timestamp("2022-01-04")] == 36831


def test_2022_events_are_named_and_timed():
    ev = events("kazakhstan-2022")
    names = set(ev["event"])
    for name in ("price_shock", "concession", "state_of_emergency", "curfew", "blackout_start",
                 "blackout_end", "intervention_request", "intervention_arrival",
                 "intervention_withdrawal", "shoot_to_kill_order", "cabinet_resigned",
                 "security_council_chair_change", "order_restored_claim"):
        assert name in names, name
    storm = ev[ev["event"] == "building_stormed"]
    assert storm["date"].item() == pd.Timestamp("2022-01-05T15:19")


def test_2019_holds_no_detention_counts():
    data = load_observed("kazakhstan-2019")
    assert "cumulative_detentions" not in set(data["observable"])
    assert observed_series("kazakhstan-2019", "cumulative_deaths").tolist() == [0]


def corrupt(tmp_path: Path, line: int, field: str, value: str) -> Path:
    rows = list(csv.DictReader(shipped("kazakhstan-2022").splitlines()))
    rows[line - 2][field] = value
    path = tmp_path / "bad.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(("field", "value", "message"), [
    ("date", "2022-13-01", "date"),
    ("date", "5 Jan", "date: must be YYYY-MM-DD"),
    ("region", "atlantis", "region: must be one of"),
    ("kind", "rumour", "kind: must be one of"),
    ("observable", "mood", "observable: must be one of"),
    ("source", " ", "source: must not be empty"),
])
def test_corrupted_copy_names_file_row_and_field(tmp_path, field, value, message):
    path = corrupt(tmp_path, 3, field, value)
    with pytest.raises(ValueError, match=rf"bad\.csv row 3: {message}"):
        load_observed("kazakhstan-2022", path)


def test_value_outside_its_range_is_refused(tmp_path):
    rows = shipped("kazakhstan-2022").splitlines()
    line = next(i for i, r in enumerate(rows, 1) if ",cumulative_detentions,5800," in r)
    path = corrupt(tmp_path, line, "value", "6000")
    with pytest.raises(ValueError, match=rf"row {line}: low ≤ value ≤ high"):
        load_observed("kazakhstan-2022", path)
    path = corrupt(tmp_path, line, "high", "lots")
    with pytest.raises(ValueError, match=rf"row {line}: high: not a number"):
        load_observed("kazakhstan-2022", path)


def test_bad_columns_and_unknown_case(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("date,region\n2022-01-01,national\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cols\.csv: columns must be exactly"):
        load_observed("kazakhstan-2022", path)
    with pytest.raises(ValueError, match="unknown case 'kazakhstan-1986'"):
        load_observed("kazakhstan-1986")
    with pytest.raises(ValueError, match="observable: must be one of"):
        observed_series("kazakhstan-2022", "event")
