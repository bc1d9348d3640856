#include "analyzers/lpd/lpd_analyzer.h"

#include <algorithm>
#include <utility>

#include "analyzers/lpd/control_file.h"
#include "analyzers/lpd/limits.h"

namespace medtap::analyzers::lpd {

namespace {

constexpr uint16_t kPortHints[] = {515};

bool isPrintable(uint8_t c) {
  return (c >= 0x20 && c < 0x7F) || c == '\t';
}

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<LpdAnalyzer>();
}

}  // namespace

ProbeResult probe(Bytes b, Direction dir) {
  if (dir != Direction::Originator) return ProbeResult::No;
  if (b.empty()) return ProbeResult::Maybe;
  if (b[0] < kFirstCommand || b[0] > kLastCommand) return ProbeResult::No;
  if (b.size() < 2) return ProbeResult::Maybe;
  if (!isPrintable(b[1]) || b[1] == ' ' || b[1] == '\t') return ProbeResult::No;
  const size_t limit = std::min(b.size(), kMaxLineLength);
  for (size_t i = 2; i < limit; ++i) {
    if (b[i] == '\n') return ProbeResult::Yes;
    if (!isPrintable(b[i])) return ProbeResult::No;
  }
  return b.size() >= kMaxLineLength ? ProbeResult::No : ProbeResult::Maybe;
}

// Appends bytes up to LF to line_; `complete` when the LF was found (not kept).
size_t LpdAnalyzer::collectLine(AnalyzerContext& ctx, Bytes data, size_t pos, bool& complete) {
  const auto begin = data.begin() + static_cast<std::ptrdiff_t>(pos);
  const auto lf = std::find(begin, data.end(), static_cast<uint8_t>('\n'));
  line_.append(begin, lf);
  complete = lf != data.end();
  if (line_.size() > kMaxLineLength) {
    ctx.anomalies.add(Anomaly::LpdMalformedCommand);
    state_ = State::Done;
    line_.clear();
    return data.size();
  }
  return complete ? static_cast<size_t>(lf - data.begin()) + 1 : data.size();
}

FeedResult LpdAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  if (!client_) client_ = dir;
  if (dir != *client_) {
    // The printer's answers: one 0 byte per accepted (sub)command, non-zero for a refusal.
    if (job_.command == "receive_job" && !data.empty()) job_.ack = data.back();
    return FeedResult::Consumed;
  }
  size_t pos = 0;
  while (pos < data.size() && state_ != State::Done) {
    switch (state_) {
      case State::Command:
      case State::Subcommand: {
        bool complete = false;
        pos = collectLine(ctx, data, pos, complete);
        if (!complete) break;
        if (state_ == State::Command) {
          onCommand(ctx);
        } else if (state_ == State::Subcommand) {
          onSubcommand(ctx);
        }
        line_.clear();
        break;
      }
      case State::ControlFile: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - pos));
        const size_t keep =
            std::min(take, kMaxControlFile - std::min(kMaxControlFile, control_.size()));
        control_.append(reinterpret_cast<const char*>(data.data()) + pos, keep);
        if (keep < take && control_.size() >= kMaxControlFile) {
          ctx.anomalies.add(Anomaly::LpdOversizedControlFile);
        }
        remaining_ -= take;
        pos += take;
        if (remaining_ == 0) onControlFile(ctx);
        break;
      }
      case State::DataFile: {
        if (until_end_) {
          job_.bytes += data.size() - pos;
          pos = data.size();
          break;
        }
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - pos));
        remaining_ -= take;
        pos += take;
        if (remaining_ == 0) state_ = State::Subcommand;
        break;
      }
      case State::Done:
        break;
    }
  }
  if (state_ == State::Done && have_command_ && job_.command != "receive_job") emitOnce(ctx, ts);
  return FeedResult::Consumed;
}

void LpdAnalyzer::onCommand(AnalyzerContext& ctx) {
  CommandLine cmd;
  if (!parseCommandLine(line_, cmd)) {
    ctx.anomalies.add(Anomaly::LpdMalformedCommand);
    state_ = State::Done;
    return;
  }
  have_command_ = true;
  job_.command = commandName(cmd.command);
  job_.queue.assign(cmd.queue);
  state_ = cmd.command == kReceiveJob ? State::Subcommand : State::Done;
}

void LpdAnalyzer::onSubcommand(AnalyzerContext& ctx) {
  if (!line_.empty() && static_cast<uint8_t>(line_[0]) == kSubAbort) return;  // job abandoned
  FileSubcommand sub;
  if (!parseFileSubcommand(line_, sub)) {
    ctx.anomalies.add(Anomaly::LpdMalformedCommand);
    state_ = State::Done;
    return;
  }
  if (sub.subcommand == kSubControlFile) {
    control_.clear();
    remaining_ = sub.count + 1;  // the file, then one 0 byte (section 6.2)
    state_ = State::ControlFile;
    return;
  }
  ++job_.file_count;
  if (sub.count == 0) {
    until_end_ = true;  // LPRng extension: length unknown, data runs to the end
  } else {
    job_.bytes += sub.count;
    remaining_ = sub.count + 1;
  }
  state_ = State::DataFile;
}

void LpdAnalyzer::onControlFile(AnalyzerContext& ctx) {
  forEachControlLine(control_, [&](char code, std::string_view value) {
    switch (code) {
      case 'H':
        job_.host.assign(value);
        break;
      case 'P':
        job_.user.assign(value);
        break;
      case 'J':
        job_.job_name = ctx.phi.token(value);
        break;
      case 'N':
        if (job_.files.size() < kMaxFileNames) job_.files.push_back(ctx.phi.token(value));
        break;
      default:
        break;
    }
  });
  std::string().swap(control_);
  state_ = State::Subcommand;
}

void LpdAnalyzer::emitOnce(AnalyzerContext& ctx, Timestamp ts) {
  if (emitted_ || !have_command_) return;
  emitted_ = true;
  events::Event event{
      ts, ctx.flow, std::move(job_),
      client_ == Direction::Responder ? events::Direction::ToClient : events::Direction::ToServer};
  ctx.events.emit(event);
}

void LpdAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t /*length*/, Timestamp ts) {
  if (client_ && dir != *client_) return;
  if (state_ != State::Done && state_ != State::Command)
    ctx.anomalies.add(Anomaly::LpdTruncatedJob);
  state_ = State::Done;
  emitOnce(ctx, ts);
}

void LpdAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  ended_[index(dir)] = true;
  const bool client_dir = !client_ || dir == *client_;
  if (client_dir && (state_ == State::ControlFile || (state_ == State::DataFile && !until_end_))) {
    ctx.anomalies.add(Anomaly::LpdTruncatedJob);
  }
  if (ended_[0] && ended_[1]) emitOnce(ctx, ts);
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = "lpd",
      .transport = Transport::Tcp,
      .port_hints = {std::begin(kPortHints), std::end(kPortHints)},
      .probe = &probe,
      .make_stream = &makeStream,
      .make_datagram = nullptr,
  });
}

}  // namespace medtap::analyzers::lpd
