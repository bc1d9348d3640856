// `medtap simulate`: builds a ward from the profiles, runs it, and writes the capture and its
// ground-truth sidecar. Same options, same bytes (the run uses no wall clock and no
// platform-dependent arithmetic).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/timestamp.h"

namespace medtap::simulate {

struct SimulateOptions {
  int beds = 24;
  Duration duration = Duration::seconds(30 * 60);
  uint64_t seed = 1;
  std::vector<std::string> scenarios;
  uint64_t size_bytes = 0;   // > 0: keep simulating until the capture holds this many bytes
  std::string output;        // the pcap
  std::string truth_output;  // empty: derived from output (ward.pcap -> ward.truth.json)
  std::string profiles_dir;  // empty: the profiles compiled into the binary
};

// Limits on what a run may ask for: beyond them the ward stops looking like one ward, or the
// run stops being a test fixture.
constexpr int kMaxBeds = 256;
constexpr int64_t kMaxDurationSeconds = 7 * 24 * 3600;
constexpr uint64_t kMaxSizeBytes = uint64_t{1} << 40;

struct SimulateSummary {
  uint64_t frames = 0;
  uint64_t bytes = 0;  // file size
  Timestamp first;
  Timestamp last;  // time of the last event run
  uint64_t devices = 0;
  uint64_t hl7_messages = 0;
  uint64_t dicom_stores = 0;
  std::string truth_path;
  std::string stopped_by;  // "duration", "size" or "no-more-events"
};

// The scenario names `--scenario` accepts, in the order the sidecar lists them.
const std::vector<std::string_view>& scenarioNames();
std::string truthPathFor(const std::string& pcap_path);

Result<SimulateSummary> simulate(const SimulateOptions& options);

}  // namespace medtap::simulate
