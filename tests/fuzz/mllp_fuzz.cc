// Fuzz target for HL7 framing (MLLP and bare HL7) and the HL7 analyzer behind it.
//
// Input: byte 0 gives n = byte & 15; the next n bytes are a cycle of chunk sizes (low 7 bits,
// 0 meaning "a gap here" for the analyzer; the high bit sends the chunk the other way); the rest
// is the stream. Checks, beyond "no crash": the MLLP framer never holds more than its limit, and
// gives the same messages and anomalies however the stream is cut into chunks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "analyzers/dispatcher.h"
#include "analyzers/hl7/hl7_analyzer.h"
#include "analyzers/hl7/mllp_framer.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

class Recorder : public hl7::FramerCallbacks {
 public:
  void onMessage(Bytes m) override { messages.emplace_back(asChars(m)); }
  void onAnomaly(Anomaly a) override { anomalies.add(a); }
  std::vector<std::string> messages;
  AnomalyCounters anomalies;
};

class NullSink : public events::EventSink {
 public:
  void emit(const events::Event&) override { ++count; }
  size_t count = 0;
};

// Small limits, so that the fuzzer reaches them.
constexpr hl7::MllpLimits kLimits{.max_message_size = 512, .max_bytes_outside_frame = 256};

using fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = fuzz::sizedInput(data, size);
  if (!in) return 0;
  const Bytes sizes = in->sizes;
  const Bytes stream = in->stream;
  const size_t n = sizes.size();

  // The MLLP framer: chunked vs whole.
  Recorder whole;
  {
    hl7::MllpFramer framer(kLimits);
    framer.feed(stream, whole);
    framer.end(whole);
  }
  Recorder chunked;
  {
    hl7::MllpFramer framer(kLimits);
    size_t pos = 0;
    for (size_t i = 0; pos < stream.size(); ++i) {
      const size_t len = fuzz::chunkLength(sizes, i, stream.size() - pos);
      framer.feed(stream.subspan(pos, len), chunked);
      check(framer.bufferedBytes() <= kLimits.max_message_size);
      pos += len;
    }
    framer.end(chunked);
  }
  check(whole.messages == chunked.messages);
  for (size_t a = 0; a < kAnomalyCount; ++a) {
    check(whole.anomalies.get(static_cast<Anomaly>(a)) ==
          chunked.anomalies.get(static_cast<Anomaly>(a)));
  }
  for (const std::string& m : whole.messages)
    check(!m.empty() && m.size() <= kLimits.max_message_size);

  // The analyzer, with gaps and both directions.
  flow::Flow flow;
  flow.key.proto = 6;
  const events::FlowRef ref = Dispatcher::flowRef(flow);
  NullSink sink;
  AnomalyCounters anomalies;
  static const auto phi = medtap::privacy::PhiTokenizer::withSecret("fuzz");
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  hl7::Hl7Analyzer analyzer(kLimits);
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size(); ++i) {
    const uint8_t s = n == 0 ? 0x7F : sizes[i % n];
    const Direction dir = (s & 0x80) != 0 ? Direction::Responder : Direction::Originator;
    const size_t len = std::min<size_t>(s & 0x7F, stream.size() - pos);
    const Timestamp ts{static_cast<int64_t>(i)};
    if (len == 0) {
      analyzer.gap(ctx, dir, 1, ts);
      pos += 1;  // the "lost" byte
      continue;
    }
    if (analyzer.feed(ctx, dir, stream.subspan(pos, len), ts) == FeedResult::OutOfSync) break;
    pos += len;
  }
  analyzer.end(ctx, Direction::Originator, Timestamp{});
  analyzer.end(ctx, Direction::Responder, Timestamp{});
  return 0;
}
