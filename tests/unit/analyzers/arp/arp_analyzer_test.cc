#include "analyzers/arp/arp_analyzer.h"

#include "analyzers/arp/limits.h"

#include <gtest/gtest.h>

#include <vector>

#include "sinks/eve_writer.h"

namespace medtap::analyzers::arp {
namespace {

struct Recorder : events::EventSink {
  std::vector<events::Event> events;
  void emit(const events::Event& e) override { events.push_back(e); }
};

MacAddress mac(uint8_t last) {
  const uint8_t b[6] = {0x00, 0x09, 0xfb, 0x00, 0x00, last};
  return MacAddress::from(Bytes(b, 6));
}

decode::DecodedPacket arpPacket(uint16_t op, const char* sender_ip, uint8_t sender_mac,
                                const char* target_ip) {
  decode::DecodedPacket p;
  p.l3 = decode::L3::Arp;
  p.ts = Timestamp::fromSeconds(1764064800);
  p.arp.operation = op;
  p.arp.sender_ip = *IpAddress::parse(sender_ip);
  p.arp.sender_mac = mac(sender_mac);
  p.arp.target_ip = *IpAddress::parse(target_ip);
  return p;
}

TEST(ArpAnalyzer, ReportsNewAndChangedBindingsOnly) {
  Recorder sink;
  AnomalyCounters anomalies;
  ArpAnalyzer arp(sink, anomalies);
  arp.onPacket(arpPacket(1, "10.1.2.12", 1, "10.1.2.1"));
  arp.onPacket(arpPacket(1, "10.1.2.12", 1, "10.1.2.1"));  // same binding again: quiet
  arp.onPacket(arpPacket(2, "10.1.2.12", 2, "10.1.2.1"));  // another MAC claims the address
  ASSERT_EQ(sink.events.size(), 2u);
  const auto& first = std::get<events::ArpBinding>(sink.events[0].body);
  EXPECT_EQ(first.change, "new");
  EXPECT_EQ(first.mac, mac(1));
  const auto& second = std::get<events::ArpBinding>(sink.events[1].body);
  EXPECT_EQ(second.change, "changed");
  ASSERT_TRUE(second.previous_mac);
  EXPECT_EQ(*second.previous_mac, mac(1));
  EXPECT_EQ(anomalies.get(Anomaly::ArpBindingChanged), 1u);

  std::string line;
  sinks::formatEve(sink.events[1], line);
  EXPECT_NE(line.find(R"("event_type":"arp")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("previous_mac":"00:09:fb:00:00:01")"), std::string::npos) << line;
}

TEST(ArpAnalyzer, GratuitousAndProbes) {
  Recorder sink;
  AnomalyCounters anomalies;
  ArpAnalyzer arp(sink, anomalies);
  arp.onPacket(arpPacket(1, "0.0.0.0", 3, "10.1.2.30"));  // RFC 5227 probe: binds nothing
  EXPECT_TRUE(sink.events.empty());
  arp.onPacket(arpPacket(1, "10.1.2.30", 3, "10.1.2.30"));  // announcement
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_TRUE(std::get<events::ArpBinding>(sink.events[0].body).gratuitous);
  EXPECT_EQ(arp.bindings(), 1u);
}

TEST(ArpAnalyzer, TableIsBounded) {
  Recorder sink;
  AnomalyCounters anomalies;
  ArpAnalyzer arp(sink, anomalies);
  for (uint32_t i = 0; i < kMaxBindings + 10; ++i) {
    auto p = arpPacket(2, "10.0.0.1", 1, "10.0.0.2");
    p.arp.sender_ip = IpAddress::v4(0x0A000000u + i + 1);
    arp.onPacket(p);
  }
  EXPECT_EQ(arp.bindings(), kMaxBindings);
  EXPECT_EQ(anomalies.get(Anomaly::ArpTableFull), 10u);
}

}  // namespace
}  // namespace medtap::analyzers::arp
