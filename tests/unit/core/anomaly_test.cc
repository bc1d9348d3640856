#include "core/anomaly.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace medtap {
namespace {

TEST(Anomaly, NamesAreUniqueSnakeCase) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < kAnomalyCount; ++i) {
    auto name = anomalyName(static_cast<Anomaly>(i));
    EXPECT_TRUE(seen.insert(name).second) << name;
    for (char c : name)
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << name;
    EXPECT_FALSE(anomalyDescription(static_cast<Anomaly>(i)).empty());
  }
  EXPECT_EQ(anomalyName(Anomaly::TcpOverlapConflict), "tcp_overlap_conflict");
}

TEST(AnomalyCounters, AddAndMerge) {
  AnomalyCounters a, b;
  a.add(Anomaly::TcpGap);
  a.add(Anomaly::TcpGap, 2);
  b.add(Anomaly::TruncatedIpv4);
  a.merge(b);
  EXPECT_EQ(a.get(Anomaly::TcpGap), 3u);
  EXPECT_EQ(a.get(Anomaly::TruncatedIpv4), 1u);
  EXPECT_EQ(a.total(), 4u);
}

}  // namespace
}  // namespace medtap
