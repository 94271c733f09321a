# The targets README.md names. `make test` and `make demo` install everything they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# llama.cpp is compiled by pip; without native CPU flags the cached wheel also runs on other CPUs of this kind.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export HF_HUB_OFFLINE := 1
export ORT_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export TRANSFORMERS_VERBOSITY := error
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_DISABLE_TELEMETRY := 1

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
CHROMIUM := /usr/bin/chromium
# Generated model code runs only inside bubblewrap (OS isolation); without it lamopt refuses to run such code.
BWRAP := /usr/bin/bwrap

.PHONY: install test test-unit demo chat lint clean

install: $(STAMP) $(BWRAP)

$(BWRAP):
	command -v bwrap >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y bubblewrap)

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e ".[llm,ui,ray,dev]"
	touch $(STAMP)

$(CHROMIUM):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

test: install $(CHROMIUM)
	$(BIN)/python -m pytest -q -ra

test-unit: install $(CHROMIUM)
	$(BIN)/python -m pytest -q -ra -m "not integration"

demo: install
	$(BIN)/lamopt solve @examples/leo_placement.txt --yes

chat: install
	$(BIN)/lamopt chat

lint: install
	$(BIN)/ruff check agents tools knowledge_base prompts lamopt tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache
