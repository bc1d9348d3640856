// The pipeline of one worker: decode -> flow table -> analyzers -> event sink. It owns every
// stage's state for the packets it is given and shares nothing, so that several workers can run
// side by side on a symmetric flow-hash split of the traffic (DESIGN.md). Not thread-safe: one
// thread per Pipeline.
#pragma once

#include <cstdint>
#include <memory>

#include "analyzers/arp/arp_analyzer.h"
#include "analyzers/dispatcher.h"
#include "analyzers/registry.h"
#include "capture/packet_source.h"
#include "core/anomaly.h"
#include "decode/decoder.h"
#include "events/event.h"
#include "flow/flow_table.h"
#include "privacy/phi_tokenizer.h"

namespace medtap::pipeline {

struct PipelineOptions {
  decode::DecoderLimits decoder;
  flow::FlowTableConfig flows;
  analyzers::DispatcherLimits dispatcher;
};

struct PipelineStats {
  uint64_t packets = 0;
  uint64_t bytes = 0;              // captured bytes
  uint64_t ip_packets = 0;         // reached the flow table
  uint64_t other_packets = 0;      // ARP, non-IP ethertypes
  uint64_t malformed_packets = 0;  // decoding stopped at an anomaly
  uint64_t fragments_held = 0;     // IPv4 fragments waiting for the rest of their datagram
  Timestamp first_packet, last_packet;
  flow::FlowTableStats flows;
};

class Pipeline final : private flow::FlowCallbacks {
 public:
  // `sink` receives every event and must outlive the pipeline. `phi` keys the patient tokens.
  Pipeline(const PipelineOptions& options, const privacy::PhiTokenizer& phi,
           events::EventSink& sink);
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void process(const capture::RawPacket& raw);

  // End of input: ends every open flow (reason "shutdown") at the last packet's time.
  void finish();

  PipelineStats stats() const;
  // The counters every stage of this pipeline reports into; the capture source reports here too.
  AnomalyCounters& anomalies() { return anomalies_; }
  const AnomalyCounters& anomalies() const { return anomalies_; }

 private:
  // How often, in packet time, idle flows are looked for.
  static constexpr Duration kExpiryInterval = Duration::seconds(1);
  // How often, in packet time, open flows report the bytes they moved since (flow_progress): at
  // every multiple of it since the epoch, so that a run's reports do not depend on where the
  // capture starts.
  static constexpr Duration kProgressInterval = Duration::seconds(300);

  void onStreamData(flow::Flow& flow, flow::Direction dir, Bytes data, Timestamp ts) override;
  void onStreamGap(flow::Flow& flow, flow::Direction dir, uint64_t length, Timestamp ts) override;
  void onStreamEnd(flow::Flow& flow, flow::Direction dir, Timestamp ts) override;
  void onDatagram(flow::Flow& flow, flow::Direction dir,
                  const decode::DecodedPacket& packet) override;
  void onFlowEnd(flow::Flow& flow, flow::EndReason reason, Timestamp ts) override;
  void reportProgress(Timestamp now);

  AnomalyCounters anomalies_;
  events::EventSink& sink_;
  privacy::PhiTokenizer phi_;
  analyzers::Registry registry_;
  decode::Decoder decoder_;
  analyzers::Dispatcher dispatcher_;
  flow::FlowTable flows_;
  analyzers::arp::ArpAnalyzer arp_;
  decode::DecodedPacket packet_;  // reused for every packet: no allocation per packet
  PipelineStats stats_;
  Timestamp next_expiry_{};
  Timestamp next_progress_{};
  bool seen_packet_ = false;
};

}  // namespace medtap::pipeline
