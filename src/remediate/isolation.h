// What isolating a set of devices means, before any rule is written: for each selected device
// (by tag or id, from the inventory in medtap.db), every flow the store has seen it take part in,
// with its peer, service and volume, and whether the isolation keeps it (the policy allows it, or
// without a policy: a clinical flow to a clinical peer on this site) or cuts it. `medtap export`
// turns this into firewall rules and `medtap plan isolate` into what the biomedical team must do
// first; both read the same model so that the plan describes exactly the rules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/result.h"
#include "core/timestamp.h"
#include "intel/indicator.h"
#include "inventory/observations.h"
#include "inventory/store.h"
#include "policy/policy.h"

namespace medtap::remediate {

// A selection of thousands of devices is a mistake (a tag on the whole site), and the rules for
// it would not fit any firewall's comfort: refused with a message.
constexpr size_t kMaxSelectedDevices = 4096;
// Distinct flows kept per device (peer, protocol, port, direction); a monitor has a handful.
constexpr size_t kMaxFlowsPerDevice = 1024;

enum class Direction : uint8_t { Outbound, Inbound };  // the device is the client / the server
enum class Fate : uint8_t { Kept, Cut };               // what the isolation rules do to a flow

struct DeviceFlow {
  Direction direction = Direction::Outbound;
  IpAddress local, peer;  // the device's address and the other end's
  std::string peer_id;    // the peer's device id, "" when the inventory has none
  std::string peer_class = "unknown";
  uint8_t ip_proto = 0;
  uint16_t port = 0;  // the server's port
  std::string app;    // "hl7", "contec_cms", "dicom", "lpd", "nfs", "rpc", "dns", "ntp", "dhcp", ""
  uint64_t connections = 0;  // flows the store counted (talks_to)
  uint64_t messages = 0;     // HL7 messages, Contec blocks, DICOM stores, print jobs
  Timestamp first, last;
  const intel::Indicator* indicator = nullptr;  // the built-in Contec indicator holding the peer
  bool peer_on_lan = false;                     // the peer was seen with its own MAC here
  Fate fate = Fate::Cut;
  std::string reason;  // "policy allow[2] (p.yaml:14)", "clinical flow to a central-station"...

  bool clinical() const;  // HL7, Contec stream, DICOM or printing
};

struct IsolatedDevice {
  std::string id, vendor, model, device_class;
  std::vector<std::string> tags;
  std::vector<IpAddress> ips;
  std::vector<MacAddress> macs;
  std::vector<DeviceFlow> flows;  // clinical first, then by peer, protocol and port
  uint64_t flows_not_kept = 0;    // past kMaxFlowsPerDevice
};

struct Selection {
  std::vector<std::string> tags;        // a device carrying any of them
  std::vector<std::string> device_ids;  // or one of these ids
  std::string describe() const;         // "tag cms8000-family, device mac:..."
};

struct IsolationInput {
  const std::vector<inventory::StoredDevice>* devices = nullptr;
  const inventory::Observations* facts = nullptr;
  const policy::Policy* policy = nullptr;  // null: keep the observed clinical flows
  std::vector<IpNetwork> site_networks;
  Selection selection;
  std::string database;  // where it came from, for headers
};

struct Isolation {
  std::vector<IsolatedDevice> devices;  // by id
  std::string database;
  std::string selection;     // Selection::describe
  std::string allowed_from;  // "policy FILE" or "observed clinical flows (no --policy)"
  bool from_policy = false;
  // Device ids named by --device that the store does not hold.
  std::vector<std::string> unknown_ids;
};

// Error: one line, when the selection matches more than kMaxSelectedDevices.
Result<Isolation> buildIsolation(const IsolationInput& input);

// "tcp/511", "udp/53".
std::string serviceLabel(uint8_t ip_proto, uint16_t port);
std::string_view fateName(Fate fate);         // "kept", "cut"
std::string_view directionName(Direction d);  // "to", "from"

}  // namespace medtap::remediate
