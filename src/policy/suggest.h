// `medtap policy suggest`: the least-privilege policy for what a capture shows. FlowLog records
// every flow of the run (a detector, so that it sees the same events and the same final device
// index as the others); suggestPolicy groups the devices into zones and allows exactly the
// zone-to-zone services seen, nothing else.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "detect/detector.h"
#include "policy/policy.h"

namespace medtap::policy {

// Distinct (client, server, protocol, port, app) flows recorded; a capture of a network is
// hundreds to thousands. Past the bound flows are counted, not recorded, and suggest says so.
constexpr size_t kMaxObservedFlows = size_t{1} << 20;

struct ObservedFlow {
  IpAddress client, server;
  uint8_t ip_proto = 0;
  uint16_t port = 0;
  std::string app;
  friend auto operator<=>(const ObservedFlow&, const ObservedFlow&) = default;
};

class FlowLog final : public detect::Detector {
 public:
  void emit(const events::Event& event) override;
  // Keeps the devices as they are at the end of the run.
  void decide(const detect::DeviceIndex& devices, bool final, events::EventSink& out) override;

  const std::map<ObservedFlow, uint64_t>& flows() const { return flows_; }
  uint64_t flowsNotRecorded() const { return not_recorded_; }
  // The final device index; empty until the run has finished.
  const detect::DeviceIndex& devices() const { return devices_; }

 private:
  std::map<ObservedFlow, uint64_t> flows_;  // flow -> times seen
  uint64_t not_recorded_ = 0;
  detect::DeviceIndex devices_;
};

struct SuggestInput {
  const std::map<ObservedFlow, uint64_t>* flows = nullptr;
  const detect::DeviceIndex* devices = nullptr;
  std::vector<IpNetwork> site_networks;
  std::vector<std::string> capture_names;  // for the header comment
};

// The policy as YAML text, deterministic: zones and rules sorted, each commented with how many
// devices and flows it covers. It loads back (loadPolicyText) and allows every flow it was made
// from.
std::string suggestPolicy(const SuggestInput& input);

}  // namespace medtap::policy
