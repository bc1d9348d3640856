// A flow: one conversation between two endpoints, keyed by the full normalized tuple plus VLAN.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/address.h"
#include "core/timestamp.h"
#include "decode/packet.h"

namespace medtap::flow {

enum class Direction : uint8_t { Originator = 0, Responder = 1 };
constexpr Direction opposite(Direction d) {
  return d == Direction::Originator ? Direction::Responder : Direction::Originator;
}
constexpr size_t index(Direction d) {
  return static_cast<size_t>(d);
}

// The full tuple, normalized so that both directions of a conversation give the same key: the
// lower (address, port) endpoint is `lo`. Compared as a whole, never by hash alone.
struct FlowKey {
  IpAddress lo_ip, hi_ip;
  uint16_t lo_port = 0, hi_port = 0;
  uint8_t proto = 0;
  uint8_t vlan_count = 0;
  std::array<uint16_t, decode::kMaxVlanTags> vlan{};

  // Builds the key of a decoded IP packet; `lo_is_src` says whether the packet's source is `lo`.
  static FlowKey of(const decode::DecodedPacket& p, bool& lo_is_src);
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

// Symmetric by construction (the key is normalized); also the worker-sharding hash (DESIGN.md).
struct FlowKeyHash {
  size_t operator()(const FlowKey& k) const;
};

enum class FlowState : uint8_t { New, Established, Closed };
enum class EndReason : uint8_t { Timeout, Forced, Shutdown };  // Suricata's flow.reason values

// The flow id: a hash of the key and the first packet time, cut to 51 bits. The same for the
// same traffic in every run (no per-process seed).
uint64_t flowIdOf(const FlowKey& key, Timestamp first_seen);

std::string_view flowStateName(FlowState s);  // "new", "established", "closed"
std::string_view endReasonName(EndReason r);  // "timeout", "forced", "shutdown"

// Per-flow state owned by later stages (the analyzer dispatcher). The flow owns it and destroys
// it with the flow.
class FlowAppState {
 public:
  virtual ~FlowAppState() = default;
};

class TcpFlowReassembly;  // flow/tcp_reassembly.h

// Memory per idle TCP flow (x86-64, g++ 12; DESIGN.md asks for under 1 KB): Flow 200 bytes,
// inside the table's entry with its activity-list links 224; TcpFlowReassembly 136 with empty
// buffers (no heap behind them); 2 to 4 index slots of 16 bytes; two heap blocks of allocator
// overhead. About 440 bytes in all, checked by a static_assert in flow_table.cc. Out-of-order
// data adds its bytes plus 32 per buffered segment. UDP and other flows have no reassembly.
struct Flow {
  // Stable for the same traffic: a hash of the key and first packet time, cut to 51 bits so that
  // it survives JSON readers that hold numbers as doubles.
  uint64_t id = 0;
  FlowKey key;
  // Originator: the side that sent the SYN, or else the first packet seen.
  IpAddress orig_ip, resp_ip;
  uint16_t orig_port = 0, resp_port = 0;
  Timestamp first_seen, last_seen;
  std::array<uint64_t, 2> pkts{};   // by Direction
  std::array<uint64_t, 2> bytes{};  // wire bytes by Direction
  // Bytes already reported in flow_progress events (both directions), up to which packet time.
  uint64_t progress_bytes = 0;
  Timestamp progress_until;
  // Each side's MAC as the capture point sees it, by Direction: the source MAC of its first
  // packet (for the responder, until it sends: the destination MAC of the originator's first
  // packet). Behind a router this is the router's MAC; the inventory tells the two apart.
  std::array<MacAddress, 2> mac{};
  uint8_t mac_known = 0;           // bit 0: mac[0] is set; bit 1: mac[1] is set
  bool resp_mac_from_dst = false;  // mac[1] came from a destination MAC: replace when it sends
  FlowState state = FlowState::New;
  std::string_view app_proto;  // static string of the analyzer that claimed the flow, or ""
  std::unique_ptr<TcpFlowReassembly> tcp;  // TCP flows only
  std::unique_ptr<FlowAppState> app;

  Flow();
  ~Flow();
  Flow(Flow&&) noexcept;
  Flow& operator=(Flow&&) noexcept;
};

}  // namespace medtap::flow
