// Fuzz target for the SunRPC analyzer: the input is fed as one UDP datagram per 0xFF-separated
// piece to the datagram analyzer, and as a record-marked TCP stream (both directions, cut into
// chunks by the first byte, every 3rd chunk the other way) to the stream analyzer; every event
// is formatted as EVE. Checks: no crash.
#include <cstddef>
#include <cstdint>

#include "analyzers/rpc/rpc_analyzer.h"
#include "decode/packet.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap;
  using flow::Direction;
  const auto in = fuzz::chunkedInput(data, size);
  if (!in) return 0;
  const Bytes input = in->stream;
  fuzz::StreamContext s;

  analyzers::rpc::RpcDatagramAnalyzer udp;
  size_t start = 0;
  for (size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == 0xFF) {
      decode::DecodedPacket p;
      p.payload = input.subspan(start, i - start);
      udp.feed(s.ctx, (i & 1) ? Direction::Responder : Direction::Originator, p);
      start = i + 1;
    }
  }
  udp.end(s.ctx, {});

  analyzers::rpc::RpcStreamAnalyzer tcp;
  fuzz::feedChunks(tcp, s.ctx, input, in->chunk, 3);
  return 0;
}
