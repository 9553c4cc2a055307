"""`python -m forecast.cli`."""

from forecast.cli import main

main()
