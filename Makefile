# Two commands on a fresh machine: `make run` (terminal chat) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test test-fast test-deploy bench lint clean rasa-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/cocrea db upgrade
	$(BIN)/cocrea chat

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# The fast suite, for while you work: leaves out what starts processes, servers or databases of its own.
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -m "not slow" -n 2

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot flows storage tests bench
	$(BIN)/mypy bot flows storage

# The image built and the compose stack run and exercised from the host (tests/deploy/stack/): needs root
# for Docker's engine, which ../shared/tools/docker-local installs with the base images. Prints the image's
# size, the build time and the time from `up` to healthy; the stack and its volumes go at the end, pass or
# fail. COCREA_DEPLOY_COLD=1 builds without the layer cache.
DOCKER_LOCAL ?= ../shared/tools/docker-local
DEPLOY_COMPOSE := docker compose -p $${COCREA_DEPLOY_PROJECT:-cocrea-test-deploy} -f docker/compose.yaml \
	-f tests/deploy/compose.test.yaml --env-file tests/deploy/stack.env --profile proxy
test-deploy: $(VENV)/.installed-dev
	@if [ ! -x "$(DOCKER_LOCAL)" ] || [ "$$(id -u)" != 0 ]; then \
	  echo "test-deploy: SKIPPED - needs root and $(DOCKER_LOCAL) (Docker's engine and the base images)"; \
	  exit 0; \
	fi; \
	started=$$(date +%s); \
	$(DOCKER_LOCAL) images && \
	COCREA_DEPLOY_TEST=1 $(BIN)/python -m pytest tests/deploy/stack -x -s -p no:cacheprovider; \
	status=$$?; \
	$(DEPLOY_COMPOSE) down -v --remove-orphans --timeout 5 >/dev/null 2>&1; \
	echo "test-deploy: wall time $$(( $$(date +%s) - started )) s"; \
	exit $$status

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# A real Rasa 3.6 conversation with Cocrea's actions (not part of `make test`): needs a Python 3.10
# venv with `pip install rasa==3.6.21`; RASA=path/to/that/venv/bin/rasa (see docker/rasa/README.md).
RASA ?= $(or $(COCREA_RASA_BIN),rasa)
rasa-demo: $(VENV)/.installed
	$(BIN)/python docker/rasa/demo.py --rasa $(RASA)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
