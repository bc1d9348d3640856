// libFuzzer target for the capture readers: openCaptureBuffer over the input (pcap, pcapng, or
// either gzip-compressed), every packet read and its bytes touched, once with the default limits
// and once with small ones so that the limit paths are reached by small inputs.
#include <cstddef>
#include <cstdint>

#include "capture/file_source.h"

namespace {

void readAll(const uint8_t* data, size_t size, const medtap::capture::FileSourceLimits& limits) {
  using medtap::capture::ReadStatus;
  medtap::AnomalyCounters anomalies;
  auto source = medtap::capture::openCaptureBuffer({data, size}, anomalies, limits);
  if (!source.ok()) return;
  medtap::capture::RawPacket packet;
  volatile uint8_t sink = 0;
  while ((*source)->next(packet) == ReadStatus::Packet) {
    // The view must be readable end to end (ASan checks it).
    if (!packet.data.empty()) sink = sink ^ packet.data.front() ^ packet.data.back();
  }
  // After the end, the source keeps answering and its error stays one line.
  (*source)->next(packet);
  if ((*source)->error().find('\n') != std::string::npos) __builtin_trap();
  (void)(*source)->stats();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  readAll(data, size, {});
  medtap::capture::FileSourceLimits small;
  small.max_record_bytes = 512;
  small.max_interfaces = 4;
  readAll(data, size, small);
  return 0;
}
