// tshark as the reference for the analyzers' capture tests: `tshark -T fields` rows for a display
// filter, one per matching frame (tshark 4.0 is installed in CI; with no tshark, no rows). The
// one helper the DHCP, DNS, DICOM, HTTP and TLS capture tests share.
#pragma once

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace medtap::analyzers::fixtures {

// Separates the occurrences of a field that a frame holds several times (tshark -E aggregator).
// Not ',': DNS names, DHCP vendor classes and DICOM syntax names may contain commas.
constexpr char kAggregator = '\x1e';

// A field's occurrences ("" gives none).
inline std::vector<std::string> splitList(const std::string& field) {
  std::vector<std::string> out;
  if (field.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t sep = field.find(kAggregator, start);
    out.push_back(field.substr(start, sep == std::string::npos ? sep : sep - start));
    if (sep == std::string::npos) break;
    start = sep + 1;
  }
  return out;
}

// tshark's rows for `filter` on `path`: the fields in order (tab-separated on tshark's side), a
// repeated field's values separated by kAggregator. `options` go before the filter, e.g.
// {"-d", "tcp.port==104,dicom"}. Names are not resolved (-n).
inline std::vector<std::vector<std::string>> tsharkRows(
    const std::string& path, const std::string& filter, const std::vector<std::string>& fields,
    const std::vector<std::string>& options = {}) {
  std::string cmd = "tshark -n -r '" + path + "'";
  for (const std::string& o : options) cmd += " '" + o + "'";
  cmd += " -Y '" + filter +
         "' -T fields -E separator=/t -E occurrence=a -E aggregator=" + std::string(1, kAggregator);
  for (const std::string& f : fields) cmd += " -e " + f;
  cmd += " 2>/dev/null";
  std::vector<std::vector<std::string>> rows;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return rows;
  std::string line;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) {
    line += buf.data();
    if (line.empty() || line.back() != '\n') continue;
    line.pop_back();
    std::vector<std::string> row;
    size_t start = 0;
    for (;;) {
      const size_t tab = line.find('\t', start);
      row.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
    line.clear();
  }
  return rows;
}

// One row per occurrence: row i holds the i-th value of each field ("" when a field has fewer).
inline std::vector<std::vector<std::string>> splitOccurrences(
    const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<std::string>> out;
  for (const auto& row : rows) {
    std::vector<std::vector<std::string>> values;
    size_t n = 0;
    for (const auto& field : row) {
      values.push_back(field.empty() ? std::vector<std::string>{""} : splitList(field));
      n = std::max(n, values.back().size());
    }
    for (size_t i = 0; i < n; ++i) {
      std::vector<std::string> r;
      for (const auto& v : values) r.push_back(i < v.size() ? v[i] : "");
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace medtap::analyzers::fixtures
