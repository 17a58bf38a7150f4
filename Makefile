# Two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/confmine run raw/ --out extracted/ ; status=$$?; \
	if ls gold/*/ >/dev/null 2>&1; then $(BIN)/confmine score --pred extracted/ --gold gold/ || exit $$?; fi; \
	$(BIN)/confmine report extracted/ --gold gold/ || exit $$?; \
	exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/abbreviations.py
	$(BIN)/python -m pytest -q -m slow bench

clean:
	rm -rf $(VENV) .pytest_cache
