# Vårdvägen. `make run` starts everything; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
SPACY_DIR := .build/spacy/sv_vardvagen
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONDONTWRITEBYTECODE := 1
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TQDM_DISABLE := 1

.PHONY: run test venv spacy web chromium train content-check test-unit test-model validate constraints clean

run: venv spacy web content-check train
	$(PY) scripts/run_stack.py

test: venv spacy web chromium content-check test-unit validate train test-model

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

# Debian's Chromium for the browser tests (installed when missing).
chromium:
	scripts/ensure_chromium.sh

content-check:
	$(PY) -m bot.content

train:
	$(PY) scripts/model.py train

test-unit:
	$(PY) -m pytest -s tests/unit

validate:
	$(RASA) data validate --fail-on-warnings --domain domain.yml --data data --config config.yml

test-model:
	$(PY) -m pytest -s tests/model

# Re-pin every package after changing requirements.txt.
constraints:
	(echo "# Full pinned set, made with 'make constraints' (pip freeze of the project venv)."; \
	 $(VENV)/bin/pip freeze --exclude-editable | sort -f) > constraints.txt

clean:
	rm -rf .build models results var node_modules bot/static/vendor
