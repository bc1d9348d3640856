// Packet time. Nanoseconds since the Unix epoch in one integer: enough for captures until 2262,
// cheap to compare and subtract. Never the wall clock: every time in medtap is a packet's time.
#pragma once

#include <cstdint>
#include <string>

namespace medtap {

struct Timestamp {
  int64_t ns = 0;

  static constexpr int64_t kNsPerSec = 1'000'000'000;
  static constexpr Timestamp fromSecNs(int64_t sec, int64_t nsec) {
    return {sec * kNsPerSec + nsec};
  }
  static constexpr Timestamp fromSeconds(int64_t sec) { return {sec * kNsPerSec}; }
  constexpr int64_t seconds() const {
    return ns >= 0 ? ns / kNsPerSec : -((-ns + kNsPerSec - 1) / kNsPerSec);
  }

  friend constexpr auto operator<=>(Timestamp, Timestamp) = default;
};

// A length of time in nanoseconds.
struct Duration {
  int64_t ns = 0;
  static constexpr Duration seconds(int64_t s) { return {s * Timestamp::kNsPerSec}; }
  friend constexpr auto operator<=>(Duration, Duration) = default;
};

constexpr Timestamp operator+(Timestamp t, Duration d) {
  return {t.ns + d.ns};
}
constexpr Duration operator-(Timestamp a, Timestamp b) {
  return {a.ns - b.ns};
}

// ISO 8601 in UTC with microseconds, as EVE wants it: 2025-11-25T10:00:02.022903+0000.
std::string formatIso8601(Timestamp t);
// Appends the same text to out without an intermediate string (the event hot path).
void appendIso8601(std::string& out, Timestamp t);

}  // namespace medtap
