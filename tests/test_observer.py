"""The observer's summary statistics: the key vocabulary is declared once, in SUMMARY_KEYS."""

from __future__ import annotations

import pandas as pd

from uprising.observer import SUMMARY_KEYS, summarize
from uprising.scenario.schema import Observer


def test_summarize_returns_exactly_the_summary_keys() -> None:
    ts = pd.DataFrame({
        "tick": range(6), "quiet": [10, 4, 2, 9, 10, 3], "active": [0, 6, 8, 1, 0, 7],
        "jailed": [0, 0, 1, 1, 0, 0], "cops": [2] * 6, "arrests": [0, 0, 1, 0, 0, 0],
        "releases": [0] * 6,
    })
    summary = summarize(ts, Observer(), 10)
    assert tuple(summary) == SUMMARY_KEYS
    assert summary["ticks"] == 5 and summary["peak_active"] == 8 and summary["total_arrests"] == 1


def test_summarize_of_an_empty_run_has_the_same_keys() -> None:
    ts = pd.DataFrame({"tick": [0], "active": [0], "jailed": [0], "arrests": [0]})
    assert tuple(summarize(ts, Observer(), 10)) == SUMMARY_KEYS
