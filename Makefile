# Two commands on a fresh machine (only python3 and make needed):
#   make reports   build every report into reports/
#   make test      run the test suite
# Both create .venv and install the project into it first when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: reports test lab install clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

reports: $(STAMP)
	$(BIN)/econsec build

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf reports/*.html reports/*.pdf reports/*.ipynb reports/_* $(VENV)
