// event_type "alert": a detection (src/detect, catalogued in docs/DETECTIONS.md). Evidence names
// fields and carries patient tokens, never patient data (DESIGN.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/timestamp.h"

namespace medtap::events {

struct AlertRecord {
  static constexpr std::string_view kEventType = "alert";
  uint32_t signature_id = 0;
  std::string_view signature;                            // static: the catalogue's name
  std::string_view category;                             // static: docs/EVENTS.md vocabulary
  uint8_t severity = 3;                                  // 1 high ... 3 low
  std::vector<std::string_view> cve, attack, reference;  // static strings
  // The device the alert is about.
  std::string device_id;
  IpAddress device_ip;
  // What was seen: ordered key/value pairs (values already free of PHI).
  std::vector<std::pair<std::string_view, std::string>> evidence;
  uint64_t count = 1;  // occurrences folded into this alert
  Timestamp first_seen, last_seen;

  // What tells two alerts of one signature about one device apart, for the outputs that keep one
  // row per alert (the store, the report): the destination, or the advisory for 9000701 (a
  // monitor affected by two advisories is two findings), else nothing.
  std::string_view distinctKey() const {
    for (const auto& [k, v] : evidence) {
      if (k == "destination" || k == "advisory") return v;
    }
    return {};
  }
};

}  // namespace medtap::events
