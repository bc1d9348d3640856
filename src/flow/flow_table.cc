#include "flow/flow_table.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <vector>

#include "flow/tcp_reassembly.h"

namespace medtap::flow {

namespace {

namespace tf = decode::tcp_flags;

// Flows that share an idle timeout, each kept in its own activity list.
enum class TimeoutClass : uint8_t {
  TcpNew,
  TcpEstablished,
  TcpClosed,
  UdpNew,
  UdpEstablished,
  Other,
};
constexpr size_t kTimeoutClassCount = 6;
constexpr size_t slot(TimeoutClass c) {
  return static_cast<size_t>(c);
}

// Which endpoint of the normalized key.
enum class KeySide : uint8_t { Lo, Hi };
constexpr KeySide other(KeySide s) {
  return s == KeySide::Lo ? KeySide::Hi : KeySide::Lo;
}

// A flow with the table's bookkeeping around it.
struct Entry {
  Flow flow;
  Entry* older = nullptr;  // neighbours in the activity list of `cls`
  Entry* newer = nullptr;
  TimeoutClass cls = TimeoutClass::Other;
  KeySide orig_side = KeySide::Lo;  // which key endpoint is the originator
};

// The flows of one timeout class in order of last activity, least recent at the head, so that
// expiry and eviction look only at heads. Intrusive: two pointers per flow, no allocation.
struct ActivityList {
  Entry* head = nullptr;
  Entry* tail = nullptr;

  void pushBack(Entry* e) {
    e->older = tail;
    e->newer = nullptr;
    (tail != nullptr ? tail->newer : head) = e;
    tail = e;
  }
  void unlink(Entry* e) {
    (e->older != nullptr ? e->older->newer : head) = e->newer;
    (e->newer != nullptr ? e->newer->older : tail) = e->older;
    e->older = e->newer = nullptr;
  }
};

// Key -> flow, open addressing with linear probing over a power-of-two slot array kept at most
// half full. A slot caches the full 64-bit hash so that a probe compares keys only when the
// hashes match, and keys are always compared in full: two flows never merge on a hash
// collision. The slots own the flows.
class FlowIndex {
 public:
  struct Slot {
    uint64_t hash = 0;
    std::unique_ptr<Entry> entry;
  };
  static constexpr size_t kInitialSlots = 1024;

  FlowIndex() : slots_(kInitialSlots), mask_(kInitialSlots - 1) {}

  size_t size() const { return size_; }

  Entry* find(const FlowKey& key, uint64_t hash) const {
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.entry) return nullptr;
      if (s.hash == hash && s.entry->flow.key == key) return s.entry.get();
    }
  }

  // The key must not be present.
  Entry* insert(std::unique_ptr<Entry> entry, uint64_t hash) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    Entry* e = entry.get();
    place(Slot{hash, std::move(entry)});
    ++size_;
    return e;
  }

  std::unique_ptr<Entry> erase(const Entry* e, uint64_t hash) {
    size_t i = hash & mask_;
    while (slots_[i].entry.get() != e) i = (i + 1) & mask_;
    std::unique_ptr<Entry> owned = std::move(slots_[i].entry);
    --size_;
    // Backward-shift deletion: pull later members of the probe run into the hole, so that no
    // tombstones are needed and lookups stay short.
    for (size_t j = (i + 1) & mask_; slots_[j].entry; j = (j + 1) & mask_) {
      const size_t home = slots_[j].hash & mask_;
      // Slot j may move to i only if its home is not cyclically within (i, j].
      const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      slots_[i] = std::move(slots_[j]);
      i = j;
    }
    return owned;
  }

  template <typename F>
  void forEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.entry) f(s.entry.get());
    }
  }

 private:
  void place(Slot s) {
    size_t i = s.hash & mask_;
    while (slots_[i].entry) i = (i + 1) & mask_;
    slots_[i] = std::move(s);
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (Slot& s : old) {
      if (s.entry) place(std::move(s));
    }
  }

  std::vector<Slot> slots_;
  size_t mask_;
  size_t size_ = 0;
};

// Memory per idle TCP flow: the entry (Flow + list links), the reassembly state with empty
// buffers, up to four index slots (the index is between 1/4 and 1/2 full), and two heap
// allocations (entry and reassembly) with allocator overhead. flow.h quotes the figure.
constexpr size_t kMallocOverhead = 16;
constexpr size_t kIdleTcpFlowBytes =
    sizeof(Entry) + sizeof(TcpFlowReassembly) + 4 * sizeof(FlowIndex::Slot) + 2 * kMallocOverhead;
static_assert(kIdleTcpFlowBytes < 1024, "DESIGN.md: state per idle flow under 1 KB");

TimeoutClass classOf(uint8_t proto, FlowState state) {
  if (proto == static_cast<uint8_t>(decode::IpProto::Tcp)) {
    switch (state) {
      case FlowState::New:
        return TimeoutClass::TcpNew;
      case FlowState::Established:
        return TimeoutClass::TcpEstablished;
      case FlowState::Closed:
        return TimeoutClass::TcpClosed;
    }
  }
  if (proto == static_cast<uint8_t>(decode::IpProto::Udp)) {
    return state == FlowState::New ? TimeoutClass::UdpNew : TimeoutClass::UdpEstablished;
  }
  return TimeoutClass::Other;
}

// Protocols whose packets are keyed by ports or ICMP fields: without a decoded L4 header they
// cannot be placed in a flow (the decoder has counted why).
bool needsL4(uint8_t proto) {
  using decode::IpProto;
  return proto == static_cast<uint8_t>(IpProto::Tcp) ||
         proto == static_cast<uint8_t>(IpProto::Udp) ||
         proto == static_cast<uint8_t>(IpProto::Icmp) ||
         proto == static_cast<uint8_t>(IpProto::Icmpv6);
}

}  // namespace

class FlowTable::Impl {
 public:
  Impl(const FlowTableConfig& config, FlowCallbacks& callbacks, AnomalyCounters& anomalies)
      : config_(config),
        callbacks_(callbacks),
        anomalies_(anomalies),
        ctx_{config_.reassembly, callbacks, anomalies, buffered_total_} {
    timeouts_[slot(TimeoutClass::TcpNew)] = config_.tcp_new_timeout;
    timeouts_[slot(TimeoutClass::TcpEstablished)] = config_.tcp_established_timeout;
    timeouts_[slot(TimeoutClass::TcpClosed)] = config_.tcp_closed_timeout;
    timeouts_[slot(TimeoutClass::UdpNew)] = config_.udp_new_timeout;
    timeouts_[slot(TimeoutClass::UdpEstablished)] = config_.udp_established_timeout;
    timeouts_[slot(TimeoutClass::Other)] = config_.other_timeout;
  }

  void process(const decode::DecodedPacket& p) {
    if ((p.l3 != decode::L3::Ipv4 && p.l3 != decode::L3::Ipv6) || p.fragment) return;
    if (needsL4(p.ip_proto) && !p.has_l4) return;
    const bool is_tcp = p.ip_proto == static_cast<uint8_t>(decode::IpProto::Tcp);

    bool lo_is_src = true;
    const FlowKey key = FlowKey::of(p, lo_is_src);
    const uint64_t hash = FlowKeyHash{}(key);
    const KeySide src_side = lo_is_src ? KeySide::Lo : KeySide::Hi;

    Entry* e = index_.find(key, hash);
    if (e != nullptr) {
      if (p.ts - e->flow.last_seen > timeouts_[slot(e->cls)]) {
        // Idle past its timeout though expire() has not run yet: the packet starts a new flow,
        // as it would had expire() run just before it.
        endFlow(e, EndReason::Timeout, p.ts);
        e = nullptr;
      } else if (is_tcp && isPortReuse(*e, src_side, p)) {
        endFlow(e, EndReason::Forced, p.ts);
        e = nullptr;
      }
    }
    if (e == nullptr) e = create(key, hash, src_side, p);

    Flow& f = e->flow;
    const Direction dir = src_side == e->orig_side ? Direction::Originator : Direction::Responder;
    ++f.pkts[index(dir)];
    f.bytes[index(dir)] += p.wire_len;
    if (p.has_mac) noteMac(f, dir, p);
    f.last_seen = std::max(f.last_seen, p.ts);
    if (f.tcp) {
      f.tcp->onPacket(ctx_, f, dir, p);
    } else if (!p.payload.empty()) {
      callbacks_.onDatagram(f, dir, p);
    }
    refresh(e);
  }

  void expire(Timestamp now) {
    for (size_t c = 0; c < kTimeoutClassCount; ++c) {
      ActivityList& list = lists_[c];
      while (list.head != nullptr && now - list.head->flow.last_seen > timeouts_[c]) {
        endFlow(list.head, EndReason::Timeout, now);
      }
    }
  }

  void flushAll(Timestamp now) {
    for (Entry* e : sortedEntries()) endFlow(e, EndReason::Shutdown, now);
  }

  void forEachOpen(const std::function<void(Flow&)>& fn) {
    for (Entry* e : sortedEntries()) fn(e->flow);
  }

  // Every entry in a fixed order, whatever the slot layout: by first packet, then id, then the
  // key itself.
  std::vector<Entry*> sortedEntries() {
    std::vector<Entry*> all;
    all.reserve(index_.size());
    index_.forEach([&all](Entry* e) { all.push_back(e); });
    std::sort(all.begin(), all.end(), [](const Entry* a, const Entry* b) {
      const Flow& x = a->flow;
      const Flow& y = b->flow;
      return std::tie(x.first_seen, x.id, x.key.lo_ip, x.key.hi_ip, x.key.lo_port, x.key.hi_port,
                      x.key.proto, x.key.vlan_count, x.key.vlan) <
             std::tie(y.first_seen, y.id, y.key.lo_ip, y.key.hi_ip, y.key.lo_port, y.key.hi_port,
                      y.key.proto, y.key.vlan_count, y.key.vlan);
    });
    return all;
  }

  FlowTableStats stats() const {
    FlowTableStats s = stats_;
    s.flows_active = index_.size();
    s.reassembly_bytes_held = buffered_total_;
    return s;
  }

 private:
  // A SYN with a new ISN on a closed connection starts a new one on the same ports.
  bool isPortReuse(const Entry& e, KeySide src_side, const decode::DecodedPacket& p) const {
    const uint8_t fl = p.tcp_flags;
    if (e.flow.state != FlowState::Closed || (fl & tf::kSyn) == 0 ||
        (fl & (tf::kAck | tf::kRst)) != 0) {
      return false;
    }
    const Direction dir = src_side == e.orig_side ? Direction::Originator : Direction::Responder;
    return e.flow.tcp->isNewConnection(dir, p.tcp_seq);
  }

  // The first source MAC each side sends from; before the responder sends, the originator's
  // destination MAC stands for it (not when broadcast or multicast).
  static void noteMac(Flow& f, Direction dir, const decode::DecodedPacket& p) {
    const size_t d = index(dir);
    if ((f.mac_known & (1U << d)) == 0 || (d == 1 && f.resp_mac_from_dst)) {
      f.mac[d] = p.src_mac;
      f.mac_known |= 1U << d;
      if (d == 1) f.resp_mac_from_dst = false;
    }
    if (d == 0 && (f.mac_known & 2U) == 0 && !p.dst_mac.isMulticast()) {
      f.mac[1] = p.dst_mac;
      f.mac_known |= 2U;
      f.resp_mac_from_dst = true;
    }
  }

  Entry* create(const FlowKey& key, uint64_t hash, KeySide src_side,
                const decode::DecodedPacket& p) {
    if (index_.size() >= std::max<size_t>(config_.max_flows, 1)) evictLeastRecent(p.ts);

    auto owned = std::make_unique<Entry>();
    Entry* e = owned.get();
    Flow& f = e->flow;
    // The originator is the SYN sender: a SYN+ACK seen first was sent by the responder.
    const bool is_tcp = key.proto == static_cast<uint8_t>(decode::IpProto::Tcp);
    const uint8_t synack = tf::kSyn | tf::kAck;
    const bool src_is_orig = !(is_tcp && (p.tcp_flags & (synack | tf::kRst)) == synack);
    e->orig_side = src_is_orig ? src_side : other(src_side);
    f.key = key;
    f.id = flowIdOf(key, p.ts);
    f.first_seen = f.last_seen = p.ts;
    if (src_is_orig) {
      f.orig_ip = p.src_ip;
      f.orig_port = p.src_port;
      f.resp_ip = p.dst_ip;
      f.resp_port = p.dst_port;
    } else {
      f.orig_ip = p.dst_ip;
      f.orig_port = p.dst_port;
      f.resp_ip = p.src_ip;
      f.resp_port = p.src_port;
    }
    if (is_tcp) {
      f.tcp = std::make_unique<TcpFlowReassembly>();
      ++stats_.tcp_flows;
    } else if (key.proto == static_cast<uint8_t>(decode::IpProto::Udp)) {
      ++stats_.udp_flows;
    } else {
      ++stats_.other_flows;
    }
    e->cls = classOf(key.proto, FlowState::New);
    lists_[slot(e->cls)].pushBack(e);
    index_.insert(std::move(owned), hash);
    ++stats_.flows_created;
    return e;
  }

  // The least recently active flow is at the head of one of the activity lists.
  void evictLeastRecent(Timestamp now) {
    Entry* victim = nullptr;
    for (const ActivityList& list : lists_) {
      if (list.head != nullptr &&
          (victim == nullptr || list.head->flow.last_seen < victim->flow.last_seen)) {
        victim = list.head;
      }
    }
    if (victim == nullptr) return;
    anomalies_.add(Anomaly::FlowTableFull);
    ++stats_.flows_evicted;
    endFlow(victim, EndReason::Forced, now);
  }

  // Updates the flow state after a packet and moves the flow to the back of its activity list
  // (another list when the state changed its timeout class).
  void refresh(Entry* e) {
    Flow& f = e->flow;
    if (f.tcp) {
      switch (f.tcp->phase()) {
        case TcpPhase::Opening:
          break;
        case TcpPhase::Established:
          if (f.state == FlowState::New) f.state = FlowState::Established;
          break;
        case TcpPhase::Closed:
          f.state = FlowState::Closed;
          break;
      }
    } else if (f.state == FlowState::New && f.pkts[0] != 0 && f.pkts[1] != 0) {
      f.state = FlowState::Established;
    }
    const TimeoutClass cls = classOf(f.key.proto, f.state);
    if (cls == e->cls && lists_[slot(cls)].tail == e) return;
    lists_[slot(e->cls)].unlink(e);
    e->cls = cls;
    lists_[slot(cls)].pushBack(e);
  }

  // Streams end first, then the flow, then it is destroyed.
  void endFlow(Entry* e, EndReason reason, Timestamp ts) {
    Flow& f = e->flow;
    if (f.tcp) f.tcp->endStreams(ctx_, f, ts);
    callbacks_.onFlowEnd(f, reason, ts);
    lists_[slot(e->cls)].unlink(e);
    const std::unique_ptr<Entry> owned = index_.erase(e, FlowKeyHash{}(f.key));
    ++stats_.flows_ended;
  }

  const FlowTableConfig config_;
  FlowCallbacks& callbacks_;
  AnomalyCounters& anomalies_;
  size_t buffered_total_ = 0;
  ReassemblyContext ctx_;
  std::array<Duration, kTimeoutClassCount> timeouts_{};
  std::array<ActivityList, kTimeoutClassCount> lists_{};
  FlowIndex index_;
  FlowTableStats stats_;
};

FlowTable::FlowTable(const FlowTableConfig& config, FlowCallbacks& callbacks,
                     AnomalyCounters& anomalies)
    : impl_(std::make_unique<Impl>(config, callbacks, anomalies)) {}

FlowTable::~FlowTable() = default;

void FlowTable::process(const decode::DecodedPacket& packet) {
  impl_->process(packet);
}
void FlowTable::expire(Timestamp now) {
  impl_->expire(now);
}
void FlowTable::flushAll(Timestamp now) {
  impl_->flushAll(now);
}
void FlowTable::forEachOpen(const std::function<void(Flow&)>& fn) {
  impl_->forEachOpen(fn);
}
FlowTableStats FlowTable::stats() const {
  return impl_->stats();
}

}  // namespace medtap::flow
