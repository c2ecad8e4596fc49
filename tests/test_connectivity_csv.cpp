// Tests for nn/connectivity/connectivity_csv: the small CSV reader of the shipped data files.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "nn/connectivity/connectivity_csv.h"

namespace rl {
namespace {

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

CsvTable parse(const std::string& text, const std::string& name = "t.csv") {
  std::istringstream in(text);
  return parse_csv(in, name);
}

TEST(ConnectivityCsv, ParsesHeaderRowsAndCrlfLineEnds) {
  const CsvTable t = parse("pre,post,w\r\n2,0,-2980\r\n\r\n5,0,2860\r\n");
  ASSERT_EQ(t.header.size(), 3u);
  EXPECT_EQ(t.header[2], "w");
  ASSERT_EQ(t.num_rows(), 2u);
  EXPECT_EQ(t.integer(0, t.column("pre")), 2);
  EXPECT_DOUBLE_EQ(t.number(1, t.column("w")), 2860.0);
  EXPECT_EQ(t.line[1], 4u);  // the blank line 3 is skipped but counted
  EXPECT_EQ(t.where(1), "t.csv:4");
}

TEST(ConnectivityCsv, RejectsRowWithWrongFieldCountNamingFileAndLine) {
  const std::string msg = error_of([] { parse("a,b\n1,2\n3\n", "edges.csv"); });
  EXPECT_NE(msg.find("edges.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed"), std::string::npos) << msg;
}

TEST(ConnectivityCsv, RejectsEmptyField) {
  const std::string msg = error_of([] { parse("a,b\n1,\n", "x.csv"); });
  EXPECT_NE(msg.find("x.csv:2"), std::string::npos) << msg;
}

TEST(ConnectivityCsv, RejectsNonNumericAndNonIntegerFieldsNamingTheColumn) {
  const CsvTable t = parse("pre,w\n1.5,abc\n");
  const std::string bad_number = error_of([&] { t.number(0, 1); });
  EXPECT_NE(bad_number.find("'w'"), std::string::npos) << bad_number;
  EXPECT_NE(bad_number.find("t.csv:2"), std::string::npos) << bad_number;
  EXPECT_NE(error_of([&] { t.integer(0, 0); }).find("not an integer"), std::string::npos);
  EXPECT_NE(error_of([&] { t.column("post"); }).find("no column named 'post'"), std::string::npos);
}

TEST(ConnectivityCsv, RejectsEmptyInput) {
  EXPECT_NE(error_of([] { parse("", "empty.csv"); }).find("empty.csv"), std::string::npos);
}

TEST(ConnectivityCsv, MissingDataFileNamesPathTriedAndHowToOverride) {
  const std::string msg = error_of([] { connectivity_data_path("/nonexistent/dir", "celltypes/x.csv"); });
  EXPECT_NE(msg.find("/nonexistent/dir/celltypes/x.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("data_dir"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--data-dir"), std::string::npos) << msg;
}

TEST(ConnectivityCsv, FindsShippedDataFromRepositoryRoot) {
  // The suite runs from the repository root (make test); the default must resolve there.
  const std::string path =
      connectivity_data_path(kDefaultConnectivityDataDir, "connectomes/v1dd_l23_l4_198/edges_l23_l4.csv");
  EXPECT_EQ(read_csv(path).num_rows(), 5573u);
}

}  // namespace
}  // namespace rl
