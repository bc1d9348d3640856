// Fuzz target for the SunRPC analyzer: the input is fed as one UDP datagram per 0xFF-separated
// piece to the datagram analyzer, and as a record-marked TCP stream (both directions, cut into
// chunks by the first byte) to the stream analyzer; every event is formatted as EVE. Checks:
// no crash, the framer's buffer stays within its limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analyzers/rpc/rpc_analyzer.h"
#include "decode/packet.h"
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

  rpc::RpcDatagramAnalyzer udp;
  size_t start = 0;
  for (size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == 0xFF) {
      decode::DecodedPacket p;
      p.payload = input.subspan(start, i - start);
      udp.feed(ctx, (i & 1) ? Direction::Responder : Direction::Originator, p);
      start = i + 1;
    }
  }
  udp.end(ctx, {});

  rpc::RpcStreamAnalyzer tcp;
  for (size_t i = 0; i < input.size(); i += chunk) {
    const Direction dir = ((i / chunk) % 3 == 2) ? Direction::Responder : Direction::Originator;
    if (tcp.feed(ctx, dir, input.subspan(i, std::min(chunk, input.size() - i)), {}) ==
        FeedResult::OutOfSync) {
      break;
    }
  }
  tcp.end(ctx, Direction::Originator, {});
  tcp.end(ctx, Direction::Responder, {});
  return 0;
}
