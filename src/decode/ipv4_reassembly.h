// Bounded IPv4 fragment reassembly (RFC 791 section 3.2, RFC 815 for the hole bookkeeping).
// Used by the Decoder only on the fragment path; unfragmented packets never touch it.
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

#include "core/anomaly.h"
#include "core/bytes.h"
#include "core/timestamp.h"
#include "decode/decoder.h"

namespace medtap::decode {

// Largest IPv4 datagram, header included (the 16-bit total length field, RFC 791 3.1).
constexpr uint32_t kMaxIpv4DatagramBytes = 65535;

// What identifies the fragments of one datagram (RFC 791 3.2: source, destination, protocol,
// identification). Compared as a whole; the hash only picks the bucket.
struct FragmentKey {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint16_t id = 0;
  uint8_t proto = 0;
  friend bool operator==(const FragmentKey&, const FragmentKey&) = default;
};

struct FragmentKeyHash {
  size_t operator()(const FragmentKey& k) const;
};

// The More Fragments flag of the fragment being added.
enum class MoreFragments : uint8_t { No, Yes };

enum class FragmentOutcome : uint8_t {
  Held,      // stored; the datagram is still missing bytes
  Complete,  // this fragment completed the datagram; `payload` views the whole IP payload
  Dropped,   // the fragment (and maybe its datagram) was dropped at a named anomaly (counted)
};

class Ipv4Reassembler {
 public:
  Ipv4Reassembler(AnomalyCounters& anomalies, const DecoderLimits& limits);

  // Drops partial datagrams whose first fragment is older than the timeout at packet time `now`
  // (ipv4_fragment_timeout). One comparison when nothing has expired: called for every packet.
  void expire(Timestamp now) {
    if (!age_.empty() && now - age_.front().first_seen > limits_.fragment_timeout) {
      expireSlow(now);
    }
  }

  // Adds one fragment: `data` is its IP payload, `offset` its byte offset in the datagram's
  // payload, `header_len` its IP header length (for the 65535-byte limit). Overlaps keep the
  // first copy; differing bytes count ipv4_fragment_overlap. On Complete, `payload` views the
  // reassembled IP payload in a buffer owned here, valid until the next call to add().
  FragmentOutcome add(const FragmentKey& key, uint32_t offset, Bytes data, MoreFragments more,
                      uint32_t header_len, Timestamp now, Bytes& payload);

  size_t datagrams() const { return table_.size(); }
  size_t bytesHeld() const { return bytes_held_; }

 private:
  // A run of payload bytes already received: [begin, end).
  struct Range {
    uint32_t begin;
    uint32_t end;
  };
  struct AgeEntry {
    FragmentKey key;
    Timestamp first_seen;
  };
  static constexpr uint32_t kEndUnknown = UINT32_MAX;
  struct Datagram {
    std::vector<uint8_t> data;   // payload bytes at their offsets; size() = highest end seen
    std::vector<Range> have;     // sorted, disjoint, non-adjacent
    uint32_t end = kEndUnknown;  // payload length, known once the last fragment (MF=0) arrived
    std::list<AgeEntry>::iterator age;
  };
  using Table = std::unordered_map<FragmentKey, Datagram, FragmentKeyHash>;

  void expireSlow(Timestamp now);
  Table::iterator findOrCreate(const FragmentKey& key, Timestamp now);
  bool reserveBytes(Table::iterator current, size_t growth);
  void erase(Table::iterator it);
  void evictOldest(Anomaly why);
  // Copies `data` into the holes of `d` at `offset`; true when an already-held byte differed.
  static bool fillHoles(Datagram& d, uint32_t offset, Bytes data);
  static void addRange(std::vector<Range>& have, Range r);

  AnomalyCounters& anomalies_;
  DecoderLimits limits_;
  Table table_;
  std::list<AgeEntry> age_;         // creation order, oldest first: eviction and timeout
  size_t bytes_held_ = 0;           // sum of Datagram::data sizes, bounded by max_fragment_bytes
  std::vector<uint8_t> assembled_;  // the last completed payload, handed out by add()
};

}  // namespace medtap::decode
