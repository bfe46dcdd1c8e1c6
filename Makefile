# kickcheck: two commands on a fresh clone (Python 3.11 or 3.12 present, nothing else).
#   make demo       installs kickcheck in .venv and analyses the bundled sample
#   make test       installs kickcheck with its test tools in .venv and runs the whole test suite
#   make test-fast  the same without the tests that run the real MediaPipe model (day-to-day work)
#   make lint       ruff and mypy
# PYTHON=python3.12 VENV=.venv312 make test   uses another interpreter in its own venv.

# The first of python3.11, python3.12, python3 that runs and is 3.11 or 3.12 (a pyenv shim for a
# version that is not active is on PATH but does not run).
SUPPORTED := import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))
PYTHON ?= $(firstword $(foreach p,python3.11 python3.12 python3,$(shell $(p) -c '$(SUPPORTED)' >/dev/null 2>&1 && echo $(p))) python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint bench-accuracy bench-real clean

$(BIN)/kickcheck: pyproject.toml
	@$(PYTHON) -c '$(SUPPORTED)' 2>/dev/null || { echo "kickcheck needs Python 3.11 or 3.12, found: $$($(PYTHON) --version 2>&1 | head -1) ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,batch]'
	touch $@

demo: $(BIN)/kickcheck
	$(BIN)/kickcheck samples/kickback_sample.mp4 --json samples/kickback_sample.report.json --html samples/kickback_sample.report.html

test: $(BIN)/kickcheck
	$(BIN)/python -m pytest

test-fast: $(BIN)/kickcheck
	$(BIN)/python -m pytest -m "not mediapipe"

lint: $(BIN)/kickcheck
	$(BIN)/ruff check kickcheck tests benchmarks kickrender
	$(BIN)/mypy kickcheck

bench-accuracy: $(BIN)/kickcheck
	$(BIN)/python benchmarks/accuracy.py

clean:
	rm -rf $(VENV) build *.egg-info
