"""Cited Bayesian-network scenario forecasts.

Evidence files (claims with verbatim quotes) become conditional probability tables;
scenarios fix drivers; reports carry every number back to its quotes.
"""

import os

__version__ = "0.1.0"

# numpy asks Linux for huge pages for every large array by default; the first touch of each
# then zeroes 2 MB at once, and on the bench machine that made the same contraction take
# 0.07 to 0.26 s from run to run. Without them (numpy's documented switch, read when numpy
# is first imported; a value already set is kept): `forecast report` after an edit 15.6 s
# against 17.8 s, `forecast run` 5.2 s against 5.5 s, hailfinder's draws 0.31 s against 0.41 s.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

# OpenBLAS, numpy's linear algebra, starts a thread per core and keeps them spinning for a
# while after each call, waiting for more; on a machine of two cores that spinning thread
# took one of them from the threads and forked processes doing the work (hashing a kept
# fit's two halves side by side took 6.2 ms instead of 3.1). The package's linear algebra
# is on small matrices, many at a time, which gain nothing from threads inside a call.
# OpenBLAS's documented switch, read when numpy is first imported; a value set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
