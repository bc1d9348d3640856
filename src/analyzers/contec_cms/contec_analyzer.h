// The Contec central-station stream analyzer (TCP 515-520, DOMAIN.md; layout unconfirmed, from
// the public scarito/cms decoder). Event policy, chosen because telemetry blocks arrive several
// times a second per monitor: one event per patient record (personal fields as tokens only), per
// bed number change, per error block, per change to a block type without an event of its own
// (0x43, unknown types), and one "cycle" event per end-of-cycle block (0x47) with the latest
// vitals of the telemetry blocks folded into it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "analyzers/analyzer.h"
#include "analyzers/contec_cms/block_framer.h"
#include "analyzers/registry.h"
#include "events/contec_cms.h"

namespace medtap::analyzers::contec_cms {

// Yes when the bytes start with a block header (LE16 length 2..kMaxBlockSize, 0x05, a known
// block type); Maybe for a prefix of one; No otherwise. Disjoint from LPD, whose first byte is a
// command (0x01-0x05) followed by a printable queue name: as a length that is above the limit.
ProbeResult probe(Bytes first_bytes, Direction dir);

class ContecAnalyzer final : public StreamAnalyzer {
 public:
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

  void onBlock(AnalyzerContext& ctx, Direction dir, uint8_t type, Bytes payload, Timestamp ts);

 private:
  class Emitter;
  void emit(AnalyzerContext& ctx, Direction dir, events::ContecCmsBlock&& block, Timestamp ts);

  std::array<BlockFramer, 2> framers_;
  std::optional<uint8_t> bed_;        // the latest bed number (0x45 or patient record)
  std::optional<uint8_t> last_type_;  // type of the previous block
  events::ContecVitals vitals_;       // the latest vitals
  uint32_t telemetry_blocks_ = 0;     // since the last cycle event
};

// Adds "contec_cms" (TCP; port hints 515-520).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::contec_cms
