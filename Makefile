# Two commands run the course: `make lab` opens the lessons, `make test` runs every test.
# Both create the virtual environment in .venv on first use (python3 -m venv + pip).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
ROOT_OK := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
LAB_ARGS ?=
# pytest-xdist: one worker per core; a notebook's cells stay on one worker (--dist loadfile).
# PARALLEL= runs everything in one process.
PARALLEL ?= -n auto
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab lab-zh test demo doctor notebooks notebook likeness clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[lab,test]"
	touch $(STAMP)

lab: $(STAMP) $(LAB_SETTINGS)  ## open the lessons in JupyterLab, at lesson 00
	PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" $(BIN)/jupyter lab $(ROOT_OK) \
	  --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks/00_setup.ipynb $(LAB_ARGS)

lab-zh: $(STAMP) $(LAB_SETTINGS)  ## 打开中文版课程（第 00 课）: the Chinese edition, with the kit speaking Chinese
	KIT_LANG=zh PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" $(BIN)/jupyter lab $(ROOT_OK) \
	  --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks/zh/00_setup.ipynb $(LAB_ARGS)

# JupyterLab's news pop-up asks a question over the lesson on first start: answer it once, for this venv.
$(LAB_SETTINGS): $(STAMP)
	mkdir -p $(dir $@)
	printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

test: $(STAMP)  ## unit and integration tests, then every notebook against its committed outputs
	$(BIN)/python -m pytest $(PARALLEL) tests
	$(BIN)/python -m pytest $(PARALLEL) --dist loadfile $(NBVAL) notebooks solutions
	$(BIN)/python -m pytest $(PARALLEL) --dist loadfile --nbval-lax --nbval-current-env exercises

demo: $(STAMP)  ## the terminal tour
	$(BIN)/kit demo

doctor: $(STAMP)  ## which model is configured, and does it answer
	$(BIN)/kit doctor

likeness: $(STAMP)  ## retrain the practice reader's likeness, stance and decision models on the corpus's dev split (installs the train extra; some minutes)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[train]"
	$(BIN)/python -m kit.practice.likeness
	$(BIN)/python -m kit.practice.stance
	$(BIN)/python -m kit.practice.decision

clean-venv:
	rm -rf $(VENV)

notebooks: $(STAMP)  ## rebuild the Chinese editions, re-execute lessons and solutions on the practice model, rebuild the exercises
	$(BIN)/kit editions build
	for nb in notebooks/*.ipynb notebooks/zh/*.ipynb solutions/*.ipynb solutions/zh/*.ipynb; do \
	  (cd $$(dirname $$nb) && KIT_MODEL=practice KIT_CACHE=off KIT_DATA_DIR=$$(mktemp -d) \
	   $(CURDIR)/$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False \
	   $$(basename $$nb)) || exit 1; done
	$(BIN)/kit exercises build

notebook: $(STAMP)  ## re-execute one notebook in place on the practice model: make notebook NB=notebooks/01_first_prompt.ipynb
	cd $$(dirname $(NB)) && KIT_MODEL=practice KIT_CACHE=off KIT_DATA_DIR=$$(mktemp -d) \
	  $(CURDIR)/$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False \
	  $$(basename $(NB))
