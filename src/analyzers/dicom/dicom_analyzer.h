// The DICOM upper-layer analyzer (PS3.8): frames each direction into PDUs, parses the association
// PDUs, reassembles P-DATA fragments into DIMSE messages and emits one `dicom` event per
// association PDU (RQ, AC, RJ, release, abort) and per DIMSE message, never per fragment.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/dicom/contexts.h"
#include "analyzers/dicom/message_assembler.h"
#include "analyzers/dicom/pdu_framer.h"
#include "analyzers/registry.h"

namespace medtap::analyzers::dicom {

// Yes for an A-ASSOCIATE-RQ header (PS3.8 9.3.2): type 0x01, reserved 0x00, a length that fits
// the fixed part and an item, protocol version 0x0001, printable AE titles and the application
// context item (0x10) first; Maybe while the bytes are a prefix of that; No otherwise.
ProbeResult probe(Bytes first_bytes, Direction dir);

class DicomAnalyzer final : public StreamAnalyzer {
 public:
  explicit DicomAnalyzer(const PduLimits& pdu_limits = {},
                         const AssemblerLimits& message_limits = {})
      : framers_{PduFramer(pdu_limits), PduFramer(pdu_limits)},
        assemblers_{MessageAssembler(message_limits), MessageAssembler(message_limits)} {}

  // Events carry the time of the packet that completed the PDU or message. OutOfSync when a
  // direction stops being DICOM (an unknown PDU type).
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  class Emitter;
  void onPdu(AnalyzerContext& ctx, Direction dir, PduType type, Bytes body, Timestamp ts);

  std::array<PduFramer, 2> framers_;
  std::array<MessageAssembler, 2> assemblers_;
  ContextTable contexts_;
};

// Adds the "dicom" analyzer (TCP; port hints 104, 11112, 4242).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::dicom
