// policy-violation (docs/DETECTIONS.md "Segmentation policy"): a flow between two zones that no
// rule of the site's policy allows. Flows are folded per source, destination, protocol and
// server port (detect::Candidates) and decided at inventory updates, once both ends' devices are
// identified, since a device's zone may come from its class or tags.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "policy/policy.h"

namespace medtap::policy {

// One violation as `medtap policy check` prints it.
struct Violation {
  std::string from_zone, to_zone;
  std::string src_device, dst_device;  // dst_device: "" when no device holds the address
  IpAddress src, dst;
  std::string service;  // "tcp/515 contec_cms"
  std::string rule;     // the rule that decided, or "default: deny"
  uint8_t severity = 2;
  uint64_t count = 0;  // flows
};

class PolicyDetector final : public detect::Detector {
 public:
  PolicyDetector(std::shared_ptr<const Policy> policy, std::vector<IpNetwork> site_networks)
      : judge_(std::make_shared<const PolicyJudge>(std::move(policy), std::move(site_networks))) {}
  // Sharing the judge the PHI exposure detector asks (detect::DetectOptions::policy).
  explicit PolicyDetector(std::shared_ptr<const PolicyJudge> judge) : judge_(std::move(judge)) {
    setMaxFlows(kDefaultMaxFlows);
  }
  void emit(const events::Event& event) override;
  void decide(const detect::DeviceIndex& devices, bool final, events::EventSink& out) override;

  // The violations alerted so far, in the order they were; at most kMaxKeptViolations.
  const std::vector<Violation>& violations() const { return violations_; }
  // detect.policy_max_flows: flows held (pending their devices' identification, or decided and
  // remembered so as not to alert twice). Flows refused beyond it: Anomaly::PolicyFlowLimit.
  void setMaxFlows(size_t max) { candidates_.setMax(max); }
  uint64_t flowsRefused() const { return candidates_.refused(); }
  size_t flowsHeld() const { return candidates_.held(); }
  uint64_t violationsNotKept() const { return not_kept_; }

  static constexpr uint32_t kSignatureId = 9000501;
  // Violations kept for `policy check` to print; each also went out as an alert.
  static constexpr size_t kMaxKeptViolations = 10000;
  static constexpr size_t kDefaultMaxFlows = 65536;

 private:
  std::string_view signatureFor(std::string_view from, std::string_view to);

  std::shared_ptr<const PolicyJudge> judge_;
  detect::Candidates candidates_;
  // Alert names hold the two zones; AlertRecord::signature is a view, so the names live here,
  // as long as the detector (a set: its strings do not move). At most zones^2 of them.
  std::set<std::string, std::less<>> signatures_;
  std::vector<Violation> violations_;
  uint64_t not_kept_ = 0;
};

}  // namespace medtap::policy
