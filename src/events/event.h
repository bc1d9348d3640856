// Typed events: what analyzers and the flow stage produce, what correlators consume and what
// sinks write (the EVE contract in docs/EVENTS.md). Plain values; a sink decides the format.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/address.h"
#include "core/timestamp.h"

namespace medtap::events {

// The flow an event belongs to, originator -> responder.
struct FlowRef {
  uint64_t id = 0;
  IpAddress src_ip, dest_ip;
  uint16_t src_port = 0, dest_port = 0;
  uint8_t proto = 0;  // IP protocol number
  uint8_t vlan_count = 0;
  std::array<uint16_t, 2> vlan{};
  std::string_view app_proto;  // static string, "" when no analyzer claimed the flow
};

// event_type "flow"
struct FlowRecord {
  uint64_t pkts_toserver = 0, pkts_toclient = 0;
  uint64_t bytes_toserver = 0, bytes_toclient = 0;
  Timestamp start, end;
  std::string_view state;   // "new", "established", "closed"
  std::string_view reason;  // "timeout", "forced", "shutdown"
};

// event_type "hl7": one HL7 v2 message. Never holds raw PHI (DESIGN.md): patient fields arrive
// here as tokens only.
struct Hl7Message {
  std::string message_type;  // "ORU^R01"
  std::string control_id;
  std::string version;
  std::string sending_application, sending_facility;
  std::string receiving_application, receiving_facility;
  std::vector<std::string> segments;  // segment names in order
  std::string ack_code;               // MSA-1 when present
  uint64_t length = 0;                // message bytes
};

using Body = std::variant<FlowRecord, Hl7Message>;

struct Event {
  Timestamp ts;
  std::optional<FlowRef> flow;
  Body body;
};

std::string_view eventTypeName(const Body& body);  // "flow", "hl7", ...

// Where events go: sinks and correlators. Called on the worker's thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(const Event& event) = 0;
};

}  // namespace medtap::events
