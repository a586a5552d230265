# The two set-up commands of the README: `make run` (install, then serve the app on the seeds) and
# `make test` (install with the dev extra and the browser, then run the whole suite). Both create .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install -q -c constraints.txt
PORT ?= 8501

.PHONY: run test install install-dev chromium bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: $(BIN)/python
	$(PIP) -e .

install-dev: $(BIN)/python chromium
	$(PIP) -e '.[dev]'

# Debian's chromium for the end-to-end browser test (a test tool's own browser download fails offline).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else \
	    echo "chromium is not installed: the browser test will be skipped (sudo apt-get install chromium chromium-driver)"; \
	  fi; }

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

test: install-dev
	$(BIN)/python -m pytest

bench: install-dev
	for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
