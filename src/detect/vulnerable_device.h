// Devices an advisory concerns (src/advisories; docs/DETECTIONS.md 9000701): at each inventory
// update, every device is matched against the advisories (the compiled-in ones and those
// imported into medtap.db); each device and advisory pair raises one alert in the run.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "advisories/matcher.h"
#include "detect/detector.h"

namespace medtap::detect {

constexpr uint32_t kVulnerableDeviceSignature = 9000701;

// Alert severity from a CVSS base score: >= 9 (critical) -> 1, >= 7 (high) -> 2, else 3.
uint8_t severityFromCvss(double score);

class VulnerableDeviceDetector final : public Detector {
 public:
  // `matcher`: null for the built-in advisories and aliases.
  explicit VulnerableDeviceDetector(std::shared_ptr<const advisories::Matcher> matcher);
  void emit(const events::Event&) override {}  // decides from the inventory alone
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out) override;

 private:
  // Alert strings are views (events/alert.h); the texts made here live as long as the detector.
  std::string_view keep(std::string text);

  std::shared_ptr<const advisories::Matcher> matcher_;
  std::set<std::pair<std::string, std::string>> alerted_;  // (device id, advisory id)
  std::set<std::string> texts_;
};

}  // namespace medtap::detect
