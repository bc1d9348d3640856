// Fuzz target for the LPD analyzer: the input (after a chunk-size byte) is the client's stream,
// cut into chunks; every 4th chunk goes the other way as the printer's answer. Every event is
// formatted as EVE. Checks: no crash.
#include <cstddef>
#include <cstdint>

#include "analyzers/lpd/lpd_analyzer.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap;
  const auto in = fuzz::chunkedInput(data, size);
  if (!in) return 0;
  fuzz::StreamContext s;
  analyzers::lpd::LpdAnalyzer a;
  fuzz::feedChunks(a, s.ctx, in->stream, in->chunk, 4);
  return 0;
}
