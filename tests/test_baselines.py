"""The forecast baselines of AT7: a constant rate and a logistic through three figures."""

from __future__ import annotations

import math

import pytest

from uprising.calibration.baselines import ConstantRate, Logistic
from uprising.calibration.forecast import baselines, early_detentions


def test_logistic_through_three_points_recovers_a_known_curve() -> None:
    truth = Logistic(capacity=5000.0, growth=1.3, midpoint=4.0)
    days = [2.0, 3.0, 4.0]
    fitted = Logistic.through(days, [truth(d) for d in days])
    assert fitted is not None
    assert fitted.capacity == pytest.approx(5000.0, rel=1e-9)
    assert fitted.growth == pytest.approx(1.3, rel=1e-9)
    assert fitted.midpoint == pytest.approx(4.0, rel=1e-9)
    assert fitted(10.0) == pytest.approx(truth(10.0), rel=1e-9)


def test_logistic_is_refused_when_growth_does_not_slow() -> None:
    # 20 → 200 → 2,298: each day ×10 or more, no finite capacity
    assert Logistic.through([3, 4, 5], [20.0, 200.0, 2298.0]) is None
    assert Logistic.through([3, 4, 5], [10.0, 100.0, 1000.0]) is None  # pure exponential


@pytest.mark.parametrize("days,counts", [([1, 2], [1, 2]), ([1, 2, 4], [1, 2, 3]),
                                         ([1, 2, 3], [1, 0, 3])])
def test_logistic_rejects_bad_input(days, counts) -> None:
    with pytest.raises(ValueError):
        Logistic.through(days, counts)


def test_constant_rate_runs_through_the_last_figure() -> None:
    rate = ConstantRate.fit(5.0, 2298.0)
    assert rate(5.0) == pytest.approx(2298.0)
    assert rate(9.0) == pytest.approx(2298.0 / 5 * 9)
    with pytest.raises(ValueError):
        ConstantRate.fit(0.0, 1.0)


def test_the_record_gives_three_early_figures_and_both_baselines() -> None:
    early = early_detentions()
    assert early[3] == 20.0 and early[5] == 2298.0
    assert early[4] == pytest.approx(math.sqrt(200 * 999))  # "hundreds", log-midpoint
    base = baselines()
    assert base["logistic"] is not None and base["logistic_high"] is not None
    assert base["logistic_low"] is None  # 20 → 200 → 2,298 does not slow down
    # a logistic fitted to these figures levels off just above the 6 January count
    assert 2298 < 10 ** base["logistic"]["detentions_0110"] < 3000
    assert base["constant_rate"]["detentions_0110"] == pytest.approx(
        math.log10(1 + 2298 / 5 * 9))
