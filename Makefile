# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/fraud-detection

.PHONY: run test lint sysdeps bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamp files so the install reruns only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,web,postgres,pdf,aws,fleet]'
	touch $@ $(VENV)/.installed

# System packages the tests need: PostgreSQL (real server), Chromium (browser tests),
# Pango (WeasyPrint PDF). Installed only where missing, and only as root with apt.
SYS_PKGS := postgresql chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
sysdeps:
	@missing=""; for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "warning: missing system packages:$$missing (tests that need them will skip)"; fi; \
	fi

run: $(VENV)/.installed
	$(BIN)/mllens scan $(EXAMPLE)

test: $(VENV)/.installed-dev sysdeps
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python bench/lens_review.py
	$(BIN)/python bench/scan_speed.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info
