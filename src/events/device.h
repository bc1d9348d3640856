// event_type "device": a device on the network as the inventory identifies it (src/inventory),
// written when it is first seen and when its identification changes; inventory.json holds the
// same objects. Plain values: every attribute carries the evidence it came from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/timestamp.h"

namespace medtap::events {

// One address of a device and where it is from the capture point's view.
struct DeviceAddress {
  IpAddress ip;
  std::string_view locality;  // "local" (its own MAC seen), "routed" (behind a router's MAC),
                              // "unknown" (no link layer in the capture)
  bool site = false;          // inside site.home_networks
  Timestamp first_seen, last_seen;
};

// One fact that a fingerprint rule turned into a claim about the device.
struct DeviceEvidence {
  std::string source;  // "dhcp.vendor_class", "hl7.sending_application", "behavior", "oui", ...
  std::string value;   // what was seen ("CMS8000", "contec-stream-sender", ...); never PHI
  std::string detail;  // what it says, for a human: "Contec stream sent to 10.12.1.15"
  std::string rule;    // the fingerprint rule's id
  std::string claims;  // "vendor=Contec, class=patient-monitor, tag=cms8000-family"
  double weight = 0;
  uint64_t count = 0;    // times seen
  uint64_t flow_id = 0;  // a flow it was seen in, 0 when none
  Timestamp first_seen, last_seen;
};

// Two rules that disagree on an attribute: shown, and the reason confidence is lower.
struct DeviceConflict {
  std::string attribute;  // "vendor", "model", "device_class"
  std::string chosen, other;
  double chosen_score = 0, other_score = 0;
};

struct DeviceRecord {
  static constexpr std::string_view kEventType = "device";
  std::string id;           // "mac:00:60:6e:12:34:56", or "ip:198.51.100.7" without a MAC
  std::string_view change;  // "new" or "changed" (device events); "" in inventory.json
  std::vector<MacAddress> macs;
  std::vector<IpAddress> ips;
  std::vector<DeviceAddress> addresses;
  std::string vendor, model, device_class = "unknown", firmware;
  std::vector<std::string> hostnames;
  double confidence = 0;  // 0..1
  std::vector<DeviceEvidence> evidence;
  std::vector<DeviceConflict> conflicts;
  std::vector<std::string> tags;
  std::vector<std::string> roles;  // behaviour seen: "hl7-observation-sender", "router", ...
  Timestamp first_seen, last_seen;
};

}  // namespace medtap::events
