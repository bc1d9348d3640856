// Patient data in clear text to a destination outside the site (docs/DETECTIONS.md): HL7 with PID
// (or NK1, or free text), DICOM with patient tags, the Contec patient record, to an address that
// is reached through the router and is outside site.home_networks (severity 1). With a
// segmentation policy, the same PHI on any other flow the policy does not allow (severity 2),
// judged by the policy-violation detector's own judge (DetectOptions::policy). The Contec
// hard-coded network has its own, more specific alerts (detect/contec.h) and is left to them.
#pragma once

#include "detect/detector.h"

namespace medtap::detect {

class PhiExposureDetector final : public Detector {
 public:
  explicit PhiExposureDetector(const DetectOptions& options) : options_(options) {}
  void emit(const events::Event& event) override;
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out) override;

  static constexpr uint32_t kSignatureId = 9000201;

 private:
  void alertOffSite(const Candidate& c, const DeviceIndex& devices, events::EventSink& out);
  // false: an end is not identified yet, the candidate waits.
  bool decideByPolicy(const Candidate& c, const DeviceIndex& devices, bool final,
                      events::EventSink& out);

  DetectOptions options_;
  Candidates candidates_;
};

}  // namespace medtap::detect
