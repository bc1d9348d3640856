// Pure parse helpers for LPD (RFC 1179): command lines and control files.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"

namespace medtap::analyzers::lpd {

// "print_waiting", "receive_job", "queue_state_short", "queue_state_long", "remove_jobs", or ""
// for a byte that is not a daemon command.
std::string_view commandName(uint8_t command);

// A command line without its LF: the command byte, then the queue name up to SP or the end.
struct CommandLine {
  uint8_t command = 0;
  std::string_view queue;
};
bool parseCommandLine(std::string_view line, CommandLine& out);

// A receive-job subcommand line without its LF: 0x02/0x03 "count SP name" (section 6.2, 6.3).
struct FileSubcommand {
  uint8_t subcommand = 0;
  uint64_t count = 0;
  std::string_view name;
};
bool parseFileSubcommand(std::string_view line, FileSubcommand& out);

// Calls `on_line(code, value)` for each control file line (section 7): code = first character.
template <typename F>
void forEachControlLine(std::string_view file, F&& on_line) {
  while (!file.empty()) {
    const size_t lf = file.find('\n');
    std::string_view line = file.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() != '\0') on_line(line.front(), line.substr(1));
    if (lf == std::string_view::npos) break;
    file.remove_prefix(lf + 1);
  }
}

}  // namespace medtap::analyzers::lpd
