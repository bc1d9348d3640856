// ARP (RFC 826): which MAC answers for which IPv4 address on this LAN. Later stages use it to
// tell a host on the local segment from one behind a router, and to key devices by MAC. ARP
// packets have no flow, so the pipeline hands them here directly.
//
// It reports bindings, not packets: an `arp` event when an address is first seen with a MAC,
// when its MAC changes (a conflict: a moved address, a replaced device or spoofing), and for a
// gratuitous announcement that changes nothing it stays quiet, so a chatty LAN does not flood
// the output. It also counts, per sender, the distinct addresses requested in a window of packet
// time, and reports a window that asked for many addresses nobody answered for (an `arp_sweep`
// event: a host discovering the LAN, ATT&CK for ICS T0846).
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/anomaly.h"
#include "decode/packet.h"
#include "events/event.h"

namespace medtap::analyzers::arp {

class ArpAnalyzer {
 public:
  ArpAnalyzer(events::EventSink& sink, AnomalyCounters& anomalies)
      : sink_(sink), anomalies_(anomalies) {}

  // One ARP packet (packet.l3 == L3::Arp).
  void onPacket(const decode::DecodedPacket& packet);
  // Packet time moved to `now` (the pipeline calls it as time passes, ARP or not): sweep windows
  // that are over are decided.
  void advance(Timestamp now);
  // End of input: every open sweep window is decided.
  void finish();

  size_t bindings() const { return table_.size(); }
  size_t sweepSenders() const { return sweeps_.size(); }

 private:
  struct Binding {
    MacAddress mac;
    std::list<uint32_t>::iterator lru;
  };

  struct SweepWindow {
    MacAddress mac;
    Timestamp first, last;
    // The first request for an address no host held at the time: where a sweep starts, whatever
    // ordinary requests (the gateway) opened the window.
    std::optional<Timestamp> first_unknown;
    uint64_t requests = 0;
    std::vector<uint32_t> targets;  // distinct, sorted; at most kMaxSweepTargets
    bool capped = false;
    uint8_t vlan_count = 0;
    std::array<uint16_t, 2> vlan{};
  };

  void learn(const IpAddress& ip, const MacAddress& mac, bool gratuitous, uint16_t operation,
             const decode::DecodedPacket& packet);
  void countRequest(const decode::DecodedPacket& packet);
  void closeSweep(uint32_t sender, const SweepWindow& w);

  events::EventSink& sink_;
  AnomalyCounters& anomalies_;
  std::unordered_map<uint32_t, Binding> table_;       // IPv4 address (host order) -> binding
  std::list<uint32_t> lru_;                           // least recently seen first
  std::unordered_map<uint32_t, SweepWindow> sweeps_;  // sender IPv4 -> its open window
  // (window start, sender) in the order windows opened; an entry whose window was closed early
  // (the sender's next request came after it) is skipped.
  std::deque<std::pair<Timestamp, uint32_t>> sweep_order_;
};

}  // namespace medtap::analyzers::arp
