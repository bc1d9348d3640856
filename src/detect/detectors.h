// Every detector of a run, fed every event, decided together at each inventory update.
#pragma once

#include <memory>
#include <vector>

#include "detect/detector.h"

namespace medtap::detect {

class Detectors final : public events::EventSink {
 public:
  explicit Detectors(const DetectOptions& options);
  void emit(const events::Event& event) override;
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out);

 private:
  std::vector<std::unique_ptr<Detector>> detectors_;
};

}  // namespace medtap::detect
