// Fuzz target for the LPD analyzer: the input (after a chunk-size byte) is the client's stream,
// cut into chunks; every 4th chunk goes the other way as the printer's answer. Checks: no crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/lpd/lpd_analyzer.h"
#include "sinks/eve_writer.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

class FormatSink : public events::EventSink {
 public:
  void emit(const events::Event& e) override {
    line.clear();
    sinks::formatEve(e, line);
  }
  std::string line;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = (data[0] & 63) + 1;
  const Bytes input(data + 1, size - 1);
  events::FlowRef ref;
  FormatSink sink;
  AnomalyCounters anomalies;
  const auto phi = privacy::PhiTokenizer::withSecret("fuzz");
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  lpd::LpdAnalyzer a;
  for (size_t i = 0; i < input.size(); i += chunk) {
    const Direction dir = ((i / chunk) % 4 == 3) ? Direction::Responder : Direction::Originator;
    a.feed(ctx, dir, input.subspan(i, std::min(chunk, input.size() - i)), {});
  }
  a.end(ctx, Direction::Originator, {});
  a.end(ctx, Direction::Responder, {});
  return 0;
}
