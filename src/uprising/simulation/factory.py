"""The one place that picks the model class of a scenario."""

from __future__ import annotations

from uprising.scenario import Scenario
from uprising.simulation.base import Simulation
from uprising.simulation.civil_violence import Model
from uprising.simulation.intergroup import InterGroupModel
from uprising.simulation.seeds import SeedLike
from uprising.simulation.sites import MultiSiteModel


def make_model(scenario: Scenario, rng: SeedLike = None, replicate: int = 0) -> Simulation:
    """Returns a fresh model for a validated scenario.

    ``model: intergroup`` scenarios get an ``InterGroupModel`` (Epstein's Model II), scenarios
    with ``sites`` a ``MultiSiteModel`` (several lattices coupled by news), ``national`` scenarios a
    ``NationalModel`` (regions coupled by a diffusion network), the others a
    ``Model``; all run on the same contract (``uprising.simulation.base.Simulation``).
    """
    if scenario.national is not None:
        from uprising.simulation.national import NationalModel

        return NationalModel(scenario, rng=rng, replicate=replicate)
    if scenario.model == "intergroup":
        return InterGroupModel(scenario, rng=rng, replicate=replicate)
    if scenario.sites:
        return MultiSiteModel(scenario, rng=rng, replicate=replicate)
    return Model(scenario, rng=rng, replicate=replicate)
