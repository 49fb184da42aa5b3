# Two commands: `make demo` and `make test`. Both create the virtual environment first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_VAR := $(CURDIR)/var/test
export DJANGO_SETTINGS_MODULE := aileague.settings

.PHONY: demo test lint install browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The platform on the embedded default (SQLite, local files, a worker), with a seeded league.
demo: $(STAMP)
	$(BIN)/aileague demo

## System packages the tests use: Debian's chromium (browser tests) and a CJK font (Chinese
## labels in report charts); installed when we may (root with apt).
browser:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "could not install$$missing; browser tests will fail"; \
	  else echo "missing:$$missing (sudo apt-get install -y$$missing)"; fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache
	env -u DATABASE_URL AILEAGUE_VAR_DIR=$(TEST_VAR)-lint $(BIN)/django-admin makemigrations --check --dry-run

## The whole suite: lint, migrations check, unit + worker + browser tests.
test: $(STAMP) browser lint
	rm -rf $(TEST_VAR)
	AILEAGUE_VAR_DIR=$(TEST_VAR) $(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var/test var/test-lint .pytest_cache
