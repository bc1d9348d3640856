#include "detect/anomaly_limiter.h"

#include <fmt/format.h>

namespace medtap::detect {

namespace {

constexpr int64_t kHourNs = 3600 * Timestamp::kNsPerSec;

int64_t hourOf(Timestamp t) {
  return t.ns >= 0 ? t.ns / kHourNs : -((-t.ns + kHourNs - 1) / kHourNs);
}

}  // namespace

bool AnomalyLimiter::admit(const std::string& device_id, const IpAddress& device_ip,
                           uint32_t signature_id, const std::string& key, Timestamp at) {
  auto k = std::make_tuple(device_id, signature_id, key);
  if (seen_.count(k) != 0) return false;
  if (seen_.size() < kMaxAnomalyDedupKeys) seen_.insert(std::move(k));
  HourCount& h = hours_[{device_id, hourOf(at)}];
  h.device_ip = device_ip;
  if (h.admitted < kMaxAnomalyAlertsPerDeviceHour) {
    ++h.admitted;
    return true;
  }
  if (h.suppressed == 0 || at < h.first_suppressed) h.first_suppressed = at;
  if (h.suppressed == 0 || h.last_suppressed < at) h.last_suppressed = at;
  ++h.suppressed;
  return false;
}

void AnomalyLimiter::flushNotes(Timestamp now, bool final, events::EventSink& out) {
  for (auto it = hours_.begin(); it != hours_.end();) {
    const auto& [device, hour] = it->first;
    const HourCount& h = it->second;
    const bool over = final || (hour + 2) * kHourNs <= now.ns;
    if (!over) {
      ++it;
      continue;
    }
    if (h.suppressed > 0) {
      events::AlertRecord a;
      a.signature_id = kSuppressedNoteId;
      a.signature = "MEDTAP Anomaly alerts suppressed for a noisy device";
      a.category = "anomaly";
      a.severity = 3;
      a.device_id = device;
      a.device_ip = h.device_ip;
      a.evidence.emplace_back("suppressed", std::to_string(h.suppressed));
      a.evidence.emplace_back("limit", fmt::format("{} anomaly alerts per device and hour",
                                                   kMaxAnomalyAlertsPerDeviceHour));
      a.evidence.emplace_back("window", formatIso8601(Timestamp{hour * kHourNs}) + " + 1h");
      a.count = h.suppressed;
      a.first_seen = h.first_suppressed;
      a.last_seen = h.last_suppressed;
      out.emit(events::Event{h.first_suppressed, std::nullopt, std::move(a)});
    }
    it = hours_.erase(it);
  }
}

}  // namespace medtap::detect
