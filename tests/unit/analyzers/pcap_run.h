// Runs a capture through the real capture reader, decoder and flow table into the dispatcher
// with every analyzer registered, recording events and anomalies; and runs tshark on the same
// file for field-by-field comparisons (tshark 4.0 is installed in CI).
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "analyzers/dispatcher.h"
#include "analyzers/registry.h"
#include "capture/file_source.h"
#include "capture_replay.h"
#include "decode/decoder.h"
#include "flow/flow_table.h"
#include "test_support.h"

namespace medtap::analyzers::fixtures {

using PcapRun = CaptureRun;

inline void runPcap(const std::string& path, PcapRun& run) {
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  runCapture(path, phi, run);
}

// tshark -T fields rows (one per matching frame), tab-separated fields, multiple occurrences of a
// field joined by ','.
inline std::vector<std::vector<std::string>> tsharkRows(const std::string& path,
                                                        const std::string& filter,
                                                        const std::vector<std::string>& fields) {
  std::string cmd = "tshark -n -r '" + path + "' -Y '" + filter +
                    "' -T fields -E separator=/t -E aggregator=, -E occurrence=a";
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
      row.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
    line.clear();
  }
  return rows;
}

inline std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace medtap::analyzers::fixtures
