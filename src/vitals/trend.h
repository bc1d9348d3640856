// Per-bed trends and flagged windows (issue #7): what the vital-sign integrity checks keep for
// `medtap vitals export` and for the report to shade. Bed labels, device addresses, parameter
// names and numbers only: no patient data.
#pragma once

#include <cstdint>
#include <string>

namespace medtap::vitals {

// One minute of one parameter from one device at one bed.
struct TrendRow {
  std::string bed, device, parameter, unit;
  int64_t minute = 0;  // Unix seconds at the start of the minute (packet time)
  double min = 0, mean = 0, max = 0;
  uint32_t samples = 0;
};

// A window a check flagged.
struct Flag {
  std::string bed, device, parameter;
  uint32_t signature_id = 0;
  std::string check;           // "impossible_value", ...
  int64_t start = 0, end = 0;  // Unix seconds
};

}  // namespace medtap::vitals
