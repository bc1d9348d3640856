// An LPD print job (RFC 1179): "receive a printer job" (0x02), the control file and the data
// file subcommands, each acknowledged by the printer with a zero byte. Returned as the client's
// and the printer's messages in order, for a TCP session to carry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medtap::simulate::lpd {

constexpr uint16_t kPort = 515;
// RFC 1179 3.1: the source port must be in 721-731.
constexpr uint16_t kFirstSourcePort = 721;
constexpr uint16_t kLastSourcePort = 731;

struct Step {
  enum class From : uint8_t { Client, Printer };
  From from;
  std::string bytes;
};

// A job of `document` printed by `user` on `host` as job number `job` (0-999).
std::vector<Step> printJob(std::string_view queue, std::string_view host, std::string_view user,
                           int job, std::string_view job_name, const std::string& document);

// A PostScript document of roughly `pages` pages with a title and bed-numbered rows (no names).
std::string wardReport(std::string_view title, int pages, int first_bed, int beds);

}  // namespace medtap::simulate::lpd
