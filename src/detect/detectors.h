// Every detector of a run, fed every event, decided together at each inventory update.
#pragma once

#include <memory>
#include <vector>

#include "detect/detector.h"
#include "detect/vitals_integrity.h"

namespace medtap::detect {

class Detectors final : public events::EventSink {
 public:
  explicit Detectors(const DetectOptions& options);
  // A detector from another stage (policy/), decided with the rest.
  void add(std::unique_ptr<Detector> detector) { detectors_.push_back(std::move(detector)); }
  void emit(const events::Event& event) override;
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out);
  // The vital-sign checks, whose trend and flagged windows the run stores (medtap.db).
  VitalsIntegrityDetector& vitals() { return *vitals_; }
  const VitalsIntegrityDetector& vitals() const { return *vitals_; }

 private:
  std::vector<std::unique_ptr<Detector>> detectors_;
  VitalsIntegrityDetector* vitals_ = nullptr;
};

}  // namespace medtap::detect
