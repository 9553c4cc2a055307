"""Defaults every command shares, in a module cheap to import."""

DEFAULT_DRAWS = 5000  # the ends of every 90 % interval stable to about a third of a point
DEFAULT_SEED = 20_240_601
