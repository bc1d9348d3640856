// Fuzz target for the flow table and TCP reassembly.
//
// The input is a list of 8-byte synthetic segment records:
//   [0] bit 0 direction (0 client->server, 1 back), bits 1-5 FIN SYN RST ACK MUTATE,
//       bits 6-7 time step (+1 ms, +1 s, +100 s, +0)
//   [1..2] sequence offset from the direction's base (little endian)
//   [3..4] acknowledgement offset from the other direction's base
//   [5] payload length
//   [6] bits 0-1 which of four client ports (four flows for a table of three), bit 2 VLAN,
//       bit 3 call expire() after the packet
//   [7] seed of the bytes when MUTATE is set
// The bases sit just below 2^32 and 2^31 so sequence numbers wrap. Unmutated payload bytes are a
// function of their sequence number (the low byte), so the checker can verify, without knowing
// where a stream started, that every delivered byte follows the one before it and that gaps
// account for exactly the sequence space they skip. Limits are tiny so that every limit path
// runs.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <utility>

#include "core/anomaly.h"
#include "decode/packet.h"
#include "flow/flow_callbacks.h"
#include "flow/flow_table.h"

namespace {

using medtap::Bytes;
using medtap::IpAddress;
using medtap::Timestamp;
using medtap::flow::Direction;
using medtap::flow::EndReason;
using medtap::flow::Flow;
namespace tf = medtap::decode::tcp_flags;

constexpr size_t kRecordSize = 8;
constexpr size_t kMaxRecords = 4096;
constexpr uint32_t kBase[2] = {0xffffff00u, 0x7ffffff0u};
constexpr uint8_t kContentMask = 0x5a;
constexpr uint16_t kServerPort = 2575;
constexpr uint16_t kClientPortBase = 40000;
constexpr size_t kSelectors = 8;  // 4 ports x 2 VLANs

void check(bool ok) {
  if (!ok) __builtin_trap();
}

uint8_t contentAt(uint32_t seq) {
  return static_cast<uint8_t>((seq & 0xff) ^ kContentMask);
}

size_t selectorOf(const Flow& f) {
  const uint16_t client_port = f.key.lo_port == kServerPort ? f.key.hi_port : f.key.lo_port;
  return static_cast<size_t>((client_port - kClientPortBase) & 3) + (f.key.vlan_count != 0 ? 4 : 0);
}

// Checks the invariants as the table reports.
class Checker : public medtap::flow::FlowCallbacks {
 public:
  uint64_t given[kSelectors] = {};      // payload bytes handed to the table, by selector
  bool mutated[kSelectors] = {};        // some payload of the selector did not follow contentAt
  uint64_t delivered[kSelectors] = {};  // bytes delivered, by selector

  void onStreamData(Flow& flow, Direction dir, Bytes data, Timestamp) override {
    check(!data.empty());
    Stream& s = stream(flow, dir);
    check(!s.ended);
    const size_t sel = selectorOf(flow);
    delivered[sel] += data.size();
    check(delivered[sel] <= given[sel]);
    if (mutated[sel]) return;
    for (uint8_t b : data) {
      const auto v = static_cast<uint8_t>(b ^ kContentMask);
      if (s.have_last) check(v == static_cast<uint8_t>(s.last + 1 + s.pending_gap));
      s.have_last = true;
      s.last = v;
      s.pending_gap = 0;
    }
  }
  void onStreamGap(Flow& flow, Direction dir, uint64_t length, Timestamp) override {
    check(length > 0);
    Stream& s = stream(flow, dir);
    check(!s.ended);
    s.pending_gap += length;
  }
  void onStreamEnd(Flow& flow, Direction dir, Timestamp) override {
    Stream& s = stream(flow, dir);
    check(!s.ended);
    s.ended = true;
  }
  void onDatagram(Flow&, Direction, const medtap::decode::DecodedPacket&) override {
    check(false);  // only TCP is fed
  }
  void onFlowEnd(Flow& flow, EndReason, Timestamp) override {
    // Both streams of a TCP flow end before the flow does.
    auto it = flows_.find(&flow);
    check(it != flows_.end() && it->second[0].ended && it->second[1].ended);
    flows_.erase(it);
  }

 private:
  struct Stream {
    bool ended = false;
    bool have_last = false;
    uint8_t last = 0;
    uint64_t pending_gap = 0;
  };
  Stream& stream(Flow& flow, Direction dir) { return flows_[&flow][medtap::flow::index(dir)]; }
  // By flow address: an entry is dropped at onFlowEnd, before the address can be reused.
  std::map<const Flow*, std::array<Stream, 2>> flows_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  medtap::flow::FlowTableConfig config;
  config.max_flows = 3;
  config.tcp_new_timeout = medtap::Duration::seconds(5);
  config.tcp_established_timeout = medtap::Duration::seconds(50);
  config.tcp_closed_timeout = medtap::Duration::seconds(5);
  config.reassembly.max_flow_buffer_bytes = 600;
  config.reassembly.max_total_buffer_bytes = 1000;
  config.reassembly.max_flow_segments = 6;

  Checker checker;
  medtap::AnomalyCounters anomalies;
  medtap::flow::FlowTable table(config, checker, anomalies);

  const IpAddress client_ip = IpAddress::v4(0x0a000001u);
  const IpAddress server_ip = IpAddress::v4(0x0a000002u);
  uint8_t payload[256];
  Timestamp now = Timestamp::fromSeconds(1'700'000'000);

  const size_t records = std::min(size / kRecordSize, kMaxRecords);
  for (size_t r = 0; r < records; ++r) {
    const uint8_t* rec = data + r * kRecordSize;
    const int dir = rec[0] & 1;
    const bool mutate = (rec[0] & 0x20) != 0;
    static constexpr int64_t kSteps[4] = {1'000'000, 1'000'000'000, 100'000'000'000, 0};
    now = Timestamp{now.ns + kSteps[rec[0] >> 6]};
    const uint32_t seq = kBase[dir] + static_cast<uint32_t>(rec[1] | (rec[2] << 8));
    const uint32_t ack = kBase[1 - dir] + static_cast<uint32_t>(rec[3] | (rec[4] << 8));
    const size_t len = rec[5];
    const size_t sel = static_cast<size_t>(rec[6] & 3) + ((rec[6] & 4) != 0 ? 4 : 0);

    medtap::decode::DecodedPacket p;
    p.ts = now;
    p.l3 = medtap::decode::L3::Ipv4;
    p.ip_proto = 6;
    p.has_l4 = true;
    const uint16_t client_port = static_cast<uint16_t>(kClientPortBase + (rec[6] & 3));
    p.src_ip = dir == 0 ? client_ip : server_ip;
    p.dst_ip = dir == 0 ? server_ip : client_ip;
    p.src_port = dir == 0 ? client_port : kServerPort;
    p.dst_port = dir == 0 ? kServerPort : client_port;
    if ((rec[6] & 4) != 0) {
      p.vlan_count = 1;
      p.vlan[0] = 7;
    }
    p.tcp_seq = seq;
    p.tcp_ack = ack;
    p.tcp_flags = static_cast<uint8_t>(
        ((rec[0] >> 1) & 0x01 ? tf::kFin : 0) | ((rec[0] >> 2) & 0x01 ? tf::kSyn : 0) |
        ((rec[0] >> 3) & 0x01 ? tf::kRst : 0) | ((rec[0] >> 4) & 0x01 ? tf::kAck : 0));
    // Data starts after the SYN's sequence number when the SYN flag is set.
    const uint32_t data_seq = seq + ((p.tcp_flags & tf::kSyn) != 0 ? 1 : 0);
    for (size_t i = 0; i < len; ++i) {
      payload[i] = mutate ? static_cast<uint8_t>(rec[7] ^ (i * 31))
                          : contentAt(data_seq + static_cast<uint32_t>(i));
    }
    // A mutated copy of bytes that follow contentAt is indistinguishable from a good copy only
    // when it happens to equal it; either way the content check stops for the selector.
    if (mutate && len > 0) checker.mutated[sel] = true;
    p.payload = Bytes(payload, len);
    p.wire_len = static_cast<uint32_t>(54 + len);
    p.cap_len = p.wire_len;
    checker.given[sel] += len;

    table.process(p);
    const medtap::flow::FlowTableStats s = table.stats();
    check(s.reassembly_bytes_held <= config.reassembly.max_total_buffer_bytes);
    check(s.flows_active <= config.max_flows);
    if ((rec[6] & 8) != 0) table.expire(now);
  }
  table.flushAll(Timestamp{now.ns + 1});
  const medtap::flow::FlowTableStats s = table.stats();
  check(s.flows_active == 0);
  check(s.reassembly_bytes_held == 0);
  check(s.flows_created == s.flows_ended);
  return 0;
}
