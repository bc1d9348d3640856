#include "analyzers/arp/arp_analyzer.h"

#include <algorithm>

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
  advance(p.ts);
  if (a.operation == kRequest && !gratuitous && a.target_ip.isV4() && !isUnspecified(a.target_ip)) {
    countRequest(p);
  }
}

void ArpAnalyzer::countRequest(const decode::DecodedPacket& p) {
  const auto& a = p.arp;
  const uint32_t sender = a.sender_ip.v4HostOrder();
  auto it = sweeps_.find(sender);
  if (it != sweeps_.end() && p.ts - it->second.first >= Duration::seconds(kSweepWindowSeconds)) {
    // The sender's window is over though its grace is not: decided now, a new one opens.
    closeSweep(sender, it->second);
    sweeps_.erase(it);
    it = sweeps_.end();
  }
  if (it == sweeps_.end()) {
    if (sweeps_.size() >= kMaxSweepSenders) {
      anomalies_.add(Anomaly::ArpSweepTableFull);
      return;
    }
    SweepWindow w;
    w.mac = a.sender_mac;
    w.first = p.ts;
    w.vlan_count = p.vlan_count;
    w.vlan = p.vlan;
    it = sweeps_.emplace(sender, std::move(w)).first;
    sweep_order_.emplace_back(p.ts, sender);
  }
  SweepWindow& w = it->second;
  ++w.requests;
  w.last = std::max(w.last, p.ts);
  const uint32_t target = a.target_ip.v4HostOrder();
  if (!w.first_unknown && table_.count(target) == 0) w.first_unknown = p.ts;
  auto pos = std::lower_bound(w.targets.begin(), w.targets.end(), target);
  if (pos != w.targets.end() && *pos == target) return;
  if (w.targets.size() >= kMaxSweepTargets) {
    w.capped = true;
    return;
  }
  w.targets.insert(pos, target);
}

void ArpAnalyzer::advance(Timestamp now) {
  const Duration span = Duration::seconds(kSweepWindowSeconds + kSweepGraceSeconds);
  while (!sweep_order_.empty() && now - sweep_order_.front().first >= span) {
    const auto [start, sender] = sweep_order_.front();
    sweep_order_.pop_front();
    auto it = sweeps_.find(sender);
    if (it == sweeps_.end() || it->second.first != start) continue;  // closed early
    closeSweep(sender, it->second);
    sweeps_.erase(it);
  }
}

void ArpAnalyzer::finish() {
  for (const auto& [start, sender] : sweep_order_) {
    auto it = sweeps_.find(sender);
    if (it == sweeps_.end() || it->second.first != start) continue;
    closeSweep(sender, it->second);
    sweeps_.erase(it);
  }
  sweep_order_.clear();
}

// Unanswered: no host has claimed the address (no binding), by the time the window is decided.
void ArpAnalyzer::closeSweep(uint32_t sender, const SweepWindow& w) {
  if (w.targets.size() < kSweepReportTargets) return;
  const auto unanswered = static_cast<uint64_t>(std::count_if(
      w.targets.begin(), w.targets.end(), [this](uint32_t t) { return table_.count(t) == 0; }));
  if (unanswered < kSweepReportUnanswered) return;
  events::ArpSweep s;
  s.sender_ip = IpAddress::v4(sender);
  s.sender_mac = w.mac;
  s.first = w.first_unknown.value_or(w.first);
  s.last = w.last;
  s.requests = w.requests;
  s.targets = w.targets.size();
  s.unanswered = unanswered;
  s.targets_capped = w.capped;
  s.lowest_target = IpAddress::v4(w.targets.front());
  s.highest_target = IpAddress::v4(w.targets.back());
  s.vlan_count = w.vlan_count;
  s.vlan = w.vlan;
  sink_.emit(events::Event{w.last, std::nullopt, s});
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
