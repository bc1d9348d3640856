// core/csv: the RFC 4180 writer (the reader is exercised by the OUI registry and asset lists).
#include "core/csv.h"

#include <gtest/gtest.h>

namespace medtap {
namespace {

std::string field(std::string_view v) {
  std::string out;
  appendCsvField(out, v);
  return out;
}

TEST(CsvWriter, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field("GE Healthcare"), "GE Healthcare");
  EXPECT_EQ(field("10.0.0.1,10.0.0.2"), "\"10.0.0.1,10.0.0.2\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(field("cr\r"), "\"cr\r\"");
}

TEST(CsvWriter, FormulasAreDefused) {
  EXPECT_EQ(field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(field("+1"), "\"'+1\"");
  EXPECT_EQ(field("-cmd"), "\"'-cmd\"");
  EXPECT_EQ(field("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(field("\tx"), "\"'\tx\"");
  EXPECT_EQ(field("a=b"), "a=b");  // only a leading character starts a formula
}

TEST(CsvWriter, RecordsEndWithCrlfAndReadBack) {
  std::string out;
  appendCsvRecord(out, {"id", "ips"});
  appendCsvRecord(out, {"mac:00:00:00:00:00:01", "10.0.0.1,10.0.0.2"});
  EXPECT_EQ(out, "id,ips\r\nmac:00:00:00:00:00:01,\"10.0.0.1,10.0.0.2\"\r\n");
  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(forEachCsvRow(out, [&](size_t, std::vector<std::string>& f) { rows.push_back(f); }));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "10.0.0.1,10.0.0.2");
}

TEST(CsvReader, QuoteNeverClosedIsAnErrorWithItsLine) {
  auto s = forEachCsvRow("a,b\n1,\"2\n3,4\n", [](size_t, std::vector<std::string>&) {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "line 2: a quoted field is never closed");
}

}  // namespace
}  // namespace medtap
