// The measures over training (docs/paper.md#measures, item 8: "track every measure over training
// time"): one wide CSV per run, `step, <measure>, ...` (one row per logged step, columns in order of
// first appearance), next to the run's result file so that resume and --shard keep it with the run;
// and one figure of mean curves over seeds.  Shared by every figure program that takes --log-every.
//
//   write_measure_log(result.log, measure_log_path(runs_dir, spec));                      // per run
//   plot_evolution(runs, runs_dir, row_of, line_of, out + "/fig_evolution.svg", title);  // after merge
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "demos/toolkit/run_spec.h"
#include "nn/recorder.h"

namespace rl {

// Writes the recorder's table atomically: "step" then one column per measure.
void write_measure_log(const Recorder& log, const std::string& path);

// The path write_measure_log is given for `spec` in `runs_dir`.
std::string measure_log_path(const std::string& runs_dir, const RunSpec& spec);

// One row of panels per distinct row_of(run), one panel per logged measure, one line per distinct
// line_of(run) (mean +- sd over the runs that share both keys: the seeds).  Rows and lines keep the
// order in which they first appear in `runs` (sweep order: ascending ranks stay ascending).  Writes
// nothing and returns false when some run has no log (logging was off).
bool plot_evolution(const std::vector<RunSpec>& runs, const std::string& runs_dir,
                    const std::function<std::string(const RunSpec&)>& row_of,
                    const std::function<std::string(const RunSpec&)>& line_of, const std::string& path,
                    const std::string& title);

}  // namespace rl
