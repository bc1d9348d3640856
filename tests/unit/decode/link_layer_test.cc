// Link layers: Ethernet, 802.3/LLC, VLAN/QinQ, Linux cooked v1/v2, BSD loopback, raw IP.
#include <gtest/gtest.h>

#include "packet_builder.h"

namespace medtap::decode {
namespace {

using capture::LinkType;
using namespace test;

const Buf kTcpPayload = bytesOf("MSH|^~\\&|");

Buf tcpIpv4() {
  return ipv4({}, tcp({}, kTcpPayload));
}

void expectTcpIpv4(const DecodedPacket& p) {
  EXPECT_EQ(p.l3, L3::Ipv4);
  EXPECT_EQ(p.src_ip.toString(), "10.0.0.1");
  EXPECT_EQ(p.dst_ip.toString(), "192.168.1.2");
  EXPECT_EQ(p.ip_proto, 6);
  EXPECT_EQ(p.ttl, 64);
  EXPECT_TRUE(p.has_l4);
  EXPECT_EQ(p.src_port, 49152);
  EXPECT_EQ(p.dst_port, 2575);
  EXPECT_EQ(Buf(p.payload.begin(), p.payload.end()), kTcpPayload);
}

TEST(LinkLayer, EthernetTcpIpv4AllFields) {
  Harness h;
  const Buf pkt = ethernet(kTypeIpv4, tcpIpv4());
  const auto ts = Timestamp::fromSecNs(1700000123, 456789);
  ASSERT_EQ(h.run(pkt, LinkType::Ethernet, ts, 1000), DecodeResult::Ok);
  EXPECT_EQ(h.anomalies.total(), 0u);
  EXPECT_EQ(h.out.ts, ts);
  EXPECT_EQ(h.out.cap_len, pkt.size());
  EXPECT_EQ(h.out.wire_len, 1000u);
  EXPECT_TRUE(h.out.has_mac);
  EXPECT_EQ(h.out.dst_mac.toString(), "00:1b:2c:3d:4e:5f");
  EXPECT_EQ(h.out.src_mac.toString(), "02:11:22:33:44:55");
  EXPECT_EQ(h.out.vlan_count, 0);
  expectTcpIpv4(h.out);
  EXPECT_EQ(h.out.tcp_seq, 0x01020304u);
  EXPECT_EQ(h.out.tcp_ack, 0xa0b0c0d0u);
  EXPECT_EQ(h.out.tcp_flags, tcp_flags::kPsh | tcp_flags::kAck);
  EXPECT_EQ(h.out.tcp_window, 0x7210);
  EXPECT_FALSE(h.out.fragment);
  EXPECT_FALSE(h.out.reassembled);
  // The payload is a view into the packet, not a copy.
  EXPECT_EQ(h.out.payload.data(), h.packet.data() + pkt.size() - kTcpPayload.size());
}

TEST(LinkLayer, OutputIsResetBetweenPackets) {
  Harness h;
  const Buf first = ethernet(kTypeVlan, vlanTag(7, kTypeIpv4, tcpIpv4()));
  ASSERT_EQ(h.run(first), DecodeResult::Ok);
  const Buf second = ethernet(kTypeArp, arpEthernetIpv4(1, 0x0a000001, 0x0a000002));
  ASSERT_EQ(h.run(second), DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Arp);
  EXPECT_EQ(h.out.vlan_count, 0);
  EXPECT_FALSE(h.out.has_l4);
  EXPECT_EQ(h.out.src_port, 0);
  EXPECT_EQ(h.out.ip_proto, 0);
  EXPECT_TRUE(h.out.payload.empty());
}

TEST(LinkLayer, SingleVlanTag) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeVlan, vlanTag(0xa064, kTypeIpv4, tcpIpv4()))), DecodeResult::Ok);
  EXPECT_EQ(h.out.vlan_count, 1);
  EXPECT_EQ(h.out.vlan[0], 100);  // priority bits masked off
  expectTcpIpv4(h.out);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(LinkLayer, QinQRecordsOuterFirst) {
  for (uint16_t outer_type : {kTypeQinQ, kTypeQinQOld, kTypeVlan}) {
    Harness h;
    const Buf pkt =
        ethernet(outer_type, vlanTag(200, kTypeVlan, vlanTag(100, kTypeIpv6, ipv6(59, {}))));
    ASSERT_EQ(h.run(pkt), DecodeResult::Ok) << outer_type;
    EXPECT_EQ(h.out.vlan_count, 2);
    EXPECT_EQ(h.out.vlan[0], 200);
    EXPECT_EQ(h.out.vlan[1], 100);
    EXPECT_EQ(h.out.l3, L3::Ipv6);
    EXPECT_EQ(h.anomalies.total(), 0u);
  }
}

TEST(LinkLayer, ThirdVlanTagIsCountedAndSkipped) {
  Harness h;
  const Buf pkt = ethernet(
      kTypeQinQ,
      vlanTag(1, kTypeVlan,
              vlanTag(2, kTypeVlan, vlanTag(3, kTypeVlan, vlanTag(4, kTypeIpv4, tcpIpv4())))));
  ASSERT_EQ(h.run(pkt), DecodeResult::Ok);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TooManyVlanTags));  // once per packet, not per extra tag
  EXPECT_EQ(h.out.vlan_count, 2);
  EXPECT_EQ(h.out.vlan[0], 1);
  EXPECT_EQ(h.out.vlan[1], 2);
  expectTcpIpv4(h.out);
}

TEST(LinkLayer, TruncatedAfterTooManyTags) {
  Harness h;
  const Buf pkt = ethernet(
      kTypeVlan, vlanTag(1, kTypeVlan, vlanTag(2, kTypeVlan, vlanTag(3, kTypeVlan, {0x00}))));
  EXPECT_EQ(h.run(pkt), DecodeResult::Malformed);
  EXPECT_EQ(h.anomalies.get(Anomaly::TooManyVlanTags), 1u);
  EXPECT_EQ(h.anomalies.get(Anomaly::TruncatedVlan), 1u);
  EXPECT_EQ(h.out.vlan_count, 2);  // never more than the array holds (found by the fuzzer)
}

TEST(LinkLayer, TruncatedVlanTag) {
  Harness h;
  Buf pkt = ethernet(kTypeVlan, {0x00, 0x64, 0x08});
  EXPECT_EQ(h.run(pkt), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TruncatedVlan));
}

TEST(LinkLayer, UnknownEthertypeIsOtherNotMalformed) {
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeLldp, filled(30, 1))), DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Other);
  EXPECT_TRUE(h.out.has_mac);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::UnknownEthertype));
  // 1501-1535 is neither a length nor an Ethertype.
  Harness h2;
  EXPECT_EQ(h2.run(ethernet(1510, filled(30, 1))), DecodeResult::Ok);
  EXPECT_TRUE(h2.onlyAnomaly(Anomaly::UnknownEthertype));
}

TEST(LinkLayer, Ieee8023LlcFramesAreSkippedQuietly) {
  // Spanning tree: 802.3 length, LLC DSAP/SSAP 0x42, control 0x03, BPDU.
  Buf stp = {0x42, 0x42, 0x03};
  append(stp, filled(35, 0));
  Harness h;
  EXPECT_EQ(h.run(ethernet(static_cast<uint16_t>(stp.size()), stp)), DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Other);
  EXPECT_EQ(h.anomalies.total(), 0u);

  // CDP: SNAP with Cisco's OUI, inside a VLAN tag (as in llc_vlan.pcap).
  Buf cdp = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00};
  append(cdp, filled(20, 3));
  Harness h2;
  EXPECT_EQ(h2.run(ethernet(kTypeVlan, vlanTag(118, static_cast<uint16_t>(cdp.size()), cdp))),
            DecodeResult::Ok);
  EXPECT_EQ(h2.out.l3, L3::Other);
  EXPECT_EQ(h2.out.vlan_count, 1);
  EXPECT_EQ(h2.anomalies.total(), 0u);

  // Too short for even an LLC header: still just an 802.3 frame we do not look into.
  Harness h3;
  EXPECT_EQ(h3.run(ethernet(2, {0xaa})), DecodeResult::Ok);
  EXPECT_EQ(h3.out.l3, L3::Other);
  EXPECT_EQ(h3.anomalies.total(), 0u);
}

TEST(LinkLayer, SnapWithZeroOuiCarriesAnEthertype) {
  Buf snap = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00};
  append(snap, tcpIpv4());
  Harness h;
  ASSERT_EQ(h.run(ethernet(static_cast<uint16_t>(snap.size()), snap)), DecodeResult::Ok);
  expectTcpIpv4(h.out);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(LinkLayer, SnapInsideSnapIsNotFollowed) {
  Buf inner = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00};
  append(inner, tcpIpv4());
  Buf outer = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x05};
  put16(outer, static_cast<uint16_t>(inner.size()));
  append(outer, inner);
  Harness h;
  EXPECT_EQ(h.run(ethernet(static_cast<uint16_t>(outer.size()), outer)), DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Other);
  EXPECT_EQ(h.out.vlan_count, 1);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::UnknownEthertype));
}

TEST(LinkLayer, LinuxCookedV1) {
  Harness h;
  ASSERT_EQ(h.run(sll(kTypeIpv4, tcpIpv4()), LinkType::LinuxSll), DecodeResult::Ok);
  expectTcpIpv4(h.out);
  EXPECT_FALSE(h.out.has_mac);
  EXPECT_EQ(h.anomalies.total(), 0u);

  Harness vlan;
  ASSERT_EQ(vlan.run(sll(kTypeVlan, vlanTag(42, kTypeIpv4, tcpIpv4())), LinkType::LinuxSll),
            DecodeResult::Ok);
  EXPECT_EQ(vlan.out.vlan_count, 1);
  EXPECT_EQ(vlan.out.vlan[0], 42);
  expectTcpIpv4(vlan.out);
}

TEST(LinkLayer, LinuxCookedV2) {
  Harness h;
  ASSERT_EQ(h.run(sll2(kTypeIpv6, ipv6(17, udp(5353, 5353, filled(12, 9)))), LinkType::LinuxSll2),
            DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Ipv6);
  EXPECT_EQ(h.out.ip_proto, 17);
  EXPECT_EQ(h.out.dst_port, 5353);
  EXPECT_EQ(h.payload(), filled(12, 9));
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(LinkLayer, LinuxCookedNonIp) {
  Harness llc;
  EXPECT_EQ(llc.run(sll(0x0004, {0x42, 0x42, 0x03, 0, 0}), LinkType::LinuxSll), DecodeResult::Ok);
  EXPECT_EQ(llc.out.l3, L3::Other);
  Harness netlink;
  EXPECT_EQ(netlink.run(sll2(kTypeIpv4, filled(20, 0), 824), LinkType::LinuxSll2),
            DecodeResult::Ok);
  EXPECT_EQ(netlink.out.l3, L3::Other);
  Harness can;
  EXPECT_EQ(can.run(sll(0x000c, filled(16, 0)), LinkType::LinuxSll), DecodeResult::Ok);
  EXPECT_EQ(can.out.l3, L3::Other);
  EXPECT_EQ(llc.anomalies.total() + netlink.anomalies.total() + can.anomalies.total(), 0u);
}

TEST(LinkLayer, TruncatedCookedHeaders) {
  Harness v1;
  EXPECT_EQ(v1.run(Buf(15, 0), LinkType::LinuxSll), DecodeResult::Malformed);
  EXPECT_TRUE(v1.onlyAnomaly(Anomaly::TruncatedSll));
  Harness v2;
  EXPECT_EQ(v2.run(Buf(19, 0), LinkType::LinuxSll2), DecodeResult::Malformed);
  EXPECT_TRUE(v2.onlyAnomaly(Anomaly::TruncatedSll));
}

Buf nullHeader(uint32_t family, bool little_endian) {
  Buf b;
  if (little_endian) {
    putLe32(b, family);
  } else {
    put32(b, family);
  }
  return b;
}

TEST(LinkLayer, BsdNullLoopbackEitherByteOrder) {
  for (bool le : {true, false}) {
    Harness v4;
    Buf pkt = nullHeader(2, le);
    append(pkt, tcpIpv4());
    ASSERT_EQ(v4.run(pkt, LinkType::Null), DecodeResult::Ok);
    expectTcpIpv4(v4.out);
    EXPECT_FALSE(v4.out.has_mac);
    for (uint32_t family : {24u, 28u, 30u}) {
      Harness v6;
      Buf pkt6 = nullHeader(family, le);
      append(pkt6, ipv6(6, tcp({}, kTcpPayload)));
      ASSERT_EQ(v6.run(pkt6, LinkType::Null), DecodeResult::Ok) << family;
      EXPECT_EQ(v6.out.l3, L3::Ipv6);
      EXPECT_EQ(v6.out.dst_port, 2575);
      EXPECT_EQ(v6.anomalies.total(), 0u);
    }
  }
}

TEST(LinkLayer, NullUnknownFamilyAndTruncation) {
  Harness h;
  Buf pkt = nullHeader(7, true);
  append(pkt, filled(20, 0));
  EXPECT_EQ(h.run(pkt, LinkType::Null), DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Other);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::UnknownNullFamily));
  Harness t;
  EXPECT_EQ(t.run({2, 0, 0}, LinkType::Null), DecodeResult::Malformed);
  EXPECT_TRUE(t.onlyAnomaly(Anomaly::TruncatedNull));
}

TEST(LinkLayer, NullHeaderHoldingAnEthertype) {
  Harness h;
  Buf pkt = {0x0f, 0x00, 0x08, 0x00};  // as in PcapPlusPlus null_loopback.pcap
  append(pkt, tcpIpv4());
  ASSERT_EQ(h.run(pkt, LinkType::Null), DecodeResult::Ok);
  expectTcpIpv4(h.out);
  EXPECT_EQ(h.anomalies.total(), 0u);
  Harness arp;
  Buf arp_pkt = {0x0f, 0x00, 0x08, 0x06};  // only the IP Ethertypes are taken
  append(arp_pkt, arpEthernetIpv4(1, 1, 2));
  EXPECT_EQ(arp.run(arp_pkt, LinkType::Null), DecodeResult::Ok);
  EXPECT_EQ(arp.out.l3, L3::Other);
  EXPECT_TRUE(arp.onlyAnomaly(Anomaly::UnknownNullFamily));
}

TEST(LinkLayer, LoopIsNetworkOrderOnly) {
  Harness be;
  Buf pkt = nullHeader(2, false);
  append(pkt, tcpIpv4());
  ASSERT_EQ(be.run(pkt, LinkType::Loop), DecodeResult::Ok);
  expectTcpIpv4(be.out);
  Harness le;
  Buf swapped = nullHeader(2, true);
  append(swapped, tcpIpv4());
  EXPECT_EQ(le.run(swapped, LinkType::Loop), DecodeResult::Ok);
  EXPECT_EQ(le.out.l3, L3::Other);
  EXPECT_TRUE(le.onlyAnomaly(Anomaly::UnknownNullFamily));
}

TEST(LinkLayer, RawIpPicksTheVersionFromTheFirstNibble) {
  Harness v4;
  ASSERT_EQ(v4.run(tcpIpv4(), LinkType::Raw), DecodeResult::Ok);
  expectTcpIpv4(v4.out);
  EXPECT_FALSE(v4.out.has_mac);
  Harness v6;
  ASSERT_EQ(v6.run(ipv6(58, icmp(128, 0, filled(8, 0))), LinkType::Raw), DecodeResult::Ok);
  EXPECT_EQ(v6.out.l3, L3::Ipv6);
  EXPECT_EQ(v6.out.icmp_type, 128);
  Harness bad;
  Buf pkt = tcpIpv4();
  pkt[0] = 0x55;
  EXPECT_EQ(bad.run(pkt, LinkType::Raw), DecodeResult::Malformed);
  EXPECT_TRUE(bad.onlyAnomaly(Anomaly::Ipv4BadVersion));
  Harness empty;
  EXPECT_EQ(empty.run({}, LinkType::Raw), DecodeResult::Malformed);
  EXPECT_TRUE(empty.onlyAnomaly(Anomaly::TruncatedIpv4));
}

TEST(LinkLayer, RawIpv4AndIpv6LinkTypesCheckTheVersion) {
  Harness v4;
  ASSERT_EQ(v4.run(tcpIpv4(), LinkType::Ipv4), DecodeResult::Ok);
  expectTcpIpv4(v4.out);
  Harness v6;
  ASSERT_EQ(v6.run(ipv6(59, {}), LinkType::Ipv6), DecodeResult::Ok);
  EXPECT_EQ(v6.out.l3, L3::Ipv6);
  Harness v6_in_v4;
  EXPECT_EQ(v6_in_v4.run(ipv6(59, {}), LinkType::Ipv4), DecodeResult::Malformed);
  EXPECT_TRUE(v6_in_v4.onlyAnomaly(Anomaly::Ipv4BadVersion));
  Harness v4_in_v6;
  Buf big = tcpIpv4();
  big.resize(60);
  EXPECT_EQ(v4_in_v6.run(big, LinkType::Ipv6), DecodeResult::Malformed);
  EXPECT_TRUE(v4_in_v6.onlyAnomaly(Anomaly::Ipv6BadVersion));
}

TEST(LinkLayer, UnsupportedLinkTypeIsCounted) {
  Harness h;
  EXPECT_EQ(h.run(tcpIpv4(), static_cast<LinkType>(253)), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::CaptureUnsupportedLinkType));
  EXPECT_EQ(h.out.l3, L3::None);
  EXPECT_EQ(h.out.cap_len, tcpIpv4().size());
}

TEST(LinkLayer, TruncatedEthernet) {
  Harness h;
  EXPECT_EQ(h.run(Buf(13, 0)), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::TruncatedEthernet));
  EXPECT_FALSE(h.out.has_mac);
}

TEST(Arp, RequestOverEthernet) {
  Harness h;
  ASSERT_EQ(h.run(ethernet(kTypeArp, arpEthernetIpv4(1, 0x0a000001, 0x0a0000fe))),
            DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Arp);
  EXPECT_EQ(h.out.arp.operation, 1);
  EXPECT_EQ(h.out.arp.sender_mac.toString(), "02:11:22:33:44:55");
  EXPECT_EQ(h.out.arp.target_mac.toString(), "00:00:00:00:00:00");
  EXPECT_EQ(h.out.arp.sender_ip.toString(), "10.0.0.1");
  EXPECT_EQ(h.out.arp.target_ip.toString(), "10.0.0.254");
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Arp, OtherHardwareIsNotDecoded) {
  Buf arp = arpEthernetIpv4(2, 1, 2);
  arp[1] = 6;  // IEEE 802 networks
  Harness h;
  EXPECT_EQ(h.run(ethernet(kTypeArp, arp)), DecodeResult::Ok);
  EXPECT_EQ(h.out.l3, L3::Other);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::ArpUnsupported));
  EXPECT_EQ(h.out.arp.sender_ip.family(), IpFamily::None);
}

}  // namespace
}  // namespace medtap::decode
