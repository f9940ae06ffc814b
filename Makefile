# The workshop's and personalize-local's entry points.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov pins an older boto3 than personalize-local needs, so it lives in its own venv.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed

.PHONY: install test lint serve clean workshop notebooks lab nbval lock workshop-as-stack-role

install: $(STAMP) $(TOOLS_STAMP)

PIP_QUIET := --quiet --disable-pip-version-check

# Installs reproduce: the exact versions in the lock files (the ones the committed notebook
# outputs were made with), then the project itself without resolving anything again.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) -r requirements-dev.lock
	$(BIN)/pip install $(PIP_QUIET) --no-deps -e .
	touch $(STAMP)

$(TOOLS_STAMP): requirements-tools.lock
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install $(PIP_QUIET) -r requirements-tools.lock
	touch $(TOOLS_STAMP)

# Maintainers: re-resolve the lock files after changing pyproject.toml or requirements-tools.txt
# (then `make notebooks` to refresh the committed outputs with the new versions).
LOCK := $(BIN)/uv pip compile --quiet --python-version 3.11 --python-platform x86_64-unknown-linux-gnu
lock: $(STAMP)
	$(LOCK) pyproject.toml --extra dev -o requirements-dev.lock
	$(LOCK) requirements-tools.txt -o requirements-tools.lock

# The workshop notebooks, in the order an attendee runs them.
NOTEBOOKS := 00_Setup.ipynb \
	01_Validating_and_Importing_User_Item_Interaction_Data.ipynb \
	02_Creating_and_Evaluating_Solutions.ipynb \
	03_Deploying_Campaigns_getRecommendation.ipynb \
	04_Create_EventTracker_and_view_Interactions.ipynb \
	05_Evaluation_with_Test_Dataset.ipynb \
	06_Clean_Up_Resources.ipynb

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --dist loadfile tests examples
	$(MAKE) nbval

# Re-run the notebooks against a fresh personalize-local and compare with the committed outputs:
# the Korean set, then the English one, each in its own pytest session (its own fresh endpoint).
NBVAL := $(BIN)/python -m pytest -p tests.notebooks.plugin --nbval --nbval-current-env \
	--nbval-sanitize-with tests/notebooks/sanitize.cfg
nbval: install
	$(NBVAL) $(NOTEBOOKS)
	$(NBVAL) $(addprefix en/,$(NOTEBOOKS))

# Run 00 → 06 headless, as an attendee would: Korean by default, the English set with
# `make workshop WORKSHOP_LANG=en`; executed copies go to build/workshop/ (English: …/en/).
LANG_OPTION := $(if $(filter en,$(WORKSHOP_LANG)),--lang en,--lang ko)
workshop: install
	$(BIN)/python scripts/run_workshop.py $(LANG_OPTION)

# Deploy the stack, run 00 → 06 as its notebook role with IAM enforced, and check that the role
# grants exactly what the notebooks use (cloudformation/unused-grants.yaml lists the exceptions).
workshop-as-stack-role: install
	$(BIN)/python scripts/stack_role.py

# Maintainers: rebuild both languages' notebooks from notebooks/{ko,en}/*.py and refresh their
# committed outputs (seeded).
notebooks: install
	$(BIN)/python scripts/run_workshop.py --in-place --lang all

# JupyterLab (a locked dev dependency) with its kernels wired to a personalize-local started for
# the session; as root (containers) it passes --allow-root. `$(BIN)/python scripts/run_workshop.py
# --lab --dry-run` checks that wiring without JupyterLab.
lab: install
	$(BIN)/python scripts/run_workshop.py --lab

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

serve: install
	$(BIN)/personalize-local serve

clean:
	rm -rf $(VENV) $(TOOLS) build .pytest_cache
