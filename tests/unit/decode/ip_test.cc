// IPv4, IPv6 (extension headers), TCP, UDP, ICMP and their anomalies.
#include <gtest/gtest.h>

#include "packet_builder.h"

namespace medtap::decode {
namespace {

using capture::LinkType;
using namespace test;

const Buf kData = bytesOf("OBX|1|NM|8867-4^Heart rate^LN||72|/min|");

// ---- IPv4 ----

TEST(Ipv4, OptionsAreSkipped) {
  for (uint8_t words = 1; words <= 10; ++words) {
    Ipv4Spec spec;
    spec.option_words = words;
    Harness h;
    ASSERT_EQ(h.run(ethernet(kTypeIpv4, ipv4(spec, tcp({}, kData)))), DecodeResult::Ok);
    EXPECT_EQ(h.out.dst_port, 2575);
    EXPECT_EQ(h.payload(), kData);
    EXPECT_EQ(h.anomalies.total(), 0u);
  }
}

TEST(Ipv4, HeaderLengthBelowFiveWords) {
  Ipv4Spec spec;
  spec.version_ihl = 0x44;
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4(spec, tcp({}, kData)))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4BadHeaderLength));
  // The addresses were read before the problem: the caller can still attribute the packet.
  EXPECT_EQ(h.out.l3, L3::Ipv4);
  EXPECT_EQ(h.out.src_ip.toString(), "10.0.0.1");
  EXPECT_FALSE(h.out.has_l4);
}

TEST(Ipv4, HeaderLengthBeyondThePacket) {
  Ipv4Spec spec;
  spec.version_ihl = 0x4f;  // 60 bytes of header
  spec.total_length = 24;
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4(spec, {1, 2, 3, 4}))), DecodeResult::Malformed);
  EXPECT_EQ(h.anomalies.get(Anomaly::Ipv4BadTotalLength), 1u);  // 24 < 60
  Ipv4Spec spec2;
  spec2.version_ihl = 0x4f;
  spec2.total_length = 60;
  Harness h2;
  EXPECT_EQ(h2.run(ethernet(kTypeIpv4, ipv4(spec2, {1, 2, 3, 4}))), DecodeResult::Malformed);
  EXPECT_TRUE(h2.onlyAnomaly(Anomaly::Ipv4BadHeaderLength));
  // Cut by the snaplen instead: a truncation, not a lie.
  Harness h3;
  const Buf pkt = ethernet(kTypeIpv4, ipv4(spec2, {1, 2, 3, 4}));
  EXPECT_EQ(h3.run(pkt, LinkType::Ethernet, {}, 14 + 60), DecodeResult::Malformed);
  EXPECT_TRUE(h3.onlyAnomaly(Anomaly::TruncatedIpv4));
}

TEST(Ipv4, TotalLengthBelowHeaderLength) {
  Ipv4Spec spec;
  spec.total_length = 19;
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4(spec, tcp({}, kData)))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4BadTotalLength));
}

TEST(Ipv4, TotalLengthBeyondCapturedBytes) {
  Ipv4Spec spec;
  spec.total_length = 20 + 20 + static_cast<int>(kData.size()) + 100;
  const Buf pkt = ethernet(kTypeIpv4, ipv4(spec, tcp({}, kData)));
  Harness whole;
  EXPECT_EQ(whole.run(pkt), DecodeResult::Malformed);
  EXPECT_TRUE(whole.onlyAnomaly(Anomaly::Ipv4BadTotalLength));
  EXPECT_EQ(whole.out.dst_ip.toString(), "192.168.1.2");
  EXPECT_FALSE(whole.out.has_l4);

  // The same bytes with a longer original length: the snaplen cut them; decode what is there.
  Harness cut;
  ASSERT_EQ(cut.run(pkt, LinkType::Ethernet, {}, static_cast<uint32_t>(pkt.size() + 100)),
            DecodeResult::Ok);
  EXPECT_EQ(cut.anomalies.total(), 0u);
  EXPECT_TRUE(cut.out.has_l4);
  EXPECT_EQ(cut.payload(), kData);

  // A snaplen cut does not excuse a length beyond even the original packet.
  Harness lie;
  EXPECT_EQ(lie.run(pkt, LinkType::Ethernet, {}, static_cast<uint32_t>(pkt.size() + 50)),
            DecodeResult::Malformed);
  EXPECT_TRUE(lie.onlyAnomaly(Anomaly::Ipv4BadTotalLength));
}

TEST(Ipv4, EthernetPaddingIsTrimmed) {
  Buf pkt = ethernet(kTypeIpv4, ipv4({.proto = 17}, udp(1000, 53, {0xde, 0xad})));
  pkt.resize(60, 0);  // minimum frame, padded with zeros
  Harness h;
  ASSERT_EQ(h.run(pkt), DecodeResult::Ok);
  EXPECT_EQ(h.payload(), (Buf{0xde, 0xad}));
  EXPECT_EQ(h.anomalies.total(), 0u);
  Buf tcp_pkt = ethernet(kTypeIpv4, ipv4({}, tcp({}, {})));
  tcp_pkt.resize(60, 0xee);
  Harness t;
  ASSERT_EQ(t.run(tcp_pkt), DecodeResult::Ok);
  EXPECT_TRUE(t.out.payload.empty());
}

TEST(Ipv4, ZeroTotalLengthMeansSegmentationOffload) {
  Ipv4Spec spec;
  spec.total_length = 0;
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv4, ipv4(spec, tcp({}, kData)))), DecodeResult::Ok);
  EXPECT_EQ(h.payload(), kData);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Ipv4, WrongVersionBehindIpv4Ethertype) {
  Ipv4Spec spec;
  spec.version_ihl = 0x65;
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4(spec, tcp({}, kData)))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4BadVersion));
}

TEST(Ipv4, OtherProtocolsHandTheWholePayloadOn) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv4, ipv4({.proto = 47}, filled(24, 1)))), DecodeResult::Ok);
  EXPECT_EQ(h.out.ip_proto, 47);
  EXPECT_FALSE(h.out.has_l4);
  EXPECT_EQ(h.payload(), filled(24, 1));
  EXPECT_EQ(h.anomalies.total(), 0u);
}

// ---- TCP ----

TEST(Tcp, OptionsAndFlags) {
  TcpSpec spec;
  spec.option_words = 3;
  spec.flags = tcp_flags::kSyn | tcp_flags::kAck;
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv4, ipv4({}, tcp(spec, kData)))), DecodeResult::Ok);
  EXPECT_EQ(h.out.tcp_flags, tcp_flags::kSyn | tcp_flags::kAck);
  EXPECT_EQ(h.payload(), kData);
}

TEST(Tcp, DataOffsetBelowFive) {
  TcpSpec spec;
  spec.data_offset = 4;
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4({}, tcp(spec, kData)))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TcpBadHeaderLength));
  EXPECT_FALSE(h.out.has_l4);
  EXPECT_EQ(h.out.src_port, 49152);  // what was read stays
}

TEST(Tcp, DataOffsetBeyondTheSegment) {
  TcpSpec spec;
  spec.data_offset = 15;  // 60 bytes, the segment has 20 + 4
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4({}, tcp(spec, {1, 2, 3, 4})))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TcpBadHeaderLength));
}

TEST(Tcp, HeaderCutShort) {
  Harness h;
  Buf seg = tcp({}, {});
  seg.resize(19);
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4({}, seg))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TruncatedTcp));
}

// ---- UDP ----

TEST(Udp, LengthLargerThanTheIpPayloadIsCountedAndIgnored) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv4, ipv4({.proto = 17}, udp(5000, 2575, kData, 200)))),
            DecodeResult::Ok);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::UdpBadLength));
  EXPECT_TRUE(h.out.has_l4);
  EXPECT_EQ(h.payload(), kData);
}

TEST(Udp, LengthSmallerThanTheIpPayloadTrims) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv4, ipv4({.proto = 17}, udp(5000, 2575, kData, 8 + 5)))),
            DecodeResult::Ok);
  EXPECT_EQ(h.anomalies.total(), 0u);
  EXPECT_EQ(h.payload(), Buf(kData.begin(), kData.begin() + 5));
}

TEST(Udp, LengthBelowTheHeader) {
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4({.proto = 17}, udp(5000, 2575, kData, 7)))),
            DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::UdpBadLength));
  EXPECT_FALSE(h.out.has_l4);
}

TEST(Udp, HeaderCutShort) {
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4({.proto = 17}, {0, 53, 0, 53, 0}))),
            DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TruncatedUdp));
}

TEST(Udp, SnaplenCutPayloadIsNotABadLength) {
  const Buf pkt = ethernet(kTypeIpv4, ipv4({.proto = 17}, udp(5000, 2575, kData)));
  const Buf cut(pkt.begin(), pkt.end() - 10);
  Harness h;
  ASSERT_EQ(h.run(cut, LinkType::Ethernet, {}, static_cast<uint32_t>(pkt.size())),
            DecodeResult::Ok);
  EXPECT_EQ(h.anomalies.total(), 0u);
  EXPECT_EQ(h.payload(), Buf(kData.begin(), kData.end() - 10));
}

// ---- ICMP ----

TEST(Icmp, EchoRequest) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv4, ipv4({.proto = 1}, icmp(8, 0, filled(16, 5))))),
            DecodeResult::Ok);
  EXPECT_TRUE(h.out.has_l4);
  EXPECT_EQ(h.out.icmp_type, 8);
  EXPECT_EQ(h.out.icmp_code, 0);
  EXPECT_EQ(h.out.src_port, 0);
  EXPECT_EQ(h.payload(), filled(16, 5));
}

TEST(Icmp, Ipv6NeighbourSolicitation) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv6, ipv6(58, icmp(135, 0, filled(20, 2))))), DecodeResult::Ok);
  EXPECT_EQ(h.out.ip_proto, 58);
  EXPECT_EQ(h.out.icmp_type, 135);
  EXPECT_EQ(h.payload(), filled(20, 2));
}

TEST(Icmp, HeaderCutShort) {
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4({.proto = 1}, {3, 3, 0}))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TruncatedIcmp));
  Harness v6;
  EXPECT_EQ(v6.run(ethernet(kTypeIpv6, ipv6(58, {1}))), DecodeResult::Malformed);
  EXPECT_TRUE(v6.onlyAnomaly(Anomaly::TruncatedIcmp));
}

// ---- IPv6 ----

TEST(Ipv6, PlainTcp) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv6, ipv6(6, tcp({}, kData), -1, 7))), DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Ipv6);
  EXPECT_EQ(h.out.src_ip.toString(), "2001:db8::1");
  EXPECT_EQ(h.out.dst_ip.toString(), "fe80::211:22ff:fe33:4455");
  EXPECT_EQ(h.out.ttl, 7);
  EXPECT_EQ(h.out.ip_proto, 6);
  EXPECT_EQ(h.out.dst_port, 2575);
  EXPECT_EQ(h.payload(), kData);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Ipv6, ExtensionHeaderChain) {
  // hop-by-hop -> routing -> destination options -> AH -> mobility -> UDP
  const Buf chain = ipv6Options(
      43, 0,
      ipv6Options(60, 2,
                  ipv6Options(51, 1, ipv6Ah(135, 4, ipv6Options(17, 1, udp(547, 546, kData))))));
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv6, ipv6(0, chain))), DecodeResult::Ok);
  EXPECT_EQ(h.out.ip_proto, 17);
  EXPECT_TRUE(h.out.has_l4);
  EXPECT_EQ(h.out.src_port, 547);
  EXPECT_EQ(h.payload(), kData);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Ipv6, NoNextHeader) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv6, ipv6(60, ipv6Options(59, 0, filled(8, 0))))),
            DecodeResult::Ok);
  EXPECT_EQ(h.out.ip_proto, 59);
  EXPECT_FALSE(h.out.has_l4);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Ipv6, HopByHopOnlyFirst) {
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv6, ipv6(60, ipv6Options(0, 0, ipv6Options(6, 0, {}))))),
            DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv6BadExtensionHeader));
}

Buf destinationOptionsChain(int count, const Buf& tail) {
  Buf b = tail;
  uint8_t next = 17;
  for (int i = 0; i < count; ++i) {
    b = ipv6Options(next, 0, b);
    next = 60;
  }
  return b;
}

TEST(Ipv6, ExtensionHeaderLimit) {
  const Buf udp_tail = udp(1, 2, kData);
  Harness at_limit;
  ASSERT_EQ(at_limit.run(ethernet(kTypeIpv6, ipv6(60, destinationOptionsChain(8, udp_tail)))),
            DecodeResult::Ok);
  EXPECT_EQ(at_limit.out.dst_port, 2);
  EXPECT_EQ(at_limit.anomalies.total(), 0u);
  Harness over;
  EXPECT_EQ(over.run(ethernet(kTypeIpv6, ipv6(60, destinationOptionsChain(9, udp_tail)))),
            DecodeResult::Malformed);
  EXPECT_TRUE(over.onlyAnomaly(Anomaly::Ipv6TooManyExtensionHeaders));
  // The limit is configurable.
  Harness tight(DecoderLimits{.max_ipv6_extension_headers = 2});
  EXPECT_EQ(tight.run(ethernet(kTypeIpv6, ipv6(60, destinationOptionsChain(3, udp_tail)))),
            DecodeResult::Malformed);
  EXPECT_TRUE(tight.onlyAnomaly(Anomaly::Ipv6TooManyExtensionHeaders));
}

TEST(Ipv6, ExtensionHeaderBeyondThePayload) {
  Buf ext = ipv6Options(17, 3, {});  // claims 32 bytes
  ext.resize(16);
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeIpv6, ipv6(60, ext))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv6BadExtensionHeader));
  Harness one_byte;
  EXPECT_EQ(one_byte.run(ethernet(kTypeIpv6, ipv6(43, {17}))), DecodeResult::Malformed);
  EXPECT_TRUE(one_byte.onlyAnomaly(Anomaly::Ipv6BadExtensionHeader));
}

TEST(Ipv6, PayloadLengthBeyondCapturedBytes) {
  const Buf pkt = ethernet(kTypeIpv6, ipv6(6, tcp({}, kData), 500));
  Harness h;
  EXPECT_EQ(h.run(pkt), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv6BadPayloadLength));
  EXPECT_EQ(h.out.src_ip.toString(), "2001:db8::1");
  Harness cut;
  ASSERT_EQ(cut.run(pkt, LinkType::Ethernet, {}, 14 + 40 + 500), DecodeResult::Ok);
  EXPECT_EQ(cut.payload(), kData);
  EXPECT_EQ(cut.anomalies.total(), 0u);
}

TEST(Ipv6, PayloadLengthTrimsPadding) {
  Buf pkt = ethernet(kTypeIpv6, ipv6(17, udp(1, 2, {9})));
  pkt.resize(pkt.size() + 6, 0);
  Harness h;
  ASSERT_EQ(h.run(pkt), DecodeResult::Ok);
  EXPECT_EQ(h.payload(), Buf{9});
}

TEST(Ipv6, FragmentsAreCountedNotReassembled) {
  Harness first;
  ASSERT_EQ(first.run(ethernet(kTypeIpv6,
                               ipv6(44, ipv6Fragment(17, 0, true, 7, udp(1, 2, kData, 3000))))),
            DecodeResult::Ok);
  EXPECT_TRUE(first.onlyAnomaly(Anomaly::Ipv6Fragment));
  EXPECT_TRUE(first.out.fragment);
  EXPECT_FALSE(first.out.has_l4);
  EXPECT_EQ(first.out.ip_proto, 17);

  Harness later;
  ASSERT_EQ(
      later.run(ethernet(
          kTypeIpv6, ipv6(0, ipv6Options(44, 0, ipv6Fragment(17, 1232, false, 7, filled(40, 1)))))),
      DecodeResult::Ok);
  EXPECT_TRUE(later.onlyAnomaly(Anomaly::Ipv6Fragment));
  EXPECT_TRUE(later.out.fragment);
  EXPECT_FALSE(later.out.has_l4);
}

TEST(Ipv6, AtomicFragmentIsDecodedThrough) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv6, ipv6(44, ipv6Fragment(17, 0, false, 9, udp(1, 2, kData))))),
            DecodeResult::Ok);
  EXPECT_FALSE(h.out.fragment);
  EXPECT_TRUE(h.out.has_l4);
  EXPECT_EQ(h.payload(), kData);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Ipv6, JumbogramTakesTheCapturedLength) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeIpv6, ipv6(0, ipv6Options(6, 0, tcp({}, kData)), 0))),
            DecodeResult::Ok);
  EXPECT_EQ(h.payload(), kData);
}

}  // namespace
}  // namespace medtap::decode
