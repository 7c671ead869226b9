# Roomcast developer tasks. GNU make. `make` (or `make help`) lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV       := .venv
VENV_BIN   := $(VENV)/bin
VENV_PY    := $(VENV_BIN)/python
STAMP      := $(VENV)/.roomcast-installed
EXTRAS     := desktop,redis,self-signed,test,fast

ARGS        ?=
PYTEST_ARGS ?=

# Hand an interpreter given as `make PYTHON=...` to scripts/find-python.
ifdef PYTHON
export PYTHON
endif

# A .venv whose python no longer runs (say its base interpreter was removed) or is
# outside 3.11-3.13 is rebuilt even though the stamp looks fresh.
VENV_OK := $(shell $(VENV_PY) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1 && echo yes)

.PHONY: help venv .venv run server lint format test clean distclean bench bench-scale-out dist screenshot i18n \
        system-deps-qt system-deps-test typecheck-tree wheel FORCE

help:
	@echo "Roomcast make targets:"
	@echo "  make run          start the desktop app (.venv/bin/roomcast \$$ARGS)"
	@echo "  make server       start a room server (.venv/bin/roomcast-server \$$ARGS)"
	@echo "  make test         lint, then run pytest offscreen (PYTEST_ARGS=... to narrow)"
	@echo "  make lint         ruff check, ruff format --check, translations, mypy, import contracts"
	@echo "  make format       ruff check --fix, ruff format"
	@echo "  make venv         create .venv and install .[$(EXTRAS)] (PYTHON=... to choose)"
	@echo "  make wheel        build/wheel/: the sdist and the wheel, checked with twine"
	@echo "  make clean        remove build/, dist/ and caches (keeps .venv)"
	@echo "  make distclean    clean, and remove .venv too"
	@echo "  make bench        benchmarks: the server vs Node.js ws, the window, the find bar (ARGS=--full)"
	@echo "  make bench-scale-out  one roomcast-server node against two sharing rooms via Redis"
	@echo "  make bench-abuse  1,000 abusive connections vs 100 honest clients, 60 s (ARGS=--quick: 15 s)"
	@echo "  make dist         dist/Roomcast/ bundle (PyInstaller) and, on Debian, the .deb"
	@echo "  make screenshot   the window after a short conversation, under Xvfb"
	@echo "Missing Debian packages are installed when run as root; otherwise the"
	@echo "apt-get line to run is printed."

# ---- virtualenv ---------------------------------------------------------------

venv .venv: $(STAMP)
	@:

ifneq ($(VENV_OK),yes)
$(STAMP): FORCE
endif

$(STAMP): pyproject.toml scripts/find-python
	@if [[ "$(VENV_OK)" != yes && -e $(VENV) ]]; then \
	    echo "==> $(VENV) is broken or has an unsupported Python; recreating it"; \
	    rm -rf $(VENV); \
	fi
	@if [[ ! -x $(VENV_PY) ]]; then \
	    py=$$(scripts/find-python); \
	    echo "==> creating $(VENV) with $$py ($$("$$py" -c 'import platform; print(platform.python_version())'))"; \
	    "$$py" -m venv $(VENV); \
	fi
	@echo "==> upgrading pip"
	@$(VENV_PY) -m pip install --quiet --upgrade pip
	@echo "==> installing roomcast in editable mode with extras [$(EXTRAS)]"
	@$(VENV_PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $@

FORCE:

# ---- running ------------------------------------------------------------------

system-deps-test:
	@scripts/system-deps qt node desktop redis nginx chromium

system-deps-qt:
	@scripts/system-deps qt

run: system-deps-qt venv i18n
	@$(VENV_BIN)/roomcast $(ARGS)

# Compiled translations (resources/i18n/*.qm) from the .ts catalogues.
i18n: venv
	@$(VENV_PY) scripts/i18n.py build

server: venv
	@$(VENV_BIN)/roomcast-server $(ARGS)

# ---- checks -------------------------------------------------------------------

lint: venv
	@echo "==> ruff check"
	@$(VENV_BIN)/ruff check .
	@echo "==> ruff format --check"
	@$(VENV_BIN)/ruff format --check .
	@echo "==> translations up to date"
	@$(VENV_PY) scripts/i18n.py check
	@echo "==> mypy"
	@$(MAKE) --no-print-directory typecheck-tree
	@$(VENV_BIN)/mypy
	@echo "==> import contracts"
	@$(VENV_BIN)/lint-imports --no-cache

# mypy cannot follow setuptools' editable import hook: it reads the namespace
# roomcast.server / roomcast.desktop through links to the folders.
typecheck-tree:
	@mkdir -p build/typecheck/roomcast
	@ln -sfn ../../../server build/typecheck/roomcast/server
	@ln -sfn ../../../desktop build/typecheck/roomcast/desktop

# The sdist and the wheel (build/wheel/), with the translations compiled first.
wheel: venv i18n
	@rm -rf build/wheel && $(VENV_PY) -m build --outdir build/wheel .
	@$(VENV_BIN)/twine check --strict build/wheel/*

format: venv
	@$(VENV_BIN)/ruff check --fix .
	@$(VENV_BIN)/ruff format .

# pytest exits 5 when it collected no tests; that is a failure here, not a pass.
test: system-deps-test venv lint i18n
	@echo "==> pytest $(PYTEST_ARGS)"
	@rc=0; QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [[ $$rc -eq 5 ]]; then \
	    echo "make test: pytest collected no tests (exit 5); treating that as a failure" >&2; \
	fi; \
	exit $$rc

# ---- cleaning -----------------------------------------------------------------

clean:
	@rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
	@find . -path ./$(VENV) -prune -o -path ./.git -prune -o \
	    \( -name '*.egg-info' -o -name __pycache__ \) -type d -prune -exec rm -rf {} +
	@echo "==> removed build/, dist/ and caches (kept $(VENV); make distclean removes it)"

distclean: clean
	@rm -rf $(VENV)
	@echo "==> removed $(VENV)"

# ---- not yet ------------------------------------------------------------------

# The room server against the classic Node.js ws broadcast server (bench/servers.py,
# docs/benchmarks.md; quick by default, ARGS=--full for the full run, or any of its
# flags), then the window's figures (ingest, memory, stalls; --quick unless --full).
bench: system-deps-qt venv
	@scripts/system-deps node
	@$(VENV_PY) -m bench.servers $(ARGS)
	@desk=--quick; if [[ " $(ARGS) " == *" --full "* ]]; then desk=; fi; \
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m bench.desktop_ingest $$desk
	@QT_QPA_PLATFORM=offscreen $(VENV_PY) -m bench.desktop_filter

# Shared rooms through Redis: one node against two under the same load
# (bench/scale_out.py, docs/scale-out.md; ARGS=--rounds 3 for medians of three).
bench-scale-out: venv
	@scripts/system-deps node redis
	@$(VENV_PY) -m bench.scale_out $(ARGS)

# 1,000 abusive connections of nine kinds against 100 honest chatting clients for 60 s:
# server RSS, honest p99, messages lost (bench/abuse.py, docs/benchmarks.md; ARGS=--quick: 15 s).
.PHONY: bench-abuse
bench-abuse: venv
	@$(VENV_PY) -m bench.abuse $(ARGS)

# The double-click bundle dist/Roomcast/ (PyInstaller, packaging/roomcast.spec; on
# macOS also dist/Roomcast.app) and, on Debian/Ubuntu, dist/roomcast_<version>_<arch>.deb
# (packaging/build_deb.py). docs/packaging.md has the details and the other installers.
dist: venv i18n
	@start=$$SECONDS; \
	deb=no; \
	if [[ "$$(uname -s)" == Linux ]] && command -v dpkg-deb >/dev/null 2>&1; then deb=yes; fi; \
	if [[ $$deb == yes ]]; then scripts/system-deps desktop; fi; \
	echo "==> installing roomcast with extras [dist] (PyInstaller)"; \
	$(VENV_PY) -m pip install --quiet -e '.[dist]'; \
	echo "==> pyinstaller packaging/roomcast.spec"; \
	rm -rf dist/Roomcast dist/Roomcast.app; \
	$(VENV_BIN)/pyinstaller --noconfirm --clean --log-level WARN packaging/roomcast.spec \
	    --distpath dist --workpath build/pyinstaller; \
	if [[ $$deb == yes ]]; then \
	    echo "==> packaging/build_deb.py"; \
	    rm -f dist/roomcast_*.deb; \
	    $(VENV_PY) packaging/build_deb.py; \
	    desktop-file-validate build/deb/roomcast_*/usr/share/applications/roomcast.desktop; \
	fi; \
	echo "==> sizes"; \
	du -sh dist/Roomcast $$(ls -d dist/Roomcast.app 2>/dev/null); \
	if [[ $$deb == yes ]]; then ls -lh dist/roomcast_*.deb | awk '{print $$5 "\t" $$9}'; fi; \
	echo "==> make dist took $$((SECONDS - start)) s"

# A real window under Xvfb after a short conversation: docs/screenshots/conversation.png
screenshot: venv
	@scripts/system-deps qt xvfb
	@QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" $(VENV_PY) scripts/screenshot.py
