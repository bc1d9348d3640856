#include "flow/flow.h"

#include <cstring>
#include <tuple>

#include "flow/tcp_reassembly.h"

namespace medtap::flow {

namespace {

// Multiplier of the per-word mixing step: 2^64 / golden ratio, odd, so that the multiply is a
// bijection of the state for a fixed input word.
constexpr uint64_t kMixMul = 0x9e3779b97f4a7c15ULL;
// Initial state; any fixed non-zero value gives the same quality. Fixed so that ids and the
// worker sharding are the same in every run.
constexpr uint64_t kHashSeed = 0x2545f4914f6cdd1dULL;
constexpr uint64_t kFlowIdMask = (uint64_t{1} << 51) - 1;

// One multiply-xorshift step: folds a word into the state. Each step is a bijection of the state
// for a fixed word and of the word for a fixed state, so no input bit is lost before the finish.
constexpr uint64_t mixWord(uint64_t h, uint64_t w) {
  h = (h ^ w) * kMixMul;
  return h ^ (h >> 32);
}

// The splitmix64 finaliser: full avalanche, so the low bits used for table slots and worker
// shards depend on every input bit.
constexpr uint64_t finish(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

uint64_t load64(const uint8_t* p) {
  uint64_t v;  // our own address bytes, not packet data: byte order only has to be consistent
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint64_t hashKey(const FlowKey& k) {
  const auto& lo = k.lo_ip.bytes();
  const auto& hi = k.hi_ip.bytes();
  uint64_t h = kHashSeed;
  h = mixWord(h, load64(lo.data()));
  h = mixWord(h, load64(lo.data() + 8));
  h = mixWord(h, load64(hi.data()));
  h = mixWord(h, load64(hi.data() + 8));
  static_assert(decode::kMaxVlanTags == 2, "the VLAN word below packs two tags");
  h = mixWord(h, uint64_t{k.lo_port} | (uint64_t{k.hi_port} << 16) | (uint64_t{k.vlan[0]} << 32) |
                     (uint64_t{k.vlan[1]} << 48));
  h = mixWord(h, uint64_t{k.proto} | (uint64_t{k.vlan_count} << 8) |
                     (uint64_t{static_cast<uint8_t>(k.lo_ip.family())} << 16) |
                     (uint64_t{static_cast<uint8_t>(k.hi_ip.family())} << 24));
  return finish(h);
}

}  // namespace

FlowKey FlowKey::of(const decode::DecodedPacket& p, bool& lo_is_src) {
  FlowKey k;
  // Lower (address, port) first; equal endpoints (a packet to itself) count as the source lower.
  lo_is_src = std::tie(p.src_ip, p.src_port) <= std::tie(p.dst_ip, p.dst_port);
  if (lo_is_src) {
    k.lo_ip = p.src_ip;
    k.lo_port = p.src_port;
    k.hi_ip = p.dst_ip;
    k.hi_port = p.dst_port;
  } else {
    k.lo_ip = p.dst_ip;
    k.lo_port = p.dst_port;
    k.hi_ip = p.src_ip;
    k.hi_port = p.src_port;
  }
  k.proto = p.ip_proto;
  k.vlan_count = p.vlan_count < decode::kMaxVlanTags ? p.vlan_count : decode::kMaxVlanTags;
  // Only the tags in use are part of the key: stale values past vlan_count must not split flows.
  for (size_t i = 0; i < k.vlan_count; ++i) k.vlan[i] = p.vlan[i];
  return k;
}

size_t FlowKeyHash::operator()(const FlowKey& k) const {
  return static_cast<size_t>(hashKey(k));
}

uint64_t flowIdOf(const FlowKey& key, Timestamp first_seen) {
  uint64_t h = mixWord(hashKey(key), static_cast<uint64_t>(first_seen.ns));
  return finish(h) & kFlowIdMask;
}

std::string_view flowStateName(FlowState s) {
  switch (s) {
    case FlowState::New:
      return "new";
    case FlowState::Established:
      return "established";
    case FlowState::Closed:
      return "closed";
  }
  return "unknown";
}

std::string_view endReasonName(EndReason r) {
  switch (r) {
    case EndReason::Timeout:
      return "timeout";
    case EndReason::Forced:
      return "forced";
    case EndReason::Shutdown:
      return "shutdown";
  }
  return "unknown";
}

Flow::Flow() = default;
Flow::~Flow() = default;
Flow::Flow(Flow&&) noexcept = default;
Flow& Flow::operator=(Flow&&) noexcept = default;

}  // namespace medtap::flow
