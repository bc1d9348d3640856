// The LPD analyzer (RFC 1179, TCP 515): recognises a daemon command from the client and, for
// "receive a printer job", follows the subcommands: control file (parsed: H host, P user, J job
// name, N file names) and data files (counted, skipped without buffering). One `lpd` event per
// connection's command, emitted when both directions have ended (so that it carries the
// printer's answer). User and host are kept; job and file names are tokens (events/lpd.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "analyzers/analyzer.h"
#include "analyzers/registry.h"
#include "events/lpd.h"

namespace medtap::analyzers::lpd {

// Yes when the bytes start with a daemon command byte (0x01-0x05), a printable queue name and,
// within kMaxLineLength, LF with only printable bytes before it; Maybe for a prefix; No
// otherwise (and always No for the responder, which never speaks first).
ProbeResult probe(Bytes first_bytes, Direction dir);

class LpdAnalyzer final : public StreamAnalyzer {
 public:
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  enum class State : uint8_t {
    Command,      // collecting the command line
    Subcommand,   // receive-job: collecting a subcommand line
    ControlFile,  // receive-job: control file bytes (+ trailing 0)
    DataFile,     // receive-job: data file bytes (+ trailing 0), skipped
    Done,         // other commands, or gave up on the direction
  };

  size_t collectLine(AnalyzerContext& ctx, Bytes data, size_t pos, bool& complete);
  void onCommand(AnalyzerContext& ctx);
  void onSubcommand(AnalyzerContext& ctx);
  void onControlFile(AnalyzerContext& ctx);
  void emitOnce(AnalyzerContext& ctx, Timestamp ts);

  std::optional<Direction> client_;
  State state_ = State::Command;
  std::string line_;        // the open command line, at most kMaxLineLength
  std::string control_;     // the open control file, at most kMaxControlFile
  uint64_t remaining_ = 0;  // bytes left of the open file, its trailing 0 included
  bool until_end_ = false;  // data file of count 0: runs to the end of the connection
  events::LpdJob job_;
  bool have_command_ = false;
  bool emitted_ = false;
  std::array<bool, 2> ended_{false, false};
};

// Adds "lpd" (TCP; port hint 515).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::lpd
