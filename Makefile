# Cited Bayesian scenario forecasts. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help report test browser lint typecheck unit validate run bench clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

report: $(STAMP) ## compute every scenario and write reports/ (HTML, Markdown, JSON, figures, BIF)
	$(BIN)/forecast report --out reports

validate: $(STAMP) ## check model, evidence and scenarios; list every problem
	$(BIN)/forecast validate

run: $(STAMP) ## print the scenario table
	$(BIN)/forecast run

test: browser lint typecheck unit ## lint, type-check and run the test suite (browser tests included)

browser: ## install Debian's chromium + chromium-driver for the browser tests, if missing (needs root)
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium and chromium-driver (Debian packages) for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; }

lint: $(STAMP) ## ruff
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP) ## mypy (strict on the package)
	$(BIN)/mypy

unit: $(STAMP) ## pytest
	$(BIN)/pytest -q

bench: $(STAMP) ## time and memory of a full run against their targets; memory of a large run
	$(BIN)/python tests/benchmarks/bench_engine.py --root .
	$(BIN)/python tests/benchmarks/bench_engine.py --root . --draws 12000 --memory-only

clean: ## remove generated reports and caches (keeps .venv)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md ! -name .forecast-output -exec rm -rf {} +
	rm -rf .reports.forecast-* .forecast-cache
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove the virtual environment
	rm -rf $(VENV)
