#include "simulate/rng.h"

#include <cmath>

#include <gtest/gtest.h>

namespace medtap::simulate {
namespace {

TEST(SimulateRngTest, SameSeedSameSequenceAndDifferentSeedsDiffer) {
  Rng a(42), b(42), c(43);
  bool any_diff = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    any_diff |= x != c.next();
  }
  EXPECT_TRUE(any_diff);
}

TEST(SimulateRngTest, KnownFirstValuesPinTheAlgorithm) {
  // If these change, every capture changes: the determinism contract across versions.
  uint64_t sm = 0;
  EXPECT_EQ(splitMix64(sm), 0xE220A8397B1DCDAFULL);  // SplitMix64 reference, seed 0
  Rng r(0);
  const uint64_t first = r.next();
  Rng again(0);
  EXPECT_EQ(first, again.next());
  EXPECT_NE(first, 0u);
}

TEST(SimulateRngTest, ForksAreIndependentAndStable) {
  Rng base(7);
  Rng f1 = base.fork(1), f1b = base.fork(1), f2 = base.fork(2);
  EXPECT_EQ(f1.next(), f1b.next());
  EXPECT_NE(f1.next(), f2.next());
}

TEST(SimulateRngTest, RangeStaysInBoundsAndCoversThem) {
  Rng r(1);
  bool seen_lo = false, seen_hi = false;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = r.range(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen_lo |= v == -3;
    seen_hi |= v == 3;
  }
  EXPECT_TRUE(seen_lo && seen_hi);
}

TEST(SimulateRngTest, NormalHasTheRequestedMeanAndSpread) {
  Rng r(3);
  double sum = 0, sq = 0;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) {
    const double v = r.normal(10.0, 2.0);
    sum += v;
    sq += v * v;
  }
  const double mean = sum / kN;
  const double sd = std::sqrt(sq / kN - mean * mean);
  EXPECT_NEAR(mean, 10.0, 0.05);
  EXPECT_NEAR(sd, 2.0, 0.05);
}

TEST(SimulateRngTest, OwnLogarithmMatchesLibm) {
  for (double x : {1e-300, 1e-9, 0.001, 0.25, 0.5, 0.75, 0.999999, 1.0}) {
    EXPECT_NEAR(Rng::naturalLog(x), std::log(x), 1e-9 * std::max(1.0, std::fabs(std::log(x)))) << x;
  }
}

TEST(SimulateRngTest, ExponentialHasTheRequestedMean) {
  Rng r(5);
  double sum = 0;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) {
    const double v = r.exponential(3.0);
    ASSERT_GE(v, 0.0);
    sum += v;
  }
  EXPECT_NEAR(sum / kN, 3.0, 0.1);
}

}  // namespace
}  // namespace medtap::simulate
