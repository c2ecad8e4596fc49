// Tests for nn/connectivity/connectivity_csv: the small CSV reader of the shipped data files.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "nn/connectivity/connectivity_csv.h"
#include "connectivity_test_helpers.h"

namespace rl {
namespace {

using testing::error_of;

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

TEST(ConnectivityCsv, RangeCheckedAccessorsNameFileLineColumnAndValue) {
  const CsvTable t = parse("p,n,s\n0.5,3,1\n-0.5,12,7\n", "r.csv");
  EXPECT_EQ(t.number_in(0, 0, 0.0, 1.0), 0.5);
  EXPECT_EQ(t.integer_in(0, 1, 0, 10), 3);
  EXPECT_EQ(t.sign(0, 2), 1);
  EXPECT_TRUE(testing::Mentions(error_of([&] { t.number_in(1, 0, 0.0, 1.0); }), {"r.csv:3: p = -0.5 is outside [0, 1]"}));
  EXPECT_TRUE(testing::Mentions(error_of([&] { t.integer_in(1, 1, 0, 10); }), {"r.csv:3: n = 12 is outside [0, 10]"}));
  EXPECT_TRUE(testing::Mentions(error_of([&] { t.sign(1, 2); }), {"r.csv:3: s = 7 must be 1 or -1"}));
  EXPECT_TRUE(testing::Mentions(error_of([&] { t.text(5, 0); }), {"r.csv", "row 5", "2 rows"}));
}

TEST(ConnectivityCsv, RejectsNulBytesAndShowsThemEscaped) {
  EXPECT_TRUE(testing::Mentions(error_of([] { parse(std::string("a,b\n1,2\0" "3\n", 11), "n.csv"); }),
                                {"n.csv:2", "NUL byte at column 4"}));
  CsvTable t;  // built by hand: number() itself must not stop at the NUL
  t.source = "h.csv";
  t.header = {"w"};
  t.rows = {{std::string("12\0" "34", 5)}};
  t.line = {2};
  EXPECT_TRUE(testing::Mentions(error_of([&] { t.number(0, 0); }), {"h.csv:2", "'12\\x0034'", "not a finite number"}));
  EXPECT_TRUE(testing::Mentions(error_of([&] { t.integer(0, 0); }), {"h.csv:2", "not an integer"}));
}

TEST(ConnectivityCsv, ReadCsvRefusesDirectoriesAndDevices) {
  testing::TempDir dir("csv");
  EXPECT_TRUE(testing::Mentions(error_of([&] { read_csv(dir.str()); }),
                                {"CSV file '" + dir.str() + "': is a directory, not a regular file"}));
  EXPECT_TRUE(testing::Mentions(error_of([] { read_csv("/dev/zero"); }), {"/dev/zero", "character device"}));
}

}  // namespace
}  // namespace rl
