# kickcheck: two commands on a fresh clone (Python 3.11 present, nothing else).
#   make demo   installs kickcheck in .venv and analyses the bundled sample
#   make test   installs kickcheck with its test tools in .venv and runs the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench-accuracy bench-real clean

$(BIN)/kickcheck: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "kickcheck needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,batch]'
	touch $@

demo: $(BIN)/kickcheck
	$(BIN)/kickcheck samples/kickback_sample.mp4 --json samples/kickback_sample.report.json --html samples/kickback_sample.report.html

test: $(BIN)/kickcheck
	$(BIN)/python -m pytest

lint: $(BIN)/kickcheck
	$(BIN)/ruff check kickcheck tests benchmarks kickrender
	$(BIN)/mypy kickcheck

bench-accuracy: $(BIN)/kickcheck
	$(BIN)/python benchmarks/accuracy.py

clean:
	rm -rf $(VENV) build *.egg-info
