// Bounds of what the report keeps and draws (the `report.*` keys, docs/CONFIG.md). Header-only,
// so that the configuration embeds it without linking the report.
#pragma once

#include <cstddef>

namespace medtap::report {

// A week-long capture must not grow the collector without end, and a report must stay readable.
struct ReportLimits {
  size_t max_edges = 200'000;   // (originator, responder, port, proto) pairs from flow events
  size_t max_alerts = 20'000;   // distinct (signature, device, destination) alerts
  size_t max_map_peers = 24;    // peers drawn around a device (the busiest by bytes)
  size_t max_alert_rows = 500;  // alert rows listed per severity
  size_t max_risk_rows = 200;   // devices listed by risk
  size_t timeline_bins = 48;    // columns of the timeline
};

}  // namespace medtap::report
