#include "analyzers/arp/arp_analyzer.h"

#include "analyzers/arp/limits.h"
#include "events/arp.h"

namespace medtap::analyzers::arp {

namespace {

constexpr uint16_t kRequest = 1;  // RFC 826 ar$op
constexpr uint16_t kReply = 2;

bool isUnspecified(const IpAddress& ip) {
  return ip.isV4() && ip.v4HostOrder() == 0;
}

}  // namespace

void ArpAnalyzer::onPacket(const decode::DecodedPacket& p) {
  const auto& a = p.arp;
  if (a.operation != kRequest && a.operation != kReply) return;
  // An ARP probe (RFC 5227 section 2.1.1) has sender IP 0.0.0.0: it binds nothing yet.
  if (isUnspecified(a.sender_ip) || a.sender_mac.isMulticast()) return;
  // Gratuitous ARP: a host announcing its own address (sender IP == target IP), as request or
  // reply (RFC 5227 section 3).
  const bool gratuitous = a.sender_ip == a.target_ip;
  learn(a.sender_ip, a.sender_mac, gratuitous, a.operation, p);
}

void ArpAnalyzer::learn(const IpAddress& ip, const MacAddress& mac, bool gratuitous,
                        uint16_t operation, const decode::DecodedPacket& p) {
  const uint32_t key = ip.v4HostOrder();
  auto it = table_.find(key);
  events::ArpBinding ev;
  ev.ip = ip;
  ev.mac = mac;
  ev.gratuitous = gratuitous;
  ev.operation = operation == kRequest ? "request" : "reply";
  ev.vlan_count = p.vlan_count;
  ev.vlan = p.vlan;
  if (it != table_.end()) {
    lru_.splice(lru_.end(), lru_, it->second.lru);  // most recently seen last
    if (it->second.mac == mac) return;              // nothing new
    anomalies_.add(Anomaly::ArpBindingChanged);
    ev.change = "changed";
    ev.previous_mac = it->second.mac;
    it->second.mac = mac;
  } else {
    if (table_.size() >= kMaxBindings) {
      anomalies_.add(Anomaly::ArpTableFull);
      table_.erase(lru_.front());
      lru_.pop_front();
    }
    lru_.push_back(key);
    table_.emplace(key, Binding{mac, std::prev(lru_.end())});
    ev.change = "new";
  }
  sink_.emit(events::Event{p.ts, std::nullopt, ev});
}

}  // namespace medtap::analyzers::arp
