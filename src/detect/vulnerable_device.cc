#include "detect/vulnerable_device.h"

#include <fmt/format.h>

namespace medtap::detect {

namespace {

// Enough of the remediations for an alert; the full text is in `medtap advisories match`.
constexpr size_t kMaxRemediationSummary = 1024;

std::string remediationSummary(const advisories::Match& m) {
  std::string out;
  for (const auto& r : m.remediations) {
    if (!out.empty()) out += " | ";
    out += r;
    if (out.size() >= kMaxRemediationSummary) {
      out.resize(kMaxRemediationSummary - 3);
      out += "...";
      break;
    }
  }
  return out.empty() ? "none given" : out;
}

advisories::DeviceFacts factsOf(const events::DeviceRecord& d) {
  return {d.id, d.vendor, d.model, d.firmware, d.tags};
}

}  // namespace

uint8_t severityFromCvss(double score) {
  if (score >= 9.0) return 1;
  if (score >= 7.0) return 2;
  return 3;
}

VulnerableDeviceDetector::VulnerableDeviceDetector(
    std::shared_ptr<const advisories::Matcher> matcher)
    : matcher_(matcher != nullptr
                   ? std::move(matcher)
                   : std::make_shared<const advisories::Matcher>(advisories::builtInAdvisories(),
                                                                 advisories::Aliases::builtIn())) {}

std::string_view VulnerableDeviceDetector::keep(std::string text) {
  return *texts_.insert(std::move(text)).first;
}

void VulnerableDeviceDetector::decide(const DeviceIndex& devices, bool, events::EventSink& out) {
  for (const events::DeviceRecord& d : devices.devices()) {
    for (advisories::Match& m : matcher_->match(factsOf(d))) {
      const advisories::Advisory& a = *m.advisory;
      if (!alerted_.emplace(d.id, a.id).second) continue;
      events::AlertRecord alert;
      alert.signature_id = kVulnerableDeviceSignature;
      alert.signature =
          keep(fmt::format("MEDTAP Device affected by advisory {}: {}", a.id, a.title));
      alert.category = "vulnerable-device";
      alert.severity = severityFromCvss(m.status_cvss);
      for (const auto& cve : m.cves) alert.cve.push_back(keep(cve));
      if (const std::string url = a.url(); !url.empty()) alert.reference.push_back(keep(url));
      alert.device_id = d.id;
      if (!d.ips.empty()) alert.device_ip = d.ips.front();
      alert.evidence.emplace_back("advisory", a.id);
      alert.evidence.emplace_back("status", std::string(advisories::statusName(m.status)));
      alert.evidence.emplace_back("reason", m.reason);
      alert.evidence.emplace_back("matched_as", m.identity);
      alert.evidence.emplace_back("vendor", d.vendor.empty() ? "unknown" : d.vendor);
      alert.evidence.emplace_back("model", d.model.empty() ? "unknown" : d.model);
      alert.evidence.emplace_back("firmware", d.firmware.empty() ? "unknown" : d.firmware);
      alert.evidence.emplace_back("max_cvss", fmt::format("{:.1f}", m.max_cvss));
      alert.evidence.emplace_back("remediation", remediationSummary(m));
      alert.first_seen = d.first_seen;
      alert.last_seen = d.last_seen;
      out.emit(events::Event{d.last_seen, std::nullopt, std::move(alert)});
    }
  }
}

}  // namespace medtap::detect
