// Live capture through libpcap.
#pragma once

#include <memory>
#include <string>

#include "capture/packet_source.h"

namespace medtap::capture {

struct LiveOptions {
  std::string interface;
  uint32_t snaplen = 262144;
  bool promiscuous = true;
  int buffer_bytes = 64 << 20;  // kernel ring; large, since a SPAN port bursts
  std::string bpf_filter;       // optional
};

// Opens the interface. Error when it cannot be opened (missing, no permission), one line.
Result<std::unique_ptr<PacketSource>> openLiveInterface(const LiveOptions& options,
                                                        AnomalyCounters& anomalies);

}  // namespace medtap::capture
