// Replays a capture through the real capture reader, decoder and flow table into the dispatcher
// with every analyzer registered, recording the events, the anomalies and each flow's app_proto:
// the one harness the analyzers' capture tests share (tshark_fields.h gives tshark's side).
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
  std::vector<std::string> app_protos;  // each flow's app_proto as it ended (the flow event's)
  template <typename T>
  std::vector<const T*> bodies() const {
    std::vector<const T*> out;
    for (const events::Event& e : sink.events) {
      if (const auto* b = std::get_if<T>(&e.body)) out.push_back(b);
    }
    return out;
  }
};

// Passes everything to the dispatcher and records each ended flow's app_proto.
class AppProtoRecorder : public flow::FlowCallbacks {
 public:
  AppProtoRecorder(Dispatcher& d, std::vector<std::string>& app_protos)
      : d_(d), app_protos_(app_protos) {}
  void onStreamData(flow::Flow& f, Direction dir, Bytes data, Timestamp ts) override {
    d_.onStreamData(f, dir, data, ts);
  }
  void onStreamGap(flow::Flow& f, Direction dir, uint64_t len, Timestamp ts) override {
    d_.onStreamGap(f, dir, len, ts);
  }
  void onStreamEnd(flow::Flow& f, Direction dir, Timestamp ts) override {
    d_.onStreamEnd(f, dir, ts);
  }
  void onDatagram(flow::Flow& f, Direction dir, const decode::DecodedPacket& p) override {
    d_.onDatagram(f, dir, p);
  }
  void onFlowEnd(flow::Flow& f, flow::EndReason reason, Timestamp ts) override {
    d_.onFlowEnd(f, reason, ts);
    app_protos_.emplace_back(f.app_proto);
  }

 private:
  Dispatcher& d_;
  std::vector<std::string>& app_protos_;
};

inline void runCapture(const std::string& path, const privacy::PhiTokenizer& phi, CaptureRun& run) {
  Registry registry;
  registerAnalyzers(registry);
  Dispatcher dispatcher(registry, run.sink, run.anomalies, phi);
  AppProtoRecorder callbacks(dispatcher, run.app_protos);
  flow::FlowTable flows(flow::FlowTableConfig{}, callbacks, run.anomalies);
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

// The same with a fixed test secret for the patient tokens.
inline void runCapture(const std::string& path, CaptureRun& run) {
  runCapture(path, privacy::PhiTokenizer::withSecret("test"), run);
}

}  // namespace medtap::analyzers::fixtures
