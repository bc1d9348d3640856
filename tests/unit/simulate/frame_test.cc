#include "simulate/frame.h"

#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "core/bytes.h"

namespace medtap::simulate {
namespace {

IpFrameHeader header() {
  IpFrameHeader h;
  h.src_mac.bytes = {0x00, 0x09, 0xFB, 0x01, 0x02, 0x03};
  h.dst_mac.bytes = {0x00, 0x27, 0x90, 0x0A, 0x0B, 0x0C};
  h.src_ip = 0x0A0C0105;  // 10.12.1.5
  h.dst_ip = 0xCA720477;  // 202.114.4.119
  h.ttl = 64;
  h.ip_id = 0x1234;
  return h;
}

// A buffer whose Internet checksum including the stored checksum folds to 0xFFFF is correct
// (RFC 1071 1).
bool checksumValid(const uint8_t* p, size_t n, uint64_t initial = 0) {
  return onesComplementSum(p, n, initial) == 0xFFFF;
}

uint64_t pseudo(const uint8_t* ip, uint8_t proto, size_t l4_len) {
  Bytes b(ip, 20);
  return uint64_t{readBe16(b, 12)} + readBe16(b, 14) + readBe16(b, 16) + readBe16(b, 18) + proto +
         l4_len;
}

TEST(SimulateFrameTest, Rfc1071ExampleSum) {
  // RFC 1071 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (folded).
  const std::array<uint8_t, 8> b{0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7};
  EXPECT_EQ(onesComplementSum(b.data(), b.size()), 0xDDF2u);
  EXPECT_EQ(finishChecksum(0xDDF2), 0x220D);
}

TEST(SimulateFrameTest, TcpFrameHasValidChecksumsAndFields) {
  std::vector<uint8_t> buf(kMaxFrameBytes);
  TcpHeaderFields t;
  t.src_port = 40000;
  t.dst_port = 515;
  t.seq = 1000;
  t.ack = 2000;
  t.flags = tcp::kAck | tcp::kPsh;
  t.window = 502;
  const std::array<uint8_t, 4> opts{2, 4, 0x05, 0xB4};
  t.options = Bytes(opts);
  const std::string payload = "hello, odd-length!";  // odd length exercises the last byte
  const size_t len = writeTcpFrame(buf.data(), header(), t, asBytes(payload));
  ASSERT_EQ(len, 14u + 20 + 24 + payload.size());
  Bytes f(buf.data(), len);
  EXPECT_EQ(readBe16(f, 12), 0x0800);
  EXPECT_EQ(readBe16(f, 16), 20 + 24 + payload.size());
  EXPECT_TRUE(checksumValid(&buf[14], 20));
  EXPECT_TRUE(
      checksumValid(&buf[34], 24 + payload.size(), pseudo(&buf[14], 6, 24 + payload.size())));
  EXPECT_EQ(readBe32(f, 38), 1000u);
  EXPECT_EQ(f[46] >> 4, 6);  // data offset: 24 bytes
  EXPECT_EQ(asChars(f.subspan(58)), payload);
}

TEST(SimulateFrameTest, ShortFramesArePaddedAndUdpChecksumIsValid) {
  std::vector<uint8_t> buf(kMaxFrameBytes, 0xEE);
  const std::string payload = "x";
  const size_t len = writeUdpFrame(buf.data(), header(), 123, 123, asBytes(payload));
  EXPECT_EQ(len, kMinFrameBytes);
  EXPECT_EQ(buf[43], 0);  // padding is zeroed, not left over
  EXPECT_TRUE(checksumValid(&buf[14], 20));
  EXPECT_TRUE(checksumValid(&buf[34], 9, pseudo(&buf[14], 17, 9)));
}

TEST(SimulateFrameTest, ArpRequestLayout) {
  std::vector<uint8_t> buf(kMaxFrameBytes);
  MacAddress bcast;
  bcast.bytes.fill(0xFF);
  const size_t len = writeArpFrame(buf.data(), ArpOp::Request, header().src_mac, 0x0A0C0105,
                                   MacAddress{}, 0x0A0C0001, bcast);
  Bytes f(buf.data(), len);
  EXPECT_EQ(len, kMinFrameBytes);
  EXPECT_EQ(readBe16(f, 12), 0x0806);
  EXPECT_EQ(readBe16(f, 20), 1);
  EXPECT_EQ(readBe32(f, 28), 0x0A0C0105u);
  EXPECT_EQ(readBe32(f, 38), 0x0A0C0001u);
}

}  // namespace
}  // namespace medtap::simulate
