// The simulator's own pseudo-random numbers and distributions. std:: distributions are not
// specified bit-for-bit and differ between standard libraries, so a capture made with one seed
// would differ between builds; everything here uses integer arithmetic and IEEE +,-,*,/ only
// (no libm), which every conforming platform computes identically.
#pragma once

#include <cstdint>

namespace medtap::simulate {

// SplitMix64 (Steele, Lea, Flood 2014): used to expand a seed into xoshiro state and to derive
// independent streams from (seed, stream id).
constexpr uint64_t splitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stateless 64-bit mix of one value (the SplitMix64 finaliser): cheap hashing for derived ids.
constexpr uint64_t mix64(uint64_t v) {
  uint64_t s = v;
  return splitMix64(s);
}

// xoshiro256** 1.0 (Blackman and Vigna, 2018): fast, small state, good statistical quality.
class Rng {
 public:
  explicit constexpr Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (auto& w : s_) w = splitMix64(sm);
  }

  // An independent generator for one purpose (a device, a patient), so that adding a device
  // does not shift every other device's numbers.
  constexpr Rng fork(uint64_t stream_id) const {
    return Rng(mix64(s_[0] ^ mix64(stream_id + 0x632BE59BD9B4E019ULL)));
  }

  constexpr uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [lo, hi] (inclusive). Lemire's multiply-shift; the bias for the small
  // ranges used here is below 2^-40 and does not matter for a simulation.
  int64_t range(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<int64_t>(next());  // the full 64-bit range
    const unsigned __int128 m = static_cast<unsigned __int128>(next()) * span;
    return lo + static_cast<int64_t>(static_cast<uint64_t>(m >> 64));
  }

  // True with probability p.
  bool chance(double p) { return uniform() < p; }

  // Approximately normal: Irwin-Hall sum of 12 uniforms (mean 6, variance 1). Tails end at
  // +-6 sd, which suits physiology (no absurd outliers) and avoids log/sqrt/cos.
  double normal(double mean, double sd) {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return mean + sd * (sum - 6.0);
  }

  // Exponential with the given mean (Poisson inter-arrival times), via our own logarithm.
  double exponential(double mean) { return -mean * naturalLog(1.0 - uniform()); }

  // ln(x) for x in (0, 1]: x = m * 2^e with m in [1, 2), ln m by the atanh series, which
  // converges quickly for m in [1, 2). Accurate to ~1e-12, more than a simulation needs.
  static double naturalLog(double x) {
    if (x <= 0) return -745.0;  // ln of the smallest double: caps exponential() at a finite value
    int e = 0;
    while (x < 1.0) {
      x *= 2.0;
      --e;
    }
    while (x >= 2.0) {
      x *= 0.5;
      ++e;
    }
    const double y = (x - 1.0) / (x + 1.0);
    const double y2 = y * y;
    double term = y, sum = 0;
    for (int k = 1; k < 40; k += 2) {
      sum += term / k;
      term *= y2;
    }
    constexpr double kLn2 = 0.69314718055994530942;
    return 2.0 * sum + e * kLn2;
  }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4]{};
};

}  // namespace medtap::simulate
