// event_type "flow": one per finished flow (docs/EVENTS.md); and "flow_progress", the bytes an
// open flow moved since its last report, for the correlators only (not written to eve.json).
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
  // Of the bytes above, those already handed out in flow_progress events, which covered the
  // flow up to `progress_until` (0 and unset when there were none). Not written to eve.json.
  uint64_t progress_bytes = 0;
  Timestamp progress_until;
};

// While a flow is open, every kFlowProgressInterval of packet time (flow/flow_table.h), the bytes
// it moved since the previous report, which happened between `since` and `until` (its first
// packet or the previous report's `until`, and its latest packet). A stream open all day (HL7 to
// a central station) is thus counted into the hours it ran in, not the one it ended in. Only for
// flows that moved bytes since; the event's flow is the flow's, its time the report's.
struct FlowProgress {
  static constexpr std::string_view kEventType = "flow_progress";
  uint64_t bytes = 0;          // both directions, since the previous report
  uint64_t pkts_toclient = 0;  // so far: whether the responder answered
  Timestamp since, until;
};

}  // namespace medtap::events
