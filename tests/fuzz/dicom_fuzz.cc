// Fuzz target for the DICOM upper layer: PDU framing, association parsing, PDV reassembly into
// DIMSE messages and the data-set scanner, behind the analyzer.
//
// Input: byte 0 gives n = byte & 15; the next n bytes are a cycle of chunk sizes (low 7 bits, 0
// meaning "a gap of one byte here"; the high bit sends the chunk the other way); the rest is the
// stream. Checks, beyond "no crash": the framer never holds more than its limit, and whole vs
// chunked feeding of one direction gives the same events and anomalies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "analyzers/dicom/dicom_analyzer.h"
#include "analyzers/dicom/pdu_framer.h"
#include "fuzz_support.h"
#include "sinks/eve_writer.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

class LineSink : public events::EventSink {
 public:
  void emit(const events::Event& e) override {
    sinks::formatEve(e, lines);
    lines += '\n';
  }
  std::string lines;
};

// Small limits, so that the fuzzer reaches them.
constexpr dicom::PduLimits kPduLimits{.max_buffered_pdu = 2048};
constexpr dicom::AssemblerLimits kMessageLimits{.max_command_set = 256};

events::FlowRef tcpFlow() {
  events::FlowRef ref;
  ref.proto = 6;  // TCP
  return ref;
}

using fuzz::check;

struct Outcome {
  std::string lines;
  AnomalyCounters anomalies;
};

// Feeds `stream` to one direction in chunks of `sizes` (whole when empty).
Outcome runOneDirection(Bytes stream, Bytes sizes) {
  static const auto phi = privacy::PhiTokenizer::withSecret("fuzz");
  const events::FlowRef ref = tcpFlow();
  LineSink sink;
  Outcome out;
  AnalyzerContext ctx{ref, sink, out.anomalies, phi};
  dicom::DicomAnalyzer analyzer(kPduLimits, kMessageLimits);
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size(); ++i) {
    const size_t len = fuzz::chunkLength(sizes, i, stream.size() - pos);
    const FeedResult r =
        analyzer.feed(ctx, Direction::Originator, stream.subspan(pos, len), Timestamp{});
    pos += len;
    if (r == FeedResult::OutOfSync) break;
  }
  analyzer.end(ctx, Direction::Originator, Timestamp{});
  out.lines = std::move(sink.lines);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = fuzz::sizedInput(data, size);
  if (!in) return 0;
  const Bytes sizes = in->sizes;
  const Bytes stream = in->stream;
  const size_t n = sizes.size();

  // Whole vs chunked: same events, same anomalies.
  const Outcome whole = runOneDirection(stream, {});
  const Outcome chunked = runOneDirection(stream, sizes);
  check(whole.lines == chunked.lines);
  for (size_t a = 0; a < kAnomalyCount; ++a) {
    check(whole.anomalies.get(static_cast<Anomaly>(a)) ==
          chunked.anomalies.get(static_cast<Anomaly>(a)));
  }

  // The framer alone never holds more than its limit.
  {
    class Null : public dicom::PduCallbacks {
     public:
      void onPdu(dicom::PduType, Bytes) override {}
      void onPdvStart(uint8_t, uint8_t, uint32_t) override {}
      void onPdvData(Bytes) override {}
      void onPdvLost(uint64_t) override {}
      void onPdvEnd() override {}
      void onLostSync() override {}
      void onAnomaly(Anomaly) override {}
    } null;
    dicom::PduFramer framer(kPduLimits);
    size_t pos = 0;
    for (size_t i = 0; pos < stream.size(); ++i) {
      const size_t len =
          std::min<size_t>(n == 0 ? 64 : (sizes[i % n] & 0x7F) + 1, stream.size() - pos);
      framer.feed(stream.subspan(pos, len), null);
      check(framer.bufferedBytes() <= kPduLimits.max_buffered_pdu);
      pos += len;
    }
  }

  // Both directions with gaps.
  static const auto phi = privacy::PhiTokenizer::withSecret("fuzz");
  const events::FlowRef ref = tcpFlow();
  LineSink sink;
  AnomalyCounters anomalies;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  dicom::DicomAnalyzer analyzer(kPduLimits, kMessageLimits);
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size(); ++i) {
    const uint8_t s = n == 0 ? 0x7F : sizes[i % n];
    const Direction dir = (s & 0x80) != 0 ? Direction::Responder : Direction::Originator;
    const size_t len = std::min<size_t>(s & 0x7F, stream.size() - pos);
    if (len == 0) {
      analyzer.gap(ctx, dir, 1, Timestamp{});
      pos += 1;
      continue;
    }
    if (analyzer.feed(ctx, dir, stream.subspan(pos, len), Timestamp{}) == FeedResult::OutOfSync) {
      break;
    }
    pos += len;
  }
  analyzer.end(ctx, Direction::Originator, Timestamp{});
  analyzer.end(ctx, Direction::Responder, Timestamp{});
  return 0;
}
