// Captures cut at every byte offset, plain and gzip-compressed: the packets before the cut come
// out unchanged, then a clean End (cut between records) or Damaged (cut inside one); never a
// crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "capture/file_source.h"
#include "capture_test_util.h"

namespace medtap::capture {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::medtap::capture::testing;

ByteVec smallPcap(Order order) {
  PcapBuilder b(order, order == Order::Big ? TimeUnit::Nano : TimeUnit::Micro, 1);
  b.record(10, 1, {}).record(11, 2, makePayload(1, 1)).record(12, 3, makePayload(17, 2));
  b.record(13, 4, makePayload(60, 3)).record(14, 5, makePayload(3, 4));
  return b.bytes();
}

std::vector<size_t> smallPcapBoundaries() {
  PcapBuilder b(Order::Little, TimeUnit::Micro, 1);
  b.record(10, 1, {}).record(11, 2, makePayload(1, 1)).record(12, 3, makePayload(17, 2));
  b.record(13, 4, makePayload(60, 3)).record(14, 5, makePayload(3, 4));
  return b.boundaries();
}

// Checks one cut of a pcap file: boundaries[0] is where the file header ends, the rest where
// each record ends.
void checkCut(const ReadAll& r, const std::vector<Pkt>& reference,
              const std::vector<size_t>& boundaries, size_t cut) {
  SCOPED_TRACE(::testing::Message() << "cut at " << cut);
  if (cut < boundaries.front()) {
    EXPECT_THAT(r.open_error, StartsWith("<buffer>: "));
    EXPECT_EQ(r.open_error.find('\n'), std::string::npos);
    return;
  }
  ASSERT_EQ(r.open_error, "");
  size_t complete =
      std::upper_bound(boundaries.begin() + 1, boundaries.end(), cut) - (boundaries.begin() + 1);
  ASSERT_LE(complete, reference.size());
  EXPECT_EQ(r.packets, std::vector<Pkt>(reference.begin(), reference.begin() + complete));
  bool clean = std::binary_search(boundaries.begin(), boundaries.end(), cut);
  if (clean) {
    EXPECT_EQ(r.status, ReadStatus::End) << r.error;
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureTruncatedRecord), 0u);
  } else {
    EXPECT_EQ(r.status, ReadStatus::Damaged);
    EXPECT_THAT(r.error, HasSubstr("cut short"));
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureTruncatedRecord), 1u);
  }
}

void checkEveryCut(const ByteVec& file, const std::vector<size_t>& boundaries) {
  ReadAll full = readAllBuffer(file);
  ASSERT_EQ(full.status, ReadStatus::End);
  ASSERT_EQ(full.packets.size(), boundaries.size() - 1);
  for (size_t cut = 0; cut <= file.size(); ++cut) {
    ByteVec prefix(file.begin(), file.begin() + cut);
    ReadAll plain = readAllBuffer(prefix);
    checkCut(plain, full.packets, boundaries, cut);
    // The same cut file, gzip-compressed: the same packets and the same ending.
    ReadAll gz = readAllBuffer(gzipBytes(prefix));
    if (cut == 0) {
      EXPECT_EQ(gz.open_error, "<buffer>: not a capture file (gzip-compressed, empty)");
      continue;
    }
    EXPECT_EQ(gz.packets, plain.packets) << cut;
    EXPECT_EQ(gz.status, plain.status) << cut;
    EXPECT_EQ(gz.open_error.empty(), plain.open_error.empty()) << cut;
  }
}

TEST(CaptureTruncation, PcapCutAtEveryOffset) {
  for (Order order : {Order::Little, Order::Big}) {
    checkEveryCut(smallPcap(order), smallPcapBoundaries());
  }
}

ByteVec concatOptions(const PcapngBuilder& b) {
  ByteVec out = b.option(9, {9});
  ByteVec end = b.endOfOptions();
  out.insert(out.end(), end.begin(), end.end());
  return out;
}

TEST(CaptureTruncation, PcapngCutAtEveryOffset) {
  for (Order order : {Order::Little, Order::Big}) {
    PcapngBuilder b(order);
    b.shb().idb(1, 0, concatOptions(b));
    b.epb(0, 1000, makePayload(13, 1));
    size_t after_first_packet = b.bytes().size();
    b.block(4, makePayload(9, 2)).spb(7, makePayload(7, 3));
    b.obsoletePacket(0, 2000, makePayload(22, 4)).epb(0, 3000, makePayload(0, 5));
    // Where each block ends: the file opens from the end of the SHB on; every block end is a
    // clean cut.
    std::vector<size_t> all = b.boundaries();
    ReadAll full = readAllBuffer(b.bytes());
    ASSERT_EQ(full.packets.size(), 4u);
    for (size_t cut = 0; cut <= b.bytes().size(); ++cut) {
      SCOPED_TRACE(::testing::Message() << "cut at " << cut);
      ByteVec prefix(b.bytes().begin(), b.bytes().begin() + cut);
      for (bool compressed : {false, true}) {
        if (compressed && cut == 0) continue;
        ReadAll r = readAllBuffer(compressed ? gzipBytes(prefix) : prefix);
        if (cut < all.front()) {
          EXPECT_THAT(r.open_error, StartsWith("<buffer>: "));
          continue;
        }
        ASSERT_EQ(r.open_error, "");
        // Blocks: SHB, IDB, EPB, NRB, SPB, PB, EPB; packets are complete at the ends of
        // blocks 2, 4, 5 and 6 (from 0).
        size_t complete = 0;
        for (size_t block : {2u, 4u, 5u, 6u}) complete += all[block] <= cut ? 1 : 0;
        EXPECT_EQ(r.packets,
                  std::vector<Pkt>(full.packets.begin(), full.packets.begin() + complete));
        bool clean = std::binary_search(all.begin(), all.end(), cut);
        EXPECT_EQ(r.status, clean ? ReadStatus::End : ReadStatus::Damaged) << r.error;
        EXPECT_EQ(r.anomalies.get(Anomaly::CaptureTruncatedRecord), clean ? 0u : 1u);
      }
    }
    EXPECT_EQ(all[2], after_first_packet);
  }
}

// The compressed stream itself cut at every offset: whatever was inflated before the cut comes
// out, then Damaged (the gzip trailer is missing), never End.
TEST(CaptureTruncation, GzipStreamCutAtEveryOffset) {
  ByteVec file = smallPcap(Order::Little);
  ReadAll full = readAllBuffer(file);
  ByteVec gz = gzipBytes(file);
  for (size_t cut = 0; cut < gz.size(); ++cut) {
    SCOPED_TRACE(::testing::Message() << "cut at " << cut);
    ReadAll r = readAllBuffer(ByteVec(gz.begin(), gz.begin() + cut));
    if (!r.open_error.empty()) {
      EXPECT_EQ(r.open_error.find('\n'), std::string::npos);
      EXPECT_TRUE(r.packets.empty());
      continue;
    }
    EXPECT_EQ(r.status, ReadStatus::Damaged);
    EXPECT_THAT(r.error, HasSubstr("gzip stream cut short"));
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureGzipCorrupt), 1u);
    ASSERT_LE(r.packets.size(), full.packets.size());
    EXPECT_EQ(r.packets,
              std::vector<Pkt>(full.packets.begin(), full.packets.begin() + r.packets.size()));
  }
  EXPECT_EQ(readAllBuffer(gz).status, ReadStatus::End);
}

}  // namespace
}  // namespace medtap::capture
