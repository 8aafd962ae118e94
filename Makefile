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

bench: setup  # several minutes; figures go into the README by hand
	$(PY) -m bench.core_bench
	$(PY) -m bench.delivery_bench
	$(PY) -m bench.digest_bench
	$(PY) -m bench.slack_ack_bench
	$(PY) -m bench.patterns_bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis pinbridge.db pinbridge.db-*
