#include "report/trend_chart.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "vitals/store.h"

namespace medtap::report {

namespace {

// Vital-sign integrity signatures (docs/DETECTIONS.md): 9000601-9000607.
bool isVitalsSignature(uint32_t sid) {
  return sid / 100 == 90006;
}

// Points drawn per device and parameter: longer runs are folded into wider buckets.
constexpr int64_t kMaxPoints = 360;

constexpr int kWidth = 760, kLeft = 64, kRight = 12, kTop = 44, kPanel = 78, kGap = 22;
constexpr std::string_view kDeviceColour[] = {"#2c7fb8", "#7a0177", "#238b45"};

std::string_view checkColour(std::string_view check) {
  if (check == "impossible_value") return "#e31a1c";
  if (check == "impossible_change") return "#ff7f00";
  if (check == "frozen_stream") return "#6a3d9a";
  if (check == "replay") return "#b15928";
  if (check == "disagreeing_sensors") return "#1f78b4";
  if (check == "time_inconsistent") return "#33a02c";
  return "#fb9a99";  // two_devices and any later check
}

// The order a clinician reads a monitor in; anything else after, by name.
int parameterRank(std::string_view p) {
  constexpr std::string_view kOrder[] = {"heart_rate",     "pulse_rate",  "spo2",
                                         "resp_rate",      "temperature", "nibp_systolic",
                                         "nibp_diastolic", "nibp_mean",   "etco2"};
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (kOrder[i] == p) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kOrder));
}

std::string iso(int64_t s) {
  return formatIso8601(Timestamp::fromSeconds(s)).substr(0, 19) + "Z";
}

std::string hms(int64_t s) {
  return iso(s).substr(11, 8);
}

std::string number(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

struct Stats {
  double min = 0, max = 0, sum = 0;
  uint64_t samples = 0;
  void add(const vitals::TrendRow& r) {
    if (samples == 0) {
      min = r.min;
      max = r.max;
    }
    min = std::min(min, r.min);
    max = std::max(max, r.max);
    sum += r.mean * r.samples;
    samples += r.samples;
  }
};

// One drawn point: a bucket of minutes of one device and parameter.
struct Point {
  int64_t start = 0;  // Unix seconds
  Stats stats;
};

// Devices in the order drawn: flagged ones first, then by rows; at most kMaxDevices.
std::vector<std::string> devicesOf(const BedTrend& b) {
  std::map<std::string, size_t> rows;
  for (const auto& r : b.trend) rows[r.device]++;
  std::set<std::string> flagged;
  for (const auto& f : b.flags) flagged.insert(f.device);
  std::vector<std::string> out;
  for (const auto& [d, n] : rows) out.push_back(d);
  std::stable_sort(out.begin(), out.end(), [&](const std::string& x, const std::string& y) {
    const bool fx = flagged.count(x) != 0, fy = flagged.count(y) != 0;
    if (fx != fy) return fx;
    return rows[x] > rows[y];
  });
  if (out.size() > TrendLimits::kMaxDevices) out.resize(TrendLimits::kMaxDevices);
  return out;
}

std::vector<std::pair<std::string, std::string>> parametersOf(const BedTrend& b) {
  std::map<std::string, std::string> units;
  for (const auto& r : b.trend) units.emplace(r.parameter, r.unit);
  std::vector<std::pair<std::string, std::string>> out(units.begin(), units.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return parameterRank(x.first) < parameterRank(y.first);
  });
  if (out.size() > TrendLimits::kMaxParameters) out.resize(TrendLimits::kMaxParameters);
  return out;
}

// bed, parameter, window, check, min, mean, max: one row per flagged window and parameter, the
// statistics over the minutes the window touches on the flagged device.
void tableRows(const BedTrend& b, const std::vector<std::pair<std::string, std::string>>& params,
               TrendFigure& fig) {
  for (const auto& f : b.flags) {
    std::vector<std::string> names;
    if (!f.parameter.empty()) {
      names.push_back(f.parameter);
    } else {
      for (const auto& [p, unit] : params) names.push_back(p);
    }
    for (const auto& p : names) {
      if (fig.rows.size() >= TrendLimits::kMaxTableRowsPerBed) return;
      Stats s;
      std::string unit;
      for (const auto& r : b.trend) {
        if (r.device != f.device || r.parameter != p || r.minute > f.end ||
            r.minute + 60 <= f.start)
          continue;
        s.add(r);
        unit = r.unit;
      }
      const std::string window = iso(f.start) + " - " + hms(f.end);
      const std::string check = f.check + " (" + std::to_string(f.signature_id) + ")";
      if (s.samples == 0) {
        // A window with no trend minute of its parameter (a value never shown): still listed.
        if (!f.parameter.empty()) fig.rows.push_back({b.bed, p, window, check, "-", "-", "-"});
        continue;
      }
      fig.rows.push_back({b.bed, p + (unit.empty() ? "" : " (" + unit + ")"), window, check,
                          number(s.min), number(s.sum / static_cast<double>(s.samples)),
                          number(s.max)});
    }
  }
}

std::string chart(const BedTrend& b, const std::vector<std::string>& devices,
                  const std::vector<std::pair<std::string, std::string>>& params) {
  int64_t t0 = INT64_MAX, t1 = INT64_MIN;
  for (const auto& r : b.trend) {
    t0 = std::min(t0, r.minute);
    t1 = std::max(t1, r.minute + 60);
  }
  for (const auto& f : b.flags) {
    t0 = std::min(t0, f.start);
    t1 = std::max(t1, f.end);
  }
  if (t0 == INT64_MAX) return {};
  if (t1 <= t0) t1 = t0 + 60;
  const int64_t minutes = (t1 - t0 + 59) / 60;
  const int64_t bucket = std::max<int64_t>(1, (minutes + kMaxPoints - 1) / kMaxPoints) * 60;
  const double plot_w = kWidth - kLeft - kRight;
  const auto x = [&](int64_t s) {
    return kLeft + plot_w * static_cast<double>(s - t0) / static_cast<double>(t1 - t0);
  };
  const int height = kTop + static_cast<int>(params.size()) * (kPanel + kGap) + 18;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"vitals-trend\" data-bed=\"{}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">"
      "<rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
      htmlEscape(b.bed), kWidth, height, htmlEscape("vital-sign trend of bed " + b.bed), kWidth,
      height);
  // Legend: one colour per device.
  for (size_t d = 0; d < devices.size(); ++d) {
    const int lx = kLeft + static_cast<int>(d) * 170;
    svg += fmt::format(
        "<rect x=\"{}\" y=\"6\" width=\"12\" height=\"8\" fill=\"{}\"/>"
        "<text x=\"{}\" y=\"14\" font-size=\"11\">{}</text>",
        lx, kDeviceColour[d], lx + 16, htmlEscape(devices[d]));
  }
  // Panel geometry.
  const auto panelTop = [&](size_t i) { return kTop + static_cast<int>(i) * (kPanel + kGap); };
  std::map<std::string, size_t> panel_of;
  for (size_t i = 0; i < params.size(); ++i) panel_of[params[i].first] = i;
  // Flagged windows first, under the lines: the panel of their parameter, or every panel.
  size_t shaded = 0;
  for (const auto& f : b.flags) {
    if (shaded++ >= TrendLimits::kMaxFlagsPerBed) break;
    auto it = panel_of.find(f.parameter);
    const int y0 = it != panel_of.end() ? panelTop(it->second) - 2 : kTop - 2;
    const int y1 = it != panel_of.end() ? panelTop(it->second) + kPanel + 2
                                        : panelTop(params.size() - 1) + kPanel + 2;
    const double x0 = x(f.start), w = std::max(x(f.end) - x0, 3.0);
    svg += fmt::format(
        "<rect class=\"vitals-flag\" data-check=\"{}\" data-sid=\"{}\" data-device=\"{}\" "
        "data-parameter=\"{}\" data-start=\"{}\" data-end=\"{}\" x=\"{:.1f}\" y=\"{}\" "
        "width=\"{:.1f}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.22\"><title>{}</title></rect>",
        htmlEscape(f.check), f.signature_id, htmlEscape(f.device), htmlEscape(f.parameter), f.start,
        f.end, x0, y0, w, y1 - y0, checkColour(f.check),
        htmlEscape(f.check + " " + iso(f.start) + " - " + hms(f.end) + " (" + f.device + ")"));
    // Labels staggered on three lines above the panels so that close windows stay readable.
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" fill=\"{}\">{}</text>", x0,
                       24 + static_cast<int>((shaded - 1) % 2) * 10, checkColour(f.check),
                       htmlEscape(f.check));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& [param, unit] = params[i];
    // Points per device, bucketed.
    std::vector<std::vector<Point>> series(devices.size());
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& r : b.trend) {
      if (r.parameter != param) continue;
      const auto d = std::find(devices.begin(), devices.end(), r.device);
      if (d == devices.end()) continue;
      auto& pts = series[static_cast<size_t>(d - devices.begin())];
      const int64_t start = t0 + (r.minute - t0) / bucket * bucket;
      if (pts.empty() || pts.back().start != start) pts.push_back({start, {}});
      pts.back().stats.add(r);
      lo = std::min(lo, r.min);
      hi = std::max(hi, r.max);
    }
    const int top = panelTop(i);
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{:.0f}\" height=\"{}\" fill=\"none\" stroke=\"#ccc\"/>"
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\">{}</text>",
        kLeft, top, plot_w, kPanel, kLeft, top - 4,
        htmlEscape(param + (unit.empty() ? "" : " (" + unit + ")")));
    if (!(lo <= hi)) continue;
    if (hi - lo < 1e-6) {
      lo -= 1;
      hi += 1;
    }
    const double pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    const auto y = [&](double v) { return top + kPanel * (hi - v) / (hi - lo); };
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{}</text>"
        "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
        kLeft - 4, top + 10, number(hi - pad), kLeft - 4, top + kPanel, number(lo + pad));
    for (size_t d = 0; d < series.size(); ++d) {
      const auto& pts = series[d];
      // Contiguous runs: a gap longer than one and a half buckets breaks the line.
      size_t from = 0;
      while (from < pts.size()) {
        size_t to = from + 1;
        while (to < pts.size() && pts[to].start - pts[to - 1].start <= bucket * 3 / 2) ++to;
        std::string band, line;
        for (size_t k = from; k < to; ++k) {
          const double px = x(pts[k].start + bucket / 2);
          band += fmt::format("{:.1f},{:.1f} ", px, y(pts[k].stats.max));
          line += fmt::format("{:.1f},{:.1f} ", px,
                              y(pts[k].stats.sum / static_cast<double>(pts[k].stats.samples)));
        }
        for (size_t k = to; k-- > from;) {
          band += fmt::format("{:.1f},{:.1f} ", x(pts[k].start + bucket / 2), y(pts[k].stats.min));
        }
        if (to - from == 1) {
          // A lone reading (a blood pressure taken every 15 minutes): a line of one point
          // draws nothing, so mark it, with a bar from minimum to maximum.
          const Point& pt = pts[from];
          const double px = x(pt.start + bucket / 2);
          svg += fmt::format(
              "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
              "stroke-opacity=\"0.4\" stroke-width=\"3\"/>"
              "<circle class=\"vitals-mean\" cx=\"{0:.1f}\" cy=\"{4:.1f}\" r=\"2.5\" "
              "fill=\"{3}\"/>",
              px, y(pt.stats.max), y(pt.stats.min), kDeviceColour[d],
              y(pt.stats.sum / static_cast<double>(pt.stats.samples)));
          from = to;
          continue;
        }
        svg += fmt::format(
            "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>"
            "<polyline class=\"vitals-mean\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
            "stroke-width=\"1.5\"/>",
            band, kDeviceColour[d], line, kDeviceColour[d]);
        from = to;
      }
    }
  }
  const int axis = height - 6;
  svg += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>"
      "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{}</text>"
      "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">per {} min: min-max band "
      "and mean line; shaded: flagged windows</text></svg>",
      kLeft, axis, iso(t0), kWidth - kRight, axis, iso(t1), kLeft + plot_w / 2, axis, bucket / 60);
  return svg;
}

}  // namespace

std::vector<std::string> trendTableHeader() {
  return {"bed", "parameter", "window", "check", "min", "mean", "max"};
}

Result<VitalsTrends> loadVitalsTrends(const std::string& db_path, const Collector& collected) {
  std::map<std::string, size_t> alerts;  // bed -> vital-sign alerts
  for (const auto& [key, a] : collected.alerts()) {
    if (!isVitalsSignature(a.alert.signature_id)) continue;
    for (const auto& [k, v] : a.alert.evidence) {
      if (k == "bed" && !v.empty()) alerts[v]++;
    }
  }
  VitalsTrends out;
  if (alerts.empty()) return out;
  std::vector<std::pair<std::string, size_t>> beds(alerts.begin(), alerts.end());
  std::stable_sort(beds.begin(), beds.end(),
                   [](const auto& x, const auto& y) { return x.second > y.second; });
  if (beds.size() > TrendLimits::kMaxBeds) {
    out.beds_left_out = beds.size() - TrendLimits::kMaxBeds;
    beds.resize(TrendLimits::kMaxBeds);
  }
  auto store = vitals::TrendStore::openReadOnly(db_path);
  if (!store) return Error{store.error()};
  // The run's packet time, from the start of its first minute.
  std::optional<int64_t> from, to;
  if (collected.firstPacket().ns != 0) {
    from = collected.firstPacket().seconds() / 60 * 60;
    to = collected.lastPacket().seconds();
  }
  for (const auto& [bed, n] : beds) {
    BedTrend b;
    b.bed = bed;
    b.alerts = n;
    auto rows = (*store)->trend(bed, from, to);
    if (!rows) return Error{rows.error()};
    b.trend = std::move(*rows);
    if (b.trend.size() > TrendLimits::kMaxRowsPerBed) {
      // The latest minutes: the alerts of a long run are usually recent.
      b.trend.erase(b.trend.begin(),
                    b.trend.end() - static_cast<std::ptrdiff_t>(TrendLimits::kMaxRowsPerBed));
      b.trend_cut = true;
    }
    auto flags = (*store)->flags(bed, from, to);
    if (!flags) return Error{flags.error()};
    b.flags = std::move(*flags);
    out.beds.push_back(std::move(b));
  }
  return out;
}

std::vector<TrendFigure> trendFigures(const VitalsTrends& trends) {
  std::vector<TrendFigure> out;
  for (const BedTrend& b : trends.beds) {
    const auto devices = devicesOf(b);
    const auto params = parametersOf(b);
    TrendFigure fig;
    fig.bed = b.bed;
    std::string names;
    for (const auto& d : devices) names += (names.empty() ? "" : ", ") + d;
    fig.title = "Bed " + b.bed + (names.empty() ? "" : ": " + names);
    if (!params.empty()) fig.svg = chart(b, devices, params);
    tableRows(b, params, fig);
    out.push_back(std::move(fig));
  }
  return out;
}

}  // namespace medtap::report
