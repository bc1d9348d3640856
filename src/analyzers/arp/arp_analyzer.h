// ARP (RFC 826): which MAC answers for which IPv4 address on this LAN. Later stages use it to
// tell a host on the local segment from one behind a router, and to key devices by MAC. ARP
// packets have no flow, so the pipeline hands them here directly.
//
// It reports bindings, not packets: an `arp` event when an address is first seen with a MAC,
// when its MAC changes (a conflict: a moved address, a replaced device or spoofing), and for a
// gratuitous announcement that changes nothing it stays quiet, so a chatty LAN does not flood
// the output.
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>

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

  size_t bindings() const { return table_.size(); }

 private:
  struct Binding {
    MacAddress mac;
    std::list<uint32_t>::iterator lru;
  };

  void learn(const IpAddress& ip, const MacAddress& mac, bool gratuitous, uint16_t operation,
             const decode::DecodedPacket& packet);

  events::EventSink& sink_;
  AnomalyCounters& anomalies_;
  std::unordered_map<uint32_t, Binding> table_;  // IPv4 address (host order) -> binding
  std::list<uint32_t> lru_;                      // least recently seen first
};

}  // namespace medtap::analyzers::arp
