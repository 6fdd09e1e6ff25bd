# The two commands of a fresh machine: `make run` and `make test`.
# An unpinned torch pulls a multi-GB CUDA build, so the CPU wheel is installed first;
# override with e.g. `make test TORCH_SPEC="torch==2.14.1"`.
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
PYTEST_ARGS ?=
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install index run test test-quick bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

install: $(INSTALLED)

# A fresh clone has the committed vectors; only the 90 MB ONNX query encoder (not in git) is exported.
index: install
	@test -f index/manifest.json || $(BIN)/clonus-qa build
	@test -f index/query_encoder.onnx || $(BIN)/clonus-qa build --encoder-only

run: index
	$(BIN)/python app.py

test: index
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-quick: install
	$(BIN)/python -m pytest -m "not model and not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,bench]"
	$(BIN)/python benchmarks/latency.py --quick

clean:
	rm -rf $(VENV) .pytest_cache artifacts
