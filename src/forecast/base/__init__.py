"""Foundations with no knowledge of forecasting: errors, paths, safe reading and writing, YAML
with locations, the array type."""
