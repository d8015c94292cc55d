# bookbuild: `make epub` and `make test` are all a new machine needs.
# The first call creates .venv and installs the project with what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BOOK   ?= .
OUT    ?=
OUTARG := $(if $(OUT),--out $(OUT),)

.PHONY: all epub pdf cover check ace proof designs test bench clean libreoffice

all: epub

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall whenever the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@echo "installed: $(BIN)/bookbuild (. $(BIN)/activate puts it on your PATH)" >&2
	touch $@

$(VENV)/.installed-proof: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,proof]'
	touch $@

epub: $(VENV)/.installed
	$(BIN)/bookbuild build $(BOOK) --format epub $(OUTARG)

# The print interior build/<slug>.pdf and its cover wrap build/<slug>-cover.pdf.
pdf: $(VENV)/.installed
	$(BIN)/bookbuild build $(BOOK) --format pdf $(OUTARG)
	$(BIN)/bookbuild build $(BOOK) --format cover $(OUTARG)

# Kobo and Kindle editions, device renderings and print spreads in build/proof/.
# ARGS=--serve serves build/ to an e-reader's browser; ARGS="--device /media/KOBOeReader" sideloads.
proof: $(VENV)/.installed-proof $(READER)
	$(BIN)/bookbuild proof $(BOOK) $(OUTARG) $(ARGS)

# The book's first chapter in every design, print and e-reader, on one sheet.
designs: $(VENV)/.installed-proof
	$(BIN)/bookbuild proof --designs $(BOOK) $(OUTARG)

# DAISY Ace for `bookbuild check --ace`, installed on first use into tools/ace/ (pinned by its
# package-lock.json). Puppeteer's own browser download is skipped: Ace drives the system's
# Chromium, which is installed here when missing and we are root (as in CI).
ACE_DIR := tools/ace
ACE     := $(ACE_DIR)/node_modules/.bin/ace-cli

# apt waits up to ten minutes for a lock another install holds, and a failure says its cause.
APT := apt-get -o DPkg::Lock::Timeout=600 -q

# Chromium for Ace and the browser proof: installed with apt when missing and we are root.
define need_chromium
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "$(1) needs Chromium, and installing it needs root:" \
	         "sudo apt-get install chromium, then make again" >&2; exit 1; fi; \
	  echo "installing Chromium for $(1) with apt (about 400 MB, once)" >&2; \
	  $(APT) update && $(APT) install -y chromium || \
	    { echo "$(1) needs Chromium: apt-get could not install it (its message is" \
	           "above); install it and make again" >&2; exit 1; }; \
	fi
	@command -v npm >/dev/null || \
	  { echo "$(1) comes from npm: install Node.js 18+ with npm, then make again" >&2; exit 1; }
endef

$(ACE): $(ACE_DIR)/package.json $(ACE_DIR)/package-lock.json
	$(call need_chromium,DAISY Ace)
	@echo "installing DAISY Ace from npm into $(ACE_DIR)/ (once)" >&2
	cd $(ACE_DIR) && PUPPETEER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser proof's reader: epub.js and puppeteer-core, pinned by tools/reader's lock file.
READER_DIR := tools/reader
READER     := $(READER_DIR)/node_modules/.installed

$(READER): $(READER_DIR)/package.json $(READER_DIR)/package-lock.json
	$(call need_chromium,the browser proof)
	@echo "installing the browser proof's reader (epub.js) from npm into $(READER_DIR)/ (once)" >&2
	cd $(READER_DIR) && PUPPETEER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund --loglevel=error
	touch $@

ace: $(ACE)

# The whole preflight of BOOK: manuscript lint, then its EPUB and PDF built and checked with
# our rules, EPUBCheck and DAISY Ace. ARGS="--format json" for CI, ARGS=--strict for warnings.
check: $(VENV)/.installed $(ACE)
	$(BIN)/bookbuild check $(BOOK) --ace $(ARGS)

# The import tests have LibreOffice save the Word and OpenDocument files they import, as an
# author's word processor would: Debian's writer without its GUI (about 260 MB, once).
libreoffice:
	@if ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "the import tests need LibreOffice, and installing it needs root:" \
	         "sudo apt-get install libreoffice-writer-nogui, then make again" >&2; exit 1; fi; \
	  echo "installing LibreOffice Writer for the import tests with apt (about 260 MB, once)" >&2; \
	  $(APT) update && $(APT) install -y --no-install-recommends libreoffice-writer-nogui || \
	    { echo "the import tests need LibreOffice: apt-get could not install it (its" \
	           "message is above); install it and make again" >&2; exit 1; }; \
	fi

# The suite runs EPUBCheck (Java 17), DAISY Ace, the browser proof and LibreOffice, so they are
# installed first.
test: $(VENV)/.installed-proof $(ACE) $(READER) libreoffice
	BOOKBUILD_ALL_EXTRAS=1 $(BIN)/python -m pytest -q

# Speed and memory against pandoc and Typst on a generated 1,000,000-word book (see README).
bench: $(VENV)/.installed-proof
	$(BIN)/python bench/run.py

clean:
	rm -rf build tests/.tmp
