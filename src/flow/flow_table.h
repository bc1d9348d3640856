// The flow table: finds or creates the flow of each packet, feeds TCP reassembly, expires idle
// flows by packet time, and evicts the oldest flows when full.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/anomaly.h"
#include "decode/packet.h"
#include "flow/flow.h"
#include "flow/flow_callbacks.h"

namespace medtap::flow {

struct ReassemblyLimits {
  // Out-of-order bytes held per direction before the hole is declared a gap
  // (tcp_flow_buffer_limit).
  size_t max_flow_buffer_bytes = 1 << 20;
  // Out-of-order bytes held across all flows (tcp_global_buffer_limit).
  size_t max_total_buffer_bytes = 256 << 20;
  // Out-of-order segments held per direction.
  size_t max_flow_segments = 1024;
};

struct FlowTableConfig {
  // Flows held at once; a new flow beyond it evicts the least recently active one
  // (flow_table_full, reason "forced").
  size_t max_flows = 1'000'000;
  // Idle timeouts by protocol and state (Suricata's defaults: tcp 3600 s established, 60 s
  // new/closed; udp 300 s established, 30 s new; others 30 s).
  Duration tcp_new_timeout = Duration::seconds(60);
  Duration tcp_established_timeout = Duration::seconds(3600);
  Duration tcp_closed_timeout = Duration::seconds(60);
  Duration udp_new_timeout = Duration::seconds(30);
  Duration udp_established_timeout = Duration::seconds(300);
  Duration other_timeout = Duration::seconds(30);
  ReassemblyLimits reassembly;
};

struct FlowTableStats {
  uint64_t flows_created = 0;
  uint64_t flows_ended = 0;
  uint64_t flows_evicted = 0;
  uint64_t tcp_flows = 0;
  uint64_t udp_flows = 0;
  uint64_t other_flows = 0;
  size_t flows_active = 0;
  size_t reassembly_bytes_held = 0;
};

class FlowTable {
 public:
  FlowTable(const FlowTableConfig& config, FlowCallbacks& callbacks, AnomalyCounters& anomalies);
  // Destroys the flows left without calling back; call flushAll() first to end them properly.
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // One decoded IP packet (l3 Ipv4/Ipv6, not a pending fragment). Packets without ports
  // (ICMP, other protocols) make flows keyed by address pair and protocol.
  void process(const decode::DecodedPacket& packet);

  // Ends the flows idle past their timeout at packet time `now`. The pipeline calls it as packet
  // time advances (at most once a second of packet time).
  void expire(Timestamp now);

  // Ends every flow (end of input, SIGINT), reason Shutdown.
  void flushAll(Timestamp now);

  // Calls `fn` for every open flow, in a fixed order (first packet, id, key) whatever the table's
  // layout. `fn` must not end or create flows.
  void forEachOpen(const std::function<void(Flow&)>& fn);

  FlowTableStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace medtap::flow
