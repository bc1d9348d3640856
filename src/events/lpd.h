// event_type "lpd": one LPD (RFC 1179) command on TCP 515, with the print job it carried.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medtap::events {

// User and host names are kept (they name staff and machines, not patients); the job name and
// the file names can carry a patient's name in a hospital ("ward report Doe John.pdf"), so they
// arrive here as tokens only (DESIGN.md, "Patient data").
struct LpdJob {
  static constexpr std::string_view kEventType = "lpd";
  // RFC 1179 section 5: "print_waiting" (0x01), "receive_job" (0x02), "queue_state_short" (0x03),
  // "queue_state_long" (0x04), "remove_jobs" (0x05) (static).
  std::string_view command;
  std::string queue;
  std::string host;                // control file H
  std::string user;                // control file P
  std::string job_name;            // control file J, token
  std::vector<std::string> files;  // control file N (source file names), tokens
  uint32_t file_count = 0;         // data files received (subcommand 0x03)
  uint64_t bytes = 0;              // bytes of the data files as announced
  std::optional<uint8_t> ack;      // the printer's last answer (0 = accepted)
};

}  // namespace medtap::events
