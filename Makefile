# Vårdvägen. `make run` starts everything; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Rasa through our entry point, which installs the patches first (rasa_addons/__main__.py).
RASA := $(PY) -m rasa_addons
SPACY_DIR := .build/spacy/sv_vardvagen
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONDONTWRITEBYTECODE := 1
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TQDM_DISABLE := 1

.PHONY: run production test venv spacy web chromium nginx train content-check content-check-dates-as-warnings lint-imports test-unit test-model test-production validate constraints clean

run: venv spacy web content-check-dates-as-warnings train
	$(PY) scripts/run_stack.py

# Production profile: 2 Rasa + 2 action servers behind nginx, PostgreSQL and
# Redis on this machine (docs/operations.md, "Production profile").
production: venv spacy web nginx content-check-dates-as-warnings train
	$(PY) scripts/run_production.py

test: venv spacy web chromium nginx content-check lint-imports test-unit validate train test-model test-production

venv: $(VENV)/.requirements-hash

$(VENV)/.requirements-hash: requirements.txt constraints.txt scripts/setup_venv.sh scripts/find_python310.sh
	scripts/setup_venv.sh

spacy: $(SPACY_DIR)/meta.json

$(SPACY_DIR)/meta.json: scripts/build_spacy_pipeline.py $(VENV)/.requirements-hash
	$(PY) scripts/build_spacy_pipeline.py $(SPACY_DIR)

# The web chat's npm packages (npm ci when package-lock.json changed) and
# bot/static/vendor/socket.io.min.js.
web:
	scripts/setup_web.sh

# Debian's Chromium for the browser tests (installed when missing), and a
# colour emoji font so that the buttons' icons show in its screenshots.
chromium:
	scripts/ensure_debian_package.sh /usr/bin/chromium chromium "the browser tests"
	scripts/ensure_debian_package.sh /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf fonts-noto-color-emoji "emoji in the browser tests' screenshots"

# Debian's nginx for the production profile (installed when missing).
nginx:
	scripts/ensure_debian_package.sh /usr/sbin/nginx nginx "the production profile"

# Fails on a track start or application deadline in the past, and warns about
# facts not checked within the review interval (docs/content.md).
content-check:
	$(PY) -m core.content

# For starting the service: a passed date is reported, and the bot hides it.
content-check-dates-as-warnings:
	$(PY) -m core.content --dates-as-warnings

# Package boundaries (.importlinter, docs/architecture.md).
lint-imports:
	$(VENV)/bin/lint-imports --no-cache

train:
	$(PY) scripts/model.py train

test-unit:
	$(PY) -m pytest -s tests/unit

validate:
	$(RASA) data validate --fail-on-warnings --domain domain.yml --data data --config config.yml

test-model:
	$(PY) -m pytest -s tests/model

# The production profile against this machine's PostgreSQL and Redis.
test-production:
	$(PY) -m pytest -s tests/production

# Re-pin every package after changing requirements.txt.
constraints:
	(echo "# Full pinned set, made with 'make constraints' (pip freeze of the project venv)."; \
	 $(VENV)/bin/pip freeze --exclude-editable | sort -f) > constraints.txt

clean:
	rm -rf .build models results var node_modules bot/static/vendor
