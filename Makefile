# The workshop's and personalize-local's entry points.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov pins an older boto3 than personalize-local needs, so it lives in its own venv.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed

.PHONY: install test lint serve clean

install: $(STAMP) $(TOOLS_STAMP)

# Re-install only when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

$(TOOLS_STAMP): requirements-tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	touch $(TOOLS_STAMP)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: install
	$(BIN)/personalize-local serve

clean:
	rm -rf $(VENV) $(TOOLS) build .pytest_cache
