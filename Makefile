# The README's two commands: `make demo` and `make test`. Thin wrappers over CMake and ctest;
# both install missing Debian packages first (deps/install.sh: apt-get as root, a message otherwise).
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
BENCH_BUILD ?= build-bench
# make bench: runs of each side per row (bench/run_all --repeat); BENCH_ARGS e.g. --only emit-kfp, --quick.
BENCH_REPEAT ?= 3
BENCH_ARGS ?=
# make fuzz: seconds per target (FUZZ_TARGETS: all when empty); make fuzz-smoke: a few each.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_TARGETS ?=
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
ifdef CI
  CMAKE_ARGS += -DCTP_WERROR=ON
endif
CTP = $(BUILD)/ctp
# Package groups of deps/packages.txt that `make build` installs (the Dockerfiles take `build`).
DEPS_GROUPS ?= build test
# Cached objects depend neither on the build folder's path nor on the checkout's, so the
# embedding test's second build of ctp (tests/embed) and a build in another clone (.ci/run) are
# served from the cache.
export CCACHE_NOHASHDIR := 1
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all demo test test-asan fuzz fuzz-smoke fuzz-build bench build deps python-deps install clean

all: build

deps:
	@deps/install.sh $(DEPS_GROUPS)

# Test-time peers and validators from PyPI (never a runtime dependency). Best effort: the tests
# that need them say SKIPPED when they are missing.
python-deps:
	@python3 -c "import kfp.pipeline_spec, kfp.kubernetes, kfp.components, celpy" 2>/dev/null || \
	  python3 -m pip install -q -r deps/python-test-requirements.txt 2>/dev/null || \
	  python3 -m pip install -q --break-system-packages -r deps/python-test-requirements.txt 2>/dev/null || \
	  echo "warning: could not install deps/python-test-requirements.txt; KFP validation and CEL checks will be skipped"

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build python-deps
	cd $(BUILD) && ctest --output-on-failure

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (CPU kernels only).
test-asan: deps python-deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCTP_SANITIZE=ON -DCTP_CUDA=OFF -DCTP_BUILD_BENCH=OFF \
	  -DCMAKE_BUILD_TYPE=Debug $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure

# libFuzzer targets (tests/fuzz, docs/fuzzing.md), built with Clang, ASan and UBSan in their own
# folder. `make fuzz` runs each for FUZZ_SECONDS and keeps crashers in $(FUZZ_BUILD)/fuzz/crashes;
# `make fuzz-smoke` (CI) replays tests/fuzz/regressions and fuzzes each target briefly.
fuzz-build:
	@deps/install.sh build fuzz
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCTP_FUZZ=ON -DCTP_CUDA=OFF \
	  -DCTP_BUILD_TESTS=OFF -DCTP_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug $(CMAKE_ARGS)
	cmake --build $(FUZZ_BUILD) --target ctp_fuzzers -j $(JOBS)

fuzz: fuzz-build
	tests/fuzz/run_fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	tests/fuzz/run_fuzzers.sh --smoke $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# README's benchmark table, reproduced: a Release build in its own folder (CPU kernels only: every
# row measures the CPU), then every row's ctp side and peer side interleaved (docs/benchmarks.md,
# "make bench"). Prints the machine, the load and a Markdown table; also in $(BENCH_BUILD)/bench-report.md.
bench: deps python-deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTP_BUILD_TESTS=OFF \
	  -DCTP_CUDA=OFF $(CMAKE_ARGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target ctp_cli ctp_runner_bench
	bench/run_all --build $(BENCH_BUILD) --repeat $(BENCH_REPEAT) $(BENCH_ARGS)

# The continuous-training demo: scripts/train.lua on the bundled slides (scripts/data), run on
# this machine. The data volume is $(DEMO_WORKDIR)/volumes/wsi-data; a second `make demo` tiles
# nothing new, warm-starts from the deployed model and decides again.
DEMO_WORKDIR ?= .ctp-demo
demo: build
	@mkdir -p $(DEMO_WORKDIR)/volumes/wsi-data
	@cp -rn scripts/data/slide scripts/data/region-annotation $(DEMO_WORKDIR)/volumes/wsi-data/
	$(CTP) run scripts/train.lua --workdir $(DEMO_WORKDIR)
	@$(CTP) runs show latest --workdir $(DEMO_WORKDIR)
	@$(CTP) report latest --workdir $(DEMO_WORKDIR)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD)
