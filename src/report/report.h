// report.html and report.md: what a person reads after a run (issue #6 "Outputs"). Contec
// findings first (are we affected, which devices, where, what was seen, what to do), then the
// devices by risk, the alerts by severity, a timeline of alerts over packet time, and a
// communication map of each flagged device. Both files hold the same content; the HTML is
// self-contained (inline CSS and SVG, no script, no external load) and opens offline.
// Deterministic: built from packet times and sorted values only, never the wall clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/result.h"
#include "events/event.h"

namespace medtap::report {

// Bounds of what the collector keeps (a week-long capture must not grow it without end).
struct ReportLimits {
  size_t max_edges = 200'000;   // (originator, responder, port, proto) pairs from flow events
  size_t max_alerts = 20'000;   // distinct (signature, device, destination) alerts
  size_t max_map_peers = 24;    // peers drawn around a device (the busiest by bytes)
  size_t max_alert_rows = 500;  // alert rows listed per severity
  size_t max_risk_rows = 200;   // devices listed by risk
  size_t timeline_bins = 48;
};

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
  // Keyed by (signature, device, destination); the latest report of each.
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

struct VitalsTrends;  // report/trend_chart.h

// `vitals`, when given, adds the "Vital-sign integrity" section (trend charts of flagged beds).
Reports buildReports(const Collector& collected, const std::vector<events::DeviceRecord>& devices,
                     const VitalsTrends* vitals = nullptr);

// Writes report.html and report.md into `dir`. Error: one line naming the file.
Status writeReports(const std::string& dir, const Reports& reports);

// &, <, >, ", ' as entities.
std::string htmlEscape(std::string_view text);

}  // namespace medtap::report
