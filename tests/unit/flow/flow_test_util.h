// Test helpers for the flow stage: a builder of decoded packets, a FlowCallbacks that records
// what it is told, and a harness that plays one TCP connection through a FlowTable.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/anomaly.h"
#include "decode/packet.h"
#include "flow/flow.h"
#include "flow/flow_callbacks.h"
#include "flow/flow_table.h"

namespace medtap::flow::testing {

namespace tf = decode::tcp_flags;

struct Endpoint {
  IpAddress ip;
  uint16_t port = 0;
};

inline Endpoint endpoint(std::string_view ip, uint16_t port) {
  return Endpoint{*IpAddress::parse(ip), port};
}

// Builds DecodedPackets. Payload bytes are kept by the builder, so the views stay valid for the
// builder's lifetime (longer than the decoder would keep them: tests may hold packets).
class PacketBuilder {
 public:
  decode::DecodedPacket tcp(const Endpoint& src, const Endpoint& dst, uint8_t flags, uint32_t seq,
                            uint32_t ack, std::string_view payload, Timestamp ts) {
    decode::DecodedPacket p = base(src, dst, decode::IpProto::Tcp, payload, ts);
    p.tcp_flags = flags;
    p.tcp_seq = seq;
    p.tcp_ack = ack;
    p.wire_len = static_cast<uint32_t>(54 + payload.size());
    return p;
  }
  decode::DecodedPacket udp(const Endpoint& src, const Endpoint& dst, std::string_view payload,
                            Timestamp ts) {
    decode::DecodedPacket p = base(src, dst, decode::IpProto::Udp, payload, ts);
    p.wire_len = static_cast<uint32_t>(42 + payload.size());
    return p;
  }
  decode::DecodedPacket icmp(const IpAddress& src, const IpAddress& dst, uint8_t type,
                             std::string_view payload, Timestamp ts) {
    decode::DecodedPacket p = base({src, 0}, {dst, 0}, decode::IpProto::Icmp, payload, ts);
    p.icmp_type = type;
    p.wire_len = static_cast<uint32_t>(42 + payload.size());
    return p;
  }

 private:
  decode::DecodedPacket base(const Endpoint& src, const Endpoint& dst, decode::IpProto proto,
                             std::string_view payload, Timestamp ts) {
    decode::DecodedPacket p;
    p.ts = ts;
    p.l3 = src.ip.isV4() ? decode::L3::Ipv4 : decode::L3::Ipv6;
    p.src_ip = src.ip;
    p.dst_ip = dst.ip;
    p.ip_proto = static_cast<uint8_t>(proto);
    p.ttl = 64;
    p.has_l4 = true;
    p.src_port = src.port;
    p.dst_port = dst.port;
    storage_.emplace_back(payload);
    p.payload = asBytes(storage_.back());
    p.cap_len = p.wire_len;
    return p;
  }

  std::deque<std::string> storage_;
};

// Records every callback. Streams are rendered as text with gaps shown as "<gap N>".
class Recorder : public FlowCallbacks {
 public:
  enum class Kind { Data, Gap, StreamEnd, Datagram, FlowEnd };
  struct Event {
    Kind kind = Kind::Data;
    uint64_t flow_id = 0;
    Direction dir = Direction::Originator;
    std::string data;
    const uint8_t* data_ptr = nullptr;
    uint64_t gap = 0;
    EndReason reason = EndReason::Timeout;
    FlowState state = FlowState::New;
    Timestamp ts;
  };

  void onStreamData(Flow& flow, Direction dir, Bytes data, Timestamp ts) override {
    Event e = make(Kind::Data, flow, dir, ts);
    e.data = std::string(asChars(data));
    e.data_ptr = data.data();
    stream(flow.id, dir) += e.data;
    events.push_back(std::move(e));
  }
  void onStreamGap(Flow& flow, Direction dir, uint64_t length, Timestamp ts) override {
    Event e = make(Kind::Gap, flow, dir, ts);
    e.gap = length;
    stream(flow.id, dir) += "<gap " + std::to_string(length) + ">";
    events.push_back(std::move(e));
  }
  void onStreamEnd(Flow& flow, Direction dir, Timestamp ts) override {
    events.push_back(make(Kind::StreamEnd, flow, dir, ts));
  }
  void onDatagram(Flow& flow, Direction dir, const decode::DecodedPacket& packet) override {
    Event e = make(Kind::Datagram, flow, dir, packet.ts);
    e.data = std::string(asChars(packet.payload));
    e.data_ptr = packet.payload.data();
    events.push_back(std::move(e));
  }
  void onFlowEnd(Flow& flow, EndReason reason, Timestamp ts) override {
    Event e = make(Kind::FlowEnd, flow, Direction::Originator, ts);
    e.reason = reason;
    e.state = flow.state;
    ended_flows.push_back(flow.id);
    flows_at_end.push_back(FlowSnapshot{flow.id, flow.orig_ip, flow.resp_ip, flow.orig_port,
                                        flow.resp_port, flow.first_seen, flow.last_seen, flow.pkts,
                                        flow.bytes, flow.state, reason, ts});
    events.push_back(std::move(e));
  }

  // The stream of the n-th flow seen (0 = first), one direction.
  std::string streamOf(size_t n, Direction dir) const {
    if (n >= flow_order.size()) return "";
    auto it = streams.find({flow_order[n], dir});
    return it == streams.end() ? "" : it->second;
  }
  std::string orig(size_t n = 0) const { return streamOf(n, Direction::Originator); }
  std::string resp(size_t n = 0) const { return streamOf(n, Direction::Responder); }

  size_t count(Kind k) const {
    size_t n = 0;
    for (const Event& e : events) n += e.kind == k ? 1 : 0;
    return n;
  }
  size_t count(Kind k, Direction dir) const {
    size_t n = 0;
    for (const Event& e : events) n += (e.kind == k && e.dir == dir) ? 1 : 0;
    return n;
  }
  uint64_t gapBytes(Direction dir) const {
    uint64_t n = 0;
    for (const Event& e : events) n += (e.kind == Kind::Gap && e.dir == dir) ? e.gap : 0;
    return n;
  }

  struct FlowSnapshot {
    uint64_t id;
    IpAddress orig_ip, resp_ip;
    uint16_t orig_port, resp_port;
    Timestamp first_seen, last_seen;
    std::array<uint64_t, 2> pkts, bytes;
    FlowState state;
    EndReason reason;
    Timestamp end_ts;
  };

  std::vector<Event> events;
  std::vector<uint64_t> flow_order;  // flow ids in order of first callback
  std::vector<uint64_t> ended_flows;
  std::vector<FlowSnapshot> flows_at_end;
  std::map<std::pair<uint64_t, Direction>, std::string> streams;

 private:
  Event make(Kind k, const Flow& flow, Direction dir, Timestamp ts) {
    bool known = false;
    for (uint64_t id : flow_order) known = known || id == flow.id;
    if (!known) flow_order.push_back(flow.id);
    Event e;
    e.kind = k;
    e.flow_id = flow.id;
    e.dir = dir;
    e.ts = ts;
    return e;
  }
  std::string& stream(uint64_t id, Direction dir) { return streams[{id, dir}]; }
};

// Plays one TCP connection (client = originator) through a FlowTable. Offsets are stream
// offsets: 0 is the first data byte after the SYN. Each packet is 1 ms after the previous one.
class TcpHarness {
 public:
  explicit TcpHarness(FlowTableConfig config = {}, uint32_t client_isn = 1000,
                      uint32_t server_isn = 5000)
      : table(config, rec, anomalies), isn_{client_isn, server_isn} {}

  Endpoint client = endpoint("10.0.0.1", 40000);
  Endpoint server = endpoint("10.0.0.2", 2575);

  void handshake() {
    syn();
    synAck();
    send(Direction::Originator, tf::kAck, 0, "");
  }
  void syn(std::string_view data = "") { raw(Direction::Originator, tf::kSyn, isn_[0], 0, data); }
  void synAck(std::string_view data = "") {
    raw(Direction::Responder, tf::kSyn | tf::kAck, isn_[1], isn_[0] + 1, data);
  }
  // A segment of `dir`'s stream at `offset`, acknowledging everything the other side sent
  // that this side has "seen" (by default the peer's ISN + 1: nothing).
  void send(Direction dir, uint8_t flags, uint64_t offset, std::string_view data) {
    raw(dir, flags, seqOf(dir, offset), ackFor(dir), data);
  }
  void data(Direction dir, uint64_t offset, std::string_view bytes) {
    send(dir, tf::kAck | tf::kPsh, offset, bytes);
  }
  void fin(Direction dir, uint64_t offset, std::string_view bytes = "") {
    send(dir, tf::kAck | tf::kFin, offset, bytes);
  }
  void rst(Direction dir, uint64_t offset) { send(dir, tf::kRst | tf::kAck, offset, ""); }
  // A pure ACK from `dir` (its own stream at `own_offset`) acknowledging the peer's stream up
  // to `peer_offset`.
  void ackUpTo(Direction dir, uint64_t peer_offset, uint64_t own_offset = 0) {
    raw(dir, tf::kAck, seqOf(dir, own_offset), seqOf(opposite(dir), peer_offset), "");
  }
  void raw(Direction dir, uint8_t flags, uint32_t seq, uint32_t ack, std::string_view data) {
    const Endpoint& src = dir == Direction::Originator ? client : server;
    const Endpoint& dst = dir == Direction::Originator ? server : client;
    now = Timestamp{now.ns + 1'000'000};
    table.process(builder.tcp(src, dst, flags, seq, ack, data, now));
  }
  uint32_t seqOf(Direction dir, uint64_t offset) const {
    return isn_[index(dir)] + 1 + static_cast<uint32_t>(offset);
  }
  uint32_t ackFor(Direction dir) const { return isn_[index(opposite(dir))] + 1; }
  void flush() { table.flushAll(Timestamp{now.ns + 1'000'000}); }
  uint64_t anomaly(Anomaly a) const { return anomalies.get(a); }

  Recorder rec;
  AnomalyCounters anomalies;
  FlowTable table;
  PacketBuilder builder;
  Timestamp now = Timestamp::fromSeconds(1'700'000'000);

 private:
  std::array<uint32_t, 2> isn_;
};

}  // namespace medtap::flow::testing
