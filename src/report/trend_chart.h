// The report's "Vital-sign integrity" section (issue #7: "in the report, a trend line per
// parameter with the flagged windows shaded"): for each bed with a 9000601-9000607 alert, its
// per-minute trend from medtap.db (min-max band and mean line per parameter, one colour per
// device) with the windows the checks flagged shaded and labelled, as inline SVG, and the same
// as a table (bed, parameter, window, check, min/mean/max) for report.md. Bed labels, device
// addresses, parameter names and numbers only: the trend holds no patient data.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"
#include "report/report.h"
#include "vitals/trend.h"

namespace medtap::report {

// Bounds: a report stays readable and small however many beds a run flagged.
struct TrendLimits {
  static constexpr size_t kMaxBeds = 16;             // beds drawn (those with the most alerts)
  static constexpr size_t kMaxParameters = 8;        // panels per bed
  static constexpr size_t kMaxDevices = 3;           // devices drawn per panel
  static constexpr size_t kMaxRowsPerBed = 20'000;   // trend rows kept per bed (the latest)
  static constexpr size_t kMaxFlagsPerBed = 40;      // windows shaded per bed
  static constexpr size_t kMaxTableRowsPerBed = 60;  // table rows per bed
};

struct BedTrend {
  std::string bed;
  size_t alerts = 0;                    // vital-sign alerts about the bed in this run
  std::vector<vitals::TrendRow> trend;  // by minute
  std::vector<vitals::Flag> flags;
  bool trend_cut = false;  // more rows than kMaxRowsPerBed: the earliest were left out
};

struct VitalsTrends {
  std::vector<BedTrend> beds;
  size_t beds_left_out = 0;  // beyond kMaxBeds
};

// The beds with a vital-sign alert in `collected`, with their trend and flagged windows over the
// run's packet time from the store at `db_path` (written by the run before the report). A
// database without the tables gives beds without a trend. Error: one line naming the file.
Result<VitalsTrends> loadVitalsTrends(const std::string& db_path, const Collector& collected);

struct TrendFigure {
  std::string bed;
  std::string title;                           // "Bed ICU/07: 10.1.2.12"
  std::string svg;                             // ready to inline (text escaped)
  std::vector<std::vector<std::string>> rows;  // kTrendTableHeader
};

// bed, parameter, window, check, min, mean, max
std::vector<std::string> trendTableHeader();

std::vector<TrendFigure> trendFigures(const VitalsTrends& trends);

}  // namespace medtap::report
