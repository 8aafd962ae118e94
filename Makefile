# Pinbridge — `make run` to try it, `make test` to check it.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: setup run test bench clean messages

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

run: setup
	$(PY) -m bridge serve

test: setup
	$(PY) -m pytest tests -q -p no:cacheprovider $(PYTEST_ARGS)

bench: setup  # tens of minutes; prints one table of ratios against their floors (README: Benchmarks)
	$(PY) -m bench.all

# The translations (README: Languages): extract every tr()/trn() into the template, merge it into each
# language's .po (translators edit those), compile the .mo files the bot reads. Commit all three.
LOCALES := core/locale
messages: setup
	$(VENV)/bin/pybabel extract -F babel.cfg --no-default-keywords -k tr -k trn:1,2 --sort-by-file \
		--project Pinbridge --no-location -o $(LOCALES)/pinbridge.pot .
	$(VENV)/bin/pybabel update -D pinbridge -i $(LOCALES)/pinbridge.pot -d $(LOCALES) --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -D pinbridge -d $(LOCALES) --statistics

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis pinbridge.db pinbridge.db-* media
