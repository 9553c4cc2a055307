"""Cited Bayesian-network scenario forecasts.

Evidence files (claims with verbatim quotes) become conditional probability tables;
scenarios fix drivers; reports carry every number back to its quotes.
"""

__version__ = "0.1.0"
