# Two commands on a fresh machine: `make run` (terminal chat) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test bench lint clean rasa-demo

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

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot flows storage tests bench
	$(BIN)/mypy flows storage

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# A real Rasa 3.6 conversation with Cocrea's actions (not part of `make test`): needs a Python 3.10
# venv with `pip install rasa==3.6.21`; RASA=path/to/that/venv/bin/rasa (see docker/rasa/README.md).
RASA ?= $(or $(COCREA_RASA_BIN),rasa)
rasa-demo: $(VENV)/.installed
	$(BIN)/python docker/rasa/demo.py --rasa $(RASA)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
