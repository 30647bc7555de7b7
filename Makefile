# Zorgzaam: `make run` serves the app with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# The settings read them too: QR codes and emails in development point where the server listens.
export HOST PORT

.PHONY: run test lint format install install-dev migrate seed messages e2e clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Test tools from npm (axe-core, the Nu Html Checker); skipped when npm is not installed.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: accessibility and HTML checks in the browser tests will be skipped"; fi

test: install-dev node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract new UI strings into the catalogues (needs GNU gettext), then compile the .mo
# files in pure Python, so a fresh machine needs no gettext to run the translations.
# Turkish and Arabic cover what residents and participants see; organisers' pages are left
# out (a string missing there falls back to Dutch).
ORGANISER_ONLY := $(foreach p,templates/events/organiser templates/events/door \
	templates/events/live/live_manage.html templates/events/report/report_manage.html \
	templates/organisations/team.html templates/organisations/_team_* \
	templates/organisations/organisation_form.html templates/organisations/request_queue.html \
	templates/organisations/email templates/initiatives/moderation_* \
	templates/initiatives/_moderation_summary.html templates/initiatives/initiative_import.html \
	templates/registration templates/admin events/views/organiser.py events/views/attendees.py \
	events/views/checkin.py events/views/door.py events/views/questions.py events/admin.py \
	events/exports.py events/question_forms.py events/series_forms.py events/report_forms.py \
	organisations/views/team.py organisations/admin.py initiatives/views/moderation.py \
	initiatives/views/spreadsheets.py initiatives/admin.py zorgzaam/admin.py \
	*/management tests bench scripts,--ignore "$(p)" --ignore "$(p)/*")

messages: install-dev
	$(BIN)/python manage.py makemessages --locale nl --locale en --no-obsolete --no-location --ignore ".venv/*" --ignore "staticfiles/*"
	$(BIN)/python manage.py makemessages --locale tr --locale ar --no-obsolete --no-location --ignore ".venv/*" --ignore "staticfiles/*" $(ORGANISER_ONLY)
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
