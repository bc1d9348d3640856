// pcapng details on hand-made files: SPB, the obsolete PB, timestamp resolutions and offsets,
// sections, skipped blocks, and every kind of broken block.
#include "capture/pcapng_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "capture_test_util.h"

namespace medtap::capture {
namespace {

using ::testing::HasSubstr;
using namespace ::medtap::capture::testing;

constexpr uint16_t kEth = 1;
constexpr uint16_t kRaw = 101;
constexpr uint16_t kSll = 113;
constexpr uint16_t kOptTsresol = 9;
constexpr uint16_t kOptTsoffset = 14;

ByteVec u8(uint8_t v) {
  return ByteVec{v};
}
ByteVec i64(int64_t v, Order o) {
  ByteVec out;
  put64(out, static_cast<uint64_t>(v), o);
  return out;
}
ByteVec concat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const ByteVec& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A file that exercises every packet block and every skipped block, in the given byte order.
ByteVec everyBlockKind(Order order) {
  PcapngBuilder b(order);
  b.shb();
  // Interface 0: Ethernet, snaplen 80, nanoseconds.
  b.idb(kEth, 80, concat({b.option(kOptTsresol, u8(9)), b.endOfOptions()}));
  // Interface 1: raw IP, 2^-10 s units, 1000 s offset.
  b.idb(kRaw, 0,
        concat({b.option(kOptTsresol, u8(0x80 | 10)), b.option(kOptTsoffset, i64(1000, order)),
                b.endOfOptions()}));
  b.block(4, makePayload(20, 1));           // Name Resolution Block
  b.block(5, makePayload(24, 2));           // Interface Statistics Block
  b.block(0x00000BAD, makePayload(33, 3));  // custom block, padded
  b.block(0x7fff1234, {});                  // a type nobody knows
  b.block(4, makePayload(8, 12), 4);        // a skipped block whose trailing length is off
  b.epb(0, 1'500'000'000'123'456'789ULL, makePayload(60, 4));
  b.epb(1, 3 * 1024 + 512, makePayload(40, 5), 1500);
  b.spb(100, makePayload(100, 6));  // snaplen 80 applies
  b.spb(61, makePayload(61, 7));    // block data padded to 64
  b.obsoletePacket(1, 2048, makePayload(30, 8));
  b.epb(5, 1, makePayload(10, 9));     // no interface 5
  b.block(6, makePayload(40, 10), 8);  // trailing length mismatch
  b.epb(0, 1'500'000'001'000'000'000ULL, makePayload(20, 11));
  return b.bytes();
}

std::vector<Pkt> everyBlockKindPackets() {
  auto first80 = makePayload(100, 6);
  first80.resize(80);
  return {
      {1'500'000'000'123'456'789LL, 60, kEth, 0, makePayload(60, 4)},
      {1'003'500'000'000LL, 1500, kRaw, 1, makePayload(40, 5)},
      {1'003'500'000'000LL, 100, kEth, 0, first80},  // SPB: the time of the packet before
      {1'003'500'000'000LL, 61, kEth, 0, makePayload(61, 7)},
      {1'002'000'000'000LL, 30, kRaw, 1, makePayload(30, 8)},
      {1'500'000'001'000'000'000LL, 20, kEth, 0, makePayload(20, 11)},
  };
}

TEST(Pcapng, EveryBlockKindInBothByteOrders) {
  for (Order order : {Order::Little, Order::Big}) {
    SCOPED_TRACE(order == Order::Big ? "big-endian" : "little-endian");
    ByteVec file = everyBlockKind(order);
    ReadAll r = readAllBuffer(file);
    ASSERT_EQ(r.open_error, "");
    EXPECT_EQ(r.status, ReadStatus::End) << r.error;
    EXPECT_EQ(r.packets, everyBlockKindPackets());
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureUnknownInterface), 1u);
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureBadBlock), 2u);  // the two trailing lengths
    // Interface 1's first packet (1003.5 s) and the PB at 1002 s go back in time.
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureTimeBackwards), 2u);
    EXPECT_EQ(r.anomalies.total(), 5u);
    EXPECT_EQ(r.stats.input_bytes, file.size());
  }
}

TEST(Pcapng, NewSectionResetsInterfacesAndByteOrder) {
  PcapngBuilder b(Order::Little);
  b.shb().idb(kEth).idb(kRaw).epb(1, 1, makePayload(20, 1));
  b.shb(Order::Big).idb(kSll).epb(0, 2, makePayload(20, 2)).epb(1, 3, makePayload(20, 3));
  b.epb(0, 4, makePayload(20, 4));
  ReadAll r = readAllBuffer(b.bytes());
  EXPECT_EQ(r.status, ReadStatus::End) << r.error;
  ASSERT_EQ(r.packets.size(), 3u);
  EXPECT_EQ(r.packets[0].link, kRaw);
  EXPECT_EQ(r.packets[1].link, kSll);
  EXPECT_EQ(r.packets[1].ts_ns, 2000);
  EXPECT_EQ(r.packets[2].ts_ns, 4000);
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureUnknownInterface), 1u);
}

TEST(Pcapng, PacketBeforeAnyInterface) {
  PcapngBuilder b;
  b.shb().spb(20, makePayload(20, 1)).epb(0, 1, makePayload(20, 2)).idb(kEth);
  b.epb(0, 5, makePayload(20, 3));
  ReadAll r = readAllBuffer(b.bytes());
  EXPECT_EQ(r.status, ReadStatus::End);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureUnknownInterface), 2u);
}

TEST(Pcapng, MalformedInterfaceBlocks) {
  PcapngBuilder b;
  b.shb();
  b.block(1, {0x01, 0x00, 0x00, 0x00});  // IDB too short: interface 0, unusable
  // Interface 1: an option that runs past the block; the interface stays, with defaults.
  ByteVec overrun;
  put16(overrun, kOptTsresol, b.order());
  put16(overrun, 200, b.order());
  b.idb(kEth, 0, overrun);
  b.idb(kEth, 0, concat({b.option(kOptTsresol, u8(40)), b.endOfOptions()}));  // 10^-40: no
  b.epb(0, 1, makePayload(20, 1)).epb(1, 7, makePayload(20, 2)).epb(2, 8, makePayload(20, 3));
  ReadAll r = readAllBuffer(b.bytes());
  EXPECT_EQ(r.status, ReadStatus::End);
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[0].ts_ns, 7000);  // microseconds, the default
  EXPECT_EQ(r.packets[1].ts_ns, 8000);
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureBadBlock), 4u);  // 3 IDBs + the packet on 0
}

TEST(Pcapng, PacketBlocksThatDoNotAddUp) {
  PcapngBuilder b;
  b.shb().idb(kEth);
  // An EPB claiming 200 captured bytes in a 40-byte block.
  ByteVec body;
  put32(body, 0, b.order());
  put32(body, 0, b.order());
  put32(body, 1, b.order());
  put32(body, 200, b.order());
  put32(body, 200, b.order());
  ByteVec payload = makePayload(40, 1);
  body.insert(body.end(), payload.begin(), payload.end());
  b.block(6, body);
  b.block(6, {1, 2, 3, 4});  // EPB shorter than its fixed fields
  b.block(3, {});            // SPB with no length
  b.epb(0, 9, makePayload(20, 2));
  ReadAll r = readAllBuffer(b.bytes());
  EXPECT_EQ(r.status, ReadStatus::End);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureBadBlock), 3u);
}

TEST(Pcapng, OversizedPacketsAreSteppedOver) {
  FileSourceLimits limits;
  limits.max_record_bytes = 100;
  PcapngBuilder b;
  b.shb().idb(kEth);
  b.epb(0, 1, makePayload(101, 1));                 // over the limit, block within the parse limit
  b.epb(0, 2, makePayload(size_t{100} * 1024, 2));  // block over the parse limit: skipped unread
  b.spb(300, makePayload(300, 3));
  b.epb(0, 3, makePayload(100, 4));
  ReadAll r = readAllBuffer(b.bytes(), limits);
  EXPECT_EQ(r.status, ReadStatus::End) << r.error;
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].data, makePayload(100, 4));
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureOversizedRecord), 3u);
}

struct BrokenCase {
  const char* name;
  ByteVec tail;  // appended after SHB + IDB (offset 48) in little-endian
  std::string error;
  Anomaly anomaly;
};

ByteVec le32(uint32_t v) {
  ByteVec out;
  put32(out, v, Order::Little);
  return out;
}

TEST(Pcapng, BrokenBlockHeadersEndDamagedWithTheOffset) {
  PcapngBuilder head;
  head.shb().idb(kEth).epb(0, 1, makePayload(16, 1));
  const size_t off = head.bytes().size();
  ASSERT_EQ(off, 28u + 20u + 48u);
  const std::string at = "block at offset " + std::to_string(off);
  std::vector<BrokenCase> cases = {
      {"short", concat({le32(6), le32(8), le32(8)}),
       at + " has length 8 (below the 12-byte minimum)", Anomaly::CaptureBadBlock},
      {"unaligned", concat({le32(6), le32(18), ByteVec(14, 0)}),
       at + " has length 18 (not a multiple of 4)", Anomaly::CaptureBadBlock},
      {"huge", concat({le32(4), le32(0x7ffffffc), ByteVec(8, 0)}),
       at + " claims 2147483644 bytes (limit 16777216)", Anomaly::CaptureOversizedRecord},
      {"past the end", concat({le32(6), le32(400), ByteVec(100, 0)}),
       at + " cut short: needs 400 bytes, the input ends after 108",
       Anomaly::CaptureTruncatedRecord},
      {"skipped past the end", concat({le32(4), le32(400), ByteVec(100, 0)}),
       at + " cut short: needs 400 bytes, the input ends after 108",
       Anomaly::CaptureTruncatedRecord},
      {"half a header", ByteVec{6, 0, 0},
       "block header at offset " + std::to_string(off) +
           " cut short: needs 8 bytes, the input ends after 3",
       Anomaly::CaptureTruncatedRecord},
  };
  for (const BrokenCase& c : cases) {
    SCOPED_TRACE(c.name);
    ByteVec file = concat({head.bytes(), c.tail});
    ReadAll r = readAllBuffer(file);
    ASSERT_EQ(r.open_error, "");
    EXPECT_EQ(r.packets.size(), 1u);
    EXPECT_EQ(r.status, ReadStatus::Damaged);
    EXPECT_EQ(r.error, c.error);
    EXPECT_EQ(r.anomalies.get(c.anomaly), 1u);
  }
}

TEST(Pcapng, BrokenSectionHeaders) {
  PcapngBuilder good;
  good.shb().idb(kEth).epb(0, 1, makePayload(16, 1));
  const std::string at = "section header at offset " + std::to_string(good.bytes().size());

  PcapngBuilder bad_bom = good;
  bad_bom.raw(concat({le32(0x0A0D0D0A), le32(28), le32(0x12345678), ByteVec(16, 0)}));
  ReadAll r = readAllBuffer(bad_bom.bytes());
  EXPECT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.status, ReadStatus::Damaged);
  EXPECT_EQ(r.error, at + " has a bad byte-order magic 78 56 34 12");

  PcapngBuilder v2 = good;
  v2.shb(Order::Big, 2, 0).idb(kEth).epb(0, 1, makePayload(16, 1));
  r = readAllBuffer(v2.bytes());
  EXPECT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.status, ReadStatus::Damaged);
  EXPECT_EQ(r.error, at + " has pcapng version 2.0 (only 1.x is read)");

  PcapngBuilder mismatch = good;
  mismatch.raw(
      concat({le32(0x0A0D0D0A), le32(28), le32(0x1A2B3C4D), le32(1), ByteVec(8, 0xff), le32(32)}));
  r = readAllBuffer(mismatch.bytes());
  EXPECT_EQ(r.status, ReadStatus::Damaged);
  EXPECT_EQ(r.error, at + " has a trailing length that differs from 28");
}

TEST(Pcapng, BrokenFirstSectionHeaderFailsToOpen) {
  ByteVec bad_bom = concat({le32(0x0A0D0D0A), le32(28), le32(0x12345678), ByteVec(16, 0)});
  EXPECT_EQ(readAllBuffer(bad_bom).open_error,
            "<buffer>: section header at offset 0 has a bad byte-order magic 78 56 34 12");
  ByteVec cut = {0x0A, 0x0D, 0x0D, 0x0A, 28, 0};
  EXPECT_EQ(readAllBuffer(cut).open_error,
            "<buffer>: section header at offset 0 cut short: needs 12 bytes, the input ends "
            "after 6");
}

TEST(Pcapng, TsResolution) {
  struct Case {
    uint8_t value;
    TsResolution::Kind kind;
    uint64_t factor;
    uint32_t shift;
  };
  using K = TsResolution::Kind;
  for (const Case& c : std::initializer_list<Case>{{6, K::Multiply, 1000, 0},
                                                   {9, K::Multiply, 1, 0},
                                                   {0, K::Multiply, 1'000'000'000, 0},
                                                   {12, K::Divide, 1000, 0},
                                                   {19, K::Divide, 10'000'000'000ULL, 0},
                                                   {0x80, K::Multiply, 1'000'000'000, 0},
                                                   {0x80 | 10, K::Shift, 0, 10},
                                                   {0x80 | 63, K::Shift, 0, 63}}) {
    SCOPED_TRACE(static_cast<int>(c.value));
    auto res = parseTsResolution(c.value);
    ASSERT_TRUE(res.has_value());
    EXPECT_EQ(res->kind, c.kind);
    if (c.kind == K::Shift) {
      EXPECT_EQ(res->shift, c.shift);
    } else {
      EXPECT_EQ(res->factor, c.factor);
    }
  }
  EXPECT_FALSE(parseTsResolution(20).has_value());
  EXPECT_FALSE(parseTsResolution(0x80 | 64).has_value());
}

TEST(Pcapng, TimestampConversion) {
  auto res = [](uint8_t v) { return *parseTsResolution(v); };
  EXPECT_EQ(pcapngTimestamp(1'700'000'000'123'456ULL, res(6), 0).ns, 1'700'000'000'123'456'000LL);
  EXPECT_EQ(pcapngTimestamp(1'700'000'000'123'456'789ULL, res(9), 0).ns,
            1'700'000'000'123'456'789LL);
  EXPECT_EQ(pcapngTimestamp(1'700'000'000'123'456'789'1ULL, res(10), 0).ns,
            1'700'000'000'123'456'789LL);
  // 2^-32 s units: 1.75 s.
  EXPECT_EQ(pcapngTimestamp((uint64_t{1} << 32) * 7 / 4, res(0x80 | 32), 0).ns, 1'750'000'000LL);
  EXPECT_EQ(pcapngTimestamp(5, res(0), -3).ns, 2'000'000'000LL);
  // Absurd values wrap instead of trapping.
  EXPECT_EQ(pcapngTimestamp(~uint64_t{0}, res(6), 0).ns, -1000);
}

}  // namespace
}  // namespace medtap::capture
