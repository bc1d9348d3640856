// report.html and report.md: what a person reads after a run (issue #6 "Outputs"). Contec
// findings first (are we affected, which devices, where, what was seen, what to do), then the
// advisories that concern this site's devices with their remediations, then the devices by risk,
// the alerts by severity, a timeline of alerts over packet time, and a communication map of each
// flagged device. Both files hold the same content; the HTML is self-contained (inline CSS and SVG,
// no script, no external load) and opens offline. Deterministic: built from packet times and sorted
// values only, never the wall clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/result.h"
#include "events/event.h"
#include "report/limits.h"

namespace medtap::report {

// A pair of hosts that talked, summed over flows (the communication map).
struct Edge {
  uint64_t flows = 0, bytes = 0;
  Timestamp first, last;
  std::string_view app_proto;
};
// Originator, responder, responder port, IP protocol.
using EdgeKey = std::tuple<IpAddress, IpAddress, uint16_t, uint8_t>;

struct CollectedAlert {
  events::AlertRecord alert;
  std::optional<events::FlowRef> flow;  // the first flow it was seen in
  std::string destination;              // evidence.destination, "" without one
};

// Fed every event of the run (flows) and every alert.
class Collector final : public events::EventSink {
 public:
  explicit Collector(ReportLimits limits = {}) : limits_(limits) {}
  void emit(const events::Event& event) override;

  const std::map<EdgeKey, Edge>& edges() const { return edges_; }
  // Keyed by (signature, device, AlertRecord::distinctKey()); the latest report of each.
  const std::map<std::tuple<uint32_t, std::string, std::string>, CollectedAlert>& alerts() const {
    return alerts_;
  }
  uint64_t edgesDropped() const { return edges_dropped_; }
  uint64_t alertsDropped() const { return alerts_dropped_; }
  const ReportLimits& limits() const { return limits_; }
  Timestamp firstPacket() const { return first_; }
  Timestamp lastPacket() const { return last_; }

 private:
  ReportLimits limits_;
  std::map<EdgeKey, Edge> edges_;
  std::map<std::tuple<uint32_t, std::string, std::string>, CollectedAlert> alerts_;
  uint64_t edges_dropped_ = 0, alerts_dropped_ = 0;
  Timestamp first_{}, last_{};
};

// Risk of a device: 10 per distinct severity-1 alert, 4 per severity 2, 1 per severity 3, and 5
// when it is tagged cms8000-family (a model with a known backdoor, whatever it did today).
int riskScore(const events::DeviceRecord& device, const std::vector<const CollectedAlert*>& alerts);

struct Reports {
  std::string html, markdown;
};

// An advisory that devices of this site matched (vulnerable-device alerts, 9000701), as the
// report's "Advisories affecting this site" shows it: its remediations come from its CSAF
// document. The run fills it from the advisories the detector matched against; an advisory an
// alert names without one is shown from the alert's evidence.
struct AdvisorySummary {
  std::string id, title, url;
  std::vector<std::string> cves;
  double max_cvss = 0;
  std::vector<std::pair<std::string, std::string>> remediations;  // CSAF category, details
};

struct VitalsTrends;  // report/trend_chart.h

// `vitals`, when given, adds the "Vital-sign integrity" section (trend charts of flagged beds);
// `advisories` give the remediations of "Advisories affecting this site".
Reports buildReports(const Collector& collected, const std::vector<events::DeviceRecord>& devices,
                     const VitalsTrends* vitals = nullptr,
                     const std::vector<AdvisorySummary>& advisories = {});

// Writes report.html and report.md into `dir`. Error: one line naming the file.
Status writeReports(const std::string& dir, const Reports& reports);

// &, <, >, ", ' as entities.
std::string htmlEscape(std::string_view text);

}  // namespace medtap::report
