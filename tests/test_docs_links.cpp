// Citations resolve inside the repository (docs/paper.md#provenance-tags), and the README's "Paper to
// code" table names things that exist.  Run from the repository root (as `make test` does), like the
// tests that read nn/connectivity/data.
//
//   DocsLinks.NoFileCitesTheTeamSpecFiles        no shipped text file names the team's spec files
//   DocsLinks.NoFileReadsOutsideTheRepository    ... nor a path into the team's shared folder
//   DocsLinks.EveryDocsReferenceAndAnchorExists  `docs/<name>.md#anchor` and markdown link targets exist
//   ReadmeTable.EveryFunctionTestAndDocSectionExists
//   ReadmeTable.EachRowsTestCallsItsFunction     the named test's body (or a helper of its file that
//                                                the body calls) names the row's function
//
// Anchors follow GitHub's heading slugs: the heading's text (markdown links and code marks removed),
// lower case, punctuation other than '-' and '_' removed, spaces -> '-', a repeated slug gets -1, -2;
// an explicit <a id="..."></a> also counts.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
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

struct TextFile {
  std::string path;  // relative to the repository root, '/'-separated
  std::vector<std::string> lines;
};

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

bool is_text_source(const fs::path& p) {
  static const std::set<std::string> kExt = {".h", ".cpp", ".md", ".sh", ".py", ".c"};
  return kExt.count(p.extension().string()) > 0 || p.filename() == "Makefile";
}

// Every shipped text file: the source folders walked recursively, plus README.md and Makefile.
const std::vector<TextFile>& shipped_text_files() {
  static const std::vector<TextFile> files = [] {
    std::vector<TextFile> out;
    for (const char* dir : {"linalg", "nn", "tasks", "theory", "demos", "tests", "docs"}) {
      if (!fs::is_directory(dir)) continue;
      for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && is_text_source(e.path())) out.push_back({e.path().generic_string(), read_lines(e.path())});
    }
    for (const char* top : {"README.md", "Makefile"})
      if (fs::is_regular_file(top)) out.push_back({top, read_lines(top)});
    std::sort(out.begin(), out.end(), [](const TextFile& a, const TextFile& b) { return a.path < b.path; });
    return out;
  }();
  return files;
}

// ---- anchors ------------------------------------------------------------------------------------

// The text GitHub shows for a heading: [text](url) -> text, code marks and emphasis removed.
std::string heading_text(std::string h) {
  h = std::regex_replace(h, std::regex(R"(!?\[([^\]]*)\]\([^)]*\))"), "$1");
  h.erase(std::remove_if(h.begin(), h.end(), [](char c) { return c == '`' || c == '*'; }), h.end());
  return h;
}

std::string github_slug(const std::string& text) {
  std::string slug;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c >= 0x80) slug += static_cast<char>(std::tolower(c));
    else if (c == ' ') slug += '-';
  }
  return slug;
}

std::set<std::string> anchors_of(const std::vector<std::string>& lines) {
  std::set<std::string> anchors;
  std::map<std::string, int> seen;
  bool fenced = false;
  const std::regex explicit_id(R"re(<a\s+(?:id|name)\s*=\s*"([^"]+)")re");
  for (const std::string& line : lines) {
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    for (std::sregex_iterator it(line.begin(), line.end(), explicit_id), end; it != end; ++it) anchors.insert((*it)[1]);
    if (fenced || line.empty() || line[0] != '#') continue;
    const std::size_t hashes = line.find_first_not_of('#');
    if (hashes == std::string::npos || hashes > 6 || line[hashes] != ' ') continue;
    std::string slug = github_slug(heading_text(line.substr(hashes + 1)));
    const int n = seen[slug]++;
    if (n > 0) slug += "-" + std::to_string(n);
    anchors.insert(slug);
  }
  return anchors;
}

const std::set<std::string>& anchors_of_file(const std::string& path) {
  static std::map<std::string, std::set<std::string>> cache;
  auto it = cache.find(path);
  if (it == cache.end()) it = cache.emplace(path, anchors_of(read_lines(path))).first;
  return it->second;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string nearest_anchors(const std::set<std::string>& anchors, const std::string& wanted) {
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const std::string& a : anchors) ranked.emplace_back(edit_distance(a, wanted), a);
  std::sort(ranked.begin(), ranked.end());
  std::string out;
  for (std::size_t i = 0; i < ranked.size() && i < 4; ++i) out += (i ? ", #" : "#") + ranked[i].second;
  return out.empty() ? "(the file has no headings)" : out;
}

// "" when `path` (relative to the root) exists and has `anchor` (may be empty); else what is missing.
std::string check_target(const std::string& path, const std::string& anchor) {
  if (!fs::is_regular_file(path) && !fs::is_directory(path)) return "no file " + path;
  if (anchor.empty() || fs::path(path).extension() != ".md") return "";
  const std::set<std::string>& anchors = anchors_of_file(path);
  if (anchors.count(anchor)) return "";
  return "no anchor #" + anchor + " in " + path + "; nearest: " + nearest_anchors(anchors, anchor);
}

// The team's spec files and shared folder, spelled so that this file does not mention them itself.
std::vector<std::string> spec_file_names() {
  std::vector<std::string> names;
  for (const char* stem : {"PAPER", "NEUROGYM", "CONNECTIVITY", "DESIGN"}) names.push_back(std::string(stem) + ".md");
  return names;
}

TEST(DocsLinks, NoFileCitesTheTeamSpecFiles) {
  const auto& files = shipped_text_files();
  ASSERT_GT(files.size(), 50u) << "run the tests from the repository root";
  const std::vector<std::string> names = spec_file_names();
  for (const TextFile& f : files)
    for (std::size_t i = 0; i < f.lines.size(); ++i)
      for (const std::string& name : names)
        if (f.lines[i].find(name) != std::string::npos)
          ADD_FAILURE() << f.path << ":" << i + 1 << ": cites " << name
                        << ", which users do not have; cite docs/paper.md, docs/tasks.md or docs/connectivity.md "
                           "instead (anchors: docs/paper.md#provenance-tags)\n  " << f.lines[i];
}

TEST(DocsLinks, NoFileReadsOutsideTheRepository) {
  const std::string shared = std::string("..") + "/shared";
  for (const TextFile& f : shipped_text_files())
    for (std::size_t i = 0; i < f.lines.size(); ++i)
      if (f.lines[i].find(shared) != std::string::npos)
        ADD_FAILURE() << f.path << ":" << i + 1 << ": refers to " << shared
                      << ", a folder outside the repository that users do not have\n  " << f.lines[i];
}

TEST(DocsLinks, EveryDocsReferenceAndAnchorExists) {
  // docs/<name>.md#anchor anywhere (relative to the root), with continuations ", #b and #c".
  const std::regex docs_ref(R"((^|[^A-Za-z0-9_./-])(docs/[A-Za-z0-9_./-]*\.md)(#[A-Za-z0-9_-]+)?((?:\s*(?:,|and|to)\s*#[A-Za-z0-9_-]+)*))");
  const std::regex continuation(R"(#([A-Za-z0-9_-]+))");
  // Markdown link targets (relative to the file), in .md files only.
  const std::regex md_link(R"(\]\(([^)\s]+)\))");
  std::size_t checked = 0;
  for (const TextFile& f : shipped_text_files()) {
    const bool markdown = fs::path(f.path).extension() == ".md";
    for (std::size_t i = 0; i < f.lines.size(); ++i) {
      const std::string& line = f.lines[i];
      const std::string where = f.path + ":" + std::to_string(i + 1);
      for (std::sregex_iterator it(line.begin(), line.end(), docs_ref), end; it != end; ++it) {
        const std::string path = (*it)[2], first = (*it)[3].matched ? std::string((*it)[3]).substr(1) : "";
        std::vector<std::string> anchors{first};
        const std::string more = (*it)[4];
        for (std::sregex_iterator c(more.begin(), more.end(), continuation); c != end; ++c) anchors.push_back((*c)[1]);
        for (const std::string& a : anchors) {
          ++checked;
          const std::string missing = check_target(path, a);
          if (!missing.empty())
            ADD_FAILURE() << where << ": " << path << (a.empty() ? "" : "#" + a) << ": " << missing;
        }
      }
      if (!markdown) continue;
      for (std::sregex_iterator it(line.begin(), line.end(), md_link), end; it != end; ++it) {
        std::string target = (*it)[1];
        if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
        std::string anchor;
        if (const std::size_t h = target.find('#'); h != std::string::npos) {
          anchor = target.substr(h + 1);
          target = target.substr(0, h);
        }
        const std::string path =
            target.empty() ? f.path : (fs::path(f.path).parent_path() / target).lexically_normal().generic_string();
        ++checked;
        const std::string missing = check_target(path, anchor);
        if (!missing.empty()) ADD_FAILURE() << where << ": link (" << (*it)[1] << "): " << missing;
      }
    }
  }
  EXPECT_GT(checked, 100u) << "too few references found: is the test running from the repository root?";
}

// ---- the README's "Paper to code" table -----------------------------------------------------------

std::vector<std::string> table_cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 1; i < row.size(); ++i) {  // skip the leading '|'
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  for (std::string& c : cells) {
    c.erase(0, c.find_first_not_of(' '));
    c.erase(c.find_last_not_of(' ') + 1);
    if (c.size() >= 2 && c.front() == '`' && c.back() == '`') c = c.substr(1, c.size() - 2);
  }
  return cells;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool test_exists(const std::string& suite, const std::string& name) {
  static const std::string all_tests = [] {
    std::string s;
    for (const auto& e : fs::directory_iterator("tests"))
      if (e.path().extension() == ".cpp") s += read_all(e.path());
    return s;
  }();
  const std::regex def("TEST(?:_F|_P)?\\(\\s*" + suite + "\\s*,\\s*" + name + "\\s*\\)");
  return std::regex_search(all_tests, def);
}

TEST(ReadmeTable, EveryFunctionTestAndDocSectionExists) {
  const std::vector<std::string> lines = read_lines("README.md");
  ASSERT_FALSE(lines.empty()) << "README.md not found: run the tests from the repository root";
  std::size_t i = 0;
  while (i < lines.size() && lines[i] != "## Paper to code") ++i;
  ASSERT_LT(i, lines.size()) << "README.md has no \"## Paper to code\" section";
  while (i < lines.size() && lines[i].rfind("|", 0) != 0) ++i;
  ASSERT_LT(i, lines.size()) << "README.md, \"Paper to code\": no table";
  const std::vector<std::string> header = table_cells(lines[i]);
  ASSERT_GE(header.size(), 4u);
  const std::size_t n = header.size();
  ASSERT_EQ(header[n - 3], "function") << "README.md:" << i + 1 << ": the last three columns must be function | test | doc section";
  ASSERT_EQ(header[n - 2], "test") << "README.md:" << i + 1;
  ASSERT_EQ(header[n - 1], "doc section") << "README.md:" << i + 1;
  const std::regex function_cell(R"(([A-Za-z0-9_./-]+\.(?:h|cpp)):([A-Za-z_][A-Za-z0-9_:]*))");
  const std::regex test_cell(R"(([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*))");
  const std::regex doc_cell(R"((docs/[A-Za-z0-9_./-]+\.md)(?:#([A-Za-z0-9_-]+))?)");
  std::size_t rows = 0;
  for (i += 2; i < lines.size() && lines[i].rfind("|", 0) == 0; ++i) {
    const std::vector<std::string> cells = table_cells(lines[i]);
    const std::string where = "README.md:" + std::to_string(i + 1) + " (" + cells.front() + ")";
    ASSERT_EQ(cells.size(), n) << where << ": " << cells.size() << " cells, the header has " << n;
    ++rows;
    std::smatch m;
    const std::string& fn = cells[n - 3];
    if (!std::regex_match(fn, m, function_cell)) {
      ADD_FAILURE() << where << ": function cell \"" << fn << "\" is not one `file:identifier`";
    } else if (!fs::is_regular_file(m[1].str())) {
      ADD_FAILURE() << where << ": no file " << m[1];
    } else {
      const std::string id = m[2].str().substr(m[2].str().rfind(':') == std::string::npos ? 0 : m[2].str().rfind(':') + 1);
      if (!std::regex_search(read_all(m[1].str()), std::regex("\\b" + id + "\\b")))
        ADD_FAILURE() << where << ": " << m[1] << " does not contain " << id;
    }
    const std::string& test = cells[n - 2];
    if (!std::regex_match(test, m, test_cell))
      ADD_FAILURE() << where << ": test cell \"" << test << "\" is not one `Suite.Name`";
    else if (!test_exists(m[1], m[2]))
      ADD_FAILURE() << where << ": no TEST, TEST_F or TEST_P (" << m[1] << ", " << m[2] << ") in tests/";
    const std::string& doc = cells[n - 1];
    if (!std::regex_match(doc, m, doc_cell)) {
      ADD_FAILURE() << where << ": doc cell \"" << doc << "\" is not one `docs/<name>.md#anchor`";
    } else {
      const std::string missing = check_target(m[1], m[2].matched ? m[2].str() : "");
      if (!missing.empty()) ADD_FAILURE() << where << ": " << missing;
    }
  }
  EXPECT_GE(rows, 10u) << "the \"Paper to code\" table has too few rows";
}

// A test file cut into its top-level blocks: a block starts at a line in column 0 that is not a
// comment, a preprocessor line or a namespace, and ends where its braces close.  The key is the TEST's "Suite.Name", or the identifier
// before the first '(' of a helper's header (a function, or the struct name for a fixture).
std::map<std::string, std::string> top_level_blocks(const fs::path& file) {
  std::map<std::string, std::string> blocks;
  const std::vector<std::string> lines = read_lines(file);
  const std::regex test_header(R"(^TEST(?:_F|_P)?\(\s*([A-Za-z0-9_]+)\s*,\s*([A-Za-z0-9_]+)\s*\))");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == ' ' || l[0] == '/' || l[0] == '#' || l[0] == '}' || l.rfind("namespace", 0) == 0 ||
        l.rfind("using ", 0) == 0)
      continue;
    std::string key;
    std::smatch m;
    if (std::regex_search(l, m, test_header)) {
      key = m[1].str() + "." + m[2].str();
    } else {
      const std::size_t paren = l.find('(');
      const std::string head = l.substr(0, paren == std::string::npos ? l.size() : paren);
      static const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*");
      std::sregex_iterator it(head.begin(), head.end(), identifier), end;
      for (; it != end; ++it) key = it->str();  // the last identifier before '(' names it
    }
    // The block runs until its braces close, or to its first ';' outside braces (a declaration or a
    // macro call such as INSTANTIATE_TEST_SUITE_P over several lines).  Braces inside strings and
    // comments are rare enough in tests/ to ignore.
    std::string body;
    int depth = 0;
    bool opened = false;
    std::size_t j = i;
    for (; j < lines.size(); ++j) {
      body += lines[j] + "\n";
      for (char c : lines[j]) {
        if (c == '{') ++depth, opened = true;
        if (c == '}') --depth;
      }
      if (opened && depth <= 0) break;
      if (!opened && !lines[j].empty() && lines[j].back() == ';') break;
    }
    if (!key.empty()) blocks[key] += body;
    i = j;
  }
  return blocks;
}

bool mentions(const std::string& text, const std::string& id) {
  return std::regex_search(text, std::regex("\\b" + id + "\\b"));
}

// Where the README table's test `suite.name` calls `id`: "" if it does (in its body, or one helper of
// its file that the body names), else what was looked at.
std::string test_calls(const std::string& suite, const std::string& name, const std::string& id) {
  for (const auto& e : fs::directory_iterator("tests")) {
    if (e.path().extension() != ".cpp") continue;
    const auto blocks = top_level_blocks(e.path());
    const auto test = blocks.find(suite + "." + name);
    if (test == blocks.end()) continue;
    if (mentions(test->second, id)) return "";
    for (const auto& [helper, body] : blocks)
      if (helper.find('.') == std::string::npos && helper != id && mentions(test->second, helper) && mentions(body, id))
        return "";
    return e.path().generic_string() + ": the body of " + suite + "." + name + " (and the helpers of that file it names) never calls " + id;
  }
  return "no TEST, TEST_F or TEST_P (" + suite + ", " + name + ") in tests/";
}

TEST(ReadmeTable, EachRowsTestCallsItsFunction) {
  const std::vector<std::string> lines = read_lines("README.md");
  std::size_t i = 0;
  while (i < lines.size() && lines[i] != "## Paper to code") ++i;
  while (i < lines.size() && lines[i].rfind("|", 0) != 0) ++i;
  ASSERT_LT(i, lines.size()) << "README.md, \"Paper to code\": no table";
  const std::regex function_cell(R"(([A-Za-z0-9_./-]+\.(?:h|cpp)):([A-Za-z_][A-Za-z0-9_:]*))");
  const std::regex test_cell(R"(([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*))");
  std::size_t checked = 0;
  for (i += 2; i < lines.size() && lines[i].rfind("|", 0) == 0; ++i) {
    const std::vector<std::string> cells = table_cells(lines[i]);
    if (cells.size() < 3) continue;
    const std::size_t n = cells.size();
    std::smatch f, t;
    if (!std::regex_match(cells[n - 3], f, function_cell) || !std::regex_match(cells[n - 2], t, test_cell)) continue;
    const std::string qualified = f[2].str();
    const std::string id = qualified.substr(qualified.rfind(':') == std::string::npos ? 0 : qualified.rfind(':') + 1);
    const std::string problem = test_calls(t[1], t[2], id);
    EXPECT_EQ(problem, "") << "README.md:" << i + 1 << " (" << cells.front() << "): the row names " << cells[n - 3]
                           << " and the test " << cells[n - 2] << ", which does not call it. Name a test that does.";
    ++checked;
  }
  EXPECT_GE(checked, 10u);
}

TEST(ReadmeTable, TheBodyCheckerFindsCallsInBodiesAndOneHelperDeep) {  // the checker itself
  const std::string dir = ::testing::TempDir() + "rl_readme_rows";
  fs::create_directories(dir);
  std::ofstream(dir + "/t.cpp") << "namespace rl {\nint helper() {\n  return deep_fn(1);\n}\n\n"
                                   "TEST(S, Direct) {\n  EXPECT_EQ(direct_fn(2), 2);\n}\n\n"
                                   "TEST(S, ViaHelper) {\n  EXPECT_EQ(helper(), 1);\n}\n\n"
                                   "INSTANTIATE_TEST_SUITE_P(All, P,\n    testing::Values(1));\n"
                                   "TEST(S, Neither) {\n  EXPECT_EQ(other_fn(), 1);\n}\n}  // namespace rl\n";
  const auto blocks = top_level_blocks(dir + "/t.cpp");
  ASSERT_EQ(blocks.count("S.Direct"), 1u);
  ASSERT_EQ(blocks.count("helper"), 1u);
  ASSERT_EQ(blocks.count("S.Neither"), 1u) << "a multi-line macro call must not swallow the next test";
  EXPECT_TRUE(mentions(blocks.at("S.Direct"), "direct_fn"));
  EXPECT_FALSE(mentions(blocks.at("S.Neither"), "direct_fn"));
  EXPECT_TRUE(mentions(blocks.at("S.ViaHelper"), "helper") && mentions(blocks.at("helper"), "deep_fn"));
  fs::remove_all(dir);
}

// Every provenance tag that stands for an outside source names it: [REL] the authors' repository, its
// commit and file; [REV] the review page; [CAP] the arXiv version (docs/paper.md#provenance-tags).
TEST(DocsLinks, ProvenanceTagsNameTheirSources) {
  std::map<std::string, std::string> rows;
  for (const std::string& line : read_lines("docs/paper.md"))
    for (const char* tag : {"[REL]", "[REV]", "[CAP]"})
      if (line.rfind(std::string("| ") + tag + " |", 0) == 0) rows[tag] = line;
  const std::map<std::string, std::vector<std::string>> needs = {
      {"[REL]", {"https://github.com/", "main.py", "commit "}},
      {"[REV]", {"https://openreview.net/forum?id="}},
      {"[CAP]", {"arXiv:2310.08513v", "https://arxiv.org/abs/2310.08513v"}}};
  for (const auto& [tag, parts] : needs) {
    ASSERT_TRUE(rows.count(tag)) << "docs/paper.md: the provenance table has no row for " << tag;
    for (const std::string& part : parts)
      EXPECT_NE(rows[tag].find(part), std::string::npos) << "docs/paper.md: the " << tag << " row does not name its source ("
                                                         << part << "...): " << rows[tag];
  }
  const std::regex commit(R"(commit [0-9a-f]{40})");
  EXPECT_TRUE(std::regex_search(rows["[REL]"], commit)) << "the [REL] row must give the full 40-digit commit it was read at";
}

// The README's "`make test` ends with `[  PASSED  ] N tests.`" is this binary's own count of tests.
TEST(ReadmeTable, TestCountIsTheSuites) {
  const std::regex stated(R"(\[  PASSED  \] ([0-9]+) tests\.)");
  std::smatch m;
  const std::string readme = read_all("README.md");
  ASSERT_TRUE(std::regex_search(readme, m, stated)) << "README.md does not state the suite's test count";
  EXPECT_EQ(std::stoi(m[1].str()), ::testing::UnitTest::GetInstance()->total_test_count())
      << "README.md says the suite has " << m[1] << " tests; this build has "
      << ::testing::UnitTest::GetInstance()->total_test_count() << ": update the README";
}

TEST(ReadmeTable, SlugsFollowGithubRules) {  // the checker itself, on hand-made headings
  const std::set<std::string> a = anchors_of({"# The paper", "## Fig. 1", "### RNN model", "## Fig. 1",
                                              "## Cell-type model (`cell_types.h`)", "```", "# not a heading", "```",
                                              "<a id=\"trial-machinery\"></a>", "## [Linked](x.md) text"});
  EXPECT_EQ(a, (std::set<std::string>{"the-paper", "fig-1", "fig-1-1", "rnn-model", "cell-type-model-cell_typesh",
                                       "trial-machinery", "linked-text"}));
  EXPECT_EQ(nearest_anchors({"fig-1", "fig-2", "training"}, "fig-5"), "#fig-1, #fig-2, #training");
}

}  // namespace
