// Property: whatever the segmentation, reordering and duplication, a stream with no loss
// reassembles to exactly the bytes sent, in both directions, with no gap and no anomaly.
// Seeded, so every run plays the same cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "flow_test_util.h"

namespace medtap::flow::testing {
namespace {

constexpr Direction kOrig = Direction::Originator;
constexpr Direction kResp = Direction::Responder;
using Kind = Recorder::Kind;

struct Send {
  Direction dir;
  uint64_t offset;
  size_t len;
  bool fin;
};

struct Case {
  std::string streams[2];
  std::vector<Send> sends;
};

uint64_t pick(std::mt19937_64& rng, uint64_t lo, uint64_t hi) {
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}

Case makeCase(std::mt19937_64& rng) {
  Case c;
  for (Direction dir : {kOrig, kResp}) {
    std::string& s = c.streams[index(dir)];
    s.resize(pick(rng, 0, 5000));
    for (char& ch : s) ch = static_cast<char>(pick(rng, 0, 255));
    const size_t max_seg = pick(rng, 1, 600);
    for (size_t off = 0; off < s.size();) {
      const size_t len = pick(rng, 1, std::min(max_seg, s.size() - off));
      c.sends.push_back({dir, off, len, false});
      off += len;
    }
    // Duplicates and overlapping retransmissions of correct bytes.
    const size_t extra = s.empty() ? 0 : pick(rng, 0, c.sends.size());
    for (size_t i = 0; i < extra; ++i) {
      const size_t start = pick(rng, 0, s.size() - 1);
      c.sends.push_back({dir, start, pick(rng, 1, std::min<size_t>(700, s.size() - start)), false});
    }
    c.sends.push_back({dir, s.size(), 0, true});
  }
  std::shuffle(c.sends.begin(), c.sends.end(), rng);
  return c;
}

// The offset up to which a receiver holds every byte, given the segments sent so far.
uint64_t contiguous(std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
  std::sort(ranges.begin(), ranges.end());
  uint64_t upto = 0;
  for (const auto& [lo, hi] : ranges) {
    if (lo > upto) break;
    upto = std::max(upto, hi);
  }
  return upto;
}

TEST(TcpReassemblyProperty, AnySegmentationOrderAndDuplicationReassemblesExactly) {
  std::mt19937_64 rng(0x6d656474617031ULL);
  for (int iteration = 0; iteration < 400; ++iteration) {
    SCOPED_TRACE("iteration " + std::to_string(iteration));
    const Case c = makeCase(rng);
    // Random ISNs: about one case in a few crosses 2^32 somewhere.
    const auto isn_c = static_cast<uint32_t>(pick(rng, 0, 0xffffffffu));
    const auto isn_s = static_cast<uint32_t>(pick(rng, 0, 0xffffffffu));
    TcpHarness h({}, isn_c, isn_s);
    h.handshake();
    const bool receivers_ack = iteration % 2 == 1;
    std::vector<std::pair<uint64_t, uint64_t>> received[2];
    for (const Send& s : c.sends) {
      const std::string& stream = c.streams[index(s.dir)];
      const std::string bytes = stream.substr(s.offset, s.len);
      if (s.fin) {
        h.fin(s.dir, s.offset, bytes);
      } else {
        h.data(s.dir, s.offset, bytes);
      }
      received[index(s.dir)].push_back({s.offset, s.offset + s.len});
      // A real receiver acknowledges what it holds in order; that must never cause a gap.
      if (receivers_ack && pick(rng, 0, 2) == 0) {
        h.ackUpTo(opposite(s.dir), contiguous(received[index(s.dir)]));
      }
    }
    ASSERT_TRUE(h.rec.orig() == c.streams[0]) << "originator stream differs";
    ASSERT_TRUE(h.rec.resp() == c.streams[1]) << "responder stream differs";
    EXPECT_EQ(h.rec.count(Kind::Gap), 0u);
    EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);
    EXPECT_EQ(h.rec.count(Kind::StreamEnd, kResp), 1u);
    EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
    EXPECT_EQ(h.anomalies.total(), 0u);
  }
}

}  // namespace
}  // namespace medtap::flow::testing
