// Command line for every demo program: one convention, flags declared in one place.  The syntax and
// the bad inputs refused: docs/demos.md#the-common-flags.  parse() throws CliError with ONE line naming
// the flag; parse_or_exit() prints it on stderr and exits 2.  An undeclared flag or a getter of the
// wrong type is a programming error (std::logic_error).
//
//   rl::Cli cli("fig1_rank_sweep", "Fig. 1: weight change and alignment vs initial rank.");
//   rl::CommonFlags common;  common.ranks = {1, 30, 300};  cli.add_common(common);  // the shared flags
//   cli.add_double("lr", 1e-3, "learning rate", 0.0, 10.0);                         // its own
//   if (!cli.parse_or_exit(argc, argv)) return 0;                                    // --help: exit 0
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "demos/toolkit/shard.h"

namespace rl {

class CliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Defaults of the flags every program shares (see docs/demos.md): the ones most figure programs use,
// so a program changes only the fields it needs before calling Cli::add_common.
struct CommonFlags {
  std::int64_t seeds = 10;          // --seeds: number of repetitions: seeds seed, seed+1, ...
  std::vector<std::string> task_choices = {"2af", "dms", "cxt"};    // --task (default 2af): the Neurogym tasks
  std::vector<std::int64_t> ranks = {};  // --ranks: initial ranks; empty: the program's rule (rank_axis.h)
  std::int64_t iters = 1000;        // --iters: training iterations per run
  double gain = 1.25;               // --gain: initial connectivity gain g (docs/paper.md#initial-weights)
  std::int64_t log_every = 0;       // --log-every: iterations between log lines (0: never)
  std::string out;                  // --out: output folder; "" means out/<program>
  // Common flags this program has no use for (e.g. {"threads", "shard"} for a one-second serial
  // program): not declared, so giving one is an "unknown flag" usage error, never silently ignored.
  std::vector<std::string> omit;
};

class Cli {
 public:
  Cli(std::string program, std::string description);

  // Declarations.  `name` is the flag without dashes; min/max are inclusive.  A duplicate name
  // or a default outside [min, max] throws std::logic_error.
  void add_int(const std::string& name, std::int64_t def, const std::string& help,
               std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  void add_double(const std::string& name, double def, const std::string& help,
                  double min = -1.0e308, double max = 1.0e308);
  // `choices` empty: any string.
  void add_string(const std::string& name, const std::string& def, const std::string& help,
                  const std::vector<std::string>& choices = {});
  void add_int_list(const std::string& name, const std::vector<std::int64_t>& def, const std::string& help,
                    std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  void add_double_list(const std::string& name, const std::vector<double>& def, const std::string& help,
                       double min = -1.0e308, double max = 1.0e308);
  void add_string_list(const std::string& name, const std::vector<std::string>& def, const std::string& help,
                       const std::vector<std::string>& choices = {});
  void add_flag(const std::string& name, const std::string& help);  // boolean, default false
  // The shared flags: seed, seeds, task, ranks, iters, gain, threads, log-every, out, shard.
  void add_common(const CommonFlags& defaults = CommonFlags());

  // Parses argv[1..argc).  Returns false if --help was given (the caller prints help_text() and
  // exits 0), true otherwise.  Throws CliError (one line naming the flag) on any bad input.
  bool parse(int argc, const char* const* argv);
  bool parse(const std::vector<std::string>& args);  // args without the program name
  // parse(), then: on --help prints help_text() to stdout and returns false; on CliError prints
  // one line to stderr and calls std::exit(2).
  bool parse_or_exit(int argc, const char* const* argv);

  std::int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  const std::vector<std::int64_t>& get_int_list(const std::string& name) const;
  const std::vector<double>& get_double_list(const std::string& name) const;
  const std::vector<std::string>& get_string_list(const std::string& name) const;
  bool get_flag(const std::string& name) const;
  bool was_given(const std::string& name) const;  // set on the command line (not a default)
  bool has(const std::string& name) const;        // declared (a common flag may be omitted)

  // Derived values of the common flags (need add_common):
  std::vector<std::uint64_t> seed_list() const;  // seed, seed+1, ..., seed+seeds-1
  // --seed, after printing "<program>: seed <seed>" on stdout: every figure program prints its seed
  // first, so that a saved log always says how to rerun it.
  std::uint64_t announce_seed() const;
  int threads() const;                           // --threads, 0 resolved to the hardware cores
  std::string out_dir() const;                   // --out, default "out/<program>"
  Shard shard() const;                           // --shard i/n, default 0/1

  const std::string& program() const { return program_; }
  std::string help_text() const;
  // The command line as given ("fig1_rank_sweep --iters 10"), for the run manifest.
  const std::string& command_line() const { return command_line_; }
  // Every flag and its value as text, in declaration order (for the run manifest).
  std::vector<std::pair<std::string, std::string>> values_as_text() const;

 private:
  enum class Kind { kInt, kDouble, kString, kFlag, kShard };  // a list flag: an int, number or text kind, list = true
  struct Option {
    Kind kind = Kind::kInt;
    bool list = false;
    std::string help;
    std::int64_t int_min = INT64_MIN, int_max = INT64_MAX;
    double double_min = -1.0e308, double_max = 1.0e308;
    std::vector<std::string> choices;
    std::vector<std::int64_t> ints;      // a scalar is a list of one
    std::vector<double> doubles;
    std::vector<std::string> strings;    // kString and kShard
    bool given = false;                  // on the command line; a kFlag's value
    std::string default_text;
  };
  Option& declare(const std::string& name, Kind kind, const std::string& help);
  const Option& option(const std::string& name) const;  // throws std::logic_error when not declared
  const Option& find(const std::string& name, Kind kind, bool list = false) const;
  void set_value(const std::string& name, Option& opt, const std::string& text);
  static std::string value_text(const Option& opt);
  static std::string placeholder(const Option& opt);

  std::string program_, description_, command_line_;
  std::map<std::string, Option> options_;
  std::vector<std::string> order_;
};

}  // namespace rl
