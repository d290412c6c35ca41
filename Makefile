# tarn: the two commands that matter are `make demo` and `make test` (see README.md).
# Each installs what it needs (Debian packages, npm test tools), configures, builds and runs.

JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps deps-build build demo test test-unit fuzz bench format lint clean

all: build

deps:
	@scripts/install-deps.sh

deps-build:
	@scripts/install-deps.sh --build-only

# The release build leaves the test suites out: `make demo` installs only what building needs.
build: deps-build
	@cmake --preset release -DTARN_BUILD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Builds the release binary and runs the demo on embedded defaults (local folder + SQLite).
demo: build
	@scripts/demo.sh build/release/src/cli/tarn

# The whole suite under ASan + UBSan, warnings as errors, after a bounded run of the fuzzers
# (first, so that ctest's summary is the last thing printed).
FUZZ_SECONDS ?= 30
test: deps
	@TARN_WERROR=ON cmake --preset asan $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ_SECONDS)
	@build/asan/bench/parquet_bench --rows 20000 --dir build/asan/bench-smoke | tail -n 1
	@build/asan/bench/iceberg_bench --rows 100000 --files 200 --manifests 20 --dir build/asan/bench-smoke/iceberg | tail -n 1
	@build/asan/bench/ingest_bench --rows 20000 --dir build/asan/bench-smoke/ingest | tail -n 1
	@ctest --preset asan

# Benchmarks against their peers, with ratios (release build; 10 million rows, about two minutes).
BENCH_ROWS ?= 10000000
bench: deps build
	@build/release/bench/parquet_bench --rows $(BENCH_ROWS) --dir build/release/bench-data
	@build/release/bench/iceberg_bench --rows $(BENCH_ROWS) --dir build/release/bench-data/iceberg
	@build/release/bench/ingest_bench --rows $(BENCH_ROWS) --dir build/release/bench-data/ingest

# A longer fuzzing session: make fuzz FUZZ_SECONDS=600
fuzz: deps
	@cmake --preset asan >/dev/null && cmake --build --preset asan -j $(JOBS) --target tarn
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# Only the fast tests (no PostgreSQL or S3 server).
test-unit: deps
	@TARN_WERROR=ON cmake --preset asan $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -L unit

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

lint: deps
	@cmake --preset debug >/dev/null
	@git ls-files 'src/*.cc' | xargs -P $(JOBS) -n 4 clang-tidy -p build/debug --quiet

clean:
	rm -rf build
