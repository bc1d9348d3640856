#include "detect/vitals_integrity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <variant>

#include "events/ends.h"

namespace medtap::detect {

namespace {

using Check = VitalsIntegrityDetector::Check;

constexpr int64_t kNs = Timestamp::kNsPerSec;

struct Signature {
  uint32_t id;
  std::string_view name;
  std::string_view check;  // short name for the flagged-window table
};

// One per check, in Check order (docs/DETECTIONS.md, "Vital-sign integrity").
constexpr Signature kSignatures[] = {
    {9000601, "MEDTAP Vital sign outside what a patient or monitor can show", "impossible_value"},
    {9000602, "MEDTAP Vital sign jumped and came straight back faster than physiology allows",
     "impossible_change"},
    {9000603, "MEDTAP Vital signs frozen: several parameters identical for minutes",
     "frozen_stream"},
    {9000604, "MEDTAP Vital-sign message replayed: old message or content sent again", "replay"},
    {9000605, "MEDTAP ECG heart rate and oximeter pulse rate disagree for minutes",
     "disagreeing_sensors"},
    {9000606, "MEDTAP Vital-sign observation time runs backwards or ahead of the clock",
     "time_inconsistent"},
    {9000607, "MEDTAP Two devices send vital signs for the same bed at once", "two_devices"},
};

// OBX-11 result statuses that say there is no valid value (HL7 v2.5.1 table 0085): X cannot be
// obtained, N not asked, D deleted, W wrong. A probe-off reading arrives this way.
bool invalidStatus(std::string_view status) {
  return status == "X" || status == "N" || status == "D" || status == "W";
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil, public domain algorithm description.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "YYYY-MM-DDTHH:MM[:SS[.ffff]][+hh:mm]" (the analyzer's OBX-14), as ns since the epoch. Without
// a zone the time is read as UTC: the stream's learned clock offset absorbs the difference.
std::optional<int64_t> parseObsTime(std::string_view s) {
  auto num = [&](size_t pos, size_t len) -> std::optional<int> {
    if (pos + len > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2);
  if (!y || !mo || !d || !h || !mi || s[4] != '-' || s[10] != 'T') return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59) return std::nullopt;
  int sec = 0;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    auto ss = num(pos + 1, 2);
    if (!ss || *ss > 60) return std::nullopt;
    sec = *ss;
    pos += 3;
  }
  int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = kNs;
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      scale /= 10;
      frac_ns += (s[pos] - '0') * scale;
      ++pos;
    }
  }
  int64_t zone_s = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    auto zh = num(pos + 1, 2), zm = num(pos + 4, 2);
    if (!zh || !zm) return std::nullopt;
    zone_s = (*zh * 3600 + *zm * 60) * (s[pos] == '-' ? -1 : 1);
  }
  const int64_t days = daysFromCivil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  return ((days * 86400 + *h * 3600 + *mi * 60 + sec) - zone_s) * kNs + frac_ns;
}

std::string clock(int64_t ns) {
  const int64_t s = ((ns / kNs) % 86400 + 86400) % 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return buf;
}

std::string number(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

// "Bed ICU/07, monitor 10.1.2.12" or "Monitor 10.1.2.12" when the messages name no bed.
std::string where(const std::string& bed, const IpAddress& device) {
  return bed.empty() ? "Monitor " + device.toString()
                     : "Bed " + bed + ", monitor " + device.toString();
}

uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return (h ^ 0xff) * 1099511628211ULL;
}

}  // namespace

VitalsIntegrityDetector::VitalsIntegrityDetector(const DetectOptions& options,
                                                 const vitals::ParameterTable& table)
    : options_(options), table_(table) {}

void VitalsIntegrityDetector::emit(const events::Event& e) {
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, events::Hl7Message>) {
          if (body.observations.empty()) return;
          Message m;
          m.ts = e.ts;
          m.flow = e.flow;
          if (e.flow) m.device = events::endsOf(e).sender.ip;
          m.bed = body.bed;
          m.patient = !body.patient.id.empty() ? body.patient.id : body.patient.name;
          m.control_id = body.control_id;
          uint64_t h = 1469598103934665603ULL;
          for (const events::Hl7Observation& o : body.observations) {
            h = fnv1a(fnv1a(fnv1a(h, o.code), o.value), o.time);
            const vitals::Parameter* p = table_.byCode(o.code);
            if (p == nullptr) continue;
            if (!o.numeric_valid || o.kind != events::Hl7ValueKind::Number ||
                invalidStatus(o.status)) {
              ++stats_.artefacts;
              continue;
            }
            auto v = table_.canonical(*p, o.units, o.numeric);
            if (!v) {
              ++stats_.unknown_units;
              continue;
            }
            m.samples.push_back({p, *v, parseObsTime(o.time)});
          }
          m.content_hash = h;
          if (m.samples.empty()) return;
          if (e.flow) noteReceiver(events::endsOf(e).receiver.ip);
          check(m);
        } else if constexpr (std::is_same_v<T, events::ContecCmsBlock>) {
          if (!e.flow) return;
          const uint64_t id = e.flow->id;
          auto it = contec_flows_.find(id);
          if (it == contec_flows_.end()) {
            if (contec_flows_.size() >= VitalsCaps::kMaxContecFlows) {
              contec_flows_.erase(contec_flows_.begin());  // the oldest flow id
            }
            it = contec_flows_.emplace(id, ContecFlow{}).first;
          }
          if (body.bed) it->second.bed = "contec-" + std::to_string(*body.bed);
          if (body.patient && !body.patient->id.empty()) it->second.patient = body.patient->id;
          if (body.block_name != "cycle") return;
          Message m;
          m.ts = e.ts;
          m.flow = e.flow;
          m.device = events::endsOf(e).sender.ip;
          m.bed = it->second.bed;
          m.patient = it->second.patient;
          const auto add = [&](const std::optional<events::ContecVital>& v, std::string_view name) {
            if (!v) return;
            if (!v->valid) {
              ++stats_.artefacts;
              return;
            }
            if (const vitals::Parameter* p = table_.byName(name)) {
              m.samples.push_back({p, v->value, std::nullopt});
            }
          };
          const events::ContecVitals& cv = body.vitals;
          add(cv.hr, "heart_rate");
          add(cv.pulse_rate, "pulse_rate");
          add(cv.spo2, "spo2");
          add(cv.rr, "resp_rate");
          add(cv.temp1, "temperature");
          add(cv.nibp_sys, "nibp_systolic");
          add(cv.nibp_dia, "nibp_diastolic");
          add(cv.nibp_mean, "nibp_mean");
          if (!m.samples.empty()) check(m);
        }
      },
      e.body);
}

VitalsIntegrityDetector::Stream& VitalsIntegrityDetector::streamFor(const Message& m) {
  std::string key = m.device.toString();
  key += '\x1f';
  key += m.bed;
  key += '\x1f';
  key += m.patient;
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    streams_.splice(streams_.begin(), streams_, it->second);
    return streams_.front();
  }
  if (streams_.size() >= VitalsCaps::kMaxStreams) {
    by_key_.erase(streams_.back().key);
    streams_.pop_back();
    ++stats_.streams_evicted;
  }
  Stream s;
  s.key = key;
  s.device = m.device;
  s.bed = m.bed;
  s.patient = m.patient;
  s.series.resize(table_.parameters().size());
  streams_.push_front(std::move(s));
  by_key_.emplace(std::move(key), streams_.begin());
  return streams_.front();
}

void VitalsIntegrityDetector::flagged(Check c, const Message& m, const std::string& parameter,
                                      int64_t start, int64_t end, std::string text) {
  const std::string bed_key = m.bed.empty() ? m.device.toString() : m.bed;
  if (raised_.size() > VitalsCaps::kMaxBeds * kCheckCount) raised_.clear();
  auto [it, fresh] = raised_.try_emplace({bed_key, c});
  Raised& r = it->second;
  if (!fresh && m.ts.ns - r.at_ns < VitalsThresholds::kAlertIntervalS * kNs) {
    ++stats_.alerts_folded;
    // The same trouble goes on: the flagged window grows over it, so that the report shades
    // every minute of it and not only the first.
    if (r.flag.device == m.device.toString() && end / kNs > r.flag.end) {
      r.flag.end = end / kNs;
      r.grown = true;
    }
    return;
  }
  r.at_ns = m.ts.ns;
  r.flag = {m.bed,
            m.device.toString(),
            parameter,
            kSignatures[c].id,
            std::string(kSignatures[c].check),
            start / kNs,
            end / kNs};
  r.grown = false;
  ++stats_.alerts;
  if (flags_.size() < VitalsCaps::kMaxPendingAlerts) flags_.push_back(r.flag);
  if (pending_.size() >= VitalsCaps::kMaxPendingAlerts) {
    ++stats_.alerts_dropped;
    return;
  }
  pending_.push_back({m.ts, m.flow, m.device, m.bed, parameter, std::move(text), c, start, end});
}

void VitalsIntegrityDetector::closeMinute(const Stream& s, const vitals::Parameter& p,
                                          const Series& x) {
  if (x.count == 0) return;
  if (trend_.size() >= VitalsCaps::kMaxPendingTrend) {
    ++stats_.trend_dropped;
    return;
  }
  trend_.push_back({s.bed, s.device.toString(), p.name, p.unit, x.minute * 60, x.min,
                    x.sum / x.count, x.max, x.count});
}

void VitalsIntegrityDetector::sample(Stream& s, const Message& m, const Sample& x) {
  const vitals::Parameter& p = *x.parameter;
  Series& series = s.series[p.index];
  const int64_t t = m.ts.ns;
  ++stats_.observations;

  // Trend: one row per minute of packet time.
  const int64_t minute = m.ts.seconds() / 60;
  if (minute != series.minute) {
    closeMinute(s, p, series);
    series.minute = minute;
    series.min = series.max = x.value;
    series.sum = 0;
    series.count = 0;
  }
  series.min = std::min(series.min, x.value);
  series.max = std::max(series.max, x.value);
  series.sum += x.value;
  ++series.count;

  if (x.value < p.min || x.value > p.max) {
    flagged(kImpossible, m, p.name, t, t,
            where(m.bed, m.device) + ": " + p.label + " reported " + number(x.value) + " " +
                p.unit + " at " + clock(t) + "; impossible (possible: " + number(p.min) + "-" +
                number(p.max) + " " + p.unit + "), check the patient and the monitor");
    return;  // an impossible value is not also a jump
  }
  // A jump and its return: a then b far from a, then the newest back near a, all close in time.
  if (p.max_change_per_s > 0 && series.n >= 2 &&
      t - series.a.t <= VitalsThresholds::kSpikeWindowS * kNs) {
    // The per-second change alone grows without end with the spacing (30 /min/s allows any
    // heart rate 15 s later): capped at the largest excursion a patient makes and returns from.
    const auto allowed = [&](int64_t from, int64_t to) {
      const double by_rate =
          p.max_change_per_s * std::max(1.0, static_cast<double>(to - from) / kNs);
      return p.max_excursion > 0 ? std::min(by_rate, p.max_excursion) : by_rate;
    };
    const double up = series.b.value - series.a.value;
    const double down = x.value - series.b.value;
    const double back = std::fabs(x.value - series.a.value);
    if (std::fabs(up) > allowed(series.a.t, series.b.t) &&
        std::fabs(down) > allowed(series.b.t, t) && (up > 0) != (down > 0) &&
        back <= allowed(series.a.t, t) &&
        back <= VitalsThresholds::kSpikeReturnFraction * std::min(std::fabs(up), std::fabs(down))) {
      flagged(kJump, m, p.name, series.a.t, t,
              where(m.bed, m.device) + ": " + p.label + " went " + number(series.a.value) + " -> " +
                  number(series.b.value) + " -> " + number(x.value) + " " + p.unit + " between " +
                  clock(series.a.t) + " and " + clock(t) +
                  "; no patient changes this fast, check the patient and the monitor");
    }
  }
  if (series.n >= 1) series.a = series.b;
  series.b = {x.value, t};
  series.n = static_cast<uint8_t>(std::min<int>(series.n + 1, 2));
}

VitalsStats VitalsIntegrityDetector::stats() const {
  VitalsStats out = stats_;
  out.streams = streams_.size();
  for (const Stream& s : streams_) {
    for (const Series& x : s.series) out.series += x.n > 0 ? 1 : 0;
  }
  out.beds = beds_.size();
  return out;
}

void VitalsIntegrityDetector::check(const Message& m) {
  ++stats_.messages;
  Stream& s = streamFor(m);
  const int64_t t = m.ts.ns;

  // Replay: the same control id again, with the same content, well after its first sighting (a
  // sender retransmitting after a lost ACK does so within seconds; TCP retransmissions never
  // reach here, reassembly keeps one copy).
  if (!m.control_id.empty()) {
    auto it = s.control_ids.find(m.control_id);
    if (it != s.control_ids.end()) {
      const auto [first, hash] = it->second;
      if (hash == m.content_hash && t - first > VitalsThresholds::kRetransmitS * kNs) {
        flagged(kReplay, m, "", first, t,
                where(m.bed, m.device) + ": message " + m.control_id + " first sent at " +
                    clock(first) + " sent again at " + clock(t) +
                    "; the displayed vitals may be a recording, check the patient and the "
                    "monitor");
      }
      return;  // a repeat says nothing new about the patient
    }
    if (s.control_order.size() >= VitalsCaps::kMaxControlIds) {
      s.control_ids.erase(s.control_order.front());
      s.control_order.pop_front();
    }
    s.control_ids.emplace(m.control_id, std::make_pair(t, m.content_hash));
    s.control_order.push_back(m.control_id);
  }

  // Observation time: the newest of the message against the newest seen and the packet time.
  std::optional<int64_t> obs;
  for (const Sample& x : m.samples) {
    if (x.time_ns && x.parameter->max_change_per_s > 0)
      obs = std::max(obs.value_or(*x.time_ns), *x.time_ns);
  }
  if (obs) {
    if (!s.clock_offset) s.clock_offset = *obs - t;
    if (s.newest_obs != 0 && *obs < s.newest_obs - VitalsThresholds::kBackwardsS * kNs) {
      const bool old = *obs < s.newest_obs - VitalsThresholds::kReplayAgeS * kNs;
      // The window: from the time the observations claim to the time they arrived.
      flagged(old ? kReplay : kTime, m, "", std::min(*obs, t), std::max(s.newest_obs, t),
              where(m.bed, m.device) + ": observations timed " + clock(*obs) + " arrived at " +
                  clock(t) + " after ones timed " + clock(s.newest_obs) +
                  (old ? "; old vitals sent again, the display may be a recording"
                       : "; the observation time went backwards") +
                  ", check the patient and the monitor");
      return;  // old content: not the patient now
    }
    const int64_t ahead = (*obs - t) - *s.clock_offset;
    if (ahead > VitalsThresholds::kFutureS * kNs) {
      flagged(kTime, m, "", t, *obs,
              where(m.bed, m.device) + ": observations at " + clock(t) + " are timed " +
                  clock(*obs) + ", " + std::to_string(ahead / kNs / 60) +
                  " min ahead of the monitor's own clock; check the monitor");
    }
    s.newest_obs = std::max(s.newest_obs, *obs);
  }

  touchBed(m);

  // Per parameter: range, jumps, trend.
  for (const Sample& x : m.samples) sample(s, m, x);

  // Frozen: every continuous parameter identical to the previous message.
  std::vector<std::pair<uint16_t, double>> values;
  for (const Sample& x : m.samples) {
    if (x.parameter->max_change_per_s > 0) values.emplace_back(x.parameter->index, x.value);
  }
  std::sort(values.begin(), values.end());
  if (values.size() >= VitalsThresholds::kFrozenMinParameters && values == s.frozen_values) {
    ++s.frozen_messages;
    if (s.frozen_messages == VitalsThresholds::kFrozenMinMessages ||
        (s.frozen_messages > VitalsThresholds::kFrozenMinMessages &&
         t - s.frozen_start >= VitalsThresholds::kFrozenMinS * kNs &&
         s.frozen_messages < (1U << 31))) {
      if (t - s.frozen_start >= VitalsThresholds::kFrozenMinS * kNs) {
        std::string names;
        for (const auto& [i, v] : values) {
          names += (names.empty() ? "" : ", ") + table_.parameters()[i].label + " " + number(v);
        }
        flagged(kFrozen, m, "", s.frozen_start, t,
                where(m.bed, m.device) + ": " + names + " unchanged in " +
                    std::to_string(s.frozen_messages + 1) + " messages from " +
                    clock(s.frozen_start) + " to " + clock(t) +
                    "; real vital signs always vary, check the patient and the monitor");
        s.frozen_messages = 1U << 31;  // once per frozen run
      }
    }
  } else {
    s.frozen_values = std::move(values);
    s.frozen_messages = 0;
    s.frozen_start = t;
  }

  // Disagreeing sensors: ECG heart rate against the oximeter's pulse rate in the same message.
  std::optional<double> ecg, pulse;
  for (const Sample& x : m.samples) {
    if (x.parameter->role == vitals::Role::EcgRate) ecg = x.value;
    if (x.parameter->role == vitals::Role::PulseRate) pulse = x.value;
  }
  if (ecg && pulse) {
    const double limit =
        std::max(VitalsThresholds::kDisagreeBpm, VitalsThresholds::kDisagreeFraction * *ecg);
    if (std::fabs(*ecg - *pulse) > limit) {
      if (!s.disagreeing) {
        s.disagreeing = true;
        s.disagree_start = t;
      } else if (s.disagree_start != 0 &&
                 t - s.disagree_start >= VitalsThresholds::kDisagreeS * kNs) {
        flagged(kDisagree, m, "heart_rate", s.disagree_start, t,
                where(m.bed, m.device) + ": ECG heart rate " + number(*ecg) +
                    " /min and pulse rate " + number(*pulse) + " /min apart since " +
                    clock(s.disagree_start) + " (" + clock(t) +
                    "); one of them is not this patient's, check the patient and the monitor");
        s.disagree_start = 0;  // once per run of disagreement
      }
    } else {
      s.disagreeing = false;
    }
  }
}

void VitalsIntegrityDetector::noteReceiver(const IpAddress& ip) {
  if (receivers_.size() < VitalsCaps::kMaxReceivers) receivers_.insert(ip);
}

void VitalsIntegrityDetector::touchBed(const Message& m) {
  // A central station or gateway that receives vital signs and passes them on sends for every
  // bed it serves: it is not a second device at the bed.
  if (m.bed.empty() || receivers_.count(m.device) != 0) return;
  const int64_t t = m.ts.ns;
  auto it = beds_.find(m.bed);
  if (it == beds_.end()) {
    if (beds_.size() >= VitalsCaps::kMaxBeds) {
      // The bed heard from longest ago goes.
      auto oldest = beds_.begin();
      int64_t oldest_t = INT64_MAX;
      for (auto b = beds_.begin(); b != beds_.end(); ++b) {
        int64_t last = 0;
        for (const auto& [d, seen] : b->second.devices) last = std::max(last, seen);
        if (last < oldest_t) {
          oldest_t = last;
          oldest = b;
        }
      }
      beds_.erase(oldest);
      ++stats_.beds_evicted;
    }
    it = beds_.emplace(m.bed, Bed{}).first;
  }
  Bed& bed = it->second;
  bed.devices[m.device] = t;
  // Forget devices that stopped sending for this bed (a monitor swapped out).
  for (auto d = bed.devices.begin(); d != bed.devices.end();) {
    if (t - d->second > VitalsThresholds::kConcurrentGapS * kNs ||
        bed.devices.size() > VitalsCaps::kMaxDevicesPerBed) {
      d = bed.devices.erase(d);
    } else {
      ++d;
    }
  }
  if (bed.devices.size() < 2) {
    bed.concurrent = false;
    return;
  }
  if (!bed.concurrent) {
    bed.concurrent = true;
    bed.concurrent_start = t;
    return;
  }
  if (bed.concurrent_start != 0 &&
      t - bed.concurrent_start >= VitalsThresholds::kConcurrentS * kNs) {
    std::string devices;
    for (const auto& [d, seen] : bed.devices)
      devices += (devices.empty() ? "" : " and ") + d.toString();
    flagged(kTwoDevices, m, "", bed.concurrent_start, t,
            "Bed " + m.bed + ": " + devices + " both send vital signs for it since " +
                clock(bed.concurrent_start) + " (" + clock(t) +
                "); one of them is not at this bed, check which monitor shows the patient");
    bed.concurrent_start = 0;
  }
}

void VitalsIntegrityDetector::decide(const DeviceIndex& devices, bool final,
                                     events::EventSink& out) {
  if (final) {
    for (Stream& s : streams_) {
      for (size_t i = 0; i < s.series.size(); ++i) {
        closeMinute(s, table_.parameters()[i], s.series[i]);
        s.series[i].count = 0;
      }
    }
  }
  for (Pending& p : pending_) {
    const Signature& sig = kSignatures[p.check];
    events::AlertRecord a;
    a.signature_id = sig.id;
    a.signature = sig.name;
    a.category = "vitals-integrity";
    a.severity = 2;
    a.attack = {"T0832 Manipulation of View", "T0856 Spoof Reporting Message"};
    const AddressInfo* info = devices.find(p.device);
    a.device_id = info != nullptr ? info->device_id : "ip:" + p.device.toString();
    a.device_ip = p.device;
    a.evidence.emplace_back("summary", std::move(p.text));
    a.evidence.emplace_back("check", std::string(sig.check));
    if (!p.bed.empty()) a.evidence.emplace_back("bed", p.bed);
    if (!p.parameter.empty()) a.evidence.emplace_back("parameter", p.parameter);
    a.evidence.emplace_back("window_start", formatIso8601(Timestamp{p.start}));
    a.evidence.emplace_back("window_end", formatIso8601(Timestamp{p.end}));
    a.first_seen = Timestamp{std::min(p.start, p.at.ns)};
    a.last_seen = p.at;
    out.emit(events::Event{p.at, p.flow, std::move(a)});
  }
  pending_.clear();
}

std::vector<vitals::TrendRow> VitalsIntegrityDetector::takeTrend() {
  return std::exchange(trend_, {});
}

std::vector<vitals::Flag> VitalsIntegrityDetector::takeFlags() {
  // A grown window is written again: the store keys a window by its start, so it is replaced.
  for (auto& [key, r] : raised_) {
    if (!r.grown || flags_.size() >= VitalsCaps::kMaxPendingAlerts) continue;
    flags_.push_back(r.flag);
    r.grown = false;
  }
  return std::exchange(flags_, {});
}

}  // namespace medtap::detect
