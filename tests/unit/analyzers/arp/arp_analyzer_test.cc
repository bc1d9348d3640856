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

// The ARP sweep count: one sender asking for many addresses within a minute.
std::vector<events::ArpSweep> sweeps(const Recorder& r) {
  std::vector<events::ArpSweep> out;
  for (const auto& e : r.events) {
    if (const auto* s = std::get_if<events::ArpSweep>(&e.body)) out.push_back(*s);
  }
  return out;
}

decode::DecodedPacket request(const char* sender, uint8_t sender_mac, uint32_t target, int64_t ms) {
  auto p = arpPacket(1, sender, sender_mac, "10.1.0.1");
  p.arp.target_ip = IpAddress::v4(target);
  p.ts = Timestamp{p.ts.ns + ms * 1'000'000};
  return p;
}

TEST(ArpAnalyzer, SweepOfMostlyEmptyAddressesIsOneEvent) {
  Recorder sink;
  AnomalyCounters anomalies;
  ArpAnalyzer arp(sink, anomalies);
  // The sweeper first asks for its gateway, as any host does: that opens the window, but the
  // sweep starts with the first address nobody holds.
  arp.onPacket(arpPacket(2, "10.1.0.1", 1, "10.1.2.99"));
  arp.onPacket(request("10.1.2.99", 9, 0x0A010001u, 1));
  // 10.1.2.0/24 has hosts at .1-.20, which answer; the sweeper asks for .1-.254 in 2.5 s.
  for (uint32_t i = 1; i <= 254; ++i) {
    arp.onPacket(request("10.1.2.99", 9, 0x0A010200u + i, 10 * i));
    if (i <= 20) {
      auto reply = arpPacket(2, "10.1.2.1", 50, "10.1.2.99");
      reply.arp.sender_ip = IpAddress::v4(0x0A010200u + i);
      reply.arp.sender_mac = mac(static_cast<uint8_t>(100 + i));
      reply.ts = Timestamp{reply.ts.ns + (10 * i + 1) * 1'000'000};
      arp.onPacket(reply);
    }
  }
  EXPECT_TRUE(sweeps(sink).empty());  // the minute is not over
  arp.advance(Timestamp{request("10.1.2.99", 9, 1, 70'000).ts});
  const auto found = sweeps(sink);
  ASSERT_EQ(found.size(), 1u);
  const auto& s = found[0];
  EXPECT_EQ(s.sender_ip, *IpAddress::parse("10.1.2.99"));
  EXPECT_EQ(s.requests, 254u);  // asking for its own address is an announcement, not counted
  EXPECT_EQ(s.targets, 254u);
  EXPECT_EQ(s.unanswered, 253u - 20u);
  EXPECT_EQ(s.first, request("10.1.2.99", 9, 0, 10).ts);  // the request for 10.1.2.1
  EXPECT_EQ(s.lowest_target, *IpAddress::parse("10.1.0.1"));
  EXPECT_EQ(s.highest_target, *IpAddress::parse("10.1.2.254"));
  std::string line;
  sinks::formatEve(sink.events.back(), line);
  EXPECT_NE(line.find(R"("event_type":"arp_sweep")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("unanswered":233)"), std::string::npos) << line;
}

TEST(ArpAnalyzer, GatewayArpingForLiveHostsIsNoSweep) {
  Recorder sink;
  AnomalyCounters anomalies;
  ArpAnalyzer arp(sink, anomalies);
  // The gateway asks for 200 hosts every minute for five minutes; every one answers.
  for (int minute = 0; minute < 5; ++minute) {
    for (uint32_t i = 1; i <= 200; ++i) {
      const int64_t ms = minute * 60'000 + 100 * i;
      arp.onPacket(request("10.1.0.1", 1, 0x0A010000u + 10 + i, ms));
      auto reply = arpPacket(2, "10.1.0.1", 1, "10.1.0.1");
      reply.arp.sender_ip = IpAddress::v4(0x0A010000u + 10 + i);
      reply.arp.sender_mac = mac(static_cast<uint8_t>(i));
      reply.ts = Timestamp{reply.ts.ns + (ms + 1) * 1'000'000};
      arp.onPacket(reply);
    }
  }
  arp.finish();
  EXPECT_TRUE(sweeps(sink).empty());
}

TEST(ArpAnalyzer, SweepSendersAreBounded) {
  Recorder sink;
  AnomalyCounters anomalies;
  ArpAnalyzer arp(sink, anomalies);
  for (uint32_t i = 0; i < kMaxSweepSenders + 5; ++i) {
    auto p = request("10.2.0.1", 1, 0x0A010101u, 0);
    p.arp.sender_ip = IpAddress::v4(0x0A020000u + i + 1);
    arp.onPacket(p);
  }
  EXPECT_EQ(arp.sweepSenders(), kMaxSweepSenders);
  EXPECT_EQ(anomalies.get(Anomaly::ArpSweepTableFull), 5u);
  // And targets per sender: a /16 sweep is counted up to the cap and said to be more.
  for (uint32_t i = 1; i <= 2000; ++i) arp.onPacket(request("10.2.0.1", 1, 0x0A030000u + i, 1));
  arp.finish();
  const auto found = sweeps(sink);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].targets, kMaxSweepTargets);
  EXPECT_TRUE(found[0].targets_capped);
  EXPECT_EQ(found[0].requests, 2001u);
}

}  // namespace
}  // namespace medtap::analyzers::arp
