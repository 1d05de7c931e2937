# Two commands on a fresh machine (only python3 and make needed):
#   make reports   build every report into reports/
#   make test      run the test suite
# Both create .venv and install the project into it first when needed.
#
# Continuous publication (.github/workflows/publish.yml runs exactly this, nothing else):
#   make publish-check   system tools, workflow lint, the whole suite, every report, then the
#                        real-browser and PDF checks of reports/; stages the site in build/site/

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: reports test lab install clean system-deps publish-check site

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# chromium and poppler-utils from apt when missing (root or passwordless sudo); otherwise a
# loud reason, and the browser/PDF tests skip (publish-check fails instead).
system-deps:
	@bash scripts/install-system-deps.sh

reports: $(STAMP)
	$(BIN)/econsec build

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2

# Everything a push to main must pass before its reports are published.
publish-check: $(STAMP)
	@bash scripts/install-system-deps.sh --require
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/publish.yml
	ECONSEC_REQUIRE_SYSTEM_DEPS=1 $(MAKE) --no-print-directory test
	$(MAKE) --no-print-directory reports
	ECONSEC_REQUIRE_SYSTEM_DEPS=1 ECONSEC_CHECK_REPORTS=reports \
	    $(BIN)/python -m pytest tests/e2e/test_browser.py tests/e2e/test_pdf.py tests/e2e/test_reader_text.py
	$(MAKE) --no-print-directory site

# The published site: reports/ without the build cache (screenshots of the checks included).
site:
	rm -rf build/site
	mkdir -p build/site
	cp -R reports/. build/site/
	rm -rf build/site/_cache build/site/_failed
	touch build/site/.nojekyll
	@test -f build/site/index.html || { echo "site: reports/index.html missing (make reports)" >&2; exit 1; }

# Charts draw offline (analysis.charts.offline); root (containers, CI images) needs --allow-root.
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

clean:
	rm -rf reports/*.html reports/*.pdf reports/*.ipynb reports/_* build/site $(VENV)
