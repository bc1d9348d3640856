// The report's vital-sign trend charts (report/trend_chart.h): a chart per bed with a shaded,
// labelled rect per flagged window, the table's statistics over the window's minutes, the bounds,
// and beds read back from a store the run wrote.
#include "report/trend_chart.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "vitals/store.h"

namespace medtap::report {
namespace {

constexpr int64_t kT0 = 1764000000;  // 2025-11-24T16:00:00Z, a minute boundary

vitals::TrendRow row(const std::string& device, const std::string& parameter, int minute,
                     double min, double mean, double max) {
  return {"ICU/07", device, parameter, "/min", kT0 + 60 * minute, min, mean, max, 6};
}

BedTrend bed() {
  BedTrend b;
  b.bed = "ICU/07";
  b.alerts = 1;
  for (int m = 0; m < 30; ++m) {
    b.trend.push_back(row("10.1.2.12", "heart_rate", m, 70, 72, 75));
    b.trend.push_back(row("10.1.2.12", "spo2", m, 96, 97, 98));
  }
  b.trend[20 * 2] = row("10.1.2.12", "heart_rate", 20, 70, 100, 240);  // the spike's minute
  b.flags.push_back({"ICU/07", "10.1.2.12", "heart_rate", 9000602, "impossible_change",
                     kT0 + 20 * 60 + 10, kT0 + 20 * 60 + 40});
  b.flags.push_back(
      {"ICU/07", "10.1.2.12", "", 9000603, "frozen_stream", kT0 + 25 * 60, kT0 + 29 * 60});
  return b;
}

TEST(TrendChart, ShadesEveryFlaggedWindowAndTabulatesIt) {
  VitalsTrends t;
  t.beds.push_back(bed());
  const auto figs = trendFigures(t);
  ASSERT_EQ(figs.size(), 1u);
  const TrendFigure& f = figs[0];
  EXPECT_EQ(f.title, "Bed ICU/07: 10.1.2.12");
  EXPECT_NE(f.svg.find("class=\"vitals-trend\" data-bed=\"ICU/07\""), std::string::npos);
  EXPECT_NE(f.svg.find("data-check=\"impossible_change\" data-sid=\"9000602\" "
                       "data-device=\"10.1.2.12\" data-parameter=\"heart_rate\" data-start=\"" +
                       std::to_string(kT0 + 1210) + "\" data-end=\"" + std::to_string(kT0 + 1240)),
            std::string::npos)
      << f.svg;
  EXPECT_NE(f.svg.find("data-check=\"frozen_stream\""), std::string::npos);
  EXPECT_NE(f.svg.find(">impossible_change</text>"), std::string::npos);
  EXPECT_NE(f.svg.find("class=\"vitals-mean\""), std::string::npos);
  EXPECT_EQ(f.svg.rfind("</svg>"), f.svg.size() - 6);
  EXPECT_NE(f.svg.find(">10.1.2.12</text>"), std::string::npos);  // the legend names the device
  // The spike's window: one row, the spike minute's statistics.
  ASSERT_GE(f.rows.size(), 3u);
  EXPECT_EQ(f.rows[0], (std::vector<std::string>{
                           "ICU/07", "heart_rate (/min)", "2025-11-24T16:20:10Z - 16:20:40",
                           "impossible_change (9000602)", "70", "100", "240"}));
  // The frozen window names no parameter: a row for each drawn parameter, over minutes 25-29.
  EXPECT_EQ(f.rows[1][1], "heart_rate (/min)");
  EXPECT_EQ(f.rows[1][4], "70");
  EXPECT_EQ(f.rows[1][5], "72");
  EXPECT_EQ(f.rows[2][1], "spo2 (/min)");
  EXPECT_EQ(trendTableHeader().size(), f.rows[0].size());
}

// A blood pressure taken every 15 minutes is a row of lone minutes: each must still show.
TEST(TrendChart, LoneReadingsAreMarked) {
  VitalsTrends t;
  BedTrend b = bed();
  for (int m = 0; m < 30; m += 15)
    b.trend.push_back(row("10.1.2.12", "nibp_systolic", m, 118, 120, 121));
  t.beds.push_back(b);
  const auto figs = trendFigures(t);
  ASSERT_EQ(figs.size(), 1u);
  size_t marks = 0;
  for (size_t at = 0;
       (at = figs[0].svg.find("<circle class=\"vitals-mean\"", at)) != std::string::npos; ++at)
    ++marks;
  EXPECT_EQ(marks, 2u);
}

TEST(TrendChart, TextFromTheStoreIsEscaped) {
  VitalsTrends t;
  BedTrend b = bed();
  b.bed = "<b>&\"";
  for (auto& r : b.trend) r.bed = b.bed;
  t.beds.push_back(b);
  const auto figs = trendFigures(t);
  ASSERT_EQ(figs.size(), 1u);
  EXPECT_EQ(figs[0].svg.find("<b>"), std::string::npos);
  EXPECT_NE(figs[0].svg.find("data-bed=\"&lt;b&gt;&amp;&quot;\""), std::string::npos);
}

TEST(TrendChart, LongRunsAreFoldedIntoBoundedPoints) {
  VitalsTrends t;
  BedTrend b;
  b.bed = "ICU/01";
  for (int m = 0; m < 3 * 24 * 60; ++m)
    b.trend.push_back(row("10.1.2.1", "heart_rate", m, 1, 2, 3));
  t.beds.push_back(b);
  const auto figs = trendFigures(t);
  ASSERT_EQ(figs.size(), 1u);
  EXPECT_NE(figs[0].svg.find("per 12 min"), std::string::npos);
  EXPECT_LT(figs[0].svg.size(), 60'000u);
}

TEST(TrendChart, LoadsTheFlaggedBedsOfTheRunFromTheStore) {
  const std::string db =
      ::testing::TempDir() + "trend_chart_test_" + std::to_string(::getpid()) + ".db";
  std::remove(db.c_str());
  {
    auto store = vitals::TrendStore::open(db);
    ASSERT_TRUE(store) << store.error();
    BedTrend b = bed();
    std::vector<vitals::TrendRow> rows = b.trend;
    rows.push_back({"ICU/09", "10.1.2.14", "heart_rate", "/min", kT0, 60, 61, 62, 6});
    ASSERT_TRUE((*store)->save(rows, b.flags));
  }
  Collector c;
  events::AlertRecord a;
  a.signature_id = 9000602;
  a.device_id = "ip:10.1.2.12";
  a.evidence = {{"summary", "..."}, {"bed", "ICU/07"}};
  c.emit(events::Event{Timestamp::fromSeconds(kT0 + 5), std::nullopt, a});
  c.emit(events::Event{Timestamp::fromSeconds(kT0 + 30 * 60), std::nullopt, a});
  auto t = loadVitalsTrends(db, c);
  ASSERT_TRUE(t) << t.error();
  ASSERT_EQ(t->beds.size(), 1u);  // ICU/09 has no alert
  EXPECT_EQ(t->beds[0].bed, "ICU/07");
  EXPECT_EQ(t->beds[0].trend.size(), 60u);
  EXPECT_EQ(t->beds[0].flags.size(), 2u);
  std::remove(db.c_str());
}

}  // namespace
}  // namespace medtap::report
