"""Elite cohesion: loyalty scale and government resolve; one seeded effect test."""

from __future__ import annotations

import pytest

from uprising.actors import build_actors
from uprising.scenario import load_scenario


def test_split_sets_the_loyalty_scale_at_its_tick(scripted):
    m = scripted([0] * 10, elite={"enabled": True, "cohesion": 0.9, "split_at": 6,
                                  "split_to": 0.4, "loyalty_sensitivity": 0.5})
    m.run(9)
    assert [(t, p) for t, p, _ in m.sets] == [(1, "police.loyalty_scale"),
                                             (6, "police.loyalty_scale")]
    assert [v for _, _, v in m.sets] == pytest.approx([1 - 0.5 * 0.1, 1 - 0.5 * 0.6])
    assert m.actions() == [(1, "cohesion"), (6, "split")]
    assert m.events[1]["cohesion_before"] == 0.9 and m.events[1]["cohesion"] == 0.4


def test_full_cohesion_writes_nothing_until_the_split(scripted):
    m = scripted([0] * 5, elite={"enabled": True, "split_at": 3, "split_to": 0.0})
    m.run(4)
    assert m.sets == [(3, "police.loyalty_scale", 0.0)]


def test_resolve_factor_follows_cohesion(scripted):
    m = scripted([0] * 5, elite={"enabled": True, "cohesion": 0.6, "resolve_sensitivity": 0.5,
                                 "loyalty_sensitivity": 0.0})
    elite = m.actors[0]
    assert elite.resolve_factor() == pytest.approx(1 - 0.5 * 0.4)
    m.run(4)
    assert m.sets == []  # λ = 0: the loyalty channel is off


def test_disabled_elite_builds_no_actor(actors_scenario):
    sc = load_scenario({**actors_scenario, "elite": {"cohesion": 0.2}})
    assert build_actors(sc) == []


def test_effect_elite_split_weakens_the_crackdown_and_raises_activity(mean_active_after):
    """Article: a split elite (Tokayev vs Nazarbayev) leaves a 'partly paralyzed' government.
    Channel tested: resolve (the loyalty channel needs the kernel's defection mechanism).
    Government cracks down (police × 2) when the share reaches 0.1; with cohesion 0.25 from
    tick 1 its threshold is 0.1/0.25 = 0.4, above the opening transient (~0.3). Seeds 0-11
    (12 replicates per arm), 20x20, 200 ticks, mean actives over ticks 50-200. Pilot: ~2.7
    cohesive vs ~8.2 split (a rare seed's transient still reaches 0.4). Pass: at least 10 of
    12 paired seeds higher with the split (one-sided sign test p = 0.019) and the mean at least
    1.5x. Fails if cohesion does not reach resolve or raises it."""
    seeds = range(12)
    gov = {"government": {"mode": "rule", "crackdown": {"threshold": 0.1, "police_factor": 2.0}}}
    cohesive = mean_active_after(gov, seeds)
    split = mean_active_after({**gov, "elite": {
        "enabled": True, "split_at": 1, "split_to": 0.25, "loyalty_sensitivity": 0.0}}, seeds)
    assert (split > cohesive).sum() >= 10
    assert split.mean() > 1.5 * cohesive.mean()


def test_effect_elite_split_lowers_police_loyalty_and_raises_activity(mean_active_after):
    """Article: police reluctant once the elite split. Channel tested: loyalty (kernel
    reluctance: a cop skips an arrest with probability (1 − ℓ·scale)·r/(r + r½)); no
    government. Split to c = 0.3 at tick 1 (loyalty_scale 0.3) vs a cohesive elite. Seeds 0-11
    (12 replicates per arm), 20x20, 200 ticks, mean actives over ticks 50-200. Pilot: 8.3
    cohesive vs 11.8 split, 12/12 seeds higher. Pass: at least 10 of 12 paired seeds higher
    (sign test p = 0.019) and the mean at least 1.2x. Fails if the split does not reach
    police.loyalty_scale or raises it."""
    seeds = range(12)
    mech = {"reluctance": {"enabled": True}}
    cohesive = mean_active_after(mech, seeds)
    split = mean_active_after(
        {**mech, "elite": {"enabled": True, "split_at": 1, "split_to": 0.3}}, seeds)
    assert (split > cohesive).sum() >= 10
    assert split.mean() > 1.2 * cohesive.mean()
