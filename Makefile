# Linli — two commands for a fresh machine: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: run test lint fmt install system-deps bench clean

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Debian packages the tests need: headless Chromium, its driver, CJK and emoji fonts (browser
## tests, the OCR corpus); the PostgreSQL server (tests/pg.py starts a throwaway cluster).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "installing chromium, chromium-driver (Debian) for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji; \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "installing postgresql (Debian) for the PostgreSQL tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	fi

run: install
	$(PY) -m bot run

test: install system-deps
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	@! grep -rnE '^\s*(import|from)\s+(flask|wechatpy|sqlalchemy)\b' handlers/ \
	  || (echo "handlers/ must not import flask, wechatpy or sqlalchemy" && false)
	@! grep -rnE '^\s*(import|from)\s+bot(\.|\s|$$)' scheduler/ \
	  | grep -vE '\sbot\.(config|channels|pipeline|pictures|local_state)(\.|\s|$$)' \
	  || (echo "scheduler/ may import only bot.config, .channels, .pipeline, .pictures, .local_state" && false)

fmt: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: install
	$(PY) bench/jielong.py
	$(PY) bench/fanout.py
	$(PY) bench/imports.py
	$(PY) bench/webhook.py
	$(PY) bench/ocr.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
