# govtrust — two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/govtrust/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
# granian blocking threads per worker: 1 suits the embedded SQLite default (ADR 0015); 4 on PostgreSQL
THREADS ?= 1

.PHONY: run test install assets messages browser pdf lint typecheck serve demo clean

## run: set up everything, load the demo data and serve http://$(HOST):$(PORT) (with the background worker)
run: install assets messages pdf
	GOVTRUST_DEBUG=1 $(BIN)/govtrust migrate --no-input
	GOVTRUST_DEBUG=1 $(BIN)/govtrust demo
	GOVTRUST_DEBUG=1 $(BIN)/govtrust db_worker --interval 1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  GOVTRUST_DEBUG=1 $(BIN)/govtrust runserver $(HOST):$(PORT)

## test: the whole suite (DATABASE_URL selects the database; default SQLite)
test: install assets messages browser pdf
	$(BIN)/pytest

install: $(BIN)/.installed
$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

## assets: front-end libraries from the npm registry, copied to static/vendor (never committed)
assets: $(VENDOR)/.built
$(VENDOR)/.built: package.json package-lock.json scripts/vendor-assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/vendor-assets.sh $(VENDOR)
	touch $@

## messages: compile the English translations
messages: install
	cd src/govtrust && DJANGO_SETTINGS_MODULE=govtrust.test_settings ../../$(BIN)/govtrust compilemessages --ignore=.venv -v 0

## browser: Debian's chromium for the end-to-end tests (Playwright drives it; no browser download)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; }

## pdf: what WeasyPrint needs to print Chinese (pango, harfbuzz subsetting, Noto CJK) and poppler for the tests
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils
pdf:
	@missing=""; for p in $(PDF_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  fc-list 2>/dev/null | grep -q "Noto Sans CJK SC" || case "$$missing" in *fonts-noto-cjk*) ;; *) missing="$$missing fonts-noto-cjk";; esac; \
	  command -v pdftoppm >/dev/null 2>&1 || case "$$missing" in *poppler-utils*) ;; *) missing="$$missing poppler-utils";; esac; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	    else echo "missing for PDF reports:$$missing — sudo apt-get install$$missing" >&2; exit 1; fi; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

typecheck: install
	$(BIN)/mypy

serve: install assets messages
	$(BIN)/govtrust collectstatic --no-input -v 0
	$(BIN)/govtrust db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/granian --interface wsgi --host $(HOST) --port $(PORT) --workers 2 --blocking-threads $(THREADS) govtrust.wsgi:application

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
