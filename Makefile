# Coproduce: `make demo` runs the product with demo data; `make test` runs every check.
# Both set everything up first (venv, Python and npm packages, assets, translations).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
NPM ?= npm
TEST_SETTINGS := coproduce.config.settings.test

.PHONY: demo test setup assets translations lint typecheck imports migrations-check \
        pytest pytest-postgres messages welsh bench clean

demo: setup
	$(BIN)/coproduce demo

test: setup lint typecheck imports migrations-check pytest pytest-postgres

setup: $(VENV)/.installed assets translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

assets: frontend/node_modules/.installed
	cd frontend && node build.mjs

translations: $(VENV)/.installed
	$(PY) scripts/compile_translations.py

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy coproduce

imports:
	$(BIN)/lint-imports

migrations-check:
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run

# pytest exits 5 when it collects no tests: for us that means the suite is broken,
# so it fails the build instead of passing silently.
# COPRODUCE_EXPECT_DB_VENDOR tells core/tests/test_database.py which database this
# run must be on, so a PostgreSQL run cannot quietly fall back to SQLite.
pytest:
	@env -u COPRODUCE_TEST_DATABASE_URL COPRODUCE_EXPECT_DB_VENDOR=sqlite \
	  $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose."; exit 1; fi; \
	exit $$rc

# The same suite on PostgreSQL when COPRODUCE_TEST_DATABASE_URL names a server.
# CI sets COPRODUCE_REQUIRE_POSTGRES=1, which turns a missing server into a failure.
pytest-postgres:
	@if [ -z "$$COPRODUCE_TEST_DATABASE_URL" ]; then \
	  if [ "$$COPRODUCE_REQUIRE_POSTGRES" = "1" ]; then \
	    echo "COPRODUCE_REQUIRE_POSTGRES=1 but COPRODUCE_TEST_DATABASE_URL is not set."; exit 1; \
	  fi; \
	  echo "PostgreSQL run not started: set COPRODUCE_TEST_DATABASE_URL=postgres://… to run it (CI does)."; \
	else \
	  COPRODUCE_EXPECT_DB_VENDOR=postgresql \
	    $(BIN)/pytest -m "not browser" -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose."; exit 1; fi; \
	  exit $$rc; \
	fi

# Performance figures (not part of `make test`): see benchmarks/README.md.
# The load tests need PostgreSQL: set COPRODUCE_BENCH_DATABASE_URL=postgres://…
bench: setup
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) benchmarks/results_page.py
	$(PY) benchmarks/weighting.py
	$(PY) benchmarks/weighting_end_to_end.py
	$(PY) benchmarks/area_lookups.py
	$(PY) benchmarks/opinion_map.py
	$(PY) benchmarks/polis_import.py
	$(PY) benchmarks/submit_load.py
	$(PY) benchmarks/vote_load.py

# For developers: refresh the Welsh catalogue after adding strings (needs gettext).
messages: $(VENV)/.installed
	cd coproduce && ../$(PY) ../manage.py makemessages --locale cy --no-obsolete \
	  --ignore 'static/*' --ignore 'tests/*' --add-location file

# Parallel work keeps its Welsh in coproduce/locale/cy/parts/*.po; this extracts
# every string and fills the main catalogue from the parts (needs gettext).
welsh: messages
	$(PY) scripts/welsh_fill.py

clean:
	rm -rf $(VENV) frontend/node_modules coproduce/static/vendor coproduce/static/coproduce
