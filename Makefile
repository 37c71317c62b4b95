# The two commands of the README:
#   make run    set up, build, and run examples/quickstart.toml
#   make test   set up, build, and run every test (plus the sanitizer build)
# Other targets: setup, build, asan, install, third-party, clean.

BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= $(CURDIR)/build-install
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

CONFIGURE = cmake -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_PREFIX_PATH="$$(bash scripts/setup.sh --print-torch-prefix)" $(CMAKE_ARGS)

.PHONY: setup build run test asan install third-party clean

setup:
	@bash scripts/setup.sh

build: setup
	@test -f $(BUILD)/build.ninja || $(CONFIGURE) -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/dshost run examples/quickstart.toml

# Unit, golden, ABI and end-to-end tests; then the ABI tests again under
# AddressSanitizer + UBSan; then the out-of-tree plugin against the installed SDK.
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory asan
	$(MAKE) --no-print-directory third-party

asan: setup
	@test -f $(ASAN_BUILD)/build.ninja || $(CONFIGURE) -S . -B $(ASAN_BUILD) -DDSFORGE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:detect_odr_violation=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/support/lsan.supp:print_suppressions=0 \
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -L "abi|unit" -j $(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX) > /dev/null

third-party: install
	bash examples/third_party_plugin/build_and_run.sh $(PREFIX) $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(PREFIX)
