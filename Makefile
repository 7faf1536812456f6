# Logit: the two commands that matter are `make serve` and `make test` (see README.md).

SWIFT ?= swift
# Extra flags: `make serve ARGS="--port 9090 --no-train-on-first-run"`, `make test TEST_ARGS="--filter TrainerTests"`.
ARGS ?=
TEST_ARGS ?=
# The x86-64 level of the numeric code (see Package.swift): x86-64-v3 (AVX2 + FMA, the default), x86-64-v4 (plus
# AVX-512) or x86-64 (any x86-64 CPU). Exported, because SwiftPM reads it when it evaluates Package.swift.
LOGIT_MARCH ?= x86-64-v3
export LOGIT_MARCH

# Debian packages the build needs (C headers and pkg-config files), and those only the tests need: a real browser,
# Node for the page's JavaScript tests, Python for the end-to-end checks, curl, readelf/ldd for the Docker check,
# and PostgreSQL and nginx for the PostgreSQL backend's tests and the replicas check.
DEB_PACKAGES := libsqlite3-dev zlib1g-dev libhdf5-dev libpng-dev pkg-config
TEST_DEB_PACKAGES := chromium chromium-driver nodejs python3 python3-venv curl binutils postgresql nginx
# sudo only when not already root.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# The end-to-end checks' Python tools live in a virtual environment of Debian's python3, pinned by
# scripts/requirements.txt; nothing is installed into the system's Python.
PYTHON ?= /usr/bin/python3
VENV := .build/venv
VENV_READY := $(VENV)/.requirements-installed

.DEFAULT_GOAL := help
.PHONY: help deps test-deps install-debs build serve test test-tsan end-to-end fuzz fuzz-smoke bench clean

help:
	@echo "make serve   install missing system packages, build (release), serve http://127.0.0.1:8080 on the bundled MNIST"
	@echo "             extra flags of 'logit serve' go in ARGS, e.g. make serve ARGS=\"--port 9090\""
	@echo "make test    the whole test suite: swift test (extra flags in TEST_ARGS), then end-to-end checks of the"
	@echo "             binary: page JavaScript, h5py interop, ONNX export, tritonclient against /v2, command line,"
	@echo "             kill -9/SIGTERM, three replicas on PostgreSQL behind nginx, a real headless browser,"
	@echo "             Schemathesis against the OpenAPI document, the Dockerfile (build context, runtime packages),"
	@echo "             and a 30-second smoke of the fuzz targets."
	@echo "             swift test and the checks get a throwaway PostgreSQL (scripts/postgres-throwaway.sh, removed"
	@echo "             afterwards) in LOGIT_TEST_POSTGRES_URL, unless that names a server already"
	@echo "make test-tsan  store, job and concurrency tests under ThreadSanitizer"
	@echo "make build   release build of the logit executable (.build/release/logit)"
	@echo "make fuzz    the libFuzzer targets of Fuzz/, each for FUZZ_SECONDS (default 300) seconds (docs/reliability.md);"
	@echo "             make fuzz-smoke gives each 4 seconds (part of make test)"
	@echo "make bench   the benchmarks of docs/benchmarks.md: logit bench (in-process), then scripts/bench-http.sh (wrk)"
	@echo "make deps    install the missing Debian packages: $(DEB_PACKAGES)"
	@echo "make clean   remove .build (with the test tools' virtual environment), .build-tsan, .build-fuzz and var/ (the database)"
	@echo "LOGIT_MARCH=x86-64|x86-64-v3|x86-64-v4 chooses the CPU level of a build (default x86-64-v3: AVX2 + FMA)"

deps:
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(DEB_PACKAGES)"

test-deps: deps
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(TEST_DEB_PACKAGES)"
	@command -v node >/dev/null 2>&1 || { echo "test-deps: node is missing"; exit 1; }
	@$(MAKE) --no-print-directory $(VENV_READY)

$(VENV_READY): scripts/requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r scripts/requirements.txt
	touch $@

# Installs the missing ones of $(PACKAGES) with apt-get.
install-debs:
	@if ! command -v dpkg >/dev/null 2>&1; then \
		echo "no dpkg here (not Debian/Ubuntu): make sure these are installed: $(PACKAGES)"; \
		exit 0; \
	fi; \
	missing=""; \
	for package in $(PACKAGES); do \
		if [ "$$package" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi; \
		dpkg -s "$$package" >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product logit

serve: build
	.build/release/logit serve $(ARGS)

# Debug build; the numeric targets are compiled with -O by Package.swift, so training in tests stays fast.
# Then the end-to-end checks of the built binary (see end-to-end). Both get LOGIT_TEST_POSTGRES_URL
# (scripts/with-test-postgres.sh: a throwaway PostgreSQL cluster unless it names a server already).
test: test-deps
	bash scripts/with-test-postgres.sh sh -c '$(SWIFT) test $(TEST_ARGS) && $(MAKE) end-to-end'

# The page's JavaScript (Node's test runner); model.h5 files read with Python's h5py give the service's
# probabilities; every kind's model.onnx passes onnx.checker and ONNX Runtime gives the service's answers; the
# command line works as a user runs it; kill -9 (at random moments or at a named fault point) or SIGTERM loses
# nothing stored; the page works in a real headless Chromium (screenshot kept at $$LOGIT_SCREENSHOT, default
# /tmp/logit-page.png);
# Schemathesis finds no 5xx and no answer that breaks public/openapi.yaml; the Dockerfile's build context loads;
# and each fuzz target of Fuzz/ finds nothing in 4 seconds. Three replicas on one PostgreSQL behind nginx share
# jobs, models and events, and lose nothing to kill -9
# or a database restart (on a PostgreSQL cluster of their own: that check stops its server). The scripts' python3
# is the virtual environment's.
end-to-end: export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
end-to-end:
	$(SWIFT) build --product logit
	node --test tests/js/*.test.mjs
	python3 scripts/check_h5py_interop.py .build/debug/logit
	python3 scripts/check_tritonclient.py .build/debug/logit
	python3 scripts/check_onnx.py .build/debug/logit
	bash scripts/check_cli.sh .build/debug/logit
	python3 scripts/check_durability.py .build/debug/logit
	python3 scripts/check_graceful_stop.py .build/debug/logit
	python3 scripts/check_replicas.py .build/debug/logit
	python3 scripts/check_browser.py .build/debug/logit
	bash scripts/check_schemathesis.sh .build/debug/logit
	python3 scripts/check_dockerfile.py .build/debug/logit
	$(MAKE) --no-print-directory fuzz-smoke

# The libFuzzer targets of Fuzz/ (docs/reliability.md): a release build with AddressSanitizer in .build-fuzz, then each
# target for FUZZ_SECONDS seconds; fuzz-smoke (part of make test) gives each 4 seconds.
FUZZ_SECONDS ?= 300
fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke: deps
	FUZZ_SEED=1 bash scripts/fuzz.sh 4

# The store, job and concurrency tests under ThreadSanitizer (CI runs this too), the store's on PostgreSQL too.
# Its own build folder: a full instrumented build takes about 10 minutes on 2 cores.
test-tsan: deps
	@$(MAKE) --no-print-directory install-debs PACKAGES="postgresql"
	bash scripts/with-test-postgres.sh $(SWIFT) test --sanitize=thread --scratch-path .build-tsan \
		--filter "LogitStoreTests|JobQueueTests|ConcurrencyTests|TrainAndPredictTests|ReproducibilityTests|TrainingThreadsTests"

# Figures for docs/benchmarks.md (not part of make test: benchmarks are not tests).
bench: build
	.build/release/logit bench --repeat 15
	DURATION=10 bash scripts/bench-http.sh

clean:
	rm -rf .build .build-tsan .build-fuzz var
