// event_type "hl7": one HL7 v2 message (docs/EVENTS.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medtap::events {

// Never holds raw PHI (DESIGN.md): patient fields arrive here as tokens only.
struct Hl7Message {
  static constexpr std::string_view kEventType = "hl7";
  std::string message_type;  // "ORU^R01"
  std::string control_id;
  std::string version;
  std::string sending_application, sending_facility;
  std::string receiving_application, receiving_facility;
  std::vector<std::string> segments;  // segment names in order
  std::string ack_code;               // MSA-1 when present
  uint64_t length = 0;                // message bytes
};

}  // namespace medtap::events
