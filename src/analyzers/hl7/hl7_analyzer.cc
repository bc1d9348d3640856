#include "analyzers/hl7/hl7_analyzer.h"

#include <algorithm>
#include <string_view>
#include <type_traits>
#include <utility>

#include "analyzers/hl7/hl7_header.h"
#include "analyzers/hl7/hl7_message.h"
#include "analyzers/hl7/limits.h"

namespace medtap::analyzers::hl7 {

namespace {

constexpr std::string_view kName = "hl7";
constexpr std::string_view kMsh = "MSH";
constexpr std::string_view kFhs = "FHS";  // file batch header (HL7 v2.5.1 2.15.5)
constexpr std::string_view kBhs = "BHS";  // batch header (2.15.2)
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Server ports HL7 is commonly found on; hints only (HL7 runs on any port). 2575: IANA "hl7";
// 6661: interface-engine default seen in the public MLLP captures (tapirx, nDPI); 511: the HL7
// feed of the Contec CMS8000 (CISA ICSMA-25-030-01); 4601, 3100: other device-gateway ports.
constexpr uint16_t kPortHints[] = {2575, 6661, 511, 4601, 3100};

enum class Match : uint8_t { No, Partial, Full };

// Whether `text` at `pos` starts with `pattern`, or is cut short inside it.
Match matchAt(std::string_view text, size_t pos, std::string_view pattern) {
  const std::string_view rest = text.substr(std::min(pos, text.size()));
  if (rest.size() >= pattern.size()) return rest.starts_with(pattern) ? Match::Full : Match::No;
  return pattern.starts_with(rest) ? Match::Partial : Match::No;
}

bool isFieldSeparator(char c) {
  return c > ' ' && c < 0x7F && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') &&
         !(c >= '0' && c <= '9');
}

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<Hl7Analyzer>();
}

}  // namespace

ProbeResult probe(Bytes first_bytes, Direction /*dir*/) {
  const std::string_view text = asChars(first_bytes);
  if (text.empty()) return ProbeResult::Maybe;
  const bool mllp = first_bytes[0] == kMllpStartBlock;
  size_t pos = mllp ? 1 : 0;
  switch (matchAt(text, pos, kUtf8Bom)) {
    case Match::Full:
      pos += kUtf8Bom.size();
      break;
    case Match::Partial:
      return ProbeResult::Maybe;
    case Match::No:
      break;
  }
  Match header = matchAt(text, pos, kMsh);
  if (mllp && header == Match::No)
    header = std::max(matchAt(text, pos, kFhs), matchAt(text, pos, kBhs));
  switch (header) {
    case Match::No:
      return ProbeResult::No;
    case Match::Partial:
      return ProbeResult::Maybe;
    case Match::Full:
      break;
  }
  if (mllp) return ProbeResult::Yes;
  // Bare HL7: "MSH" alone is too common a word; the field separator after it makes it a header.
  pos += kMsh.size();
  if (pos >= text.size()) return ProbeResult::Maybe;
  return isFieldSeparator(text[pos]) ? ProbeResult::Yes : ProbeResult::No;
}

// Hands the framer's messages and anomalies of one feed()/gap()/end() call to the analyzer.
class Hl7Analyzer::Emitter final : public FramerCallbacks {
 public:
  Emitter(Hl7Analyzer& analyzer, AnalyzerContext& ctx, Direction dir, Timestamp ts)
      : analyzer_(analyzer), ctx_(ctx), dir_(dir), ts_(ts) {}
  void onMessage(Bytes message) override { analyzer_.onMessage(ctx_, dir_, message, ts_); }
  void onAnomaly(Anomaly anomaly) override { ctx_.anomalies.add(anomaly); }

 private:
  Hl7Analyzer& analyzer_;
  AnalyzerContext& ctx_;
  Direction dir_;
  Timestamp ts_;
};

FeedResult Hl7Analyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  if (data.empty()) return FeedResult::Consumed;
  Emitter emitter(*this, ctx, dir, ts);
  const FeedResult result = std::visit(
      [&](auto& framer) -> FeedResult {
        if constexpr (std::is_same_v<std::decay_t<decltype(framer)>, std::monostate>) {
          return FeedResult::Consumed;  // unreachable: framerFor() chose one
        } else {
          return framer.feed(data, emitter);
        }
      },
      framerFor(dir, data));
  if (consecutive_bad_ >= kMaxConsecutiveBadMessages) return FeedResult::OutOfSync;
  return result;
}

void Hl7Analyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t /*length*/, Timestamp ts) {
  Framer& framer = framers_[index(dir)];
  if (std::holds_alternative<std::monostate>(framer)) {
    // The direction's first bytes were lost, so what comes next is no guide to its framing: take
    // the other direction's, or MLLP, and let the framer skip to the next message start.
    if (std::holds_alternative<RawFramer>(framers_[index(opposite(dir))])) {
      framer.emplace<RawFramer>(limits_.max_message_size);
    } else {
      framer.emplace<MllpFramer>(limits_);
    }
  }
  Emitter emitter(*this, ctx, dir, ts);
  std::visit(
      [&](auto& framer) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(framer)>, std::monostate>) {
          framer.gap(emitter);
        }
      },
      framer);
}

void Hl7Analyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  Emitter emitter(*this, ctx, dir, ts);
  std::visit(
      [&](auto& framer) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(framer)>, std::monostate>) {
          framer.end(emitter);
        }
      },
      framers_[index(dir)]);
}

Hl7Analyzer::Framer& Hl7Analyzer::framerFor(Direction dir, Bytes first_data) {
  Framer& framer = framers_[index(dir)];
  if (std::holds_alternative<std::monostate>(framer)) {
    const uint8_t first = first_data[0];
    if (first == static_cast<uint8_t>('M') || first == static_cast<uint8_t>(kUtf8Bom[0])) {
      framer.emplace<RawFramer>(limits_.max_message_size);
    } else {
      framer.emplace<MllpFramer>(limits_);
    }
  }
  return framer;
}

void Hl7Analyzer::onMessage(AnalyzerContext& ctx, Direction dir, Bytes payload, Timestamp ts) {
  std::unique_ptr<events::Hl7Message>& scratch = scratch_[index(dir)];
  if (!scratch) scratch = std::make_unique<events::Hl7Message>();
  if (!tokens_) tokens_ = std::make_unique<PatientTokens>(ctx.phi);
  const std::string_view text = asChars(payload);
  if (startsWithBatchHeader(text)) {
    events::Hl7Batch batch;
    const size_t count = forEachBatchMessage(
        text, batch, ctx.anomalies, Hl7Limits{},
        [&](std::string_view message) { emitMessage(ctx, dir, message, ts, &batch); });
    if (count == 0) ++consecutive_bad_;  // a batch header with no message in it
    return;
  }
  emitMessage(ctx, dir, text, ts, nullptr);
}

void Hl7Analyzer::emitMessage(AnalyzerContext& ctx, Direction dir, std::string_view message,
                              Timestamp ts, const events::Hl7Batch* batch) {
  events::Hl7Message& scratch = *scratch_[index(dir)];
  const ParseOptions options{.tokens = tokens_.get(), .limits = {}, .stats = nullptr};
  if (parseMessage(message, scratch, ctx.anomalies, options) != ParseStatus::Ok) {
    ++consecutive_bad_;
    return;
  }
  consecutive_bad_ = 0;
  if (batch != nullptr) {
    scratch.batch = *batch;
  } else if (scratch.batch.present) {
    scratch.batch = {};
  }
  events::Event event{ts, ctx.flow, std::move(scratch)};
  event.direction =
      dir == Direction::Originator ? events::Direction::ToServer : events::Direction::ToClient;
  ctx.events.emit(event);
  scratch = std::move(std::get<events::Hl7Message>(event.body));
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = kName,
      .transport = Transport::Tcp,
      .port_hints = {std::begin(kPortHints), std::end(kPortHints)},
      .probe = &probe,
      .make_stream = &makeStream,
      .make_datagram = nullptr,
  });
}

}  // namespace medtap::analyzers::hl7
