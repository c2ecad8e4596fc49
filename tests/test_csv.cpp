#include "demos/toolkit/csv.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace rl {
namespace {

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Awkward doubles whose bits must survive write -> read unchanged.
std::vector<double> awkward_values() {
  return {0.0,
          -0.0,
          1e-310,                                         // subnormal
          std::numeric_limits<double>::denorm_min(),      // smallest subnormal, 4.9e-324
          std::numeric_limits<double>::min(),             // smallest normal
          1e308,
          std::numeric_limits<double>::max(),
          -std::numeric_limits<double>::max(),
          0.1,
          1.0 / 3.0,
          -2.0 / 3.0 * 1e-200,
          123456789012345678.0,
          std::nextafter(1.0, 2.0)};
}

TEST(CsvFormat, NumbersRoundTripBitIdentically) {
  for (double v : awkward_values()) {
    const double back = parse_number(format_number(v));
    EXPECT_EQ(bits(back), bits(v)) << format_number(v);
  }
}

TEST(CsvFormat, SpecialValuesHaveFixedSpellings) {
  EXPECT_EQ(format_number(-0.0), "-0");
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(format_number(INFINITY), "inf");
  EXPECT_EQ(format_number(-INFINITY), "-inf");
  EXPECT_TRUE(std::isnan(parse_number("nan")));
  EXPECT_EQ(parse_number("-inf"), -INFINITY);
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(300.0), "300");
}

TEST(CsvFormat, ShortFormIsShortestThatRoundTrips) {
  EXPECT_EQ(format_number(0.05), "0.050000000000000003");
  EXPECT_EQ(format_number_short(0.05), "0.05");
  EXPECT_EQ(format_number_short(-0.0), "-0");
  EXPECT_EQ(format_number_short(1e-310), "1e-310");
  EXPECT_EQ(format_number_short(100.0), "100");
  EXPECT_EQ(format_number_short(1e6), "1e6");
  EXPECT_EQ(format_number_short(-std::nan("")), "nan");  // as format_number: never glibc's "-nan"
  EXPECT_EQ(format_number_short(-INFINITY), "-inf");
  EXPECT_EQ(format_number_short(-2.5e-7), "-2.5e-7");
  for (double v : awkward_values()) EXPECT_EQ(bits(parse_number(format_number_short(v))), bits(v)) << v;
}

TEST(CsvFormat, ParseNumberRejectsNonNumbersNamingTheInput) {
  for (const char* bad : {"", "abc", "1.5x", " 1", "1 ", "1,5", "1e999"}) {
    try {
      parse_number(bad, "column 'dW'");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("column 'dW'"), std::string::npos) << e.what();
    }
  }
}

TEST(CsvWriter, TableRoundTripsAwkwardValuesStringsAndLongLists) {
  CsvWriter w({"name", "index", "value"});
  const std::vector<double> values = awkward_values();
  for (std::size_t i = 0; i < values.size(); ++i) w.add_row({"v" + std::to_string(i), i, values[i]});
  w.add_row({"has,comma", -1, NAN});
  w.add_row({"has \"quote\"", -2, -INFINITY});
  constexpr std::size_t kLong = 5000;  // a long list, as a loss curve would be
  for (std::size_t i = 0; i < kLong; ++i) w.add_row({"curve", i, std::sin(static_cast<double>(i)) * 1e-3});

  const ResultTable t = parse_result_csv(w.to_string(), "mem.csv");
  ASSERT_EQ(t.header, (std::vector<std::string>{"name", "index", "value"}));
  ASSERT_EQ(t.rows.size(), values.size() + 2 + kLong);
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(bits(t.number(i, "value")), bits(values[i])) << i;
  EXPECT_EQ(t.cell(values.size(), "name"), "has,comma");
  EXPECT_TRUE(std::isnan(t.number(values.size(), "value")));
  EXPECT_EQ(t.cell(values.size() + 1, "name"), "has \"quote\"");
  EXPECT_EQ(t.number(values.size() + 1, "value"), -INFINITY);
  for (std::size_t i = 0; i < kLong; ++i)
    ASSERT_EQ(bits(t.number(values.size() + 2 + i, "value")), bits(std::sin(static_cast<double>(i)) * 1e-3));
  EXPECT_EQ(t.line_numbers[0], 2u);  // line 1 is the header
}

TEST(CsvWriter, RejectsBadHeadersAndRows) {
  EXPECT_THROW(CsvWriter({}), std::invalid_argument);
  EXPECT_THROW(CsvWriter({"a", "a"}), std::invalid_argument);
  EXPECT_THROW(CsvWriter({"a", ""}), std::invalid_argument);
  CsvWriter w({"a", "b"});
  EXPECT_THROW(w.add_row({1}), std::invalid_argument);
  EXPECT_THROW(w.add_row({"line\nbreak", 2}), std::invalid_argument);
  EXPECT_EQ(w.row_count(), 0u);
}

TEST(CsvWriter, AddColumnPutsItsValueInEveryRow) {  // run_sweep's precision and settings columns
  CsvWriter w({"a", "b"});
  w.add_row({"x,y", 2});
  w.add_row({"z", 3});
  w.add_column("c", "k=1;r=1,2");
  EXPECT_EQ(w.to_string(), "a,b,c\n\"x,y\",2,\"k=1;r=1,2\"\nz,3,\"k=1;r=1,2\"\n");
  EXPECT_THROW(w.add_column("a", "1"), std::invalid_argument);
  EXPECT_THROW(w.add_column("d", "line\nbreak"), std::invalid_argument);
  EXPECT_EQ(w.to_string().substr(0, 6), "a,b,c\n");  // a refused column leaves the table as it was
}

// Returns the error message of parse_result_csv on `text` ("" if it parsed).
std::string parse_error(const std::string& text) {
  try {
    parse_result_csv(text, "runs/x.csv");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(CsvReader, MalformedRowsAreRejectedNamingFileAndLine) {
  EXPECT_EQ(parse_error("a,b\n1,2\n3\n"), "runs/x.csv:3: 1 cells, header has 2");
  EXPECT_EQ(parse_error("a,b\n1,2,3\n"), "runs/x.csv:2: 3 cells, header has 2");
  EXPECT_EQ(parse_error("a,b\n\"1,2\n"), "runs/x.csv:2: unterminated quoted cell");
  EXPECT_EQ(parse_error("a,b\n\"1\"x,2\n"), "runs/x.csv:2: text after a closing quote");
  EXPECT_EQ(parse_error("a,b\n1\"x,2\n"), "runs/x.csv:2: quote inside an unquoted cell");
  EXPECT_EQ(parse_error("a,b\n\n1,2\n"), "runs/x.csv:2: empty line");
  EXPECT_EQ(parse_error(""), "runs/x.csv: empty file (no header row)");
  EXPECT_EQ(parse_error("a,,b\n"), "runs/x.csv:1: header has an empty column name");
  EXPECT_EQ(parse_error("a,b\n1,2\n"), "");
  EXPECT_EQ(parse_error("a,b\r\n1,2\r\n"), "");  // CRLF from a spreadsheet is fine
}

TEST(CsvReader, BadNumberCellNamesFileLineAndColumn) {
  const ResultTable t = parse_result_csv("task,dW\n2af,0.5\ndms,oops\n", "res.csv");
  EXPECT_EQ(t.number(0, "dW"), 0.5);
  try {
    t.number(1, "dW");
    ADD_FAILURE() << "accepted 'oops'";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "res.csv:3: column 'dW': 'oops' is not a number");
  }
  EXPECT_THROW(t.column("KA"), std::out_of_range);
}

TEST(CsvReader, ReadsWhatWriterWroteToDisk) {
  const std::string dir = ::testing::TempDir() + "rl_csv_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  CsvWriter w({"x"});
  w.add_row({1e-310});
  w.write(dir + "/sub/t.csv");
  const ResultTable t = read_result_csv(dir + "/sub/t.csv");
  EXPECT_EQ(bits(t.number(0, "x")), bits(1e-310));
  EXPECT_THROW(read_result_csv(dir + "/missing.csv"), std::runtime_error);
  std::filesystem::remove_all(dir);
}

// A run row built from named cells: the header is the names in order, the row the cells, so the two
// cannot drift apart; a record appended keeps its order; a repeated name is refused.
TEST(CsvRecord, HeaderAndRowComeFromTheSameNamedCells) {
  CsvRecord tail;
  tail.add("train_seconds", 1.5);
  CsvRecord row;
  row.add("task", "2af").add("rank", std::size_t{30}).add("dW", 0.125).add(tail);
  const CsvWriter w = row.table();
  EXPECT_EQ(w.to_string(), "task,rank,dW,train_seconds\n2af,30,0.125,1.5\n");
  CsvRecord twice;
  twice.add("rank", 1).add("rank", 2);
  EXPECT_THROW(twice.table(), std::invalid_argument);
}

// A rank read back from results.csv stays a whole number; a cell that is not one is refused by name.
TEST(ResultTable, IntegerReadsWholeNumbersAndRefusesTheRest) {
  const ResultTable t = parse_result_csv("rank,x\n30,30.5\n-2,3e1\n", "r.csv");
  EXPECT_EQ(t.integer(0, "rank"), 30);
  EXPECT_EQ(t.integer(1, "rank"), -2);
  for (std::size_t row : {0, 1}) {
    try {
      t.integer(row, "x");
      ADD_FAILURE() << "no error for row " << row;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("r.csv:" + std::to_string(row + 2) + ": column 'x'"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace rl
