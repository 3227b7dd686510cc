# Terpadu: `make run` sets everything up and serves; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo lint format messages bench clean

$(STAMP): requirements.lock pyproject.toml build-constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# xstatic-bootstrap ships only an sdist whose setup needs pkg_resources (setuptools < 81).
	PIP_CONSTRAINT=$(CURDIR)/build-constraints.txt $(BIN)/pip install --quiet --disable-pip-version-check \
		--require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/terpadu migrate --noinput

demo: migrate
	PORT=$(PORT) $(BIN)/terpadu demo

run: demo
	DEBUG=$${DEBUG:-1} $(BIN)/uvicorn terpadu.config.asgi:application --host 127.0.0.1 --port $(PORT) \
		--lifespan off --ws websockets-sansio

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: install
	cd src/terpadu && ../../$(BIN)/terpadu makemessages -l id --no-obsolete --ignore 'migrations/*' \
		&& ../../$(BIN)/terpadu compilemessages

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
