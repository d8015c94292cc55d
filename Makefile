# bookbuild: `make epub` and `make test` are all a new machine needs.
# The first call creates .venv and installs the project with what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BOOK   ?= .
OUT    ?=
OUTARG := $(if $(OUT),--out $(OUT),)

.PHONY: all epub pdf cover check proof test bench clean

all: epub

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall whenever the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(VENV)/.installed-proof: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,proof]'
	touch $@

epub: $(VENV)/.installed
	$(BIN)/bookbuild build $(BOOK) --format epub $(OUTARG)

test: $(VENV)/.installed-proof
	$(BIN)/python -m pytest -q

# Speed and memory against pandoc and Typst on a generated 1,000,000-word book (see README).
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf build tests/.tmp
