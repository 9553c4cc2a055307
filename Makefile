# Cited Bayesian scenario forecasts. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock

.DEFAULT_GOAL := help
.PHONY: help report test browser lint typecheck unit validate run bench lock clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The exact versions that were tested, every file checked against its hash; then the
# package itself, without letting pip pick any other version.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

lint: $(STAMP) ## ruff, and the import contracts between the package's layers (import-linter)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

typecheck: $(STAMP) ## mypy (strict on the package)
	$(BIN)/mypy

unit: $(STAMP) ## pytest
	$(BIN)/pytest -q

bench: $(STAMP) ## one table: the commands and the engine on standard networks, against their targets
	$(BIN)/python tests/benchmarks/bench.py --root .

lock: $(STAMP) ## re-resolve requirements.lock to the newest versions pyproject.toml allows
	$(BIN)/python -m pip install --quiet --target $(VENV)/lock-tools uv
	PYTHONPATH=$(VENV)/lock-tools $(VENV)/lock-tools/bin/uv pip compile pyproject.toml \
	  --quiet --extra dev --python-version 3.11 --generate-hashes --upgrade --output-file $(LOCK)
	@echo "now run 'make test': the next make installs exactly what $(LOCK) says"

clean: ## remove generated reports and caches (keeps .venv)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md ! -name .forecast-output ! -name results.schema.json -exec rm -rf {} +
	rm -rf .reports.forecast-* .forecast-cache
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove the virtual environment
	rm -rf $(VENV)
