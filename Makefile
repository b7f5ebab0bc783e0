# Two commands run the course: `make lab` opens the lessons, `make test` runs every test.
# Both create the virtual environment in .venv on first use (python3 -m venv + pip).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test demo doctor clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[lab,test]"
	touch $(STAMP)

lab: $(STAMP)  ## open the lessons in JupyterLab
	$(BIN)/jupyter lab notebooks/

test: $(STAMP)  ## unit and integration tests, then every notebook against its committed outputs
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest $(NBVAL) notebooks

demo: $(STAMP)  ## the terminal tour
	$(BIN)/kit demo

doctor: $(STAMP)  ## which model is configured, and does it answer
	$(BIN)/kit doctor

clean-venv:
	rm -rf $(VENV)
