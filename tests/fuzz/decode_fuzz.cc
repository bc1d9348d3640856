// libFuzzer target for the L2-L4 decoder.
//
// Input: the first byte chooses the link type (low nibble), whether packets look cut by a
// snaplen (bit 7) and how far packet time advances between packets (bits 4-6, in half
// seconds). The rest is one or more packets separated by kDelimiter, decoded in order by one
// decoder with small reassembly limits, so that fragment reassembly, eviction and timeouts are
// all reachable from short inputs.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "capture/packet_source.h"
#include "decode/decoder.h"

namespace {

using medtap::AnomalyCounters;
using medtap::Bytes;
using medtap::Duration;
using medtap::Timestamp;
using medtap::capture::LinkType;
using medtap::decode::DecodedPacket;
using medtap::decode::Decoder;
using medtap::decode::DecodeResult;
using medtap::decode::DecoderLimits;
using medtap::decode::kMaxVlanTags;
using medtap::decode::L3;

constexpr uint8_t kDelimiter[] = {'P', 'K', 'T', '|'};
constexpr LinkType kLinks[] = {
    LinkType::Ethernet,
    LinkType::Raw,
    LinkType::Ipv4,
    LinkType::Ipv6,
    LinkType::Null,
    LinkType::Loop,
    LinkType::LinuxSll,
    LinkType::LinuxSll2,
    static_cast<LinkType>(253),  // not decoded: must be counted, not crash
};
constexpr size_t kMaxPackets = 256;

void check(bool invariant) {
  if (!invariant) __builtin_trap();
}

void checkPacket(DecodeResult r, const DecodedPacket& p, Bytes packet) {
  check(p.vlan_count <= kMaxVlanTags);
  check(p.cap_len == packet.size());
  if (r == DecodeResult::Incomplete) check(p.fragment && p.l3 == L3::Ipv4);
  if (p.has_l4) check(p.l3 == L3::Ipv4 || p.l3 == L3::Ipv6);
  if (p.reassembled) {
    check(p.payload.size() <= 65535);
  } else if (!p.payload.empty()) {
    // Outside reassembly, the payload is a view into the packet itself.
    check(p.payload.data() >= packet.data() &&
          p.payload.data() + p.payload.size() <= packet.data() + packet.size());
  }
  // Touch every payload byte so that the sanitizer sees a bad view.
  volatile uint8_t sink = 0;
  for (uint8_t b : p.payload) sink = sink ^ b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t control = data[0];
  const LinkType link = kLinks[(control & 0x0f) % std::size(kLinks)];
  const bool snaplen_cut = (control & 0x80) != 0;
  const Duration step{((control >> 4) & 0x07) * Timestamp::kNsPerSec / 2};

  DecoderLimits limits;
  limits.max_fragment_datagrams = 4;
  limits.max_fragment_bytes = 20000;
  limits.fragment_timeout = Duration::seconds(2);
  AnomalyCounters anomalies;
  Decoder decoder(anomalies, limits);
  DecodedPacket out;

  const uint8_t* pos = data + 1;
  const uint8_t* const end = data + size;
  Timestamp now = Timestamp::fromSeconds(1700000000);
  for (size_t n = 0; n < kMaxPackets && pos <= end; ++n) {
    const uint8_t* next = std::search(pos, end, std::begin(kDelimiter), std::end(kDelimiter));
    // Each packet in its own exactly-sized buffer, so that an over-read is caught.
    const std::vector<uint8_t> packet(pos, next);
    medtap::capture::RawPacket raw;
    raw.ts = now;
    raw.data = Bytes(packet);
    raw.wire_len = static_cast<uint32_t>(packet.size()) + (snaplen_cut ? 64 : 0);
    raw.link = link;
    checkPacket(decoder.decode(raw, out), out, raw.data);
    now = now + step;
    if (next == end) break;
    pos = next + sizeof(kDelimiter);
  }
  return 0;
}
