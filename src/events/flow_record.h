// event_type "flow": one per finished flow (docs/EVENTS.md).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/timestamp.h"

namespace medtap::events {

struct FlowRecord {
  static constexpr std::string_view kEventType = "flow";
  uint64_t pkts_toserver = 0, pkts_toclient = 0;
  uint64_t bytes_toserver = 0, bytes_toclient = 0;
  Timestamp start, end;
  std::string_view state;   // "new", "established", "closed"
  std::string_view reason;  // "timeout", "forced", "shutdown"
};

}  // namespace medtap::events
