"""The one simulation contract and the models on it: Model I, Model II, several sites.

``Simulation`` (``base``) is the contract; ``Model`` (``civil_violence``), ``InterGroupModel``
(``intergroup``) and ``MultiSiteModel`` (``sites``) implement it; ``make_model`` picks one for a
scenario; ``seeds`` derives every random stream of a run.
"""

from __future__ import annotations

from uprising.simulation.base import Simulation
from uprising.simulation.civil_violence import Model
from uprising.simulation.factory import make_model
from uprising.simulation.intergroup import InterGroupModel
from uprising.simulation.seeds import SeedLike
from uprising.simulation.sites import MultiSiteModel

__all__ = ["InterGroupModel", "Model", "MultiSiteModel", "SeedLike", "Simulation", "make_model"]
