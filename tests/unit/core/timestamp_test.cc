#include "core/timestamp.h"

#include <gtest/gtest.h>

namespace medtap {
namespace {

TEST(Timestamp, FormatsAsEveWantsIt) {
  // 2025-11-25T10:00:02.022903 UTC
  auto t = Timestamp::fromSecNs(1764064802, 22903123);
  EXPECT_EQ(formatIso8601(t), "2025-11-25T10:00:02.022903+0000");
  EXPECT_EQ(formatIso8601(Timestamp{0}), "1970-01-01T00:00:00.000000+0000");
  EXPECT_EQ(formatIso8601(Timestamp::fromSeconds(951782400)), "2000-02-29T00:00:00.000000+0000");
}

TEST(Timestamp, NegativeTimesFloorToTheSecondBefore) {
  auto t = Timestamp{-1};  // one nanosecond before the epoch
  EXPECT_EQ(t.seconds(), -1);
  EXPECT_EQ(formatIso8601(t), "1969-12-31T23:59:59.999999+0000");
}

}  // namespace
}  // namespace medtap
