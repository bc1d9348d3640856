#include "decode/ipv4_reassembly.h"

#include <algorithm>
#include <cstring>

namespace medtap::decode {

size_t FragmentKeyHash::operator()(const FragmentKey& k) const {
  // splitmix64 finaliser over the packed key: cheap and spreads the bits well enough for a
  // bucket index. Equality on the whole key decides, so collisions cost time, never merge.
  uint64_t x = (uint64_t{k.src} << 32) ^ k.dst ^ (uint64_t{k.id} << 16) ^ (uint64_t{k.proto} << 8);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<size_t>(x);
}

Ipv4Reassembler::Ipv4Reassembler(AnomalyCounters& anomalies, const DecoderLimits& limits)
    : anomalies_(anomalies), limits_(limits) {}

void Ipv4Reassembler::expireSlow(Timestamp now) {
  while (!age_.empty() && now - age_.front().first_seen > limits_.fragment_timeout) {
    anomalies_.add(Anomaly::Ipv4FragmentTimeout);
    erase(table_.find(age_.front().key));
  }
}

void Ipv4Reassembler::erase(Table::iterator it) {
  bytes_held_ -= it->second.data.size();
  age_.erase(it->second.age);
  table_.erase(it);
}

void Ipv4Reassembler::evictOldest(Anomaly why) {
  anomalies_.add(why);
  erase(table_.find(age_.front().key));
}

Ipv4Reassembler::Table::iterator Ipv4Reassembler::findOrCreate(const FragmentKey& key,
                                                               Timestamp now) {
  auto it = table_.find(key);
  if (it != table_.end()) return it;
  while (!table_.empty() && table_.size() >= limits_.max_fragment_datagrams) {
    evictOldest(Anomaly::Ipv4FragmentTableFull);
  }
  it = table_.emplace(key, Datagram{}).first;
  it->second.age = age_.insert(age_.end(), AgeEntry{key, now});
  return it;
}

bool Ipv4Reassembler::reserveBytes(Table::iterator current, size_t growth) {
  if (growth > limits_.max_fragment_bytes) return false;
  // Make room by dropping the oldest other datagrams; `current` survives so that the fragment
  // in hand still has somewhere to go.
  while (bytes_held_ + growth > limits_.max_fragment_bytes) {
    auto victim = age_.begin();
    if (victim->key == current->first) ++victim;
    if (victim == age_.end()) return false;
    anomalies_.add(Anomaly::Ipv4FragmentTableFull);
    erase(table_.find(victim->key));
  }
  bytes_held_ += growth;
  return true;
}

bool Ipv4Reassembler::fillHoles(Datagram& d, uint32_t offset, Bytes data) {
  const uint32_t end = offset + static_cast<uint32_t>(data.size());
  uint32_t pos = offset;
  bool differs = false;
  auto copy = [&](uint32_t from, uint32_t to) {
    std::memcpy(d.data.data() + from, data.data() + (from - offset), to - from);
  };
  for (const Range& r : d.have) {
    if (r.end <= pos) continue;
    if (r.begin >= end) break;
    if (r.begin > pos) {
      copy(pos, r.begin);
      pos = r.begin;
    }
    const uint32_t overlap_end = std::min(r.end, end);
    if (std::memcmp(d.data.data() + pos, data.data() + (pos - offset), overlap_end - pos) != 0) {
      differs = true;
    }
    pos = overlap_end;
  }
  if (pos < end) copy(pos, end);
  return differs;
}

void Ipv4Reassembler::addRange(std::vector<Range>& have, Range r) {
  if (r.begin == r.end) return;
  // First range that ends at or after r.begin: everything before it stays apart from r.
  auto first = std::lower_bound(have.begin(), have.end(), r.begin,
                                [](const Range& x, uint32_t b) { return x.end < b; });
  auto last = first;
  while (last != have.end() && last->begin <= r.end) {
    r.begin = std::min(r.begin, last->begin);
    r.end = std::max(r.end, last->end);
    ++last;
  }
  if (first == last) {
    have.insert(first, r);
  } else {
    *first = r;
    have.erase(first + 1, last);
  }
}

FragmentOutcome Ipv4Reassembler::add(const FragmentKey& key, uint32_t offset, Bytes data,
                                     MoreFragments more, uint32_t header_len, Timestamp now,
                                     Bytes& payload) {
  const uint32_t end = offset + static_cast<uint32_t>(data.size());
  if (end + header_len > kMaxIpv4DatagramBytes) {
    // Ping of death: a datagram that could never be legal. Drop what was held for it too.
    anomalies_.add(Anomaly::Ipv4FragmentTooLarge);
    if (auto it = table_.find(key); it != table_.end()) erase(it);
    return FragmentOutcome::Dropped;
  }
  if (limits_.max_fragment_datagrams == 0) {
    anomalies_.add(Anomaly::Ipv4FragmentTableFull);
    return FragmentOutcome::Dropped;
  }
  auto it = findOrCreate(key, now);
  Datagram& d = it->second;

  // The last fragment fixes the payload length; a fragment that disagrees with it is dropped
  // (RFC 791 leaves this open; Linux ip_frag_queue() drops it the same way).
  if (more == MoreFragments::No) {
    if ((d.end != kEndUnknown && d.end != end) || d.data.size() > end) {
      anomalies_.add(Anomaly::Ipv4FragmentInconsistent);
      return FragmentOutcome::Dropped;
    }
    d.end = end;
  } else if (d.end != kEndUnknown && end > d.end) {
    anomalies_.add(Anomaly::Ipv4FragmentInconsistent);
    return FragmentOutcome::Dropped;
  }

  if (end > d.data.size()) {
    if (!reserveBytes(it, end - d.data.size())) {
      anomalies_.add(Anomaly::Ipv4FragmentTableFull);
      erase(it);
      return FragmentOutcome::Dropped;
    }
    d.data.resize(end);
  }
  if (fillHoles(d, offset, data)) anomalies_.add(Anomaly::Ipv4FragmentOverlap);
  addRange(d.have, Range{offset, end});

  if (d.end == kEndUnknown || d.have.size() != 1 || d.have[0].begin != 0 ||
      d.have[0].end != d.end) {
    return FragmentOutcome::Held;
  }
  assembled_.swap(d.data);
  bytes_held_ -= assembled_.size();
  d.data.clear();
  erase(it);
  payload = Bytes(assembled_);
  return FragmentOutcome::Complete;
}

}  // namespace medtap::decode
