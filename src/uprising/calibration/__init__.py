"""`uprising calibrate`: priors, a reference table through the experiment layer, neural posterior
estimation, parameter recovery (coverage) and posterior predictive checks.

Modules: ``spec`` (the calibration file), ``prior`` (unit cube ↔ θ), ``simulator`` (the model
function the experiment layer runs), ``table`` (the reference table), ``npe`` (training and
sampling), ``recovery`` (coverage, SBC, contraction), ``predictive`` (posterior predictive,
CRPS), ``structural`` (alternatives), ``posterior`` (files beside the scenario), ``plots``,
``pipeline`` (all stages in order) and ``cli``. See docs/calibration.md.
"""

from uprising.calibration.posterior import load_metadata, load_posterior
from uprising.calibration.spec import CalibrationError, CalibrationSpec, load_spec, parse_spec

__all__ = ["CalibrationError", "CalibrationSpec", "load_metadata", "load_posterior", "load_spec",
           "parse_spec"]
