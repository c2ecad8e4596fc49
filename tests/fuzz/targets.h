// The fuzz targets: one per reader or builder (tests/fuzz/README.md).
//
// A target draws one input from its Rng (a mutated copy of a valid file, or hostile parameters),
// feeds it to the library and returns normally when the input was accepted.  A rejection must be a
// std::exception; an accepted result that breaks the reader's promise (a pixel count that differs
// from the header, a non-finite weight, ...) throws Violation, which the driver counts as a crash.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "linalg/rng.h"

namespace rl::fuzz {

struct Violation {  // deliberately not a std::exception
  std::string what;
};

// What the current input is, for the crash and hang reports (the driver saves it to a file).
struct CurrentInput {
  const char* target = "";
  std::string label;  // which file of the target (e.g. "edges_104.csv") or "params"
  std::string bytes;
};
CurrentInput& current_input();

struct Target {
  std::string name;
  std::function<void(Rng&)> run_one;
  double cost = 1.0;  // rough CPU ms per input under the sanitizers, to share targets among workers
};

// Every target; `work_dir` is a scratch folder for the data-directory targets (created and filled).
// To add one, write a function that mutates a valid input, calls the reader and checks its result,
// and append it in targets.cpp (run_merge_target is the shape for a multi-file reader).
std::vector<Target> make_targets(const std::string& work_dir);

}  // namespace rl::fuzz
