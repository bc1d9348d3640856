// Fuzz target for the Contec central-station stream analyzer: the input (after a chunk-size byte)
// is one direction of the stream, cut into chunks. Checks: no crash, and the events do not depend
// on the cut (compared with one feed).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/contec_cms/contec_analyzer.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;

std::vector<std::string> run(Bytes input, size_t chunk) {
  fuzz::StreamContext s;
  analyzers::contec_cms::ContecAnalyzer a;
  fuzz::feedChunks(a, s.ctx, input, chunk, 0);
  return s.sink.lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = fuzz::chunkedInput(data, size);
  if (!in) return 0;
  fuzz::check(run(in->stream, in->chunk) == run(in->stream, in->stream.size() + 1));
  return 0;
}
