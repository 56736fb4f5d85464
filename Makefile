# The two commands: `make run` and `make test`. Everything else is a helper for them or for CI.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install translations migrate lint format messages check-migrations fuzz test-multinode test-deploy clean

run: install translations migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

test: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(INSTALLED)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

translations: install
	$(PY) manage.py compile_translations

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

# ruff, then the import contracts in pyproject.toml (apps depend one way: docs/architecture.md).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# schemathesis against the live API schema, as a member and as staff (CI runs it).
fuzz: install translations
	$(PY) .ci/fuzz.py

# Two nodes on one PostgreSQL (a throwaway database), one Redis (db 9) and one media folder (CI runs it).
test-multinode: install translations
	$(PY) .ci/multinode.py

# deploy/install.sh into a temporary prefix, checked through nginx over HTTPS (as root, with nginx).
test-deploy: install
	$(PY) .ci/deploy_check.py

# Refresh the French catalogue after changing interface strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --locale fr --no-obsolete --add-location file --ignore '.venv' --ignore 'var'

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .import_linter_cache
