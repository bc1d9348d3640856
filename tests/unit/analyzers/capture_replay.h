// Replays a capture through the real capture reader, decoder and flow table into the dispatcher
// with every analyzer registered, recording the events: the one harness the analyzers' capture
// tests share (pcap_run.h and http/capture_run.h add their tshark helpers on top).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/dispatcher.h"
#include "analyzers/registry.h"
#include "capture/file_source.h"
#include "decode/decoder.h"
#include "flow/flow_table.h"
#include "test_support.h"

namespace medtap::analyzers::fixtures {

// `path` is absolute. Flows still open at the end are flushed.
struct CaptureRun {
  RecordingSink sink;
  AnomalyCounters anomalies;
  template <typename T>
  std::vector<const T*> bodies() const {
    std::vector<const T*> out;
    for (const events::Event& e : sink.events) {
      if (const auto* b = std::get_if<T>(&e.body)) out.push_back(b);
    }
    return out;
  }
};

inline void runCapture(const std::string& path, const privacy::PhiTokenizer& phi, CaptureRun& run) {
  Registry registry;
  registerAnalyzers(registry);
  Dispatcher dispatcher(registry, run.sink, run.anomalies, phi);
  flow::FlowTable flows(flow::FlowTableConfig{}, dispatcher, run.anomalies);
  decode::Decoder decoder(run.anomalies);
  auto source = capture::openCaptureFile(path, run.anomalies);
  ASSERT_TRUE(source.ok()) << source.error();
  capture::RawPacket raw;
  decode::DecodedPacket packet;
  Timestamp last;
  while ((*source)->next(raw) == capture::ReadStatus::Packet) {
    last = raw.ts;
    if (decoder.decode(raw, packet) == decode::DecodeResult::Ok &&
        (packet.l3 == decode::L3::Ipv4 || packet.l3 == decode::L3::Ipv6)) {
      flows.process(packet);
    }
  }
  flows.flushAll(last);
}

}  // namespace medtap::analyzers::fixtures
