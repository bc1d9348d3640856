#include "analyzers/dhcp/dhcp_parser.h"

#include <gtest/gtest.h>

#include "dhcp_builder.h"

namespace medtap::analyzers::dhcp {
namespace {

using testing::DhcpBuilder;

ParseStatus parse(const std::vector<uint8_t>& b, events::DhcpMessage& m, AnomalyCounters& a) {
  return parseMessage(Bytes(b), m, a);
}

TEST(DhcpParser, DiscoverWithFingerprint) {
  const auto bytes = DhcpBuilder(1)
                         .option(53, {1})
                         .option(12, "bed12-monitor")
                         .option(55, {1, 3, 6, 15, 119, 252})
                         .option(60, "MSFT 5.0")
                         .option(61, {0x01, 0x00, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f})
                         .option(50, {10, 0, 0, 7})
                         .end()
                         .build();
  events::DhcpMessage m;
  AnomalyCounters a;
  ASSERT_EQ(parse(bytes, m, a), ParseStatus::Ok);
  EXPECT_EQ(m.op, events::DhcpMessage::Op::Request);
  EXPECT_EQ(m.xid, 0x12345678u);
  EXPECT_EQ(m.client_mac, "00:1b:2c:3d:4e:5f");
  EXPECT_EQ(m.dhcp_type, 1);
  EXPECT_EQ(m.hostname, "bed12-monitor");
  EXPECT_EQ(m.params, (std::vector<uint8_t>{1, 3, 6, 15, 119, 252}));
  EXPECT_EQ(m.vendor_class, "MSFT 5.0");
  EXPECT_EQ(m.client_id, "01:00:1b:2c:3d:4e:5f");
  ASSERT_TRUE(m.requested_ip);
  EXPECT_EQ(m.requested_ip->toString(), "10.0.0.7");
  EXPECT_EQ(a.total(), 0u);
}

TEST(DhcpParser, AckBindsMacToAddress) {
  const auto bytes = DhcpBuilder(2)
                         .yiaddr(0x0a000007)
                         .option(53, {5})
                         .option(51, {0, 0, 0x0e, 0x10})
                         .option(54, {10, 0, 0, 1})
                         .option(1, {255, 255, 255, 0})
                         .option(3, {10, 0, 0, 1})
                         .option(6, {10, 0, 0, 2, 10, 0, 0, 3})
                         .option(15, "ward.test")
                         .end()
                         .build();
  events::DhcpMessage m;
  AnomalyCounters a;
  ASSERT_EQ(parse(bytes, m, a), ParseStatus::Ok);
  EXPECT_EQ(m.op, events::DhcpMessage::Op::Reply);
  EXPECT_EQ(m.dhcp_type, 5);
  EXPECT_EQ(m.assigned_ip.toString(), "10.0.0.7");
  EXPECT_EQ(m.client_mac, "00:1b:2c:3d:4e:5f");
  EXPECT_EQ(m.lease_time, 3600u);
  EXPECT_EQ(m.server_id->toString(), "10.0.0.1");
  EXPECT_EQ(m.subnet_mask->toString(), "255.255.255.0");
  ASSERT_EQ(m.routers.size(), 1u);
  ASSERT_EQ(m.dns_servers.size(), 2u);
  EXPECT_EQ(m.dns_servers[1].toString(), "10.0.0.3");
  EXPECT_EQ(m.domain, "ward.test");
}

TEST(DhcpParser, OverloadReadsFileThenSname) {
  DhcpBuilder b(2);
  b.option(53, {5}).option(52, {3}).end();
  b.at(108, {12, 4, 'f', 'i', 'l', 'e', 255});      // hostname in file
  b.at(44, {15, 5, 's', 'n', 'a', 'm', 'e', 255});  // domain in sname
  events::DhcpMessage m;
  AnomalyCounters a;
  ASSERT_EQ(parse(b.build(), m, a), ParseStatus::Ok);
  EXPECT_EQ(m.overload, 3);
  EXPECT_EQ(m.hostname, "file");
  EXPECT_EQ(m.domain, "sname");
  EXPECT_EQ(a.total(), 0u);
}

TEST(DhcpParser, BadCookieGivesHeaderOnly) {
  auto bytes = DhcpBuilder(1).option(53, {1}).end().build();
  bytes[239] = 0x64;
  events::DhcpMessage m;
  AnomalyCounters a;
  EXPECT_EQ(parse(bytes, m, a), ParseStatus::HeaderOnly);
  EXPECT_EQ(a.get(Anomaly::DhcpBadMagicCookie), 1u);
  EXPECT_EQ(m.dhcp_type, 0);
  EXPECT_EQ(m.client_mac, "00:1b:2c:3d:4e:5f");
}

TEST(DhcpParser, ShortOrNotBootp) {
  events::DhcpMessage m;
  AnomalyCounters a;
  std::vector<uint8_t> shortmsg(100, 1);
  EXPECT_EQ(parse(shortmsg, m, a), ParseStatus::NotDhcp);
  EXPECT_EQ(a.get(Anomaly::DhcpTruncatedMessage), 1u);
  auto bytes = DhcpBuilder(7).build();
  EXPECT_EQ(parse(bytes, m, a), ParseStatus::NotDhcp);
}

TEST(DhcpParser, OptionLengthBeyondPacket) {
  const auto bytes = DhcpBuilder(1).option(53, {3}).raw({12, 40, 'a', 'b'}).build();
  events::DhcpMessage m;
  AnomalyCounters a;
  EXPECT_EQ(parse(bytes, m, a), ParseStatus::Ok);
  EXPECT_EQ(a.get(Anomaly::DhcpOptionOverrun), 1u);
  EXPECT_EQ(m.dhcp_type, 3);  // options before the bad one are kept
  EXPECT_TRUE(m.hostname.empty());
}

TEST(DhcpParser, OptionLengthByteMissing) {
  const auto bytes = DhcpBuilder(1).option(53, {3}).raw({12}).build();
  events::DhcpMessage m;
  AnomalyCounters a;
  EXPECT_EQ(parse(bytes, m, a), ParseStatus::Ok);
  EXPECT_EQ(a.get(Anomaly::DhcpTruncatedOptions), 1u);
}

TEST(DhcpParser, NonEthernetHardwareHasNoMac) {
  auto bytes = DhcpBuilder(1).option(53, {1}).end().build();
  bytes[1] = 0;  // htype 0 (zeek hw-type0.pcap)
  events::DhcpMessage m;
  AnomalyCounters a;
  EXPECT_EQ(parse(bytes, m, a), ParseStatus::Ok);
  EXPECT_TRUE(m.client_mac.empty());
}

TEST(DhcpParser, RelayAgentSubOptions) {
  const auto bytes = DhcpBuilder(1).option(82, {1, 2, 0xab, 0xcd, 2, 1, 0x13, 9, 0}).end().build();
  events::DhcpMessage m;
  AnomalyCounters a;
  EXPECT_EQ(parse(bytes, m, a), ParseStatus::Ok);
  EXPECT_EQ(m.relay_circuit_id, "ab:cd");
  EXPECT_EQ(m.relay_remote_id, "13");
  EXPECT_EQ(a.get(Anomaly::DhcpTruncatedOptions), 0u);
  const auto bad = DhcpBuilder(1).option(82, {1, 9, 0xab}).end().build();
  EXPECT_EQ(parse(bad, m, a), ParseStatus::Ok);
  EXPECT_EQ(a.get(Anomaly::DhcpOptionOverrun), 1u);
}

TEST(DhcpParser, Fqdn) {
  const uint8_t ascii[] = {0x01, 0, 0, 'p', 'c', '.', 't', 'e', 's', 't'};
  EXPECT_EQ(parseFqdn(Bytes(ascii)), "pc.test");
  const uint8_t wire[] = {0x05, 0, 0, 2, 'p', 'c', 4, 't', 'e', 's', 't', 0};
  EXPECT_EQ(parseFqdn(Bytes(wire)), "pc.test");
  const uint8_t cut[] = {0x05, 0, 0, 9, 'p'};
  EXPECT_EQ(parseFqdn(Bytes(cut)), "");
  EXPECT_EQ(parseFqdn(Bytes(ascii).first(2)), "");
}

TEST(DhcpParser, ReusedMessageIsCleared) {
  events::DhcpMessage m;
  AnomalyCounters a;
  parse(DhcpBuilder(1).option(12, "first").option(55, {1}).end().build(), m, a);
  parse(DhcpBuilder(1).option(53, {8}).end().build(), m, a);
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_TRUE(m.params.empty());
  EXPECT_EQ(m.dhcp_type, 8);
}

}  // namespace
}  // namespace medtap::analyzers::dhcp
