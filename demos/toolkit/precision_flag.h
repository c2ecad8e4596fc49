// The --precision flag of every program that trains (plumbing; a first reading can skip it).
//
//   add_precision_flag(cli);                 // declares --precision f64|f32 (default f64)
//   config.precision = precision_flag(cli);  // nn/precision.h
//
// Where the choice is recorded (docs/precision.md#how-to-choose):
//   * the manifest's "precision" field (demos/toolkit/manifest.h), always;
//   * the run files' settings key (demos/toolkit/run_settings.h) and a `precision` column of every run
//     file and results.csv, when it is f32.  A float64 run keeps the key and the columns of every file
//     computed before the flag existed, so the committed float64 records stay valid; a float32 run
//     resuming into a float64 folder is refused, naming --precision.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "demos/toolkit/cli.h"
#include "nn/precision.h"

namespace rl {

constexpr const char* kPrecisionFlag = "precision";

void add_precision_flag(Cli& cli);
// The parsed --precision (kF64 when the program declares no such flag).
Precision precision_flag(const Cli& cli);
// {{"precision", "f32"}} for a float32 run, {} otherwise: the columns run_sweep appends to every run file.
std::vector<std::pair<std::string, std::string>> precision_columns(const Cli& cli);

}  // namespace rl
