// The HL7 v2 analyzer: cuts each direction of a TCP stream into messages (MLLP, or bare HL7 when
// the direction starts with "MSH"), parses them and emits one `hl7` event per message; a framed
// FHS/BHS batch gives one event per message inside it, each carrying the batch header.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <variant>

#include "analyzers/analyzer.h"
#include "analyzers/hl7/hl7_segments.h"
#include "analyzers/hl7/mllp_framer.h"
#include "analyzers/hl7/raw_framer.h"
#include "analyzers/registry.h"
#include "events/event.h"

namespace medtap::analyzers::hl7 {

// Yes when the bytes start with <SB> "MSH" (or a batch header, "FHS" / "BHS") (MLLP) or with
// "MSH" and a field separator (bare HL7), either after an optional UTF-8 BOM; Maybe when they are
// a prefix of that; No otherwise.
ProbeResult probe(Bytes first_bytes, Direction dir);

class Hl7Analyzer final : public StreamAnalyzer {
 public:
  explicit Hl7Analyzer(const MllpLimits& limits = {}) : limits_(limits) {}

  // Emits an event per complete message, with the time of the packet that completed it.
  // OutOfSync when a direction is not MLLP after all, or when kMaxConsecutiveBadMessages
  // messages in a row do not parse.
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  class Emitter;
  // Chosen from the first byte of each direction: <SB> means MLLP, 'M' or a BOM bare HL7, and
  // anything else MLLP (whose framer then reports the stray bytes).
  using Framer = std::variant<std::monostate, MllpFramer, RawFramer>;

  Framer& framerFor(Direction dir, Bytes first_data);
  void onMessage(AnalyzerContext& ctx, Direction dir, Bytes payload, Timestamp ts);
  // Parses one message and emits its event; `batch` is the FHS/BHS header it came under, if any.
  void emitMessage(AnalyzerContext& ctx, Direction dir, std::string_view message, Timestamp ts,
                   const events::Hl7Batch* batch);

  MllpLimits limits_;
  std::array<Framer, 2> framers_;
  uint32_t consecutive_bad_ = 0;  // messages in a row that did not parse
  // The message being filled, one per direction, reused so that its strings, segment list and
  // observations are allocated once per flow rather than once per message: an ORU's 17
  // observations stay allocated while the ACK (no observations) is parsed in the other
  // direction. Created at each direction's first message, so a quiet flow does not carry their
  // ~300 bytes.
  std::array<std::unique_ptr<events::Hl7Message>, 2> scratch_;
  // Tokens of the flow's last patient, so a monitor's stream costs one HMAC per patient field;
  // created with the first scratch message.
  std::unique_ptr<PatientTokens> tokens_;
};

// Adds the "hl7" analyzer (TCP; port hints 2575, 6661, 511, 4601, 3100).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::hl7
