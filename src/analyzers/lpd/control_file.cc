#include "analyzers/lpd/control_file.h"

#include <charconv>

#include "analyzers/lpd/limits.h"

namespace medtap::analyzers::lpd {

std::string_view commandName(uint8_t command) {
  switch (command) {
    case 0x01:
      return "print_waiting";
    case 0x02:
      return "receive_job";
    case 0x03:
      return "queue_state_short";
    case 0x04:
      return "queue_state_long";
    case 0x05:
      return "remove_jobs";
    default:
      return {};
  }
}

bool parseCommandLine(std::string_view line, CommandLine& out) {
  if (line.size() < 2) return false;
  out.command = static_cast<uint8_t>(line[0]);
  if (commandName(out.command).empty()) return false;
  const std::string_view rest = line.substr(1);
  out.queue = rest.substr(0, rest.find_first_of(" \t"));
  return !out.queue.empty();
}

bool parseFileSubcommand(std::string_view line, FileSubcommand& out) {
  if (line.size() < 2) return false;
  out.subcommand = static_cast<uint8_t>(line[0]);
  if (out.subcommand != kSubControlFile && out.subcommand != kSubDataFile) return false;
  const std::string_view rest = line.substr(1);
  const size_t sp = rest.find(' ');
  if (sp == std::string_view::npos || sp == 0) return false;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + sp, out.count);
  if (ec != std::errc() || end != rest.data() + sp) return false;
  out.name = rest.substr(sp + 1);
  return true;
}

}  // namespace medtap::analyzers::lpd
