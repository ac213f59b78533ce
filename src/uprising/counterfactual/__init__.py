"""`uprising compare`: ensembles of named variants over posterior draws, paired by seed, with
effect sizes and bootstrap intervals."""
