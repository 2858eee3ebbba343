# Backstride: `make run` starts the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := backstride/web/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed

.PHONY: install run test lint fix pytest bench docs clean

install: $(STAMP) $(VENDOR_STAMP)

# The pose model for running-form analysis is inside the mediapipe 0.10.21 wheel (newer releases
# download it at run time). It is installed without its own requirements, which would add jax,
# jaxlib, sounddevice, sentencepiece and a second OpenCV (about 600 MB) that pose does not use;
# what pose needs is in pyproject.toml. pip may note those unused requirements as missing.
MEDIAPIPE := mediapipe==0.10.21

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(MEDIAPIPE)'
	touch $(STAMP)

# The web app's scripts (htmx, Chart.js, tus-js-client) come from the npm registry at install time, pinned by
# package-lock.json, and are copied next to the stylesheet; none is kept in the repository.
$(VENDOR_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	cp node_modules/tus-js-client/dist/tus.min.js $(VENDOR)/
	cp node_modules/tus-js-client/LICENSE $(VENDOR)/tus-js-client.LICENSE
	cp node_modules/htmx.org/LICENSE $(VENDOR)/htmx.LICENSE
	cp node_modules/chart.js/LICENSE.md $(VENDOR)/chart.js.LICENSE.md
	touch $(VENDOR_STAMP)

run: install
	$(BIN)/backstride serve --open

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# One test process per core (pytest-xdist): every test has its own database, data folder,
# queue and port, so they run side by side.
pytest: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test: lint pytest

fix: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

docs: install
	COLUMNS=80 NO_COLOR=1 $(BIN)/backstride assess --input examples/intake.json \
		| sed 's/[[:space:]]*$$//' > docs/sample-report.txt

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .mypy_cache .pytest_cache .ruff_cache .hypothesis build *.egg-info
