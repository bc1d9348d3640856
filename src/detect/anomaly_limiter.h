// Deduplication and rate limiting of anomaly alerts (docs/DETECTIONS.md "Anomalies"): one alert
// per device, kind and key (the peer, the port, the hour...), and at most
// kMaxAnomalyAlertsPerDeviceHour per device and hour of packet time; the rest are counted and
// reported in one "suppressed" note per device and hour, so that a noisy device cannot flood the
// analyst and still cannot hide that it was noisy.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "core/address.h"
#include "core/timestamp.h"
#include "events/event.h"

namespace medtap::detect {

constexpr uint64_t kMaxAnomalyAlertsPerDeviceHour = 5;
// Keys remembered for deduplication; past it the oldest run's keys are not forgotten, new ones
// are simply not remembered (a repeat may alert again). A sensor's devices stay far below.
constexpr size_t kMaxAnomalyDedupKeys = size_t{1} << 20;
constexpr uint32_t kSuppressedNoteId = 9000409;

class AnomalyLimiter {
 public:
  // True when the alert may go out: not a repeat, and under the device's hourly limit. A repeat
  // returns false silently; one over the limit is counted into the device's note for that hour.
  bool admit(const std::string& device_id, const IpAddress& device_ip, uint32_t signature_id,
             const std::string& key, Timestamp at);
  // Emits the notes of the hours that are over (ended an hour of packet time before `now`), or
  // all of them when `final`.
  void flushNotes(Timestamp now, bool final, events::EventSink& out);

 private:
  struct HourCount {
    uint64_t admitted = 0, suppressed = 0;
    IpAddress device_ip;
    Timestamp first_suppressed, last_suppressed;
  };
  std::set<std::tuple<std::string, uint32_t, std::string>> seen_;
  std::map<std::pair<std::string, int64_t>, HourCount> hours_;  // (device, hour index)
};

}  // namespace medtap::detect
