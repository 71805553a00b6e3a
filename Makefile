# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= $(or $(LOTSE_PORT),5000)
DEMO_DB ?= instance/demo.sqlite3
TRANSLATION_DIRS := core/translations $(wildcard plugins/*/translations) $(wildcard docs/examples/*/*/translations)

.PHONY: demo test test-sqlite test-postgres install install-test translations extract-messages lint bench clean serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations tests/e2e/node_modules/axe-core/axe.min.js

# Compiled catalogs are build output (.mo files are not committed).
translations: $(VENV)/.installed
	@for dir in $(TRANSLATION_DIRS); do \
	  for po in $$dir/*/LC_MESSAGES/*.po; do \
	    [ -f "$$po" ] || continue; \
	    $(BIN)/pybabel -q compile -i "$$po" -o "$${po%.po}.mo" || exit 1; \
	  done; \
	done

tests/e2e/node_modules/axe-core/axe.min.js: tests/e2e/package.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error

demo: install
	mkdir -p instance
	LOTSE_DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) $(BIN)/lotse demo --reset
	@echo "Demo: http://127.0.0.1:$(PORT)/  (Konten: siehe README, Passwort lotse-demo)"
	LOTSE_DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) $(BIN)/lotse serve --port $(PORT)

serve: install
	$(BIN)/lotse serve --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
test: install-test
	$(MAKE) test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

# Two pytest-xdist workers, each with its own database (docs/testing.md); PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal

test-sqlite:
	LOTSE_TEST_DATABASE_URL= $(PYTEST)

# The browser tests drive the same code paths; on PostgreSQL the rest of the suite runs again.
test-postgres:
	LOTSE_TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(PYTEST) -m "not e2e"

extract-messages: $(VENV)/.installed-test
	$(BIN)/pybabel -q extract -w 100 --add-location=file --sort-output -F babel.cfg -k _l -k lazy_gettext -o core/translations/messages.pot .
	@for l in de en; do \
	  if [ -f core/translations/$$l/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update -w 100 -i core/translations/messages.pot -d core/translations -l $$l --no-fuzzy-matching --ignore-obsolete; \
	  else $(BIN)/pybabel -q init -i core/translations/messages.pot -d core/translations -l $$l; fi; \
	done
	@for p in plugins/*/; do n=$$(basename $$p); [ -d "$$p/translations" ] || continue; \
	  (cd $$p && ../../$(BIN)/pybabel -q -q extract -w 100 --add-location=file --sort-output -F ../../babel-plugin.cfg -k _l -o translations/plugin_$$n.pot .) || exit 1; \
	  for l in de en; do \
	    if [ -f $$p/translations/$$l/LC_MESSAGES/plugin_$$n.po ]; then \
	      $(BIN)/pybabel -q update -w 100 -D plugin_$$n -i $$p/translations/plugin_$$n.pot -d $$p/translations -l $$l --no-fuzzy-matching --ignore-obsolete; \
	    else $(BIN)/pybabel -q init -D plugin_$$n -i $$p/translations/plugin_$$n.pot -d $$p/translations -l $$l; fi; \
	  done; \
	done

LINT_DIRS := core plugins tests migrations bench tenants docs

lint: $(VENV)/.installed-test
	$(BIN)/ruff check $(LINT_DIRS)
	$(BIN)/ruff format --check $(LINT_DIRS)
	$(BIN)/mypy

bench: install-test
	$(BIN)/python -m bench

# Case list / case file latency with 10 000 synthetic cases (add BENCH_CASES_ARGS=--large for 100 000).
.PHONY: bench-cases
bench-cases: install-test
	$(BIN)/python -m bench.cases $(BENCH_CASES_ARGS)

# NRW scale: pages beside their SQL floor on PostgreSQL as the app role (docs/scaling.md), e.g.
# BENCH_SCALE_ARGS="--owner-url postgresql://owner@127.0.0.1/lotse_scale_100k --reuse --load".
.PHONY: bench-scale
bench-scale: install-test
	$(BIN)/python -m bench.scale $(BENCH_SCALE_ARGS)

# DSB desk, Art. 15 package, retention dry run and erasure with 10 000 synthetic cases.
.PHONY: bench-privacy
bench-privacy: install-test
	$(BIN)/python -m bench.privacy $(BENCH_PRIVACY_ARGS)

clean:
	rm -rf $(VENV) instance/demo.sqlite3* tests/e2e/node_modules test-output
