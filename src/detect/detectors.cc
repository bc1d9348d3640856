#include "detect/detectors.h"

#include "detect/baseline_detector.h"
#include "detect/contec.h"
#include "detect/intel.h"
#include "detect/phi_exposure.h"
#include "detect/vitals_integrity.h"
#include "detect/vulnerable_device.h"

namespace medtap::detect {

Detectors::Detectors(const DetectOptions& options) {
  detectors_.push_back(std::make_unique<ContecDetector>(options));
  detectors_.push_back(std::make_unique<PhiExposureDetector>(options));
  if (options.intel && !options.intel->empty()) {
    detectors_.push_back(std::make_unique<IntelDetector>(options.intel));
  }
  detectors_.push_back(std::make_unique<BaselineDetector>(options));
  auto vitals = std::make_unique<VitalsIntegrityDetector>(options);
  vitals_ = vitals.get();
  detectors_.push_back(std::move(vitals));
  detectors_.push_back(std::make_unique<VulnerableDeviceDetector>(options.advisories));
}

void Detectors::emit(const events::Event& event) {
  for (auto& d : detectors_) d->emit(event);
}

void Detectors::decide(const DeviceIndex& devices, bool final, events::EventSink& out) {
  for (auto& d : detectors_) d->decide(devices, final, out);
}

}  // namespace medtap::detect
