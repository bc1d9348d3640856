// Fuzzes the STIX 2.1 pack loader (intel/pack.h; a site's own threat-intelligence file): any bytes
// give indicators or one line naming the pack, never a crash, a hang or unbounded memory.
#include "intel_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return medtap::intel::fuzzPack(data, size, medtap::intel::parseStix);
}
