# Gridwork: `make run` serves the app with demo data, `make test` runs the suite.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 5000
FLASK := .venv/bin/flask --app wsgi
DATABASE ?= sqlite

.PHONY: run test lint bench system-deps translations messages clean-venv

.venv/bin/python:
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip

.venv/.runtime: requirements.txt | .venv/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

.venv/.dev: requirements-dev.txt .venv/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian libraries that WeasyPrint needs (and, for tests, Chromium, a CJK font, poppler).
system-deps:
	@bash scripts/system-deps.sh runtime

translations: .venv/.runtime
	@.venv/bin/pybabel compile -d webapp/translations >/dev/null

# The QR codes on the cards it prints point where it serves, unless PUBLIC_BASE_URL says else.
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: system-deps translations
	$(FLASK) db upgrade
	$(FLASK) demo-data --scale small
	@echo "Gridwork on http://127.0.0.1:$(PORT) (QR codes: $$PUBLIC_BASE_URL)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The suite on SQLite, then on PostgreSQL too when TEST_DATABASE_URL is set; both run even when
# the first fails (a SQLite failure must not hide how PostgreSQL fares), and the end says which.
test: .venv/.dev translations
	@bash scripts/system-deps.sh test
	@sqlite=failed; postgres="not run (TEST_DATABASE_URL is unset)"; \
	echo "== SQLite"; \
	GRIDWORK_TEST_DATABASE=sqlite $(PY) -m pytest $(PYTEST_ARGS) && sqlite=passed; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== PostgreSQL ($$(sed -E 's#//([^:/@]*):[^@]*@#//\1:***@#' <<<"$$TEST_DATABASE_URL"))"; \
	  postgres=failed; \
	  GRIDWORK_TEST_DATABASE=postgres $(PY) -m pytest $(PYTEST_ARGS) && postgres=passed; \
	fi; \
	echo "== SQLite: $$sqlite, PostgreSQL: $$postgres"; \
	[ "$$sqlite" = passed ] && [ "$$postgres" != failed ]

lint: .venv/.dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Benchmarks print one JSON line per figure; DATABASE=postgres runs them on PostgreSQL.
bench: .venv/.dev translations system-deps
	$(PY) -m bench --database $(DATABASE)

# Refresh the catalogs after changing strings in code or templates.
messages: .venv/.runtime
	.venv/bin/pybabel extract -F babel.cfg --ignore-dirs='.*' -k _l -k lazy_gettext --no-location --sort-output -o webapp/translations/messages.pot .
	.venv/bin/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching

clean-venv:
	rm -rf .venv
