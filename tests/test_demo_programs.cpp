// End-to-end checks of the figure programs (docs/demos.md#hostile-input): a bad flag or data file
// fails before anything is computed, with exit code 2 (usage) or 1 (data), ONE error line on stderr
// naming the input, and no --out folder left behind (docs/demos.md#where-outputs-go); and the verdict
// lines of a sweep whose runs all diverged read "undefined".  The programs are the ones built beside
// this test binary (<build>/bin/, which `make test` builds first).  A failed start takes tens of
// milliseconds; the costliest cases are the verdict runs (about a second) and fig3c's damaged teacher
// cache (two MNIST loads; skipped without `make data`).
#include "demos/toolkit/csv.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace rl {
namespace {

namespace fs = std::filesystem;

struct ProgramResult {
  int exit_code = -1;
  std::string out, err;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh scratch folder per test, removed at the end.
class Scratch {
 public:
  Scratch() : dir_(fs::temp_directory_path() / ("rl_test_programs_" + std::to_string(::getpid()) + "_" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

// <build>/bin/<program>: the test binary is <build>/tests/all_tests.
std::string program_path(const std::string& program) {
  return (fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "bin" / program).string();
}

// `make test` builds the programs before the suite; a bare build of the test binary alone (a student
// tree of the course assignments, say) has none, and these tests are skipped there.
#define SKIP_UNLESS_BUILT()                                                                                   \
  if (!fs::exists(program_path("fig1_rank_sweep")))                                                           \
  GTEST_SKIP() << program_path("fig1_rank_sweep") << " not built: `make test` builds the programs first"

// Runs `program args...` from the repository root (the programs' default data paths are relative to it).
ProgramResult run_program(const Scratch& scratch, const std::string& program, const std::vector<std::string>& args) {
  const std::string bin = program_path(program);
  if (!fs::exists(bin)) {
    ADD_FAILURE() << bin << " not built: `make test` builds the programs first";
    return {};
  }
  std::string cmd = "'" + bin + "'";
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " >'" + scratch.path("stdout") + "' 2>'" + scratch.path("stderr") + "'";
  const int status = std::system(cmd.c_str());
  ProgramResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_all(scratch.path("stdout"));
  r.err = read_all(scratch.path("stderr"));
  return r;
}

// The lines of stderr that start with "<program>: " (the progress lines, "<program> runs 0/4 ...",
// do not).
std::vector<std::string> error_lines(const std::string& err, const std::string& program) {
  std::vector<std::string> found;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(program + ": ", 0) == 0) found.push_back(line);
  return found;
}

// The contract of a failed start: the exit code, ONE error line on stderr that starts with the
// program's name and mentions `what`, and no output folder.
void expect_clean_failure(const ProgramResult& r, const std::string& program, int exit_code, const std::string& what,
                          const std::string& out) {
  EXPECT_EQ(r.exit_code, exit_code) << program << " stderr: " << r.err;
  const std::vector<std::string> errors = error_lines(r.err, program);
  ASSERT_EQ(errors.size(), 1u) << program << " stderr: " << r.err;
  EXPECT_NE(errors[0].find(what), std::string::npos) << program << " stderr: " << r.err;
  EXPECT_FALSE(fs::exists(out)) << program << " left " << out << " behind";
}

const std::vector<std::string> kProgramsWithGain = {"fig1_rank_sweep",  "fig2_biological", "fig3c_aligned_rnn",
                                                    "fig4b_relu_mnist", "forgetting_probe", "linearised_rnn"};

TEST(DemoPrograms, EveryProgramRefusesAZeroGainBeforeMakingItsOutput) {
  SKIP_UNLESS_BUILT();
  for (const std::string& program : kProgramsWithGain) {
    Scratch scratch;
    const std::string out = scratch.path("out");
    const ProgramResult r = run_program(scratch, program, {"--gain", "0", "--seeds", "1", "--out", out});
    expect_clean_failure(r, program, 2, "--gain: gain must be > 0, got 0", out);
  }
}

// Every program x a hostile value of each common flag (docs/demos.md#hostile-input): a usage error
// before anything starts.  A flag a program omits is an "unknown flag", the same contract.
TEST(DemoPrograms, EveryProgramRefusesHostileCommonFlagsBeforeMakingItsOutput) {
  SKIP_UNLESS_BUILT();
  const std::vector<std::string> programs = {"example_toolkit",   "fig1_rank_sweep",  "fig2_biological",
                                             "fig3b_aligned_init", "fig3c_aligned_rnn", "fig4a_linear_rank",
                                             "fig4b_relu_mnist",  "forgetting_probe", "linearised_rnn"};
  const std::vector<std::vector<std::string>> hostile = {
      {"--no-such-flag"}, {"--seed", "x"},  {"--seeds", "0"},  {"--iters", "-1"},     {"--threads", "-1"},
      {"--gain", "0"},    {"--ranks", "0"}, {"--ranks", "1,,2"}, {"--shard", "2/2"}, {"--seeds", "1", "--seeds", "2"}};
  Scratch scratch;
  const std::string out = scratch.path("out");
  for (const std::string& program : programs)
    for (std::vector<std::string> args : hostile) {
      // Every program parses with the same Cli: the whole list on fig1, three of it on the others
      // (about 40 ms a start: the suite stays fast).
      if (program != "fig1_rank_sweep" && args[0] != "--no-such-flag" && args[0] != "--seeds" && args[0] != "--iters")
        continue;
      args.push_back("--out");
      args.push_back(out);
      SCOPED_TRACE(program + " " + args[0]);
      expect_clean_failure(run_program(scratch, program, args), program, 2, args[0] + ":", out);
    }
}

TEST(DemoPrograms, Fig1RefusesAZeroInItsGainAxis) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  const std::string out = scratch.path("out");
  const ProgramResult r = run_program(scratch, "fig1_rank_sweep", {"--gains", "1,0", "--out", out});
  expect_clean_failure(r, "fig1_rank_sweep", 2, "--gains: gain must be > 0, got 0", out);
}

TEST(DemoPrograms, ForgettingAndLinearisedRnnCheckTheirMemoryBeforeStarting) {
  SKIP_UNLESS_BUILT();
  for (const std::string program : {"forgetting_probe", "linearised_rnn"}) {
    Scratch scratch;
    const std::string out = scratch.path("out");
    const ProgramResult r =
        run_program(scratch, program, {"--N", "4000", "--max-memory", "0.01", "--threads", "1", "--out", out});
    expect_clean_failure(r, program, 2, "--N: this run needs about", out);
  }
}

// A copy of the shipped connectivity data with one file replaced.
std::string data_copy_with(const Scratch& scratch, const std::string& file, const std::string& text) {
  const std::string dir = scratch.path("data");
  fs::copy("nn/connectivity/data", dir, fs::copy_options::recursive);
  std::ofstream(dir + "/" + file) << text;
  return dir;
}

TEST(DemoPrograms, Fig2WithAHeaderOnlyEdgesFileNamesTheFileAndLeavesNoOutput) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  const std::string edges = "connectomes/v1dd_l23_l4_198/edges_l23_l4.csv";
  const std::string data = data_copy_with(scratch, edges, "pre,post,signed_summed_synapse_size\n");
  const std::string out = scratch.path("out");
  const ProgramResult r = run_program(scratch, "fig2_biological",
                                      {"--structures", "em_v1dd", "--no-train", "--seeds", "1", "--data-dir", data,
                                       "--out", out});
  expect_clean_failure(r, "fig2_biological", 1, data + "/" + edges, out);
}

TEST(DemoPrograms, Fig2WithATruncatedEdgesFileNamesTheFileAndLeavesNoOutput) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  const std::string edges = "connectomes/pinky100_l23_pyc/edges_104.csv";
  std::ifstream shipped("nn/connectivity/data/" + edges);
  std::string text, line;
  for (int i = 0; i < 400 && std::getline(shipped, line); ++i) text += line + "\n";  // header + 399 of 680 edges
  const std::string data = data_copy_with(scratch, edges, text);
  const std::string out = scratch.path("out");
  const ProgramResult r = run_program(scratch, "fig2_biological",
                                      {"--structures", "em_pinky100", "--no-train", "--seeds", "1", "--data-dir",
                                       data, "--out", out});
  expect_clean_failure(r, "fig2_biological", 1, data + "/" + edges, out);
  EXPECT_NE(r.err.find("399 edges"), std::string::npos) << r.err;
}


// Verdict lines when every run diverged (demos/toolkit/table_summary.h): "undefined", never "differs from
// the paper" nor a largest error of 0.  A learning rate of 10 blows every run up within a few steps.
TEST(DemoPrograms, VerdictsOfASweepWhoseRunsAllDivergedAreUndefined) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  const ProgramResult fig1 = run_program(scratch, "fig1_rank_sweep",
                                         {"--N", "20", "--ranks", "1,20", "--iters", "20", "--lr", "10", "--seeds",
                                          "1", "--threads", "1", "--out", scratch.path("fig1")});
  EXPECT_EQ(fig1.exit_code, 0) << fig1.err;
  EXPECT_NE(fig1.out.find("rank 1 vs 20: larger dW"), std::string::npos) << fig1.out;
  EXPECT_NE(fig1.out.find("-> undefined (a compared group has no finite value, or most of its runs failed)"), std::string::npos) << fig1.out;
  EXPECT_EQ(fig1.out.find("differs from the paper"), std::string::npos) << fig1.out;
  for (const auto& [program, args] :
       {std::pair<std::string, std::vector<std::string>>{"fig4a_linear_rank", {"--lr", "10", "--sigma", "1000"}},
        {"fig3b_aligned_init", {"--lr", "10"}}}) {
    std::vector<std::string> all = args;
    all.push_back("--out");
    all.push_back(scratch.path(program));
    const ProgramResult r = run_program(scratch, program, all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("over all runs: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("undefined (no run has a finite value;"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("0.000e+00"), std::string::npos) << r.out;
  }
}

// --precision f32 (docs/precision.md#where-the-choice-is-recorded): every training program takes it; a
// float32 run's results.csv and manifest say f32, and a float64 run asked to resume into its folder is
// refused naming --precision (and leaves the float32 files as they were).
TEST(DemoPrograms, AFloat32RunIsRecordedAndAFloat64ResumeIntoItIsRefused) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  for (const std::string& program : kProgramsWithGain) {
    const ProgramResult help = run_program(scratch, program, {"--help"});
    EXPECT_NE(help.out.find("--precision"), std::string::npos) << program << " has no --precision";
  }
  const std::string out = scratch.path("fig1");
  const std::vector<std::string> small = {"--N", "12", "--ranks", "1,12", "--iters", "10", "--seeds", "1",
                                          "--threads", "1", "--out", out};
  std::vector<std::string> f32 = small;
  f32.insert(f32.end(), {"--precision", "f32"});
  const ProgramResult a = run_program(scratch, "fig1_rank_sweep", f32);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const std::string results = read_all(out + "/results.csv");
  EXPECT_NE(results.substr(0, results.find('\n')).find(",precision"), std::string::npos) << results;
  EXPECT_NE(results.find(",f32\n"), std::string::npos) << results;
  EXPECT_NE(read_all(out + "/manifest.json").find("\"precision\": \"f32\""), std::string::npos);
  const ProgramResult b = run_program(scratch, "fig1_rank_sweep", small);
  EXPECT_EQ(b.exit_code, 2) << b.err;
  EXPECT_NE(b.err.find("--precision f32, this run asks --precision f64"), std::string::npos) << b.err;
  EXPECT_EQ(read_all(out + "/results.csv"), results) << "the refused run changed the float32 results";
}

// The precision study's float64 half is the Fig. 1 run of the same flags, bit for bit (the same seeded
// streams; demos/precision_study.cpp), and its float32 half is a different, nearby run.
TEST(DemoPrograms, PrecisionStudyFloat64HalfIsTheFig1Run) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  const std::vector<std::string> flags = {"--N", "16", "--ranks", "1,16", "--iters", "40", "--seeds", "2",
                                          "--threads", "1"};
  std::vector<std::string> a = flags, b = flags;
  a.insert(a.end(), {"--out", scratch.path("study")});
  b.insert(b.end(), {"--out", scratch.path("fig1")});
  const ProgramResult study = run_program(scratch, "precision_study", a);
  ASSERT_EQ(study.exit_code, 0) << study.err;
  const ProgramResult fig1 = run_program(scratch, "fig1_rank_sweep", b);
  ASSERT_EQ(fig1.exit_code, 0) << fig1.err;
  const std::string s = read_all(scratch.path("study/results.csv")), f = read_all(scratch.path("fig1/results.csv"));
  // Column positions from the headers; rows are in the same (rank, seed) order in both.
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
    return cells;
  };
  std::stringstream sin(s), fin(f);
  std::string sh, fh;
  std::getline(sin, sh);
  std::getline(fin, fh);
  const auto shead = split(sh), fhead = split(fh);
  auto col = [](const std::vector<std::string>& head, const std::string& name) {
    return static_cast<std::size_t>(std::find(head.begin(), head.end(), name) - head.begin());
  };
  int rows = 0;
  for (std::string sl, fl; std::getline(sin, sl) && std::getline(fin, fl); ++rows) {
    const auto sr = split(sl), fr = split(fl);
    for (const std::string m : {"weight_change", "kernel_alignment", "representation_alignment", "accuracy"}) {
      EXPECT_EQ(sr.at(col(shead, m + std::string("_f64"))), fr.at(col(fhead, m))) << m << " row " << rows;
      EXPECT_NE(sr.at(col(shead, m + std::string("_f32"))), "") << m;
    }
    EXPECT_NE(sr.at(col(shead, "weight_change_f32")), sr.at(col(shead, "weight_change_f64")))
        << "the float32 half must be its own run";
  }
  EXPECT_EQ(rows, 4);
}

// MNIST (`make data`) is needed by fig3c before its teacher cache is read: skipped without it, except
// when RICHLAZY_REQUIRE_MNIST=1 (.ci/run), as tests/test_mnist.cpp.
bool mnist_present() {
  if (fs::exists("data/mnist/.complete")) return true;
  const char* require = std::getenv("RICHLAZY_REQUIRE_MNIST");
  if (require && std::string(require) == "1") ADD_FAILURE() << "data/mnist/.complete not found";
  return false;
}

TEST(DemoPrograms, Fig3cWithANonFiniteTeacherCacheNamesTheCacheAndLeavesNoOutput) {
  SKIP_UNLESS_BUILT();
  if (!mnist_present()) GTEST_SKIP() << "data/mnist/.complete not found: run `make data`";
  Scratch scratch;
  const std::string teachers = scratch.path("teachers");
  const std::vector<std::string> tiny = {"--N", "4", "--teacher-iters", "1", "--iters", "1", "--seeds", "1",
                                         "--ranks", "1", "--starts", "aligned", "--probe", "2", "--kernel-probe",
                                         "1", "--threads", "1", "--teacher-dir", teachers};
  std::vector<std::string> first = tiny;
  first.push_back("--out");
  first.push_back(scratch.path("first"));
  ASSERT_EQ(run_program(scratch, "fig3c_aligned_rnn", first).exit_code, 0) << "the run that writes the cache";
  std::string w_h;
  for (const auto& entry : fs::recursive_directory_iterator(teachers))
    if (entry.path().filename() == "W_h.npy") w_h = entry.path().string();
  ASSERT_FALSE(w_h.empty());
  {  // the last double of W_h becomes a NaN
    std::fstream f(w_h, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-8, std::ios::end);
    const double nan = std::nan("");
    f.write(reinterpret_cast<const char*>(&nan), sizeof nan);
  }
  const std::string out = scratch.path("out");
  std::vector<std::string> second = tiny;
  second.push_back("--out");
  second.push_back(out);
  const ProgramResult r = run_program(scratch, "fig3c_aligned_rnn", second);
  expect_clean_failure(r, "fig3c_aligned_rnn", 1, w_h, out);
  EXPECT_NE(r.err.find("damaged teacher cache"), std::string::npos) << r.err;
}

// `make figures` is `demos/records.sh --into out all`: the records' own commands (records.tsv), into
// another folder.  The two records that take seconds, made again that way, give their committed run
// tables: the same settings in every cell, the same numbers to 1e-9 (bit for bit on the machine that
// made them; another vector width sums the GEMMs in another order, docs/gemm.md).
TEST(DemoPrograms, RecordsScriptIntoAnotherFolderRemakesTheCommittedRecords) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  const std::string build = fs::read_symlink("/proc/self/exe").parent_path().parent_path().string();
  const std::string into = scratch.path("out");
  const std::string cmd = "bash demos/records.sh '" + build + "' --into '" + into + "' fig4a fig3b >'" +
                          scratch.path("stdout") + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << read_all(scratch.path("stdout"));
  for (const std::string record : {"fig4a", "fig3b"}) {
    SCOPED_TRACE(record + ": made with --into, against docs/records/" + record +
                 "/runs.csv (a flag in records.tsv or a results revision changed?)");
    const ResultTable remade = read_result_csv(into + "/" + record + "/runs.csv");
    const ResultTable kept = read_result_csv("docs/records/" + record + "/runs.csv");
    ASSERT_EQ(remade.header, kept.header);
    ASSERT_EQ(remade.rows.size(), kept.rows.size());
    for (std::size_t r = 0; r < kept.rows.size(); ++r)
      for (const std::string& column : kept.header) {
        const std::string& a = remade.cell(r, column);
        const std::string& b = kept.cell(r, column);
        if (a == b) continue;
        const double x = remade.number(r, column), y = kept.number(r, column);
        EXPECT_NEAR(x, y, 1e-9 * std::max(1.0, std::fabs(y))) << column << ", row " << r + 1;
      }
  }
}

// fig3c's own verdict per rank counts the seeds as paired_seeds does: its "paired seeds:" line carries
// the same counts and sign-test p-values as `paired_seeds --sign-test` on the results.csv it wrote.
TEST(DemoPrograms, Fig3cPairedVerdictIsThePairedSeedsCount) {
  SKIP_UNLESS_BUILT();
  if (!mnist_present()) GTEST_SKIP() << "data/mnist/.complete not found: run `make data`";
  Scratch scratch;
  const std::string out = scratch.path("out");
  const ProgramResult r = run_program(
      scratch, "fig3c_aligned_rnn",
      {"--N", "6", "--teacher-iters", "3", "--iters", "3", "--seeds", "5", "--ranks", "2", "--starts",
       "aligned,unaligned", "--probe", "8", "--kernel-probe", "2", "--threads", "1", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t at = r.out.find("  paired seeds: KA aligned higher in ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string line = r.out.substr(at, r.out.find('\n', at) - at);
  const ProgramResult counts = run_program(
      scratch, "paired_seeds",
      {"--results", out + "/results.csv", "--within", "rank", "--compare", "start=aligned", "--against",
       "start=unaligned", "--metrics", "kernel_alignment:higher,weight_change:lower", "--sign-test"});
  ASSERT_EQ(counts.exit_code, 0) << counts.err;
  // paired_seeds' row: cells apart by two or more blanks: group, compared, against, pairs, KA, dW, all.
  const std::size_t row_at = counts.out.find("rank=2");
  ASSERT_NE(row_at, std::string::npos) << counts.out;
  const std::string row = counts.out.substr(row_at, counts.out.find('\n', row_at) - row_at);
  const std::regex gap("  +");
  const std::vector<std::string> cells(std::sregex_token_iterator(row.begin(), row.end(), gap, -1),
                                       std::sregex_token_iterator());
  ASSERT_EQ(cells.size(), 7u) << row;
  EXPECT_NE(line.find("higher in " + cells[4] + ", dW"), std::string::npos) << line << "\n" << counts.out;
  EXPECT_NE(line.find("smaller in " + cells[5] + " ->"), std::string::npos) << line << "\n" << counts.out;
  EXPECT_NE(line.find("-> undecided"), std::string::npos)
      << line << " (5 seeds cannot decide: 5 / 5 gives p = 0.0625; the decided cases are "
      << "PairedCount.VerdictIsTheSignTestOfWinsAgainstLosses)";
}

// paired_seeds (docs/reproducing.md#summary): per --within group, the compared rows meet the --against
// row of the same seed; a metric counts strict wins only, a tie is no win, and a pair with a NaN is
// undefined rather than lost; "{N}" picks each structure's own Gaussian.  Bad columns, a missing file
// and pairs that --within does not separate are refused with one line naming the input.
TEST(DemoPrograms, PairedSeedsCountsStrictWinsSeedBySeed) {
  SKIP_UNLESS_BUILT();
  Scratch scratch;
  const std::string csv = scratch.path("results.csv");
  std::ofstream(csv) << "task,rank,seed,kernel_alignment,weight_change\n"
                        "2af,1,1,0.1,2\n2af,1,2,0.5,2\n2af,1,3,nan,2\n"
                        "2af,300,1,0.2,1\n2af,300,2,0.4,3\n2af,300,3,0.3,1\n"
                        "dms,1,1,0.1,1\ndms,1,2,0.1,1\ndms,1,3,0.1,1\n"
                        "dms,300,1,0.1,1\ndms,300,2,0.2,1\ndms,300,3,0.3,1\n";
  const std::vector<std::string> ranks = {"--results", csv, "--within", "task", "--compare", "rank=1", "--against",
                                          "rank=300"};
  const ProgramResult r = run_program(scratch, "paired_seeds", ranks);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  auto squeeze = [](std::string s) {  // runs of spaces to one, so the test ignores column widths
    s.erase(std::unique(s.begin(), s.end(), [](char a, char b) { return a == ' ' && b == ' '; }), s.end());
    return s;
  };
  EXPECT_EQ(squeeze(lines[1]), "task=2af rank=1 rank=300 3 1/2 (+1 undefined) 2/3 1/2 (+1 undefined)") << r.out;
  EXPECT_EQ(squeeze(lines[2]), "task=dms rank=1 rank=300 3 2/3 0/3 0/3") << r.out;
  for (const std::string& line : lines) EXPECT_NE(line.back(), ' ') << "a trailing blank: '" << line << "'";

  // --sign-test adds each metric's two-sided p of wins against losses, ties apart
  // (demos/toolkit/paired_count.h): 1 win 1 loss -> 1; 2 wins 1 tie -> 2/4; all tied -> 1; "all": no p.
  std::vector<std::string> with_p = ranks;
  with_p.push_back("--sign-test");
  const ProgramResult s = run_program(scratch, "paired_seeds", with_p);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(squeeze(s.out).find("task=2af rank=1 rank=300 3 1/2 (+1 undefined) p 1 2/3 p 1 1/2 (+1 undefined)"),
            std::string::npos)
      << s.out;
  EXPECT_NE(squeeze(s.out).find("task=dms rank=1 rank=300 3 2/3 p 0.5 (1 tied) 0/3 p 1 (3 tied) 0/3"), std::string::npos)
      << s.out;

  // A compared row without a partner is said on stderr, not silently left out of n.
  const std::string dropped = scratch.path("dropped.csv");
  std::ofstream(dropped) << "task,rank,seed,kernel_alignment,weight_change\n2af,1,1,0.1,2\n2af,1,2,0.5,2\n"
                            "2af,300,1,0.2,1\n";
  std::vector<std::string> on_dropped = ranks;
  on_dropped[1] = dropped;
  const ProgramResult d = run_program(scratch, "paired_seeds", on_dropped);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(squeeze(d.out).find("task=2af rank=1 rank=300 1 1/1 1/1 1/1"), std::string::npos) << d.out;
  EXPECT_NE(d.err.find("line 3 of " + dropped + " (seed 2) has no partner"), std::string::npos) << d.err;

  // A diverged run's huge but finite weight change is no win: its pairs are undefined (--failed).
  const std::string failed = scratch.path("failed.csv");
  std::ofstream(failed) << "rank,seed,diverged,kernel_alignment,weight_change\n1,1,1,0.1,1e250\n1,2,0,0.1,2\n"
                           "300,1,0,0.5,1\n300,2,0,0.5,1\n";
  const ProgramResult f = run_program(scratch, "paired_seeds", {"--results", failed, "--compare", "rank=1",
                                                                "--against", "rank=300"});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_NE(squeeze(f.out).find("rank=1 rank=300 2 1/1 (+1 undefined) 1/1 (+1 undefined)"), std::string::npos)
      << f.out;

  const std::string entries = scratch.path("entries.csv");
  std::ofstream(entries) << "entry,N,seed,kernel_alignment\n"
                            "a,10,1,0.1\nb,20,1,0.9\ngaussian_N10,10,1,0.5\ngaussian_N20,20,1,0.5\n";
  const ProgramResult e = run_program(scratch, "paired_seeds", {"--results", entries, "--compare", "entry=*",
                                                                "--against", "entry=gaussian_N{N}", "--metrics",
                                                                "kernel_alignment:lower"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(squeeze(e.out).find("entry=a entry=gaussian_N10 1 1/1"), std::string::npos) << e.out;
  EXPECT_NE(squeeze(e.out).find("entry=b entry=gaussian_N20 1 0/1"), std::string::npos) << e.out;
  EXPECT_EQ(e.out.find("entry=gaussian_N10 entry"), std::string::npos) << "a Gaussian compared with itself: " << e.out;

  const std::string none = scratch.path("none");
  auto refused = [&](std::vector<std::string> args, int code, const std::string& what) {
    SCOPED_TRACE(what);
    expect_clean_failure(run_program(scratch, "paired_seeds", args), "paired_seeds", code, what, none);
  };
  std::vector<std::string> bad_metric = ranks;
  bad_metric.insert(bad_metric.end(), {"--metrics", "accuracy:higher"});
  refused(bad_metric, 2, "--metrics: no column 'accuracy'");
  refused({"--results", csv, "--compare", "rank=1", "--against", "rank=300"}, 2,
          "add the column that separates them to --within (candidates: task)");
  refused({"--results", csv, "--within", "task", "--compare", "rank=1", "--against", "rank=30"}, 2,
          "--against: no compared row");
  refused({"--results", csv, "--compare", "rank", "--against", "rank=300"}, 2, "--compare: 'rank' is not");
  refused({"--results", scratch.path("absent.csv"), "--compare", "rank=1", "--against", "rank=300"}, 1,
          "absent.csv");
}

}  // namespace
}  // namespace rl
