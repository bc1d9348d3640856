# medtap: the two commands a newcomer needs are `make demo` and `make test`. Both install what is
# missing from deps/debian.txt first (apt-get; as root, or through sudo), then build.
#
#   make deps    install the Debian packages in deps/debian.txt that are missing
#   make build   configure and build (build/), RelWithDebInfo
#   make test    unit, split-buffer, golden and end-to-end tests (ctest) and the format check
#   make demo    simulate a 24-bed ward with the Contec backdoor, analyze it, print the summary
#   make fuzz    build the libFuzzer targets with clang and run each for FUZZ_SECONDS
#   make bench   throughput against tshark, ndpiReader and tcpdump (bench/throughput.sh)
#   make bench-analyzers   each protocol analyzer on its own (Google Benchmark, build-bench/)
#   make lint    clang-format check and clang-tidy over src/

BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
BENCH_BUILD ?= build-bench
BENCH_ARGS ?=
JOBS       ?= $(shell nproc)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CMAKE_FLAGS ?=

.PHONY: all deps build test demo fuzz bench bench-analyzers lint format format-check clean

all: build

deps:
	@missing=$$(grep -v '^\s*#' deps/debian.txt | grep -v '^\s*$$' | while read -r p; do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build format-check
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	./demo/run.sh $(BUILD)/medtap

fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DMEDTAP_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./tests/fuzz/run.sh $(FUZZ_BUILD)/tests/fuzz $(FUZZ_SECONDS)

bench: build
	./bench/throughput.sh

# Built like the medtap binary (RelWithDebInfo) in its own folder, without the unit tests; extra
# Google Benchmark flags in BENCH_ARGS (e.g. BENCH_ARGS=--benchmark_filter=Hl7).
bench-analyzers: deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DMEDTAP_BENCH=ON -DMEDTAP_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target analyzers_bench
	$(BENCH_BUILD)/bench/analyzers_bench $(BENCH_ARGS)

SOURCES = $(shell git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 2>/dev/null)

format:
	clang-format -i $(SOURCES)

format-check:
	@clang-format --dry-run -Werror $(SOURCES) && echo "format-check: $(words $(SOURCES)) files clean"

lint: format-check build
	run-clang-tidy-14 -quiet -p $(BUILD) -j $(JOBS) '$(CURDIR)/src/.*\.cc' > $(BUILD)/clang-tidy.log 2>&1; \
	  grep -E 'warning:|error:' $(BUILD)/clang-tidy.log | sort -u | head -50; \
	  ! grep -qE 'error:' $(BUILD)/clang-tidy.log

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
