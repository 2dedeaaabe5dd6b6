# The two commands in the README: `make run` and `make test`. Everything the project needs is
# installed from here, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app feedback_app
STAMP := $(VENV)/.installed

.PHONY: install run test lint translations-compile translations-update db-upgrade serve bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Fuzzy entries are never compiled: a guess must not reach a child. A catalogue that does not
# compile fails the build (its log is printed).
translations-compile: install
	@$(BIN)/pybabel compile -d translations --statistics > $(VENV)/pybabel-compile.log 2>&1 \
		|| (cat $(VENV)/pybabel-compile.log; exit 1)
	@grep -i "error" $(VENV)/pybabel-compile.log && exit 1 || tail -n 10 $(VENV)/pybabel-compile.log

translations-update: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o translations/messages.pot --no-location --sort-output --project "Your voice" --copyright-holder "Leeds City Council" .
	$(BIN)/python -m feedback_app.translation_status save $(VENV)/translation-status.json
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m feedback_app.translation_status restore $(VENV)/translation-status.json

db-upgrade: install translations-compile
	$(FLASK) db upgrade
	$(FLASK) surveys sync

run: db-upgrade
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install translations-compile
	$(BIN)/ruff check feedback_app nlp tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest -p no:cacheprovider

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) instance .pytest_cache
