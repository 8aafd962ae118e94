# Pinbridge — `make run` to try it, `make test` to check it.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: setup run test bench clean

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

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis pinbridge.db pinbridge.db-* media
