// Fuzz target for the HTTP/1.x analyzer: the input, cut into chunks of a size taken from its
// first byte, is fed as both directions of one connection; then gap and end. Checks, beyond
// "no crash", that event fields respect their limits and no query value leaves untokenized.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "analyzers/http/http_analyzer.h"
#include "analyzers/http/http_message.h"
#include "analyzers/http/limits.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

using fuzz::check;

class Sink : public events::EventSink {
 public:
  void emit(const events::Event& e) override {
    const auto* t = std::get_if<events::HttpTransaction>(&e.body);
    check(t != nullptr);
    for (const std::string* f :
         {&t->hostname, &t->http_user_agent, &t->server, &t->http_content_type}) {
      check(f->size() <= http::kMaxFieldLength);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = size_t{data[0]} + 1;
  const Bytes bytes(data + 1, size - 1);
  http::probe(bytes, flow::Direction::Originator);

  static const auto phi = privacy::PhiTokenizer::withSecret("fuzz");
  Sink sink;
  AnomalyCounters anomalies;
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  http::HttpAnalyzer analyzer;
  fuzz::feedBothWays(analyzer, ctx, bytes, chunk);
  analyzer.gap(ctx, flow::Direction::Responder, 10, Timestamp{});
  analyzer.end(ctx, flow::Direction::Originator, Timestamp{});
  analyzer.end(ctx, flow::Direction::Responder, Timestamp{});

  std::string out;
  http::redactUri(asChars(bytes), phi, out);
  return 0;
}
