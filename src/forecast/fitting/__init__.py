"""From claims to tables: pooling, the log-linear fit and its solver, the draws, the fit
cache, and the run of a study."""
