// Constants and limits of the LPD analyzer (RFC 1179), each with its reason (STYLE.md 10).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::lpd {

// RFC 1179 section 5: daemon commands 0x01 (print waiting jobs) ... 0x05 (remove jobs); section 6:
// receive-job subcommands 0x01 (abort), 0x02 (receive control file), 0x03 (receive data file).
constexpr uint8_t kFirstCommand = 0x01;
constexpr uint8_t kReceiveJob = 0x02;
constexpr uint8_t kLastCommand = 0x05;
constexpr uint8_t kSubAbort = 0x01;
constexpr uint8_t kSubControlFile = 0x02;
constexpr uint8_t kSubDataFile = 0x03;

// A command or subcommand line. RFC 1179 sets no maximum; a queue name plus a user list or a
// "count SP name" is well under 256 bytes in practice (BSD lpd reads lines into a BUFSIZ buffer),
// so 1024 bounds the line buffer. Beyond it: lpd_malformed_command, the analyzer gives up.
constexpr size_t kMaxLineLength = 1024;

// Control file bytes kept for parsing (section 7: one line per attribute: H, P, J, N, ...). Real
// control files are a few hundred bytes; 64 KiB bounds the buffer. Beyond it:
// lpd_oversized_control_file, the rest is skipped.
constexpr size_t kMaxControlFile = size_t{64} << 10;

// File names (N lines) kept per job event.
constexpr size_t kMaxFileNames = 16;

}  // namespace medtap::analyzers::lpd
