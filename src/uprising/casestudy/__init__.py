"""Real events as case studies: observed data, the observables a national run is scored on,
and the simulator function the calibration and the counterfactuals call."""
