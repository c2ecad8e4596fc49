// Prose that names code is checked (docs/README.md#how-the-docs-stay-true): every code-looking name
// in the README, the docs and the source comments must exist, so a rename cannot leave a stale name
// behind.  Run from the repository root, as `make test` does.
//
//   DocsNames.BacktickedIdentifiersExist      `snake_case`, `CamelCase`, `kName`, `ns::name` in README.md
//                                             and docs/**/*.md (outside code fences) occur in the code
//   DocsNames.BacktickedProgramFlagsExist     `fig1_rank_sweep --iters 10000`: each flag is declared by
//                                             that program (its demos/<name>.cpp or the common flags)
//   DocsNames.CommentsNameConstantsAndFilesThatExist
//                                             kName constants, path/file.h and file.h:identifier in the
//                                             comments of linalg/ nn/ tasks/ theory/ demos/ tests/
//   DocsNames.TheCheckerFindsAStaleName       the checks themselves, on planted text
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<fs::path> source_files() {
  std::vector<fs::path> out;
  for (const char* dir : {"linalg", "nn", "tasks", "theory", "demos", "tests"})
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".h" || ext == ".cpp" || ext == ".py" || ext == ".sh" || ext == ".c"))
        out.push_back(e.path());
    }
  out.push_back("Makefile");
  out.push_back("docs/records/records.tsv");  // the record names the code reads (demos/records.sh)
  return out;
}

void add_words(const std::string& text, std::set<std::string>& words) {
  static const std::regex word("[A-Za-z_][A-Za-z0-9_]*");
  for (std::sregex_iterator it(text.begin(), text.end(), word), end; it != end; ++it) words.insert(it->str());
}

// Every identifier that occurs in code (comments stripped from C++ lines, so that a comment cannot
// vouch for a name that only comments mention).
const std::set<std::string>& code_words() {
  static const std::set<std::string> words = [] {
    std::set<std::string> w;
    for (const fs::path& f : source_files()) {
      if (f.generic_string() == "tests/test_docs_names.cpp") continue;  // its planted stale names
      const bool cpp = f.extension() == ".h" || f.extension() == ".cpp";
      for (const std::string& line : lines_of(read_all(f))) add_words(cpp ? line.substr(0, line.find("//")) : line, w);
    }
    return w;
  }();
  return words;
}

// Names in backticks that look like code: an identifier with an underscore, a '::', a lower-upper
// camel hump, or the kName form; "()" allowed at the end.  Short subscripted symbols are
// mathematics, not code (`h_t`, `dW_h`, `c_ij`, `s_1`: at most three letters, '_', at most three),
// and a name with a '.' or '/' (`neurogym.TrialEnv`, a test instance) is not checked here.
std::vector<std::string> code_names_in(const std::string& backticked) {
  static const std::regex shape(R"(([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)(?:\(\))?)");
  static const std::regex looks_like_code(R"(_|::|[a-z][A-Z]|^k[A-Z])");
  static const std::regex math_symbol(R"([A-Za-z]{1,3}_[A-Za-z0-9]{1,3})");
  std::smatch m;
  if (!std::regex_match(backticked, m, shape) || !std::regex_search(m[1].str(), looks_like_code)) return {};
  if (std::regex_match(m[1].str(), math_symbol)) return {};
  std::vector<std::string> parts;
  static const std::regex word("[A-Za-z_][A-Za-z0-9_]*");
  const std::string whole = m[1].str();
  for (std::sregex_iterator it(whole.begin(), whole.end(), word), end; it != end; ++it) parts.push_back(it->str());
  return parts;
}

struct Spot {
  std::string where, text;  // "README.md:12", what is inside the backticks
};

// Backticked spans of Markdown text outside ``` fences.
std::vector<Spot> backticked_spans(const std::string& path, const std::string& text) {
  std::vector<Spot> out;
  bool fenced = false;
  const std::vector<std::string> lines = lines_of(text);
  static const std::regex span("`([^`]+)`");
  for (std::size_t n = 0; n < lines.size(); ++n) {
    if (lines[n].find("```") != std::string::npos && lines[n].find_first_not_of(" ") == lines[n].find("```")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    for (std::sregex_iterator it(lines[n].begin(), lines[n].end(), span), end; it != end; ++it)
      out.push_back({path + ":" + std::to_string(n + 1), (*it)[1].str()});
  }
  return out;
}

std::vector<fs::path> markdown_files() {
  std::vector<fs::path> out = {"README.md"};
  for (const auto& e : fs::recursive_directory_iterator("docs"))
    if (e.is_regular_file() && e.path().extension() == ".md") out.push_back(e.path());
  for (const char* dir : {"demos", "tests"})
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".md") out.push_back(e.path());
  return out;
}

// Names of other projects' code that the docs cite on purpose (what a peer or a reference calls),
// and compiler-predefined macros (__name__): they exist, just not in this tree.
bool outside_name(const std::string& name) {
  static const std::set<std::string> kOutside = {
      "cblas_sgemm", "cblas_dgemm",  // OpenBLAS, the peer of docs/benchmarks.md
      "xMMCH",                       // the reference BLAS test's GEMM check (docs/gemm.md)
  };
  return kOutside.count(name) > 0 || (name.size() > 4 && name.rfind("__", 0) == 0);
}

std::vector<std::string> stale_identifiers(const std::string& path, const std::string& text,
                                           const std::set<std::string>& words) {
  std::vector<std::string> stale;
  for (const Spot& s : backticked_spans(path, text))
    for (const std::string& part : code_names_in(s.text))
      if (!words.count(part) && !outside_name(part)) {
        stale.push_back(s.where + ": `" + s.text + "` names " + part + ", which no code in the tree defines or uses");
        break;
      }
  return stale;
}

TEST(DocsNames, BacktickedIdentifiersExist) {
  std::vector<std::string> stale;
  for (const fs::path& md : markdown_files())
    for (const std::string& s : stale_identifiers(md.generic_string(), read_all(md), code_words())) stale.push_back(s);
  for (const std::string& s : stale) ADD_FAILURE() << s << " (renamed or removed? fix the prose)";
}

// The flags a program declares: its own add_*("name", ...) calls, the shared ones (cli.cpp, memory_budget.cpp,
// train_config.cpp), and those of
// each toolkit flag helper it calls (add_<name>_flag(cli) -> demos/toolkit/<name>_flag.cpp, when one exists).
std::set<std::string> declared_flags(const std::string& source) {
  std::set<std::string> flags;
  static const std::regex decl(R"re(add_(?:int|double|string|flag|int_list|double_list|string_list)\("([A-Za-z0-9-]+)")re");
  static const std::regex helper(R"re(\badd_([a-z_]+)_flag\(cli\))re");
  const std::string program = read_all(source);
  std::vector<std::string> texts = {program, read_all("demos/toolkit/cli.cpp"), read_all("demos/toolkit/memory_budget.cpp"),
                                    read_all("demos/toolkit/train_config.cpp")};
  for (std::sregex_iterator it(program.begin(), program.end(), helper), end; it != end; ++it) {
    const std::string file = "demos/toolkit/" + (*it)[1].str() + "_flag.cpp";
    if (fs::exists(file)) texts.push_back(read_all(file));
  }
  for (const std::string& text : texts)
    for (std::sregex_iterator it(text.begin(), text.end(), decl), end; it != end; ++it) flags.insert((*it)[1].str());
  flags.insert("help");
  return flags;
}

std::vector<std::string> unknown_program_flags(const std::vector<Spot>& spots) {
  std::vector<std::string> bad;
  static const std::regex command(R"(^(?:build/bin/)?([a-z0-9_]+)\b(.*)$)");
  static const std::regex flag(R"((?:^|\s)--([A-Za-z][A-Za-z0-9-]*))");
  std::map<std::string, std::set<std::string>> cache;
  for (const Spot& s : spots) {
    std::smatch m;
    if (!std::regex_match(s.text, m, command)) continue;
    const std::string program = m[1].str(), rest = m[2].str();
    const std::string source = "demos/" + program + ".cpp";
    if (!fs::exists(source)) continue;  // not one of our programs
    if (!cache.count(program)) cache[program] = declared_flags(source);
    for (std::sregex_iterator it(rest.begin(), rest.end(), flag), end; it != end; ++it)
      if (!cache[program].count((*it)[1].str()))
        bad.push_back(s.where + ": `" + s.text + "`: " + program + " has no flag --" + (*it)[1].str() + " (see its --help)");
  }
  return bad;
}

TEST(DocsNames, BacktickedProgramFlagsExist) {
  for (const fs::path& md : markdown_files())
    for (const std::string& s : unknown_program_flags(backticked_spans(md.generic_string(), read_all(md)))) ADD_FAILURE() << s;
}

std::vector<std::string> stale_comment_names(const std::string& path, const std::string& text,
                                             const std::set<std::string>& words) {
  std::vector<std::string> stale;
  static const std::regex constant(R"(\b(k[A-Z][A-Za-z0-9]+)\b)");
  static const std::regex file_ref(
      R"(\b((?:linalg|nn|tasks|theory|demos|tests|docs)/[A-Za-z0-9_/.-]+\.(?:h|cpp|md|sh|py))(?::([A-Za-z_][A-Za-z0-9_:]*))?)");
  static const std::regex quoted("\"[^\"]*\"");
  const std::vector<std::string> lines = lines_of(text);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::size_t at = lines[n].find("//");
    if (at == std::string::npos) continue;
    const std::string comment = std::regex_replace(lines[n].substr(at + 2), quoted, "\"\"");
    const std::string where = path + ":" + std::to_string(n + 1);
    for (std::sregex_iterator it(comment.begin(), comment.end(), constant), end; it != end; ++it)
      if (!words.count((*it)[1].str())) stale.push_back(where + ": the comment names " + (*it)[1].str() + ", which no code defines");
    for (std::sregex_iterator it(comment.begin(), comment.end(), file_ref), end; it != end; ++it) {
      const std::string file = (*it)[1].str();
      if (!fs::exists(file)) {
        stale.push_back(where + ": the comment cites " + file + ", which does not exist");
      } else if ((*it)[2].matched) {
        std::string id = (*it)[2].str();
        id = id.substr(id.rfind(':') == std::string::npos ? 0 : id.rfind(':') + 1);
        if (!std::regex_search(read_all(file), std::regex("\\b" + id + "\\b")))
          stale.push_back(where + ": the comment cites " + (*it)[0].str() + ", but " + file + " has no " + id);
      }
    }
  }
  return stale;
}

TEST(DocsNames, CommentsNameConstantsAndFilesThatExist) {
  for (const fs::path& f : source_files()) {
    if (f.extension() != ".h" && f.extension() != ".cpp") continue;
    if (f.generic_string() == "tests/test_docs_names.cpp") continue;  // its planted examples are stale on purpose
    for (const std::string& s : stale_comment_names(f.generic_string(), read_all(f), code_words())) ADD_FAILURE() << s;
  }
}

TEST(DocsNames, TheCheckerFindsAStaleName) {
  const std::set<std::string> words = {"low_rank_init", "Matrix", "kResultsRevision"};
  EXPECT_EQ(stale_identifiers("x.md", "`low_rank_init`, `Matrix`, `h_t`, `low_rank_int` `kHugeTau`\n```\n`not_checked`\n```\n", words),
            (std::vector<std::string>{"x.md:1: `low_rank_int` names low_rank_int, which no code in the tree defines or uses",
                                      "x.md:1: `kHugeTau` names kHugeTau, which no code in the tree defines or uses"}));
  EXPECT_EQ(unknown_program_flags({{"x.md:3", "fig1_rank_sweep --iters 10 --no-such-flag"}}),
            (std::vector<std::string>{"x.md:3: `fig1_rank_sweep --iters 10 --no-such-flag`: fig1_rank_sweep has no flag "
                                      "--no-such-flag (see its --help)"}));
  EXPECT_EQ(stale_comment_names("y.h", "// see kResultsRevision and kGone, nn/init.h:low_rank_init, nn/init.h:nothing_here\n", words),
            (std::vector<std::string>{"y.h:1: the comment names kGone, which no code defines",
                                      "y.h:1: the comment cites nn/init.h:nothing_here, but nn/init.h has no nothing_here"}));
}

}  // namespace
