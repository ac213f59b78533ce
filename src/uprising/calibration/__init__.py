"""`uprising calibrate`: priors, a reference table through the experiment layer, neural posterior
estimation, parameter recovery (coverage) and posterior predictive checks."""
