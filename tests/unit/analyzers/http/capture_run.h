// Runs a capture through the real capture reader, decoder and flow table into the dispatcher
// with every analyzer registered, and runs tshark on it for the expected values.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "../capture_replay.h"
#include "../test_support.h"
#include "analyzers/dispatcher.h"
#include "analyzers/registry.h"
#include "capture/file_source.h"
#include "decode/decoder.h"
#include "flow/flow_table.h"

namespace medtap::analyzers::fixtures {

// The separator of a field's occurrences in tsharkRows (tshark -E aggregator).
constexpr char kAggregator = '\x1e';

// tshark's rows (tab-separated fields) for `filter` on `path`; a field that occurs several times
// in a frame (pipelined messages) holds its values separated by kAggregator.
inline std::vector<std::vector<std::string>> tsharkRows(const std::string& path,
                                                        const std::string& filter,
                                                        const std::vector<std::string>& fields) {
  std::string cmd = "tshark -r '" + path + "' -Y '" + filter +
                    "' -T fields -E occurrence=a -E aggregator=" + std::string(1, kAggregator);
  for (const auto& f : fields) cmd += " -e " + f;
  cmd += " 2>/dev/null";
  std::vector<std::vector<std::string>> rows;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return rows;
  std::string line;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe.get())) {
    line += buf.data();
    if (line.empty() || line.back() != '\n') continue;
    line.pop_back();
    std::vector<std::string> row;
    size_t pos = 0;
    while (true) {
      const size_t tab = line.find('\t', pos);
      row.push_back(line.substr(pos, tab == std::string::npos ? tab : tab - pos));
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    rows.push_back(row);
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
      std::vector<std::string> parts;
      size_t pos = 0;
      while (true) {
        const size_t sep = field.find(kAggregator, pos);
        parts.push_back(field.substr(pos, sep == std::string::npos ? sep : sep - pos));
        if (sep == std::string::npos) break;
        pos = sep + 1;
      }
      n = std::max(n, parts.size());
      values.push_back(parts);
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
