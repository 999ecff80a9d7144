# The two commands a user needs are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
BUILD_DIR ?= build/release
TEST_BUILD_DIR ?= build/asan
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
JOBS ?= $(shell nproc)

.PHONY: all deps build build-test test check-packaging demo bench format format-check lint sample clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHLTWAP_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

build-test: deps
	@cmake -S . -B $(TEST_BUILD_DIR) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug -DHLTWAP_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_BUILD_DIR) -j $(JOBS)

# Every test, built with AddressSanitizer and UndefinedBehaviorSanitizer, against a real
# PostgreSQL (the local server, or a private cluster when none is reachable).
test: build-test format-check check-packaging
	@scripts/run_tests.sh $(TEST_BUILD_DIR)

# Lints the Dockerfile, the compose file, the workflow, the shell scripts and the systemd units,
# then checks that each linter still rejects its broken fixture in tests/packaging/.
check-packaging: deps
	@scripts/check_packaging.sh
	@scripts/check_packaging.sh --self-test

# Private PostgreSQL under .data/ unless DATABASE_URL is set; ingests the sample; serves the API.
demo: build
	@scripts/demo.sh $(BUILD_DIR)

bench: build
	@bench/run.sh $(BUILD_DIR)

# Regenerates the committed sample files (TWAP statuses and node fills) from their generator.
sample: build
	@$(BUILD_DIR)/make_sample_parquet tests/data/sample_twap.parquet
	@$(BUILD_DIR)/make_sample_parquet --fills tests/data/sample_fills.parquet

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror

lint: build-test
	@git ls-files 'src/*.cc' | xargs clang-tidy -p $(TEST_BUILD_DIR) --quiet

clean:
	@rm -rf build
