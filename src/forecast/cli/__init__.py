"""The `forecast` command line. Input problems exit 1 with one located line each; usage 2.

`common` holds the group and what the commands share; each other module adds its commands.
"""

from forecast.cli import compute, inspect, loop, tools
from forecast.cli.common import main

__all__ = ["compute", "inspect", "loop", "main", "tools"]
