// L2-L4 decoding of raw packets into DecodedPacket views.
#pragma once

#include <memory>

#include "capture/packet_source.h"
#include "core/anomaly.h"
#include "decode/packet.h"

namespace medtap::decode {

struct DecoderLimits {
  // IPv4 datagrams being reassembled at once; beyond it the oldest is dropped
  // (ipv4_fragment_table_full). Linux's ipfrag_high_thresh is 4 MB, ~64 full datagrams.
  size_t max_fragment_datagrams = 1024;
  // Bytes held across all partial datagrams.
  size_t max_fragment_bytes = 16 << 20;
  // A partial datagram older than this is dropped (ipv4_fragment_timeout); Linux's
  // ipfrag_time is 30 s.
  Duration fragment_timeout = Duration::seconds(30);
  // IPv6 extension headers followed before giving up (ipv6_too_many_extension_headers).
  int max_ipv6_extension_headers = 8;
};

enum class DecodeResult {
  Ok,          // out is filled in as far as the packet goes (check l3 / has_l4)
  Incomplete,  // an IPv4 fragment held for reassembly; nothing to pass on yet
  Malformed,   // decoding stopped at a named anomaly (already counted); out holds what was read
};

class Decoder {
 public:
  Decoder(AnomalyCounters& anomalies, const DecoderLimits& limits = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  DecodeResult decode(const capture::RawPacket& raw, DecodedPacket& out);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace medtap::decode
