#include "flow/flow_table.h"

#include <gtest/gtest.h>

#include <unordered_set>

#include "flow_test_util.h"

namespace medtap::flow::testing {
namespace {

constexpr Direction kOrig = Direction::Originator;
constexpr Direction kResp = Direction::Responder;
using Kind = Recorder::Kind;

Timestamp at(int64_t sec, int64_t ns = 0) {
  return Timestamp::fromSecNs(1'700'000'000 + sec, ns);
}

struct TableFixture : ::testing::Test {
  explicit TableFixture(FlowTableConfig c = {}) : config(c) {}
  void make() { table = std::make_unique<FlowTable>(config, rec, anomalies); }

  FlowTableConfig config;
  Recorder rec;
  AnomalyCounters anomalies;
  PacketBuilder b;
  std::unique_ptr<FlowTable> table;
  Endpoint a = endpoint("192.168.1.10", 5000);
  Endpoint z = endpoint("192.168.1.20", 53);
};

// ---- keys ----

TEST(FlowKey, NormalizationIsSymmetric) {
  PacketBuilder b;
  const Endpoint x = endpoint("10.1.1.1", 40000);
  const Endpoint y = endpoint("10.1.1.2", 80);
  bool x_lo = false;
  bool y_lo = false;
  const FlowKey k1 = FlowKey::of(b.udp(x, y, "", at(0)), x_lo);
  const FlowKey k2 = FlowKey::of(b.udp(y, x, "", at(0)), y_lo);
  EXPECT_EQ(k1, k2);
  EXPECT_NE(x_lo, y_lo);
  EXPECT_EQ(FlowKeyHash{}(k1), FlowKeyHash{}(k2));
  EXPECT_EQ(k1.lo_ip, x.ip);  // 10.1.1.1 < 10.1.1.2
  EXPECT_EQ(k1.lo_port, 40000);
}

TEST(FlowKey, SameAddressDifferentPortsOrdersByPort) {
  PacketBuilder b;
  bool lo_is_src = false;
  const FlowKey k =
      FlowKey::of(b.udp(endpoint("::1", 9000), endpoint("::1", 53), "", at(0)), lo_is_src);
  EXPECT_FALSE(lo_is_src);
  EXPECT_EQ(k.lo_port, 53);
  EXPECT_EQ(k.hi_port, 9000);
}

TEST(FlowKey, VlanTagsArePartOfTheKeyAndUnusedTagsAreNot) {
  PacketBuilder b;
  const Endpoint x = endpoint("10.1.1.1", 1);
  const Endpoint y = endpoint("10.1.1.2", 2);
  decode::DecodedPacket p = b.udp(x, y, "", at(0));
  bool lo = false;
  const FlowKey untagged = FlowKey::of(p, lo);
  p.vlan_count = 1;
  p.vlan = {10, 0};
  const FlowKey v10 = FlowKey::of(p, lo);
  p.vlan = {20, 0};
  const FlowKey v20 = FlowKey::of(p, lo);
  p.vlan_count = 0;  // stale tag values past vlan_count
  const FlowKey stale = FlowKey::of(p, lo);
  EXPECT_NE(untagged, v10);
  EXPECT_NE(v10, v20);
  EXPECT_NE(FlowKeyHash{}(v10), FlowKeyHash{}(v20));
  EXPECT_EQ(stale, untagged);
  p.vlan_count = 2;
  p.vlan = {10, 20};
  const FlowKey qinq = FlowKey::of(p, lo);
  p.vlan = {20, 10};
  EXPECT_NE(qinq, FlowKey::of(p, lo));  // outer and inner tag are not interchangeable
}

TEST(FlowKey, HashSpreadsSimilarKeysOverTheLowBits) {
  // Table slots and worker shards use the low bits: keys that differ in one port must spread.
  PacketBuilder b;
  const Endpoint server = endpoint("10.0.0.1", 443);
  std::unordered_set<size_t> buckets;
  for (uint16_t port = 1024; port < 1024 + 4096; ++port) {
    bool lo = false;
    FlowKey k = FlowKey::of(b.udp(endpoint("10.0.0.2", port), server, "", at(0)), lo);
    buckets.insert(FlowKeyHash{}(k)&4095);
  }
  // A uniform hash fills about 1 - 1/e of 4096 buckets with 4096 keys (2589).
  EXPECT_GT(buckets.size(), 2400u);
}

TEST(FlowId, StableAcrossRunsAndCutTo51Bits) {
  PacketBuilder b;
  bool lo = false;
  const FlowKey k = FlowKey::of(
      b.tcp(endpoint("10.0.0.1", 40000), endpoint("10.0.0.2", 2575), 0, 0, 0, "", at(0)), lo);
  const uint64_t id = flowIdOf(k, at(0));
  EXPECT_EQ(id, flowIdOf(k, at(0)));
  EXPECT_NE(id, flowIdOf(k, at(0, 1)));
  EXPECT_LT(id, uint64_t{1} << 51);
  // Pinned: an id must not change between runs, builds or machines (no per-process seed).
  EXPECT_EQ(id, 1618951109766220ULL);
}

// ---- the table ----

TEST_F(TableFixture, CountsPacketsAndWireBytesPerDirection) {
  make();
  table->process(b.udp(a, z, "query", at(0)));
  table->process(b.udp(z, a, "answer!", at(0, 500)));
  table->process(b.udp(a, z, "", at(1)));
  table->flushAll(at(2));
  ASSERT_EQ(rec.flows_at_end.size(), 1u);
  const auto& f = rec.flows_at_end[0];
  EXPECT_EQ(f.orig_ip, a.ip);
  EXPECT_EQ(f.orig_port, a.port);
  EXPECT_EQ(f.resp_port, z.port);
  EXPECT_EQ(f.pkts[index(kOrig)], 2u);
  EXPECT_EQ(f.pkts[index(kResp)], 1u);
  EXPECT_EQ(f.bytes[index(kOrig)], 42u + 5 + 42);
  EXPECT_EQ(f.bytes[index(kResp)], 42u + 7);
  EXPECT_EQ(f.first_seen, at(0));
  EXPECT_EQ(f.last_seen, at(1));
  EXPECT_EQ(f.state, FlowState::Established);
}

TEST_F(TableFixture, DatagramsGoToOnDatagramWhenTheyCarryPayload) {
  make();
  table->process(b.udp(a, z, "one", at(0)));
  table->process(b.udp(a, z, "", at(0, 1)));
  table->process(b.udp(z, a, "two", at(0, 2)));
  ASSERT_EQ(rec.count(Kind::Datagram), 2u);
  EXPECT_EQ(rec.events[0].data, "one");
  EXPECT_EQ(rec.events[0].dir, kOrig);
  EXPECT_EQ(rec.events[1].data, "two");
  EXPECT_EQ(rec.events[1].dir, kResp);
  EXPECT_EQ(table->stats().udp_flows, 1u);
  table->flushAll(at(1));
  EXPECT_EQ(rec.count(Kind::StreamEnd), 0u);  // no streams in a UDP flow
}

TEST_F(TableFixture, IcmpIsKeyedByAddressPair) {
  make();
  table->process(b.icmp(a.ip, z.ip, 8, "ping", at(0)));
  table->process(b.icmp(z.ip, a.ip, 0, "ping", at(0, 1)));
  EXPECT_EQ(table->stats().flows_created, 1u);
  EXPECT_EQ(table->stats().other_flows, 1u);
  EXPECT_EQ(rec.count(Kind::Datagram), 2u);
}

TEST_F(TableFixture, PacketsThatCannotBeKeyedAreIgnored) {
  make();
  decode::DecodedPacket frag = b.udp(a, z, "x", at(0));
  frag.fragment = true;
  decode::DecodedPacket no_l4 = b.udp(a, z, "x", at(0));
  no_l4.has_l4 = false;
  decode::DecodedPacket arp = b.udp(a, z, "x", at(0));
  arp.l3 = decode::L3::Arp;
  table->process(frag);
  table->process(no_l4);
  table->process(arp);
  EXPECT_EQ(table->stats().flows_created, 0u);
  decode::DecodedPacket gre = b.udp(a, z, "x", at(0));
  gre.ip_proto = 47;  // no L4 decoded for GRE: keyed by addresses
  gre.has_l4 = false;
  gre.src_port = gre.dst_port = 0;
  table->process(gre);
  EXPECT_EQ(table->stats().other_flows, 1u);
}

TEST_F(TableFixture, VlanSeparatedFlowsAreDistinct) {
  make();
  decode::DecodedPacket p1 = b.udp(a, z, "x", at(0));
  p1.vlan_count = 1;
  p1.vlan = {100, 0};
  decode::DecodedPacket p2 = p1;
  p2.vlan = {200, 0};
  table->process(p1);
  table->process(p2);
  EXPECT_EQ(table->stats().flows_created, 2u);
  table->flushAll(at(1));
  ASSERT_EQ(rec.ended_flows.size(), 2u);
  EXPECT_NE(rec.ended_flows[0], rec.ended_flows[1]);
}

TEST_F(TableFixture, IdsAreTheSameInTwoTables) {
  make();
  Recorder rec2;
  AnomalyCounters anomalies2;
  FlowTable table2(config, rec2, anomalies2);
  for (int i = 0; i < 50; ++i) {
    const auto p = b.udp(endpoint("10.9.0.1", static_cast<uint16_t>(1000 + i)), z, "x", at(i));
    table->process(p);
    table2.process(p);
  }
  table->flushAll(at(100));
  table2.flushAll(at(100));
  EXPECT_EQ(rec.ended_flows, rec2.ended_flows);
  EXPECT_EQ(rec.ended_flows.size(), 50u);
}

TEST_F(TableFixture, EvictsTheLeastRecentlyActiveFlowWhenFull) {
  config.max_flows = 3;
  make();
  const Endpoint c1 = endpoint("10.0.0.1", 1);
  const Endpoint c2 = endpoint("10.0.0.2", 1);
  const Endpoint c3 = endpoint("10.0.0.3", 1);
  const Endpoint c4 = endpoint("10.0.0.4", 1);
  table->process(b.udp(c1, z, "1", at(0)));
  table->process(b.icmp(c2.ip, z.ip, 8, "2", at(1)));  // another timeout class
  table->process(b.udp(c3, z, "3", at(2)));
  table->process(b.udp(c1, z, "1", at(3)));  // c1 active again: c2 is now the least recent
  table->process(b.udp(c4, z, "4", at(4)));
  ASSERT_EQ(rec.flows_at_end.size(), 1u);
  EXPECT_EQ(rec.flows_at_end[0].orig_ip, c2.ip);
  EXPECT_EQ(rec.flows_at_end[0].reason, EndReason::Forced);
  EXPECT_EQ(rec.flows_at_end[0].end_ts, at(4));
  EXPECT_EQ(anomalies.get(Anomaly::FlowTableFull), 1u);
  const FlowTableStats s = table->stats();
  EXPECT_EQ(s.flows_evicted, 1u);
  EXPECT_EQ(s.flows_active, 3u);
  EXPECT_EQ(s.flows_created, 4u);
  EXPECT_EQ(s.flows_ended, 1u);
}

TEST_F(TableFixture, AFloodOfNewFlowsNeverGrowsPastTheCap) {
  config.max_flows = 100;
  make();
  for (uint32_t i = 0; i < 10'000; ++i) {
    const auto src = Endpoint{IpAddress::v4(0x0a000000u + i), static_cast<uint16_t>(i)};
    table->process(b.udp(src, z, "x", at(0, i)));
    ASSERT_LE(table->stats().flows_active, 100u);
  }
  EXPECT_EQ(anomalies.get(Anomaly::FlowTableFull), 9'900u);
  // The survivors are the 100 most recent.
  table->flushAll(at(1));
  ASSERT_EQ(rec.flows_at_end.size(), 10'000u);
  for (size_t i = 9'900; i < 10'000; ++i)
    EXPECT_EQ(rec.flows_at_end[i].reason, EndReason::Shutdown);
  EXPECT_EQ(rec.flows_at_end[9'900].first_seen, at(0, 9'900));
}

// One flow of each timeout class, idle from t=0: each ends exactly when its own timeout passes.
TEST_F(TableFixture, TimeoutsArePerProtocolAndState) {
  config.tcp_new_timeout = Duration::seconds(10);
  config.tcp_established_timeout = Duration::seconds(100);
  config.tcp_closed_timeout = Duration::seconds(20);
  config.udp_new_timeout = Duration::seconds(30);
  config.udp_established_timeout = Duration::seconds(300);
  config.other_timeout = Duration::seconds(40);
  make();
  const Endpoint srv = endpoint("10.0.0.100", 80);
  auto tcpFlow = [&](uint16_t port, int state) {
    const Endpoint cl = endpoint("10.0.0.1", port);
    table->process(b.tcp(cl, srv, tf::kSyn, 1, 0, "", at(0)));
    if (state >= 1) {
      table->process(b.tcp(srv, cl, tf::kSyn | tf::kAck, 9, 2, "", at(0)));
      table->process(b.tcp(cl, srv, tf::kAck, 2, 10, "", at(0)));
    }
    if (state >= 2) {
      table->process(b.tcp(cl, srv, tf::kAck | tf::kFin, 2, 10, "", at(0)));
      table->process(b.tcp(srv, cl, tf::kAck | tf::kFin, 10, 3, "", at(0)));
    }
  };
  tcpFlow(1, 0);                                                    // new
  tcpFlow(2, 1);                                                    // established
  tcpFlow(3, 2);                                                    // closed
  table->process(b.udp(endpoint("10.0.0.1", 4), srv, "x", at(0)));  // udp new
  table->process(b.udp(endpoint("10.0.0.1", 5), srv, "x", at(0)));  // udp established
  table->process(b.udp(srv, endpoint("10.0.0.1", 5), "y", at(0)));
  table->process(b.icmp(endpoint("10.0.0.1", 0).ip, srv.ip, 8, "", at(0)));  // other

  struct Expect {
    int64_t timeout;
    uint16_t port;  // the client port (0 for ICMP)
  };
  const std::vector<Expect> expected{{10, 1}, {20, 3}, {30, 4}, {40, 0}, {100, 2}, {300, 5}};
  size_t ended = 0;
  for (const Expect& e : expected) {
    table->expire(at(e.timeout));  // idle exactly the timeout: not yet
    EXPECT_EQ(rec.flows_at_end.size(), ended) << "timeout " << e.timeout;
    table->expire(at(e.timeout, 1));
    ASSERT_EQ(rec.flows_at_end.size(), ended + 1) << "timeout " << e.timeout;
    const auto& f = rec.flows_at_end.back();
    EXPECT_EQ(f.orig_port, e.port) << "timeout " << e.timeout;
    EXPECT_EQ(f.reason, EndReason::Timeout);
    EXPECT_EQ(f.end_ts, at(e.timeout, 1));
    ++ended;
  }
  EXPECT_EQ(table->stats().flows_active, 0u);
}

TEST_F(TableFixture, ActivityKeepsAFlowAlive) {
  config.udp_new_timeout = Duration::seconds(30);
  make();
  table->process(b.udp(a, z, "x", at(0)));
  table->process(b.udp(endpoint("10.0.0.9", 1), z, "x", at(10)));
  table->process(b.udp(a, z, "x", at(20)));  // a is now more recent than the other
  table->expire(at(45));
  ASSERT_EQ(rec.flows_at_end.size(), 1u);
  EXPECT_EQ(rec.flows_at_end[0].orig_ip, endpoint("10.0.0.9", 1).ip);
  table->expire(at(51));
  EXPECT_EQ(rec.flows_at_end.size(), 2u);
}

TEST_F(TableFixture, APacketAfterTheTimeoutStartsANewFlowEvenBeforeExpire) {
  config.udp_new_timeout = Duration::seconds(30);
  make();
  table->process(b.udp(a, z, "x", at(0)));
  table->process(b.udp(a, z, "y", at(31)));
  ASSERT_EQ(rec.flows_at_end.size(), 1u);
  EXPECT_EQ(rec.flows_at_end[0].reason, EndReason::Timeout);
  EXPECT_EQ(table->stats().flows_created, 2u);
  EXPECT_EQ(table->stats().flows_active, 1u);
}

TEST_F(TableFixture, FlushEndsFlowsByFirstSeenThenId) {
  make();
  const Endpoint c1 = endpoint("10.0.0.1", 1);
  const Endpoint c2 = endpoint("10.0.0.2", 1);
  const Endpoint c3 = endpoint("10.0.0.3", 1);
  const Endpoint c4 = endpoint("10.0.0.4", 1);
  table->process(b.udp(c3, z, "", at(2)));
  table->process(b.udp(c1, z, "", at(5)));
  table->process(b.udp(c2, z, "", at(1)));  // time went backwards: still ordered by first_seen
  table->process(b.udp(c4, z, "", at(5)));  // same first_seen as c1: ordered by id
  table->flushAll(at(10));
  ASSERT_EQ(rec.flows_at_end.size(), 4u);
  EXPECT_EQ(rec.flows_at_end[0].orig_ip, c2.ip);
  EXPECT_EQ(rec.flows_at_end[1].orig_ip, c3.ip);
  EXPECT_LT(rec.flows_at_end[2].id, rec.flows_at_end[3].id);
  for (const auto& f : rec.flows_at_end) {
    EXPECT_EQ(f.reason, EndReason::Shutdown);
    EXPECT_EQ(f.end_ts, at(10));
  }
  EXPECT_EQ(table->stats().flows_active, 0u);
}

TEST_F(TableFixture, FlushDeliversBufferedDataAndEndsStreamsBeforeTheFlow) {
  make();
  const Endpoint cl = endpoint("10.0.0.1", 40000);
  const Endpoint srv = endpoint("10.0.0.2", 104);
  table->process(b.tcp(cl, srv, tf::kSyn, 100, 0, "", at(0)));
  table->process(b.tcp(cl, srv, tf::kAck, 106, 0, "later", at(1)));  // 5 bytes missing first
  EXPECT_EQ(table->stats().reassembly_bytes_held, 5u);
  table->flushAll(at(2));
  EXPECT_EQ(rec.orig(), "<gap 5>later");
  ASSERT_GE(rec.events.size(), 4u);
  const size_t n = rec.events.size();
  EXPECT_EQ(rec.events[n - 3].kind, Kind::StreamEnd);
  EXPECT_EQ(rec.events[n - 2].kind, Kind::StreamEnd);
  EXPECT_EQ(rec.events[n - 1].kind, Kind::FlowEnd);
  EXPECT_EQ(table->stats().reassembly_bytes_held, 0u);
}

TEST_F(TableFixture, GlobalBufferLimitIsSharedByAllFlows) {
  config.reassembly.max_total_buffer_bytes = 10;
  make();
  const Endpoint srv = endpoint("10.0.0.2", 104);
  const Endpoint c1 = endpoint("10.0.0.1", 1);
  const Endpoint c2 = endpoint("10.0.0.1", 2);
  table->process(b.tcp(c1, srv, tf::kSyn, 0, 0, "", at(0)));
  table->process(b.tcp(c2, srv, tf::kSyn, 0, 0, "", at(0)));
  table->process(b.tcp(c1, srv, tf::kAck, 5, 0, "12345678", at(1)));  // flow 1 holds 8
  EXPECT_EQ(table->stats().reassembly_bytes_held, 8u);
  table->process(b.tcp(c2, srv, tf::kAck, 5, 0, "abcd", at(2)));  // 12 > 10: flow 2 gives up
  EXPECT_EQ(anomalies.get(Anomaly::TcpGlobalBufferLimit), 1u);
  EXPECT_EQ(rec.streamOf(0, kOrig), "<gap 4>abcd");     // flow 2 is the first with a callback
  EXPECT_EQ(table->stats().reassembly_bytes_held, 8u);  // flow 1 keeps its buffer
  table->process(b.tcp(c1, srv, tf::kAck, 1, 0, "abcd", at(3)));
  EXPECT_EQ(rec.streamOf(1, kOrig), "abcd12345678");
  EXPECT_EQ(table->stats().reassembly_bytes_held, 0u);
}

TEST_F(TableFixture, StatsCountFlowsByProtocol) {
  make();
  table->process(b.udp(a, z, "", at(0)));
  table->process(b.tcp(a, z, tf::kSyn, 0, 0, "", at(0)));
  table->process(b.icmp(a.ip, z.ip, 8, "", at(0)));
  const FlowTableStats s = table->stats();
  EXPECT_EQ(s.flows_created, 3u);
  EXPECT_EQ(s.tcp_flows, 1u);
  EXPECT_EQ(s.udp_flows, 1u);
  EXPECT_EQ(s.other_flows, 1u);
  EXPECT_EQ(s.flows_active, 3u);
}

TEST_F(TableFixture, ManyFlowsAreFoundAgainAfterTheIndexGrowsAndShrinks) {
  // Exercises index growth and backward-shift deletion: every flow must still be found (one
  // flow per key, never two) after thousands of inserts and removals.
  config.udp_new_timeout = Duration::seconds(30);
  make();
  for (uint32_t i = 0; i < 5000; ++i) {
    table->process(b.udp(Endpoint{IpAddress::v4(0x0b000000u + i), 7}, z, "", at(i / 250)));
  }
  table->expire(at(40));  // ends those last seen at t < 10
  const size_t left = table->stats().flows_active;
  EXPECT_EQ(left, 2500u);
  for (uint32_t i = 0; i < 5000; ++i) {
    table->process(b.udp(Endpoint{IpAddress::v4(0x0b000000u + i), 7}, z, "", at(40)));
  }
  EXPECT_EQ(table->stats().flows_created, 7500u);
  EXPECT_EQ(table->stats().flows_active, 5000u);
}

}  // namespace
}  // namespace medtap::flow::testing
